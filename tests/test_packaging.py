"""Runtime dependencies are exactly what farmdetect/ imports; optional imports sit in extras."""

from __future__ import annotations

import ast
import re
import sys
import tomllib

from tests.conftest import ROOT

# Import name -> distribution name, where they differ.
DISTRIBUTION = {"sklearn": "scikit-learn", "charset_normalizer": "charset-normalizer"}
# Imports that only optional code makes, and the extra that must declare them.
OPTIONAL = {"datatrove": "datatrove", "pyspark": "spark", "fsspec": "spark", "sklearn": "train"}


def third_party_imports() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "farmdetect").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "farmdetect"}


def requirement_names(reqs: list[str]) -> set[str]:
    return {re.split(r"[<>=\[ ;!~]", r, maxsplit=1)[0].lower() for r in reqs}


def test_runtime_dependencies_are_what_the_runtime_imports() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    declared = requirement_names(project["dependencies"])
    imported = {DISTRIBUTION.get(n, n).lower() for n in third_party_imports() - set(OPTIONAL)}
    assert declared == imported


def test_optional_imports_are_declared_in_their_extra() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"]
    for name in third_party_imports() & set(OPTIONAL):
        assert DISTRIBUTION.get(name, name) in requirement_names(extras[OPTIONAL[name]]), name
