"""PyInstaller hook for pyarrow, replacing the generic one to keep the bundle small.

The generic hook collects every pyarrow module and every shared library (~170 MB).
The app uses Arrow tables (pyogrio reads, geopandas, pandas' Arrow-backed strings),
compute, datasets and Parquet; it never uses Flight RPC, cloud file systems (S3, GCS,
Azure, HDFS), ORC, CUDA or Parquet encryption, so those modules and the libraries
only they link (libarrow_flight, libarrow_s3, ...) stay out. The libraries pyarrow's
kept extension modules link against are found by PyInstaller's binary analysis.
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
