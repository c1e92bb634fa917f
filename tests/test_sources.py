"""Per-source scores: Beta maths, the prior fit, smoothing requirements, dedupe, atomic ingest,
site-level evidence, and the ``farmdetect sources`` command."""

from __future__ import annotations

import json
import math
import random
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from farmdetect import sources as src
from farmdetect.cli.sources import sources as sources_cmd
from farmdetect.errors import InputError

T0 = "2025-01-01T00:00:00+00:00"
T1 = "2025-02-01T00:00:00+00:00"


def rec(
    host: str,
    i: int,
    score: float,
    *,
    markers: Iterable[str] = (),
    recs: str | None = None,
    footer: str | None = None,
    template: str | None = None,
    record_id: str | None = "auto",
) -> dict[str, Any]:
    """One scan record of the agreed shape."""
    markers = list(markers)
    return {
        "id": f"<urn:uuid:{host}/{i}>" if record_id == "auto" else record_id,
        "url": f"https://{host}/page-{i}",
        "host": host,
        "score": score,
        "label": "farm" if score >= 0.5 else "ok",
        "threshold": 0.5,
        "reasons": markers[:3],
        "markers": markers,
        "fingerprints": {"recs": recs, "footer": footer, "template": template},
        "error": None,
    }


def legit_population(seed: int = 0) -> list[dict[str, Any]]:
    """40 ordinary hosts (3-30 pages, low scores) and 3 ten-page farm hosts."""
    rnd = random.Random(seed)
    out = []
    for h in range(40):
        for i in range(rnd.randint(3, 30)):
            out.append(rec(f"legit{h}.example", i, round(rnd.uniform(0.0, 0.12), 4)))
    for h in range(3):
        for i in range(10):
            out.append(rec(f"farm{h}.example", i, round(rnd.uniform(0.8, 0.99), 4)))
    return out


def requirement_hosts() -> list[dict[str, Any]]:
    """The three hosts the issue names."""
    big = [rec("big.example", i, 0.03) for i in range(999)] + [rec("big.example", 999, 0.97)]
    farm20 = [rec("farm20.example", i, 0.95) for i in range(20)]
    one = [rec("one.example", 0, 0.95)]
    return big + farm20 + one


def snapshot(db: Path, *, with_seen: bool = False) -> dict[str, list[tuple]]:
    """Every table's rows (optionally without the last_seen timestamps)."""
    conn = sqlite3.connect(db)
    out = {}
    for table in ("pages", "sources", "meta"):
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        keep = [c for c in cols if with_seen or c != "last_seen"]
        out[table] = conn.execute(f"SELECT {', '.join(keep)} FROM {table} ORDER BY 1, 2").fetchall()
    out["ingests"] = conn.execute("SELECT * FROM ingests").fetchall()
    conn.close()
    return out


def by_name(conn: sqlite3.Connection, level: str = "host") -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in src.top(conn, level=level, n=10_000)}


# --------------------------------------------------------------------------- Beta maths


@pytest.mark.parametrize(
    ("p", "a", "b", "expected"),
    [  # reference values from scipy.stats.beta.ppf
        (0.05, 2, 5, 0.06284989170835438),
        (0.95, 2, 5, 0.5818034092520259),
        (0.05, 0.5, 0.5, 0.0061558297024311365),
        (0.95, 0.06, 3, 0.12349786841108758),
        (0.05, 20.5, 1.5, 0.8283122561135052),
        (0.95, 1.5, 1000.5, 0.0038968237451095455),
        (0.05, 300, 700, 0.2764036572036614),
        (0.5, 0.03, 0.97, 9.707440427761866e-11),
    ],
)
def test_beta_quantile_known_values(p: float, a: float, b: float, expected: float) -> None:
    assert src.beta_quantile(p, a, b) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("a", "b", "x", "expected"),
    [  # scipy.special.betainc
        (2, 5, 0.3, 0.5798250000000003),
        (0.5, 0.5, 0.1, 0.20483276469913345),
        (10, 20, 0.4, 0.7853183897628262),
        (200, 300, 0.41, 0.677628164772179),
    ],
)
def test_betainc_known_values(a: float, b: float, x: float, expected: float) -> None:
    assert src.betainc(a, b, x) == pytest.approx(expected, rel=1e-10)


def test_beta_closed_forms_and_round_trip() -> None:
    for p in (0.001, 0.05, 0.3, 0.5, 0.95, 0.999):
        assert src.beta_quantile(p, 1, 1) == pytest.approx(p, rel=1e-10)  # uniform
        assert src.beta_quantile(p, 3.5, 1) == pytest.approx(p ** (1 / 3.5), rel=1e-10)
        assert src.beta_quantile(p, 1, 7) == pytest.approx(1 - (1 - p) ** (1 / 7), rel=1e-9)
    for a, b in ((0.05, 2.0), (0.5, 40.0), (3.0, 3.0), (19.1, 2.9), (25.0, 2000.0), (1e4, 3e4)):
        for x in (0.01, 0.2, 0.5, 0.9):
            assert src.betainc(a, b, x) == pytest.approx(1 - src.betainc(b, a, 1 - x), abs=1e-12)
        for p in (0.05, 0.5, 0.95):
            q = src.beta_quantile(p, a, b)
            assert 0.0 <= q <= 1.0
            assert src.betainc(a, b, q) == pytest.approx(p, abs=1e-9)


def test_beta_quantile_matches_scipy_on_a_grid() -> None:
    stats = pytest.importorskip("scipy.stats")
    rnd = random.Random(1)
    for _ in range(200):
        a, b = math.exp(rnd.uniform(-3, 7)), math.exp(rnd.uniform(-3, 7))
        p = rnd.choice((0.05, 0.5, 0.95))
        assert src.beta_quantile(p, a, b) == pytest.approx(
            float(stats.beta.ppf(p, a, b)), rel=1e-6, abs=1e-12
        )


# --------------------------------------------------------------------------- prior


def test_fit_prior_recovers_a_known_population() -> None:
    rnd = random.Random(7)
    pages, sums = [], []
    for _ in range(600):
        rate = rnd.betavariate(2, 18)  # mean 0.1, strength 20
        pages.append(50)
        sums.append(sum(rnd.random() < rate for _ in range(50)))
    prior = src.fit_prior(pages, sums)
    assert prior.method == "moments"
    assert prior.mean == pytest.approx(0.1, abs=0.01)
    # Without the binomial-noise correction the strength would come out near 10.
    assert 14 <= prior.strength <= 30
    # 0/1 scores: the pooled within-source variance gives the same Beta-binomial estimate.
    pooled = src.fit_prior(pages, sums, sums)
    assert pooled.mean == prior.mean
    assert pooled.strength == pytest.approx(prior.strength, rel=0.1)


def test_fit_prior_with_graded_scores_is_not_fooled_by_binomial_noise() -> None:
    # Every page of a source scores close to the source's rate: the spread between sources is
    # real, so the prior must be weak; the 0/1 noise formula would call most of it noise.
    rnd = random.Random(8)
    pages, sums, sq = [], [], []
    for _ in range(300):
        rate = rnd.betavariate(2, 18)
        scores = [min(max(rate + rnd.gauss(0, 0.02), 0.0), 1.0) for _ in range(4)]
        pages.append(4)
        sums.append(sum(scores))
        sq.append(sum(x * x for x in scores))
    graded = src.fit_prior(pages, sums, sq)
    assert graded.strength == src.PRIOR_STRENGTH_MIN
    assert src.fit_prior(pages, sums).strength > 10


def test_fit_prior_bounds_and_fallback() -> None:
    few = src.fit_prior([10, 20, 5], [1, 2, 0.5])
    assert few.method == "fixed" and few.mean == src.FALLBACK_PRIOR_MEAN
    # No spread between sources beyond noise: strongest prior allowed, not infinity.
    flat = src.fit_prior([100] * 50, [5.0] * 50)
    assert flat.strength == src.PRIOR_STRENGTH_MAX
    # Half farms, half clean: huge spread, weakest prior allowed; the mean stays a minority.
    split = src.fit_prior([10] * 40, [10.0] * 25 + [0.0] * 15)
    assert split.strength == src.PRIOR_STRENGTH_MIN
    assert split.mean == src.PRIOR_MEAN_MAX


# --------------------------------------------------------------------------- requirements


@pytest.fixture
def population_db(tmp_path: Path) -> Path:
    db = tmp_path / "sources.sqlite"
    src.update_from_records(db, legit_population() + requirement_hosts(), now=T0)
    return db


def test_smoothing_requirements(population_db: Path) -> None:
    conn = src.open_existing(population_db)
    hosts = by_name(conn)
    ranked = [s["name"] for s in src.top(conn, n=10_000)]
    legit = [s for n, s in hosts.items() if n.startswith("legit")]
    big, farm20, one = hosts["big.example"], hosts["farm20.example"], hosts["one.example"]

    # 1 farm page among 1,000 legit ones: stays low, below most ordinary hosts.
    assert big["score"] < 0.05 and big["score_hi"] < 0.05
    assert ranked.index("big.example") > len(ranked) // 2
    # 20/20 farm pages: the top, with a narrow interval.
    assert ranked[0] == "farm20.example"
    assert farm20["score"] > 0.85
    # 20 pages cannot pin a rate closer than binomial noise allows (~0.22 for 90%).
    assert farm20["score_hi"] - farm20["score_lo"] < 0.25
    # 1/1 farm page: above every legit source, below the sure farms, with a wide interval.
    assert one["score"] > max(s["score"] for s in legit)
    assert one["score"] > big["score"]
    assert one["score"] < farm20["score"]
    assert one["score_hi"] - one["score_lo"] > 0.5
    assert one["score_hi"] - one["score_lo"] > 3 * (farm20["score_hi"] - farm20["score_lo"])
    assert one["score_lo"] <= farm20["score_lo"]
    # Interval always brackets the posterior mean.
    assert all(s["score_lo"] <= s["score"] <= s["score_hi"] for s in hosts.values())
    prior = src.get_prior(conn, "host")
    assert prior.method == "moments" and prior.sources == len(hosts)


def test_farm_share_and_counts(population_db: Path) -> None:
    conn = src.open_existing(population_db)
    big = src.explain(conn, "big.example")
    assert big is not None
    assert big["pages"] == 1000 and big["farm_pages"] == 1
    assert big["farm_share"] == pytest.approx(0.001)
    assert big["mean_score"] == pytest.approx((999 * 0.03 + 0.97) / 1000)
    assert big["worst_pages"][0]["url"] == "https://big.example/page-999"
    assert len(big["worst_pages"]) == src.WORST_PAGES


def test_refeeding_identical_results_changes_nothing(population_db: Path) -> None:
    before = snapshot(population_db)
    stats = src.update_from_records(
        population_db, legit_population() + requirement_hosts(), now=T1
    )
    assert stats.new == 0 and stats.updated == 0 and stats.unchanged == stats.records
    after = snapshot(population_db)
    assert after["pages"] == before["pages"]
    assert after["sources"] == before["sources"]
    assert after["meta"] == before["meta"]
    # Only the timestamps say the pages were seen again.
    conn = src.open_existing(population_db)
    assert conn.execute("SELECT min(last_seen) FROM pages").fetchone()[0] == T1
    assert conn.execute("SELECT min(first_seen) FROM pages").fetchone()[0] == T0


def test_dedupe_falls_back_to_url_and_recrawls_replace(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    no_id = [rec("a.example", i, 0.1, record_id=None) for i in range(3)]
    src.update_from_records(db, no_id, now=T0)
    again = src.update_from_records(db, no_id, now=T1)
    assert again.unchanged == 3 and again.new == 0
    # The same URL under a new WARC record id (a re-crawl) replaces the old capture.
    recrawl = [rec("a.example", 0, 0.9, record_id="<urn:uuid:new>")]
    stats = src.update_from_records(db, recrawl, now=T1)
    assert stats.updated == 1 and stats.new == 0
    conn = src.open_existing(db)
    a = src.explain(conn, "a.example")
    assert a is not None and a["pages"] == 3 and a["farm_pages"] == 1
    first = conn.execute("SELECT first_seen FROM pages WHERE key = '<urn:uuid:new>'").fetchone()
    assert first[0] == T0


def test_incremental_equals_one_shot(tmp_path: Path) -> None:
    records = legit_population() + requirement_hosts()
    random.Random(3).shuffle(records)
    one_shot, stepwise = tmp_path / "one.sqlite", tmp_path / "steps.sqlite"
    src.update_from_records(one_shot, records, now=T0)
    for start in range(0, len(records), 400):
        src.update_from_records(stepwise, records[start : start + 400], now=T0)
    a, b = by_name(src.open_existing(one_shot)), by_name(src.open_existing(stepwise))
    assert a.keys() == b.keys()
    for name in a:
        for col in ("pages", "farm_pages", "score", "score_lo", "score_hi"):
            assert a[name][col] == pytest.approx(b[name][col], rel=1e-9), (name, col)
        assert a[name]["evidence"] == b[name]["evidence"]
        assert a[name]["top_markers"] == b[name]["top_markers"]


def test_changed_page_moves_between_hosts_and_old_source_disappears(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    src.update_from_records(db, [rec("old.example", 0, 0.2)], now=T0)
    moved = rec("old.example", 0, 0.2)
    moved["host"] = "new.example"
    src.update_from_records(db, [moved], now=T1)
    conn = src.open_existing(db)
    assert src.explain(conn, "old.example") is None
    assert src.explain(conn, "new.example") is not None


def test_error_records_are_counted_not_scored(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    bad = {"id": "x", "url": "https://e.example/x", "score": None, "error": "timeout"}
    stats = src.update_from_records(db, [rec("e.example", 0, 0.2), bad], now=T0)
    assert stats.errors == 1 and stats.new == 1
    conn = src.open_existing(db)
    assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == 1
    assert conn.execute("SELECT errors FROM ingests").fetchone()[0] == 1


def test_skipped_scan_lines_are_not_pages(tmp_path: Path) -> None:
    """A scan's non-HTML records (``skipped`` set, score null) are accepted and not stored."""
    db = tmp_path / "s.sqlite"
    png = {"id": "<urn:uuid:1>", "url": "https://e.example/logo.png", "host": "e.example",
           "score": None, "label": None, "error": None, "skipped": "not HTML (image/png)"}
    src.update_from_records(db, [rec("e.example", 0, 0.2), png], now=T0)
    conn = src.open_existing(db)
    assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == 1


def test_objects_with_to_record_are_accepted(tmp_path: Path) -> None:
    class FakeVerdict:
        def to_record(self) -> dict[str, Any]:
            return rec("v.example", 0, 0.7)

    stats = src.update_from_records(tmp_path / "s.sqlite", [FakeVerdict()])
    assert stats.new == 1


def test_label_from_threshold_and_host_from_url(tmp_path: Path) -> None:
    r = rec("ignored.example", 0, 0.6)
    r.update(label=None, host=None, url="https://Sub.Example.co.uk/x", threshold=0.55)
    src.update_from_records(tmp_path / "s.sqlite", [r])
    conn = src.open_existing(tmp_path / "s.sqlite")
    row = conn.execute("SELECT host, domain, label FROM pages").fetchone()
    assert tuple(row) == ("sub.example.co.uk", "example.co.uk", "farm")


# --------------------------------------------------------------------------- bad input


def write_lines(path: Path, records: list[dict[str, Any]], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + tail, "utf-8")
    return path


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("{not json}\n", ":4: invalid JSON"),
        ('{"id": "x", "url": "https://t.example/1", "sco', ":4: truncated line"),
        ('{"id": "x", "url": "https://t.example/1", "label": "ok"}\n', "missing required field"),
        ('{"id": null, "score": 0.5, "label": "ok"}\n', "no 'url' to dedupe by"),
        ('{"id": "x", "url": "https://t.example/1", "score": 1.5, "label": "ok"}\n', "[0, 1]"),
        ('{"id": "x", "url": "https://t.example/1", "score": 0.5, "label": "spam"}\n', "'label'"),
        ('{"id": "x", "url": "https://t.example/1", "score": 0.5}\n', "'label' or 'threshold'"),
        ('[1, 2]\n', "expected a JSON object"),
    ],
)
def test_corrupt_scan_leaves_database_unchanged(
    population_db: Path, tmp_path: Path, tail: str, message: str
) -> None:
    before = snapshot(population_db, with_seen=True)
    good = [rec("new.example", i, 0.9) for i in range(3)]
    scan = write_lines(tmp_path / "scan.jsonl", good, tail)
    with pytest.raises(InputError) as err:
        src.ingest_files(population_db, [scan], now=T1)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert str(scan) in str(err.value)
    assert snapshot(population_db, with_seen=True) == before


def test_truncated_gzip_scan(tmp_path: Path) -> None:
    import gzip

    full = gzip.compress(b"".join(json.dumps(rec("g.example", i, 0.1)).encode() + b"\n"
                                  for i in range(500)))  # fmt: skip
    path = tmp_path / "scan.jsonl.gz"
    path.write_bytes(full[: len(full) // 2])
    db = tmp_path / "s.sqlite"
    with pytest.raises(InputError, match="unreadable|truncated"):
        src.ingest_files(db, [path])
    assert not db.exists()  # a failed first ingest leaves no database behind


def test_bad_record_through_python_api_rolls_back(population_db: Path) -> None:
    before = snapshot(population_db, with_seen=True)

    def records() -> Iterable[dict[str, Any]]:
        yield rec("new.example", 0, 0.9)
        yield {"url": "https://new.example/2", "score": 0.2, "label": "ok"}

    with pytest.raises(InputError, match="record 2: missing required field 'id'"):
        src.update_from_records(population_db, records(), now=T1)
    assert snapshot(population_db, with_seen=True) == before


# --------------------------------------------------------------------------- evidence


def test_repeated_blocks_and_title_echo(tmp_path: Path) -> None:
    echo = ["hashtags.title_echo", "recs.unrelated"]
    pages = [
        rec("rep.example", 0, 0.9, markers=echo, recs="r1", footer="f1"),
        rec("rep.example", 1, 0.9, markers=echo, recs="r1", footer="f1"),
        rec("rep.example", 2, 0.8, markers=echo, recs="r1", footer="f1"),
        rec("rep.example", 3, 0.7, markers=echo, recs="r1", footer="f2"),
        rec("rep.example", 4, 0.6, markers=echo, recs="r2"),
        rec("rep.example", 5, 0.2, markers=["recs.unrelated"]),
        # Every page's block differs: nothing repeats.
        *[rec("uniq.example", i, 0.3, recs=f"u{i}", footer=f"v{i}") for i in range(6)],
    ]
    db = tmp_path / "s.sqlite"
    src.update_from_records(db, pages)
    conn = src.open_existing(db)
    rep, uniq = src.explain(conn, "rep.example"), src.explain(conn, "uniq.example")
    assert rep is not None and uniq is not None
    ev = rep["evidence"]
    share = pytest.approx(4 / 6, abs=1e-4)
    assert ev["recs_repeat"] == {"fingerprint": "r1", "pages": 4, "share": share}
    assert ev["footer_repeat"]["pages"] == 3
    assert ev["title_echo"] == {"pages": 5, "share": pytest.approx(5 / 6, abs=1e-4)}
    assert rep["top_markers"][0][:2] == ["recs.unrelated", 6]
    assert uniq["evidence"]["recs_repeat"] is None and uniq["evidence"]["footer_repeat"] is None
    lines = src.evidence_lines(rep)
    assert "same recommendation block on 4/6 pages (67%)" in lines
    assert "title-echo hashtags on 5/6 pages (83%)" in lines


def test_sister_sites_share_a_template_and_update_incrementally(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    network = [rec(f"net{h}.example", i, 0.9, template="T") for h in range(3) for i in range(2)]
    theme = [rec(f"blog{h}.example", i, 0.05, template="WP") for h in range(3) for i in range(2)]
    # A clean host on the farm template is shown the network (evidence, not a verdict).
    clean_on_t = [rec("clean.example", 0, 0.05, template="T")]
    src.update_from_records(db, network + theme + clean_on_t, now=T0)
    conn = src.open_existing(db)
    hosts = by_name(conn)
    net0 = hosts["net0.example"]["evidence"]["sister_sites"]
    assert net0["count"] == 2
    assert [s for s, _ in net0["sources"]] == ["net1.example", "net2.example"]
    assert hosts["blog0.example"]["evidence"]["sister_sites"] is None
    assert hosts["clean.example"]["evidence"]["sister_sites"]["count"] == 3
    # Farm-like hosts never list a clean host as a sister.
    assert "clean.example" not in [s for s, _ in net0["sources"]]
    conn.close()
    # A new one-page farm host on the same template joins the untouched hosts' lists.
    src.update_from_records(db, [rec("net9.example", 0, 0.95, template="T")], now=T1)
    hosts = by_name(src.open_existing(db))
    assert hosts["net0.example"]["evidence"]["sister_sites"]["count"] == 3


def test_domain_level_and_source_score_fallbacks(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    # .co.uk: registrable domains need a real public suffix (.example is not one).
    records = [rec("a.spamfarm.co.uk", i, 0.9) for i in range(5)]
    records += [rec("b.spamfarm.co.uk", i, 0.8) for i in range(5)]
    records += [rec("news.example", i, 0.02) for i in range(20)]
    src.update_from_records(db, records)
    conn = src.open_existing(db)
    domains = by_name(conn, "domain")
    assert domains["spamfarm.co.uk"]["pages"] == 10
    assert domains["spamfarm.co.uk"]["farm_pages"] == 10
    hosts = by_name(conn)
    assert src.source_score(conn, "A.spamfarm.co.uk.") == hosts["a.spamfarm.co.uk"]["score"]
    # An unseen subdomain inherits its registrable domain's score; an unseen site the prior's.
    assert src.source_score(conn, "c.spamfarm.co.uk") == domains["spamfarm.co.uk"]["score"]
    assert src.source_score(conn, "never.example") == src.get_prior(conn, "host").mean
    assert src.source_score(conn, None) == src.get_prior(conn, "host").mean


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def scan_file(tmp_path: Path) -> Path:
    records = legit_population() + requirement_hosts()
    records.append({"id": "broken", "url": None, "host": None, "score": None, "label": None,
                    "threshold": 0.5, "reasons": [], "markers": [], "fingerprints": {},
                    "error": "not HTML"})  # fmt: skip
    return write_lines(tmp_path / "scan.jsonl", records)


def invoke(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(sources_cmd, list(args), input=stdin)


def test_cli_ingest_top_explain(tmp_path: Path, scan_file: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    r = invoke(str(scan_file), "--db", db)
    assert r.exit_code == 0, r.output
    assert "1 errors" in r.stderr and r.stdout == ""

    r = invoke("--db", db, "--top", "5")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0].split()[:2] == ["rank", "score"]
    assert "farm20.example" in lines[1]
    assert len(lines) == 6

    r = invoke("--db", db, "--top", "50", "--json")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows[0]["name"] == "farm20.example" and len(rows) == 46

    r = invoke("--db", db, "--top", "3", "--csv", "--level", "domain")
    assert r.stdout.splitlines()[0].startswith("rank,level,name,score,score_lo,score_hi,pages")
    assert len(r.stdout.splitlines()) == 4

    r = invoke("--db", db, "--host", "big.example")
    assert r.exit_code == 0
    for needle in ("big.example", "90% interval", "pages 1000", "farm-labelled 1 (0%)",
                   "worst pages:", "https://big.example/page-999"):  # fmt: skip
        assert needle in r.stdout

    r = invoke("--db", db, "--host", "one.example", "--json")
    one = json.loads(r.stdout)
    assert one["pages"] == 1 and one["prior"]["method"] == "moments"


def test_cli_stdin_and_refeed(tmp_path: Path, scan_file: Path) -> None:
    db = tmp_path / "s.sqlite"
    text = scan_file.read_text("utf-8")
    assert invoke("-", "--db", str(db), "-q", stdin=text).exit_code == 0
    before = snapshot(db)
    r = invoke(str(scan_file), "--db", str(db), "--json")
    stats = json.loads(r.stdout)
    assert stats["errors"] == 1 and stats["new"] == 0
    assert stats["unchanged"] == len(text.splitlines()) - 1
    after = snapshot(db)
    assert after["sources"] == before["sources"] and after["pages"] == before["pages"]


def test_cli_errors(tmp_path: Path, scan_file: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert invoke(str(scan_file), "--db", str(db), "-q").exit_code == 0
    before = snapshot(db, with_seen=True)

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec("x.example", 0, 0.5)) + "\n{oops\n", "utf-8")
    r = invoke(str(bad), "--db", str(db))
    assert r.exit_code == 3
    assert r.stderr.count("\n") == 1 and "bad.jsonl:2: invalid JSON" in r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(db, with_seen=True) == before

    r = invoke("--db", str(db), "--host", "nowhere.example")
    assert r.exit_code == 3 and "no host 'nowhere.example'" in r.stderr

    r = invoke("--db", str(tmp_path / "missing.sqlite"), "--top", "3")
    assert r.exit_code == 3 and "no sources database" in r.stderr

    r = invoke(str(tmp_path / "nope.jsonl"), "--db", str(db))
    assert r.exit_code == 3 and "cannot open" in r.stderr

    not_db = tmp_path / "junk.sqlite"
    not_db.write_bytes(b"this is not sqlite" * 100)
    r = invoke("--db", str(not_db), "--top", "3")
    assert r.exit_code in (1, 3) and r.stderr.count("\n") == 1

    assert invoke("--db", str(db), "--json", "--csv").exit_code == 2
    assert invoke("--db", str(db), "--top", "3", "--host", "a").exit_code == 2
    assert invoke("--db", str(db), "--top", "3", "--min-pages", "0").exit_code == 2
    assert invoke("--db", str(db), "--top", "0").exit_code == 2


def test_failed_first_ingest_leaves_no_database(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec("e.example", 0, 0.2)) + "\n{not json\n")
    with pytest.raises(InputError):
        src.ingest_files(db, [str(bad)])
    assert not db.exists()
