"""A renamed layer on the shared register: the same re-delivery, the same note, as on a
GeoPackage (tests/importers/test_user_deliveries.py)."""

from __future__ import annotations

from importers import ImportJob
from tests.importers.test_user_deliveries import _renumbered, renamed_re_delivery


def test_a_renamed_layer_re_delivers_its_network_on_postgis(pg_store, tmp_path):
    renamed_re_delivery(pg_store, tmp_path, ids=False)
    (twin,) = ImportJob(pg_store, _renumbered(tmp_path, "mains_v3", "X"), owner="SGD",
                        utility="gas").run()
    assert twin.delivery == "SGD:mains_v3"
    assert any("under other ids" in w and "SGD:gas_mains" in w for w in twin.warnings)
