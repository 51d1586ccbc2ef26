"""The register's record of the extracts made of it: read for new notice prefixes and by sync."""

from asset_register.extract import _issue_record, _used_prefixes
from asset_register.store import create_register


def test_an_unreadable_extract_entry_is_passed_over(tmp_path):
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        store.audit("extract", ["not", "an", "object"])
        store.audit("extract", {"notice_prefix": "LBXK7Q", "extract_id": "abc"})
        store.audit("extract", {"notice_prefix": "LBXAAA"})
        assert _used_prefixes(store) == {"LBXK7Q", "LBXAAA"}
        assert _issue_record(store.audit_log(), "abc", "LBXK7Q")["notice_prefix"] == "LBXK7Q"
        assert _issue_record(store.audit_log(), "zzz", "LBXAAA") == {"notice_prefix": "LBXAAA"}
        assert _issue_record(store.audit_log(), "zzz", "OTHER") is None
