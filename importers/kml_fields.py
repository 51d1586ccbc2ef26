"""Attributes that a KML carries only in its placemarks' ``<description>``.

ArcGIS ("Layer to KML"), Google Earth and many web exports write each feature's attributes
as an HTML table in the description (``<tr><td>OWNER</td><td>Gas Co</td></tr>``), and some as
``name: value<br>`` lines, instead of KML ``ExtendedData``. GDAL reads the description as one
text field, so without this the owner, id, pressure and size are only HTML that no mapping can
use. Here each distinct description is parsed once with the standard library's HTML parser:
nothing is fetched (images and links are never followed), script and style content is dropped,
entities are decoded. The fields found become columns of the layer like any other; a
description that is HTML but yields no fields is kept as it was, with a warning.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pyarrow as pa
import pyarrow.compute as pc

NULL_WORDS = {"<null>", "null", "&lt;null&gt;", ""}
HEADER_PAIRS = {("field name", "field value"), ("name", "value"), ("field", "value"),
                ("attribute", "value"), ("property", "value")}
_LINE = re.compile(r"^\s*([^:=<>]{1,60}?)\s*[:=]\s*(.*?)\s*$")
_SPACE = re.compile(r"\s+")
MAX_FIELDS = 500  # more distinct names than this is not an attribute table


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


class _Fields(HTMLParser):
    """Collects the two-cell rows of every table and the text lines outside tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.lines: list[str] = [""]
        self._cells: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0
        self._tables = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._tables += 1
        elif tag == "tr":
            self._end_row()
            self._cells = []
        elif tag in ("td", "th") and self._cells is not None:
            self._end_cell()
            self._cell = []
        elif tag in ("br", "p", "div", "li") and not self._tables:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_row()
            self._tables = max(0, self._tables - 1)
        elif tag in ("p", "div", "li") and not self._tables:
            self.lines.append("")

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif not self._tables:
            parts = data.split("\n")
            self.lines[-1] += parts[0]
            self.lines.extend(parts[1:])

    def _end_cell(self):
        if self._cell is not None and self._cells is not None:
            self._cells.append(_clean("".join(self._cell)))
        self._cell = None

    def _end_row(self):
        self._end_cell()
        if self._cells is not None:
            self.rows.append(self._cells)
        self._cells = None

    def close(self):
        super().close()
        self._end_row()


def parse_description(text: str) -> tuple[dict[str, str | None], bool]:
    """(fields, whole): the name → value pairs a description holds, and whether they are all
    it says (then the description itself adds nothing). Never raises on malformed HTML."""
    parser = _Fields()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # the stdlib parser's rare refusals
        return {}, False
    fields: dict[str, str | None] = {}
    rest: list[str] = []
    for cells in parser.rows:
        if len(cells) == 2 and (cells[0].casefold(), cells[1].casefold()) in HEADER_PAIRS:
            continue  # the table's heading
        if len(cells) == 2 and cells[0]:
            fields.setdefault(cells[0], None if cells[1].casefold() in NULL_WORDS else cells[1])
        elif any(cells):
            rest.append(" ".join(c for c in cells if c))
    for line in parser.lines:
        line = _clean(line)
        if not line:
            continue
        m = _LINE.match(line)
        if m and not m.group(2).startswith("//"):  # not a link (http://…)
            value = m.group(2)
            fields.setdefault(_clean(m.group(1)),
                              None if value.casefold() in NULL_WORDS else value)
        else:
            rest.append(line)
    if not fields:
        return {}, False
    return fields, not rest


def description_columns(table: pa.Table) -> tuple[pa.Table, list[str]]:
    """The layer's table with the fields of its placemarks' descriptions added as columns
    (named as written; a name the layer already has gets " (description)" after it); the
    description column is emptied where it held nothing else. Returns (table, warnings)."""
    name = next((n for n in table.column_names if n.casefold() == "description"), None)
    if name is None:
        return table, []
    col = table.column(name)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return table, []
    enc = pc.dictionary_encode(col.combine_chunks())
    uniques = enc.dictionary.to_pylist()
    parsed = [parse_description(u) if u and ("<" in u or ":" in u) else ({}, False)
              for u in uniques]
    names: list[str] = []
    for fields, _ in parsed:
        names += [k for k in fields if k not in names]
    if not names:
        html = sum(1 for u in uniques if u and re.search(r"<\s*(table|br|p|div)\b", u, re.I))
        return table, ([f"{html} placemark descriptions are HTML with no table of fields: "
                        f"kept whole in {name!r}"] if html else [])
    if len(names) > MAX_FIELDS:
        return table, [f"placemark descriptions name {len(names)} different fields: not read as "
                       f"attributes; kept whole in {name!r}"]
    indices = enc.indices
    existing = {n.casefold() for n in table.column_names}
    for field in names:
        out = field if field.casefold() not in existing else f"{field} (description)"
        existing.add(out.casefold())
        values = pa.array([fields.get(field) for fields, _ in parsed], pa.string())
        table = table.append_column(out, values.take(indices))
    whole = pa.array([w for _, w in parsed], pa.bool_()).take(indices)
    kept = pc.if_else(pc.fill_null(whole, False), pa.scalar(None, pa.string()),
                      col.combine_chunks().cast(pa.string()))
    table = table.set_column(table.column_names.index(name), name, kept)
    warnings = [f"{len(names)} attributes read from the placemarks' HTML descriptions "
                f"({', '.join(names[:8])}{', …' if len(names) > 8 else ''})"]
    unread = sum(1 for u, (f, _) in zip(uniques, parsed, strict=True)
                 if u and not f and re.search(r"<\s*(table|br|p|div)\b", u, re.I))
    if unread:
        warnings.append(f"{unread} placemark descriptions are HTML with no fields that could be "
                        f"read: kept whole in {name!r}")
    return table, warnings
