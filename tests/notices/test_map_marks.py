"""The notice map's severity channel and labels: markers numbered as in the table, shaped by
severity, never overlapping each other or the map furniture (leader lines when moved),
clearance rings labelled, precaution zones hatched."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from itertools import combinations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from asset_register.notices import write_notice_pack
from asset_register.notices.content import Promoter, assemble
from asset_register.notices.pdfmap import SiteMap
from asset_register.notices.pdfmarks import SHAPES, place_labels

from .analytic import X0, Y0, conflict_rows, make_result

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def disjoint(a, b) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_labels_on_one_point_never_overlap():
    anchors = np.full((30, 2), 100.0)
    sizes = np.column_stack([np.linspace(12, 60, 30), np.full(30, 12.0)])
    furniture = np.array([[70.0, 70.0, 88.0, 88.0]])  # near the anchor, not on it
    boxes, moved = place_labels(anchors, sizes, furniture, (300.0, 200.0))
    assert not moved[0] and moved[1:].all()  # the first (most severe) stays on its anchor
    assert boxes[0][0] < 100 < boxes[0][0] + 12  # its marker is centred on the anchor
    for a, b in combinations([*boxes, furniture[0]], 2):
        assert disjoint(a, b)
    assert (boxes[:, :2] >= 0).all() and (boxes[:, 2] <= 300).all() and (boxes[:, 3] <= 200).all()
    assert np.allclose(boxes[:, 2] - boxes[:, 0], sizes[:, 0] + 3)  # sizes kept (+ padding)


def crowd() -> gpd.GeoDataFrame:
    """40 services crossing one point (all near the dig) and an owner's precaution zone."""
    base = conflict_rows()
    rows = []
    for k in range(40):
        r = base.iloc[k % 5].copy()
        r["asset_id"] = f"{r['asset_id']}-{k}"
        a = np.pi * k / 40
        r["geometry"] = shapely.LineString([(X0 + 5 - 30 * np.cos(a), Y0 + 2 - 30 * np.sin(a)),
                                            (X0 + 5 + 30 * np.cos(a), Y0 + 2 + 30 * np.sin(a))])
        rows.append(r)
    zone = base.iloc[1].copy()
    zone["asset_id"], zone["asset_class"] = "SGN:EV-1", "precaution_zone"
    zone["geometry"] = shapely.box(X0 - 14, Y0 - 12, X0 + 2, Y0 + 1)
    rows.insert(0, zone)
    frame = pd.DataFrame(rows)
    order = np.argsort(frame["severity"].map({"strike": 0, "danger": 1, "caution": 2}).to_numpy(),
                       kind="stable")
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=list(frame["geometry"]),
                            crs=27700).iloc[order].reset_index(drop=True)


def drawn_map(result, tmp_path) -> SiteMap:
    c = assemble(result, reference="EXB-2026-00001", version=1, status="issued", issued_at=NOW,
                 valid_until=date(2026, 12, 21), authority="A", promoter=Promoter("P"),
                 responses=None, batches=None, owner_names={}, scheme="njug",
                 crs="EPSG:27700", warnings=[])
    m = SiteMap(c, 500, 300)
    canvas = Canvas(str(tmp_path / "map.pdf"))
    m.drawOn(canvas, 0, 0)
    canvas.save()
    return m


@pytest.mark.parametrize("make", [lambda: make_result(), lambda: make_result(crowd())],
                         ids=["five", "crowded"])
def test_every_conflict_has_one_marker_and_none_overlap(make, tmp_path):
    result = make()
    m = drawn_map(result, tmp_path)
    assert sorted(m.label_boxes) == list(range(1, len(result.conflicts) + 1))
    boxes = list(m.label_boxes.values())
    for a, b in combinations(boxes, 2):
        assert disjoint(a, b)
    north = (m.width - 34, m.height - 44, m.width, m.height)
    assert all(disjoint(b, north) for b in boxes)


def test_markers_shapes_ring_labels_and_hatching_in_the_pack(register, tmp_path):
    pack = write_notice_pack(register, make_result(crowd()), tmp_path, promoter="Acme", now=NOW)
    page = PdfReader(pack.folder / "summary.pdf").pages[0]
    text = page.extract_text()
    for ring in ("3.9 m", "3.6 m", "1.7 m", "1.6 m", "1.5 m"):  # every distinct clearance
        assert ring in text
    assert "owner's precaution zone" in text and "Marker shape shows the severity" in text
    assert all(s in text for s in SHAPES)  # the legend names each severity's marker
    assert re.search(r"\b41\b", text)  # the last conflict's marker, numbered as in the table
