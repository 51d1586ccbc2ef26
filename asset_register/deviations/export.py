"""Writing deviation reports for their owners: per owner a PDF, a GeoJSON in WGS 84 and one
in the working CRS, and an IMKL-style JSON where the owner delivers IMKL; the reports
written are then marked sent.

Owner-less reports (an unrecorded asset whose owner nobody knows) are left out: they stay
``new`` until an owner is known.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyproj
import shapely

from ..errors import ValidationError
from ..transform import reproject
from .report import reports

KIND_TITLES = {"elsewhere": "Found elsewhere", "not_found": "Not found where recorded",
               "unrecorded": "Found but not recorded", "attributes": "Attributes differ"}
# The KLIC/IMKL terms for the same findings, in the IMKL-style file.
IMKL_KINDS = {"elsewhere": "liggingAfwijkend", "not_found": "nietAangetroffen",
              "unrecorded": "nietGeregistreerd", "attributes": "kenmerkenAfwijkend"}


def file_stem(owner: str) -> str:
    return "deviations-" + re.sub(r"[^A-Za-z0-9_-]+", "_", owner)


def imkl_owners(store) -> set[str]:
    """Owners with a committed IMKL delivery in the register."""
    batches = store.batches()
    if batches.empty:
        return set()
    imkl = batches["profile"].fillna("").str.lower().str.startswith("imkl") & \
        (batches["state"] == "committed")
    return set(batches.loc[imkl, "owner"].dropna())


def _geometry(row) -> shapely.Geometry | None:
    wkt = row["geometry_wkt"] if isinstance(row["geometry_wkt"], str) else \
        row["recorded"].get("geometry_wkt")
    return None if not wkt else shapely.from_wkt(wkt)


def _properties(row) -> dict:
    recorded = {k: v for k, v in row["recorded"].items() if k != "geometry_wkt"}
    acc = row["accuracy_m"]
    return {
        "deviation_id": int(row["deviation_id"]), "kind": row["kind"],
        "asset_id": row["asset_id"], "asset_version": None if pd.isna(row["asset_version"])
        else int(row["asset_version"]), "owner": row["owner"], "utility": row["utility"],
        "accuracy_m": None if pd.isna(acc) else float(acc), "recorded": recorded,
        "found": row["found"], "notes": row["notes"], "reference": row["reference"],
        "photos": [{"name": p["name"], "sha256": p["sha256"]} for p in row["photos"]],
        "reported_at": row["reported_at"], "reported_by": row["reported_by"],
    }


def _feature_collection(frame: pd.DataFrame, geoms, crs: pyproj.CRS | None, digits: int) -> dict:
    out = {"type": "FeatureCollection"}
    if crs is not None:  # the working CRS named the pre-RFC 7946 way GIS software reads
        out["crs"] = {"type": "name", "properties": {"name": crs.to_string()}}
    out["features"] = [
        {"type": "Feature", "id": int(row["deviation_id"]),
         "geometry": None if g is None else json.loads(
             shapely.to_geojson(shapely.set_precision(g, 10 ** -digits))),
         "properties": _properties(row)}
        for (_, row), g in zip(frame.iterrows(), geoms)]
    return out


def _to_wgs84(store, geoms):
    import numpy as np

    return reproject(np.array(geoms, dtype=object), store.crs, "EPSG:4326").tolist()


def _imkl(frame: pd.DataFrame, wgs, owner: str) -> dict:
    return {"format": "asset-register deviation reports, IMKL-style (KLIC afwijkingsmelding)",
            "netbeheerder": owner,
            "meldingen": [{
                "id": int(row["deviation_id"]), "typeAfwijking": IMKL_KINDS[row["kind"]],
                "imklIdentificatie": row["asset_id"], "thema": row["utility"],
                "geometrie": None if g is None else json.loads(
                    shapely.to_geojson(shapely.set_precision(g, 1e-7))),
                "nauwkeurigheidM": _properties(row)["accuracy_m"],
                "geregistreerd": _properties(row)["recorded"], "aangetroffen": row["found"],
                "toelichting": row["notes"], "graafmelding": row["reference"],
                "fotos": [{"naam": p["name"], "sha256": p["sha256"]} for p in row["photos"]],
                "gemeldOp": row["reported_at"]} for (_, row), g in zip(frame.iterrows(), wgs)]}


def export_reports(store, folder, *, owner: str | None = None, resend: bool = False,
                   issued: str | None = None) -> dict[str, list[Path]]:
    """Write every owner's ``new`` reports (``resend``: sent and acknowledged ones too) to
    ``folder`` and mark them sent; returns owner -> files written."""
    from .pdf import render_reports

    frame = reports(store, owner=owner, open_only=True)
    wanted = ("new", "sent", "acknowledged") if resend else ("new",)
    frame = frame[frame["status"].isin(wanted) & frame["owner"].notna()]
    if frame.empty:
        return {}
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder: give a folder for the owners' files")
    folder.mkdir(parents=True, exist_ok=True)
    imkl = imkl_owners(store)
    written: dict[str, list[Path]] = {}
    for code, group in frame.groupby("owner", sort=True):
        geoms = [_geometry(row) for _, row in group.iterrows()]
        wgs = _to_wgs84(store, geoms)
        stem = folder / file_stem(code)
        files = [stem.with_suffix(".pdf"), stem.with_suffix(".geojson"),
                 folder / f"{stem.name}.working-crs.geojson"]
        render_reports(store, group, code, files[0], issued=issued)
        files[1].write_text(json.dumps(_feature_collection(group, wgs, None, 7), indent=1,
                                       ensure_ascii=False, default=str), encoding="utf-8")
        files[2].write_text(json.dumps(_feature_collection(group, geoms, store.crs, 3), indent=1,
                                       ensure_ascii=False, default=str), encoding="utf-8")
        if code in imkl:
            files.append(folder / f"{stem.name}.imkl.json")
            files[-1].write_text(json.dumps(_imkl(group, wgs, code), indent=1,
                                            ensure_ascii=False, default=str), encoding="utf-8")
        store.set_deviation_status(group.loc[group["status"] == "new", "deviation_id"], "sent")
        written[code] = files
    return written
