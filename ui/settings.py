"""Persisted settings of this machine (QSettings: working CRS of new registers, colour
scheme, display cache, window state, recent files). Their keys, types and defaults come
from the one registry, asset_register.settings (scope ``machine``); the register's own
settings are read and written through the same registry."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from asset_register import settings as reg
from asset_register.store.credentials import without_password

ORG, APP = "AssetRegister", "Underground Asset Register"


class AppSettings:
    def __init__(self) -> None:
        self.q = QSettings(ORG, APP)

    def get(self, key: str, default=None):
        """The raw stored value of a machine setting (its key must be in the registry)."""
        reg.setting(key, reg.MACHINE)
        value = self.q.value(key, default)
        return default if value is None else value

    def set(self, key: str, value) -> None:
        reg.setting(key, reg.MACHINE)
        self.q.setValue(key, value)
        self.q.sync()

    def value(self, key: str):
        """A machine setting, typed, or the registry's default."""
        return reg.setting(key, reg.MACHINE).typed(self.get(key))

    @property
    def scheme(self) -> str:
        return str(self.value("colour_scheme"))

    @property
    def working_crs(self) -> str:
        return str(self.value("working_crs"))

    def recent_registers(self) -> list[str]:
        value = self.get("recent_registers", [])
        return [value] if isinstance(value, str) else list(value or [])

    def add_recent(self, path: str) -> None:
        """Remember a register; a URL is saved without its password (this file is plain text),
        and any entry saved with one by an older version is rewritten without it."""
        path = without_password(path)
        items = [p for p in map(without_password, self.recent_registers()) if p != path]
        self.set("recent_registers", list(dict.fromkeys([path, *items]))[:8])
