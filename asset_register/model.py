"""The canonical asset model (DESIGN §4), shared by every store, importer and check.

Assets travel through the product as GeoDataFrames whose columns are
``ASSET_COLUMNS`` plus ``geometry``; ``validate_assets`` checks and normalises
such a frame in bulk (no per-row loops), so importers, stores and tests agree on
one shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from .crs_names import DEFAULT_CRS
from .errors import ValidationError

if TYPE_CHECKING:  # frames are built by the functions that need them (a check needs none)
    import geopandas as gpd
    import pandas as pd



class Utility(StrEnum):
    ELECTRICITY = "electricity"
    GAS = "gas"
    WATER = "water"
    SEWER = "sewer"
    TELECOMS = "telecoms"
    DISTRICT_HEATING = "district_heating"
    HAZARDOUS_PIPELINE = "hazardous_pipeline"
    STREET_LIGHTING = "street_lighting"
    TRAFFIC_SIGNALS = "traffic_signals"
    OTHER = "other"


class AssetClass(StrEnum):
    CABLE = "cable"
    PIPE = "pipe"
    DUCT = "duct"
    CHAMBER = "chamber"
    CABINET = "cabinet"
    POLE = "pole"
    VALVE = "valve"
    HYDRANT = "hydrant"
    FITTING = "fitting"
    PRECAUTION_ZONE = "precaution_zone"
    OTHER = "other"


class Status(StrEnum):
    IN_SERVICE = "in_service"
    PROPOSED = "proposed"
    UNDER_CONSTRUCTION = "under_construction"
    DISUSED = "disused"
    ABANDONED = "abandoned"
    UNKNOWN = "unknown"


class QualityLevel(StrEnum):
    """PAS 128 survey quality levels, least to most certain."""

    D = "D"
    C = "C"
    B4 = "B4"
    B3 = "B3"
    B2 = "B2"
    B1 = "B1"
    A = "A"


class DepthSource(StrEnum):
    RECORDED = "recorded"
    SURVEYED = "surveyed"
    STANDARD = "standard"


class Pressure(StrEnum):
    """Gas pressure tiers (UK): low, medium, intermediate, high."""

    LP = "LP"
    MP = "MP"
    IP = "IP"
    HP = "HP"


class Voltage(StrEnum):
    LV = "LV"
    HV = "HV"
    EHV = "EHV"


ENUM_COLUMNS: dict[str, type[StrEnum]] = {
    "utility": Utility,
    "asset_class": AssetClass,
    "status": Status,
    "quality_level": QualityLevel,
    "depth_source": DepthSource,
    "pressure": Pressure,
    "voltage": Voltage,
}

# column name -> pandas dtype of the canonical frame (geometry excluded).
ASSET_COLUMNS: dict[str, str] = {
    "asset_id": "string",
    "owner": "string",
    "utility": "string",
    "asset_class": "string",
    "status": "string",
    "depth_m": "float64",
    "depth_source": "string",
    "diameter_mm": "float64",
    "pressure": "string",
    "voltage": "string",
    "material": "string",
    "h_accuracy_m": "float64",
    "v_accuracy_m": "float64",
    "quality_level": "string",
    "captured_on": "string",  # ISO date
    "attrs": "string",  # JSON of every original attribute
    "restricted": "bool",
    # The recorded values behind the classes, when the source gives them with a unit
    # (schema migration 2 / PostGIS 3): the check classes them with the rules' thresholds.
    "pressure_bar": "float64",  # gas operating pressure, bar (gauge)
    "voltage_v": "float64",  # nominal voltage, volts
}

# Columns the store adds when it writes a batch (never supplied by importers).
STORE_COLUMNS: dict[str, str] = {
    "version": "int64",
    "valid_from": "string",  # ISO timestamp (UTC)
    "retired_at": "string",
    "batch_id": "int64",
    "delivery": "string",  # owner:layer key that scopes a re-delivery
    "crs_accuracy_m": "float64",  # accuracy of the transformation used at import
    "content_hash": "string",
}

REQUIRED_COLUMNS = ("asset_id", "owner", "utility", "asset_class")

# Asset ids of restricted assets shown masked to a login not cleared for them (PostGIS
# asset_view; a contractor's extract): "restricted:OWNER:N", class "other", a coarse box.
MASKED_ID_PREFIX = "restricted:"

DEFAULTS = {"status": Status.UNKNOWN.value, "restricted": False, "attrs": "{}"}


@dataclass(frozen=True)
class Owner:
    """An asset owner: the organisation a planner must contact."""

    code: str
    name: str
    phone: str | None = None
    emergency_phone: str | None = None
    email: str | None = None

    def __post_init__(self):
        if not self.code or ":" in self.code or not self.code.strip() == self.code:
            raise ValidationError(
                f"owner code {self.code!r} is not usable: give a short code without ':' "
                "or surrounding spaces (e.g. 'UKPN')"
            )


@dataclass(frozen=True)
class BatchInfo:
    """Provenance of one import batch (DESIGN §4 `import_batches`)."""

    source_file: str
    layer: str | None = None
    sha256: str | None = None
    source_crs: str | None = None
    transformation: str | None = None
    transformation_accuracy_m: float | None = None
    profile: str | None = None
    owner: str | None = None
    rows_read: int = 0
    rows_repaired: int = 0
    notes: dict = field(default_factory=dict)


@dataclass
class BatchResult:
    """What a batch write did, for the import summary and the audit log."""

    batch_id: int
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    rejected: int = 0
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.added + self.changed


def empty_assets(crs=DEFAULT_CRS) -> gpd.GeoDataFrame:
    """A zero-row canonical frame with every column and dtype in place."""
    import geopandas as gpd
    import pandas as pd

    data = {name: pd.Series(dtype=dtype) for name, dtype in ASSET_COLUMNS.items()}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def _check_enum(frame: pd.DataFrame, column: str, enum: type[StrEnum]) -> None:
    import pandas as pd

    values = frame[column]
    allowed = {e.value for e in enum}
    if {v for v in values.unique() if not pd.isna(v)} <= allowed:  # distinct values: a handful
        return
    bad = values.notna() & ~values.isin(allowed)
    if bad.any():
        example = values[bad].iloc[0]
        raise ValidationError(
            f"{column} value {example!r} (row {int(np.flatnonzero(bad.to_numpy())[0])}) is not one of "
            f"{sorted(allowed)}: map it in the import profile"
        )


def validate_assets(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Check a frame against the canonical model and return it with canonical dtypes.

    Missing optional columns are added (null or default); unknown columns are an
    error, because silently dropping data is never right. Raises ValidationError.
    """
    import geopandas as gpd
    import pandas as pd

    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValidationError("assets must be a GeoDataFrame with a geometry column")
    if frame.crs is None:
        raise ValidationError("the asset frame has no CRS: set one before writing it")
    unknown = set(frame.columns) - set(ASSET_COLUMNS) - {frame.geometry.name}
    if unknown:
        raise ValidationError(
            f"columns {sorted(unknown)} are not canonical asset fields: put original "
            "attributes in 'attrs' (JSON) instead"
        )
    for name in REQUIRED_COLUMNS:
        if name not in frame.columns or frame[name].isna().any():
            raise ValidationError(f"every asset needs {name!r}: it is missing on some rows")
    out = frame.copy()
    if out.geometry.name != "geometry":
        out = out.rename_geometry("geometry")
    for name, dtype in ASSET_COLUMNS.items():
        if name not in out.columns:
            default = DEFAULTS.get(name)
            out[name] = pd.Series(default, index=out.index,
                                  dtype=dtype if default is not None or dtype != "bool" else object)
        if name in DEFAULTS and out[name].hasnans:
            out[name] = out[name].fillna(DEFAULTS[name])
        if out[name].dtype == pd.api.types.pandas_dtype(dtype):  # already canonical: no copy
            continue
        try:
            if dtype == "float64":
                out[name] = pd.to_numeric(out[name], errors="raise").astype(dtype)
            else:
                out[name] = out[name].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"column {name!r} cannot be read as {dtype}: {exc}") from None
    for name, enum in ENUM_COLUMNS.items():
        _check_enum(out, name, enum)
    if not out["asset_id"].is_unique:
        dup = out.loc[out["asset_id"].duplicated(), "asset_id"].iloc[0]
        raise ValidationError(f"asset_id {dup!r} appears twice in one batch: ids must be unique")
    if out.geometry.isna().any() or out.geometry.is_empty.any():
        raise ValidationError("some assets have no geometry: send them to rejects instead")
    for col in ("depth_m", "diameter_mm", "h_accuracy_m", "v_accuracy_m", "pressure_bar",
                "voltage_v"):
        if (out[col] < 0).any():
            raise ValidationError(f"{col} must not be negative (found {out[col].min()})")
    return out[list(ASSET_COLUMNS) + ["geometry"]]


def attrs_json(records: pd.DataFrame) -> pd.Series:
    """Serialise every original attribute of each row to JSON (kept untouched in `attrs`)."""
    import pandas as pd

    if records.shape[1] == 0:
        return pd.Series(["{}"] * len(records), index=records.index, dtype="string")
    clean = records.astype(object).where(records.notna(), None)
    return pd.Series(
        [json.dumps(r, default=str, ensure_ascii=False) for r in clean.to_dict("records")],
        index=records.index,
        dtype="string",
    )
