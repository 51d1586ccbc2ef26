"""The notice PDFs: the coordinated summary and each affected owner's own notice.

Both are one story rendered from a NoticeContent: title block and key facts,
the site map with its legend, the conflict table (header row repeated across
page breaks, severity coloured), owners with contacts and response status,
owners with no data here, planned works to coordinate with, data currency,
rules version and warnings.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..check.deviations import UNKNOWN_OWNER, UNRECORDED_PREFIX
from ..colours import EXCAVATION, legend
from ..crs_names import BRITISH_NATIONAL_GRID
from .content import AWAITING, RESPONSE_STATUSES, NoticeContent
from .datefmt import day_month_year, weekday_date
from .pdfmap import MapLegend, SiteMap
from .pdfstyle import (
    BAND,
    FRAME_W,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    RULE,
    SEVERITY_COLOURS,
    SEVERITY_TINTS,
    PageFurniture,
    pdf_text,
    plain_text,
    styles,
)
from .pdftable import Cell, GridTable, Run
from .typeface import REGULAR

S = styles()
_FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)  # tables set a cell font even for empty cells
CONFLICT_WIDTHS = [15, 84, 68, 52, 38, 42, 50, 40]


def _d(value: date | None) -> str:
    return weekday_date(value) if value else "not given"


def _num(value, fmt: str = "{:.2f}") -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "—"
    return fmt.format(float(value))


def P(text, style: str = "base") -> Paragraph:
    return Paragraph(text, S[style])


def _section(title: str) -> list:
    return [CondPageBreak(30 * mm), P(pdf_text(title), "h2")]


def _title_block(c: NoticeContent, recipient: dict | None) -> list:
    status = "DRAFT" if c.status == "draft" else c.status.upper()
    kicker = "COORDINATED WORK NOTICE" + (" — OWNER COPY" if recipient else " — SUMMARY")
    left = [P(kicker, "kicker"), P(pdf_text(c.reference), "h1")]
    if recipient:
        left.append(P(f"To: <b>{pdf_text(recipient['name'])}</b> ({pdf_text(recipient['code'])})",
                      "summary"))
    left.append(P(f"From: <b>{pdf_text(c.promoter.name)}</b> · street authority "
                  f"{pdf_text(c.authority)}", "small"))
    right = Table(
        [[P(f"<b>{status}</b> · version {c.version}", "small")],
         [P("Owners respond by", "label")],
         [P(f"<b>{_d(c.respond_by or c.valid_until)}</b>", "summary")],
         [P(f"valid until {_d(c.valid_until)}", "label")],
         [P(f"issued {day_month_year(c.issued_at)} {c.issued_at:%H:%M} UTC", "label")]],
        colWidths=[48 * mm])
    right.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), BAND), _FONT,
                               ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    t = Table([[left, right]], colWidths=[FRAME_W - 50 * mm, 50 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), _FONT, ("LEFTPADDING", (0, 0), (0, 0), 0),
                           ("RIGHTPADDING", (-1, 0), (-1, 0), 0)]))
    return [t, Spacer(1, 3 * mm)]


def _facts(c: NoticeContent) -> Table:
    s = c.site
    depth = f"{s.depth_m:.2f} m" if s.depth_m is not None else "not given"
    pairs = [
        ("Proposed start", _d(s.start), "Proposed end", _d(s.end)),
        ("Location (OS grid)" if c.grid_ref else "Register CRS", c.grid_ref or c.crs,
         "E / N (BNG)" if c.crs == BRITISH_NATIONAL_GRID else f"X / Y ({c.crs})",
         f"{c.centre[0]:.0f} / {c.centre[1]:.0f}"),
        ("USRN", s.usrn or "not given", "Depth · method", f"{depth} · {s.method}"),
        ("Promoter contact", " · ".join(x for x in (c.promoter.contact, c.promoter.phone,
                                                      c.promoter.email) if x) or "not given",
         "Footprint area", f"{s.footprint.area:.1f} m²" if s.footprint.area else "—"),
    ]
    rows = [[P(pdf_text(a), "label"), P(pdf_text(b), "value"), P(pdf_text(x), "label"),
             P(pdf_text(y), "value")] for a, b, x, y in pairs]
    rows.append([P("Description of works", "label"), P(pdf_text(s.description, "not given"),
                                                       "base"), "", ""])
    w = FRAME_W
    t = Table(rows, colWidths=[0.16 * w, 0.34 * w, 0.16 * w, 0.34 * w], hAlign="LEFT")
    t.setStyle(TableStyle([
        ("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)),
        _FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]))
    return t


def _banner(text: str) -> Table:
    """A boxed line the reader cannot miss (an accepted short notice)."""
    t = Table([[P(f"<b>{pdf_text(text)}</b>", "base")]], colWidths=[FRAME_W])
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, HexColor(SEVERITY_COLOURS["danger"])), _FONT,
                           ("BACKGROUND", (0, 0), (-1, -1), HexColor(SEVERITY_TINTS["danger"])),
                           ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return t


GRADE_COLOURS = {"A": "#2e7d32", "B": "#9e9d24", "C": "#ef6c00", "D": "#c62828"}
GRADE_WORDS = {"A": "nothing known to be missing", "B": "some doubt", "C": "serious doubt",
               "D": "the records cannot be relied on here"}


def _confidence_box(confidence: dict) -> Table:
    """The dig's confidence grade (A best, D worst) and its reasons, boxed in the grade's
    colour: how far the records shown here can be trusted."""
    g = str(confidence.get("grade") or "?")
    colour = GRADE_COLOURS.get(g, "#1d2733")
    head = P(f"<font color='{colour}'><b>Confidence in the records here: {g}</b></font> "
             f"({pdf_text(GRADE_WORDS.get(g, ''))}; grades run from A, best, to D)", "base")
    reasons = [P("• " + pdf_text(str(r)), "small") for r in confidence.get("reasons") or []]
    t = Table([[head], *[[r] for r in reasons]], colWidths=[FRAME_W])
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, HexColor(colour)), _FONT,
                           ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return t


def _summary_line(c: NoticeContent, recipient: dict | None) -> Paragraph:
    n = len(c.conflicts)
    if n == 0:
        who = "of yours are" if recipient else "are"
        return P(f"<b>No recorded assets {who} affected</b> by these works within the clearance "
                 "rules. This is not proof that no assets are present: see owners with no data "
                 "below and locate before digging.", "summary")
    counts = c.severity_counts
    chips = " ".join(
        f"<font color='{SEVERITY_COLOURS[k]}'><b>■</b></font> {v} {k}" for k, v in counts.items()
        if v)
    return P(f"<b>{_what_is_affected(c, recipient)} within clearance</b> of the proposed "
             f"works: {chips}.", "summary")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _what_is_affected(c: NoticeContent, recipient: dict | None) -> str:
    """'3 recorded assets from 2 owners and 1 find reported on site, not recorded' (the
    summary), '2 of your recorded assets' (an owner's copy), '1 find reported on site with no
    known owner' (the copy for finds nobody has claimed): a find is never called recorded."""
    finds = int(c.conflicts["asset_id"].astype(str).str.startswith(UNRECORDED_PREFIX).sum())
    recorded = len(c.conflicts) - finds
    if recipient is not None and recipient.get("code") == UNKNOWN_OWNER:
        return f"{_plural(finds, 'find')} reported on site with no known owner"
    if recipient is not None:
        parts = [f"{recorded} of your recorded asset{'s' * (recorded != 1)}"] if recorded else []
        parts += [f"{_plural(finds, 'find')} reported on site as yours, not in your records"] \
            if finds else []
    else:
        owners = sum(1 for o in c.owners_affected if o.get("code") != UNKNOWN_OWNER)
        parts = [f"{_plural(recorded, 'recorded asset')} from {_plural(owners, 'owner')}"] \
            if recorded else []
        parts += [f"{_plural(finds, 'find')} reported on site, not recorded"] if finds else []
    return " and ".join(parts)


def _legend(c: NoticeContent) -> MapLegend:
    present = set(c.conflicts["colour"].astype(str)) if len(c.conflicts) else set()
    items, seen = [], set()
    for label, col in legend(c.scheme):
        if col in present and col not in seen:
            seen.add(col)
            items.append(("line", col, label))
    items.append(("area", EXCAVATION.get(c.scheme, "#c2006e") if c.scheme != "apwa" else "#1d2733",
                  "dig footprint"))
    if len(c.conflicts):
        items.append(("zone", "#7a8793", "clearance zone (m)"))
        sev = set(c.conflicts["severity"].astype(str))
        items += [(s, "#1d2733", s) for s in ("strike", "danger", "caution") if s in sev]
        zones = c.conflicts[c.conflicts["asset_class"].astype(str) == "precaution_zone"]
        if len(zones):
            items.append(("hatch", str(zones["colour"].iloc[0]), "owner's precaution zone"))
    if c.context is not None and len(c.context):
        items.append(("line", "#b4bcc4", "other recorded assets"))
    if c.works is not None and len(c.works):
        items.append(("works", "#5b6b7c", "other planned works"))
    if c.deviations is not None and len(c.deviations):
        items.append(("deviation", "#e6007e", "open deviation report (D)"))
    return MapLegend(items, FRAME_W)


def _accuracy(row) -> str:
    parts = []
    assumed = getattr(row, "uncertainty_m", None)
    if row.h_accuracy_m is not None and not pd.isna(row.h_accuracy_m):
        parts.append(f"±{float(row.h_accuracy_m):.2f} m")
    elif assumed is not None and not pd.isna(assumed):
        parts.append(f"±{float(assumed):.2f} m assumed")
    if row.quality_level is not None and not pd.isna(row.quality_level):
        parts.append(f"QL {row.quality_level}")
    return " ".join(parts) or "unknown"


GREY = "#5f6b78"


def _is_true(value) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) \
        and value is not pd.NA and bool(value)


def _asset_class(row) -> str:
    """The conflict's class; a find reported on site and never recorded has none."""
    if isinstance(row.asset_class, str) and row.asset_class:
        return row.asset_class
    return "found on site, not recorded" if str(row.asset_id).startswith(UNRECORDED_PREFIX) \
        else "class not recorded"


def _conflict_table(c: NoticeContent) -> GridTable:
    head = ["#", "Asset", "Owner", "Utility", "Distance (m)", "Clearance (m)", "Accuracy",
            "Severity / precaution"]
    rows, bars = [], []
    for r in c.conflicts.itertuples(index=False):
        sev = str(r.severity)
        dist = float(r.distance_m) if not pd.isna(r.distance_m) else np.nan
        unknown = getattr(r, "class_basis", None) == "unknown"
        detail = [x for x in (
            None if pd.isna(r.voltage) else str(r.voltage) + (" (class unknown)" if unknown and
                                                            r.utility == "electricity" else ""),
            None if pd.isna(r.pressure) else str(r.pressure) + (" (class unknown)" if unknown and
                                                              r.utility == "gas" else ""),
            None if pd.isna(r.diameter_mm) else f"{float(r.diameter_mm):.0f} mm",
            None if pd.isna(r.material) else str(r.material)) if x]
        kind = " · ".join([_asset_class(r)] + (["ABANDONED"] if _is_true(r.abandoned) else [])
                          + ([", ".join(detail)] if detail else []))
        precaution = "" if pd.isna(r.precaution) else str(r.precaution)
        sev_runs = [Run(sev.upper(), True, SEVERITY_COLOURS.get(sev, "#333333")), Run(precaution)]
        if _is_true(getattr(r, "contact_owner", None)) and "contact" not in precaution.lower():
            sev_runs.append(Run("Contact the owner before work.", True))
        if not pd.isna(r.depth_note):
            sev_runs.append(Run(str(r.depth_note), italic=True, colour=GREY))
        rows.append([
            Cell([Run(str(r.number))]),
            Cell([Run(str(r.asset_id), True), Run(kind, colour=GREY)]),
            Cell([Run(str(r.owner_name)), Run(str(r.owner), colour=GREY)]),
            Cell([Run(str(r.utility).replace("_", " "))], swatch=str(r.colour)),
            Cell([Run("inside" if dist == 0 else _num(dist))]),
            Cell([Run(_num(r.clearance_m))]),
            Cell([Run(_accuracy(r))]),
            Cell(sev_runs, background=SEVERITY_TINTS.get(sev)),
        ])
        bars.append(SEVERITY_COLOURS.get(sev, "#999999"))
    widths = CONFLICT_WIDTHS[:-1] + [FRAME_W - sum(CONFLICT_WIDTHS[:-1])]
    return GridTable(head, widths, rows, bars=bars)


def _contacts(o: dict) -> list[Run]:
    runs = []
    if o.get("phone"):
        runs.append(Run(f"tel {o['phone']}"))
    if o.get("emergency_phone"):
        runs.append(Run(f"emergency {o['emergency_phone']}", True))
    if o.get("email"):
        runs.append(Run(str(o["email"])))
    return runs or [Run("no contact details held", colour=GREY)]


def _owner_table(owners: list[dict], *, assets: bool, response: bool, note: str = ""
                 ) -> GridTable:
    head = ["Owner", "Contacts"] + (["Assets"] if assets else []) + \
           (["Response"] if response else []) + (["Note"] if note else [])
    rows = []
    for o in owners:
        name = [Run(str(o["name"]), True)] + ([Run(o["code"], colour=GREY)] if o["code"] else [])
        row = [Cell(name), Cell(_contacts(o))]
        if assets:
            row.append(Cell([Run(str(o.get("assets", 0)))]))
        if response:
            label = o.get("response_label", AWAITING)
            colour = "#2e7d32" if o.get("response") == "no_assets_affected" else (
                GREY if label == AWAITING else "#1d2733")
            row.append(Cell([Run(label, label != AWAITING, colour)]))
        if note:
            reason = str(o.get("reason") or "")
            text = f"{reason[:1].upper()}{reason[1:]}: contact the owner before digging" \
                if reason else note
            row.append(Cell([Run(text)]))
        rows.append(row)
    w = FRAME_W
    widths = {(True, True, False): [0.32, 0.38, 0.08, 0.22], (False, True, False): [0.34, 0.4, 0.26],
              (False, False, True): [0.32, 0.36, 0.32]}[(assets, response, bool(note))]
    return GridTable(head, [x * w for x in widths], rows)


def _works_table(works) -> GridTable:
    head = ["Works", "Promoter", "Dates", "Description", "Why coordinate"]
    rows = []
    for r in works.itertuples(index=False):
        get = lambda k: getattr(r, k, None)  # noqa: E731
        why = [Run(plain_text(get("reason"), "overlaps in space and time"))]
        if get("distance_m") is not None and not pd.isna(get("distance_m")):
            why.append(Run(f"{float(get('distance_m')):.1f} m away", colour=GREY))
        rows.append([Cell([Run(plain_text(get("reference")), True),
                           Run(plain_text(get("status"), ""), colour=GREY)]),
                     Cell([Run(plain_text(get("promoter")))]),
                     Cell([Run(f"{plain_text(get('start_date'))} – {plain_text(get('end_date'))}")]),
                     Cell([Run(plain_text(get("description")))]), Cell(why)])
    w = FRAME_W
    return GridTable(head, [x * w for x in (0.16, 0.16, 0.2, 0.26, 0.22)], rows)


def _currency_table(cur: pd.DataFrame) -> GridTable:
    rows = []
    for r in cur.itertuples(index=False):
        if r.latest_delivery is None:
            latest, age = Run("no delivery recorded", colour=GREY), Run("—")
        else:
            old = r.age_days > 365
            latest = Run(day_month_year(r.latest_delivery))
            age = Run(f"{int(r.age_days)} days" + (" (over a year old)" if old else ""), old,
                      "#e65100" if old else "#1d2733")
        rows.append([Cell([Run(f"{r.name} ({r.owner})")]), Cell([latest]), Cell([age])])
    w = FRAME_W
    return GridTable(["Owner", "Latest delivery", "Age"], [0.5 * w, 0.25 * w, 0.25 * w], rows)


def _story(c: NoticeContent, recipient: dict | None) -> list:
    story = _title_block(c, recipient)
    story += [_facts(c), Spacer(1, 3 * mm)]
    if c.short_notice:
        story += [_banner(c.short_notice), Spacer(1, 2 * mm)]
    story += [_summary_line(c, recipient), Spacer(1, 2.5 * mm)]
    if recipient is None and c.confidence:  # the promoter's summary: how far to trust it
        story += [_confidence_box(c.confidence), Spacer(1, 2.5 * mm)]
    key = [Spacer(1, 1 * mm), P("Marker shape shows the severity (octagon strike, triangle danger, "
                                "circle caution), its number the row of the conflict table; a "
                                "line leads to the asset when the marker had to move. Ring "
                                "labels give each clearance in metres.", "note")] \
        if len(c.conflicts) else []
    story += [KeepTogether([SiteMap(c, FRAME_W, 112 * mm), Spacer(1, 1.5 * mm), _legend(c),
                            *key])]
    story += _section("Conflicting assets" if not recipient else "Your assets affected")
    if len(c.conflicts):
        story += [_conflict_table(c), Spacer(1, 1 * mm),
                  P("Distance: shortest horizontal distance from the dig footprint to the "
                    "recorded asset. Clearance: safety clearance plus record and transformation "
                    "uncertainty plus half the asset's width. Depths are advisory only.", "note")]
    else:
        story.append(P("No recorded assets affected.", "summary"))
    if recipient is None:
        story += _section("Affected owners and responses")
        story.append(_owner_table(c.owners_affected, assets=True, response=True)
                     if c.owners_affected else P("None.", "base"))
        if c.owners_no_conflict:
            story += _section("Owners with data here but no assets affected")
            story.append(_owner_table(c.owners_no_conflict, assets=False, response=True))
        story += _section("Owners with no data at this site")
        story.append(_owner_table(c.owners_no_data, assets=False, response=False,
                                  note="No records held here: contact before digging")
                     if c.owners_no_data else P("None: every known owner has data here.", "base"))
    else:
        story += _section("Your response")
        codes = ", ".join(f"<b>{k}</b> ({pdf_text(v)})" for k, v in RESPONSE_STATUSES.items()
                          if k != "no_response")
        story.append(P(f"Please respond to {pdf_text(c.promoter.name)} quoting "
                       f"<b>{pdf_text(c.reference)}</b> by <b>{_d(c.respond_by or c.valid_until)}"
                       "</b>, before the works start, with one "
                       f"of: {codes}. Current status: "
                       f"<b>{pdf_text(recipient.get('response_label', AWAITING))}</b>.", "base"))
        if c.also_notified:
            names = ", ".join(pdf_text(o["name"]) for o in c.also_notified)
            story.append(Spacer(1, 2 * mm))
            story.append(P(f"Also notified of these works (coordinate with them): {names}.",
                           "base"))
    story += _section("Planned works to coordinate with")
    if c.works is not None and len(c.works):
        story.append(_works_table(c.works))
    else:
        story.append(P("No other planned works overlap this site in space and time.", "base"))
    story += _section("Data currency")
    cur = c.currency if recipient is None else c.currency[c.currency["owner"] == recipient["code"]]
    story.append(_currency_table(cur) if len(cur) else P("No owner data recorded.", "base"))
    story += _section("Basis of this notice")
    notes = [f"Conflict rules version <b>{pdf_text(c.rules_version)}</b>; register CRS "
             f"{pdf_text(c.crs)}; validity {pdf_text(c.reference)} until {_d(c.valid_until)} "
             + ("(working days, England &amp; Wales bank holidays excluded)." if c.british else
                "(working days, weekends excluded)."),
             "Records show where assets were recorded, not necessarily where they are. Absence "
             "of records is not absence of assets. Locate and mark services before breaking "
             f"ground and follow {pdf_text(c.guidance)}; treat abandoned assets as live."]
    if recipient is None:  # the promoter's own warnings and advice: never sent to owners
        extra = dict.fromkeys([*c.advice, *c.site.notes, *c.warnings])  # the check repeats notes
        notes += [pdf_text(n) for n in extra]
    story += [P(("• " if i >= 2 else "") + n, "note") for i, n in enumerate(notes)]
    return story


def render_pdf(c: NoticeContent, path: Path, recipient: dict | None = None) -> Path:
    """Write the summary (``recipient=None``) or one owner's notice to ``path``."""
    title = "Coordinated work notice" if recipient is None else \
        f"Notice to {recipient['name']}"
    furniture = PageFurniture(authority=c.authority, title=title, reference=c.reference,
                              version=c.version, rules_version=c.rules_version,
                              issued=day_month_year(c.issued_at), draft=c.status == "draft")
    doc = BaseDocTemplate(
        str(path), pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=f"{c.reference} — {title}",
        author=c.promoter.name, subject=f"Coordinated work notice {c.reference}",
        creator="asset-register", invariant=1,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="notice", frames=[frame])])
    doc.build(_story(c, recipient), canvasmaker=furniture.canvasmaker())
    return path

