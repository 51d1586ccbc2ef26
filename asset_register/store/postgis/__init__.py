"""The PostGIS backend: one register in a PostgreSQL schema (store.py holds ``PostgisStore``).

Kept empty so that importing one of its modules does not load psycopg and the whole store;
callers outside ``asset_register.store`` go through the factory.
"""
