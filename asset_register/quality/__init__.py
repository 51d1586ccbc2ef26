"""Data quality of a register, per owner and for any area: how much of it the owners' data
covers, how accurately and how recently the records were made, open deviation reports, and
the attributes the dig-check rules need that records lack (docs/quality.md)."""

from .report import SCHEMA, quality_report

__all__ = ["SCHEMA", "quality_report"]
