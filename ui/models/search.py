"""Search the map: coordinates, OS grid references, asset ids, street names, works references.

Pure logic: the caller passes lookups for assets, streets and works, and gets
back hits with the box (working CRS) to zoom to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from asset_register import osgrid
from asset_register.errors import AssetRegisterError

_COORDS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")
_GRIDREF = re.compile(r"^\s*[A-Za-z]{2}(\s*\d+)*\s*$")


@dataclass(frozen=True)
class Hit:
    kind: str  # coordinates | grid reference | asset | street | works
    label: str
    bounds: tuple[float, float, float, float]
    point: tuple[float, float] | None = None
    key: str | None = None  # asset id / works reference


def _around(x: float, y: float, half: float) -> tuple[float, float, float, float]:
    return (x - half, y - half, x + half, y + half)


def search(text: str, *, bng: bool = True,
           find_asset: Callable[[str], tuple | None] | None = None,
           streets: list[tuple[str, tuple]] | None = None,
           works: list[tuple[str, tuple]] | None = None) -> list[Hit]:
    """Every hit for ``text``, best first. ``find_asset(id)`` returns bounds or None;
    ``streets`` and ``works`` are (name, bounds) pairs."""
    text = (text or "").strip()
    if not text:
        return []
    hits: list[Hit] = []
    m = _COORDS.match(text)
    if m:
        x, y = float(m.group(1)), float(m.group(2))
        hits.append(Hit("coordinates", f"{x:.1f}, {y:.1f}", _around(x, y, 40), (x, y)))
        return hits
    if bng and _GRIDREF.match(text):
        try:
            x, y = osgrid.parse_grid_reference(text)
        except AssetRegisterError:
            pass
        else:
            digits = len(re.sub(r"\D", "", text))
            unit = 10 ** (5 - digits // 2) if digits else 100_000
            cx, cy = x + unit / 2, y + unit / 2
            hits.append(Hit("grid reference", text.upper(), _around(cx, cy, max(unit / 2, 40)),
                            (cx, cy)))
    if find_asset is not None:
        bounds = find_asset(text)
        if bounds is not None:
            x0, y0, x1, y1 = bounds
            pad = max(20.0, 0.2 * max(x1 - x0, y1 - y0))
            hits.append(Hit("asset", text, (x0 - pad, y0 - pad, x1 + pad, y1 + pad), key=text))
    low = text.lower()
    for kind, items in (("works", works or []), ("street", streets or [])):
        exact = [(n, b) for n, b in items if n and str(n).lower() == low]
        partial = [(n, b) for n, b in items if n and low in str(n).lower() and (n, b) not in exact]
        for name, b in exact + partial:
            hits.append(Hit(kind, str(name), tuple(b), key=str(name)))
    return hits
