"""Notice packs: every file present and readable, the PDFs name every conflict and owner,
exports round-trip, the register records the notice with the files' hashes."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import UTC, date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pypdf import PdfReader

from asset_register.check.result import CONFLICT_COLUMNS
from asset_register.notices import write_notice_pack
from asset_register.notices.pack import NoticePack

from .analytic import FOOTPRINT, OWNERS, conflict_rows, make_result

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday


def pdf_text(path) -> str:
    """All text of a PDF with whitespace removed (cells wrap lines anywhere)."""
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """One pack (and its register) shared by the read-only tests of this module."""
    from .conftest import build_register

    tmp = tmp_path_factory.mktemp("pack")
    store = build_register(tmp / "register.gpkg")
    pack = write_notice_pack(store, make_result(), tmp / "out", promoter="Acme Utilities Ltd",
                             promoter_phone="01234 567890", now=NOW)
    yield store, pack, tmp
    store.close()


@pytest.fixture
def pack(written) -> NoticePack:
    return written[1]


def test_pack_files_and_reference(pack, written):
    tmp_path = written[2]
    assert re.fullmatch(r"EXB-2026-\d{5}", pack.reference)
    assert pack.folder == (tmp_path / "out" / pack.reference).resolve()
    names = {p.name for p in pack.folder.iterdir()}
    assert names == {"summary.pdf", "notice-UKPN.pdf", "notice-SGN.pdf", "notice-TW.pdf",
                     "notice-ONF.pdf", "conflicts.geojson", "conflicts-bng.geojson",
                     "conflicts.csv", "street-manager-work.json", "manifest.json"}
    assert set(pack.files) == names
    for name, digest in pack.files.items():
        assert hashlib.sha256((pack.folder / name).read_bytes()).hexdigest() == digest
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temp left
    # 20 working days from Monday 23 Nov 2026 -> Monday 21 Dec 2026
    assert pack.valid_until == date(2026, 12, 21)


def test_summary_pdf_names_reference_every_conflict_and_owner(pack, result):
    text = pdf_text(pack.folder / "summary.pdf")
    assert pack.reference in text
    for asset_id in result.conflicts["asset_id"]:
        assert squash(asset_id) in text, asset_id
    for o in result.owners_affected + result.owners_no_conflict + result.owners_no_data:
        assert squash(o["name"]) in text, o["name"]
        assert squash(o["phone"]) in text
    assert "TW-2026-991" in text  # planned works to coordinate with
    assert "TQ3010580102" in text  # OS grid reference of the site
    assert "default-2026.1" in text  # rules version
    assert "Page1of" in text and "BoroughofExample" in text
    assert squash("Mon 21 Dec 2026") in text  # validity


def test_owner_pdfs_hold_only_their_own_assets(pack, result):
    conflicts = result.conflicts
    for owner, name in pack.owner_files.items():
        text = pdf_text(pack.folder / name)
        assert pack.reference in text
        mine = set(conflicts.loc[conflicts.owner == owner, "asset_id"])
        for asset_id in conflicts["asset_id"]:
            assert (squash(asset_id) in text) == (asset_id in mine), (owner, asset_id)
        owner_name = next(o.name for o in OWNERS if o.code == owner)
        assert squash(owner_name) in text
        others = [o.name for o in OWNERS if o.code not in (owner, "VM")]  # VM: no data here
        assert all(squash(name) in text for name in others)  # "also notified"


def test_geojson_round_trip_wgs84_and_bng(pack, result):
    raw = json.loads((pack.folder / "conflicts.geojson").read_text())
    assert "crs" not in raw  # RFC 7946: WGS 84 implied
    lon, lat = raw["features"][0]["geometry"]["coordinates"][0][0]
    assert -1 < lon < 1 and 51 < lat < 52  # central London in degrees
    wgs = gpd.read_file(pack.folder / "conflicts.geojson")
    bng = gpd.read_file(pack.folder / "conflicts-bng.geojson")
    assert bng.crs.to_epsg() == 27700
    conflicts = result.conflicts.reset_index(drop=True)
    for frame, tol in ((wgs.to_crs(27700), 0.02), (bng, 0.001)):
        assert frame["role"].tolist() == ["footprint"] + ["conflict"] * len(conflicts)
        assert frame.geometry.iloc[0].equals_exact(FOOTPRINT.normalize(), tol) or \
            shapely.hausdorff_distance(frame.geometry.iloc[0], FOOTPRINT) < tol
        got = frame.iloc[1:].reset_index(drop=True)
        assert got["asset_id"].tolist() == conflicts["asset_id"].tolist()
        assert np.allclose(got["distance_m"], conflicts["distance_m"])
        assert got["severity"].tolist() == conflicts["severity"].tolist()
        assert got["number"].tolist() == list(range(1, len(conflicts) + 1))
        hd = shapely.hausdorff_distance(got.geometry.to_numpy(), conflicts.geometry.to_numpy())
        assert (hd < tol).all()


def test_csv_round_trip(pack, result):
    frame = pd.read_csv(pack.folder / "conflicts.csv", encoding="utf-8-sig")
    conflicts = result.conflicts.reset_index(drop=True)
    assert list(frame.columns) == ["reference", "number", *CONFLICT_COLUMNS, "owner_name", "wkt"]
    assert (frame["reference"] == pack.reference).all()
    assert frame["asset_id"].tolist() == conflicts["asset_id"].tolist()  # accents kept
    assert np.allclose(frame["clearance_m"], conflicts["clearance_m"])
    geoms = shapely.from_wkt(frame["wkt"].to_numpy())
    assert (shapely.hausdorff_distance(geoms, conflicts.geometry.to_numpy()) < 0.001).all()
    with open(pack.folder / "conflicts.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[4]["owner_name"] == "O'Neil & Sons <Fibre> Ltd — Société"


def test_notice_recorded_issued_with_hashes(pack, written):
    register = written[0]
    rows = register.notices(pack.reference)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["status"] == "issued" and int(row["version"]) == 1
    assert row["issued_at"].startswith("2026-11-23T09:30")
    assert json.loads(row["files"]) == pack.files
    assert row["content_hash"] == pack.content_hash
    assert row["promoter"] == "Acme Utilities Ltd" and row["usrn"] == "20601234"
    detail = json.loads(row["detail"])
    assert detail["owners_affected"] == ["UKPN", "SGN", "TW", "ONF"]
    assert detail["owners_no_data"] == ["VM"]
    manifest = json.loads((pack.folder / "manifest.json").read_text())
    assert manifest["content_hash"] == pack.content_hash
    assert {k: v for k, v in pack.files.items() if k != "manifest.json"} == manifest["files"]
    assert "notice_issued" in set(register.audit_log()["action"])


def test_progress_is_reported(register, result, tmp_path):
    seen = []
    write_notice_pack(register, result, tmp_path, promoter="P", now=NOW,
                      progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert any("Thames Water" in m for _, m in seen)


def test_long_conflict_table_breaks_pages_and_keeps_every_asset(register, tmp_path):
    n = 120
    base = conflict_rows()
    rows = base.iloc[np.arange(n) % len(base)].reset_index(drop=True)
    rows["asset_id"] = [f"{o}:A{i:04d}" for i, o in enumerate(rows["owner"])]
    pack = write_notice_pack(register, make_result(gpd.GeoDataFrame(rows, crs=27700)),
                             tmp_path, promoter="P", now=NOW)
    reader = PdfReader(pack.folder / "summary.pdf")
    assert len(reader.pages) >= 4
    text = pdf_text(pack.folder / "summary.pdf")
    missing = [a for a in rows["asset_id"] if a not in text]
    assert not missing
    # the table header is repeated on the pages the table continues on
    assert sum("Severity/precaution" in re.sub(r"\s+", "", p.extract_text())
               for p in reader.pages) >= 3


@pytest.fixture
def german_time_names():
    """LC_TIME set to German, as Qt sets it on a German desktop (restored afterwards)."""
    import locale
    import os

    before = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "de_DE.utf8", "de_DE"):
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    else:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no German locale: .ci/run generates de_DE.UTF-8 (localedef)")
        pytest.skip("no de_DE locale here (`localedef -i de_DE -f UTF-8 de_DE.UTF-8` makes one)")
    try:
        # a fixed Monday in December (no clock read): proves the German names are in force
        assert date(2026, 12, 21).strftime("%a %b") == "Mo Dez"
        yield
    finally:
        locale.setlocale(locale.LC_TIME, before)


def test_dates_are_english_whatever_the_locale(german_time_names, tmp_path):
    """Notices go to UK utilities: their dates read the same whatever the desktop's language."""
    from .conftest import build_register

    store = build_register(tmp_path / "register.gpkg")
    try:
        late = make_result(start=date(2027, 1, 4), end=date(2027, 1, 8))  # after the validity ends
        pack = write_notice_pack(store, late, tmp_path / "out", promoter="Acme", now=NOW)
    finally:
        store.close()
    text = pdf_text(pack.folder / "summary.pdf")
    assert squash("Mon 21 Dec 2026") in text and squash("issued 23 Nov 2026 09:30 UTC") in text
    assert "Dez" not in text and "Mo21" not in text
    assert ("the works start on 04 Jan 2027, after this notice expires on 21 Dec 2026: "
            "re-issue it before work starts") in pack.warnings
