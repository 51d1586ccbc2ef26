"""The committed examples/ folder is exactly what sample_data.examples writes, and GDAL reads
its GeoJSON in British National Grid (the README's outputs depend on both)."""

from __future__ import annotations

import pyogrio

from sample_data.examples import EXAMPLES_DIR, example_files, main


def test_committed_examples_are_what_the_generator_writes(tmp_path, capsys):
    assert main([str(tmp_path)]) == 0
    assert "example files written" in capsys.readouterr().out
    for name, text in example_files().items():
        assert (tmp_path / name).read_bytes() == text.encode("utf-8")
        assert (EXAMPLES_DIR / name).read_bytes() == text.encode("utf-8"), (
            f"examples/{name} differs from sample_data/examples.py: run python -m sample_data.examples")


def test_example_geojson_is_read_in_british_national_grid():
    site = pyogrio.read_dataframe(EXAMPLES_DIR / "site.geojson")
    assert site.crs.to_epsg() == 27700 and len(site) == 1
    assert site.geometry.iloc[0].area == 12.0
    programme = pyogrio.read_dataframe(EXAMPLES_DIR / "programme.geojson")
    assert programme.crs.to_epsg() == 27700
    assert programme["reference"].tolist() == ["PRG-01", "PRG-02", "PRG-03", "PRG-04"]
    assert programme.geometry.geom_type.tolist() == ["LineString", "Point", "Polygon", "LineString"]
