"""A register file brought into the system's page cache while a large batch reads it.

A batch of 100,000 footprints on a 10 million asset register meets about half a million
assets spread over the whole file (the R*Tree's nodes and the assets table). Read the
first time after the file left the page cache (a new day, other registers read in between,
the system's memory reclaim), each page SQLite asks for is a random read waited for on its
own — and the system reads 128 KB around each, so such a batch brought 2.9 of the 3.3 GB
file into the cache anyway, in 10-17 s instead of the 4.5-5 s it takes from the cache.
Read in long runs from both ends instead, the file comes in at the disk's streaming speed
while the batch's own reads go on.

``Warmer(path)`` reads, in two threads (file reads release the GIL), the chunks of the file
(``CHUNK`` bytes) holding a page that is not in the page cache (Linux ``mincore``): one
thread from the start, one from the end (the R*Tree's nodes, which a batch reads first, lie
near the end of a register written in one batch, its assets before them). ``stop`` ends it
after the chunk in hand (each chunk one bounded read of the file) and waits for the threads.
It opens the file read-only, reads into a buffer of its own and throws the bytes away: what
it changes is only which pages the system holds, never what a read of the register answers.
It does nothing where ``mincore`` cannot be asked (not Linux), when less than
``MIN_UNCACHED`` of the file is out of the cache, or when the file would take more than
``MEMORY_SHARE`` of the memory the system says is available (its pages would push out
others the machine needs more).
"""

from __future__ import annotations

import logging
import mmap
import os
import sys
import threading

import numpy as np

from ...inputs import mem_available  # (the kernel's MemAvailable)

log = logging.getLogger(__name__)

CHUNK = 1 << 20  # bytes read at a time (and the unit in which cached pages are looked up)
CHUNK_SHARE = 0.125  # a chunk's share of pages out of the cache from which it is read (a few
# pages the system let go of here and there are left to the batch's own reads)
MADV_POPULATE_READ = 22  # Linux 5.14+: pages brought in by mapping them, no copy made
THREADS = 2  # readers: two runs in flight read a local disk faster than one
MIN_UNCACHED = 0.05  # the file's share out of the cache below which nothing is read
MEMORY_SHARE = 0.5  # the most of the available memory the file may take


def uncached_chunks(path: str, chunk: int | None = None,
                    share: float | None = None) -> np.ndarray | None:
    """The start offsets of the file's chunks (of ``chunk`` bytes, ``CHUNK`` unless told)
    with at least ``share`` (``CHUNK_SHARE`` unless told; at least one page) of their pages
    out of the page cache; None where that cannot be told (not Linux, or the calls fail)."""
    chunk = chunk or CHUNK
    share = CHUNK_SHARE if share is None else share
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                              ctypes.c_int, ctypes.c_long]
        libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
        fd = os.open(path, os.O_RDONLY)
    except (OSError, AttributeError):
        return None
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            return np.zeros(0, dtype=np.int64)
        addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if addr in (None, ctypes.c_void_p(-1).value):
            return None
        try:
            page = mmap.PAGESIZE
            vec = np.zeros((size + page - 1) // page, dtype=np.uint8)
            if libc.mincore(ctypes.c_void_p(addr), size, vec.ctypes.data) != 0:
                return None
        finally:
            libc.munmap(ctypes.c_void_p(addr), size)
    finally:
        os.close(fd)
    per = max(chunk // page, 1)
    missing = (vec & 1) == 0
    pad = (-len(missing)) % per  # (the last chunk's pages past the file's end: cached)
    by_chunk = np.concatenate([missing, np.zeros(pad, dtype=bool)]).reshape(-1, per)
    out = by_chunk.sum(1)
    wanted = (out >= share * per) & (out > 0)
    return np.flatnonzero(wanted).astype(np.int64) * (per * page)


def chunks_to_read(path: str) -> np.ndarray:
    """The offsets of the chunks ``Warmer`` reads (see the module's text); empty for none."""
    none = np.zeros(0, dtype=np.int64)
    try:
        size = os.path.getsize(path)
    except OSError:
        return none
    memory = mem_available()
    if memory is None or size > memory * MEMORY_SHARE:
        return none
    chunks = uncached_chunks(path)
    if chunks is None or len(chunks) * CHUNK < size * MIN_UNCACHED:
        return none
    return chunks


class Warmer:
    """Reads the file's uncached chunks in threads until done or ``stop`` (see module)."""

    def __init__(self, path: str, chunks: np.ndarray | None = None, threads: int = THREADS):
        """``chunks``: the offsets to read (``chunks_to_read``, worked out in the first
        thread, unless given)."""
        self.path = path
        self.chunks = chunks
        self._stop = threading.Event()
        self.read = 0  # bytes read (for the figures)
        self._lock = threading.Lock()
        self._next = [0, 0]  # the first chunk not taken from each end
        self._threads: list[threading.Thread] = []
        self._first = threading.Thread(target=self._begin, args=(threads,), daemon=True,
                                       name="register warm-up 0")
        self._first.start()

    def _begin(self, threads: int) -> None:
        if self.chunks is None:
            try:
                self.chunks = chunks_to_read(self.path)
            except Exception as exc:  # (nothing depends on the warm-up: no warm-up)
                log.debug("register warm-up not started: %s", exc)
                self.chunks = np.zeros(0, dtype=np.int64)
        others = [threading.Thread(target=self._run, args=(k % 2,), daemon=True,
                                   name=f"register warm-up {k}") for k in range(1, threads)]
        with self._lock:
            self._next = [0, len(self.chunks)]
            if self._stop.is_set() or not len(self.chunks):
                return
            self._threads = others
        for t in others:
            t.start()
        self._run(0)

    def _take(self, end: int) -> int | None:
        """The next chunk's offset from the file's start (``end`` 0) or from its end (1)."""
        with self._lock:
            lo, hi = self._next
            if lo >= hi or self._stop.is_set():
                return None
            if end == 0:
                self._next[0] = lo + 1
                return int(self.chunks[lo])
            self._next[1] = hi - 1
            return int(self.chunks[hi - 1])

    def _run(self, end: int) -> None:
        """Read chunks from one end of the file (the other thread from the other end: the
        R*Tree's nodes, which a batch reads first, are near the end of a register written
        in one batch, its assets before them)."""
        got = 0
        populate = sys.platform.startswith("linux")  # (until the system refuses it)
        buf = None
        try:
            with open(self.path, "rb", buffering=0) as f:
                size = os.fstat(f.fileno()).st_size
                while (at := self._take(end)) is not None:
                    n = min(CHUNK, size - at)
                    if n <= 0:  # (the file was cut short since it was looked at)
                        break
                    if populate:
                        try:  # the pages brought in by mapping them: no copy, no buffer
                            with mmap.mmap(f.fileno(), n, access=mmap.ACCESS_READ,
                                           offset=at) as m:
                                m.madvise(MADV_POPULATE_READ)
                            got += n
                            continue
                        except (OSError, ValueError, AttributeError):
                            populate = False  # (an older system: read them)
                    if buf is None:
                        buf = memoryview(bytearray(CHUNK))
                    f.seek(at)
                    got += f.readinto(buf[:n]) or 0
        except OSError as exc:  # (nothing depends on the warm-up: a read error is the batch's)
            log.debug("register warm-up stopped: %s", exc)
        with self._lock:
            self.read += got

    def wait(self, seconds: float = 5.0) -> None:
        """Wait for the threads to end (bounded)."""
        self._first.join(seconds)
        with self._lock:
            others = list(self._threads)
        for t in others:
            t.join(seconds)

    def stop(self, seconds: float = 5.0) -> None:
        """Stop after the chunk in hand and wait for the threads (bounded)."""
        self._stop.set()
        self.wait(seconds)
