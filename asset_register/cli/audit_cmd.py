"""`asset-register audit verify|export`: check the audit log's hash chain; an owner's
data-sharing report (who looked at my assets, when and why)."""

from __future__ import annotations

from pathlib import Path


def _verify(args) -> int:
    from ..errors import AuditChainError
    from ..store import open_register
    from ..store.audit_chain import verify

    with open_register(args.register, read_only=True) as store:
        log, name, seal = store.audit_log(), store.display, store.seal_verdict()
    if seal is not None and not seal.ok:
        raise AuditChainError(seal.line(name))
    if args.key_id and (seal is None or seal.key_id != args.key_id.strip().lower()):
        raise AuditChainError(
            f"{name!r} is not signed with key {args.key_id}"
            + (f": it is signed with key {seal.key_id} ({seal.issuer}) — compare the id the "
               "authority published; do not rely on it if they differ" if seal else
               ": it is not a signed extract"))
    verdict = verify(log, expect_head=args.head)
    if not verdict.ok:
        where = f" (first bad entry {verdict.bad_id})" if verdict.bad_id is not None else ""
        raise AuditChainError(f"the audit log of {name!r} does not verify{where}: "
                              f"{verdict.problem}")
    started = log.loc[log["action"] == "audit_chain_started", "id"]
    since = (f"chain starts at the upgrade (entry {int(started.iloc[0])})" if len(started)
             else "chained since the register was created")
    print(f"audit log of {name} verifies: {verdict.entries} entries, {since}; "
          f"head hash {verdict.head}")
    if seal is not None:
        print(seal.line(name))
    return 0


def _export(args) -> int:
    from ..audit_report import use_report, write_report
    from ..errors import ValidationError
    from ..store import open_register
    from ..use_log import record_export

    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".json"):
        raise ValidationError(f"--out {args.out!r} must end in .csv or .json")
    if not out.parent.is_dir():
        raise ValidationError(f"folder {str(out.parent)!r} of --out does not exist: create it")
    with open_register(args.register, read_only=True) as store:
        frame, verdict = use_report(store, args.owner, args.since)
        write_report(frame, out, register=store.display, owner=args.owner, since=args.since,
                     verdict=verdict)
        record_export(store, "audit report", out, owners=[args.owner] if args.owner else (),
                      count=len(frame))
    who = f"owner {args.owner}" if args.owner else "every owner"
    print(f"{len(frame)} uses of the register concerning {who} written to {out}")
    if not verdict.ok:
        print(f"WARNING: the audit log does not verify: {verdict.problem}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("audit", help="verify the audit log; an owner's data-sharing report",
                       description="The register's tamper-evident audit log.")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser(
        "verify", help="check the hash chain: names the first edited, deleted, inserted or "
        "reordered entry", description="Re-compute every entry's SHA-256 and its link to the "
        "one before; prints the head hash to keep outside the register (a later --head check "
        "catches a log rewritten or cut back since).")
    v.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    v.add_argument("--head", help="a head hash printed by an earlier verify: it must still be "
                   "in the log")
    v.add_argument("--key-id", metavar="ID",
                   help="a signed extract must be signed with this key (the id the authority "
                        "published, e.g. 3f2a-91c0-77de-0b14)")
    v.set_defaults(func=_verify)
    e = asub.add_parser(
        "export", help="who looked at an owner's assets: checks, searches, extracts, exports, "
        "notices", description="Every use of the register (purpose, user, time, footprint, "
        "result) whose footprint or results touch the owner's assets or coverage.")
    e.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    e.add_argument("--owner", help="owner code (default: every use)")
    e.add_argument("--since", help="only uses from this date (YYYY-MM-DD, UTC)")
    e.add_argument("--out", required=True, help="report file, .csv or .json")
    e.set_defaults(func=_export)
