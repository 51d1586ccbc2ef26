"""`asset-register check --programme FILE --json` end to end: a programme of 100,000 sites.

Each run is a whole process (start-up, the programme file read, the batch check, the JSON
written to stdout, redirected to a file), timed from start to exit, with its peak RSS and
when its first bytes of output appeared. Rounds alternate between:

  * ours: this tree's command;
  * before (``--before DIR``): the same command from another copy of the code, e.g.
    ``git archive <commit> | tar -x -C DIR`` — the same register, programme and machine;
  * the peer: a plain Python script a GIS developer would write for "what is near each dig,
    as JSON": read the programme with pyogrio, one SQL join of the footprints' boxes (grown
    by the same reach: the largest clearance any asset can have) against the register's
    R*Tree and assets table, shapely ``dwithin``, and ``json.dump`` of the (site, asset id,
    distance) rows within reach. It has none of the product's answers (classes,
    clearances per asset, severities, precautions, owners, coverage, works, grades,
    warnings) and its JSON is far smaller: it is the floor a whole process that reads the
    same inputs and writes JSON of the same sites' neighbours cannot go below.

The outputs of ours and before are compared (the ``seconds`` fields aside: each run's own).
The check's audit entry is not written (``--no-audit`` in bench_check.py's sense): the
benchmark registers are shared and read-only. The programme file (the dig-check benchmark's
own random 10 x 4 m footprints, seed 7) is made once in ``--workdir``.

    python benchmarks/bench_programme_json.py --register /work/bench/scale10m.gpkg \
        --sites 100000 --rounds 2 --before /tmp/before --workdir /tmp/progbench
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# The command line, without its audit entry (the register is shared and read-only).
OURS = """
import sys
import asset_register
import asset_register.use_log as use_log
print("code:", asset_register.__file__, file=sys.stderr)
use_log.record_batch = lambda *a, **k: True
from asset_register.cli.main import main
sys.exit(main(sys.argv[1:]))
"""

PEER = """
import json, sqlite3, sys
from pathlib import Path
import numpy as np, pyogrio, shapely
register, programme, reach = sys.argv[1], sys.argv[2], float(sys.argv[3])
fps = np.asarray(pyogrio.read_dataframe(programme).geometry.to_numpy())
b = shapely.bounds(fps)
con = sqlite3.connect(Path(register).resolve().as_uri() + "?mode=ro", uri=True)
con.execute("CREATE TEMP TABLE q (i INTEGER PRIMARY KEY, x0 REAL, x1 REAL, y0 REAL, y1 REAL)")
con.executemany("INSERT INTO q VALUES (?, ?, ?, ?, ?)", zip(
    range(len(fps)), (b[:, 0] - reach).tolist(), (b[:, 2] + reach).tolist(),
    (b[:, 1] - reach).tolist(), (b[:, 3] + reach).tolist()))
rows = con.execute(
    "SELECT q.i, a.asset_id, a.geom FROM q, rtree_assets_geom r JOIN assets a ON a.fid = r.id "
    "WHERE r.maxx >= q.x0 AND r.minx <= q.x1 AND r.maxy >= q.y0 AND r.miny <= q.y1 "
    "AND a.retired_at IS NULL ORDER BY q.i").fetchall()
from asset_register.store.gpkg.geom import header_length
qi = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
geoms = shapely.from_wkb([g[header_length(g):] for _, _, g in rows])
dist = shapely.distance(geoms, fps[qi])
near = np.flatnonzero(dist <= reach)
sys.stdout.write(json.dumps([{"site": int(qi[k]), "asset_id": rows[k][1], "distance_m": round(float(dist[k]), 3)}
           for k in near.tolist()], ensure_ascii=False))
sys.stdout.write("\\n")
"""


def make_programme(register: Path, n: int, workdir: Path) -> Path:
    """``n`` of bench_check.py's footprints (seed 7) in the register's extent, as a
    GeoPackage programme file with a reference each (cached)."""
    path = workdir / f"programme_{register.stem}_{n}.gpkg"
    if path.exists():
        return path
    import geopandas as gpd

    from bench_check import footprints

    from asset_register.store import open_register

    with open_register(register, read_only=True) as store:
        extent, crs = store.extent(), store.crs
    fps = footprints(extent, n, seed=7)
    workdir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    gpd.GeoDataFrame({"reference": [f"dig {i}" for i in range(n)]}, geometry=fps,
                     crs=crs).to_file(tmp, driver="GPKG")
    tmp.rename(path)
    return path


def run(argv: list[str], out: Path, pythonpath: str) -> dict:
    """One whole process, stdout to ``out``: wall, CPU, peak RSS, first bytes, exit.
    (``python -P``: the code comes from ``pythonpath``, not from the current folder.)"""
    env = {**os.environ, "PYTHONPATH": pythonpath}
    first: list[float] = []
    done = threading.Event()
    with open(out, "wb") as sink:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, env=env)

        def watch():  # when the first bytes of output appear
            while not done.is_set():
                if os.path.getsize(out) > 0:
                    first.append(time.perf_counter() - t0)
                    return
                time.sleep(0.01)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        watcher.join()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{argv[:4]}… exited {code}: {err.decode(errors='replace')[-2000:]}")
    code_line = [x for x in err.decode(errors="replace").splitlines() if x.startswith("code:")]
    return {"code": code_line[0][6:] if code_line else "", "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "rss": usage.ru_maxrss / 1024, "first": first[0] if first else wall,
            "bytes": os.path.getsize(out)}


_SECONDS = re.compile(rb'"seconds": [-+0-9.eE]+')


def fingerprint(path: Path) -> str:
    """SHA-1 of the output with every ``seconds`` value blanked (each run's own)."""
    h = hashlib.sha1()
    carry = b""
    with open(path, "rb") as f:
        while block := f.read(1 << 24):
            block = carry + block
            cut = block.rfind(b"}")  # (a seconds value never spans a closing brace)
            if cut < 0:
                carry = block
                continue
            h.update(_SECONDS.sub(b'"seconds": 0', block[:cut + 1]))
            carry = block[cut + 1:]
    h.update(_SECONDS.sub(b'"seconds": 0', carry))
    return h.hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="check --programme --json, end to end")
    ap.add_argument("--register", type=Path, required=True)
    ap.add_argument("--sites", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--before", type=Path, help="another copy of the code to run the same way")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out")
    args = ap.parse_args(argv)

    programme = make_programme(args.register, args.sites, args.workdir)
    from asset_register.check import Checker
    from asset_register.check.clearance import search_reach
    from asset_register.check.index import BOX_MARGIN_M
    from asset_register.store import open_register

    with open_register(args.register, read_only=True) as store, Checker(store) as checker:
        reach = search_reach(checker.rules, checker.context().bounds) + BOX_MARGIN_M
    command = ["check", str(args.register), "--programme", str(programme), "--json"]
    who = {"ours": ([sys.executable, "-P", "-c", OURS, *command], str(ROOT))}
    if args.before:
        who["before"] = ([sys.executable, "-P", "-c", OURS, *command], str(args.before))
    if not args.no_peer:
        who["peer"] = ([sys.executable, "-P", "-c", PEER, str(args.register), str(programme),
                        str(reach)], str(ROOT))
    names = list(who)
    results: dict[str, list[dict]] = {k: [] for k in names}
    print(f"register {args.register.name}, programme of {args.sites:,} sites "
          f"({programme.name}); load average at start {os.getloadavg()[0]:.1f} (2 cores)")
    for rnd in range(args.rounds):
        order = names if rnd % 2 == 0 else names[::-1]
        for name in order:
            load = os.getloadavg()[0]
            r = run(who[name][0], args.workdir / f"out_{name}.json", who[name][1])
            r["load"] = load
            results[name].append(r)
            print(f"  round {rnd + 1} {name:<6}: {r['wall']:6.2f} s wall (CPU {r['cpu']:.2f} s), "
                  f"peak RSS {r['rss']:,.0f} MB, first bytes at {r['first']:.2f} s, "
                  f"{r['bytes'] / 1e6:,.0f} MB out (load {load:.1f} before) {r['code']}",
                  flush=True)
    for name in names:
        rs = results[name]
        print(f"{name:<6} best wall {min(r['wall'] for r in rs):.2f} s, peak RSS "
              f"{max(r['rss'] for r in rs):,.0f} MB, first bytes "
              f"{min(r['first'] for r in rs):.2f} s")
    if args.before:
        a, b = (fingerprint(args.workdir / f"out_{k}.json") for k in ("ours", "before"))
        print(f"ours and before print the same document (seconds aside): {a == b} ({a[:12]})")
        if a != b:
            return 1
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
