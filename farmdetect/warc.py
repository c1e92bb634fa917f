"""Records out of crawl inputs: WARC files (fastwarc), JSON lines, folders of HTML files.

Every reader yields :class:`Record` objects and never raises for one bad record: a record that
cannot be read becomes a Record with ``error`` set (and one that is not an HTML page, one with
``skipped`` set), so a scan can account for every record it saw.

WARC recovery. fastwarc stops at the first corrupt gzip member (``OSError``). The reader then
resynchronises: it looks for the next gzip member header (``1f 8b 08``; for an uncompressed
WARC, the next ``WARC/1.`` line) after the failure and starts a new pass there. The bytes it
had to jump over become one error record (id ``<path>@<offset>``), so nothing is lost silently.
For a WARC compressed as one single gzip stream there is no next member: the rest of the file
becomes one error record. What cannot be detected: garbage between two uncompressed records
that fastwarc itself skips while looking for the next ``WARC/`` line (it is not a record).

A WARC record keeps its byte range in the input file (``offset``, ``length``): for a
``.warc.gz`` the range is the record's own gzip member, so a filtered WARC can copy kept
records byte for byte without holding them in memory.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fastwarc.warc import ArchiveIterator, WarcRecordType

from farmdetect.errors import InputError

# Media types scored as pages; everything else in a WARC is counted as skipped.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A record body larger than this is an error, not read into memory: real article pages are
# well under 5 MB, and Page cuts at 8 MB anyway, so 10 MB leaves headroom without letting
# one 2 GB "HTML" response exhaust a worker.
MAX_RECORD_BYTES = 10_000_000
# Record types that carry a page; request, warcinfo, metadata and revisit records are not
# pages, so they are not counted at all (they only delimit the byte ranges of their neighbours).
PAGE_TYPES = (WarcRecordType.response, WarcRecordType.resource)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"\nWARC/1."
_SCAN_BLOCK = 1 << 20
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass
class Record:
    """One input record: a page to score, or the reason it is skipped or broken."""

    id: str
    url: str | None = None
    # The page: raw bytes (WARC, files) or decoded text (JSON lines); None when not read.
    body: bytes | str | None = None
    content_type: str | None = None
    source: str = ""
    kind: str = ""  # "warc", "jsonl", "folder" or "html"
    # WARC: the record's byte range in ``source`` (its gzip member for .warc.gz).
    offset: int | None = None
    length: int | None = None
    # gzip: whether ``source`` is gzip-compressed (for copying ranges to a WARC of the other kind).
    gzipped: bool = False
    # JSON lines: the original line, written unchanged by ``--out-jsonl``.
    raw: bytes | None = None
    skipped: str | None = None
    error: str | None = None
    # Bytes of ``source`` read once this record was (readers set it; None when unknown), and
    # the share of all inputs that makes (0-1, set by iter_records; None with stdin): progress.
    pos: int | None = None
    done: float | None = None

    @property
    def size(self) -> int:
        """Body size in bytes (characters for text) for throughput figures."""
        return len(self.body) if self.body is not None else 0


# ------------------------------------------------------------------------------------ dispatch
def input_kind(source: str) -> str:
    """``warc``, ``jsonl`` or ``folder`` for one INPUT; InputError when it is none of them."""
    if source == "-":
        return "jsonl"
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file or folder")
    if path.is_dir():
        return "folder"
    if path.is_file() and path.suffix.lower() in HTML_SUFFIXES:
        return "html"
    if not path.is_file():
        # The readers sniff, seek and reopen their input (corrupt-member recovery, byte ranges
        # for --out-warc), which a pipe or fifo cannot give; say so instead of misreading it.
        raise InputError(f"{source}: not a regular file (a pipe or fifo); save it to a file, "
                         "or pipe JSON lines to `farmdetect scan -`")
    name = path.name.lower()
    try:
        head = _head(path)
    except (OSError, EOFError, zlib.error) as e:
        raise InputError(f"{source}: cannot read: {e}") from e
    if name.endswith(WARC_SUFFIXES) or head.startswith(b"WARC/"):
        if not head.startswith(b"WARC/"):
            raise InputError(f"{source}: not a WARC file (it does not start with a WARC/ header)")
        return "warc"
    if name.endswith(JSONL_SUFFIXES) or head.lstrip().startswith(b"{"):
        if head.strip() and not head.lstrip().startswith(b"{"):
            raise InputError(f"{source}: not a JSON-lines file (first line is not a JSON object)")
        return "jsonl"
    if head.lstrip().startswith(b"<"):
        return "html"
    raise InputError(f"{source}: not a WARC, JSON-lines file, HTML file or folder")


def _head(path: Path, n: int = 64) -> bytes:
    """The first bytes of a file, decompressed when it is gzip."""
    with open(path, "rb") as f:
        raw = f.read(n)
    if raw.startswith(_GZIP_MAGIC[:2]):
        with gzip.open(path, "rb") as g:
            return g.read(n)
    return raw


def iter_records(sources: list[str], max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Records of every INPUT in order (check them first with :func:`input_kind`); each
    record's ``done`` is the share of all input bytes read so far (None with stdin)."""
    # A folder is listed once: its size for the progress share, then its records.
    listings = {s: _html_files(Path(s)) for s in sources if s != "-" and Path(s).is_dir()}
    sizes = [_input_size(s, listings.get(s)) for s in sources]
    total = None if any(n is None for n in sizes) else sum(n or 0 for n in sizes)
    before = 0
    for source, size in zip(sources, sizes, strict=True):
        kind = input_kind(source)
        if kind == "warc":
            records = read_warc(source, max_bytes)
        elif kind == "jsonl":
            records = read_jsonl(source, max_bytes)
        elif kind == "html":
            records = iter([_file_record(Path(source), source, "html", max_bytes)])
        else:
            records = read_folder(source, max_bytes, listings.get(source))
        for r in records:
            r.done = min(1.0, (before + (r.pos or 0)) / total) if total else None
            yield r
        before += size or 0


def _input_size(source: str, files: list[Path] | None = None) -> int | None:
    """Bytes of one input (a folder: of its HTML ``files``), None for stdin."""
    if source == "-":
        return None
    if files is not None:
        return sum(p.stat().st_size for p in files if p.is_file())
    path = Path(source)
    return path.stat().st_size if path.exists() else 0


# ---------------------------------------------------------------------------------------- WARC
def read_warc(path: str | os.PathLike[str], max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Page records of one WARC (.warc or .warc.gz), surviving corrupt members (see module doc)."""
    name = str(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        gz = f.read(2) == _GZIP_MAGIC[:2]
    pos = 0
    while pos < size:
        pending: Record | None = None
        last_start: int | None = None
        failed_at: int | None = None  # start of a record whose body could not be read
        with open(path, "rb") as f:
            f.seek(pos)
            it = iter(ArchiveIterator(f, record_types=WarcRecordType.any_type, parse_http=False))
            try:
                base: int | None = None
                for rec in it:
                    if base is None:
                        # fastwarc reports offsets from the stream's tell() (absolute after our
                        # seek); older versions counted from where it started reading.
                        base = 0 if rec.stream_pos >= pos else pos
                    start = base + rec.stream_pos
                    if pending is not None:
                        pending.length = start - pending.offset  # type: ignore[operator]
                        pending.pos = start
                        yield pending
                        pending = None
                    last_start = start
                    if rec.record_type not in PAGE_TYPES:
                        continue
                    try:
                        pending = _warc_record(rec, name, start, gz, max_bytes)
                    except (OSError, ValueError) as e:
                        failed_at = start
                        yield Record(id=rec.record_id or f"{name}@{start}", source=name,
                                     kind="warc", gzipped=gz,
                                     error=f"corrupt record data at offset {start}: {e}")
                        break
                else:
                    if pending is not None:
                        pending.length = size - pending.offset  # type: ignore[operator]
                        pending.pos = size
                        _check_complete(pending, path, size)
                        yield pending
                    return
            except (OSError, ValueError) as e:
                reason = str(e)
            else:
                reason = "record body unreadable"
        # The iteration broke: find where the next record can start and carry on from there.
        if failed_at is not None:
            nxt = _next_sync(path, failed_at + 1, gz)
        elif last_start is not None:
            # Records were read in this pass: the break is after the last one, which is complete.
            nxt = _next_sync(path, last_start + 1, gz)
            if pending is not None:
                pending.length = (nxt if nxt is not None else size) - pending.offset  # type: ignore[operator]
                yield pending
            if nxt is not None:
                pos = nxt
                continue
            yield Record(id=f"{name}@{last_start}+", source=name, kind="warc", gzipped=gz,
                         error=f"unreadable data after the record at offset {last_start} "
                               f"(rest of file): {reason}")
            return
        else:
            # Nothing readable at ``pos`` itself: the bytes up to the next member are one error.
            nxt = _next_sync(path, pos + 1, gz)
            end = nxt if nxt is not None else size
            what = "corrupt gzip member" if gz else "unreadable WARC data"
            rest = "" if nxt is not None else " (no later record found: rest of file)"
            yield Record(id=f"{name}@{pos}", source=name, kind="warc", gzipped=gz,
                         error=f"{what} at offset {pos}, {end - pos} bytes{rest}: {reason}")
        if nxt is None:
            return
        pos = nxt


def _warc_record(rec: Any, name: str, start: int, gz: bool, max_bytes: int) -> Record:
    """A Record from a fastwarc response/resource record (reads its body unless skipped)."""
    r = Record(id=rec.record_id or f"{name}@{start}", url=rec.headers.get("WARC-Target-URI"),
               source=name, kind="warc", offset=start, gzipped=gz)
    if rec.record_type == WarcRecordType.response:
        try:
            rec.parse_http()
        except (OSError, ValueError) as e:
            r.error = f"invalid HTTP headers: {e}"
            return r
        headers = rec.http_headers
        if headers is None or getattr(headers, "status_code", None) is None:
            r.error = "invalid HTTP headers (no HTTP status line)"
            return r
        ctype = rec.http_content_type
        full_ctype = headers.get("Content-Type")
    else:
        full_ctype = rec.headers.get("Content-Type")
        ctype = full_ctype.split(";", 1)[0].strip() if full_ctype else None
    r.content_type = full_ctype or ctype
    if ctype and ctype.lower() not in HTML_TYPES:
        r.skipped = f"not HTML ({ctype.lower()})"
        return r
    if rec.content_length > max_bytes:
        r.error = f"too large ({rec.content_length} bytes > {max_bytes})"
        return r
    body = rec.reader.read(max_bytes + 1)
    if len(body) > max_bytes:
        r.error = f"too large (more than {max_bytes} bytes)"
        return r
    r.body = body
    return r


def _check_complete(r: Record, path: str | os.PathLike[str], size: int) -> None:
    """Turn the file's last record into an error when the file ends inside it.

    fastwarc hands out what a cut-off record has (a crawl interrupted mid-write, a partial
    download) as if it were whole; scoring half a page would be a silent wrong answer. Only the
    last record is checked: a cut in the middle of a file breaks the next record's header, which
    the recovery above reports."""
    if r.body is None or r.error is not None or r.offset is None:
        return
    with open(path, "rb") as f:
        f.seek(r.offset)
        raw = f.read(min(size - r.offset, MAX_RECORD_BYTES + _SCAN_BLOCK))
    if r.gzipped:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            raw = d.decompress(raw)
        except zlib.error as e:
            r.error, r.body = f"corrupt gzip member at offset {r.offset}: {e}", None
            return
        if not d.eof:
            r.error, r.body = f"truncated record at offset {r.offset} (gzip member cut off)", None
            return
    head_end = raw.find(b"\r\n\r\n")
    length = None
    for line in raw[:head_end].split(b"\r\n") if head_end >= 0 else ():
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value)
    if length is None:
        return
    have = len(raw) - head_end - 4
    if have < length:
        r.error = f"truncated record at offset {r.offset}: {have} of {length} bytes"
        r.body = None


def _next_sync(path: str | os.PathLike[str], after: int, gz: bool) -> int | None:
    """Offset of the next gzip member header (or ``WARC/1.`` line) at or after ``after``."""
    magic = _GZIP_MAGIC if gz else _WARC_MAGIC
    shift = 0 if gz else 1  # the WARC magic starts with the newline before the record
    with open(path, "rb") as f:
        base = max(0, after - shift)
        f.seek(base)
        carry = b""
        while True:
            block = f.read(_SCAN_BLOCK)
            if not block:
                return None
            data = carry + block
            i = data.find(magic)
            if i >= 0:
                return base - len(carry) + i + shift
            carry = data[-(len(magic) - 1):]
            base += len(block)


# ---------------------------------------------------------------------------------- JSON lines
def read_jsonl(source: str, max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Records of a JSON-lines file (``-`` = stdin; .gz ok): fields html, optional url and id.

    A line that is not JSON (or has no ``html`` string) becomes an error record whose id is
    ``<source>:<line number>``; so does a record without an ``id`` field.
    """
    name = "stdin" if source == "-" else source
    stream: IO[bytes]
    raw_file: IO[bytes] | None = None  # the file under the stream, for progress
    if source == "-":
        stream = _stdin_stream()
    else:
        with open(source, "rb") as f:
            gz = f.read(2) == _GZIP_MAGIC[:2]
        raw_file = open(source, "rb")  # noqa: SIM115 - closed with the stream below
        stream = gzip.GzipFile(fileobj=raw_file, mode="rb") if gz else raw_file  # type: ignore[assignment]
    lineno = 0
    try:
        while True:
            try:
                line = stream.readline()
            except (OSError, EOFError, zlib.error) as e:
                yield Record(id=f"{name}:{lineno + 1}", source=name, kind="jsonl",
                             error=f"unreadable from line {lineno + 1} on (rest of file): {e}")
                return
            if not line:
                return
            lineno += 1
            if not line.strip():
                continue
            r = _jsonl_record(line, name, lineno, max_bytes)
            r.pos = raw_file.tell() if raw_file is not None else None
            yield r
    finally:
        if raw_file is not None:
            stream.close()
            raw_file.close()


def _stdin_stream() -> IO[bytes]:
    """Standard input as JSON lines, gunzipped when it is gzip; InputError when it is a WARC or
    something else that is not JSON lines (checked on the first bytes, before any scoring)."""
    raw: Any = sys.stdin.buffer
    if not hasattr(raw, "peek"):  # a stand-in stdin (tests, embedding apps)
        raw = io.BufferedReader(raw)
    stream: Any = raw
    if raw.peek(2)[:2] == _GZIP_MAGIC[:2]:
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
    try:
        head = stream.peek(64)[:64].lstrip()
    except (OSError, EOFError, zlib.error) as e:
        raise InputError(f"stdin: unreadable gzip data: {e}") from e
    if head.startswith(b"WARC/"):
        raise InputError("stdin: a WARC; give its file name instead (WARCs are read from files)")
    if head and not head.startswith(b"{"):
        raise InputError("stdin: not JSON lines (the first line is not a JSON object)")
    return stream  # type: ignore[no-any-return]


def _jsonl_record(line: bytes, name: str, lineno: int, max_bytes: int) -> Record:
    """One JSON line as a Record (an error record when it is not a usable object)."""
    rid = f"{name}:{lineno}"
    r = Record(id=rid, source=name, kind="jsonl", raw=line)
    if len(line) > 2 * max_bytes:  # JSON escapes can double the size of the HTML
        r.error = f"too large (line of {len(line)} bytes)"
        return r
    try:
        obj = json.loads(line)
    except ValueError as e:
        r.error = f"bad JSON on line {lineno}: {getattr(e, 'msg', e)}"
        return r
    if not isinstance(obj, dict):
        r.error = f"line {lineno} is not a JSON object"
        return r
    if obj.get("id") is not None:
        r.id = str(obj["id"])
    url = obj.get("url")
    r.url = url if isinstance(url, str) and url else None
    html = obj.get("html")
    if not isinstance(html, str):
        r.error = f"line {lineno} has no 'html' string field"
        return r
    if len(html) > max_bytes:
        r.error = f"too large ({len(html)} characters > {max_bytes})"
        return r
    r.body = html
    return r


# -------------------------------------------------------------------------------------- folder
def read_folder(folder: str, max_bytes: int = MAX_RECORD_BYTES,
                files: list[Path] | None = None) -> Iterator[Record]:
    """Every .html/.htm file under a folder (recursive, sorted; ``files`` when already listed);
    the id is the file's path."""
    done = 0
    for p in _html_files(Path(folder)) if files is None else files:
        r = _file_record(p, folder, "folder", max_bytes)
        done += r.pos or 0
        r.pos = done
        yield r


def _html_files(root: Path) -> list[Path]:
    # Every entry with an HTML suffix is a record; one that is not a readable regular file (a
    # broken link, a fifo) gets an error line rather than vanishing from the counts.
    return sorted(
        p for p in root.rglob("*") if p.suffix.lower() in HTML_SUFFIXES and not p.is_dir()
    )


def _file_record(p: Path, source: str, kind: str, max_bytes: int) -> Record:
    """One HTML file as a Record; the id is its path, ``pos`` its size."""
    r = Record(id=str(p), source=source, kind=kind)
    if not p.is_file():
        r.error = "broken link" if p.is_symlink() and not p.exists() else "not a regular file"
        return r
    try:
        n = r.pos = p.stat().st_size
        if n > max_bytes:
            r.error = f"too large ({n} bytes > {max_bytes})"
        else:
            r.body = p.read_bytes()
    except OSError as e:
        r.error = f"cannot read: {e.strerror or e}"
    return r


# ------------------------------------------------------------------------------ filtered output
def copy_warc_record(record: Record, out: IO[bytes], out_gz: bool) -> None:
    """Write a WARC record's original bytes to ``out`` (re-(de)compressed only if kinds differ)."""
    if record.offset is None or record.length is None:
        raise ValueError(f"record {record.id} has no WARC byte range")
    with open(record.source, "rb") as f:
        f.seek(record.offset)
        data = f.read(record.length)
    if record.gzipped and not out_gz:
        data = _gunzip_members(data)
    elif out_gz and not record.gzipped:
        data = gzip.compress(data, mtime=0)
    out.write(data)


def _gunzip_members(data: bytes) -> bytes:
    """Decompress concatenated gzip members."""
    return gzip.decompress(data)


def jsonl_line(record: Record) -> bytes:
    """The line ``--out-jsonl`` writes: the original JSON line, else {id, url, html}."""
    if record.raw is not None:
        return record.raw if record.raw.endswith(b"\n") else record.raw + b"\n"
    body = record.body
    if isinstance(body, (bytes, bytearray)):
        from farmdetect.page import decode_html

        body, _ = decode_html(bytes(body), record.content_type)
    obj = {"id": record.id, "url": record.url, "html": body}
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
