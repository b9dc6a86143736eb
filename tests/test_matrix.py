"""CI's fan-out: the matrix of titles to build, computed from what a commit changed, in a real repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import clean_clone, git

LIST = "tests/fixtures/list"


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clean_clone(tmp_path_factory.mktemp("matrix") / "press")


def commit(clone: Path, path: str, addition: str) -> None:
    with (clone / path).open("a", encoding="utf-8") as file:
        file.write(addition)
    git("-c", "user.name=Press", "-c", "user.email=press@example.invalid", "commit", "-qam", path, cwd=clone)


def plan(clone: Path, *arguments: str) -> str:
    """What `build.py matrix` prints."""
    completed = subprocess.run(
        [".venv/bin/python", "build.py", "matrix", "--list", LIST, *arguments],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def matrix(clone: Path, *arguments: str) -> dict[str, list[dict[str, str]]]:
    result: dict[str, list[dict[str, str]]] = json.loads(plan(clone, *arguments))
    return result


def test_a_change_to_one_title_builds_that_title(clone: Path) -> None:
    commit(clone, f"{LIST}/tide-tables/tide-tables.md", "\nOne more line.\n")
    assert matrix(clone, "--base", "HEAD~1") == {"include": [{"batch": "1", "titles": "tide-tables"}]}


def test_a_change_to_the_toolchain_builds_every_title_in_batches(clone: Path) -> None:
    commit(clone, "styles/print.css", "\n/* A change to the house style. */\n")
    assert matrix(clone, "--base", "HEAD~1", "--batches", "3") == {
        "include": [
            {"batch": "1", "titles": "harbour-lights der-leuchtturm"},
            {"batch": "2", "titles": "tide-tables"},
            {"batch": "3", "titles": "coastal-paths"},
        ]
    }


def test_a_change_to_neither_builds_nothing(clone: Path, tmp_path: Path) -> None:
    commit(clone, "README.md", "\nA line of documentation.\n")
    output = tmp_path / "github-output"
    assert plan(clone, "--base", "HEAD~1", "--github-output", str(output)) == ""
    assert output.read_text(encoding="utf-8") == 'matrix={"include":[]}\ncount=0\n'


def test_a_release_tag_names_its_title_or_the_whole_list(clone: Path) -> None:
    assert matrix(clone, "--tag", "der-leuchtturm-v0.9.0") == {"include": [{"batch": "1", "titles": "der-leuchtturm"}]}
    assert len(matrix(clone, "--tag", "v2024.1")["include"]) == 4
