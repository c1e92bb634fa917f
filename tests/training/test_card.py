"""models/MODEL_CARD.md is rendered from the shipped JSON card and says what the card says."""

from __future__ import annotations

import json

from training.card import DEFAULT_CARD, DEFAULT_OUT, render


def test_the_markdown_card_is_the_rendering_of_the_shipped_card() -> None:
    card = json.loads(DEFAULT_CARD.read_text("utf-8"))
    assert DEFAULT_OUT.read_text("utf-8") == render(card), (
        "models/MODEL_CARD.md is stale: run `python -m training.card`")


def test_the_card_shows_threshold_version_and_both_evaluations() -> None:
    card = json.loads(DEFAULT_CARD.read_text("utf-8"))
    text = render(card)
    assert f"# farmdetect model {card['model_version']}" in text
    assert f"**{card['threshold']:.3f}**" in text
    assert "A smoke test, not evidence" in text
    assert "never seen" in text and "ROC-AUC 0.80" in text
    for name, counts in card["training_data"]["real"].items():
        assert f"| {name} | {counts['pos']} | {counts['neg']} |" in text


def test_a_card_without_an_external_evaluation_renders_without_it() -> None:
    card = json.loads(DEFAULT_CARD.read_text("utf-8"))
    card.pop("external_evaluation", None)
    text = render(card)
    assert "never seen" not in text and "A smoke test, not evidence" in text
