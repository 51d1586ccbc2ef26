"""KLIC deliveries in the shapes of the published IMKL examples (kadaster/klic-win
"Uitleveren" and "Toepassing IMKL"), each a defect found importing those examples.

26G000303 is a delivery with no cable or pipe in the area: request polygons only (the
information polygon also drawn for display with the dig polygon cut out) and one operator
whose Beheerder names no one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from asset_register.cli.main import main
from asset_register.deliveries import delivery_area
from asset_register.errors import CRSError
from asset_register.store import create_register
from importers import inspect
from importers.imkl import import_delivery

DATA = Path(__file__).with_name("data") / "imkl"
EMPTY_AREA = DATA / "GI_gebiedsinformatielevering_26G000303_1.xml"
INFO = shapely.Polygon([(160000, 470300), (159850, 469900), (160350, 469800),
                        (160500, 470300)])
DIG = shapely.Polygon([(160000, 470200), (159950, 469930), (160350, 469900),
                       (160400, 470190)])


def test_delivery_without_assets_is_refused_by_a_british_register(tmp_path):
    """Its only geometries are the request polygons: they are checked against the
    register's CRS like assets are, never reprojected into the wrong country."""
    store = create_register(tmp_path / "gb.gpkg", crs="EPSG:27700")
    try:
        with pytest.raises(CRSError, match="Netherlands.*this register cannot hold it"):
            import_delivery(store, EMPTY_AREA)
        assert store.owners() == []
        assert len(store.batches()) == 0
        assert store.owner_coverage().empty
        assert store.get_setting("delivery_areas") is None
    finally:
        store.close()


def test_delivery_without_assets_covers_its_dig_polygon(tmp_path, capsys):
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    reports = import_delivery(store, EMPTY_AREA)
    assert [(r.layer, r.status, r.imported) for r in reports] == [("imkl:KL3003", "imported", 0)]
    owner, = store.owners()
    assert (owner.code, owner.phone, owner.emergency_phone, owner.email) == (
        "KL3003", "088-300 3000", "0800-300 3999", "toezicht@kl3003.example")
    area = delivery_area(store, "26G000303")
    assert area.footprint.normalize().equals(DIG.normalize())
    # the information polygon, not its display drawing with the dig polygon cut out
    assert area.area.normalize().equals(INFO.normalize())
    store.close()
    reg = str(tmp_path / "nl.gpkg")
    assert main(["check", reg, "--delivery-area", "26G000303", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["conflicts"] == []
    # the operator answered for the area: nothing of it here, not "no data"
    assert [o["owner"] for o in out["owners_no_conflict"]] == ["KL3003"]
    assert out["owners_no_data"] == []


def test_inspect_counts_each_request_polygon_once():
    notes = inspect(EMPTY_AREA).warnings
    assert "Informatiepolygoon: 1 polygon(s) — kept as the delivery area, not as assets" in notes
