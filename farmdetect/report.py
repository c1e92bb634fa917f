"""The readable single-page audit report."""

from __future__ import annotations

import textwrap

from farmdetect.novelty import QUANTILE
from farmdetect.scorer import Verdict

WIDTH = 100


def format_report(v: Verdict, source: str = "") -> str:
    """A report a person reads: verdict, markers with their evidence, what pushed the score."""
    out = [f"farmdetect audit: {v.url or source}"]
    if v.score is None:
        out.append("verdict: (no model: markers and features only)")
    else:
        word = "FARM" if v.label == "farm" else "ok"
        out.append(f"verdict: {word}   score {v.score:.3f}   threshold {v.threshold:.3f}"
                   f"   model {v.model}")
    out.append("")
    if v.markers:
        out.append(f"markers that fired ({len(v.markers)}):")
        for m in v.markers:
            out.append(f"  {m.name}")
            for ev in m.evidence[:6]:
                out.extend(textwrap.wrap(f'"{ev}"', WIDTH, initial_indent="      ",
                                         subsequent_indent="       "))
            if len(m.evidence) > 6:
                out.append(f"      … and {len(m.evidence) - 6} more")
    else:
        out.append("markers that fired: none")
    if v.unusual:
        out.append("")
        respects = (
            ""
            if v.novelty is None
            else f" in {v.novelty:.0f} independent respect{'' if v.novelty == 1 else 's'}"
        )
        out.append(f"unusual for a legitimate page{respects} ({len(v.unusual)} measurements that "
                   f"at most {QUANTILE:.0%} of real legit pages reach):")
        out.extend(textwrap.wrap(", ".join(v.unusual), WIDTH, initial_indent="  ",
                                 subsequent_indent="  "))
    if v.top_features:
        out.append("")
        out.append("features that pushed the score most (+ towards farm, - towards ok):")
        for f in v.top_features:
            c = float(f["contribution"])
            out.append(f"  {'+' if c > 0 else '-'} {f['name']:<36} = {float(f['value']):<10.4g}"
                       f" ({c:+.3f})")
    for note in v.notes:
        out.append(f"note: {note}")
    return "\n".join(out)
