"""``farmdetect scan``: score every page of WARC files, JSON lines, folders or HTML files."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import IO, Any

import click

from farmdetect.cli.common import (
    PROBABILITY,
    exit_codes_epilog,
    one_line_errors,
    verbose_option,
    write_error,
)
from farmdetect.errors import EXIT_FARM, FarmdetectError

# The progress line is redrawn at most this often (a redraw per record would cost more than
# scoring small pages).
PROGRESS_EVERY_S = 0.5

SCAN_EPILOG = (
    "Output: one JSON line per record, in input order: id, url, host, score, label,"
    " threshold, reasons, markers, fingerprints, error, skipped. Every record read gets a line"
    " (non-HTML WARC records and empty bodies: \"skipped\"; unreadable or over the size/time cap:"
    " \"error\"), so read = scored + skipped + errors; --min-score drops lines from the output"
    " but not from the closing count. Only scored records whose label is --keep go to"
    " --out-warc/--out-jsonl. --resume appends to -o and passes over the records whose id"
    " it already holds.\n\n" + exit_codes_epilog()
)


class Progress:
    """One line on stderr, only on a terminal: records, records/s, errors, and with a known
    input size the share done and the time left."""

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.last = 0.0
        self.done = 0.0

    def update(self, summary: Any, done: float | None) -> None:
        if done is not None:
            self.done = max(self.done, done)
        now = time.perf_counter()
        if not self.enabled or now - self.last < PROGRESS_EVERY_S:
            return
        self.last = now
        self.stream.write("\r" + progress_text(summary.read, summary.seconds, summary.errors,
                                               self.done if done is not None else None) + " ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def progress_text(read: int, seconds: float, errors: int, done: float | None) -> str:
    """``1,234 records  56/s  2 errors  40%  ETA 0:01:30`` (share and ETA when known)."""
    rate = read / seconds if seconds > 0 else 0.0
    text = f"{read:,} records  {rate:,.0f}/s  {errors:,} errors"
    if done is not None and done > 0:
        left = seconds * (1.0 - done) / done
        mins, secs = divmod(int(left + 0.5), 60)
        text += f"  {done:4.0%}  ETA {mins // 60}:{mins % 60:02d}:{secs:02d}"
    return text


@click.command(epilog=SCAN_EPILOG)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Where the JSON lines go (- = stdout).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores].")
@click.option("--threshold", type=PROBABILITY, help="Override the model's threshold (0-1).")
@click.option("--keep", type=click.Choice(["ok", "farm"]), default=None,
              help="Label of the records written to --out-warc/--out-jsonl [default: ok].")
@click.option("--out-warc", type=click.Path(dir_okay=False),
              help="Write kept WARC records here, byte for byte (.gz: one gzip member each).")
@click.option("--out-jsonl", type=click.Path(dir_okay=False),
              help="Write kept records as JSON lines (the original line for JSON-lines inputs).")
@click.option("--min-score", type=PROBABILITY, default=None,
              help="Write only scored records with at least this score to the output.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Stop after reading this many records.")
@click.option("--resume", is_flag=True,
              help="Append to -o FILE, passing over records whose id it already holds.")
@click.option("--fail-on-farm", is_flag=True, help=f"Exit {EXIT_FARM} when a farm was found.")
@click.option("--model-dir", type=click.Path(file_okay=False), help="Model directory to use.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Per-record size cap; larger records are errors [default: 10 MB].")
@click.option("--timeout", "page_timeout", type=click.FloatRange(min=0, min_open=True),
              default=None, help="Per-page time cap in seconds [default: 10].")
@click.option("--domain-lists", type=click.Path(dir_okay=False),
              help="Add a domain_lists field: the farm/spam lists (CSV with domain,list columns, "
                   "or one domain per line) holding each record's host; never part of the score.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no closing summary.")
@verbose_option
@one_line_errors
def scan(inputs: tuple[str, ...], output: str, workers: int | None, threshold: float | None,
         keep: str | None, out_warc: str | None, out_jsonl: str | None, min_score: float | None,
         limit: int | None, resume: bool, fail_on_farm: bool, model_dir: str | None,
         max_bytes: int | None, page_timeout: float | None, domain_lists: str | None,
         quiet: bool) -> None:
    """Score every page in INPUT... (WARC .warc/.warc.gz, JSON lines .jsonl[.gz] or - for stdin
    with fields html and optional url/id, a folder of .html files, or one .html file) and write
    one JSON line per record; optionally write the kept records to a filtered WARC or
    JSON-lines file."""
    from farmdetect.batch import PAGE_TIMEOUT_S, Summary, score_records_with_input
    from farmdetect.warc import MAX_RECORD_BYTES, input_kind, iter_records

    if keep is not None and not (out_warc or out_jsonl):
        raise click.UsageError("--keep needs --out-warc or --out-jsonl")
    if inputs.count("-") > 1:
        raise click.UsageError("stdin (-) can be given only once")
    if resume and output == "-":
        raise click.UsageError("--resume needs -o FILE (the output it appends to)")
    if resume and min_score is not None:
        raise click.UsageError("--resume and --min-score exclude each other (the output must "
                               "hold every record to tell where to go on)")
    _check_outputs({"-o": output, "--out-warc": out_warc, "--out-jsonl": out_jsonl})
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
    seen = _resume_ids(output) if resume else set()
    lists = None
    if domain_lists:
        from farmdetect.domain_lists import DomainLists

        lists = DomainLists.load(domain_lists)

    summary = Summary()
    progress = Progress(not quiet)
    records: Iterable[Any] = iter_records(list(inputs), max_bytes or MAX_RECORD_BYTES)
    passed = [0]
    if seen:
        records = _unseen(records, seen, passed)
    if limit is not None:
        records = islice(records, limit)
    results = score_records_with_input(
        records, workers, threshold, model_dir,
        page_timeout=page_timeout or PAGE_TIMEOUT_S, summary=summary,
    )
    mode = "a" if resume else "w"
    with ExitStack() as stack:
        try:
            out = sys.stdout if output == "-" else _opened(stack, open(output, mode,
                                                                       encoding="utf-8"))
            warc_out = _opened(stack, open(out_warc, mode + "b")) if out_warc else None
            jsonl_out = _opened(stack, open(out_jsonl, mode + "b")) if out_jsonl else None
        except OSError as e:
            raise write_error(str(e.filename), e) from e
        writer = _Writer(out, "stdout" if output == "-" else output, warc_out, out_warc,
                         jsonl_out, out_jsonl, keep, min_score)
        try:
            for record, line in results:
                if lists is not None:
                    line["domain_lists"] = lists.lookup(line.get("host") or line.get("url"))
                writer.write(record, line)
                progress.update(summary, record.done if limit is None else
                                max(record.done or 0.0, summary.read / limit))
            writer.flush()
        finally:
            progress.close()
    if not quiet:
        extra = f"; {passed[0]} already in {output}, passed over" if seen else ""
        if min_score is not None:
            extra += f"; {writer.written} lines written (score >= {min_score:g})"
        click.echo(f"farmdetect: {summary.line()}{extra}", err=True)
    if fail_on_farm and summary.farm:
        sys.exit(EXIT_FARM)


class _Writer:
    """Writes each line (and each kept record) as it comes; a failed write names its file."""

    def __init__(self, out: IO[str], out_name: str, warc_out: IO[bytes] | None,
                 warc_name: str | None, jsonl_out: IO[bytes] | None, jsonl_name: str | None,
                 keep: str, min_score: float | None) -> None:
        self.out, self.out_name = out, out_name
        self.warc_out, self.warc_name = warc_out, warc_name
        self.jsonl_out, self.jsonl_name = jsonl_out, jsonl_name
        self.keep, self.min_score = keep, min_score
        self.out_gz = bool(warc_name and warc_name.lower().endswith(".gz"))
        self.written = 0

    def write(self, record: Any, line: dict[str, Any]) -> None:
        from farmdetect.warc import copy_warc_record, jsonl_line

        # Kept copies first, flushed, then the line: after an interruption the line file never
        # names a record whose copy is missing, so --resume does not lose or repeat copies.
        if line.get("label") == self.keep:
            if self.warc_out is not None:
                self._guard(self.warc_name, lambda: copy_warc_record(record, self.warc_out,
                                                                     self.out_gz))
                self._guard(self.warc_name, self.warc_out.flush)
            if self.jsonl_out is not None:
                self._guard(self.jsonl_name, lambda: self.jsonl_out.write(jsonl_line(record)))
                self._guard(self.jsonl_name, self.jsonl_out.flush)
        if self.min_score is not None and (line.get("score") is None
                                           or line["score"] < self.min_score):
            return
        self._guard(self.out_name, lambda: self.out.write(json.dumps(line, ensure_ascii=False)
                                                          + "\n"))
        self.written += 1

    def flush(self) -> None:
        self._guard(self.out_name, self.out.flush)
        for f, name in ((self.warc_out, self.warc_name), (self.jsonl_out, self.jsonl_name)):
            if f is not None:
                self._guard(name, f.flush)

    @staticmethod
    def _guard(name: str | None, fn: Any) -> None:
        try:
            fn()
        except BrokenPipeError:
            raise
        except OSError as e:
            raise write_error(name or "output", e) from e


def _opened(stack: ExitStack, f: Any) -> Any:
    """Close ``f`` when the stack ends, quietly: the writer has flushed it and reported a failed
    write with the file's name; the close's own flush would only repeat it without the name."""

    def close() -> None:
        try:
            f.close()
        except OSError:
            pass

    stack.callback(close)
    return f


def _check_outputs(dests: dict[str, str | None]) -> None:
    """UsageError when two outputs are the same file (both would be written into one)."""
    seen: dict[Path, str] = {}
    for opt, dest in dests.items():
        if not dest or dest == "-":
            continue
        path = Path(dest).resolve()
        if path in seen:
            raise click.UsageError(f"{seen[path]} and {opt} name the same file ({dest})")
        seen[path] = opt


def _resume_ids(output: str) -> set[str]:
    """Ids already in a scan output; a last line cut off by the interruption is removed."""
    path = Path(output)
    if not path.exists():
        return set()
    ids: set[str] = set()
    try:
        data = path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a partial last line: cut it, its record is scored again
            with open(path, "r+b") as f:
                f.truncate(end)
        for n, raw in enumerate(data[:end].splitlines(), 1):
            if not raw.strip():
                continue
            try:
                ids.add(str(json.loads(raw)["id"]))
            except (ValueError, KeyError, TypeError):
                raise FarmdetectError(f"--resume: {output} line {n} is not a scan line; "
                                      "is it the output of an earlier scan?") from None
    except OSError as e:
        raise FarmdetectError(f"--resume: cannot read {output}: {e.strerror or e}") from e
    return ids


def _unseen(records: Iterable[Any], seen: set[str], passed: list[int]) -> Iterator[Any]:
    for r in records:
        if r.id in seen:
            passed[0] += 1
            continue
        yield r


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



