"""Generic signals that hold across farm kinds: off-topic spam links, feed snippets, first-hand
testing, and what the host name says.

* **Off-topic spam links.** SEO spam and hacked sites carry outbound links whose anchor text is
  about gambling, pharma, loans, dating or essay mills inside text about something else
  (resources/spam_topics.txt). A link counts as off-topic when its spam term is not among the
  page's own topic words (its headline and title), so a casino review site's casino links do
  not. The ``signals.offtopic_spam_links`` marker fires on ``SPAM_LINKS_MIN`` of them.
* **Feed snippets.** Pages that show a title and a cut excerpt and send the reader elsewhere
  with "Read more" / "Read the entire article here" (resources/readmore_phrases.txt): counted on
  outbound links only (a blog's own "Continue reading" is internal).
* **First-hand testing.** "We tested", "I've been using", "im Praxistest"
  (resources/firsthand_phrases.txt): what a reviewer who used the product writes, so that buy
  buttons alone do not make an honest affiliate review look like a farm.
* **Host name.** Digits and hyphens in the registrable domain's name, generic news/viral words
  in it, and a subdomain of a free blog or hosting platform. -1 when the page has no URL.

Values only, except the one marker; which of them matter is the model's job.
"""

from __future__ import annotations

import re
from functools import cache

from farmdetect.features.base import Family, Result, content_words, phrases, ratio
from farmdetect.features.phrasescan import lowered_text, scanner, vocabulary
from farmdetect.page import Page

FEATURES: tuple[str, ...] = (
    "signals.spam_links",
    "signals.offtopic_spam_links",
    "signals.spam_link_share",
    "signals.readmore_offsite",
    "signals.readmore_share",
    "signals.firsthand_hits",
    "signals.host_digits",
    "signals.host_hyphens",
    "signals.host_news_word",
    "signals.host_on_platform",
)

# The marker needs this many off-topic spam links (one can be a sponsor's or a commenter's).
SPAM_LINKS_MIN = 3
# An anchor longer than this is a sentence, not a "Read more" button.
READMORE_MAX_CHARS = 40
# Counts are capped here (a directory of 500 links is no more a spam page than one of 50).
MAX_COUNT = 50.0
# Generic words of made-up news and viral site names ("dailynewsnow", "viralbuzz247").
_NEWS_WORD = re.compile(
    r"news|daily|times|today|post|herald|tribune|gazette|viral|buzz|trend|insider|report|"
    r"update|hub|world|now|24|247|online|media|hot|info",
)
# Free blog and site-hosting platforms whose subdomains anyone can make.
PLATFORMS = (
    "blogspot.com", "wordpress.com", "weebly.com", "wixsite.com", "tumblr.com", "jimdo.com",
    "jimdofree.com", "over-blog.com", "livejournal.com", "webnode.com", "site123.me",
    "strikingly.com", "github.io", "netlify.app", "vercel.app", "web.app", "firebaseapp.com",
    "herokuapp.com", "blogger.com", "medium.com", "substack.com", "ucoz.ru", "narod.ru",
    "hatenablog.com", "fc2.com", "home.blog", "mystrikingly.com", "webflow.io", "glitch.me",
)
_EDGE = " \t\n:|»›>·•-–—….!?()[]«\"'"


@cache
def _spam_terms() -> tuple[frozenset[str], tuple[str, ...]]:
    """(one-word terms, longer terms) of resources/spam_topics.txt."""
    items = phrases("spam_topics")
    return frozenset(t for t in items if " " not in t), tuple(t for t in items if " " in t)


def spam_term(anchor: str) -> str | None:
    """The spam topic term an anchor text holds, if any."""
    text = anchor.lower()
    single, multi = _spam_terms()
    for w in re.findall(r"\w+", text):
        if w in single:
            return w
    for t in multi:
        if t in text:
            return t
    return None


def _topic_words(page: Page) -> set[str]:
    heads = " ".join([page.title, page.og_title, *page.h1[:1]])
    return {w.lower() for w in content_words(heads)} | {w.lower() for w in page.slug_words}


def _host_values(page: Page) -> tuple[float, float, float, float]:
    host, domain = page.host, page.domain
    if not host or not domain:
        return -1.0, -1.0, -1.0, -1.0
    name = domain.split(".", 1)[0]
    on_platform = any(host.endswith("." + p) for p in PLATFORMS)
    return (float(sum(ch.isdigit() for ch in name)), float(name.count("-")),
            1.0 if _NEWS_WORD.search(name) else 0.0, 1.0 if on_platform else 0.0)


def extract(page: Page) -> Result:
    """Measure the generic signals of one page."""
    outbound = [link for link in page.links if not link.internal and link.host]
    topic = _topic_words(page)
    spam: list[tuple[str, str]] = []
    offtopic: list[str] = []
    readmore = 0
    readmore_set = frozenset(phrases("readmore_phrases"))
    for link in outbound:
        text = " ".join(link.text.split())
        if not text:
            continue
        term = spam_term(text)
        if term:
            spam.append((term, text))
            if not set(term.split()) <= topic:
                offtopic.append(text)
        if len(text) <= READMORE_MAX_CHARS and text.lower().strip(_EDGE) in readmore_set:
            readmore += 1
    words = page.words
    firsthand = scanner("firsthand_phrases").scan(lowered_text(page.text), vocabulary(words))
    digits, hyphens, news_word, platform = _host_values(page)
    values = {
        "signals.spam_links": min(MAX_COUNT, float(len(spam))),
        "signals.offtopic_spam_links": min(MAX_COUNT, float(len(offtopic))),
        "signals.spam_link_share": ratio(len(spam), len(outbound)),
        "signals.readmore_offsite": min(MAX_COUNT, float(readmore)),
        "signals.readmore_share": ratio(readmore, len(outbound)),
        "signals.firsthand_hits": min(MAX_COUNT, float(len(firsthand))),
        "signals.host_digits": digits,
        "signals.host_hyphens": hyphens,
        "signals.host_news_word": news_word,
        "signals.host_on_platform": platform,
    }
    result = Result(values)
    if len(offtopic) >= SPAM_LINKS_MIN:
        result.fire("signals.offtopic_spam_links", offtopic[:5])
    return result


family = Family("signals", FEATURES, extract)
