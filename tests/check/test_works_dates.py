"""Planned works' dates are read as written YYYY-MM-DD, never guessed: pandas read a file of
01/12/2026 dates month first (12 January), where a British or Dutch promoter means
1 December, and a wrong date hides works that overlap in time."""

from __future__ import annotations

import datetime as dt
import warnings

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from asset_register.check.coordination import read_works_file
from asset_register.errors import ValidationError

BNG = "EPSG:27700"


def _csv(tmp_path, *rows):
    path = tmp_path / "works.csv"
    lines = ["reference,wkt,start_date,end_date"]
    lines += [f'W{i},"POINT (530500 180500)",{a},{b}' for i, (a, b) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("day", ["01/12/2026", "1.12.2026", "12/01/2026", "2026-12", "next week",
                                 "2026-02-30"])
def test_a_date_not_written_yyyy_mm_dd_is_refused_in_one_line(tmp_path, day):
    path = _csv(tmp_path, (day, "2026-12-24"))
    with pytest.raises(ValidationError) as err:
        read_works_file(path, BNG, working_crs=BNG)
    assert "\n" not in str(err.value) and repr(day) in str(err.value)
    assert "YYYY-MM-DD" in str(err.value) and "'W0'" in str(err.value)


def test_dates_written_yyyy_mm_dd_are_read_without_guessing(tmp_path):
    path = _csv(tmp_path, ("2026-12-01", "2026-12-05"), ("2026-12-07T08:00:00", " 2026-12-09 "),
                ("", "2026-12-31"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no dateutil fallback, no format guessing)
        works = read_works_file(path, BNG, working_crs=BNG)
    assert works["start_date"].tolist()[:2] == ["2026-12-01", "2026-12-07"]
    assert pd.isna(works["start_date"].iloc[2])  # no date: unknown
    assert works["end_date"].tolist() == ["2026-12-05", "2026-12-09", "2026-12-31"]


def test_dates_a_vector_file_stores_as_dates_are_taken_as_they_are(tmp_path):
    path = tmp_path / "works.gpkg"
    gpd.GeoDataFrame({"reference": ["W1"], "start_date": [dt.date(2026, 12, 1)],
                      "end_date": [dt.date(2026, 12, 5)]},
                     geometry=[shapely.Point(530500, 180500)], crs=BNG).to_file(path)
    works = read_works_file(path, working_crs=BNG)
    assert works["start_date"].tolist() == ["2026-12-01"]
    assert works["end_date"].tolist() == ["2026-12-05"]
