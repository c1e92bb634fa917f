"""Soak: a long scan of real pages with injected faults; every record accounted for, memory flat,
no process left behind after Ctrl-C.

    python benchmarks/soak_scan.py --data ../shared/data [--records 100000] [--workers 2]

1. Builds a WARC (.warc.gz, one gzip member per record) of ``--records`` response records
   cycling over the real labelled pages, with ``--faults`` (1 %) of them broken, evenly spread:
   a gzip member cut short, bad HTTP headers, a wrong Content-Length, a non-HTML body, a
   record id repeated. Also the same pages as JSON lines (with broken lines).
2. Runs ``farmdetect scan --workers N`` over each, sampling every worker's RSS (/proc) every
   ``--sample`` seconds, and checks that the output has one line per record (a repeated id
   twice), and that read = scored + skipped + errors in the closing summary.
3. Starts the WARC scan again, sends Ctrl-C (SIGINT to its process group) after ``--interrupt``
   seconds, and checks the exit code (130) and that no farmdetect process is left.

Prints the figures (records/s, faults found, lost records, RSS first/median/max per worker and
the drift from the first to the last quarter of the run).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integrations.warcs import FAULTS, fault_member  # noqa: E402
from training.dataset import excluded_hashes, record_excluded  # noqa: E402


def real_pages(data: Path, limit: int = 3000) -> list[tuple[str, bytes]]:
    pages = []
    excluded = excluded_hashes(data)
    for f in sorted((data / "pages").glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                if record_excluded(r, excluded):  # never used, not even to soak a scan
                    continue
                if r.get("html") and len(r["html"]) < 2_000_000:
                    pages.append((r.get("url") or f"https://page{len(pages)}.example/",
                                  r["html"].encode("utf-8")))
    random.Random(7).shuffle(pages)
    return pages[:limit]


def build(out_dir: Path, pages: list[tuple[str, bytes]], n: int, fault_share: float
          ) -> tuple[Path, Path, dict[str, int]]:
    every = max(1, round(1 / fault_share)) if fault_share > 0 else 0
    counts = dict.fromkeys(FAULTS, 0)
    warc, jsonl = out_dir / "soak.warc.gz", out_dir / "soak.jsonl"
    with open(warc, "wb") as w, open(jsonl, "w", encoding="utf-8") as j:
        for i in range(n):
            url, body = pages[i % len(pages)]
            rid = f"rec-{i}"
            fault = FAULTS[(i // every) % len(FAULTS)] if every and i % every == every - 1 else ""
            if fault == "dup_id":
                rid = f"rec-{i - 1}"
            member = fault_member(fault, body, rid=rid, url=url, level=1)
            if fault:
                counts[fault] += 1
            w.write(member)
            if fault in ("cut_member", "bad_http"):
                j.write('{"id": "' + rid + '", "html": "<p>cut\n')  # a broken JSON line
            else:
                j.write(json.dumps({"id": rid, "url": url, "html": body.decode("utf-8",
                                                                                "replace")})
                        + "\n")
    return warc, jsonl, counts


def children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out.append(int(p.name))
    return out


def descendants(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        for c in children(todo.pop()):
            seen.append(c)
            todo.append(c)
    return seen


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def scan(inp: Path, out: Path, workers: int, sample: float
         ) -> tuple[float, dict[int, list[int]], str, int]:
    cmd = [sys.executable, "-m", "farmdetect", "scan", str(inp), "--workers", str(workers),
           "-o", str(out)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, start_new_session=True)
    rss: dict[int, list[int]] = {}
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            v = rss_kb(pid)
            if v:
                rss.setdefault(pid, []).append(v)
        time.sleep(sample)
    _, err = proc.communicate()
    return time.perf_counter() - t, rss, err.strip().splitlines()[-1] if err.strip() else "", \
        proc.returncode


def summary(name: str, n: int, seconds: float, rss: dict[int, list[int]], out: Path,
            closing: str, rc: int) -> None:
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines() if x.strip()]
    errors = sum(1 for x in lines if x.get("error"))
    skipped = sum(1 for x in lines if x.get("skipped"))
    scored = sum(1 for x in lines if x.get("score") is not None)
    print(f"\n{name}: {n} records in {seconds:.0f} s ({n / seconds:.1f}/s), exit {rc}")
    print(f"  lines {len(lines)} = scored {scored} + skipped {skipped} + errors {errors}; "
          f"lost {n - len(lines)}")
    print(f"  closing line: {closing}")
    for pid, v in sorted(rss.items(), key=lambda kv: -len(kv[1])):
        if len(v) < 4:
            continue
        q = max(1, len(v) // 4)
        drift = statistics.median(v[-q:]) - statistics.median(v[:q])
        print(f"  pid {pid}: {len(v)} samples, RSS MB first {v[0] / 1024:.0f} median "
              f"{statistics.median(v) / 1024:.0f} max {max(v) / 1024:.0f}, drift first->last "
              f"quarter {drift / 1024:+.0f}")


def interrupt(inp: Path, tmp: Path, workers: int, after: float) -> None:
    cmd = [sys.executable, "-m", "farmdetect", "scan", str(inp), "--workers", str(workers),
           "-o", str(tmp / "interrupted.jsonl")]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(after)
    kids = descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        print("\nCtrl-C: did not exit within 60 s (killed)")
    # the forkserver and resource tracker exit on their own once the parent is gone (briefly
    # zombies until init reaps them): poll up to 10 s
    t0 = time.perf_counter()
    left = kids
    while left and time.perf_counter() - t0 < 10:
        time.sleep(0.25)
        left = [p for p in kids if Path(f"/proc/{p}").exists()]
    lines = sum(1 for _ in open(tmp / "interrupted.jsonl", encoding="utf-8"))
    print(f"\nCtrl-C after {after:.0f} s: exit {proc.returncode}, {len(kids)} child processes "
          f"before, {len(left)} left {time.perf_counter() - t0:.1f} s after exit; {lines} lines "
          f"written; stderr: {err.strip().splitlines()[-1] if err.strip() else '-'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--faults", type=float, default=0.01)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sample", type=float, default=2.0)
    ap.add_argument("--interrupt", type=float, default=15.0)
    ap.add_argument("--skip-jsonl", action="store_true")
    args = ap.parse_args()
    pages = real_pages(Path(args.data))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        warc, jsonl, counts = build(tmp, pages, args.records, args.faults)
        print(f"built {args.records} records from {len(pages)} real pages; faults {counts}; "
              f"WARC {warc.stat().st_size / 1e6:.0f} MB")
        seconds, rss, closing, rc = scan(warc, tmp / "warc.out", args.workers, args.sample)
        summary("WARC", args.records, seconds, rss, tmp / "warc.out", closing, rc)
        if not args.skip_jsonl:
            seconds, rss, closing, rc = scan(jsonl, tmp / "jsonl.out", args.workers, args.sample)
            summary("JSON lines", args.records, seconds, rss, tmp / "jsonl.out", closing, rc)
        interrupt(warc, tmp, args.workers, args.interrupt)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
