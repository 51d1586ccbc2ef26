"""docs/settings.md, written from the one registry of settings (asset_register.settings).

``python -m asset_register.settings_doc`` prints the page; ``--write`` writes it to
docs/settings.md (a test fails when the committed page differs from the registry's).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import settings as reg

PAGE = Path(__file__).resolve().parent.parent / "docs" / "settings.md"

INTRO = """\
# Settings

<!-- Written by `python -m asset_register.settings_doc --write` from the registry in
asset_register/settings.py: edit the registry, not this page. -->

Every setting the product reads or writes is declared once, in `asset_register/settings.py`,
with its type, default, scope and meaning; the command line's `settings` command, the desktop
app's Settings dialog and this page are built from that registry.

- **This register** settings live in the register (its `settings` table), so every PC and
  every user of a shared register agree on them. Show and set them with
  `asset-register settings REGISTER [KEY [VALUE]]` or in the app (*Settings…*); a value is
  checked against its type before anything is stored, and an unknown key is refused with
  the list of known ones.
- **This computer** settings are the desktop app's, kept for this user on this machine.
- A key written `name:<part>` is a pattern: one setting per part (e.g. one per delivery).

The rules are stored in the register by content: `asset-register settings REGISTER rules
FILE` reads the TOML file, checks it, and stores its text (`rules_toml`) with the file's name
(`rules_source`) and SHA-256 (`rules_sha256`), so a shared PostGIS register checks every dig
with the same rules on every PC. Registers made before this stored a path (`rules_file`);
opening one writable upgrades it (migration `rules_in_register`: GeoPackage schema 3,
PostGIS schema 4) and stores the file's content. When that file cannot be read there, the
shipped default rules apply and every check says so (`rules_warning`) until the rules are
set again.
"""


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(settings: list[reg.Setting], *, accepts: bool = True) -> list[str]:
    head = ["Key", "Type", "Default", "Meaning"]
    if accepts:
        head.insert(2, "Accepts")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in settings:
        row = [f"`{s.key}`", s.kind, f"`{s.default}`" if s.default else "—", s.doc]
        if accepts:
            row.insert(2, s.accepted())
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return lines


def page() -> str:
    out = [INTRO]
    out += ["## This register: set by the authority", ""]
    out += _table(reg.settings_of(reg.REGISTER, editable=True)) + [""]
    out += ["## This register: kept by the product", "",
            "Shown by `asset-register settings REGISTER --all`; never set by hand.", ""]
    out += _table(reg.settings_of(reg.REGISTER, editable=False), accepts=False) + [""]
    out += ["## This computer: set in the desktop app's Settings dialog", ""]
    out += _table(reg.settings_of(reg.MACHINE, editable=True)) + [""]
    out += ["## This computer: kept by the desktop app", ""]
    out += _table(reg.settings_of(reg.MACHINE, editable=False), accepts=False) + [""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m asset_register.settings_doc",
        description="Print docs/settings.md as the registry of settings writes it.")
    parser.add_argument("--write", action="store_true", help=f"write it to {PAGE.name}")
    if parser.parse_args(argv).write:
        PAGE.write_text(page(), "utf-8")
        print(f"wrote {PAGE}")
    else:
        sys.stdout.write(page())
    return 0


if __name__ == "__main__":
    sys.exit(main())
