"""Utility colour codes: NJUG by default, APWA selectable; vectorised equals scalar."""

import geopandas as gpd
import pandas as pd
import pytest

from asset_register.colours import casing_for, colour_for, colours_for, hex_to_rgb, legend
from asset_register.errors import ValidationError


def test_njug_colours():
    assert colour_for("electricity") == "#000000"
    assert colour_for("electricity", "LV") == "#000000"
    assert colour_for("electricity", "HV") == colour_for("electricity", "EHV") == "#e30613"
    assert colour_for("electricity", "11kV") == "#e30613"
    assert colour_for("electricity", 230) == "#000000"
    assert colour_for("electricity", 33000) == "#e30613"
    assert colour_for("water") == "#0057b8"
    assert colour_for("sewer") == "#8b4513"
    assert colour_for("street_lighting") == colour_for("traffic_signals") == "#f28c00"
    assert colour_for("telecoms") == "#808080"
    assert colour_for("not-a-utility") == colour_for("other")


def test_apwa_colours():
    assert colour_for("electricity", "LV", scheme="apwa") == "#e30613"
    assert colour_for("telecoms", scheme="APWA") == "#ff8200"
    assert colour_for("sewer", scheme="apwa") == "#008a3e"
    assert colour_for("water", scheme="apwa") == "#0033cc"
    with pytest.raises(ValidationError):
        colour_for("gas", scheme="din")


@pytest.mark.parametrize("scheme", ["njug", "apwa"])
def test_vectorised_matches_scalar(scheme):
    frame = pd.DataFrame({
        "utility": ["electricity", "electricity", "electricity", "gas", "water", None, "odd",
                    "electricity", "electricity"],
        "voltage": ["HV", "LV", None, None, "HV", None, None, "11kV", "400"],
    })
    got = colours_for(frame, scheme)
    want = [colour_for(u or "other", v, scheme) for u, v in zip(frame.utility, frame.voltage)]
    assert got.tolist() == want
    no_voltage = colours_for(gpd.GeoDataFrame(frame[["utility"]]), scheme)
    assert no_voltage.tolist() == [colour_for(u or "other", None, scheme) for u in frame.utility]


def test_casing_legend_and_rgb():
    assert casing_for(colour_for("gas")) is not None and casing_for("#000000") is None
    labels = [label for label, _ in legend("njug")]
    assert "electricity HV/EHV" in labels and "gas" in labels
    assert hex_to_rgb("#ff8000") == (1.0, 128 / 255, 0.0)
