"""The suite is offline by design: anything beyond loopback is refused, here and in child processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import NETGUARD, ROOT


def test_connecting_beyond_loopback_is_refused() -> None:
    with socket.socket() as sock, pytest.raises(OSError, match="offline test suite"):
        sock.connect(("1.1.1.1", 443))


def test_name_lookups_are_refused() -> None:
    with pytest.raises(OSError, match="offline test suite"):
        socket.getaddrinfo("api.openai.com", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.socket() as client:
            client.connect(server.getsockname())


def test_child_processes_are_guarded_too() -> None:
    code = "import socket; socket.create_connection(('api.telegram.org', 443), timeout=2)"
    env = {**os.environ, "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "offline test suite" in result.stderr
