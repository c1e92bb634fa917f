"""Recommendation blocks: "You May Also Like", "Related", "Around the web" and their items.

A farm bolts a recommendation block under every article whose items have nothing to do with
it (a plastic-surgery clinic and a merchant tool under a war report), each tagged with a
category label ("Health News", "Current News"), or fills it from a chumbox ad network. A news
site's related block lists items on the article's own topic from its own host. The family
measures the blocks, how related each item title is to the article, the label mix, chumbox
vendors and the share of items on other hosts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from farmdetect.features.base import Family, Result, content_words, finite, norm_token, ratio
from farmdetect.page import Block, Page

FEATURES: tuple[str, ...] = (
    "recs.n_blocks",
    "recs.n_rec_blocks",
    "recs.n_items",
    "recs.heading_match",
    "recs.heading_line",
    "recs.mean_relatedness",
    "recs.unrelated_ratio",
    "recs.max_unrelated_block_ratio",
    "recs.claimed_related_unrelated",
    "recs.category_labels",
    "recs.label_share",
    "recs.chumbox",
    "recs.external_item_share",
)

# A word seen this often in the article (title words count as seen this often) is a full-weight
# topic word; rarer words count in proportion, so one chance mention weighs a third.
KEY_TF = 3
# Item relatedness (see relatedness()): one fully specific topic word in a title of ten
# specific words scores 0.32; the seed farm's clinic/forum/merchant items score <= 0.15
# against the Belarus article (tests/data/pages/recs_unrelated_block.html).
RELATED_MIN = 0.25
# Below this many content words the article is too short to judge relatedness against.
MIN_ARTICLE_WORDS = 80
# recs.unrelated fires on a block that claims relatedness, with at least this many items, of
# which at least this share is unrelated (seed: 3 of 3; legit related lists: <= 1 of 4).
MARKER_MIN_ITEMS = 3
MARKER_MIN_UNRELATED = 0.75
# An item needs this many content words to be judged unrelated (rosa-mag.de lists dates).
MIN_ITEM_WORDS = 3
# Words this long are compared by their first STEM_CHARS characters ("Belarusian" ~ "Belarus").
STEM_CHARS = 6
# Block classes that mark recommendation widgets even without a recognised heading.
_REC_CLASS = re.compile(
    r"related|recommend|also[-_]?like|may[-_]?like|might[-_]?like|more[-_]?stories|read[-_]?more|"
    r"read[-_]?next|trending|popular|yarpp|jp-relatedposts|crp_|taboola|outbrain|trc_|ob-widget|"
    r"mgid|zergnet|revcontent",
    re.I,
)
_TITLE_SPLIT = re.compile(r"\s+[|–—:·•»-]\s+")
_HEADING_TRIM = re.compile(r"^[\W_]+|[\W_]+$")
# A line this short may be a stand-alone block heading ("You May Also Like" in flat text).
HEADING_LINE_MAX_CHARS = 60


@lru_cache(maxsize=1)
def _heading_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(any recommendation heading, headings that claim the items are related to the article)."""
    text = resources.files("farmdetect.resources").joinpath("recs_headings.txt").read_text("utf-8")
    claims, others = [], []
    for line in text.splitlines():
        line = line.strip().lower()
        if not line or line.startswith("#"):
            continue
        if line.startswith("~"):
            others.append(line[1:].strip())
        else:
            claims.append(line)

    def alt(items: list[str]) -> str:
        return "|".join(sorted((re.escape(p) for p in items), key=len, reverse=True))

    any_re = re.compile(rf"(?<!\w)(?:{alt(claims + others)})(?!\w)", re.I)
    claim_re = re.compile(rf"(?:{alt(claims)})", re.I)
    return any_re, claim_re


@lru_cache(maxsize=1)
def _heading_set() -> frozenset[str]:
    """Every heading phrase, for exact matching of stand-alone lines."""
    text = resources.files("farmdetect.resources").joinpath("recs_headings.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower().lstrip("~ ").strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    )


@lru_cache(maxsize=1)
def _vendors() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(vendor name, lower-case raw-HTML tokens) from resources/chumbox_vendors.txt."""
    res = resources.files("farmdetect.resources").joinpath("chumbox_vendors.txt")
    text = res.read_text("utf-8")
    out = []
    for line in text.splitlines():
        parts = line.strip().lower().split()
        if parts and not parts[0].startswith("#"):
            out.append((parts[0], tuple(parts[1:]) or (parts[0],)))
    return tuple(out)


def _key(w: str) -> str:
    """Comparison key of a content word: apostrophes and plural s dropped, long words cut."""
    w = norm_token(w)
    if len(w) > STEM_CHARS:
        return w[:STEM_CHARS]
    return w[:-1] if len(w) > 4 and w.endswith("s") else w


def _keys(text: str) -> list[str]:
    return [_key(w) for w in content_words(text)]


@lru_cache(maxsize=1)
def _specificities() -> dict[str, float]:
    """Per comparison key, how much the word can say about a topic (resources/
    word_specificity.tsv, written by training.word_specificity from word frequencies in 13
    languages and from the real legit sites); keys not listed are fully specific (1)."""
    res = resources.files("farmdetect.resources").joinpath("word_specificity.tsv")
    out: dict[str, float] = {}
    for line in res.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("\t")
            out[key] = float(value)
    return out


def specificity(key: str) -> float:
    """How much a word can say about a topic, 0..1: "world" 0.05, "clinic" 0.9, a rare word 1."""
    return _specificities().get(key, 1.0)


def relatedness(item: str, weights: dict[str, float]) -> float:
    """How much an item title is about the article: the topic weight of its words, each
    counted by its specificity, over the square root of its words' summed specificity (at
    least 1), capped at 1. A generic word shared with the article ("World", "News", "Update")
    adds little, and an item of generic words only cannot be related."""
    keys = dict.fromkeys(_keys(item))  # distinct, in a fixed order: the float sum is reproducible
    if not keys:
        return 0.0
    spec = [specificity(k) for k in keys]
    score = sum(weights.get(k, 0.0) * s for k, s in zip(keys, spec, strict=True))
    return min(1.0, score / math.sqrt(max(1.0, sum(spec))))


def _topic_weights(page: Page, items: list[str]) -> tuple[dict[str, float], int]:
    """Per-word topic weight from the article and its headline; the article's content-word count."""
    article = page.article
    tf: Counter[str] = Counter(_keys(article))
    n_article = sum(tf.values())
    # when the best-effort article is the whole page text, the items themselves are in it:
    # take their words back out so an item is not "related" to itself
    for item in items:
        if item and item in article:
            tf.subtract(_keys(item))
    for k in dict.fromkeys(_keys(headline(page))):
        tf[k] += KEY_TF
    weights = {k: min(1.0, c / KEY_TF) for k, c in tf.items() if c > 0}
    return weights, n_article


def headline(page: Page) -> str:
    """The article's own title: h1, else og:title, else the longest part of <title>.

    The <title> usually ends in the site name ("... – World News Era"), whose words would make
    any item mentioning "world" or "news" look related.
    """
    if page.h1:
        return page.h1[0]
    if page.og_title:
        return page.og_title
    return max(_TITLE_SPLIT.split(page.title), key=len) if page.title else ""


def _chumbox(page: Page) -> list[str]:
    """Chumbox vendors seen in script/iframe URLs, link hosts or class names."""
    hay = " ".join(
        (" ".join(page.scripts), " ".join(page.iframes), " ".join(page.class_names),
         " ".join({link.host for link in page.links if link.host and not link.internal}))
    ).lower()
    return [name for name, tokens in _vendors() if any(t in hay for t in tokens)]


def _is_rec_block(block: Block, any_re: re.Pattern[str]) -> bool:
    heading = block.heading
    if heading and len(heading) <= HEADING_LINE_MAX_CHARS and any_re.search(heading):
        return True
    return bool(_REC_CLASS.search(block.classes))


def extract(page: Page) -> Result:
    """Measure the recommendation blocks of one page."""
    any_re, claim_re = _heading_regexes()
    blocks = page.blocks
    rec_blocks = [b for b in blocks if _is_rec_block(b, any_re)]
    items = [it for b in rec_blocks for it in b.items]
    weights, n_article = _topic_weights(page, items) if items else ({}, 0)
    judged = n_article >= MIN_ARTICLE_WORDS

    rels: list[float] = []
    unrelated = 0
    max_block_unrel = 0.0
    claimed_unrel = 0.0
    labels_distinct = 0
    labelled = 0
    external = 0
    evidence_blocks: list[tuple[Block, list[str]]] = []
    for b in rec_blocks:
        scores = [relatedness(it, weights) for it in b.items]
        rels.extend(scores)
        # items with too few content words (dates, "Arts & Entertainment") cannot be judged
        bad = [
            it for it, s in zip(b.items, scores, strict=True)
            if s < RELATED_MIN and len(content_words(it)) >= MIN_ITEM_WORDS
        ]
        unrelated += len(bad)
        share = ratio(len(bad), len(b.items))
        max_block_unrel = max(max_block_unrel, share)
        # only a heading that is wholly a relatedness claim ("You May Also Like", not "Read more
        # from Yahoo News" or "Related quotes") can make the block's unrelatedness a marker
        claims = bool(claim_re.fullmatch(_HEADING_TRIM.sub("", b.heading.lower())))
        if claims:
            claimed_unrel = max(claimed_unrel, share)
            if judged and len(b.items) >= MARKER_MIN_ITEMS and share >= MARKER_MIN_UNRELATED:
                evidence_blocks.append((b, bad))
        labs = [lab for lab in b.labels if lab]
        labelled += len(labs)
        labels_distinct = max(labels_distinct, len(set(labs)))
        external += sum(1 for link in b.links if not link.internal)

    exact = _heading_set()
    heading_line = any(
        len(line) <= HEADING_LINE_MAX_CHARS and line.lower().rstrip(": ") in exact
        for line in page.lines
    )
    vendors = _chumbox(page)
    n_items = len(items)
    values = {
        "recs.n_blocks": float(len(blocks)),
        "recs.n_rec_blocks": float(len(rec_blocks)),
        "recs.n_items": float(n_items),
        "recs.heading_match": float(any(any_re.search(b.heading) for b in rec_blocks)),
        "recs.heading_line": float(heading_line),
        # -1: nothing to judge (no items, or an article too short to compare them against)
        "recs.mean_relatedness": finite(sum(rels) / len(rels)) if rels and judged else -1.0,
        "recs.unrelated_ratio": ratio(unrelated, n_items) if judged else 0.0,
        "recs.max_unrelated_block_ratio": max_block_unrel if judged else 0.0,
        "recs.claimed_related_unrelated": claimed_unrel if judged else 0.0,
        "recs.category_labels": float(labels_distinct),
        "recs.label_share": ratio(labelled, n_items),
        "recs.chumbox": float(len(vendors)),
        "recs.external_item_share": ratio(external, n_items),
    }
    result = Result(values)
    for b, bad in evidence_blocks:
        label = b.heading or f"<{b.tag} class={b.classes.strip()}>"
        result.fire("recs.unrelated", [label, *bad[:5]])
    if vendors:
        result.fire("recs.chumbox", vendors)
    return result


family = Family("recs", FEATURES, extract)
