"""Opt-in host reputation: is the page's host on a public farm/spam domain list?

A separate signal from the content score, never mixed into it (issue 19, item 6): the score says
what the page shows; a list says what someone thought of the site. ``farmdetect audit`` and
``scan`` take ``--domain-lists FILE`` and report the lists that name the host (or any parent
domain of it) beside the score.

FILE is either the CSV (optionally gzipped) of ``../shared/data/domain_lists/domains.csv.gz``,
with a header holding ``domain`` and ``list`` columns, or a plain text file of one domain per line
(``#`` comments allowed; the list is named after the file). A ``domain/path`` row (a path-scoped
rule of some lists) is matched on the domain only.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from farmdetect.errors import InputError
from farmdetect.urls import host_of


class DomainLists:
    """Domain -> the names of the lists that hold it."""

    def __init__(self, entries: dict[str, set[str]], source: str) -> None:
        self.entries = entries
        self.source = source

    @classmethod
    def load(cls, path: str | Path) -> DomainLists:
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as e:
            raise InputError(f"cannot read domain lists {p}: {e.strerror or e}") from e
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as e:
                raise InputError(f"{p}: not a readable gzip file ({e})") from e
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(f"{p}: domain lists must be UTF-8 text") from e
        entries: dict[str, set[str]] = {}
        first = text.split("\n", 1)[0].lower()
        if "domain" in first and "list" in first and "," in first:
            for row in csv.DictReader(io.StringIO(text)):
                domain = _clean(row.get("domain") or "")
                if domain:
                    entries.setdefault(domain, set()).add((row.get("list") or p.stem).strip())
        else:
            name = p.name.split(".")[0]
            for line in text.splitlines():
                domain = _clean(line.split("#", 1)[0])
                if domain:
                    entries.setdefault(domain, set()).add(name)
        if not entries:
            raise InputError(f"{p}: no domains found (want a CSV with domain,list columns or "
                             "one domain per line)")
        return cls(entries, str(p))

    def lookup(self, url_or_host: str | None) -> list[str]:
        """The sorted names of the lists holding the host of ``url_or_host`` or a parent domain
        of it (``a.b.example.com`` is matched by ``example.com``); [] when none or no host."""
        if not url_or_host:
            return []
        host = host_of(url_or_host) if "/" in url_or_host else url_or_host.lower().strip(".")
        if not host:
            return []
        host = host.removeprefix("www.")
        parts = host.split(".")
        found: set[str] = set()
        for i in range(len(parts) - 1):
            found |= self.entries.get(".".join(parts[i:]), set())
        return sorted(found)


def _clean(domain: str) -> str:
    d = domain.strip().lower().split("/", 1)[0].removeprefix("www.").strip(".")
    return d if "." in d and " " not in d else ""
