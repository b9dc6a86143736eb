"""Shared fixtures: editions built once per session with the real tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.proof import chromium

# The tests run `make` as an author runs it: not as a job of the `make test` that started them,
# whose job server they cannot share ("jobserver unavailable" on every recursive run).
for variable in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
    os.environ.pop(variable, None)

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


@dataclass(frozen=True)
class Built:
    """Every edition of a manuscript, and what the build printed."""

    editions: Editions
    stderr: str


def git(*arguments: str, cwd: Path) -> str:
    return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=True).stdout


def clean_clone(folder: Path) -> Path:
    """The project's files, as a fresh clone has them, in a new git repository at `folder` with one
    commit; the installed tools (.venv, node_modules) are shared."""
    files = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT).split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file() and not (ROOT / name).is_symlink():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    for installed in (".venv", "node_modules"):
        (folder / installed).symlink_to((ROOT / installed).resolve())
    git("init", "-q", cwd=folder)
    git("-c", "user.name=Press", "-c", "user.email=press@example.invalid", "add", "-A", cwd=folder)
    git("-c", "user.name=Press", "-c", "user.email=press@example.invalid", "commit", "-qm", "clone", cwd=folder)
    return folder


def build_all(manuscript: Path, out: Path) -> Built:
    """All three editions, built as an author would; the build must succeed."""
    run = build("all", "--manuscript", manuscript, "--out", out, "-q")
    assert run.returncode == 0, run.stderr
    name = manuscript.stem
    return Built(Editions(out / f"{name}.pdf", out / f"{name}.epub", out / f"{name}.html"), run.stderr)


def build_editions(manuscript: Path, out: Path) -> Editions:
    """All three editions of a manuscript that must build without a warning."""
    built = build_all(manuscript, out)
    assert "warning" not in built.stderr.lower(), built.stderr
    return built.editions


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one for the whole session: Playwright's synchronous API allows one at a time."""
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def essay(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return build_editions(ESSAY, tmp_path_factory.mktemp("essay"))


@pytest.fixture(scope="session")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return build_editions(MINIMAL, tmp_path_factory.mktemp("minimal"))
