"""The quality view's state without Qt: the map toggle, scopes, and answers for an area that
has since changed ignored."""

from __future__ import annotations

import pytest

from ui.models.quality import QualityModel
from ui.models.window import WindowState


def test_the_map_toggle_remembers_the_last_quality_shading():
    m = QualityModel()
    seen = []
    m.events.shading.connect(seen.append)
    assert m.toggle_map() == "accuracy" and m.shaded
    assert m.toggle_map() == "utility" and not m.shaded
    m.set_shading("age")
    m.set_shading("utility")
    assert m.toggle_map() == "age"
    assert seen == ["accuracy", "utility", "age", "utility", "age"]
    with pytest.raises(ValueError):
        m.set_shading("rainbow")


def test_a_stale_answer_is_ignored_and_busy_follows_the_newest():
    m = QualityModel()
    reports, busy = [], []
    m.events.report.connect(reports.append)
    m.events.busy.connect(busy.append)
    first = m.expect()
    second = m.expect()
    assert m.deliver(first, {"assets": 1}) is False and m.busy
    assert m.deliver(second, {"assets": 2}) is True and not m.busy
    assert reports == [{"assets": 2}] and busy == [True, False]
    m.clear()
    assert m.report is None and reports[-1] is None


def test_an_error_is_said_and_scope_changes_are_events():
    m = QualityModel()
    errors, scopes = [], []
    m.events.error.connect(errors.append)
    m.events.scope.connect(scopes.append)
    m.set_scope("dig")
    m.set_scope("dig")
    assert m.deliver(m.expect(), None, "draw a dig") and errors == ["draw a dig"]
    assert scopes == ["dig"] and m.error == "draw a dig"


def test_the_window_state_holds_one():
    assert isinstance(WindowState().quality, QualityModel)
