"""The main window's dialogs: open a register or the sample, import, notice pack, settings,
footprint coordinates and files. Dialogs are imported when first used (they pull in the
importers and notices). The controller keeps the open wizard and notice dialog alive; the
window state (register, dig) is ``WindowState``'s."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox


class DialogsController:
    def __init__(self, window, state) -> None:
        self.window, self.state = window, state
        self.wizard = None
        self.notice_dialog = None

    @property
    def session(self):
        return self.state.session.session

    def choose_register(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open register", "", "Asset register (*.gpkg)")
        if path:
            self.window.open_register(path)

    def new_register(self) -> None:
        """Create an empty register in the working CRS of the settings, then open it."""
        from asset_register.store import create_register

        w = self.window
        path, _ = QFileDialog.getSaveFileName(w, "New register", "register.gpkg", "Asset register (*.gpkg)")
        if not path:
            return
        if not path.lower().endswith(".gpkg"):
            path += ".gpkg"
        create_register(path, crs=w.app_settings.working_crs).close()
        w.open_register(path)
        w.status(f"New register in {w.app_settings.working_crs}: import owners' data (Ctrl+I)")

    def open_sample(self) -> None:
        from .sample import open_sample

        open_sample(self.window)

    def import_data(self, files=None) -> None:
        from .dialogs.import_wizard import ImportWizard

        if self.session is None:
            self.window.status("Open or create a register first (File ▸ Open register)")
            return
        wizard = ImportWizard(self.session, files or [], self.window)
        wizard.imported.connect(self.after_import)
        wizard.checkArea.connect(self.check_delivery_area)
        wizard.open()
        self.wizard = wizard

    def after_import(self) -> None:
        """Reopen the register to show what was imported; the dig, its history included, is
        checked again against it (the window state keeps it for the same register)."""
        self.window.open_register(self.session.location)

    def new_notice(self) -> None:
        from .dialogs.notice_dialog import NoticeDialog

        dig = self.state.dig
        if dig.result is None:
            QMessageBox.information(self.window, "Notice pack", "Draw a dig footprint first: the notice "
                                    "pack is built from its conflict check.")
            return
        dialog = NoticeDialog(self.session, dig, self.window)
        dialog.exported.connect(lambda _: self.window.register.refresh_notices())
        dialog.open()
        self.notice_dialog = dialog

    def show_settings(self) -> None:
        from .dialogs.settings_dialog import SettingsDialog

        w = self.window
        dialog = SettingsDialog(w.app_settings, self.session.store if self.session else None, w)
        if dialog.exec():
            self.state.set_scheme(w.app_settings.scheme)
            w.checks.set_rules(None)  # the rules may have changed in the register: the dig is checked again

    def enter_coordinates(self) -> None:
        from .dialogs.coords_dialog import CoordinatesDialog

        if not self.state.session.is_open:
            return
        dig = self.state.dig
        dialog = CoordinatesDialog(dig.state, self.window)
        if dialog.exec():
            dig.set_geometry(dialog.geometry(), "Enter coordinates")
            self.window.zoom_to_dig()

    def load_footprint(self) -> None:
        from .dialogs.coords_dialog import read_footprint_file

        if not self.state.session.is_open:
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Load footprint", "",
            "Vector files (*.geojson *.json *.gpkg *.shp *.kml *.gml *.fgb);;All files (*)")
        if path:
            self.state.dig.set_geometry(read_footprint_file(path, self.state.session.crs), "Load footprint")
            self.window.zoom_to_dig()

    def check_delivery_area(self, reference: str) -> None:
        """Use a delivery's dig polygon (a KLIC delivery's Graafpolygoon) as the dig and check it."""
        from asset_register.deliveries import delivery_area

        if self.session is None:
            return
        area = delivery_area(self.session.store, reference)
        self.state.dig.set_geometry(area.footprint, f"Delivery area {area.reference}")
        self.window.zoom_to_dig()
        self.window.status(f"Checking the dig polygon of delivery {area.reference} "
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
        QMessageBox.about(self.window, "Underground Asset Register",
                          "<b>Underground Asset Register</b><br>One offline map of every owner's buried "
                          "assets; dig checks with uncertainty-aware clearances; coordinated notices.")
