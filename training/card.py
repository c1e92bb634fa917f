"""The model card for people: ``models/MODEL_CARD.md``, rendered from the JSON card.

    python -m training.card [--card farmdetect/models/farmdetect.json] [--out models/MODEL_CARD.md]

``training.train`` calls :func:`write_model_card` after writing the model, so the Markdown card
never drifts from the JSON one (a test checks that the shipped pair agrees).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CARD = REPO_ROOT / "farmdetect" / "models" / "farmdetect.json"
DEFAULT_OUT = REPO_ROOT / "models" / "MODEL_CARD.md"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f} %"


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _interval(v: Any) -> str:
    if not isinstance(v, list) or len(v) != 3:
        return "-"
    return f"{v[0]:.2f} ({v[1]:.2f}-{v[2]:.2f})"


def render(card: dict[str, Any]) -> str:
    """The Markdown model card of a JSON card."""
    m = card.get("metrics", {})
    allm = m.get("all", {})
    data = card.get("training_data", {})
    lines = [
        f"# farmdetect model {card.get('model_version', '?')}",
        "",
        "Generated from `farmdetect/models/farmdetect.json` by `python -m training.card`; "
        "do not edit by hand.",
        "",
        "## What it is",
        "",
        "A LightGBM model (text format, no pickle) over the marker and content features of "
        "`farmdetect/features/`, scoring one web page's HTML as content farm / web spam (1) or "
        "legitimate (0). The score is a Platt-calibrated probability; a page is labelled "
        f"`farm` at or above the threshold **{_num(card.get('threshold'), 3)}**. "
        + _decisive_sentence(card),
        "",
        f"- features: {len(card.get('feature_names', []))} (hash `{card.get('feature_hash')}`),"
        f" of which {len(card.get('ignored_inputs', []))} hidden from the trees"
        " (`ignored_inputs`)",
        f"- calibration: {card.get('calibration', {}).get('method')} "
        f"(a={_num(card.get('calibration', {}).get('a'), 4)}, "
        f"b={_num(card.get('calibration', {}).get('b'), 4)})",
        f"- built: {card.get('created', '-')} with `{card.get('command', '-')}`",
        "- libraries: " + ", ".join(f"{k} {v}" for k, v in card.get("library_versions",
                                                                      {}).items()),
        "",
        "## Intended use",
        "",
        "Ranking and filtering crawled HTML pages (crawl cleaning, source scoring for a search "
        "index, one-page audits read by a person). Not for judging a whole site from one page, "
        "not for text already stripped of its HTML, and not a verdict on a publisher's honesty: "
        "read the evidence it quotes.",
        "",
        "## Training data",
        "",
        f"{data.get('real_total', '-')} real labelled pages in {data.get('groups', '-')}"
        " registrable-domain groups, and "
        f"{data.get('synthetic_total', '-')} synthetic pages ({data.get('synthetic_draws', '-')}"
        " generator draws).",
        "",
        "| collection | farm | legit |",
        "|---|---:|---:|",
    ]
    for name, counts in sorted(data.get("real", {}).items()):
        lines.append(f"| {name} | {counts.get('pos', 0)} | {counts.get('neg', 0)} |")
    kinds = data.get("real_farm_kinds")
    if kinds:
        lines += ["", f"Real farm pages by kind ({data.get('real_farm_domains', '-')} registrable "
                  "domains): " + ", ".join(f"{k} {n}" for k, n in kinds.items()) + "."]
    lines += [
        "",
        "## How well it works",
        "",
    ]
    ext = card.get("external_evaluation")
    if ext:
        of = ext.get("model_version", card.get("model_version"))
        lines += [
            f"**On pages from sites the project has never seen** (model {of}; "
            f"{ext.get('what', '')}): "
            f"ROC-AUC {_num(ext.get('roc_auc'), 2)} (90 % CI {ext.get('roc_auc_ci', '-')}), "
            f"PR-AUC {_num(ext.get('pr_auc'), 2)}, recall {_num(ext.get('recall'), 2)} at the "
            f"shipped threshold, false-positive rate {_pct(ext.get('fpr'))}. "
            f"Source: {ext.get('source', '-')}. This is the figure to trust.",
            "",
        ]
    yard = card.get("yardstick")
    if yard:
        lines += [
            f"**The yardstick** (`python -m training.yardstick`, {yard.get('date', '-')}; real "
            "pages only, grouped by registrable domain; estimate and 90 % domain-bootstrap "
            "interval; the locked split is looked at once per release):",
            "",
            "| evaluation | farms | legit | ROC-AUC | PR-AUC | recall @1 % FPR |",
            "|---|---:|---:|---|---|---|",
        ]
        for row in yard.get("rows", []):
            lines.append(
                f"| {row['name']} | {row.get('n_farm', '-')} | {row.get('n_legit', '-')} | "
                + " | ".join(_interval(row.get(k)) for k in ("roc_auc", "pr_auc",
                                                             "recall@fpr0.01")) + " |")
        lines.append("")
        if yard.get("note"):
            lines += [str(yard["note"]), ""]
    lines += _ablation(card.get("ablation"))
    lines += [
        f"Development cross-validation ({m.get('evaluation', '-')}): on {allm.get('n_pos', '-')}"
        f" real farm and {allm.get('n_neg', '-')} real legit pages, ROC-AUC "
        f"{_num(allm.get('roc_auc'))}, PR-AUC {_num(allm.get('pr_auc'))}, recall "
        f"{_num(allm.get('recall'), 2)} at FPR {_pct(allm.get('fpr'))}. **A smoke test, not "
        "evidence**: every marker, generator rate and rule was chosen by looking at these same "
        "farm pages, so this measures memory as much as detection.",
        "",
        "| measure | ROC-AUC | PR-AUC | recall | FPR | precision |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, label in (("all", "all real pages"), ("legit_news", "farms vs legit news"),
                       ("without_decisive_floor", "without the decisive floor")):
        r = m.get(key)
        if r:
            lines.append(f"| {label} | {_num(r.get('roc_auc'))} | {_num(r.get('pr_auc'))} | "
                         f"{_num(r.get('recall'), 2)} | {_pct(r.get('fpr'))} | "
                         f"{_num(r.get('precision'), 2)} |")
    lines += [
        "",
        f"Threshold rule: {m.get('threshold_rule', '-')}.",
        "",
        "## Strongest inputs (gain)",
        "",
    ]
    lines += [f"{i}. `{t['name']}` ({t['gain']:,.0f})"
              for i, t in enumerate(card.get("top_features_gain", [])[:10], 1)]
    lines += [
        "",
        "## Limits",
        "",
        "- Farms of kinds absent from the training pages are often missed; the real farm pages "
        "behind the model are few (see the table above)." + _missed_kinds(card),
        "- Legitimate pages that look like farms get flagged: affiliate reviews, pages with "
        "recommendation widgets, wire copy, press releases. At 1 % prevalence, a 1 % false-"
        "positive rate means about half of all flags are wrong.",
        "- The score reads the page's HTML; text-only input loses most markers.",
        "",
    ]
    return "\n".join(lines)


def _missed_kinds(card: dict[str, Any]) -> str:
    """The kinds the yardstick's leave-one-kind-out rows catch none of at 1 % FPR."""
    rows = card.get("yardstick", {}).get("rows", [])
    missed = [r["loko_kind"] for r in rows
              if r.get("loko_kind") and isinstance(r.get("recall@fpr0.01"), list)
              and r["recall@fpr0.01"][0] == 0]
    if not missed:
        return ""
    return (" Never met in training, these kinds were caught at 1 % FPR on none of their dev "
            "pages: " + ", ".join(missed) + ".")


def _decisive_sentence(card: dict[str, Any]) -> str:
    dec = card.get("decisive_markers")
    if isinstance(dec, dict) and not dec.get("listed"):
        return ("No marker floors the score: none earns it (rule: " + str(dec.get("rule", "-"))
                + ").")
    listed = ", ".join(dec.get("listed", [])) if isinstance(dec, dict) else "decisive markers"
    return f"Pages carrying one of {listed} are floored at {card.get('decisive_floor', '-')}."


def _ablation(abl: Any) -> list[str]:
    """The ablation table (training.ablate, dev split): each change, kept or not."""
    if not isinstance(abl, dict) or not abl.get("rows"):
        return []
    kinds = abl.get("loko_kinds", [])
    lines = [
        f"**Ablation** (`{abl.get('command', 'python -m training.ablate')}`, "
        f"{abl.get('date', '-')}; dev split only, grouped CV pooled over fold shuffles, "
        "leave-one-kind-out recall at 1 % FPR per kind; estimate and 90 % interval):",
        "",
        "| change | kept | ROC-AUC | recall @1 % FPR | "
        + " | ".join(f"LOKO {k}" for k in kinds) + " |",
        "|---|---|---|---|" + "---|" * len(kinds),
    ]
    for row in abl["rows"]:
        lines.append(f"| {row['doc']} | {row.get('kept', '-')} | {_interval(row.get('roc_auc'))} | "
                     f"{_interval(row.get('recall'))} | "
                     + " | ".join(_interval(row.get("loko", {}).get(k)) for k in kinds) + " |")
    lines.append("")
    if abl.get("note"):
        lines += [str(abl["note"]), ""]
    return lines


def write_model_card(card: dict[str, Any], out: Path = DEFAULT_OUT) -> Path:
    """Write the Markdown card for ``card`` to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(card), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Render models/MODEL_CARD.md from the JSON card.")
    ap.add_argument("--card", default=str(DEFAULT_CARD))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    args = ap.parse_args(argv)
    card = json.loads(Path(args.card).read_text("utf-8"))
    print(write_model_card(card, Path(args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
