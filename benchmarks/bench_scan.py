"""Scan throughput and memory on the real pages: parse vs features vs full scan vs trafilatura.

    python benchmarks/bench_scan.py --data ../shared/data [--limit N] [--mem-gb 1.0] [--profile]

In one run, pages/s and MB/s of: (1) reading the input (a JSONL built from the pages) plus a
bare selectolax parse of each page; (2) farmdetect feature extraction (Page + features.extract);
(3) full scoring through the batch scorer with 1 worker and with all cores; (4) trafilatura
extraction; (5) datatrove's Gopher + C4 + FineWeb quality filters on trafilatura's text, when
datatrove is installed. Then peak RSS of ``farmdetect scan --workers 2`` (subprocess) over a
>= 1 GB WARC built from the same pages and over a small one: memory must not grow with input size.
``--profile`` adds a cProfile of feature extraction over ~300 pages (top 15 by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from farmdetect.batch import Summary, score_records  # noqa: E402
from farmdetect.features import FEATURE_NAMES, extract, feature_hash  # noqa: E402
from farmdetect.page import Page  # noqa: E402
from farmdetect.warc import iter_records  # noqa: E402


def load_pages(data: Path, limit: int | None) -> list[tuple[str, str | None]]:
    pages: list[tuple[str, str | None]] = []
    for f in sorted((data / "pages").glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                pages.append((rec["html"], rec.get("url")))
                if limit and len(pages) >= limit:
                    return pages
    return pages


def model_dir(tmp: Path) -> str:
    """The shipped model when it matches the code, else a tiny stand-in (same cost per page)."""
    shipped = ROOT / "farmdetect" / "models"
    card = shipped / "farmdetect.json"
    if card.is_file() and json.loads(card.read_text()).get("feature_names") == list(FEATURE_NAMES):
        return str(shipped)
    import lightgbm as lgb
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.random((500, len(FEATURE_NAMES)))
    y = (X[:, 0] + X[:, 1] > 1.0).astype(int)
    booster = lgb.train({"objective": "binary", "verbose": -1, "num_leaves": 15, "seed": 1},
                        lgb.Dataset(X, y), num_boost_round=200)
    d = tmp / "model"
    d.mkdir()
    booster.save_model(str(d / "farmdetect.txt"))
    (d / "farmdetect.json").write_text(json.dumps({
        "model_version": "bench-stand-in", "feature_names": list(FEATURE_NAMES),
        "feature_hash": feature_hash(), "threshold": 0.5,
        "calibration": {"method": "platt", "a": 1.0, "b": 0.0}}))
    print("(no shipped model matching the code: a 200-tree stand-in model is used)")
    return str(d)


def timed(label: str, n: int, mb: float, fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    s = time.perf_counter() - t
    print(f"  {label:<44} {s:8.2f} s  {n / s:8.1f} pages/s  {mb / s:7.2f} MB/s")
    return s


def warc_bytes(html: str, url: str | None) -> bytes:
    body = html.encode("utf-8")
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    block = http + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Target-URI: {url or 'https://unknown.example/'}\r\n"
            f"WARC-Date: 2024-01-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def build_warc(path: Path, pages: list[tuple[str, str | None]], target_bytes: int) -> int:
    """A .warc.gz (one member per record) of at least ``target_bytes`` uncompressed."""
    members = [gzip.compress(warc_bytes(h, u), compresslevel=1, mtime=0) for h, u in pages]
    raw = sum(len(warc_bytes(h, u)) for h, u in pages[:50]) / min(50, len(pages))
    n = 0
    with open(path, "wb") as f:
        while n * raw < target_bytes:
            f.write(members[n % len(members)])
            n += 1
    return n


def descendants(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def scan_memory(warc: Path, model: str, workers: int) -> dict[str, object]:
    """Run ``farmdetect scan`` as a subprocess; peak RSS of the parent and of each worker."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "farmdetect", "scan", str(warc), "--workers", str(workers),
           "--model-dir", model, "-o", os.devnull]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, float] = {}
    descendants_depth1: dict[int, list[int]] = {}
    names: dict[int, str] = {}

    def poll() -> None:
        while proc.poll() is None:
            kids = [p for p in descendants(proc.pid) if _ppid(p) == proc.pid]
            for k in kids:
                descendants_depth1.setdefault(proc.pid, [])
                if k not in descendants_depth1[proc.pid]:
                    descendants_depth1[proc.pid].append(k)
            for pid in [proc.pid, *descendants(proc.pid)]:
                hwm = vm_hwm_mb(pid)
                if hwm is not None:
                    peaks[pid] = max(peaks.get(pid, 0.0), hwm)
                    if pid not in names:
                        try:
                            names[pid] = Path(f"/proc/{pid}/cmdline").read_bytes()[:200] \
                                .replace(b"\0", b" ").decode(errors="replace")
                        except OSError:
                            names[pid] = "?"
            time.sleep(0.25)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    _, err = proc.communicate()
    th.join()
    secs = time.perf_counter() - t
    parent = peaks.pop(proc.pid, 0.0)
    # Workers are forked by the fork server (a child of the scan), so they are grandchildren.
    children = set(descendants_depth1.get(proc.pid, []))
    workers_ = {p: v for p, v in peaks.items() if p not in children}
    return {"seconds": secs, "parent_mb": parent, "workers_mb": sorted(workers_.values()),
            "summary": err.strip().splitlines()[-1] if err.strip() else "", "rc": proc.returncode}


def datatrove_filters() -> Callable[[list[str]], int] | None:
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import (
            C4QualityFilter,
            FineWebQualityFilter,
            GopherQualityFilter,
        )
    except ImportError:
        return None
    filters = [GopherQualityFilter(), C4QualityFilter(), FineWebQualityFilter()]

    def run(texts: list[str]) -> int:
        kept = 0
        for i, t in enumerate(texts):
            doc = Document(text=t, id=str(i))
            ok = True
            for f in filters:
                r = f.filter(doc)
                if r is False or (isinstance(r, tuple) and not r[0]):
                    ok = False
                    break
            kept += ok
        return kept

    return run


def profile_features(pages: list[tuple[str, str | None]], n: int = 300) -> None:
    prof = cProfile.Profile()
    prof.enable()
    for html, url in pages[:n]:
        extract(Page.from_str(html, url=url))
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(15)
    print(f"\ncProfile of feature extraction over {min(n, len(pages))} pages (top 15, cumulative):")
    print(buf.getvalue())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=None, help="Use only the first N pages.")
    ap.add_argument("--mem-gb", type=float, default=1.0, help="Size of the big WARC (GB).")
    ap.add_argument("--small-mb", type=float, default=50.0, help="Size of the small WARC (MB).")
    ap.add_argument("--no-memory", action="store_true", help="Skip the peak-memory runs.")
    ap.add_argument("--profile", action="store_true", help="cProfile feature extraction.")
    args = ap.parse_args()

    pages = load_pages(args.data, args.limit)
    n = len(pages)
    mb = sum(len(h.encode("utf-8", "surrogatepass")) for h, _ in pages) / 1e6
    cores = os.cpu_count() or 1
    print(f"bench_scan: {n} real pages, {mb:.1f} MB of HTML, {cores} cores, "
          f"python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        model = model_dir(tmp)
        src = tmp / "pages.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for i, (h, u) in enumerate(pages):
                f.write(json.dumps({"id": str(i), "url": u, "html": h}) + "\n")

        from selectolax.lexbor import LexborHTMLParser

        def parse_only() -> None:
            for r in iter_records([str(src)]):
                LexborHTMLParser(r.body).body  # noqa: B018 - force the parse

        def features_only() -> None:
            for html, url in pages:
                extract(Page.from_str(html, url=url))

        first: dict[int, float] = {}

        def full(workers: int) -> Callable[[], None]:
            def run() -> None:
                s = Summary()
                t0 = time.perf_counter()
                for i, _ in enumerate(score_records(iter_records([str(src)]), workers=workers,
                                                    model_dir=model, summary=s)):
                    if i == 0:
                        first[workers] = time.perf_counter() - t0
                assert s.read == n == s.scored + s.skipped + s.errors, s.to_dict()
            return run

        texts: list[str] = []

        def trafilatura_only() -> None:
            import trafilatura

            for html, url in pages:
                texts.append(trafilatura.extract(html, url=url) or "")

        print("\nthroughput (wall clock, one run each):")
        t_parse = timed("(1) read JSONL + bare selectolax parse", n, mb, parse_only)
        t_feat = timed("(2) Page + features.extract (1 process)", n, mb, features_only)
        t_full1 = timed("(3a) full scan, 1 worker (batch, JSONL)", n, mb, full(1))
        t_fulln = timed(f"(3b) full scan, {cores} workers (incl. pool start)", n, mb, full(cores))
        try:
            import trafilatura  # noqa: F401
        except ImportError as e:
            print(f"  (4) trafilatura: skipped ({e})")
            t_traf = float("nan")
        else:
            t_traf = timed("(4) trafilatura.extract", n, mb, trafilatura_only)
        dt = datatrove_filters()
        if dt is None:
            print("  (5) datatrove Gopher+C4+FineWeb filters: skipped (datatrove not installed; "
                  "pip install 'farmdetect[datatrove]')")
        else:
            kept = [0]
            try:
                t_dt = timed("(5) datatrove Gopher+C4+FineWeb on trafilatura text", n, mb,
                             lambda: kept.__setitem__(0, dt(texts)))
            except ImportError as e:  # datatrove's word tokenizers need spacy
                print(f"  (5) datatrove filters: skipped ({e})")
            else:
                print(f"      kept {kept[0]}/{n}; trafilatura+filters = {t_traf + t_dt:.2f} s")
        steady = (n - 1) / (t_fulln - first[cores])
        print(f"      {cores} workers: first result after {first[cores]:.2f} s (pool start, "
              f"model load), then {steady:.1f} pages/s")
        print("\nratios:")
        print(f"  full 1 worker / bare parse     = {t_full1 / t_parse:5.2f}x")
        print(f"  features only / bare parse     = {t_feat / t_parse:5.2f}x")
        print(f"  trafilatura / full 1 worker    = {t_traf / t_full1:5.2f}x")
        print(f"  speed-up {cores} workers vs 1     = {t_full1 / t_fulln:5.2f}x")

        if not args.no_memory:
            print("\npeak memory of `farmdetect scan --workers 2` (VmHWM from /proc):")
            for label, size in (("small", args.small_mb * 1e6), ("big", args.mem_gb * 1e9)):
                warc = tmp / f"{label}.warc.gz"
                t = time.perf_counter()
                count = build_warc(warc, pages, int(size))
                built = time.perf_counter() - t
                gz_mb = warc.stat().st_size / 1e6
                res = scan_memory(warc, model, 2)
                w = ", ".join(f"{v:.0f}" for v in res["workers_mb"])  # type: ignore[union-attr]
                print(f"  {label}: {count} records, ~{size / 1e6:.0f} MB uncompressed "
                      f"({gz_mb:.0f} MB gz, built in {built:.0f} s), scan {res['seconds']:.0f} s, "
                      f"rc={res['rc']}")
                print(f"     parent peak RSS {res['parent_mb']:.0f} MB; worker peak RSS [{w}] MB")
                print(f"     {res['summary']}")
                warc.unlink()
        if args.profile:
            profile_features(pages)


if __name__ == "__main__":
    main()
