"""``farmdetect sources``: ingest scan results into a per-host SQLite database and query it.

    farmdetect sources SCAN.jsonl...              ingest (``-`` reads stdin)
    farmdetect sources --top 50                   most farm-like sources
    farmdetect sources --host example.com         explain one source

The database is ``--db``, else $FARMDETECT_DB, else farmdetect-sources.sqlite here.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from farmdetect.cli.common import exit_codes_epilog, one_line_errors, verbose_option
from farmdetect.errors import FarmdetectError, InputError

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_TOP = 20
# farmdetect.sources.LEVELS, spelled out so that `farmdetect audit` does not import the sources
# module (and tldextract) at start-up; a test checks the two agree.
LEVELS = ("host", "domain")

# Where the database lives unless --db or $FARMDETECT_DB says otherwise: the current folder,
# like a project file, so that a scan and its sources sit side by side.
DEFAULT_DB = "farmdetect-sources.sqlite"

EPILOG = (
    "A bad input (a bad or truncated scan line, a missing field) leaves the database unchanged;"
    " error and skipped scan lines are counted, not stored.\n\n" + exit_codes_epilog()
)


def _interval(s: dict[str, Any]) -> str:
    return f"{s['score_lo']:.3f}-{s['score_hi']:.3f}"


def _flags(s: dict[str, Any]) -> str:
    """Short site-level evidence tags for the table."""
    ev, out = s["evidence"], []
    for key, tag in (("recs_repeat", "recs"), ("footer_repeat", "footer")):
        if ev.get(key):
            out.append(f"{tag} {ev[key]['share']:.0%}")
    echo = ev.get("title_echo") or {}
    if echo.get("pages"):
        out.append(f"echo {echo['share']:.0%}")
    if ev.get("sister_sites"):
        out.append(f"sisters {ev['sister_sites']['count']}")
    rev = s.get("reviewed")
    if rev and rev["farm"]:
        out.insert(0, f"REVIEWED FARM {rev['farm']}/{rev['farm'] + rev['ok']}")
    elif rev:
        out.insert(0, f"reviewed ok {rev['ok']}")
    return ", ".join(out)


def _print_table(rows: list[dict[str, Any]]) -> None:
    click.echo(
        f"{'rank':>4}  {'score':>5}  {'90% interval':<12}  {'pages':>6}  {'farm%':>5}  "
        f"{'source':<32}  evidence"
    )
    for i, s in enumerate(rows, 1):
        click.echo(
            f"{i:>4}  {s['score']:.3f}  {_interval(s):<12}  {s['pages']:>6}  "
            f"{s['farm_share']:>5.0%}  {s['name']:<32}  {_flags(s)}"
        )


CSV_FIELDS = (
    "rank", "level", "name", "score", "score_lo", "score_hi", "pages", "farm_pages", "farm_share",
    "mean_score", "top_markers", "recs_repeat_share", "footer_repeat_share", "title_echo_share",
    "sister_sites", "first_seen", "last_seen",
)  # fmt: skip


def _csv_row(rank: int, s: dict[str, Any]) -> dict[str, Any]:
    ev = s["evidence"]
    sis = ev.get("sister_sites") or {"sources": []}
    return {
        **{k: round(v, 6) if isinstance(v, float) else v for k, v in s.items() if k in CSV_FIELDS},
        "rank": rank,
        "top_markers": ";".join(m for m, _, _ in s["top_markers"]),
        "recs_repeat_share": (ev.get("recs_repeat") or {}).get("share", 0.0),
        "footer_repeat_share": (ev.get("footer_repeat") or {}).get("share", 0.0),
        "title_echo_share": (ev.get("title_echo") or {}).get("share", 0.0),
        "sister_sites": ";".join(name for name, _ in sis["sources"]),
    }


def _print_explain(s: dict[str, Any]) -> None:
    p = s["prior"]
    domain = f", registrable domain {s['domain']}" if s.get("domain") else ""
    click.echo(f"{s['name']}  ({s['level']}{domain})")
    click.echo(
        f"score {s['score']:.3f}  90% interval {_interval(s)}  "
        f"(prior: mean {p['mean']:.3f}, strength {p['strength']:g} pages, {p['method']}"
        f" over {p['sources']} sources)"
    )
    click.echo(
        f"pages {s['pages']}, farm-labelled {s['farm_pages']} ({s['farm_share']:.0%}), "
        f"mean page score {s['mean_score']:.3f}"
    )
    click.echo(f"first seen {s['first_seen']}, last seen {s['last_seen']}")
    if s["top_markers"]:
        click.echo("top markers:")
        for m, k, share in s["top_markers"]:
            click.echo(f"  {m:<32} {k:>6} pages ({share:.0%})")
    from farmdetect import sources as src

    lines = src.evidence_lines(s)
    click.echo("site-level evidence:" + ("" if lines else " none"))
    for line in lines:
        click.echo(f"  {line}")
    click.echo("worst pages:")
    for w in s["worst_pages"]:
        reasons = f"  [{', '.join(w['reasons'])}]" if w["reasons"] else ""
        click.echo(f"  {w['score']:.3f} {w['label']:<4} {w['url'] or w['id']}{reasons}")


@click.command("sources", epilog=EPILOG)
@click.argument("scans", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--db", default=DEFAULT_DB, show_default=True, envvar="FARMDETECT_DB",
              show_envvar=True, type=click.Path(dir_okay=False), help="SQLite file.")
@click.option("--top", "top_n", type=click.IntRange(min=1), help="Show the N most farm-like.")
@click.option("--host", "name", help="Explain one source (host, or domain with --level domain).")
@click.option("--level", type=click.Choice(LEVELS), default="host", show_default=True)
@click.option("--min-pages", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only list sources with at least this many pages.")  # fmt: skip
@click.option("--order", type=click.Choice(["score", "lo"]), default="score", show_default=True,
              help="Rank by posterior mean, or by the lower bound (surer farms).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="JSON (lines for --top) instead of text.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV export of --top.")
@click.option("-q", "--quiet", is_flag=True, help="No ingest summary on stderr.")
@verbose_option
@one_line_errors
def sources(
    scans: tuple[str, ...],
    db: str,
    top_n: int | None,
    name: str | None,
    level: str,
    min_pages: int,
    order: str,
    as_json: bool,
    as_csv: bool,
    quiet: bool,
) -> None:
    """Per-host farm scores from scan results (SCAN: `farmdetect scan` JSON lines, - for stdin).

    With SCAN files, ingest them into --db (one transaction; re-feeding a scan changes nothing).
    Then, or without SCAN, show the most farm-like sources (--top) or explain one (--host).
    """
    if as_json and as_csv:
        raise click.UsageError("--json and --csv exclude each other")
    if name and top_n:
        raise click.UsageError("--host and --top exclude each other")
    if name and as_csv:
        raise click.UsageError("--csv exports a --top table, not one source")
    try:
        _run(scans, db, top_n, name, level, min_pages, order, as_json, as_csv, quiet)
    except sqlite3.Error as e:  # locked, read-only, or a full disk: say which database
        raise FarmdetectError(f"{db}: database: {e}") from e


def _run(scans: tuple[str, ...], db: str, top_n: int | None, name: str | None, level: str,
         min_pages: int, order: str, as_json: bool, as_csv: bool, quiet: bool) -> None:
    from farmdetect import sources as src

    if scans:
        stats = src.ingest_files(db, list(scans))
        if not quiet:
            click.echo(f"farmdetect: ingested {stats.summary()}", err=True)
        if not (top_n or name):
            if as_json:
                click.echo(json.dumps(stats.__dict__))
            return
    conn = src.open_existing(db)
    try:
        if name:
            found = src.explain(conn, name, level)
            if found is None:
                other = "domain" if level == "host" else "host"
                if src.explain(conn, name, other) is not None:
                    raise InputError(f"no {level} {name!r} in {db}; try --level {other}")
                raise InputError(f"no {level} {name!r} in {db}")
            if as_json:
                click.echo(json.dumps(found, ensure_ascii=False))
            else:
                _print_explain(found)
            return
        order_col = "score_lo" if order == "lo" else "score"
        rows = src.top(conn, level=level, n=top_n or DEFAULT_TOP, min_pages=min_pages,
                       order=order_col)  # fmt: skip
        if as_json:
            for r in rows:
                click.echo(json.dumps(r, ensure_ascii=False))
        elif as_csv:
            w = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, lineterminator="\n")
            w.writeheader()
            for i, r in enumerate(rows, 1):
                w.writerow(_csv_row(i, r))
        else:
            _print_table(rows)
    finally:
        conn.close()
