"""Start-up of the command line, whole process: `asset-register --version` and `--help`
against a bare `python -c pass` and, as the peer, GDAL's `ogrinfo --version`; with
``--register``, also a whole `asset-register check` of one footprint against GDAL's
`ogrinfo -ro -spat` of the same box.

The commands run interleaved (one of each per round) so machine load falls on all alike;
prints the median and spread of wall time and the peak RSS of each, and the ratios the
issue 19 targets are stated in (`--version` ≤ 0.15 s and ≤ 8× a bare Python start; a check
of one footprint on the 1M register ≤ 0.4 s). Each round checks another random 10 × 4 m
footprint inside the register's extent (the peer lists the assets in the same box). The
register is copied first (a check writes its audit entry), unless ``--in-place``.

    python benchmarks/bench_cli_start.py [--rounds 10] [--register REGISTER.gpkg]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

CHECK = "asset-register check (1 footprint)"
PEER_CHECK = "ogrinfo -ro -spat (peer)"


def _base() -> list[str]:
    cli = shutil.which("asset-register")
    return [cli] if cli else [sys.executable, "-m", "asset_register.cli.main"]


def _footprints(register: str, n: int, seed: int = 19) -> list[tuple[float, float, float, float]]:
    """``n`` random 10 × 4 m boxes (x0, y0, x1, y1) inside the register's extent."""
    with sqlite3.connect(f"file:{register}?mode=ro", uri=True) as con:
        x0, y0, x1, y1 = con.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents "
                                     "WHERE table_name = 'assets'").fetchone()
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        x, y = rng.uniform(x0 + 50, x1 - 50), rng.uniform(y0 + 50, y1 - 50)
        out.append((round(x, 1), round(y, 1), round(x + 10, 1), round(y + 4, 1)))
    return out


def _check_commands(register: str, box, compare: str | None = None) -> dict[str, list[str]]:
    x0, y0, x1, y1 = box
    wkt = f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"
    cmds = {CHECK: [*_base(), "check", register, "--wkt", wkt]}
    if compare:  # the same check by another checkout's code (its own interpreter path first)
        cmds[f"check, code of {compare}"] = [
            "env", f"PYTHONPATH={compare}", sys.executable, "-c",
            "import sys; from asset_register.cli.main import main; sys.exit(main())",
            "check", register, "--wkt", wkt]
    if shutil.which("ogrinfo"):
        cmds[PEER_CHECK] = ["ogrinfo", "-ro", "-spat", *map(str, box), register, "assets"]
    return cmds


def _commands() -> dict[str, list[str]]:
    base = _base()
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "asset-register --version": [*base, "--version"],
        "asset-register --help": [*base, "--help"],
        "asset-register check --help": [*base, "check", "--help"],
    }
    if shutil.which("ogrinfo"):
        cmds["ogrinfo --version (peer)"] = ["ogrinfo", "--version"]
    return cmds


# As installed: Python's byte code cached (the warm-up round writes it where this
# environment says not to; a source tree would otherwise compile every module every run).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run_once(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one run of ``argv``."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: kilobytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--register", help="a register to check one footprint of per round "
                        "(e.g. the 1M register of make_scale.py)")
    parser.add_argument("--in-place", action="store_true",
                        help="check the register itself, not a copy (a check writes its audit entry)")
    parser.add_argument("--only-check", action="store_true", help="leave out the start-up commands")
    parser.add_argument("--compare", metavar="CHECKOUT",
                        help="also time the check with another checkout's code (e.g. before a change)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        register = args.register
        if register and not args.in_place:
            copy = os.path.join(tmp, os.path.basename(register))
            shutil.copyfile(register, copy)
            register = copy
        boxes = _footprints(register, args.rounds + 1) if register else []
        return _run(args, register, boxes)


def _run(args, register, boxes) -> int:
    fixed = {} if args.only_check else _commands()
    def round_cmds(i):
        return {**fixed, **(_check_commands(register, boxes[i], args.compare) if register else {})}
    for argv in round_cmds(0).values():  # warm the page cache; not counted
        _run_once(argv)
    names = list(round_cmds(0))
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    rss: dict[str, float] = dict.fromkeys(names, 0.0)
    loads = [os.getloadavg()[0]]
    for i in range(args.rounds):
        for name, argv in round_cmds(i + 1).items():
            wall, cpu, peak = _run_once(argv)
            walls[name].append(wall)
            cpus[name].append(cpu)
            rss[name] = max(rss[name], peak)
        loads.append(os.getloadavg()[0])
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC  {platform.node()}  "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores  "
          f"load (1 min) {min(loads):.2f}–{max(loads):.2f}  Python {platform.python_version()}  "
          f"{args.rounds} interleaved rounds" + (f"  register {args.register}" if register else ""))
    bare = statistics.median(walls["python -c pass"]) if "python -c pass" in walls else None
    print(f"{'command':<36} {'median s':>9} {'min s':>7} {'max s':>7} {'× python':>9} {'CPU s':>6} "
          f"{'peak RSS MB':>12}")
    for name, values in walls.items():
        med = statistics.median(values)
        ratio = f"{med / bare:9.1f}" if bare else f"{'-':>9}"
        print(f"{name:<36} {med:9.3f} {min(values):7.3f} {max(values):7.3f} {ratio} "
              f"{statistics.median(cpus[name]):6.3f} {rss[name]:12.1f}")
    if "asset-register --version" in walls:
        version = statistics.median(walls["asset-register --version"])
        print(f"target (issue 19): --version ≤ 0.15 s and ≤ 8× python: {version:.3f} s, "
              f"{version / bare:.1f}× → {'met' if version <= 0.15 and version <= 8 * bare else 'NOT met'}")
    if CHECK in walls:
        check = statistics.median(walls[CHECK])
        peer = f", peer {statistics.median(walls[PEER_CHECK]):.3f} s" if PEER_CHECK in walls else ""
        print(f"target (issue 19): check of one footprint ≤ 0.4 s: {check:.3f} s{peer} → "
              f"{'met' if check <= 0.4 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
