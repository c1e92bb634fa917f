"""Classic content farms and made-for-ads pages (2007-2017): how-to furniture, farm credits.

The farms of the Panda era had a look of their own. An eHow / Demand Media page is a how-to
with "Things You'll Need", numbered "Step 1 ..." lines, "Tips & Warnings" and "References",
credited to an "eHow Contributor"; an article directory (EzineArticles, ArticlesBase) ends with
"Article Source: http://EzineArticles.com/?expert=..." and invites you to republish it; the
made-for-ads pages around them are labelled "Ads by Google", "Sponsored Links", "Related
Searches". The phrase lists are resources/classic_farm.txt.

On the 5,269 real label-0 pages of ../shared/data: each ad label alone is common on 2007-2012
news pages ("Sponsored Links" on 95, "Ads by Google" on 31), "References" on 78, so those are
features for the model only. The ``classic.farm_credit`` marker fires on a farm-platform credit
(0 legit pages) or on the how-to skeleton of at least ``HOWTO_MIN_SECTIONS`` sections including
one of the eHow-only headings with ``HOWTO_MIN_STEPS`` step lines (0 legit pages).
"""

from __future__ import annotations

import re
from functools import cache

from farmdetect.features.base import Family, Result, line_key, phrases
from farmdetect.page import Page

FEATURES: tuple[str, ...] = (
    "classic.howto_sections",
    "classic.step_lines",
    "classic.ad_labels",
    "classic.farm_credits",
)

# Section headings and ad labels are whole short lines.
SHORT_LINE_MAX_CHARS = 40
# Step lines ("Step 1", "Step 2: Remove the ...") counted up to here (a page of 200 steps is no
# more a how-to than one of 20).
MAX_STEPS = 50
# The how-to skeleton: this many distinct section headings, one of them eHow's own ...
HOWTO_MIN_SECTIONS = 3
HOWTO_OWN = frozenset({"things you'll need", "things you will need", "tips & warnings",
                       "tips and warnings"})
# ... and at least this many step lines.
HOWTO_MIN_STEPS = 2
_STEP = re.compile(r"^step\s*\d{1,2}\b", re.IGNORECASE)


@cache
def _lists() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """(section lines, ad-label lines, credit phrases), lower-cased."""
    sections, ads, credits = set(), set(), []
    for entry in phrases("classic_farm"):
        kind, _, text = entry.partition(" ")
        text = text.strip().lower()
        if kind == "section":
            sections.add(text)
        elif kind == "ad":
            ads.add(text)
        elif kind == "credit":
            credits.append(text)
        else:
            raise ValueError(f"classic_farm.txt: unknown entry kind {kind!r}")
    return frozenset(sections), frozenset(ads), tuple(credits)


def extract(page: Page) -> Result:
    """Measure classic farm furniture on one page."""
    section_set, ad_set, credit_list = _lists()
    sections: set[str] = set()
    ads: set[str] = set()
    steps = 0
    for line in page.lines:
        if len(line) <= SHORT_LINE_MAX_CHARS:
            key = line_key(line)
            if key in section_set:
                sections.add(key)
            if key in ad_set:
                ads.add(key)
        if steps < MAX_STEPS and _STEP.match(line):
            steps += 1
    low = page.text.lower()
    credits = [c for c in credit_list if c in low]
    result = Result({
        "classic.howto_sections": float(len(sections)),
        "classic.step_lines": float(steps),
        "classic.ad_labels": float(len(ads)),
        "classic.farm_credits": float(len(credits)),
    })
    howto = (
        len(sections) >= HOWTO_MIN_SECTIONS
        and bool(sections & HOWTO_OWN)
        and steps >= HOWTO_MIN_STEPS
    )
    if credits or howto:
        evidence = [f"credit: {c!r}" for c in credits[:3]]
        if howto:
            evidence.append(f"how-to skeleton: {', '.join(sorted(sections))}; {steps} step lines")
        result.fire("classic.farm_credit", evidence)
    return result


family = Family("classic", FEATURES, extract)
