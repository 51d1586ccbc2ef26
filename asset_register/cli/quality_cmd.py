"""`asset-register quality REGISTER [--area WKT] [--crs CRS] [--owner CODE] [--json]`: the
register's data quality per owner, for an area or the whole register (docs/quality.md)."""

from __future__ import annotations

import json


def _quality(args) -> int:
    from ..quality import quality_report
    from ..quality.text import report_text
    from ..store import open_register

    with open_register(args.register, read_only=True) as store:
        report = quality_report(store, area=args.area, crs=args.crs, owners=args.owner or None)
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        print(report_text(report))
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "quality", help="data quality per owner: coverage, gaps, accuracy, record age",
        description="How far the register's records can be trusted, per owner, for an area "
        "or the whole register: coverage (km²) and the gaps no owner of a utility covers, the "
        "share of records with a stated accuracy or PAS 128 quality level, delivery and "
        "capture dates, open deviation reports, and the attributes the dig-check rules need "
        "(pressure, voltage, depth) that records lack.")
    p.add_argument("register", help="register file (.gpkg) or PostGIS URL")
    p.add_argument("--area", metavar="WKT", help="a polygon (WKT) to report on; default the "
                   "whole register")
    p.add_argument("--crs", help="CRS of --area (default the register's working CRS)")
    p.add_argument("--owner", action="append", metavar="CODE",
                   help="only this owner's rows (repeatable); totals stay whole")
    p.add_argument("--json", action="store_true",
                   help="machine-readable output (schema asset-register/quality/1)")
    p.set_defaults(func=_quality)
