"""``farmdetect scan``: score every page of WARC files, JSON lines or folders, at crawl speed."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import click

from farmdetect.cli_common import one_line_errors
from farmdetect.errors import FarmdetectError

# The progress line is redrawn at most this often (a redraw per record would cost more than
# scoring small pages).
PROGRESS_EVERY_S = 0.5

SCAN_EPILOG = (
    "Output: one JSON line per record, in input order: id, url, host, score, label,"
    " threshold, reasons, markers, fingerprints, error, skipped. Every record read gets a line"
    " (non-HTML WARC records and empty bodies: \"skipped\"; unreadable or over the size/time cap:"
    " \"error\"), so read = scored + skipped + errors. Only scored records whose label is --keep"
    " go to --out-warc/--out-jsonl.\n\n"
    "Exit codes: 0 finished (even when some records had errors), 2 usage error,"
    " 3 an input is unreadable (missing file, not a WARC/JSON-lines file/folder),"
    " 4 model missing or not matching the code, 1 runtime error."
)


class Progress:
    """A one-line progress display on stderr (records, records/s), only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.last = 0.0

    def update(self, summary: Any) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.last < PROGRESS_EVERY_S:
            return
        self.last = now
        sys.stderr.write(f"\r{summary.read} records, {summary.pages_per_s:.0f}/s, "
                         f"{summary.errors} errors ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.last:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


@click.command(epilog=SCAN_EPILOG)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Where the JSON lines go (- = stdout).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores].")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Override the model's threshold.")
@click.option("--keep", type=click.Choice(["ok", "farm"]), default=None,
              help="Label of the records written to --out-warc/--out-jsonl [default: ok].")
@click.option("--out-warc", type=click.Path(dir_okay=False),
              help="Write kept WARC records here, byte for byte (.gz: one gzip member each).")
@click.option("--out-jsonl", type=click.Path(dir_okay=False),
              help="Write kept records as JSON lines (the original line for JSON-lines inputs).")
@click.option("--model-dir", type=click.Path(file_okay=False), help="Model directory to use.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Per-record size cap; larger records are errors [default: 10 MB].")
@click.option("--timeout", "page_timeout", type=click.FloatRange(min=0, min_open=True),
              default=None, help="Per-page time cap in seconds [default: 10].")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no closing summary.")
@one_line_errors
def scan(inputs: tuple[str, ...], output: str, workers: int | None, threshold: float | None,
         keep: str | None, out_warc: str | None, out_jsonl: str | None, model_dir: str | None,
         max_bytes: int | None, page_timeout: float | None, quiet: bool) -> None:
    """Score every page in INPUT... (WARC .warc/.warc.gz, JSON lines .jsonl[.gz] or - for stdin
    with fields html and optional url/id, or a folder of .html files) and write one JSON line
    per record; optionally write the kept records to a filtered WARC or JSON-lines file."""
    from farmdetect.batch import PAGE_TIMEOUT_S, Summary, score_records_with_input
    from farmdetect.warc import MAX_RECORD_BYTES, input_kind, iter_records

    if keep is not None and not (out_warc or out_jsonl):
        raise click.UsageError("--keep needs --out-warc or --out-jsonl")
    if inputs.count("-") > 1:
        raise click.UsageError("stdin (-) can be given only once")
    # Check every input before the first line is written: a typo in the 10th path should not
    # surface after an hour of scoring.
    kinds = [input_kind(s) for s in inputs]
    if out_warc and any(k != "warc" for k in kinds):
        raise click.UsageError("--out-warc needs WARC inputs (use --out-jsonl for the others)")
    for dest in (output, out_warc, out_jsonl):
        clash = _overwrites_input(dest, inputs)
        if clash:
            raise click.UsageError(f"{dest} is also an input ({clash}): it would be emptied")
    keep = keep or "ok"

    summary = Summary()
    progress = Progress(not quiet)
    records = iter_records(list(inputs), max_bytes or MAX_RECORD_BYTES)
    results = score_records_with_input(
        records, workers, threshold, model_dir,
        page_timeout=page_timeout or PAGE_TIMEOUT_S, summary=summary,
    )
    with ExitStack() as stack:
        try:
            out = _open_out(stack, output)
            warc_out = stack.enter_context(open(out_warc, "wb")) if out_warc else None
            jsonl_out = stack.enter_context(open(out_jsonl, "wb")) if out_jsonl else None
        except OSError as e:
            raise FarmdetectError(f"cannot write {e.filename}: {e.strerror or e}") from e
        try:
            _write(results, out, warc_out, out_warc, jsonl_out, keep, progress, summary)
        finally:
            progress.close()
    if not quiet:
        click.echo(f"farmdetect: {summary.line()}", err=True)


def _overwrites_input(dest: str | None, inputs: tuple[str, ...]) -> str | None:
    """The input that writing ``dest`` would destroy (the same file, or a page in a folder)."""
    if not dest or dest == "-":
        return None
    target = Path(dest).resolve()
    for src in inputs:
        if src == "-":
            continue
        path = Path(src).resolve()
        in_folder = path.is_dir() and path in target.parents
        if target == path or (in_folder and target.suffix.lower() in (".html", ".htm")):
            return src
    return None


def _open_out(stack: ExitStack, output: str) -> IO[str]:
    if output == "-":
        return sys.stdout
    return stack.enter_context(open(output, "w", encoding="utf-8"))


def _write(results: Iterator[tuple[Any, dict[str, Any]]], out: IO[str], warc_out: IO[bytes] | None,
           warc_name: str | None, jsonl_out: IO[bytes] | None, keep: str, progress: Progress,
           summary: Any) -> None:
    """Write each line (and each kept record) as it comes, in input order."""
    from farmdetect.warc import copy_warc_record, jsonl_line

    out_gz = bool(warc_name and warc_name.lower().endswith(".gz"))
    for record, line in results:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        if line.get("label") == keep:
            if warc_out is not None:
                copy_warc_record(record, warc_out, out_gz)
            if jsonl_out is not None:
                jsonl_out.write(jsonl_line(record))
        progress.update(summary)
    out.flush()
