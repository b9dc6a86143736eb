"""Nothing is made twice: the EPUB takes the PDF build's layout, and an unchanged edition is kept."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from press import api, printlayout
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
    assert again.kept == ("pdf", "epub", "html") and again.written == first.written
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
