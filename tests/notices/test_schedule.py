"""The owners' response deadline falls before the works start; the rules' notice period is
enforced (past and short-notice starts refused, or accepted explicitly and printed in the pack).

Every date is fixed: the product clock is pinned (fixed_clock, Monday 23 November 2026).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from asset_register.check.rules import default_rules, parse_rules
from asset_register.errors import NoticeError, RulesError
from asset_register.notices import write_notice_pack
from asset_register.notices.schedule import notice_dates

from .analytic import make_result

ISSUED = date(2026, 11, 23)  # a Monday; FIXED_NOW's date


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


@pytest.mark.parametrize("start, respond_by", [
    (date(2026, 12, 7), date(2026, 11, 26)),   # 10 working days' notice: the normal 3-day answer
    (date(2026, 11, 30), date(2026, 11, 26)),  # exactly 5 working days: still 3 days to answer
])
def test_deadline_before_start_with_enough_notice(start, respond_by):
    d = notice_dates(ISSUED, start, notice_days=5, response_days=3, validity_days=20)
    assert (d.respond_by, d.valid_until, d.short_notice) == (respond_by, date(2026, 12, 21), None)
    assert d.respond_by < start


def test_short_notice_refused_with_the_earliest_start():
    with pytest.raises(NoticeError) as e:  # Fri 27 Nov is 4 working days after Mon 23 Nov
        notice_dates(ISSUED, date(2026, 11, 27), notice_days=5, response_days=3, validity_days=20)
    msg = str(e.value)
    assert "\n" not in msg and "4 working days" in msg and "ask for 5" in msg
    assert "on or after 2026-11-30" in msg and "--accept-short-notice" in msg


def test_past_start_refused():
    with pytest.raises(NoticeError, match=r"2026-11-20 is in the past.*on or after 2026-11-30"):
        notice_dates(ISSUED, date(2026, 11, 20), notice_days=5, response_days=3, validity_days=20)


@pytest.mark.parametrize("start, respond_by", [
    (date(2026, 11, 26), date(2026, 11, 25)),  # Thursday start: answer by Wednesday
    (date(2026, 11, 30), date(2026, 11, 27)),  # Monday start, 3-day period: Friday before
    (date(2026, 11, 24), date(2026, 11, 23)),  # tomorrow: answer today
    (date(2026, 11, 23), date(2026, 11, 23)),  # today: answer today
    (date(2026, 11, 16), date(2026, 11, 23)),  # already started (emergency works)
])
def test_accepted_short_notice_brings_the_deadline_forward(start, respond_by):
    d = notice_dates(ISSUED, start, notice_days=10, response_days=5, validity_days=20,
                     accept_short=True)
    assert d.respond_by == respond_by
    assert d.short_notice and "Short notice accepted" in d.short_notice
    if start > ISSUED:
        assert d.respond_by < start


def test_bank_holidays_count_as_no_notice():
    # Issued Tue 22 Dec 2026: Christmas (Fri 25) and Boxing Day substitute (Mon 28) are not
    # working days, so 5 working days' notice ends on Thu 31 Dec; the answer is due Tue 29 Dec.
    d = notice_dates(date(2026, 12, 22), date(2026, 12, 31), notice_days=5, response_days=3,
                     validity_days=20)
    assert d.respond_by == date(2026, 12, 29)
    with pytest.raises(NoticeError, match="on or after 2026-12-31"):
        notice_dates(date(2026, 12, 22), date(2026, 12, 30), notice_days=5, response_days=3,
                     validity_days=20)


def _rules(**notices):
    base = {"version": "t", "classes": [{"name": "any", "clearance_m": 0.5, "precaution": "p"}]}
    return parse_rules({**base, "notices": notices}, "test.toml")


def test_rules_file_sets_the_period():
    r = default_rules()
    assert (r.notice_period_days, r.response_days, r.usrn_distance_m) == (5, 3, 20.0)
    r = _rules(notice_period_working_days=10, response_working_days=7, usrn_distance_m=35)
    assert (r.notice_period_days, r.response_days, r.usrn_distance_m) == (10, 7, 35.0)
    with pytest.raises(RulesError, match="must be less than notice_period_working_days"):
        _rules(notice_period_working_days=5, response_working_days=5)
    with pytest.raises(RulesError, match="notices.response_working_days = 2.5"):
        _rules(response_working_days=2.5)
    with pytest.raises(RulesError, match="notice_period_days"):
        _rules(notice_period_days=5)  # a mistyped key is refused, never ignored


def test_pack_deadline_before_start(register, tmp_path, fixed_clock):
    result = make_result(start=date(2026, 12, 7), end=date(2026, 12, 11))
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme")
    assert pack.respond_by == date(2026, 11, 26) < date(2026, 12, 7)
    manifest = json.loads((pack.folder / "manifest.json").read_text())
    assert manifest["respond_by"] == "2026-11-26" and manifest["short_notice"] is None
    owner = text_of(pack.folder / "notice-UKPN.pdf")
    assert "by Thu 26 Nov 2026, before the works start" in owner
    assert "Short notice" not in owner


def test_pack_refuses_short_notice_and_writes_nothing(register, tmp_path, fixed_clock):
    result = make_result(start=date(2026, 11, 25), end=date(2026, 11, 27))
    with pytest.raises(NoticeError, match="2 working days after the notice is issued"):
        write_notice_pack(register, result, tmp_path / "out", promoter="Acme")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert register.notices() is None or len(register.notices()) == 0  # no reference used


def test_pack_with_accepted_short_notice_says_so(register, tmp_path, fixed_clock):
    result = make_result(start=date(2026, 11, 25), end=date(2026, 11, 27))
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme",
                             accept_short_notice=True)
    assert pack.respond_by == date(2026, 11, 24)
    for name in ("summary.pdf", "notice-SGN.pdf"):
        text = text_of(pack.folder / name)
        assert "Short notice accepted by the promoter: the works start on Wed 25 " \
               "Nov 2026, 2 working days after issue; the rules ask for 5." in text
    assert "by Tue 24 Nov 2026" in text_of(pack.folder / "notice-SGN.pdf")


def test_cli_refuses_and_accepts_short_notice(register_template, tmp_path, fixed_clock, capsys):
    import shutil

    from asset_register.cli.main import main

    reg = tmp_path / "r.gpkg"
    shutil.copyfile(register_template, reg)
    args = ["notice", str(reg), "--wkt", "POINT (530105 180102)", "--radius", "2",
            "--promoter", "Acme", "--out", str(tmp_path / "out"), "--start", "2026-11-24",
            "--end", "2026-11-25"]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "1 working day after" in err
    assert main(args + ["--accept-short-notice"]) == 0
    out = capsys.readouterr().out
    assert "owners respond by Mon 23 Nov 2026" in out
    assert "SHORT NOTICE: Short notice accepted" in out
