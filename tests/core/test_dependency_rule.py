"""The layer rule ui → importers → asset_register, and no Qt in the core, the importers or the
window model (ui/models)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "asset_register": ("importers", "ui", "PySide6", "PyQt5", "PyQt6", "shiboken6"),
    "importers": ("ui", "PySide6", "PyQt5", "PyQt6", "shiboken6"),
    "ui/models": ("PySide6", "PyQt5", "PyQt6", "shiboken6"),
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
    out = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert " 0 broken" in out.stdout
    for contract in ("Layers: ui -> importers -> asset_register", "The core and the importers never import Qt",
                     "The window model never imports Qt"):
        assert f"{contract} KEPT" in out.stdout


def import_cycles(package: str) -> list[list[str]]:
    """Groups of modules of ``package`` that import each other in a circle (imports inside
    functions count: a lazy import is still an arrow), by Tarjan's strongly connected components."""
    import grimp

    graph = grimp.build_graph(package, cache_dir=None)
    arrows = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in arrows[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in arrows:
        if module not in index:
            visit(module)
    return cycles


def test_the_desktop_app_has_no_import_circle():
    assert import_cycles("ui") == []


def test_the_circle_check_finds_a_lazy_circle(tmp_path, monkeypatch):
    pkg = tmp_path / "circled"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "window.py").write_text("from . import helpers\n")
    (pkg / "helpers.py").write_text("def f():\n    from .window import X\n")  # lazy, still an arrow
    (pkg / "alone.py").write_text("from . import helpers\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("circled") == [["circled.helpers", "circled.window"]]
