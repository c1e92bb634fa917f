"""``farmdetect review``: a local page where a person labels the pages worth their time."""

from __future__ import annotations

import click

from farmdetect.cli.common import exit_codes_epilog, one_line_errors, verbose_option
from farmdetect.cli.sources import DEFAULT_DB


@click.command(epilog=exit_codes_epilog())
@click.argument("scan_file", metavar="SCAN", type=click.Path(dir_okay=False))
@click.option("--source", "sources", multiple=True, required=True,
              help="An input the scan read (WARC, JSON lines, folder, .html); repeat for more.")
@click.option("--db", default=DEFAULT_DB, show_default=True, envvar="FARMDETECT_DB",
              show_envvar=True, type=click.Path(dir_okay=False),
              help="SQLite file (the sources database); labels go to its labels table.")
@click.option("--who", required=True, help="Your name: each reviewer's labels are kept apart.")
@click.option("-n", "--pages", type=click.IntRange(min=1), default=50, show_default=True,
              help="How many pages to pick.")
@click.option("--random-share", type=click.FloatRange(0, 1), default=0.1, show_default=True,
              help="Share of the picks drawn at random (the rest: least sure, one per host).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port on 127.0.0.1 (0: any free one).")
@click.option("--model-dir", type=click.Path(file_okay=False), help="Model directory to use.")
@verbose_option
@one_line_errors
def review(scan_file: str, sources: tuple[str, ...], db: str, who: str, pages: int,
           random_share: float, port: int, model_dir: str | None) -> None:
    """Serve a review page on 127.0.0.1 for the pages of SCAN (a `farmdetect scan` output)
    the model is least sure of, one per host first, plus a random share. Keys: f farm, o ok,
    s skip, u undo, j/k next/previous. Labels go to --db (table labels); Ctrl-C stops."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from farmdetect.review import app, load_session

    session = load_session(scan_file, list(sources), db, who, pages, random_share, model_dir)

    class _Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:  # no access log on the terminal
            return

    with make_server("127.0.0.1", port, app(session), handler_class=_Quiet) as server:
        click.echo(f"review {len(session.items)} pages as {who}: "
                   f"http://127.0.0.1:{server.server_port}/  (Ctrl-C to stop)", err=True)
        server.serve_forever()
