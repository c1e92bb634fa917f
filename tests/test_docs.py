"""The README and docs/ speak of commands and flags that exist, and the README stays a guide."""

from __future__ import annotations

import re
from pathlib import Path

import click

from farmdetect.cli import main
from farmdetect.errors import EXIT_CODES
from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COMMAND = re.compile(r"\bfarmdetect\s+(?:-v\s+)?([a-z][a-z-]+)")
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])\b")
# Lines about other programs, whose flags are theirs (pip, python -m training..., spark-submit).
OTHER_TOOL = re.compile(r"\b(pip|python3?|spark-submit|pytest|curl|zcat|git|ruff|mypy)\b")


def options(cmd: click.Command) -> set[str]:
    return {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}


def mentions() -> list[tuple[str, int, str, list[str]]]:
    """(file, line number, command, flags) for every line that runs a farmdetect command."""
    out = []
    for doc in DOCS:
        for n, line in enumerate(doc.read_text("utf-8").splitlines(), 1):
            for m in COMMAND.finditer(line):
                rest = line[m.end():].split("#", 1)[0].split("|", 1)[0]
                out.append((doc.name, n, m.group(1), FLAG.findall(rest)))
    return out


def test_every_command_the_docs_run_exists_with_its_flags() -> None:
    assert isinstance(main, click.Group)
    checked = 0
    for doc, n, name, flags in mentions():
        if name in ("audit", "scan", "sources", "features", "model-info"):
            cmd = main.commands[name]
        elif name in main.commands:  # pragma: no cover - a new command is fine
            cmd = main.commands[name]
        else:
            continue  # "farmdetect model", "farmdetect is ..." in prose
        missing = [f for f in flags if f not in options(cmd) | options(main)]
        assert not missing, f"{doc}:{n}: farmdetect {name} has no {missing}"
        checked += 1
    assert checked >= 20  # the README alone runs more than twenty


def test_every_flag_in_the_readme_prose_exists_somewhere() -> None:
    assert isinstance(main, click.Group)
    known = options(main).union(*(options(c) for c in main.commands.values()))
    for n, line in enumerate((ROOT / "README.md").read_text("utf-8").splitlines(), 1):
        if OTHER_TOOL.search(line) or COMMAND.search(line):
            continue
        for flag in re.findall(r"`(--[a-z][a-z0-9-]*)", line):
            assert flag in known, f"README.md:{n}: no command has {flag}"


def test_the_readme_is_a_guide_not_a_notebook() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    assert len(text.splitlines()) <= 200
    assert not re.search(r"\bsession \d", text, re.I)
    for code, meaning in EXIT_CODES:  # the README's exit-code table is the code's
        assert f"| {code} | {meaning.replace('--fail-on-farm', '`--fail-on-farm`')} |" in text


def test_the_readme_links_resolve() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target


def test_license_is_apache_2() -> None:
    assert "Apache License" in (ROOT / "LICENSE").read_text("utf-8")[:200]
    assert Path(ROOT / "pyproject.toml").read_text().count('license = "Apache-2.0"') == 1
