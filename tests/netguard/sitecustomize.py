"""Loaded by every Python process the tests start (conftest puts this folder on PYTHONPATH).

It installs the same no-network guard as tests/conftest.py in CLI subprocesses and Spark or
datatrove workers: TCP/UDP connections may go to loopback only; unix sockets are local.
"""

import socket

_real_connect = socket.socket.connect


def _guarded(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0] if isinstance(address, tuple) else str(address)
        if not (str(host).startswith("127.") or host in ("localhost", "::1")):
            raise RuntimeError(f"network access to {host} in a test subprocess")
    return _real_connect(self, address)  # type: ignore[arg-type]


socket.socket.connect = _guarded  # type: ignore[method-assign]
