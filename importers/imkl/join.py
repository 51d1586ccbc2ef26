"""The link/feature join: IMKL and INSPIRE network features → canonical asset records.

In IMKL 2.x and INSPIRE Utility Networks a cable or pipe feature carries the
attributes and points with ``net:link`` (xlink:href) at ``UtilityLink`` features
that carry the geometry; ``net:inNetwork`` points at its network (``Utiliteitsnet``
with its ``thema``), and — in a KLIC delivery — each network belongs to a network
operator (``Belanghebbende`` → ``Beheerder`` with its ``bronhoudercode``). This
module resolves all of that into one record per asset (owner, canonical values,
every original attribute) plus rejects, owners and the delivery's request polygons.
Annotations, dimension lines, labels and other drawing aids are counted, not kept.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from asset_register.model import Owner

from . import vocab
from .parse import Feature, Geom

_OPERATOR_ID = re.compile(r"^nl\.imkl[-.]([A-Za-z0-9]+)[._]")  # "nl.imkl.KL…" seen too


@dataclass
class Record:
    """One asset (or reject) before its geometry is built."""

    owner: str | None
    source_id: str
    values: dict
    attrs: dict
    geoms: list[Geom]
    network: str | None = None
    reason: str | None = None  # set for a reject


@dataclass
class Joined:
    """Everything a delivery holds, resolved (geometries still as coordinate arrays)."""

    kind: str
    records: list[Record] = field(default_factory=list)
    owners: dict[str, Owner] = field(default_factory=dict)
    requests: dict[str, list[Geom]] = field(default_factory=dict)
    depths: list[tuple[list[str], str | None, float, Geom | None]] = field(default_factory=list)
    reference: str | None = None  # KLIC meldnummer
    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    operators: set[str] = field(default_factory=set)  # INSPIRE networks' authorityRole parties


def _strip(ref: str) -> str:
    """The gml:id an xlink names: ``#id``, or the fragment of a document URL (``file.gml#id``)."""
    return ref.rsplit("#", 1)[1] if "#" in ref else ref


def _first(props: dict, *keys) -> str | None:
    for k in keys:
        v = props.get(k)
        if isinstance(v, list):
            v = v[0]
        if v:
            return str(v)
    return None


def _operator_of(gml_id: str) -> str | None:
    m = _OPERATOR_ID.match(gml_id or "")
    return m.group(1) if m else None


def _owners(beheerders: list[Feature], belangen: dict[str, list[Feature]]) -> dict[str, Owner]:
    """One Owner per network operator, contacts from the Beheerder and its Belang records."""
    out = {}
    for b in beheerders:
        code = _first(b.props, "bronhoudercode") or _operator_of(b.gml_id)
        if not code:
            continue
        p = dict(b.props)
        for bel in belangen.get(code, []):
            for k, v in bel.props.items():
                p.setdefault(f"belang.{k}", v)
        # a Belang's omschrijving ("Gas, regio Noord-Oost") describes one interest, not the
        # operator: without a name the code stands (and the register keeps a name it has)
        name = _first(p, "naam", "organisatie.naam", "bedrijfsnaam") or code
        phone = _first(p, "telefoon", "organisatie.telefoon", "contact.telefoon",
                       "contactpersoon.telefoon",
                       "belang.contactNetinformatie.telefoon")
        emergency = _first(p, "contactBeschadiging.telefoon", "belang.contactBeschadiging.telefoon",
                           "contactStoring.telefoon", "belang.contactStoring.telefoon")
        email = _first(p, "email", "organisatie.email", "contact.email", "contactpersoon.email",
                       "belang.contactNetinformatie.email")
        out[code] = Owner(code, name, phone, emergency, email)
    return out


def _geometry_of(f: Feature, links: dict[str, Feature], used: set[str]
                 ) -> tuple[list[Geom], list[str]]:
    """A feature's own geometry, else the geometries of the links it references: an
    INSPIRE UtilityLinkSequence (or Set) is followed to the UtilityLinks its directed links
    name. Every link visited is added to ``used``."""
    own = [g for g in f.geoms.values() if g.parts]
    if own:
        return own[:1], []
    geoms: list[Geom] = []
    missing: list[str] = []
    seen: set[str] = set()  # this feature's links: a link named twice (or a cycle) once
    todo = [(_strip(h), 0) for h in f.refs.get("link", [])]
    while todo:
        h, depth = todo.pop(0)
        if h in seen:
            continue
        seen.add(h)
        used.add(h)
        link = links.get(h)
        if link is None:
            missing.append(h)
            continue
        drawn = [g for g in link.geoms.values() if g.parts]
        geoms += drawn
        if not drawn and depth < 3:
            todo += [(_strip(r), depth + 1)
                     for r in link.refs.get("link", []) + link.refs.get("link.link", [])]
    return geoms, missing


def _values(f: Feature, cls: str, utility: str, theme: tuple | None, net: Feature | None) -> dict:
    p = f.props
    volts, bar = vocab.voltage_v(p), vocab.pressure_bar(p)
    voltage = vocab.voltage_class(volts) if volts else (theme[1] if theme else None)
    pressure = vocab.pressure_class(bar) if bar is not None else (theme[2] if theme else None)
    depth, source = vocab.depth_m(p), "recorded"
    if depth is None and net is not None and cls in ("cable", "pipe", "duct", "other"):
        depth, source = vocab.number(net.props, "standaardDieptelegging"), "standard"
    if cls == "fitting":
        kind = vocab.code(p.get("appurtenanceType")) or vocab.code(
            p.get("specificAppurtenanceType")) or ""  # INSPIRE's for types beyond its list
        cls = ("valve" if any(w in kind for w in vocab.VALVE_WORDS) else
               "hydrant" if any(w in kind for w in vocab.HYDRANT_WORDS) else cls)
    if cls == "other":
        cls = "pipe" if bar is not None or p.get("pipeDiameter") else "cable" if volts else cls
    # a pipe's pressure is kept for gas and for the oil, fuel and chemicals a hazardous
    # pipeline carries (its class from the value; the theme's pressure hint is gas's own)
    piped = utility in ("gas", "hazardous_pipeline")
    if utility == "hazardous_pipeline":
        pressure = vocab.pressure_class(bar) if bar is not None else None
    return {
        "utility": utility, "asset_class": cls,
        "status": vocab.STATUS.get(vocab.code(p.get("currentStatus")) or "", "unknown"),
        "depth_m": depth, "depth_source": source if depth is not None else None,
        "diameter_mm": vocab.diameter_mm(p),
        "pressure": pressure if piped else None,
        "voltage": voltage if utility == "electricity" else None,
        "pressure_bar": bar if piped else None,
        "voltage_v": volts if utility == "electricity" else None,
        "material": vocab.material(p),
        "h_accuracy_m": vocab.accuracy_m(p.get("geoNauwkeurigheidXY")),
        "_volts": volts, "_bar": bar,
    }


def _utility(f: Feature, net: Feature | None, default: str | None) -> tuple[str, tuple | None]:
    theme = None
    for source in (net.props if net else {}, f.props):
        theme = vocab.THEMES.get(vocab.code(source.get("thema")) or "")
        if theme:
            return theme[0], theme
    if default == "gas":  # an oil/gas/chemicals pipe: what it carries decides
        product = vocab.code(f.props.get("oilGasChemicalsProductType")) or ""
        if product and not any(w in product for w in vocab.GAS_PRODUCTS):
            return "hazardous_pipeline", None
    if net is not None:
        u = vocab.NETWORK_UTILITY.get(vocab.code(net.props.get("utilityNetworkType")) or "")
        if u:
            return (default if u in ("other", "gas") and default else u), None
    return default or "other", None


def _parties(net: Feature) -> set[str]:
    """Who a network's ``authorityRole`` names: its parties' organisation names, else a
    party given only as a reference (a code); contacts, people and the role code list are
    not parties of their own."""
    names, codes = set(), set()
    for key, value in net.props.items():
        if not key.startswith("authorityRole") or key.endswith(("_uom", "_nilReason")):
            continue
        for v in value if isinstance(value, list) else [value]:
            text = str(v).strip()
            if not text:
                continue
            if "organisationName" in key:
                names.add(text)
            elif key == "authorityRole" and "RelatedPartyRoleValue" not in text:
                codes.add(text.rstrip("/").rsplit("/", 1)[-1] if "://" in text else text)
    return names or codes


def _source_id(f: Feature) -> str | None:
    return _first(f.props, "inspireId.localId", "identificatie.lokaalID") or (
        re.sub(r"^nl\.imkl[-.]", "", f.gml_id) if f.gml_id else None)


def _add_ev_document(attrs: dict, operator: str | None, net: Feature | None,
                     docs: list[Feature]) -> None:
    """A precaution zone's requirement document: the operator's EisVoorzorgsmaatregelBijlage
    for the zone's theme (its code, explanation and the attached file), under
    ``eisVoorzorgsmaatregelBijlage.*`` in attrs."""
    theme = vocab.code(net.props.get("thema")) if net is not None else None
    for d in docs:
        if _operator_of(d.gml_id) == operator and vocab.code(d.props.get("thema")) == theme:
            for k in ("eisVoorzorgsmaatregel", "toelichting", "bestandLocatie"):
                if d.props.get(k):
                    attrs[f"eisVoorzorgsmaatregelBijlage.{k}"] = d.props[k]
            attrs.setdefault("eisVoorzorgsmaatregel", d.props.get("eisVoorzorgsmaatregel"))
            return


def join(features: Iterable[Feature], kind: str, owner: str | None = None) -> Joined:
    """Resolve links, networks and operators (see module docstring). ``features`` is read
    once (a stream): only what the join needs is kept, drawing aids are only counted."""
    out = Joined(kind=kind)
    links, nets, beheerders = {}, {}, []
    belangen: dict[str, list[Feature]] = defaultdict(list)
    net_owner: dict[str, str] = {}
    assets: list[Feature] = []
    ev_docs: list[Feature] = []
    stakeholders: list[Feature] = []
    for f in features:
        t = f.type
        out.counts[t] += 1
        if t in vocab.LINK_TYPES:
            links[f.gml_id] = f
        elif t in vocab.NETWORK_TYPES:
            nets[f.gml_id] = f
        elif t == "Beheerder":
            beheerders.append(f)
        elif t == "Belang":
            code = _operator_of(f.gml_id)
            if code:
                belangen[code].append(f)
        elif t == "Belanghebbende":
            stakeholders.append(f)
        elif t == "EisVoorzorgsmaatregelBijlage":
            ev_docs.append(f)
            out.skipped[t] += 1
        elif t in vocab.ASSET_TYPES or t in vocab.PRECAUTION_TYPES:
            assets.append(f)
        elif t in vocab.REQUEST_POLYGONS:
            # its `geometrie`; `geometrieVoorVisualisatie` is the same area drawn for display
            shapes = [g for k, g in f.geoms.items() if g.parts and k != "geometrieVoorVisualisatie"]
            out.requests.setdefault(t, []).extend(shapes)
        elif t in vocab.DEPTH_TYPES:
            d = vocab.number(f.props, "dieptePeil") if t != "DiepteNAP" else None
            if d is None and t == "DiepteNAP":
                top, level = (vocab.number(f.props, "maaiveldPeil"),
                              vocab.number(f.props, "dieptePeil"))
                d = top - level if top is not None and level is not None else None
            if d is not None and d >= 0:
                targets = [_strip(h) for k, hs in f.refs.items() if k != "inNetwork" for h in hs]
                geom = next((g for g in f.geoms.values() if g.parts), None)
                net = next(iter(f.refs.get("inNetwork", [])), None)
                out.depths.append((targets, net and _strip(net), d, geom))
            out.skipped[t] += 1
        elif t == "GebiedsinformatieAanvraag":
            out.reference = _first(f.props, "klicMeldnummer") or out.reference
        else:
            out.skipped[t] += 1
    for f in stakeholders:
        boss = next((_strip(h) for h in f.refs.get("netbeheerder", [])), None)
        code = next((_first(b.props, "bronhoudercode") for b in beheerders
                     if b.gml_id == boss), None) or _operator_of(f.gml_id)
        for h in f.refs.get("utiliteitsnet", []):
            if code:
                net_owner[_strip(h)] = code
    if kind == "imkl":
        out.owners = _owners(beheerders, belangen)
    else:
        out.operators = {name for net in nets.values() for name in _parties(net)}
    used_links = set()
    for f in assets:
        net_id = next((_strip(h) for h in f.refs.get("inNetwork", [])), None)
        net = nets.get(net_id) if net_id else None
        who = owner or net_owner.get(net_id or "") or _operator_of(f.gml_id) or _operator_of(net_id or "")
        cls, default = ("precaution_zone", None) if f.type in vocab.PRECAUTION_TYPES \
            else vocab.ASSET_TYPES[f.type]
        utility, theme = _utility(f, net, default)
        geoms, missing = _geometry_of(f, links, used_links)
        values = _values(f, cls, utility, theme, net)
        attrs = {"featureType": f.type, "gml_id": f.gml_id, **f.props}
        if theme and "thema" not in attrs:
            attrs["thema"] = net.props.get("thema") if net else None
        if values["_volts"] is not None:
            attrs["voltage_v"] = values["_volts"]
        if values["_bar"] is not None:
            attrs["pressure_bar"] = values["_bar"]
        if cls == "precaution_zone":
            _add_ev_document(attrs, who, net, ev_docs)
        sid = _source_id(f)
        reason = None
        if not geoms:
            reason = (f"no geometry: its link(s) {', '.join(missing[:3])} are not in the delivery"
                      if missing else "no geometry and no link to a UtilityLink")
        elif who is None:
            reason = "no network operator: its network names no Beheerder (bronhoudercode)"
        elif not sid:
            reason = "no identifier (gml:id, inspireId or identificatie)"
        out.records.append(Record(who, sid or "", values, attrs, geoms, net_id, reason))
        if who and kind == "imkl" and who not in out.owners:
            out.owners[who] = Owner(who, who)
    orphans = [k for k in links if k not in used_links]
    if orphans:
        out.notes.append(f"{len(orphans)} UtilityLink geometries are referenced by no cable, pipe "
                         "or container feature: not imported as assets")
    return out
