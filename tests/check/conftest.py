"""Fixtures for dig-check tests: registers built in tmp_path from hand-placed assets."""

from __future__ import annotations

import geopandas as gpd
import pytest

from asset_register.model import BatchInfo, Owner, validate_assets

X0, Y0 = 530000.0, 180000.0  # a street in London, British National Grid


def asset(asset_id, geom, **fields) -> dict:
    """One canonical asset row; defaults give a 0.5 m clearance + 0 uncertainty."""
    row = {
        "asset_id": asset_id, "owner": fields.pop("owner", "WAT"),
        "utility": fields.pop("utility", "water"), "asset_class": fields.pop("asset_class", "pipe"),
        "status": fields.pop("status", "in_service"), "h_accuracy_m": fields.pop("h_accuracy_m", 0.0),
        "geometry": geom,
    }
    row.update(fields)
    return row


def write(store, rows: list[dict], *, crs_accuracy_m=None, owner=None) -> None:
    frame = validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs=store.crs))
    store.write_batch(frame, BatchInfo(source_file="test", transformation_accuracy_m=crs_accuracy_m,
                                       owner=owner))


@pytest.fixture
def register(gpkg_store_factory):
    """make(rows, owners=(...), crs_accuracy_m=None) -> an open GeoPackage register."""

    made = []

    def make(rows, owners=("WAT",), crs_accuracy_m=None):
        made.append(1)
        store = gpkg_store_factory(f"register{len(made)}.gpkg")
        for code in owners:
            store.upsert_owner(Owner(code, f"{code} Utilities", phone="0100", emergency_phone="0999",
                                     email=f"{code.lower()}@example.org"))
        if rows:
            write(store, rows, crs_accuracy_m=crs_accuracy_m)
        return store

    return make


@pytest.fixture
def helpers(monkeypatch):
    """Helper processes read every batch's candidate rows (``store.gpkg.fetchproc``), in
    record batches of 5 rows; records which path each read took ("helpers", "in-process")
    and the helper processes started, and fails if any is left running."""
    from asset_register.store.gpkg import colread, fetchproc
    from asset_register.store.gpkg.reader import RTreeReader

    monkeypatch.setattr(fetchproc, "START_BOXES", 1)
    monkeypatch.setattr(colread, "BATCH_ROWS", 5)
    seen = {"paths": [], "procs": []}
    from_helpers = RTreeReader._from_helpers
    in_process = RTreeReader._read_in_process
    start = RTreeReader._start_helpers

    def spy_helpers(self, *args):
        out = from_helpers(self, *args)
        if out is not None:
            seen["paths"].append("helpers")
        return out

    def spy_in_process(self, *args):
        seen["paths"].append("in-process")
        return in_process(self, *args)

    def spy_start(self, *args):
        h = start(self, *args)
        if h is not None:
            seen["procs"].extend(h.procs)
        return h

    monkeypatch.setattr(RTreeReader, "_from_helpers", spy_helpers)
    monkeypatch.setattr(RTreeReader, "_read_in_process", spy_in_process)
    monkeypatch.setattr(RTreeReader, "_start_helpers", spy_start)
    yield seen
    assert all(p.poll() is not None for p in seen["procs"]), "a helper was left running"


