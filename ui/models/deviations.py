"""Deviation reports in the window, without Qt: the open register's reports, what the map
draws for the open ones, which is selected, and the draft of a report being written.

``DeviationsModel`` holds the reports as ``asset_register.deviations.reports`` reads them
(the controller reads them in a worker and hands them over); ``marks`` is the immutable
snapshot a render job draws (``ui/render/deviations.py``): per open report its reported
position or line, the recorded asset it is about, the leader from one to the other and
where its marker sits. Events: ``reports(frame)``, ``selected(row or None)``.

``DeviationDraft`` is what the report dialog edits; ``arguments()`` is the call to
``asset_register.deviations.add_report`` (the CLI's call), so the checks are the core's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from asset_register.deviations import ATTRIBUTE_FIELDS, KINDS
from asset_register.deviations.export import KIND_TITLES  # the words of the owners' PDF
from asset_register.deviation_marks import DeviationMarks, deviation_marks

from .events import Events

ATTRIBUTE_TITLES = {"depth_m": "Depth (m)", "material": "Material", "diameter_mm": "Diameter (mm)",
                    "status": "Status"}
# what each kind needs from the map: a measured point or line, or nothing
NEEDS_POSITION = {"elsewhere": True, "unrecorded": True, "not_found": False, "attributes": False}
NEEDS_ASSET = {"elsewhere": True, "not_found": True, "attributes": True, "unrecorded": False}


def marks_at(marks: DeviationMarks | None, x: float, y: float, tolerance: float) -> np.ndarray:
    """Ids of the reports drawn within ``tolerance`` of (x, y), nearest first: their marker,
    their reported position, or the record a 'not found' / 'attributes' report marks."""
    if marks is None or not len(marks):
        return np.empty(0, np.int64)
    click = shapely.Point(x, y)
    d = np.hypot(marks.anchor[:, 0] - x, marks.anchor[:, 1] - y)
    for geoms in (marks.reported, np.where(np.isin(marks.kind, ("not_found", "attributes")),
                                           marks.recorded, None)):
        gd = shapely.distance(geoms, click)
        d = np.fmin(d, np.where(np.isnan(gd), np.inf, gd))
    hit = np.flatnonzero(d <= tolerance)
    return marks.ids[hit[np.argsort(d[hit], kind="stable")]]


def describe(row) -> list[tuple[str, str]]:
    """(field, value) lines of one report, for identify and the dock's tooltip."""
    found = row.get("found") or {}
    recorded = row.get("recorded") or {}
    out = [("Report", f"{int(row['deviation_id'])} · {KIND_TITLES.get(row['kind'], row['kind'])}"),
           ("Status", str(row.get("status")) + (f" ({row['resolution']})" if row.get("resolution") else "")),
           ("Asset", str(row.get("asset_id") or "not in the register")),
           ("Owner", str(row.get("owner") or "unknown")), ("Utility", str(row.get("utility") or ""))]
    if row.get("accuracy_m") is not None and row.get("accuracy_m") == row.get("accuracy_m"):
        out.append(("Measured to", f"±{float(row['accuracy_m']):g} m"))
    for key in ATTRIBUTE_FIELDS:
        if key in found:
            out.append((ATTRIBUTE_TITLES[key], f"{recorded.get(key)} recorded, {found[key]} found"))
    for key in ("notes", "reference", "reported_at", "reported_by", "sent_at", "acknowledged_at"):
        if row.get(key):
            value = str(row[key])
            if key.endswith("_at"):  # to the minute: '2026-11-23 09:41'
                value = value[:16].replace("T", " ")
            out.append((key.replace("_", " ").capitalize(), value))
    photos = row.get("photos") or []
    if photos:
        out.append(("Photos", ", ".join(p.get("name", "") for p in photos)))
    return out


class DeviationsModel:
    """The open register's reports; ``marks`` of the open ones for the map."""

    def __init__(self) -> None:
        self.frame: pd.DataFrame | None = None
        self.marks: DeviationMarks | None = None
        self.selected: int | None = None
        self.events = Events("reports", "selected")

    def set_reports(self, frame: pd.DataFrame | None) -> None:
        self.frame = None if frame is None else frame.reset_index(drop=True)
        self.marks = deviation_marks(self.frame)
        if self.selected is not None and self.row(self.selected) is None:
            self.selected = None
        self.events.reports.emit(self.frame)

    def clear(self) -> None:
        self.selected = None
        self.set_reports(None)

    def row(self, deviation_id: int) -> dict | None:
        if self.frame is None or not len(self.frame):
            return None
        hit = self.frame[self.frame["deviation_id"] == int(deviation_id)]
        return None if hit.empty else hit.iloc[0].to_dict()

    def open_count(self) -> int:
        return 0 if self.frame is None else int((self.frame["status"] != "resolved").sum())

    def select(self, deviation_id: int | None) -> None:
        self.selected = None if deviation_id is None else int(deviation_id)
        self.events.selected.emit(None if deviation_id is None else self.row(deviation_id))

    def bounds_of(self, deviation_id: int):
        """Where to look at a report: its reported position with the leader to its record,
        else its marker on the record (a long main is not shown whole)."""
        row = self.row(deviation_id)
        if row is None:
            return None
        marks = deviation_marks(pd.DataFrame([{**row, "status": "new"}]))
        if marks is None:
            return None
        if marks.reported[0] is not None:
            geoms = [g for g in (marks.reported[0], marks.leader[0]) if g is not None]
            return tuple(float(v) for v in shapely.total_bounds(geoms))
        x, y = marks.anchor[0]
        return (float(x), float(y), float(x), float(y))


@dataclass
class DeviationDraft:
    """The report being written in the dialog."""

    kind: str = "elsewhere"
    asset: dict | None = None  # the asset picked on the map (None: 'unrecorded')
    geometry: object = None  # measured point or line (shapely, in ``crs``)
    crs: str | None = None  # of a position typed in (e.g. "EPSG:4326" from GNSS); None: working
    accuracy_m: float | None = None
    utility: str | None = None  # of an unrecorded asset
    owner: str | None = None  # of an unrecorded asset, if known
    found: dict = field(default_factory=dict)  # attributes found on site
    notes: str = ""
    photos: list = field(default_factory=list)
    reference: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"deviation kind {self.kind!r} is not one of {list(KINDS)}")

    @property
    def asset_id(self) -> str | None:
        return None if self.asset is None else str(self.asset.get("asset_id"))

    def arguments(self) -> dict:
        """Keyword arguments of ``add_report(store, **arguments)`` for this draft: only what
        the kind takes (a position picked before the kind changed is not sent along)."""
        kind = self.kind
        args = {"kind": kind, "notes": self.notes.strip() or None,
                "reference": self.reference.strip() or None, "photos": list(self.photos)}
        if kind != "unrecorded":
            args["asset_id"] = self.asset_id
        if NEEDS_POSITION[kind] or (kind == "not_found" and self.geometry is not None):
            args["position"] = None if self.geometry is None else shapely.to_wkt(
                self.geometry, rounding_precision=8 if self.crs == "EPSG:4326" else 3)
            args["accuracy_m"] = self.accuracy_m
            if self.geometry is not None and self.crs:
                args["crs"] = self.crs  # the core transforms it to the working CRS
        if kind == "unrecorded":
            args["utility"] = (self.utility or "").strip() or None
            args["owner"] = (self.owner or "").strip() or None
        if kind == "attributes":
            args["found"] = {k: v for k, v in self.found.items() if v not in (None, "")}
        return args
