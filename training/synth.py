"""A seeded, reproducible generator of synthetic farm pages and hard negatives.

Farms are built the way real farms are built: a real legitimate article (title + paragraphs,
read through ``farmdetect.Page``) is pasted or lightly spun under a cheap template, with some
subset of the farm markers added. No marker is added to every page (each has a probability), so
the model cannot learn "farm = marker X". Hard negatives take the same articles into a legit
template that *also* has blocks, tags, chrome and footers, but related ones: the model has to
learn *unrelated* and *duplicated*, not "has a block".

Every template family below names the real pattern it imitates; ``data/synth/README.md``
documents them. Word lists live in ``data/synth/`` (project-made); clickbait headlines and the
plain news headlines used for recommendation items are read at generation time from the shared
data folder (never copied into the repo).

A synthetic page inherits the CV group of the article it came from, so cross-validation can keep
every page made from a test-fold article out of training.
"""

from __future__ import annotations

import csv
import hashlib
import html as htmllib
import json
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from farmdetect.features.base import content_words
from farmdetect.page import Page
from farmdetect.urls import host_of
from training.dataset import REPO_ROOT, Record

SYNTH_DIR = REPO_ROOT / "data" / "synth"
LANGS = ("en", "de", "fr", "es")
# An article needs this much text to be worth pasting (farms copy full stories, not stubs).
MIN_PARAGRAPHS = 4
MIN_PARAGRAPH_WORDS = 8
MIN_ARTICLE_WORDS = 150
MAX_PARAGRAPHS = 30


@dataclass(frozen=True)
class Article:
    """The reusable part of a legit page: title, paragraphs, where it came from."""

    id: str
    group: str
    dataset: str
    lang: str
    url: str | None
    host: str | None
    title: str
    paragraphs: tuple[str, ...]
    # The source page itself: the shell for injected pages (empty in unit tests).
    html: str = ""


# ---------------------------------------------------------------------------- resources
@dataclass
class Resources:
    """Word lists (repo) plus headline pools (shared data, read at generation time)."""

    words: dict
    synonyms: dict[str, list[str]]
    clickbait: list[str]
    plain_headlines: list[str]

    @classmethod
    def load(cls, data: Path | None, synth_dir: Path = SYNTH_DIR) -> Resources:
        """Read data/synth/* and, when present, <data>/clickbait_headlines/headlines.csv."""
        words = json.loads((synth_dir / "wordlists.json").read_text("utf-8"))
        synonyms: dict[str, list[str]] = {}
        for line in (synth_dir / "synonyms.tsv").read_text("utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                w, alts = line.split("\t", 1)
                synonyms[w.strip()] = [a.strip() for a in alts.split(",") if a.strip()]
        clickbait: list[str] = []
        plain: list[str] = []
        path = data / "clickbait_headlines" / "headlines.csv" if data else None
        if path is not None and path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    h = (row.get("headline") or "").strip()
                    if len(h.split()) >= 4:
                        (clickbait if row.get("label") == "1" else plain).append(h)
        if not clickbait:
            clickbait = list(words["clickbait_fallback"])
        return cls(words, synonyms, clickbait, plain)


# ---------------------------------------------------------------------------- articles
_SITE_SUFFIX = re.compile(r"\s+[|\-–—:·»]\s+[^|\-–—:·»]{2,60}$")


def article_of(rec: Record) -> Article | None:
    """Title + body paragraphs of a legit page, or None when it has no usable article."""
    page = Page.from_str(rec.html, url=rec.url)
    try:
        title = next((h for h in page.h1 if 3 <= len(h.split()) <= 25), "")
        if not title:
            title = _SITE_SUFFIX.sub("", page.title).strip()
        paras = [p for p in page.article.split("\n") if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    except Exception:  # noqa: BLE001 - a page the parser chokes on is simply not a source
        return None
    if not (3 <= len(title.split()) <= 25) or len(paras) < MIN_PARAGRAPHS:
        return None
    paras = paras[:MAX_PARAGRAPHS]
    if sum(len(p.split()) for p in paras) < MIN_ARTICLE_WORDS:
        return None
    lang = (rec.lang or page.lang or "en")[:2].lower()
    return Article(
        rec.id,
        rec.group,
        rec.dataset,
        lang if lang in LANGS else "en",
        rec.url,
        rec.host,
        title,
        tuple(paras),
        rec.html,
    )


# ---------------------------------------------------------------------------- small helpers
def esc(s: str) -> str:
    return htmllib.escape(s, quote=True)


def slugify(s: str, n: int = 8) -> str:
    """URL slug of a title (what farm CMSs generate)."""
    toks = re.findall(r"\w+", s.lower())
    return "-".join(toks[:n]) or "post"


def pick_lang(rng: random.Random, art: Article, p_same: float = 0.7) -> str:
    """Chrome language: mostly the article's, sometimes another (farms reuse one theme)."""
    return art.lang if rng.random() < p_same else rng.choice(LANGS)


def lst(words: dict, key: str, lang: str) -> list[str]:
    d = words[key]
    return d.get(lang) or d["en"]


def hashtags(title: str, rng: random.Random) -> str:
    """'#Belarus #Join #Moscows ...': the title's content words as hashtags (seed page pattern)."""
    toks = [re.sub(r"['’]", "", w) for w in content_words(title)]
    toks = [t for t in toks if t][: rng.randint(3, 8)]
    return " ".join("#" + t[:1].upper() + t[1:] for t in toks)


# Tag links, as both classes print them: WordPress's the_tags() marks each rel="tag" (18 % of
# real legit pages carry such links), and themes join them with nothing, a space or a comma
# (of the real legit pages with two tag links side by side, half have nothing between them).
TAG_REL_P = 0.6
_TAG_JOINERS = ("", " ", ", ")


def tag_links(rng: random.Random, tags: Sequence[str], base: str) -> str:
    """The links of a tag list (``base`` "/tag/"), drawn the same way for farms and legit pages."""
    rel = ' rel="tag"' if rng.random() < TAG_REL_P else ""
    return rng.choice(_TAG_JOINERS).join(
        f'<a href="{base}{slugify(t)}/"{rel}>{esc(t)}</a>' for t in tags
    )


# Topic tag lists (the post's subjects, not its title's words). Real pages carry a tags line at
# about the same rate in both classes (17 % of legit pages, 18 % of farms); hard negatives had
# one on 53 % and template farms on 9 %, which taught "a tags line means legit".
TOPIC_TAGS_P = 0.2
FARM_TOPIC_TAGS_P = 0.12
_TAG_LABELS = ("Tags:", "Topics:", "Tagged:")


def topic_tags(rng: random.Random, art: Article, lead: Sequence[str] = ()) -> str:
    """A tag list of the article's most frequent body words (never its title's), after ``lead``."""
    title_words = set(content_words(art.title))
    body_words = [w for w in content_words(" ".join(art.paragraphs)) if w not in title_words]
    topics = [*lead, *sorted(set(body_words), key=lambda w: (-body_words.count(w), w))[:3]]
    return (
        f'<div class="tags">{rng.choice(_TAG_LABELS)} '
        + tag_links(rng, [t.title() for t in topics], "/topic/")
        + "</div>"
    )


def farm_domain(rng: random.Random, words: dict) -> str:
    d = words["farm_domain_parts"]
    sep = rng.choice(["", "", "-"])
    return f"{rng.choice(d['a'])}{sep}{rng.choice(d['b'])}.{rng.choice(d['tld'])}"


# How often a page's class names carry a known news-theme prefix (jNews "jeg_", Newspaper
# "td-", ...): 29 % of the real farm pages and 4 % of the real legit pages do. Every synthetic
# page used to draw one from the same list (65 % / 62 % of synthetic legit / farm pages showed
# a theme), so "wears a theme" meant "is synthetic", and most positives are synthetic.
THEME_PREFIX_P = {True: 0.3, False: 0.05}  # farm: p
NEUTRAL_PREFIXES = ("", "post-", "entry-", "site-", "c-", "main-", "page-")


def class_prefix(rng: random.Random, res: Resources, farm: bool) -> str:
    """The page's class-name prefix: a known theme's at the real rate of its class."""
    if rng.random() < THEME_PREFIX_P[farm]:
        themed = [p for p in res.words["theme_prefixes"] if p not in NEUTRAL_PREFIXES]
        return rng.choice(themed)
    return rng.choice(NEUTRAL_PREFIXES)


def cls(rng: random.Random, prefix: str, name: str) -> str:
    """A theme-ish class name (prefix varies per page so no class name is a give-away)."""
    return prefix + name + rng.choice(["", "", "-wrap", "_inner", "-1", " clearfix"])


def spin(
    paragraphs: Sequence[str], rng: random.Random, res: Resources, swap_p: float, drop_p: float
) -> list[str]:
    """Rewrite-mill spinning: swap words for (often clumsy) synonyms and drop sentences."""
    out = []
    for para in paragraphs:
        sentences = re.split(r"(?<=[.!?])\s+", para)
        kept = [s for s in sentences if rng.random() >= drop_p] or sentences[:1]
        text = " ".join(kept)
        if swap_p > 0:

            def sub(m: re.Match[str]) -> str:
                w = m.group(0)
                alts = res.synonyms.get(w.lower())
                if not alts or rng.random() >= swap_p:
                    return w
                alt = rng.choice(alts)
                return alt[:1].upper() + alt[1:] if w[:1].isupper() else alt

            text = re.sub(r"[A-Za-z']+", sub, text)
        out.append(text)
    return out


def add_wire(paragraphs: list[str], rng: random.Random, res: Resources) -> list[str]:
    """Keep/insert a wire attribution ('told AFP'): farms paste agency copy unchanged."""
    if any(re.search(r"\b(AFP|Reuters|AP|Associated Press)\b", p) for p in paragraphs):
        return paragraphs
    i = rng.randrange(len(paragraphs))
    p = paragraphs[i].rstrip()
    if p.endswith("."):
        p = p[:-1] + f", an official {rng.choice(res.words['wire'])}."
    paragraphs = list(paragraphs)
    paragraphs[i] = p
    return paragraphs


def credit_outlet(paragraphs: list[str], rng: random.Random, res: Resources) -> list[str]:
    """Retell the story as another outlet's: 'VG247 reports that ...', ', notes Washington
    Examiner.' (the 2017 rewrite mills; 3 of the 4 real ones credit an outlet this way)."""
    paragraphs = list(paragraphs)
    for i in rng.sample(range(len(paragraphs)), min(len(paragraphs), rng.randint(1, 3))):
        p, outlet = paragraphs[i], rng.choice(res.words["rewrite_outlets"])
        if rng.random() < 0.25 and p.endswith("."):
            paragraphs[i] = f"{p[:-1]}, notes {outlet}."
        else:
            rest = p[:1].lower() + p[1:] if p[1:2].islower() else p
            paragraphs[i] = rng.choice(res.words["rewrite_credit"]).format(outlet=outlet, rest=rest)
    return paragraphs


def unrelated_titles(rng: random.Random, res: Resources, title: str, k: int) -> list[str]:
    """Headlines sharing no content word with the title (plain news + some clickbait)."""
    own = set(content_words(title))
    pool = res.plain_headlines or res.clickbait
    out: list[str] = []
    for _ in range(k * 10):
        h = rng.choice(res.clickbait if rng.random() < 0.25 else pool)
        if not own & set(content_words(h)) and h not in out:
            out.append(h)
        if len(out) == k:
            break
    return out


# Share of a farm's own "Related Posts" blocks (jnews_wp, ai_listicle, scraper_feed) whose items
# are related to the article, as a related-posts plugin picks them. The seed's "You May Also Like"
# block is unrelated, and so were all template blocks; but of the 6 real farm pages with a
# recommendation block, 4 have one as related as a legit page's (median relatedness 0.65 against
# 0.34 on real legit pages with a block, 0.06 on template farms), so the model had learned
# "related block = legit" and held the 2017 rewrite mills down. The seed-style blocks, the
# sidebars and "Latest" lists stay unrelated. Out-of-fold ROC-AUC on real pages: 0.980 -> 0.982
# over five fold shuffles (within the noise; the rewrite mills' relatedness penalty fell by a
# third).
FARM_RELATED_P = 0.5


def own_related_titles(ctx: Ctx, k: int) -> list[str]:
    """A farm's own related-posts items: related (FARM_RELATED_P of the time), else unrelated."""
    if ctx.index is not None and ctx.rng.random() < FARM_RELATED_P:
        titles = ctx.index.related(ctx.art, ctx.rng, k)
        if titles:
            return titles
    return unrelated_titles(ctx.rng, ctx.res, ctx.art.title, k)


def recs_block(
    rng: random.Random,
    res: Resources,
    titles: list[str],
    heading: str,
    lang: str,
    prefix: str,
    domain: str,
    with_labels: bool,
) -> str:
    """A recommendation block; with_labels puts a category label on each item (seed style)."""
    tag = rng.choice(["div", "section", "aside"])
    item_tag = rng.choice(["li", "article", "div"])
    labels = lst(res.words, "category_labels", lang)
    items = []
    for t in titles:
        label = f'<span class="{prefix}cat">{esc(rng.choice(labels))}</span>' if with_labels else ""
        a = f'<a href="https://{domain}/{slugify(t)}/">{esc(t)}</a>'
        inner = f"{label}<h3>{a}</h3>" if rng.random() < 0.5 else f"{label}{a}"
        items.append(f'<{item_tag} class="{cls(rng, prefix, "item")}">{inner}</{item_tag}>')
    body = "".join(items)
    if item_tag == "li":
        body = f"<ul>{body}</ul>"
    htag = rng.choice(["h2", "h3", "h4", "div"])
    return (
        f'<{tag} class="{cls(rng, prefix, rng.choice(["related", "recs", "more", "widget"]))}">'
        f'<{htag} class="{prefix}block-title">{esc(heading)}</{htag}>{body}</{tag}>'
    )


def ad_slot(rng: random.Random, res: Resources) -> str:
    c = rng.choice(res.words["ad_slot_classes"])
    label = rng.choice(["Advertisement", "ADVERTISEMENT", "Sponsored", "Anzeige", "Publicité", ""])
    return f'<div class="{c}"><small>{label}</small><ins class="{c}-ins"></ins></div>'


def chrome(rng: random.Random, res: Resources, lang: str, k: int) -> list[str]:
    phrases = lst(res.words, "chrome", lang)
    return rng.sample(phrases, min(k, len(phrases)))


def clickbait_footer(rng: random.Random, res: Resources, art: Article) -> str:
    if rng.random() < 0.7:
        return rng.choice(res.clickbait)
    topic = rng.choice(content_words(art.title) or ["Marketing"]).title()
    return rng.choice(res.words["promo_footer"]).format(x=topic)


def doc(
    title: str, lang: str, body: str, canonical: str | None = None, extra_head: str = ""
) -> str:
    head = f'<meta charset="utf-8"><title>{esc(title)}</title>{extra_head}'
    if canonical:
        head += f'<link rel="canonical" href="{esc(canonical)}">'
    return f'<!DOCTYPE html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def paras_html(paragraphs: Sequence[str], rng: random.Random, res: Resources, ad_p: float) -> str:
    out = []
    for i, p in enumerate(paragraphs):
        out.append(f"<p>{esc(p)}</p>")
        if i and i % rng.randint(3, 6) == 0 and rng.random() < ad_p:
            out.append(ad_slot(rng, res))
    return "".join(out)


@dataclass
class Ctx:
    """Everything one generated page needs."""

    rng: random.Random
    res: Resources
    art: Article
    domain: str
    lang: str
    prefix: str
    # URL path a template chose for its own page (city_doorway's stamped slug); None: the
    # generator's default, a slug of the source article's title.
    path: str | None = None
    # Topically related titles for a farm's own "Related Posts" block (own_related_titles).
    index: RelatedIndex | None = None


# ---------------------------------------------------------------------------- farm templates
# Each farm template draws its options with the probabilities it lists, except that an option
# that adds a farm marker is drawn at MARKER_RATE times its listed probability. The listed rates
# put a marker on 79 % of the template farms, against 65 % of the 17 real farm pages (a strong
# marker on 48 % against 35 %); at 0.5 the shares are 65 % and 37 %. Farms that carried markers
# more often than real ones taught the model to wait for a marker that many real farms lack:
# out-of-fold ROC-AUC on real pages rose from 0.974 +- 0.003 to 0.980 +- 0.002 over five fold
# shuffles (0.6: the same).
MARKER_RATE = 0.5
# Options that shape the page rather than add a marker, drawn at their listed rate: spinning,
# ads and share bars (as common on legit pages), the AI article's make-up (its rates were set to
# what the real AI-farm pages measure) and the how-to's sections.
_SHAPE_OPTIONS = frozenset({
    "spin", "ads", "share", "llm_voice", "em_dash", "leadins", "numbered", "intro", "takeaways",
    "conclusion", "toc", "faq", "excerpt", "filler", "cta", "things", "steps", "tips", "refs",
    "box",
})


def _options(ctx: Ctx, p: dict[str, float]) -> dict[str, bool]:
    """Draw each option with its probability (hard negatives' page options)."""
    return {k: ctx.rng.random() < v for k, v in p.items()}


def _markers(ctx: Ctx, p: dict[str, float]) -> dict[str, bool]:
    """Draw a farm template's options: marker options at MARKER_RATE x their probability."""
    return _options(
        ctx, {k: v if k in _SHAPE_OPTIONS else v * MARKER_RATE for k, v in p.items()}
    )


def seed_clone(ctx: Ctx) -> str:
    """Imitates the seed page (shared/seed/000_3057d680e6aad161): a news-aggregator clone with
    'Connect with us' / 'Hi, what are you looking for?' chrome, a category label, the title's
    words as a hashtag line under the title and again after 'Social Tags:', an unrelated
    'You May Also Like' block with category labels, and a clickbait footer; wire copy kept."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    m = _markers(
        ctx,
        {
            "tags_top": 0.7,
            "tags_bottom": 0.6,
            "recs": 0.75,
            "footer": 0.5,
            "chrome": 0.8,
            "wire": 0.6,
            "spin": 0.3,
            "canonical": 0.2,
            "ads": 0.3,
            "credit": 0.2,
        },
    )
    paras = list(art.paragraphs)
    if m["spin"]:
        paras = spin(paras, rng, res, 0.15, 0.05)
    if m["wire"]:
        paras = add_wire(paras, rng, res)
    if m["credit"]:
        paras = credit_outlet(paras, rng, res)
    tags = hashtags(art.title, rng)
    parts = []
    if m["chrome"]:
        parts += [
            f'<div class="{cls(rng, ctx.prefix, "top")}">{esc(c)}</div>'
            for c in chrome(rng, res, ctx.lang, rng.randint(2, 4))
        ]
    parts.append(
        f'<span class="{ctx.prefix}category">'
        f"{esc(rng.choice(lst(res.words, 'category_labels', ctx.lang)))}</span>"
    )
    parts.append(f"<h1>{esc(art.title)}</h1>")
    if m["tags_top"] and tags:
        parts.append(f"<p>{esc(tags)}</p>")
    parts.append(
        f'<div class="{cls(rng, ctx.prefix, "content")}">'
        f"{paras_html(paras, rng, res, 0.5 if m['ads'] else 0)}</div>"
    )
    if m["tags_bottom"] and tags:
        label = rng.choice(lst(res.words, "tags_label", ctx.lang))
        parts.append(
            f'<div class="{ctx.prefix}tags"><span>{esc(label)}</span><br>{esc(tags)}</div>'
        )
    if m["recs"]:
        heading = rng.choice(lst(res.words, "recs_heading", ctx.lang))
        titles = unrelated_titles(rng, res, art.title, rng.randint(3, 6))
        parts.append(recs_block(rng, res, titles, heading, ctx.lang, ctx.prefix, ctx.domain, True))
    if m["footer"]:
        parts.append(
            f'<div class="{ctx.prefix}footer-promo"><a href="https://{ctx.domain}/go">'
            f"{esc(clickbait_footer(rng, res, art))}</a></div>"
        )
    return doc(art.title, ctx.lang, "".join(parts), art.url if m["canonical"] else None)


def jnews_wp(ctx: Ctx) -> str:
    """Imitates jNews / Newspaper (tagDiv) WordPress-theme farms: breadcrumb, 'by admin',
    share bar, ad slots between paragraphs, spun article, tag cloud of the title's words,
    'Related Posts' and a 'Trending' sidebar of unrelated stories."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    m = _markers(
        ctx,
        {
            "spin": 0.8,
            "ads": 0.8,
            "credit": 0.2,
            "tags": 0.55,
            "related": 0.65,
            "trending": 0.6,
            "admin": 0.6,
            "share": 0.7,
            "chrome": 0.6,
            "wire": 0.3,
            "footer": 0.25,
        },
    )
    paras = list(art.paragraphs)
    if m["spin"]:
        paras = spin(paras, rng, res, rng.uniform(0.2, 0.6), rng.uniform(0.0, 0.2))
    if m["wire"]:
        paras = add_wire(paras, rng, res)
    if m["credit"]:
        paras = credit_outlet(paras, rng, res)
    p = ctx.prefix or "jeg_"
    cat = rng.choice(lst(res.words, "category_labels", ctx.lang))
    head = [
        f'<div class="{p}breadcrumbs"><a href="/">Home</a> » '
        f'<a href="/category/">{esc(cat)}</a></div>',
        f'<h1 class="{p}post_title entry-title">{esc(art.title)}</h1>',
    ]
    if m["admin"]:
        head.append(f'<div class="{p}meta_author">by <a href="/author/admin/">admin</a></div>')
    if m["share"]:
        head.append(
            f'<div class="{p}share_button"><a href="#">Share on Facebook</a>'
            f'<a href="#">Share on Twitter</a><a href="#">WhatsApp</a></div>'
        )
    body_html = paras_html(paras, rng, res, 0.8 if m["ads"] else 0)
    content = f'<div class="{p}post_content entry-content">{body_html}</div>'
    tail = []
    if m["tags"]:
        toks = [w.title() for w in content_words(art.title)][:6]
        tail.append(
            f'<div class="{p}post_tags"><span>Tags:</span>'
            + tag_links(rng, toks, "/tag/")
            + "</div>"
        )
    if m["related"]:
        heading = rng.choice(
            ["Related Posts", "Related News", "You might also like", "More Stories"]
        )
        titles = own_related_titles(ctx, rng.randint(3, 6))
        tail.append(
            recs_block(rng, res, titles, heading, ctx.lang, p, ctx.domain, rng.random() < 0.5)
        )
    if m["footer"]:
        tail.append(f"<p><strong>{esc(clickbait_footer(rng, res, art))}</strong></p>")
    side = []
    if m["trending"]:
        titles = unrelated_titles(rng, res, art.title, rng.randint(4, 7))
        side.append(
            recs_block(
                rng,
                res,
                titles,
                rng.choice(["Trending", "Popular", "Recent Posts"]),
                ctx.lang,
                p,
                ctx.domain,
                False,
            )
        )
    if m["chrome"]:
        side += [f"<div>{esc(c)}</div>" for c in chrome(rng, res, ctx.lang, rng.randint(1, 3))]
    main = f'<article class="{p}main">{"".join(head)}{content}{"".join(tail)}</article>'
    sidebar = f'<aside class="{p}sidebar">{"".join(side)}</aside>'
    body = main + sidebar if rng.random() < 0.7 else sidebar + main
    return doc(f"{art.title} - {ctx.domain}", ctx.lang, body)


def viral_2016(ctx: Ctx) -> str:
    """Imitates 2016 viral/junk-news aggregators and 2017 rewrite mills (cf. the postlight
    opposingviews page, utomo wallstreetpit/itechpost): a short heavily-spun rewrite of a few
    paragraphs, 'Sources: ...' at the end, share counters and a 'Promoted Stories' block."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    m = _markers(
        ctx,
        {
            "sources": 0.7,
            "promoted": 0.7,
            "share": 0.6,
            "ads": 0.6,
            "footer": 0.3,
            "chrome": 0.4,
            "wire": 0.3,
            "credit": 0.6,
        },
    )
    n = min(len(art.paragraphs), rng.randint(3, 7))
    paras = spin(art.paragraphs[:n], rng, res, rng.uniform(0.3, 0.7), rng.uniform(0.1, 0.35))
    if m["wire"]:
        paras = add_wire(paras, rng, res)
    if m["credit"]:
        paras = credit_outlet(paras, rng, res)
    parts = [f"<h1>{esc(art.title)}</h1>"]
    if m["share"]:
        parts.append(
            f'<div class="share-bar"><span>{rng.randint(200, 90000)} Shares</span>'
            '<a href="#">Share</a><a href="#">Tweet</a></div>'
        )
    parts.append(
        f'<div class="{cls(rng, ctx.prefix, "article-body")}">'
        f"{paras_html(paras, rng, res, 0.7 if m['ads'] else 0)}</div>"
    )
    if m["sources"]:
        src = art.host or "example.org"
        other = rng.choice(["Daily Mail", "Fox News", "CNN", "Reuters", "Twitter", "YouTube"])
        parts.append(
            f'<p>Sources: <a href="{esc(art.url or "https://" + src)}">{esc(src)}</a>, '
            f"{esc(other)}</p>"
        )
    if m["promoted"]:
        titles = [rng.choice(res.clickbait) for _ in range(rng.randint(3, 6))]
        parts.append(
            recs_block(
                rng,
                res,
                titles,
                rng.choice(["Promoted Stories", "From the web", "Around The Web", "You May Like"]),
                "en",
                ctx.prefix,
                ctx.domain,
                rng.random() < 0.3,
            )
        )
    if m["footer"]:
        parts.append(f"<p>{esc(clickbait_footer(rng, res, art))}</p>")
    if m["chrome"]:
        parts += [f"<div>{esc(c)}</div>" for c in chrome(rng, res, ctx.lang, 2)]
    return doc(art.title, ctx.lang, "".join(parts))


def ai_listicle(ctx: Ctx) -> str:
    """Imitates AI mass-content sites (wcxb freederia / gardenwith.me / terabyte / steamritual /
    mattressnap): a generic intro, templated (often numbered) H2 sections over re-voiced text
    with em-dashes and "**Term:** ..." lead-in lists, a few outbound "according to" links,
    sometimes "Key Takeaways", a "Conclusion", a table of contents or an FAQ.

    The rates follow what the seven real AI-content farm pages measure, not a caricature: stock
    LLM phrases ~1-3 per 1,000 words (not 7), em-dashes on most pages, bold lead-ins and
    listicle headings on about half, a conclusion heading on under half, an FAQ rarely (the
    first version put stock phrases at 7/1k and an FAQ on two thirds of pages, so the model
    learned thresholds no real AI farm reaches)."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    ai = res.words["ai"]
    m = _markers(
        ctx,
        {
            "intro": 0.5,
            "takeaways": 0.3,
            "faq": 0.15,
            "conclusion": 0.45,
            "toc": 0.15,
            "related": 0.35,
            "spin": 0.3,
            "ads": 0.4,
            "llm_voice": 0.6,
            "markdown": 0.15,
            "author": 0.3,
            "em_dash": 0.8,
            "leadins": 0.45,
            "numbered": 0.55,
            "cites": 0.6,
            # the page says an AI wrote it (an agent's author bio): new in 2025 mass content
            "ai_bio": 0.08,
        },
    )
    cw = content_words(art.title)
    topic = " ".join(cw[:3]).title() if cw else art.title
    paras = list(art.paragraphs)
    if m["spin"]:
        paras = spin(paras, rng, res, 0.2, 0.05)
    if m["llm_voice"]:
        paras = llm_voice(paras, rng, ai, rng.uniform(0.03, 0.15))
    if m["em_dash"]:
        # the model's favourite punctuation: a clause set off by em-dashes
        paras = [
            p.replace(", ", rng.choice([" — ", "—"]), 1) if rng.random() < 0.15 else p
            for p in paras
        ]
    if m["markdown"]:
        # Raw model output pasted into the CMS: markdown syntax left in the visible text.
        paras = [
            f"**{p.split(' ', 3)[0].strip(',.')}:** {p}" if rng.random() < 0.5 else p for p in paras
        ]
    if m["cites"]:
        # "According to Wikipedia / the CDC ...": outbound links to reference sites
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(paras))
            site, name = rng.choice(
                [("en.wikipedia.org/wiki/", "Wikipedia"), ("www.cdc.gov/", "the CDC"),
                 ("www.nih.gov/", "the NIH"), ("www.britannica.com/topic/", "Britannica")]
            )
            href = f"https://{site}{slugify(topic).replace('-', '_')}"
            rest = paras[i][:1].lower() + paras[i][1:]
            paras[i] = f'According to <a href="{href}">{name}</a>, {rest}'
    parts = [f"<h1>{esc(art.title)}</h1>"]
    if m["author"]:
        parts.append(f'<span class="author">By {esc(rng.choice(ai["authors"]))}</span>')
    if m["intro"]:
        parts.append(f"<p>{esc(rng.choice(ai['intro']).format(topic=topic))}</p>")
    if m["takeaways"]:
        firsts = [re.split(r"(?<=[.!?])\s+", p)[0] for p in paras[: rng.randint(3, 5)]]
        parts.append(
            f"<h2>{esc(rng.choice(ai['key_takeaways']))}</h2><ul>"
            + "".join(f"<li>{_html_text(s)}</li>" for s in firsts)
            + "</ul>"
        )
    headings = rng.sample(ai["section_heading"], min(len(ai["section_heading"]), 6))
    sections = []
    n_sections = max(2, min(5, len(paras) // 3))
    step = max(1, -(-len(paras) // n_sections))
    for i, start in enumerate(range(0, len(paras), step)):
        h = headings[i % len(headings)].format(topic=topic)
        if m["numbered"]:
            h = f"{i + 1}. {h}"
        sections.append((h, paras[start : start + step]))
    if m["toc"]:
        parts.append(
            '<div class="ez-toc-container"><p>Table of Contents</p><ul>'
            + "".join(f'<li><a href="#s{i}">{esc(h)}</a></li>' for i, (h, _) in enumerate(sections))
            + "</ul></div>"
        )
    leadin_at = rng.randrange(len(sections)) if m["leadins"] else -1
    for i, (h, ps) in enumerate(sections):
        body = "".join(
            f"<p>{_html_text(p)}</p>"
            + (ad_slot(rng, res) if m["ads"] and rng.random() < 0.2 else "")
            for p in ps
        )
        if i == leadin_at:
            terms = [w.title() for w in content_words(" ".join(ps))[:12:3]] or [topic]
            items = [(t, rng.choice(ai["faq_a"]).format(topic=t)) for t in terms]
            body += "<ul>" + "".join(
                f"<li><strong>{esc(t)}:</strong> {esc(a)}</li>" for t, a in items
            ) + "</ul>"
        parts.append(f'<h2 id="s{i}">{esc(h)}</h2>{body}')
    if m["faq"]:
        qs = rng.sample(ai["faq_q"], rng.randint(3, 5))
        parts.append(
            f"<h2>{esc(rng.choice(ai['faq_heading']))}</h2>"
            + "".join(
                f"<h3>{esc(q.format(topic=topic))}</h3>"
                f"<p>{esc(rng.choice(ai['faq_a']).format(topic=topic))}</p>"
                for q in qs
            )
        )
    if m["conclusion"]:
        parts.append(
            f"<h2>{esc(rng.choice(ai['conclusion_heading']))}</h2>"
            f"<p>{esc(rng.choice(ai['conclusion']).format(topic=topic))}</p>"
        )
    if m["ai_bio"]:
        bio = rng.choice(ai["ai_author_bio"]).format(
            name=rng.choice(ai["ai_author_names"]), topic=topic.lower()
        )
        parts.append(f'<div class="author-bio"><p>{esc(bio)}</p></div>')
    if m["related"]:
        titles = own_related_titles(ctx, rng.randint(3, 5))
        parts.append(
            recs_block(
                rng,
                res,
                titles,
                rng.choice(["Related Posts", "You May Also Like"]),
                "en",
                ctx.prefix,
                ctx.domain,
                False,
            )
        )
    return doc(
        art.title,
        "en",
        f'<article class="{cls(rng, ctx.prefix, "post")}">{"".join(parts)}</article>',
    )


def _html_text(p: str) -> str:
    """A paragraph that may hold one generated <a href> citation: escape all but that link."""
    m = re.match(r'According to (<a href="[^"<>]+">[^<>]+</a>)(, .*)$', p, re.DOTALL)
    return f"According to {m.group(1)}{esc(m.group(2))}" if m else esc(p)


def llm_voice(paragraphs: list[str], rng: random.Random, ai: dict, rate: float) -> list[str]:
    """Re-voice text the way an LLM rewrite does: stock openers and filler clauses."""
    out = []
    for p in paragraphs:
        if rng.random() < rate:
            p = f"{rng.choice(ai['openers'])} {p[:1].lower()}{p[1:]}"
        if rng.random() < rate / 2 and p.endswith("."):
            p = f"{p[:-1]}, {rng.choice(ai['sprinkles'])}."
        out.append(p)
    return out


def city_doorway(ctx: Ctx) -> str:
    """Imitates local-SEO doorway pages (wcxb superbpestexterminator / homeyou): '<service> in
    <town>' pages stamped from one text with the town swapped in, bulked out with ordinary
    prose (the source article, spun), a list of sibling pages for other towns under the same
    URL pattern, phone calls to action."""
    rng, res = ctx.rng, ctx.res
    d = res.words["doorway"]
    m = _markers(
        ctx,
        {
            "nearby": 0.8,
            "cta": 0.7,
            "faq": 0.3,
            "stuffed_footer": 0.3,
            "place_blurb": 0.3,
            "filler": 0.7,
        },
    )
    service, town, state = (
        rng.choice(d["services"]),
        rng.choice(d["towns"]),
        rng.choice(d["states"]),
    )
    title = (
        f"{service} in {town}, {state}" if rng.random() < 0.6 else f"Best {service} {town} {state}"
    )
    fill = {"service": service, "town": town, "state": state, "year": rng.randint(1985, 2015)}
    sents = [s.format(**fill) for s in d["sentences"]]
    # the page's own URL names the place like its title (superbpest "/pest-control-in-romulus-mi/",
    # homeyou "/la/electrical-service-ponchatoula-costs"); otherwise the generator's default slug
    shape = rng.random()
    if shape < 0.5:
        ctx.path = f"/{slugify(service)}-in-{slugify(town)}-{state.lower()}/"
    elif shape < 0.7:
        ctx.path = f"/{state.lower()}/{slugify(service)}-{slugify(town)}-costs"
    parts = [f"<h1>{esc(title)}</h1>"]
    # A few stamped sentences per paragraph, and (usually) paragraphs of ordinary prose between
    # them (the source article, spun): real doorways bulk their pages out (homeyou: 1,300
    # words), so their word and n-gram repetition is near a normal page's (top word 3 % of the
    # words on both real ones), not the keyword wall of the first version (18 %).
    filler = spin(ctx.art.paragraphs, rng, res, 0.2, 0.1) if m["filler"] else []
    for i in range(rng.randint(3, 6)):
        parts.append("<p>" + esc(" ".join(rng.sample(sents, rng.randint(1, 2)))) + "</p>")
        parts += [f"<p>{esc(p)}</p>" for p in filler[i * 2 : i * 2 + 2]]
    if m["place_blurb"]:
        # an encyclopedia lead about the town pasted in as filler (superbpest's Wikipedia blurb)
        place = {
            "town": town,
            "county": rng.choice(d["counties"]),
            "state_name": d["state_names"][state],
            "population": rng.randint(2_000, 90_000),
            "census": rng.choice((2000, 2010, 2020)),
            "area": round(rng.uniform(2.0, 40.0), 2),
        }
        blurb = [s.format(**place) for s in d["place_blurb"]]
        filler = "<p>" + esc(" ".join(rng.sample(blurb, 2))) + "</p>"
        parts.insert(rng.randint(2, len(parts)), filler)
    if m["cta"]:
        phone = f"({rng.randint(200, 989)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
        parts.insert(1, f'<div class="cta"><a href="tel:{phone}">Call Now {phone}</a></div>')
    if m["faq"]:
        parts.append(
            f"<h2>FAQ</h2><h3>How much does {esc(service)} cost in {esc(town)}?</h3>"
            f"<p>{esc(rng.choice(sents))}</p>"
        )
    if m["nearby"]:
        # the sibling pages: the same URL with another town in the slot (superbpest links 131)
        def sibling(t: str) -> str:
            if ctx.path and ctx.path.endswith("-costs"):
                return f"/{state.lower()}/{slugify(service)}-{slugify(t)}-costs"
            if ctx.path:
                return f"/{slugify(service)}-in-{slugify(t)}-{state.lower()}/"
            return f"/{slugify(service + ' ' + t)}/"

        towns = rng.sample([t for t in d["towns"] if t != town], rng.randint(5, 29))
        parts.append(
            f"<h2>{esc(rng.choice(d['nearby_heading']))}</h2><ul>"
            + "".join(
                f'<li><a href="{sibling(t)}">{esc(service)} in {esc(t)}</a></li>' for t in towns
            )
            + "</ul>"
        )
    if m["stuffed_footer"]:
        parts.append(
            "<footer><p>"
            + esc(" | ".join(f"{service} {t}" for t in d["towns"][: rng.randint(8, 20)]))
            + "</p></footer>"
        )
    return doc(title, "en", "".join(parts))


def scraper_feed(ctx: Ctx) -> str:
    """Imitates scraper/autoblogs (wcxb blogarama): an excerpt of a syndicated post, 'The post X
    appeared first on Y.' / 'Source link', a canonical to the source, unrelated sidebars."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    m = _markers(
        ctx,
        {
            "appeared": 0.65,
            "canonical": 0.5,
            "excerpt": 0.6,
            "related": 0.5,
            "chrome": 0.4,
            "ads": 0.4,
        },
    )
    paras = list(art.paragraphs[: rng.randint(2, 5)]) if m["excerpt"] else list(art.paragraphs)
    site = art.host or "the original site"
    parts = [
        f'<h1 class="entry-title">{esc(art.title)}</h1>',
        f'<div class="{cls(rng, ctx.prefix, "entry")}">'
        f"{paras_html(paras, rng, res, 0.5 if m['ads'] else 0)}</div>",
    ]
    src = esc(art.url or "https://" + site)
    if m["appeared"]:
        parts.append(
            f'<p>The post <a href="{src}">{esc(art.title)}</a> appeared first on '
            f'<a href="{src}">{esc(site)}</a>.</p>'
        )
    else:
        line = rng.choice(res.words["scraper_footer"]).format(title=art.title, site=site)
        parts.append(f'<p><a href="{src}">{esc(line)}</a></p>')
    if m["related"]:
        titles = own_related_titles(ctx, rng.randint(3, 6))
        parts.append(
            recs_block(
                rng,
                res,
                titles,
                rng.choice(["Recent Posts", "Latest Posts", "Related"]),
                ctx.lang,
                ctx.prefix,
                ctx.domain,
                False,
            )
        )
    if m["chrome"]:
        parts += [f"<div>{esc(c)}</div>" for c in chrome(rng, res, ctx.lang, 2)]
    return doc(art.title, ctx.lang, "".join(parts), art.url if m["canonical"] else None)


def wire_mill(ctx: Ctx) -> str:
    """Imitates wire-copy mills (boilerplate turkishpress): agency stories pasted verbatim with
    the agency dateline and attribution, no byline, a 'Latest News' sidebar of unrelated items."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    m = _markers(
        ctx,
        {
            "dateline": 0.7,
            "wire": 0.8,
            "latest": 0.7,
            "chrome": 0.5,
            "ads": 0.5,
            "tags": 0.3,
            "rights": 0.6,
        },
    )
    paras = list(art.paragraphs)
    if m["wire"]:
        paras = add_wire(paras, rng, res)
    if m["dateline"]:
        agency = rng.choice(["(AFP)", "(Reuters)", "(AP)", "(AA)", "(IANS)"])
        paras[0] = (
            f"{rng.choice(['ANKARA', 'LONDON', 'PARIS', 'WASHINGTON', 'MOSCOW'])} {agency} - "
            f"{paras[0]}"
        )
    parts = [
        f"<h2>{esc(art.title)}</h2>" if rng.random() < 0.4 else f"<h1>{esc(art.title)}</h1>",
        paras_html(paras, rng, res, 0.4 if m["ads"] else 0),
    ]
    if m["tags"]:
        parts.append(f"<p>{esc(hashtags(art.title, rng))}</p>")
    if m["rights"]:
        # the agency's own rights line, pasted with its story (turkishpress "© 2008 AFP")
        agency = rng.choice(["AFP", "Reuters", "AP", "Agence France-Presse", "Associated Press"])
        parts.append(f"<p>Copyright © {rng.randint(2007, 2016)} {agency}. All rights reserved.</p>")
    side = ""
    if m["latest"]:
        titles = unrelated_titles(rng, res, art.title, rng.randint(5, 10))
        side = recs_block(
            rng,
            res,
            titles,
            rng.choice(["Latest News", "Headlines", "Top Stories"]),
            "en",
            ctx.prefix,
            ctx.domain,
            False,
        )
    if m["chrome"]:
        side += "".join(f"<div>{esc(c)}</div>" for c in chrome(rng, res, ctx.lang, 2))
    return doc(
        art.title, ctx.lang, f"<table><tr><td>{''.join(parts)}</td><td>{side}</td></tr></table>"
    )


def pr_mill(ctx: Ctx) -> str:
    """Imitates press-release mills (the 'wire/press-release copy sites' of the labelled older
    sets; today's newswire-reprint portals): a release pasted as news, with the distributor's
    dateline credit ('LONDON, March 3, 2024 /PRNewswire/ --'), the company boilerplate
    ('About Acme'), a media-contact block, 'SOURCE Acme' and '###', 'View original content',
    and a 'Latest Press Releases' list of unrelated releases."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    pr = res.words["press_release"]
    m = _markers(
        ctx,
        {
            "dateline": 0.7,
            "about": 0.7,
            "contact": 0.65,
            "source": 0.5,
            "hashes": 0.3,
            "original": 0.4,
            "latest": 0.6,
            "ads": 0.4,
            "chrome": 0.3,
        },
    )
    company = f"{rng.choice(pr['names'])} {rng.choice(pr['suffixes'])}"
    site = slugify(company, 2).replace("-", "")
    paras = list(art.paragraphs)
    if m["dateline"]:
        month = rng.choice(["January", "March", "June", "September", "November"])
        paras[0] = (
            f"{rng.choice(pr['cities'])}, {month} {rng.randint(1, 28)}, 20{rng.randint(8, 25):02d} "
            f"/{rng.choice(pr['distributors'])}/ -- {paras[0]}"
        )
    if m["about"]:
        paras.append(f"About {company}")
        claim = rng.choice(pr["claims"])
        paras.append(
            f"{company} is {'an' if claim[0] in 'aeiou' else 'a'} {claim} provider of "
            f"{rng.choice(pr['offers'])}. For more information, visit "
            f"www.{site}.com."
        )
    if m["contact"]:
        person = rng.choice(res.words["legit"]["names"])
        paras.append(
            f"Media Contact: {person}, {company}, press@{site}.com"
        )
    if m["source"]:
        paras.append(f"SOURCE {company}")
    if m["hashes"]:
        paras.append("###")
    if m["original"]:
        paras.append(
            "View original content: https://www."
            f"{rng.choice(['prnewswire', 'globenewswire', 'businesswire'])}.com/news-releases/"
            f"{slugify(art.title)}-{rng.randint(100000, 999999)}.html"
        )
    parts = [
        f'<div class="{ctx.prefix}section">{esc(rng.choice(pr["sections"]))}</div>',
        f"<h1>{esc(art.title)}</h1>",
        f'<div class="{cls(rng, ctx.prefix, "release")}">'
        f"{paras_html(paras, rng, res, 0.4 if m['ads'] else 0)}</div>",
    ]
    if m["latest"]:
        titles = unrelated_titles(rng, res, art.title, rng.randint(4, 8))
        heading = rng.choice(["Latest Press Releases", "More Press Releases", "Recent Releases"])
        parts.append(
            recs_block(rng, res, titles, heading, "en", ctx.prefix, ctx.domain, False)
        )
    if m["chrome"]:
        parts = [f"<div>{esc(c)}</div>" for c in chrome(rng, res, ctx.lang, 2)] + parts
    return doc(art.title, ctx.lang, "".join(parts))


# ---------------------------------------------------------------------------- page shells
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.I)
_H1_CLOSE = re.compile(r"</h1\s*>", re.I)
_BODY_CLOSE = re.compile(r"</body\s*>", re.I)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.I)


def howto_farm(ctx: Ctx) -> str:
    """Imitates the classic content farms of 2007-2017 that the older sets' label 1 names
    (eHow / Demand Media, Associated Content) and the article directories beside them
    (EzineArticles, ArticlesBase): the source article cut into a how-to skeleton ("Things You'll
    Need", "Step 1 ...", "Tips & Warnings", "References") credited to a contributor network, or
    pasted as a directory article with an author resource box and "Article Source: ..."; both
    wrapped in "Ads by Google" / "Sponsored Links" keyword units and unrelated article lists."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    w = res.words["classic"]
    name = rng.choice(w["persona_names"])
    words = [t for t in content_words(art.title) if len(t) > 3][:4] or ["tips"]
    topic = " ".join(t.title() for t in words)
    ad_unit = ""
    m_ads = rng.random() < 0.6
    if m_ads:
        links = rng.sample(w["ad_keywords"], 3)
        ad_unit = (
            f'<div class="{cls(rng, ctx.prefix, "ads")}"><h4>{esc(rng.choice(w["ad_labels"]))}</h4>'
            + "".join(
                f'<a href="https://ads.{ctx.domain}/c?q={slugify(k + " " + topic)}">'
                f"{esc(k)} {esc(topic)}</a>"
                for k in links
            )
            + "</div>"
        )
    paras = spin(art.paragraphs, rng, res, rng.uniform(0.0, 0.2), 0.0)
    if rng.random() < 0.6:
        m = _markers(ctx, {"credit": 0.5, "things": 0.7, "steps": 0.8, "tips": 0.7, "refs": 0.5})
        title = f"How to {rng.choice(w['howto_verbs'])} {topic}"
        parts = [f"<h1>{esc(title)}</h1>"]
        if m["credit"]:
            credit = rng.choice(w["credits"]).format(name=name)
            parts.append(f'<p class="byline">{esc(credit)}</p>')
        parts.append(f"<p>{esc(paras[0])}</p>")
        if m["things"]:
            things = rng.sample(words, min(len(words), rng.randint(2, 4)))
            parts.append(
                f"<h3>{esc(rng.choice(w['section_things']))}</h3><ul>"
                + "".join(f"<li>{esc(t.title())}</li>" for t in things)
                + "</ul>"
            )
        parts.append(f"<h3>{esc(rng.choice(w['section_steps']))}</h3>")
        for k, para in enumerate(paras[1 : rng.randint(4, 7)], start=1):
            label = f"<strong>Step {k}</strong>" if m["steps"] else ""
            parts.append(f'<div class="step">{label}<p>{esc(para)}</p></div>')
        if m["tips"]:
            parts.append(
                f"<h3>{esc(rng.choice(w['section_tips']))}</h3><ul><li>"
                + esc(rng.choice(paras[-2:]).split(". ")[0])
                + "</li></ul>"
            )
        if m["refs"]:
            parts.append(
                f"<h3>{esc(rng.choice(w['section_refs']))}</h3><ul>"
                + "".join(
                    f"<li>{esc(s)}: {esc(topic)}</li>"
                    for s in rng.sample(w["ref_sites"], rng.randint(1, 3))
                )
                + "</ul>"
            )
    else:
        m = _markers(ctx, {"source": 0.6, "box": 0.8, "republish": 0.3, "submit": 0.4})
        title = art.title
        site = rng.choice(w["directory_domains"])
        expert = name.replace(" ", "_")
        parts = [f"<h1>{esc(title)}</h1>", f'<p class="byline">By {esc(name)}</p>']
        parts += [f"<p>{esc(p)}</p>" for p in paras]
        if m["box"]:
            parts.append(
                f"<h3>{esc(rng.choice(w['directory_boxes']))}</h3><p>{esc(name)} writes about "
                f'{esc(topic.lower())}. Visit <a href="https://{ctx.domain}/go/{slugify(topic)}">'
                f"{esc(topic)}</a> for more.</p>"
            )
        if m["source"]:
            parts.append(f"<p>Article Source: http://{esc(site)}/?expert={esc(expert)}</p>")
        if m["republish"]:
            parts.append(f"<p>{esc(rng.choice(w['republish']))}</p>")
        if m["submit"]:
            parts.insert(0, '<div class="nav"><a href="/submit">Submit Articles</a></div>')
    parts.insert(rng.randint(1, len(parts)), ad_unit)
    if rng.random() < 0.6:
        titles = unrelated_titles(rng, res, art.title, rng.randint(4, 8))
        parts.append(
            recs_block(
                rng, res, titles, rng.choice(w["related_heading"]), "en", ctx.prefix,
                ctx.domain, False,
            )
        )
    if rng.random() < 0.3:
        searches = rng.sample(w["ad_keywords"], 4)
        parts.append(
            "<h4>Related Searches</h4>"
            + "".join(f'<a href="/s/{slugify(k + " " + topic)}">{esc(k)} {esc(topic)}</a>'
                      for k in searches)
        )
    return doc(title, "en", "".join(parts))


def site_links(texts: Sequence[str]) -> str:
    """List items linking each text to the site's own /<slug>/ page (menus, widgets)."""
    return "".join(f'<li><a href="/{slugify(t)}/">{esc(t)}</a></li>' for t in texts)


def _insert(html: str, rx: re.Pattern[str], fragment: str, after: bool, last: bool = False) -> str:
    """Insert a fragment before/after the first (or last) match; append when there is none."""
    matches = list(rx.finditer(html)) if last else [m for m in [rx.search(html)] if m]
    if not matches:
        return html + fragment
    m = matches[-1]
    pos = m.end() if after else m.start()
    return html[:pos] + fragment + html[pos:]


# What real pages of both classes carry and the first templates lacked (measured on the real
# labelled pages): a rights line in the footer (60 % of legit pages and 94 % of real farms have
# one; 23 % of template farms had), og:title (54 % / 65 %; 19 % of synthetic pages had), and
# ad-network scripts (21 % of legit pages, 47 % of real farms; 11 % of synthetic pages).
RIGHTS_LINE_P = 0.75
# A sidebar of the site's headlines: template pages were 80 % article text (real legit pages
# 41 %, real farms 56 %), so "little besides the article" had come to mean "synthetic".
SIDEBAR_P = 0.8
# Most real sidebars are not headed like a recommendation block ("Latest", "Headlines", a
# section name, none): one is found on 31 % of real legit pages and 41 % of real farms, and a
# template page with a sidebar always had one (82-89 % of template pages had a block). At 35 %
# (session 5) template pages of both classes still had a block of unrelated items on 44-48 % of
# pages, against 18 % of real farms and 19 % of real legit pages (recs.unrelated_ratio > 0): a
# block of unrelated sidebar headlines had come to mean "synthetic", and, since most negatives are
# real and most positives synthetic, "farm" (recs.unrelated_ratio carries no signal on the real
# pages: ROC-AUC 0.49; synthetic farms against real legit pages 0.65). At 10 %: 21-43 %.
SIDEBAR_REC_HEADING_P = 0.1
_REC_HEADINGS = ("Recent Posts", "Most Read", "Editor's Picks", "Trending", "Top Stories")
_PLAIN_HEADINGS = ("Latest", "News", "Headlines", "In Other News", "Popular", "Featured",
                   "Spotlight", "What's New", "")
# A list of the site's stories at the foot of the page, after the article and the widgets
# ("More in ...", "Trending right now", "Must read": itechpost, opposingviews, turkishpress'
# "World News:"), with viral headlines among them on part of the pages. The page tail, where
# clickbait.tail_max_prob looks, holds such lines on real pages of both classes (its best line:
# median 0.05 on real legit pages, 0.71 on real farms; >= 0.9 on 10 % and 53 % of them:
# wallstreetpit's "16 Mind Blowing Facts About Billionaire Warren Buffett ..."). Template tails
# held menus, archives and the footer, and scored ~0 in both classes (90th percentile
# 0.05-0.15), so the feature was learned from the seed footer and injected pages alone, and
# backwards for real farms (ROC-AUC farm vs legit 0.69 on real pages, 0.44 on synthetic ones).
# With these rates a line >= 0.9 closes 45-50 % of template farms (real farms 53 %) and ~9 % of
# template hard negatives (real legit pages 10 %); at 60 % of farm lists, 35 %.
FOOT_LIST_P = 0.6
FOOT_BAIT_P = {True: 0.9, False: 0.15}  # farm: p, given a foot list
# The list is headed by a section name ("World News:", as turkishpress), not by a heading of
# resources/recs_headings.txt, so it lengthens the tail without adding a recommendation block.
# Headed "More Stories" / "Trending Now", it did: template pages of both classes then had a block
# of unrelated items on 60-63 % of pages (real pages: 18-19 %); unheaded, it took the heading of
# the sidebar above it.
ARCHIVE_P = 0.5
# Template farms were titled without the site name that hard negatives always carried, so a
# short title had become a farm trait; real farm titles carry it too ("... - homeyou").
FARM_TITLE_SUFFIX_P = 0.65
OG_TITLE_P = 0.6
AD_SCRIPTS_P = {True: 0.45, False: 0.2}  # farm: p
_AD_SCRIPT_SRCS = (
    "https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-{n}",
    "https://securepubads.g.doubleclick.net/tag/js/gpt.js",
    "https://c.amazon-adsystem.com/aax2/apstag.js",
    "https://acdn.adnxs.com/ast/ast.js",
    "https://cdn.taboola.com/libtrc/site{n}/loader.js",
    "https://jsc.mgid.com/site/{n}.js",
    "https://www.ezojs.com/ezoic/sa.min.js?ezoic={n}",
    "https://a.propellerads.com/{n}.js",
)
_TITLE = re.compile(r"<title>([^<]*)</title>", re.I)
# Off-site links every CMS page carries: "Follow us" profiles and share buttons. Template pages
# had next to none (median external-link share 0-3 %, against 16 % on real legit pages and 8 %
# on real farms), so "no external links" had come to mean "synthetic". Social profiles are
# linked from 66 % of real legit pages and 47 % of real farms (800-page sample / all 17).
SOCIAL_P = {True: 0.5, False: 0.65}  # farm: p
SHARE_LINKS_P = 0.4
_SOCIAL = ("facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com/@",
           "linkedin.com/company", "pinterest.com", "tiktok.com/@")
_SHARE = (
    ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={u}"),
    ("Twitter", "https://twitter.com/intent/tweet?url={u}&text={t}"),
    ("LinkedIn", "https://www.linkedin.com/shareArticle?mini=true&url={u}"),
    ("Pinterest", "https://pinterest.com/pin/create/button/?url={u}"),
    ("WhatsApp", "https://api.whatsapp.com/send?text={t}%20{u}"),
    ("Reddit", "https://www.reddit.com/submit?url={u}"),
)
# Real pages repeat lines: the title again as the last breadcrumb item, a headline in two
# widgets. 60 % of real legit and 76 % of real farm pages repeat a line of 30+ characters;
# template pages did on 30 %.
BREADCRUMB_P = 0.5
SECOND_WIDGET_P = 0.3
# Text that is not the article: template pages were 60-65 % article text, real legit pages 41 %
# and real farms 57 % (rewrite.article_share, medians). A WordPress comment form, a cookie
# notice, an "About us" blurb in the footer, each on part of the pages of both classes.
FURNITURE_TEXT_P = {"comments": 0.35, "cookies": 0.3, "about": 0.4}
_COMMENT_FORM = (
    "<div id=\"respond\"><h3>Leave a Reply</h3><p>Your email address will not be published. "
    "Required fields are marked *</p><label>Comment *</label><label>Name *</label>"
    "<label>Email *</label><label>Website</label><p>Save my name, email, and website in this "
    "browser for the next time I comment.</p><button>Post Comment</button></div>"
)
_COOKIE_NOTICE = (
    "<div class=\"cookie-notice\"><p>We use cookies to give you the best experience on our "
    "website. By continuing to browse the site you agree to our use of cookies. You can change "
    "your cookie settings at any time in your browser.</p><button>Accept</button>"
    "<a href=\"/privacy-policy/\">Learn more</a></div>"
)
_ABOUT_BLURB = (
    "{name} brings you the latest news, analysis and stories that matter, from breaking "
    "headlines to in-depth features. Founded in {year}, our team covers {a}, {b} and more, every "
    "day of the year."
)


# Traits that real farms show far more often than real legit pages, and template pages of either
# class showed on 0-2 % (session 8), so LightGBM could learn them from the 17 real farms alone
# and out of fold never did. Drawn for template pages of both classes at the measured rates
# (farm: of the 17 real farm pages; hard negative: of the 5,267 real legit pages), so the model
# learns the difference in rate, not "a synthetic farm never has it":
# - an open call for contributors in the menu or footer ("Write For Us", "Become a NEWS
#   REPORTER": opposingviews, thecheers; 2.0 % of legit pages);
# - shop buttons between the paragraphs ("Check Price on Amazon" x 5: steamritual; "Visit
#   Website" x 4: opposingviews; 1.7 % of legit pages);
# - links to sibling pages whose URL is this one's with one slot changed (mattressnap
#   "best-mattress-for-<side>-sleepers", the two doorways; 2.7 % of legit pages). city_doorway
#   draws its own, so the farm rate here is for the other templates (1 of the 15 real farms
#   that are not doorways).
OPEN_CALL_P = {True: 0.12, False: 0.02}  # farm: p
_OPEN_CALLS = (
    "Write For Us", "Write for us", "Submit a Guest Post", "Become a Contributor",
    "Submit Your Story", "Become a Reporter", "Guest Post Guidelines",
)
SHOP_BUTTONS_P = {True: 0.12, False: 0.02}  # farm: p
_SHOP_BUTTONS = (
    ("Check Price on Amazon", "amazon"), ("Check Price", "amazon"), ("See Latest Price", "amazon"),
    ("View on Amazon", "amazon"), ("Visit Website", "shop"), ("View Deal", "shop"),
    ("Buy Now", "shop"),
)
SIBLINGS_P = {True: 0.07, False: 0.027}  # farm: p


def shop_buttons(html: str, rng: random.Random, res: Resources) -> str:
    """2-6 identical shop buttons after paragraphs of the article (affiliate review pages)."""
    label, kind = rng.choice(_SHOP_BUTTONS)
    ends = [m.end() for m in re.finditer(r"</p>", html)]
    k = min(len(ends), rng.randint(2, 6))
    tag = f"{rng.choice(res.words['farm_domain_parts']['a'])}-{rng.randint(20, 22)}"
    for pos in sorted(rng.sample(ends, k), reverse=True):
        if kind == "amazon":
            href = f"https://www.amazon.com/dp/B0{rng.getrandbits(28):08X}?tag={tag}"
        else:
            href = f"https://www.{rng.choice(('shop', 'store', 'deals'))}{rng.randint(1, 99)}.com/"
        button = f'<p><a class="btn" rel="nofollow" href="{href}">{label}</a></p>'
        html = html[:pos] + button + html[pos:]
    return html


def sibling_links(rng: random.Random, res: Resources, path: str) -> str:
    """A list of links to pages whose URL slug is this path's with one token changed, as
    programmatic-SEO sites link their "best <x> for <y>" pages; '' when the slug is too short."""
    head, _, last = path.rstrip("/").rpartition("/")
    slug, dot, ext = last.partition(".")
    toks = slug.split("-")
    if len(toks) < 4 or not res.plain_headlines:
        return ""
    i = rng.randrange(len(toks))
    seen = {toks[i]}
    items = []
    for _ in range(rng.randint(2, 8)):
        words = content_words(rng.choice(res.plain_headlines))
        w = slugify(words[0], 1) if words else ""
        if not w or w in seen:
            continue
        seen.add(w)
        new = toks[:i] + [w] + toks[i + 1 :]
        href = f"{head}/{'-'.join(new)}{dot}{ext}" + ("/" if path.endswith("/") else "")
        items.append(f'<li><a href="{esc(href)}">{esc(" ".join(new).title())}</a></li>')
    return f"<ul>{''.join(items)}</ul>" if items else ""


def bloat(
    html: str, rng: random.Random, res: Resources, lang: str, site: str, farm: bool
) -> str:
    """Wrap a generated page in the weight of a real CMS page (scripts, styles, menus, footer
    links, a rights line, og:title), drawn from one distribution for farms and hard negatives
    alike, so page size and text/HTML ratio say nothing about the label. Ad-network scripts,
    shop buttons and an open call for contributors follow the real rates of each class
    (AD_SCRIPTS_P, SHOP_BUTTONS_P, OPEN_CALL_P)."""
    if rng.random() < SHOP_BUTTONS_P[farm]:
        html = shop_buttons(html, rng, res)
    n_js = rng.randint(2, 30)
    head = "".join(
        f'<script src="https://cdn{rng.randint(1, 9)}.example.net/js/{rng.getrandbits(32):x}.js">'
        "</script>"
        for _ in range(n_js)
    )
    head += "<script>var _q=window._q||[];" + "_q.push(1);" * rng.randint(50, 6000) + "</script>"
    head += "<style>" + "a{color:#333}" * rng.randint(20, 3000) + "</style>"
    if rng.random() < AD_SCRIPTS_P[farm]:
        srcs = rng.sample(_AD_SCRIPT_SRCS, rng.randint(1, 4))
        n = rng.randint(1000, 99999)
        head += "".join(f'<script async src="{esc(u.format(n=n))}"></script>' for u in srcs)
    name = (site.split(".")[-2] if site.count(".") else site).title()  # the site's own name
    title = _TITLE.search(html)
    if title and farm and rng.random() < FARM_TITLE_SUFFIX_P:
        # "Title | Site" / "Title - Site", as most real pages of both classes are titled
        sep = rng.choice([" | ", " - ", " – "])
        html = html.replace(title.group(0), f"<title>{title.group(1)}{sep}{esc(name)}</title>", 1)
    if title and rng.random() < OG_TITLE_P:
        head += f'<meta property="og:title" content="{title.group(1)}">'
    sections = lst(res.words["legit"], "sections", lang)
    if res.plain_headlines and rng.random() < SIDEBAR_P:
        # the site's own headlines in a sidebar, as on most real pages of both classes;
        # sometimes a second widget repeats some of them ("Latest" and "Most Read")
        headings = [
            rng.choice(_REC_HEADINGS if rng.random() < SIDEBAR_REC_HEADING_P else _PLAIN_HEADINGS)
            for _ in range(2)
        ]
        items = rng.sample(res.plain_headlines, min(len(res.plain_headlines), rng.randint(5, 30)))
        lists = [items]
        if rng.random() < SECOND_WIDGET_P:
            again = rng.sample(items, rng.randint(1, min(5, len(items))))
            more = min(len(res.plain_headlines), rng.randint(1, 5))
            lists.append(again + rng.sample(res.plain_headlines, more))
        side = "".join(
            (f"<h3>{heading}</h3>" if heading else "") + "<ul>"
            + site_links(xs)
            + "</ul>"
            for heading, xs in zip(headings[: len(lists)], lists, strict=True)
        )
        html = _insert(html, _BODY_CLOSE, f"<aside>{side}</aside>", after=False, last=True)
    if rng.random() < ARCHIVE_P:
        # category and archive lists: the other sidebar widgets of a CMS page
        cats = rng.sample(sections, min(len(sections), rng.randint(4, 10)))
        months = [f"{m} 20{y}" for y in rng.sample(range(15, 26), 3) for m in ("March", "June")]
        widget = "".join(
            f"<div><h3>{h}</h3><ul>"
            + "".join(f'<li><a href="/{slugify(x)}/">{esc(x)} ({rng.randint(1, 300)})</a></li>'
                      for x in xs)
            + "</ul></div>"
            for h, xs in (("Categories", cats), ("Archives", months))
        )
        html = _insert(html, _BODY_CLOSE, f"<aside>{widget}</aside>", after=False, last=True)
    if res.plain_headlines and rng.random() < FOOT_LIST_P:
        items = rng.sample(res.plain_headlines, min(len(res.plain_headlines), rng.randint(4, 10)))
        if res.clickbait and rng.random() < FOOT_BAIT_P[farm]:
            for j in rng.sample(range(len(items)), min(len(items), rng.randint(1, 4))):
                items[j] = rng.choice(res.clickbait)
        block = f"<h3>{esc(rng.choice(sections))}</h3><ul>{site_links(items)}</ul>"
        html = _insert(html, _BODY_CLOSE, f"<div>{block}</div>", after=False, last=True)
    menu = [rng.choice(sections) for _ in range(rng.randint(5, 40))]
    nav = f"<nav><ul>{site_links(menu)}</ul></nav>"
    foot_words = ["About", "Contact", "Privacy", "Terms", "Careers", "Advertise", "Sitemap", "RSS"]
    foot_links = rng.sample(foot_words + sections, rng.randint(3, len(foot_words)))
    if rng.random() < OPEN_CALL_P[farm]:
        foot_links.insert(rng.randrange(len(foot_links) + 1), rng.choice(_OPEN_CALLS))
    foot = f"<footer><ul>{site_links(foot_links)}</ul>"
    if rng.random() < SOCIAL_P[farm]:
        handle = name.lower()
        foot += "<div class=\"social\"><span>Follow us</span>" + "".join(
            f'<a href="https://www.{net}/{handle}">{net.split(".")[0].title()}</a>'
            for net in rng.sample(_SOCIAL, rng.randint(2, 6))
        ) + "</div>"
    if rng.random() < FURNITURE_TEXT_P["about"]:
        a, b = rng.sample(sections, 2) if len(sections) >= 2 else ("news", "sport")
        blurb = _ABOUT_BLURB.format(name=name, year=rng.randint(1998, 2020), a=a, b=b)
        foot += f"<div class=\"about\"><h4>About us</h4><p>{esc(blurb)}</p></div>"
    if rng.random() < RIGHTS_LINE_P:
        foot += f"<p>© {rng.randint(2008, 2025)} {esc(name)}. All rights reserved.</p>"
    foot += "</footer>"
    headline = _SITE_SUFFIX.sub("", title.group(1)) if title else ""
    if headline and rng.random() < BREADCRUMB_P:
        nav += (
            f'<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/'
            f'{slugify(sections[0])}/">{esc(sections[0])}</a></li><li>{headline}</li></ol>'
        )
    if headline and rng.random() < SHARE_LINKS_P:
        u = f"https%3A%2F%2F{site}%2F{slugify(headline)}"
        t = slugify(headline).replace("-", "%20")
        shares = rng.sample(_SHARE, rng.randint(2, len(_SHARE)))
        bar = "<div class=\"share-links\">" + "".join(
            f'<a href="{esc(x.format(u=u, t=t))}" target="_blank">{label}</a>'
            for label, x in shares
        ) + "</div>"
        html = _insert(html, _BODY_CLOSE, bar, after=False, last=True)
    if rng.random() < FURNITURE_TEXT_P["comments"]:
        html = _insert(html, _BODY_CLOSE, _COMMENT_FORM, after=False, last=True)
    if rng.random() < FURNITURE_TEXT_P["cookies"]:
        foot += _COOKIE_NOTICE
    html = _insert(html, _HEAD_CLOSE, head, after=False)
    html = _insert(html, _BODY_OPEN, nav, after=True)
    return _insert(html, _BODY_CLOSE, foot, after=False, last=True)


# Real farms are published through a CMS like everyone else: of the 17 real labelled farm pages
# 13 carry a machine-readable date and 14 a byline (often "admin" or a persona). Templates
# without them taught the first models "no date = farm", the opposite of the real pages.
FARM_DATE_P = 0.75
FARM_BYLINE_P = 0.7
# Wire-copy mills paste the agency story without a byline (all three real ones have none).
BYLINE_P = {"wire_mill": 0.15}
# Share of farm bylines that name a generic account rather than a persona.
FARM_GENERIC_AUTHOR_P = 0.35
# Share of persona bylines whose author meta still names the CMS account ("Administrator" in the
# meta, "David Kim" on the page: wcxb terabyte.systems; no real legit page shows it).
PERSONA_OVER_ADMIN_P = 0.1


def post_meta(html: str, ctx: Ctx, byline_p: float = FARM_BYLINE_P) -> str:
    """Give a template farm the CMS post line real farms have: 'By admin · March 3, 2024'."""
    rng, lw = ctx.rng, ctx.res.words["legit"]
    parts = []
    if rng.random() < byline_p:
        generic = ctx.res.words["farm_authors"]
        persona = rng.random() >= FARM_GENERIC_AUTHOR_P
        name = rng.choice(lw["names"] if persona else generic)
        parts.append(f'<span class="{ctx.prefix}author">By {esc(name)}</span>')
        if persona and rng.random() < PERSONA_OVER_ADMIN_P:
            account = rng.choice(["admin", "Administrator", "editor"])
            html = _insert(html, _HEAD_CLOSE, f'<meta name="author" content="{account}">',
                           after=False)
    if rng.random() < FARM_DATE_P:
        y, mo, d = rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28)
        stamp = f"{y}-{mo:02d}-{d:02d}"
        parts.append(
            f'<time class="{ctx.prefix}date" datetime="{stamp}T{rng.randint(0, 23):02d}:00:00">'
            f"{esc(stamp)}</time>"
            if rng.random() < 0.7
            else f'<span class="{ctx.prefix}date">{esc(stamp)}</span>'
            f'<script type="application/ld+json">{{"datePublished": "{stamp}"}}</script>'
        )
    if not parts:
        return html
    return _insert(html, _H1_CLOSE, f'<div class="{ctx.prefix}post-meta">{" ".join(parts)}</div>',
                   after=True)


def inject_farm(ctx: Ctx) -> str:
    """Imitates the seed page as it really is: a full, heavy news theme around a copied article,
    with the farm markers added to it (hashtag echo under the title, 'Social Tags:', unrelated
    recommendations with category labels, clickbait footer, 'Connect with us' chrome). Built
    by injecting them into the source page's own HTML, so the page shape is a real page's."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    m = _markers(
        ctx, {"tags_top": 0.55, "tags_bottom": 0.45, "recs": 0.65, "footer": 0.45, "chrome": 0.55}
    )
    if not any(m[k] for k in ("tags_top", "tags_bottom", "recs", "footer")):
        m[rng.choice(["tags_top", "recs", "footer"])] = True
    html = art.html
    tags = hashtags(art.title, rng)
    if m["chrome"]:
        top = "".join(f"<div>{esc(c)}</div>" for c in chrome(rng, res, ctx.lang, rng.randint(1, 3)))
        html = _insert(html, _BODY_OPEN, top, after=True)
    if m["tags_top"] and tags:
        html = _insert(html, _H1_CLOSE, f"<p>{esc(tags)}</p>", after=True)
    tail = []
    if m["tags_bottom"] and tags:
        label = rng.choice(lst(res.words, "tags_label", ctx.lang))
        tail.append(f"<div><span>{esc(label)}</span><br>{esc(tags)}</div>")
    if m["recs"]:
        heading = rng.choice(lst(res.words, "recs_heading", ctx.lang))
        titles = unrelated_titles(rng, res, art.title, rng.randint(3, 6))
        tail.append(recs_block(rng, res, titles, heading, ctx.lang, ctx.prefix, ctx.domain, True))
    if m["footer"]:
        tail.append(
            f'<div><a href="https://{ctx.domain}/go">'
            f"{esc(clickbait_footer(rng, res, art))}</a></div>"
        )
    return _insert(html, _BODY_CLOSE, "".join(tail), after=False, last=True)


# Share of hard negatives with a related-articles block. At 0.9, with the sidebars, 86 % of hard
# negatives had a recommendation block against 31 % of real legit pages.
HARD_RELATED_P = 0.5


def inject_legit(ctx: Ctx, related: list[str]) -> str:
    """Hard negative twin of inject_farm: the source page with a *related* block, topic tags
    that are not the title's words and a newsletter box added (what real publishers add)."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    lw = res.words["legit"]
    lang = art.lang
    tail = []
    if len(related) >= 2 and rng.random() < HARD_RELATED_P:
        head = rng.choice(lst(lw, "related_heading", lang)).format(section="this story")
        tail.append(recs_block(rng, res, related, head, lang, ctx.prefix, ctx.domain, False))
    if rng.random() < TOPIC_TAGS_P:
        tail.append(topic_tags(rng, art))
    if rng.random() < 0.5 or not tail:  # never just a copy of the source page
        nl = rng.choice(lst(lw, "newsletter", lang)).format(site=art.host or "us")
        tail.append(f'<div class="newsletter"><p>{esc(nl)}</p><button>Subscribe</button></div>')
    return _insert(art.html, _BODY_CLOSE, "".join(tail), after=False, last=True)


# Share of hard negatives built by injection into the source page (when it is available).
INJECT_SHARE = 0.35
# The same for farms (inject_farm). An injected farm is a legit page plus a few seed markers, so
# all it teaches is "these markers make a farm", and since the decisive floor
# (farmdetect.model.DECISIVE_FLOOR) the markers that no legit page shows do that on their own.
# At 0.35 it was a third of the farms and the model leaned on their bait footer (clickbait tail
# probability 0.99 on injected farms; the worst false positives on legit pages are listicle and
# shop tails); at 0.1, out-of-fold ROC-AUC on real pages rose in each of five fold shuffles
# (0.966 +- 0.006 -> 0.974 +- 0.003), and 0.0 measured the same as 0.1. Hard negatives at
# 0.2 or 0.5 instead of 0.35 changed nothing.
FARM_INJECT_SHARE = 0.1
# Share of synthetic pages (farms and hard negatives alike) scored without a URL. 10 % of the
# real legit pages have none and every real farm has one, so without this the model learned
# "no URL = legit", wrong for `farmdetect audit page.html` without --url.
NO_URL_SHARE = 0.1

FARM_TEMPLATES: dict[str, Callable[[Ctx], str]] = {
    "seed_clone": seed_clone,
    "jnews_wp": jnews_wp,
    "viral_2016": viral_2016,
    "ai_listicle": ai_listicle,
    "city_doorway": city_doorway,
    "scraper_feed": scraper_feed,
    "wire_mill": wire_mill,
    "pr_mill": pr_mill,
    "howto_farm": howto_farm,
}
# Doorways need no article, and real ones are a small share of farms: keep them a minority.
FARM_WEIGHTS = {
    "seed_clone": 3,
    "jnews_wp": 3,
    "viral_2016": 2,
    "ai_listicle": 3,
    "city_doorway": 1,
    "scraper_feed": 2,
    "wire_mill": 2,
    "pr_mill": 1,
    "howto_farm": 1,
}


# ---------------------------------------------------------------------------- hard negatives
def legit_news(ctx: Ctx, related: list[str]) -> str:
    """Hard negative: a legit publisher template with a byline and date, topic tags that name
    the section and body topics (not the title), *related* article links from the same site or
    sharing the story's words, sometimes a "Most Popular" box of viral headlines, a newsletter
    box, share buttons, sometimes ads and chrome."""
    rng, res, art = ctx.rng, ctx.res, ctx.art
    lw = res.words["legit"]
    lang = art.lang
    m = _options(
        ctx,
        {
            # real legit pages: 74 % carry a byline, 37 % a machine-readable date
            "byline": 0.75,
            "date": 0.45,
            "cites": 0.6,
            "tags": TOPIC_TAGS_P,
            "related": HARD_RELATED_P,
            "newsletter": 0.6,
            "share": 0.5,
            "ads": 0.35,
            "chrome": 0.35,
            "hashtag_topic": 0.1,
            "syndicated": 0.08,
            "popular": 0.35,
            # the headline is not the page's h1 (the h1 is the logo, or there is none): 35 % of
            # real legit pages, against 18 % of real farms (rewrite.title_h1_agree < 1)
            "h1_logo": 0.15,
            "no_h1": 0.15,
        },
    )
    site = art.host or "example-news.org"
    section = rng.choice(lw["sections"].get(lang) or lw["sections"]["en"])
    p = ctx.prefix
    parts = [
        f'<nav class="{p}nav">'
        + "".join(
            f'<a href="/{slugify(s)}/">{esc(s)}</a>'
            for s in (lw["sections"].get(lang) or lw["sections"]["en"])
        )
        + "</nav>",
        f'<div class="{p}kicker">{esc(section)}</div>',
        f"<h1>{esc(art.title)}</h1>"
        if not (m["h1_logo"] or m["no_h1"])
        else f'<h2 class="{p}entry-title">{esc(art.title)}</h2>',
    ]
    if m["h1_logo"]:
        parts.insert(0, f'<h1 class="{p}logo"><a href="/">{esc(site)}</a></h1>')
    names = lw["names"]
    if m["byline"]:
        b = rng.choice(lw["byline"].get(lang) or lw["byline"]["en"])
        parts.append(
            f'<div class="{p}byline">'
            f"{esc(b.format(name=rng.choice(names), name2=rng.choice(names)))}</div>"
        )
    if m["date"]:
        parts.append(
            f'<time datetime="20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}">'
            f"{rng.randint(1, 28)} {rng.choice(['March', 'June', 'October', 'Jan.'])} "
            f"20{rng.randint(10, 24)}</time>"
        )
    if m["share"]:
        parts.append(
            '<div class="share"><a href="#">Share</a><a href="#">Tweet</a>'
            '<a href="#">Email</a></div>'
        )
    body = paras_html(art.paragraphs, rng, res, 0.4 if m["ads"] else 0)
    if m["cites"]:
        # reporters link their sources: a quarter of a real legit page's links go off-site
        for _ in range(rng.randint(1, 4)):
            src = rng.choice(["www.reuters.com", "www.gov.uk", "www.who.int", "en.wikipedia.org",
                              "www.nature.com", "twitter.com", "www.sec.gov", "www.bbc.co.uk"])
            link = f' (<a href="https://{src}/{slugify(art.title)}">{esc(src)}</a>)'
            # after a random paragraph of the story
            ends = [m.start() for m in re.finditer(r"</p>", body)]
            at = rng.choice(ends) if ends else len(body)
            body = body[:at] + link + body[at:]
    parts.append(f'<div class="{cls(rng, p, "article-body")}">{body}</div>')
    if m["tags"]:
        title_words = set(content_words(art.title))
        body_words = [w for w in content_words(" ".join(art.paragraphs)) if w not in title_words]
        topics = [section] + sorted(set(body_words), key=lambda w: (-body_words.count(w), w))[:3]
        if m["hashtag_topic"]:
            parts.append(
                "<p>" + esc(" ".join("#" + t.title().replace(" ", "") for t in topics)) + "</p>"
            )
        else:
            parts.append(topic_tags(rng, art, [section]))
    if m["related"] and len(related) >= 2:
        head = rng.choice(lw["related_heading"].get(lang) or lw["related_heading"]["en"]).format(
            section=section
        )
        parts.append(recs_block(rng, res, related, head, lang, p, site, False))
    if m["popular"]:
        # A "Most Popular" box of the site's own viral headlines: news and lifestyle sites run
        # them (popsugar, today.com), so clickbait in the tail alone is no farm signal. The
        # heading does not claim the items are related to the story.
        head = rng.choice(["Most Popular", "Trending Now", "Most Read", f"Popular on {site}"])
        titles = rng.sample(res.clickbait, min(len(res.clickbait), rng.randint(4, 6)))
        parts.append(recs_block(rng, res, titles, head, "en", p, site, False))
    if m["newsletter"]:
        nl = rng.choice(lw["newsletter"].get(lang) or lw["newsletter"]["en"]).format(site=site)
        parts.append(
            f'<div class="newsletter"><p>{esc(nl)}</p><form><input type="email">'
            "<button>Subscribe</button></form></div>"
        )
    if m["chrome"]:
        parts += [
            f"<div>{esc(c)}</div>"
            for c in rng.sample(["Search", "Menu", "Follow us", "Log in", "Advertisement"], 2)
        ]
    foot = rng.choice(lw["footer"].get(lang) or lw["footer"]["en"]).format(
        year=rng.randint(2010, 2024), site=site
    )
    parts.append(f"<footer>{esc(foot)}</footer>")
    # Syndicated copies (wire partners, portals) point their canonical at the original
    # publisher: legit pages do it too, so an off-site canonical alone is no farm signal.
    canonical = None
    if m["syndicated"]:
        canonical = (
            f"https://www.{rng.choice(['apnews.com', 'reuters.com', 'afp.com', 'dpa.com'])}/"
        )
        canonical += slugify(art.title)
    title = f"{art.title} | {site}" if rng.random() < 0.8 else art.title
    return doc(title, lang, "".join(parts), canonical)


class RelatedIndex:
    """Finds topically related titles: same-site articles and plain headlines sharing words."""

    def __init__(self, articles: Sequence[Article], headlines: Sequence[str]) -> None:
        self.by_group: dict[str, list[Article]] = {}
        for a in articles:
            self.by_group.setdefault(a.group, []).append(a)
        self.headlines = list(headlines)
        self.index: dict[str, list[int]] = {}
        for i, h in enumerate(self.headlines):
            for w in sorted(set(content_words(h, min_len=4))):
                self.index.setdefault(w, []).append(i)

    def related(self, art: Article, rng: random.Random, k: int) -> list[str]:
        """Up to k titles sharing content words with the article (same group first)."""
        key = set(content_words(art.title, min_len=4)) | set(
            content_words(art.paragraphs[0], min_len=5)[:8]
        )
        out: list[str] = []
        same = [a for a in self.by_group.get(art.group, []) if a.id != art.id]
        rng.shuffle(same)
        for a in same:
            if key & set(content_words(a.title + " " + a.paragraphs[0], min_len=4)):
                out.append(a.title)
            if len(out) >= k:
                return out
        # Plain news headlines (not evaluation pages) that share a title word: topically related.
        # Rare shared words count more ("Nadal" says more about a story than "daily").
        cand: dict[int, float] = {}
        # sorted: float sums must not depend on set order (PYTHONHASHSEED)
        for w in sorted(set(content_words(art.title, min_len=4))):
            posting = self.index.get(w, [])
            weight = 1.0 / math.log(2 + len(posting))
            for i in posting[:400]:
                cand[i] = cand.get(i, 0.0) + weight
        ranked = sorted(cand, key=lambda i: (-cand[i], i))[: k * 3]
        rng.shuffle(ranked)
        for i in ranked:
            if self.headlines[i] not in out:
                out.append(self.headlines[i])
            if len(out) >= k:
                break
        return out


# ---------------------------------------------------------------------------- driver
def _record(html: str, art: Article, template: str, label: int, url: str | None) -> Record:
    # the id names the page *and* its URL: URL features differ with and without one
    key = (url or "") + "\n" + html
    pid = "s" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:15]
    return Record(
        id=pid,
        dataset="synthetic",
        source_file=template,
        url=url,
        host=host_of(url),
        lang=art.lang,
        label=label,
        kind=template if label else None,
        html=html,
        group=art.group,
        news=False,
        synthetic=True,
        template=template,
        source_id=art.id,
    )


def generate(
    articles: Sequence[Article], res: Resources, n_farms: int, n_hard: int, seed: int = 0
) -> list[Record]:
    """n_farms synthetic farms and n_hard hard negatives; same inputs + seed -> same pages."""
    if not articles:
        return []
    arts = sorted(articles, key=lambda a: a.id)
    names = sorted(FARM_TEMPLATES)
    weights = [FARM_WEIGHTS[n] for n in names]
    out: list[Record] = []
    index = RelatedIndex(arts, res.plain_headlines)
    for i in range(n_farms):
        rng = random.Random(f"{seed}:farm:{i}")
        art = rng.choice(arts)
        tname = rng.choices(names, weights)[0]
        domain = farm_domain(rng, res.words)
        ctx = Ctx(
            rng, res, art, domain, pick_lang(rng, art), class_prefix(rng, res, True), index=index
        )
        if art.html and rng.random() < FARM_INJECT_SHARE:
            tname = "inject_farm"
            html = inject_farm(ctx)
            if art.host:
                # the farm runs this template: the source site's own absolute links are its
                # internal links now (left as they were, 64 % of an injected farm's links were
                # external, against 25 % on real legit pages and 9 % on real farms)
                html = html.replace(f"//{art.host}/", f"//{domain}/")
        else:
            html = bloat(
                post_meta(FARM_TEMPLATES[tname](ctx), ctx, BYLINE_P.get(tname, FARM_BYLINE_P)),
                rng,
                res,
                ctx.lang,
                domain,
                True,
            )
            if rng.random() < FARM_TOPIC_TAGS_P:
                html = _insert(html, _BODY_CLOSE, topic_tags(rng, art), after=False, last=True)
        # mostly a title slug; sometimes a bare id (turkishpress "news.asp?id=208777")
        path = ctx.path or rng.choices(
            [
                f"/{slugify(art.title)}/",
                f"/20{rng.randint(16, 25)}/{rng.randint(1, 12):02d}/{slugify(art.title)}.html",
                f"/news/{slugify(art.title)}-{rng.randint(1000, 99999)}",
                f"/news.asp?id={rng.randint(10000, 999999)}",
            ],
            [3, 3, 3, 1],
        )[0]
        if tname not in ("city_doorway", "inject_farm") and rng.random() < SIBLINGS_P[True]:
            html = _insert(html, _BODY_CLOSE, sibling_links(rng, res, path), after=False, last=True)
        url = None if rng.random() < NO_URL_SHARE else f"https://{domain}{path}"
        out.append(_record(html, art, tname, 1, url))
    for i in range(n_hard):
        rng = random.Random(f"{seed}:hard:{i}")
        art = rng.choice(arts)
        ctx = Ctx(
            rng,
            res,
            art,
            art.host or "example-news.org",
            art.lang,
            class_prefix(rng, res, False),
        )
        related = index.related(art, rng, rng.randint(3, 6))
        if art.html and rng.random() < INJECT_SHARE:
            template, html = "inject_legit", inject_legit(ctx, related)
        else:
            site = art.host or "example-news.org"
            page = legit_news(ctx, related)
            template, html = "legit_news", bloat(page, rng, res, art.lang, site, False)
        url = (
            art.url
            if host_of(art.url)
            else f"https://{art.host or 'example-news.org'}/{slugify(art.title)}"
        )
        if rng.random() < SIBLINGS_P[False]:
            own = urlsplit(str(url)).path or "/"
            html = _insert(html, _BODY_CLOSE, sibling_links(rng, res, own), after=False, last=True)
        out.append(_record(html, art, template, 0, None if rng.random() < NO_URL_SHARE else url))
    return out
