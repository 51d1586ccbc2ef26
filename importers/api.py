"""Looking before importing: ``inspect`` a source and ``preview`` a mapping (used by the app's
import dialog and by the CLI). Neither touches a register.
"""

from __future__ import annotations

import warnings as warnings_module
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from asset_register.errors import AssetRegisterError, CRSError
from asset_register.model import DEFAULT_CRS

from . import crs as crsmod
from .automap import propose_profile
from .delivery_checks import inspect_delivery as layer_findings, owner_values
from .geometry import clean
from .imkl import find_delivery, inspect_delivery
from .prepare import prepare_layer
from .profiles import Profile, load_profile
from .readers import derived_columns, layer_errors, layer_fields, sample_geometries
from .sources import LayerInfo, Source, SourceInfo, open_source, skip_reason

CRS_SAMPLE = 2_000


def detect_crs(path: str | Path, layer: str | None = None,
               working_crs: str | pyproj.CRS | None = None,
               reference: tuple[float, float, float, float] | None = None) -> tuple[str | None, list[str]]:
    """(the layer's CRS or None, warnings about it) — coordinate checks included.

    Judged against the layer's own CRS and its area of use; against a register too when
    ``working_crs`` (and its extent, ``reference``) are given.
    """
    source = open_source(path)
    return _layer_crs(source, layer or source.layer_names()[0], working_crs, reference)


def _layer_crs(source: Source, layer: str, working_crs, reference,
               info: LayerInfo | None = None) -> tuple[str | None, list[str]]:
    if source.is_gml and info is not None and info.bounds is not None:
        # GML: GDAL finds a layer's features by parsing the document from its start, so a
        # sample read per layer costs layers × file size; the schema cache already holds
        # each layer's extent, and its corners and centre are what the checks need here
        # (the import itself checks a sample of the features).
        crs = info.crs
        minx, miny, maxx, maxy = info.bounds
        xy = np.array([[minx, miny], [maxx, maxy], [(minx + maxx) / 2, (miny + maxy) / 2]])
    else:
        crs, sample = sample_geometries(source, layer, CRS_SAMPLE)
        with layer_errors(source, layer):
            xy = crsmod.sample_xy(clean(sample).geometry)
    working = crsmod.parse_crs(working_crs) if working_crs is not None else None
    if crs is None or not crsmod.georeferenced(crsmod.parse_crs(crs)):
        what = "" if crs is None else f"its CRS ({crsmod.parse_crs(crs).name}) is not tied to the earth; "
        return crs, [f"{layer}: {what}{crsmod.advise_missing(xy, working, reference)}"]
    try:
        warns = crsmod.check_coordinates(crsmod.parse_crs(crs), xy, working, reference)
    except CRSError as exc:
        warns = [f"{layer}: {exc}"]
    return crs, warns


def inspect(path: str | Path, working_crs: str | pyproj.CRS | None = None,
            reference: tuple[float, float, float, float] | None = None) -> SourceInfo:
    """Layers, fields, feature counts, CRS and warnings of a source (reads a sample of each).

    The source is opened once; each layer's CRS is judged on its own (and against the
    register's working CRS and extent when given, as the import dialog does).
    IMKL/KLIC and INSPIRE-UN deliveries are described from one streaming pass by their own
    reader (GDAL's GML driver would re-read the whole file for every feature type).
    """
    if find_delivery(path) is not None:
        return inspect_delivery(path)
    source = open_source(path)
    layers = []
    with warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore", UserWarning)
        for name in source.layer_names():
            try:
                info = source.layer_info(name)
            except AssetRegisterError as exc:
                layers.append(LayerInfo(name=name, geometry_type=None, features=0, fields=[], crs=None,
                                        warnings=[str(exc)]))
                continue
            if info.features and derived_columns(source):  # a KML's description fields too
                info.fields = layer_fields(source, name)
            info.owners = sorted({v for vals in owner_values(source, name).values() for v in vals})
            if info.features == 0:
                info.warnings.append("empty layer")
            elif skip_reason(info):
                info.warnings.append(skip_reason(info))
            else:
                try:
                    _, info.warnings[len(info.warnings):] = _layer_crs(source, name, working_crs, reference,
                                                                       info)
                except AssetRegisterError as exc:
                    info.warnings.append(str(exc))
            layers.append(info)
    found = layer_findings(source, [layer.name for layer in layers if layer.features])
    cat = source.catalogue()
    missing = [f"the GeoPackage's contents list names {name!r} but the file holds no such table: "
               "not a layer; ask the owner for a complete export if it should hold data"
               for name in (cat.missing if cat is not None else [])]
    return SourceInfo(path=str(path), driver=source.driver, layers=layers,
                      warnings=list(source.warnings) + missing + found.messages())


@dataclass
class Preview:
    """Mapped sample rows, the sample's rejects, and what the import would say."""

    assets: gpd.GeoDataFrame
    rejects: pd.DataFrame
    transformation: str
    accuracy_m: float
    warnings: list[str]
    source_crs: str | None = None  # the layer's CRS as read (or assumed)


def preview(
    path: str | Path,
    layer: str | None = None,
    profile: Profile | str | Path | None = None,
    n: int = 20,
    *,
    owner: str = "PREVIEW",
    utility: str | None = None,
    assume_crs: str | None = None,
    force_crs: bool = False,
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
                      utility=utility, assume_crs=assume_crs, force_crs=force_crs, max_features=n)
    return Preview(assets=p.assets, rejects=p.rejects, transformation=p.plan.description,
                   accuracy_m=p.plan.accuracy_m, warnings=p.warnings, source_crs=p.source_crs)
