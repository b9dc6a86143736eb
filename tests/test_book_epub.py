"""A book's EPUB: one document per division, a nested table of contents, landmarks, notes
numbered afresh in each chapter, a page list that follows the PDF, and every link resolving; a
`##` section outside any chapter, a division of its own with its title."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from press.validate import ace, epubcheck, nu
from tests.conftest import FIXTURES, Editions, build, build_editions
from tests.readback import (
    attribute,
    html_tree,
    one,
    remove_keeping_tail,
    text_of,
    xpath_elements,
    xpath_strings,
)
from tests.test_book_pdf import INDEX_LINE, read_pages
from tests.test_epub import EPUB_TYPE, MARK, NS, OPF, XHTML, Book, letters

BOOK = FIXTURES / "book" / "book.md"
#: Some reading systems struggle with XHTML files larger than this.
MAX_DOCUMENT_BYTES = 300_000
#: The fixture's divisions in reading order, as their headings read.
DIVISIONS = [
    ("front", "Preface"),
    ("part", "Part I: Stone and Flame"),
    ("chapter", "Chapter 1: First Lights"),
    ("chapter", "Chapter 2: Towers in the Sea"),
    ("chapter", "Chapter 3: Lamps and Lenses"),
    ("part", "Part II: Lives on the Rock"),
    ("chapter", "Chapter 4: The Keepers"),
    ("chapter", "Chapter 5: Families"),
    ("chapter", "Chapter 6: The Last Watch"),
    ("appendix", "Appendix A: Glossary"),
    ("appendix", "Appendix B: Lights Named in This Book"),
]
#: The labels of numbered headings, which print sets without the separator after them.
LABELLED = ("Part ", "Chapter ", "Appendix ")
#: The entries of a table of contents: each entry's text, and the entries nested under it.
Contents = list[tuple[str, "Contents"]]


@pytest.fixture(scope="module")
def book_editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return build_editions(BOOK, tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="module")
def book(book_editions: Editions) -> Book:
    return Book(book_editions.epub)


def text(element: etree._Element) -> str:
    return " ".join(text_of(element).split())


def divisions_in_spine(book: Book) -> list[tuple[str, str, str]]:
    """(document, kind, heading) for each division that opens a document of the spine."""
    found = []
    for name in book.spine():
        for section in book.document(name).iterfind(f"{XHTML}body/{XHTML}section[@data-division]"):
            heading = one(section.find(f"{XHTML}h2"), f"heading of a division in {name}")
            found.append((name, attribute(section, "data-division"), text(heading)))
    return found


def test_epubcheck_and_ace_report_nothing(book_editions: Editions) -> None:
    check = epubcheck(book_editions.epub)
    assert (check.errors, check.warnings) == ([], [])
    accessibility = ace(book_editions.epub)
    assert (accessibility.errors, accessibility.warnings) == ([], [])


def test_one_document_per_division_in_reading_order(book: Book) -> None:
    found = divisions_in_spine(book)
    assert [(kind, heading) for _, kind, heading in found] == DIVISIONS
    assert len({name for name, _, _ in found}) == len(DIVISIONS)  # each in a document of its own
    for name in book.spine():
        assert len(book.files[name]) < MAX_DOCUMENT_BYTES, name
    spine = book.spine()
    front = [book.resolve(name) for name in ("cover.xhtml", "titlepage.xhtml", "copyright.xhtml")]
    front += [book.resolve(name) for name in ("dedication.xhtml", "epigraph.xhtml", "nav.xhtml")]
    assert spine[: len(front)] == front  # the contents follow the front matter, as in print
    assert spine[-3:] == [book.resolve(name) for name in ("bibliography.xhtml", "index.xhtml", "colophon.xhtml")]


def test_divisions_say_what_they_are(book: Book) -> None:
    semantics = {"front": "preface", "part": "part", "chapter": "chapter", "appendix": "appendix"}
    matter = {"front": "frontmatter", "part": "bodymatter", "chapter": "bodymatter", "appendix": "backmatter"}
    for name, kind, _ in divisions_in_spine(book):
        document = book.document(name)
        section = one(document.find(f"{XHTML}body/{XHTML}section"), f"section in the body of {name}")
        assert section.get(EPUB_TYPE) == semantics[kind]
        assert section.get("role") == f"doc-{semantics[kind]}"
        assert one(document.find(f"{XHTML}body"), f"body of {name}").get(EPUB_TYPE) == matter[kind]
        assert document.get("lang") == document.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"


def test_contents_nest_chapters_in_parts_and_sections_in_chapters(book: Book) -> None:
    nav_name, nav = book.nav()
    (toc,) = xpath_elements(nav, "//x:nav[@epub:type='toc']/x:ol", NS)

    def tree(ordered_list: etree._Element) -> Contents:
        return [
            (
                text(one(item.find(f"{XHTML}a"), "link of an entry of the contents")),
                tree(nested) if (nested := item.find(f"{XHTML}ol")) is not None else [],
            )
            for item in ordered_list.iterfind(f"{XHTML}li")
        ]

    assert tree(toc) == [
        ("Copyright", []),
        ("Preface", []),
        (
            "Part I: Stone and Flame",
            [
                ("Chapter 1: First Lights", [("Coal and candles", [])]),
                ("Chapter 2: Towers in the Sea", []),
                ("Chapter 3: Lamps and Lenses", []),
            ],
        ),
        (
            "Part II: Lives on the Rock",
            [
                ("Chapter 4: The Keepers", [("A day on the rock", [])]),
                ("Chapter 5: Families", []),
                ("Chapter 6: The Last Watch", []),
            ],
        ),
        ("Appendix A: Glossary", []),
        ("Appendix B: Lights Named in This Book", []),
        ("Bibliography", []),
        ("Index", []),
        ("Colophon", []),
    ]
    by_heading = {heading: name for name, _, heading in divisions_in_spine(book)}
    for link in toc.iter(f"{XHTML}a"):
        if text(link) in by_heading:
            assert book.resolve(attribute(link, "href"), nav_name) == by_heading[text(link)]
    figures = [text(link) for link in xpath_elements(nav, "//x:nav[@epub:type='loi']//x:a", NS)]
    tables = [text(link) for link in xpath_elements(nav, "//x:nav[@epub:type='lot']//x:a", NS)]
    assert [title.split(":")[0] for title in figures] == ["Figure 2.1", "Figure 3.1"]
    assert [title.split(":")[0] for title in tables] == ["Table 2.1", "Table 5.1"]


def test_landmarks(book: Book) -> None:
    nav_name, nav = book.nav()
    landmarks = {
        link.get(EPUB_TYPE): attribute(link, "href")
        for link in xpath_elements(nav, "//x:nav[@epub:type='landmarks']//x:a", NS)
    }
    by_heading = {heading: name for name, _, heading in divisions_in_spine(book)}
    assert {kind: book.resolve(href, nav_name) for kind, href in landmarks.items()} == {
        "cover": book.resolve("cover.xhtml"),
        "titlepage": book.resolve("titlepage.xhtml"),
        "copyright-page": book.resolve("copyright.xhtml"),
        "toc": nav_name,
        "loi": nav_name,
        "lot": nav_name,
        "preface": by_heading["Preface"],
        "bodymatter": by_heading["Chapter 1: First Lights"],
        "endnotes": by_heading["Preface"],  # the first division's notes
        "bibliography": book.resolve("bibliography.xhtml"),
        "index": book.resolve("index.xhtml"),
    }
    target = landmarks["endnotes"].partition("#")[2]
    (notes,) = xpath_elements(book.document(by_heading["Preface"]), f"//*[@id='{target}']")
    assert notes.get(EPUB_TYPE) == "endnotes"


def test_every_link_resolves(book: Book) -> None:
    nav_name, _ = book.nav()
    documents = {name: book.document(name) for name in {*book.spine(), nav_name}}
    identifiers = {
        name: {element.get("id") for element in tree.iter() if element.get("id")} for name, tree in documents.items()
    }
    checked = 0
    for name, tree in documents.items():
        for link in tree.iter(f"{XHTML}a"):
            href = link.get("href")
            if href is None or re.match(r"[a-z]+:", href):
                continue
            target = book.resolve(href, name) if not href.startswith("#") else name
            assert target in documents, f"{name}: {href}"
            fragment = href.partition("#")[2]
            assert not fragment or fragment in identifiers[target], f"{name}: {href}"
            checked += 1
    calls = sum(link.get(EPUB_TYPE) == "noteref" for tree in documents.values() for link in tree.iter(f"{XHTML}a"))
    assert checked > 2 * calls > 0  # calls, notes, and the contents and cross-references besides


def test_notes_are_numbered_afresh_in_each_chapter_and_link_both_ways(book: Book) -> None:
    counts = {}
    for name, _, heading in divisions_in_spine(book):
        document = book.document(name)
        calls = [link for link in document.iter(f"{XHTML}a") if link.get(EPUB_TYPE) == "noteref"]
        counts[heading] = len(calls)
        assert [text(call) for call in calls] == [str(number) for number in range(1, len(calls) + 1)]
        for number, call in enumerate(calls, start=1):
            target = attribute(call, "href").removeprefix("#")
            (note,) = xpath_elements(document, f"//*[@id='{target}']")  # in the same file
            assert note.get(EPUB_TYPE) == "endnote"
            notes_list = one(note.getparent(), f"list of note {number} in {name}")
            assert one(notes_list.getparent(), f"parent of the list of notes in {name}").get(EPUB_TYPE) == "endnotes"
            backlink = one(note.find(f"{XHTML}a[@role='doc-backlink']"), f"backlink of note {number} in {name}")
            assert backlink.get("href") == f"#{call.get('id')}" and text(backlink) == f"{number}."
    assert counts == {
        "Preface": 1,
        "Part I: Stone and Flame": 0,
        "Chapter 1: First Lights": 3,
        "Chapter 2: Towers in the Sea": 2,
        "Chapter 3: Lamps and Lenses": 2,
        "Part II: Lives on the Rock": 0,
        "Chapter 4: The Keepers": 2,
        "Chapter 5: Families": 2,
        "Chapter 6: The Last Watch": 2,
        "Appendix A: Glossary": 1,
        "Appendix B: Lights Named in This Book": 0,
    }


def test_cross_references_lead_to_the_chapter_that_holds_the_figure(book: Book) -> None:
    by_heading = {heading: name for name, _, heading in divisions_in_spine(book)}
    families = by_heading["Chapter 5: Families"]
    (reference,) = xpath_elements(book.document(families), "//x:a[@href and contains(@href, 'fig-tower')]", NS)
    assert book.resolve(attribute(reference, "href"), families) == by_heading["Chapter 2: Towers in the Sea"]


def test_copyright_page_and_identifiers(book: Book) -> None:
    page = text(book.document(book.resolve("copyright.xhtml")))
    for expected in (
        "© 2026 Morwenna Tregarthen. All rights reserved.",
        "First edition, 2026",
        "Illustration by Ainav Rabinowitz.",
        "ISBN 978-0-306-40615-7 (EPUB edition)",
        "Published by Harbour Lane Press.",
    ):
        assert expected in page
    (copyright_page,) = book.document(book.resolve("copyright.xhtml")).iter(f"{XHTML}section")
    assert copyright_page.get(EPUB_TYPE) == "copyright-page"
    unique = one(
        book.metadata.find(f"dc:identifier[@id='{book.opf.get('unique-identifier')}']", OPF), "unique identifier"
    )
    assert unique.text == "urn:isbn:9780306406157"
    assert book.metadata.findtext("dc:source", namespaces=OPF) == "urn:isbn:9781402894626"
    assert book.properties("pageBreakSource") == ["urn:isbn:9781402894626"]
    dedication = one(
        book.document(book.resolve("dedication.xhtml")).find(f"{XHTML}body/{XHTML}section"), "section of the dedication"
    )
    assert dedication.get(EPUB_TYPE) == "dedication" and "keepers of Longships" in text(dedication)
    epigraph = one(
        book.document(book.resolve("epigraph.xhtml")).find(f"{XHTML}body/{XHTML}section"), "section of the epigraph"
    )
    assert epigraph.get(EPUB_TYPE) == "epigraph" and "Trinity House standing order, 1836" in text(epigraph)


def reading_text(book: Book, name: str, marks: dict[str, int]) -> str:
    """A document's text as print shows it (without the separator after a heading's label), each
    page-break marker in it as MARK + the page's index (from 0) + MARK."""
    root = book.document(name)
    for element in list(root.iter(f"{XHTML}span")):
        if element.get("class") == "division-separator":
            remove_keeping_tail(element)
        elif element.get(EPUB_TYPE) == "pagebreak":
            element.text = f"{MARK}{marks[attribute(element, 'id')]}{MARK}"
    return text_of(one(root.find(f"{XHTML}body"), f"body of {name}"))


def page_marks(book: Book) -> tuple[list[str | None], dict[str, int]]:
    """The page list's entries, and the index of the page each marker (by its id) stands for."""
    _, nav = book.nav()
    entries = xpath_elements(nav, "//x:nav[@epub:type='page-list']//x:a", NS)
    marks = {attribute(entry, "href").partition("#")[2]: index for index, entry in enumerate(entries)}
    return [entry.text for entry in entries], marks


def test_page_list_gives_the_pages_as_the_pdf_numbers_them(book_editions: Editions, book: Book) -> None:
    """One entry per PDF page, each leading to a page-break marker, named as the PDF labels the page
    (roman in the front matter, arabic from the first part), and as its folio reads where one is printed."""
    pages = read_pages(book_editions.pdf)
    nav_name, nav = book.nav()
    entries = xpath_elements(nav, "//x:nav[@epub:type='page-list']//x:a", NS)
    assert [entry.text for entry in entries] == [page.label for page in pages]
    assert {page.label for page in pages} >= {"i", "xv", "1", "26"}
    for entry, page in zip(entries, pages, strict=True):
        target_name = book.resolve(attribute(entry, "href"), nav_name)
        assert target_name in book.spine()
        (target,) = xpath_elements(
            book.document(target_name), f"//*[@id='{attribute(entry, 'href').partition('#')[2]}']"
        )
        assert target.get(EPUB_TYPE) == "pagebreak" and target.get("aria-label") == entry.text == target.get("title")
        assert page.foot in ("", entry.text)


def test_page_breaks_stand_where_the_pdf_pages_begin(book_editions: Editions, book: Book) -> None:
    """Markers follow the PDF's pages in order; the words after a marker (or after markers standing
    together, for blank pages and for what only print has, such as its contents) are on that page."""
    pages = [letters(" ".join(page.body)) for page in read_pages(book_editions.pdf)]
    labels, marks = page_marks(book)
    seen = []
    for name in book.spine():
        pieces = reading_text(book, name, marks).split(MARK)
        for index in range(1, len(pieces), 2):
            page = int(pieces[index])
            seen.append(page)
            if index + 2 < len(pieces) and not letters(pieces[index + 1]):
                continue  # another marker follows at once: the words after them are on the last one's page
            following = letters(" ".join(pieces[index + 1 :: 2]))[:20]
            assert not following or following in pages[page], f"page {labels[page]} starts with {following}"
    assert seen == list(range(len(pages)))


def test_each_division_opens_after_the_marker_of_the_page_it_opens_on(book_editions: Editions, book: Book) -> None:
    pages = [letters(" ".join(page.body)) for page in read_pages(book_editions.pdf)]
    labels, marks = page_marks(book)
    for name, _, heading in divisions_in_spine(book):
        opening = letters(heading.replace(": ", " ", 1) if heading.startswith(LABELLED) else heading)
        page = next(index for index, text in enumerate(pages) if text.startswith(opening))
        pieces = reading_text(book, name, marks).split(MARK)
        assert str(page) in pieces[1::2], f"{heading}: no marker for page {labels[page]} in {name}"
        position = pieces.index(str(page))
        assert letters(" ".join(pieces[position + 1 :: 2])).startswith(opening), heading


def test_the_index_gives_each_heading_the_pages_the_pdf_index_gives(book_editions: Editions, book: Book) -> None:
    """The EPUB's index (EPUB Indexes semantics) lists the print edition's pages, as the PDF's index does,
    runs of pages too, each page a link to the marked place, and stands in the page list where print
    sets it."""
    pdf_index = next(page for page in read_pages(book_editions.pdf) if page.body[:1] == ["Index"])
    printed = {line for line in pdf_index.body if INDEX_LINE.match(line)}
    name = book.resolve("index.xhtml")
    assert book.spine().index(name) == book.spine().index(book.resolve("colophon.xhtml")) - 1
    index = book.document(name)
    entries = xpath_elements(index, "//x:li[@epub:type='index-entry']", NS)
    lines = {
        " ".join("".join(xpath_strings(entry, "./x:span//text() | ./text() | ./x:a//text()", NS)).split())
        for entry in entries
    }
    assert {line for line in lines if INDEX_LINE.match(line)} == printed
    assert {"Granite, 5–7", "Smalls, 13"} <= lines, "a run; a mark in a footnote has its call's page"
    locators = xpath_elements(index, "//x:a[@epub:type='index-locator']", NS)
    assert locators and all("#index-mark-" in attribute(link, "href") for link in locators)
    breaks = [span.get("aria-label") for span in index.iter(f"{XHTML}span") if span.get(EPUB_TYPE) == "pagebreak"]
    assert pdf_index.label in breaks, "the page list leads to the index where print sets it"


@pytest.fixture(scope="module")
def endnotes_editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    out = tmp_path_factory.mktemp("book-endnotes")
    run = build("all", "--manuscript", BOOK, "--out", out, "--notes", "endnotes", "-q")
    assert run.returncode == 0 and "warning" not in run.stderr.lower(), run.stderr
    return Editions(out / "book.pdf", out / "book.epub", out / "book.html")


def test_endnotes_stand_after_the_text_by_chapter_as_in_print(endnotes_editions: Editions) -> None:
    """With `notes: endnotes` the notes follow the text, each division's under its head, as print sets
    them; the page list then finds every page of the PDF, its notes pages too."""
    book = Book(endnotes_editions.epub)
    check = epubcheck(endnotes_editions.epub)
    assert (check.errors, check.warnings) == ([], [])
    spine = book.spine()
    notes_name = book.resolve("notes.xhtml")
    assert spine.index(notes_name) == spine.index(book.resolve("bibliography.xhtml")) - 1
    notes = book.document(notes_name)
    groups = xpath_elements(notes, "//x:section[@epub:type='endnotes']", NS)
    assert [text(one(group.find(f"{XHTML}h3"), "heading of a group of notes")) for group in groups] == [
        "Notes to Preface",
        *(f"Notes to Chapter {number}" for number in range(1, 7)),
        "Notes to Appendix A",
    ]
    for group in groups:
        backlinks = xpath_elements(group, ".//x:a[@role='doc-backlink']", NS)
        assert [text(link) for link in backlinks] == [f"{number}." for number in range(1, len(backlinks) + 1)]
        for link in backlinks:
            document, _, call = attribute(link, "href").partition("#")
            (found,) = xpath_elements(book.document(book.resolve(document, notes_name)), f"//*[@id='{call}']")
            assert found.get(EPUB_TYPE) == "noteref"
    for name, _, _ in divisions_in_spine(book):
        assert not book.document(name).xpath("//*[@epub:type='endnotes']", namespaces=NS)
    _, nav = book.nav()
    entries = xpath_elements(nav, "//x:nav[@epub:type='page-list']//x:a", NS)
    assert [entry.text for entry in entries] == [page.label for page in read_pages(endnotes_editions.pdf)]


def skipped_heading_levels(headings: list[str]) -> list[tuple[str, str]]:
    """Each heading (its tag) that goes more than one level below the one before it."""
    return [(before, after) for before, after in itertools.pairwise(headings) if int(after[-1]) > int(before[-1]) + 1]


def test_sections_before_the_first_chapter_and_between_chapters_are_divisions_with_their_titles(
    tmp_path: Path,
) -> None:
    """`## Abstract` in a file before the first `#` chapter (and `##` sections in a chapter file of their
    own) are set as unnumbered divisions: the EPUB's contents give their titles, and no document of the
    EPUB nor page of the web edition skips a heading level."""
    folder = tmp_path / "abstract-first"
    folder.mkdir()
    files = {
        "metadata.yaml": "title: T\nauthor: A\nlang: en\n",
        "01.abstract.md": "## Abstract\n\nThe abstract.\n\n### Aims\n\nThe aims.\n",
        "02.body.md": "# Introduction\n\nIntro text.\n",
        "03.more.md": "## More\n\nMore of the introduction.\n",
        "04.methods.md": "# Methods\n\nMethods text.\n",
    }
    for name, text_written in files.items():
        (folder / name).write_text(text_written, encoding="utf-8")
    editions = build_editions(folder, tmp_path / "out")
    for check in (epubcheck(editions.epub), ace(editions.epub)):
        assert (check.errors, check.warnings) == ([], []), check.tool
    book = Book(editions.epub)
    _, nav = book.nav()
    (toc,) = xpath_elements(nav, "//x:nav[@epub:type='toc']/x:ol", NS)
    assert [text(link) for link in toc.iter(f"{XHTML}a")] == [
        "Copyright",
        "Abstract",
        "Aims",
        "Chapter 1: Introduction",
        "More",
        "Chapter 2: Methods",
        "Colophon",
    ]
    assert [(kind, heading) for _, kind, heading in divisions_in_spine(book)] == [
        ("front", "Abstract"),
        ("chapter", "Chapter 1: Introduction"),
        ("chapter", "More"),
        ("chapter", "Chapter 2: Methods"),
    ]
    heading_tags = [f"h{level}" for level in range(1, 7)]
    for name in book.spine():
        tags = [etree.QName(element).localname for element in book.document(name).iter(f"{XHTML}*")]
        assert skipped_heading_levels([tag for tag in tags if tag in heading_tags]) == [], name
    site = sorted((tmp_path / "out" / "abstract-first").glob("*.html"))
    assert [page.name for page in site] == [
        "abstract.html",
        "index.html",
        "introduction.html",
        "methods.html",
        "more.html",
    ]
    for page in [editions.html, *site]:
        check = nu(page)
        assert (check.errors, check.warnings) == ([], []), page.name
        tags = [element.tag for element in html_tree(page).iter(*heading_tags)]
        assert skipped_heading_levels(tags) == [], page.name
    front_page = html_tree(tmp_path / "out" / "abstract-first" / "index.html")
    contents = one(front_page.find(".//nav[@class='contents']"), "the website's contents")
    assert [(text(link), link.get("href")) for link in contents.iter("a")][:2] == [
        ("Abstract", "abstract.html"),
        ("Aims", "abstract.html#aims"),
    ]
    with pikepdf.open(editions.pdf) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == [
            "T",
            "Contents",  # a book's, unless it says toc: false
            "Abstract",
            "Chapter 1: Introduction",
            "More",
            "Chapter 2: Methods",
            "Colophon",
        ]
