"""Register figures at scale (issue: register core).

Prints, for N assets (default 1,000,000): bulk load into a new GeoPackage register
(seconds, in a fresh process whose peak RSS is reported), on-disk query latency for
10,000 random 10×4 m dig footprints with a 3 m ``dwithin`` (median and p99 ms),
file size, and an integrity check of the bulk-built R*Tree.

    python benchmarks/bench_register.py [--features 1000000] [--queries 10000]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_scale import OUT, cached_network  # noqa: E402


def load_phase(n: int, out: Path) -> None:
    """Runs in its own process: read the cached frame, bulk load, report seconds and RSS."""
    from asset_register.model import BatchInfo
    from asset_register.store import create_register

    frame = cached_network(n)
    for suffix in ("", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    t = time.perf_counter()
    with create_register(out) as store:
        res = store.write_batch(frame, BatchInfo(source_file="synthetic", rows_read=n))
    seconds = time.perf_counter() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "added": res.added}))


def footprints(extent, k: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = extent
    cx, cy = rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)
    boxes = shapely.box(cx - 5, cy - 2, cx + 5, cy + 2)
    angle = rng.uniform(0, np.pi, k)
    # rotate each 10x4 m box about its centre (vectorised affine on coordinates)
    coords = shapely.get_coordinates(boxes).reshape(k, 5, 2) - np.stack([cx, cy], 1)[:, None]
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    rot = np.stack([coords[..., 0] * c - coords[..., 1] * s,
                    coords[..., 0] * s + coords[..., 1] * c], -1) + np.stack([cx, cy], 1)[:, None]
    return shapely.polygons(rot)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--phase", choices=["all", "load"], default="all")
    args = ap.parse_args(argv)
    out = OUT / f"bench_register_{args.features}.gpkg"
    if args.phase == "load":
        load_phase(args.features, out)
        return 0
    cached_network(args.features)  # generate outside the timed process
    proc = subprocess.run([sys.executable, __file__, "--phase", "load", "--features",
                           str(args.features)], capture_output=True, text=True, check=True)
    load = json.loads(proc.stdout.strip().splitlines()[-1])
    size_mb = out.stat().st_size / 1e6

    from asset_register.store import open_register

    t = time.perf_counter()
    store = open_register(out, read_only=True)
    open_s = time.perf_counter() - t
    feet = footprints(store.extent(), args.queries)
    lat = np.empty(len(feet))
    hits = 0
    for i, f in enumerate(feet):
        t = time.perf_counter()
        r = store.query_dwithin(f, 3.0, columns=["asset_id", "owner", "utility"])
        lat[i] = time.perf_counter() - t
        hits += len(r)
    store.close()
    check = sqlite3.connect(out).execute("SELECT rtreecheck('rtree_assets_geom')").fetchone()[0]
    print(f"assets                     {args.features:,}")
    print(f"bulk load (new register)   {load['seconds']:.2f} s  "
          f"({args.features / load['seconds']:,.0f} assets/s)   target <= 15 s")
    print(f"peak RSS of the load       {load['rss_mb']:.0f} MB   target <= 1536 MB")
    print(f"file size                  {size_mb:.0f} MB")
    print(f"open register              {open_s * 1000:.1f} ms")
    print(f"dwithin 3 m, {len(feet):,} digs   median {np.median(lat) * 1000:.3f} ms   "
          f"p99 {np.percentile(lat, 99) * 1000:.3f} ms   target p99 <= 5 ms   "
          f"({hits / len(feet):.1f} assets per dig)")
    print(f"R*Tree integrity           {check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
