"""The dig's confidence grade and its reasons are printed in the pack's summary PDF (never in
an owner's notice), kept in the manifest and the notice record, and said by the CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import numpy as np
import pytest

from asset_register.check.confidence import grade
from asset_register.notices import write_notice_pack

from .analytic import make_result
from .test_pack import pdf_text, squash

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _confidence():
    """A known grade: C (an expected utility without records) with a B reason (one owner's
    newest delivery is three years old at the dig's start)."""
    return grade(affected=[{"owner": "UKPN", "coverage": "full"}], no_conflict=[],
                 no_data=[{"owner": None, "utility": "water"}],
                 conflicts={"asset_id": np.array([])}, reported=np.zeros(0, bool),
                 unknown_owner_near=False, delivered={"UKPN": "2023-11-01T10:00:00+00:00"},
                 on=date(2026, 12, 1))


def test_the_grade_used_here_is_known():
    assert _confidence() == {"grade": "C", "reasons": [
        "C: no water records cover this site",
        "B: UKPN's newest delivery is 3 years old at the dig's start"]}


@pytest.fixture
def pack(register, tmp_path):
    result = make_result()
    result.confidence = _confidence()
    return write_notice_pack(register, result, tmp_path / "out", promoter="Acme Utilities Ltd",
                             now=NOW)


def test_summary_pdf_prints_the_grade_and_every_reason(pack):
    text = pdf_text(pack.folder / "summary.pdf")
    assert squash("Confidence in the records here: C") in text
    assert squash("grades run from A, best, to D") in text
    for reason in _confidence()["reasons"]:
        assert squash(reason).replace("'", "’") in text.replace("'", "’")


def test_owner_notices_do_not_carry_the_grade(pack):
    for name in pack.owner_files.values():
        assert squash("Confidence in the records") not in pdf_text(pack.folder / name)


def test_manifest_and_record_keep_the_grade(pack, register):
    manifest = json.loads((pack.folder / "manifest.json").read_text("utf-8"))
    assert manifest["confidence"] == _confidence()
    detail = json.loads(register.notices(pack.reference)["detail"].iloc[-1])
    assert detail["confidence"]["grade"] == "C"


def test_a_result_without_a_grade_prints_no_box(register, tmp_path):
    pack = write_notice_pack(register, make_result(), tmp_path / "out", promoter="Acme", now=NOW)
    assert squash("Confidence in the records") not in pdf_text(pack.folder / "summary.pdf")
    assert json.loads((pack.folder / "manifest.json").read_text("utf-8"))["confidence"] is None
