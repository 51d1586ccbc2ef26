"""Planned works and notice records of a GeoPackage register (a mixin of GeoPackageStore)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd

from ...errors import NotFoundError, ValidationError
from . import geom as gpkg_geom
from .write import now_iso

WORKS_COLUMNS = ["reference", "description", "promoter", "usrn", "street", "depth_m", "method",
                 "start_date", "end_date", "status", "source", "attrs"]
NOTICE_COLUMNS = ["reference", "version", "status", "created_at", "created_by", "issued_at",
                  "valid_until", "footprint_wkt", "promoter", "description", "usrn", "start_date",
                  "end_date", "rules_version", "folder", "files", "content_hash", "detail"]


def prepared_works(works: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """Planned works checked and shaped for any store: WORKS_COLUMNS + geometry in ``crs``."""
    if "reference" not in works.columns or works["reference"].isna().any():
        raise ValidationError("every planned work needs a 'reference'")
    if works["reference"].duplicated().any():
        dup = works.loc[works["reference"].duplicated(), "reference"].iloc[0]
        raise ValidationError(f"planned work reference {dup!r} appears twice")
    if works.geometry.isna().any() or works.geometry.is_empty.any():
        raise ValidationError("every planned work needs a footprint geometry")
    frame = works.to_crs(crs) if works.crs is not None else works.set_crs(crs)
    frame = frame.reindex(columns=WORKS_COLUMNS + [frame.geometry.name])
    frame["status"] = frame["status"].astype(object).fillna("planned")
    frame["attrs"] = frame["attrs"].astype(object).fillna("{}")
    return frame


class WorksNoticesMixin:
    def add_works(self, works: gpd.GeoDataFrame) -> int:
        frame = prepared_works(works, self.crs)
        blobs = gpkg_geom.encode(frame.geometry.array, self.srs_id)
        values = frame[WORKS_COLUMNS].astype(object).where(frame[WORKS_COLUMNS].notna(), None)
        cols = ", ".join(WORKS_COLUMNS)
        with self.atomic() as con:
            # delete + insert rather than an upsert: the GeoPackage R*Tree triggers'
            # INSERT OR REPLACE does not mix with ON CONFLICT DO UPDATE.
            con.executemany("DELETE FROM works WHERE reference = ?",
                            ((r,) for r in frame["reference"]))
            con.executemany(
                f"INSERT INTO works (geom, {cols}) VALUES (?{', ?' * len(WORKS_COLUMNS)})",
                (
                    (b, *row)
                    for b, row in zip(blobs, values.itertuples(index=False, name=None))
                ),
            )
            self.audit("add_works", {"count": len(frame)})
        return len(frame)

    def works(self, *, bbox=None) -> gpd.GeoDataFrame:
        cols = ", ".join(WORKS_COLUMNS)
        if bbox is None:
            sql, params = f"SELECT geom, {cols} FROM works ORDER BY reference", ()
        else:
            minx, miny, maxx, maxy = bbox
            sql = (f"SELECT geom, {cols} FROM works WHERE fid IN (SELECT id FROM rtree_works_geom "
                   "WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?) ORDER BY reference")
            params = (minx, maxx, miny, maxy)
        rows = self._con.execute(sql, params).fetchall()
        data = {c: [r[i + 1] for r in rows] for i, c in enumerate(WORKS_COLUMNS)}
        geoms = gpkg_geom.decode([r[0] for r in rows]) if rows else np.array([], dtype=object)
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=self.crs), crs=self.crs)

    def next_notice_sequence(self, prefix: str, year: int) -> int:
        with self.atomic() as con:  # BEGIN IMMEDIATE serialises writers across processes
            con.execute(
                "INSERT INTO notice_sequences (prefix, year, last) VALUES (?, ?, 1) ON CONFLICT(prefix, year) "
                "DO UPDATE SET last = last + 1", (prefix, int(year)))
            return con.execute("SELECT last FROM notice_sequences WHERE prefix=? AND year=?",
                               (prefix, int(year))).fetchone()[0]

    def record_notice(self, notice: dict) -> int:
        unknown = set(notice) - set(NOTICE_COLUMNS)
        if unknown:
            raise ValidationError(f"unknown notice fields {sorted(unknown)}")
        rec = dict(notice)
        rec.setdefault("created_at", now_iso())
        for key in ("files", "detail"):
            if isinstance(rec.get(key), dict | list):
                rec[key] = json.dumps(rec[key], default=str)
        cols = list(rec)
        with self.atomic() as con:
            cur = con.execute(
                f"INSERT INTO notices ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [rec[c] for c in cols])
            self.audit("record_notice", {"reference": rec.get("reference"),
                                         "version": rec.get("version", 1)})
            return cur.lastrowid

    def update_notice(self, reference: str, version: int, **fields) -> None:
        unknown = set(fields) - set(NOTICE_COLUMNS)
        if unknown:
            raise ValidationError(f"unknown notice fields {sorted(unknown)}")
        for key in ("files", "detail"):
            if isinstance(fields.get(key), dict | list):
                fields[key] = json.dumps(fields[key], default=str)
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.atomic() as con:
            cur = con.execute(f"UPDATE notices SET {sets} WHERE reference = ? AND version = ?",
                              [*fields.values(), reference, version])
            if cur.rowcount == 0:
                raise NotFoundError(f"no notice {reference!r} version {version} in the register")
            self.audit("update_notice", {"reference": reference, "version": version,
                                         "fields": sorted(fields)})

    def notices(self, reference=None) -> pd.DataFrame:
        if reference is None:
            return self._query("SELECT * FROM notices ORDER BY notice_id")
        return self._query("SELECT * FROM notices WHERE reference = ? ORDER BY version",
                           (reference,))

    def record_response(self, reference, owner, status, note=None, recorded_by=None) -> None:
        if self._con.execute("SELECT 1 FROM notices WHERE reference = ?",
                             (reference,)).fetchone() is None:
            raise NotFoundError(f"no notice {reference!r} in the register: check the reference "
                                "with 'asset-register notices REGISTER'")
        with self.atomic() as con:
            con.execute(
                "INSERT INTO notice_responses (reference, owner, status, note, recorded_at, "
                "recorded_by) VALUES (?,?,?,?,?,?)",
                (reference, owner, status, note, now_iso(), recorded_by))
            self.audit("record_response", {"reference": reference, "owner": owner,
                                           "status": status})

    def responses(self, reference=None) -> pd.DataFrame:
        if reference is None:
            return self._query("SELECT * FROM notice_responses ORDER BY response_id")
        return self._query("SELECT * FROM notice_responses WHERE reference = ? "
                           "ORDER BY response_id", (reference,))
