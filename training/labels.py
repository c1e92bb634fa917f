"""Pages people labelled with ``farmdetect review``, as real training pages.

    python -m training.train --data ../shared/data \\
        --labels farmdetect-sources.sqlite --labels-source crawl.warc.gz

The labels table (``farmdetect.review``) holds ids, URLs and labels, not pages: the page bodies
are read again from the inputs the scan read (``--labels-source``). A page becomes a training
page when its reviewers agree (every farm/ok label the same; "skip" ignored); a page they split
on is left out, never counted as a negative. Pages of a domain on the exclusion list
(``excluded-domains.sha256`` in the data folder) are never used. Each page is grouped by its
registrable domain like every other real page (``dataset.page_group``), so a reviewed page never
leaks into its own test fold.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from training.dataset import excluded_hashes, is_excluded

log = logging.getLogger(__name__)

DATASET = "reviewed_labels"


def consensus(db: str | Path) -> dict[str, dict[str, Any]]:
    """Per page id: url, host, label (1 farm / 0 ok) and reviewer count, where the reviewers
    agree; pages they split on are left out."""
    from farmdetect.review import agreed_labels

    conn = sqlite3.connect(str(db))
    try:
        return agreed_labels(conn)
    except sqlite3.DatabaseError as e:
        raise SystemExit(f"{db}: no labels table ({e}); label pages with `farmdetect review`"
                         ) from None
    finally:
        conn.close()


def reviewed_raw(db: str | Path, sources: Iterable[str], data: Path) -> list[dict[str, Any]]:
    """The agreed pages of ``db`` as records in the schema of ``../shared/data/pages``."""
    from farmdetect.page import decode_page_bytes
    from farmdetect.warc import iter_records

    agreed = consensus(db)
    excluded = excluded_hashes(data)
    dropped: Counter[str] = Counter()
    out = []
    for rec in iter_records(list(sources)):
        info = agreed.get(rec.id)
        if info is None or rec.body is None:
            continue
        if is_excluded(info["host"], excluded):
            dropped["excluded_domain"] += 1
            continue
        body = rec.body if isinstance(rec.body, bytes) else rec.body.encode("utf-8")
        html, _ = decode_page_bytes(body, rec.content_type)
        out.append({"id": f"review:{rec.id}", "dataset": DATASET, "source_file": rec.source,
                    "url": info["url"] or rec.url, "host": info["host"], "html": html,
                    "label": info["label"], "kind": None,
                    "label_source": f"{info['reviewers']} reviewer(s) agreed (farmdetect review)"})
    missing = len(agreed) - len(out) - dropped["excluded_domain"]
    log.info("reviewed labels: %d pages agreed, %d used, %d on excluded domains, %d not found "
             "in the sources", len(agreed), len(out), dropped["excluded_domain"], missing)
    return out
