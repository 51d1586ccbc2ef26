"""Coincident services drawn side by side on the notice map: neither hides the other."""

from __future__ import annotations

import numpy as np
import shapely

from asset_register.colours import SIDE_SLOTS, side_by_side


def test_a_gas_service_along_an_lv_cable_is_drawn_beside_it():
    line = shapely.LineString([(0, 0), (10, 0)])
    geoms = np.array([line, line, shapely.Point(5, 0), shapely.Polygon([(0, 0), (1, 0), (1, 1)]), None],
                     dtype=object)
    drawn = side_by_side(geoms, ["gas", "electricity", "gas", "gas", "water"], step=0.5)
    gas, lv = drawn[0], drawn[1]
    assert SIDE_SLOTS["gas"] != SIDE_SLOTS["electricity"]
    # apart by the difference of their slots, on opposite sides of the true line
    assert abs(gas.distance(lv) - 0.5 * abs(SIDE_SLOTS["gas"] - SIDE_SLOTS["electricity"])) < 1e-9
    assert not gas.intersects(lv) and gas.length == lv.length == 10
    assert drawn[2].equals(geoms[2]) and drawn[3].equals(geoms[3]) and drawn[4] is None


def test_a_line_in_the_middle_slot_and_a_too_short_line_stay_in_place():
    water = shapely.LineString([(0, 0), (10, 0)])
    tiny = shapely.LineString([(0, 0), (0, 0)])
    drawn = side_by_side(np.array([water, tiny], dtype=object), ["water", "gas"], step=0.5)
    assert drawn[0].equals(water) and drawn[1].equals(tiny)
