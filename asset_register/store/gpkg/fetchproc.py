"""A batch's candidate rows read by helper processes (``colread.py``), for ``RTreeReader``.

Read in the app's process through Python's sqlite3, each candidate row costs ~19 Python
objects made under the GIL (~4 s for the half million candidates of 100,000 footprints on
a 10 million asset register). ``HelperRead`` starts one or two helper processes as the
batch begins (their start-up overlaps the walk of the R*Tree), hands each its share of
the fids, and takes back Arrow columns built in C.

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
import subprocess
import sys
import threading
import time

import numpy as np

from . import colread

log = logging.getLogger(__name__)

START_BOXES = 20_000  # boxes in a batch from which helpers are started with it
MIN_ROWS = 100_000  # candidate rows from which they are used (fewer: read in-process)
WAIT_SECONDS = 30.0  # how long the helpers may take, plus WAIT_PER_ROW a row
WAIT_PER_ROW = 50e-6
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

    def read(self, fids: np.ndarray, convert) -> list | None:
        """The live assets among ``fids`` (ascending), as Arrow record batches of
        ``convert.schema`` (any other stream is refused), each passed through ``convert``
        as it arrives (in the reading thread: converting
        overlaps the helpers' reading), in fid order; None when any helper failed (said
        in the log) or took too long."""
        if not self.procs:
            return None
        shares = np.array_split(np.ascontiguousarray(fids, dtype=np.int64), len(self.procs))
        pieces: list = [[] for _ in self.procs]
        errors: list = [None] * len(self.procs)
        codes: list = [None] * len(self.procs)

        def run(k: int) -> None:
            proc = self.procs[k]
            try:
                import pyarrow as pa

                proc.stdin.write(shares[k].tobytes())
                proc.stdin.close()
                with pa.ipc.open_stream(proc.stdout) as stream:
                    if not stream.schema.equals(convert.schema):  # (even with no rows)
                        raise ValueError(f"the helper answered with other columns: "
                                         f"{stream.schema}")
                    for batch in stream:
                        pieces[k].append(convert(batch))
                codes[k] = proc.wait()  # (bounded by the caller's join: ``close`` kills)
            except BaseException as exc:  # (reported by ``read``)
                errors[k] = exc

        threads = [threading.Thread(target=run, args=(k,), daemon=True,
                                    name=f"batch read helper {k}")
                   for k in range(len(self.procs))]
        for t in threads:
            t.start()
        deadline = time.monotonic() + WAIT_SECONDS + WAIT_PER_ROW * len(fids)
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
            if t.is_alive():
                log.warning("batch read helpers gave no answer in %.0f s: reading in-process",
                            WAIT_SECONDS + WAIT_PER_ROW * len(fids))
                self.close()
                return None
        for k, proc in enumerate(self.procs):
            if codes[k] != 0 or errors[k] is not None:
                log.warning("batch read helper failed (%s): reading in-process",
                            self._reason(proc, codes[k], errors[k]))
                self.close()
                return None
        return [p for share in pieces for p in share]

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
