"""Smoke test of the packaged app, run from the bundle alone.

The tests never build the bundle: they run the one ``ASSET_REGISTER_BUNDLE`` names
(``.ci/run`` builds it with ``NO_ARCHIVE=1 packaging/build.sh`` and sets the variable
before ``make test``). Without the variable they are skipped with the reason, except under
``CI=true``, where a missing bundle fails them: CI cannot pass without smoke-testing it.

Every command runs in a clean environment: no virtual environment or repository on
PATH, no PYTHONPATH, HOME and the working directory in a temporary folder outside the
repository. Answers are checked against the development install (pyogrio, geopandas,
pyproj in this process), which computes them independently of the bundle.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "sample_data" / "town"
EXE = "asset-register.exe" if sys.platform == "win32" else "asset-register"
GUI_EXE = "asset-register-gui.exe" if sys.platform == "win32" else "asset-register-gui"

pytestmark = pytest.mark.slow


def _given_bundle(environ) -> Path | None:
    """The bundle folder ASSET_REGISTER_BUNDLE names; None (skip) without it, a failure under CI=true."""
    given = environ.get("ASSET_REGISTER_BUNDLE")
    if not given:
        if environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but ASSET_REGISTER_BUNDLE is not set: build the bundle with "
                        "`NO_ARCHIVE=1 packaging/build.sh` and set ASSET_REGISTER_BUNDLE=dist/asset-register "
                        "(.ci/run does both)", pytrace=False)
        return None
    folder = Path(given).resolve()
    if not (folder / EXE).is_file():
        pytest.fail(f"ASSET_REGISTER_BUNDLE={given} has no {EXE}: build it with `NO_ARCHIVE=1 packaging/build.sh` "
                    "or unset the variable", pytrace=False)
    return folder


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The bundle folder given by ASSET_REGISTER_BUNDLE (built beforehand, never by the tests)."""
    folder = _given_bundle(os.environ)
    if folder is None:
        pytest.skip("packaged-app smoke test: no bundle given; build one with `NO_ARCHIVE=1 packaging/build.sh` "
                    "and set ASSET_REGISTER_BUNDLE=dist/asset-register (CI=true makes a missing bundle fail)")
    return folder


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """A working folder outside the repository (also the HOME of every command)."""
    folder = tmp_path_factory.mktemp("bundle-run")
    assert ROOT not in folder.resolve().parents
    return folder


def clean_env(home: Path) -> dict[str, str]:
    """Only what a user's desktop session would have: no Python, no virtualenv, no repo."""
    system_path = os.pathsep.join(p for p in ("/usr/local/bin", "/usr/bin", "/bin") if os.path.isdir(p))
    env = {"HOME": str(home), "PATH": system_path, "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           "XDG_RUNTIME_DIR": str(home), "TMPDIR": str(home)}
    if sys.platform == "win32":
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "WINDIR", "USERPROFILE", "APPDATA", "LOCALAPPDATA")
                    if k in os.environ})
    return env


def run(bundle: Path, outside: Path, *args: str, gui: bool = False, timeout: float = 300,
        env: dict[str, str] | None = None) -> str:
    exe = bundle / (GUI_EXE if gui else EXE)
    done = subprocess.run([str(exe), *args], cwd=outside, env={**clean_env(outside), **(env or {})},
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{exe.name} {' '.join(args)} exited {done.returncode}\nstdout:\n{done.stdout[-3000:]}\n"
        f"stderr:\n{done.stderr[-3000:]}")
    return done.stdout


@pytest.fixture(scope="module")
def register(bundle, outside) -> tuple[Path, dict]:
    """A register holding the fuel pipeline delivery (KML, EPSG:4326), imported by the bundle."""
    kml = outside / "pipeline_fpl.kml"
    shutil.copy(TOWN / "pipeline_fpl.kml", kml)
    reg = outside / "pilot.gpkg"
    run(bundle, outside, "init", str(reg), "--authority-name", "Wessex Borough Council", "--authority-code", "WSX")
    out = run(bundle, outside, "import", str(reg), str(kml), "--owner", "FPL", "--owner-name", "Fuel Pipelines Ltd",
              "--profile", "sample_fpl", "--json")
    (report,) = json.loads(out)
    return reg, report


@pytest.fixture(scope="module")
def pipeline_bng():
    """The pipeline centre line reprojected to EPSG:27700 by the development install, with the
    PROJ grids the package ships (OSTN15), as the bundle uses them."""
    import pyogrio

    from asset_register.grids import use_bundled_grids

    assert use_bundled_grids()

    src = pyogrio.read_dataframe(TOWN / "pipeline_fpl.kml")
    assert src.crs.to_epsg() == 4326
    lines = src[src.geometry.geom_type == "LineString"].to_crs(27700)
    assert len(lines) == 1, "the sample pipeline delivery has one centre line"
    return lines.geometry.iloc[0]


def test_version_is_the_package_version(bundle, outside):
    assert run(bundle, outside, "--version").split() == ["asset-register", version("asset-register")]


def test_every_cli_command_is_in_the_bundle(bundle, outside):
    from asset_register.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    expected = set(sub.choices)
    assert {"import", "check", "notice", "sample"} <= expected
    listed = run(bundle, outside, "--help")
    missing = sorted(c for c in expected if f"    {c} " not in listed and f"    {c}\n" not in listed)
    assert not missing, f"commands missing from the bundled CLI: {missing}\n{listed}"


def test_import_reprojects_from_wgs84_inside_the_bundle(register, pipeline_bng):
    import pyogrio

    reg, report = register
    assert report["status"] == "imported" and report["source_crs"] == "EPSG:4326"
    assert report["rejected"] == 0 and report["imported"] == report["rows_read"] == 3
    assert "British National Grid" in report["transformation"]
    # the bundle carries OSTN15: ±1 m, not the ±2 m Helmert used without the grid
    assert "uk_os_OSTN15_NTv2_OSGBtoETRS.tif" in report["transformation"] and report["accuracy_m"] == 1.0
    assets = pyogrio.read_dataframe(reg, layer="assets")
    pipe = assets.loc[assets.geometry.geom_type == "LineString", "geometry"]
    assert len(pipe) == 1
    # Same coordinates (to 5 cm) as PROJ gives outside the bundle: in metres, not degrees.
    assert pipe.iloc[0].hausdorff_distance(pipeline_bng) < 0.05


def test_proj_stays_offline_when_the_environment_enables_its_network(bundle, outside, register):
    """A PC-wide PROJ_NETWORK=ON (set by some GIS installs) must not make the bundle depend on the CDN.

    With the network on, PROJ would consider grids it could fetch from the CDN; the bundle
    keeps PROJ offline and imports with the grids it carries (OSTN15), exactly as without
    the variable.
    """
    _, offline = register
    reg = outside / "network-on.gpkg"
    run(bundle, outside, "init", str(reg))
    out = run(bundle, outside, "import", str(reg), str(outside / "pipeline_fpl.kml"), "--owner", "FPL",
              "--profile", "sample_fpl", "--json", env={"PROJ_NETWORK": "ON"})
    (report,) = json.loads(out)
    assert report["status"] == "imported"
    assert (report["transformation"], report["accuracy_m"]) == (offline["transformation"], offline["accuracy_m"])


def test_dig_check_finds_the_pipeline_it_crosses(bundle, outside, register, pipeline_bng):
    reg, _ = register
    on_pipe = pipeline_bng.interpolate(0.4, normalized=True)
    hit = json.loads(run(bundle, outside, "check", str(reg), "--crs", "EPSG:27700", "--wkt", on_pipe.wkt,
                         "--radius", "1", "--json"))
    severity = {c["asset_id"]: c["severity"] for c in hit["conflicts"]}
    assert severity.get("FPL:FPL-001") == "strike", hit["conflicts"]
    assert [o["owner"] for o in hit["owners_affected"]] == ["FPL"]
    assert hit["rules_version"].startswith("default-"), "the bundled default rules were not used"

    far = json.loads(run(bundle, outside, "check", str(reg), "--crs", "EPSG:27700", "--wkt",
                         f"POINT ({on_pipe.x + 2000} {on_pipe.y + 2000})", "--radius", "1", "--json"))
    assert far["conflicts"] == []


def test_notice_pack_is_written(bundle, outside, register, pipeline_bng):
    from pypdf import PdfReader

    reg, _ = register
    on_pipe = pipeline_bng.interpolate(0.4, normalized=True)
    out = outside / "notices"
    run(bundle, outside, "notice", str(reg), "--crs", "EPSG:27700", "--wkt", on_pipe.wkt, "--radius", "1",
        "--promoter", "Wessex Water", "--start", "2031-03-03", "--end", "2031-03-05",
        "--description", "Repair a leaking service pipe", "--out", str(out))
    (pack,) = [p for p in out.iterdir() if p.is_dir()]
    assert pack.name.startswith("WSX-"), f"reference {pack.name} does not carry the authority code"
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    for name in ("summary.pdf", "notice-FPL.pdf", "conflicts.geojson", "conflicts.csv", "street-manager-work.json"):
        assert (pack / name).is_file(), f"{name} missing from {sorted(p.name for p in pack.iterdir())}"
        assert name in json.dumps(manifest), f"{name} not listed in manifest.json"
    summary = "".join(page.extract_text() for page in PdfReader(pack / "summary.pdf").pages)
    assert "FPL-001" in summary and "Wessex Borough Council" in summary
    geo = json.loads((pack / "conflicts.geojson").read_text(encoding="utf-8"))
    assert "FPL:FPL-001" in json.dumps(geo)


def test_gui_renders_the_sample_town_offscreen(bundle, outside):
    from PIL import Image

    town = outside / "town.gpkg"
    run(bundle, outside, "sample", str(town), "--quiet")
    shot = outside / "town.png"
    run(bundle, outside, str(town), "--screenshot", str(shot), "--size", "1200x800", gui=True)
    with Image.open(shot) as img:
        assert img.size == (1200, 800)
        rgb = img.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 100, "screenshot is blank or nearly uniform"
        # the map itself is drawn: the centre region holds many colours too (lines over the base map)
        w, h = rgb.size
        centre = rgb.crop((w // 3, h // 4, 2 * w // 3, h // 2)).getcolors(maxcolors=1 << 20)
        assert centre is not None and len(centre) > 20, "the map area is blank"


def test_gui_import_runs_in_a_child_process_of_the_bundle(bundle, outside):
    """The import wizard imports in a spawned child process: the bundle must re-enter itself as that child."""
    import sqlite3

    import pyogrio

    source = outside / "electricity_mpn.geojson"
    shutil.copy(TOWN / "electricity_mpn.geojson", source)
    reg = outside / "wizard.gpkg"
    run(bundle, outside, "init", str(reg))
    run(bundle, outside, str(reg), "--import-wizard", str(source), "--wizard-page", "4",
        "--screenshot", str(outside / "wizard.png"), gui=True, timeout=180)
    with sqlite3.connect(reg) as db:
        assets = db.execute("SELECT count(*) FROM assets").fetchone()[0]
        rejects = db.execute("SELECT count(*) FROM rejects").fetchone()[0]
    assert assets > 0, "the wizard's import child wrote nothing"
    assert assets + rejects == pyogrio.read_info(source)["features"]


def test_the_bundle_holds_what_the_app_needs_and_none_of_what_the_build_trims(bundle):
    """The trimming rules (packaging/trim_files.py) as the built bundle shows them."""
    sys.path.insert(0, str(ROOT / "packaging"))
    import trim_files

    from asset_register.grids import GRID_FILES

    internal = bundle / "_internal"
    files = sorted(p.relative_to(internal).as_posix() for p in internal.rglob("*")
                   if p.is_file() and not p.is_symlink())  # PyInstaller's links to libraries are not files
    assert trim_files.unused_files([(f, "", "DATA") for f in files]).dropped == []
    assert trim_files.raster_only_gdal_data([(f, "", "DATA") for f in files], []).dropped == []
    for needed in (*(f"asset_register/proj_grids/{g}" for g in GRID_FILES), "asset_register/proj_grids/README.md",
                   "pyogrio/proj_data/proj.db", "pyogrio/gdal_data/gml_registry.xml", "pyogrio/gdal_data/header.dxf"):
        assert needed in files
    assert not [f for f in files if f.startswith("pyproj/proj_dir/")]
    if sys.platform.startswith("linux"):
        plugins = {f.rsplit("/", 1)[1] for f in files if f.startswith("PySide6/Qt/plugins/")}
        assert {"libqoffscreen.so", "libqxcb.so", "libqxcb-glx-integration.so", "libqsvg.so"} <= plugins
        assert not [f for f in files if trim_files.HOST_LIBS.match(f)]  # the top level's (vendored ones stay)
        names = {f.rsplit("/", 1)[-1] for f in files}
        assert not {n for n in names if n.startswith(("libparquet.", "libarrow_dataset.", "libQt6Quick.so"))}
        # pyproj's libcurl is the stub (PROJ cannot download), and libnghttp2, which only libcurl needed, is out
        import elf
        import trim_libs

        (curl,) = [f for f in files if trim_libs.PYPROJ_CURL.search(f)]
        assert elf.dynamic_symbols(internal / curl)[1] == trim_libs.CURL_STUBBED
        assert (internal / curl).stat().st_size < 100_000
        assert not [n for n in names if n.startswith("libnghttp2")]


def test_bundle_check_answers_as_the_development_install(bundle, outside):
    """What the build trims near (ICU data, the shared PROJ database, Arrow libraries, OpenSSL) still works.

    ``asset-register --bundle-check`` collates Welsh and English words, names time zones,
    opens single-byte codecs, draws a non-ASCII label, looks CRSs up and transforms
    through pyproj and GDAL, ingests Arrow data through ADBC and hashes; the development
    install, with the complete libraries, must give the same answers.
    """
    packaged = json.loads(run(bundle, outside, "--bundle-check"))
    dev = subprocess.run([sys.executable, str(ROOT / "packaging" / "bundle_check.py")], cwd=outside,
                         env={**os.environ, **{k: v for k, v in clean_env(outside).items() if k != "PATH"}},
                         capture_output=True, text=True, timeout=300)
    assert dev.returncode == 0, dev.stderr[-3000:]
    expected = json.loads(dev.stdout)
    for part in ("icu", "text", "proj", "arrow", "hashes"):
        assert packaged[part] == expected[part], f"{part}: bundle {packaged[part]} != development {expected[part]}"
    # Welsh collation is kept (cy tailors "dd" after "d"), so the two orders differ
    assert packaged["icu"]["sorted_cy_GB"] != packaged["icu"]["sorted_en_GB"]
    assert all(packaged["icu"]["codecs"].values())
    # one PROJ database serves pyproj and GDAL in the bundle
    assert packaged["where"]["frozen"] is True
    assert packaged["where"]["pyproj_data"] == packaged["where"]["PROJ_DATA"] == "pyogrio/proj_data"
    # the shipped OSTN15 / RDNAPTRANS grids are on pyproj's path, and used offline
    assert packaged["where"]["pyproj_grids"] == ["asset_register/proj_grids"]
    assert packaged["proj"]["grids_complete"] is True
    assert packaged["proj"]["grid_wgs84_bng"][0] == 1.0 and packaged["proj"]["grid_etrs89_bng"][0] == 0.03
    assert packaged["proj"]["grid_etrs89_rd"][0] == 0.0 and "rdtrans2018" in packaged["proj"]["grid_etrs89_rd"][1]
    proj_dbs = [p.relative_to(bundle).as_posix() for p in bundle.rglob("proj.db")]
    assert proj_dbs == ["_internal/pyogrio/proj_data/proj.db"]
    # a transformation through OSTN15 itself (only_best: no fallback), with the same answer as outside
    assert packaged["proj"]["ostn15_to_bng"][2] == ["uk_os_OSTN15_NTv2_OSGBtoETRS.tif"]
    # PROJ's network switched on: the development install's real libcurl sends the request to the
    # loopback server (so the probe sees an attempt); from the bundle nothing arrives, and the
    # grid is simply not available (no crash, no hang)
    assert expected["proj_network"]["network_switched_on"] is True and expected["proj_network"]["requests"] >= 1
    if sys.platform.startswith("linux"):
        assert packaged["proj_network"] == {"network_switched_on": True, "remote_grid": "not available",
                                            "requests": 0}


def test_bundle_is_only_taken_from_the_environment_and_ci_cannot_skip_it(tmp_path):
    """No variable: skip locally, fail under CI=true; a folder without the executable fails."""
    assert _given_bundle({}) is None
    assert _given_bundle({"CI": "false"}) is None
    with pytest.raises(pytest.fail.Exception, match="CI=true but ASSET_REGISTER_BUNDLE is not set"):
        _given_bundle({"CI": "true"})
    with pytest.raises(pytest.fail.Exception, match=f"has no {EXE}"):
        _given_bundle({"ASSET_REGISTER_BUNDLE": str(tmp_path)})
    (tmp_path / EXE).write_bytes(b"")
    assert _given_bundle({"ASSET_REGISTER_BUNDLE": str(tmp_path), "CI": "true"}) == tmp_path.resolve()
