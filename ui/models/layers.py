"""The layer list: register layer, reference backdrops, in drawing order (bottom first).

Layers are plain objects; the layer dock and the canvas subscribe to
``LayerList`` events. Data attached to a layer (packed geometry) is pure numpy.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from .events import EventEmitter

_ids = itertools.count(1)

REGISTER = "register"
REFERENCE = "reference"
DEVIATIONS = "deviations"  # the open deviation reports (data: DeviationMarks)


@dataclass(eq=False)
class Layer:
    name: str
    kind: str  # REGISTER | REFERENCE | DEVIATIONS
    source: str = ""
    visible: bool = True
    opacity: float = 1.0
    data: Any = None  # PackedGeometry once loaded (DeviationMarks for DEVIATIONS)
    hidden_utilities: set[str] = field(default_factory=set)  # register layer filter
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def bounds(self):
        return None if self.data is None else self.data.total_bounds


class LayerList:
    """Ordered layers (index 0 drawn first). Events: changed(layer), added(layer),
    removed(layer), moved()."""

    def __init__(self) -> None:
        self._layers: list[Layer] = []
        self.changed = EventEmitter()
        self.added = EventEmitter()
        self.removed = EventEmitter()
        self.moved = EventEmitter()

    def __iter__(self):
        return iter(list(self._layers))

    def __len__(self) -> int:
        return len(self._layers)

    def __getitem__(self, i: int) -> Layer:
        return self._layers[i]

    def index(self, layer: Layer) -> int:
        return self._layers.index(layer)

    def by_id(self, layer_id: int) -> Layer | None:
        return next((lay for lay in self._layers if lay.id == layer_id), None)

    def register_layer(self) -> Layer | None:
        return next((lay for lay in self._layers if lay.kind == REGISTER), None)

    def add(self, layer: Layer, index: int | None = None) -> Layer:
        if index is None:
            self._layers.append(layer)
        else:
            self._layers.insert(index, layer)
        self.added.emit(layer)
        return layer

    def remove(self, layer: Layer) -> None:
        self._layers.remove(layer)
        self.removed.emit(layer)

    def clear(self) -> None:
        for layer in list(self._layers):
            self.remove(layer)

    def move(self, layer: Layer, index: int) -> None:
        self._layers.remove(layer)
        self._layers.insert(max(0, min(index, len(self._layers))), layer)
        self.moved.emit()

    def update(self, layer: Layer, **changes) -> None:
        for key, value in changes.items():
            setattr(layer, key, value)
        self.changed.emit(layer)

    def set_utility_visible(self, layer: Layer, utility: str, visible: bool) -> None:
        hidden = set(layer.hidden_utilities)
        hidden.discard(utility) if visible else hidden.add(utility)
        self.update(layer, hidden_utilities=hidden)

    def visible_bounds(self):
        """Union of the bounds of every visible loaded layer, or None."""
        boxes = [lay.bounds for lay in self._layers if lay.visible and lay.bounds is not None]
        if not boxes:
            return None
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))
