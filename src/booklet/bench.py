"""`make bench`: whole-process wall times measured in one run, reported as ratios.

Each pair of commands runs alternately (A B A B ...) after a warm-up, so a ratio holds even
when the machine's speed drifts; the median of the per-pair ratios is reported. Timing is
reported, never asserted.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5


def wall(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(name: str, a: list[str], b: list[str], cwd: Path, goal: float) -> None:
    wall(a, cwd), wall(b, cwd)  # warm-up: caches, page cache, .pyc
    times_a, times_b = [], []
    for _ in range(RUNS):
        times_a.append(wall(a, cwd))
        times_b.append(wall(b, cwd))
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    print(f"{name}")
    print(f"  A: {' '.join(a[-4:])}\n  B: {' '.join(b[-4:])}")
    print(f"  A median {statistics.median(times_a):.2f} s  B median {statistics.median(times_b):.2f} s  "
          f"ratio A/B median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}; "
          f"goal <= {goal})")


def main() -> None:
    root = Path.cwd()
    bin_dir = Path(sys.executable).parent
    booklet, weasyprint = str(bin_dir / "booklet"), str(bin_dir / "weasyprint")
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "booklet.html"
        subprocess.run([booklet, "build", "--html", str(html), "--output", str(Path(tmp) / "a.pdf")],
                       cwd=root, check=True, stdout=subprocess.DEVNULL)
        print(f"{RUNS} alternating runs after one warm-up; wall-clock seconds of whole processes\n")
        compare("booklet build vs plain weasyprint on the HTML it rendered",
                [booklet, "build", "--output", str(Path(tmp) / "a.pdf")],
                [weasyprint, "--pdf-variant", "pdf/x-4", str(html), str(Path(tmp) / "b.pdf")],
                root, goal=1.3)


if __name__ == "__main__":
    main()
