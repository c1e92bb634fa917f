"""Record readers: WARC (plain, gzip, corrupt members), JSON lines, folders; input detection."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from farmdetect.errors import InputError
from farmdetect.warc import input_kind, read_folder, read_jsonl, read_warc

PAGE = (b"<!doctype html><html><head><title>A page</title></head>"
        b"<body><p>Hello there.</p></body></html>")


def warc_record(body: bytes, *, rid: str, url: str = "https://example.com/a",
                ctype: str = "text/html; charset=utf-8", http: bytes | None = None,
                wtype: str = "response") -> bytes:
    """One WARC/1.0 record written by hand (an HTTP response unless ``wtype`` says otherwise)."""
    if http is None:
        http = (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
    block = http + body
    head = (f"WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype={wtype}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def write_warc(path: Path, records: list[bytes], *, gz: bool | None = None,
               corrupt: set[int] = frozenset()) -> list[bytes]:  # type: ignore[assignment]
    """Write records (one gzip member each for .gz); corrupt the members listed. Returns them."""
    gz = path.name.endswith(".gz") if gz is None else gz
    parts = [gzip.compress(r, mtime=0) if gz else r for r in records]
    for i in corrupt:
        b = bytearray(parts[i])
        b[15:35] = b"\x00" * 20  # inside the deflate stream: a data error, header intact
        parts[i] = bytes(b)
    path.write_bytes(b"".join(parts))
    return parts


def test_plain_and_gzip_warc_give_the_same_records(tmp_path: Path) -> None:
    recs = [warc_record(PAGE, rid="1"),
            warc_record(b"GIF89a...", rid="2", ctype="image/gif"),
            warc_record(b"", rid="3", wtype="request", http=b"GET /a HTTP/1.1\r\n\r\n"),
            warc_record(PAGE, rid="4", url="https://example.com/b")]
    write_warc(tmp_path / "a.warc", recs)
    parts = write_warc(tmp_path / "a.warc.gz", recs)
    for name in ("a.warc", "a.warc.gz"):
        out = list(read_warc(tmp_path / name))
        # the request record is not a page: not counted at all
        assert [r.id for r in out] == ["<urn:uuid:1>", "<urn:uuid:2>", "<urn:uuid:4>"]
        assert out[0].body == PAGE and out[0].url == "https://example.com/a"
        assert out[1].skipped == "not HTML (image/gif)" and out[1].body is None
        assert out[2].url == "https://example.com/b"
    gz_out = list(read_warc(tmp_path / "a.warc.gz"))
    # byte ranges are the records' own gzip members
    data = (tmp_path / "a.warc.gz").read_bytes()
    assert data[gz_out[0].offset:gz_out[0].offset + gz_out[0].length] == parts[0]
    assert data[gz_out[2].offset:gz_out[2].offset + gz_out[2].length] == parts[3]


def test_corrupt_gzip_member_is_one_error_and_reading_goes_on(tmp_path: Path) -> None:
    recs = [warc_record(PAGE, rid=str(i)) for i in range(5)]
    write_warc(tmp_path / "c.warc.gz", recs, corrupt={2})
    out = list(read_warc(tmp_path / "c.warc.gz"))
    assert [r.id for r in out[:2]] == ["<urn:uuid:0>", "<urn:uuid:1>"]
    assert out[2].error and "corrupt gzip member" in out[2].error
    assert [r.id for r in out[3:]] == ["<urn:uuid:3>", "<urn:uuid:4>"]
    assert all(r.body == PAGE for r in out if r.error is None)


def test_corrupt_first_member(tmp_path: Path) -> None:
    recs = [warc_record(PAGE, rid=str(i)) for i in range(3)]
    write_warc(tmp_path / "f.warc.gz", recs, corrupt={0})
    out = list(read_warc(tmp_path / "f.warc.gz"))
    assert out[0].error and out[0].id.endswith("@0")
    assert [r.id for r in out[1:]] == ["<urn:uuid:1>", "<urn:uuid:2>"]


def test_single_gzip_stream_corrupt_reports_the_rest_of_the_file(tmp_path: Path) -> None:
    raw = b"".join(warc_record(PAGE, rid=str(i)) for i in range(50))
    data = bytearray(gzip.compress(raw, mtime=0))
    data[len(data) // 2: len(data) // 2 + 20] = b"\x00" * 20
    (tmp_path / "s.warc.gz").write_bytes(bytes(data))
    out = list(read_warc(tmp_path / "s.warc.gz"))
    assert out, "the failure must be reported, never silent"
    assert out[-1].error is not None
    assert all(r.error is None for r in out[:-1])


def test_invalid_http_headers_and_oversized_body(tmp_path: Path) -> None:
    recs = [warc_record(b"junk", rid="bad", http=b"NOT HTTP\x00\x01\r\n\r\n"),
            warc_record(b"<html>" + b"x" * 5000 + b"</html>", rid="big"),
            warc_record(PAGE, rid="ok")]
    write_warc(tmp_path / "h.warc", recs)
    out = list(read_warc(tmp_path / "h.warc", max_bytes=1000))
    assert "invalid HTTP headers" in out[0].error
    assert "too large" in out[1].error
    assert out[2].error is None and out[2].body == PAGE


def test_jsonl_records_bad_lines_and_gzip(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "p1", "url": "https://x.example/1", "html": PAGE.decode()}),
             "{not json",
             json.dumps({"url": "https://x.example/3", "html": PAGE.decode()}),
             "",
             json.dumps({"id": "p5", "text": "no html field"}),
             json.dumps([1, 2])]
    text = "\n".join(lines) + "\n"
    (tmp_path / "a.jsonl").write_text(text)
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(text.encode()))
    for name in ("a.jsonl", "a.jsonl.gz"):
        src = str(tmp_path / name)
        out = list(read_jsonl(src))
        assert [r.id for r in out] == ["p1", f"{src}:2", f"{src}:3", "p5", f"{src}:6"]
        assert out[0].body == PAGE.decode() and out[0].url == "https://x.example/1"
        assert "bad JSON on line 2" in out[1].error
        assert out[2].error is None
        assert "no 'html'" in out[3].error and "not a JSON object" in out[4].error
        assert out[0].raw == lines[0].encode() + b"\n"


def test_folder_is_recursive_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.html").write_bytes(PAGE)
    (tmp_path / "sub" / "a.htm").write_bytes(PAGE)
    (tmp_path / "notes.txt").write_text("not a page")
    out = list(read_folder(str(tmp_path)))
    assert [r.id for r in out] == [str(tmp_path / "b.html"), str(tmp_path / "sub" / "a.htm")]
    assert all(r.body == PAGE for r in out)


def test_input_kind(tmp_path: Path) -> None:
    write_warc(tmp_path / "x.warc.gz", [warc_record(PAGE, rid="1")])
    (tmp_path / "x.jsonl").write_text("{}\n")
    (tmp_path / "fake.warc").write_text("hello, not a warc")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    assert input_kind(str(tmp_path / "x.warc.gz")) == "warc"
    assert input_kind(str(tmp_path / "x.jsonl")) == "jsonl"
    assert input_kind(str(tmp_path)) == "folder"
    assert input_kind("-") == "jsonl"
    with pytest.raises(InputError, match="no such file"):
        input_kind(str(tmp_path / "missing.warc"))
    with pytest.raises(InputError, match="not a WARC file"):
        input_kind(str(tmp_path / "fake.warc"))
    with pytest.raises(InputError, match="not a WARC, JSON-lines file, HTML file or folder"):
        input_kind(str(tmp_path / "x.csv"))


def test_a_fifo_input_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    import os

    from farmdetect.errors import InputError

    fifo = tmp_path / "pages.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        input_kind(str(fifo))


def test_records_carry_the_share_of_the_input_read(tmp_path: Path) -> None:
    from farmdetect.warc import iter_records

    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.html").write_text("<html><p>page</p></html>" * (i + 1))
    warc = tmp_path / "in.warc.gz"
    write_warc(warc, [warc_record(b"<html><p>x</p></html>", rid=f"r{i}") for i in range(2)])
    done = [r.done for r in iter_records([str(folder), str(warc)])]
    assert len(done) == 5 and all(d is not None for d in done)
    assert done == sorted(done) and done[-1] == 1.0 and 0 < done[0] < done[2] < 1
