"""A layer imported in slices kept in memory (the store staging one slice while the next is
read, reprojected and mapped) gives the register the one-frame import gives.

Cell by cell: every stored column (hashes, versions, geometry blobs), the R*Tree, rejects,
batch provenance, report counts and the owner's coverage — for a layer whose single-valued
columns change from one slice to the next (the first slice's single values are staged as
column defaults), for a re-delivery, and for a failure or Ctrl-C in a late slice (register
unchanged, no staging file, no thread left).
"""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from asset_register.store import create_register
from importers import ImportJob, prepare

from .conftest import gas_profile
from .test_import_parts import assets, batches, counts, rejects

N = 9000
SLICE = 2000  # five slices, the last one short
ONE_FRAME = dict(pipe_from=10 * N)
SLICED = dict(pipe_rows=SLICE, pipe_from=SLICE)


def source(tmp_path, name="mains.gpkg", *, changed=0, dropped=0) -> str:
    """N lines around London in lon/lat. The first slice holds one pressure, one material
    and no depth on every row (staged as defaults); later slices vary them. Row 7100
    repeats an id of the first slice, row 60 has no geometry, row 4100 lies far outside
    Great Britain."""
    rng = np.random.default_rng(8)
    x = rng.uniform(-0.2, 0.0, N)
    y = rng.uniform(51.45, 51.55, N)
    lines = shapely.linestrings(np.stack([np.stack([x, y], 1), np.stack([x + 2e-4, y + 1e-4], 1)], 1))
    ids = np.array([f"S{i:05d}" for i in range(N)], dtype=object)
    ids[7100] = ids[15]
    diam = rng.choice([3, 4, 6, 8, 12], N).astype(np.int32)
    diam[N - changed:] += 1
    pressure = rng.choice(["LP", "MP", "HP"], N).astype(object)
    pressure[:SLICE] = "MP"
    material = rng.choice(["MDPE", "CI", "ST"], N).astype(object)
    material[:SLICE] = "CI"
    cover = rng.uniform(1.5, 4.0, N).round(2)
    cover[:SLICE] = np.nan
    frame = gpd.GeoDataFrame({"PIPE_ID": ids, "DIAM_IN": diam, "MATERIAL": material,
                              "PRESSURE": pressure, "COVER_FT": cover},
                             geometry=lines, crs="EPSG:4326")
    frame.loc[60, "geometry"] = None
    frame.loc[4100, "geometry"] = shapely.LineString([(40.0, 10.0), (40.1, 10.1)])
    if dropped:
        frame = frame.drop(index=range(SLICE, SLICE + dropped))
    path = tmp_path / name
    pyogrio.write_dataframe(frame, path, layer="mains", driver="GPKG")
    return str(path)


def run(store, path, how, **kw):
    (report,) = ImportJob(store, path, owner="GAS", profile=gas_profile(), **how, **kw).run()
    return report


def tree(store):
    return store._con.execute(
        "SELECT id, minx, maxx, miny, maxy FROM rtree_assets_geom ORDER BY id").fetchall()


def everything(store):
    return assets(store), rejects(store), batches(store), tree(store)


def workers():
    return sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())


def leftovers(tmp_path):
    return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))


@pytest.fixture
def registers(tmp_path, monkeypatch):
    """Two new registers. A batch this small would be written row by row (SQLite's own
    R*Tree upkeep, which rounds boxes a float32 step wider than the bulk packing): lowered
    here so that one frame takes the bulk path, as a layer large enough to be sliced does."""
    from asset_register.store.gpkg import write

    monkeypatch.setattr(write, "BULK_INDEX_ROWS", 1000)
    with create_register(tmp_path / "one.gpkg") as one, \
            create_register(tmp_path / "sliced.gpkg") as sliced:
        yield one, sliced


@pytest.fixture
def slices_seen(monkeypatch):
    seen = []
    real = prepare.LayerParts._drop_repeats
    monkeypatch.setattr(prepare.LayerParts, "_drop_repeats",
                        lambda self, part: seen.append(self._compact) or real(self, part))
    return seen


def test_a_layer_in_slices_lands_as_one_frame(tmp_path, registers, slices_seen):
    from asset_register.store.gpkg import bulk

    one, sliced = registers
    path = source(tmp_path)
    a = run(one, path, ONE_FRAME)
    assert slices_seen == []  # one frame
    b = run(sliced, path, SLICED)
    assert slices_seen == [False] * 5  # five slices, none spilled to disk
    assert counts(a) == counts(b)
    assert a.rejected == 3 and a.imported == N - 3
    assert everything(one) == everything(sliced)
    assert len(tree(one)) == N - 3
    stored = sliced._con.execute(
        "SELECT pressure, material, depth_m FROM assets ORDER BY fid").fetchall()
    # (row 60 of the first slice is rejected: its other rows are the first SLICE - 1)
    assert {r[0] for r in stored[:SLICE - 1]} == {"MP"}
    assert len({r[1] for r in stored[:SLICE - 1]}) == 1
    assert {r[2] for r in stored[:SLICE - 1]} == {None}  # no depth in the first slice
    assert len({r[0] for r in stored[SLICE:]}) == 3 and any(r[2] is not None for r in stored)
    c1, c2 = (s.owner_coverage().geometry.iloc[0] for s in (one, sliced))
    assert c1.equals(c2) and c1.area > 0
    assert sliced._con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not bulk.OPEN_STAGES and leftovers(tmp_path) == []


def test_a_redelivery_in_slices_versions_and_retires_as_one_frame(tmp_path, registers,
                                                                  slices_seen):
    one, sliced = registers
    first = source(tmp_path)
    again = source(tmp_path, "again.gpkg", changed=50, dropped=40)
    got = []
    for store, how in ((one, ONE_FRAME), (sliced, SLICED)):
        run(store, first, how)
        got.append(counts(run(store, again, how)))
    assert got[0] == got[1]
    assert got[0][5:9] == (0, 50, N - 3 - 40 - 50, 40)
    assert everything(one) == everything(sliced)
    assert len(slices_seen) == 10


@pytest.mark.parametrize("stop", ["failure", "ctrl-c"])
def test_a_stop_in_a_late_slice_leaves_the_register_as_it_was(tmp_path, registers, monkeypatch,
                                                              stop):
    """A failure while the fourth slice is prepared, or Ctrl-C (KeyboardInterrupt in the
    job's thread) once three slices are staged: the register is as before, no staging
    file or temporary file is left, and no thread of the import is still running."""
    from asset_register.store.gpkg import bulk

    _, store = registers
    run(store, source(tmp_path), SLICED)
    before = everything(store)
    threads = workers()
    real = prepare._prepare_layer

    def failing(*args, first_row=0, **kwargs):
        if first_row >= 3 * SLICE:
            raise RuntimeError("the fourth slice cannot be read")
        return real(*args, first_row=first_row, **kwargs)

    seen = []

    def progress(fraction, message):
        seen.append(message)
        if stop == "ctrl-c" and sum("features" in m for m in seen) >= 3:
            raise KeyboardInterrupt

    if stop == "failure":
        monkeypatch.setattr(prepare, "_prepare_layer", failing)
    again = source(tmp_path, "again.gpkg", changed=50)
    with pytest.raises(RuntimeError if stop == "failure" else KeyboardInterrupt):
        run(store, again, SLICED, progress=progress)
    assert sum("features" in m for m in seen) == 3  # it stopped in a late slice
    assert everything(store) == before
    assert workers() == threads
    assert not bulk.OPEN_STAGES and leftovers(tmp_path) == []
    assert store._con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_collector_is_paused_for_slices_in_memory_and_on_again_after(tmp_path, monkeypatch):
    import gc

    from importers.job import ImportJob as Job

    seen = []
    real = Job._import_layer
    monkeypatch.setattr(Job, "_import_layer",
                        lambda self, *a: seen.append(gc.isenabled()) or real(self, *a))
    with create_register(tmp_path / "r.gpkg") as store:
        assert run(store, source(tmp_path), SLICED).imported
    assert seen == [False] and gc.isenabled()


def test_a_dry_run_and_two_layers_in_slices_answer_as_one_frame(tmp_path, registers):
    """A dry run in slices counts what one frame counts and writes nothing; two layers in
    one import (one enclosing transaction, where the store cannot stage) land as one
    frame's."""
    one, sliced = registers
    path = source(tmp_path)
    dry = [counts(run(s, path, how, dry_run=True)) for s, how in ((one, ONE_FRAME),
                                                                   (sliced, SLICED))]
    assert dry[0] == dry[1] and dry[0][0] == "dry run"
    assert assets(sliced) == [] and len(sliced.batches()) == 0
    frame = pyogrio.read_dataframe(path)
    second = frame.iloc[:4500].assign(PIPE_ID=lambda f: "T" + f["PIPE_ID"].str[1:])
    pyogrio.write_dataframe(second, path, layer="services", driver="GPKG")
    for store, how in ((one, ONE_FRAME), (sliced, SLICED)):
        ImportJob(store, path, owner="GAS", profile=gas_profile(), all_layers=True, **how).run()
    assert everything(one) == everything(sliced)
    assert len(assets(one)) == N - 3 + 4500 - 2  # (rows 60 and 4100 again)


def test_slices_are_prepared_on_one_thread_and_parts_on_every_core(tmp_path, monkeypatch):
    """The next slice is prepared while the store stages this one: its reprojection and
    attribute texts are not split over more threads (``parallel.serial``, this thread only);
    the parts of a layer too large for one frame keep their threads."""
    import os

    from importers import parallel

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    seen = []
    real = prepare._prepare_layer
    monkeypatch.setattr(prepare, "_prepare_layer",
                        lambda *a, **k: seen.append(parallel.workers()) or real(*a, **k))
    path = source(tmp_path)
    with create_register(tmp_path / "sliced.gpkg") as store:
        run(store, path, SLICED)
    with create_register(tmp_path / "parts.gpkg") as store:
        run(store, path, dict(part_rows=SLICE, parts_from=SLICE))
    assert seen == [1] * 5 + [2] * 5
    assert parallel.workers() == 2


def test_serial_is_for_the_calling_thread_only_and_undone_after():
    import os
    import threading as th

    from importers import parallel

    cores = max(1, min(parallel.MAX_WORKERS, os.cpu_count() or 1))
    other = []
    with parallel.serial():
        assert parallel.workers() == 1
        with parallel.serial():
            assert parallel.workers() == 1
        assert parallel.workers() == 1
        t = th.Thread(target=lambda: other.append(parallel.workers()))
        t.start()
        t.join()
    assert other == [cores] and parallel.workers() == cores
    values = np.arange(250_000, dtype=np.float64)
    with parallel.serial():
        assert np.array_equal(parallel.chunk_map(np.sqrt, values), np.sqrt(values))


def test_a_layer_in_slices_imported_again_is_already_imported_while_hashed_alongside(
        tmp_path, registers, monkeypatch):
    """The source is hashed in a thread while the first slice is read and prepared: the same
    file imported again is still "already imported" (nothing staged or written, the slice
    being prepared finished, no thread, staging or temporary file left), and a source
    that cannot be hashed fails the import before anything is written."""
    from asset_register.store.gpkg import bulk
    from importers import sources

    _, store = registers
    path = source(tmp_path)
    first = run(store, path, SLICED)
    before = everything(store)
    threads = workers()
    again = run(store, path, SLICED)
    assert (again.status, again.batch_id) == ("already imported", first.batch_id)
    assert everything(store) == before
    assert workers() == threads
    assert not bulk.OPEN_STAGES and leftovers(tmp_path) == []

    def unreadable(self):
        raise OSError("the source went away while it was hashed")

    monkeypatch.setattr(sources.Source, "sha256", unreadable)
    with pytest.raises(OSError, match="went away"):
        run(store, source(tmp_path, "other.gpkg", changed=50), SLICED)
    assert everything(store) == before and workers() == threads and leftovers(tmp_path) == []
