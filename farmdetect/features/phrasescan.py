"""Fast counting of a phrase list in page text.

One big regex alternation costs ~10 ms on a long page in Python's re (every position tries every
branch). Instead a phrase is only searched when all of its words occur on the page (a set test),
then found with ``str.count`` and confirmed on word bounds by its own small regex. ``*`` in a
phrase stands for one to four words.
"""

from __future__ import annotations

import re
from functools import cache

from farmdetect.features.base import phrases
from farmdetect.page import words

_WILD = r"\w+(?:[\s-]+\w+){0,3}"


class PhraseScanner:
    """Counts the phrases of one resource list in a page's lower-cased text."""

    def __init__(self, items: tuple[str, ...]) -> None:
        self._items: list[tuple[str, frozenset[str], str, re.Pattern[str]]] = []
        for p in items:
            p = p.replace("’", "'")
            literal = max((part.strip() for part in p.split("*")), key=len)
            parts = [re.escape(part.strip()) for part in p.split("*")]
            rx = re.compile(r"(?<!\w)" + (r"\s*" + _WILD + r"\s*").join(parts) + r"(?!\w)")
            self._items.append((p, frozenset(words(p.replace("*", " "))), literal, rx))

    def scan(self, lowered: str, vocab: set[str] | frozenset[str]) -> list[tuple[str, int, int]]:
        """(phrase, start, end) of every non-overlapping hit, in text order.

        ``lowered`` is from ``lowered_text``; ``vocab`` is the page's distinct words, folded alike.
        """
        hits: list[tuple[str, int, int]] = []
        for phrase, needed, literal, rx in self._items:
            if needed <= vocab and literal in lowered:
                hits.extend((phrase, m.start(), m.end()) for m in rx.finditer(lowered))
        # overlapping phrases ("delve" inside "delve into") count once, as the longest
        hits.sort(key=lambda h: (h[1], h[1] - h[2]))
        out: list[tuple[str, int, int]] = []
        for hit in hits:
            if not out or hit[1] >= out[-1][2]:
                out.append(hit)
        return out


@cache
def scanner(resource: str) -> PhraseScanner:
    """The scanner of ``resources/<resource>.txt`` (built once)."""
    return PhraseScanner(phrases(resource))


def lowered_text(text: str) -> str:
    """Text folded the way the scanner expects it (lower case, typographic apostrophes plain)."""
    return text.lower().replace("’", "'")


def vocabulary(tokens: list[str]) -> set[str]:
    """The distinct tokens, folded like ``lowered_text``."""
    distinct = set(tokens)
    # most pages have no curly apostrophe in any word: one C-level test instead of a fold per word
    if "’" not in "".join(distinct):
        return distinct
    return {w.replace("’", "'") for w in distinct}
