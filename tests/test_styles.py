"""Citation styles by name (independent or dependent) or by a path to a .csl file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from press.csl import STYLES_PACKAGE_DIR
from tests.conftest import MINIMAL, build
from tests.readback import html_tree, normalise, text_of


def build_with_style(tmp_path: Path, style: str) -> str:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    manuscript.write_text(manuscript.read_text(encoding="utf-8").replace("csl: apa", f"csl: {style}"), encoding="utf-8")
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    return normalise(text_of(html_tree(tmp_path / "out" / "minimal.html")))


def test_numeric_style_by_name(tmp_path: Path) -> None:
    text = build_with_style(tmp_path, "ieee")
    assert "A first paragraph cites a book [1, p. 12] and an article [2]." in text


def test_dependent_style_uses_its_parent(tmp_path: Path) -> None:
    """Pandoc would try to download a dependent style's parent; we resolve it locally."""
    assert (STYLES_PACKAGE_DIR / "dependent" / "accounting-forum.csl").is_file()
    text = build_with_style(tmp_path, "accounting-forum")
    assert "(Doe, 2020, p. 12)" in text


def test_style_by_path(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    shutil.copy(STYLES_PACKAGE_DIR / "chicago-notes-bibliography.csl", book / "house-style.csl")
    manuscript = book / "minimal.md"
    manuscript.write_text(
        manuscript.read_text(encoding="utf-8").replace("csl: apa", "csl: house-style.csl"), encoding="utf-8"
    )
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    notes = html_tree(tmp_path / "out" / "minimal.html").xpath("//section[@id='notes']//li")
    assert normalise(text_of(notes[0])) == "1.Jane Doe, A Book about Fixtures (Test Press, 2020), 12."


@pytest.mark.parametrize("style", ["missing.csl", "styles/none.csl"])
def test_missing_style_file(tmp_path: Path, style: str) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    manuscript.write_text(manuscript.read_text(encoding="utf-8").replace("csl: apa", f"csl: {style}"), encoding="utf-8")
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 1
    assert f"book/minimal.md:12: error: citation style file not found: {style}" in run.stderr
