"""``farmdetect review SCAN.jsonl --source INPUT...``: people label the pages worth their time.

* **Which pages.** From a scan's scored lines: the pages the model is least sure of (score
  closest to the threshold, on a log-odds scale), one per host first so that one site cannot
  fill the session, then a second per host, and so on; plus ``random_share`` of pages drawn at
  random (a calibration sample: without it the labels only ever describe the boundary).
* **Where labels go.** The ``labels`` table of the SQLite file ``farmdetect sources`` uses
  (``--db``): one row per (page id, reviewer) with url, host, label (farm / ok / skip), the
  reviewer, the time and the model version. Several reviewers may label one store; a second
  label by the same reviewer replaces the first; undo removes that reviewer's latest.
* **The page.** A small WSGI app (the standard library's ``wsgiref``, on 127.0.0.1 only) serves
  the same report as ``audit --html`` with a toolbar; keys: ``f`` farm, ``o`` ok, ``s`` skip,
  ``u`` undo, ``j`` / ``k`` next / previous. The page's own HTML stays sanitised and sandboxed.
"""

from __future__ import annotations

import datetime as dt
import html as htmlmod
import json
import math
import random
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from farmdetect.errors import InputError

LABELS = ("farm", "ok", "skip")
_LABELS_SCHEMA = """
CREATE TABLE IF NOT EXISTS labels (
    id TEXT NOT NULL,
    url TEXT,
    host TEXT,
    label TEXT NOT NULL CHECK (label IN ('farm', 'ok', 'skip')),
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    model_version TEXT,
    PRIMARY KEY (id, who)
);
CREATE INDEX IF NOT EXISTS labels_host ON labels (host);
"""


# ------------------------------------------------------------------------------ picking pages
def _logit_distance(score: float, threshold: float) -> float:
    def lg(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return math.log(p / (1 - p))
    return abs(lg(score) - lg(threshold))


def pick(lines: Iterable[dict[str, Any]], n: int, random_share: float = 0.1,
         seed: int = 0) -> list[dict[str, Any]]:
    """Up to ``n`` scored lines: the least sure first, one per host per round, plus a random
    share (marked ``"why": "random"``; the others ``"uncertain"``)."""
    scored = [ln for ln in lines if ln.get("score") is not None and ln.get("threshold")]
    rng = random.Random(seed)
    n_random = min(len(scored), round(n * random_share))
    chosen_random = rng.sample(scored, n_random) if n_random else []
    taken = {ln["id"] for ln in chosen_random}
    by_host: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ln in sorted(scored, key=lambda x: _logit_distance(x["score"], x["threshold"])):
        if ln["id"] not in taken:
            by_host[ln.get("host") or ln["id"]].append(ln)
    hosts = sorted(by_host, key=lambda h: _logit_distance(by_host[h][0]["score"],
                                                          by_host[h][0]["threshold"]))
    uncertain: list[dict[str, Any]] = []
    depth = 0
    while len(uncertain) < n - n_random and any(len(v) > depth for v in by_host.values()):
        uncertain += [by_host[h][depth] for h in hosts if len(by_host[h]) > depth]
        depth += 1
    out = [dict(ln, why="uncertain") for ln in uncertain[: n - n_random]]
    out += [dict(ln, why="random") for ln in chosen_random]
    return out


# ---------------------------------------------------------------------------------- the store
def connect(db: str | Path) -> sqlite3.Connection:
    """The sources database (created if needed) with its labels table."""
    from farmdetect import sources

    conn = sources.connect(db)
    conn.executescript(_LABELS_SCHEMA)
    return conn


def put(conn: sqlite3.Connection, line: dict[str, Any], label: str, who: str,
        model_version: str | None) -> None:
    if label not in LABELS:
        raise InputError(f"label must be one of {', '.join(LABELS)}, not {label!r}")
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    conn.execute("INSERT OR REPLACE INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (line["id"], line.get("url"), line.get("host"), label, who, at, model_version))


def undo(conn: sqlite3.Connection, who: str) -> str | None:
    """Remove ``who``'s latest label; its page id, or None when there is none."""
    row = conn.execute("SELECT id FROM labels WHERE who = ? ORDER BY at DESC LIMIT 1",
                       (who,)).fetchone()
    if row is None:
        return None
    conn.execute("DELETE FROM labels WHERE id = ? AND who = ?", (row[0], who))
    return str(row[0])


def agreement(conn: sqlite3.Connection) -> dict[str, Any]:
    """Pages labelled farm/ok by two or more reviewers: how often they agree, and Cohen's kappa
    between the two reviewers with the most such pages."""
    rows = conn.execute("SELECT id, who, label FROM labels WHERE label != 'skip'").fetchall()
    per: dict[str, dict[str, str]] = defaultdict(dict)
    for rid, who, label in rows:
        per[rid][who] = label
    shared = {rid: v for rid, v in per.items() if len(v) >= 2}
    out: dict[str, Any] = {"pages_labelled": len(per), "pages_shared": len(shared)}
    if not shared:
        return out
    out["agree"] = sum(len(set(v.values())) == 1 for v in shared.values()) / len(shared)
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for v in shared.values():
        names = sorted(v)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                pairs[(a, b)].append((v[a], v[b]))
    (a, b), both = max(pairs.items(), key=lambda kv: len(kv[1]))
    po = sum(x == y for x, y in both) / len(both)
    pe = sum((sum(x == c for x, _ in both) / len(both)) * (sum(y == c for _, y in both)
                                                           / len(both)) for c in ("farm", "ok"))
    out["kappa"] = {"reviewers": [a, b], "pages": len(both),
                    "value": (po - pe) / (1 - pe) if pe < 1 else 1.0}
    return out


def agreed_labels(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Per page id that reviewers agree on (every farm/ok label the same; skips ignored): url,
    host, label (1 farm, 0 ok) and how many reviewers. Pages they split on are left out. Read
    by ``sources`` (a source's reviewed pages) and ``training.labels`` (training pages)."""
    per: dict[str, list[tuple[Any, Any, str, str]]] = defaultdict(list)
    for rid, url, host, label, who in conn.execute(
            "SELECT id, url, host, label, who FROM labels WHERE label IN ('farm', 'ok')"):
        per[str(rid)].append((url, host, label, who))
    out: dict[str, dict[str, Any]] = {}
    for rid, items in per.items():
        labels = {lab for _, _, lab, _ in items}
        if len(labels) == 1:
            out[rid] = {"url": items[0][0], "host": items[0][1],
                        "label": 1 if labels == {"farm"} else 0,
                        "reviewers": len({who for *_, who in items})}
    return out


def _open(db: str) -> sqlite3.Connection:
    """The store of a running session: ``load_session`` has checked it and made its labels
    table, so a request opens it plainly (autocommit, as ``sources.connect``), no schema work."""
    return sqlite3.connect(db, isolation_level=None)


# ------------------------------------------------------------------------------------ the app
@dataclass
class Session:
    """What one review server shows: the picked lines, their page bodies, the store."""

    items: list[dict[str, Any]]
    bodies: dict[str, tuple[bytes | str, str | None]]
    db: str
    who: str
    scorer: Any
    model_version: str | None
    reports: dict[int, str] = field(default_factory=dict)

    def report(self, i: int) -> str:
        from farmdetect.html_report import render
        from farmdetect.scorer import page_from_input

        if i not in self.reports:
            item = self.items[i]
            body, ctype = self.bodies[item["id"]]
            page = page_from_input(body, item.get("url"), content_type=ctype, name=item["id"])
            verdict = self.scorer.score_page(page)
            self.reports[i] = render(verdict, page, source=item["id"],
                                     toolbar=self.toolbar(i), connect_self=True)
        return self.reports[i]

    def toolbar(self, i: int) -> str:
        item = self.items[i]
        e = htmlmod.escape
        return (f"<div id=review data-i='{i}' data-id='{e(item['id'], quote=True)}' "
                f"data-n='{len(self.items)}' style='background:#eef;padding:.5em;"
                f"margin-bottom:.5em'><b>Review {i + 1} / {len(self.items)}</b> "
                f"({e(item['why'])}) as <b>{e(self.who)}</b> — keys: <kbd>f</kbd> farm, "
                f"<kbd>o</kbd> ok, <kbd>s</kbd> skip, <kbd>u</kbd> undo, <kbd>j</kbd>/<kbd>k</kbd>"
                f" next/previous. <span id=status></span></div>" + _REVIEW_SCRIPT)


_REVIEW_SCRIPT = """<script>
(function () {
  var box = document.getElementById("review"), i = +box.dataset.i, n = +box.dataset.n;
  function go(j) { if (j >= 0 && j < n) location.href = "/?i=" + j; }
  function post(path, body) {
    return fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                        body: JSON.stringify(body)}).then(function (r) { return r.json(); });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var key = {f: "farm", o: "ok", s: "skip"}[e.key];
    if (key) {
      post("/label", {i: i, label: key}).then(function (r) {
        document.getElementById("status").textContent = "saved: " + r.label;
        document.body.setAttribute("data-saved", r.label);
        go(i + 1);
      });
    } else if (e.key === "u") {
      post("/undo", {}).then(function (r) {
        document.getElementById("status").textContent = "undone: " + (r.id || "nothing");
        document.body.setAttribute("data-undone", r.id || "");
      });
    } else if (e.key === "j") { go(i + 1); } else if (e.key === "k") { go(i - 1); }
  });
})();
</script>"""


def app(session: Session) -> Callable[..., Iterable[bytes]]:
    """The WSGI application of a review session."""

    def respond(start: Callable[..., Any], status: str, body: str, ctype: str
                ) -> list[bytes]:
        data = body.encode("utf-8")
        start(status, [("Content-Type", ctype), ("Content-Length", str(len(data))),
                       ("Cache-Control", "no-store")])
        return [data]

    def wsgi(environ: dict[str, Any], start: Callable[..., Any]) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        try:
            if method == "GET" and path == "/":
                qs = parse_qs(environ.get("QUERY_STRING", ""))
                i = int((qs.get("i") or ["0"])[0])
                if not 0 <= i < len(session.items):
                    return respond(start, "404 Not Found", "no such item", "text/plain")
                return respond(start, "200 OK", session.report(i), "text/html; charset=utf-8")
            if method == "GET" and path == "/status":
                conn = _open(session.db)
                try:
                    return respond(start, "200 OK", json.dumps(agreement(conn)),
                                   "application/json")
                finally:
                    conn.close()
            if method == "POST" and path in ("/label", "/undo"):
                size = int(environ.get("CONTENT_LENGTH") or 0)
                body = json.loads(environ["wsgi.input"].read(size) or b"{}")
                conn = _open(session.db)
                try:
                    with conn:
                        conn.execute("BEGIN")
                        if path == "/label":
                            item = session.items[int(body["i"])]
                            put(conn, item, str(body["label"]), session.who,
                                session.model_version)
                            out = {"id": item["id"], "label": body["label"]}
                        else:
                            out = {"id": undo(conn, session.who)}
                finally:
                    conn.close()
                return respond(start, "200 OK", json.dumps(out), "application/json")
            return respond(start, "404 Not Found", "not found", "text/plain")
        except (KeyError, ValueError, IndexError, InputError) as e:
            return respond(start, "400 Bad Request", json.dumps({"error": str(e)}),
                           "application/json")

    return wsgi


def load_session(scan: str, sources: list[str], db: str, who: str, n: int,
                 random_share: float, model_dir: str | None) -> Session:
    """Pick the pages of ``scan`` and read their bodies from ``sources`` (the scanned inputs)."""
    from farmdetect.scorer import Scorer
    from farmdetect.sources import read_scan
    from farmdetect.warc import iter_records

    items = pick((obj for _, obj in read_scan(scan)), n, random_share)
    if not items:
        raise InputError(f"{scan}: no scored pages to review")
    wanted = {it["id"] for it in items}
    bodies: dict[str, tuple[bytes | str, str | None]] = {}
    for rec in iter_records(sources):
        if rec.id in wanted and rec.body is not None:
            bodies[rec.id] = (rec.body, rec.content_type)
    missing = [it["id"] for it in items if it["id"] not in bodies]
    items = [it for it in items if it["id"] in bodies]
    if not items:
        raise InputError(f"none of the picked pages is in {', '.join(sources)} "
                         f"(e.g. {missing[0]}): give the inputs the scan read")
    scorer = Scorer.load(model_dir, None)
    connect(db).close()  # refuse a wrong database before serving
    return Session(items, bodies, db, who, scorer, scorer.model.version if scorer.model else None)
