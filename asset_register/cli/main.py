"""Entry point of `asset-register`.

Commands are discovered from the ``asset_register.cli`` entry-point group, so the
importers package can add `import` without the core importing it (the layer rule
ui → importers → asset_register). Each entry point names a function
``register(subparsers)`` that adds one or more sub-commands whose parsers set
``func=callable(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings

from ..errors import AssetRegisterError

# The core's own commands and the provider adding each. Without package metadata (a source
# tree) these are the commands there are; a run of one of them parses with its provider
# alone — no entry-point scan, no other command's arguments built — so a dig check from
# the command line starts as fast as it can (tests/core/test_cli_imports.py keeps this list
# equal to what the providers add).
CORE_COMMANDS = {
    **dict.fromkeys(["init", "info", "settings", "audit"], "asset_register.cli.register_cmds:register"),
    "check": "asset_register.cli.check_cmd:register",
    "works": "asset_register.cli.works_cmd:register",
    **dict.fromkeys(["notice", "respond", "notices", "notice-settings"],
                    "asset_register.cli.notice_cmds:register"),
    "deviation": "asset_register.cli.deviation_cmd:register",
    "quality": "asset_register.cli.quality_cmd:register",
    **dict.fromkeys(["roles", "extract", "sync", "keys"], "asset_register.cli.postgis_cmds:register"),
}
FALLBACK_PROVIDERS = list(dict.fromkeys(CORE_COMMANDS.values()))


# Order of the commands in `--help`: a register's life (create, fill, check, notify, share).
HELP_ORDER = [
    "asset_register.cli.register_cmds", "importers.cli", "asset_register.cli.check_cmd",
    "asset_register.cli.works_cmd", "asset_register.cli.notice_cmds",
    "asset_register.cli.deviation_cmd", "asset_register.cli.quality_cmd",
    "asset_register.cli.postgis_cmds",
]


def _rank(spec: str) -> tuple[int, str]:
    module = spec.partition(":")[0]
    return (HELP_ORDER.index(module) if module in HELP_ORDER else len(HELP_ORDER), spec)


def _providers() -> list[str]:
    """Installed providers plus the core's own commands (an install made before a core
    command was added still has every core command)."""
    from importlib.metadata import entry_points

    found = [f"{ep.value}" for ep in entry_points(group="asset_register.cli")]
    return found + FALLBACK_PROVIDERS


def _command(argv: list[str]) -> str | None:
    """The command named in ``argv`` when nothing but ``--debug`` comes before it, or
    ``--version`` when that comes first (it is printed before anything else is read)."""
    for token in argv:
        if token != "--debug":
            return token if token == "--version" or not token.startswith("-") else None
    return None


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (package metadata
    costs a command that runs tens of milliseconds)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from .. import __version__

        sys.stdout.write(f"{parser.prog} {__version__}\n")
        parser.exit()


class OneLineParser(argparse.ArgumentParser):
    """A usage error is one line (which argument, what is wrong, where help is), like every
    other error of the command line; sub-command parsers inherit the class."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with one of the core's ``command``, that command's alone
    (what a run of it parses the same way); for ``--version``, no command."""
    parser = OneLineParser(
        prog="asset-register",
        description="Underground asset register: import owners' layers, check digs, issue notices.",
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command == "--version":
        providers = []
    else:
        providers = [CORE_COMMANDS[command]] if command in CORE_COMMANDS else _providers()
    for spec in sorted(set(providers), key=_rank):
        module, _, func = spec.partition(":")
        getattr(importlib.import_module(module), func)(sub)
    return parser


# C0/C1 control characters and line breaks: an error quoting a file's bytes (a CSV header,
# a layer name) must stay one line and cannot drive the terminal
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(32), *range(127, 160)]}
_CONTROL.update({ord("\n"): " ", ord("\r"): " ", ord("\t"): " ", 0x2028: " ", 0x2029: " "})


def one_line_message(exc: BaseException) -> str:
    """The error as the single line the command prints."""
    return str(exc).translate(_CONTROL)


def _quiet_libraries() -> None:
    """Library chatter stays off stderr: the product reports what matters as its own notes or
    its one error line. GDAL's own messages (printed by C, not Python) go nowhere unless
    the user asked for a log file with CPL_LOG; ``--debug`` keeps both."""
    warnings.simplefilter("ignore")
    os.environ.setdefault("CPL_LOG", os.devnull)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if not args.debug:
        _quiet_libraries()
    from ..waits import listen

    unlisten = listen(lambda message: print(f"asset-register: {message}", file=sys.stderr,
                                            flush=True))  # a writer waiting for another
    try:
        return int(args.func(args) or 0)
    except AssetRegisterError as exc:
        if args.debug:
            raise
        print(f"asset-register: error: {one_line_message(exc)}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("asset-register: interrupted; the register is unchanged", file=sys.stderr)
        return 130
    finally:
        unlisten()


if __name__ == "__main__":
    sys.exit(main())
