"""Derived features: how much precise evidence the families found, read from their markers.

Not a page family: it runs after the families, over the markers they fired, so the model sees
"several independent markers fired" directly instead of having to rebuild it from thresholds.
"""

from __future__ import annotations

from farmdetect.features.base import Marker, phrases

FEATURES: tuple[str, ...] = (
    "evidence.strong_markers",
    "evidence.marker_families",
    "evidence.any_markers",
    "evidence.decisive_markers",
)


def strong_markers() -> frozenset[str]:
    """Marker names that count as precise evidence (resources/strong_markers.txt)."""
    return frozenset(phrases("strong_markers"))


def decisive_markers() -> frozenset[str]:
    """The strong markers that fire on at most one of the 5,269 real legit pages
    (resources/decisive_markers.txt)."""
    return frozenset(phrases("decisive_markers"))


def extract(markers: list[Marker]) -> dict[str, float]:
    """Counts over the fired markers: strong and decisive ones, families with any marker, all
    distinct."""
    names = {m.name for m in markers}
    strong = strong_markers()
    return {
        "evidence.strong_markers": float(len(names & strong)),
        "evidence.marker_families": float(len({n.split(".", 1)[0] for n in names})),
        "evidence.any_markers": float(len(names)),
        "evidence.decisive_markers": float(len(names & decisive_markers())),
    }
