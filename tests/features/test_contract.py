"""One contract over every feature family: names, finiteness, determinism, hostile pages."""

from __future__ import annotations

import math

import pytest

from farmdetect.features import FAMILIES, FEATURE_NAMES, extract
from farmdetect.page import Page
from tests.conftest import PAGES

HOSTILE = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "text_only": "just some words, no tags at all",
    "head_only": "<html><head><title>t</title></head></html>",
    "truncated": "<html><head><title>Cut</title></head><body><div><p>Half a sent",
    "deep": "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>",
    "very_deep": "<html><body>" + "<div><span>" * 30000 + "x</body></html>",
    "garbage": "<<<>>><a href=>><p<p<p>>\x00\ufffd</a ><title></script>",
    "huge_line": "<p>" + "word " * 200_000 + "</p>",
    "many_links": "<ul>"
    + "".join(f'<li><a href="/p{i}">Link number {i} here</a></li>' for i in range(3000))
    + "</ul>",
    "unicode": "<title>Привет мир — 世界 #タグ</title><p>#Привет #мир текст 世界 🙂🙂🙂</p>",
    "only_hashtags": "<p>#a #b #c</p>" * 50,
}
FIXTURES = sorted(p.name for p in PAGES.glob("*.html"))


def test_registry_is_complete_and_unique() -> None:
    assert len(FAMILIES) >= 8
    names = [f.name for f in FAMILIES]
    assert len(set(names)) == len(names)
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_declared_names_are_dotted_under_the_family(family) -> None:
    assert family.features, family.name
    for name in family.features:
        assert name.startswith(family.name + "."), name


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
@pytest.mark.parametrize("case", sorted(HOSTILE) + FIXTURES)
def test_family_contract(family, case: str) -> None:
    html = HOSTILE[case] if case in HOSTILE else (PAGES / case).read_text("utf-8")
    url = None if case in HOSTILE else f"https://example.org/articles/{case.replace('.html', '')}/"
    first = family.extract(Page.from_str(html, url=url))
    assert set(first.values) == set(family.features), family.name
    for name, value in first.values.items():
        assert isinstance(value, (int, float)) and not isinstance(value, bool), name
        assert math.isfinite(value), (name, value)
    for marker in first.markers:
        assert marker.name.startswith(family.name + "."), marker.name
        assert all(isinstance(e, str) for e in marker.evidence)
    again = family.extract(Page.from_str(html, url=url))
    assert again.values == first.values
    assert [m.to_dict() for m in again.markers] == [m.to_dict() for m in first.markers]


def test_extract_gives_the_vector_in_registry_order() -> None:
    values, _ = extract(Page.from_str((PAGES / "seed_style_farm.html").read_text("utf-8")))
    assert tuple(values) == FEATURE_NAMES


def test_values_do_not_depend_on_the_hash_seed() -> None:
    """Set iteration order changes with PYTHONHASHSEED; no feature may depend on it."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, pathlib, sys\n"
        "from farmdetect.features import extract\n"
        "from farmdetect.page import Page\n"
        "out = {}\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.html')):\n"
        "    page = Page.from_str(p.read_text('utf-8'), url='https://example.org/a/' + p.stem)\n"
        "    v, m = extract(page)\n"
        "    out[p.name] = [v, [x.to_dict() for x in m]]\n"
        "print(json.dumps(out))\n"
    )
    runs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-c", code, str(PAGES)], capture_output=True,
                              text=True, env=env, check=True)
        runs.append(json.loads(proc.stdout))
    assert runs[0] == runs[1]
