"""Dig footprints on the map, the Qt side of ``ui.models.dig``: drawing and editing tools, the
dig toolbar, the overlay, and the check service that answers the model's checks."""
