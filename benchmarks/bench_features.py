"""Feature-extraction time per page on the real pages: median and p99, in total and per family.

    python benchmarks/bench_features.py --data ../shared/data [--limit 2000]

Times are wall-clock per page in one process (the parse is counted once, in "page"): it answers
"how long does farmdetect take on one real page", not a throughput question (see bench_scan.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from pathlib import Path

from farmdetect.features import FAMILIES
from farmdetect.page import Page


def iter_pages(data: Path, limit: int | None):
    n = 0
    for f in sorted((data / "pages").glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                yield rec["html"], rec.get("url")
                n += 1
                if limit and n >= limit:
                    return


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    ap.add_argument("--data", type=Path, default=default_data)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    per: dict[str, list[float]] = {"page": [], "total": []}
    per.update({fam.name: [] for fam in FAMILIES})
    mb = 0.0
    for html, url in iter_pages(args.data, args.limit):
        mb += len(html.encode("utf-8", "surrogatepass")) / 1e6
        t0 = time.perf_counter()
        page = Page.from_str(html, url=url)
        page.lines, page.links, page.blocks, page.article  # noqa: B018 - force the shared views
        t1 = time.perf_counter()
        per["page"].append(t1 - t0)
        for fam in FAMILIES:
            a = time.perf_counter()
            fam.extract(page)
            per[fam.name].append(time.perf_counter() - a)
        per["total"].append(time.perf_counter() - t0)
    n = len(per["total"])
    print(f"feature extraction on {n} real pages ({mb:.1f} MB of HTML), ms per page")
    print(f"{'stage':<12}{'median':>10}{'p99':>10}{'mean':>10}")
    for name, vals in per.items():
        ms = [v * 1000 for v in vals]
        med, p99, mean = statistics.median(ms), pct(ms, 0.99), statistics.fmean(ms)
        print(f"{name:<12}{med:>10.2f}{p99:>10.2f}{mean:>10.2f}")
    total = sum(per["total"])
    print(f"throughput: {n / total:.0f} pages/s, {mb / total:.1f} MB/s (1 core)")


if __name__ == "__main__":
    main()
