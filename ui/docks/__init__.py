"""Dock panels around the map: layers, conflicts, identify results, planned works, notices."""
