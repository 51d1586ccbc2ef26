"""Purpose and audit of use: checks, batches, searches, identifies, extracts and the owner's
report record who, when, where, why and what on both stores."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from asset_register.cli.main import main
from asset_register.model import BatchInfo, Owner, validate_assets
from asset_register.store import open_register
from asset_register.store.audit_chain import verify
from asset_register.store.records import os_user
from asset_register.restricted import RESTRICTED_GRID_M
from asset_register.use_log import WKT_LIMIT, bounded_wkt, record_identify, record_search
from tests.check.conftest import X0, Y0, asset

BOX = shapely.box(X0, Y0, X0 + 10, Y0 + 10)


@pytest.fixture
def reg(store):
    for code in ("WAT", "GAS", "SEW"):
        store.upsert_owner(Owner(code, f"{code} Ltd", phone="0100"))
    rows = [asset("WAT:1", shapely.LineString([(X0 + 10.2, Y0 - 20), (X0 + 10.2, Y0 + 30)])),
            asset("GAS:1", shapely.Point(X0 + 5, Y0 + 5), owner="GAS", utility="gas",
                  pressure="IP"),
            asset("GAS:9", shapely.Point(X0 + 900, Y0 + 900), owner="GAS", utility="gas",
                  restricted=True)]
    store.write_batch(validate_assets(gpd.GeoDataFrame(rows, crs=store.crs)),
                      BatchInfo(source_file="t"))
    store.set_owner_coverage("SEW", shapely.box(X0 + 2000, Y0, X0 + 3000, Y0 + 1000))
    return store, getattr(store, "url_text", store.location)


def _uses(store, action):
    log = store.audit_log()
    rows = log[log["action"] == action]
    return [(r, json.loads(r["detail"])) for _, r in rows.iterrows()]


def _user(store):
    return os_user() + ("@" + store.url.user if store.shared else "")


def test_a_check_records_user_footprint_purpose_and_result(reg, capsys):
    store, loc = reg
    assert main(["check", loc, "--wkt", BOX.wkt, "--purpose", "design  enquiry\nABC-1",
                 "--reference", "ABC-1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (entry, detail), = _uses(store, "check")
    assert entry["user"] == _user(store)
    assert shapely.from_wkt(detail["footprint_wkt"]).equals(BOX)
    assert detail["purpose"] == "design enquiry ABC-1" and detail["reference"] == "ABC-1"
    assert detail["summary"] == doc["summary"] and detail["summary"]["strike"] >= 1
    assert detail["owners_affected"] == ["GAS", "WAT"] and detail["via"] == "cli"


def test_purpose_is_required_on_a_shared_register_only(reg, capsys):
    store, loc = reg
    code = main(["check", loc, "--wkt", BOX.wkt])
    err = capsys.readouterr().err
    if store.shared:
        assert code != 0 and "--purpose" in err and err.count("\n") == 1
        assert _uses(store, "check") == []
    else:
        assert code == 0
        (_, detail), = _uses(store, "check")
        assert detail["purpose"] is None


def test_a_programme_is_one_entry(reg, tmp_path):
    store, loc = reg
    boxes = [shapely.box(X0 + i * 50, Y0, X0 + i * 50 + 10, Y0 + 10) for i in range(5)]
    prog = tmp_path / "prog.geojson"
    gpd.GeoDataFrame({"reference": [f"S{i}" for i in range(5)]}, geometry=boxes,
                     crs=store.crs).to_file(prog)
    assert main(["check", loc, "--programme", str(prog), "--purpose", "annual programme"]) == 0
    (entry, detail), = _uses(store, "check_batch")
    assert detail["summary"]["sites"] == 5 and detail["purpose"] == "annual programme"
    hull = shapely.from_wkt(detail["footprint_wkt"])
    assert all(hull.buffer(0.1).contains(b) for b in boxes)
    assert "GAS" in detail["owners"] and detail["source"] == str(prog)


def test_a_read_only_open_still_records_the_use(reg):
    store, loc = reg
    with open_register(loc, read_only=True) as ro:
        hits = ro.query_bbox(BOX.bounds)
        assert record_search(ro, "GAS:1", hits=len(hits), owners=hits["owner"],
                             bounds=shapely.bounds(hits.geometry.array).tolist(), purpose="fault")
        assert record_identify(ro, ro.get_asset("GAS:9")) is True
        assert record_identify(ro, ro.get_asset("GAS:1")) is False  # not restricted: no entry
    (_, search), = _uses(store, "search")
    assert search["query"] == "GAS:1" and search["summary"] == {"hits": len(hits)}
    assert search["owners"] == sorted(set(hits["owner"])) and search["purpose"] == "fault"
    assert shapely.from_wkt(search["footprint_wkt"]).equals(hits.geometry.union_all())
    (_, ident), = _uses(store, "identify_restricted")
    # every login of a shared register reads its log: there, only what an uncleared one sees
    # of the asset (its owner and coarse box), never its real id or extent
    shared = store.shared
    assert ident["asset_id"] == ("restricted:GAS" if shared else "GAS:9")
    assert ident["owners"] == ["GAS"]
    place = shapely.from_wkt(ident["footprint_wkt"])
    assert place.contains(shapely.Point(X0 + 900, Y0 + 900))
    if shared:
        assert (shapely.get_coordinates(place) % RESTRICTED_GRID_M == 0).all()


def test_footprints_are_bounded():
    wiggly = shapely.Point(0, 0).buffer(100, quad_segs=2000)
    text = bounded_wkt(wiggly)
    assert len(text) <= WKT_LIMIT and shapely.from_wkt(text).buffer(0.2).contains(
        wiggly.simplify(1))


def test_owner_report_lists_who_looked_at_their_assets(reg, tmp_path, capsys):
    store, loc = reg
    far = shapely.box(X0 + 2500, Y0 + 100, X0 + 2510, Y0 + 110)  # SEW's coverage, no assets
    near_restricted = shapely.box(X0 + 895, Y0 + 895, X0 + 905, Y0 + 905)
    for wkt, purpose in ((BOX.wkt, "=HYPERLINK(\"x\")"), (far.wkt, "sewer survey"),
                         (near_restricted.wkt, "gas only")):
        assert main(["check", loc, "--wkt", wkt, "--purpose", purpose]) == 0
    out = tmp_path / "gas.json"
    assert main(["audit", "export", loc, "--owner", "GAS", "--out", str(out)]) == 0
    doc = json.loads(out.read_text("utf-8"))
    assert doc["audit_chain"]["verified"] and doc["owner"] == "GAS"
    assert [e["purpose"] for e in doc["entries"]] == ['=HYPERLINK("x")', "gas only"]
    assert all(e["user"] == _user(store) and e["action"] == "check" for e in doc["entries"])
    sew = tmp_path / "sew.csv"
    assert main(["audit", "export", loc, "--owner", "SEW", "--out", str(sew)]) == 0
    text = sew.read_text("utf-8-sig")
    assert "sewer survey" in text and "gas only" not in text and "HYPERLINK" not in text
    wat = tmp_path / "wat.csv"
    assert main(["audit", "export", loc, "--owner", "WAT", "--out", str(wat)]) == 0
    assert "'=HYPERLINK" in wat.read_text("utf-8-sig")  # neutralised for spreadsheets
    later = tmp_path / "later.json"
    assert main(["audit", "export", loc, "--since", "2999-01-01", "--out", str(later)]) == 0
    assert json.loads(later.read_text("utf-8"))["entries"] == []
    capsys.readouterr()
    assert main(["audit", "export", loc, "--owner", "NOPE", "--out", str(later)]) != 0
    assert "no owner 'NOPE'" in capsys.readouterr().err
    exports = _uses(store, "export")
    assert [d["what"] for _, d in exports] == ["audit report"] * 4


def test_audit_verify_prints_the_head_and_names_a_bad_entry(reg, capsys):
    store, loc = reg
    assert main(["audit", "verify", loc]) == 0
    out = capsys.readouterr().out.strip()
    head = store.audit_log()["hash"].iloc[-1]
    assert out.endswith(f"head hash {head}") and "verifies" in out
    assert main(["audit", "verify", loc, "--head", head]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", loc, "--head", "f" * 64]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not in the log" in err


def test_recording_checks_keeps_the_checkers_cache_and_never_waits(reg):
    """Single checks' entries are held back (a write would make the checker re-read owners,
    works and its index) and never wait for another writer; close writes them all."""
    import sqlite3

    from asset_register.check import Checker, DigSite
    from asset_register.use_log import record_check

    store, loc = reg
    with open_register(loc, read_only=True) as ro, Checker(ro) as checker:
        ctx = checker.context()
        for _ in range(3):
            record_check(ro, checker.check(DigSite(BOX)), purpose="p")
        assert checker.context() is ctx
        blocker = None
        if not store.shared:
            blocker = sqlite3.connect(loc, isolation_level=None)
            blocker.execute("BEGIN IMMEDIATE")  # an import holding the file
            ro.flush_uses()  # waits boundedly, then keeps them
            assert _uses(store, "check") == []
            blocker.execute("ROLLBACK")
            blocker.close()
    uses = _uses(store, "check")
    assert len(uses) == 3 and all(d["purpose"] == "p" for _, d in uses)
    if not store.shared:
        assert all("used_at" in d for _, d in uses)
        assert verify(store.audit_log()).ok


def test_a_programmes_owners_are_the_distinct_texts():
    """The owners of a programme's entry: each distinct value as numpy's text, as
    ``np.unique`` of the values made text gives them (None, numbers, a trailing NUL)."""
    import numpy as np

    from asset_register.use_log import _texts

    rng = np.random.default_rng(3)
    values = rng.choice(np.array(["GAS", "WAT", None, 7, 2.5, "x\x00", "É"], dtype=object), 5000)
    assert _texts(values) == {str(o) for o in np.unique(values.astype(str))}
    assert _texts(values[:0]) == set()
