"""Dialogs: import wizard, notice pack, settings, footprint coordinates."""
