"""Each owner's network in the sample town, as GeoDataFrames in British National Grid.

Attribute names, codes and units are each owner's own (inches for gas, feet nowhere,
"QL-B2" quality codes for water, CAD layer names for the council…), exactly as
their deliveries carry them; the bundled profiles map them to the canonical model.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops

from .town import CRS, X0, X1, Y0, Town, offset_mains, services


def _frame(data: dict, geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=CRS)


def _dates(rng, n: int, y0: int, y1: int) -> np.ndarray:
    days = rng.integers(0, (y1 - y0) * 365, n)
    return (np.datetime64(f"{y0}-01-01") + days.astype("timedelta64[D]")).astype(str)


def water(rng, town: Town) -> dict[str, gpd.GeoDataFrame]:
    mains = offset_mains(town.segments, 2.0)
    n = len(mains)
    status = np.where(rng.random(n) < 0.06, "Abandoned", "Live")
    main = _frame({
        "ASSET_ID": np.char.mod("WM%05d", np.arange(n) + 1),
        "MATERIAL": rng.choice(["DI", "PVC", "CI", "AC", "PE100"], n),
        "DIAMETER": rng.choice([100, 150, 180, 225, 300], n).astype(np.int32),
        "DEPTH": rng.uniform(0.8, 1.3, n).round(2),
        "QL": rng.choice(["QL-D", "QL-C", "QL-B2", "QL-A"], n, p=[0.4, 0.3, 0.2, 0.1]),
        "STATUS": status,
        "INSTALLED": _dates(rng, n, 1950, 2020),
    }, mains)
    sel = town.buildings.index[rng.random(len(town.buildings)) < 0.8]
    svc = services(mains, town.buildings, sel)
    service = _frame({
        "ASSET_ID": np.char.mod("WS%05d", np.arange(len(svc)) + 1),
        "MATERIAL": rng.choice(["MDPE", "Lead", "PE", "Copper"], len(svc), p=[0.6, 0.1, 0.2, 0.1]),
        "DIAMETER": rng.choice([25, 32], len(svc)).astype(np.int32),
        "DEPTH": rng.uniform(0.6, 0.9, len(svc)).round(2),
        "QL": "QL-D", "STATUS": "Live", "INSTALLED": _dates(rng, len(svc), 1960, 2024),
    }, svc)
    starts = shapely.line_interpolate_point(mains, 3.0)
    mids = shapely.line_interpolate_point(mains[::3], 0.5, normalized=True)
    pts = np.concatenate([starts, mids])
    kinds = np.r_[np.full(len(starts), "SV"), np.full(len(mids), "FH")]
    fittings = _frame({
        "ASSET_ID": np.char.mod("WF%05d", np.arange(len(pts)) + 1), "TYPE": kinds,
        "QL": "QL-C", "STATUS": "Live",
    }, pts)
    # defect: a hydrant keyed in with an extra digit on both coordinates (absurd position)
    fittings.loc[len(fittings)] = ["WF99999", "FH", "QL-D", "Live", shapely.Point(5305550.0, 1805550.0)]
    return {"water_mains": main, "water_services": service, "water_fittings": fittings}


def gas(rng, town: Town) -> dict[str, gpd.GeoDataFrame]:
    mains = offset_mains(town.segments, -2.0)
    n = len(mains)
    mp = town.segments["street"].isin(["Station Road", "Bridge Street"]).to_numpy()
    hp = shapely.linestrings([[X0, Y0 + 45.0], [X0 + 800.0, Y0 + 52.0], [X1, Y0 + 48.0]])
    main = _frame({
        "MAIN_ID": np.r_[np.char.mod("G%05d", np.arange(n) + 1), ["G90001"]],
        "PRESSURE": np.r_[np.where(mp, "MP", "LP"), ["HP"]],
        "DIAM_IN": np.r_[np.where(mp, rng.choice([8, 12], n), rng.choice([3, 4, 6], n)), [24]].astype(float),
        "MATERIAL": np.r_[rng.choice(["PE", "MDPE", "CI", "ST", "XX", "UNK"], n,
                                     p=[0.3, 0.3, 0.2, 0.1, 0.05, 0.05]), ["ST"]],
        "STATUS": np.r_[np.where(rng.random(n) < 0.05, "DISUSED", "IN SERVICE"), ["IN SERVICE"]],
    }, np.r_[mains, [hp]])
    sel = town.buildings.index[rng.random(len(town.buildings)) < 0.6]
    svc = services(mains, town.buildings, sel)
    service = _frame({
        "SVC_ID": np.char.mod("GS%05d", np.arange(len(svc)) + 1),
        "DIAM_IN": rng.choice([1.0, 1.25], len(svc)), "MATERIAL": "PE", "PRESSURE": "LP",
        "STATUS": "IN SERVICE",
    }, svc)
    return {"gas_mains": main, "gas_services": service}


def electricity(rng, town: Town) -> dict[str, gpd.GeoDataFrame]:
    lv = offset_mains(town.segments, 4.0)
    hv_sel = town.segments["street"].isin(["High Street", "Church Street"]).to_numpy()
    hv = offset_mains(town.segments[hv_sel], -4.0)
    sel = town.buildings.index[rng.random(len(town.buildings)) < 0.5]
    svc = services(lv, town.buildings, sel)
    geoms = np.r_[lv, hv, svc]
    n = len(geoms)
    kind = np.r_[np.full(len(lv), "MAIN"), np.full(len(hv), "MAIN"), np.full(len(svc), "SERVICE")]
    volt = np.r_[rng.choice(["LV", "415V"], len(lv)), np.full(len(hv), "11kV"), np.full(len(svc), "LV")]
    days = _dates(rng, n, 1970, 2023)
    installed = np.char.add(np.char.add(np.char.add(np.char.add(
        [d[8:10] for d in days], "/"), [d[5:7] for d in days]), "/"), [d[:4] for d in days])
    cables = _frame({
        "CABLE_ID": np.char.mod("E%05d", np.arange(n) + 1),
        "CABLE_TYPE": kind, "VOLTAGE": volt,
        "STATUS": np.where(rng.random(n) < 0.04, "Dead", "Live"),
        "DEPTH_MM": rng.integers(450, 900, n).astype(np.int32),
        "INSTALLED": installed,
    }, geoms)
    # defect: three cables delivered without geometry
    cables.loc[[5, 17, 40], "geometry"] = None
    return {"electricity_cables": cables}


def sewer(rng, town: Town) -> dict[str, gpd.GeoDataFrame]:
    centre = offset_mains(town.segments, 0.0)
    n = len(centre)
    cover = rng.uniform(28.0, 34.0, n).round(2)
    depth = rng.uniform(1.8, 3.5, n).round(2)
    coords = shapely.get_coordinates(centre).reshape(-1, 2, 2)
    inv_start = (cover - depth).round(2)
    inv_end = (inv_start - shapely.length(centre) / 150.0).round(2)
    z = np.stack([inv_start, inv_end], axis=1)[:, :, None]
    pipes3d = shapely.linestrings(np.concatenate([coords, z], axis=2))
    pipes = _frame({
        "PIPE_ID": np.char.mod("S%05d", np.arange(n) + 1),
        "SYSTEM": rng.choice(["FOUL", "SURFACE", "COMBINED"], n),
        "DIAMETER": rng.choice([150, 225, 300, 450], n).astype(np.int32),
        "MATERIAL": rng.choice(["VC", "CONC", "PVC"], n),
        "DEPTH": depth,
    }, pipes3d)
    mh = shapely.points(coords[:, 0, 0], coords[:, 0, 1], cover)
    manholes = _frame({
        "MH_REF": np.char.mod("MH%04d", np.arange(n) + 1),
        "COVER_LEVEL": cover, "DEPTH": depth,
    }, mh)
    return {"sewer_pipes": pipes, "manholes": manholes}


def telecoms(rng, town: Town) -> dict[str, gpd.GeoDataFrame]:
    pick = np.flatnonzero(rng.random(len(town.segments)) < 0.7)
    ducts = offset_mains(town.segments.iloc[pick], -3.0)
    n = len(ducts)
    ids = np.char.mod("OF-D-%04d", np.arange(n) + 1).astype(object)
    ids[[7, 21]] = ids[[6, 20]]  # defect: duplicate ids
    duct = _frame({
        "ID": ids, "TYPE": "DUCT", "OWNER": "OpenFibre",
        "MATERIAL": rng.choice(["PVC", "HDPE"], n),
        "DEPTH": rng.uniform(0.35, 0.6, n).round(2),
    }, ducts)
    ends = shapely.line_interpolate_point(ducts, 0.0)
    cham = _frame({
        "ID": np.char.mod("OF-C-%04d", np.arange(n) + 1), "TYPE": "JOINT BOX", "OWNER": "OpenFibre",
    }, ends)
    return {"telecoms_ducts": duct, "telecoms_chambers": cham}


def council(rng, town: Town) -> gpd.GeoDataFrame:
    streets = town.streets.geometry.array
    lengths = shapely.length(streets)
    n_cols = (lengths // 35).astype(int)
    sidx = np.repeat(np.arange(len(streets)), n_cols)
    d = np.concatenate([np.arange(k) * 35.0 + 10 for k in n_cols])
    side_lines = shapely.offset_curve(streets, 6.0)
    cols = shapely.set_precision(shapely.line_interpolate_point(side_lines[sidx], d), 0.01)
    cables = offset_mains(town.segments, 5.5)
    j = town.junctions.reshape(5, 5, 2)[1:3, 1:3].reshape(-1, 2)
    off = np.array([[8, 8], [-8, 8], [-8, -8], [8, -8]], float)
    heads = (j[:, None, :] + off[None, :, :]).reshape(-1, 2)
    signals = shapely.points(heads)
    rings = np.concatenate([heads.reshape(-1, 4, 2), heads.reshape(-1, 4, 2)[:, :1]], axis=1)
    ducts = shapely.linestrings(rings)
    border = shapely.linestrings([[X0, Y0], [X1, Y0], [X1, Y0 + 1200], [X0, Y0 + 1200], [X0, Y0]])
    geoms = np.r_[cols, cables, signals, ducts, [border]]
    layers = np.r_[np.full(len(cols), "SL-COLUMN"), np.full(len(cables), "SL-CABLE"),
                   np.full(len(signals), "TS-SIGNAL"), np.full(len(ducts), "TS-DUCT"),
                   ["DRAWING-BORDER"]]
    return _frame({"Layer": layers}, geoms)


def district_heating(rng, town: Town) -> gpd.GeoDataFrame:
    sel = town.segments["street"].eq("High Street").to_numpy()
    flow = offset_mains(town.segments[sel], 1.0)
    ret = offset_mains(town.segments[sel], 1.6)
    n = len(flow)
    return _frame({
        "PIPE_REF": np.r_[np.char.mod("DH-F%02d", np.arange(n) + 1), np.char.mod("DH-R%02d", np.arange(n) + 1)],
        "CIRCUIT": np.r_[np.full(n, "FLOW"), np.full(n, "RETURN")],
        "DN": np.full(2 * n, 150, np.int32), "COVER_M": rng.uniform(0.7, 1.0, 2 * n).round(2),
    }, np.r_[flow, ret])


def pipeline(rng, town: Town) -> gpd.GeoDataFrame:
    line = shapely.linestrings([[X0, Y0 + 290.0], [X0 + 700.0, Y0 + 640.0], [X1, Y0 + 1060.0]])
    zone = shapely.buffer(line, 15.0, quad_segs=4).normalize()
    bowtie = shapely.polygons([[530720, 180620], [530760, 180660], [530760, 180620],
                               [530720, 180660], [530720, 180620]])  # defect: self-intersecting
    return _frame({
        "Name": ["FPL-001", "FPL-Z1", "FPL-Z2"],
        "Description": ["pipeline", "precaution zone", "precaution zone"],
    }, [line, shapely.set_precision(zone, 0.01), bowtie])


def planned_works(rng, town: Town) -> gpd.GeoDataFrame:
    segs = town.segments
    picks = [3, 11, 18, 34, 41, 52]
    rows = []
    for k, i in enumerate(picks):
        g = segs.geometry.iloc[i]
        a, b = 20.0 + 10 * k, 45.0 + 12 * k
        trench = shapely.buffer(shapely.ops.substring(g, a, b), 0.6, cap_style="flat")
        rows.append({
            "reference": f"RBC-2026-{k + 1:04d}",
            "description": ["new water service", "gas main renewal", "fibre duct extension",
                            "street lighting column replacement", "carriageway reconstruction",
                            "electricity service connection"][k],
            "promoter": ["RVW", "SGD", "OFL", "RBC", "RBC", "MPN"][k],
            "usrn": segs["usrn"].iloc[i], "street": segs["street"].iloc[i],
            "depth_m": [1.2, 1.5, 0.6, 1.0, 0.45, 0.9][k],
            "method": ["mechanical", "mechanical", "hand", "mechanical", "mechanical", "hand"][k],
            "start_date": f"2026-12-{1 + 3 * k:02d}", "end_date": f"2026-12-{8 + 3 * k:02d}",
            "status": "planned", "geometry": shapely.set_precision(trench, 0.01),
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
