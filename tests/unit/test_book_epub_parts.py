"""The mechanisms of a book's EPUB on small inputs: a division cut in files, links across files,
what a division is, ISBNs."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

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

XHTML = "http://www.w3.org/1999/xhtml"
X = f"{{{XHTML}}}"


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
    assert division_semantics(division("back", "Danksagung"), plain, german) == "acknowledgments"
    assert division_semantics(division("back", "Nachworte"), plain, german) is None  # a word of its own
    assert division_semantics(division("front", "序章"), plain, labels_for("zh")) == "prologue"


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
