"""A renamed layer on the shared register: the same re-delivery, the same note, as on a
GeoPackage (tests/importers/test_user_deliveries.py)."""

from __future__ import annotations

from importers import ImportJob
from tests.importers.test_user_deliveries import _gas, _renumbered


def test_a_renamed_layer_re_delivers_its_network_on_postgis(pg_store, tmp_path):
    ImportJob(pg_store, _gas(tmp_path, "a.gpkg", "gas_mains", ids=False), owner="SGD",
              utility="gas").run()
    (report,) = ImportJob(pg_store, _gas(tmp_path, "b.gpkg", "Gas Mains 2026", slice(0, 10),
                                        ids=False), owner="SGD", utility="gas").run()
    assert report.delivery == "SGD:gas_mains"
    assert (report.added, report.unchanged, report.retired) == (0, 10, 2)
    assert pg_store.asset_count() == 10
    (twin,) = ImportJob(pg_store, _renumbered(tmp_path, "mains_v3", "X"), owner="SGD",
                        utility="gas").run()
    assert twin.delivery == "SGD:mains_v3"
    assert any("under other ids" in w and "SGD:gas_mains" in w for w in twin.warnings)
