"""Per-source (host and registrable-domain) farm scores from many page verdicts, kept in SQLite.

A page verdict says "this page looks like a farm"; a search index wants "this *site* is a farm",
and one page is weak evidence about a site. This module aggregates ``farmdetect scan`` records
into per-host and per-domain scores with an empirical-Bayes Beta prior, so a host with one odd page
among a thousand stays low, a host whose twenty pages are all farm pages goes to the top, and a
host seen once gets a score between the two with an honest, wide interval.

Input: dicts of the ``farmdetect scan`` JSON-lines shape (``Verdict.to_record()``)::

    {"id", "url", "host", "score" (0..1, calibrated), "label" ("farm"|"ok"), "threshold",
     "reasons", "markers", "fingerprints": {"recs", "footer", "template"}, "error"}

Records with ``error`` set are counted, not scored. ``id`` and ``score`` are required (``id`` may
be null when ``url`` is given); ``label`` or ``threshold`` decides whether the page is a farm page.

Schema (``sqlite3`` file; every ingest is one transaction, validated before commit)::

    pages    one row per page; dedupe key = record id (falling back to the URL), and a URL seen
             again under a new record id (a re-crawl) replaces the older capture.
        key TEXT PRIMARY KEY, record_id TEXT, url TEXT UNIQUE, host TEXT, domain TEXT,
        score REAL, label TEXT ('farm'|'ok'), is_farm INTEGER, threshold REAL,
        reasons TEXT (json list), markers TEXT (json list),
        fp_recs TEXT, fp_footer TEXT, fp_template TEXT, first_seen TEXT, last_seen TEXT (UTC ISO)
    sources  one row per (level, name); level is 'host' or 'domain'
        level TEXT, name TEXT, pages INTEGER, farm_pages INTEGER, score_sum REAL,
        score_sq_sum REAL (sum of squared page scores, for the within-source variance),
        mean_score REAL, farm_share REAL (share of pages over the page threshold),
        alpha REAL, beta REAL (posterior Beta parameters),
        score REAL (posterior mean), score_lo REAL, score_hi REAL (90% credible interval),
        top_markers TEXT (json [[marker, pages, share], ...]),
        evidence TEXT (json: recs_repeat, footer_repeat, title_echo, sister_sites),
        first_seen TEXT, last_seen TEXT
        PRIMARY KEY (level, name); indices on name and on (level, score)
    meta     key TEXT PRIMARY KEY, value: schema_version, prior.<level>.mean / .strength /
             .sources / .method (the fitted prior, readable from SQL for an index join)
    ingests  one row per ingest: time, inputs, records, new, updated, unchanged, errors, no_host,
             skipped

Smoothed score. A source's evidence is its *summed calibrated page scores* treated as fractional
successes out of ``pages`` trials (the expected number of farm pages): a page just under the
threshold still counts most of the way, and the score does not jump when one page crosses the
threshold. With prior Beta(m*k, (1-m)*k) the posterior is Beta(m*k + S, (1-m)*k + n - S); the
score is its mean and the interval its 5% and 95% quantiles. The prior's mean m and strength k
are fitted by the method of moments over all sources of the level (Buehlmann-Straub credibility):
the between-source variance tau^2 is the variance of per-source mean scores minus the expected
sampling noise s_w^2 * mean(1/n), where s_w^2 is the pooled within-source variance of page scores,
and k = s_w^2 / tau^2. For 0/1 scores this is exactly the Beta-binomial moment estimator
(s_w^2 ~ m(1-m) - tau^2); with graded scores it does not mistake the (small) spread of a clean
host's page scores for binomial noise. With too few multi-page sources s_w^2 falls back to
m(1-m). Mean and strength are clipped to sane bounds; with fewer than ``MIN_SOURCES_FOR_FIT``
sources a fixed weak prior is used. The interval still treats the n pages as Bernoulli trials,
which is wider than the spread of the scores alone: a calibrated 0.03 is not a proof of "no farm".
The prior is re-fitted on every ingest and the smoothed scores of all sources are recomputed
(only rows whose posterior changed are written).
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from farmdetect.errors import InputError
from farmdetect.urls import host_of, registrable_domain

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
LEVELS = ("host", "domain")

# Fewer sources than this cannot estimate a between-source variance; use the fixed weak prior.
MIN_SOURCES_FOR_FIT = 10
# Fixed weak prior: ~5% farm pages (the general-web rate in wcxb_2025 is ~1%, older sets higher;
# 5% keeps an unseen host from looking clean) worth two pages of evidence.
FALLBACK_PRIOR_MEAN = 0.05
FALLBACK_PRIOR_STRENGTH = 2.0
# Bounds for the fitted prior. Strength >= 2 so one page cannot pin a source by itself; <= 50 so
# a host with a few dozen consistent pages is not drowned by the population (20/20 farm pages
# must reach the top); the mean stays inside (0.001, 0.5) because farms are the minority.
PRIOR_STRENGTH_MIN = 2.0
PRIOR_STRENGTH_MAX = 50.0
PRIOR_MEAN_MIN = 0.001
PRIOR_MEAN_MAX = 0.5
# Credible interval reported for every source.
INTERVAL = 0.90
# A fingerprint (recommendation block, footer) counts as repeated when at least this many of a
# source's pages share it: one page cannot show a site-wide template.
REPEAT_MIN_PAGES = 2
TITLE_ECHO_MARKER = "hashtags.title_echo"
# Sister sites: other sources sharing a template fingerprint whose pages on average score as farm
# pages. Mean page score, not the smoothed score, so a network of one-page farm hosts shows up.
SISTER_MIN_MEAN_SCORE = 0.5
SISTER_LIST_MAX = 10
TOP_MARKERS = 5
WORST_PAGES = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    key TEXT PRIMARY KEY,
    record_id TEXT,
    url TEXT,
    host TEXT,
    domain TEXT,
    score REAL NOT NULL,
    label TEXT NOT NULL,
    is_farm INTEGER NOT NULL,
    threshold REAL,
    reasons TEXT NOT NULL,
    markers TEXT NOT NULL,
    fp_recs TEXT,
    fp_footer TEXT,
    fp_template TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS pages_url ON pages(url) WHERE url IS NOT NULL;
CREATE INDEX IF NOT EXISTS pages_host ON pages(host);
CREATE INDEX IF NOT EXISTS pages_domain ON pages(domain);
CREATE INDEX IF NOT EXISTS pages_template ON pages(fp_template) WHERE fp_template IS NOT NULL;
CREATE TABLE IF NOT EXISTS sources (
    level TEXT NOT NULL CHECK (level IN ('host', 'domain')),
    name TEXT NOT NULL,
    pages INTEGER NOT NULL,
    farm_pages INTEGER NOT NULL,
    score_sum REAL NOT NULL,
    score_sq_sum REAL NOT NULL,
    mean_score REAL NOT NULL,
    farm_share REAL NOT NULL,
    alpha REAL,
    beta REAL,
    score REAL,
    score_lo REAL,
    score_hi REAL,
    top_markers TEXT NOT NULL DEFAULT '[]',
    evidence TEXT NOT NULL DEFAULT '{}',
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (level, name)
);
CREATE INDEX IF NOT EXISTS sources_name ON sources(name);
CREATE INDEX IF NOT EXISTS sources_score ON sources(level, score DESC);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);
CREATE TABLE IF NOT EXISTS ingests (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    inputs TEXT,
    records INTEGER NOT NULL,
    new INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    no_host INTEGER NOT NULL,
    skipped INTEGER NOT NULL DEFAULT 0
);
"""
# Marks a SQLite file as a farmdetect sources database (PRAGMA application_id, "FRMD"), so that
# `--db` pointed at someone else's database is refused instead of getting our tables added.
APPLICATION_ID = 0x46524D44

_PAGE_COLS = (
    "record_id", "url", "host", "domain", "score", "label", "is_farm", "threshold",
    "reasons", "markers", "fp_recs", "fp_footer", "fp_template",
)  # fmt: skip


# --------------------------------------------------------------------------- Beta distribution


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b) (continued fraction, Numerical Recipes 6.4)."""
    if a <= 0 or b <= 0:
        raise ValueError("beta parameters must be positive")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
        + a * math.log(x) + b * math.log1p(-x)
    )  # fmt: skip
    # The continued fraction converges fast only left of the mode; use the symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(ln_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(ln_front) * _betacf(b, a, 1.0 - x) / b


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta, modified Lentz's method."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    # Needs O(sqrt(max(a, b))) terms; 10k covers posteriors of millions of pages.
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def beta_quantile(p: float, a: float, b: float, tol: float = 1e-12) -> float:
    """Inverse of I_x(a, b): Newton steps kept inside a shrinking bisection bracket."""
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be in [0, 1]")
    if p == 0.0:
        return 0.0
    if p == 1.0:
        return 1.0
    lo, hi = 0.0, 1.0
    x = a / (a + b)
    ln_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    for _ in range(200):
        f = betainc(a, b, x) - p
        if f == 0.0:
            return x
        if f < 0:
            lo = x
        else:
            hi = x
        if hi - lo < tol * max(x, 1e-300) or hi - lo < 1e-300:
            break
        # Newton step on the CDF; density computed in logs (it under/overflows at the tails).
        ln_pdf = (a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - ln_beta
        step = f / math.exp(ln_pdf) if ln_pdf < 700 else 0.0
        nx = x - step
        if not lo < nx < hi or step == 0.0:
            # Bisect in log space near 0 so heavy left tails (a << 1) converge too.
            nx = math.sqrt(lo * hi) if lo > 0 and hi / lo > 1e3 else 0.5 * (lo + hi)
            if nx <= lo or nx >= hi:
                nx = 0.5 * (lo + hi)
        if abs(nx - x) <= tol * max(x, 1e-300):
            x = nx
            break
        x = nx
    return x


# --------------------------------------------------------------------------- prior


@dataclass(frozen=True)
class Prior:
    """Beta prior over a source's farm rate: mean, strength (pseudo-pages) and how it was set."""

    mean: float
    strength: float
    sources: int
    method: str  # "moments" | "fixed"

    @property
    def alpha(self) -> float:
        return self.mean * self.strength

    @property
    def beta(self) -> float:
        return (1.0 - self.mean) * self.strength


def fit_prior(
    pages: Sequence[int], score_sums: Sequence[float], sq_sums: Sequence[float] | None = None
) -> Prior:
    """Method-of-moments Beta prior from per-source page counts, score sums and squared sums."""
    sq = list(sq_sums) if sq_sums is not None else [math.nan] * len(pages)
    triples = [(n, s, q) for n, s, q in zip(pages, score_sums, sq, strict=True) if n > 0]
    pairs = [(n, s) for n, s, _ in triples]
    if len(pairs) < MIN_SOURCES_FOR_FIT:
        return Prior(FALLBACK_PRIOR_MEAN, FALLBACK_PRIOR_STRENGTH, len(pairs), "fixed")
    rates = [s / n for n, s in pairs]
    mean = sum(rates) / len(rates)
    var_obs = sum((r - mean) ** 2 for r in rates) / (len(rates) - 1)
    mean = min(max(mean, PRIOR_MEAN_MIN), PRIOR_MEAN_MAX)
    # Part of the spread of per-source rates is binomial noise of small sources, not a real
    # difference between sources; subtract its expectation before solving for the strength.
    within = _pooled_within_variance(triples)
    if within is None:
        # Beta-binomial: a page is a Bernoulli trial around its source's rate.
        within = mean * (1.0 - mean)
    noise = within * sum(1.0 / n for n, _ in pairs) / len(pairs)
    var_true = var_obs - noise
    if var_true <= 0:
        strength = PRIOR_STRENGTH_MAX
    else:
        strength = within / var_true
    strength = min(max(strength, PRIOR_STRENGTH_MIN), PRIOR_STRENGTH_MAX)
    # Rounded so that an ingest which barely moves the population does not rewrite every row.
    return Prior(round(mean, 4), float(f"{strength:.3g}"), len(pairs), "moments")


def _pooled_within_variance(triples: list[tuple[int, float, float]]) -> float | None:
    """Pooled variance of page scores inside sources, or None with too few multi-page sources."""
    multi = [(n, s, q) for n, s, q in triples if n >= 2 and math.isfinite(q)]
    if len(multi) < MIN_SOURCES_FOR_FIT:
        return None
    ss = sum(max(q - s * s / n, 0.0) for n, s, q in multi)
    return ss / sum(n - 1 for n, _, _ in multi)


def smooth(prior: Prior, pages: int, score_sum: float) -> dict[str, float]:
    """Posterior Beta for one source: alpha, beta, score (mean), score_lo, score_hi."""
    a = prior.alpha + score_sum
    b = prior.beta + max(pages - score_sum, 0.0)
    tail = (1.0 - INTERVAL) / 2.0
    return {
        "alpha": a,
        "beta": b,
        "score": a / (a + b),
        "score_lo": beta_quantile(tail, a, b),
        "score_hi": beta_quantile(1.0 - tail, a, b),
    }


# --------------------------------------------------------------------------- database


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a sources database; autocommit mode, transactions are explicit."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        _check_ours(conn, path)
        _check_version(conn, path)
    except sqlite3.DatabaseError as e:  # "file is not a database"
        conn.close()
        raise InputError(f"{path}: not a SQLite database ({e}); choose another --db") from e
    except BaseException:
        conn.close()
        raise
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(_SCHEMA)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    ingest_cols = {r[1] for r in conn.execute("PRAGMA table_info(ingests)")}
    if "skipped" not in ingest_cols:  # databases made before skipped records were counted
        conn.execute("ALTER TABLE ingests ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0")
    if conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() is None:
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    return conn


def _check_version(conn: sqlite3.Connection, path: str | Path) -> None:
    """InputError for a database of another schema version, before anything is written to it."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        return
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return
    try:
        version = int(row[0])
    except (TypeError, ValueError):
        raise InputError(f"{path}: sources database with an unreadable schema version "
                         f"{row[0]!r}") from None
    if version > SCHEMA_VERSION:
        raise InputError(f"{path}: made by a newer farmdetect (sources schema {version}; this "
                         f"one reads {SCHEMA_VERSION}): upgrade farmdetect, or choose another --db")
    if version != SCHEMA_VERSION:
        raise InputError(f"{path}: sources database schema {version}, expected {SCHEMA_VERSION}")


def _check_ours(conn: sqlite3.Connection, path: str | Path) -> None:
    """InputError unless the database is empty or a farmdetect sources database."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        if app_id:
            raise InputError(f"{path}: a SQLite database of another application; "
                             "choose another --db")
        return
    # Databases of earlier farmdetect versions carry no application id, only the meta row.
    if "meta" in tables and {"pages", "sources"} <= tables and conn.execute(
        "SELECT 1 FROM meta WHERE key = 'schema_version'"
    ).fetchone():
        return
    shown = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
    raise InputError(f"{path}: not a farmdetect sources database (it holds tables {shown}); "
                     "choose another --db")


def open_existing(path: str | Path) -> sqlite3.Connection:
    """Open a database that must already exist (for queries)."""
    if not Path(path).is_file():
        raise InputError(f"no sources database at {path} (ingest a scan first)")
    try:
        return connect(path)
    except sqlite3.DatabaseError as e:
        raise InputError(f"{path}: not a sources database ({e})") from e


@dataclass
class IngestStats:
    """What one ingest did."""

    records: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    skipped: int = 0
    no_host: int = 0
    sources_touched: int = 0

    def summary(self) -> str:
        """One line for stderr."""
        return (
            f"{self.records} records: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped, {self.errors} errors, "
            f"{self.no_host} without host; "
            f"{self.sources_touched} sources updated"
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _opt_str(obj: dict[str, Any], field: str, where: str) -> str | None:
    """An optional string field (null or missing -> None)."""
    value = obj.get(field)
    if value is None or isinstance(value, str):
        return value or None
    raise InputError(f"{where}: field '{field}' must be a string or null")


def _str_list(obj: dict[str, Any], field: str, where: str) -> list[str]:
    """An optional list-of-strings field."""
    value = obj.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: field '{field}' must be a list of strings")
    return value


def _number(value: Any) -> float | None:
    """A finite JSON number (bools are not numbers here), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def validate_record(obj: Any, where: str = "record") -> dict[str, Any] | None:
    """Check one scan record; the page row, None for an error or skipped record, or InputError."""
    if hasattr(obj, "to_record") and not isinstance(obj, dict):
        obj = obj.to_record()
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    if obj.get("error") is not None or obj.get("skipped"):
        return None  # error and skipped (non-HTML) scan lines carry no score: nothing to add
    for field in ("id", "score"):
        if field not in obj:
            raise InputError(f"{where}: missing required field '{field}'")
    record_id = _opt_str(obj, "id", where)
    url = _opt_str(obj, "url", where)
    if record_id is None and url is None:
        raise InputError(f"{where}: field 'id' is null and there is no 'url' to dedupe by")
    score = _number(obj["score"])
    if score is None or not 0.0 <= score <= 1.0:
        raise InputError(f"{where}: field 'score' must be a number in [0, 1] (no 'error' given)")
    label = obj.get("label")
    threshold = _number(obj.get("threshold")) if obj.get("threshold") is not None else None
    if obj.get("threshold") is not None and threshold is None:
        raise InputError(f"{where}: field 'threshold' must be a number")
    if label is None:
        if threshold is None:
            raise InputError(f"{where}: needs 'label' or 'threshold' to tell farm pages")
        label = "farm" if score >= threshold else "ok"
    elif label not in ("farm", "ok"):
        raise InputError(f"{where}: field 'label' must be 'farm', 'ok' or null, got {label!r}")
    fps = obj.get("fingerprints") or {}
    if not isinstance(fps, dict):
        raise InputError(f"{where}: field 'fingerprints' must be an object or null")
    fp = {k: _opt_str(fps, k, f"{where}: fingerprints") for k in ("recs", "footer", "template")}
    host = _opt_str(obj, "host", where)
    host = host.strip().lower().rstrip(".") or None if host else host_of(url)
    return {
        "key": record_id or url,
        "record_id": record_id,
        "url": url,
        "host": host,
        "domain": registrable_domain(host),
        "score": score,
        "label": label,
        "is_farm": int(label == "farm"),
        "threshold": threshold,
        "reasons": json.dumps(_str_list(obj, "reasons", where)),
        "markers": json.dumps(sorted(set(_str_list(obj, "markers", where)))),
        "fp_recs": fp["recs"],
        "fp_footer": fp["footer"],
        "fp_template": fp["template"],
    }


def read_scan(path: str | Path, stream: IO[bytes] | None = None) -> Iterator[tuple[str, Any]]:
    """Yield (location, parsed object) per non-blank line of a JSON-lines scan (.gz ok).

    ``stream`` reads an already open binary stream (stdin) named ``path``; it is not closed.
    """
    name = str(path)
    if stream is not None:
        yield from _read_lines(name, stream)
        return
    try:
        f: IO[bytes] = (
            gzip.open(path, "rb")  # type: ignore[assignment]
            if name.endswith(".gz")
            else open(path, "rb")  # noqa: SIM115
        )
    except OSError as e:
        raise InputError(f"{name}: cannot open ({e.strerror or e})") from e
    with f:
        yield from _read_lines(name, f)


def _read_lines(name: str, stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    """Parse JSON lines; a bad or truncated line raises InputError naming file and line."""
    lineno = 0
    try:
        for lineno, raw in enumerate(stream, 1):  # noqa: B007 - lineno is reported after the loop
            if not raw.strip():
                continue
            where = f"{name}:{lineno}"
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                what = "truncated line" if not raw.endswith(b"\n") else "invalid JSON"
                raise InputError(f"{where}: {what} ({e.__class__.__name__}: {e})") from None
            yield where, obj
    except (OSError, EOFError) as e:
        # gzip raises these for a file cut short mid-stream.
        raise InputError(f"{name}:{lineno + 1}: unreadable ({e})") from None


def update_from_records(
    db: sqlite3.Connection | str | Path,
    records: Iterable[Any],
    *,
    inputs: str | None = None,
    now: str | None = None,
) -> IngestStats:
    """Ingest scan records (dicts of the scan shape, or objects with ``to_record()``).

    One transaction: any invalid record raises ``InputError`` and leaves the database unchanged.
    Re-feeding identical records changes no counts, scores or evidence (only ``last_seen``).
    """
    located = ((f"record {i}", obj) for i, obj in enumerate(records, 1))
    return _ingest(db, located, inputs=inputs, now=now)


def ingest_files(
    db: sqlite3.Connection | str | Path, paths: Sequence[str | Path], *, now: str | None = None
) -> IngestStats:
    """Ingest JSON-lines scan files (``-`` is stdin), all in one transaction."""

    def located() -> Iterator[tuple[str, Any]]:
        for p in paths:
            if str(p) == "-":
                yield from read_scan("<stdin>", sys.stdin.buffer)
            else:
                yield from read_scan(p)

    return _ingest(db, located(), inputs=json.dumps([str(p) for p in paths]), now=now)


def _ingest(
    db: sqlite3.Connection | str | Path,
    located: Iterable[tuple[str, Any]],
    *,
    inputs: str | None,
    now: str | None,
) -> IngestStats:
    """Validate and upsert records, then refresh sources, all in one transaction."""
    own = not isinstance(db, sqlite3.Connection)
    # A failed first ingest must not leave an empty database behind ("unchanged" = absent).
    created = own and not Path(str(db)).exists()
    conn = db if isinstance(db, sqlite3.Connection) else connect(db)
    if conn.in_transaction:
        raise RuntimeError("update_from_records needs a connection outside a transaction")
    now = now or _now()
    stats = IngestStats()
    touched: dict[str, set[str]] = {level: set() for level in LEVELS}
    try:
        conn.execute("BEGIN IMMEDIATE")
        for where, obj in located:
            stats.records += 1
            row = validate_record(obj, where)
            if row is None:
                if isinstance(obj, dict) and obj.get("error") is None and obj.get("skipped"):
                    stats.skipped += 1  # a non-HTML record: not a failure of anything
                else:
                    stats.errors += 1
                continue
            if row["host"] is None:
                stats.no_host += 1
            _upsert_page(conn, row, now, stats, touched)
        stats.sources_touched = _refresh_sources(conn, touched, now)
        conn.execute(
            "INSERT INTO ingests (time, inputs, records, new, updated, unchanged, errors,"
            " no_host, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now, inputs, stats.records, stats.new, stats.updated, stats.unchanged,
             stats.errors, stats.no_host, stats.skipped),
        )  # fmt: skip
        conn.commit()
    except BaseException:
        conn.rollback()
        if created:
            conn.close()
            Path(str(db)).unlink(missing_ok=True)
        raise
    finally:
        if own:
            conn.close()
    log.info("ingest: %s", stats.summary())
    return stats


def _upsert_page(
    conn: sqlite3.Connection,
    row: dict[str, Any],
    now: str,
    stats: IngestStats,
    touched: dict[str, set[str]],
) -> None:
    """Insert a page, or update it when its id (or URL: a re-crawl) is already stored."""
    cols = ", ".join(_PAGE_COLS)
    old = conn.execute(f"SELECT key, {cols} FROM pages WHERE key = ?", (row["key"],)).fetchone()
    if old is None and row["url"] is not None:
        old = conn.execute(f"SELECT key, {cols} FROM pages WHERE url = ?", (row["url"],)).fetchone()
    values = [row[c] for c in _PAGE_COLS]
    if old is None:
        conn.execute(
            f"INSERT INTO pages (key, {cols}, first_seen, last_seen)"
            f" VALUES ({', '.join('?' * (len(_PAGE_COLS) + 3))})",
            [row["key"], *values, now, now],
        )
        stats.new += 1
    elif old["key"] == row["key"] and all(old[c] == row[c] for c in _PAGE_COLS):
        conn.execute("UPDATE pages SET last_seen = ? WHERE key = ?", (now, row["key"]))
        stats.unchanged += 1
        return
    else:
        sets = ", ".join(f"{c} = ?" for c in ("key", *_PAGE_COLS, "last_seen"))
        conn.execute(
            f"UPDATE pages SET {sets} WHERE key = ?", [row["key"], *values, now, old["key"]]
        )
        stats.updated += 1
        for level in LEVELS:
            if old[level] is not None:
                touched[level].add(old[level])
    for level in LEVELS:
        if row[level] is not None:
            touched[level].add(row[level])


def _refresh_sources(conn: sqlite3.Connection, touched: dict[str, set[str]], now: str) -> int:
    """Re-aggregate touched sources, re-fit the priors, re-smooth and refresh evidence."""
    n = 0
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _touched (name TEXT PRIMARY KEY)")
    for level in LEVELS:
        col = level  # pages has a column named after each level
        conn.execute("DELETE FROM _touched")
        conn.executemany("INSERT INTO _touched VALUES (?)", ((x,) for x in touched[level]))
        n += len(touched[level])
        # Sources whose pages all moved elsewhere disappear.
        conn.execute(
            f"DELETE FROM sources WHERE level = ? AND name IN (SELECT name FROM _touched) AND"
            f" name NOT IN (SELECT {col} FROM pages WHERE {col} IN (SELECT name FROM _touched))",
            (level,),
        )
        conn.execute(
            f"""INSERT OR REPLACE INTO sources (level, name, pages, farm_pages, score_sum,
                    score_sq_sum, mean_score, farm_share, first_seen, last_seen)
                SELECT ?, {col}, count(*), sum(is_farm), sum(score), sum(score * score),
                       avg(score), avg(is_farm),
                       min(first_seen), max(last_seen)
                FROM pages WHERE {col} IN (SELECT name FROM _touched) GROUP BY {col}""",
            (level,),
        )
        _refresh_markers(conn, level)
        _refresh_smoothed(conn, level)
        _refresh_sisters(conn, level)
    # Re-seen but unchanged pages still move their sources' last_seen.
    for level in LEVELS:
        conn.execute(
            f"UPDATE sources SET last_seen = ? WHERE level = ? AND last_seen < ? AND name IN"
            f" (SELECT {level} FROM pages WHERE last_seen = ?)",
            (now, level, now, now),
        )
    return n


def _top_fingerprint(conn: sqlite3.Connection, level: str, fp_col: str) -> dict[str, tuple]:
    """Most common fingerprint per touched source: name -> (fingerprint, pages)."""
    best: dict[str, tuple[str, int]] = {}
    for name, fp, count in conn.execute(
        f"SELECT {level}, {fp_col}, count(*) FROM pages WHERE {level} IN"
        f" (SELECT name FROM _touched) AND {fp_col} IS NOT NULL GROUP BY {level}, {fp_col}"
    ):
        if count >= REPEAT_MIN_PAGES and (name not in best or (count, fp) > best[name][::-1]):
            best[name] = (fp, count)
    return best


def _refresh_markers(conn: sqlite3.Connection, level: str) -> None:
    """Top markers and page-repetition evidence for the touched sources of one level."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for name, marker, count in conn.execute(
        f"SELECT p.{level}, j.value, count(*) FROM pages p, json_each(p.markers) j"
        f" WHERE p.{level} IN (SELECT name FROM _touched) GROUP BY p.{level}, j.value"
    ):
        counts[name][marker] = count
    recs = _top_fingerprint(conn, level, "fp_recs")
    footer = _top_fingerprint(conn, level, "fp_footer")
    rows = conn.execute(
        "SELECT name, pages, evidence FROM sources WHERE level = ? AND name IN"
        " (SELECT name FROM _touched)",
        (level,),
    ).fetchall()
    updates = []
    for name, pages, old_evidence in rows:
        c = counts.get(name, Counter())
        top = [
            [m, k, round(k / pages, 4)]
            for m, k in sorted(c.items(), key=lambda mk: (-mk[1], mk[0]))[:TOP_MARKERS]
        ]
        evidence = json.loads(old_evidence or "{}")
        evidence["recs_repeat"] = _repeat(recs.get(name), pages)
        evidence["footer_repeat"] = _repeat(footer.get(name), pages)
        echo = c.get(TITLE_ECHO_MARKER, 0)
        evidence["title_echo"] = {"pages": echo, "share": round(echo / pages, 4)}
        evidence.setdefault("sister_sites", None)
        updates.append((json.dumps(top), json.dumps(evidence, sort_keys=True), level, name))
    conn.executemany(
        "UPDATE sources SET top_markers = ?, evidence = ? WHERE level = ? AND name = ?", updates
    )


def _repeat(best: tuple[str, int] | None, pages: int) -> dict[str, Any] | None:
    """Evidence dict for a repeated fingerprint, or None."""
    if best is None:
        return None
    fp, count = best
    return {"fingerprint": fp, "pages": count, "share": round(count / pages, 4)}


def get_prior(conn: sqlite3.Connection, level: str) -> Prior:
    """The prior stored by the last ingest (the fixed one for an empty database)."""
    vals = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE ?", (f"prior.{level}.%",)))
    if not vals:
        return Prior(FALLBACK_PRIOR_MEAN, FALLBACK_PRIOR_STRENGTH, 0, "fixed")
    p = f"prior.{level}."
    return Prior(
        float(vals[p + "mean"]), float(vals[p + "strength"]),
        int(vals[p + "sources"]), str(vals[p + "method"]),
    )  # fmt: skip


def _refresh_smoothed(conn: sqlite3.Connection, level: str) -> None:
    """Re-fit the level's prior over all its sources and rewrite posteriors that changed."""
    rows = conn.execute(
        "SELECT name, pages, score_sum, score_sq_sum, alpha, beta FROM sources WHERE level = ?",
        (level,),
    ).fetchall()
    n, sums, sq = ([r[c] for r in rows] for c in ("pages", "score_sum", "score_sq_sum"))
    prior = fit_prior(n, sums, sq)
    conn.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [(f"prior.{level}.{k}", v) for k, v in asdict(prior).items()],
    )
    updates = []
    for r in rows:
        a = prior.alpha + r["score_sum"]
        b = prior.beta + max(r["pages"] - r["score_sum"], 0.0)
        if r["alpha"] is not None and abs(r["alpha"] - a) < 1e-12 and abs(r["beta"] - b) < 1e-12:
            continue
        s = smooth(prior, r["pages"], r["score_sum"])
        updates.append(
            (s["alpha"], s["beta"], s["score"], s["score_lo"], s["score_hi"], level, r["name"])
        )
    conn.executemany(
        "UPDATE sources SET alpha = ?, beta = ?, score = ?, score_lo = ?, score_hi = ?"
        " WHERE level = ? AND name = ?",
        updates,
    )


def _refresh_sisters(conn: sqlite3.Connection, level: str) -> None:
    """For every source, the farm-like sources sharing one of its page templates."""
    sisters: dict[str, set[str]] = defaultdict(set)
    templates: dict[str, set[str]] = defaultdict(set)
    for name, sister, template in conn.execute(
        f"""WITH farm AS (SELECT name FROM sources WHERE level = ? AND mean_score >= ?),
                 ft AS (SELECT DISTINCT p.fp_template AS t, p.{level} AS s FROM pages p
                        JOIN farm ON farm.name = p.{level} WHERE p.fp_template IS NOT NULL)
            SELECT DISTINCT p.{level}, ft.s, ft.t FROM pages p JOIN ft ON p.fp_template = ft.t
            WHERE p.{level} IS NOT NULL AND p.{level} != ft.s""",
        (level, SISTER_MIN_MEAN_SCORE),
    ):
        sisters[name].add(sister)
        templates[name].add(template)
    mean = dict(
        conn.execute("SELECT name, mean_score FROM sources WHERE level = ?", (level,)).fetchall()
    )
    updates = []
    for name, evidence_json in conn.execute(
        "SELECT name, evidence FROM sources WHERE level = ?", (level,)
    ).fetchall():
        evidence = json.loads(evidence_json or "{}")
        value = None
        if name in sisters:
            ranked = sorted(sisters[name], key=lambda s: (-mean.get(s, 0.0), s))
            value = {
                "count": len(ranked),
                "templates": len(templates[name]),
                "sources": [[s, round(mean.get(s, 0.0), 4)] for s in ranked[:SISTER_LIST_MAX]],
            }
        if evidence.get("sister_sites") != value or "sister_sites" not in evidence:
            evidence["sister_sites"] = value
            updates.append((json.dumps(evidence, sort_keys=True), level, name))
    conn.executemany("UPDATE sources SET evidence = ? WHERE level = ? AND name = ?", updates)


# --------------------------------------------------------------------------- queries


def _source_dict(row: sqlite3.Row) -> dict[str, Any]:
    """A sources row as a plain dict with JSON columns decoded."""
    d = dict(row)
    d["top_markers"] = json.loads(d["top_markers"])
    d["evidence"] = json.loads(d["evidence"])
    return d


def reviewed(conn: sqlite3.Connection, level: str, names: list[str]) -> dict[str, dict[str, int]]:
    """Per source name, the people's labels of its pages (``farmdetect review``'s labels
    table): {"farm": n, "ok": m} by distinct page (a page counts farm when any reviewer said
    farm and none said ok, ok the other way round; split pages count in neither). Empty
    without a labels table."""
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'labels'"
                       ).fetchone()
    if not has or not names:
        return {}
    from farmdetect.review import agreed_labels

    wanted = set(names)
    out: dict[str, dict[str, int]] = {}
    for page in agreed_labels(conn).values():
        host = page["host"]
        name = (host if level == "host" else registrable_domain(host)) if host else None
        if name in wanted:
            counts = out.setdefault(name, {"farm": 0, "ok": 0})
            counts["farm" if page["label"] else "ok"] += 1
    return out


def top(
    conn: sqlite3.Connection,
    *,
    level: str = "host",
    n: int = 50,
    min_pages: int = 1,
    order: str = "score",
) -> list[dict[str, Any]]:
    """The n most farm-like sources, by posterior mean ('score') or lower bound ('score_lo')."""
    if level not in LEVELS or order not in ("score", "score_lo"):
        raise ValueError("bad level or order")
    rows = conn.execute(
        f"SELECT * FROM sources WHERE level = ? AND pages >= ?"
        f" ORDER BY {order} DESC, pages DESC, name LIMIT ?",
        (level, min_pages, n),
    ).fetchall()
    out = [_source_dict(r) for r in rows]
    labels = reviewed(conn, level, [d["name"] for d in out])
    for d in out:
        if d["name"] in labels:
            d["reviewed"] = labels[d["name"]]
    return out


def explain(conn: sqlite3.Connection, name: str, level: str = "host") -> dict[str, Any] | None:
    """One source with its prior and worst pages, or None when it is unknown."""
    name = name.strip().lower().rstrip(".")
    row = conn.execute(
        "SELECT * FROM sources WHERE level = ? AND name = ?", (level, name)
    ).fetchone()
    if row is None:
        return None
    d = _source_dict(row)
    d["prior"] = asdict(get_prior(conn, level))
    d["worst_pages"] = [
        {
            "id": r["record_id"],
            "url": r["url"],
            "score": r["score"],
            "label": r["label"],
            "reasons": json.loads(r["reasons"]),
        }  # fmt: skip
        for r in conn.execute(
            f"SELECT * FROM pages WHERE {level} = ? ORDER BY score DESC, key LIMIT ?",
            (name, WORST_PAGES),
        )
    ]
    if level == "host":
        d["domain"] = registrable_domain(name)
    labels = reviewed(conn, level, [name])
    if name in labels:
        d["reviewed"] = labels[name]
    return d


def source_score(conn: sqlite3.Connection, host: str | None) -> float:
    """Score to use as a static prior for a host: its own, else its domain's, else the prior mean.

    A host never seen gets the population prior mean, so unseen sources are neither trusted
    nor penalised more than an average source.
    """
    if host:
        host = host.strip().lower().rstrip(".")
        for level, name in (("host", host), ("domain", registrable_domain(host))):
            row = conn.execute(
                "SELECT score FROM sources WHERE level = ? AND name = ?", (level, name)
            ).fetchone()
            if row is not None and row[0] is not None:
                return float(row[0])
    return get_prior(conn, "host").mean


def evidence_lines(source: dict[str, Any]) -> list[str]:
    """Human-readable site-level evidence for one source dict."""
    ev, pages, out = source["evidence"], source["pages"], []
    rev = source.get("reviewed")
    if rev:
        out.append(f"reviewed by people (farmdetect review): {rev['farm']} page(s) farm, "
                   f"{rev['ok']} ok")
    repeats = (("recs_repeat", "recommendation block"), ("footer_repeat", "clickbait footer"))
    for key, what in repeats:
        r = ev.get(key)
        if r:
            out.append(f"same {what} on {r['pages']}/{pages} pages ({r['share']:.0%})")
    echo = ev.get("title_echo") or {}
    if echo.get("pages"):
        out.append(f"title-echo hashtags on {echo['pages']}/{pages} pages ({echo['share']:.0%})")
    sis = ev.get("sister_sites")
    if sis:
        names = ", ".join(s for s, _ in sis["sources"])
        hidden = sis["count"] - len(sis["sources"])
        more = f" (+{hidden} more)" if hidden > 0 else ""
        out.append(f"shares a page template with {sis['count']} farm-like sources: {names}{more}")
    return out
