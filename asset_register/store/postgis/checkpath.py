"""The dig check's read path on a PostGIS register: one round trip per check.

A live check (a planner dragging a footprint) reads its candidates and the register's data
version in **one prepared statement** that returns a single row of arrays (binary format):
the data version and, per column, the values of every live asset meeting the search box.
Both come from one snapshot, so the checker knows exactly which version the candidates
belong to and re-reads its cached owners, coverage, works and bounds only when it changed.

The statement reads ``asset_view`` like every other read, through the function
``ar_check_candidates`` (migration 10), so restricted assets come back masked to logins not
cleared for them (``security.view_sql``). The view is a ``UNION ALL`` of open assets (their
own geometry: the GiST index on ``geom``) and restricted ones (masked; a small partial GiST
index on the coarse box of restricted rows only): see migration 9 below, ``EXPLAIN`` in
``tests/postgis/test_check_path.py``. The function's query is planned once for any box (its
own ``plan_cache_mode``); nothing else the session runs is planned that way.
"""

from __future__ import annotations

import numpy as np
import shapely
from psycopg import sql

from ..reader import AssetReader, numeric
from .errors import translated
from .security import COARSE


def migration_9(cur, srid: int) -> None:
    """``check_fast_path``: a group-membership test the planner can afford on every read, and
    the index the masked view needs for restricted rows (the view itself, two branches since
    this version, is renewed by ``migrate``)."""
    cur.execute("SELECT current_schema()")
    s = cur.fetchone()[0]
    q = f'"{s}"'
    # Same answer as migration 6's function, from the role cache instead of a scan of the
    # pg_roles view: a check evaluates it (through ar_cleared) whenever a restricted asset
    # is near, and row-level security on every row it filters.
    cur.execute(f"""
    CREATE OR REPLACE FUNCTION {q}.ar_member(suffix text) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT coalesce(pg_catalog.pg_has_role(current_user,
        pg_catalog.to_regrole(pg_catalog.quote_ident('{s}_' || suffix))::oid, 'MEMBER'), false) $$;
    """)
    # The masked view (security.view_sql) reads restricted rows through their coarse box;
    # open rows through the geometry's own index. The box index over every row is no longer
    # read: a partial one over restricted rows replaces it (imports maintain one GiST less).
    cur.execute("DROP INDEX IF EXISTS assets_coarse")
    cur.execute(f"CREATE INDEX IF NOT EXISTS assets_coarse_restricted ON {q}.assets "
                f"USING gist ({COARSE.replace('a.geom', 'geom')}) WHERE restricted")


def migration_10(cur, srid: int) -> None:
    """``check_clearance_once``: the login's clearance is worked out once per check, cheaply.

    ``asset_view`` (renewed by ``migrate``) evaluates ``ar_cleared()`` once per query instead of
    once per restricted row near the footprint; ``ar_admin()`` gives the same answer as
    before from a plan the session keeps (PL/pgSQL) instead of one parsed and planned again
    in every statement that asks (a SQL function with a sub-select is never inlined).

    The check's function ``ar_check_candidates`` comes with this version too, but it is
    made once, by ``migrate`` right after, when it renews ``asset_view`` (the function
    returns the view's rows); made here as well, it was dropped and made again at once."""
    cur.execute("SELECT current_schema()")
    s = cur.fetchone()[0]
    q = f'"{s}"'
    cur.execute(f"""
    CREATE OR REPLACE FUNCTION {q}.ar_admin() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
      BEGIN
        RETURN pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c
                 WHERE c.oid = pg_catalog.to_regclass('{q}.assets')), 'MEMBER')
            OR {q}.ar_member('admin');
      END $$;
    """)


CANDIDATES_FUNCTION = "ar_check_candidates"
FUNCTION_ARGS = "(double precision, double precision, double precision, double precision)"


def candidates_function_sql(schema: str, srid: int) -> str:
    """``ar_check_candidates(x0, y0, x1, y1)``: the rows of ``asset_view`` (masked as the
    calling login must see them: the function runs with the caller's rights) of the live
    assets meeting the box.

    Its query is planned once per session for any box (a generic plan: the same index scans
    whatever the box) instead of again on every call, which would cost more than running
    it: ``SET plan_cache_mode`` on the function applies while it runs and nowhere else in
    the session (PostgreSQL restores the setting when it returns or fails). It reads
    the caller's snapshot (STABLE), so the data version read beside it is of the same
    moment. It depends on the view's row type: ``migrate`` drops and recreates it with the
    view."""
    q = f'"{schema}"'
    box = f"ST_MakeEnvelope(x0, y0, x1, y1, {int(srid)})"
    return (f"CREATE OR REPLACE FUNCTION {q}.{CANDIDATES_FUNCTION}(x0 double precision, "
            "y0 double precision, x1 double precision, y1 double precision) "
            f"RETURNS SETOF {q}.asset_view LANGUAGE plpgsql STABLE "
            "SET plan_cache_mode = force_generic_plan AS $$\n"
            f"BEGIN\n  RETURN QUERY SELECT * FROM {q}.asset_view v WHERE v.retired_at IS NULL "
            f"AND v.coarse && {box} AND ST_Intersects(v.geom, {box});\nEND $$")


def candidates_sql(columns: list[str], srid: int) -> sql.Composed:
    """One row: the data version, then an array per column of the live assets meeting the
    box ``%(x0)s, %(y0)s, %(x1)s, %(y1)s`` (geometry first, as WKB), read through
    ``ar_check_candidates`` (its own plan; this statement's, a function scan, PostgreSQL
    keeps generic by itself after a few runs: no box changes its cost)."""
    arrays = sql.SQL(", ").join(
        [sql.SQL("array_agg(ST_AsBinary(geom))")]
        + [sql.SQL("array_agg({})").format(sql.Identifier(c)) for c in columns])
    return sql.SQL(
        "SELECT (SELECT data_version FROM register_state), {arrays} FROM {fn}("
        "%(x0)s, %(y0)s, %(x1)s, %(y1)s)"
    ).format(arrays=arrays, fn=sql.Identifier(CANDIDATES_FUNCTION))


def _empty(columns: list[str]) -> dict[str, np.ndarray]:
    return {c: np.empty(0, dtype=np.float64 if numeric(c) else object) for c in columns}


class PostgisReader(AssetReader):
    """The store's reads for a dig check, with candidates read in one round trip."""

    reads_version = True

    def __init__(self, store):
        super().__init__(store)
        # columns asked -> (prepared SQL text, the store's columns, each one's numpy dtype)
        self._statements: dict[tuple[str, ...], tuple[str, list, list]] = {}

    def candidates_at(self, bounds, columns: list[str]):
        """``(columns, geometries, data version)`` of the live assets meeting ``bounds``,
        read together in one statement (one snapshot)."""
        store = self.store
        key = tuple(columns)
        known = self._statements.get(key)
        x0, y0, x1, y1 = (float(v) for v in bounds)
        with store._lock, translated(store):
            conn = store._conn
            if known is None:
                cols = store._columns(columns)
                # numbers as float64 (a NULL, None, becomes NaN), everything else as objects
                known = self._statements[key] = (
                    candidates_sql(cols, store.srid).as_string(conn), cols,
                    [np.float64 if numeric(c) else object for c in cols])
            with conn.cursor(binary=True) as cur:
                row = cur.execute(known[0], {"x0": x0, "y0": y0, "x1": x1, "y1": y1},
                                  prepare=True).fetchone()
        _, cols, dtypes = known
        version = int(row[0])
        if row[1] is None:  # no candidates: array_agg of nothing is NULL
            return _empty(cols), np.empty(0, dtype=object), version
        geoms = shapely.from_wkb(np.array(row[1], dtype=object))
        out = {c: np.array(values, dtype=dtype) for c, dtype, values in zip(cols, dtypes, row[2:])}
        return out, geoms, version

    def candidate_arrays(self, bounds, columns: list[str]):
        cols, geoms, _ = self.candidates_at(bounds, columns)
        return cols, geoms
