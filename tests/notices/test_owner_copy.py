"""An owner's notice carries what the owner needs and nothing of the promoter's own: the
promoter's warnings (settings defaults, Street Manager gaps, USRN hints, check warnings, site
notes) and method advice are in the summary only."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from pypdf import PdfReader

from asset_register.notices import write_notice_pack

from .analytic import make_result

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CHECK_WARNING = "footprint is 14 m outside the register's data: check its CRS"
SITE_NOTE = "footprint CRS assumed EPSG:27700"
ADVICE = "Mechanical excavation: hand dig trial holes to expose every service first (HSG47)."


def words(path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


def test_promoter_warnings_stay_out_of_owner_notices(register, tmp_path):
    register.set_setting("authority_name", "")  # a settings default: a promoter-only warning
    result = make_result(usrn=None)
    result.site = replace(result.site, notes=(SITE_NOTE,))
    result.warnings.append(CHECK_WARNING)
    result.advice.append(ADVICE)
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme", now=NOW)
    internal = pack.warnings
    assert any("Street Manager record" in w for w in internal)
    assert any("'authority_name' is not set" in w for w in internal)
    summary = words(pack.folder / "summary.pdf")
    for text in (CHECK_WARNING, SITE_NOTE, ADVICE, "Street Manager record",
                 "'authority_name' is not set"):
        assert text in summary, text
    assert len(pack.owner_files) == 4
    for name in pack.owner_files.values():
        owner = words(pack.folder / name)
        for text in (CHECK_WARNING, SITE_NOTE, ADVICE, "Street Manager", "authority_name",
                     "setting"):
            assert text not in owner, (name, text)
        # what the owner needs is all there: their assets, the deadline, the rules basis
        assert "Please respond to Acme" in owner and "Conflict rules version" in owner
