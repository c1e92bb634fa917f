"""Made-for-affiliate pages: affiliate links, disclosures, buy buttons, SEO title templates.

A thin affiliate page exists to send readers to a shop through tracked links: many outbound
links are affiliate redirects (amazon ``tag=``, network click domains, ``/go/`` cloakers,
``rel="sponsored"``), the page carries the legally required disclosure, product boxes end in
"Check price" buttons, and the title follows the SEO template ("10 Best Mattresses in 2025").
Legit review sites show the same signs in smaller doses, so these are features for the model;
only the marker is strict. Everything reads the cached views (links, lines, title, h1).
"""

from __future__ import annotations

import re
from functools import cache

from farmdetect.features.base import Family, Result, phrases, ratio
from farmdetect.features.phrasescan import lowered_text, scanner
from farmdetect.page import Link, Page, words

FEATURES: tuple[str, ...] = (
    "monetization.affiliate_links",
    "monetization.affiliate_share",
    "monetization.affiliate_programs",
    "monetization.amazon_links",
    "monetization.sponsored_rel",
    "monetization.cloaked_links",
    "monetization.disclosure_hits",
    "monetization.cta_buttons",
    "monetization.cta_per_1k_words",
    "monetization.title_year",
    "monetization.title_superlative",
    "monetization.title_numbered_list",
    "monetization.title_review_vs",
    "monetization.title_template_score",
)

# monetization.affiliate_heavy: at least this many affiliate links
# (tests/data/pages/affiliate_listicle.html has 12) ...
HEAVY_MIN_LINKS = 8
# ... making at least this share of the outbound links. Chosen on the 5,269 real legit pages
# only: 0.5 fired on 0.65% of them, 0.7 on 0.30% (16 pages: Wirecutter/Serious Eats-style
# "best X" reviews, deal posts); legit news pages with a few affiliate links stay far below.
HEAVY_MIN_SHARE = 0.7
# A CTA is a button: a line of at most this many words and characters holding a CTA phrase
# ("$129 Check Price on Amazon →"); the same phrase inside a sentence is not a button.
CTA_MAX_WORDS = 7
CTA_MAX_CHARS = 60
# CTA density denominator floor, so a near-empty page with one button does not read as 1000/1k.
CTA_MIN_WORDS = 200

# Amazon storefronts: a product link there with an associate tag is an affiliate link.
_AMAZON = re.compile(
    r"(?:^|\.)amazon\.(?:com|ca|de|fr|es|it|nl|se|pl|in|sg|ae|sa|eg|com\.tr|com\.be"
    r"|co\.uk|co\.jp|com\.au|com\.br|com\.mx)$"
)
_AMAZON_TAG = re.compile(r"[?&](?:tag|ascsubtag|linkcode)=", re.IGNORECASE)
# Link-cloaker paths of affiliate plugins (ThirstyAffiliates /recommends/<product>/, Pretty Links
# /go/<product>): the first path segment on the page's own site, then one or two slug segments
# with a letter and no query. Portal redirects (bbc.co.uk/go/toolbar/i/-/home/i/, /link/38,
# /goto/post?id=...) have more segments, a number or a query, and fired on 0.2% of legit pages.
_CLOAK = re.compile(
    r"^(?:(?:https?:)?//[^/?#]+)?/(?:go|goto|out|recommends|recommend|refer|visit|link|aff"
    r"|affiliate|afflink|partner-link)(?:/[\w.-]*[^\W\d_][\w.-]*){1,2}/?$",
    re.IGNORECASE,
)
# Years of SEO titles ("in 2025", "(2024)"); a date's year ("3/4/2019", "2019-04") is not one.
_YEAR = re.compile(r"(?<![\d/.-])(?:19[89]\d|20[0-3]\d)(?![\d/-])")
_SUPERLATIVE = re.compile(
    r"(?<!\w)(?:best|top|ultimate|greatest|cheapest|top[- ]rated|must[- ]have|complete guide"
    r"|definitive guide|buying guide|beste[nrs]?|top-?\d+|meilleur(?:e|s|es)?|mejor(?:es)?"
    r"|migliori|kaufberatung|guide d'achat|guía de compra)(?!\w)",
    re.IGNORECASE,
)
# "10 Best ...", "Top 7 ...", "15 AI Tools ...": a number heading the list (digits are
# language-agnostic); a title that is only a year or a count of something else does not match.
_NUMBERED = re.compile(
    r"^\s*(?:the\s+|les\s+|die\s+|los\s+|las\s+)?\d{1,3}\+?\s+\w|(?<!\w)top[\s-]?\d{1,3}(?!\d)",
    re.IGNORECASE,
)
_REVIEW_VS = re.compile(
    r"(?<!\w)(?:vs\.?|versus|reviews?|reviewed|comparison|compared|alternatives|im test"
    r"|testsieger|vergleich|erfahrungen|avis|comparatif|test complet|comparativa|reseñas?"
    r"|análisis|opiniones|recensione)(?!\w)",
    re.IGNORECASE,
)


@cache
def _affiliate_hosts() -> frozenset[str]:
    """Hosts of resources/affiliate_hosts.txt."""
    return frozenset(phrases("affiliate_hosts"))


@cache
def _program_of(host: str) -> str:
    """The affiliate host entry this host is (or is a subdomain of), '' when none."""
    known = _affiliate_hosts()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        suffix = ".".join(parts[i:])
        if suffix in known:
            return suffix
    return ""


@cache
def _needed_words() -> frozenset[str]:
    """Every word of the disclosure and CTA phrases, with both apostrophe spellings."""
    out: set[str] = set()
    for resource in ("affiliate_disclosures", "cta_phrases"):
        for p in phrases(resource):
            for w in words(p.replace("*", " ")):
                out.update((w, w.replace("'", "’")))
    return frozenset(out)


def _button_hits(lowered: str, hits: list[tuple[str, int, int]]) -> list[str]:
    """The CTA hits that sit on a short line of their own (a button), as their lines."""
    out = []
    for _, start, end in hits:
        line = lowered[lowered.rfind("\n", 0, start) + 1 : _line_end(lowered, end)]
        if line.count(" ") < CTA_MAX_WORDS and len(line) <= CTA_MAX_CHARS:
            out.append(line)
    return out


def _line_end(text: str, pos: int) -> int:
    """Index of the newline ending the line at pos (len(text) on the last line)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def extract(page: Page) -> Result:
    """Measure affiliate-monetisation markers."""
    affiliate: list[tuple[Link, str]] = []
    outbound = amazon = sponsored = cloaked = 0
    for link in page.links:
        host = link.host
        if link.internal:
            program = "cloaked" if _CLOAK.match(link.href) else ""
            cloaked += bool(program)
        else:
            outbound += 1
            program = _program_of(host) if host else ""
            if host and "amazon." in host and _AMAZON.search(host):
                amazon += 1
                if not program and _AMAZON_TAG.search(link.href):
                    program = "amazon"
            elif host and host.startswith("amzn."):
                amazon += 1
        if link.rel and "sponsored" in link.rel.lower():
            sponsored += 1
            program = program or "sponsored"
        if program:
            # a cloaked /go/ or sponsored internal redirect leaves the site: it is outbound too
            outbound += link.internal
            affiliate.append((link, program))

    lowered = lowered_text(page.text)
    # the phrase words present on the page: intersecting a small set with the word list is
    # cheaper than building the page's whole vocabulary
    vocab = {w.replace("’", "'") for w in _needed_words().intersection(page.words)}
    disclosures = scanner("affiliate_disclosures").scan(lowered, vocab)
    buttons = _button_hits(lowered, scanner("cta_phrases").scan(lowered, vocab))
    n_words = len(page.words)

    heading = " \n ".join([page.title, *page.h1])
    year = bool(_YEAR.search(heading))
    superlative = bool(_SUPERLATIVE.search(heading))
    numbered = any(_NUMBERED.search(t) for t in [page.title, *page.h1])
    review = bool(_REVIEW_VS.search(heading))

    result = Result({
        "monetization.affiliate_links": float(len(affiliate)),
        "monetization.affiliate_share": ratio(len(affiliate), outbound),
        "monetization.affiliate_programs": float(len({p for _, p in affiliate})),
        "monetization.amazon_links": float(amazon),
        "monetization.sponsored_rel": float(sponsored),
        "monetization.cloaked_links": float(cloaked),
        "monetization.disclosure_hits": float(len(disclosures)),
        "monetization.cta_buttons": float(len(buttons)),
        "monetization.cta_per_1k_words": 1000.0 * ratio(len(buttons), max(n_words, CTA_MIN_WORDS)),
        "monetization.title_year": float(year),
        "monetization.title_superlative": float(superlative),
        "monetization.title_numbered_list": float(numbered),
        "monetization.title_review_vs": float(review),
        "monetization.title_template_score": float(year + superlative + numbered + review),
    })

    share = ratio(len(affiliate), outbound)
    if len(affiliate) >= HEAVY_MIN_LINKS and share >= HEAVY_MIN_SHARE:
        seen: list[str] = []
        for link, _ in affiliate:
            if link.href not in seen:
                seen.append(link.href)
            if len(seen) == 3:
                break
        result.fire(
            "monetization.affiliate_heavy",
            [f"{len(affiliate)} of {outbound} outbound links are affiliate links ({share:.0%})"]
            + seen,
        )
    return result


family = Family("monetization", FEATURES, extract)
