"""The import job: one owner's delivery into the register, all its layers or none.

``ImportJob`` is what the CLI and the desktop app run (the app from a worker
thread): give it a progress callback ``progress(fraction, message)`` and either a
``cancel`` callable polled between steps or call ``job.cancel()`` from another
thread. Each layer is one batch written by ``store.write_batch`` in one transaction —
assets (versioned re-delivery: unchanged stay, changed get a new version, missing are
retired), rejects, provenance and the owner's coverage — so a failure, a cancel, Ctrl-C
or a killed process during it leaves the register exactly as it was. Several layers are
written in one enclosing transaction: a failure in any layer leaves none of them.

What a delivery supersedes is its ``scope`` (see importers/scope.py): the whole network
(default), one area, or nothing (append). An import that would retire more than a small
share of the owner's live assets stops before committing unless ``confirm_retire``.
A dry run writes every layer and rolls it back: its counts are the real ones.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from asset_register import memory
from asset_register.errors import AssetRegisterError, CancelledError, ImportError_
from asset_register.model import BatchInfo, BatchResult, Owner
from asset_register.store.base import RegisterStore
from asset_register.store.batches import AssetChunks

from .automap import propose_profile
from .coverage import coverage_of, merged
from .delivery_checks import check_delivery, single_owner
from .renamed import continue_delivery
from .prepare import PART_ROWS, PARTS_FROM, PIPE_FROM, PIPE_ROWS, LayerParts, PreparedLayer, prepare_layer
from .profiles import Profile, dumps_profile, load_profile
from .scope import RETIRE_MIN, area_note, check_retire, check_scope, earlier_file, store_area
from .sources import Source, open_source, skip_reason

Progress = Callable[[float, str], None]


@dataclass
class LayerReport:
    """What importing one layer did (printed by the CLI, shown by the app)."""

    source: str
    layer: str
    delivery: str
    status: str  # imported | already imported | dry run | empty | all rejected | skipped
    scope: str = "network"  # network | area | append (importers/scope.py)
    rows_read: int = 0
    imported: int = 0
    repaired: int = 0
    rejected: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    batch_id: int | None = None
    source_crs: str | None = None
    transformation: str | None = None
    accuracy_m: float | None = None
    profile: str | None = None
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _as_profile(profile: Profile | str | Path | None) -> Profile | None:
    if profile is None or isinstance(profile, Profile):
        return profile
    return load_profile(profile)


def choose_layers(source: Source, layers: list[str] | None, all_layers: bool) -> list[str]:
    """The layers to import: the named ones, all, or the only one; else ImportError_."""
    names = source.layer_names()
    if not names:
        raise ImportError_(f"{source.path} holds no layers: nothing to import")
    if layers:
        unknown = [n for n in layers if n not in names]
        if unknown:
            raise ImportError_(f"{source.path} has no layer {unknown[0]!r}; its layers are {names}")
        return list(layers)
    if all_layers or len(names) == 1:
        return names
    raise ImportError_(
        f"{source.path} holds {len(names)} layers ({', '.join(names)}): choose with --layer NAME "
        "(repeatable) or import them all with --all-layers"
    )


class ImportJob:
    """Import one source (some or all of its layers) for one owner. ``run()`` returns reports."""

    def __init__(
        self,
        store: RegisterStore,
        path: str | Path,
        *,
        owner: str,
        owner_name: str | None = None,
        layers: list[str] | None = None,
        all_layers: bool = False,
        profile: Profile | str | Path | None = None,
        utility: str | None = None,
        assume_crs: str | None = None,
        force_crs: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
        scope: str = "network",
        area: shapely.Geometry | None = None,
        area_source: str | None = None,
        confirm_retire: bool = False,
        part_rows: int = PART_ROWS,
        parts_from: int = PARTS_FROM,
        pipe_rows: int = PIPE_ROWS,
        pipe_from: int = PIPE_FROM,
    ):
        self.store = store
        # layers of more than ``parts_from`` features are read, prepared and staged in parts
        self.part_rows, self.parts_from = part_rows, parts_from
        # layers of more than ``pipe_from`` (up to ``parts_from``) features too, in parts of
        # ``pipe_rows`` kept in memory: so that one part is staged while the next is read,
        # reprojected and mapped (the two cores at work at once)
        self.pipe_rows, self.pipe_from = pipe_rows, pipe_from
        self.path = Path(path)
        self.owner = Owner(owner, owner_name or owner).code  # validates the code
        self.owner_name = owner_name
        self.layers = layers
        self.all_layers = all_layers
        self.profile = _as_profile(profile)
        self.utility = utility
        self.assume_crs = assume_crs
        self.force_crs = force_crs  # --assume-crs overrides declared CRSs too
        self.dry_run = dry_run
        self._progress = progress or (lambda f, m: None)
        self._cancel_cb = cancel
        self._cancelled = threading.Event()
        check_scope(scope, area)
        self.scope, self.area, self.area_source = scope, area, area_source
        self.confirm_retire = confirm_retire
        self.committed: list[int] = []  # batch ids committed so far (what Ctrl-C cannot undo)

    def cancel(self) -> None:
        """Stop the job from any thread: the statement running in the register is aborted
        and everything the job wrote is rolled back."""
        self._cancelled.set()
        self.store.interrupt()

    def cancelled(self) -> bool:
        return self._cancelled.is_set() or bool(self._cancel_cb and self._cancel_cb())

    def run(self) -> list[LayerReport]:
        watch = _CancelWatch(self) if self._cancel_cb is not None else None
        try:
            return self._run()
        except Exception:
            if self.cancelled():  # an interrupted statement, a cancelled query: one message
                raise CancelledError("import cancelled: the register is unchanged") from None
            raise
        finally:
            if watch is not None:
                watch.stop()

    def _run(self) -> list[LayerReport]:
        source = open_source(self.path)
        names = choose_layers(source, self.layers, self.all_layers)
        # the source's content hash, computed in a thread (hashlib releases the GIL) while
        # a large layer's first part is read and prepared; waited for before anything is
        # staged or written (``_import_layer``)
        sha = _Background(source.sha256)
        reports, names = _attribute_only(source, names, self)
        # across layers, before anything is written: colliding ids, duplicate layers
        self._delivery = check_delivery(source, names, self.profile)
        single_owner(source, names, self.owner)  # one owner's rows only: never lumped together
        # Several layers: one enclosing transaction, so the command is all or nothing.
        whole = len(names) > 1 and not self.dry_run
        with self.store.atomic() if whole else nullcontext():
            for i, layer in enumerate(names):
                def progress(f, m, i=i, layer=layer):
                    self._progress((i + f) / len(names), f"{layer}: {m}")
                try:
                    reports.append(self._run_layer(source, layer, sha, progress))
                    self._delivery.annotate(reports[-1])
                except AssetRegisterError as exc:
                    if len(names) > 1 and not self.cancelled():
                        named = f"· {layer}:" in str(exc)  # (the retire guard names it)
                        exc.args = (("" if named else f"layer {layer!r} of {self.path.name}: ")
                                    + str(exc) + (f" (none of its {len(names)} layers was "
                                                  "imported)" if whole else ""),)
                    raise
            if whole and self.cancelled():  # the last moment before the commit
                raise CancelledError("import cancelled: the register is unchanged")
        if whole and not self.store.in_transaction():
            self.committed += [r.batch_id for r in reports if r.batch_id is not None
                               and r.status in ("imported", "all rejected")]
        written = any(r.status in ("imported", "all rejected") for r in reports)
        if self.dry_run:
            self._progress(1.0, "dry run: nothing written")
        elif written and not self.store.in_transaction():
            self._progress(1.0, "committed")
        else:
            self._progress(1.0, "done")
        return reports

    def _profile_for(self, source: Source, layer: str) -> Profile:
        if self.profile is not None:
            return self.profile
        draft = propose_profile(source, [layer], utility=self.utility)
        delivery = getattr(self, "_delivery", None)
        return delivery.adjust(draft, layer) if delivery is not None else draft

    def _run_layer(self, source: Source, layer: str, sha: _Background,
                   progress: Progress) -> LayerReport:
        # A layer in one frame or in slices kept in memory (up to ``parts_from`` features)
        # makes no reference cycles, and the garbage collector's full passes over its million
        # objects cost ~1 s of CPU for nothing: paused meanwhile. A layer in parts keeps it
        # (its memory stays bounded whatever a part leaves behind).
        one_frame = source.layer_info(layer).features <= self.parts_from
        with memory.gc_paused() if one_frame else nullcontext():
            return self._import_layer(source, layer, sha, progress)

    def _import_layer(self, source: Source, layer: str, sha_of: _Background,
                      progress: Progress) -> LayerReport:
        t0 = time.perf_counter()
        delivery = f"{self.owner}:{layer}"
        base = LayerReport(source=str(self.path), layer=layer, delivery=delivery, status="",
                           scope=self.scope)
        info = source.layer_info(layer)  # (attribute-only layers never get here: _attribute_only)
        if info.features == 0:
            base.status = "empty"
            base.warnings.append(f"layer {layer!r} has no features: nothing imported (an empty "
                                 "delivery never retires the owner's assets)")
            return base
        profile = self._profile_for(source, layer)
        profile_id = self._profile_id(profile)
        compact = info.features > self.parts_from  # bounded memory: one part at a time
        in_parts = compact or info.features > self.pipe_from
        if not in_parts and self._already_imported(base, sha_of.result(), profile_id):
            return base
        options = dict(owner=self.owner, working_crs=self.store.crs, utility=self.utility,
                       assume_crs=self.assume_crs, force_crs=self.force_crs,
                       reference=self.store.extent(), cancelled=self.cancelled)
        parts = first = None
        if in_parts:
            parts = LayerParts(source, layer, profile,
                               part_rows=self.part_rows if compact else self.pipe_rows,
                               cover=not self.dry_run, spill_folder=_spill_folder(self.store),
                               compact=compact, progress=lambda f, m: progress(0.05, m),
                               **options)
            read = iter(parts)
            try:  # the first part is read and prepared while the source is hashed
                first = next(read, None)
            except Exception:
                if self._already_imported(base, sha_of.result(), profile_id):
                    return base
                raise
            try:
                done = self._already_imported(base, sha_of.result(), profile_id)
            except BaseException:  # the source could not be hashed, or Ctrl-C: stop reading
                read.close()
                raise
            if done:
                read.close()  # (the part being prepared is finished, then its thread ends)
                return base
            if first is not None:  # (the chain holds the first part only until it is staged)
                read, first = itertools.chain([first], read), True
            prepared = parts.summary()
        else:
            prepared = prepare_layer(source, layer, profile,
                                     progress=lambda f, m: progress(0.5 * f, m), **options)
            continue_delivery(self.store, self.owner, base, prepared,  # a renamed layer
                              source.layer_names)
        sha = sha_of.result()
        if first is not None:  # the parts go to the store as they are read
            self._write(prepared, base, sha, profile, progress,
                        parts=(parts, read))
            report = base
        elif len(prepared.assets) or self.dry_run:
            report = self._report(base, prepared, profile)
            self._write(prepared, report, sha, profile, progress)
        else:
            report = self._report(base, prepared, profile)
            # Keep the rejects (nothing is silently lost) in a batch that cannot retire
            # anything: no delivery scope, no assets.
            info = self._batch_info(prepared, sha, profile)
            result = self.store.write_batch(prepared.assets, info, rejects=prepared.rejects,
                                            delivery=None, cancel=self.cancelled)
            report.status = "all rejected"
            report.batch_id = result.batch_id
            self._mark(result)
            report.warnings.append(
                f"no row could be imported: {len(prepared.rejects)} rejects recorded in batch "
                f"{result.batch_id} (asset-register rejects REGISTER --batch {result.batch_id}); "
                "the owner's existing assets are untouched")
        report.seconds = time.perf_counter() - t0
        return report

    def _already_imported(self, base: LayerReport, sha: str, profile_id: str) -> bool:
        """True (``base`` says so) when this exact file and layer were imported with the
        same profile for the same owner: nothing to do."""
        done = self.store.find_batch(sha, base.layer)
        if (done is None or self.dry_run or done.get("owner") != self.owner
                or done.get("profile") != profile_id):
            return False
        base.status = "already imported"
        base.batch_id = int(done["batch_id"])
        base.profile = profile_id
        base.warnings.append(
            f"this exact file and layer were imported as batch {int(done['batch_id'])} with "
            "the same profile; nothing changed")
        return True

    def _mark(self, result: BatchResult) -> None:
        if not self.store.in_transaction():
            self.committed.append(result.batch_id)

    def _coverage(self, new_area: Callable[[], object], batch_id: int):
        """The owner's coverage after this batch: the old one grown by the new assets'
        (``new_area()``), or rebuilt from all the owner's live assets when an earlier
        update was missed."""
        store = self.store
        cov = store.owner_coverage()
        mine = cov[cov["owner"] == self.owner]
        old = mine.geometry.iloc[0] if len(mine) else None
        updated = mine["updated_at"].iloc[0] if len(mine) and "updated_at" in mine else None
        if _coverage_stale(store, self.owner, updated, batch_id):
            # through the batch's own connection: never a snapshot of its open transaction
            return merged(None, coverage_of(store.owner_geometries(self.owner)))
        return merged(old, new_area())

    def _profile_id(self, profile: Profile) -> str:
        """Profile name plus a hash of its rules and the options that change the mapping:
        the same file imported with a corrected profile is a real re-import."""
        rules = dumps_profile(profile) + f"|{self.utility}|{self.assume_crs}"
        if self.force_crs:
            rules += "|forced"
        if self.scope != "network":  # the same file as another kind of delivery is a re-import
            rules += f"|{self.scope}|{self.area.wkb_hex if self.area is not None else ''}"
        digest = hashlib.sha256(rules.encode()).hexdigest()[:12]
        return f"{profile.path or profile.name} #{digest}"

    def _report(self, base: LayerReport, p: PreparedLayer, profile: Profile) -> LayerReport:
        base.rows_read = p.rows_read
        base.repaired = p.repaired
        base.rejected = len(p.rejects)
        base.source_crs = p.source_crs
        base.transformation = p.plan.description
        base.accuracy_m = p.plan.accuracy_m
        base.profile = self._profile_id(profile)
        base.rejects_by_reason = p.reject_summary
        base.warnings += p.warnings
        base.timings = dict(p.timings)
        return base

    def _batch_info(self, p: PreparedLayer, sha: str, profile: Profile) -> BatchInfo:
        return BatchInfo(
            source_file=str(self.path.resolve()), layer=p.layer, sha256=sha,
            source_crs=p.source_crs, transformation=p.plan.description,
            transformation_accuracy_m=p.plan.accuracy_m, profile=self._profile_id(profile),
            owner=self.owner, rows_read=p.rows_read, rows_repaired=p.repaired,
            notes={"warnings": p.warnings, "timings": p.timings,
                   **area_note(self.scope, self.area, self.area_source)},
        )

    def _write(self, p: PreparedLayer, report: LayerReport, sha: str, profile: Profile,
               progress: Progress, parts: tuple[LayerParts, object] | None = None) -> None:
        """Write the layer's batch (a dry run: write it, count, roll it back). With
        ``parts`` = (the layer's parts, their assets still to be read) the batch goes to the
        store part by part, its counts and rejects known once the last part is read."""
        store = self.store
        info = self._batch_info(p, sha, profile)
        t = time.perf_counter()
        existing = store.owner(self.owner)
        timings = {}
        started: list[_Background] = []  # the new assets' coverage, computed in a thread
        assets, rejects = p.assets, p.rejects
        if parts is not None:
            layer_parts, remaining = parts

            def finished(_batch, _rejects):  # every part read: the batch is about to be written
                whole = layer_parts.summary()
                self._report(report, whole, profile)
                if not self.dry_run:  # the coverage of all the parts, while the store copies
                    started.append(_Background(layer_parts.area))
                return self._batch_info(whole, sha, profile), whole.rejects

            assets, rejects = AssetChunks(remaining, finished), None
        elif not self.dry_run:
            # The new assets' coverage is computed in a thread while the store writes
            # (shapely releases the GIL; SQLite's copy and index builds leave the other
            # core idle).
            started.append(_Background(coverage_of, np.asarray(p.assets.geometry.array)))

        def finalize(result):
            # Inside the batch's transaction: the retire check, then the owner (created or
            # renamed) and the coverage land with the batch or not at all.
            timings["store"] = time.perf_counter() - t
            note = None
            if result.retired >= RETIRE_MIN:  # only then worth a count: the owner's live
                # assets before the batch, from those after it (inside its transaction)
                live_before = store.owner_asset_count(self.owner) + result.retired - result.added
                note = check_retire(result.retired, live_before, owner=self.owner,
                                    where=f"{self.path.name} · {p.layer}",
                                    confirmed=self.confirm_retire or self.dry_run,
                                    earlier=earlier_file(store, report.delivery, self.path,
                                                         result.batch_id))
            if note:
                report.warnings.append(note + ("" if not self.dry_run else
                                               ": the import will need --confirm-retire"))
            if self.dry_run:
                raise _DryRun(result)
            progress(0.5 + 0.45 * 0.98, "updating the owner's coverage")
            if existing is None or (self.owner_name and existing.name != self.owner_name):
                store.upsert_owner(Owner(self.owner, self.owner_name or self.owner))
            # an area delivery covers its whole area, assets or not (the owner said so)
            area = self._coverage(lambda: merged(started[0].result(), self.area), result.batch_id)
            if area is not None:
                store.set_owner_coverage(self.owner, area)
            timings["covered"] = time.perf_counter() - t

        ok = False
        try:
            result = store.write_batch(
                assets, info, rejects=rejects, delivery=report.delivery,
                progress=lambda f, m: progress(0.5 + 0.45 * f, m), cancel=self.cancelled,
                finalize=finalize, area=store_area(self.scope, self.area),
            )
            ok = True
            self._mark(result)
        except _DryRun as dry:
            result = dry.result
        finally:
            if started and ok:  # on an error or Ctrl-C, never wait for it
                started[0].join()
        total = time.perf_counter() - t
        stored = timings.get("store", total)
        covered = timings.get("covered", stored)  # (the coverage, in the batch's transaction)
        store_s = stored
        if parts is not None:  # the parts were read and prepared while the store staged them
            store_s -= sum(report.timings.values())
        report.timings["store"] = store_s
        report.timings["coverage"] = covered - stored
        report.timings["commit"] = total - covered
        report.status = "dry run" if self.dry_run else "imported"
        report.batch_id = None if self.dry_run else result.batch_id
        # rows accepted; the diff says what changed
        report.imported = len(p.assets) if parts is None else parts[0].imported
        report.added, report.changed = result.added, result.changed
        report.unchanged, report.retired = result.unchanged, result.retired


class _DryRun(Exception):
    """Raised in a dry run's finalize: the batch is rolled back, its counts kept."""

    def __init__(self, result: BatchResult):
        super().__init__("dry run")
        self.result = result


class _CancelWatch:
    """Polls a cancel callback (the app's cancel button, in another process) every 0.1 s
    and cancels the job actively, so a long SQLite statement or server query is aborted
    rather than finished."""

    def __init__(self, job: ImportJob):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(job,), daemon=True,
                                        name="import-cancel-watch")
        self._thread.start()

    def _run(self, job):
        while not self._stop.wait(0.1):
            if job._cancel_cb():
                job.cancel()
                return

    def stop(self):
        self._stop.set()


def _attribute_only(source: Source, names: list[str], job: ImportJob):
    """Layers without geometry (a GML delivery's feature tables, GeoPackage attribute
    tables) are skipped with a note; an import of several layers none of which has
    geometries is refused."""
    skipped, keep = [], []
    for name in names:
        reason = skip_reason(source.layer_info(name))
        if reason:
            r = LayerReport(source=str(job.path), layer=name, delivery=f"{job.owner}:{name}",
                            status="skipped", scope=job.scope)
            r.warnings.append(reason)
            skipped.append(r)
        else:
            keep.append(name)
    if not keep and len(names) > 1:
        raise ImportError_(f"none of the {len(names)} layers of {job.path.name} has geometries: "
                           "nothing to import")
    return skipped, keep


class _Background:
    """``fn(*args)`` run in a daemon thread; ``result()`` waits and returns it or re-raises."""

    def __init__(self, fn, *args):
        self._value = self._error = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True,
                                        name="import-background")
        self._thread.start()

    def _run(self, fn, args):
        try:
            self._value = fn(*args)
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def join(self):
        self._thread.join()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _spill_folder(store: RegisterStore):
    """Where a large import keeps its earlier parts' ids and geometries (``importers.spill``):
    beside a register file (its disk has room for the register), else the temporary folder."""
    path = getattr(store, "path", None)
    return Path(path).parent if path is not None else None


def _coverage_stale(store: RegisterStore, owner: str, updated_at, batch_id: int) -> bool:
    """True when an earlier committed batch of the owner finished after its coverage was set."""
    b = store.batches()
    b = b[(b["owner"] == owner) & (b["state"] == "committed") & (b["batch_id"] != batch_id)]
    if updated_at is None:
        return len(b) > 0
    finished = pd.to_datetime(b["finished_at"], utc=True, errors="coerce")
    stamp = pd.to_datetime(pd.Series([updated_at]), utc=True, errors="coerce").iloc[0]
    return bool(pd.notna(stamp) and (finished > stamp).any())


def import_file(store: RegisterStore, path, **kwargs) -> list[LayerReport]:
    """Convenience: ``ImportJob(store, path, **kwargs).run()``."""
    return ImportJob(store, path, **kwargs).run()
