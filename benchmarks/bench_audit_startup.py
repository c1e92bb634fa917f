"""Wall time of ``farmdetect audit`` on one page, against the interpreter's own start-up.

    python benchmarks/bench_audit_startup.py [--runs 5] [--page data/sample_page.html]

Runs, interleaved so that a noisy machine hits all alike, ``--runs`` times each:
  baseline   python -c "import numpy"          (interpreter + numpy: the floor of any run)
  audit      farmdetect audit PAGE              (the installed command, LightGBM imported lean)
  full       the same with LightGBM's full import (scikit-learn etc., when installed)
and prints the medians and their ratios to the baseline. The target is an audit at or under
0.8 s wall on the project's machine; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The CLI with LightGBM's usual import: what `farmdetect audit` cost before the lean import.
FULL_IMPORT = (
    "import lightgbm, sys; from farmdetect.cli import main; "
    "sys.argv = ['farmdetect', 'audit', sys.argv[1]]; main()"
)


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--page", default=str(ROOT / "data" / "sample_page.html"))
    args = ap.parse_args()
    exe = shutil.which("farmdetect", path=str(Path(sys.executable).parent)) or shutil.which(
        "farmdetect")
    audit = [exe, "audit", args.page] if exe else [sys.executable, "-m", "farmdetect", "audit",
                                                    args.page]
    cmds = {
        "baseline": [sys.executable, "-c", "import numpy"],
        "audit": audit,
        "full": [sys.executable, "-c", FULL_IMPORT, args.page],
    }
    for cmd in cmds.values():  # warm the file cache
        wall(cmd)
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            times[name].append(wall(cmd))
    base = statistics.median(times["baseline"])
    print(f"{'run':<9} {'median s':>9} {'min s':>7} {'x baseline':>10}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<9} {med:>9.3f} {min(ts):>7.3f} {med / base:>10.2f}")
    ratio = statistics.median(times["audit"]) / statistics.median(times["full"])
    print(f"audit / full import: {ratio:.2f}")


if __name__ == "__main__":
    main()
