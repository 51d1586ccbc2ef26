"""A small register whose quality figures are known by construction (see known_register)."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pytest
import shapely

from asset_register.model import BatchInfo, Owner, validate_assets

X0, Y0 = 500000.0, 100000.0
ON = date(2026, 11, 23)
AREA = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)  # 1 km²
NAN = float("nan")


def _line(i: float, y: float = 500.0, x: float | None = None):
    x = X0 + 10 + 20 * i if x is None else x
    return shapely.LineString([(x, Y0 + y), (x + 5, Y0 + y)])


def gas_rows():
    """GAS: ten pipes in the area and one outside it (x + 2000)."""
    acc = [0.1, 0.3, 0.31, 0.5, 1.0, 1.5, NAN, NAN, NAN, NAN]
    level = [None] * 6 + ["B3", "C", "A", None]
    # classes: ±0.3 (0.1, 0.3, A), ±0.5 (0.31, 0.5, B3), ±1 (1.0), >1 (1.5), records (C), none
    pressure = ["MP"] * 4 + [None] * 6
    bar = [NAN] * 4 + [0.05, 0.05] + [NAN] * 4  # 4 without either: pressure missing
    depth = [1.0] * 7 + [NAN] * 3
    captured = ["2024-01-01"] * 4 + ["2019-06-01"] * 2 + ["2010-01-01"] * 2 + [None] * 2
    rows = [{"asset_id": f"G{i}", "owner": "GAS", "utility": "gas", "asset_class": "pipe",
             "h_accuracy_m": acc[i], "quality_level": level[i], "pressure": pressure[i],
             "pressure_bar": bar[i], "depth_m": depth[i], "captured_on": captured[i],
             "geometry": _line(i)} for i in range(10)]
    rows.append({"asset_id": "G-out", "owner": "GAS", "utility": "gas", "asset_class": "pipe",
                 "h_accuracy_m": 0.2, "pressure": "LP", "depth_m": 1.0,
                 "captured_on": "1990-01-01", "geometry": _line(0, x=X0 + 2000)})
    return rows


def elec_rows():
    """ELE: four cables (voltage by class, by value, or not at all) and a precaution zone."""
    volts = [("HV", NAN), (None, 400.0), (None, NAN), (None, NAN)]
    rows = [{"asset_id": f"E{i}", "owner": "ELE", "utility": "electricity", "asset_class": "cable",
             "voltage": v, "voltage_v": vv, "depth_m": 0.6, "quality_level": "D",
             "captured_on": "2025-01-01", "geometry": _line(i, y=200)}
            for i, (v, vv) in enumerate(volts)]
    rows.append({"asset_id": "E-zone", "owner": "ELE", "utility": "electricity",
                 "asset_class": "precaution_zone", "geometry": shapely.box(X0 + 100, Y0 + 100,
                                                                          X0 + 120, Y0 + 120)})
    return rows


def tel_rows():
    return [{"asset_id": f"T{i}", "owner": "TEL", "utility": "telecoms", "asset_class": "duct",
             "geometry": _line(i, y=800)} for i in range(2)]


def _write(store, rows, owner, stamp):
    """One delivery whose records and batch carry the time ``stamp``."""
    import asset_register.store.gpkg.write as gwrite
    import asset_register.store.records as records

    frame = validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:27700"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gwrite, "now_iso", lambda: stamp)
        mp.setattr(records, "now_iso", lambda: stamp)
        store.write_batch(frame, BatchInfo(source_file=f"{owner}.gpkg", owner=owner),
                          delivery=owner)


def build_known_register(store):
    """GAS covers the whole 1 km² AREA, ELE its western half, TEL has no coverage recorded.
    GAS delivered twice (2020-03-01, then one more pipe 2025-05-05); ELE 2024-02-02; TEL
    2018-08-08 (days of the stores' own stamps)."""
    for code, name in (("GAS", "Gas Co"), ("ELE", "Power Co"), ("TEL", "Tel Co")):
        store.upsert_owner(Owner(code, name))
    gas = gas_rows()
    _write(store, gas[:-2] + gas[-1:], "GAS", "2020-03-01T10:00:00.000+00:00")
    _write(store, gas, "GAS", "2025-05-05T10:00:00.000+00:00")
    _write(store, elec_rows(), "ELE", "2024-02-02T10:00:00.000+00:00")
    _write(store, tel_rows(), "TEL", "2018-08-08T10:00:00.000+00:00")
    store.set_owner_coverage("GAS", AREA)
    store.set_owner_coverage("ELE", shapely.box(X0, Y0, X0 + 500, Y0 + 1000))
    return store


@pytest.fixture
def known_register(gpkg_store_factory):
    return build_known_register(gpkg_store_factory())


def by_owner(report: dict) -> dict:
    return {r["owner"]: r for r in report["owners"]}


__all__ = ["AREA", "ON", "X0", "Y0", "by_owner", "np"]
