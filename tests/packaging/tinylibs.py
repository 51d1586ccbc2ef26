"""Tiny real shared libraries for the trimming tests, made with binutils' ``as`` and ``ld``.

``make_lib`` writes a library with a chosen SONAME, exported data symbols, references to
symbols it imports, and ``DT_NEEDED`` entries on other such libraries: just what the
trimming steps read, in files a few kilobytes long (``padded`` spreads the segments
128 KiB apart, as patchelf does to the libraries auditwheel vendors).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

needs_binutils = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not (shutil.which("as") and shutil.which("ld")),
    reason="tiny ELF libraries are made with binutils as/ld (Linux; .ci/run installs binutils)")


def make_lib(folder: Path, soname: str, *, defines=("data",), uses=(), needs=(), padded=False) -> Path:
    """Assemble and link ``folder/soname``; ``needs`` are libraries made before (linked by path)."""
    asm = ["\t.text", "\t.globl _fn", "\t.type _fn, @function", "_fn:", "\tret",
           "\t.section .rodata", f'\t.asciz "{soname}"', "\t.data"]
    for sym in defines:
        asm += [f"\t.globl {sym}", f"\t.type {sym}, @object", f"{sym}:", "\t.quad 0", f"\t.size {sym}, 8"]
    asm += [f"\t.quad {sym}" for sym in uses]  # a relocation against each: an undefined dynamic symbol
    asm += ['\t.section .note.GNU-stack,"",@progbits', ""]
    src = folder / f"{soname}.s"
    src.write_text("\n".join(asm), encoding="ascii")
    obj, out = src.with_suffix(".o"), folder / soname
    subprocess.run(["as", "-o", str(obj), str(src)], check=True)
    pad = ["-z", "separate-code", "-z", "max-page-size=0x20000", "-z", "common-page-size=0x20000"] if padded else []
    subprocess.run(["ld", "-shared", "-soname", soname, *pad, "-o", str(out), str(obj), *map(str, needs)],
                   check=True)
    return out


def misaligned_copy(src: str, target: Path) -> None:
    """A stand-in for a GNU strip that breaks the file: the second PT_LOAD's offset moves by 8 bytes."""
    data = bytearray(Path(src).read_bytes())
    phoff = struct.unpack_from("<Q", data, 0x20)[0]
    phentsize = struct.unpack_from("<H", data, 0x36)[0]
    loads = [phoff + i * phentsize for i in range(struct.unpack_from("<H", data, 0x38)[0])
             if struct.unpack_from("<I", data, phoff + i * phentsize)[0] == 1]
    pos = loads[1] + 8
    struct.pack_into("<Q", data, pos, struct.unpack_from("<Q", data, pos)[0] + 8)
    target.write_bytes(bytes(data))
