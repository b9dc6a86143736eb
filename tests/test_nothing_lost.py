"""Whatever Pandoc parses reaches every edition, or the build says what it dropped and where.

Fixture manuscripts written the way authors write for plain Pandoc are built
into all three editions and read back: every paragraph, heading, list item
(with its number where the edition shows one), table cell, code block and note.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from press import api
from press.validate import destination_pages, epubcheck, nu, pdf_links
from tests.conftest import FIXTURES, Built, build, build_all
from tests.readback import (
    XHTML,
    attribute,
    epub_documents,
    html_tree,
    letters,
    normalise,
    one,
    pdf_pages,
    pdf_text_without_superscripts,
    remove_keeping_tail,
    text_of,
    xpath_elements,
)

CONSTRUCTS = FIXTURES / "constructs" / "constructs.md"
FOOTNOTES_SECTION = FIXTURES / "footnotes-section" / "footnotes-section.md"
RAW_LATEX = FIXTURES / "raw-latex" / "raw-latex.md"
RAW_HTML = FIXTURES / "raw-html" / "raw-html.md"
HANDLE = FIXTURES / "handle" / "handle.md"
EDITIONS = ("html", "epub", "pdf")
BACK_LINK = "↩"


@pytest.fixture(scope="module")
def constructs(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(CONSTRUCTS, tmp_path_factory.mktemp("constructs"))


@pytest.fixture(scope="module")
def footnotes_section(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(FOOTNOTES_SECTION, tmp_path_factory.mktemp("footnotes-section"))


@pytest.fixture(scope="module")
def raw_latex(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(RAW_LATEX, tmp_path_factory.mktemp("raw-latex"))


@pytest.fixture(scope="module")
def raw_html(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(RAW_HTML, tmp_path_factory.mktemp("raw-html"))


# Reading an edition back.


def text_documents(built: Built, edition: str) -> list[etree._Element]:
    """The edition's (X)HTML documents: the web page, or the EPUB's documents in the zip."""
    if edition == "html":
        return [html_tree(built.editions.html)]
    return list(epub_documents(built.editions.epub).values())


def reading_text(built: Built, edition: str, *, superscripts: bool = True) -> str:
    """All the text a reader gets, note calls (and, for the PDF, anything set as small) aside."""
    if edition == "pdf":
        if superscripts:
            return "\n".join(pdf_pages(built.editions.pdf))
        return pdf_text_without_superscripts(built.editions.pdf)
    texts = []
    for tree in text_documents(built, edition):
        for skipped in xpath_elements(
            tree,
            "//*[local-name()='a'][contains(@class, 'footnote-ref')] | //*[@aria-hidden='true'] "
            "| //*[@role='doc-pagebreak']",
        ):
            remove_keeping_tail(skipped)
        texts.append(normalise(text_of(tree)))
    return "\n".join(texts)


def missing_from(text: str, expected: list[str], edition: str) -> list[str]:
    compare = letters if edition == "pdf" else normalise
    haystack = compare(text)
    return [piece for piece in expected if compare(piece) not in haystack]


def elements(built: Built, edition: str, xpath: str) -> list[etree._Element]:
    return [element for tree in text_documents(built, edition) for element in xpath_elements(tree, xpath)]


def list_markers(page: str) -> list[str]:
    """The numbers of the page's list items that WeasyPrint sets outside the text: pdfium
    gives them after the page's text, one to a line."""
    return re.findall(r"^([0-9ivxlcdmA-Z]+\.)[ \r]*$", page, flags=re.MULTILINE)


# Everything Pandoc parses.

CONSTRUCTS_TEXT = [
    "Everything Pandoc Parses",
    "Lists numbered as written",
    "A list that resumes at two, in parentheses:",
    "Second step in parentheses.",
    "Third step in parentheses.",
    "A list in lower-case Roman numerals:",
    "First roman item.",
    "Second roman item.",
    "Third roman item.",
    "A list in capital letters:",
    "First lettered item.",
    "Second lettered item.",
    "A list that starts at seven:",
    "Seventh numbered item.",
    "Eighth numbered item.",
    "A list numbered by Pandoc:",
    "First hash item.",
    "Second hash item.",
    "Examples numbered across the text:",
    "First example item.",
    "Second example item.",
    "An open task item.",
    "A finished task item.",
    "Inline formatting",
    "Words in small capitals, underlined words, highlighted words, struck-out words, water as H2O and area in m2,"
    " a key Ctrl, and a span with a class.",
    "Blocks",
    "A line block keeps its lines,",
    "and its indentation,",
    "line after line.",
    "Definition term",
    "The definition of the term.",
    "A fenced division with a class.",
    "A raw HTML division.",
    "Left column",
    "Right column",
    "Cell one",
    "Cell two",
    "Cell three",
    "Cell four",
    'print("a code block")',
    "Anchors",
    "The software paragraph has a raw HTML anchor before it.",
    "A raw span marks a quiet place, and an anchor with an id another.",
    "Links go to the software, to the quiet place and to the named link.",
    "Notes",
    "A paragraph whose note holds blocks of many kinds.",
]
CONSTRUCTS_NOTE = [
    "A note with small capitals in a note and blocks:",
    "a line block in a note,",
    "its second line.",
    "Term in a note",
    "Definition in a note.",
    "Roman item in a note.",
    "Second roman item in a note.",
    "Note cell A",
    "Note cell B",
    "Note cell C",
    "Note cell D",
]


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_construct_reaches_every_edition(constructs: Built, edition: str) -> None:
    assert "warning" not in constructs.stderr.lower(), constructs.stderr
    assert not missing_from(reading_text(constructs, edition), CONSTRUCTS_TEXT, edition)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_block_of_a_note_reaches_every_edition(constructs: Built, edition: str) -> None:
    assert not missing_from(reading_text(constructs, edition), CONSTRUCTS_NOTE, edition)


def test_a_list_in_a_footnote_keeps_its_style_in_print(constructs: Built) -> None:
    whole = letters("".join(pdf_pages(constructs.editions.pdf)))
    assert letters("i. Roman item in a note. ii. Second roman item in a note.") in whole


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_lists_keep_their_start_and_style_on_screen(constructs: Built, edition: str) -> None:
    in_text = elements(constructs, edition, "//*[contains(@class, 'body-text')]//*[local-name()='ol']")
    lists = [(ol.get("start"), ol.get("type")) for ol in in_text]
    assert lists[:6] == [("2", "1"), (None, "i"), (None, "A"), ("7", "1"), (None, None), (None, "1")]
    # The parentheses are drawn by the stylesheet from the classes around the list.
    wrapped = elements(constructs, edition, "//*[contains(@class, 'list-two-parens')]/*[local-name()='ol']")
    assert [ol.get("start") for ol in wrapped] == ["2", None]


def test_lists_keep_their_numbers_in_print(constructs: Built) -> None:
    first_page = pdf_pages(constructs.editions.pdf)[0]
    assert list_markers(first_page) == ["i.", "ii.", "iii.", "A.", "B.", "7.", "8.", "1.", "2."]
    # Markers written with parentheses are set inside the items' lines.
    for item in ("(2) Second step", "(3) Third step", "(1) First example", "(2) Second example"):
        assert letters(item) in letters(first_page)


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_inline_styles_are_marked_up_for_the_stylesheets(constructs: Built, edition: str) -> None:
    def texts(xpath: str) -> set[str]:
        """Texts of the elements found (a note's margin copy in the web edition repeats it)."""
        return {text_of(element) for element in elements(constructs, edition, xpath)}

    assert texts("//*[contains(@class, 'smallcaps')]") == {"small capitals", "small capitals in a note"}
    assert texts("//*[local-name()='u']") == {"underlined words"}
    assert texts("//*[local-name()='mark']") == {"highlighted words"}


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_raw_html_anchors_are_link_targets(constructs: Built, edition: str) -> None:
    assert not elements(constructs, edition, "//*[local-name()='a'][@name]")
    identifiers = {element.get("id") for element in elements(constructs, edition, "//*[@id]")}
    targets = [attribute(link, "href") for link in elements(constructs, edition, "//*[local-name()='a'][@href]")]
    internal = [href.split("#")[1] for href in targets if "#" in href and not href.startswith("http")]
    assert {"software", "quiet-place", "named-link"} <= set(internal)
    assert set(internal) <= identifiers


def test_raw_html_anchors_are_link_targets_in_print(constructs: Built) -> None:
    with pikepdf.open(constructs.editions.pdf) as pdf:
        linked = {name for _, name in pdf_links(pdf)}
        destinations = destination_pages(pdf)
    assert {"software", "quiet-place", "named-link"} <= linked
    assert linked <= set(destinations)


def test_check_accepts_raw_html_anchors(tmp_path: Path) -> None:
    run = build("check", "--manuscript", CONSTRUCTS, "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    assert "not an identifier" not in run.stderr


# A section headed "Footnotes" and the notes.

FOOTNOTES_TEXT = [
    "A Section Called Footnotes",
    "Introduction",
    "The introduction makes a claim with a note. It also cites a source (Quill, 2021).",
    "Footnotes",
    "This section is the author’s own, about footnotes in the history of the book, and happens to be headed"
    " “Footnotes”. Pandoc gives it the identifier footnotes, as it does its list of notes.",
    "Sources",
    "The sources are listed here, where the author placed them.",
    "Quill, P. (2021). The Footnote in History. Margin Press.",
]
NOTES = [
    "The note on the claim, with a list that starts at three:",
    "third point of the note",
    "fourth point of the note",
    "A note inside the section headed Footnotes.",
]


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_section_headed_footnotes_stays_and_the_notes_are_notes(footnotes_section: Built, edition: str) -> None:
    assert "warning" not in footnotes_section.stderr.lower(), footnotes_section.stderr
    text = reading_text(footnotes_section, edition, superscripts=False)
    assert not missing_from(text, FOOTNOTES_TEXT, edition)
    # The PDF sets its notes smaller than the text, at the page bottom.
    with_notes = reading_text(footnotes_section, edition)
    assert not missing_from(with_notes, NOTES, edition)
    assert BACK_LINK not in with_notes


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_notes_are_listed_once_with_their_numbers(footnotes_section: Built, edition: str) -> None:
    sections = elements(footnotes_section, edition, "//*[local-name()='section'][@id='footnotes']")
    assert [normalise(text_of(one(section.find("{*}h2"), "heading of the notes"))) for section in sections] == [
        "Footnotes"
    ]
    notes = elements(footnotes_section, edition, "//*[contains(@class, 'notes')]/*[local-name()='ol']/*")
    assert [normalise(text_of(one(note.find("{*}a"), "backlink of a note"))) for note in notes] == ["1.", "2."]
    assert [normalise(text_of(one(note.find("{*}div"), "text of a note"))) for note in notes] == [
        "The note on the claim, with a list that starts at three: third point of the note fourth point of the note",
        "A note inside the section headed Footnotes.",
    ]
    inner = elements(footnotes_section, edition, "//*[@class='note-text']//*[local-name()='ol']")
    assert [ol.get("start") for ol in inner] == ["3"]
    # Every call leads to its note.
    identifiers = {element.get("id") for element in elements(footnotes_section, edition, "//*[@id]")}
    calls = elements(footnotes_section, edition, "//*[contains(@class, 'footnote-ref')]")
    assert [attribute(call, "href").rpartition("#")[2] for call in calls] == ["fn1", "fn2"]
    assert {"fn1", "fn2"} <= identifiers


def test_the_epub_links_only_to_documents_it_has(footnotes_section: Built) -> None:
    documents = epub_documents(footnotes_section.editions.epub)
    names = {name.removeprefix("EPUB/") for name in documents}
    hrefs = [
        href.partition("#")[0]
        for tree in documents.values()
        for link in tree.iter("{*}a")
        if (href := link.get("href")) and "://" not in href and not href.startswith("#")
    ]
    assert hrefs
    assert set(hrefs) <= names
    assert "notes.xhtml" in names


def test_a_list_in_a_footnote_keeps_its_start_in_print(footnotes_section: Built) -> None:
    whole = letters("".join(pdf_pages(footnotes_section.editions.pdf)))
    assert letters("3. third point of the note 4. fourth point of the note") in whole


def test_the_bibliography_stays_where_the_author_placed_it(footnotes_section: Built) -> None:
    for edition in ("html", "epub"):
        placed = elements(footnotes_section, edition, "//*[local-name()='section'][@id='sources']//*[@id='refs']")
        assert [normalise(text_of(element)) for element in placed] == [
            "Quill, P. (2021). The Footnote in History. Margin Press."
        ]
    assert "EPUB/bibliography.xhtml" not in epub_documents(footnotes_section.editions.epub)


# Raw LaTeX.

RAW_LATEX_TEXT = [
    "Converted",
    "A word in emphasis, one in bold, one in italic and Small Capitals, an address https://example.org/raw and"
    " a linked phrase.",
    "After a page break",
    "The index entry is not shown anywhere, nor is the label of this paragraph.",
    "A centred sentence in a LaTeX environment.",
    "Dropped",
    "A paragraph with a spacing command follows.",
    "The last paragraph has a note.",
]
RAW_LATEX_NOTE = "A note with converted LaTeX and an ."
RAW_LATEX_WARNINGS = [
    "tests/fixtures/raw-latex/raw-latex.md:18:16: warning: raw LaTeX '\\index{index entry}' dropped:",
    "tests/fixtures/raw-latex/raw-latex.md:19:16: warning: raw LaTeX '\\label{para}' dropped:",
    "tests/fixtures/raw-latex/raw-latex.md:31:1: warning: raw LaTeX '\\vspace{2em}' dropped:",
    "tests/fixtures/raw-latex/raw-latex.md:37:51: warning: raw LaTeX '\\index{note entry}' dropped:",
]


def test_dropped_raw_latex_is_reported_with_its_line(raw_latex: Built) -> None:
    lines = raw_latex.stderr.splitlines()
    assert len(lines) == len(RAW_LATEX_WARNINGS), raw_latex.stderr
    for line, expected in zip(lines, RAW_LATEX_WARNINGS, strict=True):
        assert line.startswith(expected)


def test_check_reports_the_same_dropped_raw_latex(tmp_path: Path) -> None:
    run = build("check", "--manuscript", RAW_LATEX, "--out", tmp_path)
    warnings = [line for line in run.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == len(RAW_LATEX_WARNINGS), run.stderr
    for warning, expected in zip(warnings, RAW_LATEX_WARNINGS, strict=True):
        assert warning.startswith(expected)


def test_strict_makes_dropped_raw_latex_an_error(tmp_path: Path) -> None:
    run = build("html", "--manuscript", RAW_LATEX, "--out", tmp_path, "--strict")
    assert run.returncode == 1
    assert RAW_LATEX_WARNINGS[0].replace("warning:", "error:") in run.stderr


@pytest.mark.parametrize("edition", EDITIONS)
def test_convertible_raw_latex_reaches_every_edition(raw_latex: Built, edition: str) -> None:
    assert not missing_from(reading_text(raw_latex, edition, superscripts=False), RAW_LATEX_TEXT, edition)
    assert not missing_from(reading_text(raw_latex, edition), [RAW_LATEX_NOTE], edition)


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_raw_latex_becomes_markup(raw_latex: Built, edition: str) -> None:
    def texts(xpath: str) -> set[str]:
        """Texts of the elements found (a note's margin copy in the web edition repeats it)."""
        return {normalise(text_of(element)) for element in elements(raw_latex, edition, xpath)}

    assert texts("//*[local-name()='em']") == {"emphasis", "italic", "converted"}
    assert texts("//*[local-name()='strong']") == {"bold"}
    assert texts("//*[contains(@class, 'smallcaps')]") == {"Small Capitals"}
    links = elements(raw_latex, edition, "//*[local-name()='a'][starts-with(@href, 'https://example.org')]")
    assert [link.get("href") for link in links] == ["https://example.org/raw", "https://example.org/link"]
    # Page breaks are there for print, empty on screen.
    breaks = elements(raw_latex, edition, "//*[contains(@class, 'page-break')]")
    assert len(breaks) == 3
    assert all(not text_of(element).strip() for element in breaks)


def test_raw_latex_page_breaks_break_the_print_page(raw_latex: Built) -> None:
    pages = [page.strip() for page in pdf_pages(raw_latex.editions.pdf)]
    assert pages[1].startswith("After a page break")
    assert pages[2].startswith("Dropped")
    assert pages[3].startswith("Colophon")


# Raw HTML from older pages.

RAW_HTML_TEXT = [
    "Obsolete but shown",
    "A line centred by an old element.",
    "Some red words, big words, teletype words, struck words and an HTML acronym.",
    "A paragraph aligned by an attribute.",
    "A wordbreak and CSS in one sentence.",
    "A summary line",
    "The details text.",
    "Not shown anywhere",
    "The last paragraph.",
]
RAW_HTML_WARNINGS = [
    "tests/fixtures/raw-html/raw-html.md:12:9: warning: raw HTML <font>: color dropped (obsolete in HTML5);"
    " the words are kept",
    "tests/fixtures/raw-html/raw-html.md:24:1: warning: raw HTML <style> dropped: no edition can carry it in the text",
    "tests/fixtures/raw-html/raw-html.md:26:1: warning: raw HTML <noscript> dropped with its text"
    " 'A fallback for browsers without scripts.': no edition can carry it in the text",
]


def test_raw_html_no_edition_can_carry_is_reported_with_its_line(raw_html: Built) -> None:
    assert raw_html.stderr.splitlines() == RAW_HTML_WARNINGS


def test_check_reports_the_same_raw_html(tmp_path: Path) -> None:
    run = build("check", "--manuscript", RAW_HTML, "--out", tmp_path)
    assert [line for line in run.stderr.splitlines() if ": warning: " in line] == RAW_HTML_WARNINGS


@pytest.mark.parametrize("edition", EDITIONS)
def test_obsolete_raw_html_keeps_its_words_in_every_edition(raw_html: Built, edition: str) -> None:
    text = reading_text(raw_html, edition)
    assert not missing_from(text, RAW_HTML_TEXT, edition)
    assert "fallback" not in text


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_obsolete_raw_html_becomes_html5(raw_html: Built, edition: str) -> None:
    for obsolete in ("center", "font", "big", "tt", "strike", "acronym", "style", "noscript"):
        assert not elements(raw_html, edition, f"//*[@class='body-text']//*[local-name()='{obsolete}']"), obsolete
    centred = elements(raw_html, edition, "//*[local-name()='div'][@class='center']")
    assert [normalise(text_of(element)) for element in centred] == ["A line centred by an old element."]
    aligned = elements(raw_html, edition, "//*[local-name()='p'][@style='text-align: center']")
    assert [normalise(text_of(element)) for element in aligned] == ["A paragraph aligned by an attribute."]
    abbreviations = elements(raw_html, edition, "//*[local-name()='abbr']")
    assert [element.get("title") for element in abbreviations] == [
        "HyperText Markup Language",
        "Cascading Style Sheets",
    ]


# The editions pass EPUBCheck and the Nu Html Checker.

FIXTURE_NAMES = ["constructs", "footnotes_section", "raw_latex", "raw_html"]


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
def test_epubcheck_reports_nothing(fixture: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(fixture)
    check = epubcheck(built.editions.epub)
    assert (check.errors, check.warnings) == ([], [])


@pytest.mark.parametrize("fixture", FIXTURE_NAMES)
def test_the_web_edition_is_valid_html(fixture: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(fixture)
    check = nu(built.editions.html)
    assert (check.errors, check.warnings) == ([], [])


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_a_heading_named_like_a_part_the_editions_add_keeps_its_own_identifier(constructs: Built, edition: str) -> None:
    sections = elements(constructs, edition, "//*[local-name()='section'][*[local-name()='h2'] = 'Notes']")
    in_text = [section.get("id") for section in sections if "level2" in section.get("class", "")]
    added = [section.get("id") for section in sections if "notes" in section.get("class", "").split()]
    assert (in_text, added) == (["notes-1"], ["notes"])


# A handle is not a citation.


def test_a_handle_is_an_error_that_says_how_to_write_a_literal_at(tmp_path: Path) -> None:
    run = build("html", "--manuscript", HANDLE, "--out", tmp_path)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "tests/fixtures/handle/handle.md:11:23: error: '@annat' is neither a citation key (there is no bibliography)"
        " nor a cross-reference; for a literal '@', write '\\@annat'"
    ]


def test_a_table_without_header_cells_is_said_at_its_first_row(tmp_path: Path) -> None:
    """Its cells as short as words the text has before it (a table a LaTeX paper's conversion gives)."""
    manuscript = tmp_path / "short.md"
    manuscript.write_text(
        "---\ntitle: A Paper\nauthor: A. Writer\nlang: en\n---\n\nA b c: a b, then a table.\n\n"
        "  --- ---\n  a   b\n  c   d\n  --- ---\n",
        encoding="utf-8",
    )
    result = api.build(manuscript, tmp_path / "out", ("html",))
    assert [str(warning).split(": warning: ")[0] for warning in result.warnings] == [f"{manuscript}:10:1"]


def test_what_print_and_the_epub_cannot_carry_is_said(tmp_path: Path) -> None:
    """A link to another page of a website works on the web only; a table without header cells
    cannot tell a screen reader what its columns hold: both are said, with their lines."""
    manuscript = tmp_path / "site.md"
    manuscript.write_text(
        "---\ntitle: Site\nauthor: A. Writer\nlang: en\n---\n\nSee [the other page](/about/) for more.\n\n"
        "<table><tr><td>cell one</td><td>cell two</td></tr></table>\n",
        encoding="utf-8",
    )
    result = api.build(manuscript, tmp_path / "out", ("epub", "html"))
    assert [str(warning).split(": warning: ")[0] for warning in result.warnings] == [
        f"{manuscript}:7:21",
        f"{manuscript}:9:16",
    ]
    assert "the link to '/about/' works in the web edition only" in result.warnings[0].message
    assert "a table without header cells" in result.warnings[1].message
    text = epub_documents(result.written["epub"])["EPUB/text.xhtml"]
    (link,) = [element for element in text.iter(f"{XHTML}a") if "other page" in text_of(element)]
    assert link.get("href") is None
    assert 'href="/about/"' in result.written["html"].read_text(encoding="utf-8")


LATEX_LISTS = """\
---
title: A Thesis Written for LaTeX
author: A. Student
lang: en
---

\\tableofcontents

\\listoffigures

# Introduction

![A tower on its rock](images/tower.png)

# Results

Text.
"""


def test_latex_lists_ask_for_the_contents_and_the_list_of_figures_with_a_warning(tmp_path: Path) -> None:
    """`\\listoffigures` in a manuscript written for LaTeX gives the list `lof: true` gives, and says where."""
    folder = tmp_path / "thesis"
    (folder / "images").mkdir(parents=True)
    shutil.copy(FIXTURES / "scholarly" / "images" / "tower.png", folder / "images" / "tower.png")
    (folder / "thesis.md").write_text(LATEX_LISTS, encoding="utf-8")
    run = build("html", "--manuscript", folder / "thesis.md", "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    warnings = run.stderr.splitlines()
    places = [f"{folder / 'thesis.md'}:{line}:1" for line in (7, 9, 9)]
    assert [line.split(": warning: ")[0] for line in warnings] == places
    assert "read as `toc: true`" in warnings[0] and "read as `lof: true`" in warnings[1]
    assert "an essay's PDF does not" in warnings[2]
    page = html_tree(tmp_path / "out" / "thesis.html")
    lists = [normalise(nav.text_content()) for nav in page.iterfind(".//nav[@class='captioned-list']")]
    assert lists == ["List of Figures A tower on its rock"]
    assert page.find(".//nav[@id='contents']") is not None or page.find_class("contents"), "the contents"


def test_links_the_editions_cannot_follow_are_said_at_their_lines_as_written(tmp_path: Path) -> None:
    """Pandoc writes `{{url}}` and `<my file.csv>` percent-encoded: their warnings named no line. A file that is not
    beside the manuscript is said to be missing; a link to `#Описание` (GitHub's spelling) suggests `#описание`."""
    manuscript = tmp_path / "links.md"
    manuscript.write_text(
        "---\ntitle: Links\nauthor: A. Writer\nlang: ru\n---\n\n# Описание\n\n"
        "See [one]({{url}}) and [two](<my file.csv>) and [three](#Описание).\n",
        encoding="utf-8",
    )
    (tmp_path / "my file.csv").write_text("a,b\n", encoding="utf-8")
    result = api.build(manuscript, tmp_path / "out", ("html",))
    warnings = {str(warning).split(": warning: ")[0]: warning.message for warning in result.warnings}
    assert warnings[f"{manuscript}:9:10"].startswith(
        "the link to '{{url}}' works in the web edition only, if that file is published beside it (and no file"
        " '{{url}}' is beside the manuscript)"
    )
    assert (
        "'my file.csv' works in the web edition only, if that file is published beside it;"
        in (warnings[f"{manuscript}:9:30"])
    )
    assert warnings[f"{manuscript}:9:57"].endswith("did you mean '#описание'?")


def test_an_image_is_found_from_the_folder_the_build_runs_in_as_pandoc_finds_it(tmp_path: Path) -> None:
    """`![A square](src/img.png)` in `src/ch.md`, built from the project's folder: Pandoc finds the image from
    there; it was not found beside the manuscript (`src/src/img.png`). Only within the manuscript's folder."""
    (tmp_path / "src").mkdir()
    shutil.copy(FIXTURES / "scholarly" / "images" / "icon.png", tmp_path / "src" / "img.png")
    (tmp_path / "src" / "ch.md").write_text(
        "---\ntitle: P\nauthor: A\nlang: en\n---\n\n![A square](src/img.png)\n", encoding="utf-8"
    )
    run = build("html", "--manuscript", "src/ch.md", "--out", "out", "-q", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert 'alt="A square"' in (tmp_path / "out" / "ch.html").read_text(encoding="utf-8")


# Images in notes.


@pytest.mark.parametrize("placement", ["footnotes", "endnotes"])
def test_an_image_in_a_note_reaches_every_edition_with_its_alternative_text(tmp_path: Path, placement: str) -> None:
    shutil.copytree(FIXTURES / "minimal" / "images", tmp_path / "images")
    image = next(path.name for path in (tmp_path / "images").iterdir())
    shutil.copy(tmp_path / "images" / image, tmp_path / "images" / f"plain-{image}")
    manuscript = tmp_path / "noted.md"
    manuscript.write_text(
        f"---\ntitle: Noted\nauthor: A. Writer\nlang: en\nnotes: {placement}\n---\n\n"
        f"Text with a note.[^1] And another.[^2]\n\n[^1]: A map: ![The map](images/{image})\n\n"
        f"[^2]: No words: ![](images/plain-{image})\n",
        encoding="utf-8",
    )
    built = build_all(manuscript, tmp_path / "out")
    assert f"noted.md:12:21: warning: image 'images/plain-{image}' has no alternative text" in built.stderr
    web = [img for img in html_tree(built.editions.html).iter("img") if img.get("src", "").startswith("data:image/")]
    # Each note's image inline, in the list of notes (and in the margin's copy of the note, on a wide screen).
    assert {str(img.get("alt")) for img in web} == {"", "The map"}
    with zipfile.ZipFile(built.editions.epub) as epub:
        names = set(epub.namelist())
        sources = [
            (name, img.get("src"), img.get("alt"))
            for name, document in epub_documents(built.editions.epub).items()
            for img in document.iter("{http://www.w3.org/1999/xhtml}img")
            if "cover" not in str(img.get("src"))
        ]
    assert sorted(str(alt) for _, _, alt in sources) == ["", "The map"]
    assert all(str(Path(name).parent / str(src)) in names for name, src, _ in sources), sources
    with pikepdf.open(built.editions.pdf) as pdf:
        drawn = sum(len(list(page.images)) for page in pdf.pages)
    assert drawn >= 1, "the print edition draws the notes' image"
    check = epubcheck(built.editions.epub)
    assert (check.errors, check.warnings) == ([], [])


def test_an_identifier_written_twice_is_reported_there_and_each_edition_has_it_once(tmp_path: Path) -> None:
    manuscript = tmp_path / "twice.md"
    manuscript.write_text(
        "---\ntitle: Twice\nauthor: A. Writer\nlang: en\n---\n\n# Intro {#bar}\n\n::: {#reserved}\n"
        '::: {.callout-note}\n## Reserved\n\nWords.\n:::\n:::\n\nSee [the intro](#bar).\n\n<hr id="bar">\n',
        encoding="utf-8",
    )
    built = build_all(manuscript, tmp_path / "out")
    assert "twice.md:19:5: warning: the identifier 'bar' is given twice" in built.stderr
    assert "reserved" not in built.stderr, "an identifier Pandoc made from a heading is renamed without a word"
    identifiers = [str(element.get("id")) for element in html_tree(built.editions.html).iter() if element.get("id")]
    assert len(identifiers) == len(set(identifiers))
    check = epubcheck(built.editions.epub)
    assert (check.errors, check.warnings) == ([], [])
