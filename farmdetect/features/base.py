"""The feature-family protocol and small helpers every family shares."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from farmdetect.page import Page, words


@dataclass(frozen=True)
class Marker:
    """A marker that fired on a page, with the text that shows it (quoted in the audit)."""

    name: str
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "evidence": list(self.evidence)}


@dataclass
class Result:
    """What one family measured on one page: named values and the markers that fired."""

    values: dict[str, float]
    markers: list[Marker] = field(default_factory=list)

    def fire(self, name: str, evidence: Iterable[str] = ()) -> None:
        self.markers.append(Marker(name, tuple(_shorten(e) for e in evidence)))


@dataclass(frozen=True)
class Family:
    """One marker family: a name, the features it emits (in order) and its extractor."""

    name: str
    features: tuple[str, ...]
    extract: Callable[[Page], Result]


EVIDENCE_MAX_CHARS = 300


def _shorten(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= EVIDENCE_MAX_CHARS else text[: EVIDENCE_MAX_CHARS - 1] + "…"


# Punctuation around a UI string or section heading ("Connect with us:", "» Tips & Warnings").
LINE_STRIP = " \t:|»›>·•-–—…"
_APOS = str.maketrans({"’": "'", "‘": "'"})


def line_key(line: str) -> str:
    """A short line as a phrase-list key: lower-cased, curly apostrophes straightened, the
    surrounding punctuation stripped."""
    line = line.lower()
    if "’" in line or "‘" in line:
        line = line.translate(_APOS)
    return line.strip(LINE_STRIP)


def ratio(num: float, den: float) -> float:
    """num/den, 0.0 when den is 0 (never NaN or inf)."""
    return float(num) / float(den) if den else 0.0


def finite(x: float) -> float:
    """x as a finite float (NaN/inf become 0.0)."""
    x = float(x)
    return x if math.isfinite(x) else 0.0


@cache
def phrases(resource: str) -> tuple[str, ...]:
    """Lines of ``resources/<resource>.txt``, lower-cased, comments and blanks dropped."""
    text = resources.files("farmdetect.resources").joinpath(f"{resource}.txt").read_text("utf-8")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line.lower())
    return tuple(out)


@cache
def phrase_regex(resource: str) -> re.Pattern[str]:
    """One compiled alternation of a phrase list, matched case-insensitively on word bounds."""
    alts = sorted((re.escape(p) for p in phrases(resource)), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Multilingual function words (the stopwords resource is whitespace-separated)."""
    return frozenset(w for line in phrases("stopwords") for w in line.split())


def content_words(text: str, min_len: int = 3) -> list[str]:
    """Word tokens minus multilingual stop words and very short tokens."""
    stop = stopwords()
    return [w for w in words(text) if len(w) >= min_len and w not in stop and not w.isdigit()]


def norm_token(w: str) -> str:
    """Fold a token for comparison: lower, drop apostrophes ("moscow's" -> "moscows")."""
    return w.lower().replace("'", "").replace("’", "")


def overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Share of the distinct tokens of ``a`` that also occur in ``b``."""
    sa = {norm_token(x) for x in a}
    if not sa:
        return 0.0
    sb = {norm_token(x) for x in b}
    return len(sa & sb) / len(sa)
