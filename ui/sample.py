"""The bundled sample town: where its register is built (the user's data folder), whether it
is current, building it without leaving a half-built file, and opening it in a window with its
streets and buildings as backdrops. Kept out of ``app.py`` so the window can open the sample
without importing the application module that imports the window."""

from __future__ import annotations

import os
from pathlib import Path

SAMPLE_NAME = "sample-town.gpkg"


def sample_references() -> list[tuple[str, str]]:
    from importers.sample import town_dir

    ref = town_dir() / "reference.gpkg"
    return [(str(ref), "buildings"), (str(ref), "streets")] if ref.exists() else []


def sample_path() -> Path:
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base or Path.home() / ".asset-register")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / SAMPLE_NAME


def sample_is_current(path: Path) -> bool:
    from importers.sample import town_dir

    if not path.exists():
        return False
    newest = max(p.stat().st_mtime for p in town_dir().iterdir())
    return path.stat().st_mtime >= newest


def build_sample_register(path: Path, progress=None) -> Path:
    """Build the sample register next to ``path`` and move it into place (never half-built)."""
    from importers.sample import build_sample

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".building.gpkg")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    build_sample(tmp, progress=progress)
    os.replace(tmp, path)
    return path


def open_sample(window, path: Path | None = None) -> None:
    """Open (building first if needed, in the background) the sample town register."""
    from .workers import submit

    path = path or sample_path()
    if sample_is_current(path):
        window.open_register(path, sample_references())
        return
    window.status("Building the sample town register…")
    loading = window.state.loading
    building = loading.begin("Building the sample town")

    def done(p):
        try:  # the register's loading begins before the build's ends: never idle between
            window.open_register(p, sample_references())
        finally:
            loading.end(building)

    def failed(exc, tb):
        loading.end(building)
        from .errors import show_exception

        show_exception(exc, tb, title="The sample town could not be built")

    submit(lambda task: build_sample_register(path, task.progress), on_done=done, on_error=failed,
           on_progress=loading.report, name="Building the sample town")
