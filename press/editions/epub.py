"""The EPUB 3 edition: XHTML documents from templates, packaged with ebooklib.

ebooklib writes the package document and the zip; the documents, the
navigation document included, come from our templates so that they carry the
EPUB semantics (noterefs, endnotes, landmarks) readers and checkers look for.
The zip is then rewritten so that the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ebooklib import epub
from markupsafe import Markup

from ..document import Document
from ..markup import inner_html, note_references, parse_fragment
from ..output import atomic_output
from ..render import render, stylesheet

NAME = "epub"
SUFFIX = ".epub"
STYLESHEETS = ("common.css", "epub.css")
STYLESHEET_HREF = "css/epub.css"
TEXT_DOCUMENT = "text.xhtml"
NOTES_DOCUMENT = "notes.xhtml"
BIBLIOGRAPHY_DOCUMENT = "bibliography.xhtml"
COLOPHON_DOCUMENT = "colophon.xhtml"
NAV_DOCUMENT = "nav.xhtml"
XHTML_MEDIA_TYPE = "application/xhtml+xml"
MIMETYPE = b"application/epub+zip"


@dataclass(frozen=True)
class NavEntry:
    """A line of the table of contents, or a landmark when `type` is set."""

    href: str
    title: str
    type: str = ""
    children: list[NavEntry] = field(default_factory=list)


def write(document: Document, out_dir: Path) -> Path:
    target = out_dir / f"{document.name}{SUFFIX}"
    book = epub.EpubBook()
    describe(book, document)
    spine = add_documents(book, document)
    add_resources(book, document)
    add_navigation(book, document, spine)
    with atomic_output(target) as temporary:
        temporary.write_bytes(package(book, document.modified))
    return target


def describe(book: epub.EpubBook, document: Document) -> None:
    """Package metadata: Dublin Core, MARC relator roles and dcterms:modified."""
    metadata = document.metadata
    book.set_identifier(document.identifier)
    book.set_title(metadata.title)
    book.set_language(metadata.lang)
    for number, author in enumerate(metadata.authors, start=1):
        book.add_author(author, role="aut", uid=f"creator{number}")
    for number, contributor in enumerate(document.contributors, start=1):
        book.add_metadata("DC", "contributor", contributor.name, {"id": f"contributor{number}"})
        book.add_metadata(
            None,
            "meta",
            contributor.role,
            {"refines": f"#contributor{number}", "property": "role", "scheme": "marc:relators"},
        )
    for name, value in (
        ("date", metadata.date),
        ("description", metadata.description),
        ("rights", metadata.rights),
        ("publisher", metadata.publisher),
    ):
        if value:
            book.add_metadata("DC", name, value)
    for keyword in metadata.keywords:
        book.add_metadata("DC", "subject", keyword)


def add_documents(book: epub.EpubBook, document: Document) -> list[epub.EpubItem]:
    """The XHTML documents in reading order."""
    body = parse_fragment(document.body)
    for reference in note_references(body):
        reference.set("href", f"{NOTES_DOCUMENT}{reference.get('href', '')}")
        reference.set("epub:type", "noteref")
    pages: list[tuple[str, str, dict[str, object]]] = [
        (TEXT_DOCUMENT, "epub/text.xhtml.j2", {"body": Markup(inner_html(body, method="xml"))})
    ]
    if document.notes:
        pages.append((NOTES_DOCUMENT, "epub/notes.xhtml.j2", {"text_href": TEXT_DOCUMENT}))
    if document.bibliography:
        pages.append((BIBLIOGRAPHY_DOCUMENT, "epub/bibliography.xhtml.j2", {}))
    pages.append((COLOPHON_DOCUMENT, "epub/colophon.xhtml.j2", {}))
    spine = []
    for file_name, template, context in pages:
        item = _xhtml_item(file_name, render(template, document=document, stylesheet_href=STYLESHEET_HREF, **context))
        book.add_item(item)
        spine.append(item)
    book.spine = spine
    return spine


def add_resources(book: epub.EpubBook, document: Document) -> None:
    book.add_item(
        epub.EpubItem(
            uid="stylesheet",
            file_name=STYLESHEET_HREF,
            media_type="text/css",
            content=stylesheet(*STYLESHEETS).encode("utf-8"),
        )
    )
    for number, asset in enumerate(document.assets, start=1):
        book.add_item(
            epub.EpubItem(uid=f"image{number}", file_name=asset.href, media_type=asset.media_type, content=asset.read())
        )


def add_navigation(book: epub.EpubBook, document: Document, spine: list[epub.EpubItem]) -> None:
    """The navigation document (contents and landmarks) and an NCX for older readers."""
    sections = [
        NavEntry(f"{TEXT_DOCUMENT}#{section.identifier}", section.title)
        for section in document.sections
        if section.level == 2
    ]
    toc = [NavEntry(f"{TEXT_DOCUMENT}#title", document.metadata.title, children=sections)]
    landmarks = [NavEntry(TEXT_DOCUMENT, "Start of text", "bodymatter")]
    if document.notes:
        toc.append(NavEntry(NOTES_DOCUMENT, "Notes"))
        landmarks.append(NavEntry(NOTES_DOCUMENT, "Notes", "endnotes"))
    if document.bibliography:
        title = document.bibliography_title or "Bibliography"
        toc.append(NavEntry(BIBLIOGRAPHY_DOCUMENT, title))
        landmarks.append(NavEntry(BIBLIOGRAPHY_DOCUMENT, title, "bibliography"))
    toc.append(NavEntry(COLOPHON_DOCUMENT, "Colophon"))
    nav = _xhtml_item(
        NAV_DOCUMENT,
        render("epub/nav.xhtml.j2", document=document, toc=toc, landmarks=landmarks, stylesheet_href=STYLESHEET_HREF),
    )
    nav.properties = ["nav"]
    book.add_item(nav)
    book.toc = [epub.Link(entry.href, entry.title, f"toc{number}") for number, entry in enumerate(toc, start=1)]
    book.add_item(epub.EpubNcx())


def package(book: epub.EpubBook, modified: datetime) -> bytes:
    """The .epub bytes: mimetype first and stored, entries in a fixed order and time."""
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"mtime": modified, "epub2_guide": False, "epub3_landmark": False})
    stamp = max(modified, datetime(1980, 1, 1, tzinfo=modified.tzinfo)).timetuple()[:6]
    result = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(result, "w") as packed:
        names = sorted(source.namelist(), key=lambda name: (name != "mimetype", name))
        for name in names:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            data = MIMETYPE if name == "mimetype" else source.read(name)
            packed.writestr(entry, data, compresslevel=9)
    return result.getvalue()


def _xhtml_item(file_name: str, content: str) -> epub.EpubItem:
    item = epub.EpubItem(
        uid=Path(file_name).stem, file_name=file_name, media_type=XHTML_MEDIA_TYPE, content=content.encode("utf-8")
    )
    item.properties = []
    return item
