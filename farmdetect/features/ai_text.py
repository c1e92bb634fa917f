"""Mass-produced machine text: chatbot leftovers, stock LLM phrasing, FAQ stuffing, persona bylines.

A chatbot leftover ("As an AI language model", "I hope this helps") is strong evidence on its own.
Stock phrasing ("delve", "in today's fast-paced world", "Zusammenfassend lässt sich sagen") is
normal in small doses, so it counts only as a rate of many distinct phrases. Phrase lists live in
``resources/ai_leftovers.txt`` and ``resources/ai_phrases.txt`` (several languages).
"""

from __future__ import annotations

import re
from functools import lru_cache

from farmdetect.features.base import Family, Result, phrase_regex, phrases, ratio
from farmdetect.page import Page, clean

FEATURES: tuple[str, ...] = (
    "ai_text.leftover_hits",
    "ai_text.markdown_hits",
    "ai_text.stock_per_1k",
    "ai_text.stock_distinct",
    "ai_text.faq_block",
    "ai_text.question_heading_share",
    "ai_text.listicle_heading_share",
    "ai_text.generic_author",
    "ai_text.author_mismatch",
    "ai_text.em_dash_rate",
)

# ai_text.stock_phrasing fires on at least this many distinct stock phrases at this rate per
# 1000 words (tests/data/pages/ai_stock_article.html has 10+ at ~15/1k; real label-0 articles
# rarely show more than 3 distinct ones).
STOCK_MIN_DISTINCT = 6
STOCK_MIN_PER_1K = 4.0
# The phrase rate is taken over at most this many words (a long page cannot dilute nor inflate it
# without bound) and over at least this many, so a 40-word teaser with one phrase is not "25/1k".
STOCK_MAX_WORDS = 6000
STOCK_MIN_WORDS = 300
# Rendered markdown left in the visible text ("## Heading", "**Abstract:**"): raw LLM output
# pasted into a CMS (freederia.com). Lines counted; the leftover marker needs this many.
MARKDOWN_MIN_LINES = 3
# An FAQ section counts as a block when it has at least this many question headings/lines.
FAQ_MIN_QUESTIONS = 3
# Leftover evidence: characters of context on each side of the hit.
EVIDENCE_CONTEXT = 90

_FAQ_HEAD = re.compile(
    r"\b(?:faqs?|frequently asked questions|häufig gestellte fragen|häufige fragen|"
    r"questions fréquentes|foire aux questions|preguntas frecuentes|domande frequenti|"
    r"veelgestelde vragen|perguntas frequentes)\b",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^(?:\d+[.)]\s*)?(?:what|why|how|when|where|which|who|can|should|is|are|do|does|will|"
    r"was|wie|warum|welche|kann|ist|quel|quelle|comment|pourquoi|qué|cómo|cuál|por qué)\b",
    re.IGNORECASE,
)
# "Best X for Y", "Top 10 ...", "7 Ways to ...": listicle section headings.
_LISTICLE = re.compile(
    r"^(?:\d+[.)]\s+|#\d+\s+)|^(?:the\s+)?(?:best|top)\s+\w+|\b\d+\s+(?:best|ways|tips|reasons|"
    r"things|ideas|steps|mistakes)\b",
    re.IGNORECASE,
)
_MD_LINE = re.compile(r"^#{2,4}\s+\S|\*\*[^*\n]{2,80}\*\*|^\s*\*\s{1,3}\*\*")
_EM_DASH = re.compile(r"—|â€”")
_BYLINE = re.compile(
    r"^(?:by|written by|posted by|author:|von|par|por|di|door)\s+"
    r"([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})",
)
# Authors that name no person: CMS defaults and house personas.
_GENERIC_AUTHOR = re.compile(
    r"^(?:the\s+)?(?:admin|administrator|webmaster|editor|editors|editorial(?: staff| team)?|"
    r"staff|staff writer|team|content team|editorial board|guest|guest author|author|user|"
    r"redaktion|rédaction|redacción|redazione|\w+ team|\w+ staff|\w+ editorial(?: team)?)$",
    re.IGNORECASE,
)
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author")


@lru_cache(maxsize=1)
def _stock_regex() -> re.Pattern[str]:
    """The stock phrases as one alternation; ``*`` in a phrase stands for one to four words."""
    alts = []
    for p in sorted(phrases("ai_phrases"), key=len, reverse=True):
        parts = [re.escape(x.strip()) for x in p.split("*")]
        alts.append(r"\s*\w+(?:[\s-]+\w+){0,3}\s*".join(parts).replace("'", "['’]"))
    return re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(alts), re.IGNORECASE)


def _context(text: str, start: int, end: int) -> str:
    """The hit with some surrounding text, cut at line bounds."""
    lo = text.rfind("\n", max(0, start - EVIDENCE_CONTEXT), start) + 1 or max(0, start - EVIDENCE_CONTEXT)
    hi = text.find("\n", end, end + EVIDENCE_CONTEXT)
    hi = hi if hi != -1 else min(len(text), end + EVIDENCE_CONTEXT)
    return text[lo:hi].strip()


def _name_tokens(name: str) -> set[str]:
    return {w for w in re.findall(r"\w+", name.lower()) if len(w) > 1}


def _authors(page: Page) -> tuple[str, str]:
    """(declared author from meta, visible byline name), either may be ''."""
    meta = page.meta
    declared = ""
    for key in _AUTHOR_KEYS:
        value = meta.get(key, "")
        if value and "://" not in value and not value.startswith("@"):
            declared = value
            break
    visible = ""
    for line in page.lines[:400]:
        if len(line) > 120:
            continue
        m = _BYLINE.match(line)
        if m:
            visible = m.group(1)
            break
    return declared, visible


def _is_generic(name: str, page: Page) -> bool:
    """A house persona: 'Admin', 'Editorial Staff', or the site's own name."""
    name = clean(name)
    if not name:
        return False
    if _GENERIC_AUTHOR.match(name):
        return True
    site = (page.domain or "").split(".")[0]
    squashed = re.sub(r"\W", "", name.lower())
    return bool(site) and len(site) > 3 and (squashed == site or squashed == site + "team")


def extract(page: Page) -> Result:
    """Measure machine-text markers on the page."""
    text = page.text
    n_words = len(page.words)
    result = Result({})

    leftover_rx = phrase_regex("ai_leftovers")
    leftover_hits = list(leftover_rx.finditer(text))
    md_lines = [line for line in page.lines if _MD_LINE.search(line)]

    stock_text = text if n_words <= STOCK_MAX_WORDS else " ".join(page.words[:STOCK_MAX_WORDS])
    stock_hits = [m.group(0).lower() for m in _stock_regex().finditer(stock_text)]
    distinct = sorted(set(stock_hits), key=stock_hits.index)
    per_1k = 1000.0 * len(stock_hits) / max(min(n_words, STOCK_MAX_WORDS), STOCK_MIN_WORDS)

    heads = [t for level, t in page.headings if level in (2, 3, 4)]
    questions = [t for t in heads if t.rstrip().endswith("?") or _QUESTION_START.match(t)]
    listicle = [t for t in heads if _LISTICLE.search(t)]
    faq = 0
    for i, (_, t) in enumerate(page.headings):
        if _FAQ_HEAD.search(t) and len(t) < 80:
            after = [h for _, h in page.headings[i + 1 : i + 30]]
            faq = sum(1 for h in after if h.rstrip().endswith("?"))
            if faq < FAQ_MIN_QUESTIONS:
                # FAQ accordions often use <button>/<summary>, not headings: count question lines.
                idx = next((k for k, line in enumerate(page.lines) if line == t), -1)
                if idx >= 0:
                    faq = max(faq, sum(1 for line in page.lines[idx + 1 : idx + 60] if line.endswith("?")))
            break

    declared, visible = _authors(page)
    generic = [n for n in (declared, visible) if _is_generic(n, page)]
    mismatch = bool(declared and visible and not (_name_tokens(declared) & _name_tokens(visible)))

    result.values.update({
        "ai_text.leftover_hits": float(len(leftover_hits)),
        "ai_text.markdown_hits": float(len(md_lines)),
        "ai_text.stock_per_1k": per_1k,
        "ai_text.stock_distinct": float(len(distinct)),
        "ai_text.faq_block": float(faq if faq >= FAQ_MIN_QUESTIONS else 0),
        "ai_text.question_heading_share": ratio(len(questions), len(heads)),
        "ai_text.listicle_heading_share": ratio(len(listicle), len(heads)),
        "ai_text.generic_author": 1.0 if generic else 0.0,
        "ai_text.author_mismatch": 1.0 if mismatch else 0.0,
        "ai_text.em_dash_rate": 1000.0 * len(_EM_DASH.findall(text)) / max(n_words, STOCK_MIN_WORDS),
    })

    if leftover_hits or len(md_lines) >= MARKDOWN_MIN_LINES:
        evidence = [_context(text, m.start(), m.end()) for m in leftover_hits[:3]]
        if len(md_lines) >= MARKDOWN_MIN_LINES:
            evidence += [f"raw markdown: {line[:120]}" for line in md_lines[:2]]
        result.fire("ai_text.leftover", evidence)
    if len(distinct) >= STOCK_MIN_DISTINCT and per_1k >= STOCK_MIN_PER_1K:
        result.fire("ai_text.stock_phrasing", [f"{per_1k:.1f} stock phrases per 1000 words"] + distinct[:8])
    if generic:
        label = "author meta" if generic[0] == declared else "byline"
        evidence = [f"{label}: {generic[0]}"]
        if mismatch:
            evidence.append(f"author meta {declared!r} but byline {visible!r}")
        result.fire("ai_text.generic_author", evidence)
    return result


family = Family("ai_text", FEATURES, extract)
