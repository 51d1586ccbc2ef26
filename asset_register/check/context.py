"""What the dig check knows about a register besides its assets: working CRS, extent,
clearance bounds, owners and their coverage, planned works, open deviation reports and each
owner's newest delivery. Read through the check's reader (``RegisterStore.reader()``) as
plain arrays and records — on a GeoPackage over SQLite, without building a frame — once per
register change (the checker caches it by the reader's ``data_version``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import clock
from ..expiry import expiry_warning
from .clearance import search_reach
from .coordination import WorksTable
from .deviations import DeviationIndex, reported_assets
from .index import BOX_MARGIN_M
from .owners import OwnerDirectory
from .rules import Rules


@dataclass
class Context:
    """What the check needs to know about the register, cached between checks."""

    crs: object
    crs_name: str
    extent: tuple | None
    bounds: dict
    owners: OwnerDirectory
    works: WorksTable
    deviations: DeviationIndex | None = None  # open reports' positions (check/deviations.py)
    reported: frozenset = frozenset()  # asset ids with an open deviation report
    delivered: dict | None = None  # owner -> newest committed delivery (ISO)
    # the offline extract's expiry warning, by the day it was worked out for
    expiry: dict = field(default_factory=dict)
    # the candidate search reach by the site's extra clearance (method, footprint accuracy)
    reaches: dict = field(default_factory=dict)

    def expiry_warning(self, store, day=None) -> str | None:
        """The warning as of ``day`` (today when not given)."""
        day = day or clock.today()
        if day not in self.expiry:
            self.expiry.clear()
            self.expiry[day] = expiry_warning(store, day)
        return self.expiry[day]

    def reach(self, rules: Rules, extra: float) -> float:
        """How far around a footprint's box candidates are read (see ``search_reach``)."""
        found = self.reaches.get(extra)
        if found is None:
            found = self.reaches[extra] = search_reach(rules, self.bounds, extra) + BOX_MARGIN_M
        return found


def load_context(store, reader, rules: Rules) -> Context:
    """The register's facts as they are now, through ``reader``."""
    utilities = reader.owner_utilities() if rules.expected_utilities else None
    reports = reader.open_deviations()
    return Context(
        crs=store.crs, crs_name=store.crs.to_string(), extent=store.extent(),
        bounds=reader.clearance_bounds(),
        owners=OwnerDirectory(store.owners(), reader.coverage_arrays(), utilities),
        works=WorksTable(*reader.works_arrays()),
        deviations=DeviationIndex.load(store, rules, reports),
        reported=reported_assets(reports), delivered=reader.newest_deliveries(),
    )
