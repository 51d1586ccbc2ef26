"""The dig check's one-round-trip read path on PostGIS (store/postgis/checkpath.py).

Same conflicts as the plain path (the store's generic box query, and a GeoPackage holding the
same assets) for randomised footprints, for an uncleared planner, a cleared login and the
register's owner; restricted assets masked for the planner on the fast path too; one
statement per check; a write committed by another session seen at the next check; and the
server's plan on the indexes (EXPLAIN as the planner).
"""

from __future__ import annotations

import uuid

import numpy as np
import psycopg
import pytest
import shapely

from asset_register.check.checker import Checker
from asset_register.check.result import DigSite
from asset_register.model import BatchInfo, Owner
from asset_register.restricted import coarse_boxes, mask_restricted
from asset_register.store import AssetReader, open_register
from asset_register.store.base import RegisterStore
from tests.conftest import synthetic_assets

pytestmark = pytest.mark.postgis


def _assets():
    open_ = synthetic_assets(300, seed=21, size=600.0)
    open_["restricted"] = False
    mod = synthetic_assets(40, seed=22, owner="MOD", size=600.0)
    mod["restricted"] = True
    return open_, mod


def _load(store, open_, mod):
    store.upsert_owner(Owner("WSX", "Wessex Water", phone="0345 600 4600"))
    store.upsert_owner(Owner("MOD", "Defence Infrastructure", phone="0800 123 4567"))
    store.write_batch(open_, BatchInfo(source_file="w.gpkg", owner="WSX"))
    store.write_batch(mod, BatchInfo(source_file="m.gpkg", owner="MOD"))
    area = shapely.box(529900, 179900, 530700, 180700)
    for code in ("WSX", "MOD"):
        store.set_owner_coverage(code, area)


@pytest.fixture
def register(pg_server, pg_store):
    """A PostGIS register of 300 open and 40 restricted assets; URLs of an uncleared planner
    and a cleared viewer; the frames loaded."""
    open_, mod = _assets()
    _load(pg_store, open_, mod)
    tag = uuid.uuid4().hex[:8]
    urls = {"owner": pg_store.url_text}
    for kind, role, extra in (("planner", "planner", {}), ("cleared", "viewer", {"cleared": True})):
        name = f"{kind}_{tag}"
        pg_store.create_login(name, role, "pw " + kind, **extra)
        urls[kind] = pg_server.url(user=name, password="pw " + kind, schema=pg_store.schema)
    return pg_store, urls, open_, mod


class PlainReader(AssetReader):
    """The plain path: the store's generic box query (a frame), then arrays."""

    reads_version = False

    def candidate_arrays(self, bounds, columns):
        return RegisterStore.candidate_arrays(self.store, bounds, columns)


def _footprints(n: int, seed: int, near=None):
    """``n`` random 10 x 4 m footprints, rotated; half of them on the geometries ``near``."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(529950, 530650, n)
    y = rng.uniform(179950, 180650, n)
    if near is not None:
        on = shapely.centroid(rng.choice(np.asarray(near), n // 2))
        x[: n // 2] = shapely.get_x(on) + rng.uniform(-4, 4, n // 2)
        y[: n // 2] = shapely.get_y(on) + rng.uniform(-4, 4, n // 2)
    boxes = shapely.box(x - 5, y - 2, x + 5, y + 2)
    return [shapely.affinity.rotate(b, a) for b, a in zip(boxes, rng.uniform(0, 180, n))]


def _answer(result, *, masked_ids: bool = False):
    """What a planner acts on: each conflict's asset, owner, severity and distance; owners."""
    c = result.conflicts
    ids = [("restricted:" + o if masked_ids and a.startswith("restricted:") else a)
           for a, o in zip(c["asset_id"], c["owner"])]
    rows = sorted(zip(ids, c["owner"], c["severity"], np.round(c["distance_m"].to_numpy(), 6)))
    return rows, sorted(repr(o) for o in result.owners_affected), \
        sorted(repr(o) for o in result.owners_no_conflict)


def _fast_and_plain(url, sites):
    store = open_register(url, read_only=True)
    try:
        fast = Checker(store)
        assert fast._reader.reads_version
        plain = Checker(store)
        plain._reader = PlainReader(store)
        out = [(fast.check(s), plain.check(s)) for s in sites]
        fast.close()
        return out
    finally:
        store.close()


@pytest.mark.parametrize("who", ["planner", "cleared", "owner"])
def test_fast_path_finds_the_same_conflicts_as_the_plain_path(register, who):
    store, urls, open_, mod = register
    near = np.concatenate([open_.geometry.to_numpy(), mod.geometry.to_numpy()])
    sites = [DigSite(f) for f in _footprints(80, seed=5, near=near)]
    pairs = _fast_and_plain(urls[who], sites)
    hits = 0
    for fast, plain in pairs:
        assert _answer(fast) == _answer(plain)
        hits += len(fast.conflicts)
    assert hits > 40  # the footprints do meet assets


def test_fast_path_agrees_with_a_geopackage_of_the_same_assets(register, gpkg_store_factory):
    """The owner sees what a GeoPackage of the same assets shows; an uncleared planner what a
    GeoPackage of the masked assets shows (restricted: coarse box, owner, no detail)."""
    _, urls, open_, mod = register
    full = gpkg_store_factory("full.gpkg")
    _load(full, open_, mod)
    masked = gpkg_store_factory("masked.gpkg")
    _load(masked, open_, mask_restricted(mod))
    near = np.concatenate([open_.geometry.to_numpy(), mod.geometry.to_numpy()])
    sites = [DigSite(f) for f in _footprints(60, seed=6, near=near)]
    for url, gpkg, masked_ids in ((urls["owner"], full, False), (urls["planner"], masked, True)):
        store = open_register(url, read_only=True)
        try:
            with Checker(store) as pg, Checker(gpkg) as local:
                for s in sites:
                    assert _answer(pg.check(s), masked_ids=masked_ids) == \
                        _answer(local.check(s), masked_ids=masked_ids)
        finally:
            store.close()


def test_restricted_assets_reach_an_uncleared_planner_masked_on_the_fast_path(register):
    store, urls, _, mod = register
    truth = dict(zip(mod["asset_id"], mod.geometry))
    planner = open_register(urls["planner"], read_only=True)
    try:
        checker = Checker(planner)
        centres = shapely.centroid(mod.geometry.to_numpy()[:12])
        sites = [DigSite(shapely.box(p.x - 3, p.y - 1, p.x + 3, p.y + 1)) for p in centres]
        checker.check(sites[0])  # the first check reads the register facts
        seen = 0
        for site in sites:
            result = checker.check(site)
            mine = result.conflicts[result.conflicts["owner"] == "MOD"]
            assert len(mine) > 0, "a dig on a restricted asset must still conflict with it"
            seen += len(mine)
            assert mine["asset_id"].str.startswith("restricted:MOD:").all()
            assert not set(mine["asset_id"]) & set(truth)
            assert mine["depth_m"].isna().all() and mine["material"].isna().all()
            boxes = coarse_boxes(mod.geometry.to_numpy())  # the client's own coarse boxes
            for g in mine.geometry:  # a coarse box on the grid, never the true shape
                assert shapely.equals(boxes, g).any()
                assert not any(shapely.equals(g, t) for t in truth.values())
            assert mine["precaution"].str.contains("contact them for its position").all()
        assert seen >= len(sites)
        checker.close()
    finally:
        planner.close()


def test_one_statement_per_check_and_a_committed_write_is_seen_next(register, monkeypatch):
    store, urls, _, _ = register
    planner = open_register(urls["planner"], read_only=True)
    try:
        checker = Checker(planner)
        sites = [DigSite(f) for f in _footprints(12, seed=7)]
        checker.check(sites[0])
        sent = []
        real = psycopg.Cursor.execute

        def counting(cur, query, *args, **kwargs):
            sent.append(query)
            return real(cur, query, *args, **kwargs)
        monkeypatch.setattr(psycopg.Cursor, "execute", counting)
        for s in sites:
            checker.check(s)
        assert len(sent) == len(sites)  # one statement, one round trip per check
        monkeypatch.undo()

        # another session (the owner) commits a new asset under the next footprint
        x, y = sites[1].footprint.centroid.coords[0]
        extra = synthetic_assets(1, seed=23)
        extra["asset_id"] = ["WSX:new-main"]
        extra["geometry"] = [shapely.LineString([(x - 20, y), (x + 20, y)])]
        extra["restricted"] = False
        store.write_batch(extra, BatchInfo(source_file="n.gpkg", owner="WSX"), delivery="new")
        result = checker.check(sites[1])
        assert "WSX:new-main" in set(result.conflicts["asset_id"])
        checker.close()
    finally:
        planner.close()


def _function_query(store) -> str:
    """The query inside ``ar_check_candidates``, its arguments as parameters $1..$4."""
    from asset_register.store.postgis.checkpath import candidates_function_sql

    text = candidates_function_sql(store.schema, store.srid)
    query = text[text.index("RETURN QUERY ") + len("RETURN QUERY "):text.rindex(";")]
    for n, name in enumerate(("x0", "y0", "x1", "y1"), 1):
        query = query.replace(f"({name},", f"(${n}::float8,").replace(f" {name},", f" ${n}::float8,")
    return query


def test_the_planner_s_candidates_come_from_the_indexes(register):
    """EXPLAIN of the check's statement as the uncleared planner (its generic plan, as the
    store's session runs it): open assets through the GiST index on geom, restricted ones
    through the partial index on their coarse box."""
    store, urls, _, _ = register
    # a register big enough for the plan to matter (a few hundred rows are read whole)
    far = synthetic_assets(6000, seed=25, x0=540000.0, y0=190000.0, size=4000.0)
    far["restricted"] = False
    store.write_batch(far, BatchInfo(source_file="far.gpkg", owner="WSX"), delivery="far")
    store._conn.execute("ANALYZE assets")
    with psycopg.connect(urls["planner"].split("?")[0], autocommit=True) as conn:
        conn.execute(f"SET search_path TO {store.schema}, public")
        query = _function_query(store)
        conn.execute("BEGIN")
        conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")  # as the function's
        conn.execute(f"PREPARE candidates AS {query}")
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN EXECUTE candidates(530100, 180100, 530130, 180120)"))
        conn.execute("COMMIT")
    assert "assets_geom" in plan and "assets_coarse_restricted" in plan, plan
    assert "Seq Scan" not in plan.replace("Seq Scan on register_state", ""), plan


def test_only_the_check_s_own_query_is_planned_generically(register, pg_server):
    """The query inside ``ar_check_candidates`` runs with a generic plan from its first call
    (the function's own setting), as the uncleared planner; the session's setting stays the
    server's (``auto``), so the statement calling it and any other statement are planned as
    PostgreSQL chooses (custom plans first) — also after a check that failed."""
    from asset_register.check.clearance import CHECK_COLUMNS
    from asset_register.errors import RegisterLockedError
    from asset_register.store.postgis.checkpath import candidates_sql

    store, urls, open_, mod = register
    planner_login = urls["planner"].split("//")[1].split(":")[0]
    # auto_explain reports the plan of every statement, nested ones too (as notices); the
    # server's superuser loads it, then acts as the planner
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        plans = []
        conn.add_notice_handler(lambda d: plans.append(d.message_primary))
        for setting in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                        "SET auto_explain.log_nested_statements = on",
                        "SET auto_explain.log_verbose = on",
                        "SET client_min_messages = log", f"SET ROLE {planner_login}",
                        f"SET search_path TO {store.schema}, public"):
            conn.execute(setting)
        text = candidates_sql(store._columns(CHECK_COLUMNS), store.srid).as_string(conn)
        centres = shapely.centroid(np.concatenate([open_.geometry.to_numpy()[:4],
                                                   mod.geometry.to_numpy()[:4]]))
        for p in centres:  # 8 calls: more than the 5 custom plans PostgreSQL tries first
            box = {"x0": p.x - 10, "y0": p.y - 10, "x1": p.x + 10, "y1": p.y + 10}
            row = conn.execute(text, box, prepare=True).fetchone()
            assert row[1], "the box meets assets"
        inner = [m for m in plans if "asset_view" in m and "Function Scan" not in m]
        outer = [m for m in plans if "Function Scan" in m]
        assert len(inner) == len(outer) == len(centres), plans
        # a generic plan keeps the function's arguments as parameters ($1..$4); a custom
        # plan would hold the box's numbers instead
        assert all("st_makeenvelope($1, $2, $3, $4" in m for m in inner), inner
        assert conn.execute("SHOW plan_cache_mode").fetchone()[0] == "auto"
        # the calling statement is planned as PostgreSQL chooses: custom plans first (the
        # box's numbers), then its generic plan (a function scan costs the same for any box)
        assert "Function Call: ar_check_candidates('" in outer[0], outer[0]
        assert "Function Call: ar_check_candidates($1, $2, $3, $4)" in outer[-1], outer[-1]

    planner = open_register(urls["planner"], read_only=True)
    try:
        conn = planner._conn
        checker = Checker(planner)
        sites = [DigSite(f) for f in _footprints(10, seed=8, near=open_.geometry.to_numpy())]
        first = [_answer(checker.check(s)) for s in sites]
        assert conn.execute("SHOW plan_cache_mode").fetchone()[0] == "auto"
        # a check the server fails (the register locked by another session past the wait)
        conn.execute("SET lock_timeout = '100ms'")
        with psycopg.connect(urls["owner"].split("?")[0]) as locker:
            locker.execute(f"LOCK TABLE {store.schema}.assets IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(RegisterLockedError):
                checker.check(sites[0])
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert conn.execute("SHOW plan_cache_mode").fetchone()[0] == "auto"
        assert [_answer(checker.check(s)) for s in sites] == first
        checker.close()
    finally:
        planner.close()


def test_default_reader_says_which_version_its_candidates_belong_to(gpkg_store_factory):
    store = gpkg_store_factory()
    store.upsert_owner(Owner("WSX", "Wessex Water"))
    store.write_batch(synthetic_assets(50, seed=24), BatchInfo(source_file="w.gpkg"))
    reader = AssetReader(store)
    cols, geoms, version = reader.candidates_at((530000, 180000, 530500, 180500), ["asset_id"])
    assert version == store.data_version() and len(geoms) == len(cols["asset_id"]) > 0



def test_a_register_from_before_the_fast_path_is_upgraded_by_its_owner(register, pg_server):
    """A register from before migration ``check_fast_path`` (a coarse-box index over every
    row) is upgraded at the owner's next open; the planner's check then masks as before."""
    from asset_register.store.postgis.schema import MIGRATIONS, SCHEMA_VERSION
    from asset_register.store.postgis.security import COARSE

    version = next(v for v, name, _ in MIGRATIONS if name == "check_fast_path")

    store, urls, _, mod = register
    s = store.schema
    pg_server.psql(f"DELETE FROM {s}.schema_migrations WHERE version = {version}; "
                   f"DROP INDEX {s}.assets_coarse_restricted; CREATE INDEX assets_coarse ON "
                   f"{s}.assets USING gist ({COARSE.replace('a.geom', 'geom')})", db="registers")
    with open_register(urls["owner"]) as owner:
        assert owner.schema_version == SCHEMA_VERSION
        indexes = {r[0] for r in owner._conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s", (s,))}
    assert "assets_coarse_restricted" in indexes and "assets_coarse" not in indexes
    with open_register(urls["planner"], read_only=True) as planner, Checker(planner) as checker:
        p = shapely.centroid(mod.geometry.iloc[0])
        site = DigSite(shapely.box(p.x - 3, p.y - 1, p.x + 3, p.y + 1))
        for _ in range(2):  # the first check, then the one-round-trip one
            mine = checker.check(site).conflicts
            mine = mine[mine["owner"] == "MOD"]
            assert len(mine) and mine["asset_id"].str.startswith("restricted:MOD:").all()


def test_a_register_from_before_the_check_function_is_upgraded_by_its_owner(register, pg_server):
    """A register of schema 9 (no ``ar_check_candidates``, the clearance per restricted row)
    is upgraded at the owner's next open; the planner's check then gives the same answers."""
    from asset_register.store.postgis.schema import MIGRATIONS, SCHEMA_VERSION

    version = next(v for v, name, _ in MIGRATIONS if name == "check_clearance_once")
    store, urls, open_, mod = register
    s = store.schema
    near = np.concatenate([open_.geometry.to_numpy(), mod.geometry.to_numpy()])
    sites = [DigSite(f) for f in _footprints(20, seed=9, near=near)]
    with open_register(urls["planner"], read_only=True) as planner, Checker(planner) as checker:
        before = [_answer(checker.check(x)) for x in sites]
    pg_server.psql(f"DELETE FROM {s}.schema_migrations WHERE version = {version}; "
                   f"DROP FUNCTION {s}.ar_check_candidates(float8, float8, float8, float8)",
                   db="registers")
    with open_register(urls["owner"]) as owner:
        assert owner.schema_version == SCHEMA_VERSION
        config = owner._conn.execute(
            "SELECT proconfig FROM pg_proc WHERE proname = 'ar_check_candidates' "
            "AND pronamespace = %s::regnamespace", (s,)).fetchone()
    assert config == (["plan_cache_mode=force_generic_plan"],)
    with open_register(urls["planner"], read_only=True) as planner, Checker(planner) as checker:
        assert [_answer(checker.check(x)) for x in sites] == before


def _candidates_function(conn, schema: str) -> tuple:
    """(volatility, security definer?, settings, definition) of ``ar_check_candidates``."""
    return conn.execute(
        "SELECT p.provolatile, p.prosecdef, p.proconfig, pg_get_functiondef(p.oid) "
        "FROM pg_proc p WHERE p.proname = 'ar_check_candidates' "
        "AND p.pronamespace = %s::regnamespace", (schema,)).fetchall()


def test_the_check_function_stays_stable_and_runs_with_the_caller_s_rights(register, pg_server):
    """``ar_check_candidates`` is STABLE (it cannot write, and reads the caller's snapshot)
    and SECURITY INVOKER (it reads ``asset_view`` with the calling login's rights, so the
    masking of restricted assets holds): on a new register and on one upgraded from schema
    9, with the same definition on both (the one ``migrate`` renews with the view)."""
    from asset_register.store.postgis.schema import MIGRATIONS, SCHEMA_VERSION

    store, urls, _, _ = register
    s = store.schema
    fresh = _candidates_function(store._conn, s)
    assert len(fresh) == 1
    volatility, definer, config, definition = fresh[0]
    assert volatility == "s" and definer is False, fresh
    assert config == ["plan_cache_mode=force_generic_plan"]
    assert "STABLE" in definition and "SECURITY DEFINER" not in definition
    version = next(v for v, name, _ in MIGRATIONS if name == "check_clearance_once")
    pg_server.psql(f"DELETE FROM {s}.schema_migrations WHERE version = {version}; "
                   f"DROP FUNCTION {s}.ar_check_candidates(float8, float8, float8, float8)",
                   db="registers")
    with open_register(urls["owner"]) as owner:
        assert owner.schema_version == SCHEMA_VERSION
        assert _candidates_function(owner._conn, s) == fresh
    with psycopg.connect(urls["planner"].split("?")[0], autocommit=True) as conn:
        conn.execute(f"SET search_path TO {s}, public")
        conn.execute("BEGIN READ ONLY")  # a read-only transaction may call it
        rows = conn.execute("SELECT count(*) FROM ar_check_candidates(529900, 179900, 530700, "
                            "180700)").fetchone()[0]
        conn.execute("COMMIT")
    assert rows == 340
