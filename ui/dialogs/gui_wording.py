"""Advice written for the command line, reworded for the import wizard: a message never tells
a desktop user to type a flag the wizard has no field for; it names the wizard's control."""

from __future__ import annotations

import re

ASSUME = "'Assume CRS' (first page)"
FORCE = "'Override the declared CRS' (first page)"
# (pattern, replacement), most specific first; \2 etc. keep the CRS code the advice names
_RULES = [
    (r"`?asset-register check REGISTER --delivery-area ([^`\s]+)`?",
     r"'Check the delivery's dig area' (or Dig ▸ Check a delivery's dig area ▸ \1)"),
    (r"--assume-crs (\S+) --force-crs", r"'Assume CRS' \1 with " + FORCE),
    (r"--assume-crs (EPSG:\S+|\d{4,6}\b)", r"'Assume CRS' \1 (first page)"),
    (r"\(add --force-crs to override a declared one\)", f"(tick {FORCE} to override a declared one)"),
    (r"--assume-crs", ASSUME),
    (r"--force-crs", FORCE),
    (r"repaired with make_valid \(--make-valid\)", "repaired: tick 'Repair the dig polygon'"),
    (r"\(?--make-valid\)?", "'Repair the dig polygon'"),
    (r"run it again with --confirm-retire", "answer Yes when the wizard asks to retire them"),
    (r"--confirm-retire", "confirming the retirement when asked"),
    (r"takes --area FILE", "takes 'Delivery scope: One area' with its area file (Owner page)"),
    (r"take --append", "take 'Delivery scope: Additions' (Owner page)"),
    (r"choose with --layer NAME \(repeatable\) or import them all with --all-layers",
     "tick the layers to import on the first page"),
    (r"\(or pass --utility\)", "(or choose the 'Utility' on the Owner page)"),
    (r"without --owner", "without an owner code"),
    (r"with --owner CODE \(and --owner-name NAME\)", "in 'Owner code' (and 'Owner name')"),
]
_LEFT = re.compile(r"(?<![\w-])--([a-z][a-z-]+)")


def for_gui(text) -> str:
    """``text`` with every command-line flag replaced by the wizard control that does the same."""
    out = str(text or "")
    for pattern, repl in _RULES:
        out = re.sub(pattern, repl, out)
    # any flag left (a new message): its name in words, never a flag to type
    return _LEFT.sub(lambda m: "'" + m.group(1).replace("-", " ") + "'", out)
