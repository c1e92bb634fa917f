"""Worked example: the source score as a static rank prior in a SQLite FTS5 search index.

A keyword-stuffed farm page outranks a real report on plain bm25; joined with its host's source
score (README "Using source scores in a search index") it drops below the real one.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from farmdetect import sources as src
from farmdetect.urls import host_of, registrable_domain
from tests.test_sources import legit_population, rec

DOCS = [
    (
        "https://worldnewsera.example/will-belarus-join-moscows-ukraine-offensive/",
        "Will Belarus Join Moscow's Ukraine Offensive?",
        "#Belarus #Join #Moscows #Ukraine #Offensive. Belarus offensive: will Belarus join the "
        "offensive? Social Tags: #Belarus #Offensive. You May Also Like: Health News.",
    ),
    (
        "https://www.dailyherald.example/world/belarus-troops",
        "Belarus moves troops to the border",
        "Belarus has moved troops towards its southern border, officials said on Tuesday, "
        "but analysts doubt Minsk will join a new offensive. The defence ministry in Minsk said "
        "the exercises were planned months ago.",
    ),
    (
        "https://gardening.example/roses",
        "Pruning roses in winter",
        "Cut back roses when the plants are dormant, just above an outward-facing bud.",
    ),
]
QUERY = "belarus offensive"


@pytest.fixture
def index(tmp_path: Path) -> sqlite3.Connection:
    """A sources DB (farm host, real news host, a population) attached to an FTS5 index."""
    db = tmp_path / "sources.sqlite"
    records = legit_population()
    records += [rec("worldnewsera.example", i, 0.93, template="T") for i in range(12)]
    records += [rec("www.dailyherald.example", i, 0.03) for i in range(40)]
    src.update_from_records(db, records)

    conn = sqlite3.connect(tmp_path / "index.sqlite")
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body)")
    conn.execute("CREATE TABLE docs_meta (rowid INTEGER PRIMARY KEY, url, host, domain)")
    for i, (url, title, body) in enumerate(DOCS, 1):
        host = host_of(url)
        conn.execute("INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)", (i, title, body))
        conn.execute(
            "INSERT INTO docs_meta VALUES (?, ?, ?, ?)", (i, url, host, registrable_domain(host))
        )
    conn.execute("ATTACH DATABASE ? AS src", (str(db),))
    return conn


# The source score of a document: its host's, else its registrable domain's, else the prior mean
# (an unseen site is treated as an average one, neither trusted nor punished).
SOURCE_SCORE = """
    coalesce(h.score, d.score,
             (SELECT value FROM src.meta WHERE key = 'prior.host.mean'))
"""
JOINS = """
    FROM docs JOIN docs_meta m ON m.rowid = docs.rowid
    LEFT JOIN src.sources h ON h.level = 'host' AND h.name = m.host
    LEFT JOIN src.sources d ON d.level = 'domain' AND d.name = m.domain
    WHERE docs MATCH ?
"""


def hosts(conn: sqlite3.Connection, order_by: str, extra_where: str = "") -> list[str]:
    sql = f"SELECT m.host {JOINS} {extra_where} ORDER BY {order_by}"
    return [r[0] for r in conn.execute(sql, (QUERY,))]


def test_plain_bm25_puts_the_stuffed_farm_page_first(index: sqlite3.Connection) -> None:
    # bm25() is negative in FTS5: smaller is better.
    assert hosts(index, "bm25(docs)") == ["worldnewsera.example", "www.dailyherald.example"]


def test_multiplicative_prior_drops_the_farm_below_the_real_page(
    index: sqlite3.Connection,
) -> None:
    # bm25 * (1 - source score): a farm source's relevance shrinks towards 0.
    order = f"bm25(docs) * (1.0 - {SOURCE_SCORE})"
    assert hosts(index, order) == ["www.dailyherald.example", "worldnewsera.example"]


def test_log_prior_and_filter(index: sqlite3.Connection) -> None:
    if index.execute("SELECT 1 FROM pragma_function_list WHERE name = 'ln'").fetchone() is None:
        index.create_function("ln", 1, math.log, deterministic=True)  # older SQLite builds
    # Additive log-prior: relevance (-bm25) plus W * log(1 - source score); W tunes how much
    # a source's reputation may outweigh textual relevance.
    order = f"(-bm25(docs) + 2.0 * ln(1.0 - {SOURCE_SCORE})) DESC"
    assert hosts(index, order) == ["www.dailyherald.example", "worldnewsera.example"]
    # Filter: drop sources that are farms with 95% confidence (interval's lower bound).
    keep = "AND coalesce(h.score_lo, d.score_lo, 0.0) < 0.5"
    assert hosts(index, "bm25(docs)", keep) == ["www.dailyherald.example"]


def test_source_scores_behind_the_ranking(index: sqlite3.Connection) -> None:
    scores = dict(
        index.execute(
            "SELECT name, score FROM src.sources WHERE level = 'host' AND name IN (?, ?)",
            ("worldnewsera.example", "www.dailyherald.example"),
        ).fetchall()
    )
    assert scores["worldnewsera.example"] > 0.7 > 0.1 > scores["www.dailyherald.example"]
