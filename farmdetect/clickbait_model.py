"""Runtime scorer of the small clickbait headline classifier (plain JSON weights, no sklearn).

The model is a logistic regression over lower-cased word unigrams and bigrams (numbers folded to
``<num>``, a ``<s>`` start token so "<s> <num>" captures listicle openers), trained by
``python -m training.train_clickbait`` on the Chakraborty et al. headlines. Labels there are by
source, so the model learned "viral-site style", not "is a farm": use it as a sub-feature.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources

MODEL_RESOURCE = "clickbait_model.json"

_TOKEN = re.compile(r"\w+(?:'\w+)?", re.UNICODE)
_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'"})
# Headlines longer than this are sentences, not titles; the model never saw them.
MAX_TOKENS = 40


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens with curly apostrophes folded and numbers as ``<num>``."""
    out = []
    for w in _TOKEN.findall(text.translate(_APOS).lower()[:400]):
        out.append("<num>" if w.isdigit() else w)
    return out[:MAX_TOKENS]


def ngrams(toks: list[str]) -> list[str]:
    """Unigrams plus bigrams (with a start token), the model's feature strings."""
    seq = ["<s>", *toks]
    return toks + [f"{a} {b}" for a, b in zip(seq, seq[1:], strict=False)]


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, float], float]:
    """The shipped weights, loaded once."""
    raw = resources.files("farmdetect.resources").joinpath(MODEL_RESOURCE).read_text("utf-8")
    data = json.loads(raw)
    return {str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"])


def score_tokens(toks: list[str], weights: dict[str, float], bias: float) -> float:
    """Probability from given weights (shared by training evaluation and runtime)."""
    if not toks:
        return 0.0
    get = weights.get
    z = bias
    # dict.fromkeys: distinct n-grams in first-seen order, so the float sum (and the score) is
    # the same in every process; a set's order changes with PYTHONHASHSEED.
    for g in dict.fromkeys(ngrams(toks)):
        z += get(g, 0.0)
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def clickbait_prob(text: str) -> float:
    """Probability that a headline-like string is in viral clickbait style (0.0 for empty text)."""
    weights, bias = _model()
    return score_tokens(tokens(text), weights, bias)
