"""Opt-in host reputation (--domain-lists): its own evidence, never part of the score."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from farmdetect.cli import main
from farmdetect.domain_lists import DomainLists
from farmdetect.errors import EXIT_INPUT, InputError

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_page.html"
CSV = "domain,list,source,path,licence\nfarm.example,CFT content-farms,x,y,MIT\n" \
      "farm.example,SSSS junk,x,y,WTFPL\nspam.example/path,CFT bad-cloners,x,y,MIT\n"


def test_csv_and_gzip_and_parent_domains(tmp_path: Path) -> None:
    for name, data in (("l.csv", CSV.encode()), ("l.csv.gz", gzip.compress(CSV.encode()))):
        p = tmp_path / name
        p.write_bytes(data)
        lists = DomainLists.load(p)
        assert lists.lookup("https://www.news.farm.example/a/b") == ["CFT content-farms",
                                                                     "SSSS junk"]
        assert lists.lookup("spam.example") == ["CFT bad-cloners"]  # path rule: its domain
        assert lists.lookup("https://notfarm.example/") == []
        assert lists.lookup("https://example/") == [] and lists.lookup(None) == []


def test_plain_list_is_named_after_its_file(tmp_path: Path) -> None:
    p = tmp_path / "my-blocklist.txt"
    p.write_text("# mine\nFarm.Example\n\nnot a domain\n")
    assert DomainLists.load(p).lookup("http://farm.example/x") == ["my-blocklist"]


@pytest.mark.parametrize("content", [b"", b"\x1f\x8bbroken", b"\xff\xfe\x00bin", b"# nothing\n"])
def test_unusable_files_are_one_clear_error(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match="bad.txt"):
        DomainLists.load(p)


def test_audit_reports_lists_apart_from_the_score(tmp_path: Path) -> None:
    lists = tmp_path / "l.csv"
    lists.write_text(CSV)
    runner = CliRunner()
    base = ["audit", str(SAMPLE), "--no-model", "--url", "https://farm.example/story"]
    text = runner.invoke(main, [*base, "--domain-lists", str(lists)])
    assert text.exit_code == 0, text.output
    assert "not part of the score" in text.output and "CFT content-farms, SSSS junk" in text.output
    as_json = runner.invoke(main, [*base, "--json", "--domain-lists", str(lists)])
    assert json.loads(as_json.output)["domain_lists"] == ["CFT content-farms", "SSSS junk"]
    plain = runner.invoke(main, [*base, "--json"])
    assert "domain_lists" not in json.loads(plain.output)
    missing = runner.invoke(main, [*base, "--domain-lists", str(tmp_path / "nope.csv")])
    assert missing.exit_code == EXIT_INPUT and "cannot read domain lists" in missing.output
