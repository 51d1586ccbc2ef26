"""Bad input gives a clear error or a valid pack — never a broken or half-written file."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, date, datetime

import geopandas as gpd
import numpy as np
import pytest
from pypdf import PdfReader

from asset_register.check.result import CONFLICT_COLUMNS
from asset_register.errors import NoticeError
from asset_register.model import Owner
from asset_register.notices import pack as pack_module
from asset_register.notices import write_notice_pack
from asset_register.notices.files import atomic_folder, safe_name, unique_names

from .analytic import OWNERS, conflict_rows, make_result

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def text_of(path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))


def test_no_conflicts_is_still_a_valid_pack(register, tmp_path):
    empty = gpd.GeoDataFrame({c: [] for c in CONFLICT_COLUMNS}, geometry=[], crs=27700)
    result = make_result(empty)
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme", now=NOW)
    text = text_of(pack.folder / "summary.pdf")
    assert "Norecordedassetsareaffected" in text and pack.reference in text
    assert "VirginMedia" in text and "Ownerswithnodataatthissite" in text
    assert pack.owner_files == {}
    features = json.loads((pack.folder / "conflicts.geojson").read_text())["features"]
    assert [f["properties"]["role"] for f in features] == ["footprint"]
    lines = (pack.folder / "conflicts.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 and lines[0].startswith("reference,number,asset_id")


def test_unwritable_output_folder_is_refused_before_a_reference_is_used(register, result,
                                                                        tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for target in (blocker, blocker / "sub"):
        with pytest.raises(NoticeError, match="folder|cannot write"):
            write_notice_pack(register, result, target, promoter="Acme", now=NOW)
    assert len(register.notices()) == 0


def test_dates_in_the_wrong_order(register, tmp_path):
    result = make_result(start=date(2026, 12, 10), end=date(2026, 12, 1))
    with pytest.raises(NoticeError, match="2026-12-01.*before.*2026-12-10"):
        write_notice_pack(register, result, tmp_path / "out", promoter="Acme", now=NOW)
    assert not (tmp_path / "out").exists() and len(register.notices()) == 0


@pytest.mark.parametrize("usrn", ["12", "abc", "123456789"])
def test_bad_usrn(register, tmp_path, usrn):
    with pytest.raises(NoticeError, match="USRN"):
        write_notice_pack(register, make_result(usrn=usrn), tmp_path, promoter="Acme", now=NOW)


def test_missing_promoter(register, result, tmp_path):
    with pytest.raises(NoticeError, match="promoter"):
        write_notice_pack(register, result, tmp_path, promoter="  ", now=NOW)


def test_missing_settings_use_defaults_with_warnings(gpkg_store_factory, result, tmp_path):
    store = gpkg_store_factory("bare.gpkg")  # no authority name, default code "AR"
    pack = write_notice_pack(store, result, tmp_path, promoter="Acme", now=NOW)
    assert pack.reference.startswith("AR-2026-")
    assert any("authority_name" in w for w in pack.warnings)
    assert any("highway_authority_swa_code" in w for w in pack.warnings)
    text = text_of(pack.folder / "summary.pdf")
    assert "authority_name" in text  # the warning is printed in the notice itself
    store.set_setting("notice_validity_working_days", "many")
    with pytest.raises(NoticeError, match="notice_validity_working_days"):
        write_notice_pack(store, result, tmp_path, promoter="Acme", now=NOW)


def test_odd_names_give_safe_files_and_readable_pdfs(register, tmp_path):
    odd = Owner("ÄB/C*?\\<>|", "Owner \"Quoted\" & <Tagged> — 東京 ☃", "01", None, "a@b.c")
    register.upsert_owner(odd)
    rows = conflict_rows().iloc[:2].copy()
    rows["owner"] = [odd.code, "UKPN"]
    result = make_result(gpd.GeoDataFrame(rows, crs=27700), owners=[*OWNERS, odd])
    pack = write_notice_pack(register, result, tmp_path, promoter="Promoter/..\\evil <b>",
                             now=NOW)
    name = pack.owner_files[odd.code]
    assert re.fullmatch(r"notice-[A-Za-z0-9._-]+\.pdf", name) and (pack.folder / name).exists()
    assert pack.folder.parent == tmp_path.resolve()
    text = text_of(pack.folder / name)
    assert 'Owner"Quoted"&<Tagged>' in text and "Promoter/..\\evil<b>" in text


def test_safe_names():
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name("Société Générale") == "Societe-Generale"
    assert safe_name("CON") == "_CON" and safe_name("") == "unnamed" and safe_name("...") == "unnamed"
    assert len(safe_name("x" * 500)) == 60
    assert unique_names(["a.pdf", "A.pdf", "a.pdf", "b"]) == ["a.pdf", "A-2.pdf", "a-3.pdf", "b"]


def test_failure_while_writing_leaves_no_pack_and_marks_the_notice_failed(register, result,
                                                                          tmp_path, monkeypatch):
    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pack_module, "write_csv", boom)
    with pytest.raises(OSError, match="disk full"):
        write_notice_pack(register, result, tmp_path / "out", promoter="Acme", now=NOW)
    assert list((tmp_path / "out").iterdir()) == []  # neither the pack nor its temp folder
    row = register.notices().iloc[-1]
    assert row["status"] == "failed" and "disk full" in row["detail"]


def test_an_existing_pack_is_never_overwritten(tmp_path):
    target = tmp_path / "EXB-2026-00001"
    target.mkdir()
    (target / "summary.pdf").write_text("earlier pack")
    with pytest.raises(NoticeError, match="never overwritten"):
        with atomic_folder(target):
            pass
    assert (target / "summary.pdf").read_text() == "earlier pack"


def test_expected_utility_with_no_owner_is_listed(register, tmp_path):
    result = make_result()
    result.owners_no_data.append({"owner": None, "utility": "district_heating",
                                  "reason": "no owner in the register has district_heating "
                                            "data covering this site"})
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme", now=NOW)
    text = text_of(pack.folder / "summary.pdf")
    assert "Anydistrictheatingowner" in text and "Noownerintheregisterhasdistrict_heating" in text
    assert pack.detail["owners_no_data"] == ["VM"]


def test_cancel_leaves_no_pack(register, result, tmp_path):
    from asset_register.errors import CancelledError

    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3  # cancel while the owner notices are being written

    with pytest.raises(CancelledError):
        write_notice_pack(register, result, tmp_path / "out", promoter="Acme", now=NOW,
                          cancel=cancel)
    assert list((tmp_path / "out").iterdir()) == []
    assert register.notices().iloc[-1]["status"] == "cancelled"


def test_class_unknown_is_printed_in_the_notice_and_exported(register, tmp_path):
    """A gas main of unknown pressure is shown as "class unknown" in the PDF table and the
    CSV carries the basis of its class (DESIGN §5: the planner must know why it is danger)."""
    conflicts = conflict_rows()
    conflicts.loc[1, ["pressure", "pressure_bar", "class_basis"]] = ["HP", np.nan, "unknown"]
    pack = write_notice_pack(register, make_result(conflicts), tmp_path, promoter="Acme", now=NOW)
    assert "HP(classunknown)" in text_of(pack.folder / "summary.pdf")
    rows = list(csv.DictReader(
        (pack.folder / "conflicts.csv").read_text(encoding="utf-8-sig").splitlines()))
    basis = {r["asset_id"]: r["class_basis"] for r in rows}
    assert basis["SGN:MP-12"] == "unknown" and basis["UKPN:HV-77"] == "value"
