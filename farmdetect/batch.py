"""Many records -> output lines, in parallel, in input order, never aborting on one bad record.

Accounting: every record read produces exactly one output line, so
``read == scored + skipped + errors`` always holds and every record id appears in the output.

- scored: the page was parsed and scored (``score``/``label`` set);
- skipped: not a page to score (``"skipped": "<reason>"``): a WARC record whose Content-Type is
  not HTML, or an empty body (redirects, 304s);
- errors (``"error": "<reason>"``): unreadable data (corrupt gzip member, invalid HTTP headers,
  bad JSON line), a body over the size cap, binary or non-HTML bytes behind an HTML
  Content-Type, a page over the time cap (``"error": "timeout"``), or an exception in scoring.

Parallelism: records are cut into chunks; a pool of worker processes (each loads the model
once, in its initializer) scores chunks; at most ``workers * IN_FLIGHT_PER_WORKER`` chunks are in
flight, and results are yielded chunk by chunk in submission order, so memory stays constant
whatever the input size and the output order equals the input order for any worker count.

Time cap: each page runs under ``signal.setitimer`` in its worker; the alarm raises
:class:`PageTimeout` (a BaseException, so feature code catching ``Exception`` cannot swallow it)
and the worker goes on with the next page. Python-level code and ``re`` are interruptible; the
only C calls that are not (the lexbor parse) are bounded by the size cap and Page's depth guard.
A worker that dies or hangs anyway is caught by a watchdog: the pool is replaced and the
chunk's pages are retried one by one, so only the culprit gets an error line.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from farmdetect.errors import FarmdetectError, InputError
from farmdetect.urls import host_of
from farmdetect.warc import Record

# Pages per task sent to a worker: large enough that pickling and queueing are noise next to
# ~5-20 ms of scoring per page, small enough that the in-flight window stays a few MB.
CHUNK_SIZE = 16
# Chunks in flight per worker: two keeps every worker busy while the parent reads and writes.
IN_FLIGHT_PER_WORKER = 3
# Default per-page time cap: a normal page scores in tens of milliseconds; 10 s means something
# pathological (a regex blow-up, a giant table) and the page is given up.
PAGE_TIMEOUT_S = 10.0
# Watchdog slack on top of chunk_size * page_timeout before a chunk is declared lost.
WATCHDOG_SLACK_S = 30.0
# Time for a fresh pool's first worker to start and load the model (about 1 s here); past it the
# workers are taken to be failing at start-up, which a pool would otherwise retry forever.
WORKER_START_TIMEOUT_S = 120.0

Task = tuple[str, str | None, "bytes | str | None", str | None]


class PageTimeout(BaseException):
    """A page took longer than the time cap (BaseException so ``except Exception`` misses it)."""


@dataclass
class Summary:
    """Counts of a scan: ``read == scored + skipped + errors`` once it has finished."""

    read: int = 0
    scored: int = 0
    skipped: int = 0
    errors: int = 0
    farm: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None

    @property
    def seconds(self) -> float:
        return (self.ended or time.perf_counter()) - self.started

    @property
    def pages_per_s(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def add(self, line: dict[str, Any], size: int) -> None:
        self.read += 1
        self.bytes += size
        if line.get("error"):
            self.errors += 1
        elif line.get("skipped"):
            self.skipped += 1
        else:
            self.scored += 1
            self.farm += line.get("label") == "farm"

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "scored": self.scored, "skipped": self.skipped,
                "errors": self.errors, "farm": self.farm, "seconds": round(self.seconds, 3),
                "pages_per_s": round(self.pages_per_s, 1),
                "mb_per_s": round(self.bytes / 1e6 / self.seconds, 2) if self.seconds else 0.0}

    def line(self) -> str:
        """The closing one-line summary for stderr."""
        d = self.to_dict()
        return (f"{d['read']} records read: {d['scored']} scored ({d['farm']} farm), "
                f"{d['skipped']} skipped, {d['errors']} errors in {d['seconds']:.1f} s "
                f"({d['pages_per_s']:.0f} records/s, {d['mb_per_s']:.1f} MB/s)")


def blank_line(rid: str, url: str | None, *, error: str | None = None,
               skipped: str | None = None, threshold: float | None = None) -> dict[str, Any]:
    """An output line for a record that was not scored (same keys as a scored one)."""
    return {"id": rid, "url": url, "host": host_of(url), "score": None, "label": None,
            "threshold": threshold, "reasons": [], "markers": [], "fingerprints": {},
            "error": error, "skipped": skipped}


# ------------------------------------------------------------------------------ in the worker
_SCORER: Any = None
_TIMEOUT: float | None = None


def _init_worker(model_dir: str | None, threshold: float | None, use_model: bool,
                 timeout: float | None) -> None:
    """Pool initializer: one process-wide Scorer (the model is loaded once per worker)."""
    global _SCORER, _TIMEOUT
    from farmdetect.lean_lightgbm import set_lean

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    set_lean()  # a worker is farmdetect's own process (spawn: nothing preloaded)
    _SCORER = _make_scorer(model_dir, threshold, use_model)
    _TIMEOUT = timeout


def _make_scorer(model_dir: str | None, threshold: float | None, use_model: bool) -> Any:
    from farmdetect.model import default_model
    from farmdetect.scorer import Scorer

    return Scorer(default_model(model_dir) if use_model else None, threshold)


def _score_chunk(tasks: list[Task]) -> list[dict[str, Any]]:
    """Worker entry point: score a chunk of pages."""
    return [score_task(_SCORER, t, _TIMEOUT) for t in tasks]


def _raise_timeout(signum: int, frame: Any) -> None:
    raise PageTimeout()


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise PageTimeout in the block after ``seconds`` (main thread with SIGALRM only)."""
    if (not seconds or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    old = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def score_task(scorer: Any, task: Task, timeout: float | None) -> dict[str, Any]:
    """Score one (id, url, body, content_type); any failure becomes an error line."""
    from farmdetect.scorer import page_from_input

    rid, url, body, ctype = task
    threshold = scorer.threshold
    try:
        with deadline(timeout):
            if body is None or not body.strip():
                return blank_line(rid, url, skipped="empty body", threshold=threshold)
            page = page_from_input(body, url, content_type=ctype, name=rid)
            line = scorer.score_page(page).to_record(rid)
            line["url"] = line["url"] or url
            line["skipped"] = None
            return line
    except PageTimeout:
        return blank_line(rid, url, error="timeout", threshold=threshold)
    except InputError as e:
        msg = str(e)
        return blank_line(rid, url, error=msg.removeprefix(f"{rid}: "), threshold=threshold)
    except Exception as e:  # a bug in one feature must not stop a crawl-sized scan
        return blank_line(rid, url, error=f"{type(e).__name__}: {e}", threshold=threshold)


# ------------------------------------------------------------------------------ in the parent
def _task(r: Record) -> Task:
    return (r.id, r.url, r.body, r.content_type)


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for r in records:
        chunk.append(r)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pre_line(r: Record, threshold: float | None) -> dict[str, Any] | None:
    """The line of a record already known to be skipped or broken (no worker needed)."""
    if r.error is not None:
        return blank_line(r.id, r.url, error=r.error, threshold=threshold)
    if r.skipped is not None:
        return blank_line(r.id, r.url, skipped=r.skipped, threshold=threshold)
    return None


def score_records(records: Iterable[Record], workers: int | None = None,
                  threshold: float | None = None, model_dir: str | None = None, *,
                  use_model: bool = True, page_timeout: float | None = PAGE_TIMEOUT_S,
                  chunk_size: int = CHUNK_SIZE, summary: Summary | None = None
                  ) -> Iterator[dict[str, Any]]:
    """Score records; yield one output dict per record, in input order (see module doc)."""
    for _, line in score_records_with_input(records, workers, threshold, model_dir,
                                            use_model=use_model, page_timeout=page_timeout,
                                            chunk_size=chunk_size, summary=summary):
        yield line


def score_records_with_input(records: Iterable[Record], workers: int | None = None,
                             threshold: float | None = None, model_dir: str | None = None, *,
                             use_model: bool = True, page_timeout: float | None = PAGE_TIMEOUT_S,
                             chunk_size: int = CHUNK_SIZE, summary: Summary | None = None
                             ) -> Iterator[tuple[Record, dict[str, Any]]]:
    """Like :func:`score_records`, yielding (record, line) pairs for filtered outputs."""
    summary = summary if summary is not None else Summary()
    workers = workers or os.cpu_count() or 1
    # Load (and check) the model in the parent first: a model error is one exit-4 line,
    # not a crash in every worker.
    scorer = _make_scorer(model_dir, threshold, use_model)
    thr = scorer.threshold
    if workers <= 1:
        results: Iterator[tuple[Record, dict[str, Any]]] = (
            (r, _pre_line(r, thr) or score_task(scorer, _task(r), page_timeout)) for r in records
        )
    else:
        results = _parallel(records, workers, (model_dir, threshold, use_model, page_timeout),
                            thr, page_timeout, chunk_size)
    try:
        for r, line in results:
            summary.add(line, r.size)
            yield r, line
    finally:
        summary.ended = time.perf_counter()


# Imported once by the fork server, so that each worker forks with them loaded (1.5 s saved
# per worker) without inheriting any OpenMP or lexbor state from the parent.
FORKSERVER_PRELOAD = ["farmdetect.worker_preload"]


@contextmanager
def _safe_path() -> Iterator[None]:
    """Start worker processes with PYTHONSAFEPATH set: a child started by ``python -c`` (the
    fork server, spawn) would otherwise put the current folder first on sys.path and import a
    ``farmdetect`` folder lying there instead of the installed package."""
    old = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = old


def _start_pool(ctx: Any, workers: int, initargs: tuple[Any, ...]) -> Any:
    """A pool whose workers have started: one that cannot start (an import error, a model that
    fails to load) is an error here, where a bare Pool would restart its workers forever."""
    with _safe_path():
        pool = ctx.Pool(workers, initializer=_init_worker, initargs=initargs)
        try:
            pool.apply_async(os.getpid).get(WORKER_START_TIMEOUT_S)
        except mp.TimeoutError:
            pool.terminate()
            raise FarmdetectError(
                f"worker processes did not start within {WORKER_START_TIMEOUT_S:g} s "
                "(try --workers 1; -v shows details)"
            ) from None
    return pool


def _context() -> Any:
    # Not fork: LightGBM's OpenMP runtime is not fork-safe once the parent has used it (the
    # parent loads the model to check it), and a forked child would inherit the parent's
    # buffers. forkserver starts workers from a clean, preloaded process; spawn elsewhere.
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
        return ctx
    return mp.get_context("spawn")


def _parallel(records: Iterable[Record], workers: int, initargs: tuple[Any, ...],
              threshold: float | None, page_timeout: float | None, chunk_size: int
              ) -> Iterator[tuple[Record, dict[str, Any]]]:
    """Chunks through a process pool, a bounded window in flight, results in submission order."""
    ctx = _context()
    max_in_flight = workers * IN_FLIGHT_PER_WORKER
    hard_limit = (page_timeout or PAGE_TIMEOUT_S) * chunk_size + WATCHDOG_SLACK_S

    def new_pool() -> Any:
        return _start_pool(ctx, workers, initargs)

    pool = new_pool()
    window: deque[tuple[list[Record], list[int], Any]] = deque()
    try:
        source = _chunks(records, chunk_size)
        exhausted = False
        while True:
            while not exhausted and len(window) < max_in_flight:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                    break
                todo = [i for i, r in enumerate(chunk) if _pre_line(r, threshold) is None]
                job = pool.apply_async(_score_chunk, ([_task(chunk[i]) for i in todo],)) \
                    if todo else None
                window.append((chunk, todo, job))
            if not window:
                return
            chunk, todo, job = window.popleft()
            try:
                scored = job.get(hard_limit) if job is not None else []
            except mp.TimeoutError:
                # A worker died or hung in C code: replace the pool, resubmit what was in flight,
                # and retry this chunk page by page so only the culprit is lost.
                pool.terminate()
                pool = new_pool()
                scored = _retry_one_by_one(new_pool, [chunk[i] for i in todo], hard_limit)
                window = deque(
                    (c, t, pool.apply_async(_score_chunk, ([_task(c[i]) for i in t],))
                     if t else None)
                    for c, t, _ in window
                )
            by_index = dict(zip(todo, scored, strict=True))
            for i, r in enumerate(chunk):
                line = by_index.get(i) or _pre_line(r, threshold)
                assert line is not None
                yield r, line
    finally:
        pool.terminate()
        pool.join()


def _retry_one_by_one(new_pool: Any, records: list[Record], limit: float
                      ) -> list[dict[str, Any]]:
    """Score pages singly in a fresh pool; a page that kills or hangs it gets an error line."""
    lines: list[dict[str, Any]] = []
    pool = new_pool()
    try:
        for r in records:
            try:
                lines.append(pool.apply_async(_score_chunk, ([_task(r)],)).get(limit)[0])
            except mp.TimeoutError:
                pool.terminate()
                pool = new_pool()
                lines.append(blank_line(r.id, r.url, error="timeout (worker lost)"))
    finally:
        pool.terminate()
    return lines


# --------------------------------------------------------------------------------- Python API
def score_pages(pages: Iterable[Any], *, model: Any = None, model_dir: str | None = None,
                threshold: float | None = None, use_model: bool = True) -> Iterator[Any]:
    """Score many pages in this process; yield one Verdict per page, in order.

    Items may be :class:`~farmdetect.page.Page` objects, ``(html, url)`` tuples, or HTML as
    ``str``/``bytes``. The model is loaded once. For crawl-sized inputs with worker processes,
    error lines and WARC/JSONL inputs, use :func:`score_records` or ``farmdetect scan``.
    """
    from farmdetect.model import default_model
    from farmdetect.page import Page
    from farmdetect.scorer import Scorer, page_from_input

    if model is None and use_model:
        model = default_model(model_dir)
    scorer = Scorer(model if use_model else None, threshold)
    for item in pages:
        if isinstance(item, Page):
            page = item
        elif isinstance(item, tuple) and len(item) == 2:
            page = page_from_input(item[0], item[1])
        elif isinstance(item, (str, bytes, bytearray)):
            page = page_from_input(item)
        else:
            raise InputError(f"score_pages: cannot score a {type(item).__name__} "
                             "(give a Page, (html, url), str or bytes)")
        yield scorer.score_page(page)
