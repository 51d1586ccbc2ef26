"""Dig footprints on the map: drawing and editing tools, undo, the live conflict check."""
