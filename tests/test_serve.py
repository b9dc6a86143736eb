"""`build.py serve`: the web edition on 127.0.0.1, rebuilt on save, reloaded in the browser."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.conftest import MINIMAL, ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_serve_rebuilds_on_save(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "serve",
            "--manuscript",
            str(book / "minimal.md"),
            "--out",
            str(tmp_path / "out"),
            "--port",
            str(port),
            "-q",
        ],
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(f"{base}/__press_build") == "1")
        page = fetch(f"{base}/minimal.html")
        assert "A Minimal Manuscript" in page and "/__press_build" in page
        assert "/__press_build" not in (tmp_path / "out" / "minimal.html").read_text(encoding="utf-8")
        manuscript = book / "minimal.md"
        manuscript.write_text(manuscript.read_text(encoding="utf-8").replace("Closing", "Finale"), encoding="utf-8")
        wait_for(lambda: fetch(f"{base}/__press_build") == "2")
        assert "Finale" in fetch(f"{base}/minimal.html")
    finally:
        server.terminate()
        server.wait(timeout=10)
