"""Run farmdetect inside other data pipelines: datatrove blocks and a PySpark job.

Each integration imports its heavy framework lazily (importing ``farmdetect`` never pulls in
datatrove or pyspark) and fails with one line naming the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module`` or raise ImportError with the ``pip install 'farmdetect[extra]'`` hint."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"{what} needs {module.split('.')[0]}, which is not installed: "
            f"pip install 'farmdetect[{extra}]'"
        ) from e
