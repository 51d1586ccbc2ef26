"""`init`, `info` and `settings`: create a register, describe it, set it up."""

from __future__ import annotations

import json

from .. import settings as reg
from ..crs_names import DEFAULT_CRS
from . import audit_cmd, settings_cmd


def _init(args) -> int:
    from ..store import create_register  # the geo stack: only when the command runs

    if args.authority_code:  # refused before the register is created
        reg.setting("authority_code").parse(args.authority_code)
    with create_register(args.register, crs=args.crs) as store:
        if args.authority_name:
            reg.write(store, "authority_name", args.authority_name)
        if args.authority_code:
            reg.write(store, "authority_code", args.authority_code)
        print(f"created register {store.location} (working CRS {store.crs.to_string()}, "
              f"schema version {store.schema_version})")
    return 0


def _fmt_counts(counts: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items()) or "none"


def _info(args) -> int:
    from ..store import open_register

    with open_register(args.register, read_only=True) as store:
        stats = store.stats()
        stats["location"] = store.location
        stats["migrations"] = [
            {"version": v, "name": n, "applied_at": a} for v, n, a in store.applied_migrations()
        ]
        stats["authority"] = {
            "name": reg.raw(store, "authority_name"),
            "code": reg.raw(store, "authority_code"),
        }
        stats["owner_contacts"] = [o.__dict__ for o in store.owners()]
        seal = store.seal_verdict()
        if seal is not None:
            stats["signed_extract"] = {"intact": seal.ok, "issuer": seal.issuer,
                                       "key_id": seal.key_id, "signed_at": seal.signed_at,
                                       "problem": seal.problem or None}
        name = store.display
    intact = 0 if seal is None or seal.ok else 3  # a changed signed extract: exit code 3
    if args.json:
        print(json.dumps(stats, indent=2, default=str))
        return intact
    ext = stats["extent"]
    lines = [
        f"register        {stats['location']}",
        f"working CRS     {stats['crs']}   schema version {stats['schema_version']}",
        f"live assets     {stats['assets']:,}   (retired versions {stats['retired_versions']:,})",
        f"extent          {'empty' if ext is None else ', '.join(f'{v:.1f}' for v in ext)}",
        f"owners          {stats['owners']}   import batches {stats['batches']}   "
        f"rejected rows {stats['rejects']:,}",
        f"by utility      {_fmt_counts(stats['by_utility'])}",
        f"by status       {_fmt_counts(stats['by_status'])}",
        "by owner        " + _fmt_counts(stats["by_owner"]),
    ]
    if stats["data_age"]:
        lines.append("latest delivery")
        lines += [f"  {o:<12}  {a['latest_delivery']}  ({a['batches']} batches)"
                  for o, a in stats["data_age"].items()]
    if seal is not None:
        lines.append(seal.line(name))
    print("\n".join(lines))
    return intact


def register(sub) -> None:
    p = sub.add_parser("init", help="create a new, empty register",
                       description="Create a new register (a GeoPackage file).")
    p.add_argument("register", help="path of the new register file, e.g. town.gpkg")
    p.add_argument("--crs", default=DEFAULT_CRS,
                   help=f"working CRS (projected, metres); default {DEFAULT_CRS} British "
                   "National Grid")
    p.add_argument("--authority-name", help="the authority's name, shown on notices")
    p.add_argument("--authority-code", help="prefix of notice references, e.g. WSX")
    p.set_defaults(func=_init)

    p = sub.add_parser("info", help="describe a register: counts, extent, owners, data age")
    p.add_argument("register", help="register file (.gpkg)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_info)

    settings_cmd.register(sub)
    audit_cmd.register(sub)
