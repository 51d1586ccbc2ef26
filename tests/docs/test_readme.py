"""README.md and docs/*.md run as written: every command, in order, prints what they show.

How blocks are run and marked is in tests/docs/runner.py (and at the end of the README).
One scratch folder for the whole README, so commands build on each other as for a reader.
"""

from __future__ import annotations

import pytest

from .runner import REPO, make_scratch, parse, run_block, runnable, scratch_env

README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
RUN_DOCS = [d for d in DOCS if runnable(parse(d), marked_only=True)]


def test_readme_commands_run_in_order_and_print_what_it_shows(tmp_path):
    blocks = runnable(parse(README), marked_only=False)
    assert len(blocks) >= 10, "the README has lost its examples"
    work = make_scratch(tmp_path / "repo")
    env, counter = scratch_env(work), [0]
    for block in blocks:
        run_block(block, README, work, env, counter)
    # What the walk-through built is real: the sample town and the new register.
    assert (work / "town.gpkg").stat().st_size > 0
    assert (work / "wessex.gpkg").stat().st_size > 0
    assert counter[0] >= 1, "no desktop command was exercised"


@pytest.mark.parametrize("doc", RUN_DOCS, ids=lambda p: p.name)
def test_docs_blocks_marked_run_run_as_written(doc, tmp_path):
    blocks = runnable(parse(doc), marked_only=True)
    work = make_scratch(tmp_path / "repo")
    env, counter = scratch_env(work), [0]
    for block in blocks:
        run_block(block, doc, work, env, counter)


def test_every_quoted_help_text_is_checked():
    """A `--help` output quoted anywhere in the docs sits under a block that runs it."""
    for doc in [README, *DOCS]:
        blocks = parse(doc)
        for b in blocks:
            if b.lang in ("", "text") and b.text.startswith("usage: "):
                owner = [r for r in blocks if r.output is b]
                assert owner and owner[0].mark != "skip" and (
                    doc == README or owner[0].mark == "run"), (
                    f"{doc.name}:{b.line} quotes a help text no test compares with --help")
