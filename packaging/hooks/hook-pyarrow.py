"""PyInstaller hook for pyarrow, replacing the generic one to keep the bundle small.

The generic hook collects every pyarrow module and every shared library (~170 MB).
The app uses Arrow tables (pyogrio reads, geopandas, pandas' Arrow-backed strings, ADBC
ingest), compute and CSV; it never uses Flight RPC, Arrow's file systems (local, S3, GCS,
Azure, HDFS), ORC, CUDA, datasets, Parquet, Acero query plans, Substrait or the JSON
reader, so those modules stay out. The libraries pyarrow's kept extension modules link against are found by
PyInstaller's binary analysis; build.spec (packaging/trim_libs.py, ARROW_OVERLINKED) then drops the link-time
references to the dataset, Parquet, Acero and Substrait libraries that the kept modules
name but never use, and with them those libraries (18 MB).

``adbc_driver_manager.dbapi`` tries ``import pyarrow.dataset`` and, without it, treats
pyarrow as absent: its Arrow-native calls (``adbc_ingest`` of an object with
``__arrow_c_stream__``, which is all the app uses) keep working, its pyarrow-only
helpers (``fetch_arrow_table`` ...) raise. build.spec (packaging/trim_modules.py) stops the build if the app's code
calls one of those helpers or imports a module left out here.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

UNUSED = (
    "pyarrow.tests",
    "pyarrow.flight",
    "pyarrow._flight",
    "pyarrow._s3fs",
    "pyarrow._gcsfs",
    "pyarrow._azurefs",
    "pyarrow._hdfs",
    "pyarrow.orc",
    "pyarrow._orc",
    "pyarrow._dataset_orc",
    "pyarrow.cuda",
    "pyarrow._cuda",
    "pyarrow._parquet_encryption",
    "pyarrow._dataset_parquet_encryption",
    "pyarrow.parquet.encryption",
    "pyarrow._pyarrow_cpp_tests",
    # datasets, Parquet, Acero, Substrait; file-system and JSON readers (the app reads files
    # through GDAL, and CSV only from memory)
    "pyarrow.fs",
    "pyarrow._fs",
    "pyarrow.json",
    "pyarrow._json",
    "pyarrow.dataset",
    "pyarrow._dataset",
    "pyarrow._dataset_parquet",
    "pyarrow.parquet",
    "pyarrow._parquet",
    "pyarrow.acero",
    "pyarrow._acero",
    "pyarrow.substrait",
    "pyarrow._substrait",
)


def _used(name: str) -> bool:
    return not any(name == u or name.startswith(u + ".") for u in UNUSED)


hiddenimports = collect_submodules("pyarrow", filter=_used)
# Only runtime data (e.g. timezone data on Windows); not C++ headers, sources or Cython files.
datas = collect_data_files(
    "pyarrow",
    excludes=["include/**", "src/**", "tests/**", "**/*.pxd", "**/*.pxi", "**/*.pyx", "**/*.h", "**/*.cc"],
)
excludedimports = list(UNUSED)
