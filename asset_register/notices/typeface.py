"""The notice PDFs' typeface: DejaVu Sans Condensed, shipped in ``fonts/`` and embedded.

The PDF base fonts (Helvetica) know only Windows-1252, so Welsh ŵ/ŷ, Polish ł/ż or a Czech
street name printed as '?'. The three faces (regular, bold, oblique) are registered with reportlab once per process as
one family (so ``<b>``/``<i>`` in paragraphs pick the right face); only the glyphs a PDF uses
are embedded (subset). ``missing`` tells which characters the typeface cannot show.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

FAMILY = "DejaVuSansCondensed"
REGULAR = FAMILY
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Oblique"
BOLD_ITALIC = BOLD  # notices never need both: one face (0.6 MB, 0.1 s to load) fewer
FACES = (REGULAR, BOLD, ITALIC)


def font_file(face: str):
    """Path of a face's TTF inside the package (the bundle ships the same folder)."""
    return resources.files(__package__) / "fonts" / f"{face}.ttf"


@lru_cache(maxsize=1)
def register() -> frozenset[int]:
    """Register the faces and the family with reportlab; the code points they all cover."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = []
    for face in FACES:
        with resources.as_file(font_file(face)) as path:
            font = TTFont(face, str(path))
        pdfmetrics.registerFont(font)
        fonts.append(font)
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD_ITALIC)
    for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
        addMapping(FAMILY, bold, italic, face)
    # a character prints only if every face has it (a bold run must not lose it)
    return frozenset.intersection(*(frozenset(f.face.charToGlyph) for f in fonts))


def missing(text: str) -> set[str]:
    """Characters of ``text`` the typeface has no glyph for."""
    covered = register()
    return {ch for ch in set(text) if ord(ch) not in covered and ch.isprintable()}
