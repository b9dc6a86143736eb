"""A book in chapter files goes through Make as a single manuscript does: a chapter edited, added or
removed rebuilds the editions; nothing changed rebuilds nothing; a fault names its chapter file.
A Quarto book project builds as its author wrote it, with a warning for each thing only Quarto does."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import EPOCH, ROOT
from tests.readback import html_tree, text_of

BOOK = ROOT / "tests" / "fixtures" / "book"
QUARTO_BOOK = ROOT / "tests" / "fixtures" / "quarto-book"


def make(manuscript: Path, out: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            f"OUT={out}",
            f"MANUSCRIPT={manuscript}",
            f"SOURCE_DATE_EPOCH={EPOCH}",
            "html",
            *arguments,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def folder_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture book as a folder: book.yaml and numbered chapter files, built once."""
    folder = tmp_path_factory.mktemp("folder-book") / "keepers"
    shutil.copytree(BOOK / "chapters", folder)
    shutil.copy(BOOK / "sources.yaml", folder)
    front_matter = (BOOK / "book.md").read_text(encoding="utf-8").split("---")[1]
    kept = front_matter.split("chapters:")[0].replace("chapters/images/", "images/")
    (folder / "book.yaml").write_text(kept, encoding="utf-8")
    out = folder.parent / "out"
    run = make(folder, out)
    assert run.returncode == 0, run.stderr
    return folder, out


def test_a_folder_book_builds_its_chapters_in_numbered_order(folder_book: tuple[Path, Path]) -> None:
    _, out = folder_book
    page = (out / "keepers.html").read_text(encoding="utf-8")
    titles = ["First Lights", "Towers in the Sea", "Lamps and Lenses", "The Keepers", "Families", "The Last Watch"]
    positions = [page.index(f"{title}</h2>") for title in titles]
    assert positions == sorted(positions)
    # With no `appendices:` list, the lettered files are chapters too, after the numbered ones.
    assert page.index("Watch</h2>") < page.index("Glossary</h2>") < page.index("Lights Named in This Book</h2>")


def test_nothing_changed_makes_nothing_and_a_new_chapter_file_makes_the_book_again(
    folder_book: tuple[Path, Path],
) -> None:
    folder, out = folder_book
    assert make(folder, out, "--question").returncode == 0
    (folder / "07-epilogue.md").write_text("# Epilogue\n\nThe lights go on.\n", encoding="utf-8")
    try:
        assert make(folder, out, "--question").returncode != 0
        assert make(folder, out).returncode == 0
        assert "The lights go on." in (out / "keepers.html").read_text(encoding="utf-8")
    finally:
        (folder / "07-epilogue.md").unlink()
    assert make(folder, out).returncode == 0
    assert "The lights go on." not in (out / "keepers.html").read_text(encoding="utf-8")


def test_an_edited_chapter_rebuilds_and_its_fault_names_the_chapter_and_line(folder_book: tuple[Path, Path]) -> None:
    folder, out = folder_book
    chapter = folder / "04-keepers.md"
    written = chapter.read_text(encoding="utf-8")
    before = (out / "keepers.html").read_bytes()
    chapter.write_text(written + "\nAs @nobody1900 wrote.\n", encoding="utf-8")
    try:
        run = make(folder, out)
        assert run.returncode != 0
        line = written.count("\n") + 2
        assert f"keepers/04-keepers.md:{line}:4: error: '@nobody1900' is neither" in run.stderr
        assert "Traceback" not in run.stderr
        assert (out / "keepers.html").read_bytes() == before
    finally:
        chapter.write_text(written, encoding="utf-8")


def build_web_edition(project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The web edition of a book project's folder, built as an author would."""
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "build.py", "html", str(project), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)},
    )


def test_a_quarto_book_project_builds_with_a_warning_for_what_only_quarto_does(tmp_path: Path) -> None:
    run = build_web_edition(QUARTO_BOOK, tmp_path)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if ": warning: " in line]
    places = [line.split(": warning: ")[0].removeprefix(f"{QUARTO_BOOK.relative_to(ROOT)}/") for line in warnings]
    assert places == ["intro.qmd:7:1", "gauges.qmd:7:1"]
    assert "code cell ({python}) is shown as code" in warnings[0] and "{{< video" in warnings[1]
    page = (tmp_path / "quarto-book.html").read_text(encoding="utf-8")
    assert "<title>Tides of the North Sea" in page and "Ingrid Halvorsen" in page
    # The cell is a block of Python, line by line; the page break is no shortcode; the references are listed.
    cell = lxml.html.fromstring(page).find(".//pre[@class='sourceCode python cell']")
    assert isinstance(cell, lxml.html.HtmlElement) and "\nprint(round(tidal_range_m, 1))" in cell.text_content()
    assert "pagebreak" not in page and "Admiralty Manual of Tides" in page
    headings = ["Preface</h2>", "Introduction</h2>", "Measuring</h2>", "Tide Gauges</h2>", "Summary</h2>"]
    positions = [page.index(heading) for heading in headings]
    assert positions == sorted(positions)


BOOKDOWN_BOOK = ROOT / "tests" / "fixtures" / "bookdown-book"


def test_a_bookdown_project_builds_its_files_as_chapters_with_bookdowns_references(tmp_path: Path) -> None:
    run = build_web_edition(BOOKDOWN_BOOK, tmp_path)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if ": warning: " in line]
    assert (
        len(warnings) == 1 and "01-intro.Rmd:7:1: warning: a code cell ({r eval=FALSE}) is shown as code" in warnings[0]
    )
    page = html_tree(tmp_path / "bookdown-book.html")
    text = " ".join(page.text_content().split())
    # index.Rmd's text is the first chapter, as in bookdown; `\@ref(methods)` is the third chapter's number.
    assert "Chapter 3 says how, and Figure 2.1 shows a dot." in text and "Back to Chapter 2." in text
    assert "Figure 2.1: A green dot." in text and "@ref" not in text and "(#fig" not in text
    headings = [" ".join(text_of(heading).split()) for heading in page.iter("h2")]
    assert headings[:3] == ["Chapter 1: Prerequisites", "Chapter 2: Introduction", "Chapter 3: Methods"]
    # rmd_files names a chapter in a folder of its own; its image is found from the book's folder, as bookdown does.
    assert [image.get("alt") for image in page.iter("img")][-1] == "A dot, found from the book’s folder"


def test_a_last_chapter_that_is_a_heading_alone_titles_the_bibliography(tmp_path: Path) -> None:
    """bookdown's and Quarto's books end with `# References {-}`: the entries come under it, not after an empty
    chapter under the house's own title."""
    (tmp_path / "refs.json").write_text(
        '[{"id": "lee2020", "type": "book", "title": "Tides", "author": [{"family": "Lee", "given": "A."}],'
        ' "issued": {"date-parts": [[2020]]}, "publisher": "Harbour"}]',
        encoding="utf-8",
    )
    (tmp_path / "book.yaml").write_text(
        "title: Tides\nauthor: A\nlang: en\nbibliography: refs.json\nchapters: [one.md, references.md]\n",
        encoding="utf-8",
    )
    (tmp_path / "one.md").write_text("# One\n\nAs Lee says [@lee2020].\n", encoding="utf-8")
    (tmp_path / "references.md").write_text("# References {-}\n", encoding="utf-8")
    run = subprocess.run(
        [str(ROOT / ".venv/bin/python"), str(ROOT / "build.py"), "html", str(tmp_path), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    page = html_tree(tmp_path / "out" / f"{tmp_path.name}.html")
    headings = [" ".join(heading.text_content().split()) for heading in page.iter("h1", "h2", "h3")]
    assert "References" in headings and "Bibliography" not in headings, headings
    assert headings.count("References") == 1
    references = next(heading for heading in page.iter("h2", "h3") if heading.text_content().strip() == "References")
    assert "Tides" in references.getparent().text_content(), "the entries stand under it"


@pytest.mark.parametrize(
    ("settings", "numbers"), [("", ["1.1", "2.1"]), ("crossref:\n  chapters: false\n", ["1", "2"])]
)
def test_a_books_figures_are_numbered_in_each_chapter_unless_it_says_otherwise(
    tmp_path: Path, settings: str, numbers: list[str]
) -> None:
    shutil.copytree(BOOKDOWN_BOOK / "images", tmp_path / "images")
    book = tmp_path / "book.md"
    book.write_text(
        f"---\ntitle: Two figures\nauthor: A. Writer\nlang: en\nbook: true\n{settings}---\n\n# One\n\n"
        "![A dot.](images/icon.png){#fig:a}\n\n# Two\n\n![Another.](images/icon.png){#fig:b}\n\nSee @fig:a.\n",
        encoding="utf-8",
    )
    run = build_web_edition(book, tmp_path / "out")
    assert run.returncode == 0 and "warning" not in run.stderr, run.stderr
    page = html_tree(tmp_path / "out" / "book.html")
    assert [text_of(label) for label in page.find_class("caption-label")] == [f"Figure\u00a0{n}:" for n in numbers]
    assert [text_of(link) for link in page.find_class("cross-ref")] == [f"Figure\u00a0{numbers[0]}"]
