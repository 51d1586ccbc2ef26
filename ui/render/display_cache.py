"""A cache of the register layer's packed drawing arrays, so reopening a large register shows
its first frame without re-reading every asset.

Kept in the user's cache folder (never beside the register), one ``.npz`` per register,
valid only while the register's live assets are the same: the key is the register's
location, schema version, live asset count and its import batches (every change to live
assets is a batch). Loading maps the arrays from the page cache; a stale or unreadable
cache is ignored and rewritten.

The folder is bounded: after each save, entries of registers whose file is gone and
half-written files of a process that died are swept, then the least recently used entries
go until the folder is under its cap (``DEFAULT_CAP_BYTES``; a load marks an entry used).
The entry just written always stays, so one register larger than the cap still opens fast.
The cap counts each entry's bytes on disk, which are the arrays' own bytes: the compact
layer's float32, 32-bit and 8-bit arrays as they are held (``PackedGeometry.nbytes``), the
segments and points' drawing arrays that are views of the vertices not written twice (they
are made views again on loading).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np

from .packed import GridIndex, PackedGeometry

ARRAYS = ("coords", "part_offsets", "part_feature", "part_closed", "part_bounds", "points",
          "point_feature", "segments", "segment_style", "point_xy", "point_style")
GRID = ("items", "starts", "big")
VERSION = 2  # 2: compact layers (offsets from the middle, float32); 1 is never loaded
DEFAULT_CAP_BYTES = 1 << 30  # 1 GiB: about eight 1M-asset registers
PART_AGE_S = 3600.0  # a ``.part`` file this old belongs to a save that died


def register_state(store) -> list:
    """What the key says about the register apart from its live asset count: location,
    schema version and import batches. Take it before reading the assets, so the state
    a key names is never newer than the arrays saved under it."""
    batches = store.batches()
    last = batches.iloc[-1].to_dict() if len(batches) else {}
    return [VERSION, str(store.location), store.schema_version, len(batches),
            str(last.get("batch_id")), str(last.get("state")), str(last.get("finished_at"))]


def cache_key(store, state: list | None = None, count: int | None = None) -> str:
    """The key of the register's current live assets; ``count`` (the live assets just
    read) spares counting them again."""
    state = register_state(store) if state is None else state
    count = store.asset_count() if count is None else count
    parts = state[:3] + [int(count)] + state[3:]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def exists(folder: Path, location: str) -> bool:
    return _file(folder, location).exists()


def _file(folder: Path, location: str) -> Path:
    return Path(folder) / (hashlib.sha1(str(location).encode()).hexdigest()[:20] + ".npz")


def save(packed: PackedGeometry, key: str, folder: Path, location: str,
         cap_bytes: int = DEFAULT_CAP_BYTES) -> Path:
    """Write the cache atomically (temporary file, then rename), then keep the folder
    within ``cap_bytes`` (see ``prune``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    views = [a for a in VIEWS if _is_view(packed, a)]
    out: dict[str, np.ndarray] = {a: getattr(packed, a) for a in ARRAYS
                                  if getattr(packed, a) is not None and a not in views}
    for name, arr in packed.codes.items():
        out[f"code__{name}"] = arr
    for name, arr in packed.numbers.items():
        out[f"number__{name}"] = arr
    for gname in ("grid", "point_grid"):
        grid = getattr(packed, gname)
        if grid is not None:
            for a in GRID:
                out[f"{gname}__{a}"] = getattr(grid, a)
            out[f"{gname}__geom"] = np.array([grid.size, grid.x0, grid.y0, grid.n], np.float64)
    meta = {"key": key, "n_features": packed.n_features, "categories": packed.categories,
            "origin": list(packed.origin), "location": str(location), "views": views,
            "compact": packed.compact_}
    out["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    target = _file(folder, location)
    tmp = target.with_name(target.name + ".part")  # not *.npz until it is whole
    with open(tmp, "wb") as f:
        np.savez(f, **out)
    os.replace(tmp, target)
    prune(folder, cap_bytes, keep=target)
    return target


VIEWS = {"segments": ("coords", lambda c: c.reshape(-1, 4).T), "point_xy": ("points", lambda p: p.T)}


def _is_view(packed: PackedGeometry, name: str) -> bool:
    """True when the array ``name`` is the view ``VIEWS`` makes of another of the layer's."""
    arr = getattr(packed, name)
    source, make = VIEWS[name]
    base = getattr(packed, source)
    if arr is None or base is None or arr.base is None or base.dtype != arr.dtype:
        return False
    try:
        again = make(base)
    except ValueError:
        return False
    return again.shape == arr.shape and again.strides == arr.strides and \
        again.__array_interface__["data"] == arr.__array_interface__["data"]


def _location_gone(path: Path) -> bool:
    """True when the entry names a register file that no longer exists (a database
    address cannot be checked from here: it is never called gone)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            location = json.loads(bytes(data["meta"]).decode()).get("location")
    except (OSError, ValueError, KeyError):
        return True  # unreadable: nothing can use it
    if not location or "://" in location:
        return False
    return not Path(location).exists()


def prune(folder: Path, cap_bytes: int = DEFAULT_CAP_BYTES, keep: Path | None = None,
          now: float | None = None) -> list[Path]:
    """Sweep stale entries and keep the folder's entries within ``cap_bytes``; returns what
    was removed. Stale: a register file that is gone, an unreadable entry, or a ``.part``
    file older than ``PART_AGE_S``. Then least recently used (oldest modification time;
    ``load`` refreshes it) go first; ``keep`` never goes."""
    folder = Path(folder)
    now = time.time() if now is None else now
    removed: list[Path] = []

    def remove(path: Path) -> None:
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass  # another process removed or holds it: its next save prunes again

    for part in sorted(folder.glob("*.npz.part")):
        try:
            if now - part.stat().st_mtime > PART_AGE_S:
                remove(part)
        except OSError:
            continue
    entries = []
    for path in sorted(folder.glob("*.npz")):
        if path != keep and _location_gone(path):
            remove(path)
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, path.name, path, st.st_size))
    total = sum(e[3] for e in entries)
    for _, _, path, size in sorted(entries):  # least recently used first
        if total <= cap_bytes:
            break
        if path == keep:
            continue
        remove(path)
        total -= size
    return removed


def load(key: str, folder: Path, location: str) -> PackedGeometry | None:
    """The cached arrays if they were written for this exact ``key``, else None."""
    path = _file(folder, location)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            if meta.get("key") != key:
                return None
            try:
                os.utime(path)  # used now: the last entry the size cap removes
            except OSError:
                pass
            arrays = {a: data[a] for a in ARRAYS if a in data.files}
            packed = PackedGeometry(n_features=int(meta["n_features"]),
                                    **{a: arrays.get(a) for a in ARRAYS[:7]})
            for a in ARRAYS[7:]:
                setattr(packed, a, arrays.get(a))
            packed.origin = tuple(meta["origin"])
            packed.compact_ = bool(meta.get("compact"))
            for name in meta.get("views", []):
                source, make = VIEWS[name]
                setattr(packed, name, make(getattr(packed, source)))
            packed.categories = {k: list(v) for k, v in meta["categories"].items()}
            for name in data.files:
                if name.startswith("code__"):
                    packed.codes[name[6:]] = data[name]
                elif name.startswith("number__"):
                    packed.numbers[name[8:]] = data[name]
            for gname in ("grid", "point_grid"):
                if f"{gname}__geom" in data.files:
                    grid = GridIndex.__new__(GridIndex)
                    for a in GRID:
                        setattr(grid, a, data[f"{gname}__{a}"])
                    size, x0, y0, n = data[f"{gname}__geom"]
                    grid.size, grid.x0, grid.y0, grid.n = float(size), float(x0), float(y0), int(n)
                    setattr(packed, gname, grid)
            return packed
    except (OSError, ValueError, KeyError):
        return None
