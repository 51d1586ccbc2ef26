"""CRS advice is drawn from the file's declared CRS, its area of use and the register's
working CRS — never from a fixed national grid — and a mislabelled layer is refused whole."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from asset_register.errors import CRSError
from asset_register.store import create_register
from importers import ImportJob
from importers.api import inspect
from importers.crs import check_coordinates, parse_crs, resolve_source_crs

from .conftest import canonical_lines, gas_profile

BNG, RD = parse_crs("EPSG:27700"), parse_crs("EPSG:28992")


def rotterdam(n: int = 179, origin=(91000, 436000)) -> gpd.GeoDataFrame:
    """``n`` cable lines in Rotterdam (or near another RD origin), in RD New (metres)."""
    rng = np.random.default_rng(11)
    x0, y0 = origin[0] + rng.uniform(0, 3000, n).round(3), origin[1] + rng.uniform(0, 2500, n).round(3)
    lines = [shapely.LineString([(x, y), (x + 12.5, y + 4.0), (x + 30.0, y - 2.0)])
             for x, y in zip(x0, y0, strict=True)]
    return gpd.GeoDataFrame({
        "PIPE_ID": [f"K{i:04d}" for i in range(n)], "DIAM_IN": np.full(n, 4, dtype=np.int32),
        "MATERIAL": ["PE"] * n, "PRESSURE": ["LP"] * n, "COVER_FT": np.full(n, 2.0),
    }, geometry=lines, crs="EPSG:28992")


def _gpkg(frame, path, label=None):
    frame = frame.set_crs(label, allow_override=True) if label else frame
    pyogrio.write_dataframe(frame, path, driver="GPKG", layer="cables")
    return path


def _import(store, path, **kw):
    return ImportJob(store, path, owner="NET", profile=gas_profile(), **kw).run()[0]


@pytest.fixture
def rd_register(tmp_path):
    store = create_register(tmp_path / "rd.gpkg", crs="EPSG:28992")
    yield store
    store.close()


@pytest.mark.parametrize(("crs", "origin"), [
    ("EPSG:28992", (91000, 436000)), ("EPSG:4258", (91000, 436000)), ("EPSG:25831", (91000, 436000)),
    ("EPSG:4326", (91000, 436000)),
    ("EPSG:25832", (200000, 320000)),  # Venlo/Limburg, east of 6°E: UTM zone 32's own area
    ("EPSG:25832", (190000, 320000)),  # just west of 6°E: German data in zone 32 runs past it
])
def test_correct_dutch_and_etrs89_files_are_not_sent_to_british_grid(tmp_path, crs, origin):
    path = _gpkg(rotterdam(origin=origin).to_crs(crs), tmp_path / "ok.gpkg")
    info = inspect(path)  # no register: judged on its own CRS and area of use
    assert info.layers[0].warnings == []
    # against a British register: told it lies outside that register's area, not to relabel it
    warns = inspect(path, BNG).layers[0].warnings
    assert len(warns) == 1 and "outside the area the register's CRS EPSG:27700" in warns[0]
    assert "--assume-crs" not in warns[0] and "27700 (OSGB36" in warns[0]


def test_correct_rd_new_file_imports_into_a_dutch_register(tmp_path, rd_register):
    src = rotterdam()
    report = _import(rd_register, _gpkg(src.to_crs("EPSG:4258"), tmp_path / "etrs.gpkg"))
    assert report.imported == 179 and report.accuracy_m == 0.0  # RDNAPTRANS2018
    got = rd_register.read_assets().sort_values("asset_id")
    assert shapely.hausdorff_distance(got.geometry.array, src.geometry.array).max() < 0.01


def test_correct_rd_new_file_into_a_british_register_is_refused_as_out_of_area(tmp_path, register):
    path = _gpkg(rotterdam(), tmp_path / "rd.gpkg")
    with pytest.raises(CRSError, match="outside the area the register's CRS EPSG:27700") as exc:
        _import(register, path)
    assert "--assume-crs" not in str(exc.value)
    assert register.asset_count() == 0


def test_degrees_labelled_rd_new_refuse_the_whole_layer(tmp_path, register, rd_register):
    # the real case: 179 lon/lat rows labelled RD New; before, 162 were imported and 17 rejected
    degrees = rotterdam().to_crs("EPSG:4326")
    path = _gpkg(degrees, tmp_path / "deg_as_rd.gpkg", "EPSG:28992")
    for store in (register, rd_register):
        with pytest.raises(CRSError, match=r"look like longitude/latitude degrees \(around longitude 4\.4"):
            _import(store, path)
        # the advice a British register once gave does not bypass the check either
        with pytest.raises(CRSError, match="look like longitude/latitude degrees"):
            _import(store, path, assume_crs="EPSG:27700", force_crs=True)
        assert store.asset_count() == 0 and store.rejects().empty and store.batches().empty
    warn = inspect(path).layers[0].warnings[0]
    assert "longitude/latitude degrees" in warn and "--assume-crs EPSG:4326 --force-crs" in warn
    report = _import(rd_register, path, assume_crs="EPSG:4326", force_crs=True)
    assert report.imported == 179 and report.rejected == 0


def test_a_few_stray_rows_do_not_hide_degrees_under_a_metric_label(tmp_path, register):
    degrees = rotterdam().to_crs("EPSG:4326")
    g = np.asarray(degrees.geometry.array)
    g[:20] = [shapely.LineString([(530100, 180100), (530200, 180150)])] * 20  # stray metres
    degrees = degrees.set_geometry(g)
    with pytest.raises(CRSError, match="look like longitude/latitude degrees"):
        _import(register, _gpkg(degrees, tmp_path / "mixed.gpkg", "EPSG:28992"))
    assert register.asset_count() == 0


def test_canberra_degrees_do_not_fit_british_national_grid():
    xy = np.array([[149.0, -35.0], [149.1, -35.3], [149.13, -35.28]])
    for working in (None, BNG):
        with pytest.raises(CRSError, match="look like longitude/latitude degrees.*EPSG:27700"):
            check_coordinates(BNG, xy, working)


def test_metres_labelled_geographic_refuse_the_whole_layer(tmp_path, register, rd_register):
    path = _gpkg(rotterdam(), tmp_path / "rd_as_wgs84.gpkg", "EPSG:4326")
    with pytest.raises(CRSError, match=r"cannot be degrees.*--assume-crs EPSG:28992 --force-crs"):
        _import(rd_register, path)
    assert rd_register.asset_count() == 0
    # a British register: its own grid is offered first when the numbers fit it too
    with pytest.raises(CRSError, match=r"cannot be degrees.*They fit|cannot be degrees.*they fit EPSG:27700"):
        _import(register, path)
    assert register.asset_count() == 0


def test_no_crs_advice_names_crss_whose_area_holds_the_data_working_crs_first(tmp_path, rd_register):
    xy_rd = np.array([[91500.0, 436500.0], [93500.0, 438000.0]])
    with pytest.raises(CRSError, match=r"fit EPSG:28992 \(Amersfoort / RD New\).*--assume-crs EPSG:28992"):
        resolve_source_crs(None, None, xy=xy_rd)  # no register: the most specific area first
    with pytest.raises(CRSError, match=r"--assume-crs EPSG:27700"):
        resolve_source_crs(None, None, xy=xy_rd, working=BNG)  # they fit BNG too: the register's first
    with pytest.raises(CRSError, match=r"degrees.*--assume-crs EPSG:4326"):
        resolve_source_crs(None, None, xy=np.array([[4.47, 51.92], [4.5, 51.9]]), working=RD)
    path = _gpkg(rotterdam().set_crs(None, allow_override=True), tmp_path / "nocrs.gpkg")
    with pytest.raises(CRSError, match=r"no coordinate reference system.*--assume-crs EPSG:28992"):
        _import(rd_register, path)
    assert "--assume-crs EPSG:28992" in inspect(path).layers[0].warnings[0]
    assert _import(rd_register, path, assume_crs="EPSG:28992").imported == 179


def test_assume_crs_applies_only_to_layers_without_one(tmp_path, register):
    path = _gpkg(canonical_lines(), tmp_path / "bng.gpkg")
    report = _import(register, path, assume_crs="EPSG:28992")
    assert report.imported == 12 and report.source_crs == "EPSG:27700"
    assert any("EPSG:27700 (OSGB36 / British National Grid), which is kept" in w for w in report.warnings)
    got = register.read_assets().sort_values("asset_id")
    assert shapely.hausdorff_distance(got.geometry.array, canonical_lines().geometry.array).max() < 1e-6


def test_cli_force_crs_needs_assume_crs_and_inspect_checks_against_a_register(tmp_path, capsys):
    from asset_register.cli.main import main

    reg = tmp_path / "nl.gpkg"
    assert main(["init", str(reg), "--crs", "EPSG:28992"]) == 0
    path = _gpkg(rotterdam().to_crs("EPSG:4326"), tmp_path / "deg_as_rd.gpkg", "EPSG:28992")
    capsys.readouterr()
    assert main(["import", str(reg), str(path), "--owner", "NET", "--utility", "gas", "--force-crs"]) != 0
    assert "--force-crs overrides declared CRSs with --assume-crs" in capsys.readouterr().err
    assert main(["import", str(reg), str(path), "--owner", "NET", "--utility", "gas",
                 "--assume-crs", "EPSG:4326"]) != 0
    err = capsys.readouterr().err
    assert "look like longitude/latitude degrees" in err and "Traceback" not in err
    assert main(["inspect", str(path), "--register", str(reg)]) == 0
    assert "look like longitude/latitude degrees" in capsys.readouterr().out
    assert main(["import", str(reg), str(path), "--owner", "NET", "--utility", "gas",
                 "--assume-crs", "EPSG:4326", "--force-crs"]) == 0
    out = capsys.readouterr().out
    assert "imported 179" in out and "read as EPSG:4326 (WGS 84) as forced" in out


def test_no_crs_degrees_outside_the_registers_area_say_so(tmp_path, register):
    path = _gpkg(rotterdam().to_crs("EPSG:4326").set_crs(None, allow_override=True), tmp_path / "deg.gpkg")
    with pytest.raises(CRSError, match=r"look like longitude/latitude degrees \(around longitude 4\.4.*"
                                       r"outside the area the register's CRS EPSG:27700"):
        _import(register, path)
    assert register.asset_count() == 0


def test_degree_sized_numbers_are_never_suggested_as_metres():
    # Real lon/lat far from a register's data: the check may warn, but never proposes reading
    # them as metres of a projected CRS (they would sit at its false origin).
    merc = parse_crs("EPSG:3857")
    extent = (-14_000_000.0, 150_000.0, 170_000.0, 8_000_000.0)  # America to Europe, in metres
    xy = np.array([[20.9, 18.9], [30.0, 10.0], [25.0, 15.0]])  # Africa, in degrees
    warns = check_coordinates(parse_crs("EPSG:4326"), xy, merc, extent)
    assert len(warns) == 1 and "more than 50 km from the register's other data" in warns[0]


def test_geopackage_undefined_srs_counts_as_no_crs(tmp_path, register):
    import sqlite3

    path = tmp_path / "undefined.gpkg"
    for name in ("cartesian", "geographic"):
        pyogrio.write_dataframe(canonical_lines(), path, layer=name, layer_options={"SPATIAL_INDEX": "NO"})
    with sqlite3.connect(path) as con:  # GeoPackage srs_id -1 / 0: undefined cartesian / geographic
        for table, srs in (("cartesian", -1), ("geographic", 0)):
            con.execute("UPDATE gpkg_geometry_columns SET srs_id = ? WHERE table_name = ?", (srs, table))
            con.execute("UPDATE gpkg_contents SET srs_id = ? WHERE table_name = ?", (srs, table))
    for layer in inspect(path).layers:
        assert "not tied to the earth" in layer.warnings[0] and "--assume-crs EPSG:27700" in layer.warnings[0]
    with pytest.raises(CRSError, match="not tied to the earth.*no coordinate reference system"):
        _import(register, path, layers=["cartesian"])
    assert register.asset_count() == 0
    report = _import(register, path, layers=["cartesian"], assume_crs="EPSG:27700")  # no --force-crs needed
    assert report.imported == 12 and report.source_crs == "EPSG:27700"
    got = register.read_assets().sort_values("asset_id")
    assert shapely.hausdorff_distance(got.geometry.array, canonical_lines().geometry.array).max() < 1e-6
