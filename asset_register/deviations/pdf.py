"""One owner's deviation reports as a PDF, in the notice pack's page furniture, typeface and
text styles (notices/pdfstyle.py): per report what the record says, what was found, where,
how accurately, the notes and the photos' names and SHA-256."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from reportlab.lib.colors import HexColor
from reportlab.platypus import (BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table,
                                TableStyle)

from ..notices.pdfstyle import (BAND, FRAME_W, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_H,
                                PAGE_W, RULE, PageFurniture, pdf_text, styles)
from ..notices.reference import AUTHORITY_NAME
from ..notices.typeface import REGULAR
from ..store.records import now_iso

S = styles()
FIELDS = ("utility", "asset_class", "status", "depth_m", "diameter_mm", "material",
          "h_accuracy_m", "quality_level", "version", "geometry_wkt")
KIND_TEXT = {"elsewhere": "Found elsewhere", "not_found": "Not found where recorded",
             "unrecorded": "Found but not recorded", "attributes": "Attributes differ"}


def _v(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _comparison(row) -> Table:
    found = dict(row["found"])
    if isinstance(row["geometry_wkt"], str):
        found["geometry_wkt"] = row["geometry_wkt"]
    data = [[Paragraph("Field", S["head"]), Paragraph("In the register", S["head"]),
             Paragraph("Found on site", S["head"])]]
    for key in FIELDS:
        rec, got = row["recorded"].get(key), found.get(key)
        if rec is None and got is None:
            continue
        label = "position" if key == "geometry_wkt" else key
        data.append([Paragraph(pdf_text(label), S["cell"]), Paragraph(pdf_text(_v(rec)), S["cell"]),
                     Paragraph(pdf_text(_v(got) if key in found else "as recorded"
                                        if row["kind"] != "not_found" else "not found"),
                               S["cellb" if key in found else "cell"])])
    table = Table(data, colWidths=[0.18 * FRAME_W, 0.41 * FRAME_W, 0.41 * FRAME_W], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#0b4f71")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, BAND]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _report(row) -> list:
    title = f"Report {int(row['deviation_id'])} · {KIND_TEXT[row['kind']]}"
    if isinstance(row["asset_id"], str):
        title += f" · asset {row['asset_id']}"
    out = [Paragraph(pdf_text(title), S["h2"]), _comparison(row), Spacer(1, 4)]
    facts = [f"Utility: {_v(row['utility'])}"]
    if not pd.isna(row["accuracy_m"]):
        facts.append(f"Position measured to ±{row['accuracy_m']:g} m")
    if isinstance(row["reference"], str):
        facts.append(f"Dig / notice: {row['reference']}")
    facts.append(f"Reported {row['reported_at'][:10]} by {_v(row['reported_by'])}")
    out.append(Paragraph(pdf_text(" · ".join(facts)), S["small"]))
    if isinstance(row["notes"], str) and row["notes"].strip():
        out.append(Paragraph(pdf_text(f"Notes: {row['notes']}"), S["base"]))
    for photo in row["photos"]:
        out.append(Paragraph(pdf_text(f"Photo {photo['name']} (SHA-256 {photo['sha256']})"),
                             S["note"]))
    return out


def render_reports(store, frame: pd.DataFrame, owner: str, path: Path,
                   issued: str | None = None) -> Path:
    """Write ``frame``'s reports (all of one owner) to ``path``."""
    issued = (issued or now_iso())[:10]
    entry = store.owner(owner)
    name = entry.name if entry is not None else owner
    authority = store.get_setting(AUTHORITY_NAME) or store.get_setting("authority_code") or ""
    furniture = PageFurniture(authority=authority, title=f"Deviation reports for {name}",
                              reference=f"DEV-{owner}", version=1,
                              rules_version="—", issued=issued, draft=False)
    doc = BaseDocTemplate(str(path), pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN_X,
                          rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
                          title=f"Deviation reports for {name}", creator="asset-register",
                          invariant=1)
    doc.addPageTemplates([PageTemplate(id="reports", frames=[Frame(
        MARGIN_X, MARGIN_BOTTOM, FRAME_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, leftPadding=0,
        rightPadding=0, topPadding=0, bottomPadding=0)])])
    kinds = frame["kind"].value_counts()
    story = [Paragraph("DEVIATION REPORTS", S["kicker"]),
             Paragraph(pdf_text(f"To {name} ({owner})"), S["h1"]), Spacer(1, 6),
             Paragraph(pdf_text(
                 f"{len(frame)} report{'s' if len(frame) != 1 else ''} of what was found on site "
                 "against your records: " + ", ".join(
                     f"{kinds[k]} {KIND_TEXT[k].lower()}" for k in KIND_TEXT if k in kinds)
                 + ". Please correct your records and include the change in your next "
                   "delivery: the report is closed when it arrives. Positions are in "
                   f"{store.crs.to_string()}; the GeoJSON files give them in WGS 84 too."),
                 S["summary"])]
    for _, row in frame.iterrows():
        story.extend(_report(row))
    doc.build(story, canvasmaker=furniture.canvasmaker())
    return path
