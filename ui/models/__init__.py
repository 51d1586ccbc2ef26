"""Pure models of the desktop app (no Qt, an import-linter contract says so): the window
state (``window.WindowState``: session, dig with its undo history and last check, layers,
loading, works, colour scheme), map view, layer list, dig footprint, search.

Qt views and controllers subscribe to their events (``events.EventEmitter``); the models never
know who listens, and tests exercise them without a display.
"""
