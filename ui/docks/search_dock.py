"""Search results: every hit of the search box in a list walked with Up/Down from the box,
Enter (or a click) zooms to one; the hit stays highlighted on the map until Esc, the box's
clear button or the next search."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QListWidget, QListWidgetItem

from asset_register.errors import AssetRegisterError
from asset_register.use_log import record_search

from ..models.search import (
    NO_REGISTER,
    AssetIds,
    Hit,
    Street,
    examples,
    search,
    street_index,
    usrn_strings,
)
from ..render.packed import part_vertex_index
from ..workers import reads_pool, submit

KIND_TAGS = {"asset": "Asset", "street": "Street", "works": "Works", "coordinates": "Point",
             "grid reference": "Grid ref"}


def read_asset_ids(store):
    """Every live asset id, without geometry when the store can (GeoPackage: an Arrow
    array, never a million Python strings), else as an object array."""
    if hasattr(store, "read_arrow"):
        _, table = store.read_arrow(["asset_id"], read_geometry=False)
        return table.column("asset_id")
    return store.read_assets(columns=["asset_id"])["asset_id"].to_numpy(dtype=object)


def street_geometry(packed, street: Street):
    """The lines of one street of a reference layer (one USRN, else one name)."""
    labels = np.asarray(packed.labels, dtype=object)
    feats = labels == street.name
    if street.usrn is not None and packed.usrn is not None:
        feats &= usrn_strings(packed.usrn) == street.usrn
    parts = np.flatnonzero(feats[packed.part_feature])
    if not len(parts):
        return None
    idx, _ = part_vertex_index(packed.part_offsets, parts)
    which = np.repeat(np.arange(len(parts)), np.diff(packed.part_offsets)[parts])
    return shapely.multilinestrings(shapely.linestrings(packed.absolute(packed.coords[idx]), indices=which))


class SearchDock(QDockWidget):
    hitChosen = Signal(object)  # Hit

    def __init__(self, window) -> None:
        super().__init__("Search results", window)
        self.setObjectName("SearchDock")
        self.window = window
        self.list = QListWidget()
        self.list.itemActivated.connect(lambda item: self.show_hit(item.data(Qt.ItemDataRole.UserRole)))
        self.list.itemClicked.connect(lambda item: self.show_hit(item.data(Qt.ItemDataRole.UserRole)))
        self.setWidget(self.list)
        self.hits: list[Hit] = []
        self.current: Hit | None = None
        self.box = None
        self.examples = NO_REGISTER  # the open register's (set_examples)
        self._ids: AssetIds | None = None
        self._ids_session = None
        self._streets: dict[int, tuple] = {}  # id(packed) -> (packed, [Street])
        window.registerLoaded.connect(self._index_after_first_frame)

    # -- the search box ------------------------------------------------------------------
    def attach(self, box) -> None:
        """Drive this list from the window's search box: Enter searches, Up/Down walk the
        hits, Esc (or clearing the box) removes the highlight."""
        self.box = box
        box.returnPressed.connect(lambda: self.run(box.text()))
        box.textChanged.connect(lambda text: None if text.strip() else self.clear())
        box.installEventFilter(self)

    def eventFilter(self, obj: QObject, event) -> bool:
        if obj is self.box and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.hits:
                self.step(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key == Qt.Key.Key_Escape:
                self.box.clear()
                self.clear()
                return True
        return super().eventFilter(obj, event)

    def step(self, delta: int) -> None:
        """Move to the next / previous hit and zoom to it."""
        row = min(max(self.list.currentRow() + delta, 0), self.list.count() - 1)
        self.list.setCurrentRow(row)
        self.show_hit(self.list.item(row).data(Qt.ItemDataRole.UserRole))

    # -- the register's ids --------------------------------------------------------------
    def _index_after_first_frame(self) -> None:
        """Read the ids once the register's first frame is on the map: read at once, their
        snapshot copy and read would take the cores the first frame is drawn with."""
        canvas = self.window.canvas
        layer = canvas.layers.register_layer()
        if layer is None or canvas.cached_image(layer.id) is not None:
            self.index_assets()
            return

        def rendered(layer_id, *_):
            if layer_id == layer.id:
                canvas.rendered.disconnect(rendered)
                self.index_assets()

        canvas.rendered.connect(rendered)

    def index_assets(self) -> None:
        """Read every live asset id in the background once the register is loaded."""
        session = self.window.session
        if session is None or self._ids_session is session:
            return
        self._ids, self._ids_session = None, session

        def work(task):
            if self.window.session is not session:  # closed while this waited its turn
                return None
            # (the store and snapshot copy the reads after an opening share)
            return session.shared_read(lambda store: AssetIds(read_asset_ids(store)))

        def done(ids):
            if self._ids_session is session and self.window.session is session:
                self._ids = ids

        # one after another with the register's label fields and the quality report
        submit(work, on_done=done, on_error=lambda exc, tb: None, name="Indexing asset ids",
               pool=reads_pool())

    def _find_assets(self, text: str) -> list[tuple[str, tuple, str]]:
        store = self.window.session.store
        if self._ids is not None and self._ids_session is self.window.session:
            ids = self._ids.find(text)
        else:  # not indexed yet: the id as typed, or with an owner's prefix
            ids = [text.strip()] + [f"{o.code}:{text.strip()}" for o in store.owners()]
        out = []
        try:
            found = store.get_assets(ids)
        except AssetRegisterError:
            return out
        for asset_id in ids:
            a = found.get(asset_id)
            if a is None:
                continue
            detail = " · ".join(str(a.get(k)) for k in ("owner", "utility", "asset_class") if a.get(k))
            out.append((asset_id, tuple(shapely.bounds(a["geometry"]).tolist()), detail))
        return out

    def _street_list(self) -> list[tuple]:
        """(packed, Street) of every named feature group of the reference layers (cached)."""
        out = []
        layers = [lay.data for lay in self.window.state.reference_layers() if lay.data is not None]
        # street lines before buildings' addresses
        for packed in sorted(layers, key=lambda p: bool(len(p.part_closed)) and bool(p.part_closed.all())):
            if packed.labels is None:
                continue
            cached = self._streets.get(id(packed))
            if cached is None or cached[0] is not packed:
                cached = (packed, street_index(packed.labels, packed.usrn, packed.part_feature,
                                               packed.absolute_bounds()))
                self._streets[id(packed)] = cached
            out += [(packed, s) for s in cached[1]]
        return out

    def set_examples(self, store, extent) -> None:
        """The search box's examples from the open register (None: no register open)."""
        if store is None:
            self.examples = NO_REGISTER
        else:
            from asset_register import settings as reg

            self.examples = examples(extent, bng=store.crs.to_epsg() == 27700,
                                     british=reg.register_country(store) == "GB")
        if self.box is not None:
            self.box.setPlaceholderText(self.examples.placeholder)

    # -- searching -----------------------------------------------------------------------
    def run(self, text: str) -> Hit | None:
        """Search, list every hit and show the first; None (and a hint) when nothing is found."""
        w = self.window
        self.clear()
        if w.session is None or not (text or "").strip():
            return None
        streets = self._street_list()
        self._street_of = {(s.name, s.bounds): (packed, s) for packed, s in streets}
        works = []
        frame = w.state.works
        if frame is not None and len(frame):
            works = list(zip(frame["reference"].astype(str), shapely.bounds(frame.geometry.array).tolist()))
        self.hits = search(text, bng=w.session.crs.to_epsg() == 27700, find_assets=self._find_assets,
                           streets=[s for _, s in streets], works=works)
        record_search(w.session.store, text, hits=len(self.hits),
                      bounds=[h.bounds for h in self.hits if h.bounds is not None],
                      purpose=getattr(w.checks, "purpose", None))
        if not self.hits:
            w.status(f"Nothing found for {text!r}: {self.examples.hint}")
            return None
        for hit in self.hits:
            line = f"{KIND_TAGS.get(hit.kind, hit.kind)}: {hit.label}" + (f" — {hit.detail}" if hit.detail else "")
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.list.addItem(item)
        if len(self.hits) > 1:
            self.show()
            self.raise_()
        self.list.setCurrentRow(0)
        self.show_hit(self.hits[0])
        return self.hits[0]

    def show_hit(self, hit: Hit | None) -> None:
        """Zoom to a hit and highlight it (replacing any earlier highlight)."""
        if hit is None:
            return
        w = self.window
        sel = w.selection
        sel.geometries, sel.marker = [], hit.point
        if hit.kind == "asset":
            asset = w.session.store.get_asset(hit.key)
            sel.geometries = [asset["geometry"]]
            w.identify_dock.show_assets([asset])
        elif hit.kind == "street":
            packed, street = self._street_of.get((hit.label, hit.bounds), (None, None))
            geom = street_geometry(packed, street) if packed is not None else None
            sel.geometries = [geom] if geom is not None else []
        elif hit.kind == "works" and w.state.works is not None:
            rows = w.state.works[w.state.works["reference"].astype(str) == hit.key]
            sel.geometries = list(rows.geometry.array)
        self.current = hit
        w.canvas.zoom_to(hit.bounds, margin=0.1)
        w.canvas.update()
        i = self.hits.index(hit) if hit in self.hits else 0
        more = (f" ({i + 1} of {len(self.hits)}: Up/Down in the search box for the others, Esc clears)"
                if len(self.hits) > 1 else " (Esc clears)")
        w.status(f"{hit.kind}: {hit.label}{more}")
        self.hitChosen.emit(hit)

    def clear(self) -> None:
        """Remove the hits and their highlight from the map."""
        self.hits, self.current = [], None
        self.list.clear()
        sel = self.window.selection
        if sel.geometries or sel.marker is not None:
            sel.geometries, sel.marker = [], None
            self.window.canvas.update()
