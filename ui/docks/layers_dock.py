"""The layer panel: visibility, order, the register's utilities with their colours (legend
and filter), and reference backdrops."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QToolButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from asset_register import colours

from ..models.layers import DEVIATIONS, REFERENCE, REGISTER, LayerList
from ..render import styles

ROLE_LAYER = Qt.ItemDataRole.UserRole
ROLE_UTILITY = Qt.ItemDataRole.UserRole + 1


def swatch(colour: str, line: bool = True) -> QIcon:
    pix = QPixmap(22, 14)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    c = QColor(colour)
    if line:
        casing = colours.casing_for(colour)
        if casing:
            p.setPen(QPen(QColor(casing), 5))
            p.drawLine(2, 7, 20, 7)
        p.setPen(QPen(c, 3))
        p.drawLine(2, 7, 20, 7)
    else:
        p.setPen(QPen(c.darker(130), 1))
        p.setBrush(c)
        p.drawRect(3, 2, 16, 10)
    p.end()
    return QIcon(pix)


def deviation_swatch() -> QIcon:
    """The deviation reports' key: a dashed magenta line on a white casing, and a diamond."""
    from ..render.deviations import CASING, DEVIATION, diamond

    pix = QPixmap(22, 14)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(CASING, 5))
    p.drawLine(1, 7, 21, 7)
    pen = QPen(DEVIATION, 2.5)
    pen.setDashPattern([2.0, 1.2])
    p.setPen(pen)
    p.drawLine(1, 7, 21, 7)
    p.setPen(QPen(DEVIATION.darker(120), 1))
    p.setBrush(DEVIATION)
    p.drawPath(diamond(16, 7, 5))
    p.end()
    return QIcon(pix)


class LayersDock(QDockWidget):
    addReferenceRequested = Signal()
    layersEdited = Signal()
    zoomToLayer = Signal(object)

    def __init__(self, layers: LayerList, parent=None) -> None:
        super().__init__("Layers", parent)
        self.setObjectName("LayersDock")
        self.layers = layers
        self.scheme = "njug"
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(2, 2, 2, 2)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        lay.addWidget(self.tree)
        bar = QHBoxLayout()
        for text, tip, slot in (("Add…", "Add a reference layer (any vector file)", self.addReferenceRequested.emit),
                                ("Remove", "Remove the selected reference layer", self._remove),
                                ("▲", "Move layer up", lambda: self._move(+1)),
                                ("▼", "Move layer down", lambda: self._move(-1)),
                                ("Zoom", "Zoom to the selected layer", self._zoom)):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addStretch()
        lay.addLayout(bar)
        self.setWidget(body)
        for ev in (layers.added, layers.removed, layers.changed):
            ev.connect(lambda *_: self.rebuild())
        layers.moved.connect(self.rebuild)
        self._building = False

    def set_scheme(self, scheme: str) -> None:
        self.scheme = scheme
        self.rebuild()

    def rebuild(self) -> None:
        self._building = True
        self.tree.clear()
        for layer in reversed(list(self.layers)):  # top of the list is drawn last
            item = QTreeWidgetItem(self.tree, [layer.name])
            item.setData(0, ROLE_LAYER, layer.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            item.setToolTip(0, layer.source)
            if layer.kind == REGISTER:
                for label, colour in colours.legend(self.scheme):
                    key = label.replace(" ", "_")
                    utility = "electricity" if key.startswith("electricity") else key
                    child = QTreeWidgetItem(item, [label])
                    child.setIcon(0, swatch(colour))
                    child.setData(0, ROLE_LAYER, layer.id)
                    child.setData(0, ROLE_UTILITY, utility)
                    child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    child.setCheckState(0, Qt.CheckState.Unchecked if utility in layer.hidden_utilities
                                        else Qt.CheckState.Checked)
                item.setExpanded(True)
            elif layer.kind == DEVIATIONS:
                item.setIcon(0, deviation_swatch())
                item.setToolTip(0, "Open deviation reports: the reported position (dashed), a leader "
                                   "to the record, records not found crossed out; numbers as in the "
                                   "Deviations dock")
            else:
                item.setIcon(0, swatch(styles.BUILDING_FILL.name(), line=False))
        self._building = False

    def _layer_of(self, item):
        return self.layers.by_id(item.data(0, ROLE_LAYER)) if item is not None else None

    def _item_changed(self, item, column) -> None:
        if self._building:
            return
        layer = self._layer_of(item)
        if layer is None:
            return
        on = item.checkState(0) == Qt.CheckState.Checked
        utility = item.data(0, ROLE_UTILITY)
        if utility:
            self.layers.set_utility_visible(layer, utility, on)
        elif on != layer.visible:
            self.layers.update(layer, visible=on)

    def _double_clicked(self, item, column) -> None:
        layer = self._layer_of(item)
        if layer is not None and not item.data(0, ROLE_UTILITY):
            self.zoomToLayer.emit(layer)

    def selected_layer(self):
        return self._layer_of(self.tree.currentItem())

    def _remove(self) -> None:
        layer = self.selected_layer()
        if layer is not None and layer.kind == REFERENCE:  # the register's own layers stay (untick to hide)
            self.layers.remove(layer)
            self.layersEdited.emit()

    def _move(self, delta: int) -> None:
        layer = self.selected_layer()
        if layer is not None:
            self.layers.move(layer, self.layers.index(layer) + delta)

    def _zoom(self) -> None:
        layer = self.selected_layer()
        if layer is not None:
            self.zoomToLayer.emit(layer)
