"""Runs CLI commands on one file in this process, one JSON line per command on stdout.

``python -m tests.hostile.runner REGISTER FILE COMMAND...`` (commands named in ``COMMANDS``)
calls ``asset_register.cli.main.main`` for each command — one interpreter start for all of
them — and reports the exit code, everything written to stderr (Python's and the C
libraries' own file descriptor 2), and the register's content digest before and after. An
exception escaping ``main`` is reported as a traceback, as the real command would print it.
The parent (test_hostile.py) bounds this process's memory and each command's time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import sys
import tempfile
import traceback


# The many-layer GeoPackage imports two named layers here (reading a layer of it must not
# cost as much as listing all 898); all 898 as 898 batches take minutes of store writes on
# a loaded machine: that figure is measured by benchmarks/bench_inspect_layers.py --import.
LAYERS = {"many_layers.gpkg": ["--layer", "layer_000", "--layer", "layer_897"]}


def commands(register: str, path: str) -> dict[str, list[str]]:
    """Every command that reads a user's file, as argv for ``asset-register``."""
    layers = LAYERS.get(os.path.basename(path), ["--all-layers"])
    return {
        "import": ["import", register, path, "--owner", "HST", "--utility", "water", *layers,
                   "--assume-crs", "EPSG:27700"],
        "inspect": ["inspect", path],
        "footprint": ["check", register, "--footprint", path],
        "programme": ["check", register, "--programme", path],
        "works": ["works", "import", register, path, "--crs", "EPSG:27700"],
        "photo": ["deviation", "add", register, "unrecorded", "--at", "POINT (530000 180000)",
                  "--utility", "water", "--photo", path],
    }


COMMANDS = tuple(commands("R", "F"))


def digest(register: str, uses: bool = True) -> str:
    """A digest of every row of every table of a GeoPackage register (not its file bytes,
    which a reader's WAL checkpoint may rewrite without changing any content). ``uses=False``
    leaves out the audit log's records of use (a check is recorded: that is not a change to
    what the register holds)."""
    h = hashlib.sha256()
    con = sqlite3.connect(f"file:{register}?mode=ro", uri=True, timeout=10)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'rtree_%' ORDER BY name")]
        for t in tables:
            h.update(t.encode() + b"\0")
            where = " WHERE action NOT IN ('check', 'check_batch')" if t == "audit_log" and not uses else ""
            for row in con.execute(f'SELECT * FROM "{t}"{where} ORDER BY rowid'):
                h.update(repr(row).encode())
    finally:
        con.close()
    return h.hexdigest()


def run(argv: list[str]) -> tuple[int | str, str, str]:
    """(exit code or "traceback", stderr text, stdout text) of one command, in-process."""
    from asset_register.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryFile() as fd_err:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(fd_err.fileno(), 2)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code: int | str = main(argv)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                except BaseException:  # what the real command would print
                    code = "traceback"
                    err.write(traceback.format_exc())
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        fd_err.seek(0)
        c_err = fd_err.read().decode("utf-8", "replace")
    return code, err.getvalue() + c_err, out.getvalue()


def main(args: list[str]) -> int:
    register, path, *names = args
    argvs = commands(register, path)
    for name in names:
        before, content_before = digest(register), digest(register, uses=False)
        code, err, out = run(argvs[name])
        after, content_after = digest(register), digest(register, uses=False)
        print(json.dumps({"command": name, "code": code, "stderr": err, "stdout": out[-2000:],
                          "changed": before != after,
                          "content_changed": content_before != content_after}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
