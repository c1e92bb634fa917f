"""The HTML report in a real browser (headless Chromium, Debian's ``chromium``; skipped where it
is not installed — .ci/run installs it when it can): evidence is highlighted in place, and a
page's own script does not run even when the sanitiser is bypassed. Screenshots are kept in
``build/artifacts/``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from farmdetect import html_report
from farmdetect.page import Page
from farmdetect.scorer import Scorer
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
ARTIFACTS = ROOT / "build" / "artifacts"
SAMPLE = ROOT / "data" / "sample_page.html"
URL = "https://worldnewsera.example/will-belarus-join-moscows-ukraine-offensive/"


def chromium(*args: str) -> str:
    assert CHROMIUM is not None
    proc = subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", "--virtual-time-budget=3000", *args],
                          capture_output=True, text=True, timeout=120)
    return proc.stdout


def report_of(html: str, tmp_path: Path) -> Path:
    page = Page.from_str(html, url=URL)
    out = tmp_path / "report.html"
    out.write_text(html_report.render(Scorer.load(None, None).score_page(page), page, "t"),
                   encoding="utf-8")
    return out


def test_evidence_is_highlighted_in_place(tmp_path: Path) -> None:
    report = report_of(SAMPLE.read_text("utf-8"), tmp_path)
    dom = chromium("--dump-dom", report.as_uri())
    found = re.search(r'data-found="(\d+)"', dom)
    assert found is not None, "the report's script did not run"
    links = len(re.findall(r'class="ev ', dom))
    assert int(found.group(1)) >= 0.7 * links  # most evidence is found in the page text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    chromium("--window-size=1400,900", f"--screenshot={shot}", report.as_uri())
    assert shot.stat().st_size > 10_000


def test_a_page_script_cannot_run_even_unsanitised(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox and the CSP hold on their own: with the sanitiser switched off, the page's
    inline script and event handler stay inert."""
    monkeypatch.setattr(html_report, "sanitise", lambda html: html)
    evil = SAMPLE.read_text("utf-8").replace(
        "</body>",
        "<script>parent.document.body.setAttribute('data-pwned','script')</script>"
        "<img src=x onerror=\"parent.document.body.setAttribute('data-pwned','onerror')\">"
        "</body>")
    report = report_of(evil, tmp_path)
    assert "data-pwned" in report.read_text("utf-8")  # the payload is really in the frame
    dom = chromium("--dump-dom", report.as_uri())
    assert 'data-found="' in dom  # the report itself ran
    assert "data-pwned=" not in dom.split("<iframe", 1)[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chromium("--window-size=1400,900", f"--screenshot={ARTIFACTS / 'report_unsanitised.png'}",
             report.as_uri())
