"""The audit CLI end to end: readable report, JSON, bad input as one line, URLs on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import PAGES
from tests.test_model import make_model

FARM = PAGES / "seed_style_farm.html"
FARM_URL = "https://worldnewsera.example/will-belarus-join-moscows-ukraine-offensive/"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("model"))


def run(*args: str, model_dir: Path | None = None, stdin: bytes | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    if model_dir is not None:
        env["FARMDETECT_MODEL_DIR"] = str(model_dir)
    return subprocess.run([sys.executable, "-m", "farmdetect", *args], input=stdin,
                          capture_output=True, env=env, timeout=timeout)


def assert_one_line_error(proc: subprocess.CompletedProcess[bytes], code: int, text: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert text in err


def test_report_quotes_the_seed_markers(model_dir: Path) -> None:
    proc = run("audit", str(FARM), "--url", FARM_URL, model_dir=model_dir)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert "verdict:" in out and "score" in out
    assert "#Belarus #Join #Moscows #Ukraine #Offensive" in out
    assert "Everything You’ve Ever Learned About Marketing And Advertising Is Wrong" in out
    assert "Chattanooga" in out


def test_json_output_has_the_documented_keys(model_dir: Path) -> None:
    proc = run("audit", str(FARM), "--json", model_dir=model_dir)
    assert proc.returncode == 0, proc.stderr.decode()
    obj = json.loads(proc.stdout)
    assert {"score", "label", "threshold", "markers", "features", "model"} <= set(obj)
    assert 0 <= obj["score"] <= 1 and obj["label"] in ("farm", "ok")
    assert all({"name", "evidence"} <= set(m) for m in obj["markers"])


def test_stdin_and_features_command(model_dir: Path) -> None:
    proc = run("features", "-", stdin=FARM.read_bytes())
    assert proc.returncode == 0
    values = json.loads(proc.stdout)
    from farmdetect.features import FEATURE_NAMES

    assert tuple(values) == FEATURE_NAMES


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty input"),
        (b"\x00\x01\x02\x03binary\xff\xfe" * 100, "binary data"),
        (b"\x1f\x8b\x08\x00compressed", "binary data"),
        (b"name,score\nalpha,1\nbeta,2\n", "does not look like HTML"),
    ],
    ids=["empty", "binary", "gzip", "csv"],
)
def test_bad_input_is_one_line_exit_3(tmp_path: Path, model_dir: Path, content: bytes,
                                      message: str) -> None:
    f = tmp_path / "page.html"
    f.write_bytes(content)
    assert_one_line_error(run("audit", str(f), model_dir=model_dir), 3, message)


def test_missing_file_and_folder(tmp_path: Path, model_dir: Path) -> None:
    assert_one_line_error(run("audit", str(tmp_path / "nope.html"), model_dir=model_dir), 3,
                          "no such file")
    assert_one_line_error(run("audit", str(tmp_path), model_dir=model_dir), 3, "is a folder")


def test_missing_model_is_exit_4(tmp_path: Path) -> None:
    assert_one_line_error(run("audit", str(FARM), model_dir=tmp_path), 4, "no model in")


def test_truncated_and_huge_and_deep_pages_get_a_result(tmp_path: Path, model_dir: Path) -> None:
    cases = {
        "truncated.html": FARM.read_bytes()[: len(FARM.read_bytes()) // 2],
        "huge.html": b"<html><body>" + (b"<p>" + b"lots of filler text in here " * 100
                                         + b"</p>") * 7_000,
        "deep.html": b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000,
    }
    for name, data in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        proc = run("audit", str(f), "--json", model_dir=model_dir, timeout=120)
        assert proc.returncode == 0, (name, proc.stderr.decode())
        assert json.loads(proc.stdout)["label"] in ("farm", "ok")


def test_fail_on_farm_exit_code(tmp_path: Path) -> None:
    d = make_model(tmp_path)
    card = json.loads((d / "farmdetect.json").read_text())
    card["threshold"] = 0.0  # everything is a farm under this threshold
    (d / "farmdetect.json").write_text(json.dumps(card))
    proc = run("audit", str(FARM), "--fail-on-farm", model_dir=d)
    assert proc.returncode == 10


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path == "/farm":
            body = FARM.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_audit_a_url_on_loopback(server: str, model_dir: Path) -> None:
    proc = run("audit", f"{server}/farm", "--json", model_dir=model_dir)
    assert proc.returncode == 0, proc.stderr.decode()
    obj = json.loads(proc.stdout)
    assert obj["url"] == f"{server}/farm"
    assert any(m["name"].startswith("hashtags.") for m in obj["markers"])


def test_unreachable_and_404_urls(server: str, model_dir: Path) -> None:
    assert_one_line_error(run("audit", f"{server}/missing", model_dir=model_dir), 3, "HTTP 404")
    proc = run("audit", "http://127.0.0.1:9/", model_dir=model_dir)  # port 9: nothing listens
    assert_one_line_error(proc, 3, "unreachable")


def test_malformed_urls_are_bad_input(model_dir: Path) -> None:
    assert_one_line_error(run("audit", str(FARM), "--url", "http://[", model_dir=model_dir), 3,
                          "invalid URL")
    assert_one_line_error(run("audit", "http://[::1", model_dir=model_dir), 3, "fetch failed")


def test_subprocesses_carry_the_network_guard() -> None:
    """A CLI subprocess gets the loopback-only guard too (checked without sending anything)."""
    code = "import socket; print(socket.socket.connect.__name__)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30)
    assert proc.stdout.strip() == "_guarded", proc.stderr


def test_model_info_summarises_the_long_lists() -> None:
    """The shipped card, with its feature list and novelty cut-offs counted, not listed."""
    proc = run("model-info")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    assert card["feature_names"].endswith(" features")
    from farmdetect.novelty import NOVELTY_FEATURES

    assert card["novelty"]["cutoffs"].startswith(f"{len(NOVELTY_FEATURES)} features")
    assert 0 < card["threshold"] < 1
