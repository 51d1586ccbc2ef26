"""The dig check (DESIGN §5): conflicts with uncertainty-aware clearances, owners, coordination.

Simple API for the CLI, the UI and notices::

    from asset_register.check import Checker, DigSite, load_rules, footprint
    fp = footprint.build([geom], crs="EPSG:4326", working_crs=store.crs, width=0.6)
    site = DigSite(fp.geometries[0], depth_m=1.2, method="mechanical",
                   position_accuracy_m=fp.position_accuracy_m)
    with Checker(store, load_rules()) as checker:
        result = checker.check(site)          # CheckResult
        batch = checker.check_many(sites)     # CheckBatch: batch[i] is a CheckResult
"""

from .checker import CheckBatch, Checker
from .result import CONFLICT_COLUMNS, SEVERITIES, CheckResult, DigSite
from .rules import Rules, default_rules, load_rules, rules_for

__all__ = ["Checker", "CheckBatch", "CheckResult", "DigSite", "Rules", "CONFLICT_COLUMNS",
           "SEVERITIES", "default_rules", "load_rules", "rules_for"]
