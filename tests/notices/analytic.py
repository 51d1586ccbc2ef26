"""Analytic fixtures for notice tests: owners and CheckResults whose conflicts are built
from geometry with distances known by construction (not computed by the checker)."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asset_register.check.result import CONFLICT_COLUMNS, CheckResult, DigSite
from asset_register.model import Owner

X0, Y0 = 530100.0, 180100.0  # TQ 30100 80100
FOOTPRINT = shapely.box(X0, Y0, X0 + 10, Y0 + 4)  # a 10 × 4 m excavation

OWNERS = [
    Owner("UKPN", "UK Power Networks", "0800 029 4285", "105", "plans@ukpn.example"),
    Owner("SGN", "SGN (Southern Gas Networks)", "0800 912 1700", "0800 111 999",
          "plantprotection@sgn.example"),
    Owner("TW", "Thames Water", "0800 316 9800", "0800 714 614", None),
    Owner("ONF", "O'Neil & Sons <Fibre> Ltd — Société", "020 7946 0000", None, "noc@onf.example"),
    Owner("VM", "Virgin Media", "0800 052 0800", None, "dial-before-dig@vm.example"),
    Owner("BT", "BT Openreach", "0800 023 2023", None, "osm@openreach.example"),
]


def owner_dict(o: Owner) -> dict:
    return {"code": o.code, "name": o.name, "phone": o.phone,
            "emergency_phone": o.emergency_phone, "email": o.email}


def conflict_rows() -> gpd.GeoDataFrame:
    """Five conflicts at known distances from FOOTPRINT."""
    rows = [
        # asset_id, owner, utility, class, geometry, distance, clearance, severity, voltage, pressure
        ("UKPN:HV-77", "UKPN", "electricity", "cable",
         shapely.LineString([(X0 - 20, Y0 + 2), (X0 + 30, Y0 + 2)]), 0.0, 3.6, "strike", "HV", None),
        ("SGN:MP-12", "SGN", "gas", "pipe",
         shapely.LineString([(X0 - 20, Y0 + 6.5), (X0 + 30, Y0 + 6.5)]), 2.5, 3.9, "danger", None, "MP"),
        ("TW:WM/0042", "TW", "water", "pipe",
         shapely.LineString([(X0 + 11.2, Y0 - 15), (X0 + 11.2, Y0 + 20)]), 1.2, 1.7, "caution", None, None),
        ("TW:V-9", "TW", "water", "valve", shapely.Point(X0 - 0.8, Y0 + 1), 0.8, 1.5, "caution", None, None),
        ("ONF:DUCT-é1", "ONF", "telecoms", "duct",
         shapely.LineString([(X0 + 3, Y0 - 1.0), (X0 + 3, Y0 - 30)]), 1.0, 1.6, "caution", None, None),
    ]
    frame = pd.DataFrame(
        [{"asset_id": r[0], "owner": r[1], "utility": r[2], "asset_class": r[3],
          "distance_m": r[5], "clearance_m": r[6], "severity": r[7], "voltage": r[8],
          "pressure": r[9]} for r in rows])
    frame["status"] = "in_service"
    frame["precaution"] = np.select(
        [frame.severity == "strike", frame.severity == "danger"],
        ["Do not excavate: contact the owner before work", "Hand dig only; owner to attend"],
        "Hand dig within clearance (HSG47)")
    frame["h_accuracy_m"] = [0.1, 0.4, np.nan, 0.5, 0.1]
    frame["quality_level"] = ["B2", None, "D", None, "B2"]
    frame["depth_m"] = [0.9, 1.1, np.nan, 0.6, 0.5]
    frame["depth_note"] = [None, "recorded deeper than the dig", None, None, None]
    frame["diameter_mm"] = [110.0, 180.0, 150.0, np.nan, 90.0]
    frame["material"] = ["XLPE", "PE", "DI", None, "PVC"]
    frame["abandoned"] = [False, False, False, False, True]
    frame["risk_class"] = ["high", "high", "standard", "standard", "standard"]
    frame["uncertainty_m"] = [0.1, 0.4, 1.0, 0.5, 0.1]
    frame["contact_owner"] = [True, True, False, False, False]
    frame["pressure_bar"] = [np.nan, 1.5, np.nan, np.nan, np.nan]
    frame["voltage_v"] = [11000.0, np.nan, np.nan, np.nan, np.nan]
    frame["class_basis"] = ["value", "value", None, None, None]
    frame = frame[CONFLICT_COLUMNS]
    return gpd.GeoDataFrame(frame, geometry=[r[4] for r in rows], crs="EPSG:27700")


def make_result(conflicts: gpd.GeoDataFrame | None = None, *, owners=OWNERS, **site
                ) -> CheckResult:
    conflicts = conflict_rows() if conflicts is None else conflicts
    by_code = {o.code: o for o in owners}
    affected = list(dict.fromkeys(conflicts["owner"].astype(str)))
    site = {"footprint": FOOTPRINT, "depth_m": 1.2, "method": "mechanical",
            "start": date(2026, 12, 1), "end": date(2026, 12, 4),
            "description": "New service connection to No. 14 — excavate footway & carriageway",
            "usrn": "20601234", **site}
    works = gpd.GeoDataFrame(
        {"reference": ["TW-2026-991"], "promoter": ["Thames Water"], "description":
         ["Water main renewal"], "start_date": ["2026-11-30"], "end_date": ["2026-12-18"],
         "status": ["planned"]},
        geometry=[shapely.box(X0 - 30, Y0 - 3, X0 - 5, Y0 + 3)], crs="EPSG:27700")
    return CheckResult(
        site=DigSite(**site), conflicts=conflicts,
        owners_affected=[owner_dict(by_code[c]) for c in affected],
        owners_no_conflict=[owner_dict(by_code["BT"])] if "BT" not in affected else [],
        owners_no_data=[owner_dict(by_code["VM"])],
        works_overlapping=works, rules_version="default-2026.1", warnings=[],
    )
