"""Make a realistic synthetic utility network of N assets, fast and deterministic.

A jittered street grid (100 m blocks, ~10,000 assets per km² as in a dense UK
town centre) carries mains in utility-specific offsets from the kerb, service
connections running to the building line, and chambers, valves, hydrants and
poles along the mains; several owners per utility, realistic status, pressure,
voltage, diameter, depth and accuracy mixes. Everything is vectorised numpy.

    python benchmarks/make_scale.py --features 1000000 --out benchmarks/out/scale.gpkg

writes an asset register (GeoPackage) and caches the canonical frame as
GeoParquet beside it. Other benchmarks import ``make_network`` / ``cached_network``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
X0, Y0 = 520000.0, 170000.0
BLOCK = 100.0
DENSITY_PER_KM2 = 10_000
PART_ROWS = 1_000_000  # larger registers are made and written in parts of this many assets

# utility -> (owners, offset from street centre line (m), classes of point assets)
UTILITIES = {
    "electricity": (["UKPN", "SSEN"], -5.5, ["cabinet", "pole"]),
    "gas": (["SGN", "CADENT"], 3.5, ["valve"]),
    "water": (["TW"], -2.0, ["valve", "hydrant"]),
    "sewer": (["TWS"], 0.0, ["chamber"]),
    "telecoms": (["BT", "VM", "CFB"], 5.0, ["chamber", "cabinet"]),
    "street_lighting": (["WCC"], -6.5, ["pole"]),
    "district_heating": (["DHN"], 1.5, ["chamber"]),
}
UTILITY_WEIGHTS = np.array([0.22, 0.15, 0.15, 0.12, 0.22, 0.09, 0.05])


def _pick(rng, values, n, p=None):
    values = np.asarray(values, dtype=object)
    return values[rng.choice(len(values), n, p=p)]


def make_network(n: int, seed: int = 42) -> gpd.GeoDataFrame:
    """A canonical asset frame (asset_register.model columns) of exactly ``n`` assets."""
    rng = np.random.default_rng(seed)
    return _assets(rng, n, _streets(rng, n), 0)


def network_parts(n: int, seed: int = 42, part: int = PART_ROWS):
    """The network of ``n`` assets as frames of at most ``part`` assets (the same streets;
    each part its own random stream, ids numbered on), for registers too large for one
    frame in memory. Deterministic; for n ≤ part it is ``make_network(n, seed)``."""
    if n <= part:
        yield make_network(n, seed)
        return
    streets = _streets(np.random.default_rng(seed), n)
    for k, start in enumerate(range(0, n, part)):
        rows = min(part, n - start)
        yield _assets(np.random.default_rng([seed, k]), rows, streets, start)


def _streets(rng, n: int):
    """Street segments of the grid for ``n`` assets: (start points, unit vectors, normals, lengths)."""
    side_km = max(0.3, np.sqrt(n / DENSITY_PER_KM2))
    g = int(np.ceil(side_km * 1000 / BLOCK)) + 1
    jx = rng.uniform(-8, 8, (g, g))
    jy = rng.uniform(-8, 8, (g, g))
    gx = X0 + np.arange(g)[None, :] * BLOCK + jx
    gy = Y0 + np.arange(g)[:, None] * BLOCK + jy
    # street segments: horizontal (i, j)->(i, j+1) and vertical (i, j)->(i+1, j)
    h0 = np.stack([gx[:, :-1].ravel(), gy[:, :-1].ravel()], 1)
    h1 = np.stack([gx[:, 1:].ravel(), gy[:, 1:].ravel()], 1)
    v0 = np.stack([gx[:-1, :].ravel(), gy[:-1, :].ravel()], 1)
    v1 = np.stack([gx[1:, :].ravel(), gy[1:, :].ravel()], 1)
    s0, s1 = np.concatenate([h0, v0]), np.concatenate([h1, v1])
    seg_dir = s1 - s0
    seg_len = np.hypot(seg_dir[:, 0], seg_dir[:, 1])
    unit = seg_dir / seg_len[:, None]
    normal = np.stack([-unit[:, 1], unit[:, 0]], 1)
    return s0, unit, normal, seg_len


def _assets(rng, n: int, streets, first_id: int) -> gpd.GeoDataFrame:
    """``n`` assets along ``streets``, source ids from ``first_id``."""
    s0, unit, normal, seg_len = streets
    util_names = np.array(list(UTILITIES), dtype=object)
    uidx = rng.choice(len(util_names), n, p=UTILITY_WEIGHTS)
    utility = util_names[uidx]
    offsets = np.array([UTILITIES[u][1] for u in util_names])[uidx] + rng.normal(0, 0.3, n)
    seg = rng.integers(0, len(s0), n)
    kind = rng.choice(3, n, p=[0.35, 0.40, 0.25])  # main section, service, point asset
    t = rng.uniform(0.0, 0.8, n)
    base = s0[seg] + (t * seg_len[seg])[:, None] * unit[seg] + offsets[:, None] * normal[seg]
    main_end = base + (np.minimum(0.2, 1 - t) * seg_len[seg])[:, None] * unit[seg]
    side = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    svc_len = np.abs(side * 9.0 - offsets) + rng.uniform(0.5, 4, n)
    svc_end = base + (side * svc_len)[:, None] * normal[seg]
    end = np.where((kind == 0)[:, None], main_end, svc_end)

    lines = shapely.linestrings(np.stack([base, end], 1))
    points = shapely.points(base)
    geometry = np.where(kind == 2, points, lines)

    owner = np.empty(n, dtype=object)
    point_class = np.empty(n, dtype=object)
    for i, (owners, _, classes) in enumerate(UTILITIES.values()):
        m = uidx == i
        owner[m] = _pick(rng, owners, int(m.sum()))
        point_class[m] = _pick(rng, classes, int(m.sum()))
    line_class = np.where(np.isin(utility, ["electricity", "telecoms", "street_lighting"]),
                          np.where(utility == "telecoms", "duct", "cable"), "pipe")
    asset_class = np.where(kind == 2, point_class, line_class)

    status = _pick(rng, ["in_service", "abandoned", "disused", "proposed", "unknown"], n,
                   p=[0.93, 0.03, 0.02, 0.01, 0.01])
    pressure = np.where(utility == "gas", _pick(rng, ["LP", "MP", "IP", "HP"], n,
                                                 p=[0.7, 0.2, 0.08, 0.02]), None)
    voltage = np.where(utility == "electricity", _pick(rng, ["LV", "HV", "EHV"], n,
                                                        p=[0.8, 0.18, 0.02]), None)
    diameter = np.where(kind == 1, rng.choice([25, 32, 63], n),
                        rng.choice([50, 90, 125, 180, 250, 315, 450], n)).astype(float)
    h_acc = np.where(rng.random(n) < 0.2, np.nan, rng.choice([0.1, 0.25, 0.5, 1.0], n))
    quality = _pick(rng, ["D", "C", "B4", "B3", "B2", "B1", "A"], n,
                    p=[0.3, 0.2, 0.15, 0.15, 0.1, 0.05, 0.05])
    material = np.where(utility == "gas", "PE", np.where(utility == "water", "DI",
                        np.where(utility == "sewer", "clay", np.where(
                            np.isin(utility, ["electricity", "street_lighting"]), "copper",
                            np.where(utility == "telecoms", "fibre", "steel")))))
    src = np.char.mod("%d", np.arange(first_id, first_id + n))
    asset_id = np.char.add(np.char.add(owner.astype(str), ":"), src)
    attrs = np.char.add(np.char.add('{"src_id": ', src), '}')
    return gpd.GeoDataFrame(
        {
            "asset_id": asset_id.astype(object), "owner": owner, "utility": utility,
            "asset_class": asset_class, "status": status,
            "depth_m": rng.uniform(0.3, 2.5, n).round(2), "depth_source": "recorded",
            "diameter_mm": diameter, "pressure": pressure, "voltage": voltage,
            "material": material, "h_accuracy_m": h_acc, "v_accuracy_m": np.nan,
            "quality_level": quality, "captured_on": "2025-06-30", "attrs": attrs.astype(object),
            "restricted": False,
        },
        geometry=geometry, crs="EPSG:27700",
    )


def cached_network(n: int, seed: int = 42) -> gpd.GeoDataFrame:
    """make_network(n) cached as GeoParquet under benchmarks/out/ (git-ignored)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"network_{n}_{seed}.parquet"
    if path.exists():
        return gpd.read_parquet(path)
    frame = make_network(n, seed)
    frame.to_parquet(path)
    return frame


def make_register(n: int, out: Path, seed: int = 42) -> Path:
    """A register at ``out`` holding the synthetic network (replaced if present)."""
    sys.path.insert(0, str(ROOT))
    from asset_register.model import BatchInfo, Owner
    from asset_register.store import create_register
    from asset_register.store.batches import AssetChunks

    for suffix in ("", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    owners = sorted({o for owners, _, _ in UTILITIES.values() for o in owners})
    info = BatchInfo(source_file=f"synthetic network n={n}", rows_read=n,
                     transformation_accuracy_m=0.0)
    with create_register(out) as store:
        for code in owners:
            store.upsert_owner(Owner(code, f"{code} (synthetic)", "0800 000 000",
                                     "0800 999 999", f"{code.lower()}@example.org"))
        if n <= PART_ROWS:  # one frame (cached as GeoParquet for the other benchmarks)
            store.write_batch(cached_network(n, seed), info)
        else:  # one batch handed over in parts: memory holds one part at a time
            store.write_batch(AssetChunks(network_parts(n, seed)), info)
        ext = store.extent()
        for code in owners:
            store.set_owner_coverage(code, shapely.box(*ext))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, help="register to write (default benchmarks/out/scale_N.gpkg)")
    args = ap.parse_args(argv)
    out = args.out or OUT / f"scale_{args.features}.gpkg"
    out.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    make_register(args.features, out, args.seed)
    print(f"wrote {args.features:,} assets to {out} in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
