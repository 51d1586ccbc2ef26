"""The GeoPackage backend: one register file (store.py holds ``GeoPackageStore``).

Kept empty so that importing one of its modules (geometry blobs, schema names) does not
load the whole store; callers outside ``asset_register.store`` go through the factory.
"""
