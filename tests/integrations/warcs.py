"""Build small WARC files for the integration tests and the benchmark (no warcio needed)."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import fixture_page
from tests.test_warc import warc_record as raw_record

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


# Faults a crawl's WARCs really carry, injected by benchmarks/soak_scan.py at scale and by
# faulty_warc below: a gzip member cut short (a partial download, a crawl killed mid-write), HTTP
# headers that are not HTTP, an HTTP Content-Length that promises more than the record holds, a
# body that is not HTML, and a record id used twice (the caller passes the earlier record's id).
FAULTS = ("cut_member", "bad_http", "wrong_length", "not_html", "dup_id")


def fault_member(fault: str, body: bytes, *, rid: str, url: str, level: int = 9) -> bytes:
    """One gzip member holding a response record of ``body``, broken as ``fault`` says
    (one of FAULTS; "" or "dup_id": intact, the id is the caller's)."""
    if fault == "bad_http":
        rec = raw_record(body, rid=rid, url=url, http=b"NOT HTTP\x00\x01\r\n\r\n")
    elif fault == "not_html":
        rec = raw_record(b"\x89PNG\r\n\x1a\n" + b"\0" * 256, rid=rid, url=url,
                         ctype="image/png")
    elif fault == "wrong_length":
        http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                f"Content-Length: {len(body) * 2 + 100}\r\n\r\n").encode()
        rec = raw_record(body, rid=rid, url=url, http=http)
    elif fault in ("", "cut_member", "dup_id"):
        rec = raw_record(body, rid=rid, url=url)
    else:
        raise ValueError(f"unknown fault {fault!r} (one of {FAULTS})")
    member = gzip.compress(rec, compresslevel=level, mtime=0)
    return member[: len(member) // 2] if fault == "cut_member" else member


def fixture_pages() -> list[tuple[str, bytes]]:
    """(url, html bytes) of the farm-host and legit-host fixture pages, alternating."""
    farm = [(f"https://{FARM_HOST}/{n.removesuffix('.html').replace('_', '-')}/",
             fixture_page(n).encode("utf-8")) for n in FARM_PAGES]
    legit = [(f"https://{LEGIT_HOST}/news/{n.removesuffix('.html').replace('_', '-')}",
              fixture_page(n).encode("utf-8")) for n in LEGIT_PAGES]
    return [p for pair in zip(farm, legit, strict=True) for p in pair]


def faulty_warc(path: Path) -> Path:
    """A .warc.gz of the fixture pages with every kind of FAULTS after one page or another, and
    a last record cut off (the file ends inside it): what every engine must read alike."""
    pages = fixture_pages()
    with open(path, "wb") as f:
        for i, (url, body) in enumerate(pages):
            rid = f"page-{i}"
            f.write(fault_member("", body, rid=rid, url=url))
            fault = FAULTS[i % len(FAULTS)]
            f.write(fault_member(fault, body, rid=rid if fault == "dup_id" else f"{fault}-{i}",
                                 url=f"{url}?fault={fault}"))
        url, body = pages[0]
        f.write(fault_member("cut_member", body, rid="cut-tail", url=f"{url}?fault=cut-tail"))
    return path
