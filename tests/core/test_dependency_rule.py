"""The layer rule ui → importers → asset_register, and no Qt in the core or importers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "asset_register": ("importers", "ui", "PySide6", "PyQt5", "PyQt6", "shiboken6"),
    "importers": ("ui", "PySide6", "PyQt5", "PyQt6", "shiboken6"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upper_layers(package):
    offences = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in FORBIDDEN[package]:
                offences.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offences, "layer rule broken:\n" + "\n".join(offences)


def test_the_rule_check_catches_an_offence(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ui.app import main\nimport PySide6.QtCore\n")
    assert {"ui.app", "PySide6.QtCore"} <= imported_modules(bad)


def test_import_linter_contracts_are_kept():
    """The same rule as import-linter contracts in pyproject.toml (napari's way)."""
    import shutil
    import subprocess
    import sys

    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    n = len(contracts["contracts"])
    out = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{n} kept, 0 broken" in out.stdout
