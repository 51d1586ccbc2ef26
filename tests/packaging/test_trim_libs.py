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


# --- pyproj's libcurl replaced by a stub ------------------------------------------------

CURL = "libcurl-8b9c369e.so.4.8.0"
NGHTTP2 = "libnghttp2-86ab2a58.so.14.27.0"
needs_cc = pytest.mark.skipif(trim_libs.c_compiler() is None,
                              reason="the libcurl stub is compiled with a C compiler (.ci/run installs gcc)")


@pytest.fixture
def pyproj_libs(tmp_path):
    """pyproj's shape: its extension uses libproj, which calls five curl functions of a libcurl needing libnghttp2."""
    lib = tmp_path / "pyproj.libs"
    lib.mkdir()
    nghttp2 = make_lib(lib, NGHTTP2, defines=["nghttp2_session_client_new"])
    curl = make_lib(lib, CURL, defines=[*sorted(trim_libs.CURL_STUBBED), "curl_multi_init", "curl_version"],
                    uses=["nghttp2_session_client_new"], needs=[nghttp2])
    sqlite = make_lib(lib, "libsqlite3-341faa0b.so.0.8.6", defines=["sqlite3_open"])
    proj = make_lib(lib, "libproj-1eb8c554.so.25.9.5.1", defines=["proj_create"],
                    uses=[*sorted(trim_libs.CURL_STUBBED), "sqlite3_open"], needs=[sqlite, curl])
    ext = make_lib(tmp_path, "_crs.cpython-311-x86_64-linux-gnu.so", uses=["proj_create"], needs=[proj])
    return [("pyproj/_crs.cpython-311-x86_64-linux-gnu.so", str(ext), "EXTENSION"),
            ("pyproj.libs/libproj-1eb8c554.so.25.9.5.1", str(proj), "BINARY"),
            ("pyproj.libs/libsqlite3-341faa0b.so.0.8.6", str(sqlite), "BINARY"),
            (f"pyproj.libs/{CURL}", str(curl), "BINARY"),
            (f"pyproj.libs/{NGHTTP2}", str(nghttp2), "BINARY")]


def _cc_stub():
    return trim_libs.curl_stub_builder(trim_libs.c_compiler())


@needs_cc
def test_libcurl_becomes_a_stub_of_the_same_soname_exporting_only_what_proj_calls(pyproj_libs, tmp_path):
    import ctypes

    trim = trim_libs.with_curl_stub(pyproj_libs, tmp_path / "stub", _cc_stub())
    new = {d: s for d, s, _k in trim.toc}
    stub = new[f"pyproj.libs/{CURL}"]
    assert Path(stub) == tmp_path / "stub" / CURL and elf.load_problems(stub) == []
    assert elf.dynamic_entries(stub)["SONAME"] == [CURL] and NGHTTP2 not in elf.dynamic_entries(stub)["NEEDED"]
    imported, exported = elf.dynamic_symbols(stub)
    assert exported == trim_libs.CURL_STUBBED == {"curl_easy_init", "curl_easy_setopt", "curl_easy_perform",
                                                  "curl_easy_getinfo", "curl_easy_cleanup"}
    assert not {s for s in imported if s.startswith(("curl", "nghttp2", "SSL", "socket", "connect"))}
    # it answers as PROJ expects: no handle, and CURLE_FAILED_INIT from the rest
    lib = ctypes.CDLL(stub)
    lib.curl_easy_init.restype = ctypes.c_void_p
    assert lib.curl_easy_init() is None
    assert [lib.curl_easy_perform(None), lib.curl_easy_setopt(None, 10002, None),
            lib.curl_easy_getinfo(None, 2097154, None)] == [2, 2, 2]
    # libnghttp2, which only the real libcurl needed, is left out; nothing else changes
    assert trim.dropped == [(f"pyproj.libs/{NGHTTP2}", "only the real libcurl needed it; its stub needs nothing of it")]
    assert trim.replaced[0][0] == f"pyproj.libs/{CURL}" and "libproj-1eb8c554.so.25.9.5.1 calls only" in trim.notes[0]
    assert [e for e in trim.toc if "curl" not in e[0]] == [e for e in pyproj_libs if "curl" not in e[0]
                                                           and "nghttp2" not in e[0]]
    assert trim_files.orphans(trim.toc).dropped == []  # the stub is still reached through libproj
    assert elf.dynamic_symbols(pyproj_libs[3][1])[1] > trim_libs.CURL_STUBBED  # the original is untouched


@needs_cc
def test_libnghttp2_stays_while_another_library_needs_it(pyproj_libs, tmp_path):
    folder = Path(pyproj_libs[0][1]).parent
    other = make_lib(folder, "libother.so.1", uses=["nghttp2_session_client_new"],
                     needs=[Path(pyproj_libs[4][1])])
    toc_in = [*pyproj_libs, ("pyproj.libs/libother.so.1", str(other), "BINARY")]
    trim = trim_libs.with_curl_stub(toc_in, tmp_path / "stub", _cc_stub())
    assert trim.dropped == [] and f"pyproj.libs/{NGHTTP2}" in trim.names
    assert trim.replaced[0][0] == f"pyproj.libs/{CURL}"


def test_a_library_calling_another_curl_function_stops_the_build(pyproj_libs, tmp_path):
    folder = Path(pyproj_libs[3][1]).parent
    gdal = make_lib(folder, "libgdal.so.38", uses=["curl_easy_init", "curl_multi_init"],
                    needs=[Path(pyproj_libs[3][1])])
    with pytest.raises(toc.BuildStop, match=r"libgdal.so.38 calls libcurl's curl_multi_init, which the libcurl stub "
                                            r"does not provide"):
        trim_libs.with_curl_stub([*pyproj_libs, ("pyproj.libs/libgdal.so.38", str(gdal), "BINARY")],
                                 tmp_path / "stub", lambda soname, target: pytest.fail("built anyway"))


@needs_cc
def test_a_stub_that_cannot_stand_in_stops_the_build(pyproj_libs, tmp_path):
    def wrong_soname(soname, target):
        _cc_stub()("libcurl.so.4", target)

    with pytest.raises(toc.BuildStop, match=r"cannot stand in for pyproj.libs/libcurl.*SONAME \['libcurl.so.4'\]"):
        trim_libs.with_curl_stub(pyproj_libs, tmp_path / "a", wrong_soname)

    def too_few(soname, target):
        make_lib(target.parent, target.name, defines=["curl_easy_init"])

    (tmp_path / "b").mkdir()
    with pytest.raises(toc.BuildStop, match=r"exports \['_fn', 'curl_easy_init'\] instead of"):
        trim_libs.with_curl_stub(pyproj_libs, tmp_path / "b", too_few)

    # the loader's own answer counts: libproj whose SQLite is missing does not load, stub or not
    Path(pyproj_libs[2][1]).unlink()
    with pytest.raises(toc.BuildStop, match=r"cannot stand in.*libsqlite3-341faa0b.so.0.8.6: cannot open shared"):
        trim_libs.with_curl_stub([e for e in pyproj_libs if "sqlite" not in e[0]], tmp_path / "c", _cc_stub())


def test_without_a_c_compiler_the_real_libcurl_stays_with_a_warning(pyproj_libs, tmp_path):
    assert trim_libs.curl_stub_builder(None) is None
    trim = trim_libs.with_curl_stub(pyproj_libs, tmp_path / "stub", None)
    assert trim.toc == pyproj_libs and trim.dropped == trim.replaced == []
    assert trim.notes[0].startswith("warning: no C compiler found") and "apt-get install gcc" in trim.notes[0]
    assert trim_libs.c_compiler({"CC": "ccache gcc -m64"}) == ["ccache", "gcc", "-m64"]
    # a $CC that is not there stops the build in one line rather than falling back silently
    with pytest.raises(toc.BuildStop, match=r"cannot run the C compiler '/no/such/cc' for the libcurl stub"):
        trim_libs.with_curl_stub(pyproj_libs, tmp_path / "stub", trim_libs.curl_stub_builder(["/no/such/cc"]))
    with pytest.raises(toc.BuildStop, match=r"compiling the libcurl stub with .*false failed: exit 1"):
        trim_libs.with_curl_stub(pyproj_libs, tmp_path / "stub", trim_libs.curl_stub_builder(["false"]))
    # and nothing to do without pyproj's libcurl
    without = [e for e in pyproj_libs if "curl" not in e[0]]
    assert trim_libs.with_curl_stub(without, tmp_path / "stub", lambda s, t: pytest.fail("built")).toc == without


def _network_probe(env: dict[str, str]) -> dict:
    """``bundle_check.proj_network()`` (PROJ's network on, a grid asked for from a server on 127.0.0.1)
    run in a child Python with ``env`` added."""
    import json
    import subprocess
    import sys

    code = "import json, bundle_check; print(json.dumps(bundle_check.proj_network()))"
    path = os.pathsep.join([str(Path(trim_libs.__file__).parent), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": path, **env})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@needs_cc
def test_the_real_libproj_with_the_stub_reaches_nothing_when_its_network_is_on(tmp_path):
    """The development install's libproj: with its real libcurl the probe's loopback server gets the
    request; with the stub loaded under libcurl's SONAME nothing arrives and the grid is just missing."""
    import pyproj

    libs = Path(pyproj.__file__).resolve().parent.parent / "pyproj.libs"
    curl = next((p for p in sorted(libs.glob("libcurl*.so*")) if trim_libs.PYPROJ_CURL.search(f"pyproj.libs/{p.name}")),
                None)
    if curl is None:
        pytest.skip("this pyproj has no vendored libcurl")
    stub = tmp_path / curl.name
    _cc_stub()(elf.dynamic_entries(curl)["SONAME"][0], stub)
    assert _network_probe({})["requests"] >= 1
    assert _network_probe({"LD_PRELOAD": str(stub)}) == {"network_switched_on": True,
                                                        "remote_grid": "not available", "requests": 0}
