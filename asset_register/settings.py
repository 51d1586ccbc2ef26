"""The one registry of settings: every key the product reads or writes, with its type,
default, scope and meaning.

Two scopes: ``register`` settings live in the register's ``settings`` table, so every PC
of a shared register agrees on them (authority, notice prefix, rules…); ``machine``
settings are this user's on this computer (the desktop app keeps them with QSettings).
Keys written ``name:<part>`` are patterns (one entry per delivery area, say).

Values are stored as text. ``parse`` checks a value against its setting's type and
returns the text to store, or raises a one-line ``SettingError`` naming the key and what
is accepted; ``read``/``write`` are how core, CLI and app get and set register settings.
The CLI's ``settings`` command, the desktop settings dialog and docs/settings.md are all
built from ``SETTINGS``. Nothing here imports Qt or the geo stack at import time.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .crs_names import DEFAULT_CRS
from .errors import SettingError

REGISTER, MACHINE = "register", "machine"

# Kinds of value (the dialog picks its widget by kind).
TEXT, CODE, SWA, WHOLE, CHOICE, FLAG, CRS, RULES, JSON, DATE, COUNTRY = (
    "text", "code", "swa code", "whole number", "choice", "yes/no", "crs", "rules", "json", "date",
    "country")

SCHEMES = (("njug", "NJUG / Street Works UK"), ("apwa", "APWA (US)"))
_TRUE, _FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off")

# Register keys the rules are stored under (by content, with provenance).
RULES_TOML, RULES_SOURCE, RULES_SHA256, RULES_WARNING = (
    "rules_toml", "rules_source", "rules_sha256", "rules_warning")
LEGACY_RULES_FILE = "rules_file"  # an absolute path of one machine (before migration 3)
RULES_KEYS = (RULES_TOML, RULES_SOURCE, RULES_SHA256, RULES_WARNING)


@dataclass(frozen=True)
class Setting:
    """One setting. ``default`` is the stored text used when the key is not set
    (``""``: not set); ``editable`` is False for what the product keeps itself."""

    key: str
    kind: str
    default: str
    scope: str
    doc: str
    label: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    low: int | None = None
    high: int | None = None
    editable: bool = True

    @property
    def is_pattern(self) -> bool:
        return "<" in self.key

    def matches(self, key: str) -> bool:
        if not self.is_pattern:
            return key == self.key
        stem = self.key.partition("<")[0]
        return key.startswith(stem) and len(key) > len(stem)

    def accepted(self) -> str:
        """What a value may be, in words (errors, CLI help, docs)."""
        if self.kind == CODE:
            return "1 to 8 letters or digits, e.g. LBX (other characters are dropped)"
        if self.kind == SWA:
            return "a Street Manager SWA code: 1 to 4 letters or digits, e.g. 5990"
        if self.kind == WHOLE:
            return f"a whole number from {self.low} to {self.high}"
        if self.kind == CHOICE:
            return "one of " + ", ".join(v for v, _ in self.choices)
        if self.kind == FLAG:
            return "true or false"
        if self.kind == CRS:
            return "a projected CRS in metres, as EPSG:n (e.g. " + DEFAULT_CRS + ")"
        if self.kind == RULES:
            return "the path of a rules file (TOML), or 'default' for the shipped rules"
        if self.kind == JSON:
            return "JSON text"
        if self.kind == COUNTRY:
            return "a two-letter ISO country code, e.g. GB, NL, IE"
        if self.kind == DATE:
            return "a date as YYYY-MM-DD"
        return "any text"

    def _refuse(self, text) -> SettingError:
        return SettingError(f"setting '{self.key}': {str(text)!r} is not accepted: "
                            f"give {self.accepted()}")

    def parse(self, value) -> str:
        """The text to store for ``value``, or SettingError naming the key and what fits."""
        text = "" if value is None else str(value)
        if self.editable:  # what the product keeps (rules text…) is stored verbatim
            text = text.strip()
        if text == "" and self.kind not in (CRS, RULES):
            return ""  # not set: the default applies
        if self.kind == CODE:
            code = re.sub(r"[^A-Za-z0-9]", "", text).upper()
            if not 1 <= len(code) <= 8:
                raise self._refuse(text)
            return code
        if self.kind == COUNTRY:
            if not re.fullmatch(r"[A-Za-z]{2}", text):
                raise self._refuse(text)
            return text.upper()
        if self.kind == SWA:
            if not (text.isalnum() and len(text) <= 4):
                raise self._refuse(text)
            return text.upper()
        if self.kind == WHOLE:
            try:
                number = int(text)
            except ValueError:
                raise self._refuse(text) from None
            if not self.low <= number <= self.high:
                raise self._refuse(text)
            return str(number)
        if self.kind == CHOICE:
            if text.lower() not in {v for v, _ in self.choices}:
                raise self._refuse(text)
            return text.lower()
        if self.kind == FLAG:
            if text.lower() not in _TRUE + _FALSE:
                raise self._refuse(text)
            return "true" if text.lower() in _TRUE else "false"
        if self.kind == CRS:
            return _parse_crs(self, text)
        if self.kind == JSON:
            try:
                json.loads(text)
            except ValueError:
                raise self._refuse(text) from None
            return text
        if self.kind == DATE:
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                raise self._refuse(text) from None
        if self.kind == RULES:
            raise SettingError(f"setting '{self.key}' is stored by content: set it with "
                               "check.rules.store_rules(store, PATH)")
        return text

    def typed(self, stored):
        """The stored text (or default) as a Python value of the setting's kind."""
        text = self.default if stored is None or stored == "" else stored
        if isinstance(text, bool):  # QSettings may hand back real booleans
            return text
        if self.kind == WHOLE:
            return int(text) if str(text).strip().lstrip("-").isdigit() else int(self.default)
        if self.kind == FLAG:
            return str(text).lower() in _TRUE
        if self.kind == JSON:
            return json.loads(text) if text else None
        return text


def _parse_crs(s: Setting, text: str) -> str:
    import pyproj  # only when a CRS is set: `--help` stays free of the geo stack

    try:
        crs = pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError:
        raise s._refuse(text) from None
    if not crs.is_projected:
        raise s._refuse(text)
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_string()


def _r(key, kind, default, doc, label="", **kw) -> Setting:
    return Setting(key, kind, default, REGISTER, doc, label, **kw)


def _m(key, kind, default, doc, label="", **kw) -> Setting:
    return Setting(key, kind, default, MACHINE, doc, label, **kw)


SETTINGS: tuple[Setting, ...] = (
    # -- the register's, set by the authority ------------------------------------------
    _r("authority_name", TEXT, "", "The street authority named on every notice.",
       "Authority name"),
    _r("authority_code", CODE, "AR", "Short code of the authority; the prefix of notice "
       "references unless notice_prefix is set.", "Authority code"),
    _r("notice_prefix", CODE, "", "Prefix of notice references (e.g. LBX in LBX-2026-00042); "
       "empty: the authority code.", "Notice reference prefix"),
    _r("notice_validity_working_days", WHOLE, "20", "How long a notice is valid, in working "
       "days.", "Notice validity (working days)", low=1, high=260),
    _r("authority_swa_code", SWA, "", "Street Manager SWA code of the highway authority.",
       "Authority SWA code"),
    _r("promoter_swa_code", SWA, "", "Default Street Manager SWA code of the promoter.",
       "Promoter SWA code"),
    _r("promoter_name", TEXT, "", "Default promoter (organisation proposing the works) of "
       "notices.", "Promoter name"),
    _r("colour_scheme", CHOICE, "njug", "Utility colour code of notice maps and of the map "
       "when the register is opened.", "Colour scheme", choices=SCHEMES),
    _r("rules", RULES, "", "The authority's rules every check and notice of the register "
       "uses, stored in the register by content (rules_toml) with the file's name "
       "(rules_source) and SHA-256 (rules_sha256), so every PC checks the same rules.", "Rules"),
    _r("authority_country", COUNTRY, "", "The authority's country; GB notices give OS grid "
       "references, skip England & Wales bank holidays and cite HSG47; NL notices and the "
       "shipped rules cite CROW 500 and the WIBON; elsewhere neutral wording. Empty: from the "
       "register's CRS (British National Grid: GB, RD New: NL).", "Authority country"),
    _r("reference_layers", JSON, "[]", "Reference layers (streets with a USRN, buildings) "
       "notices use to check the USRN and draw the map backdrop; set with notice-settings "
       "--reference FILE.", "Reference layers", editable=False),
    # -- the register's, kept by the product -------------------------------------------
    _r("working_crs", CRS, DEFAULT_CRS, "The register's CRS, fixed when it is created.",
       "This register's CRS", editable=False),
    _r(RULES_TOML, TEXT, "", "The rules' TOML text (empty: the shipped default rules).",
       editable=False),
    _r(RULES_SOURCE, TEXT, "", "Name of the file the rules were read from.", editable=False),
    _r(RULES_SHA256, TEXT, "", "SHA-256 of rules_toml, checked when the rules are loaded.",
       editable=False),
    _r(RULES_WARNING, TEXT, "", "Why the shipped rules stand in for the authority's (its "
       "file was missing when the register was upgraded); every check repeats it until the "
       "rules are set again.", editable=False),
    _r(LEGACY_RULES_FILE, TEXT, "", "Registers before schema 3 (GeoPackage) or 4 (PostGIS): "
       "the path of the rules file; the upgrade stores its content instead.", editable=False),
    _r("register_format", TEXT, "asset-register", "Marks the database as an asset register.",
       editable=False),
    _r("created_at", TEXT, "", "When the register was created (UTC).", editable=False),
    _r("asset_extent", JSON, "", "Cached extent of the live assets.", editable=False),
    _r("clearance_bounds", JSON, "", "Cached bounds of the assets' clearances.",
       editable=False),
    _r("delivery_areas", JSON, "[]", "References of the delivery areas kept, oldest first.",
       editable=False),
    _r("delivery_area:<reference>", JSON, "", "A delivery's dig polygon and covered area "
       "(KLIC/IMKL), batches and owners.", editable=False),
    _r("extract_id", TEXT, "", "Offline extract: its identity.", editable=False),
    _r("extract_expires", DATE, "", "Offline extract: the day it expires.", editable=False),
    _r("extract_created_at", TEXT, "", "Offline extract: when it was made.", editable=False),
    _r("extract_source", TEXT, "", "Offline extract: the register it came from (password "
       "masked).", editable=False),
    _r("extract_source_created_at", TEXT, "", "Offline extract: its source's created_at.",
       editable=False),
    _r("extract_base_prefix", TEXT, "", "Offline extract: the source's notice prefix.",
       editable=False),
    _r("extract_area_wkt", TEXT, "", "Offline extract: its area (WKT, working CRS).",
       editable=False),
    # -- this machine's (the desktop app) ----------------------------------------------
    _m("working_crs", CRS, DEFAULT_CRS, "Working CRS of registers created in the app.",
       "Working CRS for new registers"),
    _m("colour_scheme", CHOICE, "njug", "The colour code last chosen in the settings dialog; "
       "the map's when the register names none.", "Colour scheme", choices=SCHEMES,
       editable=False),
    _m("display_cache", FLAG, "true", "Keep a display cache of the register's geometry "
       "beside it, so reopening draws at once.", "Display cache"),
    _m("recent_registers", JSON, "", "Registers opened lately (URLs without passwords).",
       editable=False),
    _m("window/geometry", TEXT, "", "Main window size and place.", editable=False),
    _m("window/state", TEXT, "", "Main window docks and toolbars.", editable=False),
    _m("references/<register>", JSON, "", "Reference layers last shown with a register.",
       editable=False),
    _m("notice/<field>", TEXT, "", "Promoter details last typed in the notice dialog.",
       editable=False),
)


def setting(key: str, scope: str = REGISTER) -> Setting:
    """The setting of ``key`` (exact, else a pattern), or SettingError listing the known."""
    for s in SETTINGS:
        if s.scope == scope and s.matches(key):
            return s
    known = ", ".join(s.key for s in SETTINGS if s.scope == scope)
    raise SettingError(f"unknown setting {key!r}: known {scope} settings are {known}")


def settings_of(scope: str = REGISTER, *, editable: bool | None = None) -> list[Setting]:
    return [s for s in SETTINGS if s.scope == scope
            and (editable is None or s.editable == editable)]


# Registers in these national grids are taken to be in that country unless the setting
# ``authority_country`` says otherwise.
CRS_COUNTRY = {27700: "GB", 7405: "GB", 28992: "NL", 7415: "NL", 2157: "IE", 29903: "IE",
               31370: "BE", 2056: "CH", 2180: "PL"}

# The safe-digging guidance notices and the shipped rules cite, by country; elsewhere a
# neutral phrase (a wrong citation is worse than none).
SAFE_DIGGING_GUIDANCE = {"GB": "HSE HSG47",
                         "NL": "CROW 500 (Voorkom graafschade) and the WIBON"}
NEUTRAL_GUIDANCE = "the national safe-digging guidance"


def country_of(crs) -> str | None:
    """The country a register's CRS belongs to (None: not a national grid we know)."""
    try:
        return CRS_COUNTRY.get(int(crs.to_epsg() or 0))
    except Exception:
        return None


def register_country(store) -> str | None:
    """The register's country: setting ``authority_country``, else its CRS's (None: unknown)."""
    return (raw(store, "authority_country") or "").strip().upper() or country_of(store.crs)


def safe_digging_guidance(country: str | None) -> str:
    """What notices cite for safe digging where the register is."""
    return SAFE_DIGGING_GUIDANCE.get(country or "", NEUTRAL_GUIDANCE)


def raw(store, key: str) -> str | None:
    """The stored text of a register setting (None when not set); the key must be known."""
    setting(key)
    return store.get_setting(key)


def read(store, key: str):
    """A register setting's value, typed, or its default."""
    return setting(key).typed(store.get_setting(key))


def text(store, key: str) -> str:
    """A register setting's stored text, else its default text."""
    s = setting(key)
    value = store.get_setting(key)
    return s.default if value is None or value == "" else value


def write(store, key: str, value, *, by_user: bool = False) -> str:
    """Check ``value`` against the setting's type and store it; returns the stored text.

    ``by_user`` (CLI, dialog) refuses what the product keeps itself. ``rules`` is stored
    by content with provenance: ``check.rules.store_rules`` reads and checks the file.
    """
    s = setting(key)
    if by_user and not s.editable:
        editable = ", ".join(e.key for e in settings_of(REGISTER, editable=True))
        raise SettingError(f"setting '{key}' is kept by the register itself: settings that "
                           f"can be set are {editable}")
    stored = s.parse(value)
    store.set_setting(key, stored)
    return stored


def rules_record(text: str, source: str) -> dict[str, str]:
    """The register settings that hold rules ``text`` read from ``source`` (a file name)."""
    return {RULES_TOML: text, RULES_SOURCE: source,
            RULES_SHA256: hashlib.sha256(text.encode("utf-8")).hexdigest(), RULES_WARNING: ""}


def rules_from_legacy_path(path: str, when: str = "when the register was upgraded"
                           ) -> tuple[dict[str, str], str | None]:
    """What an upgrade stores for an old register's ``rules_file`` path: the file's content
    and provenance; or, when the file cannot be read here, the shipped rules and the
    one-line warning every check then repeats (never silently less cautious)."""
    if not path:
        return {}, None
    p = Path(path)
    try:
        return rules_record(p.read_text("utf-8"), p.name), None
    except (OSError, UnicodeDecodeError) as exc:
        reason = "missing" if isinstance(exc, FileNotFoundError) else "unreadable"
        warning = (f"the register's rules file {path!r} was {reason} {when}: checks use the "
                   "shipped default rules until the authority's rules are set again "
                   "('asset-register settings REGISTER rules FILE')")
        return {k: "" for k in RULES_KEYS} | {RULES_WARNING: warning}, warning


def upgrade_record(path: str, values: dict[str, str], warning: str | None) -> dict:
    """The audit entry of the upgrade that stored an old register's rules by content."""
    return {"rules_file": path, "rules_source": values.get(RULES_SOURCE, ""),
            "rules_sha256": values.get(RULES_SHA256, ""), "warning": warning}


def register_values(store) -> dict[str, str]:
    """Every exact register setting with its stored text (or default), patterns expanded."""
    out = {}
    for s in settings_of(REGISTER):
        if s.kind == RULES:
            out[s.key] = describe_rules(store)
        elif s.is_pattern:
            stem = s.key.partition("<")[0]
            for key in sorted(k for k in _stored_keys(store) if k.startswith(stem)):
                out[key] = store.get_setting(key) or ""
        else:
            out[s.key] = text(store, s.key)
    return out


def describe_rules(store) -> str:
    """The rules in force, in words: 'name (sha256 …)' or the shipped defaults."""
    if store.get_setting(RULES_TOML):
        sha = store.get_setting(RULES_SHA256) or ""
        return f"{store.get_setting(RULES_SOURCE) or 'rules'} (sha256 {sha[:12]})"
    if store.get_setting(LEGACY_RULES_FILE):
        return f"{store.get_setting(LEGACY_RULES_FILE)} (path; stored by content on upgrade)"
    return "default"


def _stored_keys(store) -> list[str]:
    return list(store.settings())
