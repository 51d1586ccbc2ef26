"""Site photos of a deviation report: copied into a folder beside the register under their
SHA-256 (the report keeps the hash, so a photo renamed or edited later is told apart)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ..errors import ValidationError

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".tif", ".tiff", ".webp", ".pdf")
MAX_PHOTO_BYTES = 50 * 1024 * 1024


def default_folder(store) -> Path | None:
    """``<register>-deviation-photos`` beside a GeoPackage; a shared register has no folder of
    its own (photos are then referenced by path and SHA-256 unless a folder is given)."""
    path = getattr(store, "path", None)
    return None if path is None else path.with_name(f"{path.stem}-deviation-photos")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keep_photos(paths, folder: Path | None) -> list[dict]:
    """``[{name, sha256, file}]`` of the photos, each copied to ``folder`` as ``SHA256.ext``
    (``file`` is the copy, or the original path when there is no folder)."""
    out = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise ValidationError(f"photo {raw} is not a file: give the path of a photo taken "
                                  "on site")
        if path.suffix.lower() not in PHOTO_SUFFIXES:
            raise ValidationError(f"photo {raw} is not a photo ({', '.join(PHOTO_SUFFIXES)})")
        if path.stat().st_size > MAX_PHOTO_BYTES:
            raise ValidationError(f"photo {raw} is larger than "
                                  f"{MAX_PHOTO_BYTES // (1024 * 1024)} MB: send a smaller copy")
        sha = sha256_of(path)
        file = path
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            file = folder / f"{sha}{path.suffix.lower()}"
            if not file.exists():
                tmp = file.with_name(file.name + ".part")
                shutil.copyfile(path, tmp)
                tmp.replace(file)
        out.append({"name": path.name, "sha256": sha, "file": str(file)})
    return out
