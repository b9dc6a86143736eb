"""Author mistakes: one clear line with file and line, a non-zero exit, previous editions intact."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, build

EDITIONS = (".pdf", ".epub", ".html")


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good build of the minimal manuscript, copied into each test's output folder."""
    out = tmp_path_factory.mktemp("previous")
    run = build("all", "--manuscript", MINIMAL, "--out", out, "-q")
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture
def project(tmp_path: Path, previous: Path) -> Path:
    """A copy of the minimal manuscript folder, with editions already built in out/."""
    shutil.copytree(MINIMAL.parent, tmp_path / "book")
    shutil.copytree(previous, tmp_path / "out")
    return tmp_path


def digests(out: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(out.iterdir()) if path.is_file()
    }


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(
        number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line
    )


def fails_cleanly(project: Path, command: str = "all") -> str:
    """Build the broken manuscript; return its one error line after checking the rest."""
    out = project / "out"
    before = digests(out)
    run = build(command, "--manuscript", project / "book" / "minimal.md", "--out", out, cwd=project)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if not line.startswith("read ")]
    assert len(lines) == 1, run.stderr
    assert digests(out) == before, "a failed build must leave the previous editions untouched"
    assert not [path for path in out.iterdir() if path.name.endswith(".part")]
    return lines[0]


def test_unknown_citation_key(project: Path) -> None:
    manuscript = project / "book" / "minimal.md"
    edit(manuscript, lambda text: text.replace("[@roe2019]", "[@roe2091]"))
    line = fails_cleanly(project)
    column = manuscript.read_text().splitlines()[line_of(manuscript, "@roe2091") - 1].index("@roe2091") + 1
    assert line.startswith(f"book/minimal.md:{line_of(manuscript, '@roe2091')}:{column}: error: ")
    assert "@roe2091" in line
    assert "did you mean @roe2019" in line


def test_malformed_yaml(project: Path) -> None:
    manuscript = project / "book" / "minimal.md"
    edit(manuscript, lambda text: text.replace('title: "A Minimal Manuscript"', 'title: "A Minimal Manuscript'))
    line = fails_cleanly(project)
    assert line.startswith("book/minimal.md:")
    assert "malformed YAML front matter" in line
    assert int(line.split(":")[1]) >= 2


def test_missing_image(project: Path) -> None:
    (project / "book" / "images" / "square.png").unlink()
    line = fails_cleanly(project, "html")
    expected_line = line_of(project / "book" / "minimal.md", "images/square.png")
    assert line.startswith(f"book/minimal.md:{expected_line}:")
    assert "image not found: images/square.png" in line


def test_missing_bibliography(project: Path) -> None:
    (project / "book" / "references.yaml").unlink()
    line = fails_cleanly(project)
    expected_line = line_of(project / "book" / "minimal.md", "bibliography:")
    assert line == f"book/minimal.md:{expected_line}: error: bibliography file not found: references.yaml"


def test_malformed_bibliography(project: Path) -> None:
    (project / "book" / "references.bib").write_text("@book{doe2020,\n  title = {Unclosed\n", encoding="utf-8")
    edit(project / "book" / "minimal.md", lambda text: text.replace("references.yaml", "references.bib"))
    line = fails_cleanly(project)
    assert line == "book/references.bib:2: error: cannot read the bibliography: unexpected end of input"


def test_unknown_style(project: Path) -> None:
    edit(project / "book" / "minimal.md", lambda text: text.replace("csl: apa", "csl: chicago-notes-bibliograpy"))
    line = fails_cleanly(project)
    expected_line = line_of(project / "book" / "minimal.md", "csl:")
    assert line.startswith(
        f"book/minimal.md:{expected_line}: error: unknown citation style 'chicago-notes-bibliograpy'"
    )
    assert "chicago-notes-bibliography" in line


def test_manuscript_not_utf8(project: Path) -> None:
    manuscript = project / "book" / "minimal.md"
    expected_line = line_of(manuscript, "Korean poet")
    manuscript.write_bytes(manuscript.read_bytes().replace("김소월".encode(), "café".encode("latin-1")))
    line = fails_cleanly(project)
    assert line.startswith(f"book/minimal.md:{expected_line}:")
    assert "not UTF-8" in line


def test_empty_manuscript(project: Path) -> None:
    (project / "book" / "minimal.md").write_text("\n", encoding="utf-8")
    assert fails_cleanly(project) == "book/minimal.md: error: the manuscript is empty"


def test_unwritable_output_folder(project: Path) -> None:
    blocker = project / "out" / "not-a-folder"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    run = build("html", "--manuscript", project / "book" / "minimal.md", "--out", blocker / "sub", cwd=project)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert "out/not-a-folder/sub: error: cannot write to the output folder" in run.stderr


def test_missing_manuscript(tmp_path: Path) -> None:
    run = build("pdf", "--manuscript", tmp_path / "nowhere.md", "--out", tmp_path)
    assert run.returncode != 0
    assert run.stderr.strip().endswith("nowhere.md: error: manuscript not found")


def test_missing_language_is_a_warning(tmp_path: Path) -> None:
    manuscript = tmp_path / "book.md"
    manuscript.write_text("---\ntitle: No Language\nauthor: A. Writer\n---\n\nText.\n", encoding="utf-8")
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", "-q", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stderr.startswith("book.md:1: warning: no 'lang' in the front matter")
    assert 'lang="en"' in (tmp_path / "out" / "book.html").read_text(encoding="utf-8")


def test_an_at_word_in_code_is_not_reported_as_a_citation(tmp_path: Path) -> None:
    """The code block and the code span hold '@frozen' as Pandoc reads it, as they are: placing the error there
    too, with the advice to write '\\@frozen', would have the author change the code."""
    manuscript = tmp_path / "book.md"
    manuscript.write_text(
        "---\ntitle: T\nauthor: A\nlang: zh-CN\n---\n\n```\n@frozen class Foo {}\n```\n\n"
        "代码使用了装饰器（@frozen）。\n\n`@frozen` 是代码。\n",
        encoding="utf-8",
    )
    run = build("all", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "book.md:11:10: error: '@frozen' is neither a citation key (there is no bibliography) nor a cross-reference;"
        " for a literal '@', write '\\@frozen'"
    ]


def test_every_image_that_cannot_be_carried_is_reported_in_one_run(tmp_path: Path) -> None:
    manuscript = tmp_path / "missing.md"
    manuscript.write_text(
        "---\ntitle: Missing\nauthor: A. Writer\nlang: en\n---\n\n![One](one.png)\n\nText.[^1]\n\n"
        "![Two](two.png)\n\n[^1]: ![Three](three.png)\n",
        encoding="utf-8",
    )
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert [line.split("/")[-1] for line in run.stderr.splitlines()] == [
        "missing.md:7:8: error: image not found: one.png",
        "missing.md:11:8: error: image not found: two.png",
        "missing.md:13:16: error: image not found: three.png",
    ]
