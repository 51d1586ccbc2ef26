"""References unique under concurrent issuing; draft, issue, re-issue; owners' responses."""

from __future__ import annotations

import json
import multiprocessing as mp
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from asset_register.errors import NoticeError, NotFoundError
from asset_register.notices import notice_overview, record_response, write_notice_pack
from asset_register.notices.reference import format_reference, new_reference, parse_reference

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _issue_many(path: str, n: int, queue) -> None:
    from asset_register.store import open_register

    with open_register(path) as store:
        queue.put([new_reference(store, "EXB", date(2026, 6, 1)) for _ in range(n)])


def test_references_are_unique_when_processes_issue_at_once(register):
    register.close()  # let the workers have the file to themselves
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_issue_many, args=(str(register.path), 15, queue))
               for _ in range(4)]
    for w in workers:
        w.start()
    got = [ref for _ in workers for ref in queue.get(timeout=120)]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert len(got) == 60 and len(set(got)) == 60
    assert sorted(got) == [format_reference("EXB", 2026, i) for i in range(1, 61)]


def test_reference_format():
    assert format_reference("lb x", 2026, 42) == "LBX-2026-00042"
    assert parse_reference("lbx-2026-00042") == ("LBX", 2026, 42)
    with pytest.raises(NoticeError):
        parse_reference("2026/42")
    assert len(format_reference("ABCDEFGH", 2026, 99999)) <= 24  # Street Manager limit


def test_draft_then_reissue_supersedes(register, result, tmp_path):
    draft = write_notice_pack(register, result, tmp_path, promoter="Acme", issue=False, now=NOW)
    assert draft.status == "draft"
    assert notice_overview(register).iloc[0]["outstanding"] == []  # a draft asks nobody
    with pytest.raises(NoticeError, match="draft"):
        record_response(register, draft.reference, "TW", "affected")
    page = PdfReader(draft.folder / "summary.pdf").pages[0].extract_text()
    assert "DRAFT" in page
    v2 = write_notice_pack(register, result, tmp_path, promoter="Acme", reissue=draft.reference,
                           now=NOW)
    assert (v2.reference, v2.version) == (draft.reference, 2)
    assert v2.folder.name == f"{draft.reference}-v2" and draft.folder.exists()
    v3 = write_notice_pack(register, result, tmp_path, promoter="Acme", reissue=draft.reference,
                           now=NOW)
    rows = register.notices(draft.reference).set_index("version")["status"].to_dict()
    assert rows == {1: "draft", 2: "superseded", 3: "issued"}
    assert v3.content_hash != "" and "v3" in re.sub(r"\s", "", PdfReader(
        v3.folder / "summary.pdf").pages[0].extract_text())
    with pytest.raises(NotFoundError):
        write_notice_pack(register, result, tmp_path, promoter="Acme", reissue="EXB-2026-99999",
                          now=NOW)


def test_responses_and_outstanding(register, result, tmp_path):
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme", now=NOW)
    view = notice_overview(register, today=date(2026, 11, 24)).iloc[0]
    assert view["reference"] == pack.reference and view["status"] == "issued"
    assert view["outstanding"] == ["UKPN", "SGN", "TW", "ONF", "BT"] and not view["expired"]
    record_response(register, pack.reference, "BT", "no_assets_affected", recorded_by="jo")
    record_response(register, pack.reference, "TW", "affected_plans_sent", "plans ref TW/77")
    record_response(register, pack.reference, "SGN", "no_response")  # chased, no answer
    view = notice_overview(register, today=date(2027, 1, 5)).iloc[0]
    assert view["outstanding"] == ["UKPN", "SGN", "ONF"] and view["answered"] == 2
    assert view["expired"]  # valid until 21 Dec 2026
    with pytest.raises(NoticeError, match="not one of"):
        record_response(register, pack.reference, "TW", "maybe")
    with pytest.raises(NotFoundError, match="not sent"):
        record_response(register, pack.reference, "NOBODY", "affected")
    with pytest.raises(NotFoundError):
        record_response(register, "EXB-2026-09999", "TW", "affected")
    # a re-issue shows the responses already recorded
    v2 = write_notice_pack(register, result, tmp_path, promoter="Acme", reissue=pack.reference,
                           now=NOW)
    text = re.sub(r"\s", "", "".join(p.extract_text()
                                     for p in PdfReader(v2.folder / "summary.pdf").pages))
    assert "Affected—planssent" in text and "Noassetsaffected" in text
    responses = register.responses(pack.reference)
    assert json.loads(register.notices(pack.reference).iloc[-1]["detail"])["conflicts"] == 5
    assert list(responses["owner"]) == ["BT", "TW", "SGN"]


def test_reissue_racing_another_takes_the_next_version(register, result, tmp_path):
    first = write_notice_pack(register, result, tmp_path, promoter="Acme", now=NOW)
    # another desktop recorded version 2 after this one looked up the versions
    register.record_notice({"reference": first.reference, "version": 2, "status": "draft",
                            "created_at": NOW.isoformat()})
    original = register.notices
    calls = []

    def stale(reference=None):  # the first lookup does not see version 2 yet
        rows = original(reference)
        if reference and not calls:
            calls.append(1)
            return rows[rows["version"] < 2]
        return rows

    register.notices = stale
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme",
                             reissue=first.reference, now=NOW)
    assert pack.version == 3 and pack.folder.name.endswith("-v3")


def test_works_starting_after_expiry_are_flagged(register, tmp_path):
    from .analytic import make_result

    late = make_result(start=date(2027, 3, 1), end=date(2027, 3, 5))
    pack = write_notice_pack(register, late, tmp_path, promoter="Acme", now=NOW)
    assert any("after this notice expires" in w for w in pack.warnings)
    text = re.sub(r"\s", "", PdfReader(pack.folder / "summary.pdf").pages[-1].extract_text())
    assert "re-issueitbeforeworkstarts" in text
