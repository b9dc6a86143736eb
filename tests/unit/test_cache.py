"""The build cache keeps what the latest build of each edition used, and no more."""

from __future__ import annotations

import fcntl
import multiprocessing
from pathlib import Path

import pytest

from press.cache import BuildCache, files_digest
from press.errors import PressError


def entries(out: Path) -> set[str]:
    return {path.name for path in (out / ".cache").iterdir() if path.is_file() and not path.name.endswith(".lock")}


def test_a_build_keeps_what_it_used_and_drops_what_the_last_build_of_its_edition_used(tmp_path: Path) -> None:
    for number in range(10):
        cache = BuildCache(tmp_path)
        with cache.session(["book.pdf"]):
            cache.write(f"pandoc-{number}", b"pass")
            with cache.locked(f"pages-{number}"):
                cache.write(f"pages-{number}", b"pages")
    assert entries(tmp_path) == {"pandoc-9", "pages-9"}
    assert not list((tmp_path / ".cache").glob("pages-[0-8]*.lock"))


def test_what_another_edition_or_manuscript_uses_is_kept(tmp_path: Path) -> None:
    web = BuildCache(tmp_path)
    with web.session(["book.html"]):
        web.write("font-a", b"font")
        web.write("pandoc-1", b"pass")
    pdf = BuildCache(tmp_path)
    with pdf.session(["book.pdf"]):
        pdf.read("pandoc-1")
        pdf.write("pages-1", b"pages")
    other = BuildCache(tmp_path)
    with other.session(["essay.pdf"]):
        other.write("pandoc-2", b"pass")
    assert entries(tmp_path) == {"font-a", "pandoc-1", "pages-1", "pandoc-2"}


def test_no_clean_up_while_another_build_runs(tmp_path: Path) -> None:
    first = BuildCache(tmp_path)
    with first.session(["book.pdf"]):
        first.write("old", b"")
    running = BuildCache(tmp_path)
    with running.session(["book.html"]):
        running.write("in-progress", b"")
        finished = BuildCache(tmp_path)
        with finished.session(["book.pdf"]):
            finished.write("new", b"")
        # `running` holds its shared lock: `finished` could not clean up, so nothing was lost.
        assert {"old", "new", "in-progress"} <= entries(tmp_path)
    assert "old" not in entries(tmp_path) and {"new", "in-progress"} <= entries(tmp_path)


def test_a_failed_build_records_nothing(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    with cache.session(["book.pdf"]):
        cache.write("good", b"")
    failing = BuildCache(tmp_path)
    with pytest.raises(RuntimeError), failing.session(["book.pdf"]):
        failing.write("half", b"")
        raise RuntimeError("the build stopped")
    assert "good" in entries(tmp_path)


def test_the_session_lock_is_shared_while_a_build_runs(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    with cache.session(["book.pdf"]), (tmp_path / ".cache" / "session.lock").open("a") as lock:
        with pytest.raises(BlockingIOError):
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(lock, fcntl.LOCK_UN)


def test_a_missing_input_is_an_error_not_a_stale_key(tmp_path: Path) -> None:
    present = tmp_path / "refs.bib"
    present.write_text("@book{a,}", encoding="utf-8")
    first = files_digest([present])
    present.write_text("@book{b,}", encoding="utf-8")
    assert files_digest([present]) != first
    with pytest.raises(PressError, match="cannot read an input of the build") as raised:
        files_digest([present, tmp_path / "abbreviations.json"])
    assert raised.value.location is not None and raised.value.location.path.name == "abbreviations.json"


def test_a_process_beside_the_build_waits_for_the_editions_its_build_makes_until_they_are_finished(
    tmp_path: Path,
) -> None:
    """The process forked to make the EPUB (press.sidebyside) takes the PDF, made by its build, for a build
    beside it: it waits for the PDF's entries while the PDF is being made, and no longer once it is done."""
    cache = BuildCache(tmp_path)
    forked = multiprocessing.get_context("fork")
    with cache.session(["book.pdf", "book.epub"]):
        assert not cache.running("book.pdf")  # its own edition, in the build itself
        answers, asking = forked.Pipe()

        def beside() -> None:
            cache.beside(["book.epub"])
            asking.send(cache.running("book.pdf"))
            asking.recv()
            asking.send(cache.running("book.pdf"))

        process = forked.Process(target=beside, daemon=True)  # a failed assertion leaves no process behind
        process.start()
        assert answers.poll(30) and answers.recv() is True
        cache.finished(["book.pdf"])
        answers.send("done")
        assert answers.poll(30) and answers.recv() is False
        process.join(30)
        assert process.exitcode == 0
