"""A book in several files read as one manuscript: the files it lists or its folder holds, in order,
every message naming the chapter file and its line, and its divisions told apart and numbered."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from press.book import read_source
from press.divisions import divide, name_divisions_in_references, notes_by_chapter, number_by_division
from press.document import Note
from press.errors import PressError, Reporter

BOOK = """---
title: A Book
author: A. Writer
chapters:
  - one.md
  - part: The Second Part
    chapters: [two.md]
appendices: [notes-on-sources.md]
---
"""


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def test_the_chapters_a_main_file_lists_follow_its_text_in_their_divisions(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "book.md": BOOK,
            "one.md": "# One\n\nFirst.\n",
            "two.md": "# Two\n\nSecond.\n",
            "notes-on-sources.md": "# Sources\n\nThird.\n",
        },
    )
    manuscript = read_source(tmp_path / "book.md", Reporter())
    assert manuscript.files == tuple(tmp_path / name for name in ("book.md", "one.md", "two.md", "notes-on-sources.md"))
    text = manuscript.text
    assert text.startswith(BOOK)
    assert text.index("# One") < text.index('data-kind="part"') < text.index("# The Second Part") < text.index("# Two")
    assert 'data-kind="appendix" data-source="notes-on-sources.md"' in text
    # Every character maps back to its file and line.
    assert str(manuscript.locate("Second.")) == f"{tmp_path / 'two.md'}:3:1"
    assert str(manuscript.location_at_line(text[: text.index("Third.")].count("\n") + 1)) == (
        f"{tmp_path / 'notes-on-sources.md'}:3"
    )


def test_a_folder_with_a_metadata_file_takes_its_markdown_files_in_numbered_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "book.yaml": "title: Folder Book\nauthor: A. Writer\n",
            "10-last.md": "# Last\n",
            "2-second.md": "# Second\n",
            "1-first.md": "# First\n",
            "README.md": "Not a chapter.\n",
            "_draft.md": "# Draft\n",
        },
    )
    manuscript = read_source(tmp_path, Reporter())
    assert [path.name for path in manuscript.files] == ["book.yaml", "1-first.md", "2-second.md", "10-last.md"]
    assert manuscript.yaml_blocks[0].text.startswith("title: Folder Book")
    assert "Not a chapter" not in manuscript.text and "Draft" not in manuscript.text
    # The front matter's lines are the metadata file's.
    assert str(manuscript.locate("author")) == f"{tmp_path / 'book.yaml'}:2:1"


def test_each_chapters_note_labels_are_its_own(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "book.md": "---\ntitle: T\nchapters: [a.md, b.md]\n---\n",
            "a.md": "# A\n\nText.[^1] A regex `[^x]` stays.\n\n[^1]: Note of A.\n",
            "b.md": "# B\n\nText.[^1]\n\n[^1]: Note of B.\n",
        },
    )
    text = read_source(tmp_path / "book.md", Reporter()).text
    assert "[^1-c1]: Note of A." in text and "[^1-c2]: Note of B." in text
    assert "`[^x]`" in text


def test_a_chapters_front_matter_gives_its_title_and_the_rest_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "book.md": "---\ntitle: T\nchapters: [a.md]\n---\n",
            "a.md": "---\ntitle: The Chapter\nauthor: Someone\n---\n\nText.\n",
        },
    )
    reporter = Reporter(collect=True)
    manuscript = read_source(tmp_path / "book.md", reporter)
    assert "# The Chapter\n\n" in manuscript.text and "author: Someone" not in manuscript.text
    assert [str(warning.location) for warning in reporter.warnings] == [f"{tmp_path / 'a.md'}:3"]


def test_a_missing_or_outside_chapter_is_an_error_at_the_list(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    write(tmp_path, {"outside.md": "# Out\n"})
    write(tmp_path / "book", {"book.md": "---\ntitle: T\nchapters:\n  - gone.md\n  - ../outside.md\n---\n"})
    with pytest.raises(PressError) as caught:
        read_source(tmp_path / "book" / "book.md", Reporter())
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{tmp_path / 'book' / 'book.md'}:3: error: chapter file not found: gone.md")
    assert "outside.md lies outside the manuscript's folder" in lines[1]


def test_a_folder_without_metadata_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, {"1.md": "# One\n"})
    with pytest.raises(PressError, match="needs a metadata file"):
        read_source(tmp_path, Reporter())


@pytest.mark.parametrize(
    ("metadata", "names", "book"),
    [
        # Manubot's content folder: the sections of one article, a section running on from one file to the next.
        ("metadata.yaml", ("01.abstract.md", "02.main.md"), False),
        ("metadata.yaml", ("01.abstract.md", "02.main.md"), True),  # with book: true
        ("book.yaml", ("01.abstract.md", "02.main.md"), True),
        ("metadata.yaml", ("abstract.md", "main.md"), True),
    ],
)
def test_a_manubot_content_folder_is_one_article(
    metadata: str, names: tuple[str, str], book: bool, tmp_path: Path
) -> None:
    said = "book: true\n" if names[0].startswith("01") and metadata == "metadata.yaml" and book else ""
    write(
        tmp_path,
        {
            metadata: f"title: T\nauthor: A\n{said}",
            names[0]: "## Abstract\n\nThe abstract.\n",
            names[1]: "More of it.\n\n## Introduction\n\nText.\n",
        },
    )
    manuscript = read_source(tmp_path, Reporter())
    assert bool(manuscript.chapter_files) == book
    assert ("press-division" in manuscript.text) == book
    assert manuscript.location(manuscript.text.index("More of it")).path == tmp_path / names[1]


def test_a_folder_that_says_book_false_is_one_text(tmp_path: Path) -> None:
    write(tmp_path, {"book.yaml": "title: T\nbook: false\n", "a.md": "# One\n", "b.md": "# Two\n"})
    manuscript = read_source(tmp_path, Reporter())
    assert manuscript.chapter_files == () and "# One\n\n\n# Two" in manuscript.text


def divisions_of(html: str, tmp_path: Path) -> tuple[lxml.html.HtmlElement, list[tuple[str, str | None, str]]]:
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    found = divide(fragment, "en", tmp_path)
    return fragment, [(division.kind, division.label, division.title) for division in found]


def test_a_divisions_label_and_title_are_joined_as_the_language_writes_them(tmp_path: Path) -> None:
    """A Chinese book's contents read "第1章: 开端", with a Latin colon."""
    fragment = lxml.html.fragment_fromstring(
        '<section id="c" class="level2"><h2>开端</h2></section>', create_parent="div"
    )
    (division,) = divide(fragment, "zh-CN", tmp_path)
    assert division.numbered_title == "第1章：开端"
    assert fragment.find("section/h2").text_content() == "第1章：开端"


def test_a_reference_to_a_division_reads_as_its_label_or_its_number(tmp_path: Path) -> None:
    """The cross-reference filter knows headings: it wrote "Section 2", and "Section 3" for Appendix A."""
    html = (
        '<section id="c1" class="level2"><h2>One</h2><p><a class="cross-ref" href="#c2">Section\u00a02</a>, '
        '<a class="cross-ref" href="#c2">2</a>, <a class="cross-ref" href="#s">Section\u00a02.1</a>, '
        '<a class="cross-ref" href="#apx">Section\u00a03</a>, <a href="#c2">a link</a></p></section>'
        '<section id="c2" class="level2"><h2>Two</h2><section id="s" class="level3"><h3>Sub</h3></section></section>'
        '<section id="apx" class="level2 appendix"><h2>Data</h2></section>'
    )
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    assert name_divisions_in_references(fragment, divide(fragment, "en", tmp_path))
    assert fragment.find("section/p").text_content() == "Chapter 2, 2, Section\u00a02.1, Appendix A, a link"


def test_figures_tables_and_equations_are_numbered_afresh_in_each_chapter_after_its_number(tmp_path: Path) -> None:
    """The cross-reference filter numbered them through the book: Figure 1 in the preface, 2 and 3 after."""
    figure = (
        '<figure id="{id}"><img alt=""><figcaption><span class="caption-label">Figure {n}:</span> F</figcaption>'
        "</figure>"
    )
    html = (
        '<section id="pre" class="level2 unnumbered"><h2>Preface</h2>' + figure.format(id="fig:p", n=1) + "</section>"
        '<section id="c1" class="level2"><h2>One</h2>' + figure.format(id="fig:a", n=2) + "<p>"
        '<span id="eq:e" class="equation">E <span class="equation-number">(1)</span></span> '
        '<a class="cross-ref" href="#fig:b">Figure\u00a03\u00a0(a)</a>, <a class="cross-ref" href="#fig:a">2</a>, '
        '<a class="cross-ref" href="#eq:e">Equation\u00a01</a>, <a class="cross-ref" href="#c1">Section\u00a01</a>, '
        '<a class="cross-ref" href="#fig:p">Figure\u00a01</a></p></section>'
        '<section id="apx" class="level2 appendix"><h2>Data</h2>' + figure.format(id="fig:b", n=3) + "</section>"
    )
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    divisions = divide(fragment, "en", tmp_path)
    name_divisions_in_references(fragment, divisions)
    assert number_by_division(fragment, divisions) == {"fig:a": "1.1", "eq:e": "1.1", "fig:b": "A.1"}
    labels = [label.text_content() for label in fragment.find_class("caption-label")]
    assert labels == ["Figure 1:", "Figure 1.1:", "Figure A.1:"], "the preface's figure keeps its number"
    assert fragment.find_class("equation-number")[0].text_content() == "(1.1)"
    references = fragment.find("section[@id='c1']/p").text_content()
    assert references.endswith("Figure\u00a0A.1\u00a0(a), 1.1, Equation\u00a01.1, Chapter 1, Figure\u00a01"), references


def test_each_number_goes_to_what_it_labels_and_a_subfigure_takes_its_figures(tmp_path: Path) -> None:
    html = (
        '<section id="c1" class="level2"><h2>One</h2>'
        '<div id="nte-a" class="callout"><div class="callout-title"><span class="callout-number">Note 1</span></div>'
        '<figure><img alt=""><figcaption><span class="caption-label">Figure 1:</span> Unreferenced</figcaption>'
        "</figure></div>"
        '<figure id="fig-p"><figure id="fig-p-a"><img alt=""><figcaption>(a) Left</figcaption></figure>'
        '<figcaption><span class="caption-label">Figure 2:</span> Panel</figcaption></figure>'
        '<figure id="fig-c"><figure id="lst-c"><figcaption><span class="caption-label">Listing 1:</span> Code'
        '</figcaption><pre>x</pre></figure><figcaption><span class="caption-label">Figure 3:</span> Output'
        "</figcaption></figure>"
        '<p><a class="cross-ref" href="#nte-a">Note\u00a01</a>, <a class="cross-ref" href="#fig-p-a">Figure\u00a02'
        '\u00a0(a)</a>, <a class="cross-ref" href="#fig%2Dp">Figure\u00a02</a></p></section>'
    )
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    renumbered = number_by_division(fragment, divide(fragment, "en", tmp_path))
    assert renumbered == {"nte-a": "1.1", "fig-p": "1.2", "fig-p-a": "1.2", "lst-c": "1.1", "fig-c": "1.3"}
    assert fragment.find("section/p").text_content() == "Note\u00a01.1, Figure\u00a01.2\u00a0(a), Figure\u00a01.2"


def test_page_breaks_that_only_open_or_close_a_division_are_left_out(tmp_path: Path) -> None:
    """A chapter file opening with `\\cleardoublepage` before its heading made a division of its own, an empty
    page; one ending with `\\newpage`, an empty page before the next chapter. A break within a chapter stays."""
    html = (
        '<section id="c1" class="level2"><h2>One</h2><p>1</p><div class="page-break"></div><p>2</p>'
        '<div class="page-break"></div></section>'
        '<div class="press-division" data-kind="chapter"><div class="page-break recto"></div>'
        '<section id="c2" class="level2"><h2>Two</h2><p>3</p></section></div>'
    )
    fragment, divisions = divisions_of(html, tmp_path)
    assert divisions == [("chapter", "Chapter 1", "One"), ("chapter", "Chapter 2", "Two")]
    assert [len(section.find_class("page-break")) for section in fragment] == [1, 0]


def test_parts_chapters_appendices_and_unnumbered_ends_as_quarto_and_bookdown_mark_them(tmp_path: Path) -> None:
    html = (
        "<p>An epigraph before any heading.</p>"
        '<section id="preface" class="level2 unnumbered"><h2 class="unnumbered">Preface</h2><p>P</p></section>'
        '<section id="p1" class="level2 part"><h2 class="part">Beginnings</h2></section>'
        '<section id="c1" class="level2"><h2>Start</h2><p>1</p></section>'
        '<section id="p2" class="level2"><h2>(PART) Endings</h2></section>'
        '<section id="c2" class="level2"><h2>Stop</h2><p>2</p></section>'
        '<section id="apx" class="level2 unnumbered"><h2>(APPENDIX) Appendices</h2></section>'
        '<section id="a1" class="level2"><h2>Data</h2></section>'
        '<section id="after" class="level2 unnumbered"><h2 class="unnumbered">Afterword</h2></section>'
    )
    fragment, divisions = divisions_of(html, tmp_path)
    assert divisions == [
        ("front", None, ""),
        ("front", None, "Preface"),
        ("part", "Part I", "Beginnings"),
        ("chapter", "Chapter 1", "Start"),
        ("part", "Part II", "Endings"),
        ("chapter", "Chapter 2", "Stop"),
        ("appendix", None, "Appendices"),
        ("appendix", "Appendix A", "Data"),
        ("back", None, "Afterword"),
    ]
    assert [element.tag for element in fragment] == ["section"] * 9
    assert fragment[3].get("data-part") == "p1" and fragment[7].get("data-part") is None
    heading = fragment[3].find("h2")
    assert heading is not None and heading.text_content() == "Chapter 1: Start"


def test_a_division_headed_below_a_chapter_rises_to_a_chapters_level_unnumbered(tmp_path: Path) -> None:
    """`## Abstract` before the first `#` chapter gave a division without a title (an empty entry in the
    EPUB's contents) whose heading went from the title's h1 to h3."""
    html = (
        '<section id="abstract" class="level3"><h3>Abstract</h3><p>a</p>'
        '<section id="aims" class="level4"><h4>Aims</h4><p>b</p></section></section>'
        '<section id="intro" class="level2"><h2>Intro</h2><p>c</p></section>'
    )
    fragment, found = divisions_of(html, tmp_path)
    assert found == [("front", None, "Abstract"), ("chapter", "Chapter 1", "Intro")]
    assert [(element.tag, element.get("class")) for element in fragment.iter("section", "h2", "h3", "h4")] == [
        ("section", "level2 unnumbered"),
        ("h2", None),
        ("section", "level3"),
        ("h3", None),
        ("section", "level2"),
        ("h2", None),
    ]


def test_notes_restart_in_each_chapter(tmp_path: Path) -> None:
    def call(number: int) -> str:
        return f'<a href="#fn{number}" class="footnote-ref" id="fnref{number}"><sup>{number}</sup></a>'

    html = (
        f'<section id="c1" class="level2"><h2>One</h2><p>a{call(1)} b{call(2)}</p></section>'
        f'<section id="c2" class="level2"><h2>Two</h2><p>c{call(3)}</p></section>'
    )
    fragment, _ = divisions_of(html, tmp_path)
    notes = tuple(Note(number, f"fn{number}", f"fnref{number}", "n") for number in (1, 2, 3))
    renumbered = notes_by_chapter(fragment, notes)
    assert [(note.number, note.division) for note in renumbered] == [(1, "c1"), (2, "c1"), (1, "c2")]
    assert [mark.text for mark in fragment.iter("sup")] == ["1", "2", "1"]


def test_files_the_command_line_names_after_the_manuscript_are_its_chapters(tmp_path: Path) -> None:
    write(tmp_path, {"front.md": "---\ntitle: T\n---\n", "one.md": "# One\n", "two.md": "# Two\n\nText.\n"})
    manuscript = read_source(tmp_path / "front.md", Reporter(), [tmp_path / "one.md", tmp_path / "two.md"])
    assert manuscript.files == (tmp_path / "front.md", tmp_path / "one.md", tmp_path / "two.md")
    assert str(manuscript.locate("Text.")) == f"{tmp_path / 'two.md'}:3:1"
    with pytest.raises(PressError, match=r"chapter file not found: .*three\.md"):
        read_source(tmp_path / "front.md", Reporter(), [tmp_path / "three.md"])


def test_an_empty_chapter_file_is_left_out_with_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "book.md": "---\ntitle: T\nchapters: [a.md, b.md, c.md, d.md]\n---\n",
            "a.md": "# A\n\nText.\n",
            "b.md": "\n  \n",
            "c.md": "---\nauthor: Someone\n---\n\n",
            "d.md": "---\ntitle: Still to Write\n---\n",
        },
    )
    reporter = Reporter(collect=True)
    manuscript = read_source(tmp_path / "book.md", reporter)
    assert manuscript.text.count("data-kind=") == 2
    assert 'data-source="b.md"' not in manuscript.text and 'data-source="c.md"' not in manuscript.text
    assert "# Still to Write" in manuscript.text  # a title alone is a chapter begun
    empty = [warning for warning in reporter.warnings if "is empty" in warning.message]
    assert [(warning.message, str(warning.location)) for warning in empty] == [
        ("the chapter file is empty; it is left out", f"{tmp_path / 'b.md'}:1"),
        ("the chapter file is empty; it is left out", f"{tmp_path / 'c.md'}:1"),
    ]
    assert manuscript.chapter_files == tuple(tmp_path / name for name in ("a.md", "b.md", "c.md", "d.md"))


BOOKDOWN_INDEX = """---
title: "A Minimal Book"
author: "A. Writer"
lang: en
---

# Prerequisites

Chapter \\@ref(methods) says how.
"""


def test_a_bookdown_projects_files_are_its_chapters_its_first_files_front_matter_the_books(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "_bookdown.yml": 'book_filename: "minimal"\nlanguage:\n  ui:\n    chapter_name: "Chapter "\n',
            "index.Rmd": BOOKDOWN_INDEX,
            "10-methods.Rmd": "# Methods\n\nHow.\n",
            "02-intro.Rmd": "# Introduction {#intro}\n\n```{r eval=FALSE}\n1 + 1\n```\n",
            "9-late.Rmd": "# Late\n",
            "CONTRIBUTING.md": "# How to contribute\n",
            "_draft.Rmd": "# Draft\n",
            "_common.R": "library(x)\n",
        },
    )
    manuscript = read_source(tmp_path, Reporter())
    # As bookdown merges them: .Rmd files only, by their names as text (10 before 9), index.Rmd first.
    files = ["index.Rmd", "02-intro.Rmd", "10-methods.Rmd", "9-late.Rmd"]
    assert [path.name for path in manuscript.chapter_files] == files
    assert manuscript.yaml_blocks[0].text.startswith('title: "A Minimal Book"')
    assert str(manuscript.locate("author")) == f"{tmp_path / 'index.Rmd'}:3:1"
    assert manuscript.text.count('data-kind="chapter"') == 4 and "contribute" not in manuscript.text
    assert "Draft" not in manuscript.text
    # rmd_files lists the files and their order; a listed file that is missing is an error at the project.
    write(tmp_path, {"_bookdown.yml": "rmd_files: [index.Rmd, 10-methods.Rmd]\n"})
    assert [path.name for path in read_source(tmp_path, Reporter()).chapter_files] == ["index.Rmd", "10-methods.Rmd"]
    write(tmp_path, {"_bookdown.yml": "rmd_files:\n  html: [index.Rmd, gone.Rmd]\n"})
    with pytest.raises(PressError, match=r"chapter file not found: .*gone\.Rmd") as raised:
        read_source(tmp_path, Reporter())
    assert str(raised.value).startswith(f"{tmp_path / '_bookdown.yml'}: error:")
    # Empty front matter ends at its closing line; no front matter at all is an error.
    write(tmp_path, {"_bookdown.yml": "rmd_files: [index.Rmd]\n", "index.Rmd": "---\n---\n\n# One\n"})
    assert read_source(tmp_path, Reporter()).text.count("---") == 2
    # Written on Windows.
    (tmp_path / "index.Rmd").write_bytes(b"---\r\ntitle: T\r\n---\r\n\r\n# One\r\n")
    assert 'data-kind="chapter"' in read_source(tmp_path, Reporter()).text
    write(tmp_path, {"index.Rmd": "# One\n"})
    with pytest.raises(PressError, match="the book's first file has no front matter"):
        read_source(tmp_path, Reporter())
