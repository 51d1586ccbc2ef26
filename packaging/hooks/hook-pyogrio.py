"""PyInstaller hook for pyogrio (no hook ships with PyInstaller or pyogrio itself).

pyogrio's GDAL comes with its own ``gdal_data`` and ``proj_data`` folders, which
pyogrio looks for next to its modules before anything else: collect both, so every
reprojection done by GDAL inside the bundle uses the PROJ database that matches the
bundled PROJ. Its Cython modules import one another invisibly to PyInstaller.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

hiddenimports = collect_submodules("pyogrio", filter=lambda name: ".tests" not in name)
datas = collect_data_files("pyogrio", includes=["gdal_data/**", "proj_data/**"])
