"""What a KLIC/IMKL delivery will import, per network operator — for the app's import
wizard, which shows it before importing (the CLI prints ``inspect``).

``summarise_delivery`` reads the delivery as the import will (``read_delivery``: the
same join, CRS checks and split by operator), so the counts shown are the counts
written; it never touches a register.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyproj
import shapely

from asset_register.errors import ImportError_

from . import vocab
from .delivery import read_delivery
from .source import find_delivery


@dataclass
class OperatorSummary:
    """One network operator of a delivery: who to contact and what it delivered."""

    code: str
    name: str
    phone: str | None
    emergency_phone: str | None
    email: str | None
    themes: list[str]  # e.g. ['gas hoge druk', 'laagspanning'], sorted
    assets: int
    rejected: int
    precaution_zones: int
    by_class: dict[str, int]  # 'electricity cable' -> count, largest first


@dataclass
class DeliverySummary:
    """A delivery as the wizard shows it (see module docstring)."""

    path: str
    kind: str  # 'imkl' | 'inspire'
    reference: str | None  # the KLIC number
    area_reference: str  # the name its dig polygon is kept under after the import
    source_crs: str | None
    footprint: shapely.Geometry | None  # dig polygon, working CRS
    operators: list[OperatorSummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def assets(self) -> int:
        return sum(o.assets for o in self.operators)


def _theme_label(uri) -> str | None:
    """'…/Thema/gashogedruk' -> 'gashogedruk (gas MP)': the KLIC theme and what it means here."""
    code = vocab.code(uri)
    if not code:
        return None
    known = vocab.THEMES.get(code)
    if known is None:
        return code
    meaning = " ".join(v.replace("_", " ") for v in known if v)
    return code if meaning == code else f"{code} ({meaning})"


def summarise_delivery(path: str | Path, working_crs, reference_extent=None, *,
                       assume_crs: str | None = None, cancel=None) -> DeliverySummary:
    """Read the KLIC/IMKL delivery at ``path`` and say what importing it would write."""
    file = find_delivery(path)
    if file is None:
        raise ImportError_(f"{Path(path).name} is not an IMKL/KLIC or INSPIRE Utility Networks "
                           "delivery")
    d = read_delivery(file, pyproj.CRS.from_user_input(working_crs),
                      assume_crs=assume_crs, reference_extent=reference_extent, cancel=cancel)
    themes: dict[str, set[str]] = {}
    for r in d.joined.records:  # the parser's records: already one Python object each
        label = _theme_label(r.attrs.get("thema"))
        if r.owner and label:
            themes.setdefault(r.owner, set()).add(label)
    operators = []
    for code in sorted(d.parts):
        part = d.parts[code]
        a = part.assets
        kinds = (a["utility"].fillna("unknown") + " " + a["asset_class"].fillna("asset")).str.replace(
            "_", " ")
        by_class = dict(Counter(kinds.tolist()).most_common())
        o = part.owner
        operators.append(OperatorSummary(
            code=code, name=o.name, phone=o.phone, emergency_phone=o.emergency_phone,
            email=o.email, themes=sorted(themes.get(code, ())), assets=len(a),
            rejected=len(part.rejects),
            precaution_zones=int((a["asset_class"] == "precaution_zone").sum()),
            by_class=by_class))
    return DeliverySummary(
        path=str(path), kind=d.kind, reference=d.reference,
        area_reference=d.reference or Path(path).stem, source_crs=d.source_crs,
        footprint=d.footprint, operators=operators, warnings=list(d.warnings))
