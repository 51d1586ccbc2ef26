"""`asset-register deviation add|list|export|acknowledge|resolve`: what was found on site
against the record, sent to the owner and tracked until a re-delivery resolves it (thin over
``asset_register.deviations``)."""

from __future__ import annotations

import json


def _add(args) -> int:
    from ..deviations import add_report
    from ..store import open_register

    found = {k: v for k, v in (("depth_m", args.depth), ("material", args.material),
                               ("diameter_mm", args.diameter), ("status", args.status))
             if v is not None}
    with open_register(args.register) as store:
        new_id = add_report(
            store, args.kind, asset_id=args.asset, position=args.at, crs=args.crs,
            accuracy_m=args.accuracy, utility=args.utility, owner=args.owner, found=found,
            notes=args.notes, photos=args.photo or (), photo_folder=args.photo_folder,
            reference=args.reference)
        row = store.deviations().set_index("deviation_id").loc[new_id]
    what = f"asset {row['asset_id']}" if isinstance(row["asset_id"], str) else \
        f"{row['utility']} asset"
    owner = row["owner"] if isinstance(row["owner"], str) else "owner unknown"
    print(f"deviation report {new_id} recorded: {args.kind}, {what} ({owner}); "
          "send it with 'asset-register deviation export'")
    return 0


def _list(args) -> int:
    from ..deviations import reports
    from ..store import open_register

    with open_register(args.register, read_only=True) as store:
        frame = reports(store, owner=args.owner, status=args.status, open_only=args.open)
    if args.json:
        rows = frame.to_dict("records")  # reports() already gives every null as None
        print(json.dumps(rows, indent=1, ensure_ascii=False, default=str))
        return 0
    if frame.empty:
        print("no deviation reports in the register")
        return 0
    for r in frame.itertuples():
        what = r.asset_id if isinstance(r.asset_id, str) else f"({r.utility})"
        acc = "" if r.accuracy_m is None else f" ±{r.accuracy_m:g} m"
        found = ", ".join(f"{k} {v}" for k, v in r.found.items() if k not in ("utility", "owner"))
        print(f"{r.deviation_id:>4} {r.status:<12} {r.kind:<10} {what:<14} "
              f"{r.owner if isinstance(r.owner, str) else '?':<8}{acc}"
              f"{'  ' + found if found else ''}"
              f"{'  resolved: ' + r.resolution if isinstance(r.resolution, str) else ''}")
    return 0


def _export(args) -> int:
    from ..deviations.export import export_reports
    from ..store import open_register

    with open_register(args.register) as store:
        written = export_reports(store, args.folder, owner=args.owner, resend=args.resend)
    if not written:
        print("no reports to send (all sent already: --resend writes them again)")
        return 0
    for owner, files in written.items():
        print(f"{owner}: " + ", ".join(f.name for f in files))
    print(f"reports marked sent; files in {args.folder}")
    return 0


def _status(status: str):
    def run(args) -> int:
        from ..store import open_register

        with open_register(args.register) as store:
            n = store.set_deviation_status(args.ids, status,
                                           resolution=getattr(args, "reason", None))
        print(f"{n} of {len(args.ids)} report{'s' if len(args.ids) != 1 else ''} {status}"
              + ("" if n == len(args.ids) else " (the others were further on already)"))
        return 0

    return run


def register(sub) -> None:
    p = sub.add_parser("deviation", help="report to owners what was found on site, and track it")
    dsub = p.add_subparsers(dest="deviation_command", metavar="ACTION", required=True)
    q = dsub.add_parser("add", help="record what was found on site",
                        description="Record a deviation: an asset found elsewhere (--at, "
                        "--accuracy), not found where recorded, found but not recorded (--at, "
                        "--utility, --owner if known) or with other attributes (--depth, "
                        "--material, --diameter, --status).")
    q.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    q.add_argument("kind", choices=["elsewhere", "not_found", "unrecorded", "attributes"])
    q.add_argument("--asset", help="asset id in the register (not for 'unrecorded')")
    q.add_argument("--at", metavar="WKT", help="measured position: a point or line")
    q.add_argument("--crs", help="CRS of --at (default: the register's working CRS)")
    q.add_argument("--accuracy", type=float, metavar="M", help="accuracy of --at in metres")
    q.add_argument("--utility", help="utility of an unrecorded asset")
    q.add_argument("--owner", help="owner code of an unrecorded asset, if known")
    q.add_argument("--depth", type=float, metavar="M", help="depth found (m)")
    q.add_argument("--material", help="material found")
    q.add_argument("--diameter", type=float, metavar="MM", help="diameter found (mm)")
    q.add_argument("--status", help="status found (e.g. abandoned)")
    q.add_argument("--notes", help="what was seen on site")
    q.add_argument("--photo", action="append", metavar="FILE", help="a site photo (repeatable)")
    q.add_argument("--photo-folder", help="where photos are copied (default: beside a .gpkg)")
    q.add_argument("--reference", help="the dig or notice reference")
    q.set_defaults(func=_add)
    q = dsub.add_parser("list", help="list deviation reports")
    q.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    q.add_argument("--owner", help="only this owner's reports")
    q.add_argument("--status", choices=["new", "sent", "acknowledged", "resolved"])
    q.add_argument("--open", action="store_true", help="leave out resolved reports")
    q.add_argument("--json", action="store_true", help="JSON output")
    q.set_defaults(func=_list)
    q = dsub.add_parser("export", help="write each owner's PDF, GeoJSON (and IMKL-style JSON) "
                        "and mark the reports sent")
    q.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    q.add_argument("folder", help="folder for the owners' files")
    q.add_argument("--owner", help="only this owner's reports")
    q.add_argument("--resend", action="store_true", help="include reports sent already")
    q.set_defaults(func=_export)
    q = dsub.add_parser("acknowledge", help="the owner acknowledged reports")
    q.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    q.add_argument("ids", nargs="+", type=int, metavar="ID")
    q.set_defaults(func=_status("acknowledged"))
    q = dsub.add_parser("resolve", help="close reports by hand, with the reason")
    q.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    q.add_argument("ids", nargs="+", type=int, metavar="ID")
    q.add_argument("--reason", required=True, help="why it is resolved")
    q.set_defaults(func=_status("resolved"))
