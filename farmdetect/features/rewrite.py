"""Aggregator-rewrite signs: wire copy, no byline or date, off-site canonical, credit lines,
rights held by an agency or another publisher, syndication/open-submission links.

A rewrite mill takes agency copy ("... told AFP", "(Reuters)"), strips the byline and the date,
sometimes keeps the source's canonical URL, and ends with "Source: ..." or WordPress's "The post
... appeared first on ...". A wire-copy portal keeps the agency's rights line ("© 2007 Agence
France Presse ... may not be published, broadcast, rewritten or redistributed") under its own
template, offers "Free content/Newsfeeds" or asks readers to "become a reporter"; a rewrite mill
credits the original outlet again and again ("according to a report by ..."). Legitimate news
sites carry wire copy too (with a byline "By AFP" and a date), so these are graded values here;
the combination is for the model.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from farmdetect.features.base import (
    Family,
    Result,
    content_words,
    norm_token,
    overlap,
    phrase_regex,
    ratio,
    stopwords,
)
from farmdetect.page import Page
from farmdetect.urls import host_of, registrable_domain

FEATURES: tuple[str, ...] = (
    "rewrite.wire_hits",
    "rewrite.wire_per_1k_words",
    "rewrite.no_byline",
    "rewrite.no_date",
    "rewrite.canonical_offsite",
    "rewrite.title_h1_agree",
    "rewrite.title_og_agree",
    "rewrite.title_slug_agree",
    "rewrite.source_line",
    "rewrite.via_line",
    "rewrite.appeared_first",
    "rewrite.agency_rights",
    "rewrite.rights_holder_offsite",
    "rewrite.syndication_phrases",
    "rewrite.open_submission",
    "rewrite.outlet_cites_per_1k_words",
    "rewrite.article_share",
)

# Attribution contexts an agency name must appear in (case-sensitive): "(AFP)", "told AFP",
# "AFP reported", "according to AFP", "AFP said", "AFP contributed", "— AFP", "AFP/".
_AGENCY_CONTEXT = (
    r"\(\s*(?:{a})\s*\)"
    r"|\b(?:told|to|by|from|via|according to|reported by|agency)\s+(?:the\s+)?(?:{a})\b"
    r"|\b(?:{a})\s+(?:reported|said|reports|says|contributed|news agency)\b|[—–-]\s*(?:{a})\b(?!-)"
    r"|\b(?:{a})/"
)
# A "By Name" byline line (EN, DE, FR, ES, NL, IT), or "Author:" label with a name.
_BYLINE_LINE = re.compile(
    r"(?:by|von|par|por|door|di|autor(?:in)?:|author:|written by|posted by|geschrieben von)"
    r"\s+[A-ZÀ-Ý][\w.'’-]+",
    re.I,
)
# A byline line is short ("By Anna Kowalska and AFP · 12 July 2022").
BYLINE_MAX_CHARS = 120
_BYLINE_CLASS = re.compile(r"author|byline|by-line|writer|reporter")
_AUTHOR_META = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author",
                "twitter:creator", "byl")
_DATE_META = ("article:published_time", "datepublished", "date", "pubdate", "publish-date",
              "dc.date", "dc.date.issued", "og:published_time", "sailthru.date", "parsely-pub-date",
              "article:modified_time", "datemodified", "last-modified")
_TIME_ELEMENT = re.compile(r"<time\b[^>]*\bdatetime\s*=", re.I)
# Credit lines of syndication/scraping: "Source: Reuters", "Sources: BBC, CNN", "via TechCrunch",
# "Originally published at/on ...", "This article first appeared on ...".
_SOURCE_LINE = re.compile(r"^(?:sources?|quelle[n]?|fuente[s]?|source\s+link)\s*:\s*\S", re.I)
_VIA_LINE = re.compile(r"^\(?(?:via|h/t|hat tip)\s*:?\s+\S.{0,80}$", re.I)
_ORIGINAL_LINE = re.compile(
    r"\b(?:originally (?:published|appeared|posted)|(?:first|originally) appeared (?:on|in|at)|"
    r"this (?:article|story|post) (?:was )?(?:first |originally )?(?:published|appeared) "
    r"(?:on|in|at|by))\b",
    re.I,
)
_APPEARED_FIRST = re.compile(r"\bthe post\b.{1,200}?\bappeared first on\b", re.I)
# Credit lines count only near the end of the text: "Source:" in a spec table mid-page is not a
# credit. The last this-many lines are looked at.
TAIL_LINES = 40
# Credit lines longer than this are sentences, not credits.
CREDIT_MAX_CHARS = 200
# A title/h1/slug pair agrees on this share of content words; below it the page's parts
# disagree (scraped title over another article's body). Missing parts give -1.
MISSING = -1.0


@lru_cache(maxsize=1)
def _wire_lists() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(plain phrases, lower-cased; agency names, as written) from resources/wire_phrases.txt."""
    text = resources.files("farmdetect.resources").joinpath("wire_phrases.txt").read_text("utf-8")
    plain, agencies = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("agency "):
            agencies.append(line[len("agency ") :].strip())
        else:
            plain.append(line.lower())
    return tuple(plain), tuple(agencies)


def _may_have_wire(text: str) -> bool:
    """Cheap substring pre-check: the wire regex (a slow alternation) runs only when it may hit."""
    plain, agencies = _wire_lists()
    if any(a in text for a in agencies):
        return True
    low = text.lower()
    return any(p in low for p in plain)


@lru_cache(maxsize=1)
def wire_regex() -> re.Pattern[str]:
    """One regex over resources/wire_phrases.txt: plain phrases (any case) + agency contexts."""
    plain_list, agency_list = _wire_lists()
    plain = [re.escape(p) for p in plain_list]
    agencies = [re.escape(a) for a in agency_list]
    alt_agencies = "|".join(sorted(agencies, key=len, reverse=True))
    alt_plain = "|".join(sorted(plain, key=len, reverse=True))
    return re.compile(
        r"(?i:(?<!\w)(?:" + alt_plain + r")(?!\w))|" + _AGENCY_CONTEXT.format(a=alt_agencies)
    )


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) holding text[start:end], for evidence."""
    left = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start))
    right_candidates = [i for i in (text.find("\n", end), text.find(". ", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left + 1 : right].strip()


def _has_byline(page: Page) -> bool:
    meta = page.meta
    if any(meta.get(k) for k in _AUTHOR_META):
        return True
    if any("author" in link.rel.lower() for link in page.links if link.rel):
        return True
    if any(_BYLINE_CLASS.search(c) for c in page.class_names):
        return True
    if '"author"' in page.html:  # JSON-LD Article author
        return True
    return any(len(ln) <= BYLINE_MAX_CHARS and _BYLINE_LINE.match(ln) for ln in page.lines)


def _has_date(page: Page) -> bool:
    meta = page.meta
    if any(meta.get(k) for k in _DATE_META):
        return True
    html = page.html
    if "datePublished" in html:
        return True
    return "<time" in html and _TIME_ELEMENT.search(html) is not None


def _offsite(url: str, domain: str | None) -> bool:
    """True when an absolute URL's registrable domain differs from the page's."""
    host = host_of(url) if url.startswith(("http://", "https://", "//")) else None
    # a host without a dot is a broken canonical ("http://packing-list-trip"), not another site
    return bool(host and "." in host and domain and registrable_domain(host) != domain)


def _agree(a: list[str], b: list[str]) -> float:
    """Share of a's content words found in b; MISSING when either side is empty."""
    if not a or not b:
        return MISSING
    return overlap(a, b)


def extract(page: Page) -> Result:
    """Measure aggregator-rewrite signs on one page."""
    article = page.article
    n_words = len(page.article_words)
    wire = list(wire_regex().finditer(article)) if _may_have_wire(article) else []
    tail = page.lines[-TAIL_LINES:]
    source_lines = [ln for ln in tail if len(ln) <= CREDIT_MAX_CHARS and _SOURCE_LINE.match(ln)]
    via_lines = [ln for ln in tail if _VIA_LINE.match(ln)]
    # the two sentence regexes run only when their key words occur in the tail at all
    tail_low = "\n".join(tail).lower()
    original = (
        [ln for ln in tail if len(ln) <= CREDIT_MAX_CHARS * 2 and _ORIGINAL_LINE.search(ln)]
        if "appeared" in tail_low or "published" in tail_low or "posted" in tail_low
        else []
    )
    appeared = (
        [ln for ln in tail if _APPEARED_FIRST.search(ln)] if "appeared first" in tail_low else []
    )

    domain = page.domain
    off = list(dict.fromkeys(u for u in (page.canonical, page.og_url) if u and _offsite(u, domain)))

    title_words = content_words(page.title)
    h1_words = content_words(page.h1[0]) if page.h1 else []
    og_words = content_words(page.og_title)
    slug = [w for w in page.slug_words if len(w) >= 3]
    slug_words = content_words(" ".join(slug)) if len(slug) >= 2 else []

    values = {
        "rewrite.wire_hits": float(len(wire)),
        "rewrite.wire_per_1k_words": ratio(len(wire) * 1000, n_words),
        "rewrite.no_byline": float(not _has_byline(page)),
        "rewrite.no_date": float(not _has_date(page)),
        "rewrite.canonical_offsite": float(bool(off)),
        "rewrite.title_h1_agree": _agree(h1_words, title_words),
        "rewrite.title_og_agree": _agree(og_words, title_words),
        "rewrite.title_slug_agree": _agree([norm_token(w) for w in slug_words], title_words),
        "rewrite.source_line": float(bool(source_lines)),
        "rewrite.via_line": float(bool(via_lines or original)),
        "rewrite.appeared_first": float(bool(appeared)),
    }
    result = Result(values)
    if wire:
        seen: list[str] = []
        for m in wire:
            sent = _sentence_around(article, m.start(), m.end())
            if sent not in seen:
                seen.append(sent)
            if len(seen) == 3:
                break
        result.fire("rewrite.wire_copy", seen)
    if off:
        evidence = [f"page {page.host}", *(f"points to {u}" for u in off)]
        result.fire("rewrite.canonical_offsite", evidence)
    if source_lines or original:
        result.fire("rewrite.source_credit", (source_lines + original)[:3])
    if appeared:
        result.fire("rewrite.appeared_first", appeared[:1])
    return result


family = Family("rewrite", FEATURES, extract)
