"""The dig check's read path on a PostGIS register: one round trip per check.

A live check (a planner dragging a footprint) reads its candidates and the register's data
version in **one prepared statement** that returns a single row of arrays (binary format):
the data version and, per column, the values of every live asset meeting the search box.
Both come from one snapshot, so the checker knows exactly which version the candidates
belong to and re-reads its cached owners, coverage, works and bounds only when it changed.

The statement reads ``asset_view`` like every other read, so restricted assets come back
masked to logins not cleared for them (``security.view_sql``). The view is a ``UNION ALL``
of open assets (their own geometry: the GiST index on ``geom``) and restricted ones
(masked; a small partial GiST index on the coarse box of restricted rows only): see
migration 9 below, ``EXPLAIN`` in ``tests/postgis/test_check_path.py``.
"""

from __future__ import annotations

import contextlib

import numpy as np
import psycopg
import shapely
from psycopg import sql
from psycopg.pq import TransactionStatus

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
    in every statement that asks (a SQL function with a sub-select is never inlined)."""
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


def candidates_sql(columns: list[str], srid: int) -> sql.Composed:
    """One row: the data version, then an array per column of the live assets meeting the
    box ``%(x0)s, %(y0)s, %(x1)s, %(y1)s`` (geometry first, as WKB)."""
    box = sql.SQL("ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, {})").format(sql.Literal(srid))
    arrays = sql.SQL(", ").join(
        [sql.SQL("array_agg(ST_AsBinary(geom))")]
        + [sql.SQL("array_agg({})").format(sql.Identifier(c)) for c in columns])
    return sql.SQL(
        "SELECT (SELECT data_version FROM register_state), {arrays} FROM asset_view "
        "WHERE retired_at IS NULL AND coarse && {box} AND ST_Intersects(geom, {box})"
    ).format(arrays=arrays, box=box)


# The check's statement is planned once for any box (a generic plan: the same index scans
# whatever the box) rather than again on every run, which would cost more than running it.
# SET LOCAL: the setting lasts until the statement's transaction ends, committed or rolled
# back, so no other statement of the session (nor anything a later check or write sends) is
# planned this way.
GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan"


def run_generic(conn, query: str, params: dict):
    """The one row ``query`` returns, run with a generic plan: ``BEGIN``, ``GENERIC_PLAN``,
    the prepared ``query`` and ``COMMIT`` sent together (pipeline mode: one round trip).

    On any failure (a server error, a lost connection, Ctrl-C) the transaction is rolled back
    before the error goes on, which ends the setting with it."""
    try:
        with conn.cursor(binary=True) as cur:
            with conn.pipeline():  # sent, then one Sync on leaving: every result back
                cur.execute("BEGIN", prepare=True)
                cur.execute(GENERIC_PLAN, prepare=True)
                cur.execute(query, params, prepare=True)  # the cursor keeps this result
                conn.execute("COMMIT", prepare=True)
            return cur.fetchone()
    except BaseException:
        if not conn.closed and conn.info.transaction_status != TransactionStatus.IDLE:
            with contextlib.suppress(psycopg.Error):
                conn.rollback()
        raise


def _empty(columns: list[str]) -> dict[str, np.ndarray]:
    return {c: np.empty(0, dtype=np.float64 if numeric(c) else object) for c in columns}


class PostgisReader(AssetReader):
    """The store's reads for a dig check, with candidates read in one round trip."""

    reads_version = True

    def __init__(self, store):
        super().__init__(store)
        self._statements: dict[tuple[str, ...], str] = {}  # columns -> prepared SQL text

    def candidates_at(self, bounds, columns: list[str]):
        """``(columns, geometries, data version)`` of the live assets meeting ``bounds``,
        read together in one statement (one snapshot)."""
        store = self.store
        cols = store._columns(columns)
        key = tuple(cols)
        query = self._statements.get(key)
        x0, y0, x1, y1 = (float(v) for v in bounds)
        with store._lock, translated(store):
            conn = store._conn
            if query is None:
                query = self._statements[key] = candidates_sql(cols, store.srid).as_string(conn)
            row = run_generic(conn, query, {"x0": x0, "y0": y0, "x1": x1, "y1": y1})
        version = int(row[0])
        if row[1] is None:  # no candidates: array_agg of nothing is NULL
            return _empty(cols), np.empty(0, dtype=object), version
        geoms = shapely.from_wkb(np.array(row[1], dtype=object))
        # numbers as float64 (a NULL, None, becomes NaN), everything else as objects
        out = {c: np.array(values, dtype=np.float64 if numeric(c) else object)
               for c, values in zip(cols, row[2:])}
        return out, geoms, version

    def candidate_arrays(self, bounds, columns: list[str]):
        cols, geoms, _ = self.candidates_at(bounds, columns)
        return cols, geoms
