"""The shape every trimming step of build.spec shares: a TOC in, a TOC and its decisions out.

PyInstaller describes the bundle as TOC lists of ``(name in the bundle, source path,
typecode)`` tuples (``a.binaries``, ``a.datas``). Each step in ``trim_files``,
``trim_libs`` and ``trim_modules`` takes such a list and returns a ``Trim``: the list to
ship, what it left out and what it replaced by a rewritten copy, each with its reason.
The steps are plain functions of their inputs (no PyInstaller, no platform checks), so
tests run them on small synthetic lists, files and libraries; build.spec decides which
run on which platform and records every decision (``Log``).

A step that finds an assumption broken raises ``BuildStop``: a ``SystemExit`` whose
message says what changed and what to do, so the build stops rather than shipping a
bundle that fails at run time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

Entry = tuple[str, str, str]  # (name in the bundle, source path, typecode)


class BuildStop(SystemExit):
    """An assumption behind a trimming step no longer holds; the message says which and what to do."""

    def __init__(self, message: str):
        super().__init__(f"build.spec: {message}")


@dataclass
class Trim:
    """A step's result: the entries to ship, and why any were left out or replaced."""

    toc: list[Entry]
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (name, how the shipped copy differs)
    notes: list[str] = field(default_factory=list)  # one-line summaries for the build log

    @property
    def names(self) -> list[str]:
        return [e[0] for e in self.toc]


def keep_where(toc: list[Entry], reason_to_drop) -> Trim:
    """Keep the entries for which ``reason_to_drop(entry)`` is None; drop the rest with that reason."""
    kept, dropped = [], []
    for entry in toc:
        reason = reason_to_drop(entry)
        if reason is None:
            kept.append(entry)
        else:
            dropped.append((entry[0], reason))
    return Trim(kept, dropped)


@dataclass
class Log:
    """Every step's decisions in build order; printed as a summary and written out in full."""

    steps: list[tuple[str, Trim]] = field(default_factory=list)

    def __call__(self, step: str, trim: Trim) -> list[Entry]:
        self.steps.append((step, trim))
        for note in trim.notes:
            print(f"build.spec: {step}: {note}")
        if trim.dropped:
            names = [name for name, _why in trim.dropped]
            more = f" and {len(names) - 12} more (trim-decisions.json)" if len(names) > 12 else ""
            print(f"build.spec: {step}: {len(names)} left out: {', '.join(names[:12])}{more}")
        return trim.toc

    def write(self, path: Path, **inputs: list[Entry]) -> None:
        """The decisions (and the untrimmed TOCs given as ``inputs``) as JSON, to compare builds."""
        doc = {"inputs": {k: [list(e) for e in v] for k, v in inputs.items()},
               "steps": [{"step": step, "dropped": t.dropped, "replaced": t.replaced, "notes": t.notes}
                         for step, t in self.steps]}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
