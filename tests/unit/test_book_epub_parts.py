"""The mechanisms of a book's EPUB on small inputs: page numbers as printed, a division cut in
files, links across files, what a division is, ISBNs."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from weasyprint import CSS, HTML

from press.divisions import Division
from press.editions.epub import (
    SPLIT_BYTES,
    ContentDocument,
    division_semantics,
    edition_isbns,
    isbn_urn,
    link_across_documents,
    split_document,
)
from press.errors import Reporter
from press.labels import labels_for
from press.metadata import load_metadata, read_manuscript
from press.pagemap import PrintPages, is_letter, page_labels, place_page_breaks

XHTML = "http://www.w3.org/1999/xhtml"
X = f"{{{XHTML}}}"
#: A book's page numbers as print sets them: roman in the front matter, none on the title page or on
#: a chapter's first page, arabic from 1 at the first chapter.
BOOK_PAGES = """
@page { @bottom-center { content: counter(page) } @top-left { content: "Part " counter(page, upper-roman) } }
@page front { @bottom-center { content: counter(page, lower-roman) } }
@page front:first { @bottom-center { content: none } }
@page opening { @bottom-center { content: none } }
@page :nth(1 of opening) { counter-reset: page 1 }
section { break-before: page }
.front { page: front }
.opening { page: opening }
"""


def test_pages_are_known_by_the_numbers_they_print() -> None:
    html = (
        "<section class=front><p>Title</p></section><section class=front><p>Contents</p></section>"
        "<section class=opening><p>One</p></section><section><p>More</p><p style='break-before: page'>End</p>"
    )
    laid_out = HTML(string=html).render(stylesheets=[CSS(string=BOOK_PAGES)])
    assert page_labels([page._page_box for page in laid_out.pages]) == ("i", "ii", "1", "2", "3")


def test_pages_without_any_folio_are_numbered_plainly() -> None:
    laid_out = HTML(string="<p>One</p><p style='break-before: page'>Two</p>").render()
    assert page_labels([page._page_box for page in laid_out.pages]) == ("1", "2")


def xhtml(body: str) -> etree._Element:
    return etree.fromstring(
        f'<html xmlns="{XHTML}" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title></head>'
        f"<body>{body}</body></html>"
    )


def test_a_division_too_large_is_cut_between_its_blocks() -> None:
    paragraph = "<p>" + "Lorem ipsum dolor sit amet. " * 400 + "</p>"  # about 11 KB
    count = 3 * SPLIT_BYTES // len(paragraph)
    division = xhtml(f'<section id="c3" epub:type="chapter"><h2>Three</h2>{paragraph * count}</section>')
    pieces = split_document(ContentDocument("chapter-3.xhtml", division, in_print=True))
    assert [piece.file_name for piece in pieces] == [f"chapter-3{suffix}.xhtml" for suffix in ("", "-2", "-3", "-4")]
    sizes = [len(etree.tostring(piece.tree, encoding="utf-8")) for piece in pieces]
    assert all(size <= SPLIT_BYTES for size in sizes) and all(piece.in_print for piece in pieces)
    first = pieces[0].tree.find(f"{X}body/{X}section")
    assert first is not None and first.get("id") == "c3" and first.findtext(f"{X}h2") == "Three"
    paragraphs = [len(piece.tree.findall(f".//{X}p")) for piece in pieces]
    assert sum(paragraphs) == count and all(paragraphs)
    for piece in pieces[1:]:
        body = piece.tree.find(f"{X}body")
        assert piece.tree.findtext(f"{X}head/{X}title") == "t"
        assert body is not None and {child.tag for child in body} == {f"{X}p"}


def test_a_division_that_fits_stays_whole() -> None:
    division = xhtml('<section id="c1"><h2>One</h2><p>Short.</p></section>')
    item = ContentDocument("chapter-1.xhtml", division, in_print=True)
    assert split_document(item) == [item]


def test_links_point_at_the_document_that_holds_their_target() -> None:
    first = xhtml(
        '<p id="a"><a href="#b">b</a> <a href="#a">a</a> <a href="#gone">?</a> <a href="https://x.org">x</a></p>'
    )
    second = xhtml('<p id="b"><a href="#a">back</a></p>')
    holders = link_across_documents(
        [ContentDocument("one.xhtml", first, True), ContentDocument("two.xhtml", second, True)]
    )
    assert holders == {"a": "one.xhtml", "b": "two.xhtml"}
    assert [link.get("href") for link in first.iter(f"{X}a")] == ["two.xhtml#b", "#a", "#gone", "https://x.org"]
    assert [link.get("href") for link in second.iter(f"{X}a")] == ["one.xhtml#a"]


def division(kind: str, title: str) -> Division:
    return Division(kind, "d", title, None, None, None, None)


def test_what_a_division_is() -> None:
    english, german = labels_for("en"), labels_for("de")
    plain = etree.fromstring("<section><h2>x</h2></section>")
    marked = etree.fromstring('<section><h2 class="unnumbered acknowledgments">x</h2></section>')
    assert division_semantics(division("chapter", "Lamps"), plain, english) == "chapter"
    assert division_semantics(division("part", "Stone"), plain, english) == "part"
    assert division_semantics(division("front", "Foreword to the Second Edition"), plain, english) == "foreword"
    assert division_semantics(division("back", "Nachwort"), plain, german) == "afterword"
    assert division_semantics(division("back", "With thanks"), marked, english) == "acknowledgments"
    assert division_semantics(division("front", "A Note on Spelling"), plain, english) is None


def test_isbns_as_printed_and_as_identifiers(tmp_path: Path) -> None:
    manuscript = tmp_path / "book.md"
    manuscript.write_text(
        "---\ntitle: T\nlang: en\nisbn:\n  pdf: ISBN 978-1-4028-9462-6\n  epub: 978-0-306-40615-7\n---\n\nText.\n",
        encoding="utf-8",
    )
    metadata = load_metadata(read_manuscript(manuscript), Reporter())
    assert metadata.isbn == {"pdf": "978-1-4028-9462-6", "epub": "978-0-306-40615-7"}
    assert isbn_urn(metadata.isbn["epub"]) == "urn:isbn:9780306406157"
    assert isbn_urn("0-8044-2957-x") == "urn:isbn:080442957X"
    words = labels_for("en")
    assert edition_isbns(metadata.isbn, words) == [
        ("EPUB edition", "978-0-306-40615-7"),
        ("Print edition", "978-1-4028-9462-6"),
    ]
    assert edition_isbns(dict.fromkeys(("pdf", "epub", "html"), "978-0-306-40615-7"), words) == [
        (None, "978-0-306-40615-7")
    ]


def test_a_page_only_print_has_is_marked_where_the_next_page_begins() -> None:
    """The printed contents list the sections' headings, which the EPUB has at the sections only: their
    page is marked where the text resumes, not at a heading found further on."""
    title = "The Keepers of the Light"
    sections = [
        ("Lamps", "Lamps burned oil through the night. " * 30),
        ("Coal and candles", "Coal and candles came first of all. " * 30),
        ("Towers", "Towers rose on rock. " * 30),
    ]
    printed = [
        f"{title} Contents Lamps 3",
        "Coal and candles 4 Towers 5",
        f"Lamps {sections[0][1]}",
        f"Coal and candles {sections[1][1]} Towers {sections[2][1]}",
    ]
    source = ["".join(character for character in page if is_letter(character)) for page in printed]
    starts = tuple(sum(len(page) for page in source[:index]) for index in range(len(source)))
    pages = PrintPages("".join(source), starts, 210.0, 297.0, ("i", "ii", "1", "2"))
    body = "".join(f"<section><h2>{heading}</h2><p>{text}</p></section>" for heading, text in sections)
    roots = [xhtml(f"<h1>{title}</h1>"), xhtml(body)]

    def marker(number: int) -> etree._Element:
        return etree.Element(f"{X}span", {"id": f"page-{number}"})

    breaks = place_page_breaks(roots, pages, marker)
    assert [(page_break.number, page_break.document) for page_break in breaks] == [(1, 0), (2, 1), (3, 1), (4, 1)]
    first, second, _ = roots[1].findall(f"{X}body/{X}section")
    # The contents' second page stands with the text's first page, before the first section's heading.
    assert [element.get("id") for element in first[:3]] == ["page-2", "page-3", None]
    assert [element.get("id") for element in second[:2]] == ["page-4", None]
