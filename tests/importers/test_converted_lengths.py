"""A size or depth converted from another unit is stored as the number the owner meant:
6 inches is 152.4 mm, not the binary product 152.39999999999998 that was stored, exported to
the notice pack's CSV and shown in the app (seen importing the OGC sample UK sewer network,
whose pipe sizes are in inches with the unit in a column of its own)."""

from __future__ import annotations

import csv

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pytest
import shapely

from asset_register.cli.main import main
from asset_register.store import create_register, open_register
from importers.imkl.vocab import depth_m, diameter_mm
from importers.mapping import map_layer
from importers.profiles import FieldRule, Profile

# each a product whose binary result has trailing digits: 6 in, 3 ft, 57 cm
assert 6 * 0.0254 * 1000 != 152.4 and 3 * 0.3048 != 0.9144 and 57 * 0.01 * 1000 != 570.0


def test_profile_units_give_the_exact_size_and_depth():
    prof = Profile(constants={"utility": "sewer", "asset_class": "pipe"}, fields={
        "diameter_mm": FieldRule(source="D", unit="in"),
        "depth_m": FieldRule(source="C", unit="ft"),
        "h_accuracy_m": FieldRule(source="A", unit="cm")})
    t = pa.table({"D": [6, 9, 12], "C": [3, 4.5, 10], "A": [57, 30, 7]})
    geoms = shapely.points(np.arange(3, dtype=float), np.zeros(3))
    m = map_layer(t, np.arange(3), np.full(3, "", dtype=object), geoms, "EPSG:27700", prof,
                  owner="OWN", layer="mains")
    assert m.assets["diameter_mm"].tolist() == [152.4, 228.6, 304.8]
    assert m.assets["depth_m"].tolist() == [0.9144, 1.3716, 3.048]
    assert m.assets["h_accuracy_m"].tolist() == [0.57, 0.3, 0.07]


def test_imkl_sizes_and_depths_in_other_units_are_exact():
    assert diameter_mm({"pipeDiameter": "57", "pipeDiameter_uom": "urn:ogc:def:uom:OGC::cm"}) \
        == 570.0
    assert diameter_mm({"pipeDiameter": "6", "pipeDiameter_uom": "in"}) == 152.4
    assert depth_m({"diepte": "3", "diepte_uom": "ft"}) == 0.9144
    assert diameter_mm({"pipeDiameter": "110"}) == 110.0  # mm as given: unchanged


@pytest.fixture
def sewer_file(tmp_path):
    """Foul sewers in the shape of a UK water company's export: the size in inches or
    millimetres, the unit in its own column."""
    geoms = [shapely.LineString([(389600 + 10 * i, 263400), (389600 + 10 * i, 263450)])
             for i in range(3)]
    frame = gpd.GeoDataFrame({"feature_id": ["s1", "s2", "s3"], "nominal_diam": [6, 9, 150],
                              "imperial_metric": ["IN.", "IN.", "mm."],
                              "material": ["VC", "VC", "PVC"]},
                             geometry=geoms, crs="EPSG:27700")
    path = tmp_path / "sewer.gpkg"
    frame.to_file(path, layer="foul_sewer", driver="GPKG")
    return path


def test_imported_sizes_reach_the_register_and_the_notice_csv_exact(tmp_path, sewer_file,
                                                                     monkeypatch, capsys):
    monkeypatch.setenv("ASSET_REGISTER_NOW", "2026-11-23T09:30:00+00:00")
    reg = tmp_path / "gb.gpkg"
    create_register(reg, crs="EPSG:27700").close()
    assert main(["import", str(reg), str(sewer_file), "--owner", "SEW",
                 "--utility", "sewer"]) == 0
    store = open_register(reg)
    try:
        got = store.get_assets(["SEW:s1", "SEW:s2", "SEW:s3"])
        assert {k: v["diameter_mm"] for k, v in got.items()} == {
            "SEW:s1": 152.4, "SEW:s2": 228.6, "SEW:s3": 150.0}
    finally:
        store.close()
    capsys.readouterr()
    out = tmp_path / "packs"
    assert main(["notice", str(reg), "--wkt",
                 "POLYGON ((389595 263420, 389625 263420, 389625 263424, 389595 263424, "
                 "389595 263420))", "--out", str(out), "--promoter", "Works Ltd",
                 "--start", "2026-12-14", "--end", "2026-12-15"]) == 0
    (pack,) = out.iterdir()
    with open(pack / "conflicts.csv", encoding="utf-8-sig", newline="") as f:
        sizes = {r["asset_id"]: r["diameter_mm"] for r in csv.DictReader(f)}
    assert sizes == {"SEW:s1": "152.4", "SEW:s2": "228.6", "SEW:s3": "150.0"}


def test_sizes_and_depths_written_with_their_unit_or_a_decimal_comma_are_read():
    """An owner's table writing "180mm", "6 in" or "0,6" lost the value (unknown, with a
    note); a lost size shrinks the clearance by half the asset's width."""
    prof = Profile(constants={"utility": "water", "asset_class": "pipe"}, fields={
        "diameter_mm": FieldRule(source="D"), "depth_m": FieldRule(source="C")})
    t = pa.table({"D": ["180mm", "6 in", "12,5 cm", "100-150 mm", "150", "DN150"],
                  "C": ["0,6", "900 mm", "1.2m", "3 ft", "1.1", "deep"]})
    geoms = shapely.points(np.arange(6, dtype=float), np.zeros(6))
    m = map_layer(t, np.arange(6), np.full(6, "", dtype=object), geoms, "EPSG:27700", prof,
                  owner="OWN", layer="mains")
    d, c = m.assets["diameter_mm"].tolist(), m.assets["depth_m"].tolist()
    assert d[:5] == [180.0, 152.4, 125.0, 150.0, 150.0] and np.isnan(d[5])
    assert c[:5] == [0.6, 0.9, 1.2, 0.9144, 1.1] and np.isnan(c[5])
    assert any("DN150" in w for w in m.warnings) and any("deep" in w for w in m.warnings)


def test_a_size_with_its_unit_gives_the_same_check_as_the_number(tmp_path, monkeypatch, capsys):
    import json

    monkeypatch.setenv("ASSET_REGISTER_NOW", "2026-11-23T09:30:00+00:00")
    main_line = {"type": "LineString", "coordinates": [[530000, 180000], [530050, 180000]]}
    results = []
    for name, size in (("number", 1200), ("text", "1200 mm")):
        src = tmp_path / f"{name}.geojson"
        src.write_text(json.dumps({"type": "FeatureCollection", "crs": {
            "type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
            "features": [{"type": "Feature", "geometry": main_line,
                          "properties": {"id": "T1", "diameter": size}}]}))
        reg = tmp_path / f"{name}.gpkg"
        create_register(reg, crs="EPSG:27700").close()
        assert main(["import", str(reg), str(src), "--owner", "TW", "--utility", "water"]) == 0
        capsys.readouterr()
        assert main(["check", str(reg), "--wkt", "POINT (530020 180002.1)", "--radius", "0.5",
                     "--json"]) == 0
        results.append(json.loads(capsys.readouterr().out)["conflicts"])
    number, text = results
    assert [(c["asset_id"], c["severity"], c["clearance_m"], c["diameter_mm"]) for c in text] \
        == [(c["asset_id"], c["severity"], c["clearance_m"], c["diameter_mm"]) for c in number]
    assert [c["diameter_mm"] for c in text] == [1200.0]
