"""A batch's single values staged as column defaults land the very records bound values do.

The GeoPackage store stages a large batch as finished ``assets`` records through ADBC. The
columns that hold one value on every staged row (the batch's constants, its owner, a
profile's constant class or utility…) are given as the staged table's defaults instead of
being bound on every row, and the register's own table text is put back before the copy.
These tests pin that this is only a faster route: every stored value with the same storage
class, the copy still SQLite's transfer of whole records, and parts whose later rows leave
a first part's single value still stored as they are.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from asset_register.model import BatchInfo
from asset_register.store import create_register
from asset_register.store.batches import AssetChunks
from asset_register.store.gpkg import bulk as gpkg_bulk
from tests.conftest import synthetic_assets

BATCH = BatchInfo(source_file="x.gpkg", owner="WSX", transformation_accuracy_m=1.0)
OTHER = BatchInfo(source_file="y.gpkg", owner="UKPN", transformation_accuracy_m=0.1)


WHEN = ("valid_from", "retired_at")  # write times: when, not what (their class is compared)


def records(store) -> list[tuple]:
    """Every stored cell of every row as SQL text with its storage class (1 and 1.0, '1'
    and 1 told apart)."""
    con = store._con
    names = [r[1] for r in con.execute("PRAGMA table_info(assets)")]
    cells = ", ".join(f"typeof({c})" + ("" if c in WHEN else f", quote({c})") for c in names)
    return con.execute(f"SELECT {cells} FROM assets ORDER BY fid").fetchall()


def bound_only(monkeypatch) -> None:
    """Stage every column bound on every row (no defaults): the plain route."""
    monkeypatch.setattr(gpkg_bulk, "_ddl_with_defaults", lambda ddl, info, values: (ddl, {}))


def watch_copies(monkeypatch) -> list:
    """(columns given as defaults, whole-record copy, staged table text == the register's)
    for each staged batch."""
    seen = []
    real = gpkg_bulk.Stage.insert

    def insert(self, *args):
        con = self.store._con
        staged = con.execute(
            "SELECT sql FROM staging.sqlite_master WHERE type = 'table' AND name = 'batch'"
        ).fetchone()[0]
        own = con.execute(
            "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = 'assets'"
        ).fetchone()[0]
        n = real(self, *args)
        seen.append((sorted(self.defaulted), self.whole,
                     staged == own.replace("CREATE TABLE assets", "CREATE TABLE batch", 1)))
        return n

    monkeypatch.setattr(gpkg_bulk.Stage, "insert", insert)
    return seen


def deliveries(store, frame_parts=None) -> None:
    first = synthetic_assets(25000, seed=4)
    first["owner"] = "O'Neill & Co"  # a quote in a value given as a default
    again = first.iloc[100:].copy()
    again.loc[again.index[:5000], "material"] = "steel"
    other = synthetic_assets(30000, seed=5, owner="UKPN")
    store.write_batch(first if frame_parts is None else frame_parts(first), BATCH,
                      delivery="WSX:all")
    store.write_batch(again, BATCH, delivery="WSX:all")  # a re-delivery: column by column
    store.write_batch(other, OTHER, delivery=None)  # into a filled register, no delivery


def test_single_values_as_defaults_store_the_same_records_as_bound_values(
        tmp_path, monkeypatch):
    monkeypatch.setattr(gpkg_bulk, "STAGE_PART_ROWS", 7000)
    seen = watch_copies(monkeypatch)
    with create_register(tmp_path / "fast.gpkg") as fast:
        deliveries(fast)
        single = {"batch_id", "captured_on", "crs_accuracy_m", "delivery", "depth_source",
                  "material", "owner", "quality_level", "valid_from", "version"}
        assert [d for d, _, _ in seen] == [
            sorted(single),  # (not the utilities, classes, restricted flags: they vary)
            sorted(single - {"material"}),  # (some rows "steel" now)
            sorted(single - {"delivery", "crs_accuracy_m"}),
        ]  # an accuracy of 0.1 is bound (only whole numbers become a REAL default); NULLs too
        assert [w for _, w, _ in seen] == [True, False, True]  # whole records still copied
        assert all(same for _, _, same in seen)  # the register's own text back on the stage
        got = records(fast)
        assert fast._con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    seen.clear()
    bound_only(monkeypatch)
    with create_register(tmp_path / "bound.gpkg") as bound:
        deliveries(bound)
        assert [(d, w) for d, w, _ in seen] == [([], True), ([], False), ([], True)]
        assert records(bound) == got
    assert len(got) == 25000 + 5000 + 30000


def test_a_part_that_leaves_the_first_parts_single_value_is_stored_as_it_is(
        tmp_path, monkeypatch):
    frame = synthetic_assets(30000, seed=6)
    frame["status"] = "in_service"
    frame.loc[frame.index[20000:], "status"] = np.where(
        np.arange(10000) % 3 == 0, "abandoned", "in_service")  # in the last part only
    frame.loc[frame.index[25000], "quality_level"] = None  # a NULL where the default is a text
    frame.loc[frame.index[7000:20000], "material"] = None  # a whole part without its value

    def in_parts(f):
        return AssetChunks(f.iloc[a:b] for a, b in ((0, 7000), (7000, 20000), (20000, 30000)))

    staged = []
    real = gpkg_bulk.StreamedStage.__init__
    monkeypatch.setattr(gpkg_bulk.StreamedStage, "__init__",
                        lambda self, *a, **k: real(self, *a, **k) or staged.append(self.defaulted))
    with create_register(tmp_path / "parts.gpkg") as many:
        many.write_batch(in_parts(frame), BATCH, delivery="WSX:all")
        assert {"status", "quality_level", "owner", "material"} <= set(staged[0])
        got = records(many)
        assert many._con.execute("SELECT count(*) FROM assets WHERE status = 'abandoned'"
                                 ).fetchone()[0] == 3334
        assert many._con.execute("SELECT count(*) FROM assets WHERE quality_level IS NULL"
                                 ).fetchone()[0] == 1
        assert many._con.execute("SELECT count(*) FROM assets WHERE material IS NULL"
                                 ).fetchone()[0] == 13000
    bound_only(monkeypatch)
    with create_register(tmp_path / "bound.gpkg") as bound:
        bound.write_batch(in_parts(frame), BATCH, delivery="WSX:all")
        assert records(bound) == got
    with create_register(tmp_path / "one.gpkg") as one:
        one.write_batch(frame, BATCH, delivery="WSX:all")  # one frame, bound
        assert records(one) == got


@pytest.mark.parametrize(("value", "declared", "literal"), [
    ("it's", "TEXT", "'it''s'"),
    ("", "TEXT", "''"),
    ("nul\x00inside", "TEXT", None),  # not written in SQL text: bound instead
    (7, "INTEGER", "7"),
    (np.int64(-3), "INTEGER", "-3"),
    (True, "INTEGER", None),
    (1.0, "REAL", "1.0"),
    (-2.0, "REAL", "-2.0"),
    (0.1, "REAL", None),  # a fraction: its decimal text might not read back to the same bits
    (-0.0, "REAL", None),
    (0.0, "REAL", None),
    (float("nan"), "REAL", None),
    (2.0 ** 60, "REAL", None),
    (7, "TEXT", None),  # a number into a TEXT column would be stored as its text
    ("7", "INTEGER", None),
])
def test_only_values_a_default_stores_exactly_become_defaults(value, declared, literal):
    assert gpkg_bulk._sql_literal(value, declared) == literal
    if literal is None:
        return
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE a (k INTEGER PRIMARY KEY, v " + declared + ")")
    con.execute("CREATE TABLE b (k INTEGER PRIMARY KEY, v " + declared + " DEFAULT " + literal + ")")
    con.execute("INSERT INTO a (v) VALUES (?)", (value.item() if hasattr(value, "item") else value,))
    con.execute("INSERT INTO b (k) VALUES (1)")
    assert (con.execute("SELECT typeof(v), quote(v) FROM a").fetchall()
            == con.execute("SELECT typeof(v), quote(v) FROM b").fetchall())


def test_a_table_with_constraints_the_rebuild_would_drop_is_staged_bound(tmp_path):
    con = sqlite3.connect(tmp_path / "t.sqlite")
    for ddl in ("CREATE TABLE batch (fid INTEGER PRIMARY KEY, a TEXT CHECK (a <> ''))",
                "CREATE TABLE batch (fid INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE)",
                "CREATE TABLE batch (fid INTEGER PRIMARY KEY, a TEXT DEFAULT (lower('X')))",
                "CREATE TABLE batch (fid TEXT PRIMARY KEY, a TEXT)",
                "CREATE TABLE batch (fid INTEGER PRIMARY KEY, a TEXT) WITHOUT ROWID"):
        con.execute("DROP TABLE IF EXISTS batch")
        con.execute(ddl)
        info = con.execute("PRAGMA table_info(batch)").fetchall()
        assert gpkg_bulk._ddl_with_defaults(ddl, info, {"a": "x"}) == (ddl, {})
    ddl = "CREATE TABLE batch (fid INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT NOT NULL, b REAL)"
    con.execute("DROP TABLE batch")
    con.execute(ddl)
    info = con.execute("PRAGMA table_info(batch)").fetchall()
    staged, defaulted = gpkg_bulk._ddl_with_defaults(ddl, info, {"a": "x", "b": 0.5})
    assert defaulted == {"a": "x"}
    assert staged == ('CREATE TABLE batch ("fid" INTEGER PRIMARY KEY AUTOINCREMENT, '
                      '"a" TEXT NOT NULL DEFAULT \'x\', "b" REAL)')
