"""Coordinated work notices (DESIGN §6): PDF packs, exports, references and responses.

Entry points: ``write_notice_pack`` (CLI ``asset-register notice`` and the desktop
dialog), ``record_response`` and ``notice_overview``.
"""

from ..lazy import lazy_attributes

# Name -> module, imported on first use: the command line reads the vocabularies (``vocab``)
# without the geo stack, and commands and windows that never write a PDF start without
# reportlab (``pack``).
_WHERE = {
    "RESPONSE_STATUSES": "vocab", "NoticeContent": "content", "Promoter": "content",
    "NoticePack": "pack", "write_notice_pack": "pack", "add_working_days": "workdays",
    "bank_holidays": "workdays", "notice_overview": "lifecycle", "record_response": "lifecycle",
}
__all__ = sorted(_WHERE)

__getattr__ = lazy_attributes(__name__, _WHERE)
