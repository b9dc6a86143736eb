"""Nothing is made twice: the EPUB takes the PDF build's layout, and an unchanged edition is kept."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from press import api, printlayout
from press.cache import BuildCache, owner
from tests.conftest import EPOCH, MINIMAL


@pytest.fixture(autouse=True)
def source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[object]:
    """Count the calls of a module's function while the test runs (the function still does its work)."""
    calls: list[object] = []
    original = getattr(module, name)

    def counting(*arguments: Any, **keywords: Any) -> Any:
        calls.append(arguments)
        return original(*arguments, **keywords)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.fixture
def manuscript(tmp_path: Path) -> Path:
    shutil.copytree(MINIMAL.parent, tmp_path / "book")
    return tmp_path / "book" / MINIMAL.name


def test_the_epub_takes_its_page_list_from_the_layout_the_pdf_build_made(
    manuscript: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layouts = counted(monkeypatch, printlayout, "layout")
    out = tmp_path / "out"
    api.build(manuscript, out, ("pdf",))  # as Make runs them: the PDF, then the EPUB in a build of its own
    api.build(manuscript, out, ("epub",))
    api.build(manuscript, tmp_path / "all", ("pdf", "epub", "html"))
    assert len(layouts) == 2, "one layout for each output folder"


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """Two builds at once each set and reset the libraries' loggers: put them back as they were."""
    loggers = [logging.getLogger(name) for name in api.LOGGING_LIBRARIES]
    saved = [(logger.handlers, logger.level, logger.propagate) for logger in loggers]
    yield
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)


def test_an_epub_built_beside_the_pdf_waits_for_its_layout(
    manuscript: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logging_restored: None
) -> None:
    """As Make runs them, side by side: the EPUB asks for the page list while the PDF build is under way."""
    out = tmp_path / "out"
    epub_waits = threading.Event()
    layouts: list[object] = []
    original_layout, original_running = printlayout.layout, BuildCache.running

    def layout_once_the_epub_waits(*arguments: Any) -> Any:
        layouts.append(arguments)
        assert epub_waits.wait(timeout=120), "the EPUB build never asked for the page list"
        return original_layout(*arguments)

    def running(cache: BuildCache, name: str) -> bool:
        busy = original_running(cache, name)
        if busy:
            epub_waits.set()
        return busy

    monkeypatch.setattr(printlayout, "layout", layout_once_the_epub_waits)
    monkeypatch.setattr(BuildCache, "running", running)
    pdf = threading.Thread(target=api.build, args=(manuscript, out, ("pdf",)))
    pdf.start()
    while not BuildCache(out).running(owner(manuscript.stem, "pdf")):
        time.sleep(0.05)
    api.build(manuscript, out, ("epub",))
    pdf.join()
    assert epub_waits.is_set() and len(layouts) == 1
    assert (out / "minimal.pdf").is_file() and (out / "minimal.epub").is_file()


def test_a_build_with_nothing_changed_keeps_every_edition_without_reading_the_manuscript(
    manuscript: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = api.build(manuscript, out)
    contents = {name: path.read_bytes() for name, path in first.written.items()}
    loads = counted(monkeypatch, api, "load_document")
    manuscript.touch()
    again = api.build(manuscript, out)
    assert loads == [] and again.document is None
    assert again.kept == ("pdf", "html", "epub") and again.written == first.written
    assert {name: path.read_bytes() for name, path in again.written.items()} == contents
    assert again.warnings == first.warnings


def test_an_edit_an_option_or_a_missing_output_makes_the_edition_again(
    manuscript: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    api.build(manuscript, out, ("pdf", "html"))
    assert api.build(manuscript, out, ("pdf", "html"), paper="letter").kept == ()
    assert api.build(manuscript, out, ("pdf", "html"), paper="letter").kept == ("pdf", "html")
    (out / "minimal.html").unlink()
    assert api.build(manuscript, out, ("pdf", "html"), paper="letter").kept == ("pdf",)
    manuscript.write_text(manuscript.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert api.build(manuscript, out, ("pdf", "html"), paper="letter").kept == ()


def test_a_kept_edition_gives_its_warnings_again(manuscript: Path, tmp_path: Path) -> None:
    manuscript.write_text(manuscript.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    out = tmp_path / "out"
    first = api.build(manuscript, out, ("html",), remove_active_content=True)
    again = api.build(manuscript, out, ("html",), remove_active_content=True)
    assert first.warnings and again.kept == ("html",)
    assert again.warnings == first.warnings


def test_editions_built_from_another_copy_of_the_manuscript_are_not_kept(manuscript: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    api.build(manuscript, out, ("html",))
    shutil.copytree(manuscript.parent, tmp_path / "copy")
    shutil.copytree(out, tmp_path / "copy-out")
    copy = tmp_path / "copy" / manuscript.name
    assert api.build(copy, tmp_path / "copy-out", ("html",)).kept == ()
    assert api.build(manuscript, tmp_path / "copy-out", ("html",)).kept == ()  # made from the copy just now
    shutil.copytree(out, tmp_path / "moved-out")
    assert api.build(manuscript, tmp_path / "moved-out", ("html",)).kept == ("html",)


def test_a_chapter_added_to_a_books_folder_makes_the_book_again(tmp_path: Path) -> None:
    book = tmp_path / "folder-book"
    book.mkdir()
    (book / "book.yaml").write_text("title: A Book in a Folder\nauthor: A. Writer\nlang: en\n", encoding="utf-8")
    (book / "1-first.md").write_text("# First\n\nThe first chapter.\n", encoding="utf-8")
    out = tmp_path / "out"
    api.build(book, out, ("epub",))
    assert api.build(book, out, ("epub",)).kept == ("epub",)
    (book / "2-second.md").write_text("# Second\n\nThe second chapter.\n", encoding="utf-8")
    assert api.build(book, out, ("epub",)).kept == ()


def test_a_books_web_pages_are_part_of_its_web_edition(tmp_path: Path) -> None:
    book = tmp_path / "folder-book"
    book.mkdir()
    (book / "book.yaml").write_text("title: A Book in a Folder\nauthor: A. Writer\nlang: en\n", encoding="utf-8")
    for number in (1, 2):
        (book / f"{number}-chapter.md").write_text(f"# Chapter {number}\n\nIts text.\n", encoding="utf-8")
    out = tmp_path / "out"
    api.build(book, out, ("html",))
    pages = sorted((out / "folder-book").iterdir())
    assert pages and api.build(book, out, ("html",)).kept == ("html",)
    pages[0].unlink()
    assert api.build(book, out, ("html",)).kept == ()
    assert pages[0].is_file()
