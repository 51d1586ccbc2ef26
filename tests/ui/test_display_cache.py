"""The display cache folder stays bounded: stale entries swept, least recently used out first."""

from __future__ import annotations

import json
import os

import numpy as np
import shapely

from ui.render import display_cache
from ui.render.packed import pack_geometries as pack


def _entry(folder, name, location, size, mtime):
    path = folder / f"{name}.npz"
    meta = np.frombuffer(json.dumps({"key": "k", "location": str(location)}).encode(), np.uint8)
    with open(path, "wb") as f:
        np.savez(f, meta=meta, pad=np.zeros(size, np.uint8))
    os.utime(path, (mtime, mtime))
    return path


def test_least_recently_used_entries_go_first_until_under_the_cap(tmp_path):
    registers = [tmp_path / f"r{i}.gpkg" for i in range(4)]
    for r in registers:
        r.touch()
    cache = tmp_path / "cache"
    cache.mkdir()
    paths = [_entry(cache, f"e{i}", registers[i], 100_000, 1_000 + i) for i in range(4)]
    size = paths[0].stat().st_size
    removed = display_cache.prune(cache, cap_bytes=2 * size, keep=paths[0], now=2_000)
    assert sorted(p.name for p in removed) == ["e1.npz", "e2.npz"]  # e0 is kept, e3 newest
    assert sorted(p.name for p in cache.glob("*.npz")) == ["e0.npz", "e3.npz"]


def test_entries_of_deleted_registers_and_dead_partial_files_are_swept(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    live = tmp_path / "live.gpkg"
    live.touch()
    kept = _entry(cache, "live", live, 10, 1_000)
    _entry(cache, "gone", tmp_path / "deleted.gpkg", 10, 1_000)
    _entry(cache, "server", "postgresql://planner@db/register", 10, 1_000)
    (cache / "junk.npz").write_bytes(b"not a zip")
    old_part = cache / "a.npz.part"
    old_part.write_bytes(b"x")
    os.utime(old_part, (1_000, 1_000))
    fresh_part = cache / "b.npz.part"  # a save in progress in another process
    fresh_part.write_bytes(b"x")
    os.utime(fresh_part, (9_500, 9_500))
    removed = display_cache.prune(cache, cap_bytes=1 << 30, now=10_000)
    assert sorted(p.name for p in removed) == ["a.npz.part", "gone.npz", "junk.npz"]
    assert kept.exists() and (cache / "server.npz").exists() and fresh_part.exists()


def test_a_load_marks_the_entry_used_and_a_save_keeps_the_folder_bounded(tmp_path):
    lines = shapely.linestrings(np.arange(40, dtype=float).reshape(10, 2, 2))
    packed = pack(lines)
    cache = tmp_path / "cache"
    first, second = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    first.touch()
    second.touch()
    a = display_cache.save(packed, "ka", cache, str(first))
    os.utime(a, (1_000, 1_000))
    assert display_cache.load("ka", cache, str(first)) is not None
    assert a.stat().st_mtime > 1_000  # used now
    os.utime(a, (1_000, 1_000))
    b = display_cache.save(packed, "kb", cache, str(second), cap_bytes=a.stat().st_size)
    assert b.exists() and not a.exists()  # the older entry made room for the new one
    assert display_cache.load("kb", cache, str(second)).n_features == 10
