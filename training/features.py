"""Feature extraction over many pages, in parallel, with an on-disk cache.

The cache lives under ``training/out/features/<feature_hash>-<code_hash>/cache.jsonl`` (one JSON
line per page id: values in FEATURE_NAMES order plus the marker names that fired). The key holds
the feature hash (names and order) *and* a hash of the extraction code and resources, so a
changed family never serves stale numbers. Only the parent process writes the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

import farmdetect.features as F
from farmdetect.page import Page
from training.dataset import REPO_ROOT, Record

log = logging.getLogger(__name__)

CACHE_ROOT = REPO_ROOT / "training" / "out" / "features"
# Chunks big enough that process start-up and IPC are small next to parsing, small enough that
# both workers stay busy to the end.
CHUNK = 64
N_JOBS = 2
# Files whose content decides what extract() returns.
_CODE_GLOBS = (
    "features/*.py",
    # every resource, whatever its extension (the word-specificity table is .tsv: with only
    # *.txt and *.json here, a new table once reused features computed with the old one)
    "resources/*",
    "page.py",
    "urls.py",
    "clickbait_model.py",
)


def hashed_files() -> list[Path]:
    """The files whose content is part of the cache key (code and every resource)."""
    root = Path(F.__file__).resolve().parents[1]
    return [path for pattern in _CODE_GLOBS
            for path in sorted(p for p in root.glob(pattern) if p.is_file() and p.suffix != ".pyc")]


def code_hash() -> str:
    """Hash of the extraction code and resources (part of the cache key)."""
    root = Path(F.__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in hashed_files():
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def cache_key() -> str:
    return f"{F.feature_hash(F.FEATURE_NAMES)}-{code_hash()}"


def _extract_chunk(
    items: list[tuple[str, str, str | None]], expected: str | None = None
) -> list[tuple[str, list[float], list[str], str]]:
    """Worker: (id, html, url) -> (id, values, marker names, error)."""
    import farmdetect.features as FF

    if expected is not None and FF.feature_hash(FF.FEATURE_NAMES) != expected:
        # The families changed under a running job (workers import afresh): refuse to mix.
        raise RuntimeError("farmdetect.features changed during the run; start it again")
    out = []
    for pid, html, url in items:
        try:
            values, markers = FF.extract(Page.from_str(html, url=url))
            vec = [float(values[n]) for n in FF.FEATURE_NAMES]
            out.append((pid, vec, sorted({m.name for m in markers}), ""))
        except Exception as exc:  # noqa: BLE001 - one broken page must not stop a training run
            out.append((pid, [0.0] * len(FF.FEATURE_NAMES), [], f"{type(exc).__name__}: {exc}"))
    return out


def featurize(
    records: Sequence[Record], cache: bool = True, n_jobs: int = N_JOBS
) -> tuple[np.ndarray, list[list[str]]]:
    """Feature matrix (rows in record order, columns in FEATURE_NAMES order) and marker names."""
    key = cache_key()
    path = CACHE_ROOT / key / "cache.jsonl"
    known: dict[str, tuple[list[float], list[str]]] = {}
    if cache and path.exists():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                known[d["id"]] = (d["v"], d["m"])
    todo = []
    queued: set[str] = set()
    for r in records:
        if r.id not in known and r.id not in queued:
            todo.append((r.id, r.html, r.url))
            queued.add(r.id)
    if todo:
        t0 = time.perf_counter()
        log.info("extracting features of %d pages (%d cached, key %s)", len(todo), len(known), key)
        chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
        fhash = F.feature_hash(F.FEATURE_NAMES)
        results = Parallel(n_jobs=n_jobs)(delayed(_extract_chunk)(c, fhash) for c in chunks)
        errors = 0
        if cache and cache_key() != key:
            log.warning("extraction code changed during the run: results not cached")
            cache = False
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") if cache else _Null() as fh:
            for chunk in results:
                for pid, vec, marks, err in chunk:
                    if err:
                        errors += 1
                        log.warning("feature extraction failed on %s: %s", pid, err)
                        continue  # not cached: retried next run
                    known[pid] = (vec, marks)
                    fh.write(json.dumps({"id": pid, "v": vec, "m": marks}) + "\n")
                for pid, vec, marks, err in chunk:
                    if err:
                        known.setdefault(pid, (vec, marks))
        log.info(
            "extracted %d pages in %.1fs (%d errors)", len(todo), time.perf_counter() - t0, errors
        )
    X = np.array([known[r.id][0] for r in records], dtype=np.float64).reshape(len(records), -1)
    return X, [known[r.id][1] for r in records]


class _Null:
    """A do-nothing file for cache=False."""

    def __enter__(self) -> _Null:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, _: str) -> int:
        return 0
