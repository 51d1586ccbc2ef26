"""Run the code blocks of a Markdown file as a reader would, and compare what they print.

The conventions (also stated at the end of the README):

- `` ```bash `` and `` ```python `` blocks of README.md run in order, from a scratch folder
  that holds the repository's input folders (``examples/``, ``sample_data/``…), with the
  virtual environment's ``bin`` first on PATH. In docs/*.md only blocks marked
  ``<!-- docs: run -->`` run.
- ``<!-- docs: skip (reason) -->`` just before a block: not run (set-up, root, servers).
- An unlabelled (or ``text``) block right after a run block is what that block prints on
  stdout, line for line (trailing spaces ignored). After ``<!-- docs: ellipsis -->`` a line
  ``...`` stands for any lines and ``...`` inside a line for any text.
- ``asset-register-gui`` commands run with ``--screenshot FILE`` added, so they render once
  and exit (and must write the picture).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Top-level folders and files the README's commands read (they write next to them).
INPUTS = ["examples", "sample_data", "asset_register", "importers", "ui", "docs", "tests", "pyproject.toml"]
_FENCE = re.compile(r"^```([\w-]*)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
_MARK = re.compile(r"<!--\s*docs:\s*(skip|ellipsis|run)\b[^>]*-->\s*$")
BLOCK_TIMEOUT_S = 300


@dataclass
class Block:
    lang: str
    text: str
    line: int  # 1-based line of the opening fence
    mark: str | None  # "skip", "ellipsis", "run" or None
    output: Block | None = None

    def where(self, path: Path) -> str:
        return f"{path.name}:{self.line}"


def parse(path: Path) -> list[Block]:
    """Every fenced block, with its marker and (for bash/python) the output block after it."""
    source = path.read_text(encoding="utf-8")
    blocks: list[Block] = []
    prev_end = 0
    for m in _FENCE.finditer(source):
        before = source[prev_end:m.start()]
        lines = [ln for ln in before.splitlines() if ln.strip()]
        mark = _MARK.search(lines[-1]) if lines else None
        block = Block(m.group(1).lower(), m.group(2), source.count("\n", 0, m.start()) + 1,
                      mark.group(1) if mark else None)
        runner = blocks[-1] if blocks else None
        if (block.lang in ("", "text") and runner is not None and runner.lang in ("bash", "python")
                and runner.output is None and not before.strip(" \t\n").replace(
                    mark.group(0) if mark else "", "").strip()):
            runner.output = block
        blocks.append(block)
        prev_end = m.end()
    return blocks


def runnable(blocks: list[Block], *, marked_only: bool) -> list[Block]:
    return [b for b in blocks if b.lang in ("bash", "python") and b.mark != "skip"
            and (b.mark == "run" or not marked_only)]


def commands(text: str) -> list[str]:
    """The logical command lines of a bash block (backslash continuations joined)."""
    out, current = [], ""
    for raw in text.splitlines():
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        current += raw
        if current.strip():
            out.append(current)
        current = ""
    return out


def with_screenshots(text: str, counter: list[int]) -> tuple[str, list[str]]:
    """The block with ``--screenshot FILE`` added to every ``asset-register-gui`` command."""
    lines, shots = [], []
    for cmd in commands(text):
        if cmd.lstrip().startswith("asset-register-gui"):
            counter[0] += 1
            shot = f"gui-{counter[0]}.png"
            m = re.search(r"\s+#\s", cmd)  # before a trailing comment
            code, comment = (cmd[:m.start()], cmd[m.start():]) if m else (cmd, "")
            cmd = f"{code} --screenshot {shot}{comment}"
            shots.append(shot)
        lines.append(cmd)
    return "\n".join(lines) + "\n", shots


def matches(expected: str, actual: str, *, ellipsis: bool) -> bool:
    exp = [ln.rstrip() for ln in expected.rstrip("\n").splitlines()]
    act = [ln.rstrip() for ln in actual.rstrip("\n").splitlines()]
    if not ellipsis:
        return exp == act
    parts = []
    for ln in exp:
        if ln.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in ln.split("...")) + r"\n")
    return re.fullmatch("".join(parts), "\n".join(act) + "\n", re.S) is not None


def scratch_env(work: Path) -> dict[str, str]:
    """Environment of the commands: this checkout's code, the venv's commands, no user files."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env.update(
        PATH=bindir + os.pathsep + env.get("PATH", ""),
        PYTHONPATH=str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
        HOME=str(work / ".home"), XDG_DATA_HOME=str(work / ".data"),
        XDG_CACHE_HOME=str(work / ".cache"), XDG_CONFIG_HOME=str(work / ".config"),
        QT_QPA_PLATFORM="offscreen", COLUMNS="100", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8",
        ASSET_REGISTER_NOW="2026-11-23T09:30:00+00:00",  # notice dates valid whatever today is
    )
    env.pop("PYTHONSTARTUP", None)
    return env


def make_scratch(work: Path) -> Path:
    """A folder that looks like the repository root: the inputs linked, the venv linked."""
    work.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        (work / name).symlink_to(REPO / name)
    (work / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (work / ".home").mkdir()
    return work


def run_block(block: Block, path: Path, work: Path, env: dict[str, str],
              counter: list[int]) -> str:
    """Run one block; returns its stdout. Raises AssertionError with the details on failure."""
    shots: list[str] = []
    if block.lang == "bash":
        script, shots = with_screenshots(block.text, counter)
        argv = ["bash", "-euo", "pipefail", "-c", script]
    else:
        file = work / f"block-{block.line}.py"
        file.write_text(block.text, encoding="utf-8")
        argv = [sys.executable, file.name]
    proc = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True,
                          timeout=BLOCK_TIMEOUT_S, stdin=subprocess.DEVNULL)
    where = block.where(path)
    assert proc.returncode == 0, (f"{where}: exit {proc.returncode}\n--- block\n{block.text}"
                                  f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n"
                                  f"{proc.stderr[-3000:]}")
    for shot in shots:
        assert (work / shot).stat().st_size > 0, f"{where}: no screenshot {shot} written"
    if block.output is not None:
        ok = matches(block.output.text, proc.stdout, ellipsis=block.output.mark == "ellipsis")
        assert ok, (f"{where}: the output shown at line {block.output.line} is not what the "
                    f"commands print.\n--- shown\n{block.output.text}--- printed\n{proc.stdout}")
    return proc.stdout


def update(path: Path, work: Path) -> int:
    """Run ``path``'s blocks and rewrite each exact output block with what is printed now.

    Blocks marked ``ellipsis`` are left as written (and still checked). Returns the number of
    output blocks rewritten. For after a change that alters what a documented command prints.
    """
    blocks = runnable(parse(path), marked_only=path.name != "README.md")
    env, counter = scratch_env(make_scratch(work)), [0]
    new_outputs: list[tuple[Block, str]] = []
    for block in blocks:
        shown = block.output
        if shown is not None and shown.mark != "ellipsis":
            block.output = None
            printed = run_block(block, path, work, env, counter)
            if not matches(shown.text, printed, ellipsis=False):
                new_outputs.append((shown, printed))
        else:
            run_block(block, path, work, env, counter)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for shown, printed in sorted(new_outputs, key=lambda pair: -pair[0].line):
        body = [ln.rstrip() + "\n" for ln in printed.rstrip("\n").splitlines()]
        start = shown.line  # the fence is line `shown.line`; its body follows
        lines[start:start + len(shown.text.splitlines())] = body
    path.write_text("".join(lines), encoding="utf-8")
    return len(new_outputs)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(
        prog="python -m tests.docs.runner",
        description="Run a Markdown file's code blocks as tests/docs does (README.md: every bash "
        "and python block; other files: blocks marked <!-- docs: run -->).")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--update", action="store_true",
                        help="rewrite exact output blocks with what the commands print now")
    args = parser.parse_args(argv)
    for path in args.files:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / "repo"
            if args.update:
                print(f"{path}: {update(path.resolve(), work)} output block(s) rewritten")
                continue
            env, counter = scratch_env(make_scratch(work)), [0]
            for block in runnable(parse(path), marked_only=path.name != "README.md"):
                run_block(block, path, work, env, counter)
            print(f"{path}: every block ran and printed what it shows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
