"""Open deviation reports near the dig are drawn on the pack's site map — a record known to
be wrong beside a trench — each numbered ``D<id>`` with a legend entry; an owner's notice
carries only that owner's reports; far reports and reports about restricted assets not in
conflict are left out, as the map's context is."""

from __future__ import annotations

import shapely
from datetime import UTC, datetime

from asset_register.deviations import add_report
from asset_register.model import BatchInfo
from asset_register.notices import write_notice_pack
from tests.conftest import synthetic_assets

from .analytic import X0, Y0, make_result
from .test_pack import pdf_text, squash

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _pack(register, folder):
    return write_notice_pack(register, make_result(), folder, promoter="Acme Utilities Ltd",
                             now=NOW)


def _restricted_asset_near_the_dig(register) -> str:
    frame = synthetic_assets(1, seed=41, owner="UKPN", x0=X0 - 4, y0=Y0 - 4, size=1)
    frame["restricted"] = True
    frame["geometry"] = [shapely.LineString([(X0 - 6, Y0 - 2), (X0 + 12, Y0 - 2)])]
    register.write_batch(frame, BatchInfo(source_file="ukpn-secret.gpkg", owner="UKPN"))
    return str(frame["asset_id"].iloc[0])


def test_reports_near_the_dig_are_on_the_map_and_in_the_owners_copy(register, tmp_path):
    before = _pack(register, tmp_path / "before")
    base = pdf_text(before.folder / "summary.pdf")
    base_sgn = pdf_text(before.folder / before.owner_files["SGN"])
    near = add_report(register, "unrecorded", utility="gas", owner="SGN",
                      position=f"LINESTRING ({X0 - 5} {Y0 + 8}, {X0 + 15} {Y0 + 8})")
    far = add_report(register, "unrecorded", utility="water", owner="TW",
                     position=f"POINT ({X0 + 900} {Y0 + 900})")
    secret = add_report(register, "not_found", asset_id=_restricted_asset_near_the_dig(register))
    pack = _pack(register, tmp_path / "after")
    text = pdf_text(pack.folder / "summary.pdf")

    def more(label, after, before):
        return after.count(squash(label)) - before.count(squash(label))

    assert more(f"D{near}", text, base) >= 1
    assert more(f"D{far}", text, base) == 0
    assert more(f"D{secret}", text, base) == 0
    assert squash("open deviation report") in text and squash("open deviation report") not in base
    assert more(f"D{near}", pdf_text(pack.folder / pack.owner_files["SGN"]), base_sgn) >= 1
    ukpn = pdf_text(pack.folder / pack.owner_files["UKPN"])
    assert squash("open deviation report") not in ukpn  # none of UKPN's shown


def test_resolved_reports_are_not_drawn(register, tmp_path):
    rid = add_report(register, "unrecorded", utility="gas", owner="SGN",
                     position=f"POINT ({X0 + 2} {Y0 + 7})")
    register.set_deviation_status([rid], "resolved", resolution="re-surveyed")
    text = pdf_text(_pack(register, tmp_path / "out").folder / "summary.pdf")
    assert squash("open deviation report") not in text


def test_an_unrecorded_find_in_the_conflicts_table_says_what_it_is(register, tmp_path):
    """A find reported on site and never recorded has no class: its row says so instead of
    printing "None" (seen on a pack for a gas pipe found in a trench, owner unknown)."""
    from asset_register.check import Checker, DigSite

    found = add_report(register, "unrecorded", utility="gas", accuracy_m=0.3,
                       position=f"POINT ({X0 + 2} {Y0 + 1})")
    with Checker(register) as checker:
        result = checker.check(DigSite(shapely.box(X0, Y0, X0 + 4, Y0 + 2)))
    assert f"unrecorded:{found}" in result.conflicts["asset_id"].tolist()
    pack = write_notice_pack(register, result, tmp_path / "pack", promoter="Acme Utilities Ltd",
                             now=NOW)
    for name in ["summary.pdf", *pack.owner_files.values()]:
        text = pdf_text(pack.folder / name)
        assert "None" not in text, name
    assert squash(f"unrecorded:{found} found on site, not recorded") in pdf_text(
        pack.folder / "summary.pdf")


def test_the_copy_for_finds_nobody_claimed_is_worded_for_them(register, tmp_path):
    """A gas pipe found in a trench, owner unknown: the pack's copy for "unknown owner" no
    longer says "1 recorded of your assets"; the summary does not call the find recorded."""
    from asset_register.check import Checker, DigSite

    add_report(register, "unrecorded", utility="gas", accuracy_m=0.3,
               position=f"POINT ({X0 + 2} {Y0 + 1})")
    with Checker(register) as checker:
        result = checker.check(DigSite(shapely.box(X0, Y0, X0 + 4, Y0 + 2)))
    pack = write_notice_pack(register, result, tmp_path / "pack", promoter="Acme Utilities Ltd",
                             now=NOW)
    unknown = pdf_text(pack.folder / pack.owner_files["unknown owner"])
    assert squash("1 find reported on site with no known owner within clearance") in unknown
    assert squash("of your") not in unknown and squash("recorded of") not in unknown
    summary = pdf_text(pack.folder / "summary.pdf")
    assert squash("1 find reported on site, not recorded within clearance") in summary or \
        squash("and 1 find reported on site, not recorded within clearance") in summary
    n = len(result.conflicts) - 1
    if n:
        assert squash(f"{n} recorded asset") in summary
    for code, name in pack.owner_files.items():
        if code != "unknown owner":
            assert squash("of your recorded asset") in pdf_text(pack.folder / name), code
