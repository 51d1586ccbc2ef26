"""The stored content hash must never change: re-imports compare against hashes in registers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from asset_register.model import validate_assets
from asset_register.store.gpkg import geom as gpkg_geom
from asset_register.store.gpkg.write import HASHED, content_hash
from tests.conftest import synthetic_assets


def reference_hash(frame) -> np.ndarray:
    """The definition: pandas' row hash of the canonical fields, combined with the WKB's."""
    wkb = gpkg_geom.to_wkb(frame.geometry.array)
    h = pd.util.hash_pandas_object(frame[HASHED], index=False).to_numpy()
    h = h * np.uint64(0x100000001B3) ^ pd.util.hash_array(wkb)
    return np.array([f"{v:016x}" for v in h.tolist()])


def awkward_frame():
    frame = validate_assets(synthetic_assets(300, seed=11))
    frame.loc[frame.index[::7], "material"] = None
    frame.loc[frame.index[::5], "depth_m"] = np.nan
    frame.loc[frame.index[::3], "attrs"] = '{"same": 1}'  # repeated values in a distinct column
    frame.loc[frame.index[::11], "attrs"] = "{}"
    frame.loc[frame.index[1], "pressure"] = "ünïcode"
    return frame


def test_content_hash_equals_its_definition():
    frame = awkward_frame()
    assert (content_hash(frame) == reference_hash(frame)).all()


def test_texts_hashed_as_their_bytes_hash_as_the_texts():
    from asset_register.store.gpkg.write import _hash_distinct

    frame = awkward_frame()
    frame.loc[frame.index[2], "attrs"] = '{"emoji": "\U0001F6A7", "nul": "a\\u0000b"}'
    values = frame["attrs"]._values
    assert getattr(values, "_pa_array", None) is not None  # (the bytes route is the one taken)
    assert (_hash_distinct(values) == pd.util.hash_array(
        frame["attrs"].to_numpy(dtype=object), categorize=False)).all()
    with_null = frame["attrs"].astype(object)
    with_null.iloc[3] = None
    with_null = with_null.astype(frame["attrs"].dtype)
    assert (_hash_distinct(with_null._values) == pd.util.hash_array(
        with_null._values, categorize=False)).all()


def test_content_hash_is_pinned():
    # Values computed when the hash was defined; a change here would make every re-import
    # see every asset as changed.
    frame = validate_assets(synthetic_assets(3, seed=5))
    assert content_hash(frame).tolist() == PINNED


def test_any_field_or_vertex_changes_the_hash():
    frame = awkward_frame()
    before = content_hash(frame)
    for col, value in (("owner", "OTHER"), ("depth_m", 9.25), ("attrs", '{"x": 2}'),
                       ("restricted", True)):
        changed = frame.copy()
        changed.loc[changed.index[4], col] = value
        after = content_hash(changed)
        assert after[4] != before[4] and (np.delete(after, 4) == np.delete(before, 4)).all()
    moved = frame.copy()
    moved.geometry.array[4] = moved.geometry.array[4].buffer(0.001)
    assert content_hash(moved)[4] != before[4]


PINNED = ["ddfeccd12feb2371", "e411f3d9f56cda63", "88d1aee3657bfa0d"]
