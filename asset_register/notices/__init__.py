"""Coordinated work notices (DESIGN §6): PDF packs, exports, references and responses.

Entry points: ``write_notice_pack`` (CLI ``asset-register notice`` and the desktop
dialog), ``record_response`` and ``notice_overview``.
"""

from .content import RESPONSE_STATUSES, NoticeContent, Promoter
from .lifecycle import notice_overview, record_response
from .pack import NoticePack, write_notice_pack
from .workdays import add_working_days, bank_holidays

__all__ = [
    "RESPONSE_STATUSES", "NoticeContent", "NoticePack", "Promoter", "add_working_days",
    "bank_holidays", "notice_overview", "record_response", "write_notice_pack",
]
