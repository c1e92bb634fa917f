"""Coverage-guided fuzzing (atheris, libFuzzer) of the way into a Page, every feature family and
the scorer: the path ``farmdetect audit`` and each scan worker take with one record's bytes.

The contract checked on every input (:func:`check`): ``scorer.page_from_input`` gives a Page or
raises InputError (the one-line error of the CLI); the shipped model then scores that Page with
every feature finite, a score in [0, 1], a label, and a scan record that is strict JSON. Any
other exception, a hang (libFuzzer's ``-timeout``) or a crash of a C extension is a finding.

    pip install -e '.[fuzz]'
    python fuzz/fuzz_page.py --seconds 1800    # a long run; the corpus grows in ./fuzz-corpus
    python fuzz/fuzz_page.py --seconds 90      # what CI runs
    python fuzz/fuzz_page.py crash-1a2b...                         # replay one input, traceback

The seed corpus is made at run time, never committed (the real pages may not be copied into the
repo): ``--seeds`` real pages of the data folder ($FARMDETECT_DATA, else ../shared/data; pages
of excluded domains left out) small enough for ``-max_len``, the fixture pages of tests/data and
the regression inputs of tests/data/fuzz. Each input picks its content type, URL and whether it
arrives as bytes (WARC, files, URL) or as text (JSON lines, which may hold lone surrogates) from
its last bytes, so a saved input replays exactly. Extra arguments go to libFuzzer
(``-max_len=4096``, ``-seed=N``); fuzz/html.dict is its dictionary. Exit status: 0 when nothing
was found, else libFuzzer's (77 for an exception, 70 for a hang), the input saved as
``crash-*``/``timeout-*`` under ``--artifacts``.

A finding is fixed, then its input goes to tests/data/fuzz/ named after its quirk;
tests/test_fuzz.py replays every file there.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = ROOT / "tests" / "data" / "fuzz"
FIXTURES = (ROOT / "tests" / "data" / "pages", ROOT / "data")
# Tokens the mutator splices in: tags, charset declarations, BOMs, mojibake, farm phrases.
DICTIONARY = Path(__file__).resolve().parent / "html.dict"
# Inputs longer than this are cut by libFuzzer: real article pages run 20-200 kB, and a longer
# input only makes each run slower (the hostile sizes are tests/hostile.py's business).
MAX_LEN = 65_536
# A run of one input that takes longer than this is reported as a hang. Scoring a 64 kB page
# takes well under a second here; the scan's own per-page limit is 60 s (batch.PAGE_TIMEOUT_S).
TIMEOUT_S = 20
CONTENT_TYPES = (None, "text/html", "text/html; charset=utf-8", "text/html; charset=utf-16",
                 "text/html; charset=iso-2022-jp", "text/html; charset=bogus",
                 "text/html; charset=windows-1252", "application/xhtml+xml",
                 "application/octet-stream", "text/html; charset=")
URLS = (None, "https://fuzz.example/a/b-c-d.html", "http://xn--bcher-kva.example/",
        "https://[::1", "https://a_b.example:99999/x", "//cdn.example/x", "javascript:alert(1)",
        "https://例え.テスト/パス?q=1#f", "mailto:a@b.example", "")

_scorer: Any = None


def decode_input(data: bytes) -> tuple[bytes | str, str | None, str | None]:
    """(body, url, content type) of one fuzz input; its last bytes pick url, type and form."""
    ctype = CONTENT_TYPES[data[-1] % len(CONTENT_TYPES)] if data else None
    url = URLS[data[-2] % len(URLS)] if len(data) > 1 else None
    as_text = len(data) > 2 and data[-3] % 4 == 0
    # Text as JSON lines hand it over: invalid bytes become lone surrogates, as "\udc80" does.
    body: bytes | str = data.decode("utf-8", "surrogateescape") if as_text else data
    return body, url, ctype


def scorer() -> Any:
    """The shipped model's Scorer, loaded once per process."""
    global _scorer
    if _scorer is None:
        from farmdetect.scorer import Scorer

        _scorer = Scorer.load()
    return _scorer


def check(data: bytes) -> None:
    """Run one input through page_from_input and the scorer; raise when the contract breaks."""
    from farmdetect.errors import InputError
    from farmdetect.features import FEATURE_NAMES
    from farmdetect.scorer import page_from_input

    body, url, ctype = decode_input(data)
    try:
        page = page_from_input(body, url, content_type=ctype, name="fuzz")
        verdict = scorer().score_page(page)
    except InputError:
        return
    assert tuple(verdict.features) == FEATURE_NAMES
    bad = {k: v for k, v in verdict.features.items() if not math.isfinite(v)}
    assert not bad, f"features not finite: {bad}"
    assert verdict.score is not None and 0.0 <= verdict.score <= 1.0, verdict.score
    assert verdict.label in ("farm", "ok"), verdict.label
    for marker in verdict.markers:
        assert all(isinstance(e, str) for e in marker.evidence), marker
    # What scan writes and audit --json prints: strict JSON (no NaN), encodable as UTF-8.
    json.dumps(verdict.to_record("fuzz"), allow_nan=False).encode("utf-8", "surrogateescape")
    json.dumps(verdict.to_dict(), allow_nan=False)


def real_seeds(data: Path, n: int) -> list[bytes]:
    """``n`` real pages of the data folder (excluded domains left out) of at most MAX_LEN bytes."""
    sys.path.insert(0, str(ROOT))
    from training.dataset import excluded_hashes, record_excluded

    excluded = excluded_hashes(data)
    pages = []
    for f in sorted((data / "pages").glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                html = (r.get("html") or "").encode("utf-8", "surrogateescape")
                if 2_000 <= len(html) <= MAX_LEN and not record_excluded(r, excluded):
                    pages.append(html)
    random.Random(22).shuffle(pages)
    return pages[:n]


def seed_corpus(folder: Path, data: Path, n: int) -> int:
    """Write the seed inputs into ``folder``; how many."""
    seeds = real_seeds(data, n) if n and (data / "pages").is_dir() else []
    files = [p for d in (*FIXTURES, REGRESSIONS) if d.is_dir() for p in sorted(d.iterdir())
             if p.is_file() and p.suffix in ("", ".html", ".bin", ".txt")]
    seeds += [p.read_bytes()[:MAX_LEN] for p in files]
    for i, s in enumerate(seeds):
        (folder / f"seed-{i:04d}").write_bytes(s)
    return len(seeds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("inputs", nargs="*", type=Path, help="replay these inputs (no fuzzing)")
    ap.add_argument("--seconds", type=int, default=90, help="fuzzing time (default 90)")
    ap.add_argument("--seeds", type=int, default=40, help="real pages in the seed corpus")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "FARMDETECT_DATA", ROOT.parent / "shared" / "data")))
    ap.add_argument("--corpus", type=Path, default=Path("fuzz-corpus"),
                    help="the corpus folder, kept for the next run (default: ./fuzz-corpus)")
    ap.add_argument("--artifacts", type=Path, default=Path("."),
                    help="where crash-*/timeout-* inputs go (default: here)")
    args, libfuzzer = ap.parse_known_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one LightGBM thread: no oversubscription
    sys.path.insert(0, str(ROOT))
    if args.inputs:
        for p in args.inputs:
            check(p.read_bytes())
            print(f"{p}: ok", file=sys.stderr)
        return 0
    try:
        import atheris
    except ImportError:
        print("fuzz: atheris is not installed: pip install 'farmdetect[fuzz]'", file=sys.stderr)
        return 2
    with atheris.instrument_imports(include=["farmdetect"]):
        import farmdetect.features  # noqa: F401 - every family module, instrumented
        import farmdetect.scorer  # noqa: F401
    scorer()  # the model loads before the clock starts
    args.corpus.mkdir(parents=True, exist_ok=True)
    args.artifacts.mkdir(parents=True, exist_ok=True)
    n = seed_corpus(args.corpus, args.data, args.seeds)
    print(f"fuzz: {n} seed inputs in {args.corpus}, {args.seconds} s", file=sys.stderr)
    # libFuzzer reads its flags in order: a flag given on the command line (-max_len=4096 for
    # many more, smaller inputs a second) overrides these defaults.
    atheris.Setup([sys.argv[0], f"-max_total_time={args.seconds}", f"-max_len={MAX_LEN}",
                   f"-timeout={TIMEOUT_S}", "-rss_limit_mb=4096", "-print_final_stats=1",
                   f"-dict={DICTIONARY}", f"-artifact_prefix={args.artifacts.resolve()}/",
                   *libfuzzer, str(args.corpus)], check, enable_python_coverage=True)
    atheris.Fuzz()  # libFuzzer ends the process itself, with its exit status
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
