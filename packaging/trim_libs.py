"""Linux libraries the bundle ships as rewritten copies, each proven safe before it is used.

- ``without_overlinking``: pyarrow's kept modules name the dataset, Parquet, Acero and
  Substrait libraries in ``DT_NEEDED`` without using a symbol of theirs; the names are
  removed from copies (``elf.without_needed``) so that ``trim_files.orphans`` drops the
  four libraries (18 MB);
- ``icu_api_problems`` / ``with_icu_subset``: Qt's ICU data library replaced by the part
  Qt can reach (``icu_subset``), after checking no library calls ICU for more;
- ``with_curl_stub``: pyproj's libcurl (PROJ's grid downloads only; the app is offline)
  replaced by a stub of the same name and SONAME whose ``curl_easy_init`` makes no handle
  (``curl_stub.c``, compiled with the C compiler), after checking that every library
  needing libcurl calls only what the stub provides; the libraries only libcurl needed
  (libnghttp2) are left out;
- ``stripped``: symbol tables stripped, each copy checked the way the dynamic loader reads
  it, and compacted where GNU strip would break it or patchelf padded it apart.

Copies go to a work folder; the TOC then names them as sources. The ELF readers are
``elf``; tests/packaging/test_trim_libs.py runs every step on tiny libraries made with
``as`` and ``ld``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
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


# pyproj's vendored libcurl (with OpenSSL linked in) and what PROJ calls of it: grid downloads.
PYPROJ_CURL = re.compile(r"(^|[/\\])pyproj\.libs[/\\]libcurl(-[0-9a-f]+)?\.so[.\d]*$")
CURL_STUBBED = frozenset({"curl_easy_init", "curl_easy_setopt", "curl_easy_perform", "curl_easy_getinfo",
                          "curl_easy_cleanup"})
CURL_STUB_SOURCE = Path(__file__).resolve().with_name("curl_stub.c")
NO_COMPILER = ("no C compiler found (cc, gcc or $CC): the bundle keeps pyproj's real libcurl (6 MB more; "
               "PROJ's network stays switched off but not removed); install gcc (Debian: apt-get install gcc)")

# Run in a child process (LD_BIND_NOW: every symbol bound at load): the stub answers as PROJ
# expects, and each library needing libcurl loads with the stub standing in for it.
_STUB_PROBE = """
import ctypes, os, sys
stub = ctypes.CDLL(sys.argv[1])
stub.curl_easy_init.restype = ctypes.c_void_p
answers = [stub.curl_easy_init(), stub.curl_easy_setopt(None, 10002, None), stub.curl_easy_perform(None),
           stub.curl_easy_getinfo(None, 2097154, None), stub.curl_easy_cleanup(None)]
if answers[:4] != [None, 2, 2, 2]:
    sys.exit(f"the stub answers {answers[:4]}, not [NULL, 2, 2, 2]")
for user in sys.argv[2:]:
    ctypes.CDLL(user)
mapped = {l.split()[-1] for l in open("/proc/self/maps") if "libcurl" in l.rsplit("/", 1)[-1]}
if mapped != {os.path.realpath(sys.argv[1])}:
    sys.exit(f"another libcurl was loaded: {sorted(mapped)}")
"""


def c_compiler(environ=os.environ) -> list[str] | None:
    """The C compiler command: ``$CC`` if set, else ``cc`` or ``gcc`` on PATH; None without one."""
    if environ.get("CC", "").strip():
        return shlex.split(environ["CC"])
    found = shutil.which("cc") or shutil.which("gcc")
    return [found] if found else None


def curl_stub_builder(compiler: list[str] | None) -> Callable[[str, Path], None] | None:
    """A function (SONAME, target) compiling ``curl_stub.c`` into a shared library exporting
    ``CURL_STUBBED`` only; None without a compiler."""
    if not compiler:
        return None

    def build(soname: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        exports = target.with_name(target.name + ".map")
        names = "; ".join(sorted(CURL_STUBBED))
        exports.write_text(f"{{ global: {names}; local: *; }};\n", encoding="ascii")
        try:
            done = subprocess.run([*compiler, "-shared", "-fPIC", "-O2", "-o", str(target), str(CURL_STUB_SOURCE),
                                   f"-Wl,-soname,{soname}", f"-Wl,--version-script={exports}"],
                                  capture_output=True, text=True)
        except OSError as exc:  # $CC names a program that is not there
            raise BuildStop(f"cannot run the C compiler {compiler[0]!r} for the libcurl stub ({exc.strerror}); "
                            "fix $CC or install gcc") from None
        if done.returncode:
            first = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[0]
            raise BuildStop(f"compiling the libcurl stub with {compiler[0]} failed: {first}")
    return build


def curl_stub_problems(stub: str | Path, soname: str, users: list[str]) -> list[str]:
    """Why ``stub`` cannot stand in for libcurl ``soname`` for ``users`` (empty when it can)."""
    problems = elf.load_problems(stub)
    entries = elf.dynamic_entries(stub)
    if entries["SONAME"] != [soname]:
        problems.append(f"SONAME {entries['SONAME']} instead of {soname}")
    exported = elf.dynamic_symbols(stub)[1]
    if exported != CURL_STUBBED:
        problems.append(f"exports {sorted(exported)} instead of {sorted(CURL_STUBBED)}")
    if not problems:
        # the users' other libraries are beside them (a wheel's .libs folder), as in the bundle's folder
        folders = os.pathsep.join(dict.fromkeys(os.path.dirname(os.path.abspath(u)) for u in users))
        env = {**os.environ, "LD_BIND_NOW": "1",
               "LD_LIBRARY_PATH": os.pathsep.join(filter(None, [folders, os.environ.get("LD_LIBRARY_PATH")]))}
        done = subprocess.run([sys.executable, "-c", _STUB_PROBE, str(stub), *users], capture_output=True,
                              text=True, env=env, timeout=120)
        if done.returncode:
            problems.append((done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1])
    return problems


def with_curl_stub(toc: list[Entry], work: Path, build_stub: Callable[[str, Path], None] | None) -> Trim:
    """pyproj's libcurl replaced by the stub of ``curl_stub.c``; the libraries only it needed left out.

    PROJ's one use of libcurl is downloading grids, and the app is offline by design:
    with the stub PROJ cannot reach the network even if its network were switched on.
    Stops the build if a library needing libcurl calls a function the stub lacks, or if
    the stub would not load in its place. ``build_stub(soname, target)`` compiles it
    (``curl_stub_builder``); None (no C compiler) keeps the real libcurl, with a warning:
    the stub is defence in depth (PROJ's network is already switched off twice, by the
    runtime hook and by ``asset_register.grids``), so a developer without gcc still gets a
    working bundle, 6 MB larger; a release cannot ship one, as the smoke test
    (tests/packaging/test_bundle.py, run by CI) fails without the stub.
    """
    curl = next((e for e in toc if PYPROJ_CURL.search(e[0])), None)
    if curl is None:
        return Trim(list(toc))
    if build_stub is None:
        return Trim(list(toc), notes=[f"warning: {NO_COMPILER}"])
    curl_dest, curl_src, _kind = curl
    name = os.path.basename(curl_dest)
    soname = (elf.dynamic_entries(curl_src)["SONAME"] or [name])[0]
    provided = elf.dynamic_symbols(curl_src)[1]
    needs = {d: elf.dynamic_entries(s)["NEEDED"] for d, s, _k in toc if SHARED_LIB.search(d) and d != curl_dest}
    users = [(d, s) for d, s, _k in toc if soname in needs.get(d, ()) or name in needs.get(d, ())]
    for dest, src in users:
        beyond = sorted((elf.dynamic_symbols(src)[0] & provided) - CURL_STUBBED)
        if beyond:
            raise BuildStop(f"{dest} calls libcurl's {beyond[0]}, which the libcurl stub does not provide; add it to "
                            "packaging/curl_stub.c and trim_libs.CURL_STUBBED, or keep the real libcurl (remove the "
                            "curl stub step)")
    stub = work / name
    build_stub(soname, stub)
    problems = curl_stub_problems(stub, soname, [s for _d, s in users])
    if problems:
        raise BuildStop(f"the libcurl stub cannot stand in for {curl_dest}: {problems[0]}")
    # what the real libcurl needed from its own folder (auditwheel vendored it for libcurl): left out
    # when no other library needs it
    folder = os.path.dirname(curl_dest)
    needed_elsewhere = {n for deps in needs.values() for n in deps}
    own = set(elf.dynamic_entries(curl_src)["NEEDED"])
    alone = {d for d, _s, _k in toc
             if os.path.dirname(d) == folder and os.path.basename(d) in own - needed_elsewhere}
    how = (f"a stub of {os.path.getsize(stub) / 1e3:.0f} kB (was {os.path.getsize(curl_src) / 1e6:.1f} MB) whose "
           f"curl_easy_init makes no handle, so PROJ cannot download; "
           f"{', '.join(os.path.basename(d) for d, _s in users) or 'nothing'} calls only its "
           f"{', '.join(sorted(CURL_STUBBED))}")
    result = [(d, str(stub), k) if d == curl_dest else (d, s, k) for d, s, k in toc if d not in alone]
    return Trim(result, dropped=[(d, "only the real libcurl needed it; its stub needs nothing of it")
                                 for d in sorted(alone)],
                replaced=[(curl_dest, how)], notes=[f"{curl_dest}: {how}"])


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
