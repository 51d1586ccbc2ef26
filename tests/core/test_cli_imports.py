"""`asset-register --help`, `--version` and `COMMAND --help` start without the geo stack.

Each runs in a fresh interpreter (this test process has long imported everything), which
then prints the heavy top-level modules it loaded: the command modules must import them
only when a command runs (issue 19, CLI start-up). The list is pinned, not timed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("geopandas", "pandas", "shapely", "pyproj", "pyogrio", "pyarrow", "numpy", "reportlab",
         "PySide6", "psycopg", "fiona", "osgeo")

PROBE = f"HEAVY = {HEAVY!r}\n" + """
import contextlib, io, json, sys
from asset_register.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
heavy = sorted(m for m in sys.modules if m.split('.')[0] in HEAVY)
print(json.dumps({"code": code, "out": out.getvalue(), "heavy": heavy}))
"""


def _run(*argv: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("argv", [
    ["--version"], ["--help"], [],
    ["check", "--help"], ["import", "--help"], ["notice", "--help"], ["works", "import", "--help"],
    ["notice-settings", "--help"], ["respond", "--help"], ["init", "--help"], ["sync", "--help"],
])
def test_help_and_version_do_not_import_the_geo_stack(argv):
    run = _run(*argv)
    assert run["heavy"] == []
    # ... and still print what they printed before
    if argv == ["--version"]:
        assert run["out"].startswith("asset-register ")
    else:
        assert "usage: asset-register" in run["out"]


def test_help_lists_every_command_and_the_choices_from_the_light_vocabularies():
    run = _run("--help")
    for command in ("init", "info", "import", "inspect", "check", "works", "notice", "respond",
                    "notices", "notice-settings", "roles", "extract", "sync"):
        assert command in run["out"]
    notice = _run("notice", "--help")["out"]
    assert "(default utility_repair_and_maintenance_works)" in notice
    assert "{hand,mechanical,trenchless}" in notice
    respond = _run("respond", "--help")["out"]
    assert "{affected,affected_plans_sent,no_assets_affected,no_response}" in respond


def test_a_command_that_runs_loads_the_stack_and_the_grids(tmp_path):
    """The stack still comes when a command needs it, with the bundled PROJ grids on
    pyproj's path (set up when pyproj is first imported, not when the package is)."""
    probe = PROBE.replace("print(json.dumps(", "import pyproj.datadir, pyproj.network\n"
                          "heavy.append(pyproj.datadir.get_data_dir())\n"
                          "heavy.append(str(pyproj.network.is_network_enabled()))\n"
                          "print(json.dumps(")
    done = subprocess.run([sys.executable, "-c", probe, "init", str(tmp_path / "r.gpkg")],
                          capture_output=True, text=True, timeout=120, check=True)
    run = json.loads(done.stdout)
    assert run["code"] == 0 and "created register" in run["out"]
    assert "pyproj" in run["heavy"]
    assert run["heavy"][-2].endswith("proj_grids")
    assert run["heavy"][-1] == "False"


# What a dig check needs: numbers, geometry and the working CRS, never a frame or GDAL.
CHECK_NEEDS = {"numpy", "shapely", "pyproj"}
NO_FRAMES = {"pandas", "geopandas", "pyogrio", "pyarrow", "fiona", "osgeo", "reportlab",
             "PySide6", "psycopg"}


def _register_with_everything_a_check_reads(path):
    """Assets, owners, coverage, planned works, a delivery and open deviation reports."""
    import geopandas as gpd
    import shapely

    from asset_register.deviations import add_report
    from asset_register.model import BatchInfo, Owner, validate_assets
    from asset_register.store import create_register

    x, y = 530000.0, 180000.0
    with create_register(path) as store:
        store.upsert_owner(Owner("WAT", "Wessex Water", phone="0100"))
        rows = [{"asset_id": "W1", "owner": "WAT", "utility": "water", "asset_class": "pipe",
                 "status": "in_service", "h_accuracy_m": 0.1,
                 "geometry": shapely.LineString([(x, y), (x + 100, y)])},
                {"asset_id": "G1", "owner": "GAS", "utility": "gas", "asset_class": "pipe",
                 "status": "abandoned", "depth_m": 2.5, "geometry": shapely.Point(x + 5, y + 1)}]
        store.write_batch(validate_assets(gpd.GeoDataFrame(rows, geometry="geometry",
                                                           crs=store.crs)),
                          BatchInfo(source_file="wat.gpkg", owner="WAT"))
        store.set_owner_coverage("WAT", shapely.box(x - 500, y - 500, x + 500, y + 500))
        store.add_works(gpd.GeoDataFrame(
            {"reference": ["RW-1"], "start_date": ["2026-03-01"], "end_date": [None]},
            geometry=[shapely.box(x + 20, y, x + 25, y + 5)], crs=store.crs))
        add_report(store, "unrecorded", utility="gas", position=f"POINT ({x + 3} {y + 1})")
        add_report(store, "elsewhere", asset_id="W1", accuracy_m=0.5,
                   position=f"POINT ({x + 4} {y + 3})")


@pytest.mark.parametrize("output", [[], ["--json"]])
def test_a_dig_check_reads_the_register_without_frames(tmp_path, output):
    """The whole check — rules, owners, coverage, works, deviation reports, confidence, the
    audit entry — runs on numpy, shapely and SQLite: pandas, GDAL and Arrow stay unloaded."""
    path = tmp_path / "r.gpkg"
    _register_with_everything_a_check_reads(path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "check", str(path), "--wkt",
         "POLYGON ((530000 179998, 530008 179998, 530008 180004, 530000 180004, 530000 179998))",
         "--depth", "1", *output],
        capture_output=True, text=True, timeout=120, check=True)
    run = json.loads(done.stdout)
    assert run["code"] == 0
    top = {m.split(".")[0] for m in run["heavy"]}
    assert top & NO_FRAMES == set() and CHECK_NEEDS <= top
    if output:
        doc = json.loads(run["out"])
        assert {c["asset_id"] for c in doc["conflicts"]} == {"W1", "G1", "unrecorded:1"}
        assert [w["reference"] for w in doc["works_overlapping"]] == ["RW-1"]
        assert doc["owners_no_conflict"] == [] and doc["confidence"]["grade"] == "D"
    else:
        assert "CONFLICTS: 3" in run["out"] and "RW-1" in run["out"]
        assert "abandoned/disused" in run["out"] and "depth: G1: recorded depth 2.50 m" in run["out"]


def test_the_vocabularies_are_the_ones_the_notices_and_rules_use():
    from asset_register.check.methods import METHODS
    from asset_register.check.rules import METHODS as RULE_METHODS
    from asset_register.notices.content import RESPONSE_STATUSES
    from asset_register.notices.streetmanager import DEFAULTS
    from asset_register.notices.vocab import RESPONSE_STATUSES as CLI_STATUSES
    from asset_register.notices.vocab import SM_CHOICES, SM_DEFAULTS

    assert RULE_METHODS is METHODS and RESPONSE_STATUSES is CLI_STATUSES and DEFAULTS is SM_DEFAULTS
    for key in ("activity_type", "traffic_management_type", "application_type", "work_type"):
        assert SM_DEFAULTS[key] in SM_CHOICES[key]
    assert set(SM_DEFAULTS["location_types"]) <= set(SM_CHOICES["location_types"])


def _subcommands(parser) -> dict:
    import argparse

    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


def test_the_core_commands_are_what_their_providers_add():
    """A run of a core command parses with its provider alone (CORE_COMMANDS): the list must
    name every command each provider adds, and only those."""
    import argparse
    import importlib

    from asset_register.cli.main import CORE_COMMANDS, FALLBACK_PROVIDERS

    for spec in FALLBACK_PROVIDERS:
        module, _, func = spec.partition(":")
        sub = argparse.ArgumentParser().add_subparsers()
        getattr(importlib.import_module(module), func)(sub)
        assert set(sub.choices) == {c for c, s in CORE_COMMANDS.items() if s == spec}, spec


def test_a_core_command_alone_parses_as_in_the_whole_command_line():
    from asset_register.cli.main import CORE_COMMANDS, _command, build_parser

    whole = _subcommands(build_parser())
    for command in CORE_COMMANDS:
        alone = _subcommands(build_parser(command))
        assert list(alone) == [c for c in whole if CORE_COMMANDS.get(c) == CORE_COMMANDS[command]]
        assert alone[command].format_help() == whole[command].format_help()
    assert _command(["--debug", "check", "r.gpkg"]) == "check"
    assert _command(["--version", "check"]) == "--version" and _command([]) is None
    assert _command(["--help", "check"]) is None and _command(["--debug", "-h"]) is None
    assert _subcommands(build_parser("--version")) == {}
    assert _command(["import", "--help"]) == "import"  # (not a core command: the whole parser)


def test_every_core_provider_of_the_entry_points_is_a_core_command():
    """A core command module named in pyproject.toml's entry points must be in CORE_COMMANDS
    too (else a source tree without the package metadata would lack it)."""
    import tomllib
    from pathlib import Path

    from asset_register.cli.main import FALLBACK_PROVIDERS

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    named = project["project"]["entry-points"]["asset_register.cli"].values()
    core = {spec for spec in named if spec.startswith("asset_register.")}
    assert core and core <= set(FALLBACK_PROVIDERS)
