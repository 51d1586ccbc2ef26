"""Importers: owners' deliveries (any common GIS format, any CRS) into the asset register.

Public API (no Qt; the desktop app calls these from worker threads):

* ``inspect(path)`` — layers, fields, feature counts, CRS and warnings of a source;
* ``detect_crs(path, layer)`` — the layer's CRS and what looks wrong with it;
* ``preview(path, layer, profile, n=20)`` — the first rows mapped to the canonical model;
* ``propose_profile(path)`` — the auto-mapper's draft profile; ``load_profile`` /
  ``save_profile`` / ``dumps_profile`` for TOML profiles (docs/profiles.md);
* ``ImportJob(store, path, owner=…, progress=…, cancel=…).run()`` — the import itself,
  one atomic, versioned batch per layer; ``job.cancel()`` stops it cleanly;
* ``find_delivery(path)`` / ``import_delivery(store, path, progress=…, cancel=…)`` — IMKL/KLIC
  and INSPIRE-UN deliveries through their own reader, one owner per network operator
  (docs/imkl.md); the dig polygon then from ``asset_register.deliveries.delivery_area``.
"""

from .api import Preview, SourceInfo, detect_crs, inspect, preview
from .automap import propose_profile
from .imkl import find_delivery, import_delivery
from .job import ImportJob, LayerReport, import_file
from .profiles import Profile, bundled_profiles, dumps_profile, load_profile, save_profile

__all__ = [
    "ImportJob", "LayerReport", "Preview", "Profile", "SourceInfo", "bundled_profiles",
    "detect_crs", "dumps_profile", "find_delivery", "import_delivery", "import_file", "inspect",
    "load_profile", "preview", "propose_profile", "save_profile",
]
