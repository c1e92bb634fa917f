"""Shared fixtures: fixture pages, the real-data folder (for slow tests), a no-network guard."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "data" / "pages"


def data_dir() -> Path:
    """The real labelled data: $FARMDETECT_DATA or ../shared/data beside the repo."""
    return Path(os.environ.get("FARMDETECT_DATA", ROOT.parent / "shared" / "data"))


def fixture_page(name: str) -> str:
    return (PAGES / name).read_text("utf-8")


@pytest.fixture
def real_data() -> Path:
    """The real data folder; in CI its absence is a failure, elsewhere a skip."""
    d = data_dir()
    if not (d / "pages").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"real data folder {d} is missing (CI must have ../shared/data)")
        pytest.skip(f"real data folder {d} not present")
    return d


NETGUARD = Path(__file__).resolve().parent / "netguard"


def pytest_configure(config: pytest.Config) -> None:
    """Child Python processes (CLI runs, pool and Spark workers) load the same network guard."""
    paths = [str(NETGUARD), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to loopback only; any other address is a test bug."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        # Unix sockets are local (multiprocessing's forkserver talks to its workers over one).
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect(self, address)  # type: ignore[arg-type]
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
            raise RuntimeError(f"network access to {host} in a test")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
