"""`asset-register works import|list`: the planned works the dig check coordinates with."""

from __future__ import annotations

import json


def _import(args) -> int:
    from ..check.coordination import read_works_file  # the geo stack: only when it runs
    from ..inputs import naming
    from ..store import open_register

    with open_register(args.register) as store:
        with naming(args.file, "works file"):
            works = read_works_file(args.file, args.crs, working_crs=store.crs, layer=args.layer)
        n = store.add_works(works)
        where = store.display  # never echo a password in a URL
    print(f"imported {n} planned works from {args.file} into {where} "
          "(existing references replaced)")
    return 0


def _list(args) -> int:
    from ..store import open_register

    with open_register(args.register, read_only=True) as store:
        works = store.works()
    if args.json:
        rows = works.drop(columns=works.geometry.name).astype(object)
        rows = rows.where(rows.notna(), None)
        rows["footprint_wkt"] = works.geometry.to_wkt(rounding_precision=3).to_numpy()
        print(json.dumps(rows.to_dict("records"), indent=1, ensure_ascii=False, default=str))
        return 0
    if not len(works):
        print("no planned works in the register")
        return 0
    for r in works.itertuples():
        print(f"{r.reference:<16} {r.status or '-':<10} {r.start_date or '?'} to {r.end_date or '?'}  "
              f"usrn {r.usrn or '-':<10} {r.promoter or '-':<12} {r.description or ''}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("works", help="planned works: import and list (for coordination)")
    wsub = p.add_subparsers(dest="works_command", metavar="ACTION", required=True)
    q = wsub.add_parser("import", help="import planned works from GeoJSON / vector file / CSV",
                        description="Import planned works (one per feature; CSV needs a 'wkt' "
                        "column). Columns: reference (required), description, promoter, usrn, "
                        "street, depth_m, method, start_date, end_date, status.")
    q.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    q.add_argument("file", help="GeoJSON, any vector file pyogrio reads, or CSV with a wkt column")
    q.add_argument("--crs", help="CRS of a CSV or of a file without one")
    q.add_argument("--layer", help="layer of a multi-layer file")
    q.set_defaults(func=_import)
    q = wsub.add_parser("list", help="list the planned works in the register")
    q.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    q.add_argument("--json", action="store_true", help="JSON output")
    q.set_defaults(func=_list)
