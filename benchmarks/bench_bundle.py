"""Packaged app figures: unpacked size, archive size and start-to-first-frame time.

    python benchmarks/bench_bundle.py [--bundle dist/asset-register] [--runs 5]

Size: every regular file in the bundle folder (symbolic links count zero), in MB
(10^6 bytes), with the largest parts. First frame: wall time of
``asset-register-gui [REGISTER] --screenshot FILE`` (offscreen Qt), which starts the
app, shows the main window, waits until the map has drawn every layer, grabs the
window and exits — an upper bound of start-to-first-frame. Measured for an empty
window and for the sample town register (2,278 assets), in a clean environment (no
virtualenv on PATH, HOME in a temporary folder). The first run after the build is
reported apart (cold file cache). Peer: the same commands run from the development
install (``.venv/bin/asset-register-gui``), same machine, same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tree_bytes(folder: Path) -> tuple[int, dict[str, int]]:
    """Total bytes of regular files, and bytes per top-level part of ``_internal``."""
    total, parts = 0, {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath, name)
            if path.is_symlink():
                continue
            size = path.stat().st_size
            total += size
            rel = path.relative_to(folder).parts
            key = rel[1] if rel[0] == "_internal" and len(rel) > 2 else (
                rel[0] if rel[0] != "_internal" else "(libraries at top)")
            parts[key] = parts.get(key, 0) + size
    return total, parts


def clean_env(home: Path) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(home), "TMPDIR": str(home)}


def timed(cmd: list[str], home: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=home, env=clean_env(home), capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def first_frame(gui: str, home: Path, register: Path | None, runs: int) -> tuple[float, float, float]:
    """(first run, median, max) of the screenshot wall time over ``runs`` further runs."""
    args = [gui, *([str(register)] if register else []), "--screenshot", str(home / "frame.png")]
    cold = timed(args, home)
    warm = [timed(args, home) for _ in range(runs)]
    return cold, statistics.median(warm), max(warm)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "asset-register")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bundle = args.bundle.resolve()
    cli, gui = bundle / "asset-register", bundle / "asset-register-gui"
    if not cli.exists():
        raise SystemExit(f"{bundle}: no bundle; build it with packaging/build.sh")

    total, parts = tree_bytes(bundle)
    print(f"bundle {bundle}")
    print(f"unpacked size: {total / 1e6:.0f} MB ({total} bytes; target <= 350 MB)")
    for name, size in sorted(parts.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {size / 1e6:7.1f} MB  {name}")
    archives = sorted(bundle.parent.glob("asset-register-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if archives:
        print(f"archive: {archives[-1].name} {archives[-1].stat().st_size / 1e6:.0f} MB")

    peer_gui = ROOT / ".venv" / "bin" / "asset-register-gui"
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        home = Path(tmp)
        town = home / "town.gpkg"
        subprocess.run([str(cli), "sample", str(town), "--quiet"], cwd=home, env=clean_env(home), check=True,
                       capture_output=True)
        print(f"\nstart-to-first-frame (--screenshot wall time, offscreen; first run, then median/max of {args.runs})")
        for label, exe in (("bundle", str(gui)), ("peer: development install", str(peer_gui))):
            if not Path(exe).exists():
                print(f"  {label}: {exe} not found, skipped")
                continue
            for what, reg in (("empty window", None), ("sample town", town)):
                cold, med, worst = first_frame(exe, home, reg, args.runs)
                print(f"  {label:27s} {what:13s} first {cold:5.2f} s   median {med:5.2f} s   max {worst:5.2f} s"
                      f"   (target <= 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
