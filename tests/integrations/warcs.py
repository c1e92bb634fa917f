"""Build small WARC files for the integration tests and the benchmark (no warcio needed)."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import fixture_page

# Fixture pages on two hosts: a farm host and a legitimate news host.
FARM_HOST = "worldnewsera.example"
LEGIT_HOST = "dailyreport.example.org"
FARM_PAGES = ("seed_style_farm.html", "hashtag_title_dup.html", "clickbait_footer.html",
              "recs_unrelated_block.html")
LEGIT_PAGES = ("legit_news_related.html", "legit_theme_site.html", "legit_listicle_tail.html",
               "topic_tags_legit.html")


def warc_record(url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                record_id: str | None = None, rec_type: str = "response") -> bytes:
    """One gzip member holding one WARC/1.0 response (or request) record."""
    if rec_type == "response":
        http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    else:
        http = f"GET {url} HTTP/1.1\r\nHost: example\r\n\r\n".encode()
    rid = record_id or f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, rec_type + url)}>"
    ptype = content_type.split(";")[0].strip()
    head = (
        "WARC/1.0\r\n"
        f"WARC-Type: {rec_type}\r\n"
        f"WARC-Record-ID: {rid}\r\n"
        "WARC-Date: 2024-03-01T12:00:00Z\r\n"
        f"WARC-Target-URI: {url}\r\n"
        + (f"WARC-Identified-Payload-Type: {ptype}\r\n" if rec_type == "response" else "")
        + f"Content-Type: application/http; msgtype={rec_type}\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return gzip.compress(head + http + b"\r\n\r\n", mtime=0)


def write_warc(path: Path, pages: Iterable[tuple[str, bytes]]) -> Path:
    """A .warc.gz of (url, html bytes) responses, each preceded by its request record."""
    with open(path, "wb") as f:
        for url, body in pages:
            f.write(warc_record(url, b"", rec_type="request"))
            f.write(warc_record(url, body))
    return path


def fixture_warcs(folder: Path) -> list[Path]:
    """Two WARCs mixing farm-host and legit-host fixture pages, plus one non-HTML record."""
    farm = [(f"https://{FARM_HOST}/{n.removesuffix('.html').replace('_', '-')}/",
             fixture_page(n).encode("utf-8")) for n in FARM_PAGES]
    legit = [(f"https://{LEGIT_HOST}/news/{n.removesuffix('.html').replace('_', '-')}",
              fixture_page(n).encode("utf-8")) for n in LEGIT_PAGES]
    a = write_warc(folder / "a.warc.gz", farm[:2] + legit[:2])
    b = write_warc(folder / "b.warc.gz", farm[2:] + legit[2:])
    with open(b, "ab") as f:  # not a page: both paths must skip it
        f.write(warc_record(f"https://{LEGIT_HOST}/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                            content_type="image/png"))
    return [a, b]
