"""Score WARC files on a Spark cluster: page verdicts plus per-host/domain source scores.

One Spark task per WARC file (``sc.parallelize(paths, numSlices=len(paths))`` then
``mapPartitions``), the cc-pyspark pattern: a task streams its WARC with fastwarc through
:func:`farmdetect.warc.read_warc` (the reader ``farmdetect scan`` uses) and scores every page
with one Scorer loaded once per Python worker. Output under ``OUTPUT``::

    pages/      one scan record per page (the ``farmdetect scan`` JSON-lines shape), JSON lines
                (part-*.gz) or Parquet
    sources/    one row per host and per registrable domain: the ``farmdetect sources`` numbers
                (pages, farm_pages, mean_score, smoothed score and interval, top markers,
                evidence), JSON lines or Parquet
    _SUCCESS    written by Spark when the job finished

The source scores are those of ``farmdetect sources``: the driver streams the page records
(``toLocalIterator``, one partition at a time) into :func:`farmdetect.sources.update_from_records`
on a local SQLite file, because the smoothed score needs a prior fitted over *all* sources. Keep
that file with ``--sources-db`` to query it later with ``farmdetect sources --db``.

Run it with ``spark-submit farmdetect/integrations/spark.py OUTPUT WARC...`` or
``python -m farmdetect.integrations.spark OUTPUT --paths-file warc.paths`` (local mode).
Workers find the model through ``--model-dir`` or $FARMDETECT_MODEL_DIR read on the driver (a
path that must exist on every executor), else farmdetect's default model on each node.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger("farmdetect.integrations.spark")

PYSPARK_HINT = "pyspark is not installed: pip install 'farmdetect[spark]'"
JAVA_HINT = "Java is needed to run Spark: install a JRE 11+ and set JAVA_HOME"
FORMATS = ("json", "parquet")
# Parquet schema of the pages table (the scan record; nested values as JSON strings so the
# table reads the same from Spark, DuckDB or pandas without a struct schema to agree on).
PAGE_COLUMNS = (
    ("id", "string"), ("url", "string"), ("host", "string"), ("score", "double"),
    ("label", "string"), ("threshold", "double"), ("reasons", "array<string>"),
    ("markers", "array<string>"), ("fp_recs", "string"), ("fp_footer", "string"),
    ("fp_template", "string"), ("error", "string"), ("skipped", "string"),
)  # fmt: skip


class SparkJobError(Exception):
    """A setup problem the user fixes (missing pyspark or Java, bad paths): one line, exit 1."""


# ------------------------------------------------------------------------------ worker side
def score_warcs(
    paths: Iterable[str], model_dir: str | None = None, threshold: float | None = None
) -> Iterator[dict[str, Any]]:
    """Scan records of every record of the given WARCs: ``farmdetect scan``'s own code path.

    Runs inside a Spark task. Each record goes through :func:`farmdetect.batch.score_records`
    in this process (``workers=1``: Spark's task slots are the parallelism), so the lines are
    exactly those of ``farmdetect scan``, skipped and error lines included.
    """
    # One task per core is the parallelism; LightGBM's OpenMP threads would only oversubscribe.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from farmdetect.batch import blank_line, score_records
    from farmdetect.warc import read_warc

    for path in paths:
        try:
            with local_copy(path) as local:
                # The model comes from default_model's per-process cache: one load per worker.
                yield from score_records(read_warc(local), workers=1, threshold=threshold,
                                         model_dir=model_dir)
        except OSError as e:  # the file itself is missing or unreadable: one error line
            yield blank_line(path, None, error=f"cannot read WARC {path}: {e}")


@contextmanager
def local_copy(path: str) -> Iterator[str]:
    """A local path for ``path``; remote URLs (s3://, hdfs://, https://) go to a temp file.

    fastwarc reads local files; like cc-pyspark, a remote WARC is first copied to the task's
    local disk (``spark.local.dir``), which also makes a failed task's retry start clean.
    """
    scheme = path.split("://", 1)[0] if "://" in path else ""
    if scheme in ("", "file"):
        yield path.removeprefix("file://")
        return
    try:
        import fsspec
    except ImportError as e:
        raise OSError(f"reading {scheme}:// paths needs fsspec (pip install fsspec s3fs)") from e
    suffix = ".warc.gz" if path.endswith(".gz") else ".warc"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with fsspec.open(path, "rb") as src:
            shutil.copyfileobj(src, tmp, length=1 << 20)
        tmp.flush()
        yield tmp.name


# ------------------------------------------------------------------------------ driver side
def read_paths(args_paths: Sequence[str], paths_file: str | None) -> list[str]:
    """WARC paths from the command line and/or a text file (one per line, # comments)."""
    paths = list(args_paths)
    if paths_file:
        try:
            lines = Path(paths_file).read_text("utf-8").splitlines()
        except OSError as e:
            raise SparkJobError(f"{paths_file}: cannot read paths file ({e.strerror or e})") from e
        paths += [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not paths:
        raise SparkJobError("no WARC paths given (pass them as arguments or with --paths-file)")
    return paths


def check_java() -> None:
    """Raise SparkJobError when no java binary can be found (Spark's JVM would fail obscurely)."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").is_file():
        return
    if shutil.which("java"):
        return
    raise SparkJobError(JAVA_HINT)


def import_pyspark() -> Any:
    """The pyspark module, or SparkJobError with the install hint."""
    try:
        import pyspark
    except ImportError as e:
        raise SparkJobError(PYSPARK_HINT) from e
    return pyspark


def source_rows(
    records: Iterable[dict[str, Any]], db_path: str | Path
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Ingest scan records with farmdetect.sources; every source row, and the table's columns.

    Columns come back as (name, Spark SQL type) read from the SQLite table itself, so the
    Parquet schema follows ``farmdetect.sources`` when it gains a column.
    """
    from farmdetect import sources as src

    conn = src.connect(db_path)
    try:
        src.update_from_records(conn, records, inputs="spark")
        rows = [dict(r) for r in conn.execute("SELECT * FROM sources ORDER BY level, name")]
        columns = [(c[1], _SQL_TYPES.get(str(c[2]).upper(), "string"))
                   for c in conn.execute("PRAGMA table_info(sources)")]
    finally:
        conn.close()
    for d in rows:
        for key in _JSON_COLUMNS:
            if isinstance(d.get(key), str):
                d[key] = json.loads(d[key])
    return rows, columns


_SQL_TYPES = {"INTEGER": "long", "REAL": "double", "TEXT": "string"}
# Source columns holding JSON; decoded in JSON-lines output, kept as JSON text in Parquet.
_JSON_COLUMNS = ("top_markers", "evidence")


def _page_row(rec: dict[str, Any]) -> tuple[Any, ...]:
    """A scan record as a flat Parquet row (PAGE_COLUMNS order)."""
    fp = rec.get("fingerprints") or {}
    return (
        rec.get("id"), rec.get("url"), rec.get("host"), rec.get("score"), rec.get("label"),
        rec.get("threshold"), rec.get("reasons") or [], rec.get("markers") or [],
        fp.get("recs"), fp.get("footer"), fp.get("template"), rec.get("error"), rec.get("skipped"),
    )  # fmt: skip


def run_job(
    paths: Sequence[str],
    output: str,
    *,
    fmt: str = "json",
    model_dir: str | None = None,
    threshold: float | None = None,
    sources_db: str | None = None,
    master: str | None = None,
    spark: Any = None,
) -> dict[str, int]:
    """Run the whole job; returns counts (records, scored, farm, skipped, errors, sources)."""
    if fmt not in FORMATS:
        raise SparkJobError(f"unknown format {fmt!r} (choose {' or '.join(FORMATS)})")
    import_pyspark()
    check_java()
    local_out = output.removeprefix("file://")
    if "://" not in local_out and Path(local_out).exists():
        raise SparkJobError(f"{output}: already exists (Spark does not overwrite: pick a new one)")
    from pyspark import StorageLevel
    from pyspark.sql import SparkSession

    own = spark is None
    if own:
        launched = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started the JVM
        local = (master or "").startswith("local") or (master is None and not launched)
        if local:
            # Local mode: the Python workers must be this interpreter (the one with farmdetect),
            # not whatever `python3` is first on PATH. On a cluster, spark.pyspark.python rules.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            # ... and driver and executors talk over loopback, not the machine's public address.
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = SparkSession.builder.appName("farmdetect")
        if local:
            builder = builder.config("spark.driver.host", os.environ["SPARK_LOCAL_IP"])
        if master:
            builder = builder.master(master)
        spark = builder.getOrCreate()
    sc = spark.sparkContext
    try:
        model_dir = model_dir or os.environ.get("FARMDETECT_MODEL_DIR")
        # One partition per WARC: a task is one file, the unit that fails and retries alone.
        records = sc.parallelize(list(paths), numSlices=len(paths)).mapPartitions(
            lambda it: score_warcs(it, model_dir, threshold)
        )
        # Kept for the driver-side sources pass, so the WARCs are read and scored only once.
        records.persist(StorageLevel.MEMORY_AND_DISK)
        out = output.rstrip("/")
        if fmt == "json":
            records.map(lambda r: json.dumps(r, ensure_ascii=False)).saveAsTextFile(
                f"{out}/pages", compressionCodecClass="org.apache.hadoop.io.compress.GzipCodec"
            )
        else:
            schema = ", ".join(f"{n} {t}" for n, t in PAGE_COLUMNS)
            spark.createDataFrame(records.map(_page_row), schema).write.parquet(f"{out}/pages")
        counts = {"records": 0, "scored": 0, "farm": 0, "skipped": 0, "errors": 0}

        def counted() -> Iterator[dict[str, Any]]:
            for rec in records.toLocalIterator():
                counts["records"] += 1
                if rec.get("skipped") is not None:
                    # Not a page (image, empty body): nothing for a source score to count.
                    counts["skipped"] += 1
                    continue
                counts["errors"] += rec.get("error") is not None
                counts["scored"] += rec.get("score") is not None
                counts["farm"] += rec.get("label") == "farm"
                yield rec

        with tempfile.TemporaryDirectory(prefix="farmdetect-sources-") as tmp:
            db = sources_db or str(Path(tmp) / "sources.sqlite")
            rows, columns = source_rows(counted(), db)
        counts["sources"] = len(rows)
        if fmt == "json":
            sc.parallelize([json.dumps(r, ensure_ascii=False) for r in rows], 1).saveAsTextFile(
                f"{out}/sources"
            )
        else:
            flat = [
                tuple(json.dumps(r[c], sort_keys=True) if c in _JSON_COLUMNS else r[c]
                      for c, _ in columns)
                for r in rows
            ]
            schema = ", ".join(f"{c} {t}" for c, t in columns)
            spark.createDataFrame(flat, schema).coalesce(1).write.parquet(f"{out}/sources")
        records.unpersist()
        return counts
    finally:
        if own:
            spark.stop()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="farmdetect.integrations.spark",
        description="Score WARC files with farmdetect on Spark: page verdicts + source scores.",
        epilog="Exit codes: 0 ok, 1 runtime or setup error (pyspark/Java missing), 2 usage error.",
    )
    p.add_argument("output", help="Output folder (local, hdfs://, s3a://); must not exist.")
    p.add_argument("warcs", nargs="*", help="WARC paths (readable from every executor).")
    p.add_argument("--paths-file", help="Text file with one WARC path per line.")
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
    p.add_argument("--model-dir", help="Model folder, same path on every executor (default:"
                   " FARMDETECT_MODEL_DIR on the driver, else the default model).")
    p.add_argument("--threshold", type=float, help="Override the model's farm threshold.")
    p.add_argument("--sources-db", help="Keep the driver's sources SQLite file at this path.")
    p.add_argument("--master", help="Spark master when not set by spark-submit (e.g. local[4]).")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        paths = read_paths(args.warcs, args.paths_file)
        counts = run_job(paths, args.output, fmt=args.fmt, model_dir=args.model_dir,
                         threshold=args.threshold, sources_db=args.sources_db,
                         master=args.master)
    except SparkJobError as e:
        print(f"farmdetect: error: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - Py4J/Spark errors: one line, not a JVM stack
        from farmdetect.errors import FarmdetectError

        if isinstance(e, FarmdetectError):
            print(f"farmdetect: error: {e}", file=sys.stderr)
            return e.exit_code
        # Py4JJavaError's own text is "An error occurred while calling oNN..."; the JVM
        # exception's message says what went wrong.
        java = getattr(e, "java_exception", None)
        text = str(java.getMessage()) if java is not None else str(e)
        first = text.strip().splitlines()[0] if text.strip() else ""
        print(f"farmdetect: error: {type(e).__name__}: {first}", file=sys.stderr)
        return 1
    print(json.dumps(counts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
