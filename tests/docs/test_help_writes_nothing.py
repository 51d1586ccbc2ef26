"""`--help` of every entry point prints help and writes nothing: no file in the folder it runs
in, no change to the checkout (git status), nothing in the user's folders."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .runner import REPO, scratch_env

BIN = Path(sys.executable).parent
SUB_COMMANDS = [
    ["init"], ["info"], ["import"], ["inspect"], ["profile"], ["profile", "propose"],
    ["profile", "check"], ["profile", "list"], ["rejects"], ["sample"], ["check"], ["works"],
    ["works", "import"], ["works", "list"], ["notice"], ["respond"], ["notices"],
    ["notice-settings"], ["roles"], ["extract"], ["keys"],
    ["keys", "new"], ["keys", "show"], ["sync"], ["settings"], ["audit"],
    ["audit", "verify"], ["audit", "export"], ["deviation"], ["deviation", "add"],
    ["deviation", "list"], ["deviation", "export"], ["deviation", "acknowledge"],
    ["deviation", "resolve"], ["quality"],
]
MODULES = ["sample_data.generate", "sample_data.examples", "asset_register.cli.main", "ui.app",
           "tests.docs.runner", "asset_register.settings_doc",
           *sorted(f"benchmarks.{p.stem}" for p in (REPO / "benchmarks").glob("*.py")
                   if p.stem != "__init__")]
# Each program runs as its own process; the sub-commands of asset-register run in-process
# below (the same parser, without a second of start-up each).
ENTRY_POINTS = (
    [[str(BIN / "asset-register")], [str(BIN / "asset-register"), "check"],
     [str(BIN / "asset-register-gui")]]
    + [[sys.executable, "-m", module] for module in MODULES]
)


def _git_status() -> str | None:
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        return None
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                          capture_output=True, text=True, timeout=60).stdout


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_every_entry_point_is_listed():
    """A new sub-command or benchmark script must join the list above."""
    from asset_register.cli.main import build_parser

    parser = build_parser()
    listed = {tuple(s[:1]) for s in SUB_COMMANDS}
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    assert {(name,) for name in actions[0].choices} == listed


def test_every_sub_command_help_writes_nothing(tmp_path, monkeypatch, capsys):
    from asset_register.cli.main import main

    monkeypatch.chdir(tmp_path)
    before = _git_status()
    for sub in SUB_COMMANDS:
        with pytest.raises(SystemExit) as done:
            main([*sub, "--help"])
        assert done.value.code == 0, sub
        assert capsys.readouterr().out.startswith(f"usage: asset-register {' '.join(sub)}")
    assert _files(tmp_path) == []
    assert _git_status() == before


@pytest.mark.parametrize("argv", ENTRY_POINTS, ids=lambda a: " ".join(Path(a[0]).name if i == 0
                                                                      else x for i, x in
                                                                      enumerate(a)))
def test_help_prints_usage_and_writes_nothing(argv, tmp_path):
    work = tmp_path / "cwd"
    work.mkdir()
    env = scratch_env(tmp_path)
    before = _git_status()
    home_before = _files(tmp_path)
    proc = subprocess.run([*argv, "--help"], cwd=work, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("usage: "), proc.stdout[:500]
    assert _files(work) == [], f"{argv} --help wrote {_files(work)}"
    assert _files(tmp_path) == home_before, "--help wrote into the user's folders"
    assert _git_status() == before, f"{argv} --help changed the checkout"
