"""The main window's dialogs: open a register or the sample, import, notice pack, settings,
footprint coordinates and files. A mixin of ``MainWindow``; dialogs are imported lazily
(they pull in the importers and notices)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox


class DialogsMixin:
    def choose_register(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open register", "", "Asset register (*.gpkg)")
        if path:
            self.open_register(path)

    def new_register(self) -> None:
        """Create an empty register in the working CRS of the settings, then open it."""
        from asset_register.store import create_register

        path, _ = QFileDialog.getSaveFileName(self, "New register", "register.gpkg", "Asset register (*.gpkg)")
        if not path:
            return
        if not path.lower().endswith(".gpkg"):
            path += ".gpkg"
        create_register(path, crs=self.app_settings.working_crs).close()
        self.open_register(path)
        self.status(f"New register in {self.app_settings.working_crs}: import owners' data (Ctrl+I)")

    def open_sample(self) -> None:
        from .app import open_sample

        open_sample(self)

    def import_data(self, files=None) -> None:
        from .dialogs.import_wizard import ImportWizard

        if self.session is None:
            self.status("Open or create a register first (File ▸ Open register)")
            return
        wizard = ImportWizard(self.session, files or [], self)
        wizard.imported.connect(self._after_import)
        wizard.checkArea.connect(self.check_delivery_area)
        wizard.open()
        self.wizard = wizard

    def _after_import(self) -> None:
        if self.check_service is not None:
            self.check_service.refresh()
        self.open_register(self.session.location, keep_dig=True)

    def new_notice(self) -> None:
        from .dialogs.notice_dialog import NoticeDialog

        if self.dig is None or self.dig.result is None:
            QMessageBox.information(self, "Notice pack", "Draw a dig footprint first: the notice "
                                    "pack is built from its conflict check.")
            return
        dialog = NoticeDialog(self.session, self.dig, self)
        dialog.exported.connect(lambda _: self.refresh_notices())
        dialog.open()
        self.notice_dialog = dialog

    def show_settings(self) -> None:
        from .dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.app_settings, self.session.store if self.session else None, self)
        if dialog.exec():
            self.set_scheme(self.app_settings.scheme)
            if self.check_service is not None:  # the rules may have changed in the register
                self.check_service.set_rules(None)
                if self.dig is not None:
                    self.dig.recheck()

    def enter_coordinates(self) -> None:
        from .dialogs.coords_dialog import CoordinatesDialog

        if self.dig is None:
            return
        dialog = CoordinatesDialog(self.dig.state, self)
        if dialog.exec():
            self.dig.set_geometry(dialog.geometry(), "Enter coordinates", width_m=self.width_spin.value(),
                                  radius_m=self.radius_spin.value())
            self.zoom_to_dig()

    def load_footprint(self) -> None:
        from .dialogs.coords_dialog import read_footprint_file

        if self.dig is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Load footprint", "", "Vector files (*.geojson *.json *.gpkg *.shp *.kml *.gml *.fgb);;All files (*)")
        if path:
            self.dig.set_geometry(read_footprint_file(path, self.session.crs), "Load footprint")
            self.zoom_to_dig()

    def check_delivery_area(self, reference: str) -> None:
        """Use a delivery's dig polygon (a KLIC delivery's Graafpolygoon) as the dig and check it."""
        from asset_register.deliveries import delivery_area

        if self.dig is None or self.session is None:
            return
        area = delivery_area(self.session.store, reference)
        self.dig.set_geometry(area.footprint, f"Delivery area {area.reference}")
        self.zoom_to_dig()
        self.status(f"Checking the dig polygon of delivery {area.reference} "
                    f"({', '.join(area.owners) or 'no operators'})")

    def fill_delivery_menu(self, menu) -> None:
        """The register's delivery areas, newest first, each checking its dig polygon."""
        from asset_register.deliveries import delivery_references

        menu.clear()
        refs = delivery_references(self.session.store) if self.session is not None else []
        for ref in reversed(refs):
            menu.addAction(ref, lambda r=ref: self.check_delivery_area(r))
        if not refs:
            menu.addAction("(no KLIC delivery imported)").setEnabled(False)

    def about(self) -> None:
        QMessageBox.about(self, "Underground Asset Register",
                          "<b>Underground Asset Register</b><br>One offline map of every owner's buried "
                          "assets; dig checks with uncertainty-aware clearances; coordinated notices.")

