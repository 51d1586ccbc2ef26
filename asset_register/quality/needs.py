"""The attributes the dig-check rules need, read from the rules themselves.

A risk class that matches on ``pressure`` or ``voltage`` needs that value for the utilities
it names (the shipped rules: gas pressure for ``gas_mp_plus``, voltage for ``hv_electricity``):
a record without it falls in the rules' "unknown" class. Asset classes an earlier rules class
takes whole (``precaution_zone``) never reach it and need no value. A record has the value when either
its class (``pressure`` LP…HP) or its measured value (``pressure_bar``) is recorded. Depth is
used for every buried asset (the check reports it against the dig's depth and the rules'
``[depth]`` section may lower a severity with it); an owner's precaution zone has none.
"""

from __future__ import annotations

from dataclasses import dataclass

# a field the rules can match on -> the columns that record it
VALUE_COLUMNS = {"pressure": ("pressure", "pressure_bar"), "voltage": ("voltage", "voltage_v")}
DEPTH = "depth_m"
NO_DEPTH_CLASSES = ("precaution_zone",)


@dataclass(frozen=True)
class Need:
    """One attribute the rules need: ``field``, for ``utilities`` (None: every utility but
    the classes in ``except_classes``), recorded in any of ``columns``; ``why`` in words."""

    field: str
    columns: tuple[str, ...]
    utilities: tuple[str, ...] | None
    why: str
    except_classes: tuple[str, ...] = ()


def needs_of(rules) -> list[Need]:
    """The attributes ``rules`` need, pressure and voltage first (in rules order), then depth."""
    found: dict[str, dict[str, list[str]]] = {}
    taken: dict[str, tuple[str, ...]] = {}  # field -> asset classes an earlier class takes
    caught: list[str] = []  # asset classes matched whole by a class met so far
    for cls in rules.classes:
        if set(cls.match) == {"asset_class"}:
            caught += list(cls.match["asset_class"])
        for field in VALUE_COLUMNS:
            if field in cls.match:
                taken.setdefault(field, tuple(dict.fromkeys(caught)))
                utilities = cls.match.get("utility") or ("*",)
                entry = found.setdefault(field, {})
                for u in utilities:
                    entry.setdefault(u, []).append(cls.name)
    out = []
    for field, by_utility in found.items():
        utilities = None if "*" in by_utility else tuple(by_utility)
        classes = sorted({c for names in by_utility.values() for c in names})
        out.append(Need(field, VALUE_COLUMNS[field], utilities,
                        f"rules class {', '.join(classes)} matches on {field}", taken[field]))
    out.append(Need(DEPTH, (DEPTH,), None, "the check reports depth against the dig's depth",
                    NO_DEPTH_CLASSES))
    return out


def columns_needed(needs: list[Need]) -> list[str]:
    return list(dict.fromkeys(c for n in needs for c in n.columns))
