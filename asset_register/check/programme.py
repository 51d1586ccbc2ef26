"""Dig sites from the command line or from a programme-of-works file, built in bulk.

A programme file is any vector file pyogrio reads (GeoJSON, GeoPackage, Shapefile...) or a
CSV with a ``wkt`` column; each feature is one dig site. Recognised properties (all
optional): reference, description, depth_m, method, start, end (or start_date/end_date),
usrn, width_m (trench centre lines), radius_m (points).
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path

import numpy as np
import shapely

from ..errors import FootprintError, ValidationError
from ..inputs import naming
from . import footprint
from .result import DigSite

from ..lazy import lazy_module, loaded

pd = lazy_module("pandas")

_ALIASES = {"start_date": "start", "end_date": "end", "width": "width_m", "radius": "radius_m",
            "depth": "depth_m"}


def parse_usrn(value, what: str) -> str | None:
    """A USRN is a whole number; anything else would silently match no planned works."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
        return None
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number column read as float
        text = text[:-2]
    if not text.isdigit():
        raise ValidationError(f"{what} {value!r} is not a whole number: give the street's Unique "
                              "Street Reference Number, e.g. 20700104")
    return text


def parse_date(value, what: str) -> date | None:
    pandas = loaded("pandas")  # (only a pandas value can be its NaT)
    if value is None or (isinstance(value, float) and np.isnan(value)) or (
            pandas is not None and value is pandas.NaT):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(f"{what} {value!r} is not a date: use YYYY-MM-DD") from None


def single_site(store, *, wkt=None, path=None, layer=None, crs=None, width=None, radius=None, depth=None,
                method="mechanical", start=None, end=None, description="", usrn=None,
                reference=None, make_valid=False, rules=None) -> DigSite:
    """One dig site from WKT or a footprint file (all its features form one footprint)."""
    working = store.crs
    extent = store.extent()
    unknown = rules.unknown_uncertainty_m if rules is not None else 1.0
    if (wkt is None) == (path is None):
        raise FootprintError("give the footprint either as WKT or as a file, not both or neither")
    if wkt is not None:
        geom, found = footprint.read_wkt(wkt)
        geoms, what = np.array([geom], dtype=object), "the WKT footprint"
    else:
        frame = footprint.read_vector(path, layer)
        found, what = frame.crs, f"footprint file {Path(path).name}"
        geoms = frame.geometry.dropna().to_numpy()
    with naming(path, "footprint file") if path is not None else nullcontext():
        the_crs, notes = footprint.resolve_crs(crs, found, working, what)
        built = footprint.build(
            geoms, crs=the_crs, working_crs=working, width=width, radius=radius,
            make_valid=make_valid, extent=extent, unknown_accuracy_m=unknown, crs_notes=notes,
        )
    notes = list(dict.fromkeys(n for lst in built.notes for n in lst))
    geom = built.geometries[0]
    if len(built.geometries) > 1:
        geom = shapely.union_all(built.geometries)
        notes.append(f"{len(built.geometries)} features combined into one footprint")
    return DigSite(
        footprint=geom, depth_m=depth, method=method, start=parse_date(start, "start"),
        end=parse_date(end, "end"), description=description, usrn=parse_usrn(usrn, "USRN"),
        reference=reference,
        position_accuracy_m=built.position_accuracy_m, notes=tuple(notes),
    )


def _numbers(values: pd.Series, what: str, labels: list[str]) -> np.ndarray:
    """A numeric column; a value that is given but not a number is refused, never dropped."""
    out = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(out) & values.notna().to_numpy()
                         & (values.astype(str).str.strip() != "").to_numpy())
    if len(bad):
        raise FootprintError(f"{labels[bad[0]]}: {what} {values.iloc[bad[0]]!r} is not a number "
                             "of metres")
    return out


def _column(frame: pd.DataFrame, name: str):
    return frame[name] if name in frame.columns else pd.Series([None] * len(frame), index=frame.index)


def programme_sites(store, path, *, layer=None, crs=None, method="mechanical", make_valid=False,
                    rules=None) -> list[DigSite]:
    """Every dig site of a programme-of-works file, footprints built in one bulk pass."""
    with naming(path, "programme"):
        return _programme_sites(store, path, layer=layer, crs=crs, method=method,
                                make_valid=make_valid, rules=rules)


def _programme_sites(store, path, *, layer, crs, method, make_valid, rules) -> list[DigSite]:
    p = Path(path)
    working = store.crs
    frame = footprint.read_vector(p, layer, what="programme")
    found = frame.crs
    frame = frame.rename(columns={c: _ALIASES.get(c.lower(), c.lower()) for c in frame.columns
                                  if c != frame.geometry.name})
    if frame.geometry.isna().any():
        row = int(np.flatnonzero(frame.geometry.isna())[0]) + 1
        raise FootprintError(f"programme {p.name}: row {row} has no geometry")
    the_crs, crs_notes = footprint.resolve_crs(crs, found, working, f"programme {p.name}")
    refs = _column(frame, "reference")
    labels = [str(r) if r is not None and r == r else f"{p.name} row {i + 1}"
              for i, r in enumerate(refs.tolist())]
    num = {c: _numbers(_column(frame, c), c, labels) for c in ("width_m", "radius_m", "depth_m")}
    built = footprint.build(
        frame.geometry.to_numpy(), crs=the_crs, working_crs=working, width=num["width_m"],
        radius=num["radius_m"], make_valid=make_valid, extent=store.extent(),
        unknown_accuracy_m=rules.unknown_uncertainty_m if rules is not None else 1.0,
        labels=labels, crs_notes=crs_notes,
    )
    # (as lists: a pandas lookup per site was 3-7 s of a 100,000-site programme)
    methods = _column(frame, "method").fillna(method).astype(str).str.strip().str.lower().tolist()
    text = {c: _column(frame, c).astype(object).where(_column(frame, c).notna(), None).tolist()
            for c in ("description", "usrn", "start", "end")}
    return [
        DigSite(
            footprint=built.geometries[i],
            depth_m=None if np.isnan(num["depth_m"][i]) else float(num["depth_m"][i]),
            method=methods[i], start=parse_date(text["start"][i], f"{labels[i]}: start"),
            end=parse_date(text["end"][i], f"{labels[i]}: end"),
            description=text["description"][i] or "",
            usrn=parse_usrn(text["usrn"][i], f"{labels[i]}: USRN"), reference=labels[i],
            position_accuracy_m=built.position_accuracy_m, notes=tuple(built.notes[i]),
        )
        for i in range(len(frame))
    ]
