"""The `asset-register` command line: a thin layer over the library."""
