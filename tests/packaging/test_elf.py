"""packaging/elf.py: the checks build.spec relies on to trim the bundle's libraries safely.

Run against real libraries of the development install, and against what the dynamic
loader itself says about them (loaded in a child process with ctypes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import elf  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries: Linux only")


def _site_file(package: str, pattern: str) -> Path:
    mod = __import__(package)
    base = Path(mod.__file__).parent
    found = sorted(base.glob(pattern)) + sorted(base.parent.glob(f"{package}.libs/{pattern}"))
    if not found:
        pytest.skip(f"{package} has no {pattern} here")
    return found[0]


def _load(path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Load a library with the real dynamic loader in a child process; print the Arrow libraries mapped."""
    code = ("import ctypes, sys; ctypes.CDLL(sys.argv[1]); "
            "print(sorted({l.split('/')[-1] for l in open('/proc/self/maps') "
            "if 'libarrow' in l or 'libparquet' in l}))")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_a_wheel_library_loads_and_has_no_load_problems():
    lib = _site_file("numpy", "libscipy_openblas*.so")
    assert elf.load_problems(lib) == []
    assert _load(lib).returncode == 0


@pytest.mark.skipif(not shutil.which("strip"), reason="binutils strip not installed")
def test_load_problems_sees_what_the_loader_rejects_after_gnu_strip(tmp_path):
    """GNU strip misplaces segments of this patchelf-rewritten library: the check must see it as ld.so does."""
    lib = _site_file("numpy", "libscipy_openblas*.so")
    broken = tmp_path / lib.name
    subprocess.run(["strip", "--strip-unneeded", "-o", str(broken), str(lib)], check=True)
    problems = elf.load_problems(broken)
    loaded = _load(broken)
    if not problems:
        # a binutils that strips this file correctly: then the loader must accept it too
        assert loaded.returncode == 0, loaded.stderr
        pytest.skip("this binutils strips the library without breaking it")
    assert "not page-aligned" in problems[0]
    assert loaded.returncode != 0 and "not page-aligned" in loaded.stderr


def test_dynamic_entries_and_symbols_of_libarrow_python():
    lib = _site_file("pyarrow", "libarrow_python.so.*[0-9]")
    entries = elf.dynamic_entries(lib)
    assert entries["SONAME"] == [lib.name]
    assert any(n.startswith("libarrow.so") for n in entries["NEEDED"])
    imported, exported = elf.dynamic_symbols(lib)
    assert any("arrow" in s for s in imported) and any("arrow" in s for s in exported)
    assert not imported & exported


def test_without_needed_drops_overlinked_libraries_and_the_copy_still_loads(tmp_path):
    """libarrow_python names Parquet/dataset/Acero/Substrait without using them (trim_libs.ARROW_OVERLINKED)."""
    lib = _site_file("pyarrow", "libarrow_python.so.*[0-9]")
    drop = {n for n in elf.dynamic_entries(lib)["NEEDED"]
            if n.startswith(("libparquet", "libarrow_dataset", "libarrow_acero", "libarrow_substrait"))}
    if not drop:
        pytest.skip("this pyarrow does not over-link libarrow_python")
    provided = set()
    for name in drop:
        provided |= elf.dynamic_symbols(lib.parent / name)[1]
    assert not elf.dynamic_symbols(lib)[0] & provided, "libarrow_python uses them: the build would stop"

    copy = tmp_path / lib.name
    assert sorted(elf.without_needed(lib, copy, drop)) == sorted(drop)
    assert copy.stat().st_size == lib.stat().st_size
    kept = [n for n in elf.dynamic_entries(lib)["NEEDED"] if n not in drop]
    assert elf.dynamic_entries(copy)["NEEDED"] == kept
    assert elf.load_problems(copy) == []
    for name in kept:  # only the libraries it still names, next to it ($ORIGIN)
        if (lib.parent / name).exists():
            (tmp_path / name).symlink_to(lib.parent / name)
    loaded = _load(copy)
    assert loaded.returncode == 0, loaded.stderr
    mapped = loaded.stdout
    assert "libarrow.so" in mapped and not any(name in mapped for name in drop), mapped
    # the original, loaded the same way, still pulls them all in
    original = _load(lib)
    assert original.returncode == 0 and all(name in original.stdout for name in drop)
