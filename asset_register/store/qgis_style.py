"""A QGIS layer style (QML) for the assets table, stored in `layer_styles` so the
register opens in QGIS coloured by utility (NJUG code, DESIGN §7)."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..colours import colour_for
from ..model import Utility


def _symbol(name: str, colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    rgba = f"{r},{g},{b},255"
    return (
        f'<symbol type="line" name="{name}" alpha="1" force_rhr="0" clip_to_extent="1">'
        f'<layer class="SimpleLine" enabled="1" locked="0" pass="0">'
        f'<Option type="Map"><Option type="QString" name="line_color" value="{rgba}"/>'
        f'<Option type="QString" name="line_width" value="0.6"/>'
        f'<Option type="QString" name="line_width_unit" value="MM"/></Option>'
        f'<prop k="line_color" v="{rgba}"/><prop k="line_width" v="0.6"/></layer></symbol>'
    )


def assets_style_qml() -> str:
    categories, symbols = [], []
    for i, utility in enumerate(u.value for u in Utility):
        colour = colour_for(utility)
        categories.append(
            f'<category render="true" symbol="{i}" value={quoteattr(utility)} '
            f"label={quoteattr(utility.replace('_', ' '))}/>"
        )
        symbols.append(_symbol(str(i), colour))
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        '<qgis version="3.28" styleCategories="Symbology">'
        '<renderer-v2 type="categorizedSymbol" attr="utility" forceraster="0" '
        'symbollevels="0" enableorderby="0">'
        f"<categories>{''.join(categories)}</categories>"
        f"<symbols>{''.join(symbols)}</symbols>"
        "</renderer-v2></qgis>"
    )
