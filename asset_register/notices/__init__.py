"""Coordinated work notices (DESIGN §6): PDF packs, exports, references and responses.

Entry points: ``write_notice_pack`` (CLI ``asset-register notice`` and the desktop
dialog), ``record_response`` and ``notice_overview``.
"""

from .content import RESPONSE_STATUSES, NoticeContent, Promoter
from .lifecycle import notice_overview, record_response
from .workdays import add_working_days, bank_holidays

__all__ = [
    "RESPONSE_STATUSES", "NoticeContent", "NoticePack", "Promoter", "add_working_days",
    "bank_holidays", "notice_overview", "record_response", "write_notice_pack",
]


def __getattr__(name: str):
    """The pack writer (and reportlab under it) is imported on first use, so commands and
    windows that never write a PDF start without it."""
    if name in ("NoticePack", "write_notice_pack"):
        from . import pack

        return getattr(pack, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
