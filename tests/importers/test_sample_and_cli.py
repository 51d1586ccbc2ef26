"""The sample town (generator, committed files, full import), the real UK sewer network, the CLI."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from asset_register.cli.main import main
from asset_register.errors import RegisterExistsError
from asset_register.store import open_register
from importers import ImportJob
from importers.profiles import parse_profile
from importers.sample import build_sample
from sample_data.generate import generate

SEWER = "ogc-gpkg/simple_sewer_features.gpkg"


def _layers(path: Path) -> dict[str, pd.DataFrame]:
    src = f"/vsizip/{path}" if path.suffix == ".zip" else str(path)
    opts = {"WRITE_GFS": "NO"} if path.suffix == ".gml" else {}
    out = {}
    for name in pyogrio.list_layers(src)[:, 0] if path.suffix != ".gml" else ["sewer_pipes", "manholes"]:
        df = pyogrio.read_dataframe(src, layer=name, **opts)
        df["wkb"] = shapely.to_wkb(df.geometry.array, output_dimension=3)
        out[name] = pd.DataFrame(df.drop(columns=df.geometry.name))
    return out


def test_generator_is_deterministic_and_matches_the_committed_town(tmp_path, sample_town):
    fresh = generate(tmp_path / "town")
    committed = sorted(p.name for p in sample_town.iterdir())
    assert sorted(p.name for p in fresh.iterdir()) == committed
    total = sum((sample_town / n).stat().st_size for n in committed)
    assert total < 5_000_000
    for name in committed:
        a, b = sample_town / name, fresh / name
        if a.suffix == ".gpkg":  # GeoPackages carry write timestamps: compare their content
            la, lb = _layers(a), _layers(b)
            assert la.keys() == lb.keys()
            for layer in la:
                pd.testing.assert_frame_equal(la[layer], lb[layer])
        else:
            assert a.read_bytes() == b.read_bytes(), name


def test_sample_register_holds_every_owner_with_the_defects_reported(tmp_path):
    reg = tmp_path / "sample.gpkg"
    reports, n_works = build_sample(reg)
    by = {(Path(r.source).name, r.layer): r for r in reports}
    assert all(r.status == "imported" for r in reports)
    assert n_works == 6
    rejects = {k: r.rejects_by_reason for k, r in by.items() if r.rejected}
    assert rejects == {
        ("electricity_mpn.geojson", "electricity_cables"): {"no geometry": 3},
        ("water_rvw.gpkg", "water_fittings"): {
            "coordinates outside the area of use of the register's CRS": 1},
        ("telecoms_ducts_ofl.csv", "telecoms_ducts_ofl"): {"duplicate asset id '…'": 2},
        ("lighting_signals_rbc.dxf", "entities"): {"utility: '…' is not in the value map": 1},
    }
    assert by[("pipeline_fpl.kml", "fuel_pipeline")].repaired == 1  # the self-intersecting zone
    assert by[("electricity_mpn.geojson", "electricity_cables")].accuracy_m > 0
    assert by[("heat_rhn.fgb", "heat_pipes")].accuracy_m > 0
    with open_register(reg, read_only=True) as store:
        assets = store.read_assets()
        owners = {o.code: o for o in store.owners()}
        coverage = set(store.owner_coverage()["owner"])
    assert set(owners) == {"MPN", "SGD", "RVW", "RWS", "OFL", "RBC", "RHN", "FPL"}
    assert owners["SGD"].emergency_phone
    assert coverage == set(owners)
    assert set(assets["utility"]) == {"electricity", "gas", "water", "sewer", "telecoms",
                                      "street_lighting", "traffic_signals", "district_heating",
                                      "hazardous_pipeline"}
    zones = assets[assets["asset_class"] == "precaution_zone"]
    assert len(zones) == 2 and zones.geometry.is_valid.all()
    sewers = assets[assets["utility"] == "sewer"]
    assert shapely.has_z(sewers.geometry.array).all()
    gas = assets[assets["owner"] == "SGD"]
    assert set(gas["pressure"]) == {"LP", "MP", "HP"}
    hp = gas[gas["pressure"] == "HP"].iloc[0]
    assert hp["diameter_mm"] == pytest.approx(24 * 25.4)
    with pytest.raises(RegisterExistsError):
        build_sample(reg)


def test_real_uk_sewer_network_keeps_z_and_drops_m(shared_data, register):
    path = shared_data / SEWER
    if not path.exists():
        pytest.skip(f"{path} is absent")
    reports = ImportJob(register, path, owner="OGC", utility="sewer", all_layers=True).run()
    assert [r.imported for r in reports] == [69, 82, 21]
    assets = register.read_assets()
    geoms = assets.geometry.array
    assert shapely.has_z(geoms).all() and not shapely.has_m(geoms).any()
    # XYZ exactly as GDAL's own (M-dropping) reader gives them
    for r in reports:
        ref = pyogrio.read_dataframe(path, layer=r.layer, use_arrow=False)
        got = assets[assets["delivery"] == f"OGC:{r.layer}"]
        ref_xyz = np.sort(shapely.get_coordinates(ref.geometry.array, include_z=True), axis=0)
        got_xyz = np.sort(shapely.get_coordinates(got.geometry.array, include_z=True), axis=0)
        np.testing.assert_array_equal(got_xyz, ref_xyz)
    assert {r.accuracy_m for r in reports} == {0.0}
    chambers = assets[assets["delivery"] == "OGC:s_manhole"]
    assert set(chambers["asset_class"]) == {"chamber"}


def test_cli_import_json_rejects_and_profile(tmp_path, capsys, sample_town):
    reg = tmp_path / "r.gpkg"
    assert main(["init", str(reg)]) == 0
    capsys.readouterr()
    code = main(["import", str(reg), str(sample_town / "telecoms_ducts_ofl.csv"), "--owner", "OFL",
                 "--profile", "sample_ofl", "--json"])
    assert code == 0
    (rep,) = json.loads(capsys.readouterr().out)
    assert rep["imported"] == 42 and rep["rejected"] == 2 and rep["added"] == 42
    assert main(["rejects", str(reg), "--batch", str(rep["batch_id"])]) == 0
    out = capsys.readouterr().out
    assert "row 8: duplicate asset id 'OFL:OF-D-0007'" in out
    assert main(["profile", "propose", str(sample_town / "water_rvw.gpkg"), "--utility", "water"]) == 0
    prof = parse_profile(tomllib.loads(capsys.readouterr().out))
    assert prof.layers["water_mains"].fields["asset_id"].source == "ASSET_ID"
    # no CRS and none stated: one clear line, non-zero exit
    code = main(["import", str(reg), str(sample_town / "telecoms_chambers_ofl.csv"), "--owner", "OFL",
                 "--auto", "--utility", "telecoms"])
    assert code != 0
    assert "no coordinate reference system" in capsys.readouterr().err


def test_cli_sample_builds_the_register(tmp_path, capsys):
    reg = tmp_path / "town.gpkg"
    assert main(["sample", str(reg), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "from 13 layers of 8 owners, 7 rows rejected" in out


def test_api_for_the_desktop_app(sample_town, register):
    from importers import detect_crs, inspect, preview

    info = inspect(sample_town / "water_rvw.gpkg")
    assert [(layer.name, layer.features) for layer in info.layers] == [
        ("water_mains", 60), ("water_services", 560), ("water_fittings", 81)]
    assert "DIAMETER" in info.layers[0].fields and info.layers[0].crs == "EPSG:27700"
    crs, warns = detect_crs(sample_town / "telecoms_ducts_ofl.csv")
    assert crs is None and "--assume-crs" in warns[0]
    p = preview(sample_town / "gas_sgd.zip", "gas_mains", "sample_sgd", n=5, owner="SGD")
    assert len(p.assets) == 5 and p.assets["asset_id"].str.startswith("SGD:G").all()
    assert p.accuracy_m == 0.0
    fractions = []
    ImportJob(register, sample_town / "heat_rhn.fgb", owner="RHN", profile="sample_rhn",
              progress=lambda f, m: fractions.append(f)).run()
    assert register.asset_count() == 12
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_an_owner_code_differing_only_in_case_is_refused(tmp_path, capsys, sample_town):
    """`--owner ofl` after `--owner OFL` made a second owner holding a second copy of the
    same network (a dig check listed each duct twice, under two owners). Refused with one line
    naming the register's code; nothing is written."""
    reg = tmp_path / "r.gpkg"
    ducts = str(sample_town / "telecoms_ducts_ofl.csv")
    assert main(["init", str(reg)]) == 0
    assert main(["import", str(reg), ducts, "--owner", "OFL", "--profile", "sample_ofl"]) == 0
    capsys.readouterr()
    assert main(["import", str(reg), ducts, "--owner", "ofl", "--profile", "sample_ofl"]) != 0
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "'ofl'" in err and "--owner OFL" in err
    with open_register(reg) as store:
        assert [o.code for o in store.owners()] == ["OFL"] and len(store.batches()) == 1


def _mains_csv(path: Path, prefix: str, y: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("id,utility,WKT\n" + "".join(
        f'{prefix}{i},water,"LINESTRING ({530000 + i * 10} {y}, {530005 + i * 10} {y})"\n'
        for i in range(20)), encoding="utf-8")
    return path


def test_two_files_of_one_command_with_the_same_layer_name_are_refused(tmp_path, capsys):
    """north/mains.csv and south/mains.csv in one command are one delivery 'WAT:mains': the
    second retired the first's 20 assets, and the retire guard's advice (--confirm-retire)
    would have wiped the north. Refused up front, naming both files and the ways out; with
    --append both halves are kept."""
    reg = tmp_path / "r.gpkg"
    north = _mains_csv(tmp_path / "north" / "mains.csv", "N", 180000)
    south = _mains_csv(tmp_path / "south" / "mains.csv", "S", 170000)
    assert main(["init", str(reg)]) == 0
    capsys.readouterr()
    args = ["import", str(reg), str(north), str(south), "--owner", "WAT",
            "--assume-crs", "EPSG:27700"]
    for extra in ([], ["--confirm-retire"]):
        assert main([*args, *extra]) != 0
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "'mains'" in err and "--append" in err
        assert str(Path("north") / "mains.csv") in err and str(Path("south") / "mains.csv") in err
    with open_register(reg) as store:
        assert store.asset_count() == 0 and len(store.batches()) == 0
    assert main([*args, "--append"]) == 0
    with open_register(reg) as store:
        assert store.asset_count() == 40
