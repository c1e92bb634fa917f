"""Load the real labelled pages: keep label 1/0, dedupe, and assign leak-proof CV groups.

Grouping (what a cross-validation fold may never split):
  * a page with a URL host -> its registrable domain (``news.bbc.co.uk`` -> ``bbc.co.uk``), so
    one site's template never sits in a training fold and a test fold at once;
  * a page without a host -> the host of its ``<link rel=canonical>`` / ``og:url`` when the HTML
    names one (the page still belongs to that site);
  * otherwise ``nohost:<dataset>:<source folder>``: every host-less page of one source folder
    lands in the same fold. That is coarse (up to ~150 pages in one group), but a folder is the
    only thing we know such pages share, and a coarse group can only make the split stricter.

"News" flag (legit news pages, reported separately because farms imitate them):
  * whole collections of publisher articles: aeb_scrapinghub, readability_testpages,
    postlight_fixtures;
  * source folders that are news collections: boilerplate ``dragnet_data`` (2012 news/blogs),
    ``page-signal-master`` (L3S-GN1 Google News 2008), ``CleanPortalEval-master`` (news portals),
    utomo ``big5-*`` (nine big publishers);
  * elsewhere (wcxb, trafilatura_eval, CleanEval, utomo chaos): a host that looks like a
    publisher (``NEWS_HOST`` below) or a URL path with a ``/news/`` segment.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from farmdetect.urls import host_of, registrable_domain

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
# The project's own reviewed pages (data/real/README.md), in the schema of the shared pages.
PROJECT_DATA = REPO_ROOT / "data" / "real"
# Era of a shared collection's pages (the shared records carry no year): when they were saved.
DATASET_YEARS = {"boilerplate_merged": 2008, "utomo_chaos_big9": 2017, "postlight_fixtures": 2017,
                 "trafilatura_eval": 2020, "aeb_scrapinghub": 2019, "readability_testpages": 2016,
                 "wcxb_2025": 2025}

NEWS_DATASETS = frozenset({"aeb_scrapinghub", "readability_testpages", "postlight_fixtures"})
NEWS_FOLDERS = re.compile(
    r"^(dragnet_data|page-signal-master|CleanPortalEval-master|Extraction/big5-)"
)
# Hosts of publishers that show up across the collections (checked by eye on the host lists).
NEWS_HOST = re.compile(
    r"(^|\.)(news|nachrichten|zeitung|tagesschau|zeit|spiegel|faz|sueddeutsche|welt|stern|focus|"
    r"handelsblatt|tagesspiegel|taz|heise|golem|derstandard|diepresse|nzz|srf|orf|dw|"
    r"cnn|bbc|nytimes|washingtonpost|theguardian|guardian|reuters|apnews|bloomberg|wsj|ft|"
    r"latimes|usatoday|nbcnews|cbsnews|abcnews|foxnews|npr|politico|thehill|huffpost|"
    r"huffingtonpost|independent|telegraph|dailymail|mirror|thesun|express|time|newsweek|"
    r"forbes|businessinsider|cnbc|techcrunch|theverge|wired|arstechnica|engadget|vox|slate|"
    r"theatlantic|newyorker|economist|lemonde|lefigaro|liberation|elpais|elmundo|abc|"
    r"lanacion|clarin|corriere|repubblica|aljazeera|xinhuanet|chinadaily|scmp|"
    r"timesofindia|thehindu|hindustantimes|smh|abc\.net|cbc|globalnews|ctvnews|"
    r"yahoo|msn)\.",
    re.I,
)
NEWS_PATH = re.compile(r"/(news|nachrichten|actualites|noticias|politik|politics|world)/", re.I)

_CANONICAL = re.compile(
    r"""<link[^>]+rel=["']?canonical["']?[^>]*href=["']?(https?://[^"'\s>]+)"""
    r"""|<link[^>]+href=["']?(https?://[^"'\s>]+)["']?[^>]*rel=["']?canonical"""
    r"""|<meta[^>]+property=["']og:url["'][^>]*content=["']?(https?://[^"'\s>]+)""",
    re.I,
)
_WS = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]*>")


@dataclass
class Record:
    """One real page (or, from synth.py, a generated one) with its label and CV group."""

    id: str
    dataset: str
    source_file: str
    url: str | None
    host: str | None
    lang: str | None
    label: int
    kind: str | None
    html: str
    group: str
    news: bool
    synthetic: bool = False
    template: str = ""
    source_id: str = ""
    year: int | None = None

    def meta(self) -> dict[str, object]:
        """Everything but the HTML (for reports and caches)."""
        d = dict(self.__dict__)
        d.pop("html")
        return d


def data_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: argument, env FARMDETECT_DATA, or ../shared/data next to the repo."""
    if arg:
        return Path(arg).resolve()
    env = os.environ.get("FARMDETECT_DATA")
    return Path(env).resolve() if env else DEFAULT_DATA


def iter_raw(data: Path, project: Path | None = None) -> Iterator[dict[str, object]]:
    """Every record of every pages/*.jsonl.gz file, in sorted file order; then those of the
    project's own folder ``project`` (``*.jsonl.gz``) when given."""
    files = sorted((data / "pages").glob("*.jsonl.gz"))
    if not files:
        raise FileNotFoundError(f"no pages/*.jsonl.gz under {data}")
    if project is not None:
        files += sorted(project.glob("*.jsonl.gz"))
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def excluded_hashes(data: Path) -> set[str]:
    """The SHA-256 hashes of ``excluded-domains.sha256`` in the data folder (empty without it)."""
    path = data / "excluded-domains.sha256"
    if not path.is_file():
        return set()
    return {line.strip() for line in path.read_text().splitlines() if line.strip()}


def is_excluded(host: str | None, excluded: set[str]) -> bool:
    """Whether any dotted suffix of ``host`` hashes into the exclusion list."""
    if not host or not excluded:
        return False
    parts = host.lower().strip(".").split(".")
    return any(hashlib.sha256(".".join(parts[i:]).encode()).hexdigest() in excluded
               for i in range(len(parts)))


def record_excluded(record: dict[str, object], excluded: set[str]) -> bool:
    """Whether a page record's ``host`` or the host of its ``url`` is on the exclusion list."""
    host, url = record.get("host"), record.get("url")
    return any(is_excluded(h, excluded) for h in (host if isinstance(host, str) else None,
                                                  host_of(url if isinstance(url, str) else None)))


def html_fingerprint(html: str) -> str:
    """Hash of the tag-free, whitespace-folded text: catches re-encoded or re-saved copies."""
    text = _WS.sub(" ", _TAGS.sub(" ", html)).strip().lower()
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def page_group(dataset: str, source_file: str, url: str | None, host: str | None, html: str) -> str:
    """The CV group of a page (see the module docstring)."""
    h = host or host_of(url)
    if not h:
        m = _CANONICAL.search(html[:200_000])
        if m:
            h = host_of(next(g for g in m.groups() if g))
    if h:
        return registrable_domain(h) or h
    return f"nohost:{dataset}:{os.path.dirname(source_file)}"


def is_news(dataset: str, source_file: str, url: str | None, host: str | None) -> bool:
    """Legit-news flag (see the module docstring for the rule)."""
    if dataset in NEWS_DATASETS or NEWS_FOLDERS.match(source_file or ""):
        return True
    if host and NEWS_HOST.search(host + "."):
        return True
    return bool(url and NEWS_PATH.search(url))


# Older shared farm records name their kind only in label_source ("...id=44): aggregator_rewrite/
# medium"); the wire-copy aggregators are aggregator rewrites in the rubric's kinds.
_REVIEW_KIND = re.compile(r"\): ([a-z_]+)/")
_KIND_ALIASES = {"wire_copy_aggregator": "aggregator_rewrite"}


def review_kind(raw: dict[str, object]) -> str | None:
    """The farm kind a record's review names, when its ``kind`` field is empty."""
    m = _REVIEW_KIND.search(str(raw.get("label_source") or ""))
    return _KIND_ALIASES.get(m.group(1), m.group(1)) if m else None


def load(data: Path | str | None = None, project: Path | None = None,
         extra: Iterable[dict[str, object]] = ()) -> list[Record]:
    """Labelled (1/0), deduplicated real pages; null labels are dropped, never negatives.
    ``project``: also the project's own reviewed pages (``PROJECT_DATA``); ``extra``: more
    records in the same schema (``training.labels.reviewed_raw``: pages people labelled)."""
    data = data_dir(data)
    seen_ids: set[str] = set()
    seen_fp: dict[str, int] = {}
    out: list[Record] = []
    dropped: Counter[str] = Counter()
    for raw in itertools.chain(iter_raw(data, project), extra):
        label = raw.get("label")
        if label not in (0, 1):
            dropped["unlabelled"] += 1
            continue
        pid = str(raw["id"])
        html = str(raw.get("html") or "")
        if pid in seen_ids:
            dropped["dup_id"] += 1
            continue
        fp = html_fingerprint(html)
        if fp in seen_fp:
            # A duplicate with a conflicting label is ambiguous: keep the positive (rare class).
            prev = out[seen_fp[fp]]
            if label == 1 and prev.label == 0:
                prev.label, prev.kind = 1, raw.get("kind")  # type: ignore[assignment]
            dropped["dup_html"] += 1
            continue
        seen_ids.add(pid)
        seen_fp[fp] = len(out)
        dataset = str(raw["dataset"])
        source_file = str(raw.get("source_file") or "")
        url = raw.get("url") or None
        host = raw.get("host") or host_of(url)  # type: ignore[arg-type]
        out.append(
            Record(
                id=pid,
                dataset=dataset,
                source_file=source_file,
                url=url,  # type: ignore[arg-type]
                host=host,  # type: ignore[arg-type]
                lang=raw.get("lang") or None,  # type: ignore[arg-type]
                label=int(label),  # type: ignore[arg-type]
                kind=raw.get("kind") or review_kind(raw) if label == 1 else None,  # type: ignore[arg-type]
                html=html,
                group=page_group(dataset, source_file, url, host, html),  # type: ignore[arg-type]
                news=is_news(dataset, source_file, url, host),  # type: ignore[arg-type]
                year=raw.get("year") or DATASET_YEARS.get(dataset),  # type: ignore[arg-type]
            )
        )
    log.info("loaded %d labelled pages (%s)", len(out), dict(dropped))
    return out


def summary(records: list[Record]) -> dict[str, dict[str, int]]:
    """Counts per dataset: pages, positives, negatives, news, groups."""
    out: dict[str, dict[str, int]] = {}
    for r in records:
        d = out.setdefault(r.dataset, {"pages": 0, "pos": 0, "neg": 0, "news": 0})
        d["pages"] += 1
        d["pos" if r.label == 1 else "neg"] += 1
        d["news"] += int(r.news and r.label == 0)
    for ds in out:
        out[ds]["groups"] = len({r.group for r in records if r.dataset == ds})
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the dataset summary (a quick check that the data folder is readable)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    records = load(args.data)
    json.dump(summary(records), sys.stdout, indent=1)
    print()
    print(
        "groups:",
        len({r.group for r in records}),
        "positive groups:",
        len({r.group for r in records if r.label == 1}),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
