"""A web page parsed once, with the cached views every feature family reads.

``Page.from_bytes`` decodes (surviving a wrong or missing charset), caps the size, defuses
pathologically deep nesting, and parses once with lexbor (selectolax). Every view below is
computed on first use and cached, so a family pays only for what it reads and no view is
computed twice.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from farmdetect.errors import InputError
from farmdetect.urls import host_of, registrable_domain

# A page larger than this is cut: the features of a farm page live in its first megabytes,
# and lexbor parses ~40 MB/s, so 8 MB bounds one page's parse to a fraction of a second.
MAX_HTML_CHARS = 8_000_000
# HTML5 parsers are quadratic in nesting depth (lexbor: 20k-deep divs take 0.3 s, 100k take 9 s).
# Browsers stop nesting at 512; we cut runs of more opening tags than this. The guard only runs
# on pages with many tags, because a quadratic blow-up needs tens of thousands of them.
MAX_OPEN_RUN = 256
DEPTH_GUARD_MIN_TAGS = 20_000
# A page with more tags than this is refused (an error record, not a score): the densest of the
# 5,497 real labelled pages has 25,496 "<" (p99 8,082), while 1.5 million <p> in 9 MB took 8.5 s
# and 950 MB in one worker. Counted with str.count (C speed) before the parse.
MAX_TAGS = 250_000
_OPEN_RUN = re.compile(rf"(?:<[a-zA-Z][^<>]{{0,200}}>\s*){{{MAX_OPEN_RUN + 1},}}")

# Marker inserted before block-level tags so that one C-level text() call yields text split by
# block, not by text node (inline tags must not split a sentence).
_SEP = "\x1f"
_NUL = "\x00"
# The block tags (address article aside blockquote br button dd div dl dt fieldset figcaption
# figure footer form h1-h6 header hr label li main nav ol option p pre section table td th title
# tr ul) as a prefix trie: a flat alternation tries every branch at every "<" (3x slower), and a
# lookahead with a literal replacement avoids re's per-match template expansion.
_BLOCK_TRIE = (
    "a(?:ddress|rticle|side)|b(?:lockquote|r|utton)|d(?:[dlt]|iv)|"
    "f(?:ieldset|ig(?:caption|ure)|o(?:oter|rm))|h(?:[1-6r]|eader)|l(?:abel|i)|main|nav|"
    "o(?:l|ption)|p(?:re)?|section|t(?:able|[dhr]|itle)|ul"
)
_BLOCK_RE = re.compile(rf"<(?=/?(?:{_BLOCK_TRIE})\b)", re.IGNORECASE)
_INVISIBLE = ["script", "style", "noscript", "template", "svg", "iframe", "object", "head"]
_SLUG_SPLIT = re.compile(r"[-_+.%\s]+")
_SLUG_EXT = re.compile(r"\.(s?html?|php|aspx?)$", re.IGNORECASE)
_WORD = re.compile(r"\w+(?:['’]\w+)?", re.UNICODE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-:.]+)", re.I)
_HEADING_TAGS = "h1, h2, h3, h4, h5, h6"
_ABSOLUTE = re.compile(r"^(?:https?:)?//", re.I)
# A root-relative href urljoin leaves as it is (no query, fragment, params, tab or newline).
_PLAIN_PATH = re.compile(r"/[^?#;:\t\r\n]*")
# Every character str.isspace() accepts: exactly the set re's \s matches in a str pattern.
_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _class_attr_regex() -> re.Pattern[bytes]:
    r"""``\sclass\s*=\s*["']([^"'<>]*)["']`` (case-insensitive) for ASCII-lower-cased UTF-8.

    The str regex has no literal prefix, so re tries it at every character (0.7 ms on a typical
    page); this one starts with the literal "cla" and checks the whitespace before it with
    lookbehinds (one per encoded width), finding the same attributes in 0.3 ms with the encoding
    and bytes.lower() included. Case-insensitive "s" also matches U+017F (long s).
    """
    by_len: dict[int, list[bytes]] = {}
    for ch in _SPACES:
        by_len.setdefault(len(ch.encode()), []).append(re.escape(ch.encode()))
    space = b"(?:" + b"|".join(x for alts in by_len.values() for x in alts) + b")"
    behind = b"|".join(b"(?<=(?:" + b"|".join(alts) + b")cla)" for alts in by_len.values())
    s = "(?:s|\u017f)".encode()
    return re.compile(
        b"cla(?:" + behind + b")" + s + s + space + b"*=" + space + b"*[\"']([^\"'<>]*)[\"']"
    )


_CLASS_ATTR = _class_attr_regex()
# A link text of at least this many words reads like an article title (recommendation items).
TITLE_LIKE_MIN_WORDS = 3


# UTF-8 bytes decoded as Latin-1 or Windows-1252 upstream ("journeyâ\x80\x94not",
# "wasnâ€™t"): a lead byte character followed by continuation-byte characters. Repaired only
# where the page shows the pattern at least MOJIBAKE_MIN times ("â\x80" / "â€" starts every
# mangled dash and curly quote), and only where the characters re-encode to valid UTF-8, so
# real Latin-1 text stays as it is.
MOJIBAKE_MIN = 3
# (probe, pattern, the codec that mangled it, its name): continuation bytes 0x80-0xBF read as
# Latin-1 are U+0080-U+00BF; read as Windows-1252, 0x80-0x9F are "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ",
# and the five bytes it leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) pass through as U+0081...
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\x81\x8d\x8f\x90\x9d"
# The third probe: "Â" before a Latin-1 symbol or a no-break space is a UTF-8 "©", "£" or
# no-break space read as Latin-1 ("Â£5", "wordÂ\xa0word"); no language writes "Â" there. 25
# labelled pages (canada.com, halifaxcourier.co.uk, telegraph.co.uk, ...) show it 3+ times
# without the dash and quote pattern; one stray "Â©" (turkishpress) stays, like any single one.
_LATIN1_REPAIR = re.compile("[\xc2-\xf4][\x80-\xbf]{1,3}")
_MOJIBAKE: tuple[tuple[re.Pattern[str], re.Pattern[str], str, str], ...] = (
    (re.compile("\xe2\x80"), _LATIN1_REPAIR, "latin-1", "Latin-1"),
    (re.compile("\xe2\u20ac"), re.compile(f"[\xc2-\xf4][\xa0-\xbf{_CP1252_HIGH}]{{1,3}}"),
     "cp1252", "Windows-1252"),
    (re.compile("\xc2[\xa0-\xbf]"), _LATIN1_REPAIR, "latin-1", "Latin-1"),
)


def _shows(html: str, probe: re.Pattern[str], n: int = MOJIBAKE_MIN) -> bool:
    """Whether the probe occurs at least n times (stops at the n-th)."""
    return sum(1 for _ in itertools.islice(probe.finditer(html), n)) >= n


def _as_bytes(text: str, codec: str) -> bytes:
    if codec == "latin-1":
        return text.encode("latin-1")
    return b"".join(
        bytes([ord(c)]) if c in "\x81\x8d\x8f\x90\x9d" else c.encode("cp1252") for c in text
    )


def _unmangler(codec: str) -> Callable[[re.Match[str]], str]:
    def unmangle(m: re.Match[str]) -> str:
        try:
            return _as_bytes(m.group(), codec).decode("utf-8")
        except UnicodeError:
            return m.group()

    return unmangle


def clean(text: str | None) -> str:
    """Collapse whitespace (and block markers) to single spaces."""
    # str.split() splits on exactly the characters re's \s matches (the marker is one of them),
    # and is several times faster than a regex substitution.
    return " ".join(text.split()) if text else ""


def slug_tokens(segment: str) -> list[str]:
    """Tokens of one URL path segment: file extension dropped, split on - _ + . % and spaces."""
    return [t for t in _SLUG_SPLIT.split(_SLUG_EXT.sub("", segment)) if t]


def words(text: str) -> list[str]:
    """Lower-cased word tokens (unicode-aware, apostrophes kept inside words)."""
    return [w.lower() for w in _WORD.findall(text)]


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    host: str | None
    internal: bool
    rel: str = ""


@dataclass
class Block:
    """A heading or label with the title-like link items grouped under it."""

    heading: str
    items: list[str]
    links: list[Link]
    classes: str = ""
    tag: str = ""
    # Per item (parallel to ``items``): a short label next to it ("Health News"), or "".
    labels: list[str] = field(default_factory=list)


@dataclass
class Page:
    """One parsed page. Build it with ``Page.from_bytes`` or ``Page.from_str``."""

    html: str
    url: str | None = None
    truncated: bool = False
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_bytes(
        cls, data: bytes, url: str | None = None, content_type: str | None = None
    ) -> Page:
        """Decode bytes (BOM, HTTP header, meta charset, then detection) and build a Page."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InputError(f"expected bytes, got {type(data).__name__}")
        data = bytes(data)
        truncated = len(data) > MAX_HTML_CHARS
        html, encoding = decode_page_bytes(data, content_type)
        page = cls.from_str(html, url=url)
        page.truncated = page.truncated or truncated
        page.encoding = encoding
        return page

    @classmethod
    def from_str(cls, html: str, url: str | None = None) -> Page:
        """Build a Page from already-decoded HTML."""
        if not isinstance(html, str):
            raise InputError(f"expected str, got {type(html).__name__}")
        if url:
            try:
                urlsplit(url).port  # noqa: B018 - raises ValueError for a malformed host or port
            except ValueError as e:
                raise InputError(f"invalid URL {url!r}: {e}") from e
        truncated = len(html) > MAX_HTML_CHARS
        if truncated:
            html = html[:MAX_HTML_CHARS]
        tags = html.count("<")
        if tags > MAX_TAGS:
            raise InputError(f"too many tags ({tags} > {MAX_TAGS}): not scored")
        notes = []
        for probe, pattern, codec, name in _MOJIBAKE:
            if _shows(html, probe):
                html = pattern.sub(_unmangler(codec), html)
                note = f"UTF-8 text read as {name} (mojibake) was repaired"
                if note not in notes:
                    notes.append(note)
        return cls(html=html, url=url or None, truncated=truncated, notes=notes)

    # ---------------------------------------------------------------- the parse
    @cached_property
    def tree(self) -> LexborHTMLParser:
        """The lexbor tree of the page (block-marked; parsed once)."""
        html = self.html
        if html.count("<") > DEPTH_GUARD_MIN_TAGS and _OPEN_RUN.search(html):
            html = _OPEN_RUN.sub(_cut_open_run, html)
            self.notes.append(f"nesting deeper than {MAX_OPEN_RUN} was cut")
        return LexborHTMLParser(_BLOCK_RE.sub(_SEP + "<", html))

    @cached_property
    def _head(self) -> dict[str, object]:
        """Title, meta tags, canonical, lang, scripts: read before invisible nodes are stripped."""
        tree = self.tree
        title_node = tree.css_first("title")
        meta: dict[str, str] = {}
        for node in tree.css("meta"):
            attrs = node.attributes
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            content = attrs.get("content")
            if key and content is not None and key.lower() not in meta:
                meta[key.lower()] = clean(content)
        canonical = ""
        for node in tree.css("link[rel]"):
            if "canonical" in (node.attributes.get("rel") or "").lower():
                canonical = (node.attributes.get("href") or "").strip()
                break
        html_node = tree.css_first("html")
        lang = (html_node.attributes.get("lang") or "") if html_node is not None else ""
        scripts = [s.attributes.get("src") or "" for s in tree.css("script")]
        inline_script_chars = sum(len(s.text() or "") for s in tree.css("script:not([src])"))
        iframes = [f.attributes.get("src") or "" for f in tree.css("iframe")]
        return {
            "title": clean(title_node.text()) if title_node is not None else "",
            "meta": meta,
            "canonical": canonical,
            "lang": (lang or "").strip().lower()[:10],
            "scripts": [s for s in scripts if s],
            "n_scripts": len(scripts),
            "inline_script_chars": inline_script_chars,
            "iframes": iframes,
        }

    @cached_property
    def body(self) -> LexborNode | None:
        """The body with scripts, styles and other invisible nodes removed."""
        self._head  # noqa: B018 - read head views before stripping
        tree = self.tree
        tree.strip_tags(_INVISIBLE)
        return tree.body

    # ---------------------------------------------------------------- head views
    @property
    def title(self) -> str:
        return str(self._head["title"])

    @property
    def meta(self) -> dict[str, str]:
        return self._head["meta"]  # type: ignore[return-value]

    @property
    def canonical(self) -> str:
        return str(self._head["canonical"])

    @property
    def lang(self) -> str:
        return str(self._head["lang"])

    @property
    def scripts(self) -> list[str]:
        return self._head["scripts"]  # type: ignore[return-value]

    @property
    def n_scripts(self) -> int:
        return int(self._head["n_scripts"])  # type: ignore[call-overload]

    @property
    def inline_script_chars(self) -> int:
        return int(self._head["inline_script_chars"])  # type: ignore[call-overload]

    @property
    def iframes(self) -> list[str]:
        return self._head["iframes"]  # type: ignore[return-value]

    @property
    def og_title(self) -> str:
        return self.meta.get("og:title", "")

    @property
    def og_url(self) -> str:
        return self.meta.get("og:url", "")

    # ---------------------------------------------------------------- url views
    @cached_property
    def host(self) -> str | None:
        return host_of(self.url) if self.url else None

    @cached_property
    def domain(self) -> str | None:
        """Registrable domain (eTLD+1) of the page URL."""
        return registrable_domain(self.host) if self.host else None

    @cached_property
    def url_path(self) -> str:
        return urlsplit(self.url).path if self.url else ""

    @cached_property
    def slug_words(self) -> list[str]:
        """Words of the last non-empty path segment (the article slug)."""
        parts = [p for p in self.url_path.split("/") if p]
        if not parts:
            return []
        return [w for w in slug_tokens(parts[-1].lower()) if not w.isdigit()]

    # ---------------------------------------------------------------- body views
    @cached_property
    def lines(self) -> list[str]:
        """Visible text, one entry per block, whitespace collapsed, empty blocks dropped."""
        body = self.body
        if body is None:
            return []
        raw = body.text(deep=True, separator="", strip=False)
        if _NUL in raw:
            return [t for t in (clean(part) for part in raw.split(_SEP)) if t]
        # One pass for the whole text instead of one clean() per block: the marker becomes a NUL
        # token (not whitespace, absent from the text), the words are rejoined by single spaces,
        # and the spaces next to a NUL are dropped, so each part is exactly clean(part).
        joined = " ".join(raw.replace(_SEP, f" {_NUL} ").split())
        joined = joined.replace(" " + _NUL, _NUL).replace(_NUL + " ", _NUL)
        return [t for t in joined.split(_NUL) if t]

    @cached_property
    def text(self) -> str:
        return "\n".join(self.lines)

    @cached_property
    def words(self) -> list[str]:
        return _WORD.findall(self.text.lower())

    @cached_property
    def headings(self) -> list[tuple[int, str]]:
        body = self.body
        if body is None:
            return []
        out = []
        for node in body.css(_HEADING_TAGS):
            text = clean(node.text())
            if text:
                out.append((int((node.tag or "h6")[1]), text))
        return out

    @property
    def h1(self) -> list[str]:
        return [t for level, t in self.headings if level == 1]

    @cached_property
    def article(self) -> str:
        """Best-effort article body: the container holding the most paragraph text.

        When that container is one of ARTICLE_MIN_ITEMS or more like containers (same tag and
        class) under a common ancestor, as the products of a buying guide or the columns of a
        long story are, the ancestor holding them is the article.
        """
        body = self.body
        if body is None:
            return ""
        score: Counter[int] = Counter()
        below: Counter[int] = Counter()  # paragraph text anywhere under a node (a few levels)
        nodes: dict[int, LexborNode] = {}
        for p in body.css("p"):
            parent = p.parent
            if parent is None:
                continue
            n = len(p.text())
            if n < 30:
                continue
            score[parent.mem_id] += n
            nodes[parent.mem_id] = parent
            node: LexborNode | None = parent
            for _ in range(ARTICLE_CLIMB + 2):
                if node is None or node.tag in _STOP_CLIMB:
                    break
                below[node.mem_id] += n
                nodes[node.mem_id] = node
                node = node.parent
        if not score:
            return self.text
        best = nodes[score.most_common(1)[0][0]]
        best = _items_ancestor(best, below) or best
        paras = [clean(p.text()) for p in best.css("p")]
        return "\n".join(p for p in paras if p)

    @cached_property
    def article_words(self) -> list[str]:
        return words(self.article)

    @cached_property
    def _anchors(self) -> list[tuple[LexborNode, dict[str, str | None], str, str]]:
        """Every ``<a href>`` of the body: (node, attributes, stripped href, raw marked text).

        ``links`` and ``blocks`` both walk the anchors; reading attributes and text once here
        saves a second css query and a second round of C calls per link.
        """
        body = self.body
        if body is None:
            return []
        out = []
        for a in body.css("a[href]"):
            attrs = a.attributes
            href = (attrs.get("href") or "").strip()
            out.append((a, attrs, href, a.text(deep=True, separator="", strip=False)))
        return out

    @cached_property
    def tag_groups(self) -> list[list[str]]:
        """The texts of ``rel="tag"`` links (a CMS's post tags), one list per tag list.

        Read from the DOM, not the text lines: themes often print the tag links with nothing
        between them ("Tags:BelarusJoinMoscows" in the text), and CSS alone spaces them out.
        Links are grouped by their nearest ancestor that is not an inline or list-item wrapper.
        """
        groups: dict[int, list[str]] = {}
        for a, attrs, _, raw in self._anchors:
            if "tag" not in (attrs.get("rel") or "").lower().split():
                continue
            text = clean(raw)
            if not text:
                continue
            box = a.parent
            while box is not None and box.tag in _TAG_WRAPPERS:
                box = box.parent
            groups.setdefault(box.mem_id if box is not None else 0, []).append(text)
        return list(groups.values())

    @cached_property
    def links(self) -> list[Link]:
        return [
            self._link_of(attrs, clean(raw), href)
            for _, attrs, href, raw in self._anchors
            if href and not href.startswith(("#", "javascript:", "mailto:", "tel:"))
        ]

    @cached_property
    def anchor_texts(self) -> frozenset[str]:
        """The cleaned text of every ``<a href>``, in-page (``#...``) ones included."""
        return frozenset(t for t in (clean(raw) for _, _, _, raw in self._anchors) if t)

    @cached_property
    def link_text_chars(self) -> int:
        return sum(len(link.text) for link in self.links)

    @cached_property
    def class_names(self) -> Counter[str]:
        """Every class token used in the page, with its count (theme fingerprints)."""
        found = _CLASS_ATTR.findall(self.html.encode("utf-8", "surrogatepass").lower())
        # joined by spaces, lower() sees each value alone (a space ends a final-sigma context)
        return Counter(b" ".join(found).decode("utf-8", "surrogatepass").lower().split())

    @cached_property
    def blocks(self) -> list[Block]:
        """Groups of >= 2 title-like links, sibling items of one container, with its heading.

        Inline links inside prose (a link in the middle of a paragraph) are not items, so an
        article's paragraphs do not form a block; cards whose whole body is a link give their
        longest line as the title and a short line ("Health News") as the item label.
        """
        Candidate = tuple[LexborNode, LexborNode, str, list[str], Link]
        groups: dict[int, list[Candidate]] = {}
        containers: dict[int, LexborNode] = {}
        parent_text: dict[int, str] = {}
        for a, attrs, href, raw in self._anchors:
            # cheap reject first: most links (menus, tags, "Read more") are one or two words
            if len(raw.split()) < TITLE_LIKE_MIN_WORDS:
                continue
            if _SEP in raw:
                segs = [t for t in (clean(x) for x in raw.split(_SEP)) if t]
                text = max(segs, key=len)
            else:
                text = clean(raw)
                segs = [text]
            if len(text) > TITLE_LIKE_MAX_CHARS or len(text.split()) < TITLE_LIKE_MIN_WORDS:
                continue
            title = _title_node(a)
            if _inline_in_prose(title, raw, text, parent_text):
                continue
            found = _item_container(title)
            if found is None:
                continue
            item, container = found
            key = container.mem_id
            link = self._link_of(attrs, text, href)
            groups.setdefault(key, []).append((item, title, text, segs, link))
            containers.setdefault(key, container)
        blocks = []
        for key, members in groups.items():
            if len(members) < 2:
                continue
            node = containers[key]
            node_attrs = node.attributes
            links = [m[4] for m in members]
            blocks.append(
                Block(
                    heading=_block_heading(node, members[0][0]),
                    items=[link.text for link in links],
                    links=links,
                    classes=(node_attrs.get("class") or "") + " " + (node_attrs.get("id") or ""),
                    tag=node.tag or "",
                    labels=[
                        _item_label(it, ti, segs, text) if i < LABEL_SCAN_ITEMS else ""
                        for i, (it, ti, text, segs, _) in enumerate(members)
                    ],
                )
            )
        return blocks

    def _link_of(self, attrs: dict[str, str | None], text: str, href: str) -> Link:
        target = self._targets.get(href)
        if target is None:
            target = self._targets[href] = self._resolve(href)
        return Link(target[0], text, target[1], target[2], attrs.get("rel") or "")

    @cached_property
    def _targets(self) -> dict[str, tuple[str, str | None, bool]]:
        """Resolved hrefs of this page (menus repeat the same hrefs; urljoin is slow)."""
        return {}

    def _resolve(self, href: str) -> tuple[str, str | None, bool]:
        """(absolute URL, host, internal) of an href."""
        if _ABSOLUTE.match(href):
            host = host_of(href)
            internal = host is None or (self.host is not None and _same_site(host, self.host))
            return href, host, internal
        # relative: same host by construction (urljoin only when there is a base to join to)
        if not self.url:
            return href, self.host, True
        origin = self._origin
        if origin and href[:2] != "//" and _PLAIN_PATH.fullmatch(href) and "/." not in href:
            # what urljoin returns for a root-relative path without dot segments, query or
            # params, at a tenth of its cost (checked equal on 1.3M hrefs of the real pages)
            return origin + href, self.host, True
        return urljoin(self.url, href), self.host, True

    @cached_property
    def _origin(self) -> str:
        """``scheme://netloc`` of an http(s) page URL as urljoin rebuilds it, else ""."""
        parts = urlsplit(self.url or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
        return ""

    @cached_property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8", "surrogatepass"))


# -------------------------------------------------------------------- helpers
def _cut_open_run(m: re.Match[str]) -> str:
    tags = re.findall(r"<[a-zA-Z][^<>]{0,200}>", m.group(0))
    return "".join(tags[:MAX_OPEN_RUN])


@lru_cache(maxsize=65536)
def _same_site(a: str, b: str) -> bool:
    return a == b or registrable_domain(a) == registrable_domain(b)


# Link texts longer than this are excerpts or whole paragraphs, not titles.
TITLE_LIKE_MAX_CHARS = 220
# A link sitting in a run of prose longer than this many extra characters is an inline link in
# a paragraph, not a list item (tests/data/pages/blocks_inline_prose.html).
INLINE_PROSE_EXTRA_CHARS = 40
# A heading or item label is short; a longer text is content.
HEADING_MAX_CHARS = 80
LABEL_MAX_CHARS = 32
LABEL_MAX_WORDS = 4
# Labels are looked for on the first items only: recommendation blocks are short, and long
# lists (menus, archives) would otherwise cost an extra text() call per link.
LABEL_SCAN_ITEMS = 12
# Article: levels climbed from the best paragraph container looking for repeated item
# containers (steamritual's buying guide: div.group > div.inner > p, one group per product), how
# many like containers make a list, and how much more text than the best one they must hold.
ARTICLE_CLIMB = 3
ARTICLE_MIN_ITEMS = 3
ARTICLE_ITEMS_GAIN = 1.8
# Levels climbed from a link's title to its repeated item (card layouts nest the title link
# deep: opposingviews' a > phoenix-ellipsis > div > phoenix-card > phoenix-super-link > div).
ITEM_CLIMB = 7
# Wrappers climbed from a rel="tag" link to the element holding its tag list.
_TAG_WRAPPERS = frozenset({"li", "span", "strong", "b", "em", "i", "small", "font"})
# Wrappers climbed from a link to the element that stands for the title.
_TITLE_WRAPPERS = frozenset(
    {"span", "strong", "b", "em", "i", "font", "small", "u", "mark", "cite",
     "h2", "h3", "h4", "h5", "h6"}
)
_ITEM_TAGS = frozenset(
    {"li", "article", "div", "td", "tr", "h2", "h3", "h4", "h5", "h6", "p", "span", "figure",
     "dd", "dt", "a", "section"}
)
# A parent with one of these tags is a list container by itself, whatever its children look like.
_LIST_TAGS = frozenset({"ul", "ol", "dl", "tbody", "table", "nav", "aside", "section", "menu"})
_HEADING_TAG_SET = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Short elements that may carry a block label ("You May Also Like" in a <div class="title">).
_LABELISH_TAGS = frozenset(
    {"p", "span", "strong", "b", "em", "header", "legend", "caption", "label", "div"}
)
_HEADING_CLASS = re.compile(r"title|head|label|caption|hdr", re.I)
_SENTENCE_END = re.compile(r"[.!…]\W*$")
_STOP_CLIMB = frozenset({"body", "html", "main"})


def _title_node(a: LexborNode) -> LexborNode:
    """The element standing for a link's title: the link with inline/heading wrappers around it."""
    node = a
    for _ in range(3):
        parent = node.parent
        if parent is None or parent.tag not in _TITLE_WRAPPERS:
            break
        node = parent
    return node


def _inline_in_prose(title: LexborNode, raw: str, text: str, cache: dict[int, str]) -> bool:
    """True when the link sits inside a run of sentence text longer than itself (a prose link)."""
    parent = title.parent
    if parent is None:
        return False
    key = parent.mem_id
    ptext = cache.get(key)
    if ptext is None:
        ptext = parent.text(deep=True, separator="", strip=False)
        cache[key] = ptext
    idx = ptext.find(raw) if raw else -1
    if idx < 0:
        return False
    start = ptext.rfind(_SEP, 0, idx) + 1
    end = ptext.find(_SEP, idx + len(raw))
    run = ptext[start : end if end >= 0 else len(ptext)]
    # quick bound before the cleaning pass: a short run cannot hold much extra prose
    if len(run) - len(raw) <= INLINE_PROSE_EXTRA_CHARS:
        return False
    return len(clean(run)) - len(text) > INLINE_PROSE_EXTRA_CHARS


def _item_container(title: LexborNode) -> tuple[LexborNode, LexborNode] | None:
    """(item, container): the repeated element holding this title and the list that holds it."""
    node = title
    for _ in range(ITEM_CLIMB):
        parent = node.parent
        if parent is None or parent.tag in _STOP_CLIMB:
            return None
        if parent.tag in _LIST_TAGS:
            return node, parent
        if node.tag in _ITEM_TAGS and _has_sibling_items(node):
            return node, parent
        node = parent
    return None


def _items_ancestor(best: LexborNode, below: Counter[int]) -> LexborNode | None:
    """The ancestor (within ARTICLE_CLIMB levels) whose like children hold the article, if any:
    ARTICLE_MIN_ITEMS+ children of one tag and class carrying paragraphs, together at least
    ARTICLE_ITEMS_GAIN times the paragraph text of ``best``'s branch."""
    node = best
    for _ in range(ARTICLE_CLIMB):
        up = node.parent
        if up is None or up.tag in _STOP_CLIMB:
            return None
        kinds: Counter[tuple[str, str]] = Counter()
        text: Counter[tuple[str, str]] = Counter()
        child = up.child
        while child is not None:
            if child.is_element_node and below[child.mem_id]:
                key = (child.tag or "", child.attributes.get("class") or "")
                kinds[key] += 1
                text[key] += below[child.mem_id]
            child = child.next
        if kinds:
            key, count = kinds.most_common(1)[0]
            if count >= ARTICLE_MIN_ITEMS and text[key] >= ARTICLE_ITEMS_GAIN * below[best.mem_id]:
                return up
        node = up
    return None


def _has_sibling_items(node: LexborNode) -> bool:
    """True when a nearby element sibling repeats this node's tag and class (list items, cards)."""
    tag = node.tag
    cls = node.attributes.get("class") or ""
    for step in ("next", "prev"):
        sib = getattr(node, step)
        hops = 0
        while sib is not None and hops < 3:
            if sib.is_element_node:
                if sib.tag == tag and (sib.attributes.get("class") or "") == cls:
                    return True
                hops += 1
            sib = getattr(sib, step)
    return False


def _item_label(item: LexborNode, title: LexborNode, segs: list[str], text: str) -> str:
    """A short category-like label of one item ("Health News"), or ""."""
    for seg in segs:
        if seg != text and _is_label(seg):
            return seg
    if item.mem_id != title.mem_id:
        raw = item.text(deep=True, separator="", strip=False)
        for part in raw.split(_SEP):
            seg = clean(part)
            if seg and seg != text and _is_label(seg):
                return seg
    # flat layouts put the label in its own element right before the item
    sib = item.prev
    while sib is not None and not sib.is_element_node:
        sib = sib.prev
    if sib is not None and sib.tag != item.tag and sib.tag != "a" and sib.css_first("a") is None:
        seg = clean(sib.text())
        if _is_label(seg):
            return seg
    return ""


def _is_label(text: str) -> bool:
    """Short, word-only text: a category label, not a date, a count or a sentence."""
    if not text or len(text) > LABEL_MAX_CHARS or len(text.split()) > LABEL_MAX_WORDS:
        return False
    return not any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def _heading_of(el: LexborNode) -> str | None:
    """The text of ``el`` if it looks like a block heading; "" if it is content; None if empty."""
    tag = el.tag or ""
    attrs = el.attributes
    classy = bool(_HEADING_CLASS.search((attrs.get("class") or "") + " " + (attrs.get("id") or "")))
    if tag in _HEADING_TAG_SET or classy or (tag in _LABELISH_TAGS and tag != "div"):
        text = clean(el.text())
        if not text:
            return None
        if len(text) > HEADING_MAX_CHARS:
            return ""
        if tag in _HEADING_TAG_SET or classy or not _SENTENCE_END.search(text):
            return text
        return ""
    if tag in ("img", "br", "hr", "input", "meta", "link"):
        return None
    # a div or other container without a heading-like class: inner heading first, else content
    inner = el.css_first("h1, h2, h3, h4, h5, h6") if el.first_child is not None else None
    if inner is not None:
        text = clean(inner.text())
        return text if 0 < len(text) <= HEADING_MAX_CHARS else ""
    return None if el.first_child is None else ""


def _block_heading(node: LexborNode, first_item: LexborNode | None = None) -> str:
    """The label of a block: a heading before its first item inside it, else just before it."""
    if first_item is not None:
        path: set[int] = set()
        cur: LexborNode | None = first_item
        while cur is not None and cur.mem_id != node.mem_id:
            path.add(cur.mem_id)
            cur = cur.parent
        scope: LexborNode | None = node
        for _ in range(3):
            if scope is None:
                break
            child = scope.child
            nxt: LexborNode | None = None
            while child is not None:
                if child.mem_id in path:
                    nxt = child
                    break
                if child.is_element_node:
                    text = _heading_of(child)
                    if text:
                        return text
                child = child.next
            if nxt is None or nxt.mem_id == first_item.mem_id:
                break
            scope = nxt
    cur = node
    for _ in range(3):
        if cur is None or cur.tag in _STOP_CLIMB:
            break
        sib = cur.prev
        hops = 0
        while sib is not None and hops < 4:
            if sib.is_element_node:
                text = _heading_of(sib)
                if text is not None:
                    return text
                hops += 1
            sib = sib.prev
        cur = cur.parent
    return ""


def decode_page_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The HTML text and encoding of a page's bytes as ``Page.from_bytes`` reads them: cut at
    ``MAX_HTML_CHARS`` bytes, then decoded (for readers that hand text on, like datatrove's)."""
    return decode_html(data[:MAX_HTML_CHARS], content_type)


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes: BOM, then declared charsets that decode cleanly, then detection."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    declared: list[str] = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            declared.append(m.group(1))
    m2 = _META_CHARSET.search(data[:4096])
    if m2:
        declared.append(m2.group(1).decode("ascii", "ignore"))
    candidates = []
    for name in declared:
        try:
            candidates.append(codecs.lookup(name).name)
        except LookupError:
            continue
    # utf-8 is tried right after the declared ones: a wrong "iso-8859-1" declaration over utf-8
    # bytes decodes without error but as mojibake, so strict utf-8 wins when it fits and the
    # declaration is a single-byte one.
    if "utf-8" not in candidates:
        candidates.append("utf-8")
    single_byte = ("latin-1", "iso8859-1", "cp1252", "ascii")
    if candidates and candidates[0] in single_byte and _is_utf8(data):
        candidates.insert(0, "utf-8")
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    guess = best.encoding if best is not None and best.encoding else "cp1252"
    # Detectors cannot tell the Latin single-byte code pages apart on short texts (they pick
    # cp1250 for French); the WHATWG default for undeclared pages, cp1252, is the better bet.
    if guess.replace("_", "").startswith(("cp125", "iso8859", "latin")):
        guess = "cp1252"
    return data.decode(guess, errors="replace"), guess


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b > 0x7F for b in data[:1_000_000])
