"""Pages/s of the datatrove pipeline and the Spark job next to ``farmdetect scan --workers 2``.

    python benchmarks/bench_integrations.py --data ../shared/data [--pages 400]

All three score the same two WARCs (real pages from ``<data>/pages``, written as .warc.gz
responses) with two workers: ``farmdetect scan --workers 2``, a datatrove
LocalPipelineExecutor (WarcReader -> FarmAnnotator -> JsonlWriter, 2 tasks) and the Spark job
in local[2]. Spark is timed twice: the whole run (JVM start included) and the job alone on an
already started session. Without a shipped model in farmdetect/models/, a tiny stand-in model is
used (scoring time is dominated by parsing and features, not the model).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integrations.warcs import write_warc  # noqa: E402


def iter_pages(data: Path, limit: int) -> Iterator[tuple[str, bytes]]:
    """(url, utf-8 html) of the first ``limit`` real pages, round-robin over the datasets."""
    files = sorted((data / "pages").glob("*.jsonl.gz"))
    handles = [gzip.open(f, "rt", encoding="utf-8") for f in files]
    n = 0
    try:
        while n < limit and handles:
            for fh in list(handles):
                line = fh.readline()
                if not line:
                    handles.remove(fh)
                    continue
                rec = json.loads(line)
                url = rec.get("url") or f"https://{rec['dataset']}.example/{rec['id']}"
                yield url, rec["html"].encode("utf-8", "replace")
                n += 1
                if n >= limit:
                    return
    finally:
        for fh in handles:
            fh.close()


def model_dir(tmp: Path) -> Path:
    """The shipped model when there is one, else a tiny stand-in."""
    from farmdetect.model import DEFAULT_MODEL_DIR

    if (DEFAULT_MODEL_DIR / "farmdetect.txt").is_file():
        return DEFAULT_MODEL_DIR
    from tests.test_model import make_model

    return make_model(tmp / "model")


def bench_scan(warcs: list[Path], env: dict[str, str], out: Path) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "farmdetect", "scan", "--workers", "2", "-q",
                    "-o", str(out), *map(str, warcs)], check=True, env=env)
    return time.perf_counter() - t


def bench_datatrove(warc_dir: Path, model: Path, tmp: Path) -> float:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    from farmdetect.integrations.datatrove import FarmAnnotator

    t = time.perf_counter()
    LocalPipelineExecutor(
        [WarcReader(str(warc_dir), glob_pattern="*.warc.gz"), FarmAnnotator(model_dir=str(model)),
         JsonlWriter(str(tmp / "dt_out"))],
        tasks=2, workers=2, logging_dir=str(tmp / "dt_logs"),
    ).run()  # fmt: skip
    return time.perf_counter() - t


def bench_spark(warcs: list[Path], model: Path, tmp: Path) -> tuple[float, float]:
    from pyspark.sql import SparkSession

    from farmdetect.integrations.spark import run_job

    t = time.perf_counter()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # loopback only
    spark = (SparkSession.builder.master("local[2]").appName("farmdetect-bench")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.ui.enabled", "false").getOrCreate())  # fmt: skip
    try:
        t_job = time.perf_counter()
        run_job([str(p) for p in warcs], str(tmp / "spark_out"), spark=spark,
                model_dir=str(model))
        job = time.perf_counter() - t_job
    finally:
        spark.stop()
    return time.perf_counter() - t, job


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "FARMDETECT_DATA", ROOT.parent / "shared" / "data")))
    ap.add_argument("--pages", type=int, default=400)
    args = ap.parse_args()
    if not (args.data / "pages").is_dir():
        sys.exit(f"no real pages under {args.data}/pages (set --data or FARMDETECT_DATA)")
    with tempfile.TemporaryDirectory(prefix="farmdetect-bench-") as d:
        tmp = Path(d)
        warc_dir = tmp / "warcs"
        warc_dir.mkdir()
        pages = list(iter_pages(args.data, args.pages))
        half = len(pages) // 2
        warcs = [write_warc(warc_dir / "a.warc.gz", pages[:half]),
                 write_warc(warc_dir / "b.warc.gz", pages[half:])]
        mb = sum(len(b) for _, b in pages) / 1e6
        model = model_dir(tmp)
        env = {**os.environ, "FARMDETECT_MODEL_DIR": str(model),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                            os.environ.get("PYTHONPATH")]))}
        os.environ.update({k: env[k] for k in ("FARMDETECT_MODEL_DIR", "PYTHONPATH")})
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        n = len(pages)
        print(f"{n} real pages ({mb:.1f} MB HTML) in 2 WARCs; model {model}; 2 workers each")
        rows = [("farmdetect scan --workers 2", bench_scan(warcs, env, tmp / "scan.jsonl"))]
        rows.append(("datatrove local, 2 tasks", bench_datatrove(warc_dir, model, tmp)))
        try:
            total, job = bench_spark(warcs, model, tmp)
            rows += [("spark local[2], whole run", total), ("spark local[2], job only", job)]
        except ImportError as e:
            print(f"spark skipped: {e}")
        for name, secs in rows:
            print(f"{name:<30} {secs:7.1f} s  {n / secs:7.1f} pages/s")


if __name__ == "__main__":
    main()
