"""What the dig check knows about a register besides its assets: working CRS, extent,
clearance bounds, owners and their coverage, planned works, open deviation reports and each
owner's newest delivery. Read through the check's reader (``RegisterStore.reader()``) as
plain arrays and records — on a GeoPackage over SQLite, without building a frame — once per
register change (the checker caches it by the reader's ``data_version``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .coordination import WorksTable
from .deviations import DeviationIndex, reported_assets
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
