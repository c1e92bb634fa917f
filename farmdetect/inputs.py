"""Read one page from a file, stdin or an http(s) URL, with clear errors for bad input."""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

from farmdetect import __version__
from farmdetect.errors import InputError

# A fetched page larger than this is refused: a 20 MB page is already far beyond any article.
MAX_FETCH_BYTES = 25_000_000
FETCH_TIMEOUT_S = 15.0
USER_AGENT = f"farmdetect/{__version__} (+https://example.invalid/farmdetect)"
# A page "looks like HTML" when it has a few tags; plain text, JSON or CSV do not.
_TAG = re.compile(
    rb"<(?:!doctype|html|head|body|div|p|a|span|meta|title|table|br|li|h[1-6])\b", re.I
)
# Binary data: NUL bytes or many control characters in the first 8 KB.
_SNIFF_BYTES = 8192
_MAX_CONTROL_SHARE = 0.05


def read_source(source: str) -> tuple[bytes, str | None, str | None]:
    """Bytes, URL and content type of PAGE: a path, ``-`` for stdin, or an http(s) URL."""
    if source == "-":
        return sys.stdin.buffer.read(), None, None
    if re.match(r"^https?://", source, re.I):
        data, ctype = fetch(source)
        return data, source, ctype
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file")
    if path.is_dir():
        raise InputError(f"{source}: is a folder; audit takes one page (use `farmdetect scan`)")
    try:
        return path.read_bytes(), None, None
    except OSError as e:
        raise InputError(f"{source}: cannot read: {e.strerror or e}") from e


def fetch(url: str, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_FETCH_BYTES
          ) -> tuple[bytes, str | None]:
    """GET a URL with a timeout and a size cap; one clear InputError when it fails."""
    try:
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "text/html,*/*"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            data = resp.read(max_bytes + 1)
            ctype = resp.headers.get("Content-Type")
    except urllib.error.HTTPError as e:
        raise InputError(f"{url}: HTTP {e.code} {e.reason}") from e
    except urllib.error.URLError as e:
        raise InputError(f"{url}: unreachable ({e.reason})") from e
    except TimeoutError as e:
        raise InputError(f"{url}: no answer within {timeout:g} s") from e
    except (OSError, ValueError) as e:
        raise InputError(f"{url}: fetch failed ({e})") from e
    if len(data) > max_bytes:
        raise InputError(f"{url}: larger than {max_bytes // 1_000_000} MB, refused")
    return data, ctype


# Characters of decoded text sniffed by check_page (its first 2 MB, as check_html reads bytes).
SNIFF_CHARS = 2_000_000


def check_page(data: str | bytes | bytearray, name: str) -> None:
    """check_html for text or bytes: the one set of refusals of every way into a Page
    (the CLI, ``farmdetect.audit``, ``score_pages``, scan and the integrations)."""
    if isinstance(data, str):
        check_html(data[:SNIFF_CHARS].encode("utf-8", "replace"), name)
    else:
        check_html(bytes(data), name)


def check_html(data: bytes, name: str) -> None:
    """Raise InputError for empty, binary or non-HTML input."""
    if not data.strip():
        raise InputError(f"{name}: empty input")
    head = data[:_SNIFF_BYTES]
    if head.startswith((b"\x1f\x8b", b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise InputError(f"{name}: binary data (compressed file, PDF or image), not an HTML page")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM: sniff the decoded text
        data = data[:2_000_000].decode("utf-16", "ignore").encode("utf-8")
    else:
        control = sum(1 for b in head if b < 9 or 13 < b < 32)
        if b"\x00" in head or control > _MAX_CONTROL_SHARE * len(head):
            raise InputError(f"{name}: binary data, not an HTML page")
    if not _TAG.search(data[:2_000_000]):
        raise InputError(f"{name}: does not look like HTML (no HTML tags found)")
