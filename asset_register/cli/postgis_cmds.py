"""`roles`, `extract`, `keys`, `sync`: shared PostGIS registers and offline extracts for field work."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ConnectionError_, RulesError, ValidationError
from . import keys_cmd


# What each kind of login may do (docs/security.md, "Roles").
ROLE_HELP = {"viewer": "a viewer (checks and maps)", "planner": "a planner (checks, notices)",
             "editor": "an editor who may import (see --owner)",
             "admin": "an administrator (settings, rules, restricted assets)"}


def _roles(args) -> int:
    from ..store import open_register
    from ..store.credentials import display_name
    from ..store import is_url

    if not is_url(args.register):
        raise ConnectionError_(
            f"{display_name(args.register)!r} is not a PostgreSQL URL: roles exist only on a shared PostGIS "
            "register (postgresql://USER@HOST/DATABASE?schema=NAME); a GeoPackage is protected "
            "by its file permissions")
    password = args.password
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise ValidationError(f"environment variable {args.password_env} is empty or unset")
    if args.owner and not args.create_editor:
        raise ValidationError("--owner grants owners to editors: give it with --create-editor")
    created = {kind: getattr(args, f"create_{kind}") for kind in ROLE_HELP}
    with open_register(args.register) as store:
        names = store.grant_roles()
        print(f"groups {names.viewer} (checks, maps), {names.planner} (+ notices), "
              f"{names.editor} (+ imports of granted owners), {names.admin} (+ settings, "
              f"rules, restricted assets) are set up on schema {store.schema}")
        for kind, logins in created.items():
            for name in logins or []:
                pw = store.create_login(name, kind, password,
                                        owners=args.owner if kind == "editor" else None,
                                        cleared=True if args.restricted else None)
                shown = "" if pw is None else (" (password as given)" if password else
                                               f" with password {pw}")
                scope = f" for owners {', '.join(args.owner or ['*'])}" if kind == "editor" else ""
                cleared = ", cleared for restricted assets" if args.restricted else ""
                print(f"{kind} login {name}{scope}{cleared}{shown}")
        if args.list or not any(created.values()):
            rows = store.logins()
            print("\n".join(f"  {login:<24} {kind}" for login, kind in rows) or "  (no logins yet)")
    return 0


def _rules_text(path: str | None) -> str | None:
    from ..check.rules import load_rules

    if path is None:
        return None
    load_rules(path)  # refuse a bad rules file before writing anything
    try:
        return Path(path).read_text("utf-8")
    except OSError as exc:
        raise RulesError(f"rules file {path!r} cannot be read: {exc}") from None


def _extract(args) -> int:
    from ..extract import make_extract, read_area
    from ..store import open_register

    with open_register(args.source, read_only=True) as src:
        crs = src.crs
    area = read_area(args.area, crs, args.buffer)
    rules = _rules_text(args.rules)
    if args.key and not args.contractor:
        raise ValidationError("--key signs a contractor's extract: give it with --contractor")
    key = None
    if args.contractor:  # refused before anything is written
        from ..signing import load_key

        key = load_key(Path(args.key) if args.key else None)
    s = make_extract(args.source, area, args.out, days=args.days, rules_toml=rules,
                     rules_source=Path(args.rules).name if args.rules else None,
                     restricted_free=args.contractor, signing_key=key)
    print(f"extract {s.path}: {s.assets:,} assets from {s.batches} batches, {s.owners} owners, "
          f"{s.works} planned works; area {s.area.area / 1e6:.3f} km²")
    if args.contractor:
        print("restricted assets are withheld: only their owner and a coarse box are in it")
        print(f"signed by {s.seal.issuer} with key {s.seal.key_id} and read-only; expires "
              f"{s.expires} — the contractor checks it with: asset-register info {s.path}")
        return 0
    print(f"notices issued offline use the prefix {s.notice_prefix}; expires {s.expires} — "
          f"bring notices back with: asset-register sync {s.path} REGISTER")
    return 0


def _sync(args) -> int:
    from ..extract import sync_extract

    s = sync_extract(args.extract, args.target, allow_other_target=args.allow_other_target)
    print(f"synced {args.extract} into the register: {s.notices_added} notices added, "
          f"{s.notices_updated} updated, {s.notices_already} already there; "
          f"{s.responses_added} responses, {s.audit_added} audit entries")
    for ref in s.references:
        print(f"  {ref}")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "roles", help="create viewer/planner/editor/admin logins on a PostGIS register",
        description="Set up the viewer, planner, editor and admin groups of a PostGIS "
                    "register and create logins in them; the server enforces what each may "
                    "do (docs/security.md). Needs a login with the CREATEROLE privilege.")
    p.add_argument("register", help="postgresql://USER@HOST[:PORT]/DATABASE[?schema=NAME]")
    for kind, can in ROLE_HELP.items():
        p.add_argument(f"--create-{kind}", action="append", metavar="NAME",
                       help=f"create (or move) login NAME as {can}; repeatable")
    p.add_argument("--owner", action="append", metavar="CODE",
                   help="owner code the editors created may import (repeatable; default: "
                        "every owner)")
    p.add_argument("--restricted", action="store_true",
                   help="clear the logins created to see restricted assets in full")
    p.add_argument("--password", help="password for the logins created (default: a random one, "
                                      "printed once)")
    p.add_argument("--password-env", metavar="VAR",
                   help="read the password from environment variable VAR instead")
    p.add_argument("--list", action="store_true", help="list the register's logins")
    p.set_defaults(func=_roles)

    p = sub.add_parser(
        "extract", help="write an offline GeoPackage extract of an area for field work",
        description="Copy the live assets in an area (whole, with provenance), owners, owner "
                    "coverage, planned works, settings and rules into a new GeoPackage register "
                    "that expires after --days.")
    p.add_argument("source", help="register to extract from: a .gpkg file or postgresql:// URL")
    p.add_argument("--area", required=True,
                   help="area as WKT in the register's CRS, or a vector file (any CRS)")
    p.add_argument("--buffer", type=float, default=0.0, metavar="M",
                   help="widen the area by M metres (default 0)")
    p.add_argument("--out", required=True, help="new GeoPackage file to write, e.g. site.gpkg")
    p.add_argument("--days", type=int, default=28,
                   help="days until the extract expires and the app warns (default 28)")
    p.add_argument("--rules", help="rules file (TOML) to carry; default: the source's, else "
                                   "the shipped defaults")
    p.add_argument("--contractor", action="store_true",
                   help="a contractor's extract: restricted assets only as their owner and a "
                        "coarse box, never their position or attributes (the check still "
                        "flags them); signed with the authority's key and read-only")
    p.add_argument("--key", metavar="FILE",
                   help="the signing key of a --contractor extract (default: the one "
                        "'asset-register keys new' made)")
    p.set_defaults(func=_extract)

    keys_cmd.register(sub)

    p = sub.add_parser(
        "sync", help="bring notices issued offline in an extract back into the register",
        description="Copy notices, owners' responses and offline audit entries from an extract "
                    "into the register it came from, once; references never collide.")
    p.add_argument("extract", help="the extract (.gpkg) used offline")
    p.add_argument("target", help="the register it came from: .gpkg file or postgresql:// URL")
    p.add_argument("--allow-other-target", action="store_true",
                   help="sync even though TARGET is not the register the extract was made from")
    p.set_defaults(func=_sync)
