"""The layer rule ui → importers → asset_register, no Qt in the core, the importers or the window
model (ui/models), and no import circles anywhere."""

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
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    out = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(contracts)} kept, 0 broken" in out.stdout
    for contract in contracts:
        assert f"{contract['name']} KEPT" in " ".join(out.stdout.split()), contract["name"]


def import_cycles(graph) -> list[list[str]]:
    """Strongly connected groups of two or more modules in ``graph`` (Tarjan, iterative)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if i < len(targets):
                work.append((node, i + 1))
                nxt = targets[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(cycles)


def test_no_import_circles():
    """No two modules import each other, directly or round a loop — imports inside functions count."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("asset_register", "importers", "ui", cache_dir=None)
    cycles = import_cycles(graph)
    assert not cycles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_circle_check_finds_a_circle():
    grimp = pytest.importorskip("grimp")
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d", "a.e"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.d")
    graph.add_import(importer="a.d", imported="a.b")
    graph.add_import(importer="a.d", imported="a.e")
    assert import_cycles(graph) == [["a.b", "a.c", "a.d"]]


def test_the_circle_check_finds_a_lazy_circle(tmp_path, monkeypatch):
    pkg = tmp_path / "circled"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "window.py").write_text("from . import helpers\n")
    (pkg / "helpers.py").write_text("def f():\n    from .window import X\n")  # lazy, still an arrow
    (pkg / "alone.py").write_text("from . import helpers\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("circled", cache_dir=None)
    assert import_cycles(graph) == [["circled.helpers", "circled.window"]]
