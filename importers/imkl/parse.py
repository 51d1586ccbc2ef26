"""Streaming, offline-safe reading of IMKL 2.x and INSPIRE Utility Networks GML.

The file is read in chunks through the standard library's pull parser and each
feature (a child of ``featureMember``/``member``/``featureMembers``) is turned into
a small ``Feature`` — its attributes flattened to ``name`` / ``parent.child`` keys,
its ``xlink:href`` references, its geometries as coordinate arrays — and then
dropped from the tree, so memory stays flat whatever the file size.

Nothing in a file can make this reach the network or blow up: no schema, code list
or xlink is ever fetched, and a file with a document type declaration (the only
place entities, external or internal, can be declared) is refused before any
element is read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from asset_register.errors import ImportError_

GML_NS = ("http://www.opengis.net/gml/3.2", "http://www.opengis.net/gml")
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
GML_IDS = tuple(f"{{{ns}}}id" for ns in GML_NS)
MEMBERS = {"featureMember", "member", "featureMembers", "members"}
GEOMETRY_TYPES = {
    "Point", "LineString", "Curve", "Polygon", "Surface", "MultiCurve", "MultiLineString",
    "MultiSurface", "MultiPolygon", "MultiPoint", "CompositeCurve", "OrientableCurve",
}
CHUNK = 1 << 20
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class Geom:
    """One GML geometry: kind ``point``/``line``/``polygon`` and its parts.

    ``parts`` holds coordinate arrays (n × 2): one per point or line; for polygons one
    list of rings (exterior first) per polygon.
    """

    kind: str
    parts: list
    srs: str | None = None


@dataclass
class Feature:
    """A feature as read: type, gml:id, flattened attributes, references, geometries."""

    type: str
    namespace: str
    gml_id: str
    props: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)  # property name -> [href, …]
    geoms: dict = field(default_factory=dict)  # property name -> Geom


_LOCAL: dict[str, str] = {}
_NS: dict[str, str] = {}


def _local(tag: str) -> str:
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rsplit("}", 1)[-1]
    return name


def _ns(tag: str) -> str:
    ns = _NS.get(tag)
    if ns is None:
        ns = _NS[tag] = tag[1:tag.index("}")] if tag.startswith("{") else ""
    return ns


def _put(props: dict, key: str, value) -> None:
    old = props.get(key)
    if old is None:
        props[key] = value
    elif isinstance(old, list):
        old.append(value)
    else:
        props[key] = [old, value]


def _numbers(text: str | None, what: str) -> np.ndarray:
    text = text or ""
    try:
        if "," not in text:
            return np.array(text.split(), dtype=float)
        return np.array(text.replace(",", " ").split(), dtype=float)
    except ValueError:
        raise ImportError_(f"a {what} holds coordinates that are not numbers "
                           f"({(text or '')[:40]!r}): the file is damaged") from None


def _dim(el: ET.Element, default: int) -> int:
    d = el.get("srsDimension")
    return int(d) if d and d.isdigit() and int(d) in (2, 3) else default


def _points(el: ET.Element, dim: int) -> np.ndarray:
    """Coordinates (n × dim) under one LineString/segment/ring/Point element."""
    pos_list = [c for c in el if _local(c.tag) in ("posList", "coordinates")]
    if pos_list:
        c = pos_list[0]
        d = _dim(c, dim)
        vals = _numbers(c.text, _local(el.tag))
    else:
        ps = [c for c in el.iter() if _local(c.tag) == "pos"]
        d = _dim(ps[0], dim) if ps else dim
        vals = _numbers(" ".join(p.text or "" for p in ps), _local(el.tag))
    if len(vals) % d:
        raise ImportError_(f"a {_local(el.tag)} has {len(vals)} numbers, not a multiple of its "
                           f"dimension {d}: the file is damaged")
    return vals.reshape(-1, d)


def _line(el: ET.Element, dim: int) -> np.ndarray:
    """A LineString or Curve (its segments joined) as one coordinate array."""
    if _local(el.tag) == "LineString":
        return _points(el, dim)
    segs = [_points(s, dim) for s in el.iter()
            if _local(s.tag) in ("LineStringSegment", "Arc", "ArcString", "GeodesicString")]
    if not segs:
        return np.zeros((0, dim))
    out = [segs[0]]
    for s in segs[1:]:
        out.append(s[1:] if len(s) and np.array_equal(s[0], out[-1][-1]) else s)
    return np.concatenate(out)


def _rings(poly: ET.Element, dim: int) -> list[np.ndarray]:
    rings = []
    for bound in poly.iter():
        if _local(bound.tag) not in ("exterior", "interior", "outerBoundaryIs", "innerBoundaryIs"):
            continue
        for ring in bound:
            if _local(ring.tag) == "LinearRing":
                rings.append(_points(ring, dim))
            else:  # gml:Ring of curve members
                rings.append(np.concatenate([_line(c, dim) for c in ring.iter()
                                             if _local(c.tag) in ("LineString", "Curve")]))
    return rings


def read_geometry(g: ET.Element) -> Geom:
    """A GML geometry element as a Geom (lines of a MultiCurve stay separate parts)."""
    kind = _local(g.tag)
    dim = _dim(g, 2)
    srs = g.get("srsName")
    if kind == "LineString":
        return Geom("line", [_points(g, dim)], srs)
    if kind == "Curve":
        return Geom("line", [_line(g, dim)], srs)
    if kind in ("Point", "MultiPoint"):
        pts = [_points(p, dim) for p in g.iter() if _local(p.tag) == "Point"]
        return Geom("point", [p[0] for p in pts if len(p)], srs)
    if kind in ("Polygon", "Surface", "MultiSurface", "MultiPolygon"):
        polys = [_rings(p, dim) for p in g.iter() if _local(p.tag) in ("Polygon", "PolygonPatch")]
        return Geom("polygon", [r for r in polys if r], srs)
    # MultiCurve / MultiLineString / CompositeCurve / OrientableCurve: each member a part
    lines, inside = [], set()
    for e in g.iter():
        if _local(e.tag) in ("LineString", "Curve") and id(e) not in inside:
            lines.append(_line(e, dim))
            inside.update(id(x) for x in e.iter())
    return Geom("line", lines, srs)


def _flatten(el: ET.Element, prefix: str, props: dict, refs: dict) -> None:
    """Leaves of a nested property as ``prefix.leaf`` (type wrappers like Contact skipped)."""
    for child in el:
        name = _local(child.tag)
        key = prefix if name[:1].isupper() else f"{prefix}.{name}"
        href = child.get(XLINK_HREF)
        if href:
            refs.setdefault(key, []).append(href)
            _put(props, key, href)
        elif len(child):
            _flatten(child, key, props, refs)
        elif child.text and child.text.strip():
            _put(props, key, child.text.strip())
            if child.get("uom"):
                props[f"{key}_uom"] = child.get("uom")


def read_feature(el: ET.Element) -> Feature:
    """One feature element → Feature (attributes, references, geometries)."""
    props: dict = {}
    refs: dict = {}
    geoms: dict = {}
    for child in el:
        name = _local(child.tag)
        href = child.get(XLINK_HREF)
        if href is not None:
            if href:
                refs.setdefault(name, []).append(href)
                _put(props, name, href)
        elif len(child):
            first = child[0]
            if _local(first.tag) in GEOMETRY_TYPES and _ns(first.tag) in GML_NS:
                geoms[name] = read_geometry(first)
            else:
                _flatten(child, name, props, refs)
        else:
            text = child.text
            if text and (text := text.strip()):
                _put(props, name, text)
                uom = child.get("uom")
                if uom:
                    props[f"{name}_uom"] = uom
            elif child.get(XSI_NIL) in ("true", "1") and child.get("nilReason"):
                props[f"{name}_nilReason"] = child.get("nilReason")
    gml_id = el.get(GML_IDS[0]) or el.get(GML_IDS[1]) or ""
    return Feature(_local(el.tag), _ns(el.tag), gml_id, props, refs, geoms)


def iter_features(stream: IO[bytes], name: str,
                  skip: frozenset[str] = frozenset()) -> Iterator[Feature]:
    """Every feature of a GML FeatureCollection, read in chunks (see module docstring).

    Only end events are asked for (half the events of start+end): when a member element
    ends, its features are read and the member is emptied. Features whose type is in
    ``skip`` come back with their type and id only (drawing aids: most of a delivery)."""
    parser = ET.XMLPullParser(events=("end",))
    started = False  # an element has ended: the prolog (where a DTD would be) is behind us
    tail = b""
    try:
        while True:
            chunk = stream.read(CHUNK)
            if not started and _DTD.search(tail + chunk):
                raise ImportError_(
                    f"{name} declares a document type (DTD/entities): refusing to read it, since "
                    "IMKL and INSPIRE GML never need one; ask for a plain GML export")
            tail = chunk[-16:]
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            for _, el in parser.read_events():
                started = True
                if _local(el.tag) in MEMBERS:
                    for feature in el:
                        if _local(feature.tag) in skip:
                            yield Feature(_local(feature.tag), _ns(feature.tag), "")
                        else:
                            yield read_feature(feature)
                    el.clear()  # done with this member: free its content
            if not chunk:
                return
    except ET.ParseError as exc:
        raise ImportError_(f"{name} is not well-formed XML ({exc}): the delivery is damaged or "
                           "truncated; ask for it again") from None


def sniff(head: bytes) -> str | None:
    """'imkl' or 'inspire' from the first bytes of a GML file, else None."""
    if b"geostandaarden.nl/imkl" in head or b"geonovum.nl/wion" in head \
            or b"geonovum.nl/imkl" in head:  # IMKL2015 1.x and its drafts: the same model
        return "imkl"
    if b"inspire.ec.europa.eu/schemas/us-net-" in head:
        return "inspire"
    return None
