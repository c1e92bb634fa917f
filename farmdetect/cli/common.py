"""What every farmdetect command shares: the exit-code table in --help, errors as one stderr
line, ``-v`` before or after the command name, a probability option type."""

from __future__ import annotations

import logging
import math
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from farmdetect.errors import (
    EXIT_CODES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_RUNTIME,
    FarmdetectError,
)

F = TypeVar("F", bound=Callable[..., Any])


def exit_codes_epilog() -> str:
    """The exit-code table as a click epilog (``\\b`` keeps click from rewrapping it)."""
    rows = "\n".join(f"  {code:>3}  {meaning}" for code, meaning in EXIT_CODES)
    return f"\b\nExit codes:\n{rows}"


def _set_verbose(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        logging.getLogger().setLevel(logging.DEBUG)


def verbose_option(fn: F) -> F:
    """``-v/--verbose`` on a subcommand too, so it works before or after the command name."""
    return click.option(  # type: ignore[no-any-return]
        "-v", "--verbose", is_flag=True, expose_value=False, is_eager=True,
        callback=_set_verbose, help="Log details (and tracebacks) to stderr.",
    )(fn)


class Probability(click.ParamType):
    """A number in [0, 1]; NaN and infinities are refused (NaN would silently label no farm)."""

    name = "probability"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> float:
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(x) or not 0.0 <= x <= 1.0:
            self.fail(f"{value!r} is not a number between 0 and 1", param, ctx)
        return x


PROBABILITY = Probability()


def one_line_errors(fn: F) -> F:
    """Turn farmdetect errors (and anything unexpected) into one stderr line + exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FarmdetectError as e:
            click.echo(f"farmdetect: error: {e}", err=True)
            sys.exit(e.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("farmdetect: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            sys.exit(EXIT_OK)
        except sqlite3.Error as e:  # locked or unwritable database (farmdetect sources)
            click.echo(f"farmdetect: error: database: {e}", err=True)
            sys.exit(EXIT_RUNTIME)
        except OSError as e:  # a full disk or a vanished folder: say which file
            where = f"{e.filename}: " if e.filename else ""
            logging.getLogger("farmdetect").debug("OS error", exc_info=True)
            click.echo(f"farmdetect: error: {where}{e.strerror or e}", err=True)
            sys.exit(EXIT_RUNTIME)
        except Exception as e:  # a bug: still one line, details under -v
            logging.getLogger("farmdetect").debug("unexpected error", exc_info=True)
            click.echo(f"farmdetect: error: {type(e).__name__}: {e}", err=True)
            sys.exit(EXIT_RUNTIME)

    return wrapper  # type: ignore[return-value]


def write_error(name: str, e: OSError) -> FarmdetectError:
    """The error for a failed write to ``name`` (a full disk names the file, not just ENOSPC)."""
    return FarmdetectError(f"cannot write {name}: {e.strerror or e}")
