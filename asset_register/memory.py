"""Give the memory of large temporaries back to the system.

Opening a large register in the desktop app reads it in slices on several threads, joins
the slices into the drawing arrays, then reads the label fields, the search box's ids and
the quality fields (``quality/data.py``).
Freed temporaries of a few megabytes each are not returned to the system by default:
glibc keeps chunks under its dynamic mmap threshold (which rises to 32 MB as large blocks
are freed) in per-thread heaps, where they stay resident, and Arrow's own allocator keeps
freed pages a while. At 10 million assets that was gigabytes held beside the drawing
arrays. ``release`` hands back what the heaps and Arrow's pool hold free, after each large
read (it does nothing where there is no glibc). A fixed, low mmap threshold would keep the
heaps small too, but every map render's temporaries then cost fresh pages: a density view
of 1M assets took 0.9 s instead of 0.05 s.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from contextlib import contextmanager

_libc = None


def _glibc():
    global _libc
    if _libc is None:
        _libc = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                libc.malloc_trim  # noqa: B018  (glibc only: musl has none)
                _libc = libc
            except (OSError, AttributeError):
                _libc = False
    return _libc


def release() -> None:
    """Return freed memory: the free pages of every glibc heap, and Arrow's pool's unused
    memory (when Arrow is loaded)."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        try:
            pa.default_memory_pool().release_unused()
        except Exception:  # an old Arrow or a pool without the call: nothing to release
            pass
    libc = _glibc()
    if libc:
        libc.malloc_trim(0)


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector paused for the block, on again after it if it was.

    For bulk work on a few large arrays that makes no reference cycles: the collector's
    full passes walk every object on the heap each time enough new ones were made, and
    find nothing. An import of a million lines ran 12 such passes (0.6–1 s of CPU) and
    they freed no object. Reference counting frees everything as before; only cycles would
    wait for the end of the block (or the next pass after it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
