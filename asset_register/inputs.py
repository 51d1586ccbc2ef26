"""Reading a user's file safely: what is refused before any library opens it.

Every command that reads a file the user names (import, inspect, check --footprint and
--programme, works import, extract --area) goes through here first, because the libraries
underneath trust the file system and the file:

* ``require_file`` refuses anything that is not a regular file (or, where a folder is a
  delivery, a folder): opening a named pipe blocks for ever, a device never ends, a
  symlink loop or a folder named ``x.gpkg`` gives GDAL errors that say nothing useful.
  It only ``stat``s the path: nothing is opened.
* ``check_zip`` applies the archive limits to the sizes the zip's central directory
  declares — the *inflated* bytes, summed — against free memory and free disk, before
  anything is extracted; ``copy_member`` then never writes more than the declared size,
  so a header that lies about it gains nothing.
* ``vector_files.read_vector`` reads every feature of a small vector file (footprints, programmes,
  planned works, areas) with the open options that keep GDAL from writing beside it
  (no GML ``.gfs``) and turns any library error into one line naming the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO

from .errors import AssetRegisterError, ImportError_

MAX_ZIP_RATIO = 200  # a member that inflates more than this is treated as a zip bomb
MAX_ZIP_BYTES = 20 * 1024**3
MAX_ZIP_MEMBERS = 100_000
# GDAL open options for any file a user gives: a GML file's schema (.gfs) is never written
# beside it nor fetched; other drivers ignore the options (their warning is silenced)
READ_OPTIONS = {"WRITE_GFS": "NO", "DOWNLOAD_SCHEMA": "NO"}
KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def require_file(path: str | os.PathLike, what: str = "", *, folders: bool = False,
                 error: type[AssetRegisterError] = ImportError_) -> Path:
    """``path`` if it is a regular file (or a folder, with ``folders``); else raise ``error``
    with one line saying what it is and what to do. Never opens the path."""
    if not str(path).strip():  # Path("") is "." (the working folder): never what was meant
        raise error(f"no {what or 'file'} given (the path is empty): give the path of a file")
    p = Path(path)
    label = f"{what} {p}" if what else str(p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            raise error(f"{label} is a symbolic link to {os.readlink(p)!r}, which does not "
                        "exist: give the real file") from None
        raise error(f"{label} does not exist: check the path") from None
    except OSError as exc:  # ELOOP (a symlink loop), EACCES, ENAMETOOLONG…
        raise error(f"{label} cannot be opened ({exc.strerror or exc}): give the path of "
                    "a regular file") from None
    if stat.S_ISDIR(st.st_mode):
        if folders:
            return p
        raise error(f"{label} is a folder, not a file: give one of the files inside it")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in KINDS if test(st.st_mode)), "not a regular file")
        raise error(f"{label} is {kind}, not a file: the register reads only regular files — "
                    "save the data to a file and give that")
    return p


def free_memory_bytes() -> int | None:
    """Memory this process can still use: physical memory available now, and no more than
    its address-space limit where one is set (None where the platform does not say).

    On Linux that is the kernel's ``MemAvailable`` (free memory plus the file cache it can
    drop at once), not ``MemFree``: after reading large files the cache holds most of the
    memory, and counting it as taken would refuse imports that fit many times over."""
    free = mem_available()
    if free is None:
        try:
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return None
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            free = min(free, soft)
    except (ImportError, ValueError, OSError):
        pass
    return free


def mem_available(meminfo: str = "/proc/meminfo") -> int | None:
    """``MemAvailable`` of ``meminfo`` in bytes; None where there is no such line."""
    try:
        with open(meminfo) as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _free_disk_bytes() -> int | None:
    try:
        return shutil.disk_usage(tempfile.gettempdir()).free
    except OSError:
        return None


def check_zip(path: Path, error: type[AssetRegisterError] = ImportError_) -> list:
    """The ``ZipInfo`` of every member of a zip, after refusing a member that escapes its
    folder, a member or total that inflates absurdly, or a total (as its central directory
    declares it) larger than half the free memory or the free disk."""
    import zipfile  # here, not at the package's import, which every CLI start pays

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise error(f"{path} is not a readable zip file ({exc}): re-export it") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise error(f"{path} holds {len(infos):,} entries (more than {MAX_ZIP_MEMBERS:,}): "
                    "unzip it and import the data files")
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            raise error(f"{path} holds the path {name!r}, which escapes the zip's folder: "
                        "refusing to read it; ask the owner for a clean export")
        total += info.file_size
        if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
            raise error(f"{path}: member {name!r} inflates {info.file_size // max(info.compress_size, 1)}× "
                        "(a zip bomb?); refusing to read it")
    memory, disk = free_memory_bytes(), _free_disk_bytes()
    limits = [(MAX_ZIP_BYTES, "the register's limit for one zip")]
    if memory is not None:
        limits.append((memory // 2, f"half the memory free ({memory / 1e9:.1f} GB)"))
    if disk is not None:
        limits.append((disk, f"the free disk space ({disk / 1e9:.1f} GB)"))
    limit, why = min(limits, key=lambda lw: lw[0])
    if total > limit:
        raise error(f"{path} inflates to {total / 1e9:.1f} GB, more than {why}: unzip it "
                    "where there is room and import the files one by one")
    return infos


def verify_sizes(path: Path, infos: list, error: type[AssetRegisterError] = ImportError_) -> None:
    """Refuse a zip whose members inflate to more (or fewer) bytes than its headers declare.

    GDAL reads a member through ``/vsizip/`` until its compressed stream ends, whatever size
    the header states, so the limits of ``check_zip`` hold only for honest headers. Each
    member is inflated once here, never producing more than its declared size plus one
    byte (so a lie costs no more memory or time than the truth would).
    """
    import struct

    with open(path, "rb") as fh:
        for info in infos:
            if info.is_dir():
                continue
            fh.seek(info.header_offset)
            head = fh.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                raise error(f"{path}: member {info.filename!r} has no local header (a corrupt "
                            "zip): re-export it")
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            fh.seek(info.header_offset + 30 + name_len + extra_len)
            if info.compress_type == 0:  # stored
                produced = min(info.compress_size, info.file_size + 1)
                finished = info.compress_size == info.file_size
            elif info.compress_type == 8:  # deflate
                produced, finished = _inflated(fh, info.compress_size, info.file_size + 1)
            else:
                continue  # bzip2/lzma members: GDAL cannot read them anyway
            if produced != info.file_size or not finished:
                raise error(f"{path}: member {info.filename!r} does not inflate to the "
                            f"{info.file_size:,} bytes its header declares (a corrupt or "
                            "hostile zip): ask the owner for a clean export")


def _inflated(fh: IO[bytes], compressed: int, cap: int) -> tuple[int, bool]:
    """(bytes a raw deflate stream of ``compressed`` bytes inflates to, at most ``cap``;
    whether the stream ended there)."""
    import zlib

    d = zlib.decompressobj(-15)
    produced, left = 0, compressed
    try:
        while left > 0 and produced < cap:
            chunk = fh.read(min(left, 1 << 16))
            if not chunk:
                return produced, False
            left -= len(chunk)
            data = chunk
            while data and produced < cap:
                out = d.decompress(data, min(cap - produced, 1 << 20))
                produced += len(out)
                data = d.unconsumed_tail
        return produced, d.eof and produced < cap
    except zlib.error:
        return produced, False


def copy_member(src: IO[bytes], dst: IO[bytes], declared: int, label: str,
                error: type[AssetRegisterError] = ImportError_) -> None:
    """Copy a zip member, refusing (rather than writing) any byte beyond its declared size."""
    written = 0
    while chunk := src.read(1 << 20):
        written += len(chunk)
        if written > declared:
            raise error(f"{label} inflates beyond the {declared:,} bytes its zip declares "
                        "(a corrupt or hostile zip): ask the owner for a clean export")
        dst.write(chunk)


def one_line(exc: BaseException) -> str:
    """The first line of a library's error message (its type when it has none)."""
    return (str(exc).strip().splitlines() or [""])[0] or type(exc).__name__


@contextlib.contextmanager
def naming(path: str | os.PathLike, what: str):
    """Errors raised inside name the file: one that does not is re-raised (same class) as
    ``"<what> <path>: <message>"`` — e.g. "footprint 1 is not a valid polygon" becomes
    "footprint file site.geojson: footprint 1 is not a valid polygon"."""
    try:
        yield
    except AssetRegisterError as exc:
        name = Path(path).name
        if name and name in str(exc):
            raise
        named = type(exc).__new__(type(exc))
        named.args = (f"{what} {path}: {exc}" if what else f"{path}: {exc}",)
        raise named from exc
