"""A large batch brings the register's file into the page cache alongside its read
(``store.gpkg.warm``): that changes which pages the system holds, never an answer.

The batch's candidates with the warm-up reading every chunk of the file are the in-process
read's and the single checks', to the byte; the warm-up reads the chunks it is given and no
others, and stops when told; where the page cache can be asked (Linux), it reads only the
chunks not in it, and nothing when the file is cached whole.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest

from asset_register.check import Checker
from asset_register.check.clearance import CHECK_COLUMNS
from asset_register.store.gpkg import fetchproc, warm

from .test_batch_helpers import _boxes, _in_process, _same_candidates
from .test_fast_path import _answers, _sites, register  # noqa: F401 (fixture)


@pytest.fixture
def warmers(monkeypatch):
    """Every Warmer made reads every chunk of its file; records them."""
    made = []
    original = warm.Warmer

    def every_chunk(path, chunks=None, threads=warm.THREADS):
        size = os.path.getsize(path)
        w = original(path, np.arange(0, size, warm.CHUNK, dtype=np.int64), threads)
        w.wait(60)  # (every chunk read before the batch's own reads go on)
        made.append(w)
        return w

    monkeypatch.setattr(warm, "Warmer", every_chunk)
    monkeypatch.setattr(warm, "CHUNK", 4096)  # (a small register: many chunks, both threads)
    return made


def _json(batch) -> str:
    return json.dumps([{k: v for k, v in r.items() if k != "seconds"}
                       for r in batch.to_dict()["results"]])


def test_a_warmed_batch_gives_the_same_answers(register, fixed_clock, helpers, warmers,  # noqa: F811
                                               monkeypatch):
    monkeypatch.setattr(fetchproc, "helpers_wanted", lambda: 2)
    checker = Checker(register)
    boxes = _boxes(300, 7)
    plain = _in_process(checker._reader, boxes)
    assert not warmers  # (the in-process read of a small batch warms nothing)
    _same_candidates(checker._reader.candidates_many(boxes, CHECK_COLUMNS), plain)
    assert helpers["paths"][-1] == "helpers" and len(warmers) == 1
    w = warmers[0]
    assert w.read == os.path.getsize(checker._reader.path)  # every chunk, once
    assert not any(t.is_alive() for t in [w._first, *w._threads])
    sites = _sites(50, seed=12)
    batch = checker.check_many(sites, index="disk")
    single = Checker(register)
    for i, site in enumerate(sites):
        assert _answers(batch[i]) == _answers(single.check(site)), site.reference
    in_process = Checker(register)
    monkeypatch.setattr(fetchproc, "START_BOXES", 10 ** 12)
    assert _json(in_process.check_many(sites, index="disk")) == _json(batch)
    for c in (checker, single, in_process):
        c.close()


def test_a_large_batch_read_in_process_is_warmed_too(register, fixed_clock, warmers,  # noqa: F811
                                                    monkeypatch):
    """Where no helper can be started (a bundled app), a large batch is read in-process
    and still warmed: the same candidates as without."""
    from asset_register.store.gpkg import reader as reader_module

    checker = Checker(register)
    boxes = _boxes(200, 8)
    plain = _in_process(checker._reader, boxes)
    monkeypatch.setattr(reader_module, "_helpers_available", lambda: False)
    monkeypatch.setattr(fetchproc, "START_BOXES", 1)
    _same_candidates(checker._reader.candidates_many(boxes, CHECK_COLUMNS), plain)
    assert len(warmers) == 1 and warmers[0].read == os.path.getsize(checker._reader.path)
    checker.close()


def test_the_warm_up_reads_its_chunks_once_and_stops_when_told(tmp_path, monkeypatch):
    monkeypatch.setattr(warm, "CHUNK", 4096)
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom(4096 * 9 + 100))
    chunks = np.array([0, 4096 * 3, 4096 * 4, 4096 * 9], dtype=np.int64)
    w = warm.Warmer(str(path), chunks)
    w.wait()
    assert w.read == 3 * 4096 + 100  # (the last chunk is the file's tail)
    assert w._next[0] == w._next[1]  # each taken once, from one end or the other
    stopped = warm.Warmer(str(path), np.arange(0, 4096 * 9, 4096, dtype=np.int64), threads=2)
    stopped.stop()
    assert stopped.read <= 4096 * 9 and stopped._stop.is_set()
    assert not any(t.is_alive() for t in [stopped._first, *stopped._threads])
    none = warm.Warmer(str(path), np.zeros(0, dtype=np.int64))
    none.wait()
    assert none.read == 0 and none._threads == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mincore is Linux's")
def test_only_pages_out_of_the_cache_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(warm, "CHUNK", 1 << 16)
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom((1 << 16) * 8))
    with open(path, "rb") as f:
        f.read()  # (every page cached)
    assert len(warm.uncached_chunks(str(path))) == 0
    assert len(warm.chunks_to_read(str(path))) == 0  # cached whole: nothing to read
    _drop(path)
    out = warm.uncached_chunks(str(path))
    if len(out) == 0:
        pytest.skip("this file system keeps the file's pages whatever it is told (tmpfs)")
    assert set(out.tolist()) <= {k << 16 for k in range(8)}
    w = warm.Warmer(str(path), out)
    w.wait()
    assert w.read == len(out) << 16
    assert len(warm.uncached_chunks(str(path))) == 0
    _drop(path)
    with open(path, "rb") as f:  # every page of the first chunk but its first
        f.seek(4096)
        f.read((1 << 16) - 4096)
    assert 0 not in warm.uncached_chunks(str(path)).tolist()  # (1/16 out: left alone)
    assert 0 in warm.uncached_chunks(str(path), share=0).tolist()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mincore is Linux's")
def test_where_pages_cannot_be_mapped_in_they_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(warm, "CHUNK", 1 << 16)
    monkeypatch.setattr(warm, "MADV_POPULATE_READ", -1)  # (refused, as by an older system)
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom((1 << 16) * 4 + 5))
    _drop(path)
    w = warm.Warmer(str(path), np.arange(0, (1 << 16) * 5, 1 << 16, dtype=np.int64))
    w.wait()
    assert w.read == (1 << 16) * 4 + 5
    if warm.uncached_chunks(str(path), share=0) is not None:
        assert len(warm.uncached_chunks(str(path), share=0)) == 0


def _drop(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
