"""Imported on first use, so that what does not need a heavy module never pays for it.

``lazy_attributes``: package attributes resolved on first use (PEP 562), so a light
sub-module — the command line's vocabularies and argument definitions — can be imported
without its package's heavy neighbours (the geo stack, reportlab): `asset-register --help`
stays fast.

``lazy_module``: a stand-in for a heavy third-party module (pandas, geopandas, pyogrio)
bound at a module's top, imported the first time one of its attributes is used. A dig check
from the command line reads the register over SQLite and works on numpy and shapely arrays;
the modules on its way that also build frames for other callers import pandas only when
they do (``tests/core/test_cli_imports.py`` pins what a check imports).
"""

from __future__ import annotations

import sys
import types
from importlib import import_module


def lazy_attributes(package: str, where: dict[str, str]):
    """A module ``__getattr__`` for ``package``: ``where`` maps a public name to the
    sub-module defining it, imported the first time the name is asked for."""

    def __getattr__(name: str):
        if name in where:
            return getattr(import_module(f"{package}.{where[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


class _LazyModule(types.ModuleType):
    """Imports the module it is named after on the first attribute asked of it; each
    attribute is then kept on the stand-in (one import, one lookup per name)."""

    def __getattr__(self, attr: str):
        if attr.startswith("__"):  # introspection (copy, pickle, doctest) never imports
            raise AttributeError(attr)
        value = getattr(import_module(self.__name__), attr)
        setattr(self, attr, value)
        return value


def lazy_module(name: str) -> types.ModuleType:
    """``name`` itself when it is already imported, else a stand-in that imports it on first
    use: ``pd = lazy_module("pandas")`` in place of ``import pandas as pd``."""
    return sys.modules.get(name) or _LazyModule(name)


def loaded(name: str) -> types.ModuleType | None:
    """The module ``name`` if something has imported it, else None: a value can only be one
    of its objects (``pandas.NA``, a ``DataFrame``) when it is."""
    return sys.modules.get(name)


def isna(values):
    """``pandas.isna`` of an array without importing pandas: while pandas is not imported no
    value can be its NA or NaT, so None and NaN (and NaT of numpy) are the only nulls."""
    import numpy as np

    pandas = loaded("pandas")
    if pandas is not None:
        return pandas.isna(values)
    return plain_isna(np.asarray(values))


def plain_isna(arr):
    """None, NaN and NaT of an array, elementwise (``isna`` before pandas is imported)."""
    import numpy as np

    if arr.dtype.kind in "fc":
        return np.isnan(arr)
    if arr.dtype.kind in "mM":
        return np.isnat(arr)
    if arr.dtype.kind != "O":
        return np.zeros(arr.shape, dtype=bool)
    # two C loops of comparisons: None, and a value unequal to itself (NaN, NaT); a
    # Python test per value cost a batch of 100,000 footprints a quarter of a second
    return np.equal(arr, None) | np.not_equal(arr, arr)
