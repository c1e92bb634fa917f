"""Clickbait in the page tail/footer, in the title and in recommendation items.

Two signals: a phrase lexicon (resources/clickbait_phrases.txt: "you won't believe", "is wrong",
"doctors hate", ...) and a small headline classifier (farmdetect.clickbait_model) that learned
viral-site style from BuzzFeed/Upworthy vs news headlines. The classifier also likes UI strings
("Sign up for our newsletter and get ... delivered to you") and legit how-to/listicle titles
(0.999+), so its probabilities are features; the footer and title markers need a bait phrase,
and the recs marker a block made mostly of near-certain bait.
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
    r"\b(?:newsletter|subscribe|sign up|sign in|log in|cookies?|privacy|copyright|©|"
    r"rights reserved|terms of|email|e-mail|javascript|browser|account|password|comment|abonn|"
    r"anmelden|datenschutz)",
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
# At most this many tail lines / recommendation items go to the classifier (speed: ~5 µs each;
# the phrase regex still reads every tail line).
MAX_SCORED = 12
MAX_RECS_ITEMS = MAX_SCORED
# clickbait.footer fires on bait phrases only. The classifier's probability stays a feature
# (tail_max_prob): on 5,269 legit real pages, tail lines at >= 0.9999 were legit how-to and
# listicle titles, nav runs and citations (9 pages) while it added nothing on the farm pages;
# the seed footer scores 0.996 and fires by its phrases ("everything you've ever learned about").
# One phrase fires only on a line of this many words: farm footers are ad teasers ("Everything
# You've Ever Heard, ... And Everything You've Ever Done Is..."), legit tails hold short post
# titles ("10 Things You Didn't Know Dropbox Could Do"). Two distinct phrases fire at any length.
FOOTER_MIN_WORDS = 12
# Only headline-cased tail lines go to the classifier: on prose (comments, body text with "you")
# it fires on 20% of legit pages; the seed footer and the viral recs of label-1 pages are
# Title Cased.
HEADLINE_MIN_WORDS = 3
HEADLINE_CASE_SHARE = 0.75
# clickbait.title fires on a phrase hit only: legit listicle/how-to titles ("The 5 Best
# Gooseneck Kettles...") score 0.998+ on the classifier, which stays a feature.
# A recommendation item counts as clickbait at this probability (feature recs_share_clickbait).
RECS_ITEM_PROB = 0.97
# clickbait.recs fires on RECS_MIN_PHRASE items with a bait phrase, or on RECS_MIN_BAIT items at
# RECS_STRONG_PROB making RECS_MIN_SHARE of the block (legit blogs' own listicles rarely do).
RECS_MIN_PHRASE = 2
RECS_STRONG_PROB = 0.999
RECS_MIN_BAIT = 4
RECS_MIN_SHARE = 0.6


def _sentence_like(line: str) -> bool:
    n = line.count(" ") + 1
    return SENTENCE_MIN_WORDS <= n <= SENTENCE_MAX_WORDS


def _headline_case(line: str) -> bool:
    """Most longer words capitalised: a headline ("16 Mind Blowing Facts..."), not prose."""
    long = [w for w in line.split() if len(w) >= 4 and w[0].isalpha()]
    if len(long) < HEADLINE_MIN_WORDS:
        return False
    return sum(1 for w in long if w[0].isupper()) >= HEADLINE_CASE_SHARE * len(long)


def _fold(text: str) -> str:
    return text.translate(_APOS) if "’" in text or "‘" in text or "`" in text else text


def _phrase_hits(text: str) -> list[str]:
    return [m.group(0) for m in phrase_regex("clickbait_phrases").finditer(_fold(text))]


def _any_phrase(texts: list[str]) -> bool:
    """One regex pass over all texts (most pages have no hit, so per-line search is skipped)."""
    return phrase_regex("clickbait_phrases").search(_fold("\n".join(texts))) is not None


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
    if title_hits:
        result.fire("clickbait.title", [title_shown])

    # -- tail / footer
    lines = page.lines
    n_tail = min(TAIL_MAX_LINES, max(TAIL_MIN_LINES, int(len(lines) * TAIL_SHARE)))
    tail = [
        ln for ln in lines[-n_tail:]
        if _sentence_like(ln) and _headline_case(ln) and ln.lower() not in title_keys
        and not _UI_WORDS.search(ln)
    ]
    tail_hits = 0
    tail_max = 0.0
    footer: list[str] = []
    tail_has_phrase = _any_phrase(tail)
    for i, ln in enumerate(tail):
        hits = _phrase_hits(ln) if tail_has_phrase else []
        tail_hits += len(hits)
        if i >= len(tail) - MAX_SCORED:
            tail_max = max(tail_max, clickbait_prob(ln))
        long = ln.count(" ") + 1 >= FOOTER_MIN_WORDS
        if len({h.lower() for h in hits}) >= 2 or (long and hits):
            footer.append(ln)
    values["clickbait.tail_max_prob"] = finite(tail_max)
    values["clickbait.tail_phrase_hits"] = float(tail_hits)
    if footer:
        result.fire("clickbait.footer", footer[:3])

    # -- recommendation items
    items = list(dict.fromkeys(
        it for b in page.blocks for it in b.items if it.lower() not in title_keys
    ))[:MAX_RECS_ITEMS]
    if items:
        probs = [clickbait_prob(it) for it in items]
        phrased = [it for it in items if _phrase_hits(it)] if _any_phrase(items) else []
        bait = [it for it, p in zip(items, probs, strict=True) if p >= RECS_ITEM_PROB]
        strong = [it for it, p in zip(items, probs, strict=True) if p >= RECS_STRONG_PROB]
        values["clickbait.recs_mean_prob"] = finite(sum(probs) / len(probs))
        values["clickbait.recs_share_clickbait"] = ratio(len(bait), len(items))
        values["clickbait.recs_phrase_hits"] = float(len(phrased))
        if len(phrased) >= RECS_MIN_PHRASE:
            result.fire("clickbait.recs", phrased[:5])
        elif len(strong) >= RECS_MIN_BAIT and len(strong) >= RECS_MIN_SHARE * len(items):
            result.fire("clickbait.recs", strong[:5])
    return result


family = Family("clickbait", FEATURES, extract)
