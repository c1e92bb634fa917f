"""Why selectolax (lexbor) and not BeautifulSoup: parse time of the same real pages.

    python benchmarks/bench_parsers.py --data ../shared/data [--limit 300]

Parses each page with selectolax's lexbor parser (what farmdetect uses) and with
BeautifulSoup (``html.parser``, and ``lxml`` when installed), interleaved page by page so machine
noise hits all alike, and prints the total time of each and its ratio to selectolax. Needs
``pip install beautifulsoup4`` (the ``bench`` extra); farmdetect itself does not use it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def pages(data: Path, limit: int) -> Iterator[str]:
    n = 0
    for f in sorted((data / "pages").glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)["html"]
                n += 1
                if n >= limit:
                    return


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--limit", type=int, default=300)
    args = ap.parse_args()
    from bs4 import BeautifulSoup
    from selectolax.lexbor import LexborHTMLParser

    parsers: dict[str, Callable[[str], Any]] = {
        "selectolax (lexbor)": LexborHTMLParser,
        "BeautifulSoup html.parser": lambda h: BeautifulSoup(h, "html.parser"),
    }
    try:
        import lxml  # noqa: F401

        parsers["BeautifulSoup lxml"] = lambda h: BeautifulSoup(h, "lxml")
    except ImportError:
        pass
    totals = dict.fromkeys(parsers, 0.0)
    n = mb = 0.0
    for html in pages(Path(args.data), args.limit):
        n += 1
        mb += len(html.encode("utf-8", "replace")) / 1e6
        for name, parse in parsers.items():
            t = time.perf_counter()
            parse(html)
            totals[name] += time.perf_counter() - t
    base = totals["selectolax (lexbor)"]
    print(f"{int(n)} pages, {mb:.1f} MB of HTML")
    print(f"{'parser':<28} {'total s':>8} {'ms/page':>8} {'x selectolax':>12}")
    for name, total in totals.items():
        print(f"{name:<28} {total:>8.2f} {1000 * total / n:>8.2f} {total / base:>12.1f}")


if __name__ == "__main__":
    main()
