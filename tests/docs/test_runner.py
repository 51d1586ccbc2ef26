"""The docs runner itself: it must be able to fail (a wrong output, a marker, a GUI line)."""

from __future__ import annotations

from pathlib import Path

from .runner import commands, matches, parse, runnable, with_screenshots

DOC = '''# t

<!-- docs: skip (needs root) -->
```bash
sudo rm -rf /
```

```bash
echo one \\
  two
```

```
one two
```

<!-- docs: ellipsis -->
```text
not an output: a prose block comes first
```

```python
print("x")
```
'''


def test_parse_pairs_outputs_and_markers(tmp_path: Path):
    doc = tmp_path / "d.md"
    doc.write_text(DOC, encoding="utf-8")
    blocks = parse(doc)
    skip, echo, out, text, py = blocks
    assert skip.mark == "skip" and echo.mark is None
    assert echo.output is out and out.text == "one two\n"
    assert py.output is None and text.mark == "ellipsis"
    assert runnable(blocks, marked_only=False) == [echo, py]
    assert runnable(blocks, marked_only=True) == []
    assert commands(echo.text) == ["echo one    two"]


def test_outputs_compare_exactly_unless_marked_with_ellipsis():
    assert matches("a\nb  \n", "a\nb\n", ellipsis=False)
    assert not matches("a\nb\n", "a\nc\n", ellipsis=False)
    assert not matches("a\n...\nc\n", "a\nb\nc\n", ellipsis=False)
    assert matches("a\n...\nc\n", "a\nb\nb2\nc\n", ellipsis=True)
    assert matches("a\n...\nc\n", "a\nc\n", ellipsis=True)
    assert matches("valid until ...\n", "valid until Tue 05 Jan 2027\n", ellipsis=True)
    assert not matches("valid until ...\nend\n", "valid until x\nother\n", ellipsis=True)


def test_gui_commands_get_a_screenshot_before_their_comment():
    text, shots = with_screenshots("asset-register-gui town.gpkg   # open it\nls\n", [0])
    assert text == "asset-register-gui town.gpkg --screenshot gui-1.png   # open it\nls\n"
    assert shots == ["gui-1.png"]


def test_update_rewrites_exact_outputs_and_keeps_ellipsis_ones(tmp_path: Path):
    from .runner import update

    doc = tmp_path / "d.md"
    doc.write_text("<!-- docs: run -->\n```bash\necho hello\necho world\n```\n\n```\nbye\n```\n\n"
                   "<!-- docs: run -->\n```bash\necho 2026\n```\n\n<!-- docs: ellipsis -->\n"
                   "```\n...\n```\n", encoding="utf-8")
    assert update(doc, tmp_path / "work") == 1
    assert doc.read_text(encoding="utf-8") == (
        "<!-- docs: run -->\n```bash\necho hello\necho world\n```\n\n```\nhello\nworld\n```\n\n"
        "<!-- docs: run -->\n```bash\necho 2026\n```\n\n<!-- docs: ellipsis -->\n```\n...\n```\n")
