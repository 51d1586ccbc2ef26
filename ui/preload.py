"""The register named on the command line, read while the window is being built.

A cold start spends about half a second importing Qt and the window's modules and building
the window before it opens the register; the register layer's read (a snapshot copy, GDAL
reading slices, packing) mostly runs without Python's interpreter lock. ``start`` begins
that read in a thread of its own as soon as the application exists, so on two cores both
go at once; the register controller claims it (``claim``) when it opens the same register
with the same display cache, and waits for it instead of reading again. The read is the one the
controller does itself (``read_register_layer``), and it is used only if the register is
as it was when the read began (the display cache's register state: schema version and
import batches): after a schema upgrade on opening or an import by another process the
controller reads again. A read nobody claims is closed (``discard``).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

from .render import display_cache
from .render.loading import load_register

_pending: dict = {}  # the one early read: {"key": ..., "future": Future}
_lock = threading.Lock()


def display_cache_dir(app_settings) -> Path | None:
    """Folder of the register layer's display cache (None when the setting disables it)."""
    from PySide6.QtCore import QStandardPaths

    if not app_settings.value("display_cache"):
        return None
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base or Path.home() / ".cache" / "asset-register") / "display"


def read_register_layer(store, cache_dir: Path | None, location: str, progress=None, state=None,
                        cancel=None):
    """The register layer of ``store`` (a worker's own store): ``(packed, store)`` read from
    the register, the store kept open for the label fields read after the first frame, or
    ``(packed, None)`` from the display cache. ``state``: the display cache's register state,
    if the caller has just taken it; ``cancel``: stops the read between slices
    (``CancelledError``). Closes the store on failure."""
    report = progress or (lambda fraction, message: None)
    try:
        if cache_dir and state is None:
            state = display_cache.register_state(store)  # before the assets are read
        if cache_dir and display_cache.exists(cache_dir, location):
            key = display_cache.cache_key(store, state)
            cached = display_cache.load(key, cache_dir, location)
            if cached is not None:
                store.close()
                report(1.0, "assets ready (from the display cache)")
                return cached, None
        packed = load_register(store, report, cancel)
        if cache_dir:
            packed.cache_key = display_cache.cache_key(store, state, packed.n_features)
        return packed, store
    except BaseException:
        store.close()
        raise


def start(location: str, cache_dir: Path | None) -> None:
    """Begin reading the register layer of a register file (not a shared PostGIS register)."""
    from asset_register.store import is_url, open_register, without_password

    if is_url(location) or not Path(location).is_file():
        return  # (opening it reports the problem, in the window)
    future: Future = Future()
    future.stop = stop = threading.Event()  # set: the read stops at its next slice
    saved = without_password(location)  # (what the display cache is kept under)

    def read() -> None:
        try:
            store = open_register(location, read_only=True)
            try:
                state = display_cache.register_state(store)
            except BaseException:
                store.close()
                raise
            found = state, read_register_layer(store, cache_dir, saved, state=state,
                                               cancel=stop.is_set)
        except BaseException:  # the controller reads again and reports what goes wrong
            found = None
        future.set_result(found)

    with _lock:
        discard()
        _pending.update(key=(str(location), str(cache_dir)), future=future)
    # (not a daemon: like the app's worker pool, an exit waits for it, so its snapshot copy
    # is deleted when its store is closed, not left for the next start to sweep)
    threading.Thread(target=read, name="Reading the register early").start()


def claim(location: str, cache_dir: Path | None) -> Future | None:
    """The early read of this register with this display cache, if one was started; only
    one caller gets it. Its result (None if it failed) goes to ``take``; setting its
    ``stop`` event stops the read."""
    with _lock:
        if _pending.get("key") != (str(location), str(cache_dir)):
            discard()
            return None
        future = _pending["future"]
        _pending.clear()
        return future


def take(future: Future | None, store):
    """``(packed, store)`` of a claimed early read if the register is as it was when the read
    began (``store``: a fresh worker store, closed when the early read is used), else None
    (the caller reads with ``store``). Waits for the read to finish."""
    found = future.result() if future is not None else None
    if found is None:
        return None
    state, layer = found
    if state == display_cache.register_state(store):
        store.close()
        return layer
    if layer[1] is not None:  # changed since (an import, a schema upgrade): read again
        layer[1].close()
    return None


def discard() -> None:
    """Drop an early read nobody claimed (its store is closed once it is done). Called on
    the GUI thread, or by ``start`` and ``claim`` holding the lock."""
    future = _pending.pop("future", None)
    _pending.clear()
    if future is not None:
        future.stop.set()
        future.add_done_callback(_close)


def _close(future: Future) -> None:
    found = future.result()
    if found is not None and found[1][1] is not None:
        found[1][1].close()  # (its snapshot file goes with it)
