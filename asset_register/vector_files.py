"""Reading a user's small vector file (a footprint, programme, works or area file) whole.

Built on the file checks of ``inputs`` and the network refusal of ``offline``: a path that
is not a regular file, a zip over the limits, a CRS given as a web address and a file of
several layers with none named are all refused before or instead of a read.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from .errors import AssetRegisterError
from .inputs import READ_OPTIONS, check_zip, one_line, require_file, verify_sizes
from .offline import refuse_crs_links


def read_vector(path: str | os.PathLike, layer: str | None, what: str,
                error: type[AssetRegisterError]):
    """Every feature of one layer of a user's vector file, as a GeoDataFrame.

    Refuses a path that is not a regular file, a zip over the limits, a CRS given as a web
    address, and a file of several layers when no ``layer`` is named; never writes beside
    the file. Any library error becomes ``error`` with one line naming the file.
    """
    import pyogrio

    p = require_file(path, what, error=error)
    refuse_crs_links(p, what, error=error)
    gdal_path = str(p)
    if p.suffix.lower() == ".zip":
        verify_sizes(p, check_zip(p, error), error)
        gdal_path = f"/vsizip/{p}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if layer is None:
                _one_layer_only(gdal_path, p, what, error)
            try:
                frame = pyogrio.read_dataframe(gdal_path, layer=layer, **READ_OPTIONS)
            except UnicodeDecodeError:  # not UTF-8: a Windows export (cp1252, a latin-1 superset)
                frame = pyogrio.read_dataframe(gdal_path, layer=layer, encoding="cp1252",
                                               **READ_OPTIONS)
    except AssetRegisterError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise error(f"{what} {p} is too large or too deeply nested to read "
                    f"({type(exc).__name__}): simplify it or split it") from None
    except Exception as exc:  # GDAL, Arrow and pandas raise many kinds
        raise error(f"{what} {p} cannot be read: {one_line(exc)}") from None
    if not hasattr(frame, "geometry") or frame.geometry.isna().all() or len(frame) == 0:
        where = f" (layer {layer!r})" if layer else ""
        raise error(f"{what} {p}{where} has no features with a geometry: give a file of "
                    "polygons, lines or points")
    return frame


def _one_layer_only(gdal_path: str, p: Path, what: str, error) -> None:
    """Refuse a file of several layers when none was named (GDAL would take the first).
    Layers are listed through ``read_info``, which takes the open options (``list_layers``
    cannot: it would let GDAL write a ``.gfs`` beside a GML file)."""
    import pyogrio
    from pyogrio.errors import DataLayerError

    names = []
    for i in range(6):
        try:
            names.append(str(pyogrio.read_info(gdal_path, layer=i, **READ_OPTIONS)["layer_name"]))
        except DataLayerError:
            break
    if len(names) > 1:
        raise error(f"{what} {p} holds {'more than 5' if len(names) > 5 else len(names)} layers "
                    f"({', '.join(names[:5])}{', …' if len(names) > 5 else ''}): name one "
                    "with --layer")


