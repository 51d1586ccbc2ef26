"""A layer imported part by part (bounded memory) gives the register the one-shot import gives.

Same assets, hashes and versions, same rejects (row numbers, reasons, attributes,
geometries), same counts and provenance, the same coverage, and the same answers to a
check; an id repeated across parts is rejected as it is within one part.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from asset_register.store import create_register
from importers import ImportJob

from .conftest import gas_profile

N = 9000
PART = 2500  # four parts (the last one short)


def source(tmp_path, name="mains.gpkg", *, changed=0, dropped=0) -> str:
    """N lines around London in lon/lat; rows 100 and 7777 repeat ids of earlier parts,
    row 50 has no geometry, row 4000 lies far outside Great Britain."""
    rng = np.random.default_rng(21)
    x = rng.uniform(-0.2, 0.0, N)
    y = rng.uniform(51.45, 51.55, N)
    lines = shapely.linestrings(np.stack([np.stack([x, y], 1), np.stack([x + 2e-4, y + 1e-4], 1)], 1))
    ids = np.array([f"P{i:05d}" for i in range(N)], dtype=object)
    ids[7777], ids[3000] = ids[10], ids[2600]  # a later part repeats ids of earlier ones
    ids[2501] = ids[2502]  # and one repeated inside a part
    diam = rng.choice([3, 4, 6, 8, 12], N).astype(np.int32)
    diam[:changed] += 1
    frame = gpd.GeoDataFrame({
        "PIPE_ID": ids, "DIAM_IN": diam,
        "MATERIAL": rng.choice(["MDPE", "CI", "ST", "XX"], N),
        "PRESSURE": rng.choice(["LP", "MP", "HP"], N),
        "COVER_FT": rng.uniform(1.5, 4.0, N).round(2),
    }, geometry=lines, crs="EPSG:4326")
    frame.loc[50, "geometry"] = None
    frame.loc[4000, "geometry"] = shapely.LineString([(40.0, 10.0), (40.1, 10.1)])
    if dropped:
        frame = frame.drop(index=range(N - dropped, N))
    path = tmp_path / name
    pyogrio.write_dataframe(frame, path, layer="mains", driver="GPKG")
    return str(path)


def run(store, path, part_rows):
    (report,) = ImportJob(store, path, owner="GAS", profile=gas_profile(),
                          part_rows=part_rows, parts_from=part_rows).run()
    return report


def assets(store):
    return store._con.execute(
        "SELECT fid, asset_id, owner, utility, asset_class, status, depth_m, diameter_mm, "
        "pressure, material, attrs, version, retired_at IS NULL, delivery, batch_id, "
        "crs_accuracy_m, content_hash, hex(geom) FROM assets ORDER BY fid").fetchall()


def rejects(store):
    return store.rejects()[["batch_id", "row", "reason", "attrs", "geometry_wkt"]].to_dict("records")


def batches(store):
    b = store.batches()
    return b[["batch_id", "state", "rows_read", "rows_imported", "rows_rejected", "rows_repaired",
              "added", "changed", "unchanged", "retired", "source_crs", "transformation",
              "transformation_accuracy_m", "profile"]].to_dict("records")


def counts(report):
    return (report.status, report.rows_read, report.imported, report.rejected, report.repaired,
            report.added, report.changed, report.unchanged, report.retired, report.source_crs,
            report.transformation, report.accuracy_m, report.rejects_by_reason)


@pytest.fixture
def registers(tmp_path):
    with create_register(tmp_path / "whole.gpkg") as whole, \
            create_register(tmp_path / "parts.gpkg") as parts:
        yield whole, parts


def test_a_layer_in_parts_lands_as_the_whole_layer(tmp_path, registers, monkeypatch):
    from importers import prepare

    seen = []
    real = prepare.LayerParts._drop_repeats
    monkeypatch.setattr(prepare.LayerParts, "_drop_repeats",
                        lambda self, part: seen.append(len(part.assets)) or real(self, part))
    whole, parts = registers
    path = source(tmp_path)
    one = run(whole, path, part_rows=10 * N)
    many = run(parts, path, part_rows=PART)
    assert len(seen) == 4  # it really went in parts
    assert counts(one) == counts(many)
    assert one.rejected == 5 and one.imported == N - 5
    assert assets(whole) == assets(parts)
    assert rejects(whole) == rejects(parts)
    assert batches(whole) == batches(parts)
    dup = [r for r in rejects(parts) if r["row"] == 7778][0]
    assert dup["reason"] == "duplicate asset id 'GAS:P00010' (also on source row 11)"
    a, b = (s.owner_coverage().geometry.iloc[0] for s in (whole, parts))
    assert a.symmetric_difference(b).area < 1e-6 and a.area > 0
    box = whole.extent()
    assert sorted(whole.query_bbox(box, columns=["asset_id"])["asset_id"]) == sorted(
        parts.query_bbox(box, columns=["asset_id"])["asset_id"])


def test_a_redelivery_in_parts_versions_and_retires_as_the_whole_layer(tmp_path, registers):
    whole, parts = registers
    first = source(tmp_path)
    again = source(tmp_path, "again.gpkg", changed=40, dropped=30)
    got = []
    for store, part_rows in ((whole, 10 * N), (parts, PART)):
        run(store, first, part_rows)
        report = run(store, again, part_rows)
        got.append(counts(report))
    assert got[0] == got[1]
    assert got[0][5:9] == (0, 40, N - 5 - 30 - 40, 30)
    assert assets(whole) == assets(parts)
    assert rejects(whole) == rejects(parts)


def test_a_check_answers_the_same_on_both(tmp_path, registers):
    from asset_register.check import Checker, DigSite, load_rules

    whole, parts = registers
    path = source(tmp_path)
    run(whole, path, 10 * N)
    run(parts, path, PART)
    near = whole.read_assets(columns=["asset_id"]).geometry.iloc[[3, 2600, 5000, 7000, 8990]]
    for x, y in shapely.get_coordinates(near.centroid.to_numpy()):
        site = DigSite(shapely.box(x - 5, y - 2, x + 5, y + 2), depth_m=1.2)
        with Checker(whole, load_rules()) as one, Checker(parts, load_rules()) as many:
            a, b = one.check(site), many.check(site)
        assert len(a.conflicts) > 0
        assert a.conflicts.drop(columns="geometry").equals(b.conflicts.drop(columns="geometry"))
        assert a.owners_affected == b.owners_affected
        assert a.owners_no_data == b.owners_no_data


def test_a_cancel_between_parts_leaves_the_register_as_it_was(tmp_path, registers):
    from asset_register.errors import CancelledError

    _, store = registers
    path = source(tmp_path)
    run(store, path, PART)
    before = (assets(store), rejects(store), batches(store))
    seen = []

    def cancel():  # after the second part has been handed over
        return sum("features" in m for m in seen) >= 2

    job = ImportJob(store, source(tmp_path, "again.gpkg", changed=40), owner="GAS",
                    profile=gas_profile(), part_rows=PART, parts_from=PART,
                    progress=lambda f, m: seen.append(m), cancel=cancel)
    with pytest.raises(CancelledError):
        job.run()
    assert (assets(store), rejects(store), batches(store)) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("collide", [False, True])
def test_the_ids_of_earlier_parts_are_found_as_a_plain_lookup_finds_them(collide):
    """The sorted runs of id hashes (merged as they grow) answer what a dict of every
    earlier id answers, hash collisions included (the id itself decides)."""
    import pandas as pd

    from importers.prepare import SeenIds

    rng = np.random.default_rng(5)
    for _ in range(150):
        seen, plain, row = SeenIds(), {}, 0
        for _part in range(int(rng.integers(1, 10))):
            ids = pd.unique(np.array([f"A{v}" for v in rng.integers(0, 80, rng.integers(0, 40))],
                                     dtype=object))
            keys = pd.util.hash_array(ids, categorize=False)
            if collide:  # a handful of hash values for every id
                keys = keys % np.uint64(5)
            rows = np.arange(row, row + len(ids))
            row += len(ids) + 2
            repeat, first = seen.record(ids, keys, rows)
            assert repeat.tolist() == [i in plain for i in ids]
            assert first[repeat].tolist() == [plain[i] for i in ids[repeat]]
            plain.update(zip(ids[~repeat], rows[~repeat], strict=True))
            assert len(seen) == len(plain)


def test_the_garbage_collector_is_paused_for_a_layer_in_one_frame_only(tmp_path, monkeypatch):
    """A one-frame layer is imported with Python's cyclic collector paused (its full passes
    over a million objects cost ~1 s and found nothing); a layer in parts keeps it running;
    either way it is on again afterwards, also when the import fails."""
    import gc

    seen = []
    real = ImportJob._import_layer
    monkeypatch.setattr(ImportJob, "_import_layer",
                        lambda self, *a: seen.append(gc.isenabled()) or real(self, *a))
    path = source(tmp_path)
    assert gc.isenabled()
    with create_register(tmp_path / "one.gpkg") as store:
        assert run(store, path, N + 1).imported  # one frame
    with create_register(tmp_path / "parts.gpkg") as store:
        assert run(store, path, PART).imported  # in parts
    assert seen == [False, True] and gc.isenabled()

    def fail(self, *a):
        raise RuntimeError("stop")

    monkeypatch.setattr(ImportJob, "_import_layer", fail)
    with create_register(tmp_path / "failed.gpkg") as store, pytest.raises(RuntimeError):
        run(store, path, N + 1)
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left as it was
    try:
        from asset_register.memory import gc_paused

        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
