"""Deviation reports: what was found on site against the register's record, sent back to the
asset's owner and tracked until the owner's next delivery resolves it.

``report`` checks and records a report (photos kept by SHA-256), ``export`` writes the
owners' PDF, GeoJSON and IMKL-style JSON. The dig check reads the open reports itself
(``check.deviations``).
"""

from .report import ATTRIBUTE_FIELDS, KINDS, add_report, reports

__all__ = ["ATTRIBUTE_FIELDS", "KINDS", "add_report", "reports"]
