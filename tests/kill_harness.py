"""Kill an import at a chosen point and judge what it left: for the CI kill test and
benchmarks/bench_kills.py (many more kills, locally).

An import runs in its own process (the real ``ImportJob``, as the CLI runs it) and
writes every progress message to a file. The killer waits for a chosen message (a
*stage*: "staging", "copying assets", … "committed"), sleeps a seeded delay and sends
SIGKILL. Afterwards ``judge`` opens the register and lists every broken promise of
docs/reliability.md: integrity and R*Tree checks, the live count exactly before or
after, the killed import's owner, coverage and batch all there or none, "committed"
never reported before the commit, no staging files beside a GeoPackage register once it
has been opened again. No clock decides anything here: the markers do, and the delay
only moves the kill within a stage.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
OWNER = "KILD"  # the killed import's owner: new to the register
BASE_OWNER = "BASE"
HANG_GUARD_S = 300  # a stuck import fails the run instead of hanging it (not a measure)

# Progress messages, in order, of a first bulk import into each store.
STAGES = {
    "gpkg": ("reading", "staging", "copying assets", "rebuilding indexes",
             "building the spatial index", "updating the owner's coverage",
             "finishing the batch", "committed"),
    "postgis": ("reading", "sent", "versioning assets", "updating register bounds",
                "updating the owner's coverage", "committed"),
}
# An import in parts (``part_rows``) into a GeoPackage register: each part read, then staged
# while the next is read; then the steps of a first bulk import. With PARTS_KILL_ROWS rows a
# part and at least three parts, every marker is reported.
PART_STAGES = ("features 1…", "staging assets: ", "features 10,001…", "writing assets",
               "copying assets", "building the spatial index", "updating the owner's coverage",
               "committed")
# The same into a PostGIS register: the parts are read and kept (in the import's temporary
# file) by the importing process; then the batch is sent to the server in one transaction and
# the server versions it, as a first bulk import.
PG_PART_STAGES = ("features 1…", "features 10,001…", "encoding assets", "sent",
                  "versioning assets", "updating register bounds",
                  "updating the owner's coverage", "committed")
PARTS = {"gpkg": PART_STAGES, "postgis": PG_PART_STAGES}
# The first marker of an import in parts after which the register may hold it.
FIRST_WRITE = {"gpkg": "writing assets", "postgis": "encoding assets"}
PARTS_KILL_ROWS = 5_000

DRIVER = """
import json
import sys
sys.path.insert(0, sys.argv[4])
from asset_register.store import open_register
from importers import ImportJob

log = open(sys.argv[3], "a", buffering=1)
def progress(fraction, message):
    log.write(message + "\\n")
with open_register(sys.argv[1]) as store:
    ImportJob(store, sys.argv[2], owner=sys.argv[5], owner_name="Killed Import Ltd",
              utility="water", progress=progress, **json.loads(sys.argv[6])).run()
log.write("process finished\\n")
"""


def write_source(path: Path, n: int, seed: int = 7) -> Path:
    """``n`` water mains (lines, EPSG:27700) with owner-style fields, as a GeoPackage."""
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(530000, 534000, n)
    y0 = rng.uniform(180000, 184000, n)
    steps = rng.normal(0, 30, size=(n, 2, 2))
    xs = np.column_stack([x0, x0 + steps[:, 0, 0], x0 + steps[:, 0, 0] + steps[:, 1, 0]])
    ys = np.column_stack([y0, y0 + steps[:, 0, 1], y0 + steps[:, 0, 1] + steps[:, 1, 1]])
    frame = gpd.GeoDataFrame({
        "ASSET_REF": np.char.mod("WM%08d", np.arange(n)),
        "MATERIAL": rng.choice(["DI", "PVC", "CI"], n),
        "DIAMETER": rng.choice([80, 100, 150, 225], n).astype(np.int32),
        "DEPTH": rng.uniform(0.6, 1.5, n).round(2),
        "STATUS": rng.choice(["Live", "Abandoned"], n, p=[0.95, 0.05]),
    }, geometry=shapely.linestrings(np.stack([xs, ys], axis=2)), crs="EPSG:27700")
    tmp = path.with_name(path.name + ".tmp.gpkg")
    pyogrio.write_dataframe(frame, tmp, layer="mains", driver="GPKG", use_arrow=True)
    tmp.rename(path)
    return path


def seed_register(store) -> None:
    """What the register holds before the killed import: another owner's delivery."""
    from asset_register.model import BatchInfo, Owner
    from tests.conftest import synthetic_assets

    store.upsert_owner(Owner(BASE_OWNER, "Base Utility"))
    store.write_batch(synthetic_assets(200, owner=BASE_OWNER),
                      BatchInfo(source_file="base.gpkg", owner=BASE_OWNER))
    store.set_owner_coverage(BASE_OWNER, shapely.box(529000, 179000, 531500, 181500))


def seeded(location: str, seed: int, longest: float) -> tuple[State, float]:
    """A new register at ``location`` seeded as ``seed_register`` does: (its state, a kill
    delay drawn from ``seed`` in [0, ``longest``) s)."""
    from asset_register.store import create_register

    with create_register(location) as store:
        seed_register(store)
    return state_of(location), float(np.random.default_rng(seed).uniform(0.0, longest))


def _start(location: str, source: Path, log: Path, job_args: dict | None = None) -> subprocess.Popen:
    """The import in its own process; ``job_args``: more ``ImportJob`` arguments (JSON)."""
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, location, str(source), str(log), str(ROOT), OWNER,
         json.dumps(job_args or {})],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@dataclass
class Kill:
    stage: str
    delay: float
    killed: bool = False  # False: the import finished before the kill came
    seen: list[str] = field(default_factory=list)  # progress it reported


def _job_args(part_rows: int | None, job_args: dict | None = None) -> dict:
    """The ``ImportJob`` arguments of an import in parts of ``part_rows`` (none: as the CLI
    imports, parts only for very large layers) plus ``job_args``."""
    parts = dict(part_rows=part_rows, parts_from=part_rows) if part_rows else {}
    return {**parts, **(job_args or {})}


def kill_import(location: str, source: Path, workdir: Path, stage: str, delay: float,
                part_rows: int | None = None, job_args: dict | None = None) -> Kill:
    """Run the import (in parts of ``part_rows`` features when given; ``job_args``: more
    ``ImportJob`` arguments); SIGKILL it ``delay`` s after it first reports ``stage``."""
    log = workdir / f"progress-{time.monotonic_ns()}.txt"
    log.touch()
    proc = _start(location, source, log, _job_args(part_rows, job_args))
    outcome = Kill(stage, delay)
    try:
        deadline = time.monotonic() + HANG_GUARD_S
        while not any(stage in line for line in log.read_text().splitlines()):
            if proc.poll() is not None:
                raise AssertionError(f"the import ended before reporting {stage!r}: "
                                     f"{proc.stderr.read()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the import never reported {stage!r} (hang guard)")
            time.sleep(0.01)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            outcome.killed = True
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    outcome.seen = log.read_text().splitlines()
    log.unlink()
    return outcome


def expected_outcome(kill: Kill, store_kind: str) -> str | None:
    """What ``judge`` must find after ``kill`` of an import in parts: 'after' for a kill after
    'committed', 'before' for one while parts were still read (None: either)."""
    if kill.stage == "committed":
        return "after"
    if kill.killed and not any(FIRST_WRITE[store_kind] in line for line in kill.seen):
        return "before"
    return None


def finish_import(location: str, source: Path, workdir: Path,
                  part_rows: int | None = None) -> None:
    """The next import, to completion: it must work after any kill."""
    log = workdir / "progress-next.txt"
    proc = _start(location, source, log, _job_args(part_rows))
    try:
        _, err = proc.communicate(timeout=HANG_GUARD_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err[-2000:]
    assert log.read_text().splitlines()[-1] == "process finished"
    log.unlink()


@dataclass
class State:
    live: int
    owners: list[str]
    covered: list[str]
    batches: list[tuple[str | None, str]]  # (owner, state)


def state_of(location: str) -> State:
    """What a writable open of the register sees (the open sweeps dead staging files)."""
    from asset_register.store import open_register

    with open_register(location) as store:
        b = store.batches()
        return State(store.asset_count(), sorted(o.code for o in store.owners()),
                     sorted(store.owner_coverage()["owner"]),
                     [(o, s) for o, s in zip(b["owner"], b["state"], strict=True)])


def no_data_owners(location: str) -> list[str]:
    """Owners a dig check inside the killed import's area lists under "no data here"."""
    from asset_register.check import Checker, rules_for
    from asset_register.check.programme import single_site
    from asset_register.store import open_register

    with open_register(location, read_only=True) as store:
        rules = rules_for(store)
        site = single_site(store, wkt="POLYGON((532000 182000, 532010 182000, 532010 182004, "
                           "532000 182004, 532000 182000))", rules=rules)
        with Checker(store, rules) as checker:
            result = checker.check(site)
    return sorted(o["owner"] for o in result.owners_no_data if o["owner"])


def staging_debris(location: str) -> list[str]:
    """Staging files beside a GeoPackage register (none for PostGIS)."""
    if "://" in location:
        return []
    path = Path(location)
    return sorted(p.name for p in path.parent.iterdir()
                  if p.name.startswith(f".{path.name}.staging-"))


def left_beside(location: str) -> list[str]:
    """Files an import may make beside a GeoPackage register, still there: staging, the
    import's spill file where the system cannot unlink it at once, a journal or WAL (judged
    after the register has been opened and closed again, which removes those)."""
    if "://" in location:
        return []
    path = Path(location)
    return sorted(p.name for p in path.parent.iterdir()
                  if p.name != path.name and (p.name.startswith((path.name, f".{path.name}."))
                                              or p.name.startswith(".asset-register-import-")))


def gpkg_checks(location: str) -> list[str]:
    """SQLite's own integrity check, the R*Tree check, one R*Tree entry per asset row."""
    if "://" in location:
        return []
    from asset_register.store.gpkg import connect as gpkg_connect

    had_wal = any(p.exists() for p in gpkg_connect.side_files(Path(location)))
    con = sqlite3.connect(f"{Path(location).resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = []
        if con.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            problems.append("integrity_check failed")
        if con.execute("SELECT rtreecheck('rtree_assets_geom')").fetchone() != ("ok",):
            problems.append("rtreecheck failed")
        rows = con.execute("SELECT COUNT(*) FROM assets").fetchone()[0]
        entries = con.execute("SELECT COUNT(*) FROM rtree_assets_geom").fetchone()[0]
        if rows != entries:
            problems.append(f"{rows} asset rows but {entries} R*Tree entries")
        return problems
    finally:
        con.close()
        if not had_wal:  # a read-only look leaves the folder as it found it
            gpkg_connect.tidy_wal(Path(location))


def judge(location: str, kill: Kill, before: State, added: int) -> tuple[str, list[str]]:
    """('before' | 'after', broken promises) of the register after ``kill``."""
    problems = gpkg_checks(location)
    state = state_of(location)
    problems += [f"staging file left after the open: {n}" for n in staging_debris(location)]
    mine = [s for o, s in state.batches if o == OWNER]
    if state.live == before.live:
        outcome = "before"
        if OWNER in state.owners:
            problems.append(f"owner {OWNER} of the killed import is in the register")
        if OWNER in state.covered:
            problems.append(f"coverage of {OWNER} is in the register")
        if mine:
            problems.append(f"batches of the killed import are in the register: {mine}")
        if OWNER in no_data_owners(location):
            problems.append(f"a dig check lists {OWNER} of the killed import as 'no data here'")
        if any(line.endswith("committed") for line in kill.seen):
            problems.append("'committed' was reported but the import is not in the register")
    elif state.live == before.live + added:
        outcome = "after"
        if OWNER not in state.owners or OWNER not in state.covered or mine != ["committed"]:
            problems.append(f"the import is in but not whole: owners {state.owners}, "
                            f"coverage {state.covered}, batches {mine}")
    else:
        outcome = "partial"
        problems.append(f"{state.live} live assets: neither {before.live} nor "
                        f"{before.live + added}")
    if state.owners and set(state.owners) - {OWNER} != set(before.owners):
        problems.append(f"owners before {before.owners}, now {state.owners}")
    problems += [f"left beside the register: {n}" for n in left_beside(location)]
    return outcome, problems


def judge_next_import(location: str, source: Path, workdir: Path, before: State,
                      added: int, part_rows: int | None = None) -> list[str]:
    """The next import after a kill completes and leaves the register whole."""
    finish_import(location, source, workdir, part_rows)
    state = state_of(location)
    problems = gpkg_checks(location)
    if state.live != before.live + added:
        problems.append(f"after the next import {state.live} live, not {before.live + added}")
    if OWNER not in state.owners or OWNER not in state.covered:
        problems.append(f"after the next import owner/coverage missing: {state.owners}")
    return problems
