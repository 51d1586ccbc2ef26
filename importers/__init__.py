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

from asset_register.lazy import lazy_attributes

# Name -> module, imported on first use, so the command line (importers.cli) defines its
# arguments without loading the geo stack.
_WHERE = {
    "Preview": "api", "SourceInfo": "api", "detect_crs": "api", "inspect": "api", "preview": "api",
    "propose_profile": "automap", "find_delivery": "imkl", "import_delivery": "imkl",
    "ImportJob": "job", "LayerReport": "job", "import_file": "job", "Profile": "profiles",
    "bundled_profiles": "profiles", "dumps_profile": "profiles", "load_profile": "profiles",
    "save_profile": "profiles",
}
__all__ = sorted(_WHERE)
__getattr__ = lazy_attributes(__name__, _WHERE)
