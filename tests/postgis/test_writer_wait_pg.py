"""On PostGIS a batch that finds another batch of the same owner committing says it waits
(once), then writes when the other commits; after the session's lock timeout it ends in the
one-line 'register is busy'."""

from __future__ import annotations

import psycopg
import pytest

from asset_register import waits
from asset_register.errors import RegisterLockedError
from asset_register.model import BatchInfo
from asset_register.store import open_register
from asset_register.store.postgis.schema import lock_key
from tests.conftest import synthetic_assets

pytestmark = pytest.mark.postgis


def _hold_owner_lock(store, owner: str) -> psycopg.Connection:
    """Another session in the middle of a batch of ``owner`` (its advisory lock taken)."""
    other = psycopg.connect(store.url.conninfo)
    other.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                  (lock_key(store.schema, f"owner:{owner}"),))
    return other  # (psycopg opened a transaction: the lock holds until commit)


def test_a_batch_waits_for_another_of_the_same_owner_and_says_so(pg_store):
    other = _hold_owner_lock(pg_store, "WSX")
    heard = []

    def on_wait(message):
        heard.append(message)
        other.commit()  # the other batch commits once the wait was announced

    unlisten = waits.listen(on_wait)
    try:
        result = pg_store.write_batch(synthetic_assets(30), BatchInfo(source_file="a.gpkg",
                                                                      owner="WSX"))
    finally:
        unlisten()
        other.close()
    assert result.added == 30 and pg_store.asset_count() == 30
    assert heard == ["waiting for another import of the same owner or delivery to commit… "
                     "(up to 60 s)"]


def test_after_the_lock_timeout_the_batch_fails_in_one_line_and_writes_nothing(pg_store):
    other = _hold_owner_lock(pg_store, "WSX")
    try:
        with open_register(pg_store.url_text) as store:
            store._conn.execute("SET lock_timeout = '200ms'")  # the 60 s bound, shortened
            with pytest.raises(RegisterLockedError, match=r"^the register is busy .*try again"):
                store.write_batch(synthetic_assets(30), BatchInfo(source_file="a.gpkg",
                                                                   owner="WSX"))
            assert store.asset_count() == 0 and store.batches().empty
    finally:
        other.rollback()
        other.close()
