"""One layer from file to canonical frame: read → geometry → CRS → reproject → map.

``prepare_layer`` does everything except writing, so the import job, the preview
and ``--dry-run`` share it. Every row that does not make it into the frame is in
``rejects`` with its reason, original attributes and geometry (as WKT).
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyproj
import shapely

from asset_register.errors import CancelledError
from asset_register.memory import release as release_memory

from . import crs as crsmod
from . import parallel
from .attrs import attrs_json
from .coverage import coverage_of_parts, extent_of
from .geometry import clean
from .mapping import map_layer
from .profiles import Profile
from .readers import RawLayer, layer_errors, read_layer, read_layer_parts
from .sources import Source
from .spill import Spill

REJECT_COLUMNS = ["row", "reason", "attrs", "geometry_wkt"]


@dataclass
class PreparedLayer:
    """A layer mapped to the canonical model, ready for ``store.write_batch``."""

    layer: str
    assets: gpd.GeoDataFrame
    rejects: pd.DataFrame  # row (1-based source feature number), reason, attrs, geometry_wkt
    rows_read: int
    repaired: int
    source_crs: str
    plan: crsmod.TransformPlan
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    crs: pyproj.CRS | None = None  # the source CRS the layer was read in
    # per asset: its source row (0-based, in the whole layer) and its geometry as read
    asset_rows: np.ndarray | None = None
    asset_source_geometry: np.ndarray | None = None

    @property
    def reject_summary(self) -> dict[str, int]:
        """Reject count per kind of reason (quoted values and bracketed details left out)."""
        if not len(self.rejects):
            return {}
        short = (self.rejects["reason"].astype(str).str.replace(r" \(.*$", "", regex=True)
                 .str.replace(r"'[^']*'", "'…'", regex=True))
        return short.value_counts().to_dict()


def _rejects(table, rows: np.ndarray, reasons, geoms) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    wkt = shapely.to_wkt(np.asarray(geoms, dtype=object), rounding_precision=-1)
    return pd.DataFrame({
        "row": rows + 1,
        "reason": np.asarray(reasons, dtype=object),
        "attrs": attrs_json(table, rows).to_numpy(),
        "geometry_wkt": wkt,
    })


def prepare_layer(source: Source, layer: str, profile: Profile, **kwargs) -> PreparedLayer:
    """Read, check, repair, reproject and map one layer (see module docstring); a library
    error on an unusual file becomes a one-line ImportError_ naming the layer."""
    with layer_errors(source, layer):
        return _prepare_layer(source, layer, profile, **kwargs)


def _prepare_layer(
    source: Source,
    layer: str,
    profile: Profile,
    *,
    owner: str,
    working_crs: pyproj.CRS,
    utility: str | None = None,
    assume_crs: str | None = None,
    force_crs: bool = False,
    reference: tuple[float, float, float, float] | None = None,
    max_features: int | None = None,
    first_row: int = 0,
    raw: RawLayer | None = None,
    transform: tuple[pyproj.CRS, crsmod.TransformPlan] | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PreparedLayer:
    """``raw`` is one part of the layer already read, from row ``first_row`` (its rows
    are numbered as in the whole layer); ``transform`` = (source CRS, plan) decided on an
    earlier part."""
    report = progress or (lambda f, m: None)

    def step(fraction: float, message: str) -> None:
        if cancelled is not None and cancelled():
            raise CancelledError("import cancelled: the register is unchanged")
        report(fraction, message)

    timings: dict[str, float] = {}
    t = time.perf_counter()
    step(0.0, f"reading {layer}")
    if raw is None:
        raw = read_layer(source, layer, max_features=max_features)
    timings["read"] = time.perf_counter() - t
    warnings = list(source.warnings) + list(raw.warnings)

    t = time.perf_counter()
    step(0.3, "checking geometries")
    cleaned = clean(raw.geometry)
    if raw.geometry_reasons is not None:  # rows whose geometry could not be read: say why
        why = raw.geometry_reasons[cleaned.reject_rows]
        known = np.not_equal(why, None)
        cleaned.reject_reasons[known] = why[known]
    warnings += cleaned.notes
    timings["geometry"] = time.perf_counter() - t

    t = time.perf_counter()
    step(0.45, "checking the coordinate reference system")
    xy = crsmod.sample_xy(cleaned.geometry, cleaned=True)
    if transform is None:
        src_crs, notes = crsmod.resolve_source_crs(
            raw.crs, assume_crs or profile.assume_crs, force=force_crs,
            xy=xy, working=working_crs, reference=reference)
        warnings += notes
    else:
        src_crs = transform[0]
    warnings += crsmod.check_coordinates(src_crs, xy, working_crs, reference)
    if transform is None:
        plan = crsmod.plan_transform(src_crs, working_crs, crsmod.lonlat_bounds(src_crs, xy))
        warnings += plan.notes
    else:
        plan = transform[1]
    step(0.55, f"reprojecting to {working_crs.to_string()}")
    geoms, failed = crsmod.reproject(cleaned.geometry, plan)
    outside = crsmod.outside_area(geoms, working_crs) & ~failed
    timings["crs"] = time.perf_counter() - t

    bad = failed | outside
    crs_reasons = np.where(  # only for the rejected rows (a reason per row of the layer is
        failed[bad], f"coordinates could not be transformed from {src_crs.to_string()}",
        f"coordinates outside the area of use of the register's CRS ({working_crs.to_string()}): "
        "absurd or misplaced",  # ~600 bytes a row: 0.6 GB and ~1 s at a million rows)
    )
    keep = ~bad
    t = time.perf_counter()
    step(0.7, "mapping fields")
    mapped = map_layer(
        raw.table, cleaned.src[keep], cleaned.suffix[keep], geoms[keep], working_crs, profile,
        owner=owner, layer=layer, utility=utility, row_offset=first_row,
    )
    warnings += mapped.warnings
    timings["map"] = time.perf_counter() - t

    kept_src = cleaned.src[keep]
    reject_rows = np.concatenate([cleaned.reject_rows, cleaned.src[bad], kept_src[mapped.reject_pos]])
    reject_reasons = np.concatenate([cleaned.reject_reasons, crs_reasons, mapped.reject_reasons])
    reject_geoms = np.concatenate([
        raw.geometry[cleaned.reject_rows], cleaned.geometry[bad], cleaned.geometry[keep][mapped.reject_pos]
    ])
    order = np.argsort(reject_rows, kind="stable")
    rejects = _rejects(raw.table, reject_rows[order], reject_reasons[order], reject_geoms[order])
    if first_row and len(rejects):
        rejects["row"] += first_row  # numbered as in the whole layer
    step(1.0, "mapped")
    return PreparedLayer(
        layer=layer, assets=mapped.assets, rejects=rejects, rows_read=raw.rows_read,
        repaired=cleaned.repaired, source_crs=src_crs.to_string(), plan=plan,
        warnings=warnings, timings=timings, crs=src_crs,
        asset_rows=np.delete(kept_src, mapped.reject_pos) + first_row,
        asset_source_geometry=np.delete(cleaned.geometry[keep], mapped.reject_pos),
    )


class SeenIds:
    """The asset ids of a layer's parts read so far, to find the ids a later part repeats.

    Each id is kept with its 64-bit hash and its source row. The hashes are kept in a few
    sorted runs: a part's hashes are sorted once, and the last two runs are merged when the
    older is no larger than the newer (as a binary counter carries), so a hash is sorted
    again about log2(parts) times, not at every part, and (the parts being of one size)
    there are about log2(parts) + 1 runs to search. A hash found is confirmed on the id itself (every equal
    hash is tried), so a collision of hashes never makes a repeat of two different ids.

    Only the hashes and positions are in memory (16 bytes an id); the ids and their rows are
    in a ``Spill`` file, part by part, and a part is read back only when one of its hashes is
    found. ``close`` drops the file.
    """

    def __init__(self, folder=None):
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted hashes, where each id is)
        self._parts = Spill(folder)  # the ids and their source rows, part by part
        self._starts: list[int] = []  # the position of each part's first id
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def record(self, ids: np.ndarray, keys: np.ndarray, rows: np.ndarray):
        """A part's ids (hashes ``keys``, 0-based source rows ``rows``; no id twice in the
        part): (repeat, first row) — which of them an earlier part holds, and for those the
        earlier one's source row. The others are recorded for the next parts."""
        order = np.argsort(keys, kind="stable")  # sorted needles: a cache-friendly search
        keys = np.asarray(keys)[order]
        repeat = np.zeros(len(ids), dtype=bool)
        first_rows = np.zeros(len(ids), dtype=np.int64)
        new_pos, earlier_at = [], []
        for run_keys, run_at in self._runs:
            lo = np.searchsorted(run_keys, keys, side="left")
            hit = np.flatnonzero(run_keys[np.minimum(lo, len(run_keys) - 1)] == keys)
            if not len(hit):
                continue
            lo = lo[hit]
            hi = np.searchsorted(run_keys, keys[hit], side="right")
            one = hi - lo == 1
            new_pos.append(order[hit[one]])
            earlier_at.append(run_at[lo[one]])
            for i in np.flatnonzero(~one):  # equal hashes (a collision): try each
                new_pos.append(np.full(hi[i] - lo[i], order[hit[i]]))
                earlier_at.append(run_at[lo[i]:hi[i]])
        if new_pos:
            pos = np.concatenate(new_pos)
            earlier, earlier_rows = self._earlier(np.concatenate(earlier_at))
            same = earlier == ids[pos]
            repeat[pos[same]] = True
            first_rows[pos[same]] = earlier_rows[same]
        self._add(ids[~repeat], keys[~repeat[order]], order[~repeat[order]], repeat,
                  np.asarray(rows, dtype=np.int64)[~repeat])
        return repeat, first_rows

    def _add(self, ids, sorted_keys, order, repeat, rows) -> None:
        """Record the new ids; ``sorted_keys`` are their hashes sorted, ``order`` where each
        is among the part's ids (``repeat`` the part's repeats, not recorded)."""
        if not len(ids):
            return
        kept_at = np.cumsum(~repeat) - 1  # a part's position -> its position among the new
        self._runs.append((sorted_keys, self._n + kept_at[order]))
        self._parts.append(id=pa.array(ids, type=pa.string()), row=pa.array(rows, type=pa.int64()))
        self._starts.append(self._n)
        self._n += len(ids)
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= len(self._runs[-1][0]):
            newer = self._runs.pop()
            self._runs.append(_merged(self._runs.pop(), newer))

    def _earlier(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ids (object array) and source rows of the recorded positions ``at``, read
        back from the parts that hold them."""
        starts = np.asarray(self._starts, dtype=np.int64)
        part = np.searchsorted(starts, at, side="right") - 1
        ids = np.empty(len(at), dtype=object)
        rows = np.empty(len(at), dtype=np.int64)
        for k in np.unique(part):
            sel = np.flatnonzero(part == k)
            batch = self._parts.read(int(k))
            local = pa.array(at[sel] - starts[k])
            ids[sel] = batch.column("id").take(local).to_numpy(zero_copy_only=False)
            rows[sel] = batch.column("row").take(local).to_numpy()
        return ids, rows

    def close(self) -> None:
        """Let go of the recorded ids (their file too)."""
        self._parts.close()
        self._runs, self._starts = [], []


def _merged(older: tuple[np.ndarray, np.ndarray], newer: tuple[np.ndarray, np.ndarray]):
    """Two sorted runs (hashes, positions) as one, in one pass: the stable sort of the two
    (an equal hash of the newer run after the older's)."""
    (k1, a1), (k2, a2) = older, newer
    into = np.searchsorted(k1, k2, side="right") + np.arange(len(k2))
    rest = np.ones(len(k1) + len(k2), dtype=bool)
    rest[into] = False
    keys, at = np.empty(len(rest), dtype=k1.dtype), np.empty(len(rest), dtype=a1.dtype)
    keys[into], keys[rest] = k2, k1
    at[into], at[rest] = a2, a1
    return keys, at


PART_ROWS = 250_000  # features in a part: ~0.6 GB of working memory each
# Layers with more features than this are imported part by part: memory bounded, and the
# next part read, reprojected and mapped while the store stages this one. Not lower: at a
# million lines these parts (memory handed back between them, the collector running, the
# geometries on disk) cost ~1-1.5 s more CPU than one frame (docs/benchmarks.md, 2026-12-03
# and 2026-12-04); smaller layers go in slices kept in memory instead (below).
PARTS_FROM = 1_000_000
# Layers of more than PIPE_FROM features (up to PARTS_FROM) are cut in parts of PIPE_ROWS
# too, kept in memory (geometries not spilled, no memory handed back between parts, the
# collector paused as for one frame): the store stages one part while the next is read,
# reprojected and mapped, so both cores work at once (docs/benchmarks.md, 2026-12-04).
PIPE_ROWS = 100_000
PIPE_FROM = 2 * PIPE_ROWS


class LayerParts:
    """A large layer read in one pass and prepared part by part (``PART_ROWS`` features at a
    time), so that its import holds a part or two in memory, not the layer. Iterating gives
    each part's canonical assets (handed to the store as they come; the next part is
    prepared meanwhile); the rejects, warnings, counts and timings of the whole layer are
    gathered, and ``summary()`` gives them afterwards as a ``PreparedLayer`` without assets.

    The answers are those of ``prepare_layer`` on the whole layer: the source CRS and the
    transformation are decided once, on the first part (every part is still checked against
    them), rows are numbered as in the whole layer, and an asset id already used by an
    earlier part is rejected as a duplicate, as it is within one part. ``area()`` is the
    grid coverage of all the parts' assets, as ``coverage_of`` would give on the whole layer
    (their geometries are kept as WKB until then, in a ``Spill`` file, not in memory, as are
    the earlier parts' ids). ``spill_folder``: where those files are made (None: the
    system's temporary folder).

    ``compact=False`` is for a layer that would fit in one frame, cut in parts (slices)
    only so that its stages overlap: the parts' geometries stay in memory for the coverage
    and no memory is handed back between parts (each hand-back costs the next part its
    page faults again). The answers are the same either way.
    """

    def __init__(self, source: Source, layer: str, profile: Profile, *, part_rows: int = PART_ROWS,
                 cover: bool = False, spill_folder=None, compact: bool = True, **kwargs):
        self.source, self.layer, self.profile = source, layer, profile
        self.part_rows = part_rows
        self.kwargs = kwargs
        self._cover = cover
        # ``compact``: memory handed back between parts and the earlier parts' geometries
        # kept on disk (a layer too large for one frame); else (a layer cut in parts only
        # so that its stages overlap) they stay in memory, as one frame's would
        self._compact = compact
        self._areas: list = []  # (extent, index in the spill or the geometries) of each part
        self._wkb = Spill(spill_folder)  # ... for the coverage
        self._rejects: list[pd.DataFrame] = []
        self._warnings: list[str] = []
        self._timings: dict[str, float] = {}
        self._rows_read = self._repaired = self._assets = 0
        self._first: PreparedLayer | None = None
        self._seen = SeenIds(spill_folder)  # earlier parts' ids (dropped once every part is read)

    def __iter__(self):
        progress = self.kwargs.pop("progress", None) or (lambda f, m: None)
        reading = read_layer_parts(self.source, self.layer, self.part_rows)
        at = [0]  # the first row of the next part

        def next_part():
            # freed memory back to the system between parts (without it the allocators keep
            # what each part freed, and the process grows by a few hundred bytes an asset)
            if self._compact:
                release_memory()
            t = time.perf_counter()
            raw = next(reading, None)
            if raw is None:  # every part read: the earlier ids are no longer needed
                self._seen.close()
                if self._compact:
                    release_memory()
                return None
            read_s = time.perf_counter() - t
            first = self._first
            # slices in memory: the store's staging is the other strand; parts of a layer
            # too large for one frame keep their threads (not measured so)
            with nullcontext() if self._compact else parallel.serial():
                part = _prepare_layer(
                    self.source, self.layer, self.profile, first_row=at[0], raw=raw,
                    transform=None if first is None else (first.crs, first.plan), **self.kwargs)
            del raw
            part.timings["read"] += read_s
            assets = self._drop_repeats(part)
            self._gather(part, len(assets))
            if self._first is None:  # what the summary needs of it, not its rows
                self._first = dataclasses.replace(part, assets=part.assets.iloc[:0],
                                                  asset_rows=None, asset_source_geometry=None)
            if self._cover and len(assets):  # for the coverage: WKB on disk, or as they are
                geoms = np.asarray(assets.geometry.array)
                self._areas.append((extent_of(geoms), self._wkb.append(wkb=shapely.to_wkb(geoms))
                                    if self._compact else geoms))
            start, at[0] = at[0], at[0] + part.rows_read
            return assets, start

        # The next part is read, checked and mapped in a thread while the store stages this
        # one (GDAL, GEOS, PROJ and SQLite release the GIL: the two cores overlap). Parts are
        # prepared one after another, in order, by that one thread.
        read_all = False
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="import-part") as pool:
                ahead = pool.submit(next_part)
                try:
                    while (got := ahead.result()) is not None:
                        assets, start = got
                        ahead = pool.submit(next_part)
                        progress(0.0, f"features {start + 1:,}…")
                        if len(assets):
                            yield assets
                        del assets, got
                    read_all = True
                finally:
                    ahead.cancel()  # (a part being prepared is finished, then the thread ends)
        finally:  # (the thread has ended) the spill files go as soon as they are of no use
            self._seen.close()
            if not read_all:  # a failure or a cancel: no coverage will be asked for
                self._wkb.close()

    def _drop_repeats(self, part: PreparedLayer) -> gpd.GeoDataFrame:
        """The part's assets without those whose id an earlier part already holds (rejected
        as duplicates, as within one part); records the part's ids for the next parts."""
        assets = part.assets
        ids = assets["asset_id"].to_numpy(dtype=object)
        keys = pd.util.hash_array(ids, categorize=False)
        repeat, first_rows = self._seen.record(ids, keys, part.asset_rows)
        if repeat.any():
            rows = part.asset_rows[repeat]
            wkt = shapely.to_wkt(part.asset_source_geometry[repeat], rounding_precision=-1)
            dups = pd.DataFrame({
                "row": rows + 1,
                "reason": [f"duplicate asset id {i!r} (also on source row {int(r) + 1})"
                           for i, r in zip(ids[repeat], first_rows[repeat], strict=True)],
                "attrs": assets["attrs"].to_numpy(dtype=object)[repeat],
                "geometry_wkt": wkt,
            })
            part.rejects = pd.concat([part.rejects, dups], ignore_index=True).sort_values(
                "row", kind="stable", ignore_index=True)
            part.warnings.append(f"asset_id: {int(repeat.sum())} rows repeat an id already used "
                                 "in this delivery; the first is imported, the others rejected")
            keep = ~repeat
            assets = assets[keep].reset_index(drop=True)
        return assets

    def _gather(self, part: PreparedLayer, n_assets: int) -> None:
        self._rows_read += part.rows_read
        self._repaired += part.repaired
        self._assets += n_assets
        if len(part.rejects):
            self._rejects.append(part.rejects)
        for note in part.warnings:  # a note repeated by every part is said once
            if note not in self._warnings:
                self._warnings.append(note)
        for key, seconds in part.timings.items():
            self._timings[key] = self._timings.get(key, 0.0) + seconds

    def summary(self) -> PreparedLayer:
        """The whole layer as prepared (after iterating): counts, rejects, warnings, timings;
        ``assets`` is an empty frame (they went to the store part by part)."""
        if self._first is None:
            raise RuntimeError("the layer's parts have not been read")
        rejects = (pd.concat(self._rejects, ignore_index=True) if self._rejects
                   else pd.DataFrame(columns=REJECT_COLUMNS))
        first = self._first
        return PreparedLayer(
            layer=self.layer, assets=first.assets.iloc[:0], rejects=rejects,
            rows_read=self._rows_read, repaired=self._repaired, source_crs=first.source_crs,
            plan=first.plan, warnings=list(self._warnings), timings=dict(self._timings),
            crs=first.crs)

    @property
    def imported(self) -> int:
        return self._assets

    def area(self):
        """The grid coverage of every part's assets together (``coverage_of`` on them all),
        or None; their geometries are dropped as they are used."""
        parts = deque((extent, _parsed(self._wkb, k) if self._compact else _given(k))
                      for extent, k in self._areas)
        self._areas = []
        try:
            area = coverage_of_parts(parts)  # handed over: emptied part by part
        finally:
            self._wkb.close()
        if self._compact:
            release_memory()  # the WKB's memory back to the system before the store's last steps
        return area


def _parsed(spill: Spill, k: int):
    """A callable giving the geometries of part ``k`` of ``spill`` (read and parsed when
    called)."""
    return lambda: shapely.from_wkb(spill.read(k).column("wkb").to_numpy(zero_copy_only=False))


def _given(geoms):
    """A callable giving ``geoms`` (a part's geometries kept in memory) once."""
    held = [geoms]
    return lambda: held.pop()
