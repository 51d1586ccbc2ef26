"""A contractor's extract: restricted assets withheld (owner and a coarse box only), the dig
check still flagging them; every other asset whole."""

from __future__ import annotations

import shapely

from asset_register.check.checker import Checker
from asset_register.check.result import DigSite
from asset_register.cli.main import main
from asset_register.model import BatchInfo, Owner
from asset_register.restricted import RESTRICTED_GRID_M, RESTRICTED_MARGIN_M
from asset_register.store import open_register
from tests.conftest import synthetic_assets


def test_contractor_extract_withholds_restricted_detail(gpkg_store_factory, tmp_path, capsys,
                                                       signing_key):
    src = gpkg_store_factory()
    src.upsert_owner(Owner("WSX", "Wessex Water", phone="0345 600 4600"))
    assets = synthetic_assets(44)  # every 11th asset is restricted: 4 of them
    src.write_batch(assets, BatchInfo(source_file="w.gpkg", owner="WSX"))
    path = src.path if hasattr(src, "path") else src.location
    src.close()
    out = tmp_path / "contractor.gpkg"
    area = shapely.to_wkt(shapely.box(529000, 179000, 532000, 182000))
    assert main(["extract", str(path), "--area", area, "--out", str(out), "--contractor"]) == 0
    assert "restricted assets are withheld" in capsys.readouterr().out
    secret = assets[assets["restricted"]]
    with open_register(str(out)) as ex:
        got = ex.read_assets()
        assert len(got) == 44
        masked = got[got["restricted"]]
        assert len(masked) == 4
        assert not set(masked["asset_id"]) & set(secret["asset_id"])
        assert masked["asset_id"].str.startswith("restricted:WSX:").all()
        assert masked[["depth_m", "diameter_mm", "material", "h_accuracy_m"]].isna().all().all()
        assert (masked["asset_class"] == "other").all() and (masked["attrs"] == "{}").all()
        corners = shapely.get_coordinates(masked.geometry.array)
        assert (corners % RESTRICTED_GRID_M == 0).all()  # rounded out: extent not given away
        for real in secret.geometry:  # each restricted asset lies inside one coarse box
            assert any(box.contains(real) and box.area > real.envelope.area
                       for box in masked.geometry)
        open_rows = got[~got["restricted"]].set_index("asset_id")
        whole = assets[~assets["restricted"]].set_index("asset_id")
        assert sorted(open_rows.index) == sorted(whole.index)
        assert (open_rows.loc[whole.index, "material"] == "PE").all()
        target = secret.geometry.iloc[1]
        result = Checker(ex).check(DigSite(footprint=target.centroid.buffer(0.3), depth_m=1.0))
    hits = result.conflicts[result.conflicts["asset_id"].str.startswith("restricted:")]
    assert len(hits) >= 1 and (hits["severity"] == "strike").any()
    assert hits["precaution"].str.startswith("Restricted asset of WSX: contact them").all()
    assert RESTRICTED_MARGIN_M > 0
