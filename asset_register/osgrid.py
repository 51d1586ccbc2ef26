"""Ordnance Survey National Grid references from British National Grid coordinates.

A grid reference names the 100 km square with two letters (first letter: the
500 km square, second: the 100 km square inside it, both on a 5×5 grid of
letters without "I") followed by the easting and northing within that square,
e.g. easting 530123, northing 180456 → "TQ 30123 80456". Notices print it so a
site can be found on any OS map without GIS software.
"""

from __future__ import annotations

import math

from .errors import ValidationError

_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # 25 letters, no "I"
# The grid's false origin sits in square SV: the 500 km letter of (0, 0) is "S".
_FALSE_E500, _FALSE_N500 = 2, 1  # column/row offsets that make (0, 0) fall in "S"
_MAX_E, _MAX_N = 700_000, 1_300_000


def _letter(col: int, row: int) -> str:
    """Letter of a cell in a 5×5 letter grid (row 0 at the top, as OS draws it)."""
    return _LETTERS[row * 5 + col]


def grid_letters(easting: float, northing: float) -> str:
    """The two-letter 100 km square (e.g. 'TQ') holding a BNG coordinate."""
    if not (0 <= easting < _MAX_E and 0 <= northing < _MAX_N) or math.isnan(easting + northing):
        raise ValidationError(
            f"({easting}, {northing}) is outside the British National Grid "
            f"(0–{_MAX_E} E, 0–{_MAX_N} N): is the coordinate in EPSG:27700?"
        )
    e100, n100 = int(easting // 100_000), int(northing // 100_000)
    # 500 km square: columns/rows counted from the letter grid's top-left.
    col500 = e100 // 5 + _FALSE_E500
    row500 = 4 - (n100 // 5 + _FALSE_N500)
    first = _letter(col500, row500)
    second = _letter(e100 % 5, 4 - n100 % 5)
    return first + second


def grid_reference(easting: float, northing: float, digits: int = 10) -> str:
    """An OS grid reference with ``digits`` figures (2–10, even): 10 figures = 1 m.

    Coordinates are truncated, not rounded, as OS convention requires (a reference
    names the square the point lies in).
    """
    if digits not in (2, 4, 6, 8, 10):
        raise ValidationError(f"grid reference digits {digits!r} must be one of 2, 4, 6, 8, 10")
    letters = grid_letters(easting, northing)
    half = digits // 2
    unit = 10 ** (5 - half)
    e = int(easting % 100_000 // unit)
    n = int(northing % 100_000 // unit)
    return f"{letters} {e:0{half}d} {n:0{half}d}"


def parse_grid_reference(ref: str) -> tuple[float, float]:
    """The south-west corner (easting, northing) of the square a grid reference names."""
    text = "".join(ref.split()).upper()
    if len(text) < 2 or len(text) % 2 or (text[2:] and not text[2:].isdigit()) or len(text) > 12:
        raise ValidationError(
            f"grid reference {ref!r} is not like 'TQ 30123 80456' (two letters, then an even "
            "number of digits, up to 10)"
        )
    try:
        i1, i2 = _LETTERS.index(text[0]), _LETTERS.index(text[1])
    except ValueError:
        raise ValidationError(f"grid reference {ref!r} has an unknown square letter") from None
    col500, row500 = i1 % 5 - _FALSE_E500, 4 - i1 // 5 - _FALSE_N500
    e100 = col500 * 5 + i2 % 5
    n100 = row500 * 5 + (4 - i2 // 5)
    half = (len(text) - 2) // 2
    unit = 10 ** (5 - half) if half else 100_000
    e = int(text[2 : 2 + half] or 0) * unit
    n = int(text[2 + half :] or 0) * unit
    easting, northing = e100 * 100_000 + e, n100 * 100_000 + n
    if not (0 <= easting < _MAX_E and 0 <= northing < _MAX_N):
        raise ValidationError(f"grid reference {ref!r} is outside the British National Grid")
    return float(easting), float(northing)
