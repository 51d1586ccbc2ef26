"""A batch's candidate rows read by helper processes (``colread.py``), for ``RTreeReader``.

Read in the app's process through Python's sqlite3, each candidate row costs ~19 Python
objects made under the GIL (~4 s for the half million candidates of 100,000 footprints on
a 10 million asset register), and walking the R*Tree for 100,000 boxes takes 1-1.3 s of
one core. ``HelperRead`` starts one or two helper processes and hands each an area of the
batch (``split_by_area``: half of the query boxes, cut along a sorted coordinate so each
half is compact); each walks the tree for its boxes and reads the assets it met, so the
walk and the read run on both cores, and takes back the (query, fid) pairs and Arrow
columns built in C.

Nothing here may give an answer the in-process read would not: ``read`` returns None —
and the caller reads in-process — when a helper fails, exits non-zero, is killed or does
not answer in time; rows holding values of an unexpected type are read again in-process
by the caller (``odd``). Every wait is bounded, and ``close`` (always called, Ctrl-C
included) kills any helper still running and waits for it.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time

import numpy as np

from . import colread

log = logging.getLogger(__name__)

START_BOXES = 20_000  # boxes in a batch from which it is split over helpers: where they
# start to pay on the 1M register (docs/benchmarks.md, "London scale": at load 6.5-7 the
# helpers were 4-6 % behind the in-process path at 5,000-20,000 sites, 13 % ahead at 35,000)
WAIT_SECONDS = 30.0  # how long the helpers may take, plus WAIT_PER_BOX a query box
WAIT_PER_BOX = 1e-3  # (100,000 boxes of the 10M register: ~4 s; allowed 130 s)
MAX_PAIRS = 1 << 31  # pairs a helper may announce (more: the answer is refused)
CLOSE_SECONDS = 5.0  # how long a killed or finished helper is waited for


def available() -> bool:
    """Helpers can be started: a Python interpreter to start them with (a frozen app has
    none) and ADBC's SQLite driver in it."""
    if getattr(sys, "frozen", False) or not sys.executable:
        return False
    try:
        import importlib.util

        return (importlib.util.find_spec("adbc_driver_sqlite") is not None
                and importlib.util.find_spec("pyarrow") is not None)
    except (ImportError, ValueError):
        return False


def helpers_wanted() -> int:
    """How many helpers a batch gets: one a core, at most two."""
    return max(1, min(2, os.cpu_count() or 1))


def command(path: str, spec: list[list[str]]) -> list[str]:
    """The helper's command line: this interpreter, running ``colread.py`` as a file (-P:
    nothing of the app's folders on its path, and none of the package's start-up)."""
    return [sys.executable, "-P", colread.__file__, path, json.dumps(spec),
            str(colread.BATCH_ROWS)]


def _pairs(stream, n_boxes: int) -> tuple[np.ndarray, np.ndarray]:
    """The (query position, fid) pairs at the head of a helper's answer (``colread.PAIRS``),
    checked: ValueError for anything else, a cut-short list or a position out of range."""
    head = stream.read(len(colread.PAIRS) + 8)
    if len(head) != len(colread.PAIRS) + 8 or not head.startswith(colread.PAIRS):
        raise ValueError("the helper's answer does not start with its pairs")
    n = int.from_bytes(head[len(colread.PAIRS):], "little")
    if n > MAX_PAIRS:
        raise ValueError(f"the helper announced {n} pairs")
    body = stream.read(16 * n) if n else b""
    if len(body) != 16 * n:
        raise ValueError("the helper's pairs were cut short")
    pairs = np.frombuffer(body, dtype="<i8").reshape(2, n) if n else np.zeros((2, 0), np.int64)
    q, fids = pairs[0].astype(np.int64), pairs[1].astype(np.int64)
    if n and (q.min() < 0 or q.max() >= n_boxes):
        raise ValueError("the helper's pairs name a query box it was not given")
    return q, fids


def split_by_area(boxes: np.ndarray, n: int) -> list[np.ndarray]:
    """``n`` groups of query positions, each a compact area: the boxes sorted by their
    centres along the programme's longer side and cut into runs of equal size (so each
    helper walks and reads its own part of the tree and of the table)."""
    if n <= 1 or len(boxes) < 2:  # (an area may hold no box: its helper answers nothing)
        return np.array_split(np.arange(len(boxes), dtype=np.int64), max(n, 1))
    cx = boxes[:, 0] + boxes[:, 1]
    cy = boxes[:, 2] + boxes[:, 3]
    along = cx if np.ptp(cx) >= np.ptp(cy) else cy
    order = np.argsort(along, kind="stable").astype(np.int64)
    return np.array_split(order, n)


class HelperRead:
    """Helpers started for one batch's read of ``cols`` (with their kinds: "n" numeric,
    "t" text) from the register at ``path``."""

    def __init__(self, path: str, spec: list[list[str]], n: int):
        self.procs: list[subprocess.Popen] = []
        cmd = command(path, spec)
        try:
            for _ in range(n):
                self.procs.append(subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, close_fds=True))
        except BaseException:
            self.close()
            raise

    def read(self, areas: list[np.ndarray], convert) -> list | None:
        """Each helper's answer for its area: ``areas`` one array of query boxes (float64
        minx, maxx, miny, maxy) per helper. A helper walks the register's R*Tree for its
        boxes and reads the live assets it finds; its answer is (query position in its
        area, fid) of every pair the walk found, and the rows as Arrow record batches of
        ``convert.schema`` (any other stream is refused), each passed through ``convert``
        as it arrives (in this thread: converting overlaps the helpers' reading), in fid
        order. None when any helper failed (said in the log) or took too long."""
        if not self.procs or len(areas) != len(self.procs):
            return None
        answers: list = [None] * len(self.procs)
        errors: list = [None] * len(self.procs)
        codes: list = [None] * len(self.procs)
        # Each reading thread only takes the record batches off its helper's pipe (Arrow's
        # reader, mostly without the GIL) and queues them; this thread converts them. So a
        # helper never waits on a full pipe while the conversion (Python objects, the GIL)
        # catches up: it reads on, ends, and gives its core back.
        arrived: queue.SimpleQueue = queue.SimpleQueue()

        def run(k: int) -> None:
            proc = self.procs[k]
            try:
                import pyarrow as pa

                proc.stdin.write(np.ascontiguousarray(areas[k], dtype="<f8").tobytes())
                proc.stdin.close()
                q, fids = _pairs(proc.stdout, len(areas[k]))
                with pa.ipc.open_stream(proc.stdout) as stream:
                    if not stream.schema.equals(convert.schema):  # (even with no rows)
                        raise ValueError(f"the helper answered with other columns: "
                                         f"{stream.schema}")
                    for batch in stream:
                        arrived.put((k, batch))
                codes[k] = proc.wait()  # (bounded by the caller's wait: ``close`` kills)
                answers[k] = (q, fids, [])
            except BaseException as exc:  # (reported by ``read``)
                errors[k] = exc
            finally:
                arrived.put((k, None))

        threads = [threading.Thread(target=run, args=(k,), daemon=True,
                                    name=f"batch read helper {k}")
                   for k in range(len(self.procs))]
        for t in threads:
            t.start()
        allowed = WAIT_SECONDS + WAIT_PER_BOX * sum(len(a) for a in areas)
        deadline = time.monotonic() + allowed
        pieces: list = [[] for _ in self.procs]
        running = len(threads)
        while running:
            try:
                k, batch = arrived.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                log.warning("batch read helpers gave no answer in %.0f s: reading in-process",
                            allowed)
                self.close()
                return None
            if batch is None:
                running -= 1
            elif errors[k] is None:
                try:
                    pieces[k].append(convert(batch))
                except Exception as exc:  # (reported below, as a helper's failure)
                    errors[k] = exc
        for k, proc in enumerate(self.procs):
            if codes[k] != 0 or errors[k] is not None:
                log.warning("batch read helper failed (%s): reading in-process",
                            self._reason(proc, codes[k], errors[k]))
                self.close()
                return None
        return [(q, fids, pieces[k]) for k, (q, fids, _none) in enumerate(answers)]

    @staticmethod
    def _reason(proc: subprocess.Popen, code, error) -> str:
        said = ""
        if code is not None and proc.stderr is not None:
            try:
                said = proc.stderr.read(2000).decode("utf-8", "replace").strip()
            except (OSError, ValueError):
                pass
        return said or (repr(error) if error is not None else f"exit status {code}")

    def close(self) -> None:
        """Kill every helper still running and wait for it (bounded); close the pipes."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs:
            try:
                proc.wait(CLOSE_SECONDS)
            except subprocess.TimeoutExpired:  # (a kill is not refused: never seen)
                log.warning("batch read helper %d did not end when killed", proc.pid)
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                if pipe is not None:
                    try:
                        pipe.close()
                    except OSError:
                        pass
        self.procs = []
