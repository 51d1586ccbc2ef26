"""The deviation reports and the confidence grade in the window model, without Qt: what the map
draws for each kind of report, what a click on the map hits, the arguments a draft hands to
the core, and the dig model's grade following its checks."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import shapely

from ui.models.deviations import DeviationDraft, DeviationsModel, deviation_marks, marks_at
from ui.models.dig import DigModel

RECORD = "LINESTRING (0 0, 100 0)"


def _frame():
    rows = [
        {"deviation_id": 1, "kind": "elsewhere", "status": "new", "asset_id": "A:1",
         "geometry_wkt": "LINESTRING (0 5, 100 5)", "recorded": {"geometry_wkt": RECORD}},
        {"deviation_id": 2, "kind": "not_found", "status": "sent", "asset_id": "A:2",
         "geometry_wkt": None, "recorded": {"geometry_wkt": "LINESTRING (0 50, 40 50)"}},
        {"deviation_id": 3, "kind": "unrecorded", "status": "acknowledged", "asset_id": None,
         "geometry_wkt": "POINT (70 80)", "recorded": {}},
        {"deviation_id": 4, "kind": "elsewhere", "status": "resolved", "asset_id": "A:3",
         "geometry_wkt": "POINT (500 500)", "recorded": {"geometry_wkt": "POINT (505 500)"}},
    ]
    return pd.DataFrame(rows)


def test_marks_draw_the_open_reports_with_leaders_and_markers():
    marks = deviation_marks(_frame())
    assert marks.ids.tolist() == [1, 2, 3]  # the resolved report is not drawn
    # a leader only where there is a reported position and a record: from the marker
    # mid-way along the reported line straight across to the record, 5 m
    assert shapely.get_coordinates(marks.leader[0]).tolist() == [[50.0, 5.0], [50.0, 0.0]]
    assert marks.leader[1] is None and marks.leader[2] is None
    # markers: mid-way along the reported line, along the record not found, on the point
    assert np.allclose(marks.anchor, [(50, 5), (20, 50), (70, 80)])
    assert marks.total_bounds == (0.0, 0.0, 100.0, 80.0)
    assert deviation_marks(_frame().iloc[[3]]) is None and deviation_marks(None) is None


def test_a_click_hits_the_reported_position_and_the_record_not_found_but_not_a_moved_record():
    marks = deviation_marks(_frame())
    assert marks_at(marks, 90, 5.3, 0.5).tolist() == [1]  # on the reported line
    assert marks_at(marks, 90, 0.2, 0.5).tolist() == []  # the record it moved: the asset's own
    assert marks_at(marks, 35, 50.2, 0.5).tolist() == [2]  # the record that is not there
    assert marks_at(marks, 70.3, 80, 0.5).tolist() == [3]
    assert marks_at(None, 0, 0, 1).tolist() == []


def test_the_model_selects_and_forgets_a_report_gone():
    model, seen = DeviationsModel(), []
    model.events.selected.connect(seen.append)
    model.set_reports(_frame())
    assert model.open_count() == 3
    model.select(2)
    assert seen[-1]["asset_id"] == "A:2"
    # where to look: the reported line with its leader; the marker on a record not found
    assert model.bounds_of(1) == (0.0, 0.0, 100.0, 5.0) and model.bounds_of(2) == (20.0, 50.0, 20.0, 50.0)
    model.set_reports(_frame().iloc[[0]])
    assert model.selected is None and model.marks.ids.tolist() == [1]
    model.clear()
    assert model.frame is None and model.marks is None


def test_a_draft_sends_only_what_its_kind_takes():
    line = shapely.LineString([(0, 5), (10, 5)])
    asset = {"asset_id": "A:1"}
    d = DeviationDraft(kind="elsewhere", asset=asset, geometry=line, accuracy_m=0.2, notes=" seen ",
                       found={"depth_m": "1.2"})
    args = d.arguments()
    assert args == {"kind": "elsewhere", "asset_id": "A:1", "position": "LINESTRING (0 5, 10 5)",
                    "accuracy_m": 0.2, "notes": "seen", "reference": None, "photos": []}
    d.kind = "attributes"  # the line picked before the kind changed is not sent
    assert d.arguments() == {"kind": "attributes", "asset_id": "A:1", "notes": "seen",
                             "reference": None, "photos": [], "found": {"depth_m": "1.2"}}
    d = DeviationDraft(kind="unrecorded", asset=None, geometry=shapely.Point(1, 2), utility="gas",
                       owner=" ")
    assert d.arguments()["owner"] is None and "asset_id" not in d.arguments()
    gnss = DeviationDraft(kind="elsewhere", asset=asset, geometry=shapely.Point(-0.127801234, 51.507412341),
                          crs="EPSG:4326", accuracy_m=0.02).arguments()
    assert gnss["crs"] == "EPSG:4326" and gnss["position"] == "POINT (-0.12780123 51.50741234)"
    with pytest.raises(ValueError):
        DeviationDraft(kind="moved")


def test_the_dig_models_grade_follows_its_checks():
    dig, seen = DigModel(), []
    dig.events.confidence.connect(seen.append)
    dig.use_checker(lambda site: 7, "EPSG:27700")
    dig.set_geometry(shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)]))
    grade = {"grade": "C", "reasons": ["C: 1 record(s) near the dig have open deviation reports"]}
    result = SimpleNamespace(conflicts=pd.DataFrame({"clearance_m": []}), confidence=grade)
    assert dig.check_finished(7, result)
    assert dig.confidence == grade and seen == [grade]
    dig.set_parameters(depth_m=2.0)  # the dig changed: the grade is not this dig's any more
    assert dig.confidence is None and seen == [grade, None]
    assert dig.check_failed(7, "the register is locked")
    assert dig.confidence is None and seen == [grade, None]
