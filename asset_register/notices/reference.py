"""Notice references and the authority settings they come from.

A reference is ``<PREFIX>-<YEAR>-<SEQUENCE>`` (e.g. ``LBX-2026-00042``): the
authority's prefix (setting ``notice_prefix``, else ``authority_code``), the year of issue and a
sequence the register reserves atomically (``next_notice_sequence``), so two
desktops issuing at the same moment never get the same reference. References
fit Street Manager's ``work_reference_number`` rule (≤ 24 characters of
letters, digits, dashes and underscores).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .. import settings as reg
from ..errors import NoticeError
from ..settings import CRS_COUNTRY, country_of  # noqa: F401  (re-exported for callers)

# Settings keys read by notices (declared, typed and documented in asset_register.settings).
AUTHORITY_NAME = "authority_name"
AUTHORITY_CODE = "authority_code"  # short code of the authority (the register sets "AR")
AUTHORITY_SWA_CODE = "authority_swa_code"  # Street Manager SWA code of the highway authority
NOTICE_PREFIX = "notice_prefix"  # overrides authority_code as the reference prefix
VALIDITY_DAYS = "notice_validity_working_days"
PROMOTER_SWA_CODE = "promoter_swa_code"
COLOUR_SCHEME = "colour_scheme"
COUNTRY = "authority_country"  # ISO 3166 code of the authority's country, e.g. GB, NL, IE

DEFAULT_PREFIX = "AR"
DEFAULT_VALIDITY = 20
_PREFIX = re.compile(r"^[A-Z0-9]{1,8}$")
_REFERENCE = re.compile(r"^(?P<prefix>[A-Z0-9]{1,8})-(?P<year>\d{4})-(?P<seq>\d{5,})$")


@dataclass
class AuthoritySettings:
    """What notices need from the register's settings, with the warnings for defaults used."""

    name: str
    swa_code: str | None
    prefix: str
    validity_days: int
    promoter_swa_code: str | None
    colour_scheme: str
    warnings: list[str] = field(default_factory=list)
    country: str | None = None  # GB: OS grid references, bank holidays, HSG47 wording

    @property
    def guidance(self) -> str:
        """The safe-digging guidance notices cite (``settings.safe_digging_guidance``)."""
        return reg.safe_digging_guidance(self.country)

    @property
    def british(self) -> bool:
        return self.country == "GB"

    @property
    def calendar(self) -> str:
        """Working days: England & Wales bank holidays for GB, weekends only elsewhere."""
        return "england-wales" if self.british else "weekends"


def normalise_prefix(text: str) -> str:
    prefix = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()[:8]
    if not _PREFIX.match(prefix):
        raise NoticeError(
            f"notice prefix {text!r} has no letters or digits: set '{NOTICE_PREFIX}' to a short "
            "code such as 'LBX' (asset-register settings)"
        )
    return prefix


def read_settings(store) -> AuthoritySettings:
    """Authority settings with sensible defaults; each default used adds a warning."""
    warnings = []
    name = (reg.raw(store, AUTHORITY_NAME) or "").strip()
    if not name:
        name = "Street authority (name not set)"
        warnings.append(
            f"setting '{AUTHORITY_NAME}' is not set: notices name the authority as '{name}'"
        )
    swa = (reg.raw(store, AUTHORITY_SWA_CODE) or "").strip() or None
    raw_prefix = (reg.raw(store, NOTICE_PREFIX) or "").strip()
    code = (reg.raw(store, AUTHORITY_CODE) or "").strip()
    if raw_prefix:
        prefix = normalise_prefix(raw_prefix)
    elif code:
        prefix = normalise_prefix(code)
    else:
        prefix = DEFAULT_PREFIX
        warnings.append(
            f"setting '{NOTICE_PREFIX}' is not set: references use the default prefix "
            f"{DEFAULT_PREFIX!r}"
        )
    raw_days = (reg.raw(store, VALIDITY_DAYS) or "").strip()
    validity = DEFAULT_VALIDITY
    if raw_days:
        try:
            validity = int(raw_days)
            if not 1 <= validity <= 260:
                raise ValueError
        except ValueError:
            raise NoticeError(
                f"setting '{VALIDITY_DAYS}' is {raw_days!r}: give a whole number of working "
                "days between 1 and 260"
            ) from None
    scheme = (reg.raw(store, COLOUR_SCHEME) or "njug").strip().lower()
    if scheme not in ("njug", "apwa"):
        warnings.append(f"setting '{COLOUR_SCHEME}' is {scheme!r}: using 'njug'")
        scheme = "njug"
    promoter_swa = (reg.raw(store, PROMOTER_SWA_CODE) or "").strip() or None
    country = reg.register_country(store)
    return AuthoritySettings(name, swa, prefix, validity, promoter_swa, scheme, warnings, country)


def format_reference(prefix: str, year: int, sequence: int) -> str:
    return f"{normalise_prefix(prefix)}-{year:04d}-{sequence:05d}"


def parse_reference(reference: str) -> tuple[str, int, int]:
    """(prefix, year, sequence) of a reference; NoticeError when it is not one of ours."""
    m = _REFERENCE.match((reference or "").strip().upper())
    if not m:
        raise NoticeError(
            f"notice reference {reference!r} is not like 'LBX-2026-00042' (prefix-year-sequence)"
        )
    return m["prefix"], int(m["year"]), int(m["seq"])


def new_reference(store, prefix: str, on: date) -> str:
    """Reserve the next reference for ``prefix`` in the year of ``on`` (atomic in the store)."""
    prefix = normalise_prefix(prefix)
    sequence = int(store.next_notice_sequence(prefix, on.year))
    return format_reference(prefix, on.year, sequence)
