"""Hostile pages (issue 22): built on the fly, never stored (some are 50 MB). Shared by
tests/test_hostile.py (outcomes) and benchmarks/bench_hostile.py (time and memory)."""

from __future__ import annotations

from collections.abc import Callable

# name -> (what it is, builder of the page bytes, expected outcome: "scored", or the start of
# the error / skip reason)
HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "50mb": ("a 50 MB page", lambda: b"<html><body>" + b"<p>word " * 6_300_000 + b"</body></html>",
             "too large"),
    "2m_nodes": ("2 million elements in 8 MB",
                 lambda: b"<html><body>" + b"<b>a</b>" * 1_000_000 + b"</body></html>",
                 "too many tags"),
    "100k_deep": ("100,000 nested divs",
                  lambda: b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000
                  + b"</body></html>", "scored"),
    "nul_bytes": ("10,000 NUL bytes in the body",
                  lambda: b"<html><body><p>hello\x00world</p>" + b"\x00" * 10_000
                  + b"</body></html>", "binary data"),
    "wrong_charset": ("Latin-1 bytes declaring UTF-16",
                      lambda: '<html><head><meta charset="utf-16"></head><body><p>café naïve '
                      'résumé</p></body></html>'.encode("latin-1"), "scored"),
    "100k_links": ("100,000 links to 100,000 hosts",
                   lambda: ("<html><body>" + "".join(
                       f'<a href="https://h{i}.example/x">link {i}</a>' for i in range(100_000))
                       + "</body></html>").encode(), "scored"),
    "1mb_line": ("a 1.2 MB single line",
                 lambda: b"<html><body><p>" + b"lorem " * 200_000 + b"</p></body></html>",
                 "scored"),
    "unclosed_tables": ("20,000 unclosed nested tables",
                        lambda: b"<html><body>" + b"<table><tr><td>" * 20_000 + b"</body></html>",
                        "scored"),
}
