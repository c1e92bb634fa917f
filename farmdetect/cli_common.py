"""What every farmdetect command shares: errors as one stderr line with a documented exit code."""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from farmdetect.errors import FarmdetectError

F = TypeVar("F", bound=Callable[..., Any])


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
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except sqlite3.Error as e:  # locked or unwritable database (farmdetect sources)
            click.echo(f"farmdetect: error: database: {e}", err=True)
            sys.exit(1)
        except Exception as e:  # a bug: still one line, details under -v
            logging.getLogger("farmdetect").debug("unexpected error", exc_info=True)
            click.echo(f"farmdetect: error: {type(e).__name__}: {e}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
