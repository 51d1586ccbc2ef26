"""`asset-register check`: the dig check from the command line (one site or a programme)."""

from __future__ import annotations

import os
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

from ..errors import ValidationError
from ..lazy import isna
from .site_args import add_site_arguments, apply_delivery_area


def _fmt(v, digits=2) -> str:
    if v is None or v != v:
        return "-"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _contact(o: dict) -> str:
    parts = [o.get("name") or "(no contact details in register)"]
    parts += [f"{k.replace('_', ' ')} {o[k]}" for k in ("phone", "emergency_phone", "email") if o.get(k)]
    return ", ".join(parts)


def render(result, register: str) -> str:
    """The human-readable report of one CheckResult."""
    site, s = result.site, result.summary()
    out = [
        f"Dig check of {register}   rules {result.rules_version}   "
        f"distances 2D in {result.crs}",
        f"site       {site.reference or '(unnamed)'}  {site.description}".rstrip(),
        f"footprint  {site.footprint.geom_type}, area {site.footprint.area:.1f} m², method "
        f"{site.method}, depth {_fmt(site.depth_m)} m, dates {site.start or '?'} to {site.end or '?'}",
        "",
        f"CONFLICTS: {s['conflicts']}  (strike {s['strike']}, danger {s['danger']}, "
        f"caution {s['caution']})",
    ]
    c = result.conflict_columns()  # (arrays: the report needs no frame)
    rows_of = {k: v.tolist() if hasattr(v, "tolist") else list(v) for k, v in c.items()
               if k != "geometry"}
    n = len(rows_of["severity"])
    rows = [dict(zip(rows_of, values, strict=True)) for values in zip(*rows_of.values(), strict=True)]
    if n:
        # (an unrecorded asset found on site, from a deviation report, has no class or status)
        table = [[r["severity"].upper(), r["asset_id"], r["owner"], r["utility"],
                  _fmt(r["asset_class"]), _fmt(r["status"]) + (" !" if r["abandoned"] else ""),
                  f"{r['distance_m']:.3f}",
                  f"{r['clearance_m']:.3f}", _fmt(r["uncertainty_m"]), _fmt(r["depth_m"]),
                  r["risk_class"] + (" (class unknown)" if r["class_basis"] == "unknown" else "")]
                 for r in rows]
        out += _table(table, ["severity", "asset", "owner", "utility", "class", "status",
                              "dist m", "clear m", "unc m", "depth m", "rule"])
        out += ["", "Precautions:"]
        general = {r["risk_class"]: r["precaution"].split(" Recorded as")[0]
                   .split(" Class unknown:")[0] for r in rows}
        for cls, text in general.items():
            out += textwrap.wrap(f"{cls}: {text}", 100, initial_indent="  ", subsequent_indent="    ")
        for r in rows:
            # (a restricted asset shown masked has no class either, and its own precaution)
            if r["class_basis"] != "unknown" or " Class unknown:" not in r["precaution"]:
                continue
            note = "Class unknown:" + r["precaution"].split(" Class unknown:")[1].split(" Recorded as")[0]
            out += textwrap.wrap(f"{r['asset_id']}: {note}", 100, initial_indent="  ? ",
                                 subsequent_indent="    ")
        if any(r["abandoned"] for r in rows):
            out.append("  ! abandoned/disused: treat as live until the owner confirms it is dead")
        for r, missing in zip(rows, isna(c["depth_note"]).tolist(), strict=True):
            if not missing:
                out.append(f"  depth: {r['asset_id']}: {r['depth_note']}")
    out += ["", "Owners affected (contact them):"]
    out += [f"  {o['owner']:<10} {o['conflicts']} conflict(s), worst {o['worst_severity']}"
            f"{', CONTACT REQUIRED' if o['contact_required'] else ''} — {_contact(o)}"
            for o in result.owners_affected] or ["  none"]
    out += ["Owners with data here and no assets affected:"]
    out += [f"  {o['owner']:<10} {_contact(o)}" for o in result.owners_no_conflict] or ["  none"]
    out += ["Owners with NO DATA coverage here (absence of records is not absence of assets):"]
    out += [f"  {o['owner'] or o.get('utility'):<10} {o['reason']}" for o in result.owners_no_data] \
        or ["  none"]
    out += ["Planned works to coordinate with:"]
    w = result.works_columns()
    if w is not None and len(w["geometry"]):
        works = zip(*(w[k].tolist() for k in ("reference", "promoter", "start_date", "end_date",
                                              "distance_m", "reason", "description")), strict=True)
        out += [f"  {ref:<14} {promoter or '-':<10} {start or '?'} to {end or '?'}  "
                f"{dist:.1f} m  ({reason})  {desc or ''}"
                for ref, promoter, start, end, dist, reason, desc in works]
    else:
        out.append("  none")
    if result.confidence is not None:
        out.append(f"Confidence in the records here: {result.confidence['grade']}")
        out += [f"  {reason}" for reason in result.confidence["reasons"]]
    for a in result.advice:
        out.append(f"Advice: {a}")
    for warning in result.warnings:
        out.append(f"WARNING: {warning}")
    return "\n".join(out)


@contextmanager
def _output(path: str | None):
    """The text stream the report goes to: stdout, or the file ``path``, written under a
    temporary name beside it and renamed when complete. A failure, Ctrl-C or a kill while
    writing leaves no half-written file under the result's name (a file already there stays
    as it was; a kill leaves the temporary ``.NAME.PID.part``, never read)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    part.unlink(missing_ok=True)  # (left by a killed run that had this process id)
    try:
        with open(part, "x", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _check_out(path: str | None) -> None:
    """Refuse an output file that could not be written, before the check runs."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise ValidationError(f"--out {path!r} is a folder: give a file name, e.g. results.json")
    if not target.parent.is_dir():
        raise ValidationError(f"--out {path!r}: folder {str(target.parent)!r} does not exist: "
                              "create it or write elsewhere")


def _check(args) -> int:
    # The geo stack is imported when the command runs, not for --help (test_cli_imports.py).
    from ..check import Checker, rules_for
    from ..check.programme import programme_sites, single_site
    from ..store import display_name, open_register

    from ..use_log import purpose_for, record_batch, record_check

    _check_out(args.out)
    with open_register(args.register, read_only=True) as store, \
            Checker(store, rules := rules_for(store, args.rules)) as checker:
        purpose = purpose_for(store, args.purpose)
        if args.programme:
            sites = programme_sites(store, args.programme, layer=args.layer, crs=args.crs,
                                    method=args.method, make_valid=args.make_valid, rules=rules)
            batch = checker.check_many(sites)
            record_batch(store, batch, purpose=purpose, reference=args.reference,
                         source=args.programme)
            with _output(args.out) as out:
                if args.json:
                    # written a part of the sites at a time, as json.dumps of the whole
                    # document would give it (a programme's JSON can be hundreds of MB)
                    batch.write_json(out)
                    out.write("\n")
                    return 0
                summary = batch.summary()
                rows = [[str(r.reference), str(r.conflicts), str(r.strike), str(r.danger),
                         str(r.caution), ", ".join(affected) or "-", str(works), str(warnings)]
                        for r, (affected, works, warnings) in zip(
                            summary.itertuples(), batch.overview(), strict=True)]
                out.write(f"Programme check of {store.location}: {len(batch)} sites, rules "
                          f"{rules.version}, {batch.seconds:.2f} s\n")
                out.write("\n".join(_table(rows, ["site", "conflicts", "strike", "danger",
                                                  "caution", "owners affected", "works",
                                                  "warnings"])) + "\n")
                out.write("Run with --json for every conflict, owner and warning per site.\n")
            return 0
        apply_delivery_area(store, args)
        site = single_site(
            store, wkt=args.wkt, path=args.footprint, layer=args.layer, crs=args.crs, width=args.width,
            radius=args.radius, depth=args.depth, method=args.method, start=args.start,
            end=args.end, description=args.description or "", usrn=args.usrn,
            reference=args.reference, make_valid=args.make_valid, rules=rules,
        )
        result = checker.check(site)
        record_check(store, result, purpose=purpose, reference=args.reference)
    with _output(args.out) as out:
        out.write((result.to_json(indent=1) if args.json
                   else render(result, display_name(args.register))) + "\n")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="dig check: conflicts, owners to contact, works to coordinate",
        description="Check a proposed dig against the register: every asset within its "
        "effective clearance (safety clearance + record uncertainty + CRS accuracy + half "
        "width), affected owners, owners with no data, overlapping planned works.",
    )
    p.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    add_site_arguments(p, programme=True)
    p.add_argument("--layer", help="layer of a multi-layer footprint or programme file")
    p.add_argument("--reference", help="your reference for the dig")
    p.add_argument("--purpose", help="why you are checking (e.g. 'design enquiry for ABC-123'): "
                   "recorded in the audit log; required on a shared (PostGIS) register")
    p.add_argument("--json", action="store_true", help="JSON output (documented in the README)")
    p.add_argument("--out", metavar="FILE", help="write the report to FILE instead of the "
                   "screen (complete or not at all: written beside it, then renamed)")
    p.set_defaults(func=_check)
