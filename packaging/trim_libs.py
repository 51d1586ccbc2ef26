"""Linux libraries the bundle ships as rewritten copies, each proven safe before it is used.

- ``without_overlinking``: pyarrow's kept modules name the dataset, Parquet, Acero and
  Substrait libraries in ``DT_NEEDED`` without using a symbol of theirs; the names are
  removed from copies (``elf.without_needed``) so that ``trim_files.orphans`` drops the
  four libraries (18 MB);
- ``icu_api_problems`` / ``with_icu_subset``: Qt's ICU data library replaced by the part
  Qt can reach (``icu_subset``), after checking no library calls ICU for more;
- ``stripped``: symbol tables stripped, each copy checked the way the dynamic loader reads
  it, and compacted where GNU strip would break it or patchelf padded it apart.

Copies go to a work folder; the TOC then names them as sources. The ELF readers are
``elf``; tests/packaging/test_trim_libs.py runs every step on tiny libraries made with
``as`` and ``ld``.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import elf
from toc import BuildStop, Entry, Trim

SHARED_LIB = re.compile(r"\.so(\.[\d.]+)?$")  # shared libraries and extension modules, by name

# Named in DT_NEEDED by pyarrow's extension modules and libarrow_python, unused by the
# modules kept (``ldd -u`` lists them as unused); hooks/hook-pyarrow.py leaves the modules
# that do use them out.
ARROW_OVERLINKED = re.compile(r"(^|[/\\])lib(arrow_dataset|parquet|arrow_acero|arrow_substrait)\.so[.\d]*$")


def without_overlinking(toc: list[Entry], work: Path, unused: re.Pattern = ARROW_OVERLINKED) -> Trim:
    """Copies of the libraries naming an ``unused`` library in DT_NEEDED, without those names.

    Before a file is edited, the symbols it imports are checked against everything the
    unused libraries export: any overlap means it does use one, and stops the build.
    """
    libs = {os.path.basename(d): s for d, s, _k in toc if unused.search(d)}
    if not libs:
        return Trim(list(toc))
    provided: set[str] = set()
    for path in libs.values():
        provided |= elf.dynamic_symbols(path)[1]
    work.mkdir(parents=True, exist_ok=True)
    result, replaced = [], []
    for dest, src, kind in toc:
        names = set(elf.dynamic_entries(src)["NEEDED"]) & set(libs) if SHARED_LIB.search(dest) else set()
        if names and not unused.search(dest):
            used = elf.dynamic_symbols(src)[0] & provided
            if used:
                raise BuildStop(f"{dest} uses {len(used)} symbols of {sorted(names)} (e.g. {sorted(used)[:3]}); "
                                "it needs them: keep its module out (hook-pyarrow.py) or stop removing them "
                                "(ARROW_OVERLINKED)")
            target = work / dest.replace("/", "__")
            elf.without_needed(src, target, names)
            src = str(target)
            replaced.append((dest, f"no longer names {', '.join(sorted(names))} (none of their symbols used)"))
        result.append((dest, src, kind))
    return Trim(result, replaced=replaced)


ICU_DATA = re.compile(r"(^|[/\\])libicudata\.so\.(\d+)$")


def icu_api_problems(toc: list[Entry], major: str, allowed: re.Pattern) -> dict[str, list[str]]:
    """ICU functions of major version ``major`` that a bundled library imports beyond ``allowed``."""
    out = {}
    for dest, src, _kind in toc:
        if "libicu" in os.path.basename(dest) or not SHARED_LIB.search(dest):
            continue
        icu = [s for s in elf.dynamic_symbols(src)[0] if s.endswith(f"_{major}") and s[:1] in "uU"]
        other = sorted(s for s in icu if not allowed.match(s))
        if other:
            out[dest] = other
    return out


def with_icu_subset(toc: list[Entry], work: Path, subset_builder=None) -> Trim:
    """Qt's ICU data library replaced by the subset Qt can reach (packaging/icu_subset.py).

    Stops the build when a bundled library imports an ICU function outside the services
    the subset was chosen for (``icu_subset.QT_ICU_API``). ``subset_builder(source, work)``
    returns (library, items kept, items dropped); by default ``icu_subset.build``.
    """
    import icu_subset

    data = next((e for e in toc if ICU_DATA.search(e[0])), None)
    if data is None:
        return Trim(list(toc))
    major = ICU_DATA.search(data[0]).group(2)
    problems = icu_api_problems(toc, major, icu_subset.QT_ICU_API)
    if problems:
        dest, other = next(iter(problems.items()))
        raise BuildStop(f"{dest} uses ICU's {other[:5]}, beyond what the ICU data subset keeps; "
                        "extend packaging/icu_subset.py (KEEP, QT_ICU_API) for it")
    try:
        subset, kept, dropped = (subset_builder or icu_subset.build)(Path(data[1]), work)
    except icu_subset.IcuSubsetError as exc:
        raise BuildStop(str(exc)) from None
    how = (f"ICU data {os.path.getsize(data[1]) / 1e6:.1f} -> {Path(subset).stat().st_size / 1e6:.1f} MB "
           f"({kept} items kept, {dropped} dropped)")
    return Trim([(d, str(subset), k) if (d, s, k) == data else (d, s, k) for d, s, k in toc],
                replaced=[(data[0], how)], notes=[how])


def gnu_strip(tool: str) -> Callable[[str, Path], None]:
    """``strip --strip-unneeded`` as a function of (source, target)."""
    def run(src: str, target: Path) -> None:
        subprocess.run([tool, "--strip-unneeded", "-o", str(target), src], check=True)
    return run


def _loads_as(path: str | Path, src: str) -> bool:
    """The loader would map ``path`` and it links exactly as ``src`` does (needs, SONAME, search paths)."""
    return not elf.load_problems(path) and elf.dynamic_entries(path) == elf.dynamic_entries(src)


def stripped(toc: list[Entry], work: Path, strip: Callable[[str, Path], None]) -> Trim:
    """Shared libraries replaced by checked copies without their symbol tables (as Debian packages ship).

    Some libraries auditwheel vendored (patchelf rewrote their headers) come out of GNU
    strip unloadable ("ELF load command address/offset not page-aligned": OpenBLAS does);
    a stripped copy is used only when the loader would map it and it links as the
    original. Then ``elf.compacted`` (a stand-in where strip fails, and for libraries
    patchelf spread megabytes apart, such as Pillow's libXau) drops the symbol table and
    whole 64 KiB granules of padding, proving every mapped byte unchanged. Copies are
    reused while newer than their source.
    """
    work.mkdir(parents=True, exist_ok=True)
    result, replaced, notes, kept_whole, compacted, saved = [], [], [], [], [], 0
    for dest, src, kind in toc:
        if SHARED_LIB.search(dest):
            target = work / dest.replace("/", "__")
            if not target.exists() or target.stat().st_mtime < os.stat(src).st_mtime:
                strip(src, target)
            candidate, how = src, []
            if _loads_as(target, src):
                candidate = str(target)
                how.append("stripped")
            else:
                kept_whole.append(dest)
            packed = target.with_name(target.name + ".packed")
            try:
                if elf.compacted(candidate, packed) >= elf.GRANULE and _loads_as(packed, src):
                    candidate = str(packed)
                    compacted.append(dest)
                    how.append("compacted")
            except elf.ElfError as exc:
                notes.append(f"{dest} not compacted: {exc}")
            saved += os.path.getsize(src) - os.path.getsize(candidate)
            if how:
                replaced.append((dest, " and ".join(how)))
            src = candidate
        result.append((dest, src, kind))
    notes.append(f"stripping saved {saved / 1e6:.1f} MB; GNU strip would break (left to compaction): "
                 f"{', '.join(kept_whole) or 'none'}; compacted: {', '.join(compacted) or 'none'}")
    return Trim(result, replaced=replaced, notes=notes)
