"""``audit --html``: a self-contained report whose copy of the page cannot run or fetch anything."""

from __future__ import annotations

import html as htmlmod
import re
from pathlib import Path

from click.testing import CliRunner

from farmdetect.cli import main
from farmdetect.html_report import CSP, render, sanitise
from farmdetect.page import Page
from farmdetect.scorer import Scorer
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "sample_page.html"
HOSTILE = (
    '<html><head><script>alert(1)</script><link rel=stylesheet href="http://x.example/y.css">'
    '<base href="http://evil.example/"><meta http-equiv="refresh" content="0;url=http://x">'
    '<style>body{background:url(http://e.example/bg)}</style></head>'
    '<body onload="x()"><p style="background:url(http://e.example/x)" onclick="y()">Hi '
    '<a href="javascript:alert(2)">j</a> <a href="#top">t</a> <a href="https://ex.com/a">e</a>'
    '</p><img src="http://e.example/i.png" srcset="http://e.example/2x.png 2x" alt="logo">'
    '<iframe src="http://evil.example"></iframe><svg><script>alert(3)</script></svg>'
    '<form action="http://x.example"><button formaction="http://y.example">b</button></form>'
    '<object data="http://x.example/f.swf"></object><video poster="http://x.example/p.jpg">'
    "</video></body></html>"
)


def test_sanitise_leaves_nothing_that_runs_or_fetches() -> None:
    out = sanitise(HOSTILE)
    assert not re.search(r"<(script|iframe|object|embed|link|base|style|meta|video)\b", out, re.I)
    assert not re.search(r"\s(on\w+|style|src|srcset|action|formaction|poster|data)=", out, re.I)
    assert 'href="#top"' in out  # in-page anchors stay
    assert not re.search(r'\shref="(javascript|https?:)', out)
    assert 'data-href="https://ex.com/a"' in out  # the target kept as text for the reader
    assert "[image: logo]" in out and "Hi" in out


def test_the_report_is_sandboxed_walled_and_carries_the_evidence() -> None:
    page = Page.from_str(SAMPLE.read_text("utf-8"), url="https://worldnewsera.example/a/")
    verdict = Scorer.load(None, None).score_page(page)
    report = render(verdict, page, source=str(SAMPLE))
    frames = re.findall(r"<iframe[^>]*>", report)
    assert len(frames) == 1 and 'sandbox="allow-same-origin"' in frames[0]
    assert "allow-scripts" not in report
    assert f'content="{CSP}"' in report and "default-src 'none'" in CSP
    # the page's own markup lives only inside the escaped srcdoc attribute
    srcdoc = htmlmod.unescape(re.search(r'srcdoc="([^"]*)"', report).group(1))  # type: ignore[union-attr]
    assert "<script" not in srcdoc.lower()
    assert "You May Also Like" in srcdoc
    assert "#Belarus #Join #Moscows #Ukraine #Offensive" in report  # an evidence item
    assert "FARM" in report and f"{verdict.score:.3f}" in report
    # outside the frame: only the report's own two script blocks
    outside = re.sub(r'srcdoc="[^"]*"', "", report)
    assert len(re.findall(r"<script\b", outside)) == 2
    assert not re.search(r"\b(src|href)=[\"']?https?:", outside)


def test_cli_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["audit", str(SAMPLE), "--html", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text("utf-8").startswith("<!doctype html>")
    bad = CliRunner().invoke(main, ["audit", str(SAMPLE), "--html", str(tmp_path / "no" / "r")])
    assert bad.exit_code == 1 and "cannot write" in bad.output
