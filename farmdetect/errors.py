"""Errors that reach the user as one clear line (never a traceback)."""


class FarmdetectError(Exception):
    """Base class; the CLI prints ``str(error)`` on one line and exits with ``exit_code``."""

    exit_code = 1


class InputError(FarmdetectError):
    """The input cannot be read as a web page (empty, binary, not HTML, unreachable)."""

    exit_code = 3


class ModelError(FarmdetectError):
    """The model files are missing, unreadable, or do not match the code's feature list."""

    exit_code = 4
