"""Draw docs/img/architecture.svg from the import-linter contracts in pyproject.toml.

The picture is generated, never drawn by hand, so it shows the layers the contracts enforce:
each band is a layer, each box in it a module or package of that layer, and a band may import
only the bands below it. ``python -m tests.docs.picture --update`` rewrites the file;
``tests/docs/test_picture.py`` fails when the committed picture is out of date.
"""

from __future__ import annotations

import sys
import tomllib
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET = REPO / "docs" / "img" / "architecture.svg"

CHAR_W, BOX_H, PAD, GAP = 7.0, 24, 10, 6
WIDTH = 900
COLOURS = {"ui": "#dbe9f6", "importers": "#e5f2dc", "asset_register": "#fbe9d6"}


def _contracts() -> list[dict]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["importlinter"]["contracts"]


def _children(package: str) -> list[str]:
    """Sub-packages and modules of ``package``, as import names relative to it."""
    folder = REPO / package.replace(".", "/")
    names = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() and (path / "__init__.py").exists():
            names.append(path.name)
        elif path.suffix == ".py" and path.stem != "__init__":
            names.append(path.stem)
    return names


def structure() -> list[tuple[str, list[list[str]], bool]]:
    """[(top layer, rows of box labels top to bottom, Qt-free?)] from the contracts."""
    contracts = _contracts()
    top = next(c for c in contracts if c["type"] == "layers" and not c.get("containers"))
    qt_free = {m for c in contracts if c["type"] == "forbidden" and "PySide6" in c["forbidden_modules"]
               for m in c["source_modules"]}
    out = []
    for layer in top["layers"]:
        inner = next((c for c in contracts if c["type"] == "layers" and c.get("containers") == [layer]), None)
        if inner is None:  # sub-packages only: a new module does not redraw the picture
            packages = [c + (" (no Qt)" if f"{layer}.{c}" in qt_free else "")
                        for c in _children(layer) if (REPO / layer / c).is_dir()]
            rows = [packages + [f"{layer}/*.py"]]
        else:
            rows = []
            named = set()
            for entry in inner["layers"]:
                parts = [p.strip() for p in entry.replace("|", ":").split(":")]
                rows.append(parts)
                named.update(parts)
            rest = [c for c in _children(layer) if c not in named]
            if rest:  # modules no contract places: shown above the layers, free to use them
                rows.insert(0, rest)
        out.append((layer, rows, layer in qt_free))
    return out


def _wrap(labels: list[str], width: float) -> list[list[str]]:
    lines, line, used = [], [], 0.0
    for label in labels:
        w = len(label) * CHAR_W + 2 * PAD
        if line and used + w > width:
            lines.append(line)
            line, used = [], 0.0
        line.append(label)
        used += w + GAP
    if line:
        lines.append(line)
    return lines


def render() -> str:
    parts, y = [], 10
    inner_w = WIDTH - 40
    for layer, rows, qt_free in structure():
        band_top = y
        y += 30
        body = []
        for r, row in enumerate(rows):
            for line in _wrap(row, inner_w - 20):
                x = 30
                for label in line:
                    w = len(label) * CHAR_W + 2 * PAD
                    body.append(f'<rect x="{x:.0f}" y="{y}" width="{w:.0f}" height="{BOX_H}" rx="4" '
                                f'fill="#ffffff" stroke="#6b7280"/>'
                                f'<text x="{x + PAD:.0f}" y="{y + 16}">{escape(label)}</text>')
                    x += w + GAP
                y += BOX_H + GAP
            if r < len(rows) - 1:
                body.append(f'<line x1="30" y1="{y}" x2="{inner_w + 10}" y2="{y}" class="sep"/>')
                y += GAP
        y += 6
        title = layer + ("   (no Qt)" if qt_free else "")
        if len(rows) > 1:
            title += "   — each row imports only the rows below it"
        parts.append(f'<rect x="20" y="{band_top}" width="{inner_w}" height="{y - band_top}" rx="8" '
                     f'fill="{COLOURS.get(layer, "#eeeeee")}" stroke="#374151"/>'
                     f'<text x="30" y="{band_top + 20}" class="title">{escape(title)}</text>')
        parts.extend(body)
        y += 8
        parts.append(f'<text x="{WIDTH / 2:.0f}" y="{y + 10}" text-anchor="middle" class="arrow">'
                     f'▼ may import</text>')
        y += 20
    parts.pop()  # no arrow under the lowest layer
    height = y - 10
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans Mono, monospace" font-size="12">'
            '<style>.title{font-weight:bold;font-size:14px}.arrow{fill:#374151;font-size:11px}'
            '.sep{stroke:#9ca3af;stroke-dasharray:3 3}</style>'
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>')
    return head + "\n".join(parts) + "</svg>\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--update" in argv:
        TARGET.write_text(text, encoding="utf-8")
        return 0
    if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
        print(f"{TARGET.relative_to(REPO)} is out of date: run python -m tests.docs.picture --update",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
