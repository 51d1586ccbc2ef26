"""The import wizard blocks what cannot work, speaks of its own controls (never CLI flags) and
sums an import up as added / changed / unchanged / retired / rejected."""

from __future__ import annotations

import re

import pyogrio
from PySide6.QtCore import Qt

from asset_register.store import create_register, open_register
from importers.sample import town_dir
from ui.dialogs.gui_wording import for_gui

FLAG = re.compile(r"(?<![\w-])--[a-z]")


def test_cli_advice_reworded_for_the_wizard():
    from importers import crs_checks, scope

    samples = [
        "no CRS: state it, e.g. --assume-crs EPSG:27700 (British National Grid fit) — check with the owner",
        "they fit X: if the owner confirms, import with --assume-crs EPSG:27700 --force-crs",
        "source declares EPSG:4326, which is kept: --assume-crs EPSG:27700 applies only to layers "
        "without a CRS (add --force-crs to override a declared one)",
        "the drawn polygon is not a valid polygon (Self-intersection): redraw it, or ask for it to be "
        "repaired with make_valid (--make-valid) and check the repaired shape",
        "this import retires 90 of owner RVW's 100 live assets (90%), more than 10%: nothing was "
        "written. If the file is the owner's whole network, run it again with --confirm-retire; an "
        "extract of one area takes --area FILE, additions take --append",
        "dig polygon kept as delivery area '17G1': check it with `asset-register check REGISTER "
        "--delivery-area 17G1`",
        "x.gpkg holds 2 layers (a, b): choose with --layer NAME (repeatable) or import them all with --all-layers",
        "something new: use --brand-new-flag",
    ]
    out = [for_gui(s) for s in samples]
    assert not any(FLAG.search(o) for o in out), out
    assert "'Assume CRS' EPSG:27700 (first page)" in out[0]
    assert "'Assume CRS' EPSG:27700 with 'Override the declared CRS'" in out[1]
    assert "tick 'Override the declared CRS'" in out[2]
    assert "'Repair the dig polygon'" in out[3]
    assert "answer Yes" in out[4] and "'Delivery scope: One area'" in out[4]
    assert "Check the delivery's dig area" in out[5]
    assert "tick the layers" in out[6]
    assert "'brand new flag'" in out[7]
    assert crs_checks and scope  # the modules whose advice these are


def _session(tmp_path, name="register.gpkg"):
    from ui.session import Session

    path = tmp_path / name
    create_register(path).close()
    return path, Session(path)


def _open(qtbot, session, files):
    from ui.dialogs.import_wizard import ImportWizard

    wizard = ImportWizard(session, [str(f) for f in files])
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.wait_until_ready(60)
    return wizard


def test_a_layer_without_crs_is_explained_with_the_wizards_field(qtbot, tmp_path):
    _, session = _session(tmp_path)
    frame = pyogrio.read_dataframe(town_dir() / "water_rvw.gpkg", layer="water_mains").iloc[:20]
    shp = tmp_path / "mains.shp"
    pyogrio.write_dataframe(frame, shp)
    shp.with_suffix(".prj").unlink()  # the owner sent no .prj
    wizard = _open(qtbot, session, [shp])
    item = wizard.source_page.tree.topLevelItem(0)
    texts = [item.text(4), item.toolTip(4)] + [item.child(i).text(c) for i in range(item.childCount())
                                               for c in (3, 4)]
    assert any("Assume CRS" in t for t in texts), texts
    assert not any(FLAG.search(t) for t in texts), texts
    session.close()


def test_next_is_disabled_on_a_mapping_that_cannot_be_used(qtbot, tmp_path):
    from importers.profiles import MAPPABLE
    from ui.errors import shown

    path, session = _session(tmp_path)
    delivery = town_dir() / "water_rvw.gpkg"
    wizard = _open(qtbot, session, [delivery])
    wizard.next()
    wizard.next()
    assert wizard.wait_until_ready(60)
    page = wizard.mapping_page
    assert page.isComplete()
    before = len(shown)
    # no asset class from any field nor a constant: the layer cannot be mapped
    row = MAPPABLE.index("asset_class")
    page.table.cellWidget(row, 1).setCurrentIndex(0)
    page.table.cellWidget(row, 2).setCurrentText("")
    assert not page.isComplete()  # not while the preview runs either
    qtbot.waitUntil(lambda: not page.preview_pending(), timeout=30_000)
    assert wizard.wait_until_ready(60)
    assert "cannot be used" in page.info.text() and "asset_class" in page.info.text()
    assert not page.isComplete() and page.why_not()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.next()  # refused: still on the mapping page, no import, no traceback dialog
    assert wizard.currentPage() is page and len(shown) == before
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == 0
    session.close()


def test_the_preview_names_the_layers_crs(qtbot, tmp_path):
    """A layer already in the register's CRS was said to have "CRS: none" in the preview,
    though the file states EPSG:27700; a layer in lon/lat names it and the transformation."""
    _, session = _session(tmp_path)
    frame = pyogrio.read_dataframe(town_dir() / "water_rvw.gpkg", layer="water_mains").iloc[:20]
    bng, lonlat = tmp_path / "mains.gpkg", tmp_path / "mains_ll.gpkg"
    pyogrio.write_dataframe(frame, bng, layer="water_mains")
    pyogrio.write_dataframe(frame.to_crs("EPSG:4326"), lonlat, layer="water_mains")
    for path, expected in ((bng, "CRS: EPSG:27700, the register's own: no transformation"),
                           (lonlat, "CRS: EPSG:4326 → register via")):
        wizard = _open(qtbot, session, [path])
        wizard.next()
        wizard.next()
        assert wizard.wait_until_ready(60)
        page = wizard.mapping_page
        qtbot.waitUntil(lambda page=page: not page.preview_pending(), timeout=30_000)
        assert expected in page.info.text(), page.info.text()
        assert "CRS: none" not in page.info.text()
        wizard.reject()
    session.close()


def test_an_unchanged_redelivery_says_so(qtbot, tmp_path):
    from importers import ImportJob

    path, session = _session(tmp_path)
    source = town_dir() / "water_rvw.gpkg"
    with open_register(path) as store:
        ImportJob(store, source, owner="RVW", all_layers=True, utility="water").run()
        live = store.asset_count()
    again = tmp_path / "water_rvw.gpkg"  # the same content, written again (other bytes)
    for name, _ in pyogrio.list_layers(source):
        pyogrio.write_dataframe(pyogrio.read_dataframe(source, layer=name), again, layer=name)
    wizard = _open(qtbot, session, [again])
    wizard.next()
    wizard.next()
    assert wizard.wait_until_ready(60)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.finish_page, timeout=120_000)
    reports = wizard.reports
    assert sum(r.unchanged for r in reports) == live
    assert sum(r.added + r.changed + r.retired for r in reports) == 0
    text = wizard.finish_page.summary.text()
    assert "No change to the register" in text and f"{live:,} unchanged" in text
    assert "0 added, 0 changed" in text and "0 retired" in text and "rejected" in text
    assert "imported" not in text
    headers = [wizard.finish_page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(3)]
    assert headers[:3] == ["Layer", "Status", "Added"]
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == live
    session.close()


def test_check_only_counts_what_would_change_and_writes_nothing(qtbot, tmp_path):
    path, session = _session(tmp_path)
    source = town_dir() / "water_rvw.gpkg"
    wizard = _open(qtbot, session, [source])
    wizard.next()
    wizard.owner_page.dry_run.setChecked(True)
    wizard.next()
    assert wizard.wait_until_ready(60)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.finish_page, timeout=120_000)
    reports = wizard.reports
    assert reports and all(r.status == "dry run" for r in reports)
    added = sum(r.added for r in reports)
    read = sum(pyogrio.read_info(source, layer=r.layer)["features"] for r in reports)
    assert added + sum(r.rejected for r in reports) == read
    text = wizard.finish_page.summary.text()
    assert "Dry run, nothing written" in text and f"{added:,} added" in text
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == 0
    session.close()


def test_the_file_dialog_offers_every_format_the_importer_reads():
    """A KMZ (and a SpatiaLite file) was hidden by the wizard's file filter though the
    importer reads it: the user saw an empty folder."""
    from importers.sources import EXTENSION_DRIVERS
    from ui.dialogs.import_pages import FILTER

    first = FILTER.split(";;")[0]
    offered = set(first[first.index("(") + 1:first.index(")")].split())
    assert {f"*{ext}" for ext in [*EXTENSION_DRIVERS, ".zip"]} <= offered


def _mains(path, prefix: str, y: float):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("id,utility,WKT\n" + "".join(
        f'{prefix}{i},water,"LINESTRING ({530000 + i * 10} {y}, {530005 + i * 10} {y})"\n'
        for i in range(5)), encoding="utf-8")
    return str(path)


def test_the_apps_import_refuses_two_files_of_one_layer_name_and_a_case_twin_owner(tmp_path):
    """The app's import child (what the wizard runs): files of one plan holding the same
    layer name would supersede each other, and 'wat' beside 'WAT' would be a second owner;
    both are refused with nothing written, as on the command line."""
    import queue
    import threading

    from asset_register.errors import ImportError_
    from asset_register.store import create_register, open_register
    from ui.import_process import _child

    reg = tmp_path / "r.gpkg"
    create_register(reg).close()
    north = _mains(tmp_path / "north" / "mains.csv", "N", 180000)
    south = _mains(tmp_path / "south" / "mains.csv", "S", 170000)

    def run(plan, **options):
        messages = queue.Queue()
        _child(messages, threading.Event(), str(reg), plan,
               {"owner": "WAT", "assume_crs": "EPSG:27700", **options})
        *_, last = [messages.get_nowait() for _ in range(messages.qsize())]
        return last

    kind, exc, _ = run([(north, None, None), (south, None, None)])
    assert kind == "error" and isinstance(exc, ImportError_) and "both hold layer 'mains'" in str(exc)
    with open_register(reg) as store:
        assert store.asset_count() == 0
    assert run([(north, None, None)])[0] == "done"
    kind, exc, _ = run([(south, None, None)], owner="wat")
    assert kind == "error" and "--owner WAT" in str(exc)
    with open_register(reg) as store:
        assert store.asset_count() == 5 and [o.code for o in store.owners()] == ["WAT"]
