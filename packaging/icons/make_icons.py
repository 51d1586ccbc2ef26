"""Render the application icon from ``asset-register.svg`` for each platform.

Writes ``asset-register.png`` (256 px; Linux and the window icon),
``asset-register.ico`` (Windows executables and installer, 16–256 px) and
``asset-register.icns`` (macOS .app). The outputs are committed; run this only after
editing the SVG:  ``python packaging/icons/make_icons.py``  (needs PySide6 and Pillow).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    """Rasterise the SVG at ``size`` px with Qt's SVG renderer (antialiased, transparent)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG; fix it and run again")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data)


def main() -> int:
    from PIL import Image

    svg = HERE / "asset-register.svg"
    big = Image.open(io.BytesIO(render_png(svg, 1024))).convert("RGBA")
    (HERE / "asset-register.png").write_bytes(render_png(svg, 256))
    big.save(HERE / "asset-register.ico", sizes=[(s, s) for s in SIZES])
    big.save(HERE / "asset-register.icns")
    for name in ("asset-register.png", "asset-register.ico", "asset-register.icns"):
        print(f"{name}: {(HERE / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
