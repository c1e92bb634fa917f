"""Host and registrable-domain helpers (offline public-suffix list, never the network)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# suffix_list_urls=() keeps tldextract offline: it uses the snapshot bundled with the package.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def host_of(url: str | None) -> str | None:
    """Lower-cased host of a URL, or None for relative or malformed URLs."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


@lru_cache(maxsize=65536)
def registrable_domain(host: str | None) -> str | None:
    """eTLD+1 of a host (``news.bbc.co.uk`` -> ``bbc.co.uk``); the host itself for IPs/locals."""
    if not host:
        return None
    ext = _EXTRACT(host)
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}"
    return host
