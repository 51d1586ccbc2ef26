"""Just enough ELF (64-bit, little-endian: Linux x86-64 and arm64) for trimming the bundle.

The trimming steps build.spec runs (``trim_files``, ``trim_libs``) use it to prove, before
the bundle ships a changed library, that the change is safe:

- ``load_problems``: what the dynamic loader would refuse in a file (a ``PT_LOAD`` whose
  file offset and address disagree modulo the page size, or that runs past the end of the
  file) — GNU strip produces exactly that from some of the libraries auditwheel rewrote
  with patchelf ("ELF load command address/offset not page-aligned");
- ``dynamic_entries``: the libraries a file needs, its SONAME and search paths (a strip
  must leave them as they were);
- ``dynamic_symbols``: the symbols a file imports and exports, to show that a library
  named in ``DT_NEEDED`` provides nothing the file uses;
- ``without_needed``: a copy of a file with some ``DT_NEEDED`` entries removed, editing
  the dynamic array in place (same size, same layout; nothing else moves).

Only the standard library; no binutils, patchelf or pyelftools needed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_NEEDED, DT_STRTAB, DT_SONAME, DT_RPATH, DT_RUNPATH = 0, 1, 5, 14, 15, 29
SHT_DYNSYM = 11
SHN_UNDEF = 0
PAGE = 4096  # smallest page size the loader maps with (x86-64, arm64 4K kernels)


class ElfError(ValueError):
    """The file is not an ELF file this module understands."""


@dataclass(frozen=True)
class Segment:
    type: int
    offset: int
    vaddr: int
    filesz: int
    memsz: int
    align: int


def _header(data: bytes) -> tuple[int, int, int, int, int, int]:
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ElfError("not a 64-bit little-endian ELF file")
    (phoff, shoff) = struct.unpack_from("<QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
    return phoff, phentsize, phnum, shoff, shentsize, shnum


def segments(data: bytes) -> list[Segment]:
    phoff, phentsize, phnum, *_ = _header(data)
    out = []
    for i in range(phnum):
        p_type, _flags, off, vaddr, _paddr, filesz, memsz, align = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        out.append(Segment(p_type, off, vaddr, filesz, memsz, align))
    return out


def load_problems(path: str | Path) -> list[str]:
    """Reasons the dynamic loader would reject the file (empty when it would map it)."""
    data = Path(path).read_bytes()
    problems = []
    for seg in segments(data):
        if seg.type != PT_LOAD:
            continue
        if (seg.vaddr - seg.offset) % PAGE:
            problems.append(f"PT_LOAD at offset {seg.offset:#x} / address {seg.vaddr:#x}: not page-aligned")
        if seg.offset + seg.filesz > len(data):
            problems.append(f"PT_LOAD at offset {seg.offset:#x} runs past the end of the file")
    return problems


def _file_offset(data: bytes, vaddr: int) -> int:
    for seg in segments(data):
        if seg.type == PT_LOAD and seg.vaddr <= vaddr < seg.vaddr + seg.filesz:
            return vaddr - seg.vaddr + seg.offset
    raise ElfError(f"address {vaddr:#x} is in no loaded segment")


def _cstr(data: bytes, offset: int) -> str:
    return data[offset:data.index(b"\0", offset)].decode("utf-8", "replace")


def _dynamic(data: bytes) -> tuple[int, list[tuple[int, int]]]:
    dyn = next((s for s in segments(data) if s.type == PT_DYNAMIC), None)
    if dyn is None:
        raise ElfError("no dynamic section")
    entries = []
    for pos in range(dyn.offset, dyn.offset + dyn.filesz, 16):
        tag, val = struct.unpack_from("<qQ", data, pos)
        entries.append((tag, val))
        if tag == DT_NULL:
            break
    return dyn.offset, entries


def dynamic_entries(path: str | Path) -> dict[str, list[str]]:
    """``{"NEEDED": [...], "SONAME": [...], "RPATH": [...], "RUNPATH": [...]}`` of the file."""
    data = Path(path).read_bytes()
    _, entries = _dynamic(data)
    strtab = _file_offset(data, next(v for t, v in entries if t == DT_STRTAB))
    names = {DT_NEEDED: "NEEDED", DT_SONAME: "SONAME", DT_RPATH: "RPATH", DT_RUNPATH: "RUNPATH"}
    out: dict[str, list[str]] = {n: [] for n in names.values()}
    for tag, val in entries:
        if tag in names:
            out[names[tag]].append(_cstr(data, strtab + val))
    return out


def dynamic_symbols(path: str | Path) -> tuple[set[str], set[str]]:
    """(imported, exported) dynamic symbol names of the file, without version suffixes."""
    data = Path(path).read_bytes()
    _, _, _, shoff, shentsize, shnum = _header(data)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    imported, exported = set(), set()
    for _name, sh_type, _f, _a, off, size, link, _i, _al, entsize in sections:
        if sh_type != SHT_DYNSYM:
            continue
        str_off = sections[link][4]
        for pos in range(off + entsize, off + size, entsize):  # entry 0 is the null symbol
            st_name, _info, _other, st_shndx = struct.unpack_from("<IBBH", data, pos)
            name = _cstr(data, str_off + st_name)
            (imported if st_shndx == SHN_UNDEF else exported).add(name)
    return imported, exported


def without_needed(src: str | Path, dest: str | Path, drop: set[str]) -> list[str]:
    """Copy ``src`` to ``dest`` without the ``DT_NEEDED`` entries named in ``drop``.

    The dynamic array is rewritten where it is: the kept entries move up and DT_NULL
    entries fill the tail, so no offset or address in the file changes. Returns the
    names removed.
    """
    data = bytearray(Path(src).read_bytes())
    start, entries = _dynamic(bytes(data))
    strtab = _file_offset(bytes(data), next(v for t, v in entries if t == DT_STRTAB))
    kept, removed = [], []
    for tag, val in entries:
        if tag == DT_NEEDED and _cstr(bytes(data), strtab + val) in drop:
            removed.append(_cstr(bytes(data), strtab + val))
        else:
            kept.append((tag, val))
    kept += [(DT_NULL, 0)] * (len(entries) - len(kept))
    for i, (tag, val) in enumerate(kept):
        struct.pack_into("<qQ", data, start + 16 * i, tag, val)
    Path(dest).write_bytes(bytes(data))
    return removed


SHF_ALLOC, SHT_NOBITS, SHT_SYMTAB = 0x2, 8, 2
GRANULE = 0x10000  # 64 KiB: file offsets keep their place modulo any Linux page size (4, 16, 64 KiB)


def compacted(src: str | Path, dest: str | Path) -> int:
    """Write ``src`` to ``dest`` without its symbol table and without the padding between segments.

    For libraries GNU strip cannot handle (patchelf-rewritten ones whose segments it
    misplaces) and for ones whose segments patchelf spread apart by megabytes: every byte
    the loader maps stays as it is and where it is modulo 64 KiB (the largest Linux page
    size), so it maps to the same addresses; gaps between segments shrink by whole 64 KiB
    granules; non-loaded sections other than the symbol table (``.symtab``/``.strtab``)
    and debug information move to the end. Returns the bytes saved; raises ElfError if
    the result would map differently.
    """
    data = Path(src).read_bytes()
    phoff, phentsize, phnum, shoff, shentsize, shnum = _header(data)
    segs = segments(data)
    sections = [list(struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)) for i in range(shnum)]
    shstrndx = struct.unpack_from("<H", data, 0x3E)[0]
    names = [_cstr(data, sections[shstrndx][4] + s[0]) for s in sections]

    # byte ranges the loader reads: ELF and program headers, every segment's file image
    ranges = sorted([(0, phoff + phnum * phentsize)]
                    + [(s.offset, s.offset + s.filesz) for s in segs if s.filesz])
    merged: list[list[int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    shifts, shift, prev_end = [], 0, 0  # (old start, old end, shift) per merged range
    for start, end in merged:
        shift += (start - prev_end) // GRANULE * GRANULE if start > prev_end else 0
        shifts.append((start, end, shift))
        prev_end = end

    def moved(offset: int) -> int:
        best = 0
        for start, _end, sh in shifts:
            if start <= offset:
                best = sh
        return offset - best

    out = bytearray()
    for start, end, sh in shifts:
        new_start = start - sh
        out += b"\0" * (new_start - len(out))
        out += data[start:end]
    symtabs = {i for i, s in enumerate(sections) if s[1] == SHT_SYMTAB}
    dropped = symtabs | {sections[i][6] for i in symtabs} | {
        i for i, n in enumerate(names) if n.startswith((".debug", ".zdebug", ".gnu_debugdata"))}
    dropped.discard(shstrndx)
    for i, sec in enumerate(sections):
        _name, sh_type, flags, _addr, offset, size, _link, _info, align, _ent = sec
        if i == 0:
            continue
        if i in dropped:
            sections[i][1:3] = [0, 0]
            sections[i][4:8] = [0, 0, 0, 0]
        elif flags & SHF_ALLOC:
            sections[i][4] = moved(offset)
        elif sh_type != SHT_NOBITS:
            pad = (-len(out)) % max(align, 1)
            out += b"\0" * pad
            sections[i][4] = len(out)
            out += data[offset:offset + size]
    out += b"\0" * ((-len(out)) % 8)
    new_shoff = len(out)
    for sec in sections:
        out += struct.pack("<IIQQQQIIQQ", *sec)
    struct.pack_into("<Q", out, 0x28, new_shoff)
    for i, seg in enumerate(segs):
        pos = phoff + i * phentsize + 8
        struct.pack_into("<Q", out, pos, moved(seg.offset) if seg.filesz else seg.offset)

    # the loader must see exactly the same segments (apart from the headers' own file offsets)
    new_segs = segments(bytes(out))
    headers = phoff + phnum * phentsize
    before = b"\0" * headers + data[headers:]
    after = b"\0" * headers + bytes(out[headers:])
    for old, new in zip(segs, new_segs):
        if (old.type, old.vaddr, old.filesz, old.memsz, old.align) != (new.type, new.vaddr, new.filesz, new.memsz,
                                                                       new.align) \
                or before[old.offset:old.offset + old.filesz] != after[new.offset:new.offset + new.filesz] \
                or (old.filesz and (old.offset - new.offset) % GRANULE):
            raise ElfError(f"{Path(src).name}: a segment would map differently after compaction")
    Path(dest).write_bytes(bytes(out))
    return len(data) - len(out)
