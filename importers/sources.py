"""Opening an owner's delivery: find the GDAL path, driver and open options, list layers.

A *source* is whatever the user points at: a file (GeoPackage, GeoJSON, GML, KML,
DXF, FlatGeobuf, CSV, MapInfo TAB, a Shapefile's ``.shp``), a ``.zip`` holding
shapefiles or another format, or a File Geodatabase folder (``*.gdb``). This
module turns it into what pyogrio needs, refusing what cannot be read with a
message that says why — before anything touches the register.

GML is always opened with ``WRITE_GFS=NO`` and listed layer by layer through
``read_info`` (``pyogrio.list_layers`` cannot take open options and would let
GDAL write a ``.gfs`` file next to the user's data).
"""

from __future__ import annotations

import csv
import dataclasses
import glob
import hashlib
import io
import os
import re
import shutil
import sqlite3
import tempfile
import weakref
import warnings as warnings_module
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from asset_register.errors import ImportError_
from asset_register.inputs import check_zip, copy_member, require_file, verify_sizes
from asset_register.offline import refuse_crs_links

from .gpkg_catalogue import Catalogue, open_catalogue

# extension -> GDAL driver expected for it (used to explain wrong extensions)
EXTENSION_DRIVERS = {
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gml": "GML",
    ".xml": "GML",
    ".dxf": "DXF",
    ".csv": "CSV",
    ".kml": "LIBKML",
    ".kmz": "LIBKML",
    ".fgb": "FlatGeobuf",
    ".tab": "MapInfo File",
    ".mif": "MapInfo File",
    ".gdb": "OpenFileGDB",
    ".sqlite": "SQLite",
}
KML_DRIVERS = {"KML", "LIBKML"}
SPREADSHEET_DRIVERS = {"XLSX", "XLS", "ODS"}

# Column names GDAL's CSV driver should treat as geometry (case-insensitive).
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "wkt_geom", "geometry_wkt")
X_NAMES = ("x", "easting", "eastings", "east", "lon", "long", "longitude", "x_coord", "xcoord")
Y_NAMES = ("y", "northing", "northings", "north", "lat", "latitude", "y_coord", "ycoord")
Z_NAMES = ("z", "elevation", "height", "level", "z_coord")



@dataclass
class LayerInfo:
    """What ``inspect`` reports about one layer."""

    name: str
    geometry_type: str | None
    features: int
    fields: list[str]
    crs: str | None
    bounds: tuple[float, float, float, float] | None = None
    warnings: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)  # what its owner columns name, if any


@dataclass
class SourceInfo:
    """What a delivery holds: its driver, layers (fields, counts, CRS) and warnings."""

    path: str
    driver: str
    layers: list[LayerInfo]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Source:
    """A delivery opened for reading: the GDAL path plus the open options it needs."""

    path: Path
    gdal_path: str
    driver: str
    open_options: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # files hashed for sha256
    _infos: dict[str, LayerInfo] = field(default_factory=dict, repr=False, compare=False)
    _registered: set[str] | None = field(default=None, repr=False, compare=False)
    _catalogue: Catalogue | None | bool = field(default=False, repr=False, compare=False)
    _kinds: dict[tuple, tuple[str | None, str | None]] = field(default_factory=dict, repr=False,
                                                              compare=False)

    @property
    def is_gml(self) -> bool:
        return self.driver == "GML"

    def options_for(self, layer: str | int) -> dict[str, str]:
        """Open options for reading one layer (see ``_one_layer_view``)."""
        if self.driver == "GPKG" and isinstance(layer, str):
            if self._registered is None:
                self._registered = _registered_tables(self.gdal_path)
            if layer in self._registered:
                return {**self.open_options, "PRELUDE_STATEMENTS": _one_layer_view(layer),
                        "LIST_ALL_TABLES": "NO"}
        return self.open_options

    def layer_names(self) -> list[str]:
        """Names of every layer, in the source's order."""
        with warnings_module.catch_warnings():
            # "Measured (M) … converted"; "unable to read srs_id" (the layer then has no CRS)
            warnings_module.simplefilter("ignore", UserWarning)
            warnings_module.simplefilter("ignore", RuntimeWarning)
            return self._layer_names()

    def _layer_names(self) -> list[str]:
        if self.is_gml:
            names, i = [], 0
            while True:
                try:
                    info = pyogrio.read_info(self.gdal_path, layer=i, **self.open_options)
                except DataLayerError:
                    return names
                names.append(info["layer_name"])
                i += 1
        return [str(n) for n in pyogrio.list_layers(self.gdal_path)[:, 0]]

    def layer_info(self, layer: str) -> LayerInfo:
        """One layer's description (read once per Source: callers may add warnings to a copy)."""
        if layer not in self._infos:
            self._infos[layer] = self._layer_info(layer)
        info = self._infos[layer]
        return dataclasses.replace(info, fields=list(info.fields), warnings=list(info.warnings))

    def catalogue(self) -> Catalogue | None:
        """A GeoPackage file's own catalogue read through SQLite (None: not one, or unreadable
        that way), opened once per Source; see ``gpkg_catalogue``."""
        if self._catalogue is False:
            self._catalogue = (open_catalogue(self.gdal_path) if self.driver == "GPKG" else None)
            if self._catalogue is not None:
                weakref.finalize(self, self._catalogue.close)
        return self._catalogue

    def _layer_info(self, layer: str) -> LayerInfo:
        """From the GeoPackage catalogue when GDAL has already named this kind of layer's CRS
        and geometry type; else from GDAL (one open), remembering those names."""
        cat = self.catalogue()
        table = cat.tables.get(layer) if cat is not None else None
        if table is not None and table.kind in self._kinds and table.bounds is not None:
            try:
                fields, count = cat.fields(layer), cat.count(layer)
            except sqlite3.Error:
                fields = count = None
            if fields is not None and count is not None:
                crs, geometry_type = self._kinds[table.kind]
                return LayerInfo(name=layer, geometry_type=geometry_type, features=count,
                                 fields=fields, crs=crs, bounds=table.bounds)
        info = self._gdal_layer_info(layer)
        if table is not None:
            self._kinds.setdefault(table.kind, (info.crs, info.geometry_type))
        return info

    def _gdal_layer_info(self, layer: str) -> LayerInfo:
        try:
            with warnings_module.catch_warnings():
                warnings_module.simplefilter("ignore", UserWarning)
                warnings_module.simplefilter("ignore", RuntimeWarning)
                info = pyogrio.read_info(
                    self.gdal_path, layer=layer, force_feature_count=True, **self.options_for(layer)
                )
        except (DataLayerError, DataSourceError) as exc:
            raise ImportError_(f"layer {layer!r} of {self.path} cannot be read: {exc}") from None
        bounds = info.get("total_bounds")
        return LayerInfo(
            name=layer,
            geometry_type=info.get("geometry_type"),
            features=int(info.get("features") or 0),
            fields=[str(f) for f in info["fields"]],
            crs=info.get("crs"),
            bounds=tuple(float(b) for b in bounds) if bounds is not None else None,
        )

    def sha256(self) -> str:
        """Content hash of every file of the source (a shapefile's sidecars, a .gdb folder)."""
        h = hashlib.sha256()
        for f in sorted(self.files):
            h.update(f.name.encode() + b"\0")
            with open(f, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        return h.hexdigest()


def _registered_tables(path: str) -> set[str]:
    """The layers a GeoPackage file registers in gpkg_contents (empty if it cannot say:
    e.g. inside a zip); only these are read through ``_one_layer_view``."""
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
        finally:
            con.close()
    except (OSError, ValueError, sqlite3.Error):
        return set()


def _gpkg_driver(path: str) -> str | None:
    """"GPKG" when GDAL opens a GeoPackage file through one of its registered layers only
    (the cheap open ``_one_layer_view`` gives); None: probe the whole file as usual."""
    if not path.lower().endswith(".gpkg"):
        return None
    first = min(_registered_tables(path), default=None)
    if first is None:
        return None
    try:
        driver = pyogrio.read_info(path, layer=0, LIST_ALL_TABLES="NO",
                                   PRELUDE_STATEMENTS=_one_layer_view(first))["driver"]
    except (DataSourceError, DataLayerError):
        return None
    return driver if driver == "GPKG" else None


def _one_layer_view(layer: str) -> str:
    """SQL run when GDAL opens a GeoPackage, so that it sees only ``layer``.

    GDAL builds every layer's object when it opens a GeoPackage (about 0.2 s for 900
    layers) and pyogrio opens the file afresh for each call, so reading each layer of a
    many-layer file cost layers² (``inspect`` of 898 layers ran past ten minutes). Temporary
    views named like the GeoPackage's two catalogue tables, holding only that layer's row,
    shadow the real ones for this connection (SQLite looks in ``temp`` first); the file
    itself is never written.
    """
    name = layer.replace("'", "''")
    return ";".join(f"CREATE TEMP VIEW {t} AS SELECT * FROM main.{t} WHERE table_name = '{name}'"
                    for t in ("gpkg_contents", "gpkg_geometry_columns"))


def _check_zip(path: Path) -> list[str]:
    """Member names of a zip, refusing one over the archive limits (``inputs.check_zip``)."""
    return [i.filename for i in check_zip(path) if not i.is_dir()]


def _zip_target(path: Path) -> str:
    infos = check_zip(path)
    verify_sizes(path, infos)  # GDAL inflates a member to its end, whatever its header says
    members = [i.filename for i in infos if not i.is_dir()]
    base = f"/vsizip/{path}"
    shp_dirs = sorted({str(PurePosixPath(m).parent) for m in members if m.lower().endswith(".shp")})
    if len(shp_dirs) == 1:  # one folder of one or many shapefiles: GDAL lists each as a layer
        return base if shp_dirs[0] == "." else f"{base}/{shp_dirs[0]}"
    if len(shp_dirs) > 1:
        raise ImportError_(
            f"{path} holds shapefiles in several folders ({', '.join(shp_dirs[:4])}): unzip it "
            "and import each folder"
        )
    gdbs = sorted({m[: m.lower().index(".gdb/") + 4] for m in members if ".gdb/" in m.lower()})
    if len(gdbs) == 1:
        return f"{base}/{gdbs[0]}"
    readable = [m for m in members if Path(m).suffix.lower() in EXTENSION_DRIVERS]
    if len(readable) == 1:
        return f"{base}/{readable[0]}"
    if not members:
        raise ImportError_(f"{path} is an empty zip: ask the owner for the delivery again "
                           "(zip shapefiles, a GeoPackage or a .gdb folder)")
    if not readable:
        raise ImportError_(
            f"{path} holds no file in a format the register reads ({', '.join(members[:5])}"
            f"{'…' if len(members) > 5 else ''}): zip shapefiles, a GeoPackage or a .gdb folder"
        )
    raise ImportError_(
        f"{path} holds several data files ({', '.join(readable[:5])}): unzip it and import "
        "them one by one"
    )


def _kmz_target(path: Path) -> str:
    """The KML inside a KMZ, read in the zip: GDAL's KMZ reading drops the placemarks'
    ExtendedData fields (owner, pressure, depth) that the same KML unzipped keeps. The main
    KML is doc.kml, else the first .kml in the archive (KML 2.2 §14.1.2)."""
    infos = check_zip(path)
    verify_sizes(path, infos)
    kmls = [i.filename for i in infos if not i.is_dir() and i.filename.lower().endswith(".kml")]
    if not kmls:
        return str(path)  # GDAL says what it is (or why it cannot be read)
    main = next((m for m in kmls if m.lower() == "doc.kml"), kmls[0])
    return f"/vsizip/{path}/{main}"


_COORD_ALIASES = {"xrd": "x", "rdx": "x", "yrd": "y", "rdy": "y", "xcoordinaat": "x",
                  "ycoordinaat": "y", "rechtswert": "x", "hochwert": "y", "xcoordinate": "x",
                  "ycoordinate": "y"}


def _coordinate_key(name: str) -> str:
    """A column name as the coordinate names are listed: lower case, a unit in brackets or
    after a separator dropped ('Easting (m)', 'EASTING_M', 'X [m]'), punctuation dropped, and
    Dutch / German / RD spellings ('x-coordinaat', 'X_RD', 'Rechtswert') read as x / y."""
    key = re.sub(r"\s*[(\[][^)\]]*[)\]]\s*$", "", name.strip().lstrip("\ufeff").lower())
    key = re.sub(r"[_\-\s]+m$", "", key)
    key = re.sub(r"[^a-z0-9]", "", key)
    return _COORD_ALIASES.get(key, key)


def _csv_options(path: Path) -> tuple[dict[str, str], list[str]]:
    """Open options telling GDAL's CSV driver which columns hold the geometry."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise ImportError_(f"{path} cannot be read: {exc}") from None
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:200]:
        raise ImportError_(
            f"{path} is UTF-16 text (Excel's 'Unicode Text' export), which GDAL's CSV reader "
            "cannot read: save it from Excel as 'CSV UTF-8' (or convert it, e.g. iconv -f "
            "UTF-16 -t UTF-8) and import that")
    text = head.decode("utf-8", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t|")
        delim = dialect.delimiter
    except csv.Error:
        delim = ","
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delim), [])
    except csv.Error as exc:
        raise ImportError_(f"{path}: its header line cannot be read as CSV ({exc}): ask the "
                           "owner for a re-export (one header line, then one row per line)"
                           ) from None
    cols = {c.strip().lower().lstrip("\ufeff"): c.strip().lstrip("\ufeff") for c in header}
    for name in list(cols.values()):  # "Easting (m)", "X_RD", "x-coordinaat" as plain names
        cols.setdefault(_coordinate_key(name), name)
    opts = {"KEEP_GEOM_COLUMNS": "NO", "AUTODETECT_TYPE": "NO"}
    if delim != ",":
        opts["SEPARATOR"] = {";": "SEMICOLON", "\t": "TAB", "|": "PIPE"}[delim]
    wkt = [cols[n] for n in WKT_NAMES if n in cols]
    xs = [cols[n] for n in X_NAMES if n in cols]
    ys = [cols[n] for n in Y_NAMES if n in cols]
    if wkt:
        opts["GEOM_POSSIBLE_NAMES"] = wkt[0]
        return opts, []
    if xs and ys:
        opts["X_POSSIBLE_NAMES"] = xs[0]
        opts["Y_POSSIBLE_NAMES"] = ys[0]
        zs = [cols[n] for n in Z_NAMES if n in cols]
        if zs:
            opts["Z_POSSIBLE_NAMES"] = zs[0]
        return opts, []
    raise ImportError_(
        f"{path} has no geometry column: name a WKT column one of {', '.join(WKT_NAMES[:4])} "
        f"or give X/Y columns (x/y, easting/northing, lon/lat); found "
        f"{', '.join(' '.join(h.split()) for h in header[:8])}"
    )


def _gml_with_schema_cache(p: Path, gdal_path: str, opts: dict[str, str]) -> tuple[str, Path | None]:
    """A GML file's path with GDAL's schema (.gfs) cached beside a link to it in a private
    temporary folder, so that each later open skips the prescan of the whole file.

    pyogrio opens the file afresh for every call (layer list, layer info, each read); without
    a .gfs each open parses the whole document, so inspecting a 16 MB file of 30 feature
    types took 85 s. The user's folder is never written to: the link (a symbolic link, else
    a hard link, else a copy) and the .gfs live in the temporary folder (returned), removed
    when the Source is dropped or the process ends. A GML inside a zip (a KLIC delivery) is
    extracted there, with the members sharing its name (its .xsd); the zip's own checks
    have bounded its size.
    """
    zip_prefix = f"/vsizip/{p}/"
    if not p.is_file() or not (gdal_path == str(p) or gdal_path.startswith(zip_prefix)):
        return gdal_path, None
    tmp = Path(tempfile.mkdtemp(prefix="asset-register-gml-"))
    try:
        if gdal_path == str(p):
            for sibling in p.parent.glob(glob.escape(p.stem) + ".*"):  # the .xsd (and a .gfs) too
                if sibling.is_file():
                    _link(sibling.resolve(), tmp / sibling.name)
            link = tmp / p.name
        else:
            link = _extract_with_siblings(p, gdal_path[len(zip_prefix):], tmp)
        with warnings_module.catch_warnings():
            warnings_module.simplefilter("ignore")
            pyogrio.read_info(str(link), layer=0, **{**opts, "WRITE_GFS": "YES"})
    except (OSError, zipfile.BadZipFile, DataSourceError, DataLayerError):
        shutil.rmtree(tmp, ignore_errors=True)
        return gdal_path, None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return str(link), tmp


def _extract_with_siblings(zip_path: Path, member: str, tmp: Path) -> Path:
    """Extract ``member`` of a zip and the members beside it with the same stem into ``tmp``."""
    folder, stem = PurePosixPath(member).parent, PurePosixPath(member).stem
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename)
            if not info.is_dir() and name.parent == folder and name.stem == stem:
                with zf.open(info) as src, open(tmp / name.name, "wb") as dst:
                    copy_member(src, dst, info.file_size, f"{zip_path}: member {info.filename!r}")
    return tmp / PurePosixPath(member).name


def _link(src: Path, dst: Path) -> None:
    for make in (os.symlink, os.link, shutil.copyfile):
        try:
            make(src, dst)
            return
        except OSError:
            continue
    raise OSError(f"cannot link {src} into {dst.parent}")


def _why_no_vectors(path: Path) -> str | None:
    """Why GDAL found no vector data in a readable SQLite/GeoPackage file (None: it is not one)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return None
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "gpkg_contents" not in tables:
                return None
            kinds = dict(con.execute("SELECT data_type, COUNT(*) FROM gpkg_contents GROUP BY data_type"))
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return None
    if kinds.get("features"):
        return None  # it has vector tables: GDAL failed for another reason
    if not kinds:
        return "is an empty GeoPackage: it holds no vector layers"
    held = ", ".join(f"{n} {kind} table{'s' if n > 1 else ''}" for kind, n in sorted(kinds.items()))
    return f"holds no vector layers (a GeoPackage of {held} only)"


def skip_reason(info: LayerInfo) -> str | None:
    """Why a layer cannot give assets (None: it can): the job skips such a layer with this note."""
    if not info.geometry_type:
        return (f"layer {info.name!r} is attribute-only (no geometry column): not importable as "
                "assets; skipped")
    return None


def _files_of(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    if path.suffix.lower() in (".shp", ".tab", ".mif"):
        return sorted(p for p in path.parent.glob(path.stem + ".*") if p.is_file())
    return [path]


def open_source(path: str | os.PathLike) -> Source:
    """Resolve a user's path to a readable Source, or raise ImportError_ saying why not."""
    p = require_file(path, folders=True)
    if p.is_dir() and p.suffix.lower() in {*EXTENSION_DRIVERS, ".zip"} - {".gdb"}:
        raise ImportError_(f"{p} is a folder, not a {p.suffix} file: give one of the files "
                           "inside it (or a folder of shapefiles, or a .gdb folder)")
    if p.is_file() and p.stat().st_size == 0:
        raise ImportError_(f"{p} is empty (0 bytes): the delivery is incomplete, ask for it again")
    refuse_crs_links(p)  # before GDAL opens it: GDAL would fetch the address
    ext = p.suffix.lower()
    opts: dict[str, str] = {}
    warnings: list[str] = []
    if p.is_dir() and ext != ".gdb":
        gdal_path = str(p)  # a folder of shapefiles
    elif ext == ".zip":
        gdal_path = _zip_target(p)
    elif ext == ".kmz":
        gdal_path = _kmz_target(p)
    else:
        gdal_path = str(p)
    if ext == ".csv" or gdal_path.lower().endswith(".csv"):
        if ext == ".zip":
            raise ImportError_(f"{p}: unzip CSV deliveries before importing them")
        opts, warnings = _csv_options(p)
    # GML must never write a .gfs beside the user's file, even while probing, nor fetch a
    # schema from the address a file names (the product works offline)
    probe = opts or {"WRITE_GFS": "NO", "DOWNLOAD_SCHEMA": "NO"}
    try:
        with warnings_module.catch_warnings():
            warnings_module.simplefilter("ignore", RuntimeWarning)  # option unknown to driver
            warnings_module.simplefilter("ignore", UserWarning)
            driver = _gpkg_driver(gdal_path) or pyogrio.read_info(gdal_path, layer=0, **probe)["driver"]
    except (DataSourceError, DataLayerError) as exc:
        why = _why_no_vectors(p) if p.is_file() else None
        if why:
            raise ImportError_(f"{p} {why}: nothing to import; ask the owner for the vector data") from None
        expected = EXTENSION_DRIVERS.get(ext)
        hint = f" (its extension says {expected})" if expected else ""
        raise ImportError_(
            f"{p} cannot be read as vector data{hint}: {str(exc).splitlines()[0]} — the file "
            "may be truncated, corrupt or of another format; ask the owner to re-export it"
        ) from None
    if driver in SPREADSHEET_DRIVERS:
        raise ImportError_(
            f"{p} is a spreadsheet ({driver}), from which no geometry is read: save the sheet "
            "as CSV UTF-8 with its coordinate columns (x/y, easting/northing, lon/lat) or a WKT "
            "column, and import that")
    cache = None
    if driver == "GeoJSON":  # nested objects' members as fields of their own: "asset.pressure"
        opts = {"FLATTEN_NESTED_ATTRIBUTES": "YES", "NESTED_ATTRIBUTE_SEPARATOR": "."}
    if driver == "GML":
        # xlink:href code-list values (INSPIRE currentStatus…) become fields too
        opts = {"WRITE_GFS": "NO", "GML_ATTRIBUTES_TO_OGR_FIELDS": "YES", "DOWNLOAD_SCHEMA": "NO"}
        gdal_path, cache = _gml_with_schema_cache(p, gdal_path, opts)
    expected = EXTENSION_DRIVERS.get(ext)
    if expected and driver != expected and not (expected in KML_DRIVERS and driver in KML_DRIVERS):
        if not (expected == "ESRI Shapefile" and driver == "ESRI Shapefile"):
            warnings.append(f"{p.name} has a {ext} extension but holds {driver} data; read as {driver}")
    source = Source(path=p, gdal_path=gdal_path, driver=driver, open_options=opts,
                    warnings=warnings, files=_files_of(p))
    if cache is not None:  # the cached copy goes with the Source (or at exit)
        weakref.finalize(source, shutil.rmtree, cache, True)
    return source
