"""CRS handling: missing CRS, each classic mistake explained, transformations and their accuracy."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from asset_register.errors import CRSError
from importers import ImportJob
from importers.crs import check_coordinates, parse_crs, plan_transform, reproject

from .conftest import canonical_lines, gas_profile

BNG = parse_crs("EPSG:27700")
TOWN = (530000.0, 180000.0, 531600.0, 181200.0)


def _write(frame, path, crs):
    frame = frame.set_crs(crs, allow_override=True) if crs else frame.set_crs(None, allow_override=True)
    pyogrio.write_dataframe(frame, path, driver="GPKG", layer="mains")
    return path


def _import(register, path, **kw):
    return ImportJob(register, path, owner="GAS", profile=gas_profile(), **kw).run()[0]


def test_a_layer_without_crs_is_refused_unless_stated(tmp_path, register):
    path = _write(canonical_lines(), tmp_path / "nocrs.gpkg", None)
    with pytest.raises(CRSError, match="no coordinate reference system.*--assume-crs"):
        _import(register, path)
    assert register.asset_count() == 0
    report = _import(register, path, assume_crs="EPSG:27700")
    assert report.imported == 12 and any("no CRS" in w for w in report.warnings)


def test_lonlat_labelled_as_projected_is_explained(tmp_path, register):
    lonlat = canonical_lines().to_crs("EPSG:4326")
    path = _write(lonlat, tmp_path / "degrees_as_bng.gpkg", "EPSG:27700")
    with pytest.raises(CRSError, match="look like longitude/latitude degrees.*EPSG:4326"):
        _import(register, path)
    assert register.asset_count() == 0
    # stating the right CRS does not override the declared one unless forced
    with pytest.raises(CRSError, match="look like longitude/latitude degrees"):
        _import(register, path, assume_crs="EPSG:4326")
    assert register.asset_count() == 0
    # the user forces the right CRS: imported where it belongs
    report = _import(register, path, assume_crs="EPSG:4326", force_crs=True)
    got = register.read_assets().sort_values("asset_id")
    d = shapely.hausdorff_distance(got.geometry.array, canonical_lines().geometry.array)
    assert report.imported == 12 and d.max() < 0.05


def test_swapped_lat_lon_is_explained(tmp_path, register):
    lonlat = canonical_lines().to_crs("EPSG:4326")
    swapped = lonlat.set_geometry(shapely.transform(lonlat.geometry.array, lambda c: c[:, ::-1]))
    path = _write(swapped, tmp_path / "latlon.gpkg", "EPSG:4326")
    with pytest.raises(CRSError, match="axes swapped.*latitude before longitude"):
        _import(register, path)


def test_swapped_eastings_northings_are_caught_against_the_registers_data(tmp_path, register):
    _import(register, _write(canonical_lines(), tmp_path / "ok.gpkg", "EPSG:27700"))
    lines = canonical_lines()
    swapped = lines.set_geometry(shapely.transform(lines.geometry.array, lambda c: c[:, ::-1]))
    swapped["PIPE_ID"] = "S" + swapped["PIPE_ID"]
    with pytest.raises(CRSError, match="axes swapped"):
        _import(register, _write(swapped, tmp_path / "swapped.gpkg", "EPSG:27700"))
    assert register.asset_count() == 12


def test_wrong_national_grid_names_the_grid_that_fits(tmp_path, register):
    path = _write(canonical_lines(), tmp_path / "bng_as_itm.gpkg", "EPSG:2157")  # Irish grid label
    with pytest.raises(CRSError, match=r"They fit EPSG:27700 \(OSGB36 / British National Grid\).*wrong grid"):
        _import(register, path)


def test_projected_coordinates_labelled_as_wgs84_are_explained():
    xy = np.array([[530500.0, 180500.0], [531000.0, 181000.0]])
    with pytest.raises(CRSError, match="EPSG:27700"):
        check_coordinates(parse_crs("EPSG:4326"), xy, BNG)


def test_far_from_the_register_only_warns_when_nothing_explains_it():
    xy = np.array([[430500.0, 380500.0], [431000.0, 381000.0]])  # valid BNG, 200 km away
    warns = check_coordinates(BNG, xy, BNG, TOWN)
    assert len(warns) == 1 and "km from the register's other data" in warns[0]


def test_wgs84_to_bng_carries_the_accuracy_of_the_operation_used():
    plan = plan_transform(parse_crs("EPSG:4326"), BNG, (-0.2, 51.4, 0.0, 51.6))
    assert "OSGB36 to WGS 84" in plan.description
    assert plan.accuracy_m > 0
    if plan.accuracy_m == 2.0:  # OSTN15 grid not installed: the Helmert fallback, and it says so
        assert any("OSTN15" in n and "not installed" in n for n in plan.notes)


def test_etrs89_utm_goes_through_wgs84_rather_than_a_ballpark_shift():
    plan = plan_transform(parse_crs("EPSG:25830"), BNG, (-0.2, 51.4, 0.0, 51.6))
    assert "ballpark" not in plan.description.lower()
    assert plan.accuracy_m < 10


def test_ballpark_only_is_recorded_with_a_conservative_accuracy():
    plan = plan_transform(parse_crs("EPSG:4230"), BNG)  # ED50: no direct real transformation here
    if "ballpark" in plan.description.lower():
        assert plan.accuracy_m >= 100


def test_same_crs_is_no_transformation():
    plan = plan_transform(BNG, parse_crs("EPSG:27700"))
    assert plan.is_noop and plan.accuracy_m == 0.0


def test_known_point_lands_where_ordnance_survey_puts_it(tmp_path, register):
    # Ordnance Survey's worked projection example ("A guide to coordinate systems in Great
    # Britain", Caister water tower): OSGB36 52°39'27.2531"N 1°43'04.5177"E is National
    # Grid E 651409.903, N 313177.270. A pure projection: exact to the millimetre.
    lat = 52 + 39 / 60 + 27.2531 / 3600
    lon = 1 + 43 / 60 + 4.5177 / 3600
    pt = gpd.GeoDataFrame({"PIPE_ID": ["T1"], "DIAM_IN": [1], "MATERIAL": ["PE"], "PRESSURE": ["LP"],
                           "COVER_FT": [1.0]}, geometry=[shapely.Point(lon, lat)], crs="EPSG:4277")
    pyogrio.write_dataframe(pt, tmp_path / "tower.gpkg", driver="GPKG")
    report = _import(register, tmp_path / "tower.gpkg")
    got = register.read_assets().geometry.iloc[0]
    assert np.hypot(got.x - 651409.903, got.y - 313177.270) < 0.002
    assert report.accuracy_m == 0.0  # a conversion, no datum change


def test_reprojection_keeps_z_and_flags_untransformable_rows():
    plan = plan_transform(parse_crs("EPSG:4326"), BNG)
    geoms = np.array([shapely.Point(-0.1, 51.5, 12.5), shapely.LineString([(-0.1, 51.5), (-0.09, 51.51)]),
                      shapely.Point(-0.1, 95.0)], dtype=object)
    out, failed = reproject(geoms, plan)
    assert shapely.has_z(out[0]) and out[0].z == 12.5
    assert not shapely.has_z(out[1])
    assert list(failed) == [False, False, True]


def test_threaded_reprojection_equals_one_call(monkeypatch):
    import importers.parallel as parallel

    rng = np.random.default_rng(3)
    n = 5000
    x, y = rng.uniform(-0.5, 0.3, n), rng.uniform(51.3, 51.7, n)
    geoms = np.asarray(shapely.linestrings(np.stack([np.column_stack([x, x + 1e-4]),
                                                     np.column_stack([y, y + 1e-4])], axis=2)))
    geoms[7] = shapely.Point(0.0, 95.0)  # untransformable
    geoms[900] = None
    geoms[2500] = shapely.LineString([(-0.1, 51.5, 2.5), (-0.1001, 51.5001, 3.0)])
    plan = plan_transform(parse_crs("EPSG:4326"), BNG)
    monkeypatch.setattr(parallel, "MIN_ROWS", 10**9)
    one, failed_one = reproject(geoms, plan)
    monkeypatch.setattr(parallel, "MIN_ROWS", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 3)
    for min_chunk in (10**9, 10):  # one chunk per thread, then several per thread
        monkeypatch.setattr(parallel, "MIN_CHUNK", min_chunk)
        many, failed_many = reproject(geoms, plan)
        assert list(failed_one) == list(failed_many) and failed_one.sum() == 1
        assert list(shapely.is_missing(many)) == list(shapely.is_missing(one))
        assert shapely.equals_exact(one, many, tolerance=0)[~shapely.is_missing(one)].all()
        assert np.array_equal(shapely.get_coordinates(one, include_z=True),  # bit for bit
                              shapely.get_coordinates(many, include_z=True), equal_nan=True)


def test_the_crs_sample_of_cleaned_geometries_measures_only_the_sampled_ones():
    """``sample_xy(..., cleaned=True)`` takes the very sample the full measure takes: after
    ``clean`` every geometry has a finite box, so the finite filter drops none."""
    from importers.crs import SAMPLE_POINTS, sample_xy
    from importers.geometry import clean

    rng = np.random.default_rng(3)
    n = SAMPLE_POINTS * 3 + 17
    x, y = rng.uniform(-1, 1, n), rng.uniform(50, 52, n)
    geoms = shapely.points(x, y).astype(object)
    geoms[::5] = shapely.linestrings(np.stack([np.stack([x, y], 1)[::5],
                                               np.stack([x + 0.01, y], 1)[::5]], 1))
    geoms[7], geoms[11] = None, shapely.Point()  # missing, empty: clean drops them
    geoms[13] = shapely.points(np.nan, 51.0)  # not finite: dropped too
    kept = clean(geoms).geometry
    assert len(kept) == n - 3
    assert np.array_equal(sample_xy(kept, cleaned=True), sample_xy(kept))
    assert len(sample_xy(kept)) == SAMPLE_POINTS
    small = kept[:100]
    assert np.array_equal(sample_xy(small, cleaned=True), sample_xy(small))


def test_lines_rebuilt_from_their_points_equal_the_set_coordinates_rebuild(monkeypatch):
    """Chunks of plain 2D line strings are rebuilt by ``linestrings`` from the transformed
    points, not by ``set_coordinates``: the same geometries byte for byte (WKB), and any
    other chunk (a point, Z, an SRID, a one-point line) keeps the ``set_coordinates`` path."""
    import importers.crs as crsmod

    rng = np.random.default_rng(11)
    n = 3000
    sizes = rng.integers(2, 7, n)
    lines = []
    for k in sizes:
        x0, y0 = rng.uniform(-0.5, 0.3), rng.uniform(51.3, 51.7)
        lines.append(shapely.LineString(np.column_stack([x0 + rng.normal(0, 1e-3, k),
                                                         y0 + rng.normal(0, 1e-3, k)])))
    plain = np.array(lines, dtype=object)
    plan = plan_transform(parse_crs("EPSG:4326"), BNG)
    assert crsmod._plain_lines(plain)
    fast = crsmod._reproject_chunk(plain, plan)
    monkeypatch.setattr(crsmod, "_plain_lines", lambda geoms: False)
    slow = crsmod._reproject_chunk(plain, plan)
    monkeypatch.undo()
    assert list(shapely.to_wkb(fast)) == list(shapely.to_wkb(slow))
    assert (shapely.get_type_id(fast) == 1).all() and not shapely.has_z(fast).any()

    mixed = plain.copy()
    mixed[5] = shapely.Point(-0.1, 51.5)
    assert not crsmod._plain_lines(mixed)
    with_srid = plain.copy()
    with_srid[9] = shapely.set_srid(with_srid[9], 4326)
    assert not crsmod._plain_lines(with_srid)
    for chunk in (mixed, with_srid):  # the plain path for them: as it always was
        normal = crsmod._reproject_chunk(chunk, plan)
        monkeypatch.setattr(crsmod, "_plain_lines", lambda geoms: False)
        before = crsmod._reproject_chunk(chunk, plan)
        monkeypatch.undo()
        assert (list(shapely.to_wkb(normal, include_srid=True))
                == list(shapely.to_wkb(before, include_srid=True)))
    assert not crsmod._plain_lines(np.array([], dtype=object))
