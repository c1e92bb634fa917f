"""Import LightGBM without the optional libraries it probes at import time.

``import lightgbm`` imports scikit-learn (and pandas, dask, pyarrow) whenever they are installed,
to offer its scikit-learn API and DataFrame inputs: about 1.1 s of a 2.2 s ``farmdetect audit``
on a machine with the training extra installed. Scoring passes numpy arrays to
``Booster.predict`` and needs none of them. Processes that farmdetect owns (the CLI, scan
workers) import LightGBM through :func:`import_lightgbm` with ``lean=True``; a library caller's
process imports it as usual, so its own use of LightGBM's scikit-learn API keeps working.
"""

from __future__ import annotations

import importlib.abc
import sys
from types import ModuleType
from typing import Any

# What lightgbm.compat probes for and scoring does not use.
SKIPPED = ("sklearn", "pandas", "dask", "pyarrow", "datatable")

_lean = False


class _Skip(importlib.abc.MetaPathFinder):
    """Answers ImportError for the skipped packages (lightgbm.compat catches it)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".", 1)[0] in SKIPPED:
            raise ImportError(f"{name} is not imported by farmdetect's scoring processes")
        return None


def set_lean(lean: bool = True) -> None:
    """Import LightGBM lean from now on in this process (the CLI and scan workers do)."""
    global _lean
    _lean = lean


def import_lightgbm() -> ModuleType:
    """The lightgbm module; imported lean when :func:`set_lean` was called and it is not yet
    imported (a process that already holds scikit-learn keeps the full import)."""
    if "lightgbm" in sys.modules or not _lean:
        import lightgbm

        return lightgbm
    finder = _Skip()
    sys.meta_path.insert(0, finder)
    try:
        import lightgbm
    finally:
        sys.meta_path.remove(finder)
    return lightgbm
