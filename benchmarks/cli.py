"""CLI start-up benchmark (run by hand, not in CI): time ``python -m louiestat --help`` and a usage error
(``python -m louiestat frobnicate``) and, in the same run, a bare ``python -c pass``; print the best of N wall
times of each and their ratio to the bare interpreter.

    python benchmarks/cli.py [--runs 20]

Each is a fresh process, as a person at the terminal starts it. Goal: both answer in under 0.3 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "python -m louiestat --help": ["-m", "louiestat", "--help"],
    "python -m louiestat frobnicate": ["-m", "louiestat", "frobnicate"],
}
GOAL_SECONDS = 0.3


def best_time(argv: list[str], runs: int) -> float:
    """The fastest of ``runs`` wall times of ``python ARGV`` in the repository (its output discarded)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command; the best counts")
    args = parser.parse_args()
    times = {name: best_time(argv, args.runs) for name, argv in COMMANDS.items()}
    bare = times["python -c pass"]
    print(f"best of {args.runs} runs each")
    for name, seconds in times.items():
        ratio = "" if seconds is bare else f"  {seconds / bare:5.1f}x bare"
        print(f"{name:32s} {seconds * 1000:7.1f} ms{ratio}")
    slowest = max(times["python -m louiestat --help"], times["python -m louiestat frobnicate"])
    print(f"goal: under {GOAL_SECONDS * 1000:.0f} ms: {'met' if slowest < GOAL_SECONDS else 'MISSED'}")


if __name__ == "__main__":
    main()
