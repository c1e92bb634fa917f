"""The ``farmdetect`` command line: one module per command, shared options in ``common``.

    farmdetect audit PAGE        one page, read by a person (or --json)
    farmdetect scan INPUT...     WARC / JSON lines / folders / .html files -> JSON lines
    farmdetect sources [SCAN...] per-host scores in SQLite
    farmdetect features PAGE     the raw feature vector
    farmdetect model-info        the model's card and where it was loaded from

Exit codes are one table for every command: ``farmdetect.errors.EXIT_CODES``.
"""

from __future__ import annotations

import logging
import sys

import click

from farmdetect import __version__
from farmdetect.cli.audit import audit, features, model_info
from farmdetect.cli.common import exit_codes_epilog, verbose_option
from farmdetect.cli.review import review
from farmdetect.cli.scan import scan
from farmdetect.cli.sources import sources


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             epilog=exit_codes_epilog())
@click.version_option(__version__, "--version", prog_name="farmdetect")
@verbose_option
def main() -> None:
    """Tell content-farm and spam web pages from real ones, and say why."""
    from farmdetect.lean_lightgbm import set_lean

    set_lean()  # this process is ours: LightGBM without scikit-learn (1 s less start-up)
    # No level here: the root logger's own (WARNING, or DEBUG once -v has run) stays in force.
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


for _command in (audit, scan, sources, review, features, model_info):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
