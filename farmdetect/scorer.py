"""Page -> Verdict: features, markers, calibrated score, and the evidence behind it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from farmdetect.features import FEATURE_NAMES, Marker, extract
from farmdetect.model import Model, default_model, floor_decisive
from farmdetect.novelty import flagged
from farmdetect.page import Page
from farmdetect.urls import host_of

# How many features the audit lists as having pushed the score most.
TOP_FEATURES = 8
# How many reasons a batch record carries.
TOP_REASONS = 3
# Class names kept for the template fingerprint: the most frequent ones describe the theme
# skeleton, the long tail is per-article noise.
TEMPLATE_CLASSES = 60


@dataclass
class Verdict:
    """What farmdetect says about one page. ``score``/``label`` are None without a model."""

    score: float | None
    label: str | None
    threshold: float | None
    markers: list[Marker]
    features: dict[str, float]
    model: str | None
    top_features: list[dict[str, float | str]] = field(default_factory=list)
    # Measurements that few legitimate pages reach (farmdetect.novelty); each adds to the score.
    unusual: list[str] = field(default_factory=list)
    # In how many independent respects (groups of measurements) the page is unusual: the
    # novelty count that enters the score.
    novelty: float | None = None
    url: str | None = None
    host: str | None = None
    fingerprints: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """Why, in at most 3 names: the markers, ranked by how much their family pushed the
        score; then, when fewer than 3 markers fired, the unusual measurements (see
        farmdetect.novelty) that pushed it most."""
        push: dict[str, float] = {}
        for item in self.top_features:
            fam = str(item["name"]).split(".", 1)[0]
            push[fam] = push.get(fam, 0.0) + max(0.0, float(item["contribution"]))
        ranked = sorted(
            self.markers, key=lambda m: (-push.get(m.name.split(".", 1)[0], 0.0), m.name)
        )
        names = list(dict.fromkeys(m.name for m in ranked))
        if len(names) < TOP_REASONS and self.unusual:
            contrib = {str(f["name"]): float(f["contribution"]) for f in self.top_features}
            names += sorted(self.unusual, key=lambda n: (-contrib.get(n, 0.0), n))
        return names[:TOP_REASONS]

    def to_dict(self) -> dict[str, Any]:
        """The audit's JSON object."""
        return {
            "url": self.url,
            "score": self.score,
            "label": self.label,
            "threshold": self.threshold,
            "markers": [m.to_dict() for m in self.markers],
            "top_features": self.top_features,
            "unusual": self.unusual,
            "novelty": self.novelty,
            "features": self.features,
            "model": self.model,
            "notes": self.notes,
        }

    def to_record(self, record_id: str | None = None) -> dict[str, Any]:
        """The compact per-record line of ``farmdetect scan`` (and input of ``sources``)."""
        return {
            "id": record_id,
            "url": self.url,
            "host": self.host,
            "score": self.score,
            "label": self.label,
            "threshold": self.threshold,
            "reasons": self.reasons,
            "markers": sorted({m.name for m in self.markers}),
            "fingerprints": self.fingerprints,
            "error": None,
        }


class Scorer:
    """Scores pages with one model; cheap to call many times (the model is loaded once)."""

    def __init__(self, model: Model | None, threshold: float | None = None) -> None:
        self.model = model
        self.threshold = threshold if threshold is not None else (
            model.threshold if model is not None else None
        )

    @classmethod
    def load(cls, model_dir: str | None = None, threshold: float | None = None) -> Scorer:
        return cls(default_model(model_dir), threshold)

    def score_page(self, page: Page) -> Verdict:
        values, markers = extract(page)
        verdict = Verdict(
            score=None,
            label=None,
            threshold=self.threshold,
            markers=markers,
            features=values,
            model=self.model.version if self.model is not None else None,
            url=page.url,
            # A record without a URL (a folder of files) still has a source: its canonical link's
            # host. Only the record's host uses it; the features keep URL markers neutral.
            host=page.host or host_of(page.canonical or page.og_url),
            fingerprints=fingerprints(page, markers),
            notes=list(page.notes) + (["page was cut to its first 8 MB"] if page.truncated else []),
        )
        if self.model is None:
            return verdict
        X = np.asarray([[values[n] for n in FEATURE_NAMES]], dtype=float)
        why = self.model.explain(X)
        calibrated = float(self.model.calibrate(why.raw)[0])
        score = float(floor_decisive(np.array([calibrated]), X, self.model.decisive_floor)[0])
        if score > calibrated:
            verdict.notes.append(
                f"score raised to {score:.2f}: a decisive marker fired (evidence that no more "
                "than one of the 5,269 real legit pages in the training data shows)"
            )
        contrib = why.contributions[0][:-1]
        order = np.argsort(-np.abs(contrib))[:TOP_FEATURES]
        verdict.score = score
        assert self.threshold is not None
        verdict.label = "farm" if score >= self.threshold else "ok"
        verdict.unusual = flagged(why.flags[0])
        if why.novelty is not None:
            verdict.novelty = float(why.novelty[0])
        verdict.top_features = [
            {"name": FEATURE_NAMES[i], "value": values[FEATURE_NAMES[i]],
             "contribution": round(float(contrib[i]), 4)}
            for i in order
            if contrib[i] != 0.0
        ]
        return verdict


def fingerprints(page: Page, markers: list[Marker]) -> dict[str, str | None]:
    """Short hashes that let a host's pages be compared: recs block, footer, template skeleton."""

    def digest(parts: list[str]) -> str | None:
        if not parts:
            return None
        return hashlib.sha1("\n".join(parts).encode("utf-8", "replace")).hexdigest()[:16]

    by_name: dict[str, list[str]] = {}
    for m in markers:
        by_name.setdefault(m.name, []).extend(m.evidence)
    classes = [c for c, _ in page.class_names.most_common(TEMPLATE_CLASSES)]
    return {
        "recs": digest(sorted(by_name.get("recs.unrelated", []))),
        "footer": digest(by_name.get("clickbait.footer", [])),
        "template": digest(sorted(classes)) if len(classes) >= 10 else None,
    }


def page_from_input(data: str | bytes | bytearray, url: str | None = None, *,
                    content_type: str | None = None, name: str | None = None) -> Page:
    """A Page of HTML text or bytes (``content_type``: the HTTP header, for bytes), refusing
    what the CLI refuses (empty, binary, not HTML; errors named ``name``, else the URL): the
    one way in for the API, scan's workers, the integrations and the review page. Before,
    ``farmdetect.audit(pdf_bytes)`` scored a PDF that ``farmdetect audit`` refused."""
    from farmdetect.inputs import check_page

    check_page(data, name or url or "page")
    if isinstance(data, (bytes, bytearray)):
        return Page.from_bytes(bytes(data), url=url, content_type=content_type)
    return Page.from_str(data, url=url)


def audit(html_or_bytes: str | bytes | bytearray, url: str | None = None, *,
          model: Model | None = None, use_model: bool = True) -> Verdict:
    """Audit one page: the same Verdict that ``farmdetect audit`` prints.

    ``model`` defaults to the shipped model; ``use_model=False`` gives features and markers only.
    """
    page = page_from_input(html_or_bytes, url)
    if use_model and model is None:
        model = default_model()
    return Scorer(model if use_model else None).score_page(page)
