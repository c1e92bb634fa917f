"""Generic content-spam signals: page shape, redundancy and text quality.

The measures follow Ntoulas et al. 2006 ("Detecting spam web pages through content analysis":
word count, title length, anchor-text share, visible-text share, compressibility), the Gopher
quality rules (Rae et al. 2021: mean word length, symbol ratio, bullet/ellipsis lines, duplicate
lines, top n-gram share, duplicate n-gram share) and the C4 line filters (terminal punctuation,
"lorem ipsum", "javascript" lines, curly brackets). All are language-agnostic; none decides alone.
Everything is O(n) over at most ``MAX_WORDS`` words / ``MAX_TEXT_CHARS`` characters.
"""

from __future__ import annotations

import zlib
from collections import Counter

import numpy as np

from farmdetect.features.base import Family, Result, finite, ratio, stopwords
from farmdetect.page import Page, words

FEATURES: tuple[str, ...] = (
    "content.n_words",
    "content.n_lines",
    "content.title_words",
    "content.mean_word_len",
    "content.mean_line_words",
    "content.text_html_ratio",
    "content.compress_ratio",
    "content.stopword_frac",
    "content.link_density",
    "content.ext_link_share",
    "content.terminal_punct_frac",
    "content.bullet_line_frac",
    "content.ellipsis_line_frac",
    "content.symbol_ratio",
    "content.alpha_word_frac",
    "content.dup_line_frac",
    "content.dup_line_char_frac",
    "content.top_2gram_frac",
    "content.top_3gram_frac",
    "content.top_4gram_frac",
    "content.dup_ngram_frac",
    "content.lorem_ipsum",
    "content.js_line_frac",
    "content.curly_line_frac",
)

# n-gram statistics read the first MAX_WORDS words only: enough to see a page's redundancy,
# and it bounds the cost of a huge page (Gopher computes the same on whole documents).
MAX_WORDS = 5000
# Compressibility reads the first MAX_TEXT_CHARS characters with zlib level 1: Ntoulas's ratio
# separates spam at the high end (> 4) and a fast level keeps it well under a tenth of a ms.
MAX_TEXT_CHARS = 20_000
# Duplicate-n-gram span (Gopher uses 5..10; 5 alone covers the repeated sentences cheaply).
DUP_NGRAM_N = 5
# Lines shorter than this are menu items/buttons; the line-duplication measures skip them so a
# navigation menu repeated in header and footer does not look like repeated content.
MIN_DUP_LINE_CHARS = 30

# Markers. content.repetitive: over half of the long-line text is repeated lines AND a third of
# the first 5000 words sit in repeated 5-grams (tests/data/pages/repetitive_spun_page.html);
# real pages with a menu or a list of teasers stay under both.
REPETITIVE_DUP_LINE_CHARS = 0.5
REPETITIVE_DUP_NGRAM = 0.33
REPETITIVE_MIN_WORDS = 150
# content.thin: almost no readable text on a page that is mostly markup or links
# (tests/data/pages/thin_link_page.html): fewer words than a paragraph, link text dominating.
THIN_MAX_WORDS = 60
THIN_MIN_LINK_DENSITY = 0.6

# odd multiplier for mixing word hashes into n-gram keys
_MIX = 1_000_003
_TERMINAL = tuple('.!?"”’\'»。！？…:)')
_BULLETS = tuple("•●◦▪▫■□►▸▶‣⁃–—-*·✓✔☑➤➔→")
_ELLIPSES = ("...", "…")


def _ngram_stats(ws: list[str]) -> tuple[dict[int, float], float, tuple[str, ...]]:
    """Gopher n-gram redundancy over word hashes (numpy, linear plus one sort per n).

    Returns the top-n-gram character share for n = 2, 3, 4, the share of word positions
    covered by a repeated ``DUP_NGRAM_N``-gram, and the most repeated bigram.
    """
    n = len(ws)
    top: dict[int, float] = {2: 0.0, 3: 0.0, 4: 0.0}
    if n < 2:
        return top, 0.0, ()
    # Hashes of the (interned, already hashed) word strings; n-gram keys mix them with
    # wrap-around arithmetic: a collision needs two 64-bit keys to agree, negligible here.
    h = np.fromiter(map(hash, ws), dtype=np.int64, count=n)
    lens = np.fromiter(map(len, ws), dtype=np.int64, count=n)
    cum = np.concatenate(([0], np.cumsum(lens)))
    total = int(cum[-1]) or 1
    key = h
    gram2: tuple[str, ...] = ()
    dup = 0.0
    with np.errstate(over="ignore"):
        for size in range(2, DUP_NGRAM_N + 1):
            if n < size:
                break
            key = key[:-1] * _MIX + h[size - 1 :]
            uniq, counts = np.unique(key, return_counts=True)
            if size in top:
                peak = counts.max()
                if peak > 1:
                    # ties go to the n-gram seen first: hash order differs between processes
                    tops = uniq[counts == peak]
                    hit = key == tops[0] if len(tops) == 1 else np.isin(key, tops)
                    i = int(np.argmax(hit))
                    chars = int(cum[i + size] - cum[i])
                    top[size] = min(1.0, int(peak) * chars / total)
                    if size == 2:
                        gram2 = (ws[i], ws[i + 1])
            if size == DUP_NGRAM_N:
                starts = np.isin(key, uniq[counts > 1]).astype(np.int64)
                # a position is covered when a repeated n-gram starts within the n positions before
                covered = np.convolve(starts, np.ones(size, dtype=np.int64))[:n] > 0
                dup = float(np.count_nonzero(covered)) / n
    return top, dup, gram2


def extract(page: Page) -> Result:
    """Measure the page's content shape and redundancy."""
    lines = page.lines
    text = page.text
    ws = page.words
    capped = ws[:MAX_WORDS]
    n_words = len(ws)
    chars_capped = len("".join(capped))
    stop = stopwords()

    raw_text = text[:MAX_TEXT_CHARS].encode("utf-8", "surrogatepass")
    compress_ratio = ratio(len(raw_text), len(zlib.compress(raw_text, 1))) if raw_text else 0.0

    n_lines = len(lines)
    terminal = bullets = ellipsis = js = curly = 0
    long_counts: Counter[str] = Counter()
    for line in lines:
        if line.endswith(_TERMINAL):
            terminal += 1
        if line.startswith(_BULLETS):
            bullets += 1
        if line.endswith(_ELLIPSES):
            ellipsis += 1
        if "javascript" in line or "JavaScript" in line or "Javascript" in line:
            js += 1
        if "{" in line:
            curly += 1
        if len(line) >= MIN_DUP_LINE_CHARS:
            long_counts[line] += 1
    long_total = sum(long_counts.values())
    long_chars = sum(len(k) * c for k, c in long_counts.items())
    dup_lines = sum(c - 1 for c in long_counts.values() if c > 1)
    dup_chars = sum(len(k) * (c - 1) for k, c in long_counts.items() if c > 1)

    # Gopher's symbol ratio (# and ellipses per word); alpha-word share over \w tokens
    # (a token without a letter is a number here: punctuation is not a \w token).
    symbols = text.count("#") + text.count("...") + text.count("…")
    numeric = sum(map(str.isdigit, capped))
    top, dup_ngram, gram2 = _ngram_stats(capped)

    links = page.links
    n_ext = sum(1 for link in links if not link.internal)
    link_density = min(1.0, ratio(page.link_text_chars, len(text)))

    values = {
        "content.n_words": float(n_words),
        "content.n_lines": float(n_lines),
        "content.title_words": float(len(words(page.title))),
        "content.mean_word_len": ratio(chars_capped, len(capped)),
        "content.mean_line_words": ratio(n_words, n_lines),
        "content.text_html_ratio": min(1.0, ratio(len(text), len(page.html))),
        "content.compress_ratio": compress_ratio,
        "content.stopword_frac": ratio(sum(map(stop.__contains__, capped)), len(capped)),
        "content.link_density": link_density,
        "content.ext_link_share": ratio(n_ext, len(links)),
        "content.terminal_punct_frac": ratio(terminal, n_lines),
        "content.bullet_line_frac": ratio(bullets, n_lines),
        "content.ellipsis_line_frac": ratio(ellipsis, n_lines),
        "content.symbol_ratio": ratio(symbols, n_words),
        "content.alpha_word_frac": ratio(len(capped) - numeric, len(capped)),
        "content.dup_line_frac": ratio(dup_lines, long_total),
        "content.dup_line_char_frac": ratio(dup_chars, long_chars),
        "content.top_2gram_frac": top[2],
        "content.top_3gram_frac": top[3],
        "content.top_4gram_frac": top[4],
        "content.dup_ngram_frac": dup_ngram,
        "content.lorem_ipsum": 1.0 if "lorem ipsum" in text or "Lorem ipsum" in text else 0.0,
        "content.js_line_frac": ratio(js, n_lines),
        "content.curly_line_frac": ratio(curly, n_lines),
    }
    result = Result({k: finite(v) for k, v in values.items()})

    if (
        n_words >= REPETITIVE_MIN_WORDS
        and values["content.dup_line_char_frac"] >= REPETITIVE_DUP_LINE_CHARS
        and dup_ngram >= REPETITIVE_DUP_NGRAM
    ):
        line, count = long_counts.most_common(1)[0]
        evidence = [f"{count}× {line}"]
        if gram2:
            evidence.append(f"most repeated words: {' '.join(gram2)}")
        result.fire("content.repetitive", evidence)
    if 0 < n_words <= THIN_MAX_WORDS and link_density >= THIN_MIN_LINK_DENSITY:
        summary = f"{n_words} words, {link_density:.0%} of the text is links"
        result.fire("content.thin", [summary, text[:200]])
    return result


family = Family("content", FEATURES, extract)
