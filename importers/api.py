"""Looking before importing: ``inspect`` a source and ``preview`` a mapping (used by the app's
import dialog and by the CLI). Neither touches a register.
"""

from __future__ import annotations

import warnings as warnings_module
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj

from asset_register.errors import AssetRegisterError, CRSError
from asset_register.model import DEFAULT_CRS

from . import crs as crsmod
from .automap import propose_profile
from .geometry import clean
from .prepare import prepare_layer
from .profiles import Profile, load_profile
from .readers import read_layer
from .sources import LayerInfo, open_source

CRS_SAMPLE = 2_000


@dataclass
class SourceInfo:
    """What a delivery holds: its driver, layers (fields, counts, CRS) and warnings."""

    path: str
    driver: str
    layers: list[LayerInfo]
    warnings: list[str] = field(default_factory=list)


def detect_crs(path: str | Path, layer: str | None = None,
               working_crs: str | pyproj.CRS = DEFAULT_CRS) -> tuple[str | None, list[str]]:
    """(the layer's CRS or None, warnings about it) — coordinate checks included."""
    source = open_source(path)
    layer = layer or source.layer_names()[0]
    raw = read_layer(source, layer, max_features=CRS_SAMPLE)
    if raw.crs is None:
        return None, [f"{layer}: no CRS in the source — it must be stated (--assume-crs)"]
    xy = crsmod.sample_xy(clean(raw.geometry).geometry)
    try:
        warns = crsmod.check_coordinates(crsmod.parse_crs(raw.crs), xy, crsmod.parse_crs(working_crs))
    except CRSError as exc:
        warns = [f"{layer}: {exc}"]
    return raw.crs, warns


def inspect(path: str | Path, working_crs: str | pyproj.CRS = DEFAULT_CRS) -> SourceInfo:
    """Layers, fields, feature counts, CRS and warnings of a source (reads a sample of each).

    IMKL/KLIC and INSPIRE-UN deliveries are described from one streaming pass by their own
    reader (GDAL's GML driver would re-read the whole file for every feature type)."""
    from .imkl import find_delivery, inspect_delivery  # imports this module: import here

    if find_delivery(path) is not None:
        return inspect_delivery(path)
    source = open_source(path)
    layers = []
    with warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore", UserWarning)
        for name in source.layer_names():
            info = source.layer_info(name)
            if info.features == 0:
                info.warnings.append("empty layer")
            else:
                try:
                    _, info.warnings[len(info.warnings):] = detect_crs(path, name, working_crs)
                except AssetRegisterError as exc:
                    info.warnings.append(str(exc))
            layers.append(info)
    return SourceInfo(path=str(path), driver=source.driver, layers=layers,
                      warnings=list(source.warnings))


@dataclass
class Preview:
    """Mapped sample rows, the sample's rejects, and what the import would say."""

    assets: gpd.GeoDataFrame
    rejects: pd.DataFrame
    transformation: str
    accuracy_m: float
    warnings: list[str]


def preview(
    path: str | Path,
    layer: str | None = None,
    profile: Profile | str | Path | None = None,
    n: int = 20,
    *,
    owner: str = "PREVIEW",
    utility: str | None = None,
    assume_crs: str | None = None,
    working_crs: str | pyproj.CRS = DEFAULT_CRS,
) -> Preview:
    """Map the first ``n`` features of a layer with a profile (proposed if none) — no writing."""
    source = open_source(path)
    layer = layer or source.layer_names()[0]
    if profile is None:
        profile = propose_profile(path, [layer], utility=utility)
    elif not isinstance(profile, Profile):
        profile = load_profile(profile)
    p = prepare_layer(source, layer, profile, owner=owner, working_crs=crsmod.parse_crs(working_crs),
                      utility=utility, assume_crs=assume_crs, max_features=n)
    return Preview(assets=p.assets, rejects=p.rejects, transformation=p.plan.description,
                   accuracy_m=p.plan.accuracy_m, warnings=p.warnings)
