"""Checks across the layers of one delivery, before anything is written: ids that collide
across layers never replace each other's assets, and geometry-identical layers are named."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import pytest
import shapely

from asset_register.errors import ImportError_
from importers import ImportJob, inspect
from importers.profiles import FieldRule, Profile

X0, Y0 = 530000.0, 180000.0


def layer(ids, y0=0.0, **cols):
    geoms = [shapely.LineString([(X0, Y0 + y0 + i * 4), (X0 + 25, Y0 + y0 + i * 4)])
             for i in range(len(ids))]
    return gpd.GeoDataFrame({"id": ids, **cols}, geometry=geoms, crs="EPSG:27700")


@pytest.fixture
def colliding(tmp_path):
    """Mains and services numbered 1..3 each (a GeoPackage's row numbers as ids)."""
    path = tmp_path / "water.gpkg"
    layer(["1", "2", "3"], material=["PE"] * 3).to_file(path, layer="mains")
    layer(["1", "2", "3"], y0=100, material=["PVC"] * 3).to_file(path, layer="services")
    return path


def water_profile(**source) -> Profile:
    return Profile(name="water", constants={"utility": "water", "asset_class": "pipe"},
                   fields={"asset_id": FieldRule(source="id"),
                           "material": FieldRule(source="material")}, **source)


def test_colliding_ids_with_the_users_profile_are_refused_before_writing(register, colliding):
    with pytest.raises(ImportError_) as err:
        ImportJob(register, colliding, owner="WAT", all_layers=True, profile=water_profile()).run()
    message = str(err.value)
    assert "'mains' and 'services'" in message and "share 3 asset ids" in message
    assert 'id_scope = "layer"' in message and "\n" not in message
    assert register.asset_count() == 0 and len(register.batches()) == 0
    # the fix the message names works: both layers, six assets
    reports = ImportJob(register, colliding, owner="WAT", all_layers=True,
                        profile=water_profile(id_scope="layer")).run()
    assert [r.imported for r in reports] == [3, 3]
    got = register.read_assets().set_index("asset_id")
    assert got.loc["WAT:mains/1", "material"] == "PE"
    assert got.loc["WAT:services/1", "material"] == "PVC"


def test_the_auto_mappers_ids_are_scoped_by_layer_and_the_report_says_so(register, colliding):
    dry = ImportJob(register, colliding, owner="WAT", all_layers=True, utility="water",
                    dry_run=True).run()
    assert all("ids are scoped by layer" in " ".join(r.warnings) for r in dry)
    assert register.asset_count() == 0
    reports = ImportJob(register, colliding, owner="WAT", all_layers=True, utility="water").run()
    assert [r.imported for r in reports] == [3, 3] and [r.changed for r in reports] == [0, 0]
    got = register.read_assets().set_index("asset_id")
    assert sorted(got.index) == ["WAT:mains/1", "WAT:mains/2", "WAT:mains/3",
                                 "WAT:services/1", "WAT:services/2", "WAT:services/3"]
    assert set(got.loc[[i for i in got.index if "services" in i], "material"]) == {"PVC"}
    assert "share 3 ids" in " ".join(inspect(colliding).warnings)


def test_identical_layers_are_named_in_inspect_the_dry_run_and_the_summary(register, tmp_path):
    path = tmp_path / "pipes.gpkg"
    for name in ("pipes", "pipes_copy", "pipes_again"):
        layer([f"P{i}" for i in range(4)]).to_file(path, layer=name)
    layer(["Q1"], y0=50).to_file(path, layer="other")
    warnings = " ".join(inspect(path).warnings)
    assert "'pipes_copy' and 'pipes' hold the same 4 geometries" in warnings
    assert "'pipes_again' and 'pipes' hold the same 4 geometries" in warnings
    assert "'other'" not in warnings
    dry = ImportJob(register, path, owner="SGD", all_layers=True, utility="gas",
                    dry_run=True).run()
    by_layer = {r.layer: " ".join(r.warnings) for r in dry}
    assert "hold the same 4 geometries" in by_layer["pipes_copy"]
    assert "hold the same" not in by_layer["other"]
    assert register.asset_count() == 0


def test_layers_with_distinct_ids_and_geometries_say_nothing(register, tmp_path):
    path = tmp_path / "two.gpkg"
    layer(["A1", "A2"]).to_file(path, layer="a")
    layer(["B1", "B2"], y0=30).to_file(path, layer="b")
    reports = ImportJob(register, path, owner="X", all_layers=True, utility="water").run()
    assert not any("scoped" in w or "same" in w for r in reports for w in r.warnings)
    assert sorted(register.read_assets()["asset_id"]) == ["X:A1", "X:A2", "X:B1", "X:B2"]


def test_the_cli_refusal_is_one_line(register, colliding, tmp_path):
    from importers.profiles import save_profile

    prof = tmp_path / "water.toml"
    save_profile(water_profile(), prof)
    path = register.location
    register.close()
    run = subprocess.run(
        [sys.executable, "-m", "asset_register.cli.main", "import", path, str(colliding),
         "--owner", "WAT", "--all-layers", "--profile", str(prof)],
        capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "share 3 asset ids" in lines[0]


def test_a_file_of_several_owners_is_never_lumped_under_one(register, tmp_path):
    """A council's combined layer names each row's owner: imported with --owner RBC every
    gas main and cable became RBC's, and a check sent their conflicts to RBC. Refused before
    writing, naming the column, the owners and how to split the file; each owner's part then
    imports, and a column of one owner or a public/private 'ownership' is no obstacle."""
    path = tmp_path / "combined.gpkg"
    layer(["A1", "A2", "A3", "A4"], owner=["SGN", "SGN", "UKPN", " Thames Water "],
          ownership=["Public", "Private", "Public", "Public"]).to_file(path, layer="assets")
    for dry in (True, False):
        with pytest.raises(ImportError_) as err:
            ImportJob(register, path, owner="RBC", utility="gas", dry_run=dry).run()
        message = str(err.value)
        assert "'owner' column names 3 owners (SGN, Thames Water, UKPN)" in message
        assert "ogr2ogr -where" in message and "\n" not in message
    assert register.asset_count() == 0 and len(register.batches()) == 0
    sgn = tmp_path / "sgn.gpkg"
    frame = gpd.read_file(path)
    frame[frame["owner"] == "SGN"].to_file(sgn, layer="assets")
    (report,) = ImportJob(register, sgn, owner="SGN", utility="gas").run()
    assert report.imported == 2 and register.asset_count() == 2


def test_a_delivery_whose_operator_column_differs_only_by_blanks_imports(register, tmp_path):
    path = tmp_path / "one.gpkg"
    layer(["B1", "B2", "B3"], Operator=["UKPN", "UKPN ", None]).to_file(path, layer="cables")
    (report,) = ImportJob(register, path, owner="UKPN", utility="electricity").run()
    assert report.imported == 3


def windows_csv(path, owners, ids=None):
    """A CSV saved by Excel on Windows (Windows-1252, ';' and CRLF), with WKT geometry."""
    ids = ids or [f"K{i}" for i in range(len(owners))]
    lines = ["id;eigenaar;WKT"] + [
        f"{k};{o};LINESTRING ({X0} {Y0 + 4 * i}, {X0 + 25} {Y0 + 4 * i})"
        for i, (k, o) in enumerate(zip(ids, owners, strict=True))]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_a_windows_1252_owner_column_is_read_as_text(register, tmp_path):
    """An owner column written in Windows-1252 ('Vitens Ö', 'Liander é') raised Arrow's
    'Invalid UTF8 sequence' traceback from the owners check: it is read the way the import
    reads it, so several owners are refused by name and one owner imports with its name."""
    several = windows_csv(tmp_path / "several.csv", ["Vitens Ö", "Liander é", "Vitens Ö"])
    with pytest.raises(ImportError_) as err:
        ImportJob(register, several, owner="VIT", utility="water",
                  assume_crs="EPSG:27700").run()
    assert "'eigenaar' column names 2 owners (Liander é, Vitens Ö)" in str(err.value)
    assert register.asset_count() == 0 and len(register.batches()) == 0
    one = windows_csv(tmp_path / "one.csv", ["Vitens Ö", "Vitens Ö "])
    (report,) = ImportJob(register, one, owner="VIT", utility="water",
                          assume_crs="EPSG:27700").run()
    assert report.imported == 2
    assert set(register.read_assets()["asset_id"]) == {"VIT:K0", "VIT:K1"}


def test_windows_1252_ids_are_read_as_text_by_the_cross_layer_check(tmp_path):
    """The cross-layer id check read a Windows-1252 id column as UTF-8 and raised Arrow's
    'Invalid UTF8 sequence' (a traceback): it reads the ids as the import does."""
    from importers.delivery_checks import _read_keys
    from importers.sources import open_source

    path = windows_csv(tmp_path / "a.csv", ["VIT", "VIT"], ids=["Straße-1", "Straße-2"])
    source = open_source(path)
    keys = _read_keys(source, "a", ["id"], pick=False)
    assert keys is not None and keys.ids == {"Straße-1", "Straße-2"} and keys.features == 2
