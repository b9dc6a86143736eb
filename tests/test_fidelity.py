"""Every word of the manuscript reaches every edition: read each edition back and compare."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from press.bibliography import read_entries
from press.validate import pdf_links
from tests import manuscript_text
from tests.conftest import ESSAY, Editions, build
from tests.readback import (
    XHTML,
    epub_documents,
    html_tree,
    letters,
    normalise,
    pdf_pages,
    pdf_text_without_superscripts,
    remove_keeping_tail,
    text_of,
    xpath_elements,
)

ESSAY_TEXT = manuscript_text.read(ESSAY)


def html_body_text(tree: etree._Element) -> str:
    """The page's text with the note calls taken out, and without what assistive
    technology is told to skip (aria-hidden), such as the web edition's margin
    copies of the notes, which sit beside their calls inside the paragraphs."""
    hidden = "//*[@aria-hidden='true']"
    for call in xpath_elements(tree, f"//*[local-name()='a'][contains(@class, 'footnote-ref')] | {hidden}"):
        remove_keeping_tail(call)
    return normalise(text_of(tree))


def note_texts_html(tree: etree._Element) -> list[str]:
    items = xpath_elements(tree, "//*[local-name()='section'][contains(@class, 'notes')]//*[local-name()='li']")
    return [normalise(text_of(item)) for item in items]


def expected_note_markers(manuscript: Path, keys: list[str], bibliography: Path) -> list[str]:
    """For each citation in order, a name its note must contain: the first author's
    family name (or the title's first words when there is no author), read from the
    bibliography by Pandoc independently of the citation style."""
    entries = {entry["id"]: entry for entry in read_entries(bibliography)}
    markers = []
    for key in keys:
        entry = entries[key]
        authors = entry.get("author") or []
        if authors:
            markers.append(authors[0].get("family") or authors[0]["literal"])
        else:
            markers.append(" ".join(entry["title"].split()[:3]))
    return markers


ESSAY_MARKERS = expected_note_markers(ESSAY, ESSAY_TEXT.citation_keys, ESSAY.parent / "chongryon.bib")


def illustration(field: str) -> str:
    """A field of the essay's lead illustration, as its front matter gives it."""
    fields = ESSAY_TEXT.front_matter["illustration"]
    assert isinstance(fields, dict), fields
    value = fields[field]
    assert isinstance(value, str), value
    return value


def test_the_essay_has_31_citations_of_24_sources() -> None:
    assert len(ESSAY_TEXT.citation_keys) == 31
    assert len(set(ESSAY_TEXT.citation_keys)) == 24
    assert len(ESSAY_TEXT.headings) == 3


def check_text(full_text: str, compare: Callable[[str], str] = normalise) -> None:
    front = ESSAY_TEXT.front_matter
    expected = [
        str(front["title"]),
        "Samantha Surdek",
        illustration("credit"),
        *ESSAY_TEXT.headings,
        *ESSAY_TEXT.paragraphs,
    ]
    haystack = compare(full_text)
    missing = [piece for piece in expected if compare(piece) not in haystack]
    assert not missing, f"missing from the edition: {missing}"


def check_notes(notes: list[str]) -> None:
    assert len(notes) == 31
    for number, (note, marker) in enumerate(zip(notes, ESSAY_MARKERS, strict=True), start=1):
        assert marker.casefold() in note.casefold(), f"note {number} should cite {marker}: {note}"
    assert "iv–v" in notes[2]
    assert "한기범" in notes[15]


def test_html_edition_has_every_word(essay: Editions) -> None:
    tree = html_tree(essay.html)
    notes = note_texts_html(tree)
    check_notes(notes)
    alt_texts = [image.get("alt") for image in tree.iter("img")]
    assert illustration("alt") in alt_texts
    check_text(html_body_text(tree))


def test_epub_edition_has_every_word(essay: Editions) -> None:
    documents = epub_documents(essay.epub)
    text = documents["EPUB/text.xhtml"]
    notes = note_texts_html(documents["EPUB/notes.xhtml"])
    check_notes(notes)
    alt_texts = [image.get("alt") for image in text.iter(f"{XHTML}img")]
    assert illustration("alt") in alt_texts
    check_text(html_body_text(text))


def test_pdf_edition_has_every_word(essay: Editions) -> None:
    """Page-bottom footnotes: each note's text on the page of its call."""
    pages = pdf_pages(essay.pdf)
    check_text(pdf_text_without_superscripts(essay.pdf), compare=letters)
    with pikepdf.open(essay.pdf) as pdf:
        call_pages = {name: page for page, name in pdf_links(pdf) if re.fullmatch(r"fn\d+", name)}
    notes = []
    for number in range(1, 32):
        page_text = pages[call_pages[f"fn{number}"] - 1]
        start = page_text.index(f"\n{number}. ") + 1
        following = page_text.find(f"\n{number + 1}. ", start)
        notes.append(normalise(page_text[start : following if following > 0 else None]))
    check_notes(notes)
    assert "한기범" in "".join(pages)


def test_pdf_endnotes_have_every_note_in_order(tmp_path: Path) -> None:
    run = build("pdf", "--notes", "endnotes", "--out", tmp_path, "-q")
    assert run.returncode == 0, run.stderr
    whole = "\r\n".join(pdf_pages(tmp_path / "chongryon.pdf"))
    notes_text = whole[whole.index("Notes\r\n1. ") : whole.index("\r\nBibliography\r\n")]
    notes = []
    for number in range(1, 32):
        start = notes_text.index(f"{number}. ")
        end = notes_text.index(f"\n{number + 1}. ") if number < 31 else len(notes_text)
        notes.append(normalise(notes_text[start:end]))
        notes_text = notes_text[end:]
    check_notes(notes)


def test_pdf_carries_the_alt_text_in_its_structure(essay: Editions) -> None:
    with pikepdf.open(essay.pdf) as pdf:
        alts = [
            str(node.get("/Alt"))
            for node in _structure_elements(pdf.Root.StructTreeRoot)
            if node.get("/S") == "/Figure" and "/Alt" in node
        ]
    assert illustration("alt") in alts


def _structure_elements(node: object) -> list[pikepdf.Dictionary]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, pikepdf.Dictionary):
            found.append(current)
            kids = current.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        elif isinstance(current, pikepdf.Array):
            stack.extend(current)
    return found


MINIMAL_EXPECTED = [
    "A Minimal Manuscript",
    "Ada Testwriter and Bo Checker",
    "Opening",
    "A first paragraph cites a book (Doe, 2020, p. 12) and an article (Roe, 2019). It also carries a plain footnote.",
    "A blue square on a white ground Illustration by Cy Drawer.",
    "Closing",
    "The last paragraph names the Korean poet 김소월 and cites Doe (2020) again.",
    "An aside that is not a citation.",
    "Doe, J. (2020). A Book about Fixtures. Test Press.",
    "Roe, R. (2019). An Article on Checking. Journal of Examples, 3(2), 10–20. https://doi.org/10.1234/example.2019",
]


@pytest.mark.parametrize("edition", ["html", "epub", "pdf"])
def test_minimal_manuscript_reaches_every_edition(minimal: Editions, edition: str) -> None:
    """Another manuscript, style (APA, author-date) and bibliography format (CSL YAML)."""
    path = getattr(minimal, edition)
    if edition == "pdf":
        text, compare = pdf_text_without_superscripts(path), letters
    elif edition == "epub":
        documents = epub_documents(path)
        text, compare = " ".join(html_body_text(document) for document in documents.values()), normalise
    else:
        text, compare = html_body_text(html_tree(path)), normalise
    missing = [piece for piece in MINIMAL_EXPECTED if compare(piece) not in compare(text)]
    assert not missing
