"""The derived evidence counts, read from the families' markers."""

from __future__ import annotations

import pytest

from farmdetect.features import FEATURE_NAMES, evidence, extract
from farmdetect.features.base import Marker
from farmdetect.page import Page
from tests.conftest import fixture_page


def test_counts_strong_markers_families_and_all(monkeypatch: pytest.MonkeyPatch) -> None:
    # the decisive list is empty since 0.9.0 (no marker earns a floor yet): count against one
    monkeypatch.setattr(evidence, "decisive_markers",
                        lambda: frozenset({"hashtags.title_echo", "clickbait.footer"}))
    markers = [
        Marker("hashtags.title_echo", ("#A #B",)),
        Marker("hashtags.title_echo", ("Social Tags: #A #B",)),  # same marker twice: one
        Marker("recs.chumbox", ("taboola",)),  # common on legit sites: not strong
        Marker("clickbait.footer", ("You won't believe...",)),
    ]
    assert evidence.extract(markers) == {
        "evidence.strong_markers": 2.0,
        "evidence.marker_families": 3.0,
        "evidence.any_markers": 3.0,
        "evidence.decisive_markers": 2.0,
    }
    assert evidence.extract([]) == dict.fromkeys(evidence.FEATURES, 0.0)


def test_strong_list_names_real_markers_only() -> None:
    """Every strong marker is a dotted name of a registered family; decisive ones are strong."""
    families = {name.split(".", 1)[0] for name in FEATURE_NAMES}
    for name in evidence.strong_markers():
        assert name.split(".", 1)[0] in families, name
    assert evidence.decisive_markers() < evidence.strong_markers()
    assert "ai_text.generic_author" not in evidence.decisive_markers()  # on 31 legit pages


def test_seed_style_page_has_strong_evidence_and_legit_news_none() -> None:
    farm, _ = extract(Page.from_str(fixture_page("seed_style_farm.html")))
    legit, _ = extract(Page.from_str(fixture_page("legit_news_related.html")))
    assert farm["evidence.strong_markers"] >= 3
    assert legit["evidence.strong_markers"] == 0
    assert legit["evidence.decisive_markers"] == 0
    assert farm["evidence.decisive_markers"] == len(
        evidence.decisive_markers() & {m.name for m in extract(
            Page.from_str(fixture_page("seed_style_farm.html")))[1]})
    assert tuple(farm)[-len(evidence.FEATURES):] == evidence.FEATURES
