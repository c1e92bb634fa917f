"""Host-level evaluation: do per-source scores (farmdetect.sources) rank farm sites first?

    python -m training.host_eval --data ../shared/data                # score with the shipped model
    python -m training.host_eval --oof training/out/oof.jsonl         # out-of-fold page scores

Pages: the labelled (1/0), deduplicated real pages of ``training.dataset.load``. Each is scored
(by the shipped model, or read from an out-of-fold file of ``{"id", "score"}`` lines), fed
through ``sources.update_from_records`` with its registrable domain as host, and the
domain-level source scores are compared with the labels.

A domain is **positive if any of its labelled pages is label 1** (a farm site may publish some
pages that look fine; one farm page is what a reviewer needs to call the site a farm), else
negative. Host-less pages (their CV group is ``nohost:...``, a folder of unrelated pages) are left
out: they are not one source.

Caveat: the shipped model was trained on these very pages, so its scores here are optimistic;
``--oof`` (scores each page got from a fold that did not train on its domain) is the honest
number. Reported: ROC-AUC of the smoothed source score and, for comparison, of the mean, max
and farm share of the pages' scores.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from sklearn.metrics import roc_auc_score

from farmdetect import sources
from training.dataset import data_dir, load

log = logging.getLogger(__name__)

# Page threshold for the farm-share column when scores come from an OOF file without one.
DEFAULT_THRESHOLD = 0.5


def model_records(pages: list[Any], threshold: float | None) -> list[dict[str, Any]]:
    """Score pages with the shipped model; the record's host is the page's CV group (domain)."""
    from farmdetect.page import Page
    from farmdetect.scorer import Scorer

    scorer = Scorer.load(threshold=threshold)
    out = []
    for i, p in enumerate(pages, 1):
        try:
            verdict = scorer.score_page(Page.from_str(p.html, url=p.url))
            r = verdict.to_record(p.id)
        except Exception as e:  # one bad page must not stop the evaluation; count it
            r = {"id": p.id, "url": p.url, "score": None, "error": f"{type(e).__name__}: {e}"}
        r["host"] = p.group
        out.append(r)
        if i % 500 == 0:
            print(f"scored {i}/{len(pages)}", file=sys.stderr)
    return out


def oof_records(pages: list[Any], path: Path, threshold: float) -> list[dict[str, Any]]:
    """Records from out-of-fold page scores; pages missing from the file are reported."""
    scores: dict[str, float] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                scores[str(row["id"])] = float(row["score"])
    missing = [p.id for p in pages if p.id not in scores]
    if missing:
        print(f"{len(missing)} labelled pages have no OOF score (left out)", file=sys.stderr)
    return [
        {"id": p.id, "url": p.url, "host": p.group, "score": scores[p.id],
         "label": None, "threshold": threshold}  # fmt: skip
        for p in pages
        if p.id in scores
    ]


def evaluate(db: Path, labels: dict[str, int]) -> dict[str, Any]:
    """Domain-level AUCs of the smoothed score and simple page-score aggregates."""
    conn = sources.open_existing(db)
    rows = {s["name"]: s for s in sources.top(conn, level="domain", n=10**9)}
    maxes = dict(
        conn.execute("SELECT domain, max(score) FROM pages WHERE domain IS NOT NULL GROUP BY 1")
    )
    names = sorted(n for n in rows if n in labels)
    y = [labels[n] for n in names]
    result: dict[str, Any] = {
        "domains": len(names),
        "positive_domains": sum(y),
        "pages": sum(rows[n]["pages"] for n in names),
        "prior": sources.get_prior(conn, "domain").__dict__,
    }
    if 0 < sum(y) < len(y):
        result["auc"] = {
            "smoothed_score": roc_auc_score(y, [rows[n]["score"] for n in names]),
            "smoothed_lower_bound": roc_auc_score(y, [rows[n]["score_lo"] for n in names]),
            "mean_page_score": roc_auc_score(y, [rows[n]["mean_score"] for n in names]),
            "max_page_score": roc_auc_score(y, [maxes[n] for n in names]),
            "farm_share": roc_auc_score(y, [rows[n]["farm_share"] for n in names]),
        }
    ranked = sorted(names, key=lambda n: -rows[n]["score"])
    result["positives"] = [
        {"domain": n, "rank": ranked.index(n) + 1, "pages": rows[n]["pages"],
         "score": round(rows[n]["score"], 4)}  # fmt: skip
        for n in ranked
        if labels[n]
    ]
    conn.close()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="data folder (default: $FARMDETECT_DATA or ../shared/data)")
    ap.add_argument("--oof", type=Path, help="out-of-fold page scores, JSON lines {id, score}")
    ap.add_argument("--db", type=Path, help="keep the sources database here (default: temp)")
    ap.add_argument("--threshold", type=float, help="page threshold (default: model's / 0.5)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")

    pages = [p for p in load(data_dir(args.data)) if not p.group.startswith("nohost:")]
    labels: dict[str, int] = {}
    for p in pages:
        labels[p.group] = max(labels.get(p.group, 0), p.label)
    if args.oof:
        records = oof_records(pages, args.oof, args.threshold or DEFAULT_THRESHOLD)
    else:
        from farmdetect.errors import ModelError

        try:
            records = model_records(pages, args.threshold)
        except (ModelError, ImportError) as e:
            print(f"host_eval: no model to score with ({e}); pass --oof FILE", file=sys.stderr)
            return 4
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "sources.sqlite"
        if db.exists():
            db.unlink()
        stats = sources.update_from_records(db, records, inputs="host_eval")
        result = evaluate(db, labels)
    result["source"] = f"oof:{args.oof}" if args.oof else "shipped model (trained on these pages)"
    result["ingest"] = stats.__dict__
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"scores: {result['source']}")
    print(f"domains {result['domains']} ({result['positive_domains']} positive: any label-1 page),"
          f" pages {result['pages']}, scoring errors {stats.errors}")  # fmt: skip
    p = result["prior"]
    print(f"domain prior: mean {p['mean']:.4f}, strength {p['strength']:g} ({p['method']})")
    for name, auc in result.get("auc", {}).items():
        print(f"  ROC-AUC {name:<22} {auc:.4f}")
    print("positive domains by rank:")
    for r in result["positives"]:
        print(f"  {r['rank']:>5}  {r['score']:.4f}  {r['pages']:>4} pages  {r['domain']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
