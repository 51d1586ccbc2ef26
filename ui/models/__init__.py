"""Pure models of the desktop app (no Qt): map view, layer list, dig footprint.

Qt views subscribe to their events; tests exercise them without a display.
"""
