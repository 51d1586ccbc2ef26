"""Turn a drawn footprint into the dig polygon through the check's own footprint builder.

The dig check owns the rules for trenches (centre-line + width, flat ends) and
points (+ radius, circumscribed); the UI only adapts its drawing state to them.
"""

from __future__ import annotations

from asset_register.check import footprint
from asset_register.crs_names import DEFAULT_CRS


def footprint_polygon(state, working_crs: str = DEFAULT_CRS):
    outline = state.outline()
    width = state.width_m if state.kind == "trench" else None
    radius = state.radius_m if state.kind == "point" else None
    built = footprint.build([outline], working_crs=working_crs, width=width, radius=radius,
                            labels=[f"the drawn {state.kind}"])
    return built.geometries[0]


def repaired_outline(state, working_crs: str = "EPSG:27700"):
    """A self-intersecting drawn polygon repaired with make_valid, as one polygon the dig can
    hold: the repaired shape, or the hull of its parts when it falls apart (never less area
    than was drawn, so no asset inside the drawing drops out of the check)."""
    import shapely

    outline = state.outline()
    built = footprint.build([outline], working_crs=working_crs, make_valid=True,
                            labels=[f"the drawn {state.kind}"])
    geom = built.geometries[0]
    if geom.geom_type != "Polygon":
        geom = shapely.convex_hull(geom)
    return geom
