"""farmdetect: tell content-farm and spam web pages from real ones, and say why.

    >>> import farmdetect
    >>> verdict = farmdetect.audit(html, url="https://example.com/a")   # doctest: +SKIP
    >>> verdict.label, verdict.score, verdict.reasons                      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"

if TYPE_CHECKING:
    from farmdetect.scorer import Verdict


def audit(html_or_bytes: str | bytes, url: str | None = None, **kwargs: Any) -> Verdict:
    """Audit one page (HTML text or raw bytes): the Verdict ``farmdetect audit`` prints."""
    from farmdetect.scorer import audit as _audit

    return _audit(html_or_bytes, url, **kwargs)


def score_pages(pages: Iterable[Any], **kwargs: Any) -> Iterator[Verdict]:
    """Score many pages (Page objects, ``(html, url)`` tuples, or str/bytes): one Verdict each."""
    from farmdetect.batch import score_pages as _score_pages

    return _score_pages(pages, **kwargs)


__all__ = ["__version__", "audit", "score_pages"]
