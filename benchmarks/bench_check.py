"""Dig-check benchmark on a synthetic register on disk (default 1,000,000 assets).

Prints, in one run:
  * the first check after opening the register (target <= 1 s), served from the R*Tree;
  * single-footprint latency, median and p99, from disk (target p99 <= 1 ms and <= 3x the
    peer's p99), interleaved footprint by footprint with its peer: the bare GeoPackage
    R*Tree query + fetch + shapely ``dwithin``; and, once the in-memory index exists,
    from memory;
  * a batch of 10,000 footprints (``--batch``) with ``check_many`` straight from the R*Tree
    on disk, no in-memory index (target <= 5 s at 10M), beside its peer in the same run: the
    same boxes in a temporary table, one SQL join against the R*Tree and the assets table,
    shapely ``dwithin`` — rounds alternating who goes first, the share of the register's
    file in the page cache printed before each side (``--cold``: dropped before each side,
    so both read from disk); and the peak RSS;
  * unless ``--skip-memory``, the one-off in-memory index build, the batch from it (and
    that its answers are the disk batch's) and single checks from it;
  * the naive peer: the approach a GIS analyst would write with geopandas (load every
    asset, then for each footprint the distance to every asset), timed on a small sample
    of footprints and extrapolated — and its answers compared with the checker's.

    python benchmarks/bench_check.py --features 1000000
    python benchmarks/bench_check.py --register /work/bench/scale10m.gpkg --batch 100000 \
        --singles 2000 --naive 0 --skip-memory

The register is made with benchmarks/make_scale.py (cached under benchmarks/out/).
Footprints are random 10 x 4 m boxes inside the network, as in DESIGN §3's query peers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def footprints(extent, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = extent
    x = rng.uniform(x0 + 50, x1 - 50, n)
    y = rng.uniform(y0 + 50, y1 - 50, n)
    ang = rng.uniform(0, np.pi, n)
    boxes = shapely.box(-5, -2, 5, 2)
    c, s = np.cos(ang), np.sin(ang)
    coords = shapely.get_coordinates(boxes)  # 5 ring points
    rx = coords[None, :, 0] * c[:, None] - coords[None, :, 1] * s[:, None] + x[:, None]
    ry = coords[None, :, 0] * s[:, None] + coords[None, :, 1] * c[:, None] + y[:, None]
    return shapely.polygons(np.stack([rx, ry], axis=2))


def _stats(seconds) -> tuple[float, float]:
    ms = np.asarray(seconds) * 1000
    return float(np.median(ms)), float(np.percentile(ms, 99))


class BarePeer:
    """The bare GeoPackage query: R*Tree candidates, their geometry, shapely ``dwithin``."""

    def __init__(self, path: Path):
        import sqlite3

        self.con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        self.sql = ("SELECT a.asset_id, a.geom FROM rtree_assets_geom r JOIN assets a "
                    "ON a.fid = r.id WHERE r.maxx >= ? AND r.minx <= ? AND r.maxy >= ? "
                    "AND r.miny <= ? AND a.retired_at IS NULL")

    def near(self, footprint, reach: float) -> int:
        """How many live assets are within ``reach`` of the footprint."""
        from asset_register.store.gpkg.geom import header_length

        x0, y0, x1, y1 = footprint.bounds
        rows = self.con.execute(self.sql, (x0 - reach, x1 + reach, y0 - reach, y1 + reach)).fetchall()
        if not rows:
            return 0
        geoms = shapely.from_wkb([g[header_length(g):] for _, g in rows])
        return int(shapely.dwithin(geoms, footprint, reach).sum())

    def near_many(self, fps: np.ndarray, reach: float) -> tuple[int, int]:
        """(candidates, assets within ``reach``) of every footprint: one join of a temporary
        table of their grown boxes against the R*Tree and the assets table."""
        from asset_register.store.gpkg.geom import header_length

        b = shapely.bounds(fps)
        self.con.execute("CREATE TEMP TABLE IF NOT EXISTS q "
                         "(i INTEGER PRIMARY KEY, x0 REAL, x1 REAL, y0 REAL, y1 REAL)")
        self.con.execute("DELETE FROM q")
        self.con.executemany("INSERT INTO q VALUES (?, ?, ?, ?, ?)", zip(
            range(len(fps)), (b[:, 0] - reach).tolist(), (b[:, 2] + reach).tolist(),
            (b[:, 1] - reach).tolist(), (b[:, 3] + reach).tolist()))
        rows = self.con.execute(
            "SELECT q.i, a.geom FROM q, rtree_assets_geom r JOIN assets a ON a.fid = r.id "
            "WHERE r.maxx >= q.x0 AND r.minx <= q.x1 AND r.maxy >= q.y0 AND r.miny <= q.y1 "
            "AND a.retired_at IS NULL").fetchall()
        if not rows:
            return 0, 0
        qi = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        geoms = shapely.from_wkb([g[header_length(g):] for _, g in rows])
        return len(rows), int(shapely.dwithin(geoms, fps[qi], reach).sum())

    def close(self) -> None:
        self.con.close()


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its ended child processes (a batch's helpers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _drop_pages(path: Path) -> None:
    """Drop the file's pages from the system's page cache (``POSIX_FADV_DONTNEED``: any
    process that may read the file may ask; clean pages only, the file is not changed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _cached_share(path: Path) -> float | None:
    """The share of the file's pages in the page cache (Linux), None where unknown."""
    from asset_register.store.gpkg.warm import uncached_chunks

    missing = uncached_chunks(str(path), 4096)
    size = path.stat().st_size
    if missing is None or not size:
        return None
    return 1 - min(len(missing) * 4096, size) / size


def _rounds(seconds) -> str:
    return " / ".join(f"{x:.2f}" for x in seconds)


def _timeless(doc: dict) -> list:
    return [{k: v for k, v in r.items() if k != "seconds"} for r in doc["results"]]


def _programme_json(batch) -> dict:
    """Time the batch's JSON (``batch.to_dict``: what ``check --programme --json`` prints)
    beside its peers in the same run: the same sites' ``CheckResult.to_dict()`` one by one,
    and ``json.dumps`` of the flat conflicts table (columns as lists); then check that each
    site's JSON text is the same both ways. Returns the batch's JSON."""
    import gc
    import json

    gc.collect()  # (the garbage of what ran before, not counted against either)
    load = os.getloadavg()[0]
    t, c = time.perf_counter(), time.process_time()
    doc = batch.to_dict()
    ours, ours_cpu = time.perf_counter() - t, time.process_time() - c
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    alone = [batch._result(i).to_dict() for i in range(len(batch))]
    one_by_one, one_cpu = time.perf_counter() - t, time.process_time() - c
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    flat = json.dumps({k: v.tolist() for k, v in batch.flat.items() if k not in ("site", "geometry")})
    flat_s, flat_cpu = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter()
    text = json.dumps(doc, ensure_ascii=False)
    dumps_s = time.perf_counter() - t
    same = all(json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)
               for a, b in zip(doc["results"], alone, strict=True))
    print(f"  + every site's result as JSON-ready dicts (batch.to_dict): {ours:.2f} s wall "
          f"(CPU {ours_cpu:.2f} s)   target well under 2 s at 10M (load average {load:.1f} "
          "before)")
    print(f"    peers, same run: the same sites' CheckResult.to_dict() one by one {one_by_one:.2f} s "
          f"(CPU {one_cpu:.2f} s; {one_by_one / ours:.1f}x ours); json.dumps of the flat "
          f"conflicts table ({len(batch.flat['site']):,} rows, {len(flat) / 1e6:.0f} MB) "
          f"{flat_s:.2f} s (CPU {flat_cpu:.2f} s)")
    print(f"    then json.dumps of our document ({len(text) / 1e6:.0f} MB, the command line's "
          f"output until 2026-12-04): {dumps_s:.2f} s; each site's JSON text the same as its "
          f"own: {same}")
    del alone, flat
    # what the command line does now: the document written a part of the sites at a time
    # (``batch.write_json``) to a file, beside to_dict + json.dumps + one write of the string
    import io
    import tempfile

    timed = {}
    with tempfile.TemporaryDirectory() as tmp:
        for who in ("streamed", "whole", "streamed", "whole"):
            gc.collect()
            t, c = time.perf_counter(), time.process_time()
            with open(Path(tmp) / "out.json", "w", encoding="utf-8") as out:
                if who == "streamed":
                    batch.write_json(out)
                else:
                    out.write(json.dumps(batch.to_dict(), ensure_ascii=False))
            timed.setdefault(who, []).append((time.perf_counter() - t, time.process_time() - c))
    buffer = io.StringIO()
    batch.write_json(buffer)
    print("  + the document written to a file: a part of the sites at a time (batch.write_json, "
          "what check --programme --json does) "
          + " / ".join(f"{w:.2f} s (CPU {c:.2f})" for w, c in timed["streamed"])
          + "; peer, same run: to_dict + json.dumps + one write (the command line before) "
          + " / ".join(f"{w:.2f} s (CPU {c:.2f})" for w, c in timed["whole"])
          + f"; the same text: {buffer.getvalue() == text}")
    del text, buffer
    return doc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="dig-check benchmark")
    ap.add_argument("--features", type=int, default=1_000_000)
    ap.add_argument("--singles", type=int, default=2000, help="single checks to time")
    ap.add_argument("--batch", type=int, default=10_000, help="footprints in the batch")
    ap.add_argument("--naive", type=int, default=10, help="footprints for the naive peer")
    ap.add_argument("--register", type=Path, help="existing register to use")
    ap.add_argument("--rounds", type=int, default=2,
                    help="batch rounds, ours and the peer's alternating who goes first")
    ap.add_argument("--skip-memory", action="store_true",
                    help="do not build the in-memory index (at 10M: two minutes, gigabytes)")
    ap.add_argument("--no-audit", action="store_true",
                    help="write no audit entries (they go into the register, even read-only)")
    ap.add_argument("--singles-only", action="store_true",
                    help="stop after the single checks and their peer")
    ap.add_argument("--cold", action="store_true",
                    help="drop the register file's pages from the page cache before each side "
                         "of each batch round (posix_fadvise DONTNEED: no root needed; the file "
                         "is only read), so ours and the peer both start from disk")
    ap.add_argument("--no-warm-up", action="store_true",
                    help="a large batch does not read the register's uncached pages in long "
                         "runs alongside its own reads (store/gpkg/warm.py): for comparison")
    args = ap.parse_args(argv)
    if args.no_warm_up:
        from asset_register.store.gpkg import warm

        warm.MIN_UNCACHED = 2.0  # (more than the whole file: never worth reading)

    from make_scale import OUT, make_register

    path = args.register or OUT / f"scale_{args.features}.gpkg"
    if not path.exists():
        t = time.perf_counter()
        make_register(args.features, path)
        print(f"made register {path} ({args.features:,} assets) in {time.perf_counter() - t:.1f} s")

    from asset_register.check import Checker, DigSite
    from asset_register.store import open_register

    # -- first check after opening (nothing loaded yet) -----------------------------------
    t0 = time.perf_counter()
    store = open_register(path, read_only=True)
    extent = store.extent()
    fps = footprints(extent, max(args.singles, args.batch), seed=7)
    t1 = time.perf_counter()
    checker = Checker(store)
    first = checker.check(DigSite(fps[0]))
    t2 = time.perf_counter()
    n_assets = store.asset_count()
    print(f"machine load average at start: {os.getloadavg()[0]:.1f} (2 cores shared)")
    print(f"register: {path.name}, {n_assets:,} live assets, extent "
          f"{(extent[2] - extent[0]) / 1000:.1f} x {(extent[3] - extent[1]) / 1000:.1f} km")
    print(f"first check after opening: {t2 - t0:.3f} s (open {t1 - t0:.3f} s + check "
          f"{t2 - t1:.3f} s; {len(first.conflicts)} conflicts)   target <= 1 s")

    # -- single checks from the R*Tree on disk, interleaved with the bare peer --------------
    # The peer is what a GIS developer would write for "what is near this footprint" with no
    # product around it: the same GeoPackage R*Tree query (same reach: the largest clearance
    # any asset can have) over its own read-only connection, fetch the id and geometry, then
    # shapely ``dwithin``. Ours is the full check: classes, clearances, severities,
    # precautions, owners and coverage, works, deviation reports, confidence, warnings.
    peer = BarePeer(path)
    from asset_register.check.clearance import search_reach
    from asset_register.check.index import BOX_MARGIN_M

    reach = search_reach(checker.rules, checker.context().bounds) + BOX_MARGIN_M
    ours_lat, ours_cpu, peer_lat, peer_cpu, frames_lat, hits, near = [], [], [], [], [], 0, 0
    load_before = os.getloadavg()
    for i, fp in enumerate(fps[: args.singles]):
        # alternate who goes first, so neither always finds the pages the other just read
        for who in (("ours", "peer") if i % 2 == 0 else ("peer", "ours")):
            s, c = time.perf_counter(), time.process_time()
            if who == "ours":
                r = checker.check(DigSite(fp))
                ours_lat.append(time.perf_counter() - s)
                ours_cpu.append(time.process_time() - c)
                # the result's frames are built when first read (what the app's conflicts
                # table and the CLI's printout do): timed on their own
                s = time.perf_counter()
                hits += len(r.conflicts) + 0 * len(r.works_overlapping)
                frames_lat.append(time.perf_counter() - s)
            else:
                near += peer.near(fp, reach)
                peer_lat.append(time.perf_counter() - s)
                peer_cpu.append(time.process_time() - c)
    peer.close()
    load_after = os.getloadavg()
    if not args.singles:
        print("single checks: skipped (--singles 0)")
    else:
        o, pe = _stats(ours_lat), _stats(peer_lat)
        oc, pc = _stats(ours_cpu), _stats(peer_cpu)
        print(f"single check, R*Tree on disk, interleaved with the peer ({args.singles} footprints; "
              f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; 2 cores):")
        print(f"  ours, the full check ({hits / args.singles:.1f} conflicts each): median "
              f"{o[0]:.3f} ms, p99 {o[1]:.3f} ms wall-clock (CPU time: median {oc[0]:.3f} ms, p99 "
              f"{oc[1]:.3f} ms)   target p99 <= 1 ms and <= 3x the peer's")
        print(f"  peer, bare R*Tree + fetch + shapely dwithin {reach:.2f} m ({near / args.singles:.1f} "
              f"assets each): median {pe[0]:.3f} ms, p99 {pe[1]:.3f} ms wall-clock (CPU time: "
              f"median {pc[0]:.3f} ms, p99 {pc[1]:.3f} ms)")
        print(f"  ours / peer: median {o[0] / pe[0]:.1f}x, p99 {o[1] / pe[1]:.1f}x wall-clock "
              f"(CPU p99 {oc[1] / pc[1]:.1f}x)")
        fr = _stats(frames_lat)
        print(f"  + reading the result's conflicts and works as GeoDataFrames (built on first read): "
              f"median {fr[0]:.3f} ms, p99 {fr[1]:.3f} ms")
    if args.singles_only:
        checker.close()
        store.close()
        return 0
    lat_ms = np.array(ours_lat) * 1000

    # -- the same single checks, each recorded in the audit log (as the CLI and GUI do) ------
    # (the entries are appended to the register's audit log, even when opened read-only:
    # --no-audit leaves a shared benchmark register as it was)
    from asset_register.use_log import record_batch, record_check

    if args.no_audit:
        print("audit entries: skipped (--no-audit)")
    else:
        rec_lat, rec_only = [], []
        for fp in fps[: args.singles]:
            s = time.perf_counter()
            r = checker.check(DigSite(fp))
            m = time.perf_counter()
            record_check(store, r, purpose="benchmark")
            rec_lat.append(time.perf_counter() - s)
            rec_only.append(time.perf_counter() - m)
        rec_ms, only_ms = np.array(rec_lat) * 1000, np.array(rec_only) * 1000
        print(f"single check + its audit entry: median {np.median(rec_ms):.2f} ms, p99 "
              f"{np.percentile(rec_ms, 99):.2f} ms; the audit write alone: median "
              f"{np.median(only_ms):.3f} ms, p99 {np.percentile(only_ms, 99):.3f} ms   "
              f"(peer: the check without it, median {np.median(lat_ms):.2f} ms)")

    # -- batch from the R*Tree on disk, beside its peer ------------------------------------
    # Ours: check_many straight after opening (no in-memory index: candidates of every
    # footprint read at once from the R*Tree and the assets table), the full check. The peer:
    # the same footprints' boxes grown by the same reach in a temporary table, one SQL join
    # against the R*Tree and the assets table, each candidate's geometry decoded and shapely
    # ``dwithin`` — what a GIS developer would write for "what is near each footprint".
    # Rounds alternate who goes first (the second finds the pages the first read cached).
    sites = [DigSite(fp) for fp in fps[: args.batch]]
    peer = BarePeer(path)
    ours_s, ours_cpu, peer_s, peer_cpu = [], [], [], []
    load_before = os.getloadavg()
    cached: dict[str, list] = {"ours": [], "peer": []}
    for rnd in range(args.rounds):
        for who in (("ours", "peer") if rnd % 2 == 0 else ("peer", "ours")):
            if args.cold:
                _drop_pages(path)
            share = _cached_share(path)
            cached[who].append("?" if share is None else f"{share:.0%}")
            s, c = time.perf_counter(), _cpu_with_children()
            if who == "ours":
                batch = checker.check_many(sites, index="disk")
                ours_s.append(time.perf_counter() - s)
                ours_cpu.append(_cpu_with_children() - c)
            else:
                pairs, within = peer.near_many(fps[: args.batch], reach)
                peer_s.append(time.perf_counter() - s)
                peer_cpu.append(_cpu_with_children() - c)
    peer.close()
    load_after = os.getloadavg()
    peak_mb = _peak_rss_mb()
    print(f"batch of {args.batch:,} footprints from the R*Tree on disk, no in-memory index "
          f"({args.rounds} rounds, alternating; load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after; 2 cores):")
    print(f"  ours, check_many, the full check ({len(batch.flat['site']):,} conflicts): "
          f"{_rounds(ours_s)} s wall-clock (CPU time, all threads and the helper processes "
          f"reading the rows: {_rounds(ours_cpu)} s)   "
          "target <= 5 s")
    print(f"  peer, temporary table of boxes + one R*Tree join + fetch + shapely dwithin "
          f"{reach:.2f} m ({pairs:,} candidates, {within:,} within): {_rounds(peer_s)} s "
          f"wall-clock (CPU time: {_rounds(peer_cpu)} s)")
    print(f"  the register's file in the page cache before each round's read "
          f"({'dropped before each side: --cold' if args.cold else 'as found'}): ours "
          f"{' / '.join(cached['ours'])}, peer {' / '.join(cached['peer'])}; who went first: "
          f"{' / '.join('ours' if r % 2 == 0 else 'peer' for r in range(args.rounds))}")
    print(f"  the warm-up of a large batch (store/gpkg/warm.py): "
          f"{'off (--no-warm-up)' if args.no_warm_up else 'on'}")
    print(f"  ours / peer (best rounds): {min(ours_s) / min(peer_s):.1f}x wall-clock; first "
          f"rounds: {ours_s[0] / peer_s[0]:.1f}x")
    print(f"  peak RSS of the run so far: {peak_mb:,.0f} MB   target <= 3 GB at 10M")
    if not args.no_audit:
        store.flush_uses()  # (the single checks' entries above, written together)
        t = time.perf_counter()
        record_batch(store, batch, purpose="benchmark")
        print(f"  + the batch's one audit entry: {(time.perf_counter() - t) * 1000:.2f} ms")
    doc = _programme_json(batch)
    t = time.perf_counter()
    one = batch[len(batch) // 2]
    frame_ms = (time.perf_counter() - t) * 1000
    print(f"  + one site's CheckResult with frames on demand: {frame_ms:.1f} ms")

    # -- batch from the in-memory STRtree ---------------------------------------------------
    if args.skip_memory:
        print("in-memory index: skipped (--skip-memory)")
    else:
        t = time.perf_counter()
        checker.memory_index()
        build = time.perf_counter() - t
        t = time.perf_counter()
        memory = checker.check_many(sites, index="memory")
        batch_s = time.perf_counter() - t
        same = _timeless(memory.to_dict()) == _timeless(doc)
        print(f"in-memory index build (once per register change): {build:.2f} s; peak RSS "
              f"{_peak_rss_mb():,.0f} MB")
        print(f"batch of {args.batch:,} footprints from the in-memory index: {batch_s:.2f} s "
              f"({len(memory.flat['site']):,} conflicts; the same answers as from disk: {same})")
        lat, cpu = [], []
        for fp in fps[: args.singles]:
            s, c = time.perf_counter(), time.process_time()
            checker.check(DigSite(fp))
            lat.append(time.perf_counter() - s)
            cpu.append(time.process_time() - c)
        lat_ms, cpu_ms = np.array(lat) * 1000, np.array(cpu) * 1000
        print(f"single check, in-memory index: median {np.median(lat_ms):.2f} ms, "
              f"p99 {np.percentile(lat_ms, 99):.2f} ms wall-clock (CPU time: median "
              f"{np.median(cpu_ms):.2f} ms, p99 {np.percentile(cpu_ms, 99):.2f} ms)")
        if not same:
            return 1

    # -- the naive peer -------------------------------------------------------------------
    if args.naive == 0:  # (at 10M, loading every asset is what the peer cannot afford)
        checker.close()
        store.close()
        return 0
    from asset_register.check.clearance import CHECK_COLUMNS, base_clearance, classify, normalise

    t = time.perf_counter()
    gdf = store.read_assets(columns=CHECK_COLUMNS)
    load = time.perf_counter() - t
    frame = normalise(gdf.drop(columns="geometry"))
    eff = base_clearance(frame, checker.rules, classify(frame, checker.rules))
    naive, agree = [], 0
    for i in range(args.naive):
        s = time.perf_counter()
        d = gdf.geometry.distance(fps[i])
        found = set(gdf["asset_id"][d.to_numpy() <= eff + 1e-6])
        naive.append(time.perf_counter() - s)
        agree += found == {c["asset_id"] for c in doc["results"][i]["conflicts"]}
    per = float(np.median(naive))
    print(f"naive geopandas peer: load all assets {load:.2f} s, then distance to every asset "
          f"per footprint: median {per * 1000:.0f} ms (timed on {args.naive} footprints)")
    print(f"  extrapolated: batch of {args.batch:,} = {load + per * args.batch:.0f} s "
          f"-> checker is {(load + per * args.batch) / batch_s:.0f}x faster; single check "
          f"{per * 1000:.0f} ms vs {np.median(lat_ms):.2f} ms -> {per * 1000 / np.median(lat_ms):.0f}x")
    print(f"  same conflicts as the checker on {agree}/{args.naive} sampled footprints "
          f"({sum(len(doc['results'][i]['conflicts']) for i in range(args.naive))} conflicts)")
    del one
    checker.close()
    store.close()
    return 0 if agree == args.naive else 1


if __name__ == "__main__":
    sys.exit(main())
