"""Bulk build of a GeoPackage R*Tree inside the caller's transaction.

Inserting a million rows one by one into SQLite's R*Tree costs ~25 µs each. For
large batches we instead pack the whole tree (Sort-Tile-Recursive) with numpy and
write SQLite's own node format into the shadow tables `<rtree>_node`,
`<rtree>_rowid` and `<rtree>_parent` — the same approach GDAL uses — so a bulk
load keeps a fast index *and* commits atomically with its metadata.

Node format (sqlite/ext/rtree): a node blob is 2 bytes depth (root only), 2 bytes
cell count, then cells of an int64 id and four float32 (minx, maxx, miny, maxy),
all big endian, padded to the tree's node size (the root blob's length).
"""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np

MAX_CELLS = 51  # SQLite's RTREE_MAXCELLS
CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])
NODE_SIZE = 4 + CELL.itemsize * MAX_CELLS  # 1228: what SQLite creates on 4 KiB pages
LEAF_ROWS = 1 << 20  # positions given their leaf at a time (8 MB temporaries)


def float32_outward(boxes: np.ndarray) -> np.ndarray:
    """Round (minx, maxx, miny, maxy) to float32 so the box only grows, as SQLite does."""
    f = boxes.astype(np.float32)
    lo = f[:, [0, 2]]
    hi = f[:, [1, 3]]
    lo = np.where(lo.astype(np.float64) > boxes[:, [0, 2]], np.nextafter(lo, np.float32(-np.inf)), lo)
    hi = np.where(hi.astype(np.float64) < boxes[:, [1, 3]], np.nextafter(hi, np.float32(np.inf)), hi)
    return np.stack([lo[:, 0], hi[:, 0], lo[:, 1], hi[:, 1]], axis=1)


def _str_order(boxes: np.ndarray) -> np.ndarray:
    """Sort-Tile-Recursive order of boxes (minx, maxx, miny, maxy) for nodes of MAX_CELLS."""
    n = len(boxes)
    if n == 0:
        return np.arange(0)
    cx = boxes[:, 0] + boxes[:, 1]
    cy = boxes[:, 2] + boxes[:, 3]
    pages = math.ceil(n / MAX_CELLS)
    slabs = max(1, math.ceil(math.sqrt(pages)))
    slab_size = slabs * MAX_CELLS
    by_x = np.argsort(cx)
    del cx
    # by slab, then by y within it: one sort of a composite key (4x faster than lexsort),
    # slab * span + (cy - low), made in one array (a slab's boxes are a run of ``by_x``)
    low = cy.min()
    span = float(cy.max() - low + 1.0)
    key = np.empty(n, dtype=np.float64)
    for k in range(math.ceil(n / slab_size)):
        key[by_x[k * slab_size:(k + 1) * slab_size]] = k * span
    del by_x
    key += cy - low
    del cy
    return np.argsort(key)


def _node_boxes(boxes: np.ndarray, count: int) -> np.ndarray:
    """Union box of each consecutive run of MAX_CELLS boxes."""
    starts = np.arange(0, count, MAX_CELLS)
    return np.stack(
        [
            np.minimum.reduceat(boxes[:, 0], starts),
            np.maximum.reduceat(boxes[:, 1], starts),
            np.minimum.reduceat(boxes[:, 2], starts),
            np.maximum.reduceat(boxes[:, 3], starts),
        ],
        axis=1,
    )


def _blobs(ids: np.ndarray, boxes: np.ndarray, depth: int | None) -> np.ndarray:
    """Node blobs for consecutive runs of MAX_CELLS cells: one row of NODE_SIZE bytes each.

    The cells are written straight into the rows (no separate cell array joined to the
    heads afterwards: at 10 million entries that was two more copies of the leaves)."""
    n = len(ids)
    nodes = max(1, math.ceil(n / MAX_CELLS))
    full = np.zeros((nodes, NODE_SIZE), dtype=np.uint8)
    cells = full[:, 4:].view(CELL)  # (nodes, MAX_CELLS), a view into the rows
    whole = n // MAX_CELLS  # nodes filled to MAX_CELLS
    if whole:
        cells["id"][:whole] = ids[:whole * MAX_CELLS].reshape(whole, MAX_CELLS)
        cells["box"][:whole] = boxes[:whole * MAX_CELLS].reshape(whole, MAX_CELLS, 4)
    rest = n - whole * MAX_CELLS
    if rest:
        cells["id"][whole, :rest] = ids[whole * MAX_CELLS:]
        cells["box"][whole, :rest] = boxes[whole * MAX_CELLS:]
    full[:, 2] = MAX_CELLS >> 8
    full[:, 3] = MAX_CELLS & 0xFF
    last = n - (nodes - 1) * MAX_CELLS
    full[-1, 2] = last >> 8
    full[-1, 3] = last & 0xFF
    if depth is not None:  # only the root stores the tree depth
        full[:, 0] = depth >> 8
        full[:, 1] = depth & 0xFF
    return full


NODE_ROWS = 20_000  # node blobs handed to SQLite at a time (~25 MB of bytes objects)


def _node_rows(owners: np.ndarray, blobs: np.ndarray):
    """(node number, blob) rows made a slice at a time as SQLite takes them, so the blobs
    are not held twice (as an array and as bytes objects) for a whole level."""
    for a in range(0, len(owners), NODE_ROWS):
        yield from zip(owners[a:a + NODE_ROWS].tolist(),
                       (row.tobytes() for row in blobs[a:a + NODE_ROWS]))


def _rowid_rows(ids: np.ndarray, leaves: np.ndarray):
    """(id, leaf node) rows of the ``_rowid`` table in id order (appended to its B-tree in
    key order), for ids in leaf order: the id at position k is in leaf ``leaves[k //
    MAX_CELLS]``. Made ``LEAF_ROWS`` at a time as SQLite takes them: no whole-size array
    of leaves nor Python lists of every row."""
    by_id = np.argsort(ids, kind="stable")
    for a in range(0, len(by_id), LEAF_ROWS):
        at = by_id[a:a + LEAF_ROWS]
        yield from zip(ids[at].tolist(), leaves[at // MAX_CELLS].tolist())


class Packing:
    """An STR-packed tree over boxes, its cells holding positions 0..n-1 until written.

    Which leaf holds which box depends on the boxes alone, so a batch's tree can be
    packed before its write transaction; the ids (fids) are filled in when it is written.
    """

    def __init__(self, boxes: np.ndarray):
        """``boxes`` (minx, maxx, miny, maxy): float64, rounded outward to float32 here, or
        float32 already so rounded (as ``float32_outward`` gives them)."""
        if boxes.dtype != np.float32:
            boxes = float32_outward(np.asarray(boxes, dtype=np.float64))
        self.size = len(boxes)
        # Levels bottom-up; each is (child positions or node indexes, child boxes) in STR order.
        self.levels: list[tuple[np.ndarray, np.ndarray]] = []
        cur_boxes = boxes
        while True:
            # each level's children are numbered 0..k-1 before it is sorted: the sort order
            # is the children's numbers in STR order
            cur_ids = _str_order(cur_boxes)
            cur_boxes = cur_boxes[cur_ids]
            self.levels.append((cur_ids, cur_boxes))
            if len(cur_ids) <= MAX_CELLS:
                break
            cur_boxes = _node_boxes(cur_boxes, len(cur_ids))  # nodes numbered below
        # Number nodes: root = 1, then every other node top-down.
        next_no = 2
        self.node_numbers: list[np.ndarray] = [None] * len(self.levels)  # type: ignore[list-item]
        self.node_numbers[-1] = np.array([1], dtype=np.int64)
        for li in range(len(self.levels) - 2, -1, -1):
            n_nodes = math.ceil(len(self.levels[li][0]) / MAX_CELLS)
            self.node_numbers[li] = np.arange(next_no, next_no + n_nodes, dtype=np.int64)
            next_no += n_nodes

    def leaf_of(self) -> np.ndarray:
        """The leaf node number that holds each box, by position."""
        positions = self.levels[0][0]
        leaf = np.empty(self.size, dtype=np.int64)
        first = int(self.node_numbers[0][0])  # the leaves are numbered consecutively
        for a in range(0, self.size, LEAF_ROWS):  # (no second whole-size array)
            at = np.arange(a, min(self.size, a + LEAF_ROWS), dtype=np.int64)
            leaf[positions[a:a + LEAF_ROWS]] = first + at // MAX_CELLS
        return leaf

    def write(self, con: sqlite3.Connection, rtree: str, ids: np.ndarray,
              rowid_select: tuple[str, tuple] | None = None) -> None:
        """Replace the content of ``rtree`` with this tree, position ``i`` holding ``ids[i]``.

        ``rowid_select`` (SQL selecting ``(id, leaf node)`` rows in id order, and its
        parameters) fills the rowid table in SQLite instead of from Python (~15x faster).
        """
        for suffix in ("node", "rowid", "parent"):
            con.execute(f'DELETE FROM "{rtree}_{suffix}"')
        if self.size == 0:
            con.execute(f'INSERT INTO "{rtree}_node" VALUES (1, ?)', (bytes(NODE_SIZE),))
            return
        ids = np.asarray(ids, dtype=np.int64)
        depth = len(self.levels) - 1
        for li, (cids, cboxes) in enumerate(self.levels):
            # leaf cells hold ids; the cells of upper levels hold the nodes of the level below
            cids = ids[cids] if li == 0 else self.node_numbers[li - 1][cids]
            owners = self.node_numbers[li]
            blobs = _blobs(cids, cboxes, depth if li == len(self.levels) - 1 else None)
            con.executemany(f'INSERT INTO "{rtree}_node" VALUES (?, ?)', _node_rows(owners, blobs))
            del blobs
            if li == 0 and rowid_select is not None:
                sql, params = rowid_select
                con.execute(f'INSERT INTO "{rtree}_rowid" (rowid, nodeno) {sql}', params)
                continue
            if li == 0:
                con.executemany(f'INSERT INTO "{rtree}_rowid" VALUES (?, ?)',
                                _rowid_rows(cids, owners))
            else:  # (a level above the leaves: a fiftieth of their size or less)
                parent_of_child = np.repeat(owners, MAX_CELLS)[: len(cids)]
                con.executemany(f'INSERT INTO "{rtree}_parent" VALUES (?, ?)',
                                zip(cids.tolist(), parent_of_child.tolist()))

    def boxes_by_position(self) -> np.ndarray:
        """The (float32, rounded outward) box of each position 0..n-1, as packed: the
        boxes the tree was built from, for a caller that let go of its own copy."""
        positions, boxes = self.levels[0]
        out = np.empty_like(boxes)
        out[positions] = boxes
        return out


def bulk_load(con: sqlite3.Connection, rtree: str, ids: np.ndarray, boxes: np.ndarray) -> None:
    """Replace the whole content of ``rtree`` with ``ids``/``boxes`` (float64 minx,maxx,miny,maxy).

    Runs in the caller's transaction; callers pass every row the tree must hold.
    """
    Packing(boxes).write(con, rtree, ids)


def bulk_add(con: sqlite3.Connection, rtree: str, ids: np.ndarray, boxes: np.ndarray) -> None:
    """Repack ``rtree`` with every entry it holds plus ``ids``/``boxes`` (float64 minx, maxx,
    miny, maxy, or float32 as ``float32_outward`` gives them), in the caller's transaction."""
    old_ids, old_boxes = read_entries(con, rtree)
    bulk_load(con, rtree, np.concatenate([old_ids, ids]), np.concatenate([old_boxes, boxes]))


def read_entries(con: sqlite3.Connection, rtree: str) -> tuple[np.ndarray, np.ndarray]:
    """Every (id, box) the tree holds — ids int64, boxes float64 (minx, maxx, miny, maxy) —
    decoded from its node blobs with numpy. Reading them through the virtual table builds a
    Python tuple per entry (10 million entries: ~2 GB and tens of seconds); the blobs are a
    few hundred thousand rows. Same values as ``SELECT id, minx, maxx, miny, maxy``."""
    rows = con.execute(f'SELECT nodeno, data FROM "{rtree}_node"').fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 4), dtype=np.float64)
    numbers = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    size = len(rows[0][1])
    if any(len(r[1]) != size for r in rows):
        raise sqlite3.DatabaseError(f"{rtree}: node blobs of different sizes")
    data = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8).reshape(len(rows), size)
    del rows
    at = np.empty(int(numbers.max()) + 1, dtype=np.int64)
    at[numbers] = np.arange(len(numbers))
    counts = (data[:, 2].astype(np.int64) << 8) | data[:, 3]
    per_node = (size - 4) // CELL.itemsize
    cells = np.ascontiguousarray(data[:, 4:4 + per_node * CELL.itemsize]).view(CELL).reshape(
        len(numbers), per_node)
    root = at[1]
    depth = (int(data[root, 0]) << 8) | int(data[root, 1])
    nodes = np.array([root])
    for _ in range(depth + 1):
        taken = np.arange(per_node)[None, :] < counts[nodes][:, None]
        got = cells[nodes][taken]
        if _ == depth:
            return got["id"].astype(np.int64), got["box"].astype(np.float64)
        nodes = at[got["id"].astype(np.int64)]
    raise AssertionError("unreachable")


def root_extent(root_blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) of everything in the tree, from its root node alone."""
    count = int.from_bytes(root_blob[2:4], "big")
    if count == 0:
        return None
    cells = np.frombuffer(root_blob, dtype=CELL, count=count, offset=4)
    box = cells["box"].astype(np.float64)
    return (float(box[:, 0].min()), float(box[:, 2].min()), float(box[:, 1].max()),
            float(box[:, 3].max()))


def leaf_nodes(con: sqlite3.Connection, rtree: str) -> tuple[np.ndarray, np.ndarray]:
    """The box of every leaf node of the tree and how many entries it holds: boxes float64
    (minx, maxx, miny, maxy), counts int64. Only the inner nodes' blobs are read (a
    fiftieth of the tree) and each leaf's two count bytes, so a density of the whole tree
    costs a small part of ``read_entries`` (10 million entries: ~200,000 leaves)."""
    root = con.execute(f'SELECT data FROM "{rtree}_node" WHERE nodeno = 1').fetchone()
    if root is None:
        return np.zeros((0, 4), dtype=np.float64), np.zeros(0, dtype=np.int64)
    blob = root[0]
    depth = (blob[0] << 8) | blob[1]
    count = int.from_bytes(blob[2:4], "big")
    cells = np.frombuffer(blob, dtype=CELL, count=count, offset=4)
    if depth == 0:  # the root is the only leaf
        if count == 0:
            return np.zeros((0, 4), dtype=np.float64), np.zeros(0, dtype=np.int64)
        box = cells["box"].astype(np.float64)
        whole = np.array([[box[:, 0].min(), box[:, 1].max(), box[:, 2].min(), box[:, 3].max()]])
        return whole, np.array([count], dtype=np.int64)
    for _ in range(depth - 1):  # down to the parents of the leaves
        children = cells["id"].astype(np.int64)
        got = _node_blobs(con, rtree, children)
        cells = np.concatenate([np.frombuffer(b, dtype=CELL, count=int.from_bytes(b[2:4], "big"),
                                              offset=4) for b in got])
    leaves = cells["id"].astype(np.int64)
    counts = np.zeros(len(leaves), dtype=np.int64)
    order = np.argsort(leaves)
    for a in range(0, len(leaves), 20_000):  # each leaf's entry count: bytes 3-4 of its blob
        part = leaves[a:a + 20_000]
        rows = con.execute(
            f'SELECT nodeno, substr(data, 3, 2) FROM "{rtree}_node" WHERE nodeno IN '
            f'(SELECT value FROM json_each(?))', (json.dumps(part.tolist()),)).fetchall()
        if rows:
            nodes = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            counts[order[np.searchsorted(leaves, nodes, sorter=order)]] = np.frombuffer(
                b"".join(r[1] for r in rows), dtype=">u2")
    return cells["box"].astype(np.float64), counts


def _node_blobs(con: sqlite3.Connection, rtree: str, nodes: np.ndarray) -> list[bytes]:
    """The blobs of ``nodes`` (in that order)."""
    found: dict[int, bytes] = {}
    for a in range(0, len(nodes), 20_000):
        part = nodes[a:a + 20_000].tolist()
        found.update(con.execute(
            f'SELECT nodeno, data FROM "{rtree}_node" WHERE nodeno IN '
            f'(SELECT value FROM json_each(?))', (json.dumps(part),)).fetchall())
    return [found[int(n)] for n in nodes]



SEARCH_PAIRS = 40_000  # (box, node) pairs tested at once (~100 MB of temporaries)


def search(con: sqlite3.Connection | None, rtree: str, boxes: np.ndarray,
           blobs=None) -> tuple[np.ndarray, np.ndarray]:
    """Every (query, id) whose entry box meets a query box, for many query boxes at once:
    ``boxes`` float64 (minx, maxx, miny, maxy); returns int64 query positions and ids,
    by level order (not sorted).

    The same pairs as ``SELECT id FROM <rtree> WHERE maxx >= minx_q AND minx <= maxx_q AND
    maxy >= miny_q AND miny <= maxy_q`` run once per box (SQLite compares the stored float32
    coordinates as doubles, as here), but the tree is walked level by level with numpy: each
    node the boxes reach is read once, as a blob, however many boxes reach it, instead of a
    Python row per pair. Run it inside a read transaction when writers may commit meanwhile.

    ``blobs`` (node numbers -> their blobs in that order, KeyError for a missing one) reads
    the nodes another way than over ``con`` (the batch read's helper process: its own
    driver, in its one read transaction).
    """
    if blobs is None:
        def blobs(numbers):
            return _node_blobs(con, rtree, numbers)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if not len(boxes):
        return none
    try:
        root = blobs(np.ones(1, dtype=np.int64))[0]
    except KeyError:  # (no root: an empty tree as SQLite has never written it)
        return none
    depth = (root[0] << 8) | root[1]
    q = np.arange(len(boxes), dtype=np.int64)
    at = np.ones(len(boxes), dtype=np.int64)  # every box starts at the root, node 1
    for _level in range(depth + 1):
        numbers, inverse = np.unique(at, return_inverse=True)
        ids, cells, counts = _read_nodes(blobs, rtree, numbers)
        slots = np.arange(ids.shape[1])[None, :]
        next_q, next_at = [], []
        for a in range(0, len(q), SEARCH_PAIRS):
            node = inverse[a:a + SEARCH_PAIRS]
            query = boxes[q[a:a + SEARCH_PAIRS]]
            box = cells[node]  # (pairs, cells per node, 4): minx, maxx, miny, maxy
            hit = ((slots < counts[node][:, None])
                   & (box[:, :, 1] >= query[:, 0:1]) & (box[:, :, 0] <= query[:, 1:2])
                   & (box[:, :, 3] >= query[:, 2:3]) & (box[:, :, 2] <= query[:, 3:4]))
            pair, cell = np.nonzero(hit)
            next_q.append(q[a:a + SEARCH_PAIRS][pair])
            next_at.append(ids[node[pair], cell])
        q, at = np.concatenate(next_q), np.concatenate(next_at)
        if not len(q):
            return none
    return q, at


def unique_ids(ids: np.ndarray) -> np.ndarray:
    """``np.unique`` of the ids a walk found (int64, ascending), without it: numpy 2.4's
    ``unique`` took 4-5 s for the two million pairs of 100,000 footprints. Through a mask
    over the ids' range when that is small beside the pairs (a register's fids run from 1
    up), else by sorting (a tenth of ``unique``'s time either way)."""
    if not len(ids):
        return np.unique(ids)
    lo, hi = int(ids.min()), int(ids.max())
    if lo >= 0 and hi - lo <= 8 * len(ids) + (1 << 24):
        seen = np.zeros(hi - lo + 1, dtype=bool)
        seen[ids - lo] = True
        return np.flatnonzero(seen).astype(np.int64) + lo
    s = np.sort(ids)
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def _read_nodes(blobs, rtree: str,
                numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nodes ``numbers`` decoded: cell ids (int64), cell boxes (float32 minx, maxx, miny,
    maxy), both padded to the node capacity, and each node's cell count."""
    try:
        got = blobs(numbers)
    except KeyError:
        raise sqlite3.DatabaseError(f"{rtree}: a node the tree points to is missing") from None
    size = len(got[0])
    if any(len(b) != size for b in got):
        raise sqlite3.DatabaseError(f"{rtree}: node blobs of different sizes")
    per_node = (size - 4) // CELL.itemsize
    node = np.dtype({"names": ["count", "cells"], "formats": [">u2", (CELL, per_node)],
                     "offsets": [2, 4], "itemsize": size})
    nodes = np.frombuffer(b"".join(got), dtype=node)  # views of the blobs, nothing copied
    del got
    counts = nodes["count"].astype(np.int64)
    if (counts > per_node).any():
        raise sqlite3.DatabaseError(f"{rtree}: a node holds more cells than fit in it")
    cells = nodes["cells"]
    return cells["id"].astype(np.int64), cells["box"].astype(np.float32), counts
