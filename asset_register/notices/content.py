"""What a notice says: one structure assembled from a CheckResult and the register.

The PDFs, GeoJSON, CSV and Street Manager record are all rendered from a
``NoticeContent``, so they cannot disagree about a number, an owner or a date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..check.result import CONFLICT_COLUMNS, SEVERITIES, CheckResult, DigSite
from ..crs_names import DEFAULT_CRS
from ..osgrid import grid_reference
from .vocab import RESPONSE_STATUSES

AWAITING = "Awaiting response"
BNG_EPSG = 27700


@dataclass
class Promoter:
    """The organisation proposing the works (who the notice is from)."""

    name: str
    contact: str | None = None
    phone: str | None = None
    email: str | None = None
    swa_code: str | None = None


@dataclass
class NoticeContent:
    reference: str
    version: int
    status: str
    issued_at: datetime
    valid_until: date
    authority: str
    promoter: Promoter
    site: DigSite
    centre: tuple[float, float]
    grid_ref: str | None  # OS National Grid reference; None outside Great Britain
    conflicts: gpd.GeoDataFrame  # CONFLICT_COLUMNS + number, owner_name, colour, geometry
    owners_affected: list[dict]  # + assets, response, response_label
    owners_no_conflict: list[dict]
    owners_no_data: list[dict]
    works: gpd.GeoDataFrame | None
    rules_version: str
    currency: pd.DataFrame  # owner, name, latest_delivery, age_days
    warnings: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)  # method advice from the rules
    context: gpd.GeoDataFrame | None = None  # other recorded assets near the site (map only)
    also_notified: list[dict] = field(default_factory=list)  # owner copy: the other owners
    scheme: str = "njug"
    crs: str = DEFAULT_CRS
    respond_by: date | None = None  # owners' response deadline (before the works start)
    short_notice: str | None = None  # the promoter's accepted short notice, printed in the pack
    british: bool = True  # a British authority: OS grid, bank holidays, HSG47 wording
    guidance: str = "HSE HSG47"  # the safe-digging guidance cited (settings.safe_digging_guidance)
    backdrop: object | None = None  # pdfbackdrop.Backdrop: streets and buildings (map only)
    # how far to trust the records here: {"grade": "A".."D", "reasons": [...]} (check.confidence)
    confidence: dict | None = None
    # open deviation reports near the site (deviation_marks.DeviationMarks; map only)
    deviations: object | None = None

    @property
    def severity_counts(self) -> dict[str, int]:
        counts = self.conflicts["severity"].value_counts()
        return {s: int(counts.get(s, 0)) for s in SEVERITIES}

    def for_owner(self, code: str) -> NoticeContent:
        """The same notice restricted to one owner's assets (the owner's own notice)."""
        mask = (self.conflicts["owner"].astype(object) == code).to_numpy()
        out = NoticeContent(**{**self.__dict__})
        out.conflicts = self.conflicts[mask]
        out.owners_affected = [o for o in self.owners_affected if o["code"] == code]
        out.also_notified = [o for o in self.owners_affected + self.owners_no_conflict
                             if o["code"] != code]
        out.context = None  # an owner's copy shows that owner's assets only
        if self.deviations is not None:  # and the reports sent to that owner
            out.deviations = self.deviations.take(self.deviations.owner == code)
        out.warnings, out.advice = [], []  # the promoter's own: not for the owner
        return out


def to_bng(geom: shapely.Geometry, crs: str) -> shapely.Geometry:
    """``geom`` from the register's CRS into British National Grid (EPSG:27700), with the
    transformation imports pin (OSTN15 with the shipped grid)."""
    src = pyproj.CRS.from_user_input(crs)
    if src.to_epsg() == BNG_EPSG:
        return geom
    from ..transform import reproject

    return reproject(geom, src, pyproj.CRS.from_epsg(BNG_EPSG))


def data_currency(batches: pd.DataFrame, owners: list[dict], today: date) -> pd.DataFrame:
    """Date of each owner's latest committed delivery and its age in days (NaN: never)."""
    cols = ["owner", "name", "latest_delivery", "age_days"]
    codes = list(dict.fromkeys(o["code"] for o in owners if o["code"]))
    names = {o["code"]: o.get("name") or o["code"] for o in owners}
    latest = pd.Series(dtype=object)
    if batches is not None and len(batches) and "owner" in batches.columns:
        b = batches
        if "state" in b.columns:
            b = b[b["state"].astype(object) == "committed"]
        when = b.get("finished_at", b.get("started_at"))
        if when is not None and len(b):
            stamp = pd.to_datetime(when, utc=True, errors="coerce")
            latest = stamp.groupby(b["owner"].astype(object)).max()
    rows = []
    for code in codes:
        ts = latest.get(code)
        if ts is None or pd.isna(ts):
            rows.append((code, names[code], None, np.nan))
        else:
            d = ts.date()
            rows.append((code, names[code], d, float(max((today - d).days, 0))))
    return pd.DataFrame(rows, columns=cols)


def _owner_dicts(raw: list[dict], names: dict[str, str]) -> list[dict]:
    out = []
    for o in raw or []:
        o = dict(o)
        o["code"] = str(o.get("code") or o.get("owner") or "")
        if not o["code"] and o.get("utility"):  # an expected utility nobody has data for
            o["name"] = f"Any {str(o['utility']).replace('_', ' ')} owner"
        o["name"] = o.get("name") or names.get(o["code"]) or o["code"] or "Unknown owner"
        out.append(o)
    return out


def assemble(
    result: CheckResult,
    *,
    reference: str,
    version: int,
    status: str,
    issued_at: datetime,
    valid_until: date,
    authority: str,
    promoter: Promoter,
    responses: pd.DataFrame | None,
    batches: pd.DataFrame | None,
    owner_names: dict[str, str],
    scheme: str,
    crs: str,
    warnings: list[str],
    british: bool = True,
    guidance: str | None = None,
) -> NoticeContent:
    """Number the conflicts, attach owner names, responses and data currency."""
    from ..colours import colours_for
    from ..settings import safe_digging_guidance

    conflicts = result.conflicts
    if conflicts is None:
        conflicts = gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in CONFLICT_COLUMNS}, geometry=[], crs=crs
        )
    conflicts = conflicts.reset_index(drop=True).copy()
    for col in CONFLICT_COLUMNS:
        if col not in conflicts.columns:
            conflicts[col] = pd.NA
    conflicts.insert(0, "number", np.arange(1, len(conflicts) + 1))
    names = dict(owner_names)
    affected = _owner_dicts(result.owners_affected, names)
    names.update({o["code"]: o["name"] for o in affected})
    conflicts["owner_name"] = conflicts["owner"].astype(object).map(names).fillna(conflicts["owner"])
    conflicts["colour"] = colours_for(conflicts, scheme) if len(conflicts) else pd.Series(dtype=object)
    counts = conflicts["owner"].astype(object).value_counts()
    latest = {}
    if responses is not None and len(responses):
        for row in responses.itertuples(index=False):  # ordered oldest → newest
            latest[str(row.owner)] = str(row.status)
    for o in affected:
        o["assets"] = int(counts.get(o["code"], 0))
    no_conflict = _owner_dicts(result.owners_no_conflict, names)
    for o in affected + no_conflict:
        o["response"] = latest.get(o["code"])
        o["response_label"] = RESPONSE_STATUSES.get(o["response"], AWAITING)
    no_data = _owner_dicts(result.owners_no_data, names)
    fp = result.site.footprint
    centre_pt = shapely.point_on_surface(fp) if not fp.is_empty else shapely.Point(0, 0)
    centre = (float(centre_pt.x), float(centre_pt.y))
    grid = None  # OS grid references only for British authorities
    if british:
        bng = to_bng(centre_pt, crs)
        try:
            grid = grid_reference(bng.x, bng.y)
        except Exception:  # outside the grid: say so, do not fail
            grid = "outside the OS National Grid"
    all_owners = affected + no_conflict + no_data
    currency = data_currency(batches, all_owners, issued_at.date())
    return NoticeContent(
        reference=reference, version=version, status=status, issued_at=issued_at,
        valid_until=valid_until, authority=authority, promoter=promoter, site=result.site,
        centre=centre, grid_ref=grid, conflicts=conflicts, owners_affected=affected,
        owners_no_conflict=no_conflict, owners_no_data=no_data,
        works=result.works_overlapping, rules_version=result.rules_version or "not stated",
        currency=currency, warnings=list(result.warnings) + list(warnings),
        advice=list(getattr(result, "advice", []) or []), scheme=scheme,
        crs=crs, british=british,
        guidance=guidance or safe_digging_guidance("GB" if british else None),
        confidence=getattr(result, "confidence", None),
    )
