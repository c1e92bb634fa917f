"""Property tests (hypothesis) over page building, every feature family and scoring: whatever the
HTML, the result is a Page with finite features and a score in [0, 1], or an InputError, never
another exception.

The CI runs ``FUZZ_EXAMPLES`` (default 150) examples per property; a longer run:

    FARMDETECT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py -q

Any failure hypothesis finds is shrunk to a small page: add it to ``REGRESSIONS`` below, named
after its quirk.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="pip install 'farmdetect[dev]'")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from farmdetect.errors import InputError  # noqa: E402
from farmdetect.features import FEATURE_NAMES, extract  # noqa: E402
from farmdetect.page import Page  # noqa: E402

FUZZ_EXAMPLES = int(os.environ.get("FARMDETECT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TAGS = ["html", "head", "body", "title", "meta", "div", "p", "a", "span", "h1", "h2", "h3",
        "ul", "li", "table", "tr", "td", "script", "style", "article", "nav", "footer", "br",
        "img", "iframe", "noscript", "section", "aside", "b", "i", "form", "button", "x-weird"]
ATTRS = ["href", "class", "id", "rel", "content", "name", "property", "charset", "src", "style"]
WEIRD_VALUES = ["", "javascript:alert(1)", "//", "http://", "https://[::1", "https://a_b.example/x",
                "https://xn--bcher-kva.example/", "mailto:a@b", "#", "?a=1&b=2", "\x00",
                "https://例え.テスト/パス", "data:text/html,<p>x</p>", "../../etc/passwd",
                "https://example.com:99999/", "utf-16", "sponsored nofollow", "og:title"]
TEXTS = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["You May Also Like", "#Tag #Other", "Source: Reuters", "Read more",
                     "As an AI language model", "casino", "Step 1", "&amp;&#x0;&nbsp;", "…",
                     "\u202e\u200b", "\x00\x1f", "Tags: #A #B #C", "Sponsored", "[Your Name]"]),
)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    """Random tag soup: nested or unbalanced tags with odd attributes and text."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            tag = draw(st.sampled_from(TAGS))
            attrs = " ".join(f'{draw(st.sampled_from(ATTRS))}="{draw(st.one_of(st.sampled_from(WEIRD_VALUES), st.text(max_size=20)))}"'  # noqa: E501
                             for _ in range(draw(st.integers(0, 3))))
            parts.append(f"<{tag} {attrs}>")
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        else:
            parts.append(draw(TEXTS))
    return "".join(parts)


def _check(page: Page) -> None:
    values, markers = extract(page)
    assert tuple(values) == FEATURE_NAMES
    assert all(math.isfinite(v) for v in values.values()), values
    for m in markers:
        assert all(isinstance(e, str) for e in m.evidence)


@FUZZ
@given(html=html_pages(), url=st.one_of(st.none(), st.sampled_from(WEIRD_VALUES)))
def test_any_tag_soup_gives_finite_features_or_an_input_error(html: str, url: str | None) -> None:
    try:
        page = Page.from_str(html, url=url)
    except InputError:
        return
    _check(page)


CONTENT_TYPES = ["text/html", "text/html; charset=utf-16", "text/html; charset=bogus",
                 "text/html; charset=iso-2022-jp", "application/octet-stream"]


@FUZZ
@given(data=st.binary(max_size=3000),
       ctype=st.one_of(st.none(), st.sampled_from(CONTENT_TYPES)))
def test_any_bytes_give_a_page_or_an_input_error(data: bytes, ctype: str | None) -> None:
    try:
        page = Page.from_bytes(b"<html><body>" + data, content_type=ctype)
    except InputError:
        return
    _check(page)


@pytest.fixture(scope="module")
def scorer(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from farmdetect.model import load_model
    from farmdetect.scorer import Scorer
    from tests.test_model import make_model

    return Scorer(load_model(make_model(Path(tmp_path_factory.mktemp("m")))), None)


@FUZZ
@given(html=html_pages())
def test_any_page_scores_within_zero_and_one(scorer, html: str) -> None:  # type: ignore[no-untyped-def]
    from farmdetect.batch import score_task

    line = score_task(scorer, ("x", "https://fuzz.example/a", html, None), 10.0)
    if line["error"] is None and line["skipped"] is None:
        assert 0.0 <= line["score"] <= 1.0
        assert line["label"] in ("farm", "ok")
    else:
        assert line["score"] is None


# Pages hypothesis (or a person) found to break something, kept as fixtures named by quirk.
REGRESSIONS: dict[str, str] = {
    "only_a_closing_tag": "</p>",
    "nul_in_attribute": '<a href="\x00">x</a>',
    "bidi_override_title": "<title>\u202eevil</title><h1>\u202e</h1>",
    "ipv6_broken_url_link": '<a href="https://[::1">x</a>',
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_regressions(name: str) -> None:
    try:
        page = Page.from_str(REGRESSIONS[name], url="https://fuzz.example/")
    except InputError:
        return
    _check(page)


# ---------------------------------------------------------------- the coverage-guided fuzzer
# fuzz/fuzz_page.py (atheris) checks the same contract on the CLI's way in (page_from_input),
# with the shipped model. What it finds is fixed and kept in tests/data/fuzz/, named after its
# quirk, and replayed here (without atheris) with the fixture pages it also starts from.
FUZZ_FINDINGS = Path(__file__).resolve().parent / "data" / "fuzz"
FIXTURE_PAGES = Path(__file__).resolve().parent / "data" / "pages"


def test_fuzz_harness_replays_its_findings_and_the_fixture_pages() -> None:
    from fuzz.fuzz_page import check, decode_input

    inputs = sorted(FIXTURE_PAGES.glob("*.html"))
    if FUZZ_FINDINGS.is_dir():
        inputs += sorted(p for p in FUZZ_FINDINGS.iterdir() if p.is_file())
    assert len(inputs) >= 20
    for p in inputs:
        check(p.read_bytes())  # raises when the contract breaks
    # The last bytes pick the form: bytes as read from a WARC, or text as JSON lines give it.
    forms = {type(decode_input(b"<p>x</p>" + bytes([a, b, c]))[0])
             for a in range(4) for b in range(3) for c in range(3)}
    assert forms == {bytes, str}


def test_fuzz_harness_fails_on_a_broken_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    import farmdetect.scorer
    import fuzz.fuzz_page as harness

    def nan_extract(page: Page) -> tuple[dict[str, float], list[object]]:
        values, markers = extract(page)
        values[FEATURE_NAMES[0]] = float("nan")
        return values, markers

    monkeypatch.setattr(farmdetect.scorer, "extract", nan_extract)
    with pytest.raises(AssertionError, match="not finite"):
        harness.check(b"<html><body><p>A page.</p></body></html>")
