"""What a large import keeps of its earlier parts, on disk rather than in memory.

A layer of more than a million features is imported part by part (``prepare.LayerParts``).
Two things of every earlier part are needed later: its asset ids with their source rows
(to find an id a later part repeats — read back only when a hash matches) and its assets'
geometries (for the owner's coverage, computed once every part is read). Held in memory that
is ~80 bytes an asset, 0.8 GB at 10 million; here each part's columns are appended to an
unnamed temporary file as Arrow and read back a part at a time, byte for byte as written.

The file has no name in the folder (it is unlinked as it is made, where the system allows),
so a failure, a kill or Ctrl-C leaves nothing behind; ``close`` gives its space back at once.
Its pages sit in the system's file cache, not in the process's memory.
"""

from __future__ import annotations

import tempfile
import threading

import pyarrow as pa

from asset_register.errors import ImportError_


class Spill:
    """Parts of Arrow columns appended to a temporary file; ``read(k)`` gives part ``k``
    back (a ``pa.RecordBatch`` with the columns as appended). ``folder``: where the file is
    made (None: the system's temporary folder)."""

    def __init__(self, folder=None):
        self._folder = folder
        self._file = None
        self._where: list[tuple[int, int]] = []  # (offset, length) of each part
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._where)

    def append(self, **columns) -> int:
        """Write one part (named Arrow or numpy columns of one length); its index."""
        batch = pa.record_batch({name: pa.array(c) if not isinstance(c, pa.Array) else c
                                 for name, c in columns.items()})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_batch(batch)
        data = sink.getvalue()
        with self._lock:
            try:
                if self._file is None:
                    self._file = tempfile.TemporaryFile(prefix=".asset-register-import-",
                                                        dir=self._folder)
                offset = self._file.seek(0, 2)
                self._file.write(data)
                self._file.flush()
            except OSError as e:  # a full disk, a folder not writable: nothing was imported
                folder = self._folder or tempfile.gettempdir()
                raise ImportError_(
                    f"could not write the import's temporary file in {folder} "
                    f"({e.strerror or e}): free disk space there (a large layer needs about "
                    "80 bytes a feature) and import again; the register is unchanged") from e
            self._where.append((offset, data.size))
            return len(self._where) - 1

    def read(self, k: int) -> pa.RecordBatch:
        """Part ``k`` as appended."""
        offset, length = self._where[k]
        with self._lock:
            self._file.seek(offset)
            data = self._file.read(length)
        if len(data) != length:
            raise OSError(f"the import's temporary file lost part {k} (read {len(data)} of "
                          f"{length} bytes)")
        return pa.ipc.open_stream(data).read_next_batch()

    def close(self) -> None:
        """Drop the file (and every part in it)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._where = []
