"""Clickbait in the page tail/footer, in the title and in recommendation items.

Two signals: a phrase lexicon (resources/clickbait_phrases.txt: "you won't believe", "is wrong",
"doctors hate", ...) and a small headline classifier (farmdetect.clickbait_model) that learned
viral-site style from BuzzFeed/Upworthy vs news headlines. The classifier also likes UI strings
("Sign up for our newsletter and get ... delivered to you"), so markers need a phrase hit or a
very high probability on a sentence-like line that is not the article's own title.
"""

from __future__ import annotations

import re

from farmdetect.clickbait_model import clickbait_prob
from farmdetect.features.base import Family, Result, finite, phrase_regex, ratio
from farmdetect.features.hashtags import page_titles
from farmdetect.page import Page

FEATURES: tuple[str, ...] = (
    "clickbait.title_prob",
    "clickbait.title_phrase_hits",
    "clickbait.tail_max_prob",
    "clickbait.tail_phrase_hits",
    "clickbait.recs_mean_prob",
    "clickbait.recs_share_clickbait",
    "clickbait.recs_phrase_hits",
)

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'"})
# Words of UI strings the classifier mistakes for bait ("get the best stories delivered to you").
_UI_WORDS = re.compile(
    r"\b(?:newsletter|subscribe|sign up|sign in|log in|cookies?|privacy|copyright|©|rights reserved|"
    r"terms of|email|e-mail|javascript|browser|account|password|comment|abonn|anmelden|datenschutz)",
    re.IGNORECASE,
)

# The tail is the last TAIL_SHARE of the lines, at least TAIL_MIN_LINES and at most
# TAIL_MAX_LINES: the seed's bait sentence is the very last line, after the recommendations.
TAIL_SHARE = 0.2
TAIL_MIN_LINES = 10
TAIL_MAX_LINES = 40
# Only lines that read like a headline/sentence are scored (word counts).
SENTENCE_MIN_WORDS = 5
SENTENCE_MAX_WORDS = 45
# At most this many tail lines / recommendation items are scored (speed: ~5 µs each).
MAX_SCORED = 25
# The classifier's probability a tail sentence needs to fire clickbait.footer without a phrase
# hit: news headlines score < 0.3, UI strings up to ~0.99, the seed footer 0.996 (with a phrase).
FOOTER_PROB = 0.995
# Only headline-cased tail lines go to the classifier: on prose (comments, body text with "you")
# it fires on 20% of legit pages; the seed footer and the viral recs of label-1 pages are
# Title Cased.
HEADLINE_MIN_WORDS = 3
HEADLINE_CASE_SHARE = 0.75
# A title fires clickbait.title on a phrase hit, or on this probability (pure viral style).
TITLE_PROB = 0.995
# A recommendation item counts as clickbait at this probability; the block fires clickbait.recs
# when at least RECS_MIN_BAIT items and RECS_MIN_SHARE of them are bait.
RECS_ITEM_PROB = 0.97
RECS_MIN_BAIT = 3
RECS_MIN_SHARE = 0.5


def _sentence_like(line: str) -> bool:
    n = line.count(" ") + 1
    return SENTENCE_MIN_WORDS <= n <= SENTENCE_MAX_WORDS


def _headline_case(line: str) -> bool:
    """Most longer words capitalised: a headline ("16 Mind Blowing Facts..."), not prose."""
    long = [w for w in line.split() if len(w) >= 4 and w[0].isalpha()]
    if len(long) < HEADLINE_MIN_WORDS:
        return False
    return sum(1 for w in long if w[0].isupper()) >= HEADLINE_CASE_SHARE * len(long)


def _phrase_hits(text: str) -> list[str]:
    return [m.group(0) for m in phrase_regex("clickbait_phrases").finditer(text.translate(_APOS))]


def extract(page: Page) -> Result:
    values = dict.fromkeys(FEATURES, 0.0)
    result = Result(values)
    titles = page_titles(page)
    title_keys = {t.lower() for t in titles}

    # -- title
    title_hits: list[str] = []
    title_prob = 0.0
    title_shown = ""
    for t in titles[:2]:
        p = clickbait_prob(t)
        hits = _phrase_hits(t)
        if p > title_prob or (hits and not title_hits):
            title_prob = max(title_prob, p)
            title_shown = t
        title_hits = title_hits or hits
    values["clickbait.title_prob"] = finite(title_prob)
    values["clickbait.title_phrase_hits"] = float(len(title_hits))
    if title_hits or title_prob >= TITLE_PROB:
        result.fire("clickbait.title", [title_shown])

    # -- tail / footer
    lines = page.lines
    n_tail = min(TAIL_MAX_LINES, max(TAIL_MIN_LINES, int(len(lines) * TAIL_SHARE)))
    tail = [
        ln for ln in lines[-n_tail:]
        if _sentence_like(ln) and ln.lower() not in title_keys and not _UI_WORDS.search(ln)
    ]
    tail_hits = 0
    tail_max = 0.0
    footer: list[str] = []
    for ln in tail[-MAX_SCORED:]:
        hits = _phrase_hits(ln)
        tail_hits += len(hits)
        p = clickbait_prob(ln) if _headline_case(ln) else 0.0
        tail_max = max(tail_max, p)
        if hits or p >= FOOTER_PROB:
            footer.append(ln)
    values["clickbait.tail_max_prob"] = finite(tail_max)
    values["clickbait.tail_phrase_hits"] = float(tail_hits)
    if footer:
        result.fire("clickbait.footer", footer[:3])

    # -- recommendation items
    items = list(dict.fromkeys(
        it for b in page.blocks for it in b.items if it.lower() not in title_keys
    ))[:MAX_SCORED]
    if items:
        probs = [clickbait_prob(it) for it in items]
        bait = [it for it, p in zip(items, probs) if p >= RECS_ITEM_PROB or _phrase_hits(it)]
        values["clickbait.recs_mean_prob"] = finite(sum(probs) / len(probs))
        values["clickbait.recs_share_clickbait"] = ratio(len(bait), len(items))
        values["clickbait.recs_phrase_hits"] = float(sum(len(_phrase_hits(it)) for it in items))
        if len(bait) >= RECS_MIN_BAIT and len(bait) >= RECS_MIN_SHARE * len(items):
            result.fire("clickbait.recs", bait[:5])
    return result


family = Family("clickbait", FEATURES, extract)
