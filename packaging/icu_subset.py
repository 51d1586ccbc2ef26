"""A smaller ICU data library for the Linux bundle: only the ICU data Qt can reach.

PySide6's Linux wheel ships ICU with its whole data library (``libicudata.so.<N>``,
32 MB for ICU 73: every locale, dictionary, transliterator and converter). Qt Core calls
ICU for four things only (every build checks it: ``trim_libs.icu_api_problems``):

- collation (``ucol_*``: QCollator, and through it the file dialogs' sorting),
- time zones (``ucal_*``: QTimeZone's canonical IDs and display names),
- named text codecs (``ucnv_*``: QStringConverter/QStringDecoder for encodings other
  than UTF-8/16/32 and Latin-1),
- locale-aware upper/lower case (``u_strToUpper``/``u_strToLower``: the case tables
  are compiled into libicuuc; the locale-specific rules are code, not data).

So the data kept is: the locale fallback infrastructure (root, pools, indexes, likely
subtags, aliases); the English, Welsh, Scottish Gaelic and Irish locales (the
languages of the authorities the app is for) in every tree Qt's calls read — main,
collation, time-zone names, language and region names, currency; the root collation
table; the time-zone database and its metazones; and every single-byte converter plus
the converter alias table. Dropped: the other ~700 locales (ICU then falls back to root,
as it does for any locale it lacks), word-break dictionaries, transliterators, number
spell-out rules, units, StringPrep profiles, and the multi-byte (CJK/EBCDIC-DBCS)
converters. The result is rebuilt as a library exporting the same ``icudt<N>_dat``
symbol under the same SONAME, so libicuuc links to it unchanged.

Needs ``icupkg`` (Debian ``icu-devtools``) and ``as``/``ld`` (binutils).
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import struct
import subprocess
from pathlib import Path

import elf

# ICU entry points Qt Core may import: anything else means Qt started using ICU for
# something this subset did not consider (break iteration, number formatting, ...).
QT_ICU_API = re.compile(
    r"^(ucol_\w+|ucal_\w+|ucnv_\w+|UCNV_(FROM|TO)_U_CALLBACK_\w+|u_strTo(Upper|Lower))_\d+$")

LOCALES = ("en", "cy", "gd", "ga")
_TREES = ("", "coll/", "zone/", "lang/", "region/", "curr/")
KEEP = [
    # resource-bundle infrastructure: fallback root, shared string pools, indexes, aliases
    *(f"{tree}{name}" for tree in _TREES for name in ("root.res", "pool.res", "res_index.res")),
    "supplementalData.res", "likelySubtags.res", "metadata.res", "keyTypeData.res", "icuver.res",
    "icustd.res", "numberingSystems.res", "dayPeriods.res", "plurals.res", "currencyNumericCodes.res",
    # the kept locales, with every country variant, in each tree
    *(f"{tree}{loc}{suffix}" for tree in _TREES for loc in LOCALES for suffix in (".res", "_*.res")),
    # collation: the root (UCA/CLDR) table that every locale tailors
    "coll/ucadata.icu",
    # time zones: the database, Windows and metazone mappings, tz abbreviations
    "zoneinfo64.res", "timezoneTypes.res", "metaZones.res", "windowsZones.res", "zone/tzdbNames.res",
    "curr/supplementalData.res",
    # converters: the alias table (single-byte converters are added by content, below)
    "cnvalias.icu",
]
# Items the subset cannot do without: if one is missing the ICU layout changed.
REQUIRED = ["root.res", "coll/root.res", "coll/ucadata.icu", "zoneinfo64.res", "metaZones.res",
            "zone/root.res", "cnvalias.icu", "en.res", "coll/en.res", "zone/en.res"]


class IcuSubsetError(RuntimeError):
    """The ICU subset cannot be built safely; the message says why."""


def qt_icu_imports(qt_libs: list[Path]) -> dict[str, list[str]]:
    """ICU functions each Qt library imports (``{library: [name_73, ...]}``)."""
    out = {}
    for lib in qt_libs:
        imported, _ = elf.dynamic_symbols(lib)
        icu = sorted(s for s in imported if re.search(r"_\d{2,3}$", s) and re.match(r"^[uU]", s))
        if icu:
            out[lib.name] = icu
    return out


def _single_byte(converter: bytes) -> bool:
    """True for a table converter mapping every character to one byte.

    A .cnv item is an ICU data header (its size in the first two bytes) followed by
    UConverterStaticData: structSize, name[60], codepage, platform, conversionType,
    minBytesPerChar, maxBytesPerChar.
    """
    header = struct.unpack_from("<H", converter, 0)[0]
    return converter[header + 4 + 60 + 4 + 3] == 1


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise IcuSubsetError(f"`{name}` not found: install "
                             f"{'icu-devtools' if name == 'icupkg' else 'binutils'} (see .ci/run)")
    return path


def build(src_lib: Path, work: Path) -> tuple[Path, int, int]:
    """Write the trimmed copy of ``src_lib`` into ``work``; (path, items kept, items dropped)."""
    icupkg, as_, ld = _tool("icupkg"), _tool("as"), _tool("ld")
    version = re.search(r"\.so\.(\d+)", src_lib.name)
    if not version:
        raise IcuSubsetError(f"{src_lib.name}: no ICU major version in the name")
    symbol = f"icudt{version.group(1)}_dat"
    _, exported = elf.dynamic_symbols(src_lib)
    if exported != {symbol}:
        raise IcuSubsetError(f"{src_lib.name} exports {sorted(exported)}, expected only {symbol}")

    # The common data is the exported symbol's bytes: find them through the section table.
    data = src_lib.read_bytes()
    blob = _symbol_bytes(data, symbol)
    if blob[2:4] != b"\xda\x27":
        raise IcuSubsetError(f"{src_lib.name}: {symbol} is not ICU common data (no 0xda27 magic)")
    work.mkdir(parents=True, exist_ok=True)
    # icupkg checks that a package's file name is its item prefix (icudt<N>l)
    full = work / "full" / f"icudt{version.group(1)}l.dat"
    full.parent.mkdir(exist_ok=True)
    full.write_bytes(blob)
    listed = subprocess.run([icupkg, "-l", str(full)], capture_output=True, text=True, check=True).stdout
    items = [line.strip() for line in listed.splitlines() if line.strip()]
    missing = [r for r in REQUIRED if r not in items]
    if missing:
        raise IcuSubsetError(f"{src_lib.name} lacks {missing}: the ICU data layout changed; revisit icu_subset.KEEP")

    extract = work / "items"
    shutil.rmtree(extract, ignore_errors=True)
    cnvs = [i for i in items if i.endswith(".cnv")]
    extract.mkdir()
    (work / "cnv.lst").write_text("\n".join(cnvs) + "\n", encoding="ascii")
    subprocess.run([icupkg, "-x", str(work / "cnv.lst"), "-d", str(extract), str(full)], check=True,
                   capture_output=True)
    single = {i for i in cnvs if _single_byte((extract / i).read_bytes())}
    keep = {i for i in items if i in single or any(fnmatch.fnmatchcase(i, pat) for pat in KEEP)}
    drop = [i for i in items if i not in keep]
    (work / "drop.lst").write_text("\n".join(drop) + "\n", encoding="ascii")
    subset = work / f"icudt{version.group(1)}l.dat"
    subset.unlink(missing_ok=True)
    subprocess.run([icupkg, "-r", str(work / "drop.lst"), str(full), str(subset)], check=True, capture_output=True)
    kept_listed = subprocess.run([icupkg, "-l", str(subset)], capture_output=True, text=True, check=True).stdout.split()
    if sorted(kept_listed) != sorted(keep):
        raise IcuSubsetError("icupkg did not produce the expected subset")

    # The same library shape as the original: one read-only object, 16-byte aligned.
    asm = work / "icudata.s"
    asm.write_text(
        f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
        f'{symbol}:\n\t.incbin "{subset}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n', encoding="utf-8")
    obj, out = work / "icudata.o", work / src_lib.name
    subprocess.run([as_, "-o", str(obj), str(asm)], check=True)
    soname = elf.dynamic_entries(src_lib)["SONAME"]
    subprocess.run([ld, "-shared", "-z", "noexecstack", "-soname", soname[0], "-o", str(out), str(obj)], check=True)
    if elf.dynamic_symbols(out)[1] != {symbol} or elf.load_problems(out):
        raise IcuSubsetError(f"the rebuilt {out.name} does not export {symbol} or cannot be loaded")
    if _symbol_bytes(out.read_bytes(), symbol) != subset.read_bytes():
        raise IcuSubsetError(f"the rebuilt {out.name} does not hold the subset data")
    return out, len(keep), len(drop)


def _symbol_bytes(data: bytes, symbol: str) -> bytes:
    """The bytes of a defined dynamic data symbol (found via .dynsym and its section)."""
    _, _, _, shoff, shentsize, shnum = elf._header(data)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    for _n, sh_type, _f, _a, off, size, link, _i, _al, entsize in sections:
        if sh_type != elf.SHT_DYNSYM:
            continue
        str_off = sections[link][4]
        for pos in range(off + entsize, off + size, entsize):
            st_name, _info, _other, shndx, value, st_size = struct.unpack_from("<IBBHQQ", data, pos)
            if elf._cstr(data, str_off + st_name) == symbol and shndx:
                sec = sections[shndx]
                start = value - sec[3] + sec[4]  # address -> file offset within its section
                return data[start:start + st_size]
    raise IcuSubsetError(f"{symbol} not found")
