"""A fast, page-splitting table flowable for notice PDFs.

reportlab's ``Table`` of ``Paragraph`` cells parses markup and measures every
cell several times; a 200-conflict notice took seconds. Here each cell is a few
plain text runs (each starting a new line, with its own font and colour),
wrapped once with the font metrics, drawn with ``drawString``. The header row
is repeated on every page the table continues on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .pdfstyle import INK, RULE, plain_text
from .typeface import BOLD, BOLD_ITALIC, ITALIC, REGULAR

PAD_X, PAD_Y = 3.0, 2.4


@dataclass(frozen=True)
class Run:
    """One run of text in a cell: starts a new line, wraps within the column."""

    text: str
    bold: bool = False
    colour: str = "#1d2733"
    italic: bool = False

    @property
    def font(self) -> str:
        if self.bold:
            return BOLD_ITALIC if self.italic else BOLD
        return ITALIC if self.italic else REGULAR


@dataclass
class Cell:
    runs: list[Run]
    swatch: str | None = None  # a small colour square before the first line
    background: str | None = None


@lru_cache(maxsize=8192)
def wrap_text(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """Greedy word wrap; words wider than the column are broken between characters.

    Each word is measured once (widths add up: the base fonts have no kerning), and
    whole results are cached: precautions and owner names repeat down a table.
    """
    if "\n" not in text and stringWidth(text, font, size) <= width:
        return (text,)
    space = stringWidth(" ", font, size)
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for word in para.split(" "):
            w = stringWidth(word, font, size)
            if line and used + space + w <= width:
                line, used = f"{line} {word}", used + space + w
                continue
            if line:
                lines.append(line)
            while w > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and stringWidth(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                w = stringWidth(word, font, size)
            line, used = word, w
        lines.append(line)
    return tuple(lines)


@lru_cache(maxsize=256)
def _colour(hex_colour: str):
    return HexColor(hex_colour)


class GridTable(Flowable):
    """Rows of ``Cell`` under a dark header; splits across pages repeating the header."""

    def __init__(self, headers: list[str], widths: list[float], rows: list[list[Cell]], *,
                 size: float = 6.9, bars: list[str | None] | None = None, _layout=None):
        super().__init__()
        self.headers, self.widths, self.rows = headers, widths, rows
        self.size, self.leading = size, size * 1.22
        self.bars = bars or [None] * len(rows)
        self.width = sum(widths)
        self._layout = _layout  # (header lines, [row lines], [row heights]) once computed

    # -- layout ---------------------------------------------------------------------
    def _cell_lines(self, cell: Cell, width: float) -> list[tuple[str, Run]]:
        inner = width - 2 * PAD_X - (7 if cell.swatch else 0)
        out = []
        for run in cell.runs:
            text = plain_text(run.text)
            out += [(line, run) for line in wrap_text(text, run.font, self.size, inner)]
        return out

    def _compute(self):
        if self._layout is None:
            head = [wrap_text(plain_text(h), BOLD, self.size, w - 2 * PAD_X)
                    for h, w in zip(self.headers, self.widths, strict=True)]
            lines = [[self._cell_lines(c, w) for c, w in zip(row, self.widths, strict=True)]
                     for row in self.rows]
            heights = [max(1, *(len(c) for c in row)) * self.leading + 2 * PAD_Y
                       for row in lines]
            head_h = max(len(h) for h in head) * self.leading + 2 * PAD_Y
            self._layout = (head, head_h, lines, heights)
        return self._layout

    def wrap(self, aw, ah):
        _, head_h, _, heights = self._compute()
        self.height = head_h + sum(heights)
        return self.width, self.height

    def split(self, aw, ah):
        head, head_h, lines, heights = self._compute()
        used, k = head_h, 0
        while k < len(heights) and used + heights[k] <= ah:
            used += heights[k]
            k += 1
        if k == 0 or k == len(heights):
            return [] if k == 0 else [self]
        parts = []
        for sl in (slice(0, k), slice(k, None)):
            part = GridTable(self.headers, self.widths, self.rows[sl], size=self.size,
                             bars=self.bars[sl], _layout=(head, head_h, lines[sl], heights[sl]))
            parts.append(part)
        return parts

    # -- drawing ----------------------------------------------------------------------
    def draw(self):
        canv = self.canv
        head, head_h, lines, heights = self._compute()
        y = self.height
        canv.setFillColor(INK)
        canv.rect(0, y - head_h, self.width, head_h, stroke=0, fill=1)
        canv.setFillColor(HexColor("#ffffff"))
        canv.setFont(BOLD, self.size)
        x = 0.0
        for text_lines, w in zip(head, self.widths, strict=True):
            for i, line in enumerate(text_lines):
                canv.drawString(x + PAD_X, y - PAD_Y - self.size - i * self.leading, line)
            x += w
        y -= head_h
        canv.setLineWidth(0.3)
        texts: list[tuple[float, float, str, Run]] = []
        for row, row_lines, h, bar in zip(self.rows, lines, heights, self.bars, strict=True):
            x = 0.0
            for cell, w in zip(row, self.widths, strict=True):
                if cell.background:
                    canv.setFillColor(_colour(cell.background))
                    canv.rect(x, y - h, w, h, stroke=0, fill=1)
                x += w
            if bar:
                canv.setFillColor(_colour(bar))
                canv.rect(0, y - h, 2.4, h, stroke=0, fill=1)
            x = 0.0
            for cell, cell_lines, w in zip(row, row_lines, self.widths, strict=True):
                tx = x + PAD_X
                if cell.swatch:
                    canv.setFillColor(_colour(cell.swatch))
                    canv.rect(tx, y - PAD_Y - self.size + 0.4, 5, 5, stroke=0, fill=1)
                    tx += 7
                for i, (text, run) in enumerate(cell_lines):
                    texts.append((tx, y - PAD_Y - self.size - i * self.leading + 0.8, text, run))
                x += w
            y -= h
            canv.setStrokeColor(RULE)
            canv.line(0, y, self.width, y)
        # all cell text in one text object: far fewer PDF operators than drawString per line
        tob = canv.beginText()
        font = colour = None
        for tx, ty, text, run in texts:
            if font != run.font:
                tob.setFont(run.font, self.size)
                font = run.font
            if colour != run.colour:
                tob.setFillColor(_colour(run.colour))
                colour = run.colour
            tob.setTextOrigin(tx, ty)
            tob.textOut(text)
        canv.drawText(tob)
