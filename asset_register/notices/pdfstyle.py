"""Page furniture and text styles shared by the summary and per-owner notice PDFs.

A4 portrait, header (authority, notice reference) and footer (reference,
version, rules, "page x of y") on every page, a DRAFT watermark on drafts.
Text uses the embedded DejaVu Sans Condensed (typeface.py), so names in any European
script print as written; a character it has no glyph for is transliterated or
replaced, never allowed to break the document.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas

from .typeface import BOLD, REGULAR, register

COVERED = register()  # the typeface's code points; registering it once per process

PAGE_W, PAGE_H = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 18 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X

INK = HexColor("#1d2733")
MUTED = HexColor("#5f6b78")
ACCENT = HexColor("#0b4f71")
RULE = HexColor("#c9d1da")
BAND = HexColor("#eef2f5")
SEVERITY_COLOURS = {"strike": "#c62828", "danger": "#e65100", "caution": "#f9a825"}
SEVERITY_TINTS = {"strike": "#fbe3e3", "danger": "#fde9d9", "caution": "#fdf5d3"}


def plain_text(value, empty: str = "—") -> str:
    """Text the embedded typeface can show: characters without a glyph transliterated or '?'."""
    if value is None or (isinstance(value, float) and value != value):
        return empty
    try:
        import pandas as pd

        if value is pd.NA:
            return empty
    except ImportError:  # pragma: no cover
        pass
    text = str(value)
    if not text.strip():
        return empty
    if not text.isascii() and any(ord(ch) not in COVERED for ch in text):
        out = []
        for ch in text:
            if ord(ch) in COVERED or not ch.isprintable():
                out.append(ch)
            else:
                base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
                out.append(base or "?")
        text = "".join(out)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)


def pdf_text(value, empty: str = "—") -> str:
    """``plain_text`` escaped for Paragraph markup."""
    return escape(plain_text(value, empty)).replace("\n", "<br/>")


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=8.5, leading=11, textColor=INK,
                          alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.2, leading=9),
        "cell": ParagraphStyle("cell", parent=base, fontSize=6.9, leading=8.4),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=BOLD, fontSize=6.9,
                                leading=8.4),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=6.9,
                               leading=8.4, textColor=HexColor("#ffffff")),
        "label": ParagraphStyle("label", parent=base, fontSize=6.8, leading=8.5,
                                textColor=MUTED),
        "value": ParagraphStyle("value", parent=base, fontName=BOLD, fontSize=8.5,
                                leading=10.5),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=19,
                             leading=23, textColor=INK),
        "kicker": ParagraphStyle("kicker", parent=base, fontName=BOLD, fontSize=8,
                                 leading=10, textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11,
                             leading=14, textColor=ACCENT, spaceBefore=10, spaceAfter=4),
        "summary": ParagraphStyle("summary", parent=base, fontSize=9.5, leading=13),
        "note": ParagraphStyle("note", parent=base, fontSize=7.4, leading=9.6, textColor=MUTED),
    }


class PageFurniture:
    """Draws the header, footer and watermark; the page total is filled in at save."""

    def __init__(self, *, authority: str, title: str, reference: str, version: int,
                 rules_version: str, issued: str, draft: bool):
        self.authority = authority
        self.title = title
        self.reference = reference
        self.version = version
        self.rules = rules_version
        self.issued = issued
        self.draft = draft

    def canvasmaker(self):
        furniture = self

        class NumberedCanvas(rl_canvas.Canvas):
            def __init__(self, *args, **kwargs):
                kwargs.setdefault("initialFontName", REGULAR)  # no base font in the PDF at all
                super().__init__(*args, **kwargs)
                self._pages = []

            def showPage(self):
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                total = len(self._pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    furniture.draw(self, self._pageNumber, total)
                    super().showPage()
                super().save()

        return NumberedCanvas

    def draw(self, canv, page: int, total: int) -> None:
        canv.saveState()
        if self.draft:
            # drawn over the finished page, so translucent: the content stays readable
            canv.setFillColor(HexColor("#8a96a3"), alpha=0.22)
            canv.setFont(BOLD, 96)
            canv.translate(PAGE_W / 2, PAGE_H / 2)
            canv.rotate(40)
            canv.drawCentredString(0, -30, "DRAFT")
            canv.rotate(-40)
            canv.translate(-PAGE_W / 2, -PAGE_H / 2)
        top = PAGE_H - 13 * mm
        canv.setFillColor(ACCENT)
        canv.rect(MARGIN_X, top + 2.2 * mm, 3.2 * mm, 3.2 * mm, stroke=0, fill=1)
        canv.setFillColor(INK)
        canv.setFont(BOLD, 8.5)
        canv.drawString(MARGIN_X + 5 * mm, top + 2.8 * mm, _plain(self.authority))
        canv.setFont(REGULAR, 8)
        canv.setFillColor(MUTED)
        canv.drawRightString(PAGE_W - MARGIN_X, top + 2.8 * mm,
                             f"{_short(_plain(self.title), 48)}  ·  {self.reference}  "
                             f"v{self.version}")
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, top, PAGE_W - MARGIN_X, top)
        bottom = 11 * mm
        canv.line(MARGIN_X, bottom + 4 * mm, PAGE_W - MARGIN_X, bottom + 4 * mm)
        canv.setFont(REGULAR, 7)
        canv.drawString(MARGIN_X, bottom,
                        f"{self.reference} v{self.version}  ·  issued {self.issued}  ·  "
                        f"rules {_plain(self.rules)}")
        canv.setFont(BOLD, 7)
        canv.setFillColor(INK)
        canv.drawRightString(PAGE_W - MARGIN_X, bottom, f"Page {page} of {total}")
        canv.restoreState()


def _plain(text: str) -> str:
    """Text for canvas.drawString (no markup) on one line."""
    return plain_text(text, "").replace("\n", " ")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
