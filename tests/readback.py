"""Read the text back out of each edition, the way a reader's software would."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

import lxml.html
import pypdfium2
from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"

Found = TypeVar("Found")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as pdfium extracts it."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def html_tree(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def epub_documents(path: Path) -> dict[str, etree._Element]:
    """Every XHTML document in the EPUB, parsed as XML, by its name in the zip."""
    with zipfile.ZipFile(path) as book:
        return {name: etree.fromstring(book.read(name)) for name in book.namelist() if name.endswith(".xhtml")}


def one(found: Found | None, what: str) -> Found:
    """What a lookup found, where the test cannot go on without it: a lookup that found nothing
    fails the test, saying what was missing."""
    if found is None:
        raise AssertionError(f"no {what}")
    return found


def attribute(element: etree._Element, name: str) -> str:
    """An attribute the test needs: a missing one fails the test, naming the element."""
    return one(element.get(name), f"{name} attribute on <{element.tag}> (line {element.sourceline})")


def xpath_elements(
    node: etree._Element, path: str, namespaces: Mapping[str, str] | None = None
) -> list[etree._Element]:
    """The elements an XPath expression selects; an expression that selects anything else fails the test."""
    selected = node.xpath(path, namespaces=namespaces)
    assert isinstance(selected, list), f"{path} selects {selected!r}, not nodes"
    elements = [item for item in selected if isinstance(item, etree._Element)]
    assert len(elements) == len(selected), f"{path} selects {selected!r}, not only elements"
    return elements


def xpath_strings(node: etree._Element, path: str, namespaces: Mapping[str, str] | None = None) -> list[str]:
    """The texts or attribute values an XPath expression selects; anything else it selects fails the test."""
    selected = node.xpath(path, namespaces=namespaces)
    assert isinstance(selected, list), f"{path} selects {selected!r}, not nodes"
    strings = [item for item in selected if isinstance(item, str)]
    assert len(strings) == len(selected), f"{path} selects {selected!r}, not only strings"
    return strings


def text_of(element: etree._Element) -> str:
    # lxml yields str; its stubs (lxml-stubs) say str | bytes.
    return "".join(str(text) for text in element.itertext())


def normalise(text: str) -> str:
    """Whitespace collapsed, for comparing text across editions."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def letters(text: str) -> str:
    """Text without whitespace, hyphens and soft hyphens: what survives line breaking
    and hyphenation in a PDF unchanged."""
    return re.sub(r"[\s\u00ad\u2010\-\ufffe\x02]+", "", unicodedata.normalize("NFC", text))


#: Running heads and page numbers live in the top and bottom margins, outside the text.
MARGIN_POINTS = 60


def pdf_text_without_superscripts(path: Path) -> str:
    """The PDF's text without note calls, running heads and page numbers.

    Note calls are set smaller than the text; dropping every character well below
    the most common size leaves the running text and the notes. Running heads
    and page numbers are dropped by their place in the page margins.
    """
    document = pypdfium2.PdfDocument(str(path))
    pages = []
    try:
        for page in document:
            height = page.get_height()
            textpage = page.get_textpage()
            characters = []
            for index in range(textpage.count_chars()):
                _, bottom, _, top = textpage.get_charbox(index)
                if top > height - MARGIN_POINTS or bottom < MARGIN_POINTS:
                    continue
                size = pypdfium2.raw.FPDFText_GetFontSize(textpage.raw, index)
                characters.append((chr(pypdfium2.raw.FPDFText_GetUnicode(textpage.raw, index)), size))
            pages.append(characters)
    finally:
        document.close()
    sizes = sorted(size for page in pages for character, size in page if not character.isspace())
    body_size = sizes[len(sizes) // 2]
    return "".join(
        character for page in pages for character, size in page if character.isspace() or size >= 0.85 * body_size
    )


def remove_keeping_tail(element: etree._Element) -> None:
    """Take an element out of a tree read back, leaving the text that follows it in place."""
    parent = one(element.getparent(), f"parent of <{element.tag}> (a root cannot be taken out)")
    previous = element.getprevious()
    tail = element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
