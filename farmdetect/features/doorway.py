"""Doorway pages: programmatic keyword/location pages made from one template.

A doorway page repeats one keyword or place across title, URL slug and body, and links to its
siblings — the same page for another town or service ("Pest Control in Troy", "... in Novi"),
whose URLs differ from its own only in that slot. Everything here reads the cached views
(title, slug, links, text) and is linear in their size.
"""

from __future__ import annotations

import re
from collections import Counter

from farmdetect.features.base import Family, Result, content_words, phrase_regex, ratio
from farmdetect.page import Page

FEATURES: tuple[str, ...] = (
    "doorway.title_kw_body_density",
    "doorway.title_slug_agree",
    "doorway.templated_link_groups",
    "doorway.max_templated_group",
    "doorway.sibling_slug_links",
    "doorway.service_in_town_links",
    "doorway.near_me_hits",
    "doorway.top_word_share",
    "doorway.top_bigram_share",
)

# Content words of the body read for the density measures (bounds the cost of huge pages).
MAX_WORDS = 5000
# A link-text template group needs this many distinct texts ("Pest Control in <Town>" x 8):
# share buttons ("Share on Facebook/X/LinkedIn/Email") stay below it.
MIN_TEMPLATE_GROUP = 8
# The fixed part of a text template must have at least this many words, so "Page 2..Page 9" and
# month archives ("January 2020") do not form templates.
MIN_TEMPLATE_FIXED_WORDS = 2
# Sibling URLs: internal links whose slug equals the page's own slug except for a slot of at most
# this many tokens ("pest-control-in-<romulus>-mi" vs "pest-control-in-<royal-oak>-mi").
MAX_SLOT_TOKENS = 3
# ... and the page's slug must have at least this many tokens for the comparison to mean anything.
MIN_SLUG_TOKENS = 3
# doorway.templated_links fires on a text-template group or a sibling-URL set at least this large
# (tests/data/pages/doorway_city_links.html; superbpestexterminator.com has 200+ siblings).
TEMPLATED_MARKER_MIN = 10
# doorway.keyword_stuffing: the title's keyword takes this share of the body's content words AND
# the page repeats it at least KW_MIN_COUNT times (tests/data/pages/doorway_city_links.html).
KW_MIN_DENSITY = 0.04
KW_MIN_COUNT = 12
KW_MIN_BODY_WORDS = 150

_SLUG_SPLIT = re.compile(r"[-_+.%\s]+")
_SLUG_EXT = re.compile(r"\.(s?html?|php|aspx?)$", re.IGNORECASE)
_SERVICE_IN_TOWN = re.compile(
    r"^[^\W\d][\w&'’ -]{2,40}?\s+(?:in|near|around|à|en|in der|bei|em)\s+[A-ZÀ-Ý][\w.'’ -]{1,30}$"
)


def _slug_tokens(href: str) -> tuple[str, ...]:
    """Tokens of the last path segment of a URL (cheap: no urlsplit per link)."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1].partition("/")[2]
    seg = path.rstrip("/").rsplit("/", 1)[-1]
    seg = _SLUG_EXT.sub("", seg.lower())
    return tuple(t for t in _SLUG_SPLIT.split(seg) if t)


def _is_sibling(own: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Same slug template with one varying slot of at most MAX_SLOT_TOKENS tokens."""
    if other == own or len(other) < 2:
        return False
    limit = min(len(own), len(other))
    p = 0
    while p < limit and own[p] == other[p]:
        p += 1
    s = 0
    while s < limit - p and own[-1 - s] == other[-1 - s]:
        s += 1
    fixed = p + s
    return fixed >= 2 and len(own) - fixed <= MAX_SLOT_TOKENS and len(other) - fixed <= MAX_SLOT_TOKENS


def _template_groups(texts: set[str]) -> dict[str, set[str]]:
    """Group link texts by their text minus the last / first one or two words (the varying slot)."""
    groups: dict[str, set[str]] = {}
    for text in texts:
        ws = text.lower().split()
        if len(ws) < MIN_TEMPLATE_FIXED_WORDS + 1 or len(ws) > 8:
            continue
        for k in (1, 2):
            if len(ws) - k >= MIN_TEMPLATE_FIXED_WORDS:
                groups.setdefault("<" + " ".join(ws[:-k]) + " _>", set()).add(text)
                groups.setdefault("<_ " + " ".join(ws[k:]) + ">", set()).add(text)
    return {k: v for k, v in groups.items() if len(v) >= MIN_TEMPLATE_GROUP and _alpha_fixed(k)}


def _alpha_fixed(key: str) -> bool:
    """The fixed part of a template has letters (not a year or a counter)."""
    return any(c.isalpha() for c in key.replace("_", ""))


def extract(page: Page) -> Result:
    """Measure doorway/keyword-page markers."""
    body_words = content_words(page.text)[:MAX_WORDS]
    n_body = len(body_words)
    word_counts = Counter(body_words)
    bigram_counts = Counter(zip(body_words, body_words[1:], strict=False))
    top_word, top_word_n = word_counts.most_common(1)[0] if word_counts else ("", 0)
    top_bigram_n = bigram_counts.most_common(1)[0][1] if bigram_counts else 0

    title_words = content_words(page.title)
    kw, kw_n = "", 0
    for bg in zip(title_words, title_words[1:], strict=False):
        if bg[0] != bg[1] and bigram_counts.get(bg, 0) > kw_n:
            kw, kw_n = " ".join(bg), bigram_counts[bg]
    kw_density = ratio(2 * kw_n, n_body)
    if not kw and title_words:
        # one-word titles: the title word's own density
        best = max(title_words, key=lambda w: word_counts.get(w, 0))
        kw, kw_n = best, word_counts.get(best, 0)
        kw_density = ratio(kw_n, n_body)

    slug = page.slug_words
    slug_agree = ratio(len(set(slug) & set(title_words)), len(set(slug))) if slug else 0.0

    internal = [link for link in page.links if link.internal and link.text]
    texts = {link.text for link in internal}
    groups = _template_groups(texts)
    biggest = max(groups.items(), key=lambda kv: len(kv[1])) if groups else ("", set())

    own = tuple(slug)
    siblings: dict[tuple[str, ...], str] = {}
    if len(own) >= MIN_SLUG_TOKENS:
        for link in internal:
            toks = _slug_tokens(link.href)
            if toks not in siblings and _is_sibling(own, toks):
                siblings[toks] = link.text
    service_links = sorted(t for t in texts if _SERVICE_IN_TOWN.match(t))
    near_me = len(phrase_regex("doorway_terms").findall(page.title + "\n" + page.text))

    result = Result({
        "doorway.title_kw_body_density": kw_density,
        "doorway.title_slug_agree": slug_agree,
        "doorway.templated_link_groups": float(len(groups)),
        "doorway.max_templated_group": float(len(biggest[1])),
        "doorway.sibling_slug_links": float(len(siblings)),
        "doorway.service_in_town_links": float(len(service_links)),
        "doorway.near_me_hits": float(near_me),
        "doorway.top_word_share": ratio(top_word_n, n_body),
        "doorway.top_bigram_share": ratio(top_bigram_n, max(n_body - 1, 0)),
    })

    if len(siblings) >= TEMPLATED_MARKER_MIN:
        examples = list(siblings.items())[:3]
        result.fire(
            "doorway.templated_links",
            [f"{len(siblings)} links to pages like this one ({'-'.join(own)})"]
            + [f"{text} → {'-'.join(toks)}" for toks, text in examples],
        )
    elif len(biggest[1]) >= TEMPLATED_MARKER_MIN:
        result.fire(
            "doorway.templated_links",
            [f"{len(biggest[1])} links share the template {biggest[0]}"] + sorted(biggest[1])[:3],
        )
    if n_body >= KW_MIN_BODY_WORDS and kw_n >= KW_MIN_COUNT and kw_density >= KW_MIN_DENSITY:
        result.fire("doorway.keyword_stuffing", [f"{kw!r}: {kw_n}× in {n_body} content words ({kw_density:.1%})"])
    return result


family = Family("doorway", FEATURES, extract)
