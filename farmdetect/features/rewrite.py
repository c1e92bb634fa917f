"""Aggregator-rewrite signs: wire copy, no byline or date, off-site canonical, credit lines,
rights held by an agency or another publisher, syndication/open-submission links.

A rewrite mill takes agency copy ("... told AFP", "(Reuters)"), strips the byline and the date,
sometimes keeps the source's canonical URL, and ends with "Source: ..." or WordPress's "The post
... appeared first on ...". A wire-copy portal keeps the agency's rights line ("© 2007 Agence
France Presse ... may not be published, broadcast, rewritten or redistributed") under its own
template, offers "Free content/Newsfeeds" or asks readers to "become a reporter"; a rewrite mill
credits the original outlet again and again ("according to a report by ..."); a press-release
mill pastes releases with their distributor credit, contact block and "###". Legitimate news
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
    phrases,
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
    "rewrite.press_release",
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
# PR Newswire's closing credit line: "SOURCE Acme Corporation" (case-sensitive, short).
_RELEASE_SOURCE = re.compile(r"^SOURCE\s+[A-Z][\w&.,'’ -]{1,60}$")
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

# A rights line: the copyright sign/word or a reservation of rights (EN, DE, FR, ES, NL, IT).
_RIGHTS_LINE = re.compile(
    r"©|\(c\)\s*\d|\bcopyright\b|\ball rights reserved\b|\bmay not be (?:re)?published\b"
    r"|\balle rechte vorbehalten\b|\btous droits r[ée]serv[ée]s\b|\bderechos reservados\b"
    r"|\balle rechten voorbehouden\b|\btutti i diritti riservati\b",
    re.I,
)
# Rights lines are short; the agencies' full clause runs to ~250 characters, a paragraph of
# terms of use is longer and is not one rights line.
RIGHTS_MAX_CHARS = 400
# The holder follows the sign and the years: "© 1997-2008 Anatolia.com Inc", "Copyright 2017 by X".
_HOLDER_AFTER = re.compile(
    r"(?:©|\(c\)|&copy;|\bcopyright\b)(?:\s*(?:©|\(c\)|\bcopyrights?\b))*[\s:]*"
    r"(?:\d{4}(?:\s*[-–—/,]\s*\d{2,4})?[\s,]*)?(?:by\s+)?(?P<name>[^|•·\n]{0,80})",
    re.I,
)
# Where a holder's name ends: "All rights reserved", a sentence end, a separator.
_HOLDER_END = re.compile(
    r"\ball rights\b|\balle rechte\b|\btous droits\b|\btodos los\b|\.\s|\s[-–—:/]\s|\s\d{4}\b",
    re.I,
)
_NAME_TOKEN = re.compile(r"[^\W\d_]+")
# Words of a holder's name that say nothing about who it is (legal forms, "all rights ...").
_GENERIC_HOLDER = frozenset(
    "inc llc ltd limited co corp corporation company companies group gmbh ag sa plc holdings "
    "the all rights reserved copyright copyrights com net org www media publishing publications "
    "news and of by de la le el".split()
)
# Title separators before/after a site name ("Story title - Site Name", "Site | Story").
_TITLE_SPLIT = re.compile(r"\s+[-|–—:/»·]+\s+|\s*\|\s*")
# A site-name segment of a title is short.
SITE_NAME_MAX_WORDS = 5
# "(via The Verge)", "— via TechCrunch": a credit to a named source after a bracket or dash.
_VIA_OUTLET = re.compile(r"(?:\(|[,;—–]\s*)\s*via\s+(?:the\s+)?[A-Z][\w.&'’-]+")
# "told The Washington Post", "told Business Insider": a quote given to a named outlet.
_TOLD_OUTLET = re.compile(
    r"\b(?:told|speaking to|spoke to|said to)\s+(?:the\s+)?(?:[A-Z][\w.'’&-]*\s+){0,3}"
    r"(?:News|Times|Post|Journal|Magazine|Insider|Reporter|Wire|Daily|Today|Tribune|Herald|Gazette"
    r"|Telegraph|Guardian|Independent|Observer|Chronicle)\b"
)
# "VG247 reports that ...", "GeekWire reported that ...", "..., notes Washington Examiner.": the
# story credited to a named party, the rewrite mill's retelling of another outlet's piece. In the
# article body of real pages: 3.5 % of legit pages, 3 of the 4 real 2017 rewrite mills.
_REPORTS_THAT = re.compile(
    r"\b[A-Z][\w'’.&-]*(?: [A-Z][\w'’.&-]*){0,3} (?:reports|reported|notes|noted|writes|wrote)"
    r" that\b|, (?:notes|reports|writes) (?:the )?[A-Z][\w'’.&-]*(?: [A-Z][\w'’.&-]*){0,3}\."
)
# the verb alone: a cheap pass that most articles fail (0.06 instead of 0.15 ms per page)
_REPORTS_VERB = re.compile(
    r" (?:reports|reported|notes|noted|writes|wrote) that\b|, (?:notes|reports|writes) "
)


@lru_cache(maxsize=1)
def _agency_rights() -> tuple[tuple[str, ...], re.Pattern[str]]:
    """(lower-cased substrings to pre-check, regex) from resources/agency_rights.txt."""
    plain, agencies = _phrases_and_agencies("agency_rights")
    alt_plain = "|".join(sorted((re.escape(p) for p in plain), key=len, reverse=True))
    alt_acr = "|".join(sorted((re.escape(a) for a in agencies), key=len, reverse=True))
    regex = re.compile(
        r"(?i:(?<!\w)(?:" + alt_plain + r")(?!\w))|(?<![\w-])(?:" + alt_acr + r")(?![\w-])"
    )
    return tuple(plain), regex


def _holder_tokens(line: str) -> list[str]:
    """Name tokens of the holder in a rights line ("© 2017 Wall Street Pit" -> wall street pit)."""
    m = _HOLDER_AFTER.search(line)
    name = m.group("name") if m else ""
    end = _HOLDER_END.search(name)
    if end:
        name = name[: end.start()]
    if m and not _NAME_TOKEN.search(name):
        # "Mattressnap Copyright ©": the holder stands before the sign
        name = line[: m.start()].rsplit("|", 1)[-1][-60:]
    return [t.lower() for t in _NAME_TOKEN.findall(name)]


def _site_names(page: Page) -> tuple[str, list[str]]:
    """(registrable-domain label, short title segments that may be the site's name)."""
    label = (page.domain or "").split(".")[0]
    label = re.sub(r"[^a-z0-9]", "", label.lower())
    parts = [p for p in _TITLE_SPLIT.split(page.title) if p]
    names = []
    if len(parts) >= 2:
        for part in (parts[0], parts[-1]):
            if len(part.split()) <= SITE_NAME_MAX_WORDS:
                names.append("".join(_NAME_TOKEN.findall(part.lower())))
    return label, [n for n in names if len(n) >= 3]


def _holder_is_site(tokens: list[str], label: str, names: list[str]) -> bool:
    """True when a holder's name matches the site's domain label or title site name."""
    keys = [k for k in (label, *names) if len(k) >= 3]
    squash = "".join(tokens)
    initials = "".join(t[0] for t in tokens if t not in ("the", "and", "of"))
    for key in keys:
        if key in squash or (len(squash) >= 3 and squash in key):
            return True
        # "British Broadcasting Corporation" on bbc.co.uk
        if len(initials) >= 2 and initials == key:
            return True
        if any(len(t) >= 4 and t not in _GENERIC_HOLDER and t in key for t in tokens):
            return True
    return False


def _rights(page: Page, tail: list[str]) -> tuple[list[str], float]:
    """(rights lines naming a news agency, holder-offsite value) from the page's last lines.

    Offsite is 1.0 when the rights lines name holders and none of them is the site, 0.0 when one
    is, MISSING when there is no named holder or nothing to compare it with.
    """
    lines = [ln for ln in tail if len(ln) <= RIGHTS_MAX_CHARS and _RIGHTS_LINE.search(ln)]
    if not lines:
        return [], MISSING
    label, names = _site_names(page)
    _, regex = _agency_rights()
    # an agency's rights line on the agency's own site (reuters.com, upi.com) is not republishing
    agency = [
        ln
        for ln in lines
        if any(
            not _holder_is_site([t.lower() for t in _NAME_TOKEN.findall(m.group(0))], label, names)
            for m in regex.finditer(ln)
        )
    ]
    if not label and not names:
        return agency, MISSING
    stop = stopwords()
    verdicts = []
    for ln in lines:
        tokens = _holder_tokens(ln)
        if not [t for t in tokens if t not in _GENERIC_HOLDER and t not in stop and len(t) >= 2]:
            continue
        verdicts.append(_holder_is_site(tokens, label, names))
    if not verdicts:
        return agency, MISSING
    return agency, 0.0 if any(verdicts) else 1.0


def _distinct_hits(resource: str, low_text: str) -> list[str]:
    """Distinct phrases of a resource list found in the text (substring pre-check first)."""
    if not any(p in low_text for p in phrases(resource)):
        return []
    found = (m.group(0).lower() for m in phrase_regex(resource).finditer(low_text))
    return list(dict.fromkeys(found))


def _phrases_and_agencies(resource: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(plain phrases, lower-cased; ``agency NAME`` lines, as written) of a resource list."""
    text = resources.files("farmdetect.resources").joinpath(f"{resource}.txt").read_text("utf-8")
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


@lru_cache(maxsize=1)
def _wire_lists() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(plain phrases, lower-cased; agency names, as written) from resources/wire_phrases.txt."""
    return _phrases_and_agencies("wire_phrases")


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
    """True when an absolute URL points to another site than the page's registrable domain.

    Not another site: a broken host (no dot, or URL-encoded junk such as
    "blog.example.fr%2farticles%2f..."), and the same brand under another suffix
    (thomann.de -> thomann.co.uk, businessinsider.com -> businessinsider.de): a publisher's
    country sites, 8 of the 28 real legit pages with an off-site canonical, no farm."""
    host = host_of(url) if url.startswith(("http://", "https://", "//")) else None
    if not host or "." not in host or "%" in host or not domain:
        return False
    other = registrable_domain(host)
    return bool(other and other != domain and _brand(other) != _brand(domain))


def _brand(domain: str) -> str:
    """The registrable domain's own label: 'thomann' of thomann.co.uk."""
    return domain.split(".", 1)[0]


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

    agency_lines, holder_offsite = _rights(page, tail)
    low_text = page.text.lower()
    syndication = _distinct_hits("syndication_phrases", low_text)
    submission = _distinct_hits("open_submission_phrases", low_text)
    release = _distinct_hits("press_release_phrases", low_text)
    # the release's own end lines: "SOURCE Acme Corp" (PR Newswire) and "###"
    release_lines = sum(1 for ln in tail if ln == "###" or _RELEASE_SOURCE.match(ln))
    low_article = article.lower()
    cites = (
        len(phrase_regex("outlet_citations").findall(low_article))
        if any(p in low_article for p in phrases("outlet_citations"))
        else 0
    )
    if " via " in article or "(via " in article:
        cites += len(_VIA_OUTLET.findall(article))
    if "told " in article or " to " in article:
        cites += len(_TOLD_OUTLET.findall(article))
    if _REPORTS_VERB.search(article):
        cites += len(_REPORTS_THAT.findall(article))

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
        "rewrite.agency_rights": float(bool(agency_lines)),
        "rewrite.rights_holder_offsite": holder_offsite,
        "rewrite.syndication_phrases": float(len(syndication)),
        "rewrite.open_submission": float(len(submission)),
        "rewrite.outlet_cites_per_1k_words": ratio(cites * 1000, n_words),
        "rewrite.article_share": min(1.0, ratio(n_words, len(page.words))),
        "rewrite.press_release": float(len(release) + min(release_lines, 2)),
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
    if agency_lines:
        result.fire("rewrite.agency_rights", agency_lines[:2])
    return result


family = Family("rewrite", FEATURES, extract)
