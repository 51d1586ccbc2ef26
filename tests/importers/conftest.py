"""Fixtures for the importer tests: one canonical source written in every format, registers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from importers.profiles import FieldRule, Profile

N_LINES = 12


def canonical_lines() -> gpd.GeoDataFrame:
    """The one source every format fixture is written from: 12 lines in British National Grid."""
    rng = np.random.default_rng(7)
    x0 = 530100 + rng.uniform(0, 1400, N_LINES).round(3)
    y0 = 180100 + rng.uniform(0, 1000, N_LINES).round(3)
    lines = [shapely.LineString([(x, y), (x + 25.5, y + 3.25), (x + 40.125, y - 7.5)])
             for x, y in zip(x0, y0, strict=True)]
    return gpd.GeoDataFrame({
        "PIPE_ID": [f"P{i:03d}" for i in range(N_LINES)],
        "DIAM_IN": np.array([3, 4, 6, 8, 12, 24] * 2, dtype=np.int32),
        "MATERIAL": ["MDPE", "CI", "ST", "PE", "XX", "CI"] * 2,
        "PRESSURE": ["LP", "LP", "MP", "LP", "LP", "HP"] * 2,
        "COVER_FT": np.array([2.0, 2.5, 3.0, 3.5, 2.0, 4.0] * 2),
    }, geometry=lines, crs="EPSG:27700")


def gas_profile(**extra) -> Profile:
    return Profile(
        name="test gas", constants={"utility": "gas", "asset_class": "pipe"},
        fields={
            "asset_id": FieldRule(source="PIPE_ID"),
            "diameter_mm": FieldRule(source="DIAM_IN", unit="in"),
            "depth_m": FieldRule(source="COVER_FT", unit="ft"),
            "pressure": FieldRule(source="PRESSURE"),
            "material": FieldRule(source="MATERIAL", values={"MDPE": "PE", "ST": "steel"}),
        },
        **extra,
    )


@pytest.fixture
def lines() -> gpd.GeoDataFrame:
    return canonical_lines()


@pytest.fixture
def register(tmp_path):
    """A new, empty GeoPackage register (closed at teardown)."""
    from asset_register.store import create_register

    store = create_register(tmp_path / "register.gpkg")
    yield store
    store.close()


@pytest.fixture
def sample_town() -> Path:
    from importers.sample import town_dir

    return town_dir()
