"""Doorway pages: programmatic keyword/location pages made from one template.

A doorway page repeats one keyword or place across title, URL slug and body, and links to its
siblings — the same page for another town or service ("Pest Control in Troy", "... in Novi"),
whose URLs differ from its own only in that slot. Everything here reads the cached views
(title, slug, links, text) and is linear in their size.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from farmdetect.features.base import Family, Result, content_words, ratio, stopwords
from farmdetect.features.phrasescan import lowered_text, scanner, vocabulary
from farmdetect.page import Page, slug_tokens, words

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
    "doorway.place_slug",
    "doorway.place_blurb",
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
# The shared part must have this many tokens: two ("public-...-hcsp", "d-o-...") is a CMS naming
# scheme, not a keyword template (0.46% of label-0 pages fired with two, 0.32% with three).
MIN_FIXED_TOKENS = 3
# ... and the page's slug must have at least this many tokens for the comparison to mean anything.
MIN_SLUG_TOKENS = 3
# doorway.templated_links fires on a text-template group or a sibling-URL set at least this large
# (tests/data/pages/doorway_city_links.html; superbpestexterminator.com has 200+ siblings).
TEMPLATED_MARKER_MIN = 10
# doorway.keyword_stuffing: the title's keyword is also the URL slug's, takes this share of the
# body's content words and is repeated at least KW_MIN_COUNT times
# (tests/data/pages/doorway_city_links.html). Real pages about one topic reach 4-6% (p95 5.7%
# on 5269 label-0 pages), so the bar is well above that.
KW_MIN_DENSITY = 0.10
KW_MIN_COUNT = 20
KW_MIN_BODY_WORDS = 150

# doorway.place_slug: the page's own URL is a "<service>-in-<town>-<state>" page
# ("/pest-control-in-romulus-mi/") or a "/<state>/<service>-<town>-costs" page (homeyou). The
# region is a US state or Canadian province code (the programmatic local-SEO doorway is a North
# American genre), and the title must name the same town and the code ("Electrician in
# Ponchatoula, LA"), so a truncated news slug ("two_arrested_in_multi-state_de") is not one. On
# the 5,268 real label-0 pages it fires on none; local businesses name their town in the title,
# not in a stamped slug.
REGION_CODES = frozenset(
    "al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm "
    "ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc "
    "ab bc mb nb nl ns nt nu on pe qc sk yt".split()
)
# At most this many slug tokens name the town between "in"/"near" and the region code.
MAX_TOWN_TOKENS = 3
_PRICE_SLUG_END = frozenset({"cost", "costs", "price", "prices", "pricing", "rates"})
# doorway.place_blurb: the opening of an encyclopedia article about a town, pasted into a service
# page to fill it ("Romulus is a city in Wayne County, Michigan ... The population was 23,989 at
# the 2010 census."). Each pattern counts once; none is on a real label-0 page.
_PLACE_BLURB = (
    re.compile(r"\bpopulation was [\d,.]+ at the (?:18|19|20)\d\d census"),
    re.compile(
        r"\bis an? (?:city|town|village|township|borough|hamlet|census-designated place|suburb)"
        r"\b[^.]{0,60}?\bin [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)? (?:County|Parish)\b"
    ),
)
_BLURB_PROBES = ("census", "County", "Parish")

# odd multiplier for mixing word hashes into bigram keys
_MIX = 1_000_003
_PLACE_KEY = re.compile(r"\s(?:in|near|around|à|en|in der|bei|em|para)\s_>$|^<_ near me>$")
_SERVICE_IN_TOWN = re.compile(
    r"^[^\W\d][\w&'’ -]{2,40}?\s+(?:in|near|around|à|en|in der|bei|em)\s+[A-ZÀ-Ý][\w.'’ -]{1,30}$"
)


def _slug_tokens(href: str) -> tuple[str, ...]:
    """Tokens of the last path segment of a lower-cased URL (cheap: no urlsplit per link)."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1].partition("/")[2]
    return tuple(slug_tokens(path.rstrip("/").rsplit("/", 1)[-1]))


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
    slot_own, slot_other = len(own) - fixed, len(other) - fixed
    if fixed < MIN_FIXED_TOKENS or slot_own > MAX_SLOT_TOKENS or slot_other > MAX_SLOT_TOKENS:
        return False
    # an id or date in the slot ("world-us-canada-22725502") is an archive, not a place/keyword
    slot = other[p : len(other) - s]
    return bool(slot) and not all(t.isdigit() for t in slot)


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


def _place_template(key: str) -> bool:
    """A "<service> in _" / "_ near me" template: the kind doorway link lists use."""
    return bool(_PLACE_KEY.search(key))


def _alpha_fixed(key: str) -> bool:
    """The fixed part of a template has letters (not a year or a counter)."""
    return any(c.isalpha() for c in key.replace("_", ""))


def _bigram_counts(ws: list[str]) -> dict[tuple[str, str], int]:
    """Counts of the repeated bigrams of ws (numpy over word hashes; singletons dropped)."""
    if len(ws) < 2:
        return {}
    h = np.fromiter(map(hash, ws), dtype=np.int64, count=len(ws))
    with np.errstate(over="ignore"):
        key = h[:-1] * _MIX + h[1:]
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    rep = counts > 1
    return {(ws[i], ws[i + 1]): int(c) for i, c in zip(first[rep], counts[rep], strict=True)}


def _place_slug(path: str, title: str) -> bool:
    """A stamped local-service URL whose place the title repeats with its region code:
    '<service>-in-<town>-<st>' or '/<st>/<service>-<town>-costs' under 'Town, ST ...'."""
    segments = [seg for seg in path.lower().split("/") if seg]
    if not segments:
        return False
    toks = slug_tokens(segments[-1])
    title_words = set(words(title))
    if len(toks) >= 4 and toks[-1] in REGION_CODES:
        region, slots = toks[-1], range(max(1, len(toks) - 2 - MAX_TOWN_TOKENS), len(toks) - 2)
        town = next((toks[i + 1 : -1] for i in slots if toks[i] in ("in", "near")), None)
    elif (
        len(segments) >= 2
        and segments[-2] in REGION_CODES
        and len(toks) >= 3
        and toks[-1] in _PRICE_SLUG_END
    ):
        # the town is the slug token the title also names, just before the price word
        region, town = segments[-2], toks[-2:-1]
    else:
        return False
    return (
        town is not None
        and all(t in title_words for t in town)
        and re.search(rf"\b{region.upper()}\b", title) is not None
    )


def _place_blurb(text: str) -> list[str]:
    """The first match of each encyclopedia town-lead pattern the text holds."""
    if not any(probe in text for probe in _BLURB_PROBES):
        return []
    return [m.group(0) for m in (rx.search(text) for rx in _PLACE_BLURB) if m]


def extract(page: Page) -> Result:
    """Measure doorway/keyword-page markers."""
    capped = page.words[:MAX_WORDS]
    stop = stopwords()
    # filter over the distinct words once, then keep the page's words in C (filter/map)
    keep = {w for w in set(capped) if len(w) >= 3 and w not in stop and not w.isdigit()}
    body_words = list(filter(keep.__contains__, capped))
    n_body = len(body_words)
    word_counts = Counter(body_words)
    top_word_n = word_counts.most_common(1)[0][1] if word_counts else 0
    bigram_counts = _bigram_counts(body_words)
    top_bigram_n = max(bigram_counts.values(), default=0)

    title_words = content_words(page.title)
    kw, kw_n = "", 0
    for bg in zip(title_words, title_words[1:], strict=False):
        if bg[0] != bg[1] and bigram_counts.get(bg, 0) > kw_n:
            kw, kw_n = " ".join(bg), bigram_counts[bg]
    kw_density = ratio(2 * kw_n, n_body)
    if not kw_n and title_words:
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
    place_groups = {k: v for k, v in groups.items() if _place_template(k)}
    place = max(place_groups.items(), key=lambda kv: len(kv[1])) if place_groups else ("", set())

    own = tuple(slug)
    siblings: dict[tuple[str, ...], str] = {}
    if len(own) >= MIN_SLUG_TOKENS:
        # a sibling shares the slug's first or last token: test that on the raw href first
        probe = (own[0], own[-1])
        for link in internal:
            href = link.href.lower()
            if probe[0] not in href and probe[1] not in href:
                continue
            toks = _slug_tokens(href)
            if toks not in siblings and _is_sibling(own, toks):
                siblings[toks] = link.text
    service_links = sorted(t for t in texts if _SERVICE_IN_TOWN.match(t))
    near_me_text = lowered_text(page.title + "\n" + page.text)
    near_vocab = vocabulary(capped + words(page.title))
    near_me = len(scanner("doorway_terms").scan(near_me_text, near_vocab))

    place_slug = _place_slug(page.url_path, page.title)
    blurbs = _place_blurb(page.text)
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
        "doorway.place_slug": float(place_slug),
        "doorway.place_blurb": float(len(blurbs)),
    })
    if place_slug or blurbs:
        # a stamped town page: neither sign is on any of the 5,269 real label-0 pages
        result.fire(
            "doorway.place_page",
            ([f"stamped town page {page.url_path}: its town and region are in the title"]
             if place_slug else []) + blurbs,
        )

    if len(siblings) >= TEMPLATED_MARKER_MIN:
        examples = list(siblings.items())[:3]
        result.fire(
            "doorway.templated_links",
            [f"{len(siblings)} links to pages like this one ({'-'.join(own)})"]
            + [f"{text} → {'-'.join(toks)}" for toks, text in examples],
        )
    elif len(place[1]) >= TEMPLATED_MARKER_MIN:
        result.fire(
            "doorway.templated_links",
            [f"{len(place[1])} links share the template {place[0]}"] + sorted(place[1])[:3],
        )
    kw_in_slug = bool(kw) and set(kw.split()) <= set(slug)
    if (
        n_body >= KW_MIN_BODY_WORDS
        and kw_n >= KW_MIN_COUNT
        and kw_density >= KW_MIN_DENSITY
        and kw_in_slug
    ):
        evidence = f"{kw!r}: {kw_n}× in {n_body} content words ({kw_density:.1%})"
        result.fire("doorway.keyword_stuffing", [evidence])
    return result


family = Family("doorway", FEATURES, extract)
