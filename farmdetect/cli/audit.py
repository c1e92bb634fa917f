"""``farmdetect audit``, ``features`` and ``model-info``: one page, read by a person."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from farmdetect.cli.common import (
    PROBABILITY,
    exit_codes_epilog,
    one_line_errors,
    verbose_option,
    write_error,
)
from farmdetect.errors import EXIT_FARM


def load_page(page: str, url: str | None) -> Any:
    """The Page of PAGE (a file, ``-`` for stdin, or an http(s) URL), refusing non-HTML."""
    from farmdetect.inputs import check_html, read_source
    from farmdetect.page import Page

    data, fetched_url, ctype = read_source(page)
    check_html(data, "stdin" if page == "-" else page)
    return Page.from_bytes(data, url=url or fetched_url, content_type=ctype)


def reputation_line(host: str | None, listed: list[str], source: str) -> str:
    """The audit's host-reputation section: kept apart from the score and its evidence."""
    head = "\nhost reputation (--domain-lists, not part of the score):"
    if not host:
        return f"{head} no host known (give --url)"
    if not listed:
        return f"{head} {host} is on no list of {source}"
    return f"{head} {host} is on {len(listed)} list(s) of {source}: {', '.join(listed)}"


@click.command(epilog=exit_codes_epilog())
@click.argument("page")
@click.option("--url", help="The page's URL (for a file or stdin): enables URL/host markers.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a report.")
@click.option("--threshold", type=PROBABILITY, help="Override the model's threshold (0-1).")
@click.option("--model-dir", type=click.Path(file_okay=False), help="Model directory to use.")
@click.option("--no-model", is_flag=True, help="Markers and features only, no score.")
@click.option("--fail-on-farm", is_flag=True, help=f"Exit {EXIT_FARM} when the page is a farm.")
@click.option("--domain-lists", type=click.Path(dir_okay=False),
              help="Also report whether the host is on these farm/spam domain lists (CSV with "
                   "domain,list columns, or one domain per line); never part of the score.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False),
              help="Also write a self-contained HTML report: verdict, evidence, the push of each "
                   "feature, and the page itself (sanitised, sandboxed) with the evidence "
                   "highlighted.")
@verbose_option
@one_line_errors
def audit(page: str, url: str | None, as_json: bool, threshold: float | None,
          model_dir: str | None, no_model: bool, fail_on_farm: bool,
          domain_lists: str | None, html_out: str | None) -> None:
    """Audit one PAGE (a file, - for stdin, or an http(s) URL): verdict, markers, evidence."""
    from farmdetect.model import default_model
    from farmdetect.report import format_report
    from farmdetect.scorer import Scorer

    lists = None
    if domain_lists:
        from farmdetect.domain_lists import DomainLists

        lists = DomainLists.load(domain_lists)
    p = load_page(page, url)
    model = None if no_model else default_model(model_dir)
    verdict = Scorer(model, threshold).score_page(p)
    listed = lists.lookup(p.host) if lists is not None else None
    if as_json:
        out = verdict.to_dict()
        if listed is not None:
            out["domain_lists"] = listed
        click.echo(json.dumps(out, ensure_ascii=False))
    else:
        click.echo(format_report(verdict, source=page))
        if lists is not None:
            click.echo(reputation_line(p.host, listed or [], lists.source))
    if html_out:
        from farmdetect.html_report import render

        try:
            with open(html_out, "w", encoding="utf-8") as fh:
                fh.write(render(verdict, p, source=page))
        except OSError as e:
            raise write_error(html_out, e) from e
        click.echo(f"HTML report: {html_out}", err=True)
    if fail_on_farm and verdict.label == "farm":
        sys.exit(EXIT_FARM)


@click.command(epilog=exit_codes_epilog())
@click.argument("page")
@click.option("--url", help="The page's URL (for a file or stdin).")
@verbose_option
@one_line_errors
def features(page: str, url: str | None) -> None:
    """Print the raw feature vector of PAGE as JSON (name -> value, in model order)."""
    from farmdetect.features import extract

    values, _ = extract(load_page(page, url))
    click.echo(json.dumps(values, ensure_ascii=False, indent=1))


@click.command("model-info", epilog=exit_codes_epilog())
@click.option("--model-dir", type=click.Path(file_okay=False), help="Model directory to use.")
@verbose_option
@one_line_errors
def model_info(model_dir: str | None) -> None:
    """Print the model's card (version, threshold, metrics, training data) and where it was
    loaded from (--model-dir, $FARMDETECT_MODEL_DIR, or the installed package)."""
    from farmdetect.model import load_model, model_source

    model = load_model(model_dir)
    card: dict[str, Any] = {
        "loaded_from": {"path": str(model.path), "via": model_source(model_dir)},
        **model.card,
    }
    card["feature_names"] = f"{len(model.feature_names)} features"
    if model.novelty is not None:
        card["novelty"] = dict(card["novelty"])
        card["novelty"]["cutoffs"] = f"{len(model.novelty.names)} features (see the card)"
        card["novelty"]["groups"] = [" + ".join(g) for g in model.novelty.groups]
    click.echo(json.dumps(card, indent=1, ensure_ascii=False))
