"""``farmdetect audit PAGE --html REPORT``: one self-contained HTML file a person reads.

The report shows the verdict and what the score means, the markers with their evidence, the
features that pushed the score (a bar chart in CSS), and the page itself with every evidence
span highlighted in place. The page's own HTML must never run and the report must load nothing
from the network, so three layers keep it inert:

1. **Sanitised**: scripts, frames, objects, embeds, forms' actions, ``<link>``, ``<base>``,
   ``<meta http-equiv>``, ``<style>`` and every ``on*``/``style`` attribute are removed; ``src``,
   ``srcset``, ``href`` (other than ``#fragment``) and ``action`` values are dropped (the link
   target is kept as ``data-href`` text for the reader); images keep their alt text.
2. **Sandboxed**: the page sits in an ``<iframe sandbox="allow-same-origin" srcdoc=...>``, with
   no ``allow-scripts``: even a script the sanitiser missed cannot run.
3. **Walled**: the report's Content-Security-Policy is ``default-src 'none'`` (inline styles,
   the report's own inline script and data: images only), inherited by the srcdoc frame.

The highlighting is the report's own small script: after the frame loads it finds each evidence
string in the frame's text and wraps it in ``<mark id="ev-N">``; each evidence item links to its
mark. Without scripts the report still shows everything except the in-place highlights.
"""

from __future__ import annotations

import html as htmlmod
import json
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from farmdetect.novelty import QUANTILE
from farmdetect.page import Page
from farmdetect.scorer import Verdict

# Elements removed with their content.
DROP_TAGS = ("script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet",
             "link", "base", "style", "template", "portal", "audio", "video", "source", "track")
# Attributes whose value can fetch or navigate: dropped (href kept as data-href text).
URL_ATTRS = ("src", "srcset", "action", "formaction", "poster", "background", "data", "ping",
             "xlink:href", "lowsrc", "dynsrc", "cite", "longdesc", "manifest", "codebase")
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; frame-src 'self' about:")
# Evidence strings matched in the page's text by their first characters (evidence is
# whitespace-collapsed and may be cut with an ellipsis).
MATCH_CHARS = 60


def sanitise(html: str) -> str:
    """The page's HTML with everything that could run or fetch removed (see the module doc)."""
    tree = LexborHTMLParser(html)
    for tag in DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    for node in tree.css("meta[http-equiv]"):
        node.decompose()
    for node in tree.css("*"):
        attrs = node.attributes
        for name in list(attrs):
            low = name.lower()
            value = attrs.get(name) or ""
            if low.startswith("on") or low == "style" or low in URL_ATTRS:
                del node.attrs[name]
            elif low == "href":
                if not value.startswith("#"):
                    del node.attrs[name]
                    node.attrs["data-href"] = value[:300]
        alt = node.attributes.get("alt") if node.tag == "img" else None
        if alt:
            node.insert_after(f"[image: {alt[:80]}]")
    body = tree.body
    return body.html if body is not None and body.html else "<body></body>"


def _evidence(v: Verdict) -> list[dict[str, Any]]:
    out = []
    for m in v.markers:
        for ev in m.evidence[:6]:
            needle = ev.strip().strip('"“”').rstrip("…").strip()
            # the whole evidence where the page holds it so, else its start
            needles = list(dict.fromkeys(n for n in (needle, needle[:MATCH_CHARS]) if n))
            out.append({"marker": m.name, "text": ev, "needles": needles})
    return out


def render(v: Verdict, page: Page, source: str = "", *, toolbar: str = "",
           connect_self: bool = False) -> str:
    """The report of one audited page, as a string of HTML. ``toolbar`` (trusted HTML) goes on
    top of the side panel; ``connect_self`` lets the report's own script call back the server
    that served it (the review page), nothing else."""
    csp = CSP + ("; connect-src 'self'" if connect_self else "")
    e = htmlmod.escape
    ev = _evidence(v)
    if v.score is None:
        head = "<p class=verdict>No model: markers and features only.</p>"
    else:
        word = "FARM" if v.label == "farm" else "ok"
        head = (f"<p class='verdict {e(v.label or '')}'>{word} <span>score {v.score:.3f} · "
                f"threshold {v.threshold:.3f} · model {e(str(v.model))}</span></p>"
                f"<p class=meaning>The score is a calibrated probability that this page is "
                f"content-farm or spam output; at or above {v.threshold:.3f} it is labelled "
                f"farm. At 1 % prevalence about half of all flags are wrong: read the evidence "
                f"below before acting on it.</p>")
    items = []
    for i, item in enumerate(ev):
        items.append(f"<li><a href='#' data-ev='{i}' class=ev>{e(item['marker'])}</a> "
                     f"<q>{e(item['text'])}</q></li>")
    markers = ("<ol class=evidence>" + "".join(items) + "</ol>") if items else "<p>none</p>"
    bars = []
    peak = max((abs(float(f["contribution"])) for f in v.top_features), default=1.0) or 1.0
    for f in v.top_features:
        c = float(f["contribution"])
        width = 100.0 * abs(c) / peak
        bars.append(f"<tr><td>{e(str(f['name']))}</td><td class=num>{float(f['value']):.4g}</td>"
                    f"<td><div class='bar {'up' if c > 0 else 'down'}' style='width:{width:.0f}%'>"
                    f"</div></td><td class=num>{c:+.3f}</td></tr>")
    chart = ("<table class=chart><tr><th>feature</th><th>value</th><th>push (+ farm, − ok)"
             "</th><th></th></tr>" + "".join(bars) + "</table>") if bars else "<p>-</p>"
    unusual = (f"<p>Unusual for a legitimate page ({len(v.unusual)} measurements that at most "
               f"{QUANTILE:.0%} of real legit pages reach): {e(', '.join(v.unusual))}</p>"
               if v.unusual else "")
    notes = "".join(f"<p class=note>note: {e(n)}</p>" for n in v.notes)
    ev_json = json.dumps(ev).replace("</", "<\\/")  # no "</script>" inside the data block
    frame_doc = ("<!doctype html><html><head><meta charset=utf-8><style>mark{background:#ffd54f;"
                 "outline:2px solid #e65100}</style></head>" + sanitise(page.html) + "</html>")
    return f"""<!doctype html>
<html lang=en><head><meta charset=utf-8>
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>farmdetect audit: {e(v.url or source)}</title>
<style>
body{{font:15px/1.45 system-ui,sans-serif;margin:0;display:grid;height:100vh;
grid-template-columns:minmax(22em,38%) 1fr}}
#side{{overflow:auto;padding:1em 1.2em;border-right:1px solid #ccc}}
#page{{width:100%;height:100%;border:0}}
.verdict{{font-size:1.6em;font-weight:700;margin:.2em 0}} .verdict.farm{{color:#b71c1c}}
.verdict span{{font-size:.55em;font-weight:400;color:#555}} .meaning{{color:#444}}
q{{color:#333}} .ev{{font-family:monospace}} .ev.missing{{color:#999}}
.chart{{border-collapse:collapse;width:100%}} .chart td{{padding:2px 4px;font-size:.85em}}
.num{{text-align:right;font-family:monospace}} .bar{{height:.8em}} .up{{background:#c62828}}
.down{{background:#2e7d32}} .note{{color:#6d4c41}} h2{{font-size:1.05em;margin-top:1.2em}}
</style></head>
<body>
<div id=side>
{toolbar}
<p>farmdetect audit of <b>{e(v.url or source)}</b></p>
{head}
<h2>Markers that fired</h2>
{markers}
{unusual}
<h2>What pushed the score</h2>
{chart}
{notes}
<p class=note>The page on the right is a sanitised copy: its scripts, frames and remote
resources are removed, and it cannot run code. Evidence is highlighted where it was found.</p>
</div>
<iframe id=page sandbox="allow-same-origin" srcdoc="{e(frame_doc, quote=True)}"></iframe>
<script id=ev-data type="application/json">{ev_json}</script>
<script>
(function () {{
  var ev = JSON.parse(document.getElementById("ev-data").textContent);
  var frame = document.getElementById("page");
  function norm(s) {{ return s.replace(/\\s+/g, " "); }}
  function mark(doc, needle, id) {{
    var walk = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT), n;
    while ((n = walk.nextNode())) {{
      var text = norm(n.nodeValue), i = text.indexOf(needle);
      if (i < 0 || n.nodeValue.length !== text.length) continue;
      var range = doc.createRange();
      range.setStart(n, i); range.setEnd(n, Math.min(n.nodeValue.length, i + needle.length));
      var m = doc.createElement("mark"); m.id = id;
      range.surroundContents(m);
      return true;
    }}
    return false;
  }}
  frame.addEventListener("load", function () {{
    var doc = frame.contentDocument, count = 0;
    ev.forEach(function (item, i) {{
      var link = document.querySelector("a[data-ev='" + i + "']");
      var found = item.needles.some(function (n) {{ return mark(doc, n, "ev-" + i); }});
      if (found) {{ count++; link.classList.add("found"); }}
      else {{ link.classList.add("missing"); link.title = "not found in the page text"; }}
      link.addEventListener("click", function (e) {{
        e.preventDefault();
        var m = doc.getElementById("ev-" + i);
        if (m) m.scrollIntoView({{block: "center"}});
      }});
    }});
    document.body.setAttribute("data-found", String(count));  // for the browser test
  }});
}})();
</script>
</body></html>
"""
