"""The works record in the DfT Street Manager ``WorkCreateRequest`` shape (API v3.6).

Written as ``street-manager-work.json`` so a promoter can paste or post it to
Street Manager. ``works_coordinates`` is a GeoJSON geometry in British National
Grid (the API's rule), coordinates to the centimetre. Fields the notice knows
are filled from it; fields only the promoter can decide (traffic management,
location types, activity, application type) take the values passed in, and
every value that was defaulted is listed in ``defaulted`` so the pack can warn.
Required fields the notice cannot supply (USRN, dates, SWA codes when unset)
are left out, and listed in ``missing``, rather than invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import shapely

from ..crs_names import DEFAULT_CRS
from .content import NoticeContent, to_bng
from .vocab import SM_DEFAULTS

USRN_MIN, USRN_MAX = 1_000_001, 99_999_999

# Promoter decisions with the default used when none is given (notices/vocab.py).
DEFAULTS = SM_DEFAULTS


@dataclass
class StreetManagerRecord:
    request: dict
    defaulted: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        out = []
        if self.defaulted:
            out.append("Street Manager record: defaults used for " + ", ".join(self.defaulted)
                       + " — check them before submitting")
        if self.missing:
            out.append("Street Manager record: required fields not known and left out: "
                       + ", ".join(self.missing))
        return out


def _datetime(d: date) -> str:
    return f"{d.isoformat()}T00:00:00.000Z"


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def works_coordinates(footprint: shapely.Geometry, crs: str = DEFAULT_CRS) -> dict:
    """A point, line string or polygon in BNG (Street Manager accepts no multi-geometries)."""
    geom = to_bng(shapely.force_2d(footprint), crs)
    if geom.geom_type.startswith("Multi") or geom.geom_type == "GeometryCollection":
        geom = geom.convex_hull
    geom = shapely.set_precision(geom, 0.01)
    return shapely.geometry.mapping(geom) | {}


def build_request(c: NoticeContent, *, swa_code: str | None, options: dict | None = None
                  ) -> StreetManagerRecord:
    """The ``WorkCreateRequest`` for a notice; ``options`` override the promoter decisions."""
    options = {k: v for k, v in (options or {}).items() if v is not None}
    rec = StreetManagerRecord({})
    req = rec.request
    for key, code in (("promoter_swa_code", c.promoter.swa_code),
                      ("highway_authority_swa_code", swa_code)):
        code = (code or "").strip()
        if code and len(code) <= 4:
            req[key] = code
        else:  # a longer value is not an SWA code: leave it out rather than cut it
            rec.missing.append(key if not code else f"{key} ({code!r} is longer than 4)")
    req["works_coordinates"] = works_coordinates(c.site.footprint, c.crs)
    if c.site.usrn and str(c.site.usrn).isdigit():
        req["usrn"] = int(c.site.usrn)
    else:
        rec.missing.append("usrn")
    req["work_reference_number"] = c.reference[:24]
    req["project_reference_number"] = f"{c.reference} v{c.version}"
    contact = c.promoter.contact or c.promoter.name
    req["secondary_contact"] = _clip(contact, 100)
    if c.promoter.phone:
        req["secondary_contact_number"] = _clip(c.promoter.phone, 100)
    else:
        rec.missing.append("secondary_contact_number")
    if c.promoter.email:
        req["secondary_contact_email"] = _clip(c.promoter.email, 100)
    if c.site.start:
        req["proposed_start_date"] = _datetime(c.site.start)
    else:
        rec.missing.append("proposed_start_date")
    if c.site.end or c.site.start:
        req["proposed_end_date"] = _datetime(c.site.end or c.site.start)
    else:
        rec.missing.append("proposed_end_date")
    req["description_of_work"] = _clip(c.site.description or "Excavation", 500)
    req["excavation"] = True
    for key, default in DEFAULTS.items():
        if key in options:
            req[key] = options[key]
        else:
            req[key] = default
            rec.defaulted.append(key)
    if req["work_type"] == "planned":
        req["is_ttro_required"] = bool(options.get("is_ttro_required", False))
    elif req["work_type"] == "immediate":
        req["immediate_risk"] = bool(options.get("immediate_risk", False))
    req["collaborative_working"] = False
    e, n = shapely.get_coordinates(to_bng(shapely.Point(c.centre), c.crs))[0]
    req["works_location_description"] = _clip(
        (f"OS grid reference {c.grid_ref} " if c.grid_ref else "") + f"(E {e:.0f}, N {n:.0f})",
        500)
    n = len(c.conflicts)
    owners = ", ".join(o["name"] for o in c.owners_affected)
    info = (f"Coordinated work notice {c.reference} v{c.version}: "
            + (f"{n} recorded asset(s) within clearance, owners: {owners}." if n else
               "no recorded assets within clearance.")
            + f" Rules {c.rules_version}.")
    if c.works is not None and len(c.works):
        refs = ", ".join(str(r) for r in c.works.get("reference", [])[:10])
        info += f" Coordinate with planned works {refs}."
    req["additional_info"] = _clip(info, 500)
    return rec
