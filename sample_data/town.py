"""The sample town's ground truth, in British National Grid: streets, buildings and networks.

Deterministic (one numpy seed): the same call always builds the same town. The
networks are what each owner "really" has; ``generate.py`` writes each owner's
delivery from them in that owner's format and CRS, with the defects real
deliveries have. Everything here is vectorised shapely / numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

SEED = 20261122
CRS = "EPSG:27700"
X0, X1, Y0, Y1 = 530000.0, 531600.0, 180000.0, 181200.0
EW_NAMES = ["Station Road", "High Street", "Mill Lane", "Church Street", "Park Road"]
NS_NAMES = ["Bridge Street", "Queen's Avenue", "Market Way", "Victoria Road", "Orchard Lane"]
PLOT_M = 28.0  # building plot frontage
CROSSING_CLEAR_M = 22.0  # no plots this close to a junction


@dataclass
class Town:
    streets: gpd.GeoDataFrame  # name, usrn, geometry (one LineString per street)
    segments: gpd.GeoDataFrame  # street block segments between junctions: street, usrn, seg
    buildings: gpd.GeoDataFrame  # uprn, street, usrn, block, side, front_x, front_y, geometry
    junctions: np.ndarray  # (n, 2) junction coordinates


def _streets(rng) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, np.ndarray]:
    ew_y = Y0 + 100 + 250 * np.arange(5)
    ns_x = X0 + 100 + 350 * np.arange(5)
    jitter = rng.uniform(-6, 6, size=(5, 5, 2)).round(1)
    jx = ns_x[None, :] + jitter[:, :, 0]  # junction (row i = EW street, col j = NS street)
    jy = ew_y[:, None] + jitter[:, :, 1]
    names, usrns, lines, seg_rows = [], [], [], []
    for i, name in enumerate(EW_NAMES):
        pts = np.column_stack([np.r_[X0 + 20, jx[i], X1 - 20], np.r_[jy[i, 0], jy[i], jy[i, -1]]])
        names.append(name)
        usrns.append(str(20700101 + i))
        lines.append(shapely.linestrings(pts))
    for j, name in enumerate(NS_NAMES):
        pts = np.column_stack([np.r_[jx[0, j], jx[:, j], jx[-1, j]], np.r_[Y0 + 20, jy[:, j], Y1 - 20]])
        names.append(name)
        usrns.append(str(20700201 + j))
        lines.append(shapely.linestrings(pts))
    streets = gpd.GeoDataFrame({"name": names, "usrn": usrns}, geometry=lines, crs=CRS)
    for name, usrn, line in zip(names, usrns, lines, strict=True):
        coords = shapely.get_coordinates(line)
        for k in range(len(coords) - 1):
            seg_rows.append((name, usrn, k, shapely.linestrings(coords[k:k + 2])))
    segs = pd.DataFrame(seg_rows, columns=["street", "usrn", "seg", "geometry"])
    segments = gpd.GeoDataFrame(segs.drop(columns="geometry"), geometry=list(segs.geometry), crs=CRS)
    return streets, segments, np.column_stack([jx.ravel(), jy.ravel()])


def _buildings(rng, segments: gpd.GeoDataFrame, junctions: np.ndarray) -> gpd.GeoDataFrame:
    geoms = segments.geometry.array
    length = shapely.length(geoms)
    n_plots = np.maximum((length // PLOT_M).astype(int), 0)
    seg_idx = np.repeat(np.arange(len(segments)), n_plots)
    k = np.concatenate([np.arange(n) for n in n_plots]) if n_plots.sum() else np.array([], int)
    dist = (k + 0.5) * PLOT_M
    seg_idx = np.concatenate([seg_idx, seg_idx])
    dist = np.concatenate([dist, dist])
    side = np.repeat([1.0, -1.0], len(dist) // 2)
    g = geoms[seg_idx]
    p = shapely.get_coordinates(shapely.line_interpolate_point(g, dist))
    c = shapely.get_coordinates(g).reshape(-1, 2, 2)
    d = c[:, 1] - c[:, 0]
    u = d / np.linalg.norm(d, axis=1, keepdims=True)
    nrm = np.column_stack([-u[:, 1], u[:, 0]]) * side[:, None]
    near = np.min(np.hypot(p[:, None, 0] - junctions[None, :, 0], p[:, None, 1] - junctions[None, :, 1]), axis=1)
    inside = (p[:, 0] > X0 + 30) & (p[:, 0] < X1 - 30) & (p[:, 1] > Y0 + 30) & (p[:, 1] < Y1 - 30)
    keep = (near > CROSSING_CLEAR_M) & inside & (rng.random(len(p)) < 0.9)
    p, u, nrm, seg_idx, side = p[keep], u[keep], nrm[keep], seg_idx[keep], side[keep]
    setback = rng.uniform(8.0, 10.0, len(p)).round(1)
    depth = rng.uniform(9.0, 14.0, len(p)).round(1)
    half = rng.uniform(4.0, 6.5, len(p)).round(1)
    front = p + nrm * setback[:, None]
    corners = np.stack([front - u * half[:, None], front + u * half[:, None],
                        front + u * half[:, None] + nrm * depth[:, None],
                        front - u * half[:, None] + nrm * depth[:, None]], axis=1)
    rings = np.concatenate([corners, corners[:, :1]], axis=1).round(2)
    polys = shapely.polygons(rings)
    segs = segments.iloc[seg_idx]
    return gpd.GeoDataFrame({
        "uprn": np.char.mod("1000%08d", np.arange(len(polys)) + 4211),
        "street": segs["street"].to_numpy(), "usrn": segs["usrn"].to_numpy(),
        "block": seg_idx.astype(int), "side": side.astype(int),
        "front_x": front[:, 0].round(2), "front_y": front[:, 1].round(2),
    }, geometry=polys, crs=CRS)


def build_town(seed: int = SEED) -> Town:
    """The streets, blocks and buildings of the sample town (same seed → same town)."""
    rng = np.random.default_rng(seed)
    streets, segments, junctions = _streets(rng)
    buildings = _buildings(rng, segments, junctions)
    return Town(streets, segments, buildings, junctions)


def offset_mains(segments: gpd.GeoDataFrame, offset: float) -> np.ndarray:
    """Main along every street block, ``offset`` metres left (+) or right (-) of the centre line."""
    return shapely.set_precision(shapely.offset_curve(segments.geometry.array, offset), 0.01)


def services(mains: np.ndarray, buildings: gpd.GeoDataFrame, select: np.ndarray) -> np.ndarray:
    """A service line from the block's main (aligned with ``segments``) to each selected building."""
    b = buildings.loc[select]
    main_idx = b["block"].to_numpy()
    front = shapely.points(b["front_x"].to_numpy(), b["front_y"].to_numpy())
    m = mains[main_idx]
    on_main = shapely.line_interpolate_point(m, shapely.line_locate_point(m, front))
    start = shapely.get_coordinates(on_main)
    end = shapely.get_coordinates(front)
    return shapely.linestrings(np.stack([start, end], axis=1).round(2))
