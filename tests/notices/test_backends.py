"""The notice lifecycle on every register backend (GeoPackage, PostGIS)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from asset_register.notices import notice_overview, record_response, write_notice_pack
from asset_register.notices.reference import new_reference

from .analytic import OWNERS, make_result

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_notice_lifecycle_on_each_backend(store_factory, tmp_path):
    store = store_factory()
    store.set_setting("notice_prefix", "BK")
    for o in OWNERS:
        store.upsert_owner(o)
    pack = write_notice_pack(store, make_result(), tmp_path / "out", promoter="Acme", now=NOW)
    assert pack.reference == "BK-2026-00001"
    assert new_reference(store, "BK", NOW.date()) == "BK-2026-00002"
    row = store.notices(pack.reference).iloc[0]
    assert row["status"] == "issued" and json.loads(row["files"]) == pack.files
    record_response(store, pack.reference, "TW", "affected_plans_sent", "ref 1")
    view = notice_overview(store).set_index("reference").loc[pack.reference]
    assert view["outstanding"] == ["UKPN", "SGN", "ONF", "BT"]
    v2 = write_notice_pack(store, make_result(), tmp_path / "out", promoter="Acme",
                           reissue=pack.reference, now=NOW)
    versions = store.notices(pack.reference).set_index("version")["status"].to_dict()
    assert v2.version == 2 and versions == {1: "superseded", 2: "issued"}
