"""IMKL 2.x (Dutch KLIC) and INSPIRE Utility Networks deliveries, imported as received.

See docs/imkl.md. ``find_delivery(path)`` tells whether a file or zip is one;
``import_delivery(store, path)`` imports it (one owner per network operator);
``inspect_delivery(path)`` describes it from one streaming pass.
"""

from .api import import_delivery, inspect_delivery
from .source import find_delivery

__all__ = ["find_delivery", "import_delivery", "inspect_delivery"]
