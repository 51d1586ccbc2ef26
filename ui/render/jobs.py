"""Render jobs: paint one layer for an immutable view snapshot in a worker thread.

The canvas starts a job per layer whenever the view changes and cancels the
previous ones; a job that sees its cancel flag stops between drawing stages.
Finished images come back through a queued signal with the snapshot they were
drawn for, so the canvas can show them transformed until the next one lands.
"""

from __future__ import annotations

import logging
import threading
import time

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from .painters import RenderCancelled, RenderSettings, new_image, render_reference, render_register


log = logging.getLogger("asset_register.ui")


class RenderSignals(QObject):
    finished = Signal(int, int, object, object, str, float)  # layer id, generation, settings, image, lod, s


class RenderJob:
    def __init__(self, signals: RenderSignals, layer_id: int, generation: int, kind: str,
                 data, settings: RenderSettings, palette) -> None:
        self.signals = signals
        self.layer_id = layer_id
        self.generation = generation
        self.kind = kind
        self.data = data
        self.settings = settings
        self.palette = palette
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        t0 = time.perf_counter()
        image = new_image(self.settings.view)
        try:
            if self.kind == "overview":
                from .painters import render_overview

                lod = render_overview(image, self.data, self.settings, self._cancel.is_set)
            elif self.kind == "register":
                lod = render_register(image, self.data, self.settings, self.palette, self._cancel.is_set)
            elif self.kind == "deviations":
                from .deviations import render_deviations

                lod = render_deviations(image, self.data, self.settings, self._cancel.is_set)
            else:
                lod = render_reference(image, self.data, self.settings, self._cancel.is_set)
        except RenderCancelled:
            return
        except Exception as exc:  # reported, never left pending (the canvas would wait forever)
            log.exception("rendering layer %s failed", self.layer_id)
            self.signals.finished.emit(self.layer_id, self.generation, self.settings, None,
                                       f"error: {exc}", time.perf_counter() - t0)
            return
        self.signals.finished.emit(self.layer_id, self.generation, self.settings, image, lod,
                                   time.perf_counter() - t0)


def render_pool() -> ThreadPoolExecutor:
    """Python threads (see ``ui.workers``) for render jobs; two, as a laptop has few cores."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="render")
