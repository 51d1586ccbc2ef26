"""A large import keeps its earlier parts' ids and geometries in a temporary file, not in
memory: what it reads back is what it wrote, the coverage is the whole layer's bit for bit,
ids repeated across parts are still found, and no file is left in the folder."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
import shapely

from importers.spill import Spill

from .test_import_parts import PART, registers, run, source  # noqa: F401  (a fixture)


def test_each_part_comes_back_as_written_and_the_file_has_no_name(tmp_path):
    rng = np.random.default_rng(3)
    spill, written = Spill(tmp_path), []
    for k in range(7):
        n = int(rng.integers(0, 2000))
        ids = pa.array([f"A{v}" for v in rng.integers(0, 10**9, n)], type=pa.string())
        rows = rng.integers(0, 2**40, n)
        lines = shapely.linestrings(rng.uniform(0, 1e6, (n, 3, 2))) if n else np.array([], object)
        wkb = shapely.to_wkb(lines)
        assert spill.append(id=ids, row=rows, wkb=wkb) == k
        written.append((ids, rows, wkb))
        assert [p.name for p in tmp_path.iterdir()] == []  # unlinked as made
    for k in rng.permutation(7):  # any order, any number of times
        ids, rows, wkb = written[k]
        got = spill.read(int(k))
        assert got.column("id").equals(ids)
        assert got.column("row").to_numpy().tolist() == rows.tolist()
        assert got.column("wkb").to_pylist() == list(wkb)  # byte for byte
    assert len(spill) == 7
    spill.close()
    assert len(spill) == 0
    with pytest.raises(IndexError):
        spill.read(0)


def test_the_coverage_of_parts_is_the_whole_layers_bit_for_bit(tmp_path, registers,  # noqa: F811
                                                              monkeypatch):
    from importers import prepare

    whole, parts = registers
    path = source(tmp_path)
    seen_files = []
    real = prepare.LayerParts._drop_repeats

    def spy(self, part):  # while the parts are read, the spill files have no name
        seen_files.append(sorted(p.name for p in tmp_path.iterdir()  # (the store's own
                                 if ".staging-" not in p.name  # staging file aside)
                                 and not p.name.endswith(("-wal", "-shm", "-journal"))))
        return real(self, part)

    monkeypatch.setattr(prepare.LayerParts, "_drop_repeats", spy)
    run(whole, path, 100_000)
    run(parts, path, PART)
    assert seen_files == [["mains.gpkg", "parts.gpkg", "whole.gpkg"]] * 4
    a, b = (s.owner_coverage().geometry.iloc[0] for s in (whole, parts))
    assert a.area > 0
    assert shapely.to_wkb(a) == shapely.to_wkb(b)  # the same coverage, bit for bit
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_ids_repeated_across_parts_are_found_from_the_file():
    """Every part's ids but the last are read back from the file; a repeat of any earlier
    part (the first, a middle one, the one before) is found with that part's source row."""
    import pandas as pd

    from importers.prepare import SeenIds

    seen = SeenIds()
    parts = [np.array([f"P{p}-{i}" for i in range(1000)], dtype=object) for p in range(6)]
    for p, ids in enumerate(parts):
        repeat, _ = seen.record(ids, pd.util.hash_array(ids, categorize=False),
                                np.arange(1000) + 1000 * p)
        assert not repeat.any()
    later = np.array(["P0-5", "P3-999", "P5-0", "new", "P2-17"], dtype=object)
    repeat, first = seen.record(later, pd.util.hash_array(later, categorize=False),
                                np.arange(6000, 6005))
    assert repeat.tolist() == [True, True, True, False, True]
    assert first[repeat].tolist() == [5, 3999, 5000, 2017]
    assert len(seen) == 6001
    seen.close()


def test_no_room_for_the_file_is_a_one_line_error_and_the_register_is_unchanged(
        tmp_path, registers, monkeypatch):  # noqa: F811
    import errno

    from asset_register.errors import ImportError_
    from importers import spill

    from .test_import_parts import assets, batches, rejects

    _, store = registers
    run(store, source(tmp_path), PART)
    before = (assets(store), rejects(store), batches(store))
    writes = []

    class Full:  # the disk fills up at the third part written
        def __init__(self, *a, **k):
            self.f = open(tmp_path / "spill.bin", "w+b")

        def write(self, data):
            writes.append(len(data))
            if len(writes) >= 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.f.write(data)

        def __getattr__(self, name):
            return getattr(self.f, name)

    monkeypatch.setattr(spill.tempfile, "TemporaryFile", Full)
    with pytest.raises(ImportError_) as e:
        run(store, source(tmp_path, "again.gpkg", changed=40), PART)
    message = str(e.value)
    assert "\n" not in message and "No space left on device" in message
    assert str(tmp_path) in message and "the register is unchanged" in message
    assert (assets(store), rejects(store), batches(store)) == before
