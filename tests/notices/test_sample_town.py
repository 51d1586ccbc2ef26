"""A notice at a busy junction of the sample town: real deliveries, long asset ids, the real
check. Every conflict the check reports is in the summary, the CSV and its owner's notice."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import shapely
from pypdf import PdfReader

from asset_register.check import Checker, DigSite, default_rules
from asset_register.cli.main import main
from asset_register.notices import write_notice_pack
from asset_register.store import open_register

JUNCTION = shapely.box(530440, 180600, 530452, 180602.5)


def text(path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))


@pytest.mark.slow
def test_sample_town_junction(tmp_path, capsys):
    register = tmp_path / "town.gpkg"
    assert main(["sample", str(register), "-q"]) == 0
    capsys.readouterr()
    with open_register(register) as store:
        with Checker(store, default_rules()) as checker:
            result = checker.check(DigSite(JUNCTION, depth_m=1.0, description="Main repair"))
        assert len(result.conflicts) >= 10 and len(result.owners_affected) >= 4
        pack = write_notice_pack(store, result, tmp_path / "packs", promoter="Riverside Water")
    summary = text(pack.folder / "summary.pdf")
    ids = result.conflicts["asset_id"].astype(str).tolist()
    assert [i for i in ids if re.sub(r"\s", "", i) not in summary] == []
    for o in result.owners_affected + result.owners_no_conflict:
        assert re.sub(r"\s", "", o["name"]) in summary
    table = pd.read_csv(pack.folder / "conflicts.csv", encoding="utf-8-sig")
    assert table["asset_id"].tolist() == ids
    for owner, name in pack.owner_files.items():
        mine = set(result.conflicts.loc[result.conflicts["owner"] == owner, "asset_id"])
        page = text(pack.folder / name)
        assert all(re.sub(r"\s", "", i) in page for i in mine)
        assert not any(re.sub(r"\s", "", i) in page for i in set(ids) - mine
                       if not any(i in m for m in mine))
    manifest = json.loads((pack.folder / "manifest.json").read_text())
    assert manifest["conflicts"] == len(ids) and manifest["grid_reference"].startswith("TQ 304")
