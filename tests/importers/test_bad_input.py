"""Bad deliveries: each gets a clear error (or rejects with reasons) and the register stays as it was."""

from __future__ import annotations

import zipfile

import pyogrio
import pytest

from asset_register.errors import ImportError_
from importers import ImportJob, inspect
from importers.sources import open_source

from .conftest import canonical_lines, gas_profile


def _run(register, path, **kw):
    return ImportJob(register, path, owner="GAS", profile=gas_profile(), **kw).run()


def _state(register):
    return register.asset_count(), len(register.batches())


def test_missing_and_zero_byte_files(tmp_path, register):
    with pytest.raises(ImportError_, match="does not exist"):
        _run(register, tmp_path / "nope.gpkg")
    (tmp_path / "empty.geojson").write_bytes(b"")
    with pytest.raises(ImportError_, match="empty \\(0 bytes\\)"):
        _run(register, tmp_path / "empty.geojson")
    assert _state(register) == (0, 0)


@pytest.mark.parametrize("name, driver", [("mains.geojson", "GeoJSON"), ("mains.gpkg", "GPKG"),
                                          ("mains.fgb", "FlatGeobuf")])
def test_truncated_files_are_refused(tmp_path, register, name, driver):
    path = tmp_path / name
    pyogrio.write_dataframe(canonical_lines(), path, driver=driver)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ImportError_, match="cannot be read|truncated|corrupt"):
        _run(register, path)
    assert _state(register) == (0, 0)


def test_not_a_gis_file(tmp_path, register):
    path = tmp_path / "mains.shp"
    path.write_text("this is a spreadsheet export, not a shapefile\n")
    with pytest.raises(ImportError_, match="extension says ESRI Shapefile"):
        _run(register, path)


def test_wrong_extension_is_read_by_content_with_a_note(tmp_path, register):
    pyogrio.write_dataframe(canonical_lines(), tmp_path / "x.geojson", driver="GeoJSON")
    (tmp_path / "x.geojson").rename(tmp_path / "mains.gml")
    (report,) = _run(register, tmp_path / "mains.gml")
    assert report.imported == 12
    assert any("holds GeoJSON data" in w for w in report.warnings)


def test_empty_layer_imports_nothing_and_retires_nothing(tmp_path, register):
    _run(register, _gpkg(tmp_path / "full.gpkg", canonical_lines()))
    before = _state(register)
    (report,) = _run(register, _gpkg(tmp_path / "empty.gpkg", canonical_lines().iloc[:0]))
    assert report.status == "empty"
    assert _state(register) == before


def _gpkg(path, frame):
    pyogrio.write_dataframe(frame, path, driver="GPKG", layer="mains")
    return path


def test_zip_with_escaping_paths_is_refused(tmp_path, register):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../etc/mains.shp", b"x")
    with pytest.raises(ImportError_, match="escapes the zip's folder"):
        _run(register, path)


def test_an_empty_zip_is_named_as_such(tmp_path, register):
    """An empty zip said it held "no file in a format the register reads ()"."""
    path = tmp_path / "delivery.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.mkdir("nothing") if hasattr(zf, "mkdir") else zf.writestr("nothing/", "")
    for call in (lambda: ImportJob(register, path, owner="GAS").run(), lambda: inspect(path)):
        with pytest.raises(ImportError_, match=r"is an empty zip: ask the owner") as err:
            call()
        assert "()" not in str(err.value)
    assert register.asset_count() == 0 and len(register.batches()) == 0


def test_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mains.shp", b"\0" * 50_000_000)
    with pytest.raises(ImportError_, match="zip bomb"):
        open_source(path)


def test_multi_layer_source_needs_a_choice(tmp_path, register):
    path = tmp_path / "two.gpkg"
    pyogrio.write_dataframe(canonical_lines(), path, layer="mains")
    pyogrio.write_dataframe(canonical_lines(), path, layer="services")
    with pytest.raises(ImportError_, match="holds 2 layers.*--all-layers"):
        _run(register, path)
    with pytest.raises(ImportError_, match="no layer 'valves'"):
        _run(register, path, layers=["valves"])
    assert [layer.name for layer in inspect(path).layers] == ["mains", "services"]


def test_absurd_coordinates_are_rejected_rows_not_a_failed_import(tmp_path, register):
    frame = canonical_lines()
    frame.loc[4, "geometry"] = frame.geometry.iloc[4].__class__([(5.3e6, 1.8e6), (5.3e6 + 10, 1.8e6)])
    frame.loc[7, "geometry"] = frame.geometry.iloc[7].__class__([(1e300, 1e300), (1e300, 2e300)])
    (report,) = _run(register, _gpkg(tmp_path / "absurd.gpkg", frame))
    assert report.imported == 10 and report.rejected == 2
    reasons = set(register.rejects(report.batch_id)["reason"])
    assert all("outside the area of use" in r for r in reasons)


def test_a_delivery_too_large_for_free_memory_is_refused(tmp_path, register, monkeypatch):
    import importers.readers as readers

    path = _gpkg(tmp_path / "big.gpkg", canonical_lines())
    monkeypatch.setattr(readers, "free_memory_bytes", lambda: path.stat().st_size)
    with pytest.raises(ImportError_, match="more than half the memory free"):
        _run(register, path)
    assert _state(register) == (0, 0)


def test_free_memory_counts_the_file_cache_the_kernel_can_drop(tmp_path):
    """MemAvailable, not MemFree: a machine whose memory is mostly file cache after reading
    big files still has that memory for an import."""
    from asset_register import inputs

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24000000 kB\nMemFree:          200000 kB\n"
                       "MemAvailable:   11000000 kB\nCached:         10000000 kB\n")
    assert inputs.mem_available(str(meminfo)) == 11000000 * 1024
    meminfo.write_text("MemTotal:       24000000 kB\nMemFree:          200000 kB\n")
    assert inputs.mem_available(str(meminfo)) is None  # (old kernels: MemFree then)
    assert inputs.mem_available(str(tmp_path / "absent")) is None


def test_a_layer_whose_rows_are_all_rejected_keeps_the_rejects_and_retires_nothing(tmp_path, register):
    _run(register, _gpkg(tmp_path / "good.gpkg", canonical_lines()))
    before = register.asset_count()
    bad = canonical_lines()
    bad["geometry"] = None
    (report,) = _run(register, _gpkg(tmp_path / "good.gpkg", bad))  # same layer name, all null
    assert report.status == "all rejected" and report.rejected == 12
    assert register.asset_count() == before
    rej = register.rejects(report.batch_id)
    assert len(rej) == 12 and set(rej["reason"]) == {"no geometry (null)"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_gets_one_line_naming_its_encoding(tmp_path, register, encoding):
    """Excel's 'Unicode Text' export is UTF-16 (with or without its byte-order mark): reading
    its header raised Python's csv traceback ('new-line character seen in unquoted field')."""
    path = tmp_path / "valves.csv"
    path.write_bytes("id\ttype\teasting\tnorthing\r\nV1\tgas\t530000\t180000\r\n".encode(encoding))
    for call in (lambda: inspect(path), lambda: ImportJob(register, path, owner="X").run()):
        with pytest.raises(ImportError_) as err:
            call()
        message = str(err.value)
        assert "UTF-16" in message and "CSV UTF-8" in message and "\n" not in message
    assert register.asset_count() == 0


def test_a_csv_whose_header_python_cannot_split_gets_one_line(tmp_path, register):
    path = tmp_path / "odd.csv"
    path.write_bytes(b'id,"WKT\rPOINT (1 2)\n')
    with pytest.raises(ImportError_) as err:
        inspect(path)
    assert "\n" not in str(err.value) and "odd.csv" in str(err.value)


def test_a_spreadsheet_is_refused_with_the_way_to_import_it(tmp_path, register):
    """An Excel sheet of valves with easting/northing columns was 'skipped' as attribute-only
    (exit 0, nothing imported, no advice). GDAL reads no geometry from a spreadsheet: one line
    says to save it as CSV UTF-8 with its coordinate columns."""
    import pandas as pd

    xlsx = tmp_path / "valves.xlsx"
    frame = pd.DataFrame({"id": ["V1"], "type": ["gas"], "easting": [530000.0],
                          "northing": [180000.0]})
    pyogrio.write_dataframe(frame, xlsx, driver="XLSX")
    for call in (lambda: inspect(xlsx), lambda: ImportJob(register, xlsx, owner="X").run()):
        with pytest.raises(ImportError_) as err:
            call()
        message = str(err.value)
        assert "spreadsheet" in message and "CSV UTF-8" in message and "\n" not in message
    assert register.asset_count() == 0 and len(register.batches()) == 0

