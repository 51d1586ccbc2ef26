"""File-system helpers for notice packs: safe names, hashes, atomic pack folders.

A pack is built in a hidden temporary folder next to its target and renamed
into place only when every file is complete, so a reader (or a crash) never
sees a half-written pack.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import NoticeError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Names Windows refuses whatever the extension (packs are often copied to shares).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, *, fallback: str = "unnamed", max_len: int = 60) -> str:
    """A file-name fragment from any text: ASCII letters, digits, '.', '_' and '-' only.

    Accents are transliterated (é → e), everything else becomes '-', leading dots
    are dropped (no hidden files, no '..'), and Windows device names are avoided.
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    name = _UNSAFE.sub("-", ascii_text).strip("-.")
    name = re.sub(r"-{2,}", "-", name)[:max_len].strip("-.")
    if not name:
        name = fallback
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    return name


def unique_names(names: list[str]) -> list[str]:
    """Make file names unique case-insensitively by appending -2, -3… (order kept)."""
    seen: set[str] = set()
    out = []
    for name in names:
        stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 2
        while candidate.lower() in seen:
            candidate = f"{stem}-{n}{dot}{ext}" if dot else f"{name}-{n}"
            n += 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_writable(folder: Path) -> Path:
    """Create ``folder`` if needed and prove a file can be written in it (NoticeError if not)."""
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise NoticeError(f"output folder {str(folder)!r} is a file: give a folder for the pack")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise NoticeError(
            f"cannot write the notice pack in {str(folder)!r} ({exc.strerror or exc}): "
            "choose a folder you can write to"
        ) from None
    return folder.resolve()


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder next to ``target``; rename it to ``target`` on success.

    Refuses to replace an existing ``target`` (a pack is never overwritten); on any
    error the temporary folder is removed and ``target`` does not appear.
    """
    target = Path(target)
    if target.exists():
        raise NoticeError(
            f"{str(target)!r} already exists: a notice pack is never overwritten — "
            "choose another output folder or re-issue the notice as a new version"
        )
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; a pack is an ordinary folder
    try:
        yield tmp
        for child in tmp.iterdir():  # flush file contents before the rename makes them visible
            with open(child, "rb") as fh:
                os.fsync(fh.fileno())
        try:
            os.rename(tmp, target)
        except OSError as exc:
            raise NoticeError(
                f"cannot move the finished pack into {str(target)!r} ({exc.strerror or exc})"
            ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
