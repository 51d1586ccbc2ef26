"""Shared fixtures: registers made in tmp_path, synthetic asset frames, reference data."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The packaged app leaves pyarrow's query engine and dataset layers out (packaging/
# trim_modules.py): every test runs without them, so no code path may come to need them
# unnoticed (a pandas group-by over Arrow-backed text does). Tests of the packaging itself
# read source text only.
for _module in ("pyarrow.acero", "pyarrow.dataset", "pyarrow.substrait"):
    sys.modules.setdefault(_module, None)

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

# Store backends the store contract tests run against. Each entry is a factory
# fixture name; the PostGIS backend adds itself here.
STORE_BACKENDS = ["gpkg"]

# PostGIS backend: a throwaway server per session (skipped with the reason when
# PostgreSQL + PostGIS are not installed; CI installs them). See tests/postgis/fixtures.py.
STORE_BACKENDS.append("postgis")
from tests.postgis.fixtures import (  # noqa: E402,F401
    pg_server,
    pg_store,
    pg_url,
    postgis_store_factory,
)


# A Monday: 20 working days later is Mon 21 Dec 2026 (no bank holiday in between).
FIXED_NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def fixed_clock(monkeypatch) -> datetime:
    """The product's clock (asset_register.clock) stopped at FIXED_NOW, whatever today is."""
    from asset_register import clock

    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def signing_key(tmp_path_factory, monkeypatch):
    """An authority's signing key in its own folder, the default key of every command run in
    the test (ASSET_REGISTER_SIGNING_KEY)."""
    from asset_register.signing import KEY_ENV, new_key

    path = tmp_path_factory.mktemp("keys") / "signing-key"
    monkeypatch.setenv(KEY_ENV, str(path))
    return new_key(path)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"reference data folder {SHARED_DATA} is absent (../shared/data)")
    return SHARED_DATA


@pytest.fixture
def gpkg_store_factory(tmp_path):
    """make() -> a new, empty GeoPackage register in tmp_path (closed at teardown)."""
    from asset_register.store import create_register

    made = []

    def make(name: str = "register.gpkg", crs: str = "EPSG:27700"):
        store = create_register(tmp_path / name, crs=crs)
        made.append(store)
        return store

    yield make
    for s in made:
        s.close()


@pytest.fixture(params=STORE_BACKENDS)
def store_factory(request):
    """make() -> a new, empty register on each backend in STORE_BACKENDS."""
    return request.getfixturevalue(f"{request.param}_store_factory")


@pytest.fixture
def store(store_factory):
    return store_factory()


def synthetic_assets(n: int = 200, *, seed: int = 0, owner: str = "WSX", x0: float = 530000.0,
                     y0: float = 180000.0, size: float = 1000.0) -> gpd.GeoDataFrame:
    """A canonical frame of mixed points, lines and polygons with every field filled."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(x0, x0 + size, n)
    y = rng.uniform(y0, y0 + size, n)
    kind = np.arange(n) % 3
    dx = rng.uniform(-40, 40, n)
    dy = rng.uniform(-40, 40, n)
    lines = shapely.linestrings(np.stack([np.stack([x, y], 1), np.stack([x + dx, y + dy], 1)], 1))
    points = shapely.points(x, y)
    polys = shapely.buffer(points, rng.uniform(0.5, 3, n), quad_segs=4)
    geoms = np.where(kind == 0, lines, np.where(kind == 1, points, polys))
    utilities = np.array(["electricity", "gas", "water", "sewer", "telecoms"])
    return gpd.GeoDataFrame(
        {
            "asset_id": [f"{owner}:{seed}-{i}" for i in range(n)],
            "owner": owner,
            "utility": utilities[np.arange(n) % 5],
            "asset_class": np.where(kind == 0, "pipe", np.where(kind == 1, "valve", "chamber")),
            "status": np.where(np.arange(n) % 7 == 0, "abandoned", "in_service"),
            "depth_m": rng.uniform(0.3, 2.5, n).round(2),
            "depth_source": "recorded",
            "diameter_mm": rng.integers(25, 600, n).astype(float),
            "pressure": None,
            "voltage": None,
            "material": "PE",
            "h_accuracy_m": rng.uniform(0.05, 1.0, n).round(3),
            "v_accuracy_m": 0.3,
            "quality_level": "B2",
            "captured_on": "2024-05-01",
            "attrs": [f'{{"src_id": {i}, "note": "ü {i}"}}' for i in range(n)],
            "restricted": np.arange(n) % 11 == 0,
        },
        geometry=geoms,
        crs="EPSG:27700",
    )


@pytest.fixture
def assets_frame():
    return synthetic_assets()
