"""Concurrent sessions on one PostGIS register: no lost, partial or half-visible batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import shapely

from asset_register.errors import ConnectionError_
from asset_register.model import BatchInfo
from asset_register.store import open_register
from tests.conftest import synthetic_assets

pytestmark = pytest.mark.postgis
ROOT = Path(__file__).resolve().parents[2]


def _batch(owner):
    return BatchInfo(source_file=f"{owner}.gpkg", layer="assets", owner=owner)


def _snapshot(store):
    frame = store.read_assets(columns=["asset_id", "version"])
    return store.asset_count(), sorted(zip(frame["asset_id"], frame["version"])), \
        len(store.batches()), len(store.rejects())


def _run(target, *args):
    out = {}

    def body():
        try:
            out["result"] = target(*args)
        except BaseException as exc:  # reported by the test
            out["error"] = exc
    t = threading.Thread(target=body)
    t.start()
    return t, out


def test_two_editors_import_different_owners_at_the_same_time(pg_store):
    both_copying = threading.Barrier(2, timeout=60)
    a, b = synthetic_assets(3000, owner="WSX", seed=1), synthetic_assets(3000, owner="UKPN", seed=2)

    def editor(frame, owner):
        seen = []

        def progress(fraction, message):
            if message.startswith("sent") and not seen:
                seen.append(fraction)
                both_copying.wait()  # both transactions are open and mid-COPY here
        with open_register(pg_store.url_text) as store:
            return store.write_batch(frame, _batch(owner), delivery=f"{owner}:assets",
                                     progress=progress)

    ta, ra = _run(editor, a, "WSX")
    tb, rb = _run(editor, b, "UKPN")
    ta.join(120)
    tb.join(120)
    assert "error" not in ra and "error" not in rb, (ra, rb)
    assert ra["result"].added == 3000 and rb["result"].added == 3000
    assert pg_store.asset_count() == 6000
    assert pg_store.stats()["by_owner"] == {"UKPN": 3000, "WSX": 3000}
    assert list(pg_store.batches()["state"]) == ["committed", "committed"]


def test_same_owner_imports_queue_and_keep_one_live_version(pg_store):
    first = synthetic_assets(2000, seed=3)
    second = first.copy()
    second["diameter_mm"] = second["diameter_mm"] + 1

    def editor(frame):
        with open_register(pg_store.url_text) as store:
            return store.write_batch(frame, _batch("WSX"), delivery="WSX:mains")

    threads = [_run(editor, f) for f in (first, second)]
    for t, _ in threads:
        t.join(120)
    results = [out["result"] for _, out in threads]
    assert all("error" not in out for _, out in threads)
    assert sorted(r.added for r in results) == [0, 2000]
    assert sorted(r.changed for r in results) == [0, 2000]
    live = pg_store.read_assets(columns=["asset_id", "version"])
    assert len(live) == 2000 and live["asset_id"].is_unique and set(live["version"]) == {2}
    hist = pg_store.get_asset(first["asset_id"].iloc[0], history=True)
    assert [h["version"] for h in hist] == [1, 2]


def test_planner_never_sees_a_half_written_batch(pg_store):
    base = synthetic_assets(1500, seed=4)
    pg_store.write_batch(base, _batch("WSX"), delivery="WSX:mains")
    redelivery = base.iloc[:1000].copy()  # 500 withdrawn, 1000 changed, 200 new
    redelivery["status"] = "disused"
    redelivery = pd.concat([redelivery, synthetic_assets(200, seed=5)])
    before = _snapshot(pg_store)
    footprint = shapely.box(530000, 180000, 531000, 181000)
    before_hits = set(pg_store.query_dwithin(footprint, 10, columns=["asset_id", "status"])
                      .itertuples(index=False, name=None))
    ready, release = threading.Event(), threading.Event()

    def progress(fraction, message):
        if message == "updating register bounds":  # versioned, not yet committed
            ready.set()
            release.wait(60)

    def editor():
        with open_register(pg_store.url_text) as store:
            return store.write_batch(redelivery, _batch("WSX"), delivery="WSX:mains",
                                     progress=progress)
    t, out = _run(editor)
    try:
        assert ready.wait(60)
        with open_register(pg_store.url_text, read_only=True) as planner:
            assert _snapshot(planner) == before
            hits = set(planner.query_dwithin(footprint, 10, columns=["asset_id", "status"])
                       .itertuples(index=False, name=None))
            assert hits == before_hits
            assert "writing" not in set(planner.batches()["state"])
    finally:
        release.set()
        t.join(120)
    assert "error" not in out, out
    r = out["result"]
    assert (r.added, r.changed, r.retired) == (200, 1000, 500)
    with open_register(pg_store.url_text, read_only=True) as planner:
        assert planner.asset_count() == 1200
        assert set(planner.read_assets(columns=["status"])["status"]) == {"disused", "in_service",
                                                                           "abandoned"}


def test_reader_polling_during_an_import_sees_before_or_after_only(pg_store):
    pg_store.write_batch(synthetic_assets(500, seed=6), _batch("WSX"))
    incoming = synthetic_assets(5000, owner="UKPN", seed=7)
    seen, stop = [], threading.Event()

    def reader():
        with open_register(pg_store.url_text, read_only=True) as planner:
            while not stop.is_set():
                seen.append(planner.asset_count())
    t, _ = _run(reader)
    pg_store.write_batch(incoming, _batch("UKPN"))
    time.sleep(0.05)
    stop.set()
    t.join(60)
    assert seen and set(seen) <= {500, 5500}


@pytest.fixture
def small_copy_chunks(monkeypatch):
    """COPY in chunks of 2,000 rows so a modest batch spans many chunks."""
    from asset_register.store.postgis import frames as postgis_frames

    monkeypatch.setattr(postgis_frames, "COPY_CHUNK_ROWS", 2000)


def test_server_ending_the_session_mid_import_leaves_no_partial_batch(pg_server, pg_store,
                                                                       small_copy_chunks):
    pg_store.write_batch(synthetic_assets(300, seed=8), _batch("WSX"))
    before = _snapshot(pg_store)
    victim = open_register(pg_store.url_text)
    pid = victim._conn.info.backend_pid
    fired = []

    def progress(fraction, message):
        if message.startswith("sent") and not fired:
            fired.append(message)
            with psycopg.connect(pg_server.url(), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    big = synthetic_assets(20000, owner="UKPN", seed=9)
    with pytest.raises(ConnectionError_, match="nothing was changed|not saved"):
        victim.write_batch(big, _batch("UKPN"), progress=progress)
    victim.close()
    assert fired
    assert _snapshot(pg_store) == before


CHILD = """
import sys, time
from asset_register.model import BatchInfo
from asset_register.store import open_register
from asset_register.store.postgis import frames as postgis_frames
from tests.conftest import synthetic_assets
postgis_frames.COPY_CHUNK_ROWS = 2000
url, marker = sys.argv[1], sys.argv[2]
store = open_register(url)
frame = synthetic_assets(20000, owner="UKPN", seed=10)
def progress(fraction, message):
    if message.startswith("sent"):
        with open(marker, "w") as fh:
            fh.write(str(store._conn.info.backend_pid))
        time.sleep(120)
store.write_batch(frame, BatchInfo("big.gpkg", owner="UKPN"), progress=progress)
"""


def test_killed_client_mid_copy_leaves_no_partial_batch(pg_store, tmp_path):
    pg_store.write_batch(synthetic_assets(300, seed=11), _batch("WSX"))
    before = _snapshot(pg_store)
    marker = tmp_path / "copying"
    child = subprocess.Popen([sys.executable, "-c", CHILD, pg_store.url_text, str(marker)],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            assert child.poll() is None, "the importing process ended before it was killed"
            time.sleep(0.1)
        pid = int(marker.read_text())
        # The batch is open on the server: its row is visible to its own session only.
        assert _snapshot(pg_store) == before
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    deadline = time.monotonic() + 60
    while pg_store._one("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = %s", (pid,)) \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _snapshot(pg_store) == before
    assert pg_store.write_batch(synthetic_assets(10, seed=12), _batch("WSX")).added == 10


def test_notice_numbers_are_unique_across_sessions(pg_store):
    def issue(n):
        with open_register(pg_store.url_text) as store:
            return [store.next_notice_sequence("WSX", 2026) for _ in range(n)]
    threads = [_run(issue, 25) for _ in range(4)]
    numbers = []
    for t, out in threads:
        t.join(120)
        assert "error" not in out, out
        numbers += out["result"]
    assert sorted(numbers) == list(range(1, 101))
