"""Pages of the import wizard (see ``import_wizard``)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSplitter, QTableView, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWizardPage)

from asset_register.errors import AssetRegisterError
from asset_register.model import Owner, Utility
from importers.cli import crs_summary

from ..docks.frame_model import FrameModel
from .gui_wording import for_gui
from .mapping_table import MappingTable
from .scope_box import ScopeBox

FILTER = ("Owner deliveries (*.gpkg *.shp *.geojson *.json *.fgb *.gml *.kml *.kmz *.dxf *.csv *.zip "
          "*.gdb *.tab *.mif *.xml *.sqlite);;All files (*)")
DELIVERY_NOTE = {"imkl": "KLIC delivery: its network operators are the owners",
                 "inspire": "INSPIRE Utility Networks: links joined to their features"}


def _table(model) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setDefaultSectionSize(22)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class SourcePage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Files and layers")
        self.setSubTitle("Choose or drop the owner's files, then the layers to import. The CRS of "
                         "each layer is detected and its coordinates checked.")
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        add = QPushButton("Add files…")
        add.clicked.connect(self._choose)
        remove = QPushButton("Remove file")
        remove.clicked.connect(self._remove)
        bar.addWidget(add)
        bar.addWidget(remove)
        bar.addStretch()
        lay.addLayout(bar)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["File / layer", "Geometry", "Features", "CRS", "Warnings"])
        self.tree.setColumnWidth(0, 260)
        self.tree.itemChanged.connect(lambda *_: self.completeChanged.emit())
        lay.addWidget(self.tree)
        form = QFormLayout()
        row = QHBoxLayout()
        self.crs = QLineEdit()
        self.crs.setPlaceholderText("for layers without a CRS, e.g. EPSG:28992")
        self.crs.textChanged.connect(self._crs_changed)
        self.force = QCheckBox("Override the declared CRS")
        self.force.setToolTip("Use the assumed CRS for every layer, even one that declares its own "
                              "(only when the owner confirms the declared CRS is wrong)")
        self.force.toggled.connect(self._crs_changed)
        row.addWidget(self.crs, 1)
        row.addWidget(self.force)
        form.addRow("Assume CRS", row)
        lay.addLayout(form)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        lay.addWidget(self.problem)
        self.files: list[str] = []

    def assume_crs(self) -> str | None:
        return self.crs.text().strip() or None

    def force_crs(self) -> bool:
        return self.force.isChecked()

    def why_not(self) -> str | None:
        """Why Next cannot go on with the CRS choices, or None."""
        if self.force_crs() and not self.assume_crs():
            return "'Override the declared CRS' needs the CRS to use: fill in 'Assume CRS'"
        return None

    def _crs_changed(self, *_) -> None:
        why = self.why_not()
        self.problem.setText(f"<span style='color:#b00020'>{why}</span>" if why else "")
        self.completeChanged.emit()

    def _choose(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Owner's files", "", FILTER)
        self.add_files(files)

    def _remove(self) -> None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is not None:
            path = item.data(0, Qt.ItemDataRole.UserRole)
            self.files.remove(path)
            self.w.infos.pop(path, None)
            self.w.profiles.pop(path, None)
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
            self.completeChanged.emit()

    def add_files(self, files) -> None:
        from importers.api import inspect
        from importers.imkl import find_delivery

        crs = self.w.session.crs
        for path in files:
            path = str(path)
            if path in self.files:
                continue
            self.files.append(path)
            item = QTreeWidgetItem(self.tree, [Path(path).name, "", "", "", "reading…"])
            item.setData(0, Qt.ItemDataRole.UserRole, path)
            item.setToolTip(0, path)

            def done(result, item=item, path=path):
                kind, info = result
                self.w.kinds[path] = kind
                self.w.infos[path] = info
                self._fill(item, info, kind)

            def failed(exc, tb, item=item, path=path):
                item.setText(4, for_gui(exc))
                item.setForeground(4, Qt.GlobalColor.red)
                self.files.remove(path)

            def work(task, p=path):
                found = find_delivery(p)
                return (found.kind if found else None), inspect(p, crs)

            self.w.run(work, done, f"Reading {Path(path).name}", on_error=failed)

    def _fill(self, item, info, kind=None) -> None:
        self.tree.blockSignals(True)
        item.setText(1, info.driver)
        warnings = [for_gui(t) for t in info.warnings]
        item.setText(4, DELIVERY_NOTE[kind] if kind else "; ".join(warnings))
        item.setToolTip(4, "\n".join(warnings))
        only = len(info.layers) == 1
        for layer in info.layers:
            layer_warnings = [for_gui(t) for t in layer.warnings]
            child = QTreeWidgetItem(item, [layer.name, layer.geometry_type or "", f"{layer.features:,}",
                                           layer.crs or "none — set 'Assume CRS'", "; ".join(layer_warnings)])
            if kind:  # a delivery is imported whole: its feature types are shown, not chosen
                continue
            child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            child.setCheckState(0, Qt.CheckState.Checked if (only or layer.features) else Qt.CheckState.Unchecked)
            if layer.warnings:
                child.setForeground(4, Qt.GlobalColor.darkRed)
                child.setToolTip(4, "\n".join(layer_warnings))
        item.setExpanded(True)
        self.tree.blockSignals(False)
        for c in range(1, 4):
            self.tree.resizeColumnToContents(c)
        self.completeChanged.emit()

    def selected_layers(self) -> dict[str, list[str]]:
        out = {}
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            path = item.data(0, Qt.ItemDataRole.UserRole)
            whole = self.w.kinds.get(path) is not None  # a delivery: all of it
            names = [item.child(j).text(0) for j in range(item.childCount())
                     if whole or item.child(j).checkState(0) == Qt.CheckState.Checked]
            if names and path in self.w.infos:
                out[path] = names
        return out

    def isComplete(self) -> bool:
        return not self.w.busy and bool(self.selected_layers()) and self.why_not() is None


class OwnerPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Owner, utility and delivery scope")
        self.setSubTitle("Whose assets are these, and what does the delivery replace? Asset ids "
                         "become '<owner code>:<source id>'.")
        form = QFormLayout(self)
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner_name = QLineEdit()
        self.util = QComboBox()
        self.util.addItem("(from the data / profile)", None)
        for u in Utility:
            self.util.addItem(u.value.replace("_", " "), u.value)
        form.addRow("Owner code", self.owner)
        form.addRow("Owner name", self.owner_name)
        form.addRow("Utility", self.util)
        self.scope_box = ScopeBox(wizard)
        self.scope_box.changed.connect(self.completeChanged)
        form.addRow("Delivery scope", self.scope_box)
        self.dry_run = QCheckBox("Check only: count what the import would change, write nothing")
        self.dry_run.setToolTip("A dry run: the file is read, mapped and compared with the register; "
                                "the result shows what would be added, changed, retired or rejected")
        form.addRow("", self.dry_run)
        self.owner.currentTextChanged.connect(self._owner_changed)
        self.util.currentIndexChanged.connect(lambda _: self.w.profiles.clear())
        self._owners: dict[str, Owner] = {}

    def initializePage(self) -> None:
        self._owners = {o.code: o for o in self.w.session.store.owners()}
        current = self.owner.currentText()
        self.owner.clear()
        self.owner.addItems(sorted(self._owners))
        guess = current
        if not guess:
            stems = [Path(p).stem.split("_")[-1].upper() for p in self.w.selected_layers()]
            guess = next((s for s in stems if s in self._owners), stems[0] if stems else "")
        self.owner.setCurrentText(guess)
        if not self.owner_name.text().strip():  # the one owner the delivery's own column names
            named = self.w.owners_named()
            if len(named) == 1:
                self.owner_name.setText(named[0])
        if self.util.currentIndex() == 0:  # a utility named in the file name, e.g. water_rvw.gpkg
            words = {w for p in self.w.selected_layers() for w in Path(p).stem.lower().split("_")}
            found = [u.value for u in Utility if u.value in words]
            if len(found) == 1:
                self.util.setCurrentIndex(self.util.findData(found[0]))

    def _owner_changed(self, code: str) -> None:
        known = self._owners.get(code.strip())
        if known is not None:
            self.owner_name.setText(known.name)

    def code(self) -> str:
        return self.owner.currentText().strip()

    def name(self) -> str:
        return self.owner_name.text().strip()

    def utility(self) -> str | None:
        return self.util.currentData()

    def isComplete(self) -> bool:
        return not self.w.busy and self.scope_box.problem() is None

    def validatePage(self) -> bool:
        try:
            Owner(self.code(), self.name() or self.code())
        except AssetRegisterError as exc:
            from ..errors import show_exception

            show_exception(exc, title="Owner", parent=self)
            return False
        return True


class MappingPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Mapping")
        self.setSubTitle("The auto-mapper's proposal: check each canonical field, edit where needed "
                         "and look at the mapped sample rows before importing.")
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.which = QComboBox()
        self.which.currentIndexChanged.connect(self._show_layer)
        bar.addWidget(QLabel("Layer"))
        bar.addWidget(self.which, 1)
        save = QPushButton("Save profile…")
        save.clicked.connect(self._save)
        bar.addWidget(save)
        lay.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = MappingTable()
        self.table.edited.connect(self._schedule_preview)
        split.addWidget(self.table)
        self.preview_model = FrameModel()
        self.preview = _table(self.preview_model)
        split.addWidget(self.preview)
        split.setSizes([330, 200])
        lay.addWidget(split, 1)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        self._timer = QTimer(self, singleShot=True, interval=350)
        self._timer.timeout.connect(self.run_preview)
        self._pending = False
        self.errors: dict[tuple[str, str], str] = {}  # (path, layer) -> why its mapping cannot be used

    def preview_pending(self) -> bool:
        return self._pending or self._timer.isActive()

    def initializePage(self) -> None:
        from importers.automap import propose_profile

        self.which.blockSignals(True)
        self.which.clear()
        for path, layers in self.w.mapped_layers().items():
            for layer in layers:
                self.which.addItem(f"{Path(path).name} › {layer}", (path, layer))
        self.which.blockSignals(False)
        todo = {p: ls for p, ls in self.w.mapped_layers().items() if p not in self.w.profiles}
        utility = self.w.utility
        if not todo:
            self._show_layer()
            return
        self.info.setText("Proposing a mapping…")

        def work(task):
            return {p: propose_profile(p, ls, utility=utility) for p, ls in todo.items()}

        def done(profiles):
            self.w.profiles.update(profiles)
            self._show_layer()

        self.w.run(work, done, "Proposing a mapping")

    def _current(self):
        return self.which.currentData()

    def _fields(self, path, layer) -> list[str]:
        info = self.w.infos[path]
        return next((lay.fields for lay in info.layers if lay.name == layer), [])

    def _show_layer(self) -> None:
        cur = self._current()
        if cur is None or cur[0] not in self.w.profiles:
            return
        path, layer = cur
        self.table.load(self.w.profiles[path], layer, self._fields(path, layer))
        self.run_preview()

    def _schedule_preview(self) -> None:
        self._timer.start()
        self.completeChanged.emit()

    def run_preview(self) -> None:
        from importers.api import preview

        cur = self._current()
        if cur is None or cur[0] not in self.w.profiles:
            return
        path, layer = cur
        profile = self.w.profiles[path]
        owner, utility, crs, assume = self.w.owner or "PREVIEW", self.w.utility, self.w.session.crs, self.w.assume_crs
        force = self.w.force_crs
        self._pending = True
        self.completeChanged.emit()  # Next waits for the preview's verdict

        def work(task):
            return preview(path, layer, profile, n=25, owner=owner, utility=utility,
                           assume_crs=assume, force_crs=force, working_crs=crs)

        def done(pv):
            self._pending = False
            self.errors.pop((path, layer), None)
            frame = pd.DataFrame(pv.assets.drop(columns="geometry"))
            frame = frame.loc[:, frame.notna().any() | frame.columns.isin(["asset_id", "utility", "asset_class"])]
            frame.insert(min(4, frame.shape[1]), "shape", pv.assets.geometry.geom_type.to_numpy())
            self.preview_model.set_frame(frame)
            self.preview.resizeColumnsToContents()
            notes = [for_gui(n) for n in list(profile.notes[:4]) + list(pv.warnings[:4])]
            text = (f"<b>{len(pv.assets)}</b> of the first 25 rows map cleanly, <b>{len(pv.rejects)}</b> "
                    f"would be rejected · CRS: "
                    f"{crs_summary(pv.source_crs, pv.transformation, pv.accuracy_m)}")
            if len(pv.rejects):
                reasons = pv.rejects["reason"].value_counts().head(3)
                text += "<br>Rejects: " + "; ".join(f"{r} ({n})" for r, n in reasons.items())
            if notes:
                text += "<br><span style='color:#8a6d00'>" + "<br>".join(f"⚠ {n}" for n in notes) + "</span>"
            self.info.setText(text)
            self.completeChanged.emit()

        def failed(exc, tb):
            self._pending = False
            self.errors[(path, layer)] = for_gui(exc)
            self.preview_model.set_frame(None)
            self.info.setText(f"<span style='color:#b00020'><b>This mapping cannot be used yet:</b> "
                              f"{escape(for_gui(exc))}</span><br>Change the mapping above (or the "
                              "CRS on the first page): Next is enabled once it works.")
            self.completeChanged.emit()

        self.w.run(work, done, "Preview", on_error=failed)

    def _save(self) -> None:
        from importers.profiles import save_profile

        cur = self._current()
        if cur is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save mapping profile", f"{Path(cur[0]).stem}.toml",
                                              "Profiles (*.toml)")
        if path:
            save_profile(self.w.profiles[cur[0]], path)

    def why_not(self) -> str | None:
        """Why the mappings cannot be imported (a layer whose preview failed), or None."""
        chosen = {(p, lay) for p, ls in self.w.mapped_layers().items() for lay in ls}
        bad = sorted(k for k in self.errors if k in chosen)
        if not bad:
            return None
        path, layer = bad[0]
        return f"{Path(path).name} › {layer}: {self.errors[(path, layer)]}"

    def validatePage(self) -> bool:
        """Never on to the import with a mapping the preview refused (or one not yet previewed)."""
        return self.isComplete()

    def isComplete(self) -> bool:
        return (not self.w.busy and not self.preview_pending()
                and all(p in self.w.profiles for p in self.w.mapped_layers()) and self.why_not() is None)
