"""How much a word can say about a topic: the recommendation family's word-specificity table.

    python -m training.word_specificity --data ../shared/data

Writes ``farmdetect/resources/word_specificity.tsv``: per comparison key (the key the
recommendation family compares words by, ``recommendations._key``) a specificity in [0, 1), the
lower of two estimates, listing only keys below 1 (any other word is fully specific):

* **the web's languages**: the word's Zipf frequency in ``wordfreq`` (Speer et al.; data
  CC-BY-SA 4.0), highest over the words sharing the key and over ``LANGUAGES``:
  ``(ZIPF_GENERIC - zipf) / (ZIPF_GENERIC - ZIPF_SPECIFIC)`` clipped to [0, 1]: "world" (5.9)
  0.05, "clinic" (4.2) 0.9;
* **our own legitimate sites**: the share of registrable domains, among the real legit pages of
  the yardstick's dev split, whose page text holds the key, ``log(share) / log(SITE_FLOOR)``;
  counted once per domain, so a site's own name and menu do not make a word generic. Catches
  web words wordfreq ranks lower ("privacy", "newsletter"). The locked split is not read.

Label-free apart from "legitimate"; nothing here is fitted to farm pages.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections import Counter
from pathlib import Path

from farmdetect.features.recommendations import _key, _keys
from farmdetect.page import Page
from training import dataset
from training.yardstick import locked_groups

log = logging.getLogger(__name__)

OUT = dataset.REPO_ROOT / "farmdetect" / "resources" / "word_specificity.tsv"
# Languages of the wordfreq estimate (those with a large word list and space-separated words).
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "pl", "ru", "tr", "id")
ZIPF_GENERIC = 6.0  # this frequent (1 in 1000 words) or more: specificity 0
ZIPF_SPECIFIC = 4.0  # this rare (1 in 100,000 words) or rarer: specificity 1
SITE_FLOOR = 0.005  # on this share of legit sites or fewer: specificity 1
# Keys more specific than this are left out of the table (they count as 1): keeps it small.
LIST_BELOW = 0.8


def from_wordfreq() -> dict[str, float]:
    import wordfreq

    best: dict[str, float] = {}
    for lang in LANGUAGES:
        for word in wordfreq.top_n_list(lang, 60_000):
            z = wordfreq.zipf_frequency(word, lang)
            if z < ZIPF_SPECIFIC:
                break
            keys = _keys(word)
            if len(keys) != 1:
                continue  # a stop word, a number or a short token: never compared
            k = keys[0]
            best[k] = max(best.get(k, 0.0), z)
    return {k: min(1.0, max(0.0, (ZIPF_GENERIC - z) / (ZIPF_GENERIC - ZIPF_SPECIFIC)))
            for k, z in best.items()}


def from_sites(records: list[dataset.Record]) -> tuple[dict[str, float], int]:
    per_domain: dict[str, set[str]] = {}
    for r in records:
        per_domain.setdefault(r.group, set()).update(
            _keys(Page.from_str(r.html, url=r.url or None).text))
    df: Counter[str] = Counter()
    for keys in per_domain.values():
        df.update(keys)
    n = len(per_domain)
    return {k: math.log(c / n) / math.log(SITE_FLOOR) for k, c in df.items()
            if c / n > SITE_FLOOR}, n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Word-specificity table for relatedness.")
    ap.add_argument("--data", default=None, help="shared data folder (default ../shared/data)")
    ap.add_argument("--project-data", default=str(dataset.PROJECT_DATA))
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    project = Path(args.project_data) if args.project_data else None
    real = dataset.load(dataset.data_dir(args.data), project)
    locked = locked_groups(real)
    sites, n = from_sites([r for r in real if r.label == 0 and r.group not in locked])
    words = from_wordfreq()
    spec = {k: min(sites.get(k, 1.0), words.get(k, 1.0)) for k in set(sites) | set(words)}
    kept = sorted((k, s) for k, s in spec.items() if s < LIST_BELOW and k == _key(k))
    lines = [
        "# word_specificity: key<TAB>specificity, written by `python -m training.word_specificity`",
        "# (its docstring says how). The lower of: wordfreq Zipf frequency over",
        f"# {', '.join(LANGUAGES)} (wordfreq data (c) Robyn Speer et al., CC-BY-SA 4.0: this",
        "# table is a derived work under the same licence) and the share of",
        f"# {n} legitimate sites of our own corpus using the word.",
    ]
    lines += [f"{k}\t{s:.3f}" for k, s in kept]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    log.info("%d keys (%d from wordfreq, %d from %d sites) -> %s", len(kept), len(words),
             len(sites), n, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
