"""A batch's candidates for an area of its query boxes, found and read in a process of its own.

``python -P colread.py REGISTER SPEC [BATCH_ROWS]`` (started by ``RTreeReader.candidates_many``)
reads query boxes from stdin (float64 minx, maxx, miny, maxy, little endian, until end of
file), walks the register's R*Tree for them (``rtree.search``, the app's own walk, loaded
from the file beside this one) and writes to stdout: ``PAIRS``, the number of (query,
fid) pairs the walk found, their query positions and their fids (int64, little endian),
then the live assets among those fids as one Arrow IPC stream, in fid order: ``fid``, the
columns of SPEC (a JSON list of ``[name, kind]``, ``kind`` below), ``wkb`` (the geometry
with its GeoPackage header cut off in SQL, as ``reader._WKB``) and ``odd``.

Why a process: ADBC's SQLite driver builds the Arrow columns in C (no Python object per
value, no GIL), but it carries its own SQLite library; closing its descriptor of the
register inside the app's process would drop the app's POSIX locks on the file (see
snapshot.py). In a process of its own it is one more reader of the register, as any
other program would be.

Every value comes through in one Arrow type per column (double, string, binary) or the
read fails: the driver takes a column's type from its first rows, so each statement
starts with one typed row (dropped here) and a NULL never comes first; after those rows
it refuses a value of another type, except that it turns a number or blob into text
unasked — so a value SQLite may hold in a column but Arrow's type would not carry as it
is (a blob in a text column, a geometry that is not a blob, anything but a number in a
number column without REAL affinity) makes its row ``odd`` (non-zero): the caller reads
those rows again itself, so they come out exactly as the in-process read gives them. A
column whose first rows widened the driver's type is refused by the caller (it reads
in-process).

The walk and all the parts are read in ONE read transaction (one snapshot of the
register). The caller still compares the register's ``data_version`` before and after, as
for its own reads.

This file imports nothing of the app but ``rtree.py`` (numpy alone: it runs without the
package's start-up costs); it exits non-zero with a one-line message on stderr on any failure, and the caller then
reads in-process.
"""

from __future__ import annotations

import json
import os
import sys

PART = 40_000  # fids per statement (as ``reader.FETCH_PART``)
BATCH_ROWS = 16_384  # rows per Arrow record batch written (the driver types a column by
# the first batch of each statement)

# Kept in step with ``reader._WKB`` (a test compares them).
WKB = ("CASE WHEN {g} IS NULL THEN NULL "
       "WHEN substr({g}, 1, 2) IS NOT X'4750' OR length({g}) < 8 THEN X'' "
       "ELSE substr({g}, 9 + CASE (instr('0123456789ABCDEF', substr(hex(substr({g}, 4, 1)), "
       "2, 1)) - 1) / 2 WHEN 1 THEN 32 WHEN 2 THEN 48 WHEN 3 THEN 48 WHEN 4 THEN 64 ELSE 0 "
       "END) END")
NUMERIC_TYPES = "('integer', 'real')"
RTREE = "rtree_assets_geom"  # the register's R*Tree (of ``statement``'s table and geometry)
NODES = 20_000  # tree nodes read per statement (as ``rtree._node_blobs``)
# What the answer starts with: this, the number of (query, fid) pairs the walk found
# (8 bytes, little endian), their query positions, then their fids (int64, little endian).
PAIRS = b"ARPAIRS1"


def affinity(declared: str | None) -> str:
    """SQLite's column affinity of a declared type (https://sqlite.org/datatype3.html 3.1):
    "integer", "text", "blob", "real" or "numeric"."""
    d = (declared or "").upper()
    if "INT" in d:
        return "integer"
    if "CHAR" in d or "CLOB" in d or "TEXT" in d:
        return "text"
    if "BLOB" in d or not d:
        return "blob"
    if "REAL" in d or "FLOA" in d or "DOUB" in d:
        return "real"
    return "numeric"


def kind(numeric: bool, declared: str | None) -> str:
    """How a column is read: "r" a number column of REAL affinity (SQLite holds only REAL,
    text or blob there: read as it is, the driver refuses anything but a REAL after the
    first row and the caller any other first type), "t" a text column of TEXT affinity
    (text or blob: read as it is, a blob flagged ``odd``), "n" any other number column,
    "o" any other text column (cast in SQL, anything else flagged ``odd``)."""
    a = affinity(declared)
    if numeric:
        return "r" if a == "real" else "n"
    return "t" if a == "text" else "o"


def statement(spec: list, table: str = "assets", geom: str = "geom",
              live: str = "retired_at IS NULL") -> str:
    """The SQL of one part: a typed first row, then the live assets among the fids of a
    JSON array (``json_each(?)``: ``main`` writes the array in), in its order."""
    first = ["0 AS fid"]
    select = ["a.fid"]
    odd = [f"(typeof(a.{geom}) <> 'blob' AND a.{geom} IS NOT NULL)"]
    for name, how in spec:
        col = f"a.{name}"
        if how in ("r", "n"):
            first.append(f"0.0 AS {name}")
        else:
            first.append(f"'' AS {name}")
        if how in ("r", "t"):
            select.append(col)
            if how == "t":
                odd.append(f"(typeof({col}) = 'blob')")
        elif how == "n":
            select.append(f"CASE WHEN typeof({col}) IN {NUMERIC_TYPES} THEN CAST({col} AS REAL) END")
            odd.append(f"(typeof({col}) NOT IN ('integer', 'real', 'null'))")
        elif how == "o":
            select.append(f"CASE WHEN typeof({col}) = 'text' THEN {col} END")
            odd.append(f"(typeof({col}) NOT IN ('text', 'null'))")
        else:
            raise ValueError(f"unknown column kind {how!r} for {name!r}")
    first += ["X'' AS wkb", "0 AS odd"]
    g = f"a.{geom}"
    select += [f"CASE WHEN typeof({g}) = 'blob' THEN {WKB.format(g=g)} END", " + ".join(odd)]
    return (f"SELECT {', '.join(first)} UNION ALL SELECT {', '.join(select)} "
            f"FROM json_each(?) j CROSS JOIN {table} a ON a.fid = j.value WHERE a.{live}")


def node_reader(run, rtree: str = RTREE):
    """The R*Tree's node blobs by number, over the helper's own connection (``run``: SQL to
    Arrow record batches), as ``rtree.search`` reads them: in the given order, KeyError
    for a node the tree does not hold."""
    def blobs(numbers) -> list:
        found: dict = {}
        for at in range(0, len(numbers), NODES):
            part = json.dumps([int(n) for n in numbers[at:at + NODES]])  # (our own integers)
            for batch in run(f'SELECT nodeno, data FROM "{rtree}_node" WHERE nodeno IN '
                             f"(SELECT value FROM json_each('{part}'))"):
                found.update(zip(batch.column(0).to_pylist(), batch.column(1).to_pylist()))
        return [found[int(n)] for n in numbers]

    return blobs


def walker():
    """``rtree.py`` (beside this file) as a module of its own: the tree walk the app runs,
    without importing the app (it needs numpy alone, which Arrow has loaded already)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "_batch_rtree", Path(__file__).with_name("rtree.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: colread.py REGISTER SPEC [BATCH_ROWS] (query boxes on stdin)",
              file=sys.stderr)
        return 2
    register, spec = argv[0], json.loads(argv[1])
    batch_rows = int(argv[2]) if len(argv) == 3 else BATCH_ROWS
    from pathlib import Path

    # the driver manager's own API, not its DB-API module: that imports Arrow's dataset module and
    # pandas (0.26 s of the helper's 0.39 s start-up)
    import adbc_driver_manager as manager
    import adbc_driver_sqlite
    import numpy as np  # (loaded with Arrow already)
    import pyarrow as pa

    raw = sys.stdin.buffer.read()
    if len(raw) % 32:  # (cut short: the caller stopped, or is not the app)
        print(f"colread: {len(raw)} bytes on stdin is no whole number of boxes", file=sys.stderr)
        return 1
    boxes = np.frombuffer(raw, dtype="<f8").reshape(-1, 4)
    tree = walker()
    sql = statement(spec)
    out = sys.stdout.buffer
    db = adbc_driver_sqlite.connect(Path(register).resolve().as_uri() + "?mode=ro")
    con = manager.AdbcConnection(db)
    stmt = manager.AdbcStatement(con)

    def run(query: str):
        stmt.set_sql_query(query)
        handle, _ = stmt.execute_query()
        return pa.RecordBatchReader._import_from_c(handle.address)

    def do(query: str) -> None:
        stmt.set_sql_query(query)
        stmt.execute_update()

    try:
        stmt.set_options(**{"adbc.sqlite.query.batch_rows": str(batch_rows)})
        writer = None
        do("BEGIN")  # one snapshot for the walk and every part
        try:
            q, ids = tree.search(None, RTREE, boxes, blobs=node_reader(run))
            out.write(PAIRS + len(q).to_bytes(8, "little"))
            out.write(q.astype("<i8").tobytes())
            out.write(ids.astype("<i8").tobytes())
            fids = tree.unique_ids(ids)
            for at in range(0, len(fids), PART):
                # (the fids written into the SQL as a JSON array: integers of our own)
                part = json.dumps(fids[at:at + PART].tolist())
                first = True
                for batch in run(sql.replace("json_each(?)", f"json_each('{part}')")):
                    if first:  # the typed first row
                        batch, first = batch.slice(1), False
                    if writer is None:
                        writer = pa.ipc.new_stream(out, batch.schema)
                    if batch.num_rows:
                        writer.write_batch(batch)
            if writer is None:  # no fids: an empty stream of the same columns
                writer = pa.ipc.new_stream(out, run(sql.replace("json_each(?)",
                                                                "json_each('[]')")).schema)
        finally:
            do("COMMIT")
        writer.close()
        out.flush()
    finally:
        stmt.close()
        con.close()
        db.close()
    return 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # (everything written and closed: no interpreter teardown to wait for)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: leave quietly
        sys.exit(130)
    except BrokenPipeError:  # the caller stopped reading (gave up, or was stopped)
        sys.exit(141)
    except Exception as exc:  # (one line for the caller, which reads in-process)
        print(f"colread: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
