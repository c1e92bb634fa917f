"""Errors that reach the user as one clear line (never a traceback), and the exit-code table.

Every command exits with one of ``EXIT_CODES``; each command's ``--help`` ends with the table
(``farmdetect.cli.common.exit_codes_epilog``) and docs/CLI.md lists it.
"""

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_MODEL = 4
EXIT_FARM = 10
EXIT_INTERRUPTED = 130

# The one table: code, meaning. "A farm was found" only when the user asks (--fail-on-farm).
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "done (a scan that met broken records still finishes with 0)"),
    (EXIT_RUNTIME, "runtime error (cannot write an output, database locked, a bug)"),
    (EXIT_USAGE, "usage error (unknown option, bad value, options that exclude each other)"),
    (EXIT_INPUT, "bad input (missing, empty, binary or not HTML, not a WARC or JSON lines, "
                 "unreachable URL, not a sources database)"),
    (EXIT_MODEL, "model missing or not matching the code"),
    (EXIT_FARM, "a farm was found (only with --fail-on-farm)"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
)


class FarmdetectError(Exception):
    """Base class; the CLI prints ``str(error)`` on one line and exits with ``exit_code``."""

    exit_code = EXIT_RUNTIME


class InputError(FarmdetectError):
    """The input cannot be read as a web page (empty, binary, not HTML, unreachable)."""

    exit_code = EXIT_INPUT


class ModelError(FarmdetectError):
    """The model files are missing, unreadable, or do not match the code's feature list."""

    exit_code = EXIT_MODEL
