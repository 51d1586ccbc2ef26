"""Persisted settings: per-user (QSettings: colour scheme, window state, recent files) and
per-register (the register's settings table: authority name and code, rules file)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from asset_register.store.credentials import without_password
from asset_register.notices.reference import AUTHORITY_CODE, AUTHORITY_NAME, COLOUR_SCHEME

ORG, APP = "AssetRegister", "Underground Asset Register"
RULES_FILE = "rules_file"
REGISTER_KEYS = (AUTHORITY_NAME, AUTHORITY_CODE, RULES_FILE, COLOUR_SCHEME)


class AppSettings:
    def __init__(self) -> None:
        self.q = QSettings(ORG, APP)

    def get(self, key: str, default=None):
        value = self.q.value(key, default)
        return default if value is None else value

    def set(self, key: str, value) -> None:
        self.q.setValue(key, value)
        self.q.sync()

    @property
    def scheme(self) -> str:
        return str(self.get("colour_scheme", "njug"))

    @property
    def working_crs(self) -> str:
        return str(self.get("working_crs", "EPSG:27700"))

    def recent_registers(self) -> list[str]:
        value = self.get("recent_registers", [])
        return [value] if isinstance(value, str) else list(value or [])

    def add_recent(self, path: str) -> None:
        """Remember a register; a URL is saved without its password (this file is plain text),
        and any entry saved with one by an older version is rewritten without it."""
        path = without_password(path)
        items = [p for p in map(without_password, self.recent_registers()) if p != path]
        self.set("recent_registers", list(dict.fromkeys([path, *items]))[:8])


def register_settings(store) -> dict[str, str]:
    return {k: store.get_setting(k) or "" for k in REGISTER_KEYS}
