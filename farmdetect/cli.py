"""The ``farmdetect`` command line: audit, features, model-info (scan and sources live beside it).

Exit codes (every command): 0 ok, 1 runtime error, 2 usage error, 3 bad input (empty, binary,
not HTML, unreachable), 4 model missing or not matching the code; ``audit --fail-on-farm``
exits 10 when the page is judged a farm.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import click

from farmdetect import __version__
from farmdetect.cli_common import one_line_errors
from farmdetect.cli_scan import scan
from farmdetect.cli_sources import sources

EXIT_FARM = 10

EXIT_CODES_HELP = (
    "\b\nExit codes: 0 ok, 1 runtime error, 2 usage error, 3 bad input (empty, binary,"
    " not HTML, unreachable URL), 4 model missing or not matching the code"
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="farmdetect")
@click.option("-v", "--verbose", is_flag=True, help="Log details (and tracebacks) to stderr.")
def main(verbose: bool) -> None:
    """Tell content-farm and spam web pages from real ones, and say why."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _load_page(page: str, url: str | None) -> Any:
    from farmdetect.inputs import check_html, read_source
    from farmdetect.page import Page

    data, fetched_url, ctype = read_source(page)
    check_html(data, "stdin" if page == "-" else page)
    return Page.from_bytes(data, url=url or fetched_url, content_type=ctype)


@main.command(epilog=EXIT_CODES_HELP + ", 10 farm found (with --fail-on-farm).")
@click.argument("page")
@click.option("--url", help="The page's URL (for a file or stdin): enables URL/host markers.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a report.")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Override the model's threshold.")
@click.option("--model-dir", type=click.Path(file_okay=False), help="Model directory to use.")
@click.option("--no-model", is_flag=True, help="Markers and features only, no score.")
@click.option("--fail-on-farm", is_flag=True, help=f"Exit {EXIT_FARM} when the page is a farm.")
@one_line_errors
def audit(page: str, url: str | None, as_json: bool, threshold: float | None,
          model_dir: str | None, no_model: bool, fail_on_farm: bool) -> None:
    """Audit one PAGE (a file, - for stdin, or an http(s) URL): verdict, markers, evidence."""
    from farmdetect.model import default_model
    from farmdetect.report import format_report
    from farmdetect.scorer import Scorer

    p = _load_page(page, url)
    model = None if no_model else default_model(model_dir)
    verdict = Scorer(model, threshold).score_page(p)
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        click.echo(format_report(verdict, source=page))
    if fail_on_farm and verdict.label == "farm":
        sys.exit(EXIT_FARM)


@main.command(epilog=EXIT_CODES_HELP + ".")
@click.argument("page")
@click.option("--url", help="The page's URL (for a file or stdin).")
@one_line_errors
def features(page: str, url: str | None) -> None:
    """Print the raw feature vector of PAGE as JSON (name -> value, in model order)."""
    from farmdetect.features import extract

    values, _ = extract(_load_page(page, url))
    click.echo(json.dumps(values, ensure_ascii=False, indent=1))


@main.command("model-info", epilog=EXIT_CODES_HELP + ".")
@click.option("--model-dir", type=click.Path(file_okay=False), help="Model directory to use.")
@one_line_errors
def model_info(model_dir: str | None) -> None:
    """Print the shipped model's card (version, threshold, metrics, training data)."""
    from farmdetect.model import load_model

    model = load_model(model_dir)
    card = dict(model.card)
    card["feature_names"] = f"{len(model.feature_names)} features"
    if model.novelty is not None:
        card["novelty"] = dict(card["novelty"])
        card["novelty"]["cutoffs"] = f"{len(model.novelty.names)} features (see the card)"
        card["novelty"]["groups"] = [" + ".join(g) for g in model.novelty.groups]
    click.echo(json.dumps(card, indent=1, ensure_ascii=False))


main.add_command(scan)
main.add_command(sources)


if __name__ == "__main__":  # pragma: no cover
    main()
