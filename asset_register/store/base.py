"""The register store interface.

Every backend (the embedded GeoPackage, later PostGIS) implements this, and
the same tests run against each. Spatial results come back as GeoDataFrames in
the register's working CRS; non-spatial ones as plain dicts / DataFrames.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pyproj
import shapely

from ..model import DEFAULT_CRS, BatchInfo, BatchResult, Owner
from .reader import Arrays, AssetReader, frame_arrays

from ..lazy import lazy_module

gpd = lazy_module("geopandas")
pd = lazy_module("pandas")

# What ``get_asset`` reports of the batch that delivered each version, after the asset columns.
PROVENANCE_FIELDS = ["source_file", "source_layer", "source_sha256", "source_crs",
                     "transformation", "transformation_accuracy_m", "profile", "imported_at"]


def asset_records(asset_id: str, rows, geoms, columns: list[str], *, history: bool):
    """``get_asset``'s answer from rows of (geometry, *columns, *PROVENANCE_FIELDS), oldest first."""
    import json

    from ..errors import NotFoundError

    if not rows:
        raise NotFoundError(f"no {'' if history else 'live '}asset {asset_id!r} in the register")
    out = []
    for row, geom in zip(rows, geoms):
        rec = dict(zip(columns + PROVENANCE_FIELDS, row[1:]))
        rec["geometry"] = geom
        rec["attrs"] = json.loads(rec["attrs"] or "{}")
        rec["restricted"] = bool(rec["restricted"])
        out.append(rec)
    return out if history else out[-1]


def live_records(rows, geoms, columns: list[str]) -> dict[str, dict]:
    """``get_assets``' answer from rows of (geometry, *columns, *PROVENANCE_FIELDS): each
    asset's record as ``get_asset`` gives it, by asset id (the last row of an id wins)."""
    out = {}
    for row, geom in zip(rows, geoms):
        rec = asset_records("", [row], [geom], columns, history=False)
        out[rec["asset_id"]] = rec
    return out


Progress = Callable[[float, str], None]
"""progress(fraction 0..1, message); a store calls it during long work."""


class RegisterStore(abc.ABC):
    """One asset register: assets with provenance, owners, works, notices, settings."""

    location: str  # file path or URL
    read_only: bool = False

    # -- lifecycle -----------------------------------------------------------------
    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    _crs_cache: pyproj.CRS | None = None

    @property
    def display(self) -> str:
        """How the register is named to people: ``location`` with any password masked."""
        from .credentials import display_name

        return display_name(self.location)

    @property
    def crs(self) -> pyproj.CRS:
        """The working CRS every geometry in the register is stored in (setting ``working_crs``)."""
        if self._crs_cache is None:
            self._crs_cache = pyproj.CRS.from_user_input(
                self.get_setting("working_crs", DEFAULT_CRS))
        return self._crs_cache

    @property
    @abc.abstractmethod
    def schema_version(self) -> int: ...

    @abc.abstractmethod
    def applied_migrations(self) -> list[tuple[int, str, str]]:
        """(version, name, applied_at) of every migration applied, oldest first."""

    @contextmanager
    @abc.abstractmethod
    def atomic(self) -> Iterator[Any]:
        """A transaction on the register's own connection: all or nothing."""

    # -- settings and owners -------------------------------------------------------
    @abc.abstractmethod
    def get_setting(self, key: str, default: str | None = None) -> str | None: ...

    @abc.abstractmethod
    def set_setting(self, key: str, value: str) -> None: ...

    @abc.abstractmethod
    def settings(self) -> dict[str, str]:
        """Every setting, key -> value."""

    @abc.abstractmethod
    def upsert_owner(self, owner: Owner) -> None: ...

    @abc.abstractmethod
    def owners(self) -> list[Owner]: ...

    def owner(self, code: str) -> Owner | None:
        return next((o for o in self.owners() if o.code == code), None)

    # -- writing assets --------------------------------------------------------------
    @abc.abstractmethod
    def write_batch(
        self,
        assets: gpd.GeoDataFrame,
        batch: BatchInfo,
        *,
        rejects: pd.DataFrame | None = None,
        delivery: str | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
        finalize: Callable[[BatchResult], None] | None = None,
        area: shapely.Geometry | None = None,
    ) -> BatchResult:
        """Write one import batch atomically with its provenance and rejects.

        ``assets`` is a canonical frame (see ``model.validate_assets``) in any CRS
        (reprojected to the working CRS if needed), or ``store.batches.AssetChunks``: the
        same batch in parts, which the GeoPackage store stages one part at a time (memory
        bounded by a part, not the batch) and other backends join. ``rejects`` has columns
        ``reason`` (text), ``row`` (source row number) and ``attrs`` (JSON).
        ``delivery`` scopes a re-delivery: live assets of that scope whose
        asset_id is absent from ``assets`` are retired, changed ones get a new
        version (the old one retired, never deleted) and unchanged ones stay.
        Without ``delivery`` an asset_id that is already live is replaced the
        same way, and nothing else is retired. ``area`` (working CRS) narrows what
        a delivery supersedes: only live assets of the ``delivery`` scope whose
        geometry intersects it and that are absent from ``assets`` are retired
        (an area extract such as a KLIC delivery); an empty area retires nothing
        (an append). ``finalize(result)`` runs inside
        the batch's transaction just before it commits (e.g. to update the
        owner's coverage with the batch). Either the whole batch lands or
        nothing does (an exception, a cancel or a killed process leave the
        register as it was).
        """

    @abc.abstractmethod
    def set_owner_coverage(self, owner: str, area: shapely.Geometry) -> None:
        """Set the area an owner's data covers (in the working CRS)."""

    @abc.abstractmethod
    def owner_coverage(self) -> gpd.GeoDataFrame:
        """owner, geometry (working CRS) for every owner with coverage."""

    # -- reading assets --------------------------------------------------------------
    @abc.abstractmethod
    def query_bbox(
        self, bounds: tuple[float, float, float, float], *, columns: list[str] | None = None
    ) -> gpd.GeoDataFrame:
        """Live assets whose geometry intersects the box (working CRS)."""

    @abc.abstractmethod
    def query_dwithin(
        self, geometry: shapely.Geometry, distance: float, *, columns: list[str] | None = None
    ) -> gpd.GeoDataFrame:
        """Live assets within ``distance`` metres of ``geometry``, with a ``distance_m`` column."""

    @abc.abstractmethod
    def read_assets(
        self,
        *,
        columns: list[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> gpd.GeoDataFrame:
        """All live assets (optionally within a bbox) in one bulk read."""

    def owner_asset_count(self, owner: str) -> int:
        """Number of one owner's live assets."""
        return int(self.stats()["by_owner"].get(owner, 0))

    def in_transaction(self) -> bool:
        """True inside ``atomic()``: what is written is not committed yet."""
        return bool(getattr(self, "_depth", 0))

    def interrupt(self) -> None:
        """Abort the statement running on the register's connection, from any thread
        (Ctrl-C, cancel): it fails promptly and its transaction rolls back. A store whose
        statements cannot be aborted from outside has nothing to do here."""
        return None

    def owner_geometries(self, owner: str):
        """Geometries (numpy array) of one owner's live assets, read through the register's
        own connection: inside a batch's transaction they include the batch, and no copy or
        second connection ever waits on that transaction."""
        import numpy as np

        live = self.read_assets(columns=["owner"])
        return np.asarray(live.geometry.array[(live["owner"] == owner).to_numpy()])

    # -- array, Arrow and snapshot reads (defaults build on query_bbox / read_assets) -----
    snapshot_reads: bool = False
    """True when bulk Arrow reads come from a consistent snapshot in parallel slices: a second
    read (the map's label fields after its first frame) returns the same rows while the
    register is unchanged, and is cheap enough to leave for later."""

    def data_version(self) -> int | None:
        """A counter every committed data write raises, or None when the store keeps none
        (callers then re-read whatever they cache)."""
        return None

    def reader(self) -> AssetReader:
        """Array reads of the live assets for one thread (the dig check); close it after use."""
        return AssetReader(self)

    def candidate_arrays(self, bounds, columns: list[str]) -> Arrays:
        """Live assets meeting the box ``bounds`` as plain arrays (see ``store.reader``)."""
        frame = self.query_bbox(tuple(bounds), columns=list(columns))
        return frame_arrays(frame, columns), frame.geometry.to_numpy()

    def asset_arrays(self, columns: list[str]) -> Arrays:
        """Every live asset as plain arrays, in one bulk read."""
        frame = self.read_assets(columns=list(columns))
        return frame_arrays(frame, columns), frame.geometry.to_numpy()

    def owner_utilities(self) -> dict[str, set[str]]:
        """The utilities each owner has live assets of."""
        frame = self.read_assets(columns=["owner", "utility"])[["owner", "utility"]]
        out: dict[str, set[str]] = {}
        for owner, utility in frame.drop_duplicates().itertuples(index=False):
            out.setdefault(owner, set()).add(utility)
        return out

    def read_arrow(self, columns, *, read_geometry: bool = True, return_fids: bool = False):
        """``(meta, Arrow table)`` of the live assets' ``columns`` in one bulk read, geometry as
        WKB in ``meta["geometry_name"]``; ``meta["fid_column"]`` names the row ids when the
        backend has them and ``return_fids`` asks for them (the default has none)."""
        import pyarrow as pa

        frame = self.read_assets(columns=list(columns))
        data = {c: pa.array(frame[c].astype(object).where(frame[c].notna(), None).tolist())
                for c in columns if c in frame.columns}
        if read_geometry:
            data["geometry"] = pa.array(shapely.to_wkb(frame.geometry.array), type=pa.binary())
        meta = {"geometry_name": "geometry" if read_geometry else None, "fid_column": None}
        return meta, pa.table(data)

    def read_arrow_slices(self, columns, *, slices: int | None = None,
                          read_geometry: bool = True, each=None, cancel=None):
        """``read_arrow`` as consecutive slices, ``(meta, [table or each(meta, table)])`` in
        row order; the default reads one slice (``cancel``: polled before it)."""
        if cancel is not None and cancel():
            from ..errors import CancelledError

            raise CancelledError("the register's read was cancelled (the register was closed)")
        meta, table = self.read_arrow(columns, read_geometry=read_geometry)
        return meta, [each(meta, table) if each is not None else table]

    @abc.abstractmethod
    def get_asset(self, asset_id: str, *, history: bool = False) -> dict | list[dict]:
        """One asset's canonical fields, parsed ``attrs`` and batch provenance.

        With ``history=True``, every version (retired ones too), oldest first.
        Raises NotFoundError.
        """

    def restricted_among(self, asset_ids) -> set[str]:
        """The ids among ``asset_ids`` of live assets that are restricted: ``get_assets``
        read for that one flag. Backends answer in one query of the flag alone."""
        return {a for a, rec in self.get_assets(asset_ids).items() if rec["restricted"]}

    def get_assets(self, asset_ids) -> dict[str, dict]:
        """The live assets among ``asset_ids``, each as ``get_asset`` gives it, by id; ids
        with no live asset are left out. Backends answer in one query; this default asks
        one at a time."""
        from ..errors import NotFoundError

        out = {}
        for asset_id in dict.fromkeys(asset_ids):
            try:
                out[asset_id] = self.get_asset(asset_id)
            except NotFoundError:
                continue
        return out

    @abc.abstractmethod
    def asset_count(self) -> int:
        """Number of live assets."""

    @abc.abstractmethod
    def extent(self) -> tuple[float, float, float, float] | None:
        """Bounds of the live assets, or None when the register is empty."""

    def index_boxes(self):
        """``(boxes, counts)`` of the spatial index's leaf nodes — boxes (minx, maxx, miny,
        maxy), how many asset versions each holds — read without any asset row, for a
        density view of the whole register before its assets are read; None when the
        backend has no such index to read cheaply."""
        return None

    @abc.abstractmethod
    def clearance_bounds(self) -> dict[str, float]:
        """Maxima over live assets used to bound a conflict search without missing any:
        ``diameter_mm``, ``h_accuracy_m``, ``crs_accuracy_m`` (0 where all null),
        and ``any_null_accuracy`` (1.0 if some asset has no h_accuracy_m)."""

    @abc.abstractmethod
    def stats(self) -> dict:
        """Counts by owner / utility / status, extent, and data age per owner."""

    # -- batches and rejects ----------------------------------------------------------
    @abc.abstractmethod
    def batches(self) -> pd.DataFrame:
        """Every import batch with its provenance and counts, newest last."""

    @abc.abstractmethod
    def find_batch(self, sha256: str, layer: str | None) -> dict | None:
        """The committed batch that imported this exact file+layer, if any."""

    @abc.abstractmethod
    def rejects(self, batch_id: int | None = None) -> pd.DataFrame: ...

    # -- audit ------------------------------------------------------------------------
    @abc.abstractmethod
    def audit(self, action: str, detail: dict | None = None) -> None: ...

    @abc.abstractmethod
    def audit_log(self) -> pd.DataFrame:
        """Every entry in id order: id, at, user, action, detail (JSON), prev_hash, hash."""

    shared: bool = False
    """True for a register many people use (PostGIS): a check there needs a purpose."""

    sealed: bool = False
    """True for a signed, read-only extract (a contractor's): every write is refused."""

    def refuse_if_sealed(self) -> None:
        """Refuse, before any work, a command that will write to a signed extract (the write
        itself would be refused too, but after the work was done). Only a GeoPackage
        extract can be sealed."""
        return None

    def seal_verdict(self):
        """For a signed extract, whether it is intact and who issued it (a ``SealVerdict``
        with ``ok``, ``issuer``, ``key_id``, ``signed_at``, ``problem`` and ``line(name)``);
        ``None`` for any other register."""
        return None

    def record_use(self, action: str, detail: dict) -> bool:
        """Append an entry for a use of the register (check, search, export, identify), even
        when it is open read-only; False when this register cannot record it."""
        if self.read_only:
            return False
        self.audit(action, detail)
        return True

    def flush_uses(self) -> None:
        """Write any recorded uses a store holds back (GeoPackage single checks); they are
        written at close in any case."""
        return None

    # -- copying records from another register (an offline extract) --------------------
    @abc.abstractmethod
    def copy_records(self, table: str, rows: list[dict]) -> int:
        """Insert records of another register as they are, original timestamps kept, inside
        the caller's transaction: ``notice_responses`` rows (records.COPYABLE); audit entries are
        never copied, they are appended to the register's own chain."""

    @abc.abstractmethod
    def restore_provenance(self, batch_id: int, started_at: str, finished_at: str | None,
                           versions) -> None:
        """Give a batch written as a copy the original's delivery times, and its assets the
        original versions: ``versions`` holds (asset_id, version, valid_from)."""

    # -- logins and roles: a shared register's server grants (a file has none) ----------
    def _no_roles(self):
        from ..errors import ValidationError

        return ValidationError(
            f"{self.display!r} is not a PostgreSQL URL: roles exist only on a shared PostGIS "
            "register (postgresql://USER@HOST/DATABASE?schema=NAME); a GeoPackage is protected "
            "by its file permissions")

    def grant_roles(self):
        """Create the register's planner and editor group roles (if needed) and apply their
        grants; returns their names (``planner``, ``editor``)."""
        raise self._no_roles()

    def create_login(self, name: str, kind: str, password: str | None = None, *,
                     owners: list[str] | None = None, cleared: bool | None = None) -> str | None:
        """Create login ``name`` in the viewer, planner, editor or admin group (an editor for
        ``owners``, default every owner; ``cleared`` for restricted assets); the password
        when one was generated or set."""
        raise self._no_roles()

    def logins(self) -> list[tuple[str, str]]:
        """(login, kind) of every member of the register's groups: viewer, planner, editor or
        admin, with ``+restricted`` when cleared for restricted assets."""
        raise self._no_roles()

    # -- planned works (DESIGN §4 `works`) -------------------------------------------
    @abc.abstractmethod
    def add_works(self, works: gpd.GeoDataFrame) -> int:
        """Insert or replace planned works by ``reference``; returns rows written.

        Columns: reference (required), description, promoter, usrn, street, depth_m,
        method, start_date, end_date (ISO dates), status, source, attrs (JSON), geometry.
        """

    @abc.abstractmethod
    def works(self, *, bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
        """Planned works (all, or those whose footprint intersects bbox)."""

    # -- notices (DESIGN §6) ------------------------------------------------------------
    @abc.abstractmethod
    def next_notice_sequence(self, prefix: str, year: int) -> int:
        """Reserve the next sequence number for prefix+year; unique across processes."""

    @abc.abstractmethod
    def record_notice(self, notice: dict) -> int:
        """Insert a row in ``notices`` (columns as in the schema); returns notice_id."""

    @abc.abstractmethod
    def update_notice(self, reference: str, version: int, **fields) -> None: ...

    @abc.abstractmethod
    def notices(self, reference: str | None = None) -> pd.DataFrame: ...

    @abc.abstractmethod
    def record_response(
        self, reference: str, owner: str, status: str, note: str | None = None,
        recorded_by: str | None = None,
    ) -> None: ...

    @abc.abstractmethod
    def responses(self, reference: str | None = None) -> pd.DataFrame:
        """Every recorded owner response (latest per owner last)."""

    # -- deviation reports (what was found on site; shared SQL in records.py) -----------
    @abc.abstractmethod
    def add_deviation(self, report: dict) -> int:
        """Record one deviation report (records.DEVIATION_COLUMNS); returns its id."""

    @abc.abstractmethod
    def deviations(self, *, status: str | None = None, owner: str | None = None,
                   open_only: bool = False) -> pd.DataFrame:
        """Deviation reports, oldest first (``open_only``: not resolved)."""

    @abc.abstractmethod
    def set_deviation_status(self, ids, status: str, *, resolution: str | None = None) -> int:
        """Move reports to sent / acknowledged / resolved (never back); returns rows changed."""
