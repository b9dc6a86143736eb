"""A build's editions made side by side (press.sidebyside): the same editions, findings and errors as made one
by one, the process beside the build handing back what it wrote, found and used."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from press import api
from press.cache import FOLDER, USED_FOLDER
from press.cli import print_diagnostic
from press.errors import PressError, Reporter
from press.sidebyside import Beside, shared
from press.speculation import outcomes
from tests.conftest import FIXTURES, MINIMAL, ROOT

forks: list[str] = []


def _count_forks(event: str, arguments: tuple[object, ...]) -> None:
    if event == "os.fork":
        forks.append(event)


sys.addaudithook(_count_forks)


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The editions are shared between two processes whatever machine runs the suite."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_the_first_edition_is_made_here_and_the_others_beside() -> None:
    assert shared(["pdf", "html", "epub"]) == (["pdf"], ["html", "epub"])
    assert shared(["html"]) == (["html"], [])


def test_one_core_makes_every_edition_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert shared(["pdf", "html", "epub"]) == (["pdf", "html", "epub"], [])


def test_editions_made_side_by_side_are_those_made_one_by_one(tmp_path: Path) -> None:
    forks.clear()
    together = api.build(MINIMAL, tmp_path / "together")
    assert len(forks) == 1  # one process beside the build: the web edition and the EPUB
    assert set(together.written) == {"pdf", "html", "epub"}
    for name in ("pdf", "html", "epub"):
        alone = api.build(MINIMAL, tmp_path / name, (name,))
        assert alone.written[name].read_bytes() == together.written[name].read_bytes(), name
    # What the process beside used is recorded with the build's own: the web fonts it cut stay in the cache.
    used = (tmp_path / "together" / FOLDER / USED_FOLDER / "minimal.html").read_text(encoding="utf-8").split()
    fonts = [name for name in used if name.startswith("font-")]
    assert fonts and all((tmp_path / "together" / FOLDER / name).is_file() for name in fonts)
    assert api.build(MINIMAL, tmp_path / "together").kept == ("pdf", "html", "epub")


def test_what_the_process_beside_finds_is_shown_once_and_is_the_builds(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Without the PDF, the EPUB lays out the print pages for its page list itself, beside the web edition:
    WeasyPrint's warning about the title's print stylesheet is found in that process."""
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    (book / "styles").mkdir()
    (book / "styles" / "print.css").write_text("h2 { frobnicate: 1 }\n", encoding="utf-8")
    manuscript = book / "minimal.md"
    result = api.build(manuscript, tmp_path / "out", ("html", "epub"), reporter=Reporter(echo=print_diagnostic))
    found = [warning.message for warning in result.warnings if "frobnicate" in warning.message]
    assert len(found) == 1, result.warnings
    assert capfd.readouterr().err.count("frobnicate") == 1
    # The EPUB's record has it: the edition kept gives it again.
    again = api.build(manuscript, tmp_path / "out", ("html", "epub"))
    assert again.kept == ("html", "epub") and [w.message for w in again.warnings if "frobnicate" in w.message]


def test_an_error_beside_stops_the_build_after_the_first_edition_is_made(tmp_path: Path) -> None:
    """The web edition of a book writes a folder of pages, which a file of that name in the output folder
    stops; the PDF, made first, is written, and the EPUB, made after the web edition, is not."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "book").write_text("not a folder", encoding="utf-8")
    with pytest.raises(PressError, match="cannot write the book's web pages to book: a file has that name"):
        api.build(FIXTURES / "book" / "book.md", out)
    assert (out / "book.pdf").is_file() and not (out / "book.epub").exists()


def _end_without_a_word(how: str) -> None:
    if how == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(3)


@pytest.mark.parametrize(("how", "said"), [("killed", "was stopped by signal 9"), ("exit", "ended with status 3")])
def test_a_process_beside_that_ends_without_a_word_is_an_error_of_one_line(how: str, said: str) -> None:
    """Killed for its memory, say: the build stops with one line, not a traceback."""
    forked = multiprocessing.get_context("fork")
    receiving, sending = forked.Pipe(duplex=False)
    process = forked.Process(target=_end_without_a_word, args=(how,))
    process.start()
    sending.close()
    outcome = Beside(("html", "epub"), process, receiving).outcome()
    assert outcome.problems == [(f"the process making the html and epub editions {said}", None)]


def test_with_the_pandoc_pass_guessed_each_finding_is_shown_once(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A word edited: the build goes on with the pass guessed, and forks before the guess is confirmed; what the
    loader found after the pass is the build's to show, not the process beside's too."""
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    with manuscript.open("a", encoding="utf-8") as text:
        text.write("\n<script>alert(1)</script>\n\nA last wildly different paragraph.\n")
    api.build(manuscript, tmp_path / "out")
    capfd.readouterr()
    manuscript.write_text(manuscript.read_text(encoding="utf-8").replace("wildly", "vastly"), encoding="utf-8")
    confirmed = outcomes["confirmed"]
    result = api.build(manuscript, tmp_path / "out", reporter=Reporter(echo=print_diagnostic))
    assert outcomes["confirmed"] > confirmed and set(result.written) == {"pdf", "html", "epub"}
    assert capfd.readouterr().err.count("removed <script>") == 1
    assert [warning.message for warning in result.warnings].count(
        "removed <script> from the manuscript's raw HTML: editions run no code from it"
    ) == 1


def test_a_failed_build_leaves_make_the_editions_it_kept(tmp_path: Path) -> None:
    """The web edition refuses the title's stylesheet; the PDF and the EPUB, kept, stay (Make deletes what a
    failed recipe changed, unless it is precious)."""
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    out = tmp_path / "out"

    def make() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", "--no-print-directory", f"MANUSCRIPT={book / 'minimal.md'}", f"OUT={out}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

    assert make().returncode == 0
    before = {suffix: (out / f"minimal.{suffix}").read_bytes() for suffix in ("pdf", "epub")}
    (book / "styles").mkdir()
    (book / "styles" / "screen.css").write_text('@import url("other.css");\n', encoding="utf-8")
    failed = make()
    assert failed.returncode != 0 and "@import" in failed.stderr
    assert {suffix: (out / f"minimal.{suffix}").read_bytes() for suffix in ("pdf", "epub")} == before
