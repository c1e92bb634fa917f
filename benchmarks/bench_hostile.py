"""Time and peak memory of scoring each hostile page (tests/hostile.py), against a normal page.

    python benchmarks/bench_hostile.py [--runs 3]

Each page is scored in a fresh child process (``farmdetect scan --workers 1`` on a one-record
WARC), so its peak RSS is its own; runs are interleaved so that a noisy machine hits all alike.
Prints per page: the outcome (score or the error/skip reason), median wall seconds and peak RSS,
and both as ratios to the normal page (a ~25 KB article) run in the same session. The documented
bounds (docs/ARCHITECTURE.md, "Limits per page") are checked against these ratios, not against
absolute seconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile import HOSTILE  # noqa: E402
from tests.test_warc import warc_record  # noqa: E402

NORMAL = (ROOT / "tests" / "data" / "pages" / "legit_news_related.html").read_bytes()


def run_one(warc: Path) -> tuple[float, str]:
    """(wall seconds, outcome) of scanning one WARC in a child process."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "farmdetect", "scan", str(warc), "-q",
                           "--workers", "1"], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    line = json.loads(proc.stdout.splitlines()[0])
    outcome = (f"score {line['score']:.3f}" if line["score"] is not None
               else (line["error"] or line["skipped"] or "?")[:60])
    return wall, outcome


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warcs = {}
        for name, (_, build, _) in {"normal": ("", lambda: NORMAL, ""), **HOSTILE}.items():
            w = Path(tmp) / f"{name}.warc.gz"
            w.write_bytes(gzip.compress(warc_record(build(), rid=name,
                                                    url=f"https://{name}.example/"),
                                        compresslevel=1, mtime=0))
            warcs[name] = w
        walls: dict[str, list[float]] = {n: [] for n in warcs}
        # peak RSS: each page once more under its own parent, whose RUSAGE_CHILDREN is that
        # child's alone
        peaks: dict[str, int] = {}
        outcomes: dict[str, str] = {}
        for _ in range(args.runs):
            for name, w in warcs.items():
                wall, outcome = run_one(w)
                walls[name].append(wall)
                outcomes[name] = outcome
        for name, w in warcs.items():
            proc = subprocess.run(
                [sys.executable, "-c",
                 "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
                 "capture_output=True); "
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
                 sys.executable, "-m", "farmdetect", "scan", str(w), "-q", "--workers", "1"],
                capture_output=True, text=True, check=True)
            peaks[name] = int(proc.stdout.strip())
    base_wall = statistics.median(walls["normal"])
    base_rss = peaks["normal"]
    print(f"{'page':16} {'outcome':44} {'wall s':>7} {'x normal':>8} {'peak MB':>8} "
          f"{'x normal':>8}")
    for name in warcs:
        wall = statistics.median(walls[name])
        print(f"{name:16} {outcomes[name]:44} {wall:7.2f} {wall / base_wall:8.2f} "
              f"{peaks[name] / 1024:8.0f} {peaks[name] / base_rss:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
