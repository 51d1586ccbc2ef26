"""The register controller: opens and closes the window's register (``state.session``), loads
its layer and backdrops into ``state.layers`` in workers, keeps the planned works and notices
shown, identifies and searches. It holds no window state: that is ``WindowState``'s."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import shapely
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog

from asset_register import settings as reg

from .models.identify import nearest_first
from .models.layers import REFERENCE, REGISTER, Layer
from .render import display_cache
from . import preload
from .preload import display_cache_dir, read_register_layer
from .render.overview import Overview
from .render.loading import complete_register, load_reference, reference_layers
from .sample import sample_references
from .session import Session
from .workers import reads_pool, submit


OVERVIEW_FROM = 300_000  # assets from which the first frame is drawn from the index first


class RegisterController:
    def __init__(self, window, state) -> None:
        self.window, self.state = window, state
        self.canvas = window.canvas
        self.app_settings = window.app_settings
        self._stops: list = []  # what stops the open register's layer reads
        state.events.works.connect(self._show_works)
        state.session.events.closing.connect(self._stop_reads)

    def _stop_reads(self, *_) -> None:
        """Stop the register layer's reads (the register is being closed, or another opened):
        a read stops at its next slice and its result is dropped; a follow-on read not yet
        begun is not begun."""
        stops, self._stops = self._stops, []
        for stop in stops:
            stop()

    @property
    def session(self):
        return self.state.session.session

    # -- references remembered per register ----------------------------------------------
    def _references_key(self) -> str:
        return "references/" + hashlib.sha1(self.state.session.location.encode()).hexdigest()[:16]

    def remember_references(self) -> None:
        """Save the backdrops for the next opening (after the user added, removed or moved one)."""
        if self.state.session.is_open:
            self.app_settings.set(self._references_key(), self.state.reference_sources())

    def _default_references(self) -> list[tuple[str, str]]:
        """The backdrops last used with this register; the sample town's streets and
        buildings for a register built from the bundled sample."""
        saved = self.app_settings.get(self._references_key())
        if saved is not None:
            saved = [saved] if isinstance(saved, str) else list(saved)
            return [tuple(s.split("|", 1)) for s in saved if "|" in s and Path(s.split("|", 1)[0]).exists()]
        from importers.sample import town_dir

        try:
            files = self.session.store.batches()["source_file"].astype(str)
        except Exception:  # an empty or foreign register: no default backdrop
            return []
        town = str(town_dir().resolve())
        return sample_references() if len(files) and files.str.startswith(town).any() else []

    # -- opening and closing -------------------------------------------------------------------
    def open_register(self, location, references: list[tuple[str, str]] | None = None) -> None:
        """Open a register (path or URL) and load its layers in the background. Reopening the
        register that is open (after an import, say) keeps the dig and its undo history: the
        window state checks it again against the reopened register."""
        t0 = time.perf_counter()
        session = Session(location)  # a register that cannot be opened leaves the open one open
        self.state.session.open(session)
        store = session.store
        if references is None:
            references = self._default_references()
        seal = store.seal_verdict()  # a contractor's extract: who signed it, and is it intact
        signed = "" if seal is None else (
            f" — signed extract of {seal.issuer}, "
            + ("intact" if seal.ok else "NOT INTACT: do not rely on it"))
        self.window.setWindowTitle(
            f"{self.state.session.name}{signed} — Underground Asset Register")
        self.app_settings.add_recent(self.state.session.location)  # never a password
        self.state.set_scheme(reg.raw(store, "colour_scheme") or self.app_settings.scheme)
        layer = self.state.layers.add(Layer(f"Register: {self.state.session.name}", REGISTER,
                                            source=self.state.session.name))
        extent = store.extent()
        if extent is not None:
            self.canvas.zoom_to(extent)
        self.window.search_dock.set_examples(store, extent)
        self._load_register_layer(layer, t0)
        self.window.crs_label.setText(store.crs.to_string())
        for path, name in references or []:
            self.add_reference(path, name)
        self.refresh_works()
        self.refresh_notices()

    def _load_register_layer(self, layer, t0: float) -> None:
        """Read the register layer in a worker; once its first frame is drawn, add the grid
        index and label fields (``complete_register``) with the same worker store, so both
        reads share one snapshot, then write the display cache."""
        loading = self.state.loading
        task = loading.begin("Opening the register")
        session = self.session
        cache_dir = self.display_cache_dir()

        early = preload.claim(session.location, cache_dir)  # read while the window was built
        if early is not None:
            self._stops.append(early.stop.set)
        if not (cache_dir and display_cache.exists(cache_dir, session.saved_location)):
            self._show_overview(layer, session)

        def work(task):
            s = session.open_worker_store()
            try:
                found = preload.take(early, s)
            except BaseException:
                s.close()
                raise
            if found is not None:
                task.progress(1.0, "assets ready")
                return found
            return read_register_layer(s, cache_dir, session.saved_location, task.progress,
                                       cancel=task.cancelled)

        def close_later(reader):
            if reader is not None:  # its snapshot file is deleted off the GUI thread
                submit(lambda task: reader.close(), on_done=lambda _: None,
                       on_error=lambda exc, tb: None, name="Closing a register reader")

        def save_cache(packed):
            key = getattr(packed, "cache_key", None)
            if cache_dir and key and "material" in packed.codes:
                submit(lambda task: display_cache.save(packed, key, cache_dir, session.saved_location),
                       on_done=lambda _: None, on_error=lambda exc, tb: None, name="Display cache",
                       pool=reads_pool())

        def done(result):
            packed, reader = result
            loading.end(task)
            if self.session is not session:
                close_later(reader)
                return
            if "material" not in packed.codes:
                # the read's store and snapshot copy serve every read that follows it (the
                # labels, the search box's ids, the quality report): first in the reads'
                # queue, and kept open for the labels until they have been read
                session.hold_reads()
                submit(lambda task: session.adopt_reads_store(reader), on_done=lambda _: None,
                       on_error=lambda exc, tb: None, name="Keeping the register's copy",
                       pool=reads_pool())
            self.state.layers.update(layer, data=packed)
            self.window.status(f"{packed.n_features:,} assets loaded in {time.perf_counter() - t0:.2f} s")
            self.window.registerLoaded.emit()
            if "material" in packed.codes:
                close_later(reader)
                return
            labelling = loading.begin("Reading asset labels")  # once the first frame is up

            def give_up():  # closed before the first frame: the labels are never read
                self.canvas.rendered.disconnect(first_frame)
                loading.end(labelling)
                session.hold_reads(-1)

            def labels(task):
                try:
                    return False if task.cancelled() else complete_register(
                        session.reads_store(), packed, task.cancelled)
                finally:
                    session.hold_reads(-1)
                    session.reads_done()

            def labelled(ok):
                loading.end(labelling)
                if self.session is session and ok:
                    self.canvas.refresh_layer(layer)
                    save_cache(packed)

            def not_labelled(exc, tb):
                loading.end(labelling)
                if self.session is not session:  # closed meanwhile: the read was stopped
                    return
                from .errors import show_exception

                show_exception(exc, tb, title="Reading asset labels")

            def first_frame(layer_id, *_):
                if layer_id == layer.id:
                    self.canvas.rendered.disconnect(first_frame)
                    if give_up in self._stops:
                        self._stops.remove(give_up)
                    # one after another with the search box's ids and the quality report
                    self._stops.append(submit(labels, on_done=labelled, on_error=not_labelled,
                                              name="Reading asset labels", pool=reads_pool()).cancel)

            self.canvas.rendered.connect(first_frame)
            self._stops.append(give_up)

        def failed(exc, tb):
            loading.end(task)  # nothing more is coming: the window is not left "loading"
            if self.session is not session:  # closed meanwhile: the read was stopped
                return
            from .errors import show_exception

            show_exception(exc, tb, title="The register's assets could not be loaded")

        self._stops.append(submit(work, on_done=done, on_error=failed, on_progress=loading.report,
                                  name="Opening the register").cancel)

    def _show_overview(self, layer, session) -> None:
        """The first frame of a large register, drawn before its assets are read: a density
        view of its index's leaf boxes (``render/overview.py``), read in a worker in a
        fraction of a second; the canvas replaces it once the assets are in."""
        store = session.store

        def work(task):
            found = store.index_boxes()  # (a read-only connection of its own)
            return None if found is None else Overview(*found)

        def done(overview):
            if (overview is not None and overview.n_assets >= OVERVIEW_FROM
                    and self.session is session and layer.data is None):
                self.canvas.show_overview(layer, overview)

        submit(work, on_done=done, on_error=lambda exc, tb: None, name="Register overview")

    def close_register(self) -> None:
        """Close the open register (its layers, works and check service go with it; the dig
        stays in the window state for a reopening of the same register)."""
        self.state.session.close()
        self.window.search_dock.set_examples(None, None)

    def add_reference(self, path: str, layer: str | None = None) -> None:
        """Add a vector file layer as a backdrop (loaded in the background)."""
        if layer is None:
            names = reference_layers(path)
            if len(names) > 1:
                layer, ok = QInputDialog.getItem(self.window, "Reference layer", f"Layer of {Path(path).name}",
                                                 names, 0, False)
                if not ok:
                    return
            else:
                layer = names[0]
        layers = self.state.layers
        ref = layers.add(Layer(f"{layer}", REFERENCE, source=f"{path}|{layer}"), len(self.state.reference_layers()))
        crs = self.state.session.crs or self.app_settings.working_crs

        def done(packed):
            if ref in list(layers):
                layers.update(ref, data=packed)

        def failed(exc, tb):
            if ref in list(layers):
                layers.remove(ref)
            from .errors import show_exception

            show_exception(exc, tb, title=f"{Path(path).name} cannot be shown")

        submit(lambda task: load_reference(path, layer, crs), on_done=done, on_error=failed,
               name=f"Adding {Path(path).name}")
        self.remember_references()

    def choose_reference(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Add a reference layer", "",
            "Vector files (*.gpkg *.shp *.geojson *.json *.fgb *.gml *.kml *.dxf *.gdb *.zip);;All files (*)")
        if path:
            self.add_reference(path)

    def display_cache_dir(self):
        """Folder of the register layer's display cache (None disables it)."""
        return display_cache_dir(self.app_settings)

    # -- identify ----------------------------------------------------------------------
    def identify_at(self, x: float, y: float, tolerance: float) -> list[dict]:
        w = self.window
        if self.session is None:
            return []
        store = self.session.store
        reach = tolerance  # a point's symbol is about as wide as the click tolerance
        r = tolerance + reach
        found = store.query_bbox((x - r, y - r, x + r, y + r), columns=["asset_id"])
        order = nearest_first(found.geometry.array, x, y, tolerance, reach)
        ids = found["asset_id"].to_numpy(dtype=object)[order].tolist()
        by_id = store.get_assets(ids)
        assets = [by_id[a] for a in ids if a in by_id]
        w.identify_dock.show_assets(assets)
        w.selection.geometries = [a["geometry"] for a in assets]
        self.canvas.update()
        w.status(f"{len(assets)} asset(s) at {x:.1f}, {y:.1f}")
        return assets

    def zoom_to_selection(self) -> None:
        geoms = self.window.selection.geometries
        if geoms:
            self.canvas.zoom_to(shapely.total_bounds(geoms), margin=0.5)

    # -- search ---------------------------------------------------------------------------
    def run_search(self, text: str | None = None):
        """Search the box's text (or ``text``): hits listed in the search dock, the first shown."""
        w = self.window
        return w.search_dock.run(w.search_box.text() if text is None else text)

    # -- works and notices -----------------------------------------------------------------
    def refresh_works(self) -> None:
        self.state.set_works(self.session.store.works() if self.session else None)

    def _show_works(self, works) -> None:
        self.window.works_overlay.works = works
        self.window.works_dock.set_works(works)
        self.canvas.update()

    def refresh_notices(self) -> None:
        self.window.notices_dock.set_notices(self.session.store.notices() if self.session else None)

    def zoom_to_work(self, row) -> None:
        geom = row.get("geometry")
        if geom is not None:
            self.canvas.zoom_to(geom.bounds, margin=0.6)

    def open_folder(self, folder: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))
