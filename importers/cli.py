"""CLI commands of the importers: ``import``, ``inspect``, ``profile``, ``rejects``, ``sample``.

Registered through the ``asset_register.cli`` entry point (``importers.cli:register``).
"""

from __future__ import annotations

import json
import sys
import threading
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from asset_register.errors import ImportError_, NotFoundError, ValidationError

if TYPE_CHECKING:
    from .job import ImportJob, LayerReport

# The geo stack (store, readers, profiles) is imported inside each command, so `--help`
# and `--version` start without it (tests/core/test_cli_imports.py).


def crs_summary(source_crs: str | None, transformation: str, accuracy_m: float) -> str:
    """The layer's CRS and how it reaches the register, as the import report and the import
    wizard's preview say it."""
    if transformation.startswith("none"):
        return f"{source_crs}, the register's own: no transformation"
    return (f"{source_crs} → register via {transformation} "
            f"(accuracy ±{accuracy_m:g} m, carried into the conflict clearance)")


class Bar:
    """A one-line progress bar on stderr when it is a terminal (silent otherwise)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.last = ""

    def __call__(self, fraction: float, message: str) -> None:
        if not self.enabled:
            return
        width = 28
        done = int(round(max(0.0, min(1.0, fraction)) * width))
        line = f"\r[{'#' * done}{'.' * (width - done)}] {fraction * 100:5.1f}% {message[:60]:<60}"
        if line != self.last:
            sys.stderr.write(line)
            sys.stderr.flush()
            self.last = line

    def close(self) -> None:
        if self.enabled and self.last:
            sys.stderr.write("\r" + " " * len(self.last) + "\r")
            sys.stderr.flush()


def format_report(r: LayerReport) -> str:
    """Human-readable summary of one layer's import."""
    head = f"{Path(r.source).name} · {r.layer} → {r.status}"
    if r.batch_id is not None:
        head += f" (batch {r.batch_id}, delivery {r.delivery})"
    lines = [head]
    if r.status in ("imported", "dry run", "all rejected"):
        lines.append(f"  read {r.rows_read:,}  imported {r.imported:,}  repaired {r.repaired:,}  "
                     f"rejected {r.rejected:,}")
    would = "would be " if r.status == "dry run" else ""
    lines.append(f"  diff ({r.scope} delivery): {r.added:,} {would}added, {r.changed:,} "
                 f"{would}changed, {r.unchanged:,} unchanged, {r.retired:,} {would}retired, "
                 f"{r.rejected:,} rejected")
    if r.transformation:
        lines.append(f"  CRS: {crs_summary(r.source_crs, r.transformation, r.accuracy_m)}")
    if r.rejects_by_reason:
        lines.append("  rejects: " + "; ".join(f"{why} ×{n}" for why, n in r.rejects_by_reason.items()))
    lines += [f"  note: {w}" for w in r.warnings]
    return "\n".join(lines)


def _utility(value: str | None) -> str | None:
    """``--utility``, refused unless it is one of the data model's utilities."""
    from asset_register.model import Utility

    if value is not None and value not in {u.value for u in Utility}:
        raise ValidationError(f"--utility {value!r} is not a utility of the data model: give one "
                              f"of {', '.join(u.value for u in Utility)}")
    return value


def _import(args) -> int:
    from asset_register.inputs import naming

    from .delivery_checks import one_file_per_layer_name
    from asset_register.store import open_register

    from .delivery_checks import known_owner_code
    from .imkl import find_delivery, import_delivery
    from .interrupt import run_interruptible
    from .job import ImportJob
    from .scope import read_area

    if args.profile and args.auto:
        raise ImportError_("give either --profile FILE or --auto, not both")
    if any(not str(path).strip() for path in args.paths):  # "" would be read as "."
        raise ImportError_("no file given (a path is empty): give the path of each delivery")
    _utility(args.utility)
    if args.area and args.append:
        raise ImportError_("give either --area FILE (an area extract) or --append (additions), "
                           "not both")
    if args.force_crs and not args.assume_crs:
        raise ImportError_("--force-crs overrides declared CRSs with --assume-crs: give --assume-crs EPSG:n too")
    if len(args.paths) > 1 and not args.append:
        one_file_per_layer_name([(path, args.layer) for path in args.paths
                                 if args.profile or args.layer or find_delivery(path) is None])
    bar = Bar(not args.json)
    reports: list[LayerReport] = []
    jobs: list[ImportJob] = []
    done: list[bool] = []  # the enclosing transaction of several files committed
    try:
        with open_register(args.register) as store:
            store.refuse_if_sealed()
            if args.owner:
                known_owner_code(store, args.owner)
            stop = threading.Event()
            scope = "area" if args.area else "append" if args.append else "network"
            area = read_area(args.area, store.crs) if args.area else None

            def work():
                # several files: one transaction, so the command is all or nothing
                with store.atomic() if len(args.paths) > 1 and not args.dry_run else nullcontext():
                    for path in args.paths:
                        with naming(path, ""):  # every error names the file it is about
                            import_one(path)
                if len(args.paths) > 1 and not args.dry_run:
                    done.append(True)
                    bar(1.0, "committed")

            def import_one(path):
                if not (args.profile or args.layer) and find_delivery(path) is not None:
                    # IMKL/KLIC or INSPIRE-UN: its own reader, one batch per operator
                    reports.extend(import_delivery(
                        store, path, owner=args.owner, owner_name=args.owner_name,
                        assume_crs=args.assume_crs, dry_run=args.dry_run, progress=bar,
                        scope=None if scope == "network" else scope, area=area,
                        confirm_retire=args.confirm_retire, cancel=stop.is_set))
                    return
                if not args.owner:
                    raise ImportError_("give the owner of the data with --owner CODE "
                                       "(only IMKL/KLIC deliveries name their operators)")
                jobs.append(ImportJob(
                    store, path, owner=args.owner, owner_name=args.owner_name,
                    layers=args.layer, all_layers=args.all_layers, profile=args.profile,
                    utility=args.utility, assume_crs=args.assume_crs,
                    force_crs=args.force_crs,
                    dry_run=args.dry_run, progress=bar, scope=scope, area=area,
                    area_source=str(args.area) if args.area else None,
                    confirm_retire=args.confirm_retire))
                reports.extend(jobs[-1].run())

            def cancel():
                stop.set()
                for job in jobs[-1:]:
                    job.cancel()
                store.interrupt()

            run_interruptible(work, cancel, committed=lambda: bool(done) or any(
                j.committed for j in jobs) or (len(args.paths) == 1 and any(
                    r.status == "imported" for r in reports)))
    finally:
        bar.close()
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=1, default=str))
    else:
        if not args.profile and any(not str(r.profile).startswith("imkl") for r in reports):
            print("profile: proposed by the auto-mapper (check it with `asset-register profile "
                  "propose FILE`; pass --profile to use a confirmed one)")
        print("\n".join(format_report(r) for r in reports))
    return 0


def _inspect(args) -> int:
    from asset_register.store import open_register

    from .api import inspect

    working = reference = None
    if args.register:  # judge the file against that register's CRS and data, as an import would
        with open_register(args.register, read_only=True) as store:
            working, reference = store.crs, store.extent()
    info = inspect(args.file, working, reference)
    if args.json:
        print(json.dumps({"path": info.path, "driver": info.driver, "warnings": info.warnings,
                          "layers": [vars(layer) for layer in info.layers]}, indent=1, default=str))
        return 0
    print(f"{info.path}: {info.driver}, {len(info.layers)} layer(s)")
    for w in info.warnings:
        print(f"  note: {w}")
    for layer in info.layers:
        print(f"  {layer.name}: {layer.features:,} × {layer.geometry_type}, CRS {layer.crs or 'none'}")
        print(f"    fields: {', '.join(layer.fields)}")
        for w in layer.warnings:
            print(f"    warning: {w}")
    return 0


def _propose(args) -> int:
    from .automap import propose_profile
    from .profiles import dumps_profile

    profile = propose_profile(args.file, args.layer, utility=_utility(args.utility))
    sys.stdout.write(dumps_profile(profile))
    return 0


def _check_profile(args) -> int:
    from .profiles import load_profile

    p = load_profile(args.file)
    print(f"{p.path}: valid profile {p.name!r} ({len(p.fields)} field rules, "
          f"{len(p.layers)} layer rules)")
    return 0


def _list_profiles(args) -> int:
    from .profiles import bundled_profiles

    print("\n".join(bundled_profiles()))
    return 0


def _rejects(args) -> int:
    from asset_register.store import display_name, open_register

    with open_register(args.register, read_only=True) as store:
        rej = store.rejects(args.batch)
        batches = store.batches()
    if args.batch is not None and args.batch not in set(batches["batch_id"].tolist()):
        raise NotFoundError(f"import batch {args.batch} is not in the register: "
                            f"'asset-register rejects {display_name(args.register)}' lists every batch with rejects")
    if args.json:
        rows = rej.astype(object).where(rej.notna(), None).to_dict("records")
        print(json.dumps(rows, indent=1, default=str, ensure_ascii=False))
        return 0
    if rej.empty:
        print("no rejected rows" + (f" in batch {args.batch}" if args.batch else ""))
        return 0
    info = batches.set_index("batch_id")
    for batch_id, group in rej.groupby("batch_id", sort=True):
        b = info.loc[batch_id] if batch_id in info.index else None
        src = f"{Path(str(b['source_file'])).name} · {b['layer']}" if b is not None else "?"
        print(f"batch {batch_id} ({src}): {len(group)} rejected")
        for r in group.itertuples():
            print(f"  row {r.row}: {r.reason}")
            if args.verbose:
                print(f"    attrs: {r.attrs}")
    return 0


def _sample(args) -> int:
    from asset_register.store.credentials import display_name

    from .sample import build_sample

    bar = Bar(True)
    try:
        reports, n_works = build_sample(args.register, progress=bar)
    finally:
        bar.close()
    if not args.quiet:
        print("\n".join(format_report(r) for r in reports))
    total = sum(r.imported for r in reports)
    rejected = sum(r.rejected for r in reports)
    print(f"sample register {display_name(args.register)}: {total:,} assets from {len(reports)} layers of "
          f"8 owners, {rejected} rows rejected (see `asset-register rejects {display_name(args.register)}`), "
          f"{n_works} planned works")
    return 0


def register(sub) -> None:
    p = sub.add_parser("import", help="import owners' files (any common GIS format) into a register",
                       description="Import one or more files of one owner, all or nothing. "
                       "Each layer is one batch; re-importing a layer versions it (added/changed/retired) "
                       "within its delivery scope: the whole network (default), --area FILE "
                       "or --append (see docs/deliveries.md).")
    p.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    p.add_argument("paths", nargs="+", metavar="PATH", help="file, .zip or .gdb folder")
    p.add_argument("--layer", action="append", help="layer to import (repeatable)")
    p.add_argument("--all-layers", action="store_true", help="import every layer of the source")
    p.add_argument("--owner", help="owner code, e.g. SGD (not needed for a KLIC/IMKL delivery, "
                   "whose network operators are the owners)")
    p.add_argument("--owner-name", help="owner's name (creates or renames the owner)")
    p.add_argument("--utility", help="utility of every asset (overrides the profile)")
    p.add_argument("--profile", help="mapping profile (TOML file or bundled name)")
    p.add_argument("--auto", action="store_true", help="let the auto-mapper propose the profile")
    p.add_argument("--assume-crs", help="CRS of layers that declare none (layers with a CRS keep theirs)")
    p.add_argument("--force-crs", action="store_true",
                   help="apply --assume-crs to layers that declare a CRS too (the owner confirmed it is wrong)")
    p.add_argument("--area", metavar="FILE",
                   help="an area delivery: supersede only the owner's assets inside the "
                   "polygons of FILE (any vector file with a CRS); assets elsewhere stay live")
    p.add_argument("--append", action="store_true",
                   help="additions: retire nothing (an id already live gets a new version)")
    p.add_argument("--confirm-retire", "--yes", dest="confirm_retire", action="store_true",
                   help="allow retiring more than 10%% of the owner's live assets (at least 5)")
    p.add_argument("--dry-run", action="store_true",
                   help="check, map and count what would change, but write nothing")
    p.add_argument("--json", action="store_true", help="JSON report")
    p.set_defaults(func=_import)

    p = sub.add_parser("inspect", help="layers, fields, counts and CRS of a file")
    p.add_argument("file")
    p.add_argument("--register", help="also check each layer against this register's CRS and data")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_inspect)

    p = sub.add_parser("profile", help="mapping profiles: propose, check, list bundled")
    psub = p.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    q = psub.add_parser("propose", help="print a draft profile for a file (TOML)")
    q.add_argument("file")
    q.add_argument("--layer", action="append", help="layer(s) to cover (default: all)")
    q.add_argument("--utility", help="utility of the owner's assets")
    q.set_defaults(func=_propose)
    q = psub.add_parser("check", help="validate a profile file")
    q.add_argument("file")
    q.set_defaults(func=_check_profile)
    q = psub.add_parser("list", help="list the bundled profiles")
    q.set_defaults(func=_list_profiles)

    p = sub.add_parser("rejects", help="rows not imported, with their reasons")
    p.add_argument("register")
    p.add_argument("--batch", type=int, help="only this import batch")
    p.add_argument("--verbose", "-v", action="store_true", help="show original attributes")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_rejects)

    p = sub.add_parser("sample", help="build a register from the bundled sample town")
    p.add_argument("register", help="register file to create (.gpkg)")
    p.add_argument("--quiet", "-q", action="store_true", help="only the summary line")
    p.set_defaults(func=_sample)
