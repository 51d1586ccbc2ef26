"""packaging/trim_libs.py: the library copies build.spec ships, on tiny libraries made with as/ld."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.packaging.tinylibs import make_lib, misaligned_copy, needs_binutils

import elf
import toc
import trim_files
import trim_libs

pytestmark = needs_binutils


@pytest.fixture
def arrow(tmp_path):
    """pyarrow's shape: libarrow_python uses libarrow and names libparquet and libarrow_dataset unused."""
    lib = tmp_path / "lib"
    lib.mkdir()
    arrow = make_lib(lib, "libarrow.so.1900", defines=["arrow_fn"])
    parquet = make_lib(lib, "libparquet.so.1900", defines=["parquet_fn"], needs=[arrow])
    dataset = make_lib(lib, "libarrow_dataset.so.1900", defines=["dataset_fn"], needs=[parquet, arrow])
    python = make_lib(lib, "libarrow_python.so.1900", uses=["arrow_fn"], needs=[arrow, parquet, dataset])
    ext = make_lib(lib, "lib.cpython-311-x86_64-linux-gnu.so", uses=["arrow_fn"], needs=[python, arrow, parquet])
    return [("pyarrow/lib.cpython-311-x86_64-linux-gnu.so", str(ext), "EXTENSION"),
            ("pyarrow/libarrow_python.so.1900", str(python), "BINARY"),
            ("pyarrow/libarrow.so.1900", str(arrow), "BINARY"),
            ("pyarrow/libparquet.so.1900", str(parquet), "BINARY"),
            ("pyarrow/libarrow_dataset.so.1900", str(dataset), "BINARY")]


def test_overlinked_libraries_are_unnamed_and_then_left_out_as_orphans(arrow, tmp_path):
    trim = trim_libs.without_overlinking(arrow, tmp_path / "relinked")
    assert [n for n, _how in trim.replaced] == ["pyarrow/lib.cpython-311-x86_64-linux-gnu.so",
                                                "pyarrow/libarrow_python.so.1900"]
    new = dict((d, s) for d, s, _k in trim.toc)
    assert elf.dynamic_entries(new["pyarrow/libarrow_python.so.1900"])["NEEDED"] == ["libarrow.so.1900"]
    assert elf.dynamic_entries(new["pyarrow/lib.cpython-311-x86_64-linux-gnu.so"])["NEEDED"] == [
        "libarrow_python.so.1900", "libarrow.so.1900"]
    assert Path(new["pyarrow/libarrow_python.so.1900"]).parent == tmp_path / "relinked"
    # the originals are untouched; the unused libraries themselves are not edited
    assert "libparquet.so.1900" in elf.dynamic_entries(arrow[1][1])["NEEDED"]
    assert new["pyarrow/libarrow_dataset.so.1900"] == arrow[4][1]
    kept = trim_files.orphans(trim.toc)
    assert [n for n, _why in kept.dropped] == ["pyarrow/libparquet.so.1900", "pyarrow/libarrow_dataset.so.1900"]
    # without the step, the orphans step keeps them all
    assert trim_files.orphans(arrow).dropped == []


def test_a_library_that_uses_an_overlinked_one_stops_the_build(arrow, tmp_path):
    lib = Path(arrow[0][1]).parent
    user = make_lib(lib, "_dataset.cpython-311-x86_64-linux-gnu.so", uses=["dataset_fn"],
                    needs=[lib / "libarrow_dataset.so.1900"])
    with pytest.raises(toc.BuildStop, match=r"_dataset.*uses 1 symbols of \['libarrow_dataset.so.1900'\]"):
        trim_libs.without_overlinking([*arrow, ("pyarrow/_dataset.cpython-311-x86_64-linux-gnu.so", str(user),
                                                "EXTENSION")], tmp_path / "relinked")


def test_nothing_to_unlink_leaves_the_toc_as_it_is(arrow, tmp_path):
    without = [e for e in arrow if "parquet" not in e[0] and "dataset" not in e[0]]
    assert trim_libs.without_overlinking(without, tmp_path / "relinked").toc == without


QT_CORE_ICU = ["ucol_open_73", "ucol_strcoll_73", "ucal_getCanonicalTimeZoneID_73", "ucnv_open_73",
               "u_strToUpper_73", "UCNV_FROM_U_CALLBACK_STOP_73"]


@pytest.fixture
def qt_icu(tmp_path):
    data = make_lib(tmp_path, "libicudata.so.73", defines=["icudt73_dat"])
    uc = make_lib(tmp_path, "libicuuc.so.73", defines=["ucnv_open_73"], uses=["icudt73_dat", "ubrk_open_73"],
                  needs=[data])
    core = make_lib(tmp_path, "libQt6Core.so.6", uses=QT_CORE_ICU, needs=[uc])
    return [("PySide6/Qt/lib/libQt6Core.so.6", str(core), "BINARY"),
            ("PySide6/Qt/lib/libicuuc.so.73", str(uc), "BINARY"),
            ("PySide6/Qt/lib/libicudata.so.73", str(data), "BINARY")]


def test_icu_data_is_replaced_by_the_subset_when_qt_uses_only_what_it_keeps(qt_icu, tmp_path):
    built = []

    def subset_builder(src, work):
        built.append((src, work))
        out = work / "libicudata.so.73"
        work.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b"\0" * 1000)
        return out, 10, 90

    trim = trim_libs.with_icu_subset(qt_icu, tmp_path / "icu", subset_builder)
    assert built == [(Path(qt_icu[2][1]), tmp_path / "icu")]
    assert trim.toc[:2] == qt_icu[:2]
    assert trim.toc[2] == ("PySide6/Qt/lib/libicudata.so.73", str(tmp_path / "icu" / "libicudata.so.73"), "BINARY")
    assert trim.replaced[0][0] == "PySide6/Qt/lib/libicudata.so.73" and "10 items kept, 90 dropped" in trim.notes[0]
    # libicuuc itself calls ICU beyond Qt's services (ubrk_): ICU's own libraries are not judged
    assert trim_libs.icu_api_problems(qt_icu, "73", re.compile(r"^ucol_")) == {
        "PySide6/Qt/lib/libQt6Core.so.6": sorted(QT_CORE_ICU[2:])}


def test_a_library_calling_icu_beyond_the_subset_stops_the_build(qt_icu, tmp_path):
    folder = Path(qt_icu[0][1]).parent
    gui = make_lib(folder, "libQt6Gui.so.6", uses=["ubrk_open_73", "ucol_open_73"], needs=[folder / "libicuuc.so.73"])
    with pytest.raises(toc.BuildStop, match=r"libQt6Gui.so.6 uses ICU's \['ubrk_open_73'\]"):
        trim_libs.with_icu_subset([("PySide6/Qt/lib/libQt6Gui.so.6", str(gui), "BINARY"), *qt_icu],
                                  tmp_path / "icu", lambda src, work: pytest.fail("built anyway"))


def test_no_icu_data_no_change(qt_icu, tmp_path):
    assert trim_libs.with_icu_subset(qt_icu[:2], tmp_path / "icu", lambda s, w: pytest.fail("built")).toc == qt_icu[:2]


def _strip_tool():
    import shutil

    tool = shutil.which("strip")
    if not tool:
        pytest.skip("binutils strip not installed")
    return trim_libs.gnu_strip(tool)


def test_libraries_are_stripped_and_checked_and_the_rest_left_alone(tmp_path):
    lib = make_lib(tmp_path, "libthing.so.2", uses=["other"])
    data = tmp_path / "notes.txt"
    data.write_text("not a library")
    toc_in = [("libthing.so.2", str(lib), "BINARY"), ("base_library.zip", str(data), "DATA")]
    trim = trim_libs.stripped(toc_in, tmp_path / "work", _strip_tool())
    (dest, src, kind), rest = trim.toc
    assert (dest, kind) == ("libthing.so.2", "BINARY") and rest == toc_in[1]
    assert Path(src).parent == tmp_path / "work" and os.path.getsize(src) < os.path.getsize(lib)
    assert elf.load_problems(src) == [] and elf.dynamic_entries(src) == elf.dynamic_entries(lib)
    assert elf.dynamic_symbols(src) == elf.dynamic_symbols(lib)
    assert trim.replaced == [("libthing.so.2", "stripped")]
    assert "would break (left to compaction): none" in trim.notes[-1]


def test_a_copy_strip_breaks_is_not_shipped(tmp_path):
    lib = make_lib(tmp_path, "libopenblas.so.0")
    trim = trim_libs.stripped([("numpy.libs/libopenblas.so.0", str(lib), "BINARY")], tmp_path / "work",
                              misaligned_copy)
    assert trim.toc == [("numpy.libs/libopenblas.so.0", str(lib), "BINARY")]
    assert trim.replaced == []
    assert "would break (left to compaction): numpy.libs/libopenblas.so.0" in trim.notes[-1]
    assert elf.load_problems(tmp_path / "work" / "numpy.libs__libopenblas.so.0")  # what strip made was broken


def test_padded_libraries_are_compacted_even_where_strip_breaks_them(tmp_path):
    lib = make_lib(tmp_path, "libXau-154567c4.so.6.0.0", uses=["other"], padded=True)
    assert os.path.getsize(lib) > 3 * elf.GRANULE
    dest = "pillow.libs/libXau-154567c4.so.6.0.0"
    trim = trim_libs.stripped([(dest, str(lib), "BINARY")], tmp_path / "work", misaligned_copy)
    (_d, src, _k), = trim.toc
    assert src.endswith(".packed") and os.path.getsize(lib) - os.path.getsize(src) >= elf.GRANULE
    assert trim.replaced == [(dest, "compacted")]
    assert elf.load_problems(src) == [] and elf.dynamic_entries(src) == elf.dynamic_entries(lib)
    trim = trim_libs.stripped([(dest, str(lib), "BINARY")], tmp_path / "work2", _strip_tool())
    assert trim.replaced == [(dest, "stripped and compacted")]
