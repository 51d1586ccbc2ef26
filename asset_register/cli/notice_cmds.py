"""`notice`, `respond`, `notices`, `notice-settings`: coordinated work notices from the CLI."""

from __future__ import annotations

import json
import sys

from .. import settings as reg
from ..errors import AssetRegisterError, NoticeError, NotFoundError
from ..notices.datefmt import weekday_date
from ..notices.vocab import RESPONSE_STATUSES, SM_CHOICES, SM_DEFAULTS
from .settings_cmd import set_by_user
from .site_args import add_site_arguments, apply_delivery_area

# The geo stack (store, check, notice frames) is imported inside each command, so
# `--help` and `--version` start without it (tests/core/test_cli_imports.py).


def _roll_back_interrupted(store) -> None:
    """Notice exports killed midway are rolled back at the next command (notices/recovery.py)."""
    from ..notices.recovery import recover

    for line in recover(store):
        print(f"note: {line}", file=sys.stderr)


def _notice(args) -> int:
    from ..check import Checker, rules_for
    from ..check.programme import single_site
    from ..notices.pack import write_notice_pack  # reportlab: only when a pack is written
    from ..store import open_register

    with open_register(args.register) as store:
        store.refuse_if_sealed()
        _roll_back_interrupted(store)
        rules = rules_for(store, args.rules)
        promoter = args.promoter or reg.read(store, "promoter_name")
        if not promoter:
            raise NoticeError("no promoter given: name the organisation proposing the works "
                              "with --promoter NAME (or set 'promoter_name' with "
                              "asset-register settings)")
        apply_delivery_area(store, args)
        site = single_site(
            store, wkt=args.wkt, path=args.footprint, crs=args.crs, width=args.width,
            radius=args.radius, depth=args.depth, method=args.method, start=args.start,
            end=args.end, description=args.description or "", usrn=args.usrn,
            make_valid=args.make_valid, rules=rules)
        with Checker(store, rules) as checker:
            result = checker.check(site)
        sm = {"activity_type": args.activity_type,
              "traffic_management_type": args.traffic_management,
              "location_types": sorted(set(args.location_type)) if args.location_type else None,
              "application_type": args.application_type, "work_type": args.work_type}

        def progress(fraction, message):
            if args.verbose:
                print(f"  {fraction:4.0%}  {message}", file=sys.stderr)

        pack = write_notice_pack(
            store, result, args.out, promoter=promoter, promoter_contact=args.promoter_contact,
            promoter_phone=args.promoter_phone, promoter_email=args.promoter_email,
            promoter_swa_code=args.promoter_swa, issue=not args.draft, reissue=args.reissue,
            street_manager=sm, scheme=args.scheme, rules=rules,
            accept_short_notice=args.accept_short_notice, progress=progress)
    s = result.summary()
    print(f"notice {pack.reference} v{pack.version} {pack.status}, owners respond by "
          f"{weekday_date(pack.respond_by)}, valid until {weekday_date(pack.valid_until)}")
    if pack.detail.get("short_notice"):
        print(f"SHORT NOTICE: {pack.detail['short_notice']}")
    print(f"conflicts {s['conflicts']} (strike {s['strike']}, danger {s['danger']}, "
          f"caution {s['caution']}); owners affected "
          f"{', '.join(pack.owner_files) or 'none'}")
    if pack.detail.get("confidence"):  # also in the summary PDF and the manifest
        print(f"confidence in the records here: {pack.detail['confidence']['grade']}")
        for reason in pack.detail["confidence"]["reasons"]:
            print(f"  {reason}")
    print(f"pack      {pack.folder}")
    for name, digest in pack.files.items():
        print(f"  {name:<32} sha256 {digest[:16]}…")
    for w in pack.warnings:
        print(f"WARNING: {w}")
    return 0


def _respond(args) -> int:
    from ..notices.lifecycle import notice_overview, record_response
    from ..store import open_register

    with open_register(args.register) as store:
        store.refuse_if_sealed()
        _roll_back_interrupted(store)
        record_response(store, args.reference, args.owner, args.status, args.note, args.by)
        overview = notice_overview(store)
    row = overview[overview["reference"] == args.reference.strip().upper()].iloc[0]
    left = ", ".join(row["outstanding"]) or "none"
    print(f"recorded {args.owner} {args.status} on {row['reference']}; outstanding: {left}")
    return 0


def _notice_detail(store, reference: str, as_json: bool) -> int:
    """Every version of one notice and each notified owner's latest answer."""
    from ..notices.lifecycle import notified_owners

    reference = reference.strip().upper()
    versions = store.notices(reference)
    if versions is None or not len(versions):
        raise NotFoundError(f"notice {reference!r} is not in the register")
    latest = versions.sort_values("version").iloc[-1]
    answers = store.responses(reference)
    last = {} if answers is None or not len(answers) else \
        answers.groupby("owner").tail(1).set_index("owner").to_dict("index")
    owners = notified_owners(latest)
    rows = [{"owner": o, "status": last.get(o, {}).get("status", "awaiting"),
             "note": last.get(o, {}).get("note"), "recorded_at": last.get(o, {}).get("recorded_at")}
            for o in owners]
    if as_json:
        print(json.dumps({"reference": reference, "versions": versions[
            ["version", "status", "created_at", "created_by", "issued_at", "valid_until",
             "folder", "content_hash"]].to_dict("records"), "responses": rows}, indent=1,
            default=str))
        return 0
    for v in versions.itertuples(index=False):
        print(f"{reference} v{v.version}  {v.status:<10} created {v.created_at} by "
              f"{v.created_by or '?'}  valid until {v.valid_until}  {v.folder or ''}")
    for r in rows:
        note = f"  ({r['note']})" if r["note"] else ""
        print(f"  {r['owner']:<10} {r['status']:<22} {r['recorded_at'] or ''}{note}")
    return 0


def _notices(args) -> int:
    from ..notices.lifecycle import notice_overview
    from ..notices.recovery import pending
    from ..store import open_register
    from ..waits import at_most

    if args.reference:
        with open_register(args.register, read_only=True) as store:
            return _notice_detail(store, args.reference, args.json)
    with open_register(args.register, read_only=True) as store:
        interrupted = bool(pending(store))
        if not interrupted:
            frame = notice_overview(store)
    if interrupted:  # roll them back first where the register is writable and free; else
        try:         # just list them (a listing never waits for a writer)
            with at_most(0), open_register(args.register) as store:
                _roll_back_interrupted(store)
        except AssetRegisterError:
            pass
        with open_register(args.register, read_only=True) as store:
            frame = notice_overview(store)
    if args.outstanding:
        frame = frame[frame["outstanding"].map(len) > 0]
    if args.json:
        print(frame.to_json(orient="records", indent=1))
        return 0
    if not len(frame):
        print("no notices" + (" with outstanding responses" if args.outstanding else ""))
        return 0
    header = f"{'reference':<16} {'v':>2} {'status':<10} {'valid until':<12} {'conf':>4} " \
             f"{'answered':>8}  outstanding"
    print(header)
    print("-" * len(header))
    for r in frame.itertuples(index=False):
        valid = (r.valid_until or "-") + ("*" if r.expired else "")
        print(f"{r.reference:<16} {r.version:>2} {r.status:<10} {valid:<12} "
              f"{'-' if r.conflicts is None or r.conflicts != r.conflicts else int(r.conflicts):>4} "
              f"{r.answered:>3}/{r.owners:<4}  {', '.join(r.outstanding) or '-'}")
    if frame["expired"].any():
        print("* validity expired: re-issue before work starts")
    return 0


# Option of `notice-settings` -> register setting (asset_register.settings).
_OPTIONS = {"authority_name": "authority_name", "prefix": "notice_prefix",
            "validity_days": "notice_validity_working_days", "authority_swa": "authority_swa_code",
            "promoter_swa": "promoter_swa_code", "promoter_name": "promoter_name",
            "colour_scheme": "colour_scheme", "rules": "rules", "country": "authority_country"}


def _settings(args) -> int:
    from ..notices import reference as ref
    from ..store import open_register

    changes = {key: getattr(args, name) for name, key in _OPTIONS.items()
               if getattr(args, name) is not None}
    for key, value in changes.items():  # every value refused before anything is stored
        if key == "rules":
            from ..check.rules import read_rules_file

            read_rules_file(value)
        else:
            reg.setting(key).parse(value)
    layers = None
    if args.reference or args.no_references:
        from ..notices.sitelayers import layer_entries

        layers = [e for f in args.reference or [] for e in layer_entries(f)]  # refused first
    with open_register(args.register, read_only=not changes and layers is None) as store:
        if layers is not None:
            kept = [] if args.no_references else (reg.read(store, "reference_layers") or [])
            reg.write(store, "reference_layers", json.dumps(list(dict.fromkeys(kept + layers))))
        for key, value in changes.items():
            set_by_user(store, key, value)
        current = ref.read_settings(store)
        values = {key: reg.raw(store, key) for key in _OPTIONS.values() if key != "rules"}
        values["rules"] = reg.describe_rules(store)
        values["reference_layers"] = reg.read(store, "reference_layers") or []
    print(json.dumps({"settings": values, "reference_prefix": current.prefix,
                      "country": current.country, "working_days": current.calendar,
                      "validity_working_days": current.validity_days,
                      "warnings": current.warnings}, indent=1))
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "notice", help="check a dig and write its coordinated notice pack",
        description="Check a proposed dig and write its notice pack into OUT/<reference>: "
        "summary.pdf, one PDF per affected owner, conflicts.geojson (WGS 84), "
        "conflicts.csv, manifest.json and, for a British authority, conflicts-bng.geojson "
        "and street-manager-work.json (elsewhere conflicts-working-crs.geojson). "
        "The notice is recorded in the register with the files' SHA-256.")
    p.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    add_site_arguments(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder the pack is written in")
    p.add_argument("--promoter", metavar="NAME", help="organisation proposing the works")
    p.add_argument("--promoter-contact", metavar="NAME", help="contact person")
    p.add_argument("--promoter-phone", metavar="TEL")
    p.add_argument("--promoter-email", metavar="EMAIL")
    p.add_argument("--promoter-swa", metavar="CODE", help="promoter's Street Manager SWA code")
    p.add_argument("--draft", action="store_true", help="write a watermarked draft, not issued")
    p.add_argument("--reissue", metavar="REFERENCE", help="issue a new version of this notice")
    p.add_argument("--accept-short-notice", action="store_true",
                   help="issue although the works start in the past or sooner than the rules' "
                   "notice period (emergency or immediate works); every PDF says so")
    p.add_argument("--scheme", choices=["njug", "apwa"], help="utility colour code of the map")
    for key, flag in (("activity_type", "--activity-type"),
                      ("traffic_management_type", "--traffic-management"),
                      ("application_type", "--application-type"), ("work_type", "--work-type")):
        p.add_argument(flag, choices=SM_CHOICES[key], metavar="KIND",
                       dest=key if key != "traffic_management_type" else "traffic_management",
                       help=f"Street Manager {key}: one of {', '.join(SM_CHOICES[key])} "
                       f"(default {SM_DEFAULTS[key]})")
    p.add_argument("--location-type", action="append", choices=SM_CHOICES["location_types"],
                   metavar="KIND", help="Street Manager location type, repeat for several: "
                   f"{', '.join(SM_CHOICES['location_types'])} (default carriageway)")
    p.add_argument("-v", "--verbose", action="store_true", help="show progress")
    p.set_defaults(func=_notice)

    r = sub.add_parser("respond", help="record an owner's response to a notice",
                       description="Record an owner's response (positive-response tracking).")
    r.add_argument("register")
    r.add_argument("reference", help="notice reference, e.g. LBX-2026-00042")
    r.add_argument("owner", help="owner code")
    r.add_argument("status", choices=sorted(RESPONSE_STATUSES))
    r.add_argument("--note", help="free text, e.g. the owner's own reference")
    r.add_argument("--by", help="who recorded the response")
    r.set_defaults(func=_respond)

    n = sub.add_parser("notices", help="list notices and outstanding owner responses")
    n.add_argument("register")
    n.add_argument("--outstanding", action="store_true", help="only notices awaiting responses")
    n.add_argument("--reference", help="one notice: its versions and every owner's answer")
    n.add_argument("--json", action="store_true")
    n.set_defaults(func=_notices)

    s = sub.add_parser("notice-settings", help="show or set the authority's notice settings",
                       description="The notice settings as options; 'asset-register settings' "
                       "lists, shows and sets every setting.")
    s.add_argument("register")
    s.add_argument("--authority-name", help="street authority named on every notice")
    s.add_argument("--prefix", help="reference prefix (letters/digits, up to 8), e.g. LBX")
    s.add_argument("--validity-days", type=int, help="validity in working days (default 20)")
    s.add_argument("--authority-swa", help="highway authority Street Manager SWA code")
    s.add_argument("--promoter-swa", help="default promoter Street Manager SWA code")
    s.add_argument("--promoter-name", help="default promoter name")
    s.add_argument("--colour-scheme", choices=["njug", "apwa"])
    s.add_argument("--country", metavar="CODE", type=str.upper,
                   help="the authority's country (ISO code, e.g. GB, NL, IE); GB notices give OS "
                   "grid references, skip England & Wales bank holidays and cite HSG47. Default: "
                   "from the register's CRS (British National Grid: GB)")
    s.add_argument("--rules", metavar="FILE", help="the authority's rules file (TOML): stored in "
                   "the register by content, so every check and notice of it, on every PC, "
                   "uses these rules ('default': the shipped rules)")
    s.add_argument("--reference", action="append", metavar="FILE",
                   help="a reference file (streets with a USRN column, buildings) whose layers "
                   "notices use to check the USRN and draw the map backdrop; repeat for several")
    s.add_argument("--no-references", action="store_true",
                   help="forget the reference files set before (then add any --reference)")
    s.set_defaults(func=_settings)
