"""Finding an IMKL/INSPIRE-UN delivery: a GML/XML file, or a KLIC delivery zip.

A KLIC delivery zip (``Levering_….zip``) holds ``GI_gebiedsinformatielevering….xml``
plus PDF/PNG attachments and sometimes a ``LI_…`` delivery-information file; the GI
file is the data. Zips are checked like every other zip (no escaping paths, no
bombs) and read as a stream, never unpacked.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from asset_register.errors import ImportError_

from ..sources import _check_zip
from .parse import sniff

HEAD_BYTES = 1 << 16
GI_MEMBER = re.compile(r"GI_gebiedsinformatielevering[^/]*\.(xml|gml)$", re.IGNORECASE)
XML_SUFFIXES = (".xml", ".gml")


@dataclass
class DeliveryFile:
    """Where the delivery's GML is (a file, or a member of a zip) and what it is."""

    path: Path
    member: str | None
    kind: str  # 'imkl' | 'inspire'

    @property
    def name(self) -> str:
        return f"{self.path.name}!{self.member}" if self.member else self.path.name

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """The GML as a binary stream (a zip member is streamed, never unpacked)."""
        if self.member is None:
            with open(self.path, "rb") as fh:
                yield fh
        else:
            with zipfile.ZipFile(self.path) as zf, zf.open(self.member) as fh:
                yield fh

    def size(self) -> int:
        """Bytes of the GML (uncompressed, for a zip member)."""
        if self.member is None:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as zf:
            return zf.getinfo(self.member).file_size

    def sha256(self) -> str:
        h = hashlib.sha256()
        with open(self.path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()


def _head(path: Path, member: str | None) -> bytes:
    try:
        if member is None:
            with open(path, "rb") as fh:
                return fh.read(HEAD_BYTES)
        with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
            return fh.read(HEAD_BYTES)
    except (OSError, zipfile.BadZipFile, RuntimeError):
        return b""


def find_delivery(path: str | Path) -> DeliveryFile | None:
    """The IMKL/INSPIRE-UN GML of ``path`` (file or zip), or None if it is something else."""
    p = Path(path)
    if not p.is_file() or p.stat().st_size == 0:
        return None
    ext = p.suffix.lower()
    if ext in XML_SUFFIXES:
        head = _head(p, None)
        kind = sniff(head)
        if not kind and _delivery_information(head):
            raise ImportError_(f"{p.name} is KLIC delivery information (the request, the operators "
                               "and the names of the maps), not network data: import the "
                               "GI_gebiedsinformatielevering file or the Levering zip instead")
        return DeliveryFile(p, None, kind) if kind else None
    if ext != ".zip":
        return None
    if not zipfile.is_zipfile(p):
        return None
    members = _check_zip(p)
    gi = [m for m in members if GI_MEMBER.search(m)]
    if len(gi) > 1:
        raise ImportError_(f"{p} holds {len(gi)} GI_gebiedsinformatielevering files: unzip it "
                           "and import each delivery on its own")
    if gi:
        return DeliveryFile(p, gi[0], sniff(_head(p, gi[0])) or "imkl")
    xml = [m for m in members if PurePosixPath(m).suffix.lower() in XML_SUFFIXES]
    found = [(m, k) for m in xml if (k := sniff(_head(p, m)))]
    if len(found) == 1:
        return DeliveryFile(p, found[0][0], found[0][1])
    if len(found) > 1:
        raise ImportError_(f"{p} holds several IMKL/INSPIRE files ({', '.join(m for m, _ in found[:4])}):"
                           " unzip it and import them one by one")
    if any(_delivery_information(_head(p, m)) for m in xml):
        raise ImportError_(f"{p.name} is a KLIC delivery without IMKL network data (maps and "
                           "PDFs only, as KLIC sent before IMKL): there is nothing to import; "
                           "record its operators by hand or ask them for their data")
    return None


def _delivery_information(head: bytes) -> bool:
    """A KLIC ``LI_…`` delivery-information file (its own schema, not IMKL)."""
    return b"kadaster.nl/schemas/klic" in head and b"Leveringsinformatie" in head
