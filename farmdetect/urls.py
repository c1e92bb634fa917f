"""Host and registrable-domain helpers (offline public-suffix list, never the network)."""

from __future__ import annotations

import re
from functools import lru_cache

import tldextract

# suffix_list_urls=() keeps tldextract offline: it uses the snapshot bundled with the package.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


_AUTHORITY = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//([^/?#\\]*)")


def host_of(url: str | None) -> str | None:
    """Lower-cased host of an absolute (or protocol-relative) URL, else None."""
    if not url:
        return None
    m = _AUTHORITY.match(url.strip())
    if not m:
        return None
    host = m.group(1).rpartition("@")[2]
    if host.startswith("["):  # IPv6 literal
        host = host[1 : host.find("]")] if "]" in host else ""
    else:
        host = host.partition(":")[0]
    host = host.lower().rstrip(".")
    return host or None


@lru_cache(maxsize=65536)
def registrable_domain(host: str | None) -> str | None:
    """eTLD+1 of a host (``news.bbc.co.uk`` -> ``bbc.co.uk``); the host itself for IPs/locals."""
    if not host:
        return None
    ext = _EXTRACT(host)
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}"
    return host
