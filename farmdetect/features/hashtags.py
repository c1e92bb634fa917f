"""Hashtag and tag lines that repeat the article title (the seed farm's "#Belarus #Join #Moscows").

Autotagging farms turn the title into hashtags ("Will Belarus Join Moscow's Ukraine Offensive?" ->
"#Belarus #Join #Moscows #Ukraine #Offensive") and print the line twice (under the title and as
"Social Tags:"). A legit site's topic tags name topics ("Tags: Ukraine, Russia, NATO"), not the
title's words in the title's order.
"""

from __future__ import annotations

import re

from farmdetect.features.base import Family, Result, content_words, finite, norm_token, ratio
from farmdetect.page import Page

FEATURES: tuple[str, ...] = (
    "hashtags.n_hashtag_lines",
    "hashtags.n_tags_lines",
    "hashtags.max_tags_in_line",
    "hashtags.repeated_lines",
    "hashtags.title_overlap",
    "hashtags.title_coverage",
    "hashtags.title_in_order",
    "hashtags.tags_line_title_overlap",
)

# A "#Word" token not glued to a word or an entity ("C#", "&#8217;").
_HASHTAG = re.compile(r"(?<![\w&#/])#(\w[\w'’]*)")
# "Social Tags: ..." and its translations; the tags may also sit on the next line (the seed).
_TAGS_LINE = re.compile(
    r"^(?:social\s+tags|tags|tagged(?:\s+with)?|topics|schlagw(?:ö|oe)rter|stichw(?:ö|oe)rter|"
    r"(?:é|e)tiquettes|etiquetas|tag)\s*:\s*(.*)$",
    re.IGNORECASE,
)
_TAG_SPLIT = re.compile(r"\s*[,;|#•·/]\s*|\s{2,}")
# Site-name suffix of a <title>: "Headline | Site", "Headline – Site", "Headline - Site".
_TITLE_SUFFIX = re.compile(r"\s+(?:\||–|—|-|/|::|»|·)\s+[^|–—:»·/]{1,60}$")

# A line is a hashtag line when it holds at least this many hashtags...
MIN_HASHTAGS = 2
# ...and hashtags make at least this share of its whitespace tokens (a tweet quoted in an
# article has a few hashtags among many words; the seed's line is all hashtags).
HASHTAG_LINE_SHARE = 0.6
# A tag line longer than this is prose that happens to start with "Topics:".
MAX_TAG_LINE_CHARS = 400
# title_echo: most tags are title words and most title content words are tags, in title order,
# with at least this many tags. The seed scores 1.0/1.0 with 5 tags; "Tags: Ukraine, Russia,
# NATO, Diplomacy" on "Zelensky meets Scholz in Berlin" (topic_tags_legit.html) scores 0.
ECHO_MIN_TAGS = 3
ECHO_MIN_OVERLAP = 0.8
ECHO_MIN_COVERAGE = 0.7
# A tags line may also hold the whole title pasted as one tag, after a category ("TAGS:
# South-Asia Modi to meet Amma over lunch today", thecheers.org 2008): a title of at least this
# many content words, all of them, in a row. Three-word titles are left to the rule above: a
# legit "Tags: Ford, ford hybrid transmission" on "Ford hybrid transmission" is one tag.
PASTED_MIN_WORDS = 4


def strip_site_suffix(title: str) -> str:
    """The <title> without its trailing " | Site name" part."""
    stripped = _TITLE_SUFFIX.sub("", title)
    return stripped if len(stripped) >= 10 else title


def page_titles(page: Page) -> list[str]:
    """Candidate article titles: <title> without site suffix, og:title, first h1 (distinct)."""
    out: list[str] = []
    for t in (strip_site_suffix(page.title), page.og_title, *(page.h1[:1])):
        t = t.strip()
        if t and t not in out:
            out.append(t[:300])
    return out


def _fold(tokens: list[str]) -> list[str]:
    return [norm_token(t) for t in tokens]


def _title_vocab(title: str) -> tuple[list[str], set[str]]:
    """Folded content words of a title, in order, and their set plus joined pairs (#UkraineWar)."""
    toks = _fold(content_words(title))
    vocab = set(toks)
    vocab.update(a + b for a, b in zip(toks, toks[1:], strict=False))
    return toks, vocab


def _compare(tags: list[str], title: str) -> tuple[float, float, bool]:
    """(share of tags in the title, share of title words tagged, tags in title order)."""
    ttoks, vocab = _title_vocab(title)
    if not tags or not ttoks:
        return 0.0, 0.0, False
    distinct = list(dict.fromkeys(tags))
    hits = [t for t in distinct if t in vocab]
    covered = {t for t in ttoks if t in set(distinct)}
    pos = {t: i for i, t in reversed(list(enumerate(ttoks)))}
    order = [pos[t] for t in hits if t in pos]
    in_order = len(order) >= 2 and order == sorted(order)
    return ratio(len(hits), len(distinct)), ratio(len(covered), len(set(ttoks))), in_order


def _pasted_title(tags: list[str], titles: list[str]) -> bool:
    """True when the folded content words of a title (>= PASTED_MIN_WORDS) run in ``tags``."""
    for title in titles:
        ttoks = _fold(content_words(title))
        n = len(ttoks)
        if n < PASTED_MIN_WORDS:
            continue
        if any(tags[i : i + n] == ttoks for i in range(len(tags) - n + 1)):
            return True
    return False


def _squash(text: str) -> str:
    """Letters and digits only, folded: "Belarus, Join" and "BelarusJoin" compare equal."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _tags_of(text: str) -> tuple[list[str], int]:
    """Folded tag words of a tags-line payload ("Ukraine, Russia" or "#Belarus #Join") and the
    number of distinct tags (a comma tag "ford hybrid transmission" is one tag of three words)."""
    if "#" in text:
        tags = [norm_token(t) for t in _HASHTAG.findall(text)]
        return tags, len(set(tags))
    out: list[str] = []
    items = set()
    for part in _TAG_SPLIT.split(text):
        ws = _fold(content_words(part))
        if ws:
            items.add(" ".join(ws))
            out.extend(ws)
    return out, len(items)


def _best_echo(
    lines: list[tuple[str, list[str]]], titles: list[str]
) -> tuple[float, float, bool, str]:
    """(overlap, coverage, in title order, line) of the tag line that echoes a title most."""
    best = (0.0, 0.0, False, "")
    for shown, tags in lines:
        for title in titles:
            ov, cov, order = _compare(tags, title)
            if (ov + cov, order) > (best[0] + best[1], best[2]):
                best = (ov, cov, order, shown)
    return best


def extract(page: Page) -> Result:
    lines = page.lines
    hashtag_lines: list[tuple[str, list[str]]] = []
    tags_lines: list[tuple[str, list[str]]] = []
    n_items: dict[str, int] = {}
    skip = -1  # the line a bare "Social Tags:" label took as its payload
    for i, line in enumerate(lines):
        if i == skip:
            continue
        if "#" in line:
            tags = _HASHTAG.findall(line)
            if len(tags) >= MIN_HASHTAGS and len(tags) >= HASHTAG_LINE_SHARE * len(line.split()):
                folded = [norm_token(t) for t in tags]
                hashtag_lines.append((line, folded))
                n_items[line] = len(set(folded))
                continue
        c = line[0]
        if c in "SsTtEeÉé" and len(line) <= MAX_TAG_LINE_CHARS:
            m = _TAGS_LINE.match(line)
            if m is None:
                continue
            payload = m.group(1).strip()
            shown = line
            if not payload and i + 1 < len(lines) and len(lines[i + 1]) <= MAX_TAG_LINE_CHARS:
                payload = lines[i + 1]
                shown = f"{line} {payload}"
                skip = i + 1
            words, count = _tags_of(payload)
            if words:
                tags_lines.append((shown, words))
                n_items[shown] = count

    # rel="tag" link lists the text lines did not already give as a tags line; a text line that
    # is the same links glued together ("Tags:BelarusJoin") gives way to the list
    parsed = {frozenset(tags) for _, tags in tags_lines}
    link_lines: list[tuple[str, list[str]]] = []
    for group in page.tag_groups:
        if len(group) < 2:
            continue
        shown = "Tags: " + ", ".join(group)
        words, count = _tags_of(", ".join(group))
        if not words or frozenset(words) in parsed:
            continue
        glued = _squash("".join(group))
        tags_lines = [t for t in tags_lines if _squash("".join(t[1])) != glued]
        link_lines.append((shown, words))
        n_items[shown] = count
        parsed.add(frozenset(words))
    text_lines = list(tags_lines)
    tags_lines += link_lines

    values = dict.fromkeys(FEATURES, 0.0)
    result = Result(values)
    if not hashtag_lines and not tags_lines:
        return result

    titles = page_titles(page)
    all_lines = hashtag_lines + tags_lines
    values["hashtags.n_hashtag_lines"] = float(len(hashtag_lines))
    values["hashtags.n_tags_lines"] = float(len(tags_lines))
    values["hashtags.max_tags_in_line"] = float(max(len(t) for _, t in all_lines))

    # A tag sequence printed twice (under the title and again as "Social Tags:") is the seed's
    # autotagger signature; compare tag sequences, not raw lines, since the label may differ.
    seen: dict[tuple[str, ...], str] = {}
    repeated: list[str] = []
    for shown, tags in all_lines:
        key = tuple(tags)
        # only hashtag sequences: a comma "TAGS:" line repeats legitimately per teaser
        if len(key) >= MIN_HASHTAGS and key in seen and "#" in shown:
            repeated.append(shown)
        seen.setdefault(key, shown)
    values["hashtags.repeated_lines"] = float(len(repeated))

    best = _best_echo(hashtag_lines, titles)
    values["hashtags.title_overlap"] = finite(best[0])
    values["hashtags.title_coverage"] = finite(best[1])
    values["hashtags.title_in_order"] = 1.0 if best[2] else 0.0

    tbest = _best_echo(tags_lines, titles)
    values["hashtags.tags_line_title_overlap"] = finite(tbest[0])

    echoes = []
    for ov, cov, order, shown in (best, _best_echo(text_lines, titles)):
        if not shown:
            continue
        enough = n_items.get(shown, 0) >= ECHO_MIN_TAGS
        if order and enough and ov >= ECHO_MIN_OVERLAP and cov >= ECHO_MIN_COVERAGE:
            echoes.append(shown)
    echoes += [shown for shown, tags in text_lines if _pasted_title(tags, titles)]
    # A rel="tag" list echoes only as the autotagger does it: one title word per tag, every tag
    # a title word, in title order. Bloggers tag posts with the title's key phrases
    # ("Augmented Reality, Remote Support, Smart Glasses"; four legit pages).
    for shown, tags in link_lines:
        if n_items[shown] != len(tags) or len(tags) < ECHO_MIN_TAGS:
            continue
        for title in titles:
            ov, cov, order = _compare(tags, title)
            if order and ov == 1.0 and cov >= ECHO_MIN_COVERAGE:
                echoes.append(shown)
                break
    if echoes:
        result.fire("hashtags.title_echo", dict.fromkeys(echoes))
    if repeated:
        result.fire("hashtags.repeated_line", dict.fromkeys(repeated))
    return result


family = Family("hashtags", FEATURES, extract)
