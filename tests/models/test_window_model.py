"""The window model without Qt: events, the undo history, the dig and its checks, the session,
loading, and the rule that one dig lives through reloads of its register. No QApplication,
no qtbot: the checks are answered by hand, as the check service would answer them."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
import shapely

from ui.models.dig import DigModel
from ui.models.events import EventEmitter, Events
from ui.models.history import UndoHistory
from ui.models.layers import REFERENCE, REGISTER, Layer
from ui.models.loading import LoadingState
from ui.models.window import WindowState

TRENCH = shapely.LineString([(530540.0, 180350.0), (530552.0, 180350.0)])
SQUARE = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])


def test_the_model_modules_load_without_qt():
    code = ("import sys, ui.models.window, ui.models.dig, ui.models.session, ui.models.loading; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# -- events ------------------------------------------------------------------------------------
def test_emitter_calls_callbacks_in_order_once_each_until_disconnected():
    e, calls = EventEmitter("changed"), []
    first = e.connect(lambda x: calls.append(("first", x)))
    e.connect(lambda x: calls.append(("second", x)))
    e.connect(first)  # connected twice: still called once
    e.emit(1)
    assert calls == [("first", 1), ("second", 1)]
    e.disconnect(first)
    e.disconnect(first)  # not connected any more: ignored
    e.emit(2)
    assert calls[2:] == [("second", 2)] and len(e) == 1


def test_a_callback_may_disconnect_another_while_the_event_is_emitted():
    e, calls = EventEmitter(), []

    def late(x):
        calls.append(("late", x))

    def first(x):
        calls.append(("first", x))
        e.disconnect(late)

    e.connect(first)
    e.connect(late)
    e.emit("a")  # this emission still reaches everyone connected when it began
    e.emit("b")
    assert calls == [("first", "a"), ("late", "a"), ("first", "b")]


def test_events_group_emitters_by_name():
    events = Events("opened", "closed")
    assert [e.name for e in events] == ["opened", "closed"]
    got = []
    events.closed.connect(got.append)
    events.opened.emit("x")
    events.closed.emit("y")
    assert got == ["y"]


# -- undo history ------------------------------------------------------------------------------
def test_history_undo_redo_and_a_new_edit_dropping_the_redo_tail():
    applied, changes = [], []
    h = UndoHistory(applied.append)
    h.events.changed.connect(lambda: changes.append((h.index, h.count)))
    assert not h.undo() and not h.redo()
    h.push("a", "b", "Draw")
    h.push("b", "c", "Move vertex")
    assert applied == ["b", "c"] and (h.index, h.count) == (2, 2)
    assert h.undo_text == "Move vertex" and not h.can_redo
    assert h.undo() and applied[-1] == "b" and h.redo_text == "Move vertex"
    assert h.undo() and applied[-1] == "a" and not h.can_undo
    assert h.redo() and applied[-1] == "b"
    h.push("b", "d", "Change dig parameters")  # "Move vertex" can no longer be redone
    assert (h.index, h.count, h.can_redo) == (2, 2, False)
    assert h.undo() and applied[-1] == "b"
    assert changes == [(1, 1), (2, 2), (1, 2), (0, 2), (1, 2), (2, 2), (1, 2)]


def test_merged_edits_are_one_step_until_another_edit_comes_between():
    applied = []
    h = UndoHistory(applied.append)
    h.push(0, 1, "Change dates", merge=True)
    h.push(1, 2, "Change dates", merge=True)
    h.push(2, 3, "Move vertex", merge=True)
    h.push(3, 4, "Change dates", merge=True)
    assert h.count == 3
    h.undo()
    h.undo()
    assert applied[-1] == 2 and h.undo_text == "Change dates"
    h.undo()
    assert applied[-1] == 0 and not h.can_undo


def test_history_keeps_at_most_its_limit_oldest_first_out():
    applied = []
    h = UndoHistory(applied.append, limit=3)
    for i in range(5):
        h.push(i, i + 1, f"edit {i}")
    assert h.count == 3 and h.index == 3
    while h.undo():
        pass
    assert applied[-1] == 2  # the state before the oldest edit kept ("edit 2")


# -- the dig -----------------------------------------------------------------------------------
class Checker:
    """Stands in for the check service: records requests; answers when the test says."""

    def __init__(self) -> None:
        self.sites, self.tokens = [], []

    def __call__(self, site) -> int:
        self.sites.append(site)
        self.tokens.append(100 + len(self.tokens))
        return self.tokens[-1]


def _result(site):
    return SimpleNamespace(site=site, conflicts=pd.DataFrame({"clearance_m": [], "severity": []}))


def _watch(dig):
    seen = {"footprint": [], "checking": [], "result": []}
    for name, got in seen.items():
        getattr(dig.events, name).connect(got.append)
    return seen


def test_a_drawn_dig_is_checked_and_a_late_answer_for_an_old_footprint_is_ignored():
    dig, checker = DigModel(), Checker()
    dig.use_checker(checker, "EPSG:27700")
    assert checker.sites == []  # nothing drawn: nothing to check
    seen = _watch(dig)
    dig.set_geometry(TRENCH, "Enter coordinates", width_m=1.0)
    assert dig.checking and seen["checking"] == [True]
    site = checker.sites[-1]
    assert site.depth_m == 1.0 and site.method == "mechanical"
    assert shapely.equals(site.footprint, TRENCH.buffer(0.5, cap_style="flat"))
    dig.set_parameters(depth_m=2.0)  # a second request before the first is answered
    first, second = checker.tokens
    assert not dig.check_finished(first, _result(checker.sites[0]))  # for the footprint that is gone
    assert dig.result is None and dig.checking
    assert dig.check_finished(second, _result(checker.sites[1]))
    assert dig.result.site.depth_m == 2.0 and not dig.checking
    assert seen["result"][-1] is dig.result and dig.history.count == 2


def test_a_failed_check_keeps_its_message_and_an_invalid_footprint_is_not_sent():
    dig, checker = DigModel(), Checker()
    dig.use_checker(checker, "EPSG:27700")
    dig.set_geometry(SQUARE, "Enter coordinates")
    assert dig.check_failed(checker.tokens[-1], "the register cannot be read")
    assert dig.error == "the register cannot be read" and dig.result is None and not dig.checking
    bow = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    sent, results = len(checker.sites), []
    dig.events.result.connect(results.append)
    dig.set_geometry(bow, "Enter coordinates")
    assert len(checker.sites) == sent  # never sent to the check
    assert "not a valid polygon" in dig.error and not dig.checking and results == [None]
    assert dig.state.vertices == ((0, 0), (10, 10), (10, 0), (0, 10))  # kept to be edited


def test_undo_shows_and_checks_the_earlier_parameters():
    dig, checker = DigModel(), Checker()
    dig.use_checker(checker, "EPSG:27700")
    shown = []
    dig.events.footprint.connect(lambda s: shown.append((s.width_m, s.depth_m, s.method)))
    dig.set_geometry(TRENCH, "Enter coordinates", width_m=1.0)
    dig.set_parameters(width_m=2.5, depth_m=2.0, method="hand")
    dig.undo()
    assert shown[-1] == (1.0, 1.0, "mechanical")
    assert (checker.sites[-1].depth_m, checker.sites[-1].method) == (1.0, "mechanical")
    dig.redo()
    assert shown[-1] == (2.5, 2.0, "hand") and checker.sites[-1].method == "hand"


def test_parameters_of_an_empty_dig_are_the_next_drawings_defaults_not_edits():
    dig = DigModel()
    dig.set_parameters(width_m=0.8, method="hand")
    assert dig.history.count == 0 and dig.state.width_m == 0.8
    dig.set_geometry(TRENCH, "Draw trench")
    assert dig.state.width_m == 0.8 and dig.state.method == "hand" and dig.history.count == 1
    with pytest.raises(TypeError, match="colour"):
        dig.set_parameters(colour="red")


def test_dates_are_part_of_the_checked_site_and_of_the_history():
    dig, checker = DigModel(), Checker()
    dig.use_checker(checker, "EPSG:27700")
    dig.set_geometry(SQUARE, "Enter coordinates")
    dig.set_dates(date(2026, 12, 1), date(2026, 12, 11))
    dig.set_dates(date(2026, 12, 7), date(2026, 12, 11))  # edits of the dates in a row: one step
    assert dig.history.count == 2 and dig.history.undo_text == "Change dates"
    assert (checker.sites[-1].start, checker.sites[-1].end) == (date(2026, 12, 7), date(2026, 12, 11))
    dig.undo()
    assert dig.state.start is None and checker.sites[-1].start is None
    dig.redo()
    dig.clear()  # clearing keeps the parameters and dates for the next drawing
    assert dig.state.is_empty and dig.state.start == date(2026, 12, 7) and dig.history.count == 3


def test_without_a_checker_the_dig_is_kept_but_not_checked():
    dig, checker = DigModel(), Checker()
    dig.use_checker(checker, "EPSG:27700")
    dig.set_geometry(SQUARE, "Enter coordinates")
    token = checker.tokens[-1]
    dig.use_checker(None)  # the register closed
    assert not dig.checking and dig.result is None and dig.state.vertices
    assert not dig.check_finished(token, _result(checker.sites[-1]))  # the closed register's answer
    again = Checker()
    dig.use_checker(again, "EPSG:27700")  # reopened: checked again at once
    assert len(again.sites) == 1 and shapely.equals(again.sites[0].footprint, SQUARE)


# -- session, loading and the window ------------------------------------------------------------
class FakeSession:
    def __init__(self, location: str) -> None:
        self.location, self.crs, self.closed = location, "EPSG:27700", False

    def close(self) -> None:
        self.closed = True


def test_session_names_a_url_register_without_its_password():
    state = WindowState()
    order = []
    state.session.events.closing.connect(lambda s: order.append(("closing", s.closed)))
    state.session.events.closed.connect(lambda: order.append(("closed",)))
    s = FakeSession("postgresql://editor:pa55@db.example:5432/reg")
    state.session.open(s)
    assert state.session.name == "postgresql://editor:***@db.example:5432/reg"
    assert state.session.location == "postgresql://editor@db.example:5432/reg"
    assert "pa55" not in state.session.name + state.session.location
    state.session.close()
    assert order == [("closing", False), ("closed",)] and s.closed  # stores closed after "closing"
    assert not state.session.is_open and state.session.name == "" and state.session.location is None


def test_loading_is_busy_until_every_task_ended():
    loading, flips = LoadingState(), []
    loading.events.busy.connect(flips.append)
    a = loading.begin("Opening the register")
    b = loading.begin("Adding streets")
    loading.end(a)
    assert loading.busy and loading.tasks == ["Adding streets"]
    loading.end(b)
    loading.end(b)
    assert not loading.busy and flips == [True, False]


def test_the_dig_and_its_history_survive_a_reload_of_the_same_register_only(tmp_path):
    state = WindowState()
    place = str(tmp_path / "town.gpkg")
    state.session.open(FakeSession(place))
    state.dig.use_checker(Checker(), "EPSG:27700")
    state.dig.set_geometry(TRENCH, "Enter coordinates", width_m=1.0)
    state.dig.set_parameters(depth_m=2.0)
    state.layers.add(Layer("Register", REGISTER))
    state.layers.add(Layer("streets", REFERENCE, source="ref.gpkg|streets"), 0)
    state.set_works(pd.DataFrame({"reference": ["W1"]}))
    assert state.reference_sources() == ["ref.gpkg|streets"]
    dig, before = state.dig, state.dig.state
    state.session.open(FakeSession(place))  # reopened after an import
    assert len(state.layers) == 0 and state.works is None  # its layers are loaded again
    assert state.dig is dig and dig.state == before and dig.history.count == 2 and dig.history.can_undo
    state.session.open(FakeSession(str(tmp_path / "other.gpkg")))
    assert dig.state.is_empty and dig.history.count == 0
    assert dig.state.depth_m == 2.0  # the parameters stay as defaults for the next drawing


def test_scheme_changes_are_told_once():
    state, told = WindowState("njug"), []
    state.events.scheme.connect(told.append)
    state.set_scheme("njug")
    state.set_scheme("apwa")
    assert told == ["apwa"] and state.scheme == "apwa"
