"""The dig-site options `check` and `notice` share, so both read a footprint alike."""

from __future__ import annotations

from ..check.methods import METHODS


def add_site_arguments(p, *, programme: bool = False) -> None:
    """Footprint source, CRS, trench width / point radius, depth, method, dates, rules."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--wkt", help="footprint as WKT or EWKT (SRID=4326;POLYGON(...))")
    src.add_argument("--footprint", metavar="FILE", help="footprint file (GeoJSON or any vector file)")
    src.add_argument("--delivery-area", metavar="REF", help="the dig polygon of an imported KLIC/"
                     "IMKL delivery: its KLIC number or a batch id it wrote (docs/imkl.md)")
    if programme:
        src.add_argument("--programme", metavar="FILE",
                         help="programme of works: one dig site per feature (batch check)")
    p.add_argument("--crs", help="CRS of the footprint when the input does not state it "
                   "(default: the register's working CRS)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--width", type=float, metavar="M", help="trench width for a centre line")
    size.add_argument("--radius", type=float, metavar="M", help="radius for a point")
    p.add_argument("--depth", type=float, metavar="M", help="planned depth (advisory only)")
    p.add_argument("--method", choices=METHODS, default="mechanical")
    p.add_argument("--start", metavar="DATE", help="planned start, YYYY-MM-DD")
    p.add_argument("--end", metavar="DATE", help="planned end, YYYY-MM-DD")
    p.add_argument("--description", help="description of the works")
    p.add_argument("--usrn", help="USRN of the street (coordination with works on it)")
    p.add_argument("--rules", metavar="FILE", help="rules file (TOML); default: the register's "
                   "rules setting, else the shipped rules")
    p.add_argument("--make-valid", action="store_true",
                   help="repair a self-intersecting footprint with make_valid (check the result)")


def apply_delivery_area(store, args) -> None:
    """With ``--delivery-area REF``: the delivery's dig polygon becomes the WKT footprint
    (it is kept in the register's working CRS) and, unless given, the dig's reference."""
    ref = getattr(args, "delivery_area", None)
    if not ref:
        return
    from ..deliveries import delivery_area  # shapely: only when a command runs

    area = delivery_area(store, ref)
    args.wkt = area.footprint.wkt
    args.crs = store.crs.to_string()
    if hasattr(args, "reference") and not args.reference:
        args.reference = f"KLIC {area.reference}"
