"""Checks across the layers of one delivery, made before anything is written (issue 13).

* **Ids that collide across layers.** Two layers whose assets would get the same asset id
  (``<owner>:<id>``) replace each other's rows on import ("43 changed", silently). With the
  user's own profile the import is refused, naming the layers and the fix (``[source]
  id_scope = "layer"``); with the auto-mapper's draft the ids are scoped by layer
  (``<owner>:<layer>/<id>``) and the report says so.
* **Geometry-identical layers.** Layers holding exactly the same geometries (three copies
  of one pipe layer) would put every asset in the register several times: each is named in
  ``inspect``, the dry run and the import summary.

Each layer is read once more for this, as Arrow: the id column and the WKB only.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from asset_register.errors import AssetRegisterError, ImportError_

from .automap import id_candidates, id_problem
from .profiles import Profile
from .readers import fix_text, layer_fields, read_columns
from .sources import Source
from .vocabulary import FIELD_NAMES, norm_name

MAX_EXAMPLES = 3


@dataclass
class LayerKeys:
    """What the checks need of one layer: its source ids (if any) and a geometry digest."""

    ids: set[str] | None
    geometry_digest: str
    features: int


@dataclass
class DeliveryCheck:
    """The findings for one delivery, and the auto-mapper's drafts they may have changed."""

    collisions: list[tuple[str, str, int, list[str]]] = field(default_factory=list)
    duplicates: list[tuple[str, str, int]] = field(default_factory=list)  # layer, same as, n
    scoped: set[str] = field(default_factory=set)  # layers whose drafted ids are scoped
    draft_notes: dict[str, list[str]] = field(default_factory=dict)

    def adjust(self, draft: Profile, layer: str) -> Profile:
        """The auto-mapper's draft for ``layer``, with its ids scoped by layer if they collide;
        its notes (ids refused, units assumed…) go into the layer's report."""
        if layer in self.scoped:
            draft.id_scope = "layer"
        self.draft_notes[layer] = [f"auto-mapper: {n}" for n in draft.notes]
        return draft

    def warnings_for(self, layer: str) -> list[str]:
        out = []
        for a, b, n, ex in self.collisions:
            if layer in (a, b) and layer in self.scoped:
                out.append(f"layers {a!r} and {b!r} share {n:,} source ids (e.g. "
                           f"{', '.join(map(repr, ex))}): ids are scoped by layer "
                           f"(<owner>:{layer}/<id>) so that neither replaces the other's assets")
        for dup, first, n in self.duplicates:
            if layer in (dup, first):
                out.append(f"layers {dup!r} and {first!r} hold the same {n:,} geometries: the "
                           "same assets may be imported twice; import only one of them (--layer)")
        return out

    def messages(self) -> list[str]:
        """Every finding once, for ``inspect``."""
        out = [f"layers {a!r} and {b!r} share {n:,} ids (e.g. {', '.join(map(repr, ex))}): "
               "imported under one owner they would replace each other's assets; use a profile "
               "with [source] id_scope = \"layer\"" for a, b, n, ex in self.collisions]
        out += [f"layers {d!r} and {f!r} hold the same {n:,} geometries: importing both would "
                "put the same assets in the register twice" for d, f, n in self.duplicates]
        return out

    def annotate(self, report) -> None:
        report.warnings[:0] = self.warnings_for(report.layer) + self.draft_notes.get(report.layer, [])


def _read_keys(source: Source, layer: str, id_columns: list[str], *, pick: bool = False
               ) -> LayerKeys | None:
    """The layer's ids and geometry digest, in one read; None when it cannot be read (its
    import says why). With ``pick`` the ids come from the first of ``id_columns`` filled and
    unique in every row (the auto-mapper's choice), else from ``id_columns[0]``."""
    got = _catalogue_keys(source, layer, id_columns)
    if got is not None:
        meta, table = got
    else:
        try:
            meta, table = read_columns(source, layer, id_columns, read_geometry=True)
        except (DataLayerError, DataSourceError, FieldError, GeometryError, pa.ArrowInvalid,
                UnicodeDecodeError, ImportError_):
            return None
    table, _ = fix_text(table)  # Windows-1252 text read as the import reads it
    ids = None
    usable = [c for c in id_columns if c in table.column_names]
    if pick:
        usable = [c for c in usable if id_problem(table.column(c)) is None][:1]
    if usable:
        text = pc.utf8_trim_whitespace(table.column(usable[0]).cast(pa.string()))
        ids = set(pc.unique(pc.drop_null(text)).to_pylist()) - {""}
    geom = meta.get("geometry_name") or "wkb_geometry"
    if geom not in table.column_names:
        geom = next((c for c in table.column_names if c in ("wkb_geometry", "geometry", "geom")),
                    geom)
    digest = ""
    if geom in table.column_names:
        wkb = table.column(geom).to_numpy(zero_copy_only=False)
        hashed = np.sort(pd.util.hash_array(np.asarray(wkb, dtype=object), categorize=False))
        digest = hashlib.sha256(hashed.tobytes()).hexdigest()
    return LayerKeys(ids=ids, geometry_digest=digest, features=len(table))


def _catalogue_keys(source: Source, layer: str, id_columns: list[str]
                    ) -> tuple[dict, pa.Table] | None:
    """The id columns and WKB of a GeoPackage layer read through its catalogue (one SQLite
    connection for every layer, no GDAL open); None: read it through GDAL."""
    cat = source.catalogue()
    if cat is None or layer not in cat.tables:
        return None
    try:
        got = cat.read(layer, id_columns)
    except sqlite3.Error:
        return None
    if got is None:
        return None
    _, wkb, attrs = got
    geom = cat.tables[layer].geometry_column
    return {"geometry_name": geom}, pa.table({**attrs, geom: wkb})


def _auto_id_columns(source: Source, layer: str) -> list[str]:
    """The columns the auto-mapper would consider as ids, most likely first."""
    by_key: dict[str, str] = {}
    try:
        for col in layer_fields(source, layer):
            by_key.setdefault(norm_name(col), col)
    except AssetRegisterError:
        return []
    return id_candidates(FIELD_NAMES["asset_id"], by_key, set())


def _find(keys: dict[str, LayerKeys], scoped_layers: set[str]) -> DeliveryCheck:
    """Collisions and duplicates, each layer against the first earlier layer holding the
    same id (or geometries): linear in the ids, so a delivery of hundreds of copies of one
    layer gives one finding per copy, not one per pair."""
    check = DeliveryCheck()
    names = list(keys)
    first_holder: dict[str, str] = {}
    for b in names:
        kb = keys[b]
        if not kb.ids or b in scoped_layers:
            continue
        shared: dict[str, list[str]] = {}
        for key in kb.ids:
            a = first_holder.setdefault(key, b)
            if a != b:
                shared.setdefault(a, []).append(key)
        for a in sorted(shared, key=names.index):
            common = shared[a]
            check.collisions.append((a, b, len(common), sorted(common)[:MAX_EXAMPLES]))
    first_of: dict[str, str] = {}
    for name in names:
        k = keys[name]
        if not k.features or not k.geometry_digest:
            continue
        if k.geometry_digest in first_of:
            check.duplicates.append((name, first_of[k.geometry_digest], k.features))
        else:
            first_of[k.geometry_digest] = name
    return check


def inspect_delivery(source: Source, layers: list[str]) -> DeliveryCheck:
    """Findings for ``inspect`` (no profile: the ids the auto-mapper would take)."""
    return check_delivery(source, layers, None)


def check_delivery(source: Source, layers: list[str], profile: Profile | None) -> DeliveryCheck:
    """Findings for an import of ``layers`` with ``profile`` (None: the auto-mapper's drafts).
    Raises ImportError_, before anything is written, when the user's profile would let
    layers replace each other's assets; drafts get their ids scoped instead (``adjust``)."""
    if len(layers) < 2:
        return DeliveryCheck()
    keys, scoped = {}, set()
    for name in layers:
        if profile is None:
            id_columns = _auto_id_columns(source, name)
        else:
            prof = profile.for_layer(name)
            rule = prof.fields.get("asset_id")
            id_columns = [rule.source] if rule else []
            if prof.id_scope == "layer":
                scoped.add(name)
        found = _read_keys(source, name, id_columns, pick=profile is None)
        if found is not None:
            keys[name] = found
    check = _find(keys, scoped)
    if check.collisions and profile is not None:
        a, b, n, ex = check.collisions[0]
        raise ImportError_(
            f"layers {a!r} and {b!r} of {source.path.name} share {n:,} asset ids (e.g. "
            f"{', '.join(map(repr, ex))}): imported together they would replace each other's "
            "assets; set [source] id_scope = \"layer\" in the profile (ids become "
            "<owner>:<layer>/<id>) or import the layers one at a time under different owners")
    for a, b, _, _ in check.collisions:  # the drafts are ours to change: scope their ids
        check.scoped.update((a, b))
    return check


# columns that name who owns each row (normalised names); not "ownership" (public/private)
OWNER_COLUMNS = ("owner", "ownercode", "ownername", "assetowner", "operator",
                 "networkoperator", "undertaker", "utilityowner", "beheerder", "netbeheerder",
                 "eigenaar", "bronhouder", "bronhoudercode", "eier", "ejer", "agare",
                 "eigentumer", "ledningseier", "ledningsejer")


def owner_values(source: Source, name: str) -> dict[str, list[str]]:
    """The distinct owners each owner column of a layer names (column → sorted names), read
    as the import reads the text; {} when the layer has no such column or cannot be read
    (its import says why)."""
    if not source.layer_info(name).features:
        return {}
    columns = [f for f in layer_fields(source, name) if norm_name(f) in OWNER_COLUMNS]
    if not columns:
        return {}
    try:
        _, table = read_columns(source, name, columns)
    except (DataLayerError, DataSourceError, FieldError, pa.ArrowInvalid,
            UnicodeDecodeError, ImportError_):
        return {}
    table, _ = fix_text(table)  # Windows-1252 text read as the import reads it
    out = {}
    for column in columns:
        if column in table.column_names:
            text = pc.utf8_trim_whitespace(table.column(column).cast(pa.string()))
            out[column] = sorted(set(pc.unique(pc.drop_null(text)).to_pylist()) - {""})
    return out


def single_owner(source: Source, layers: list[str], owner: str) -> None:
    """Raise ImportError_, before anything is written, when a layer's owner column names
    several owners: imported under one ``--owner`` they would be lumped together, and a dig
    check would send the other owners' conflicts to the wrong company."""
    for name in layers:
        for column, values in owner_values(source, name).items():
            if len(values) > 1:
                shown = ", ".join(values[:MAX_EXAMPLES]) + ("…" if len(values) > MAX_EXAMPLES
                                                            else "")
                raise ImportError_(
                    f"{source.path.name} · {name}: its {column!r} column names {len(values)} "
                    f"owners ({shown}): imported with --owner {owner} they would all become "
                    f"{owner}'s and a dig check would send their conflicts to {owner}; split "
                    f"the file by owner (e.g. ogr2ogr -where \"{column} = '{values[0]}'\" "
                    "part.gpkg FILE) and import each part with its own --owner")


def known_owner_code(store, owner: str) -> None:
    """Raise ImportError_, before anything is written, when ``owner`` differs only in case
    from an owner the register has: 'ofl' beside 'OFL' would be a second owner holding a
    second copy of the same network, each asset listed twice by a dig check."""
    codes = [o.code for o in store.owners()]
    same = [c for c in codes if c.casefold() == owner.casefold()]
    if owner not in codes and same:  # (an owner the register already has is never refused)
        raise ImportError_(
            f"owner {owner!r} differs only in case from the register's owner {same[0]!r}: "
            f"give --owner {same[0]} (owner codes are exact; a new owner {owner!r} would hold "
            "a second copy of its network)")


def one_file_per_layer_name(plan: list[tuple[str, list[str] | None]]) -> None:
    """Refuse, before anything is written, files of one import (``(path, layers or None for
    all)``) holding a layer of the same name: they are one delivery (<owner>:<layer>), so
    the later file would supersede the earlier one and retire its assets (north/mains.csv,
    then south/mains.csv). KLIC / INSPIRE deliveries are left out of ``plan``: their
    operators' deliveries are their own."""
    from .sources import open_source

    first: dict[str, str] = {}
    for path, layers in plan:
        for name in layers or open_source(path).layer_names():
            earlier = first.setdefault(name, str(path))
            if earlier != str(path):
                raise ImportError_(
                    f"{earlier} and {path} both hold layer {name!r}, one delivery of the owner: "
                    "imported together the second would retire the first's assets; add "
                    "--append to keep both, or import each with --area FILE of its own area")
