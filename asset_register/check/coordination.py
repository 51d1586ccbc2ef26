"""Works coordination: other planned works that overlap a dig in space and time.

The street-works duty to coordinate ("dig once"): a planned work overlaps a site when its
footprint is within the coordination distance of the site or it is on the same USRN, and its
dates overlap the site's. Missing dates never exclude a work (they cannot prove there is no
overlap). Also reads planned works from GeoJSON / any vector file / CSV with a WKT column for
``asset-register works import``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import shapely

from ..errors import ValidationError
from .groups import sorted_unique

from ..lazy import lazy_module

gpd = lazy_module("geopandas")
pd = lazy_module("pandas")

WORKS_COLUMNS = ["reference", "description", "promoter", "usrn", "street", "depth_m", "method",
                 "start_date", "end_date", "status", "source", "attrs"]


_NONE = np.empty(0, dtype=object)
# no works overlap (empty arrays hold nothing to change: shared)
_NO_MATCH = {"site": np.empty(0, dtype=np.int64), "work": np.empty(0, dtype=np.int64),
             "distance_m": np.empty(0), "reason": np.empty(0, dtype=object)}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _dates(values) -> np.ndarray:
    """Dates as datetime64[ns], NaT where missing or not a date (``pandas.to_datetime`` with
    errors coerced). Dates as the register keeps them (YYYY-MM-DD) are parsed by numpy, one
    that is not a day of the calendar (2026-02-30) as NaT, as pandas makes it."""
    values = list(values)
    if all(v is None or (isinstance(v, str) and _ISO_DATE.fullmatch(v)) for v in values):
        return np.array([_iso_day(v) for v in values], dtype="datetime64[ns]")
    return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce").to_numpy("datetime64[ns]")


def _iso_day(value: str | None) -> np.datetime64:
    try:
        return np.datetime64(value or "NaT", "ns")
    except ValueError:  # not a day of the calendar
        return np.datetime64("NaT", "ns")


class WorksTable:
    """Planned works with parsed dates and an STRtree, for many sites at once."""

    def __init__(self, columns: dict[str, np.ndarray], geoms: np.ndarray):
        """``columns`` (objects, None for null) and ``geoms`` of every planned work, as the
        store's reader gives them (``works_arrays``)."""
        self.geoms = np.asarray(geoms, dtype=object)
        self.tree = shapely.STRtree(self.geoms)
        n = len(self.geoms)
        none = np.full(n, None, dtype=object)
        self.start = _dates(columns.get("start_date", none))
        self.end = _dates(columns.get("end_date", none))
        self.usrn = np.array([None if v is None or str(v).strip() == "" else str(v).strip()
                              for v in columns.get("usrn", none).tolist()], dtype=object)
        self.status = np.asarray(columns.get("status", none), dtype=object)
        self.columns = columns

    def match(self, footprints, starts, ends, usrns, distance_m: float,
              ignore_status=()) -> dict[str, np.ndarray]:
        """site, work (row index), distance_m, reason for every overlapping work, by site."""
        if len(self.geoms) == 0 or len(footprints) == 0:
            return dict(_NO_MATCH)
        footprints = np.asarray(footprints, dtype=object)
        site, work = self.tree.query(footprints, predicate="dwithin", distance=distance_m)
        usrns = np.array([None if u is None or str(u).strip() == "" else str(u).strip()
                          for u in usrns], dtype=object)
        known = {u for u in usrns.tolist() if u}
        if known:  # works on a site's street (USRN), joined through sorted codes
            s_i, w_i = self._same_street(usrns, known)
            site = np.concatenate([site, s_i])
            work = np.concatenate([work, w_i])
        if len(site) == 0:
            return dict(_NO_MATCH)
        key = sorted_unique(site.astype(np.int64) * (len(self.geoms) + 1) + work)
        s, w = key // (len(self.geoms) + 1), key % (len(self.geoms) + 1)
        st = np.asarray(starts, dtype="datetime64[ns]")[s]
        en = np.asarray(ends, dtype="datetime64[ns]")[s]
        ws, we = self.start[w], self.end[w]
        time_ok = (np.isnat(ws) | np.isnat(en) | (ws <= en)) & (np.isnat(we) | np.isnat(st) | (we >= st))
        keep = time_ok & ~np.isin(self.status[w].astype(str), list(ignore_status))
        undated = (np.isnat(ws) | np.isnat(we) | np.isnat(st) | np.isnat(en))[keep]
        s, w = s[keep], w[keep]
        dist = shapely.distance(self.geoms[w], footprints[s])
        same = (self.usrn[w] != None) & (self.usrn[w] == usrns[s])  # noqa: E711
        reason = np.where(same, "same USRN", f"within {distance_m:g} m").astype(object)
        reason = np.where(undated, reason + "; dates not all known, overlap assumed", reason)
        order = np.lexsort((dist, s))
        return {"site": s[order], "work": w[order], "distance_m": dist[order],
                "reason": reason[order]}

    def _same_street(self, usrns: np.ndarray, known: set) -> tuple[np.ndarray, np.ndarray]:
        """(site, work) of every work whose USRN is a site's (``usrns``: each site's, None
        for none; ``known``: those given). A join, not a table of every street work against
        every site: a programme of 50,000 sites on streets with 2,000 works would compare
        100 million pairs."""
        code = {u: k for k, u in enumerate(known)}
        wk = np.fromiter((code.get(u, -1) for u in self.usrn.tolist()), np.int64, len(self.usrn))
        on_street = np.flatnonzero(wk >= 0)
        on_street = on_street[np.argsort(wk[on_street], kind="stable")]  # (by code)
        with_usrn = np.flatnonzero(usrns != None)  # noqa: E711
        sk = np.fromiter((code[u] for u in usrns[with_usrn].tolist()), np.int64, len(with_usrn))
        codes = wk[on_street]
        lo, hi = np.searchsorted(codes, sk, "left"), np.searchsorted(codes, sk, "right")
        n = hi - lo
        first = np.repeat(lo - (np.cumsum(n) - n), n)  # each pair's work, by its place
        return np.repeat(with_usrn, n), on_street[first + np.arange(int(n.sum()))]

    def row_columns(self, work: np.ndarray, distance: np.ndarray,
                    reason: np.ndarray) -> dict[str, np.ndarray]:
        """The given works (one site) with distance_m and reason, geometry included, as
        plain arrays (``fast_frame`` makes them a frame)."""
        if len(self.geoms) == 0:  # (empty arrays hold nothing to change: shared)
            return {**dict.fromkeys(WORKS_COLUMNS, _NONE), "distance_m": distance,
                    "reason": reason, "geometry": _NONE}
        data = {c: v[work] for c, v in self.columns.items()}
        return {**data, "distance_m": distance, "reason": reason, "geometry": self.geoms[work]}


_ISO_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}([T ][\d:.+\-Z]*)?")


def _work_dates(values: pd.Series) -> pd.Series:
    """A works file's dates (Timestamps; NaT where missing or not a date). Text must be
    YYYY-MM-DD, a time after it allowed: pandas would otherwise guess the order of 01/12/2026
    (12 January, where a British or Dutch promoter means 1 December), and a wrong date hides
    works that overlap. Dates a vector file stores as dates are taken as they are."""
    values = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    ok = values.map(lambda v: not isinstance(v, str) or _ISO_TEXT.fullmatch(v) is not None)
    return pd.to_datetime(values.where(ok, None), errors="coerce", format="ISO8601")


def read_works_file(path: str | Path, crs=None, *, working_crs, layer: str | None = None,
                    wkt_column: str | None = None) -> gpd.GeoDataFrame:
    """Planned works from GeoJSON / any vector file / CSV (with a WKT column), in the working CRS.

    Needs a ``reference`` column; recognised columns are WORKS_COLUMNS, every other
    column is kept in ``attrs`` (JSON).
    """
    from ..model import attrs_json
    from .footprint import parse_crs, read_vector, read_wkt_csv, resolve_crs

    p = Path(path)
    if p.suffix.lower() in (".csv", ".txt"):
        table, geoms = read_wkt_csv(p, "works file", wkt_column)
        the_crs, _ = resolve_crs(crs, None, parse_crs(working_crs), f"works file {p.name}")
        frame = gpd.GeoDataFrame(table, geometry=geoms, crs=the_crs)
    else:
        frame = read_vector(p, layer, what="works file")
        if frame.crs is None:
            if crs is None:
                raise ValidationError(f"works file {str(p)!r} has no CRS: give it (--crs EPSG:n)")
            frame = frame.set_crs(parse_crs(crs))
    cols = {c.lower(): c for c in frame.columns}
    if "reference" not in cols:
        raise ValidationError(
            f"works file {str(p)!r} has no 'reference' column: every planned work needs a "
            f"unique reference (columns found: {[c for c in frame.columns if c != frame.geometry.name]})"
        )
    frame = frame.rename(columns={v: k for k, v in cols.items() if k in WORKS_COLUMNS})
    if frame["reference"].isna().any() or frame["reference"].duplicated().any():
        raise ValidationError(f"works file {str(p)!r}: every row needs a unique reference")
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        bad = frame.loc[frame.geometry.isna() | frame.geometry.is_empty, "reference"].iloc[0]
        raise ValidationError(f"planned work {bad!r} has no geometry: give its footprint")
    from ..transform import reproject_frame

    # The transformation imports pin (shipped grids, offline), never pyproj's default: a
    # planned work must lie where an owner's asset at the same coordinates is stored.
    frame = reproject_frame(frame, working_crs, f"planned work in {p.name}")
    other = [c for c in frame.columns if c not in WORKS_COLUMNS and c != frame.geometry.name]
    out = gpd.GeoDataFrame(
        {c: frame[c].astype(object).where(frame[c].notna(), None) if c in frame else None
         for c in WORKS_COLUMNS if c != "attrs"},
        geometry=frame.geometry.to_numpy(), crs=frame.crs,
    )
    for c in ("start_date", "end_date"):
        parsed = _work_dates(out[c])
        bad = out[c].notna() & parsed.isna()
        if bad.any():
            raise ValidationError(
                f"planned work {out.loc[bad, 'reference'].iloc[0]!r}: {c} {out.loc[bad, c].iloc[0]!r} "
                "is not a date written YYYY-MM-DD: write every date so, e.g. 2026-12-01 (in "
                "01/12/2026 the day and the month could be either way round)"
            )
        out[c] = parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), None)
    late = out["start_date"].notna() & out["end_date"].notna() & (out["start_date"] > out["end_date"])
    if late.any():
        r = out.loc[late].iloc[0]
        raise ValidationError(f"planned work {r['reference']!r}: start_date {r['start_date']} is after "
                              f"end_date {r['end_date']}: correct the dates")
    depth = pd.to_numeric(out["depth_m"], errors="coerce")
    bad = out["depth_m"].notna() & depth.isna()
    if bad.any():
        raise ValidationError(f"planned work {out.loc[bad, 'reference'].iloc[0]!r}: depth_m "
                              f"{out.loc[bad, 'depth_m'].iloc[0]!r} is not a number of metres")
    out["depth_m"] = depth
    out["status"] = out["status"].fillna("planned")
    out["source"] = out["source"].fillna(p.name)
    out["attrs"] = attrs_json(pd.DataFrame(frame[other])).to_numpy()
    return out
