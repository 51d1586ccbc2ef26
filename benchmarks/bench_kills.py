"""Many SIGKILLs during imports, on both stores: the register must come through every one.

Each kill: a fresh register holding another owner's delivery, an import of N water
mains in its own process (the real ImportJob), SIGKILL a seeded delay (0–0.5 s) after a
seeded progress stage (reading … committed), then the checks of the CI kill test
(tests/kill_harness.py: integrity and R*Tree checks, live count exactly before or
after, no owner/coverage/batch of a rolled-back import, no staging file once reopened,
"committed" never before the commit) and the next import to completion.

Prints the figure — clean kills of all kills, with how many landed before and after
the commit and the staging debris the next open swept (MB) — and the peer: the first
writable open after a kill (which sweeps) against an open of the same register with
nothing to sweep.

    python benchmarks/bench_kills.py [--kills 40] [--n 60000] [--store gpkg|postgis|both]
    python benchmarks/bench_kills.py --store gpkg --part-rows 5000 --n 25000  # in parts
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asset_register.store import create_register, open_register  # noqa: E402
from tests import kill_harness as kh  # noqa: E402
from tests.pg_server import PgServer, missing_reason  # noqa: E402


def _debris_mb(location: str) -> float:
    if "://" in location:
        return 0.0
    folder = Path(location).parent
    return sum((folder / n).stat().st_size for n in kh.staging_debris(location)) / 1e6


def _timed_open(location: str) -> float:
    t = time.perf_counter()
    with open_register(location):
        pass
    return time.perf_counter() - t


def run(store_kind: str, kills: int, n: int, seed: int, work: Path, new_location,
        part_rows: int | None = None) -> bool:
    source = kh.write_source(work / f"mains-{n}.gpkg", n)
    rng = np.random.default_rng(seed)
    outcomes: Counter = Counter()
    failures = []
    swept_mb, sweep_open, plain_open = 0.0, [], []
    for i in range(kills):
        stage = str(rng.choice(kh.PARTS[store_kind] if part_rows else kh.STAGES[store_kind]))
        delay = float(rng.uniform(0.0, 0.5))
        location = new_location(i)
        with create_register(location) as store:
            kh.seed_register(store)
        before = kh.state_of(location)
        kill = kh.kill_import(location, source, work, stage, delay, part_rows=part_rows)
        mb = _debris_mb(location)
        swept_mb += mb
        if mb:
            sweep_open.append(_timed_open(location))  # this open sweeps the debris
            plain_open.append(_timed_open(location))  # the same register, nothing to sweep
        outcome, problems = kh.judge(location, kill, before, n)
        if not kill.killed:
            outcome = "finished before the kill"
        problems += kh.judge_next_import(location, source, work, before, n, part_rows)
        outcomes[outcome] += 1
        if problems:
            failures.append((i, stage, round(delay, 3), problems))
        swept = f", {mb:.1f} MB staging swept" if mb else ""
        print(f"  kill {i + 1:>3}/{kills}: at {stage!r} + {delay:.2f} s -> {outcome}{swept}"
              f"{'  PROBLEMS: ' + '; '.join(problems) if problems else ''}", flush=True)
    clean = kills - len(failures)
    debris = (f"{swept_mb:.0f} MB of staging left by killed imports, all swept at the next open"
              if store_kind == "gpkg" else "a batch stages in a temporary table: no files")
    parts = f" (imports in parts of {part_rows:,})" if part_rows else ""
    print(f"{store_kind}{parts}: {clean} of {kills} kills clean ({dict(outcomes)}); {debris}")
    if sweep_open:
        print(f"  peer: first open after a kill (sweeps) median "
              f"{np.median(sweep_open) * 1000:.0f} ms vs an open with nothing to sweep "
              f"{np.median(plain_open) * 1000:.0f} ms")
    for f in failures:
        print(f"  FAILED kill {f[0] + 1} at {f[1]!r} + {f[2]} s: {f[3]}")
    return not failures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=40)
    ap.add_argument("--n", type=int, default=60_000, help="assets in the killed import")
    ap.add_argument("--store", choices=["gpkg", "postgis", "both"], default="both")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--part-rows", type=int, default=None,
                    help="import in parts of this many features, as a layer of millions is "
                         f"(try {kh.PARTS_KILL_ROWS} with --n 25000 or more)")
    args = ap.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-kills-") as tmp:
        work = Path(tmp)
        if args.store in ("gpkg", "both"):
            ok &= run("gpkg", args.kills, args.n, args.seed, work,
                      lambda i: str(work / f"register-{i}.gpkg"), args.part_rows)
        if args.store in ("postgis", "both"):
            reason = missing_reason()
            if reason:
                print(f"postgis: not run ({reason})")
            else:
                with PgServer(fsync=True) as server:
                    ok &= run("postgis", args.kills, args.n, args.seed + 1, work,
                              lambda i: server.url(schema=f"k_{uuid.uuid4().hex[:10]}"),
                              args.part_rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
