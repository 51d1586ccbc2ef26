"""Search the map: coordinates, OS grid references, asset ids, street names, USRNs, works references.

Pure logic (no Qt): the caller passes lookups for assets, streets and works, and gets
back hits with the box (working CRS) to zoom to. Names are compared normalised — case,
accents and punctuation ignored, common street abbreviations (Rd, St, Ave…) expanded —
so "queens avenue" finds "Queen's Avenue" and "Victoria Rd" finds "Victoria Road".
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from asset_register import osgrid
from asset_register.errors import AssetRegisterError

from asset_register.lazy import lazy_module

pd = lazy_module("pandas")

_COORDS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")
_GRIDREF = re.compile(r"^\s*[A-Za-z]{2}(\s*\d+)*\s*$")
# street-name abbreviations (UK, with the common US / Dutch ones), expanded on both sides
ABBREVIATIONS = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane",
    "sq": "square", "cres": "crescent", "cr": "crescent", "dr": "drive", "pl": "place",
    "ct": "court", "gdns": "gardens", "gdn": "gardens", "tce": "terrace", "terr": "terrace",
    "cl": "close", "hwy": "highway", "pde": "parade", "blvd": "boulevard", "wy": "way",
    "gr": "grove", "gro": "grove", "mt": "mount", "mews": "mews", "pk": "park", "bdwy": "broadway",
    "nth": "north", "sth": "south", "n": "north", "s": "south", "e": "east", "w": "west",
    "upr": "upper", "lwr": "lower", "gt": "great",
}
MAX_HITS = 50


@dataclass(frozen=True)
class Hit:
    kind: str  # coordinates | grid reference | asset | street | works
    label: str
    bounds: tuple[float, float, float, float]
    point: tuple[float, float] | None = None
    key: str | None = None  # asset id / works reference / street name
    detail: str = ""  # a second line for the results list (owner, USRN…)


def normalise(text) -> str:
    """Lower case, accents dropped, punctuation removed (apostrophes joined, others a space),
    abbreviations expanded: the form names and queries are compared in."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['’`]", "", text)
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def _alnum(text) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


def _around(x: float, y: float, half: float) -> tuple[float, float, float, float]:
    return (x - half, y - half, x + half, y + half)


def _padded(bounds) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in bounds)
    pad = max(20.0, 0.2 * max(x1 - x0, y1 - y0))
    return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)


@dataclass(frozen=True)
class Street:
    name: str
    bounds: tuple[float, float, float, float]
    usrn: str | None = None


def usrn_strings(values) -> np.ndarray:
    """USRNs as text ("20700204"), whether the file holds them as integers, floats or text;
    None where missing."""
    s = pd.Series(np.asarray(values, dtype=object), dtype=object)
    num = pd.to_numeric(s, errors="coerce")
    whole = num.notna() & (num == num.round())
    text = s.astype("string").str.strip()
    text = text.where(text != "", None).astype(object)
    text[whole] = num[whole].astype("int64").astype(str)
    return text.where(text.notna(), None).to_numpy(dtype=object)


def street_index(names, usrns, part_feature, part_bounds) -> list[Street]:
    """Streets of a reference layer, one per USRN (or per name when it has none), with the
    bounds of all their parts; grouped in one pandas pass."""
    names = np.asarray(names, dtype=object)
    if not len(part_feature):
        return []
    frame = pd.DataFrame({"name": names[part_feature],
                          "usrn": usrn_strings(usrns)[part_feature] if usrns is not None else None,
                          "x0": part_bounds[:, 0], "y0": part_bounds[:, 1],
                          "x1": part_bounds[:, 2], "y1": part_bounds[:, 3]})
    frame = frame[frame["name"].notna() & (frame["name"].astype(str) != "")]
    frame["key"] = frame["usrn"].fillna("name:" + frame["name"].astype(str))
    g = frame.groupby("key", sort=True).agg(name=("name", "first"), usrn=("usrn", "first"),
                                            x0=("x0", "min"), y0=("y0", "min"),
                                            x1=("x1", "max"), y1=("y1", "max"))
    return [Street(str(r.name), (r.x0, r.y0, r.x1, r.y1), r.usrn) for r in g.itertuples()]


class _Sorted:
    """A sorted Arrow string array seen as a Python sequence, for ``bisect`` (each probe
    turns one key into a string: a lookup makes about 20)."""

    def __init__(self, arr) -> None:
        self.arr = arr

    def __len__(self) -> int:
        return len(self.arr)

    def __getitem__(self, i: int) -> str:
        return self.arr[i].as_py()


class AssetIds:
    """Every live asset id, matchable as typed: the full id ("SGD:G00014"), the owner's own
    id without the owner prefix ("G00014", "g 00014"), or its number ("14"). Sorted key
    arrays and binary search: a lookup in a million ids costs microseconds. Built with
    Arrow compute (no Python call per id), so indexing a large register in the
    background never starves the map's drawing of the interpreter lock."""

    def __init__(self, ids) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
        if not isinstance(arr, pa.Array):
            arr = pa.array(np.asarray(ids, dtype=object), type=pa.string(), from_pandas=True)
        arr = arr.cast(pa.string()).drop_null()
        self.ids = arr
        lower = pc.utf8_lower(arr)
        full = pc.replace_substring_regex(lower, "[^0-9a-z]", "")
        local = pc.replace_substring_regex(pc.replace_substring_regex(lower, "^[^:]*:", "", max_replacements=1),
                                           "[^0-9a-z]", "")
        number = pc.utf8_ltrim(pc.struct_field(pc.extract_regex(local, r"(?P<n>\d+)$"), "n"), "0")
        self._keys = {}
        for name, key in (("full", full), ("local", local), ("number", number.fill_null(""))):
            order = pc.sort_indices(key)  # Arrow: stable, and the interpreter lock is free meanwhile
            # (positions as int32: a 10-million-id register keeps 120 MB less)
            self._keys[name] = (_Sorted(key.take(order)),
                                order.to_numpy().astype(np.int32 if len(arr) < 2**31 else np.int64))
            del order

    def __len__(self) -> int:
        return len(self.ids)

    def _find(self, name: str, key: str) -> np.ndarray:
        keys, order = self._keys[name]
        lo, hi = bisect.bisect_left(keys, key), bisect.bisect_right(keys, key)
        return np.sort(order[lo:hi])

    def find(self, text: str) -> list[str]:
        """Ids for ``text``, best first: full id, then the owner's own id, then (digits only)
        the number with or without leading zeros."""
        q = _alnum(text)
        if not q:
            return []
        found: list[int] = []
        for name, key in (("full", q), ("local", q)) + ((("number", q.lstrip("0") or "0"),)
                                                       if q.isdigit() else ()):
            found += [i for i in self._find(name, key).tolist() if i not in found]
            if len(found) >= MAX_HITS:
                break
        return [self.ids[i].as_py() for i in found[:MAX_HITS]]


@dataclass(frozen=True)
class Examples:
    """What the search box offers as examples, from the register itself: coordinates inside
    its own extent, an OS grid reference and a USRN only on a British register, never a
    London example on a Dutch one."""

    placeholder: str
    hint: str


NO_REGISTER = Examples("Search: street, asset id, coordinates",
                       "open a register to search it")


def examples(extent=None, *, bng: bool = False, british: bool = False) -> Examples:
    """Examples for a register with ``extent`` (minx, miny, maxx, maxy in its CRS; None when
    empty); ``bng``: its CRS is British National Grid; ``british``: its country is GB."""
    coords = None
    if extent is not None and all(np.isfinite(v) for v in extent):
        x = round((extent[0] + extent[2]) / 2, -2)
        y = round((extent[1] + extent[3]) / 2, -2)
        coords = f"{x:.0f} {y:.0f}" if abs(x) >= 1000 or abs(y) >= 1000 else f"{x:g} {y:g}"
    grid = None
    if bng and coords is not None:
        try:
            grid = osgrid.grid_reference(x, y, 6)
        except (AssetRegisterError, ValueError):  # outside the grid's squares
            grid = None
    short = ["street"] + (["USRN"] if british else []) + ["asset id"] + [
        v for v in (grid, coords) if v]
    tries = ([f"coordinates ({coords})"] if coords else ["coordinates in the register's CRS"]) \
        + ([f"a grid reference ({grid})"] if grid else []) \
        + ["an asset id (with or without its owner's prefix)", "a street name"] \
        + (["a USRN"] if british else [])
    hint = "try " + ", ".join(tries[:-1]) + " or " + tries[-1]
    return Examples("Search: " + ", ".join(short), hint)


def _street_hits(q: str, digits: str, streets: list[Street]) -> tuple[list[Hit], list[Hit]]:
    """(exact, partial) street hits: exact name or USRN; every query word starting a word of
    the name (in order of the name) for a partial one."""
    exact, partial = [], []
    words = q.split()
    seen = set()
    for s in streets:
        norm = normalise(s.name)
        if (norm, s.usrn) in seen:  # the same street in a second layer (e.g. its buildings)
            continue
        seen.add((norm, s.usrn))
        detail = f"USRN {s.usrn}" if s.usrn else ""
        hit = Hit("street", s.name, tuple(s.bounds), key=s.name, detail=detail)
        if (q and norm.replace(" ", "") == q.replace(" ", "")) or (digits and s.usrn == digits):
            exact.append(hit)
        elif words and (q in norm or all(any(n.startswith(w) for n in norm.split()) for w in words)):
            partial.append(hit)
    return exact, partial


def search(text: str, *, bng: bool = True,
           find_asset: Callable[[str], tuple | None] | None = None,
           find_assets: Callable[[str], list[tuple[str, tuple, str]]] | None = None,
           streets: list | None = None,
           works: list[tuple[str, tuple]] | None = None) -> list[Hit]:
    """Every hit for ``text``, best first. ``find_asset(id)`` returns bounds or None (one exact
    id); ``find_assets(text)`` returns (id, bounds, detail) for every matching id;
    ``streets`` are ``Street`` (or (name, bounds) pairs), ``works`` (reference, bounds) pairs."""
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
    assets: list[Hit] = []
    if find_assets is not None:
        assets = [Hit("asset", a, _padded(b), key=a, detail=d) for a, b, d in find_assets(text)]
    elif find_asset is not None:
        bounds = find_asset(text)
        if bounds is not None:
            assets = [Hit("asset", text, _padded(bounds), key=text)]
    q = normalise(text)
    digits = text if text.isdigit() else ""
    streets = [s if isinstance(s, Street) else Street(str(s[0]), tuple(s[1])) for s in streets or []]
    exact, partial = _street_hits(q, digits, streets)
    works_exact, works_partial = [], []
    for ref, b in works or []:
        norm = normalise(ref)
        if q and norm == q:
            works_exact.append(Hit("works", str(ref), tuple(b), key=str(ref)))
        elif q and q in norm:
            works_partial.append(Hit("works", str(ref), tuple(b), key=str(ref)))
    # an exact id first; a bare number ("14") is more likely a USRN or a street than an id
    typed = _alnum(text)
    strong = [h for h in assets if typed in (_alnum(h.key), _alnum(h.key.split(":", 1)[-1]))]
    weak = [h for h in assets if h not in strong]
    hits += strong + works_exact + exact + works_partial + partial + weak
    return hits[:MAX_HITS]
