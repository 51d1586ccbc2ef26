"""Start-up of the command line, whole process: `asset-register --version` and `--help`
against a bare `python -c pass` and, as the peer, GDAL's `ogrinfo --version`.

The commands run interleaved (one of each per round) so machine load falls on all alike;
prints the median and spread of wall time and the peak RSS of each, and the ratios the
issue 19 target is stated in (≤ 0.15 s, ≤ 8× a bare Python start).

    python benchmarks/bench_cli_start.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time


def _commands() -> dict[str, list[str]]:
    cli = shutil.which("asset-register")
    base = [cli] if cli else [sys.executable, "-m", "asset_register.cli.main"]
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "asset-register --version": [*base, "--version"],
        "asset-register --help": [*base, "--help"],
        "asset-register check --help": [*base, "check", "--help"],
    }
    if shutil.which("ogrinfo"):
        cmds["ogrinfo --version (peer)"] = ["ogrinfo", "--version"]
    return cmds


def _run_once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of ``argv``."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss / 1024  # Linux: kilobytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    cmds = _commands()
    for argv in cmds.values():  # warm the page cache; not counted
        _run_once(argv)
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    rss: dict[str, float] = dict.fromkeys(cmds, 0.0)
    for _ in range(args.rounds):
        for name, argv in cmds.items():
            wall, peak = _run_once(argv)
            walls[name].append(wall)
            rss[name] = max(rss[name], peak)
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC  {platform.node()}  "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores  "
          f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}  Python {platform.python_version()}  "
          f"{args.rounds} interleaved rounds")
    bare = statistics.median(walls["python -c pass"])
    print(f"{'command':<30} {'median s':>9} {'min s':>7} {'max s':>7} {'× python':>9} {'peak RSS MB':>12}")
    for name, values in walls.items():
        med = statistics.median(values)
        print(f"{name:<30} {med:9.3f} {min(values):7.3f} {max(values):7.3f} {med / bare:9.1f} "
              f"{rss[name]:12.1f}")
    version = statistics.median(walls["asset-register --version"])
    print(f"target (issue 19): --version ≤ 0.15 s and ≤ 8× python: {version:.3f} s, "
          f"{version / bare:.1f}× → {'met' if version <= 0.15 and version <= 8 * bare else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
