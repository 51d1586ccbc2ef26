"""Every name prints: the notice PDFs embed a Unicode typeface (DejaVu Sans Condensed), so
Welsh, Polish, Dutch and Czech names come out as written, never as '?'."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from asset_register.model import Owner
from asset_register.notices import write_notice_pack
from asset_register.notices.pdfstyle import plain_text
from asset_register.notices.typeface import FACES, font_file, missing

from .analytic import conflict_rows, make_result, owner_dict

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
WELSH = "Dŵr Cymru Welsh Water — Heol Tŷ Gwyn, Llanfairpwllgwyngyll"
POLISH = "Gaz-System Łódź — ul. Żółkiewskiego 5, Świętokrzyska"
DUTCH = "Stedin Netbeheer — IJsselstraat, Ĳmuiden, Zuid-Holland"
CZECH = "ČEZ Distribuce — Řevnice, Dvořákova ulice"


def words(path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


def test_the_typeface_ships_with_its_licence():
    for face in FACES:
        assert font_file(face).is_file()
    licence = (font_file(FACES[0]).parent / "LICENSE").read_text()
    assert "Bitstream Vera Fonts Copyright" in licence and "Arev Fonts Copyright" in licence
    assert not missing(WELSH + POLISH + DUTCH + CZECH)
    assert plain_text(WELSH) == WELSH and plain_text(POLISH) == POLISH
    assert missing("東京") == {"東", "京"}  # no CJK glyphs: those fall back, never break a PDF


def test_names_in_any_european_script_print_as_written(register, tmp_path):
    owners = [Owner("UKPN", WELSH, "0800 1"), Owner("SGN", POLISH, "0800 2"),
              Owner("TW", DUTCH, "0800 3"), Owner("ONF", CZECH, "0800 4"),
              Owner("VM", "Virgin Media"), Owner("BT", "BT Openreach")]
    for o in owners:
        register.upsert_owner(o)
    result = make_result(conflict_rows(), owners=owners,
                         description="Przyłącze gazu, ul. Łąkowa 3 — Heol y Bont, Tŷ Newydd")
    assert result.owners_affected[0] == owner_dict(owners[0])
    pack = write_notice_pack(register, result, tmp_path, promoter="Żabka Usługi Sp. z o.o.",
                             promoter_contact="Łukasz Wójcik", now=NOW)
    summary = words(pack.folder / "summary.pdf")
    for name in (WELSH, POLISH, DUTCH, CZECH, "Przyłącze gazu, ul. Łąkowa 3",
                 "Żabka Usługi Sp. z o.o.", "Łukasz Wójcik"):
        assert name in summary, name
    assert "?" not in summary
    welsh = words(pack.folder / "notice-UKPN.pdf")
    assert f"To: {WELSH} (UKPN)" in welsh and "?" not in welsh
    used = set()

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            used.add(str(font["/BaseFont"]).split("+")[-1])
    for page in PdfReader(pack.folder / "summary.pdf").pages:
        page.extract_text(visitor_text=visit)
    assert used == {"DejaVuSansCondensed", "DejaVuSansCondensed-Bold",
                    "DejaVuSansCondensed-Oblique"}  # every word in the embedded typeface


@pytest.mark.parametrize("text, shown", [("Straße", "Straße"), ("東京 Street", "?? Street")])
def test_characters_without_a_glyph_fall_back(text, shown):
    assert plain_text(text) == shown
