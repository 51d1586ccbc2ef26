"""The dig check (DESIGN §5): conflicts with uncertainty-aware clearances, owners, coordination.

Simple API for the CLI, the UI and notices::

    from asset_register.check import Checker, DigSite, rules_for, footprint
    fp = footprint.build([geom], crs="EPSG:4326", working_crs=store.crs, width=0.6)
    site = DigSite(fp.geometries[0], depth_m=1.2, method="mechanical",
                   position_accuracy_m=fp.position_accuracy_m)
    with Checker(store, rules_for(store)) as checker:
        result = checker.check(site)          # CheckResult
        batch = checker.check_many(sites)     # CheckBatch: batch[i] is a CheckResult
"""


from ..lazy import lazy_attributes

# Name -> module; each is imported on first use, so importing a light sub-module (``methods``)
# does not load the geo stack (the command line's --help and --version stay fast).
_WHERE = {
    "Checker": "checker", "CheckBatch": "checker",
    "CheckResult": "result", "DigSite": "result", "CONFLICT_COLUMNS": "result", "SEVERITIES": "result",
    "Rules": "rules", "default_rules": "rules", "load_rules": "rules", "rules_for": "rules",
    "store_rules": "rules", "read_rules_file": "rules",
}
__all__ = list(_WHERE)

__getattr__ = lazy_attributes(__name__, _WHERE)
