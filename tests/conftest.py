"""Shared fixtures: editions built once per session with the real tools."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ESSAY = ROOT / "manuscript" / "chongryon.md"
FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal" / "minimal.md"
EPOCH = "1700000000"


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def build(*arguments: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """Run build.py as an author would, in a separate process."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    completed = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *map(str, arguments)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


@dataclass(frozen=True)
class Editions:
    pdf: Path
    epub: Path
    html: Path


def build_editions(manuscript: Path, out: Path) -> Editions:
    run = build("all", "--manuscript", manuscript, "--out", out, "-q")
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr.lower(), run.stderr
    name = manuscript.stem
    return Editions(out / f"{name}.pdf", out / f"{name}.epub", out / f"{name}.html")


@pytest.fixture(scope="session")
def essay(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return build_editions(ESSAY, tmp_path_factory.mktemp("essay"))


@pytest.fixture(scope="session")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return build_editions(MINIMAL, tmp_path_factory.mktemp("minimal"))
