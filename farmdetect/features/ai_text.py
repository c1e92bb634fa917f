"""Mass-produced machine text: chatbot leftovers, stock LLM phrasing, FAQ stuffing, persona bylines.

A chatbot leftover ("As an AI language model", "I hope this helps") is strong evidence on its own.
Stock phrasing ("delve", "in today's fast-paced world", "Zusammenfassend lässt sich sagen") is
normal in small doses, so it counts only as a rate of many distinct phrases. Phrase lists live in
``resources/ai_leftovers.txt`` and ``resources/ai_phrases.txt`` (several languages).

Over the article body alone (``page.article``) the family also measures the shape of generated
prose: the rate of LLM-favoured words (``resources/llm_vocabulary.txt``), how even the sentence and
paragraph lengths are (human prose is burstier), and the outline of a mass-produced SEO article
(dense sub-headings, "**Term:** ..." lead-ins, a "Conclusion" heading, a table of contents). These
are values for the model only, with no marker: each is common in honest marketing copy too.
"""

from __future__ import annotations

import re
from functools import cache

from farmdetect.features.base import Family, Result, phrases, ratio
from farmdetect.features.phrasescan import lowered_text, scanner, vocabulary
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
    "ai_text.ai_author",
)
# Measured over the article body only (see _article_shape).
_SHAPE_FEATURES: tuple[str, ...] = (
    "ai_text.llm_vocab_per_1k",
    "ai_text.llm_vocab_distinct",
    "ai_text.sentence_uniformity",
    "ai_text.paragraph_uniformity",
    "ai_text.headings_per_1k",
    "ai_text.bold_leadin_share",
    "ai_text.conclusion_heading",
    "ai_text.toc",
)
FEATURES = FEATURES + _SHAPE_FEATURES

# ai_text.stock_phrasing fires on at least this many distinct stock phrases at this rate per
# 1000 words (tests/data/pages/ai_stock_article.html). On 5269 real label-0 pages the median is 0
# distinct and p99 is 6; this pair fires on 0.2% of them (marketing copy).
STOCK_MIN_DISTINCT = 7
STOCK_MIN_PER_1K = 6.0
# The phrase rate is taken over at most this many words (a long page cannot dilute nor inflate it
# without bound) and over at least this many, so a 40-word teaser with one phrase is not "25/1k".
STOCK_MAX_WORDS = 6000
STOCK_MIN_WORDS = 300
# Rendered markdown left in the visible text ("## Heading", "**Abstract:**"): raw LLM output
# pasted into a CMS (freederia.com). Lines counted; the ai_text.raw_markdown marker needs this
# many. An ordinary marker, not a leftover: a legal-aid page printing "**CRITICAL WARNING**"
# in its text reaches it too (independent evaluation of model 0.8.0).
MARKDOWN_MIN_LINES = 5
# Text scanned for leftovers and dashes: the first 100k characters hold any page's article.
MAX_TEXT_CHARS = 100_000
# An FAQ section counts as a block when it has at least this many question headings/lines.
FAQ_MIN_QUESTIONS = 3
# Leftover evidence: characters of context on each side of the hit.
EVIDENCE_CONTEXT = 90

# Article-shape features are measured only on an article of at least this many words (a teaser
# or a product card has no prose style to measure) and over at most STOCK_MAX_WORDS of it.
ARTICLE_MIN_WORDS = 150
# Sentence/paragraph evenness needs this many sentences / paragraphs to mean anything; below, the
# value is 0.0, the same as "bursty human prose" (the neutral end, so a short page is never
# pushed towards machine text).
UNIFORM_MIN_SENTENCES = 8
UNIFORM_MIN_PARAGRAPHS = 5
# A paragraph is "of similar length" when within this factor of the median paragraph (generated
# articles are 3-4 sentence paragraphs; tests/data/pages/ai_mass_article.html).
PARAGRAPH_BAND = 0.35
# A headings rate is capped here: a link list of headings with no prose is not an "outline".
HEADINGS_PER_1K_CAP = 60.0

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n")
# "<li><strong>Term:</strong> ..." / "<p><b>Term</b>: ..." (lower-case tags: the modern CMS
# output that carries generated articles; 2007 upper-case HTML is not this genre).
_BOLD_LEADIN = re.compile(
    r"<(?:li|p)(?:\s[^>]{0,200})?>\s*<(strong|b)(?:\s[^>]{0,100})?>([^<]{1,80})</\1>\s*(:)?"
)
_ITEM_OPEN = re.compile(r"<(?:li|p)[\s>]")
_CONCLUSION = re.compile(
    r"^(?:\d+[.)]?\s*)?(?:in\s+)?(?:conclusions?|final thoughts|closing thoughts|wrapping up|"
    r"the bottom line|bottom line|summary|key takeaways|fazit|schlussfolgerung|zusammenfassung|"
    r"schlussgedanken|en résumé|en conclusion|pour conclure|conclusión|conclusiones|"
    r"en resumen|conclusione|conclusie|conclusão)\b",
    re.IGNORECASE,
)
# Table-of-contents titles, matched as a whole short line of visible text.
_TOC_KEYS = (
    "table of contents", "contents", "inhaltsverzeichnis", "inhalt", "sommaire",
    "table des matières", "índice", "tabla de contenidos", "contenido", "indice", "inhoudsopgave",
)
_TOC_LINE = re.compile(
    r"^(?:" + "|".join(re.escape(k) for k in _TOC_KEYS) + r")\s*[:\[\]()a-z ]{0,14}$",
    re.IGNORECASE,
)

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
_BYLINE = re.compile(
    r"^(?:[Bb]y|[Ww]ritten by|[Pp]osted by|[Aa]uthor:|[Vv]on|[Pp]ar|[Pp]or|[Dd]i|[Dd]oor)\s+"
    r"([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})",
)
# Authors that name no person: CMS defaults and house personas.
_GENERIC_AUTHOR = re.compile(
    r"^(?:the\s+)?(?:admin|administrator|webmaster|editor|editors|editorial(?: staff| team)?|"
    r"staff|staff writer|team|content team|editorial board|guest|guest author|author|user|"
    r"redaktion|rédaction|redacción|redazione|\w+ team|\w+ staff|\w+ editorial(?: team)?)$",
    re.IGNORECASE,
)
# The page declares that a machine wrote it: an author bio "Mazi is an intelligent agent designed
# to research ..." (dynamicbusiness.com's AI-tools section), "This article was generated using
# AI". Articles *about* AI ("AI-generated content", "written by AI") do not match; on the 5,269
# real label-0 pages this fires on none.
_AI_AUTHOR = re.compile(
    r"\bis an? (?:ai|a\.i\.|artificial[- ]intelligence|intelligent|autonomous)(?:[- ]powered)? "
    r"(?:agent|writer|author|journalist|reporter|columnist|persona)\b"
    r"|\b(?:this|the) (?:article|post|story|content|piece|text|blog post) (?:was|is|has been) "
    r"(?:\w+ )?(?:written|generated|created|produced|drafted|authored) (?:\w+ )?(?:by|with|using) "
    r"(?:an? )?(?:ai\b|a\.i\.|artificial intelligence|chatgpt|gpt-?\d|generative ai|"
    r"large language model|llm|ai tool|ai writer)",
    re.IGNORECASE,
)
_AI_AUTHOR_PROBES = ("AI", "A.I.", "ntelligen", "GPT", "LLM")
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author")


def _context(text: str, start: int, end: int) -> str:
    """The hit with some surrounding text, cut at line bounds."""
    floor = max(0, start - EVIDENCE_CONTEXT)
    lo = text.rfind("\n", floor, start) + 1
    if not lo:
        # no line start nearby: begin at a word, not inside one
        lo = text.find(" ", floor, start) + 1 if floor else 0
    hi = text.find("\n", end, end + EVIDENCE_CONTEXT)
    if hi == -1:
        hi = min(len(text), end + EVIDENCE_CONTEXT)
        if hi < len(text) and not text[hi].isspace():
            # no line end nearby: stop after a word, not inside one
            hi = max(end, text.rfind(" ", end, hi))
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


def _is_site_name(name: str, page: Page) -> bool:
    """The author is the site itself ('freederia' on freederia.com)."""
    site = (page.domain or "").split(".")[0]
    squashed = re.sub(r"\W", "", name.lower())
    return bool(site) and len(site) > 3 and (squashed == site or squashed == site + "team")


@cache
def _llm_vocabulary() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(single words, first word -> second words of two-word entries) of llm_vocabulary."""
    single: set[str] = set()
    pairs: dict[str, set[str]] = {}
    for entry in phrases("llm_vocabulary"):
        parts = entry.split()
        if len(parts) == 1:
            single.add(parts[0])
        elif len(parts) == 2:
            pairs.setdefault(parts[0], set()).add(parts[1])
    return frozenset(single), {k: frozenset(v) for k, v in pairs.items()}


def _llm_vocab(tokens: list[str]) -> tuple[int, int]:
    """(hits, distinct entries hit) of the LLM vocabulary in the tokens."""
    single, pairs = _llm_vocabulary()
    hits = [w for w in tokens if w in single]
    for i, w in enumerate(tokens[:-1]):
        if w in pairs and tokens[i + 1] in pairs[w]:
            hits.append(w + " " + tokens[i + 1])
    return len(hits), len(set(hits))


def _uniformity(article: str) -> tuple[float, float]:
    """(sentence, paragraph) length evenness of the article, 0.0 when too short to tell.

    Sentence evenness is 1 - coefficient of variation of sentence lengths in characters
    (characters, not words, so unspaced scripts count too), floored at 0; paragraph evenness is
    the share of paragraphs within PARAGRAPH_BAND of the median paragraph length.
    """
    sentences = [len(s) for s in _SENTENCE_END.split(article) if len(s) > 1]
    if len(sentences) < UNIFORM_MIN_SENTENCES:
        return 0.0, 0.0
    mean = sum(sentences) / len(sentences)
    var = sum((n - mean) ** 2 for n in sentences) / len(sentences)
    sentence = max(0.0, 1.0 - var**0.5 / mean)
    paras = sorted(len(p) for p in article.split("\n") if p)
    if len(paras) < UNIFORM_MIN_PARAGRAPHS:
        return sentence, 0.0
    median = paras[len(paras) // 2]
    near = sum(1 for n in paras if abs(n - median) <= PARAGRAPH_BAND * median)
    return sentence, near / len(paras)


def _bold_leadins(html: str) -> tuple[int, int]:
    """(list items/paragraphs opening with a bold "Term:" lead-in, all list items/paragraphs)."""
    leadins = 0
    for m in _BOLD_LEADIN.finditer(html):
        if m.group(3) or m.group(2).rstrip().endswith(":"):
            leadins += 1
    return leadins, len(_ITEM_OPEN.findall(html))


def _has_toc(page: Page, lowered: str) -> bool:
    """A short visible line titled like a table of contents."""
    if not any(k in lowered for k in ("content", "inhalt", "sommaire", "matières", "índice",
                                      "indice", "contenido", "inhoud")):
        return False
    return any(len(line) < 40 and _TOC_LINE.match(line) for line in page.lines)


def _article_shape(page: Page, lowered: str) -> dict[str, float]:
    """Vocabulary, evenness and outline of the article body (0.0 each on a short article)."""
    tokens = page.article_words[:STOCK_MAX_WORDS]
    out = dict.fromkeys(_SHAPE_FEATURES, 0.0)
    if len(tokens) < ARTICLE_MIN_WORDS:
        return out
    hits, distinct = _llm_vocab(tokens)
    sentence, paragraph = _uniformity(page.article)
    heads = [t for level, t in page.headings if level in (2, 3, 4)]
    n_words = max(len(page.words), len(tokens))
    leadins, items = _bold_leadins(page.html)
    out.update({
        "ai_text.llm_vocab_per_1k": 1000.0 * hits / len(tokens),
        "ai_text.llm_vocab_distinct": float(distinct),
        "ai_text.sentence_uniformity": sentence,
        "ai_text.paragraph_uniformity": paragraph,
        # over all visible words: the headings are the page's, sidebar widgets included
        "ai_text.headings_per_1k": min(HEADINGS_PER_1K_CAP, 1000.0 * len(heads) / n_words),
        "ai_text.bold_leadin_share": ratio(leadins, items),
        "ai_text.conclusion_heading": 1.0 if any(_CONCLUSION.match(t) for t in heads) else 0.0,
        "ai_text.toc": 1.0 if _has_toc(page, lowered) else 0.0,
    })
    return out


def extract(page: Page) -> Result:
    """Measure machine-text markers on the page."""
    text = page.text[:MAX_TEXT_CHARS]
    n_words = len(page.words)
    result = Result({})

    ws = page.words
    capped = ws[:STOCK_MAX_WORDS]
    vocab = vocabulary(capped)
    lowered = lowered_text(text)
    leftover_hits = scanner("ai_leftovers").scan(lowered, vocab)
    # a line that is a link's whole text is a menu or a table of contents repeating a heading's
    # source ("**Introduction**" on DigitalOcean), not model output pasted into the prose
    md_lines = [
        ln
        for ln in page.lines
        if ("#" in ln or "**" in ln) and _MD_LINE.search(ln) and ln not in page.anchor_texts
    ]

    stock_text = lowered
    if n_words > STOCK_MAX_WORDS:
        # cut about where the capped words end, so the rate and the vocabulary agree
        stock_text = lowered[: len(lowered) * STOCK_MAX_WORDS // n_words]
    stock_hits = [h[0] for h in scanner("ai_phrases").scan(stock_text, vocab)]
    distinct = list(dict.fromkeys(stock_hits))
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
                    window = page.lines[idx + 1 : idx + 60]
                    faq = max(faq, sum(1 for line in window if line.endswith("?")))
            break

    declared, visible = _authors(page)
    generic = [n for n in (declared, visible) if _GENERIC_AUTHOR.match(clean(n))]
    # the site's own name as author is common on news sites: a feature value, not a marker
    site_named = any(_is_site_name(n, page) for n in (declared, visible))
    mismatch = bool(declared and visible and not (_name_tokens(declared) & _name_tokens(visible)))

    ai_author = (
        list(_AI_AUTHOR.finditer(text))
        if any(probe in text for probe in _AI_AUTHOR_PROBES) else []
    )
    dashes = text.count("—") + text.count("â€”")
    result.values.update({
        "ai_text.leftover_hits": float(len(leftover_hits)),
        "ai_text.markdown_hits": float(len(md_lines)),
        "ai_text.stock_per_1k": per_1k,
        "ai_text.stock_distinct": float(len(distinct)),
        "ai_text.faq_block": float(faq if faq >= FAQ_MIN_QUESTIONS else 0),
        "ai_text.question_heading_share": ratio(len(questions), len(heads)),
        "ai_text.listicle_heading_share": ratio(len(listicle), len(heads)),
        "ai_text.generic_author": 1.0 if generic else 0.5 if site_named else 0.0,
        "ai_text.author_mismatch": 1.0 if mismatch else 0.0,
        "ai_text.em_dash_rate": 1000.0 * dashes / max(n_words, STOCK_MIN_WORDS),
        "ai_text.ai_author": 1.0 if ai_author else 0.0,
    })
    result.values.update(_article_shape(page, lowered))

    if leftover_hits:
        # lower() keeps offsets except for rare letters (İ); quote the folded text then
        source = text if len(text) == len(lowered) else lowered
        evidence = [_context(source, start, end) for _, start, end in leftover_hits[:3]]
        result.fire("ai_text.leftover", evidence)
    if len(md_lines) >= MARKDOWN_MIN_LINES:
        # its own, ordinary marker: a person's page can print "**CRITICAL WARNING**" too
        evidence = [f"raw markdown: {line[:120]}" for line in md_lines[:3]]
        result.fire("ai_text.raw_markdown", evidence)
    if ai_author:
        evidence = [_context(text, m.start(), m.end()) for m in ai_author[:2]]
        result.fire("ai_text.ai_author", evidence)
    if len(distinct) >= STOCK_MIN_DISTINCT and per_1k >= STOCK_MIN_PER_1K:
        rate = f"{per_1k:.1f} stock phrases per 1000 words"
        result.fire("ai_text.stock_phrasing", [rate] + distinct[:8])
    if generic:
        label = "author meta" if generic[0] == declared else "byline"
        evidence = [f"{label}: {generic[0]}"]
        if mismatch:
            evidence.append(f"author meta {declared!r} but byline {visible!r}")
        result.fire("ai_text.generic_author", evidence)
        if mismatch and generic == [declared]:
            # a persona's name (not generic) over the CMS account that really posted
            # ("Administrator" in the meta, "David Kim" on the page): 0 of the 5,269 real legit
            # pages
            result.fire("ai_text.persona_byline", [f"author meta {declared!r}, byline {visible!r}"])
    return result


family = Family("ai_text", FEATURES, extract)
