"""What the server enforces whatever a login sends (PostGIS migration 6, ``server_guards``).

* Row-level security on ``assets``: a restricted asset's row is visible only to logins
  cleared for restricted assets (``<schema>_restricted`` or ``<schema>_admin``), the
  register's owner, and editors granted its owner (they deliver it). Everyone reads
  assets through the view ``asset_view``: it shows every live asset, but a restricted one
  to an uncleared login only as its owner, utility and a coarse box (its bounding box
  widened and rounded out to a grid: ``restricted.coarse_boxes``), never its geometry or
  attributes, so a dig check still reports a conflict with it. The view masks columns and
  filters nothing, so it needs no ``security_barrier`` (which would stop the box index being used).
* Imports are the only way assets change: an editor may insert assets, and retire live
  ones (only ``retired_at``), of the owners granted to them in ``editor_owners`` and only
  under an import batch of their own still being written; a batch must be committed in
  the transaction that opened it.
* Notices, responses and sequences: numbers come only from ``next_notice_number`` (no
  direct write to ``notice_sequences``), a notice may be changed only by the login that
  recorded it (or an administrator), its identity never; a response needs an issued
  notice; malformed rows are refused so one bad row cannot break everyone's listing.
* Rejected rows of an import (migration 8, ``restricted_rejects``) keep the original
  attributes and geometry of a row that did not import: one of a restricted asset — its
  attributes mark it restricted (``RESTRICTED_WORDS``), or its batch or owner holds
  restricted assets — is returned only to logins cleared for restricted assets and to the
  editors granted its owner; so is a deviation report on a restricted asset (it says where
  the asset was found).
"""

from __future__ import annotations

from ...model import MASKED_ID_PREFIX
from ...restricted import RESTRICTED_GRID_M, RESTRICTED_MARGIN_M
from ...use_log import USE_ACTIONS
NOTICE_NUMBER_MAX = 99_999_999  # keeps references within Street Manager's 24 characters
RESPONSE_CODES = ("no_assets_affected", "affected", "affected_plans_sent", "no_response")
# Settings an editor's import writes (cached bounds); every other setting is the admins'.
IMPORT_SETTINGS = ("clearance_bounds", "asset_extent")
# Columns of import_batches an editor's import may change after inserting the batch.
BATCH_PROGRESS = ("state", "rows_imported", "rows_rejected", "added", "changed", "unchanged",
                  "retired", "finished_at", "seconds")

# The coarse box (restricted.coarse_boxes): bounding box + margin, rounded out to the grid.
_M, _G = RESTRICTED_MARGIN_M, RESTRICTED_GRID_M
COARSE = (f"ST_MakeEnvelope(floor((ST_XMin(a.geom) - {_M}) / {_G}) * {_G}, "
          f"floor((ST_YMin(a.geom) - {_M}) / {_G}) * {_G}, "
          f"ceil((ST_XMax(a.geom) + {_M}) / {_G}) * {_G}, "
          f"ceil((ST_YMax(a.geom) + {_M}) / {_G}) * {_G}, ST_SRID(a.geom))")
# The masked value of each asset column for a restricted asset an uncleared login reads.
_MASKED = {"geom": COARSE, "asset_id": f"'{MASKED_ID_PREFIX}' || a.owner || ':' || a.fid",
           "asset_class": "'other'", "status": "'unknown'", "attrs": "'{}'",
           "restricted": "true", "owner": None, "utility": None, "version": None,
           "valid_from": None, "retired_at": None, "batch_id": None}


def view_sql(schema: str, columns: list[str]) -> str:
    """``asset_view``: every asset column, masked for restricted rows the login may not see.

    Open rows and restricted rows are two branches of a ``UNION ALL`` (together every row
    once): open rows pass unchanged, so a search on ``geom`` uses its GiST index; restricted
    rows are masked (``CASE``) and found through the partial index on their coarse box."""
    seen = "c.cleared"
    open_parts, restricted_parts = ["a.fid"], ["a.fid"]
    for col in ["geom", *columns]:
        masked = _MASKED.get(col, "NULL")
        value = f'a."{col}"' if col != "geom" else "a.geom"
        open_parts.append(f'{value} AS "{col}"')
        if masked is None:
            restricted_parts.append(f'{value} AS "{col}"')
        else:
            restricted_parts.append(f'CASE WHEN {seen} THEN {value} ELSE {masked} END AS "{col}"')
    open_parts.append(f"{COARSE} AS coarse")
    restricted_parts.append(f"{COARSE} AS coarse")
    return (f'CREATE OR REPLACE VIEW "{schema}".asset_view AS '
            f'SELECT {", ".join(open_parts)} FROM "{schema}".assets a WHERE NOT a.restricted '
            f'UNION ALL SELECT {", ".join(restricted_parts)} FROM "{schema}".assets a, '
            # the login's clearance, worked out once per query: an InitPlan (the inner
            # sub-select), which the join's re-scans of ``c`` for each restricted row reuse
            f'(SELECT (SELECT "{schema}".ar_cleared()) AS cleared OFFSET 0) c WHERE a.restricted')


def _before(q: str, name: str, event: str, table: str, body: str) -> str:
    """A BEFORE ``event`` row trigger ``name`` on ``table`` running the PL/pgSQL ``body``."""
    return (f"CREATE FUNCTION {q}.ar_{name}() RETURNS trigger LANGUAGE plpgsql AS $$\n{body}$$;\n"
            f"    CREATE TRIGGER {name} BEFORE {event} ON {q}.{table} FOR EACH ROW "
            f"EXECUTE FUNCTION {q}.ar_{name}();\n")


def _functions(s: str) -> str:
    q = f'"{s}"'
    return f"""
    CREATE TABLE {q}.editor_owners (login text NOT NULL, owner text NOT NULL,
      granted_at text NOT NULL, granted_by text NOT NULL DEFAULT current_user,
      PRIMARY KEY (login, owner));
    ALTER TABLE {q}.import_batches ADD COLUMN login text DEFAULT current_user;
    CREATE FUNCTION {q}.ar_member(suffix text) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = '{s}_' || suffix
                     AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')) $$;
    CREATE FUNCTION {q}.ar_admin() RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c
               WHERE c.oid = '{q}.assets'::regclass), 'MEMBER')
          OR {q}.ar_member('admin') $$;
    CREATE FUNCTION {q}.ar_cleared() RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT {q}.ar_admin() OR {q}.ar_member('restricted') $$;
    CREATE FUNCTION {q}.ar_may_import(asset_owner text) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT {q}.ar_admin() OR EXISTS (SELECT 1 FROM {q}.editor_owners g
        WHERE g.login = current_user AND g.owner IN (asset_owner, '*')) $$;
    CREATE FUNCTION {q}.ar_open_batch(id bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT EXISTS (SELECT 1 FROM {q}.import_batches b WHERE b.batch_id = id
                     AND b.state = 'writing' AND b.login = current_user) $$;
    CREATE FUNCTION {q}.ar_is_json(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
      BEGIN PERFORM t::jsonb; RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$;
    """


def _asset_rules(s: str) -> str:
    q = f'"{s}"'
    return f"""
    CREATE INDEX assets_coarse ON {q}.assets USING gist ({COARSE.replace('a.geom', 'geom')});

    ALTER TABLE {q}.assets ENABLE ROW LEVEL SECURITY;
    CREATE POLICY see ON {q}.assets FOR SELECT USING (
      NOT restricted OR {q}.ar_cleared() OR {q}.ar_may_import(owner));
    CREATE POLICY import ON {q}.assets FOR INSERT WITH CHECK (
      {q}.ar_may_import(owner) AND {q}.ar_open_batch(batch_id));
    CREATE POLICY retire ON {q}.assets FOR UPDATE
      USING (retired_at IS NULL AND {q}.ar_may_import(owner) AND EXISTS (
        SELECT 1 FROM {q}.import_batches b WHERE b.state = 'writing' AND b.login = current_user))
      WITH CHECK (retired_at IS NOT NULL);

    ALTER TABLE {q}.import_batches ENABLE ROW LEVEL SECURITY;
    CREATE POLICY see ON {q}.import_batches FOR SELECT USING (true);
    CREATE POLICY open ON {q}.import_batches FOR INSERT WITH CHECK (
      login = current_user AND state = 'writing'
      AND (owner IS NULL OR {q}.ar_may_import(owner)));
    CREATE POLICY progress ON {q}.import_batches FOR UPDATE
      USING (login = current_user AND state = 'writing')
      WITH CHECK (login = current_user AND state IN ('writing', 'committed'));

    CREATE FUNCTION {q}.ar_batch_closed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM {q}.import_batches WHERE batch_id = NEW.batch_id
                   AND state = 'writing') THEN
          RAISE EXCEPTION 'import batch % was left open: a batch is committed in the '
            'transaction that opened it (use asset-register import)', NEW.batch_id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$;
    CREATE CONSTRAINT TRIGGER batch_closed AFTER INSERT ON {q}.import_batches
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {q}.ar_batch_closed();

    """ + _before(q, "reject_batch", "INSERT", "rejects", f"""
      BEGIN
        IF NOT {q}.ar_admin() AND NOT {q}.ar_open_batch(NEW.batch_id) THEN
          RAISE EXCEPTION 'rejects are recorded only by the import that found them'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END """) + f"""

    ALTER TABLE {q}.settings ENABLE ROW LEVEL SECURITY;
    CREATE POLICY see ON {q}.settings FOR SELECT USING (true);
    CREATE POLICY admin ON {q}.settings FOR ALL USING ({q}.ar_admin())
      WITH CHECK ({q}.ar_admin());
    CREATE POLICY bounds ON {q}.settings FOR INSERT WITH CHECK (key IN {IMPORT_SETTINGS});
    CREATE POLICY bounds_update ON {q}.settings FOR UPDATE USING (key IN {IMPORT_SETTINGS})
      WITH CHECK (key IN {IMPORT_SETTINGS});

    ALTER TABLE {q}.owners ENABLE ROW LEVEL SECURITY;
    CREATE POLICY see ON {q}.owners FOR SELECT USING (true);
    CREATE POLICY add ON {q}.owners FOR INSERT WITH CHECK ({q}.ar_may_import(code));
    CREATE POLICY edit ON {q}.owners FOR UPDATE USING ({q}.ar_may_import(code))
      WITH CHECK ({q}.ar_may_import(code));
    ALTER TABLE {q}.owner_coverage ENABLE ROW LEVEL SECURITY;
    CREATE POLICY see ON {q}.owner_coverage FOR SELECT USING (true);
    CREATE POLICY add ON {q}.owner_coverage FOR INSERT WITH CHECK ({q}.ar_may_import(owner));
    CREATE POLICY edit ON {q}.owner_coverage FOR UPDATE USING ({q}.ar_may_import(owner))
      WITH CHECK ({q}.ar_may_import(owner));
    """


def _notice_rules(s: str) -> str:
    q = f'"{s}"'
    return f"""
    ALTER TABLE {q}.notices ADD COLUMN login text DEFAULT current_user;
    ALTER TABLE {q}.notices ADD CONSTRAINT notice_well_formed CHECK (
      reference ~ '^[A-Za-z0-9_-]{{1,24}}$' AND version BETWEEN 1 AND 10000
      AND status ~ '^[a-z_]{{1,24}}$'
      AND (files IS NULL OR {q}.ar_is_json(files))
      AND (detail IS NULL OR {q}.ar_is_json(detail))) NOT VALID;
    ALTER TABLE {q}.notice_sequences ADD CONSTRAINT sequence_in_range CHECK (
      last BETWEEN 0 AND {NOTICE_NUMBER_MAX} AND prefix ~ '^[A-Z0-9]{{1,8}}$'
      AND year BETWEEN 1900 AND 9999) NOT VALID;
    ALTER TABLE {q}.notice_responses ADD CONSTRAINT response_well_formed CHECK (
      status IN {RESPONSE_CODES}) NOT VALID;

    """ + _before(q, "notice_insert", "INSERT", "notices", f"""
      DECLARE m text[]; reserved integer;
      BEGIN
        NEW.login := current_user;
        m := regexp_match(NEW.reference, '^([A-Z0-9]{{1,8}})-([0-9]{{4}})-([0-9]{{5,8}})$');
        IF m IS NOT NULL THEN
          SELECT last INTO reserved FROM {q}.notice_sequences
           WHERE prefix = m[1] AND year = m[2]::integer;
          IF reserved IS NOT NULL AND m[3]::integer > reserved THEN
            RAISE EXCEPTION 'notice reference % was not reserved by the register (last %): '
              'new notices take their number from the register', NEW.reference, reserved
              USING ERRCODE = 'check_violation';
          END IF;
        END IF;
        RETURN NEW;
      END """) + """

    """ + _before(q, "notice_update", "UPDATE", "notices", f"""
      BEGIN
        IF (NEW.reference, NEW.version, NEW.created_at, NEW.created_by, NEW.footprint_wkt,
            NEW.login) IS DISTINCT FROM (OLD.reference, OLD.version, OLD.created_at,
            OLD.created_by, OLD.footprint_wkt, OLD.login) THEN
          RAISE EXCEPTION 'notice % version %: its reference, version, author and footprint '
            'never change (issue a new version instead)', OLD.reference, OLD.version
            USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.login IS DISTINCT FROM current_user AND NOT {q}.ar_admin() AND NOT (
            OLD.status = 'issued' AND NEW.status = 'superseded'
            AND (to_jsonb(NEW) - 'status') = (to_jsonb(OLD) - 'status')
            AND EXISTS (SELECT 1 FROM {q}.notices n WHERE n.reference = OLD.reference
                        AND n.version > OLD.version)) THEN
          RAISE EXCEPTION 'notice % was recorded by %: only that login or an administrator '
            'may change it', OLD.reference, coalesce(OLD.login, 'another login')
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END """) + """

    """ + _before(q, "response_insert", "INSERT", "notice_responses", f"""
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM {q}.notices WHERE reference = NEW.reference
                       AND status IN ('issued', 'superseded')) THEN
          RAISE EXCEPTION 'no issued notice % in the register: responses are recorded only '
            'for notices that were issued', NEW.reference USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END """) + f"""

    CREATE FUNCTION {q}.next_notice_number(p text, y integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE n integer;
      BEGIN
        IF p !~ '^[A-Z0-9]{{1,8}}$' OR y NOT BETWEEN 1900 AND 9999 THEN
          RAISE EXCEPTION 'notice prefix % / year % is not usable', p, y
            USING ERRCODE = 'check_violation';
        END IF;
        INSERT INTO {q}.notice_sequences AS s (prefix, year, last) VALUES (p, y, 0)
          ON CONFLICT (prefix, year) DO NOTHING;
        SELECT last INTO n FROM {q}.notice_sequences WHERE prefix = p AND year = y FOR UPDATE;
        LOOP  -- skip numbers a notice already holds (recorded offline or before this rule)
          IF n >= {NOTICE_NUMBER_MAX} THEN
            RAISE EXCEPTION 'notice numbers for % in % are used up: set another notice_prefix',
              p, y USING ERRCODE = 'check_violation';
          END IF;
          n := n + 1;
          EXIT WHEN NOT EXISTS (SELECT 1 FROM {q}.notices WHERE reference ~
            ('^' || p || '-' || y || '-0*' || n || '$'));
        END LOOP;
        UPDATE {q}.notice_sequences SET last = n WHERE prefix = p AND year = y;
        RETURN n;
      END $$;
    REVOKE ALL ON FUNCTION {q}.next_notice_number(text, integer) FROM PUBLIC;
    """


def migration_6(cur, srid: int) -> None:
    """Row-level security, the masked asset view and the guarded notice records."""
    from .frames import ALL_ASSET_COLUMNS

    cur.execute("SELECT current_schema()")
    schema = cur.fetchone()[0]
    cur.execute(_functions(schema))
    cur.execute(_asset_rules(schema))
    cur.execute(_notice_rules(schema))
    cur.execute(view_sql(schema, ALL_ASSET_COLUMNS))


# Attribute names an import profile reads as the restricted flag (importers/vocabulary.py),
# and the values it reads as true (importers/mapping.py TRUE_WORDS).
RESTRICTED_WORDS = ("restricted", "sensitive", "secure", "confidential")
TRUE_WORDS = ("1", "true", "t", "yes", "y")


def migration_8(cur, srid: int) -> None:
    """Rejected rows of restricted assets only for the logins cleared for them; a viewer's
    uses recorded (it may append only use entries to the audit log)."""
    cur.execute("SELECT current_schema()")
    s = cur.fetchone()[0]
    q = f'"{s}"'
    words = ", ".join(f"'{w}'" for w in RESTRICTED_WORDS)
    true = ", ".join(f"'{w}'" for w in TRUE_WORDS)
    uses = ", ".join(f"'{a}'" for a in USE_ACTIONS)
    words_re = "|".join(RESTRICTED_WORDS)
    cur.execute(f"""
    CREATE FUNCTION {q}.ar_flagged(attrs text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
      BEGIN
        RETURN EXISTS (SELECT 1 FROM jsonb_each_text(attrs::jsonb) e
                       WHERE lower(e.key) IN ({words}) AND lower(trim(e.value)) IN ({true}));
      EXCEPTION WHEN others THEN RETURN true;  -- unreadable attributes: withheld
      END $$;
    -- the import batches that hold restricted assets, or whose owner does: reads every asset
    -- whoever asks (security definer) and answers only batch numbers; evaluated once per
    -- query (not per row), on a small partial index
    CREATE INDEX assets_restricted ON {q}.assets (owner, batch_id) WHERE restricted;
    CREATE FUNCTION {q}.ar_restricted_batches() RETURNS SETOF bigint LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      SELECT b.batch_id FROM {q}.import_batches b WHERE EXISTS (
        SELECT 1 FROM {q}.assets a WHERE a.restricted
        AND (a.batch_id = b.batch_id OR a.owner = b.owner)) $$;
    ALTER TABLE {q}.rejects ENABLE ROW LEVEL SECURITY;
    -- every sub-select below runs once per query, not per row; ar_flagged (which parses the
    -- JSON) only for attributes naming one of the words, or not a JSON object at all
    CREATE POLICY see ON {q}.rejects FOR SELECT USING (
      (SELECT {q}.ar_cleared())
      OR (batch_id NOT IN (SELECT {q}.ar_restricted_batches())
          AND NOT ((attrs ~* '({words_re})'
                    OR left(ltrim(coalesce(attrs, '{{}}')), 1) <> '{{')
                   AND {q}.ar_flagged(attrs)))
      OR batch_id IN (SELECT b.batch_id FROM {q}.import_batches b
                      WHERE {q}.ar_may_import(b.owner)));
    CREATE POLICY record ON {q}.rejects FOR INSERT WITH CHECK (true);

    -- deviation reports on a restricted asset say where it really is: the same readers
    CREATE FUNCTION {q}.ar_restricted_asset(id text) RETURNS boolean LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      SELECT EXISTS (SELECT 1 FROM {q}.assets a WHERE a.asset_id = id AND a.restricted) $$;
    ALTER TABLE {q}.deviations ENABLE ROW LEVEL SECURITY;
    CREATE POLICY see ON {q}.deviations FOR SELECT USING (
      {q}.ar_cleared() OR asset_id IS NULL OR NOT {q}.ar_restricted_asset(asset_id)
      OR {q}.ar_may_import(owner));
    CREATE POLICY report ON {q}.deviations FOR INSERT WITH CHECK (true);
    CREATE POLICY progress ON {q}.deviations FOR UPDATE USING (true) WITH CHECK (true);
    """ + _before(q, "audit_uses_only", "INSERT", "audit_log", f"""
      BEGIN
        IF NOT {q}.ar_member('planner') AND NOT {q}.ar_admin()
           AND NEW.action NOT IN ({uses}) THEN
          RAISE EXCEPTION 'a viewer records only its own uses of the register (%), not %',
            '{", ".join(USE_ACTIONS)}', NEW.action USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END """))
