"""The feature cache's key covers every file extraction reads (issue 20, item 6)."""

from __future__ import annotations

from pathlib import Path

import farmdetect.features as F
from training.features import hashed_files


def test_every_resource_and_family_is_in_the_cache_key() -> None:
    """word_specificity.tsv was once left out (only *.txt and *.json were hashed), so a new
    table reused features computed with the old one."""
    pkg = Path(F.__file__).resolve().parents[1]
    hashed = set(hashed_files())
    resources = {p for p in (pkg / "resources").iterdir() if p.is_file() and p.suffix != ".pyc"}
    families = {p for p in (pkg / "features").glob("*.py")}
    assert resources - hashed == set()
    assert families - hashed == set()
    assert pkg / "page.py" in hashed
