"""What the main window does with an open register: load its layers, identify, search,
planned works and notices. A mixin of ``MainWindow`` kept apart to keep files small."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np
import shapely
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog

from asset_register import settings as reg
from asset_register.errors import AssetRegisterError, NotFoundError

from .dig.check_service import CheckService
from .dig.controller import DigController
from .models.layers import REFERENCE, REGISTER, Layer
from .models.search import search
from .render import display_cache
from .render.loading import complete_register, load_reference, load_register, reference_layers
from .session import Session
from .workers import submit


class RegisterMixin:
    # -- opening ----------------------------------------------------------------------
    def _references_key(self) -> str:
        return "references/" + hashlib.sha1(self.session.saved_location.encode()).hexdigest()[:16]

    def remember_references(self) -> None:
        if self.session is not None:
            self.app_settings.set(self._references_key(),
                                  [lay.source for lay in self.canvas.layers if lay.kind == REFERENCE])

    def _default_references(self) -> list[tuple[str, str]]:
        """The backdrops last used with this register; the sample town's streets and
        buildings for a register built from the bundled sample."""
        saved = self.app_settings.get(self._references_key())
        if saved is not None:
            saved = [saved] if isinstance(saved, str) else list(saved)
            return [tuple(s.split("|", 1)) for s in saved if "|" in s and Path(s.split("|", 1)[0]).exists()]
        from importers.sample import town_dir

        from .app import sample_references

        try:
            files = self.session.store.batches()["source_file"].astype(str)
        except Exception:  # an empty or foreign register: no default backdrop
            return []
        town = str(town_dir().resolve())
        return sample_references() if len(files) and files.str.startswith(town).any() else []

    def open_register(self, location, references: list[tuple[str, str]] | None = None,
                      keep_dig: bool = False) -> None:
        """Open a register (path or URL) and load its layers in the background. ``keep_dig``
        (reopening the same register, e.g. after an import): the drawn dig, its parameters and
        its undo history stay and the dig is checked again against the reopened register."""
        dig = self.dig if keep_dig else None
        self.close_register(keep_dig=dig is not None)
        t0 = time.perf_counter()
        self.session = Session(location)
        store = self.session.store
        if references is None:
            references = self._default_references()
        self.setWindowTitle(f"{self.session.name} — Underground Asset Register")
        self.app_settings.add_recent(self.session.saved_location)  # never a password
        scheme = reg.raw(store, "colour_scheme") or self.app_settings.scheme
        self.set_scheme(scheme)
        self.layer = Layer(f"Register: {self.session.name}", REGISTER, source=self.session.name)
        self.canvas.layers.add(self.layer)
        extent = store.extent()
        if extent is not None:
            self.canvas.zoom_to(extent)
        self._load_register_layer(t0)  # the assets load while the rest of the window is set up
        self.check_service = CheckService(self.session, None, self)  # the register's rules
        if dig is None:
            self.dig = DigController(self.check_service, store.crs.to_string(), self)
            self._connect_dig()
        else:
            self.dig = dig
            dig.use_service(self.check_service, store.crs.to_string())
            self.canvas.overlays.append(self.dig_overlay)
            dig.recheck()
        self.crs_label.setText(store.crs.to_string())
        for path, layer in references or []:
            self.add_reference(path, layer)
        self.refresh_works()
        self.refresh_notices()

    def _load_register_layer(self, t0: float) -> None:
        """Read the register layer in a worker; once its first frame is drawn, add the grid
        index and label fields (``complete_register``) with the same worker store, so both
        reads share one snapshot, then write the display cache."""
        self._load_started = t0
        self.loading = True
        session = self.session
        cache_dir = self.display_cache_dir()

        def work(task):
            s = session.open_worker_store()
            try:
                key = state = None
                if cache_dir:
                    state = display_cache.register_state(s)  # before the assets are read
                    if display_cache.exists(cache_dir, session.saved_location):
                        key = display_cache.cache_key(s, state)
                        cached = display_cache.load(key, cache_dir, session.saved_location)
                        if cached is not None:
                            s.close()
                            task.progress(1.0, "assets ready (from the display cache)")
                            return cached, None
                packed = load_register(s, task.progress)
                if cache_dir:
                    packed.cache_key = display_cache.cache_key(s, state, packed.n_features)
                return packed, s
            except BaseException:
                s.close()
                raise

        def close_later(reader):
            if reader is not None:  # its snapshot file is deleted off the GUI thread
                submit(lambda task: reader.close(), on_done=lambda _: None,
                       on_error=lambda exc, tb: None, name="Closing a register reader")

        def save_cache(packed):
            key = getattr(packed, "cache_key", None)
            if cache_dir and key and "material" in packed.codes:
                submit(lambda task: display_cache.save(packed, key, cache_dir, session.saved_location),
                       on_done=lambda _: None, on_error=lambda exc, tb: None, name="Display cache")

        def done(result):
            packed, reader = result
            if self.session is not session:
                close_later(reader)
                return
            self.canvas.layers.update(self.layer, data=packed)
            self.loading = False
            self.status(f"{packed.n_features:,} assets loaded in {time.perf_counter() - t0:.2f} s")
            self.registerLoaded.emit()
            if "material" in packed.codes:
                close_later(reader)
                return
            self.loading = True  # labels, grid index: once the first frame is up

            def labels(task):
                try:
                    return complete_register(reader, packed)
                finally:
                    reader.close()

            def labelled(ok):
                self.loading = False
                if self.session is session and ok:
                    self.canvas.refresh_layer(self.layer)
                    save_cache(packed)

            def first_frame(layer_id, *_):
                if layer_id == self.layer.id:
                    self.canvas.rendered.disconnect(first_frame)
                    submit(labels, on_done=labelled, name="Reading asset labels")

            self.canvas.rendered.connect(first_frame)

        def failed(exc, tb):
            if self.session is session:
                self.loading = False  # nothing more is coming: the window is not left "loading"
            from .errors import show_exception

            show_exception(exc, tb, title="The register's assets could not be loaded")

        submit(work, on_done=done, on_error=failed, on_progress=self._progress, name="Opening the register")

    def close_register(self, keep_dig: bool = False) -> None:
        """Close the open register; ``keep_dig``: the dig controller (footprint, undo history)
        is kept for ``open_register(..., keep_dig=True)``."""
        if getattr(self, "session", None) is None:
            return
        self.canvas.layers.clear()
        if self.dig is not None:
            self.canvas.overlays.remove(self.dig_overlay)
            if not keep_dig:
                self.dig = None
        self.check_service.shutdown()
        self.session.close()
        self.session = None
        self.conflicts_dock.set_result(None)

    def add_reference(self, path: str, layer: str | None = None) -> None:
        """Add a vector file layer as a backdrop (loaded in the background)."""
        if layer is None:
            names = reference_layers(path)
            if len(names) > 1:
                layer, ok = QInputDialog.getItem(self, "Reference layer", f"Layer of {Path(path).name}",
                                                 names, 0, False)
                if not ok:
                    return
            else:
                layer = names[0]
        ref = Layer(f"{layer}", REFERENCE, source=f"{path}|{layer}")
        index = sum(1 for lay in self.canvas.layers if lay.kind == REFERENCE)
        self.canvas.layers.add(ref, index)
        crs = self.session.crs if self.session else self.app_settings.working_crs

        def work(task):
            return load_reference(path, layer, crs)

        def done(packed):
            if ref in list(self.canvas.layers):
                self.canvas.layers.update(ref, data=packed)
                self.references[ref.name] = packed

        def failed(exc, tb):
            if ref in list(self.canvas.layers):
                self.canvas.layers.remove(ref)
            from .errors import show_exception

            show_exception(exc, tb, title=f"{Path(path).name} cannot be shown")

        submit(work, on_done=done, on_error=failed, name=f"Adding {Path(path).name}")
        self.remember_references()

    def choose_reference(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Add a reference layer", "",
            "Vector files (*.gpkg *.shp *.geojson *.json *.fgb *.gml *.kml *.dxf *.gdb *.zip);;All files (*)")
        if path:
            self.add_reference(path)

    def display_cache_dir(self):
        """Folder of the register layer's display cache (None disables it)."""
        from PySide6.QtCore import QStandardPaths

        if not self.app_settings.value("display_cache"):
            return None
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
        return Path(base or Path.home() / ".cache" / "asset-register") / "display"

    # -- identify ----------------------------------------------------------------------
    def identify_at(self, x: float, y: float, tolerance: float) -> list[dict]:
        if self.session is None:
            return []
        store = self.session.store
        box = (x - tolerance, y - tolerance, x + tolerance, y + tolerance)
        found = store.query_bbox(box, columns=["asset_id"])
        if not len(found):
            self.identify_dock.show_assets([])
            self.selection.geometries = []
            self.canvas.update()
            return []
        d = shapely.distance(found.geometry.array, shapely.Point(x, y))
        order = np.argsort(d)
        ids = [found["asset_id"].iloc[i] for i in order if d[i] <= tolerance][:8]
        assets = [store.get_asset(a) for a in ids]
        self.identify_dock.show_assets(assets)
        self.selection.geometries = [a["geometry"] for a in assets]
        self.canvas.update()
        self.status(f"{len(assets)} asset(s) at {x:.1f}, {y:.1f}")
        return assets

    def zoom_to_selection(self) -> None:
        geoms = self.selection.geometries
        if geoms:
            self.canvas.zoom_to(shapely.total_bounds(geoms), margin=0.5)

    # -- search ---------------------------------------------------------------------------
    def _find_asset(self, text: str):
        try:
            return shapely.bounds(self.session.store.get_asset(text)["geometry"]).tolist()
        except (NotFoundError, AssetRegisterError):
            return None

    def run_search(self, text: str | None = None):
        text = self.search_box.text() if text is None else text
        if self.session is None or not text.strip():
            return None
        streets = []
        for packed in self.references.values():
            if packed.labels is None:
                continue
            names = packed.labels
            for name in sorted({str(n) for n in names if n}):
                feats = np.flatnonzero(names == name)
                parts = np.isin(packed.part_feature, feats)
                b = packed.part_bounds[parts]
                if len(b):
                    streets.append((name, (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())))
        works = []
        if self._works is not None and len(self._works):
            works = list(zip(self._works["reference"].astype(str), shapely.bounds(self._works.geometry.array).tolist()))
        hits = search(text, bng=self.session.crs.to_epsg() == 27700, find_asset=self._find_asset,
                      streets=streets, works=works)
        if not hits:
            self.status(f"Nothing found for {text!r}: try coordinates (530500 180600), a grid "
                        "reference (TQ 305 806), an asset id or a street name")
            return None
        hit = hits[0]
        self.canvas.zoom_to(hit.bounds, margin=0.1)
        self.selection.marker = hit.point
        if hit.kind == "asset":
            self.selection.geometries = [self.session.store.get_asset(hit.key)["geometry"]]
            self.identify_dock.show_assets([self.session.store.get_asset(hit.key)])
        self.canvas.update()
        more = f" ({len(hits) - 1} more)" if len(hits) > 1 else ""
        self.status(f"{hit.kind}: {hit.label}{more}")
        return hit

    # -- works and notices -----------------------------------------------------------------
    def refresh_works(self) -> None:
        self._works = self.session.store.works() if self.session else None
        self.works_overlay.works = self._works
        self.works_dock.set_works(self._works)
        self.canvas.update()

    def refresh_notices(self) -> None:
        self.notices_dock.set_notices(self.session.store.notices() if self.session else None)

    def zoom_to_work(self, row) -> None:
        geom = row.get("geometry")
        if geom is not None:
            self.canvas.zoom_to(geom.bounds, margin=0.6)

    def open_folder(self, folder: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))
