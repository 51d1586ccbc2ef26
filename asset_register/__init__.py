"""Underground asset register: the core (model, stores, queries, checks, notices). No Qt here."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("asset-register")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.1.0"
