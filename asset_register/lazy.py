"""Package attributes imported on first use (PEP 562), so a light sub-module — the command
line's vocabularies and argument definitions — can be imported without its package's
heavy neighbours (the geo stack, reportlab): `asset-register --help` stays fast."""

from __future__ import annotations

from importlib import import_module


def lazy_attributes(package: str, where: dict[str, str]):
    """A module ``__getattr__`` for ``package``: ``where`` maps a public name to the
    sub-module defining it, imported the first time the name is asked for."""

    def __getattr__(name: str):
        if name in where:
            return getattr(import_module(f"{package}.{where[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
