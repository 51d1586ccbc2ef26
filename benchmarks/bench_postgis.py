"""PostGIS register figures at scale (issue: shared register on PostGIS).

Starts a throwaway PostgreSQL + PostGIS server (fsync on, stock settings, loopback
TCP), then prints for N assets (default 1,000,000, the synthetic network of
``make_scale``):

* import: one ``write_batch`` into a new register (COPY into staging, versioning
  in SQL, GiST maintained, one transaction), with its phases; then a re-delivery of
  the same layer with 10 % of the assets changed;
* single check over loopback: ``Checker(store).check(site)`` — the full dig check
  (candidates, clearances, owners, works) — for random 10×4 m footprints, its candidates
  read through the store's reader as plain arrays (``PostgisStore.candidate_arrays``);
* the peer, in the same run on the same footprints: the footprint query written
  by hand in SQL, ``ST_DWithin(geom, footprint, 3)`` on the GiST index, rows
  fetched over the same loopback connection; and the store's ``query_dwithin``.

    python benchmarks/bench_postgis.py [--features 1000000] [--queries 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import psycopg
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_register import footprints  # noqa: E402
from benchmarks.make_scale import cached_network  # noqa: E402
from tests.pg_server import PgServer, missing_reason  # noqa: E402


def _ms(values) -> str:
    a = np.asarray(values) * 1000
    return f"median {np.median(a):.3f} ms   p99 {np.percentile(a, 99):.3f} ms"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    args = ap.parse_args(argv)
    reason = missing_reason()
    if reason:
        print(f"cannot run: {reason}")
        return 1

    from asset_register.check import Checker
    from asset_register.check.result import DigSite
    from asset_register.model import BatchInfo, Owner
    from asset_register.store import create_register

    frame = cached_network(args.features)  # generated outside the timings
    with PgServer(fsync=True) as server:
        url = server.url(schema="bench")
        store = create_register(url)
        for code in sorted(set(frame["owner"])):
            store.upsert_owner(Owner(code, f"{code} (synthetic)", "0800 000 000"))
        phases = []
        t0 = time.perf_counter()

        def progress(fraction, message):
            phases.append((time.perf_counter() - t0, message))
        res = store.write_batch(frame, BatchInfo(source_file="synthetic", rows_read=len(frame),
                                                 transformation_accuracy_m=0.0),
                                delivery="synthetic", progress=progress)
        import_s = time.perf_counter() - t0
        for code in sorted(set(frame["owner"])):
            store.set_owner_coverage(code, shapely.box(*frame.total_bounds))
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute("ANALYZE bench.assets")
        marks = {m.split(" ")[0]: s for s, m in phases}
        feet = footprints(store.extent(), args.queries)

        checker = Checker(store)
        checker.check(DigSite(feet[0]))  # warm-up: first-use caches
        check_lat, conflicts = np.empty(len(feet)), 0
        for i, f in enumerate(feet):
            t = time.perf_counter()
            result = checker.check(DigSite(f))
            check_lat[i] = time.perf_counter() - t
            conflicts += len(result.conflicts)
        checker.close()

        peer_lat, peer_rows = np.empty(len(feet)), 0
        sql = ("SELECT asset_id, owner, utility, asset_class, ST_AsBinary(geom), "
               "ST_Distance(geom, f) FROM bench.assets, "
               "(SELECT ST_GeomFromWKB(%s, 27700) AS f) q "
               "WHERE retired_at IS NULL AND ST_DWithin(geom, f, 3)")
        with psycopg.connect(server.url(), autocommit=True, prepare_threshold=0) as conn:
            plan = conn.execute("EXPLAIN " + sql, (shapely.to_wkb(feet[0]),)).fetchall()
            uses_gist = any("assets_geom" in r[0] for r in plan)
            wkbs = shapely.to_wkb(feet)
            for i, w in enumerate(wkbs):
                t = time.perf_counter()
                rows = conn.execute(sql, (w,)).fetchall()
                peer_lat[i] = time.perf_counter() - t
                peer_rows += len(rows)

        # A re-delivery of the same layer with 10 % of the assets changed (the usual update).
        again = frame.copy()
        again.loc[again.index[::10], "status"] = "disused"
        t = time.perf_counter()
        redo = store.write_batch(again, BatchInfo(source_file="synthetic, updated",
                                                  rows_read=len(again),
                                                  transformation_accuracy_m=0.0),
                                 delivery="synthetic")
        redo_s = time.perf_counter() - t

        api_lat = np.empty(len(feet))
        for i, f in enumerate(feet):
            t = time.perf_counter()
            store.query_dwithin(f, 3.0, columns=["asset_id", "owner", "utility", "asset_class"])
            api_lat[i] = time.perf_counter() - t
        store.close()

    print(f"assets                        {args.features:,}  (PostgreSQL 15 + PostGIS 3.3, "
          "throwaway cluster, fsync on, loopback TCP)")
    print(f"import (one write_batch)      {import_s:.2f} s   ({res.added / import_s:,.0f} "
          "assets/s)   target <= 60 s")
    print(f"  phases: hashed+sent by {marks.get('versioning', float('nan')):.1f} s, "
          f"versioned by {marks.get('updating', float('nan')):.1f} s, committed "
          f"{marks.get('committed', float('nan')):.1f} s")
    print(f"re-delivery, 10% changed      {redo_s:.2f} s   ({redo.changed:,} new versions, "
          f"{redo.unchanged:,} unchanged; GiST and B-trees maintained row by row)")
    print(f"single check, {len(feet):,} digs   {_ms(check_lat)}   target p99 <= 20 ms   "
          f"({conflicts / len(feet):.1f} conflicts per dig)")
    print(f"peer: hand SQL ST_DWithin 3 m {_ms(peer_lat)}   (GiST index used: {uses_gist}; "
          f"{peer_rows / len(feet):.1f} rows per dig)")
    print(f"store.query_dwithin 3 m       {_ms(api_lat)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
