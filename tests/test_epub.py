"""The EPUB passes EPUBCheck without a single message and carries its metadata."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from tests.conftest import Editions
from tests.validators import epubcheck_messages

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.mark.parametrize("book", ["essay", "minimal"])
def test_epubcheck_reports_nothing(book: str, request: pytest.FixtureRequest) -> None:
    editions: Editions = request.getfixturevalue(book)
    messages = epubcheck_messages(editions.epub)
    assert [f"{m['severity']} {m['ID']}: {m['message']}" for m in messages] == []


def package_document(editions: Editions) -> etree._Element:
    with zipfile.ZipFile(editions.epub) as book:
        return etree.fromstring(book.read("EPUB/content.opf"))


def test_package_metadata_names_author_and_illustrator(essay: Editions) -> None:
    opf = package_document(essay)
    metadata = opf.find("opf:metadata", OPF)
    assert metadata.findtext("dc:title", namespaces=OPF) == "Chongryon: North Korea’s Outpost in Japan"
    assert metadata.findtext("dc:language", namespaces=OPF) == "en-US"
    creator = metadata.find("dc:creator", OPF)
    assert creator.text == "Samantha Surdek"
    contributor = metadata.find("dc:contributor", OPF)
    assert contributor.text == "Ainav Rabinowitz"
    roles = {
        meta.get("refines"): meta.text
        for meta in metadata.findall("opf:meta[@property='role']", OPF)
        if meta.get("scheme") == "marc:relators"
    }
    assert roles[f"#{creator.get('id')}"] == "aut"
    assert roles[f"#{contributor.get('id')}"] == "ill"


def test_notes_are_epub_noterefs_with_backlinks(essay: Editions) -> None:
    with zipfile.ZipFile(essay.epub) as book:
        text = etree.fromstring(book.read("EPUB/text.xhtml"))
        notes = etree.fromstring(book.read("EPUB/notes.xhtml"))
    epub_type = "{http://www.idpf.org/2007/ops}type"
    references = [a for a in text.iter("{http://www.w3.org/1999/xhtml}a") if a.get(epub_type) == "noteref"]
    assert len(references) == 31
    note_ids = {li.get("id") for li in notes.iter("{http://www.w3.org/1999/xhtml}li") if li.get(epub_type) == "endnote"}
    for reference in references:
        document, _, target = reference.get("href").partition("#")
        assert document == "notes.xhtml" and target in note_ids
    backlinks = [
        a.get("href") for a in notes.iter("{http://www.w3.org/1999/xhtml}a") if a.get("role") == "doc-backlink"
    ]
    assert backlinks == [f"text.xhtml#{a.get('id')}" for a in references]
