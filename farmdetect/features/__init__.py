"""The feature families. ``FAMILIES`` is an explicit ordered tuple; its order is the vector order.

Adding a family is one module plus one line here (and a retrained model: the model card records
the feature list and the loader refuses a model that does not match).
"""

from __future__ import annotations

import hashlib

from farmdetect.features import (
    ai_text,
    chrome,
    classic,
    clickbait,
    content,
    doorway,
    evidence,
    hashtags,
    monetization,
    recommendations,
    rewrite,
    signals,
)
from farmdetect.features.base import Family, Marker, Result
from farmdetect.page import Page

FAMILIES: tuple[Family, ...] = (
    hashtags.family,
    recommendations.family,
    clickbait.family,
    rewrite.family,
    chrome.family,
    content.family,
    ai_text.family,
    doorway.family,
    monetization.family,
    classic.family,
    signals.family,
)

# Full dotted names (``hashtags.title_overlap``), family by family, in declaration order, then
# the derived evidence counts (computed from the families' markers, see evidence.py).
FEATURE_NAMES: tuple[str, ...] = tuple(n for fam in FAMILIES for n in fam.features) + (
    evidence.FEATURES
)


def feature_names() -> tuple[str, ...]:
    return FEATURE_NAMES


def feature_hash(names: tuple[str, ...] = FEATURE_NAMES) -> str:
    """A short stable hash of the ordered feature list (recorded in the model card)."""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def extract(page: Page) -> tuple[dict[str, float], list[Marker]]:
    """Run every family over one page: the flat feature dict (in vector order) and all markers."""
    values: dict[str, float] = {}
    markers: list[Marker] = []
    for fam in FAMILIES:
        result = fam.extract(page)
        for name in fam.features:
            values[name] = float(result.values[name])
        markers.extend(result.markers)
    values.update(evidence.extract(markers))
    return values, markers


__all__ = ["FAMILIES", "FEATURE_NAMES", "Family", "Marker", "Result", "extract", "feature_hash"]
