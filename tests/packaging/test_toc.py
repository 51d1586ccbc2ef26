"""packaging/toc.py: a step's result, the build's record of every decision, and how a step stops the build."""

from __future__ import annotations

import json

import pytest

import tests.packaging.tinylibs  # noqa: F401  (puts packaging/ on sys.path)
import toc


def test_keep_where_keeps_order_and_gives_each_drop_its_reason():
    entries = [("a.so", "/s/a", "BINARY"), ("b.qm", "/s/b", "DATA"), ("c.so", "/s/c", "BINARY")]
    trim = toc.keep_where(entries, lambda e: "a translation" if e[0].endswith(".qm") else None)
    assert trim.toc == [entries[0], entries[2]] and trim.names == ["a.so", "c.so"]
    assert trim.dropped == [("b.qm", "a translation")]


def test_the_log_records_every_step_and_the_untrimmed_input(tmp_path, capsys):
    log = toc.Log()
    raw = [(f"lib{i}.so", f"/s/{i}", "BINARY") for i in range(14)]
    kept = log("first", toc.keep_where(raw, lambda e: "unused" if e[0] != "lib0.so" else None))
    kept = log("second", toc.Trim([("lib0.so", "/w/lib0", "BINARY")], replaced=[("lib0.so", "stripped")],
                                  notes=["saved 1 MB"]))
    assert kept == [("lib0.so", "/w/lib0", "BINARY")]
    printed = capsys.readouterr().out
    assert "first: 13 left out: lib1.so, " in printed and "and 1 more (trim-decisions.json)" in printed
    assert "second: saved 1 MB" in printed
    log.write(tmp_path / "out" / "trim-decisions.json", binaries=raw)
    doc = json.loads((tmp_path / "out" / "trim-decisions.json").read_text(encoding="utf-8"))
    assert doc["inputs"]["binaries"] == [list(e) for e in raw]
    assert [s["step"] for s in doc["steps"]] == ["first", "second"]
    assert len(doc["steps"][0]["dropped"]) == 13 and doc["steps"][1]["replaced"] == [["lib0.so", "stripped"]]


def test_a_build_stop_ends_pyinstaller_with_the_reason():
    with pytest.raises(SystemExit) as stop:
        raise toc.BuildStop("libfoo uses ICU's ubrk_open_73")
    assert str(stop.value) == "build.spec: libfoo uses ICU's ubrk_open_73"
