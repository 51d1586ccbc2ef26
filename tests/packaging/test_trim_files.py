"""packaging/trim_files.py: which collected files build.spec leaves out, on synthetic TOCs.

Each rule is shown dropping what it is for and keeping what the app needs next to it
(the Qt platform plugins offscreen and xcb, GDAL's data, the PROJ grids, libarrow_python).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.packaging.tinylibs import make_lib, needs_binutils

import toc  # packaging/, put on sys.path by tinylibs
import trim_files

QT = "PySide6/Qt/plugins"
MUST_GO = [
    f"{QT}/egldeviceintegrations/libqeglfs-kms-integration.so",
    f"{QT}/generic/libqevdevmouseplugin.so",
    f"{QT}/networkinformation/libqnetworkmanager.so",
    f"{QT}/platforms/libqeglfs.so",
    f"{QT}/platforms/libqlinuxfb.so",
    f"{QT}/platforms/libqminimalegl.so",
    f"{QT}/platforms/libqvnc.so",
    f"{QT}/platforms/libqvkkhrdisplay.so",
    f"{QT}/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    f"{QT}/platformthemes/libqgtk3.so",
    f"{QT}/imageformats/libqpdf.so",
    f"{QT}/imageformats/libqtiff.so",
    f"{QT}/imageformats/libqwebp.so",
    f"{QT}/imageformats/libqicns.so",
    f"{QT}/imageformats/libqtga.so",
    f"{QT}/imageformats/libqwbmp.so",
    f"{QT}/tls/libqopensslbackend.so",
    "PySide6/Qt/translations/qtbase_de.qm",
    "pyarrow/libarrow_flight.so.1900",
    "pyarrow/libarrow_s3fs.so.1900",
    "pyarrow/libarrow_python_flight.so.1900",
    "pyarrow/libarrow_python_parquet_encryption.so.1900",
    "pyarrow/libarrow_python.so",
    "pyarrow/libarrow_python.so.1900.0.0",
    "PySide6\\Qt\\plugins\\platforms\\qeglfs.dll",  # Windows names, backslashes
    "PySide6\\Qt\\translations\\qt_fr.qm",
]
MUST_STAY = [
    f"{QT}/platforms/libqoffscreen.so",  # screenshots, the smoke test, headless checks
    f"{QT}/platforms/libqxcb.so",  # X11 desktops
    f"{QT}/platforms/libqwayland-egl.so",
    f"{QT}/platforms/libqminimal.so",
    f"{QT}/xcbglintegrations/libqxcb-glx-integration.so",
    f"{QT}/platformthemes/libqxdgdesktopportal.so",
    f"{QT}/platforminputcontexts/libcomposeplatforminputcontextplugin.so",  # dead keys
    f"{QT}/imageformats/libqjpeg.so",
    f"{QT}/imageformats/libqsvg.so",
    f"{QT}/imageformats/libqgif.so",
    f"{QT}/imageformats/libqico.so",
    f"{QT}/iconengines/libqsvgicon.so",
    "PySide6\\Qt\\plugins\\platforms\\qwindows.dll",
    "PySide6/Qt/lib/libQt6Core.so.6",
    "PySide6/Qt/lib/libQt6Pdf.so.6",
    "PySide6/Qt/lib/libQt6Network.so.6",  # QtPdf links it
    "pyarrow/libarrow_python.so.1900",  # the one the extension modules link
    "pyarrow/libarrow.so.1900",
    "pyarrow/lib.cpython-311-x86_64-linux-gnu.so",
    "pyogrio/gdal_data/gml_registry.xml",
    "pyogrio/gdal_data/header.dxf",
    "pyogrio/proj_data/proj.db",
    "asset_register/proj_grids/uk_os_OSTN15_NTv2_OSGBtoETRS.tif",
    "asset_register/proj_grids/uk_os_OSGM15_GB.tif",
    "asset_register/translations/notes.txt",  # "translations" outside Qt's folder
]


def _toc(names, kind="BINARY"):
    return [(n, f"/src/{i}", kind) for i, n in enumerate(names)]


def test_unused_files_drop_what_no_part_of_the_app_uses_and_keep_the_rest():
    trim = trim_files.unused_files(_toc(MUST_GO + MUST_STAY))
    assert trim.names == MUST_STAY
    assert [name for name, _why in trim.dropped] == MUST_GO
    assert all(why for _name, why in trim.dropped)
    reasons = dict(trim.dropped)
    assert "Fusion" in reasons[f"{QT}/platformthemes/libqgtk3.so"]
    assert "English only" in reasons["PySide6/Qt/translations/qtbase_de.qm"]


def test_every_unused_files_rule_is_exercised_above():
    """A rule added without an example in MUST_GO (or that no longer matches one) fails here."""
    for pattern, why in trim_files.UNUSED_FILES:
        assert any(pattern.search(n) for n in MUST_GO), f"no example for the rule {pattern.pattern!r} ({why})"


def test_the_installed_qt_plugins_the_app_needs_stay():
    """On the real PySide6 wheel: offscreen and xcb, their GL integration, SVG/JPEG/GIF stay; egl/vnc go."""
    PySide6 = pytest.importorskip("PySide6")
    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins"
    if not plugins.is_dir():
        pytest.skip("this PySide6 keeps its plugins elsewhere")
    names = [p.relative_to(plugins.parents[2]).as_posix() for p in sorted(plugins.rglob("*")) if p.is_file()]
    kept = {Path(n).name for n in trim_files.unused_files(_toc(names)).names}
    for plugin in ("qoffscreen", "qxcb", "qxcb-glx-integration", "qsvg", "qjpeg", "qgif"):
        found = [n for n in names if Path(n).stem in (f"lib{plugin}", plugin)]
        assert found, f"the wheel has no {plugin} plugin"
        assert all(Path(n).name in kept for n in found), f"{plugin} would be left out"
    dropped = {Path(n).name for n in names} - kept
    assert any("qeglfs" in n for n in dropped) and any("qvnc" in n for n in dropped)


def test_host_libs_leaves_the_desktop_client_libraries_to_the_system():
    toc_in = [
        ("libX11.so.6", "/usr/lib/x86_64-linux-gnu/libX11.so.6", "BINARY"),
        ("libX11-xcb.so.1", "/usr/lib/x86_64-linux-gnu/libX11-xcb.so.1", "BINARY"),
        ("libxcb-cursor.so.0", "/lib/x86_64-linux-gnu/libxcb-cursor.so.0", "BINARY"),
        ("libxkbcommon-x11.so.0", "/usr/lib64/libxkbcommon-x11.so.0", "BINARY"),
        ("libfontconfig.so.1", "/usr/lib/libfontconfig.so.1", "BINARY"),
        ("libdbus-1.so.3", "/lib64/libdbus-1.so.3", "BINARY"),
        # a wheel's vendored copy has a hashed name: not the host's library, it stays
        ("pillow.libs/libfreetype-57f805ba.so.6.20.6", "/venv/pillow.libs/libfreetype-57f805ba.so.6.20.6",
         "BINARY"),
        ("libxcb.so.1", "/usr/lib/libxcb.so.1", "BINARY"),  # no dash: not a libxcb-* extension
        ("libQt6Core.so.6", "/venv/PySide6/Qt/lib/libQt6Core.so.6", "BINARY"),
    ]
    trim = trim_files.host_libs(toc_in)
    assert trim.names == ["pillow.libs/libfreetype-57f805ba.so.6.20.6", "libxcb.so.1", "libQt6Core.so.6"]
    assert {why for _n, why in trim.dropped} == {trim_files.HOST_REASON}
    assert "libX11.so.6" in trim.notes[0] and "libdbus-1.so.3" in trim.notes[0]


def test_host_libs_stops_on_a_package_s_own_copy_of_a_host_library(tmp_path):
    lib = tmp_path / "site-packages" / "somewheel.libs" / "libfontconfig.so.1"
    lib.parent.mkdir(parents=True)
    lib.write_bytes(b"")
    with pytest.raises(toc.BuildStop, match=r"\['libfontconfig.so.1'\] come from a package"):
        trim_files.host_libs([("libfontconfig.so.1", str(lib), "BINARY")])
    # the same file reached through a system folder's symbolic link is judged by where it really is
    link = tmp_path / "usr" / "lib" / "libfontconfig.so.1"
    link.parent.mkdir(parents=True)
    link.symlink_to(lib)
    with pytest.raises(toc.BuildStop):
        trim_files.host_libs([("libfontconfig.so.1", str(link), "BINARY")], system_dirs=(f"{tmp_path}/usr/lib/",))


def test_orphans_keeps_what_extensions_plugins_and_dlopened_libraries_reach():
    links = {
        "/s/ext.so": ["libA.so.1"], "/s/libA.so.1": ["libB.so.2", "libc.so.6"], "/s/libB.so.2": [],
        "/s/qxcb.so": ["libQt6XcbQpa.so.6"], "/s/libQt6XcbQpa.so.6": [],
        "/s/libspatialindex_c.so.6": ["libspatialindex.so.6"], "/s/libspatialindex.so.6": [],
        "/s/libQt6Quick.so.6": ["libQt6Qml.so.6"], "/s/libQt6Qml.so.6": [],  # only a dropped plugin used them
        "/s/libparquet.so.1900": [],
    }
    toc_in = [
        ("pyogrio/_io.cpython-311-x86_64-linux-gnu.so", "/s/ext.so", "EXTENSION"),
        ("libA.so.1", "/s/libA.so.1", "BINARY"),
        ("libB.so.2", "/s/libB.so.2", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/qxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/s/libQt6XcbQpa.so.6", "BINARY"),
        ("rtree/lib/libspatialindex_c.so.6", "/s/libspatialindex_c.so.6", "BINARY"),
        ("rtree/lib/libspatialindex.so.6", "/s/libspatialindex.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/s/libQt6Quick.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Qml.so.6", "/s/libQt6Qml.so.6", "BINARY"),
        ("pyarrow/libparquet.so.1900", "/s/libparquet.so.1900", "BINARY"),
    ]
    trim = trim_files.orphans(toc_in, needed=links.__getitem__)
    assert [n for n, _why in trim.dropped] == ["PySide6/Qt/lib/libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Qml.so.6",
                                               "pyarrow/libparquet.so.1900"]
    assert trim.toc == [e for e in toc_in if e[0] in trim.names] and len(trim.toc) == 7


@needs_binutils
def test_orphans_reads_the_links_from_real_libraries(tmp_path):
    base = make_lib(tmp_path, "libbase.so.1")
    mid = make_lib(tmp_path, "libmid.so.1", uses=["data"], needs=[base])
    ext = make_lib(tmp_path, "mod.cpython-311-x86_64-linux-gnu.so", needs=[mid])
    lonely = make_lib(tmp_path, "liblonely.so.3")
    toc_in = [("pkg/mod.cpython-311-x86_64-linux-gnu.so", str(ext), "EXTENSION"),
              ("libmid.so.1", str(mid), "BINARY"), ("libbase.so.1", str(base), "BINARY"),
              ("liblonely.so.3", str(lonely), "BINARY")]
    trim = trim_files.orphans(toc_in)
    assert trim.dropped == [("liblonely.so.3", trim_files.ORPHAN_REASON)]
    assert trim.names == ["pkg/mod.cpython-311-x86_64-linux-gnu.so", "libmid.so.1", "libbase.so.1"]


def _proj_db(path: Path, major: int, minor: int) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE metadata (key TEXT, value TEXT)")
        con.executemany("INSERT INTO metadata VALUES (?, ?)", [("DATABASE.LAYOUT.VERSION.MAJOR", str(major)),
                                                               ("DATABASE.LAYOUT.VERSION.MINOR", str(minor)),
                                                               ("PROJ.VERSION", "9.9.9")])
    con.close()
    return str(path)


def _proj_datas(tmp_path, kept, dropped):
    return [("pyogrio/proj_data/proj.db", _proj_db(tmp_path / "ogr" / "proj.db", *kept), "DATA"),
            ("pyogrio/proj_data/proj.ini", str(tmp_path / "ogr" / "proj.ini"), "DATA"),
            ("pyogrio/gdal_data/gml_registry.xml", "/x/gml_registry.xml", "DATA"),
            ("pyproj/proj_dir/share/proj/proj.db", _proj_db(tmp_path / "pp" / "proj.db", *dropped), "DATA"),
            ("pyproj/proj_dir/share/proj/proj.ini", "/x/proj.ini", "DATA"),
            ("asset_register/proj_grids/uk_os_OSTN15_NTv2_OSGBtoETRS.tif", "/x/ostn.tif", "DATA")]


def test_one_proj_db_when_pyogrio_s_serves_pyproj_s_proj(tmp_path):
    trim = trim_files.shared_proj_data(_proj_datas(tmp_path, kept=(1, 5), dropped=(1, 4)))
    assert trim.names == ["pyogrio/proj_data/proj.db", "pyogrio/proj_data/proj.ini",
                          "pyogrio/gdal_data/gml_registry.xml",
                          "asset_register/proj_grids/uk_os_OSTN15_NTv2_OSGBtoETRS.tif"]
    assert [n for n, _why in trim.dropped] == ["pyproj/proj_dir/share/proj/proj.db",
                                               "pyproj/proj_dir/share/proj/proj.ini"]


@pytest.mark.parametrize("kept, dropped", [((1, 3), (1, 4)), ((2, 0), (1, 4)), ((1, 9), (2, 0))])
def test_both_proj_dbs_stay_unless_the_layouts_allow_it(tmp_path, kept, dropped):
    with pytest.raises(toc.BuildStop, match="cannot serve pyproj's PROJ"):
        trim_files.shared_proj_data(_proj_datas(tmp_path, kept, dropped))


def test_shared_proj_data_stops_when_a_database_is_not_where_it_was(tmp_path):
    datas = [e for e in _proj_datas(tmp_path, (1, 5), (1, 4)) if not e[0].startswith("pyproj/")]
    with pytest.raises(toc.BuildStop, match="expected proj.db from both"):
        trim_files.shared_proj_data(datas)


def test_check_grids_wants_every_grid_and_the_licences():
    from asset_register.grids import GRID_DIR, GRID_FILES

    collected = [(str(p), "asset_register/proj_grids") for p in sorted(GRID_DIR.iterdir())]
    assert trim_files.check_grids(collected, GRID_FILES) is None
    for missing in (*GRID_FILES, "README.md"):
        without = [(s, d) for s, d in collected if Path(s).name != missing]
        with pytest.raises(toc.BuildStop, match=missing):
            trim_files.check_grids(without, GRID_FILES)
    # in another folder they are not on pyproj's path
    with pytest.raises(toc.BuildStop):
        trim_files.check_grids([(s, "asset_register") for s, _d in collected], GRID_FILES)


@pytest.mark.parametrize("source, target, area, grid", [
    (4326, 27700, (-3.3, 51.4, -3.1, 51.6), "uk_os_OSTN15_NTv2_OSGBtoETRS.tif"),
    (4937, 7405, (-3.3, 51.4, -3.1, 51.6), "uk_os_OSGM15_GB.tif"),  # ETRS89 3D GNSS survey -> BNG + ODN
    (4258, 28992, (4.4, 51.8, 4.6, 52.0), "nl_nsgi_rdtrans2018.tif"),
    (4937, 7415, (4.4, 51.8, 4.6, 52.0), "nl_nsgi_nlgeo2018.tif"),  # ETRS89 3D -> RD New + NAP
])
def test_every_shipped_grid_serves_a_transformation_the_register_makes(source, target, area, grid):
    """Why no grid is trimmed: the height-only ones too are chosen when a 3D source goes into a
    register whose working CRS carries heights (BNG + ODN, RD New + NAP: both are accepted as
    projected working CRSs); without them that import goes through WGS 84 at +-2 m."""
    import pyproj

    from asset_register.grids import GRID_FILES, use_bundled_grids
    from asset_register.transform import plan_transform

    assert grid in GRID_FILES and use_bundled_grids()
    assert pyproj.CRS.from_epsg(target).is_projected
    plan = plan_transform(pyproj.CRS.from_epsg(source), pyproj.CRS.from_epsg(target), area)
    assert grid in plan.description and plan.accuracy_m < 1.1, plan.description



GDAL_DATA = ["pyogrio/gdal_data/grib2_table_4_2_0_3.csv", "pyogrio/gdal_data/grib2_center.csv",
             "pyogrio/gdal_data/nitf_spec.xml", "pyogrio/gdal_data/nitf_spec.xsd", "pyogrio/gdal_data/ecw_cs.wkt",
             "pyogrio/gdal_data/gml_registry.xml", "pyogrio/gdal_data/header.dxf",
             "pyogrio/gdal_data/s57objectclasses.csv", "pyogrio/gdal_data/default.rsc",
             "pyogrio/gdal_data/LICENSE.TXT", "other/grib2_table.csv"]
VECTOR_DRIVERS = {"GML": "rw", "DXF": "rw", "S57": "rw", "SXF": "r", "ESRI Shapefile": "rw", "GPKG": "rw"}


def test_gdal_data_only_raster_drivers_read_is_left_out():
    trim = trim_files.raster_only_gdal_data(_toc(GDAL_DATA, "DATA"), VECTOR_DRIVERS)
    assert [n for n, _why in trim.dropped] == GDAL_DATA[:5]
    assert trim.names == GDAL_DATA[5:]  # what vector drivers read (GML, DXF, S-57, SXF), licences, other packages
    assert dict(trim.dropped)["pyogrio/gdal_data/ecw_cs.wkt"] == (
        "read only by GDAL's raster driver ECW/ERS; the app reads vector data only")


@pytest.mark.parametrize("driver", ["GRIB", "NITF", "ERS"])
def test_gdal_data_stays_when_its_driver_reads_vector_data(driver):
    with pytest.raises(toc.BuildStop, match=rf"GDAL's {driver} driver now reads vector data"):
        trim_files.raster_only_gdal_data(_toc(GDAL_DATA, "DATA"), {**VECTOR_DRIVERS, driver: "r"})


def test_the_raster_only_drivers_read_no_vector_data_in_the_installed_gdal():
    """The check build.spec makes, on the GDAL the tests run with (the bundle's)."""
    import pyogrio

    drivers = pyogrio.list_drivers()
    assert {"GML", "DXF", "GPKG", "ESRI Shapefile"} <= set(drivers)
    kept = trim_files.raster_only_gdal_data(_toc(GDAL_DATA, "DATA"), drivers)
    assert len(kept.dropped) == 5
