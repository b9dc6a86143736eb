"""A manuscript unlike the essay: German, CSL JSON, JPEG and SVG figures, a table, lists,
code, mathematics, notes holding lists, US Letter with endnotes, in a folder whose
name has a space. Every edition builds and passes its validators."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from press.validate import Check, epubcheck, nu, pdf_structure
from tests.conftest import FIXTURES, Editions, build_editions
from tests.readback import epub_documents, html_tree, normalise, text_of

VARIED = FIXTURES / "varied"


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    folder = tmp_path_factory.mktemp("varied") / "mein buch"
    shutil.copytree(VARIED, folder)
    return build_editions(folder / "buch.md", folder.parent / "aus gabe")


@pytest.mark.parametrize(
    ("validator", "edition"), [(epubcheck, "epub"), (nu, "html"), (pdf_structure, "pdf")], ids=["epub", "html", "pdf"]
)
def test_validators_report_nothing(varied: Editions, validator: Callable[[Path], Check], edition: str) -> None:
    check = validator(getattr(varied, edition))
    assert (check.errors, check.warnings) == ([], [])


def test_text_and_figures_reach_the_web_and_the_epub(varied: Editions) -> None:
    page = normalise(text_of(html_tree(varied.html)))
    book = normalise(" ".join(text_of(tree) for tree in epub_documents(varied.epub).values()))
    for text in (page, book):
        assert "Über „Anführungszeichen“ & Co." in text
        assert "Ein Absatz mit Zitat (Müller, 2019, S. 5) und einer Fußnote." in text
        assert "Von Jörg Müller und Ådne Ødegård" in text
        assert "Illustration von Anna Bild." in text
        assert "Anmerkungen" in text and "Impressum" in text
        assert "Die erste Fußnote mit einer Liste:" in text
    assert html_tree(varied.html).get("lang") == "de-DE"
