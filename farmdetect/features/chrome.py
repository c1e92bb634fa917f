"""Template chrome of cheap news themes: UI strings, theme class fingerprints, ad-slot density.

The seed farm wears a stock news theme: "Connect with us", "Hi, what are you looking for?",
"Social Tags:". Those strings (starred in resources/chrome_phrases.txt) are the strong marker.
Legit news sites use the same WordPress themes, so the theme fingerprint alone is only a feature;
``chrome.theme`` fires (as context) only beside the strong template phrases.
"""

from __future__ import annotations

import re
from functools import lru_cache

from farmdetect.features.base import Family, Result, line_key, phrases, ratio
from farmdetect.page import Page

FEATURES: tuple[str, ...] = (
    "chrome.strong_phrases",
    "chrome.weak_phrases",
    "chrome.short_line_share",
    "chrome.theme_known",
    "chrome.theme_class_share",
    "chrome.ad_slots",
    "chrome.ad_slots_per_kword",
    "chrome.ad_scripts",
)

# A chrome string is a whole short line; longer lines are prose.
SHORT_LINE_MAX_CHARS = 60
# Distinct strong phrases needed for chrome.template_phrases: the seed shows three; one alone
# ("What are you looking for?" on a shop) is common on legit sites.
MIN_STRONG_PHRASES = 2
# A theme counts as present when at least this many class tokens carry its prefix.
THEME_MIN_CLASSES = 5
# Ad slots (class tokens naming ad containers) per 1000 visible words for chrome.ad_dense, with
# at least AD_MIN_SLOTS slots: made-for-ads pages are mostly ad slots around a little text. Big
# legit news pages reach 60/kword (99.5th percentile of label-0 real pages), so the bar is above.
AD_DENSE_PER_KWORD = 100.0
AD_MIN_SLOTS = 20
_AD_CLASS = re.compile(
    r"^(?:ad|ads|advert|advertisement|adsbygoogle|ad[-_]?(?:slot|unit|box|container|wrapper|banner|"
    r"block|zone|space|place|holder|inner|sidebar|top|bottom|header|footer|leaderboard|mpu|[0-9]+))"
    r"(?:$|[-_])|(?:^|[-_])(?:dfp|gpt-ad|adslot|ad-slot|ad_slot|banner-ad|ad-banner|adsense)(?:$|[-_])"
)
# Ad-network script hosts (read from script srcs: scanning the raw HTML costs 0.25 ms/page).
_AD_SCRIPT_HOSTS = re.compile(
    r"googlesyndication|googletagservices|doubleclick|adsystem|adnxs|taboola|outbrain|mgid|"
    r"revcontent|adthrive|mediavine|ezoic|propellerads|popads|adsterra"
)


@lru_cache(maxsize=1)
def _chrome_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(strong, weak) chrome strings, normalised like the lines they are compared with."""
    strong, weak = set(), set()
    for p in phrases("chrome_phrases"):
        if p.startswith("* "):
            strong.add(line_key(p[2:]))
        else:
            weak.add(line_key(p))
    return frozenset(strong), frozenset(weak - strong)


@lru_cache(maxsize=1)
def _themes() -> tuple[tuple[str, ...], dict[str, str]]:
    """Class prefixes of known themes and prefix -> theme name."""
    names = {}
    for line in phrases("theme_classes"):
        prefix, _, theme = line.partition(" ")
        names[prefix] = theme.strip() or prefix
    return tuple(names), names


def extract(page: Page) -> Result:
    values = dict.fromkeys(FEATURES, 0.0)
    result = Result(values)
    strong_set, weak_set = _chrome_sets()

    strong: dict[str, str] = {}
    weak: set[str] = set()
    n_short = n_chrome = 0
    for line in page.lines:
        if len(line) > SHORT_LINE_MAX_CHARS:
            continue
        n_short += 1
        key = line_key(line)
        if key in strong_set:
            strong.setdefault(key, line)
            n_chrome += 1
        elif key in weak_set:
            weak.add(key)
            n_chrome += 1
    values["chrome.strong_phrases"] = float(len(strong))
    values["chrome.weak_phrases"] = float(len(weak))
    values["chrome.short_line_share"] = ratio(n_chrome, n_short)

    prefixes, theme_names = _themes()
    classes = page.class_names
    total = sum(classes.values())
    per_theme: dict[str, int] = {}
    n_ad = 0
    for cls, count in classes.items():
        if cls.startswith(prefixes):
            prefix = next(p for p in prefixes if cls.startswith(p))
            theme = theme_names[prefix]
            per_theme[theme] = per_theme.get(theme, 0) + count
        if "ad" in cls or "banner" in cls or "dfp" in cls:
            if _AD_CLASS.search(cls):
                n_ad += count
    theme, theme_count = max(per_theme.items(), key=lambda kv: kv[1], default=("", 0))
    known = theme_count >= THEME_MIN_CLASSES
    values["chrome.theme_known"] = 1.0 if known else 0.0
    values["chrome.theme_class_share"] = ratio(theme_count, total)

    n_ad_scripts = sum(1 for src in page.scripts if _AD_SCRIPT_HOSTS.search(src))
    n_ad_scripts += classes.get("adsbygoogle", 0)
    n_words = len(page.words)
    values["chrome.ad_slots"] = float(n_ad)
    values["chrome.ad_slots_per_kword"] = ratio(1000.0 * n_ad, max(n_words, 100))
    values["chrome.ad_scripts"] = float(n_ad_scripts)

    if len(strong) >= MIN_STRONG_PHRASES:
        result.fire("chrome.template_phrases", strong.values())
        if known:
            result.fire("chrome.theme", [f"{theme} ({theme_count} class names)"])
    if n_ad >= AD_MIN_SLOTS and values["chrome.ad_slots_per_kword"] >= AD_DENSE_PER_KWORD:
        result.fire("chrome.ad_dense", [f"{n_ad} ad slots / {n_words} words"])
    return result


family = Family("chrome", FEATURES, extract)
