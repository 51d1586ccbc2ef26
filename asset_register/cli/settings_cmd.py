"""`settings`: list, show or set a register's settings, checked against the one registry
(asset_register.settings); the command's help is written from the registry too."""

from __future__ import annotations

import argparse
import json
import textwrap

from .. import settings as reg


def _help_epilog() -> str:
    """Every setting that can be set: key, what it accepts, default, meaning."""
    lines = ["settings that can be set:"]
    for s in reg.settings_of(reg.REGISTER, editable=True):
        default = f"; default {s.default}" if s.default else ""
        lines.append(f"  {s.key}")
        body = f"{s.doc} Accepts {s.accepted()}{default}."
        lines += textwrap.wrap(body, 76, initial_indent="      ", subsequent_indent="      ")
    kept = ", ".join(s.key for s in reg.settings_of(reg.REGISTER, editable=False))
    lines += ["", "kept by the register itself (shown with --all, never set here):"]
    lines += textwrap.wrap(kept, 76, initial_indent="  ", subsequent_indent="  ")
    lines += ["", "An empty VALUE (\"\") puts a setting back to its default. All settings are "
              "described in docs/settings.md."]
    return "\n".join(lines)


def _one_line(value: str) -> str:
    lines = str(value).splitlines()
    return f"({len(lines)} lines)" if len(lines) > 1 else str(value)


def _derived(store, key: str) -> str:
    """What an empty setting stands for, in brackets (the listing's reader sees the value in
    force, not a blank): the country from the register's CRS."""
    if reg.setting(key).kind == reg.COUNTRY:
        from ..notices.reference import country_of

        country = country_of(store.crs)
        return f"({country}, from the register's CRS)" if country else "(not set)"
    return ""


def set_by_user(store, key: str, value: str) -> None:
    """Set one setting as a user may: checked by the registry; the rules by content."""
    if reg.setting(key).kind == reg.RULES:
        from ..check.rules import store_rules

        store_rules(store, value)
    else:
        reg.write(store, key, value, by_user=True)


def _settings(args) -> int:
    from ..store import open_register  # the geo stack: only when the command runs

    if args.key is not None:  # an unknown key or a bad value: refused before opening
        s = reg.setting(args.key)
        if args.value is not None and s.editable:
            if s.kind == reg.RULES:
                from ..check.rules import read_rules_file

                read_rules_file(args.value)
            else:
                s.parse(args.value)
    changing = args.value is not None
    with open_register(args.register, read_only=not changing) as store:
        if changing:
            set_by_user(store, args.key, args.value)
        values = reg.register_values(store)
        if not args.all:
            shown = {s.key for s in reg.settings_of(reg.REGISTER, editable=True)}
            values = {k: v for k, v in values.items()
                      if k in shown or (k == reg.RULES_WARNING and v)}
        if args.key is not None:
            values = {args.key: values[args.key] if args.key in values
                      else reg.text(store, args.key)}
        shown_values = {k: v or _derived(store, k) for k, v in values.items()}
    if args.json:
        print(json.dumps(values, indent=1, ensure_ascii=False))
    elif args.key is not None and not changing:
        print(values[args.key])
    else:
        width = max(map(len, values), default=0)
        print("\n".join(f"{k:<{width}}  {_one_line(v)}".rstrip()
                        for k, v in shown_values.items()))
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "settings", help="list, show or set the register's settings",
        description="List the register's settings (no KEY), show one (KEY) or set one "
        "(KEY VALUE). Values are checked against the setting's type before anything is "
        "stored; an unknown key is refused with the list of known ones.",
        epilog=_help_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("register", help="register file (.gpkg) or postgresql:// URL")
    p.add_argument("key", nargs="?", help="a setting's key, e.g. notice_prefix")
    p.add_argument("value", nargs="?", help="its new value (for rules: a TOML file, stored "
                   "in the register by content)")
    p.add_argument("--all", action="store_true",
                   help="also the settings the register keeps itself")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_settings)
