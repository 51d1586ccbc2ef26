"""What both backends keep the same way: timestamps, the login name, planned works, notice
and coverage records checked and shaped once, and the records an extract copies as they are.

Each backend only turns these shaped records into its own SQL.
"""

from __future__ import annotations

import json

import shapely

from ..errors import NotFoundError, ValidationError

from ..lazy import lazy_module

gpd = lazy_module("geopandas")

WORKS_COLUMNS = ["reference", "description", "promoter", "usrn", "street", "depth_m", "method",
                 "start_date", "end_date", "status", "source", "attrs"]
NOTICE_COLUMNS = ["reference", "version", "status", "created_at", "created_by", "issued_at",
                  "valid_until", "footprint_wkt", "promoter", "description", "usrn", "start_date",
                  "end_date", "rules_version", "folder", "files", "content_hash", "detail"]
RESPONSE_COLUMNS = ["reference", "owner", "status", "note", "recorded_at", "recorded_by"]
AUDIT_COLUMNS = ["at", "user", "action", "detail"]
# Deviation reports (what was found on site against the record); geometry is WKT in the
# working CRS (a handful of rows, read whole by the check), recorded/found/photos are JSON.
DEVIATION_KINDS = ("elsewhere", "not_found", "unrecorded", "attributes")
DEVIATION_STATUSES = ("new", "sent", "acknowledged", "resolved")
DEVIATION_COLUMNS = ["kind", "asset_id", "asset_version", "owner", "utility", "geometry_wkt",
                     "accuracy_m", "recorded", "found", "notes", "photos", "reference", "status",
                     "reported_at", "reported_by", "sent_at", "acknowledged_at", "resolved_at",
                     "resolution"]
DEVIATION_DDL = """deviation_id {id}, kind TEXT NOT NULL, asset_id TEXT, asset_version INTEGER,
    owner TEXT, utility TEXT, geometry_wkt TEXT, accuracy_m {real}, recorded TEXT NOT NULL,
    found TEXT NOT NULL, notes TEXT, photos TEXT NOT NULL, reference TEXT,
    status TEXT NOT NULL, reported_at TEXT NOT NULL, reported_by TEXT, sent_at TEXT,
    acknowledged_at TEXT, resolved_at TEXT, resolution TEXT"""
# Records another register (an offline extract) may hand over as they are, timestamps kept.
# Never audit entries: those are appended to the target's own chain (extract._sync_audit).
COPYABLE = {"notice_responses": RESPONSE_COLUMNS}


def now_iso() -> str:
    """The time of a write, UTC, as the register stores it (``clock.now``: the pinned
    ``ASSET_REGISTER_NOW`` when set)."""
    from .. import clock

    return clock.now().isoformat(timespec="milliseconds")


def os_user() -> str:
    """The login name written in the audit log (``unknown`` where the OS gives none)."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (service accounts, containers)
        return "unknown"


def prepared_works(works: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """Planned works checked and shaped for any store: WORKS_COLUMNS + geometry in ``crs``."""
    if "reference" not in works.columns or works["reference"].isna().any():
        raise ValidationError("every planned work needs a 'reference'")
    if works["reference"].duplicated().any():
        dup = works.loc[works["reference"].duplicated(), "reference"].iloc[0]
        raise ValidationError(f"planned work reference {dup!r} appears twice")
    if works.geometry.isna().any() or works.geometry.is_empty.any():
        raise ValidationError("every planned work needs a footprint geometry")
    from ..transform import reproject_frame

    frame = (reproject_frame(works, crs, "planned work footprint") if works.crs is not None
             else works.set_crs(crs))
    frame = frame.reindex(columns=WORKS_COLUMNS + [frame.geometry.name])
    frame["status"] = frame["status"].astype(object).fillna("planned")
    frame["attrs"] = frame["attrs"].astype(object).fillna("{}")
    return frame


def notice_fields(fields: dict) -> dict:
    """Notice fields checked against the schema, ``files`` and ``detail`` as JSON text."""
    unknown = set(fields) - set(NOTICE_COLUMNS)
    if unknown:
        raise ValidationError(f"unknown notice fields {sorted(unknown)}")
    out = dict(fields)
    for key in ("files", "detail"):
        if isinstance(out.get(key), dict | list):
            out[key] = json.dumps(out[key], default=str)
    return out


def new_notice(notice: dict) -> dict:
    """A notice row ready to insert (``created_at`` now unless given)."""
    rec = notice_fields(notice)
    rec.setdefault("created_at", now_iso())
    return rec


def no_notice(reference: str, version: int | None = None) -> NotFoundError:
    if version is not None:
        return NotFoundError(f"no notice {reference!r} version {version} in the register")
    return NotFoundError(f"no notice {reference!r} in the register: check the reference "
                         "with 'asset-register notices REGISTER'")


def coverage_area(owner: str, area) -> shapely.MultiPolygon:
    """An owner's coverage as one MultiPolygon, refusing an empty or non-polygonal area."""
    if area is None or shapely.is_empty(area):
        raise ValidationError(f"coverage for owner {owner!r} is empty")
    multi = shapely.multipolygons(shapely.get_parts(area)) if area.geom_type == "Polygon" \
        else area
    if multi.geom_type != "MultiPolygon":
        raise ValidationError(
            f"coverage for owner {owner!r} must be a polygon, got {multi.geom_type}")
    return multi


def copyable(table: str, rows: list[dict]) -> tuple[list[str], list[tuple]]:
    """(columns, value tuples) of records ``copy_records`` may insert into ``table``."""
    if table not in COPYABLE:
        raise ValidationError(f"records of {table!r} cannot be copied between registers: "
                              f"only {sorted(COPYABLE)}")
    cols = COPYABLE[table]
    return cols, [tuple(r.get(c) for c in cols) for r in rows]


class SharedRecordsMixin:
    """Import batches, rejects, the audit log, notices and owners' responses: one SQL text for
    both backends.

    Statements are written with ``?`` marks; a backend whose driver uses another mark
    overrides ``_sql``. ``_now()`` is the SQL of a write's timestamp with its parameters
    (the PC's clock in a file, the server's clock in a shared register) and
    ``_insert_id`` inserts one row and returns its id.
    """

    def _sql(self, text: str) -> str:
        return text

    def _now(self) -> tuple[str, tuple]:
        return "?", (now_iso(),)

    def batches(self):
        return self._query("SELECT * FROM import_batches ORDER BY batch_id")

    def rejects(self, batch_id=None):
        if batch_id is None:
            return self._query("SELECT * FROM rejects ORDER BY reject_id")
        return self._query(self._sql("SELECT * FROM rejects WHERE batch_id = ? ORDER BY reject_id"),
                           (int(batch_id),))

    def audit_log(self):
        return self._query("SELECT * FROM audit_log ORDER BY id")

    def record_notice(self, notice: dict) -> int:
        rec = new_notice(notice)
        cols = list(rec)
        with self.atomic() as con:
            notice_id = self._insert_id(con, "notices", cols, [rec[c] for c in cols], "notice_id")
            self.audit("record_notice", {"reference": rec.get("reference"),
                                         "version": rec.get("version", 1)})
            return int(notice_id)

    def update_notice(self, reference: str, version: int, **fields) -> None:
        fields = notice_fields(fields)
        if not fields:
            return
        sets = ", ".join(f'"{k}" = ?' for k in fields)
        with self.atomic() as con:
            cur = con.execute(self._sql(f"UPDATE notices SET {sets} WHERE reference = ? AND "
                                        "version = ?"), [*fields.values(), reference, int(version)])
            if cur.rowcount == 0:
                raise no_notice(reference, version)
            self.audit("update_notice", {"reference": reference, "version": version,
                                         "fields": sorted(fields)})

    def notices(self, reference=None):
        if reference is None:
            return self._query("SELECT * FROM notices ORDER BY notice_id")
        return self._query(self._sql("SELECT * FROM notices WHERE reference = ? ORDER BY version"),
                           (reference,))

    def record_response(self, reference, owner, status, note=None, recorded_by=None) -> None:
        if self._query(self._sql("SELECT 1 FROM notices WHERE reference = ? LIMIT 1"),
                       (reference,)).empty:
            raise no_notice(reference)
        now, now_params = self._now()
        with self.atomic() as con:
            con.execute(self._sql(
                "INSERT INTO notice_responses (reference, owner, status, note, recorded_at, "
                f"recorded_by) VALUES (?, ?, ?, ?, {now}, ?)"),
                (reference, owner, status, note, *now_params, recorded_by))
            self.audit("record_response", {"reference": reference, "owner": owner,
                                           "status": status})

    def responses(self, reference=None):
        if reference is None:
            return self._query("SELECT * FROM notice_responses ORDER BY response_id")
        return self._query(self._sql("SELECT * FROM notice_responses WHERE reference = ? "
                                     "ORDER BY response_id"), (reference,))

    # -- deviation reports ----------------------------------------------------------------
    _deviations_since = 0  # the schema version that added the table (a backend sets it)

    def add_deviation(self, report: dict) -> int:
        """Record one deviation report (fields of DEVIATION_COLUMNS, shaped by
        ``asset_register.deviations``); returns its id. Status starts ``new``."""
        rec = {c: report.get(c) for c in DEVIATION_COLUMNS}
        for key in ("recorded", "found", "photos"):
            if not isinstance(rec[key], str):
                rec[key] = json.dumps(rec[key] if rec[key] is not None else
                                      ([] if key == "photos" else {}), default=str)
        rec["status"] = "new"
        rec["reported_at"] = rec["reported_at"] or now_iso()
        rec["reported_by"] = rec["reported_by"] or os_user()
        cols = list(rec)
        with self.atomic() as con:
            new_id = self._insert_id(con, "deviations", cols, [rec[c] for c in cols],
                                     "deviation_id")
            self.audit("add_deviation", {"deviation_id": int(new_id), "kind": rec["kind"],
                                         "asset_id": self._logged_asset_id(rec),
                                         "owner": rec["owner"]})
            self._data_changed(con)
        return int(new_id)

    def _logged_asset_id(self, rec: dict) -> str | None:
        """The asset id a deviation's audit entry may hold: every login of a shared register
        reads the log, so a restricted asset is named there only by its owner's masked id
        (as an uncleared login sees it), never by its real id."""
        from ..model import MASKED_ID_PREFIX

        asset_id = rec["asset_id"]
        if not asset_id or not getattr(self, "shared", False) \
                or str(asset_id).startswith(MASKED_ID_PREFIX):
            return asset_id
        try:
            restricted = bool(self.get_asset(str(asset_id)).get("restricted"))
        except NotFoundError:
            restricted = False
        return f"{MASKED_ID_PREFIX}{rec['owner']}" if restricted else asset_id

    def deviations(self, *, status: str | None = None, owner: str | None = None,
                   open_only: bool = False):
        """Deviation reports, oldest first; ``open_only`` leaves out resolved ones."""
        if self.schema_version < self._deviations_since:  # an older register read-only
            import pandas as pd

            return pd.DataFrame(columns=["deviation_id", *DEVIATION_COLUMNS])
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if owner is not None:
            where.append("owner = ?")
            params.append(owner)
        if open_only:
            where.append("status <> 'resolved'")
        text = "SELECT * FROM deviations" + (" WHERE " + " AND ".join(where) if where else "")
        return self._query(self._sql(text + " ORDER BY deviation_id"), tuple(params))

    def set_deviation_status(self, ids, status: str, *, resolution: str | None = None) -> int:
        """Move reports on: ``sent`` (exported to the owner), ``acknowledged`` (the owner
        replied) or ``resolved`` (with the reason). A resolved report stays resolved; a
        report never goes back (an acknowledged one exported again stays acknowledged)."""
        if status not in DEVIATION_STATUSES[1:]:
            raise ValidationError(f"deviation status {status!r} is not one of "
                                  f"{list(DEVIATION_STATUSES[1:])}")
        if status == "resolved" and not (resolution or "").strip():
            raise ValidationError("resolving a deviation by hand needs a reason (--reason)")
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        earlier = DEVIATION_STATUSES[:DEVIATION_STATUSES.index(status)]
        now, now_params = self._now()
        marks = ", ".join("?" * len(ids))
        known = self._query(self._sql(f"SELECT deviation_id FROM deviations WHERE deviation_id "
                                      f"IN ({marks})"), tuple(ids))
        missing = sorted(set(ids) - {int(i) for i in known["deviation_id"]})
        if missing:
            raise NotFoundError(f"no deviation report {missing[0]} in the register: see "
                                "'asset-register deviation list REGISTER'")
        extra = ", resolution = ?" if status == "resolved" else ""
        with self.atomic() as con:
            cur = con.execute(self._sql(
                f"UPDATE deviations SET status = ?, {status}_at = {now}{extra} WHERE "
                f"deviation_id IN ({marks}) AND status IN ({', '.join('?' * len(earlier))})"),
                (status, *now_params, *([resolution] if extra else []), *ids, *earlier))
            changed = cur.rowcount
            self.audit("deviation_status", {"ids": ids, "status": status,
                                            "resolution": resolution, "changed": changed})
            self._data_changed(con)
        return changed

    def _resolve_redelivered(self, con, batch_id: int) -> int:
        """Inside a batch's transaction: resolve the open reports on assets that batch
        changed (a new version) or that no longer have a live version (withdrawn)."""
        if self.schema_version < self._deviations_since:
            return 0
        now, now_params = self._now()
        done = 0
        for why, cond in (
                ("changed", "EXISTS (SELECT 1 FROM assets a WHERE a.asset_id = d.asset_id AND "
                            "a.batch_id = ? AND a.version > COALESCE(d.asset_version, 0))"),
                ("withdrawn", "? > 0 AND NOT EXISTS (SELECT 1 FROM assets a WHERE "
                              "a.asset_id = d.asset_id AND a.retired_at IS NULL)")):
            cur = con.execute(self._sql(
                f"UPDATE deviations AS d SET status = 'resolved', resolved_at = {now}, "
                "resolution = ? WHERE d.status <> 'resolved' AND d.asset_id IS NOT NULL AND "
                + cond), (*now_params, f"re-delivered: batch {batch_id} {why} the asset",
                          batch_id))
            done += max(cur.rowcount, 0)
        return done

    def _data_changed(self, con) -> None:
        """What a check reads changed (a backend with a change counter raises it)."""
