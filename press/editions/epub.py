"""The EPUB 3 edition: XHTML documents from templates, packaged with ebooklib.

The book opens on a cover drawn for reading systems' libraries and a title
page, then the essay, its notes, the bibliography and a colophon, in the print
edition's order. A book (press.divisions) has a copyright page, its dedication
and epigraph, then one document per division (a preface, each part's page, each
chapter, each appendix), each chapter's notes at its end, so that a note and its
call are always in one file (or, with `notes: endnotes`, after the text as print
sets them); a division too large for reading systems to open quickly is cut
between its blocks. Links within the book point at the document
that holds their target. The documents, the navigation document included, come
from our templates so that they carry the EPUB semantics (noterefs, endnotes,
parts and chapters, landmarks) readers and checkers look for. Page-break markers
and a page list give the print edition's page numbers as it prints them, found
by laying the print edition out once.

The accessibility metadata describes what the documents really hold, read
back from them once they are finished: a feature is declared only when it is
there, and conformance to EPUB Accessibility is claimed only when this very
build ran Ace by DAISY on the book and it found nothing (`check_accessibility`,
which `make release` sets); otherwise the features are listed and no claim made.
ebooklib writes the package document and the zip, which is then rewritten so
that the same inputs give the same bytes.
"""

from __future__ import annotations

import copy
import io
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from ebooklib import epub
from lxml import etree
from markupsafe import Markup
from PIL import Image

from .. import bookindex, housestyle, limits, printbook, printpage, scripts, validate
from ..contents import ContentsEntry, contents
from ..context import BuildContext
from ..cover import FONTS as COVER_FONTS
from ..cover import Cover, make_cover
from ..divisions import Division
from ..document import TEMPLATE_IDENTIFIERS, Document, Note, edition_document
from ..errors import Location, PressError
from ..front import FrontMatterHtml, parsed, without_note_calls
from ..inputs import code_files, template_files
from ..labels import labels_for
from ..markup import inner_html, note_references, parse_fragment
from ..output import atomic_output
from ..pagemap import PrintPages, place_page_breaks
from ..people import Author
from ..printbook import note_groups
from ..render import render, stylesheet_paths
from ..sanitize import url_scheme
from ..webfonts import KOREAN_FACE, FontFile, embedded_faces, font_files

NAME = "epub"
SUFFIX = ".epub"
STYLESHEETS = ("common.css", "epub.css")
TEMPLATES = (
    "epub/cover.xhtml.j2",
    "epub/titlepage.xhtml.j2",
    "epub/text.xhtml.j2",
    "epub/notes.xhtml.j2",
    "epub/bibliography.xhtml.j2",
    "epub/colophon.xhtml.j2",
    "epub/nav.xhtml.j2",
    "epub/copyright.xhtml.j2",
    "epub/dedication.xhtml.j2",
    "epub/epigraph.xhtml.j2",
    "epub/division.xhtml.j2",
    "epub/index.xhtml.j2",
)
STYLESHEET_HREF = "css/epub.css"
FONTS_FOLDER = "fonts"
COVER_IMAGE = "images/cover.jpg"
COVER_DOCUMENT = "cover.xhtml"
TITLE_PAGE_DOCUMENT = "titlepage.xhtml"
TEXT_DOCUMENT = "text.xhtml"
NOTES_DOCUMENT = "notes.xhtml"
BIBLIOGRAPHY_DOCUMENT = "bibliography.xhtml"
INDEX_DOCUMENT = "index.xhtml"
COLOPHON_DOCUMENT = "colophon.xhtml"
NAV_DOCUMENT = "nav.xhtml"
COPYRIGHT_DOCUMENT = "copyright.xhtml"
DEDICATION_DOCUMENT = "dedication.xhtml"
EPIGRAPH_DOCUMENT = "epigraph.xhtml"
#: What comes before a book's contents.
FRONT_MATTER_DOCUMENTS = (
    COVER_DOCUMENT,
    TITLE_PAGE_DOCUMENT,
    COPYRIGHT_DOCUMENT,
    DEDICATION_DOCUMENT,
    EPIGRAPH_DOCUMENT,
)
#: A book's divisions: `chapter-3.xhtml`, and `chapter-3-2.xhtml` for the rest of one too large for one file.
DIVISION_DOCUMENT = "{kind}-{ordinal}.xhtml"
CONTINUED_DOCUMENT = "{stem}-{piece}.xhtml"
#: Some reading systems slow down or fail on XHTML files larger than about 300 KB. A division is cut
#: between its blocks above this size, which leaves room for page-break markers and linked file names.
SPLIT_BYTES = 256 * 1024
#: Where each kind of division stands in a book (the epub:type of its document's body).
MATTER = {
    "front": "frontmatter",
    "part": "bodymatter",
    "chapter": "bodymatter",
    "appendix": "backmatter",
    "back": "backmatter",
}
#: What a division is (EPUB's structural semantics; DPUB-ARIA's role is `doc-` and the same word): parts,
#: chapters and appendices by their kind; front and back matter by a class (`# Foreword {.foreword}`) or
#: by a title that opens with the word in the book's language (templates/labels.yaml).
NUMBERED_KINDS = ("part", "chapter", "appendix")
MATTER_KINDS = (
    "preface", "foreword", "introduction", "prologue", "epilogue", "afterword", "conclusion", "acknowledgments",
)  # fmt: skip
#: The print edition, whose ISBN (when it has one) names the source of the page numbers.
PRINT_EDITION = "pdf"
#: The edition each ISBN of the front matter's `isbn` belongs to: its name there, and the words naming it.
EDITION_WORDS = {NAME: "epub_edition", PRINT_EDITION: "print_edition", "html": "web_edition"}
XHTML_MEDIA_TYPE = "application/xhtml+xml"
MIMETYPE = b"application/epub+zip"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
EPUB_NAMESPACE = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PAGE_BREAK_ID = "print-page-{number}"
PAGE_SOURCE_ID = "print-source"
#: Where a print page begins, in the copy of the documents the index's pages are read from.
PAGE_START = "press-page-start"
PAGE_START_LABEL = "label"
#: A term marked for the index, in a note's markup.
INDEX_MARK = re.compile(rf"""class=["'][^"']*\b{bookindex.INDEX_CLASS}\b""")
#: The claim made when the build's checks back it; one of the strings EPUB Accessibility 1.1 defines.
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
ACCESSIBILITY_CHECKER = "Ace by DAISY"
SVG_ANIMATION = frozenset({"animate", "animateMotion", "animateTransform", "set"})
#: Characters XML 1.0 does not allow (C0 controls but tab and line ends, unpaired surrogates,
#: non-characters) and the C1 controls it discourages: stray bytes in a manuscript, never text.
NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


@dataclass(frozen=True)
class NavEntry:
    """A line of the table of contents, or a landmark when `type` is set."""

    href: str
    title: str
    type: str = ""
    children: list[NavEntry] = field(default_factory=list)


@dataclass(frozen=True)
class ContentDocument:
    """One XHTML document of the book, parsed, and whether the print edition sets its text."""

    file_name: str
    tree: etree._Element
    in_print: bool


@dataclass(frozen=True)
class Accessibility:
    """The schema.org accessibility metadata of the book, and the conformance it may claim."""

    access_modes: tuple[str, ...]
    access_modes_sufficient: tuple[str, ...]
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    conforms_to: str | None


def toolchain_files() -> list[Path]:
    """Code, templates, stylesheets and cover fonts; the print layout's, for the page list."""
    return [
        *code_files(__name__),
        *template_files(*TEMPLATES),
        *stylesheet_paths(*STYLESHEETS),
        *COVER_FONTS,
        KOREAN_FACE.source,
        *scripts.toolchain_files(),
        *printpage.toolchain_files(),
    ]


@limits.within_budget("the EPUB edition")
def write(document: Document, context: BuildContext) -> Path:
    target = context.out / f"{document.name}{SUFFIX}"
    # Gather: the print edition's pages (one layout pass), the cover, the documents with page breaks.
    pages = printpage.print_pages(document, context)
    document = edition_document(document, NAME)
    document = notes_as_xhtml(cast(Document, xml_safe(replace(document, front=front_as_xhtml(document.front)))))
    cover = make_cover(document)
    documents = book_documents(document, cover, pages) if document.is_book else essay_documents(document, cover, pages)
    holders = link_across_documents(documents)
    page_list = add_page_breaks(documents, pages)
    styles = housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context)
    fonts = embedded_fonts(document, documents, context)
    accessibility = assess(document, documents, pages, page_list)
    # Write: the package; checked by Ace first when the build is to back a conformance claim.
    book = build_book(document, documents, holders, cover, accessibility, page_list, (styles, *fonts))
    if context.options.check_accessibility:
        _check_accessibility(book, target)
        accessibility = assess(document, documents, pages, page_list, checked=True)
        book = build_book(document, documents, holders, cover, accessibility, page_list, (styles, *fonts))
    with atomic_output(target, context.reporter) as temporary:
        temporary.write_bytes(book)
    return target


def build_book(
    document: Document,
    documents: list[ContentDocument],
    holders: dict[str, str],
    cover: Cover,
    accessibility: Accessibility,
    page_list: list[NavEntry],
    styles: tuple[list[Path], list[FontFile], str],
) -> bytes:
    book = epub.EpubBook()
    describe(book, document, accessibility, page_list)
    items = add_documents(book, documents)
    add_resources(book, document, cover, styles)
    nav = add_navigation(book, document, documents, holders, page_list)
    book.spine = reading_order(document, documents, items, nav)
    return package(book, document.modified)


def _check_accessibility(book: bytes, target: Path) -> None:
    """Run Ace on the finished book; any violation stops the build."""
    with tempfile.TemporaryDirectory(prefix="press-ace-") as scratch:
        provisional = Path(scratch) / target.name
        provisional.write_bytes(book)
        check = validate.ace(provisional)
    if not check.passed:
        problems = [*check.errors, *check.warnings]
        raise PressError(
            f"{ACCESSIBILITY_CHECKER} found {len(problems)} accessibility problems in the EPUB, "
            f"the first: {problems[0]}",
            Location(target),
        )


#: A document to render: its file name, template, what the template is given, and whether print sets its text.
ToRender = tuple[str, str, dict[str, Any], bool]


def essay_documents(document: Document, cover: Cover, pages: PrintPages) -> list[ContentDocument]:
    """The XHTML documents in reading order: cover, title page, essay, notes, bibliography, colophon."""
    body = parse_fragment(document.body)
    mark_note_references(body)
    to_render: list[ToRender] = [
        (COVER_DOCUMENT, "epub/cover.xhtml.j2", {"cover": cover, "cover_href": COVER_IMAGE}, False),
        (
            TITLE_PAGE_DOCUMENT,
            "epub/titlepage.xhtml.j2",
            {"book": False, "front": without_note_calls(document.front, "xml")},
            False,
        ),
        (TEXT_DOCUMENT, "epub/text.xhtml.j2", {"body": Markup(inner_html(body, method="xml"))}, True),
    ]
    if document.notes:
        to_render.append((NOTES_DOCUMENT, "epub/notes.xhtml.j2", {"notes": document.notes, "groups": ()}, True))
    return rendered(document, [*to_render, *back_matter(document, cover, pages)])


def book_documents(document: Document, cover: Cover, pages: PrintPages) -> list[ContentDocument]:
    """A book's XHTML documents in reading order: cover, title page, copyright page, dedication,
    epigraph, one document per division (a division too large cut in several), bibliography, index,
    colophon."""
    body = parse_fragment(document.body)
    mark_note_references(body)
    marks, marked_notes = mark_index_terms(body, document.notes)
    document = replace(document, notes=marked_notes)
    words = labels_for(document.metadata.lang)
    to_render: list[ToRender] = [
        (COVER_DOCUMENT, "epub/cover.xhtml.j2", {"cover": cover, "cover_href": COVER_IMAGE}, False),
        (TITLE_PAGE_DOCUMENT, "epub/titlepage.xhtml.j2", {"book": True, "front": document.front}, True),
        (COPYRIGHT_DOCUMENT, "epub/copyright.xhtml.j2", {"isbns": edition_isbns(document.metadata.isbn, words)}, True),
    ]
    if document.front.dedication_html:
        to_render.append((DEDICATION_DOCUMENT, "epub/dedication.xhtml.j2", {}, True))
    if document.front.epigraph_html:
        to_render.append((EPIGRAPH_DOCUMENT, "epub/epigraph.xhtml.j2", {}, True))
    sections = {str(element.get("id")): element for element in body}
    taken = {str(element.get("id")) for element in body.iter() if element.get("id")} | set(TEMPLATE_IDENTIFIERS)
    ordinals: Counter[str] = Counter()
    # Each chapter's notes end its document, unless the author asks for them after the text, as in print.
    endnotes = document.metadata.notes == "endnotes"
    for division in document.divisions:
        section = sections[division.identifier]
        ordinals[division.kind] += 1
        attributes = {str(name): str(value) for name, value in section.attrib.items()}
        semantics = division_semantics(division, section, words)
        if semantics:
            attributes |= {"epub:type": semantics, "role": f"doc-{semantics}"}
        notes = [] if endnotes else [note for note in document.notes if note.division == division.identifier]
        context = {
            "division": division,
            "matter": MATTER[division.kind],
            "attributes": attributes,
            "body": Markup(inner_html(section, method="xml")),
            "notes": notes,
            "notes_identifier": unique_identifier(f"notes-{division.identifier}", taken) if notes else "",
        }
        name = DIVISION_DOCUMENT.format(kind=division.kind, ordinal=ordinals[division.kind])
        to_render.append((name, "epub/division.xhtml.j2", context, True))
    if endnotes and document.notes:
        groups = [
            (unique_identifier(f"notes-{number}", taken), group.heading, group.notes)
            for number, group in enumerate(note_groups(document.notes, document), start=1)
        ]
        to_render.append((NOTES_DOCUMENT, "epub/notes.xhtml.j2", {"groups": groups}, True))
    unplaced = [note for note in document.notes if not note.division]
    if unplaced and not endnotes:
        to_render.append((NOTES_DOCUMENT, "epub/notes.xhtml.j2", {"notes": unplaced, "groups": ()}, True))
    documents = rendered(document, [*to_render, *back_matter(document, cover, pages)])
    if marks:
        documents.insert(-1, index_document(document, documents, marks, pages))  # before the colophon
    return [piece for item in documents for piece in split_document(item)]


def mark_index_terms(body: Any, notes: tuple[Note, ...]) -> tuple[list[bookindex.Mark], tuple[Note, ...]]:
    """Identify the terms the author marked for the index, in the text and in the notes, numbered
    through the book; the notes given back with their marks identified."""
    fragments = {note.identifier: parse_fragment(note.html) for note in notes if INDEX_MARK.search(note.html)}
    marks = bookindex.mark_terms([body, *fragments.values()])
    marked = {identifier: inner_html(fragment, method="xml") for identifier, fragment in fragments.items()}
    return marks, tuple(replace(note, html=marked.get(note.identifier, note.html)) for note in notes)


def index_document(
    document: Document, documents: list[ContentDocument], marks: list[bookindex.Mark], pages: PrintPages
) -> ContentDocument:
    """The book's index, each heading with the print edition's pages it is marked on.

    A mark's page is found as the page list finds pages: where the print pages begin is placed in a
    copy of the documents, and a mark stands on the page begun last before it. A mark in a footnote
    stands on its call's page, as print sets the note; in the EPUB the note follows its chapter.
    """
    page_of = print_pages_of_identifiers(documents, pages)
    calls = {note.identifier: note.reference_identifier for note in document.notes}
    in_notes = {} if document.metadata.notes == "endnotes" else notes_holding(documents, calls)
    first_page = pages.labels[0] if pages.labels else ""
    labels: dict[str, str] = {}
    for mark in marks:
        note = in_notes.get(mark.identifier)
        placed = calls[note] if note else mark.identifier  # a footnote's mark: where print sets it, at its call
        labels[mark.identifier] = page_of.get(placed) or page_of.get(mark.identifier, first_page)
    groups = bookindex.index_groups(marks, labels)
    (item,) = rendered(document, [(INDEX_DOCUMENT, "epub/index.xhtml.j2", {"groups": groups, "pages": labels}, True)])
    return item


def print_pages_of_identifiers(documents: list[ContentDocument], pages: PrintPages) -> dict[str, str]:
    """The print page (as numbered) each identifier of the documents print sets stands on."""
    printed = [copy.deepcopy(item.tree) for item in documents if item.in_print]

    def marker(number: int) -> etree._Element:
        return etree.Element(PAGE_START, {PAGE_START_LABEL: pages.labels[number - 1]})

    place_page_breaks(printed, pages, marker)
    page_of: dict[str, str] = {}
    label = pages.labels[0] if pages.labels else ""
    for tree in printed:
        for element in tree.iter():
            if element.tag == PAGE_START:
                label = str(element.get(PAGE_START_LABEL))
            elif isinstance(element.tag, str) and element.get("id"):
                page_of.setdefault(str(element.get("id")), label)
    return page_of


def notes_holding(documents: list[ContentDocument], notes: Iterable[str]) -> dict[str, str]:
    """The note (its identifier) each identified element inside a note stands in."""
    wanted = set(notes)
    holding: dict[str, str] = {}
    for item in documents:
        for element in item.tree.iter():
            if isinstance(element.tag, str) and element.get("id") in wanted:
                for inner in element.iterdescendants():
                    if isinstance(inner.tag, str) and inner.get("id"):
                        holding[str(inner.get("id"))] = str(element.get("id"))
    return holding


def back_matter(document: Document, cover: Cover, pages: PrintPages) -> list[ToRender]:
    """The bibliography and the colophon, which says where the page numbers and the cover come from."""
    words = labels_for(document.metadata.lang)
    page_count = words["page_count_one" if pages.count == 1 else "page_count"].format(count=pages.count)
    pages_note = words["print_pages_note"].format(paper=pages.paper, pages=page_count, identifier=page_source(document))
    colophon_lines = [pages_note, words["cover_drawn_with_illustration" if cover.illustrated else "cover_drawn"]]
    to_render: list[ToRender] = []
    if document.bibliography:
        to_render.append((BIBLIOGRAPHY_DOCUMENT, "epub/bibliography.xhtml.j2", {}, True))
    to_render.append((COLOPHON_DOCUMENT, "epub/colophon.xhtml.j2", {"colophon_lines": colophon_lines}, True))
    return to_render


def rendered(document: Document, to_render: list[ToRender]) -> list[ContentDocument]:
    """Each document rendered from its template and parsed."""
    documents = [
        ContentDocument(
            file_name,
            etree.fromstring(
                render(template, document=document, stylesheet_href=STYLESHEET_HREF, **context).encode("utf-8"),
                XML_PARSER,
            ),
            in_print,
        )
        for file_name, template, context, in_print in to_render
    ]
    unlink_other_files(documents)
    return documents


def mark_note_references(body: etree._Element) -> None:
    for reference in note_references(body):
        reference.set("epub:type", "noteref")


def front_as_xhtml(front: FrontMatterHtml) -> FrontMatterHtml:
    """The front matter in XHTML, the notes it calls marked as the text's are."""
    front_fields = parsed(front)
    for fragment in front_fields.in_reading_order():
        mark_note_references(fragment)
    return front_fields.written(method="xml")


def division_semantics(division: Division, section: etree._Element, words: dict[str, Any]) -> str | None:
    """What a division is, in EPUB's and DPUB-ARIA's words ("chapter", "preface"), when that is known."""
    if division.kind in NUMBERED_KINDS:
        return division.kind
    heading = section.find("h2")
    classes = {*section.get("class", "").split(), *(heading.get("class", "").split() if heading is not None else ())}
    marked = [kind for kind in MATTER_KINDS if kind in classes]
    titled = [kind for kind in MATTER_KINDS if _opens_with(division.title.casefold(), words[kind].casefold())]
    return next(iter(marked or titled), None)


def _opens_with(title: str, word: str) -> bool:
    """Whether a title is the word, or opens with it as a word of its own ("Preface to the Second
    Edition"; not "序章", a prologue, for "序", a foreword)."""
    return title.startswith(word) and (len(title) == len(word) or not title[len(word)].isalnum())


def unique_identifier(wanted: str, taken: set[str]) -> str:
    """An identifier for a list of notes (`notes-sec-lamps`) that, with its heading's (`-title`), nothing
    else has; recorded as taken."""
    identifier, number = wanted, 1
    while identifier in taken or f"{identifier}-title" in taken:
        number += 1
        identifier = f"{wanted}-{number}"
    taken |= {identifier, f"{identifier}-title"}
    return identifier


def edition_isbns(isbns: dict[str, str], words: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The ISBNs (by edition) a copyright page lists, this edition's first, each with its edition's name
    (none when every edition has the same)."""
    if len(set(isbns.values())) == 1:
        return [(None, next(iter(isbns.values())))]
    return [(words[label], isbns[edition]) for edition, label in EDITION_WORDS.items() if edition in isbns]


def isbn_urn(isbn: str) -> str:
    """An ISBN as a URN (RFC 3187): its digits alone."""
    return "urn:isbn:" + re.sub(r"[^0-9X]", "", isbn.upper())


def package_identifier(document: Document) -> str:
    """The EPUB's own identifier: its ISBN when it has one."""
    isbn = document.metadata.isbn.get(NAME)
    return isbn_urn(isbn) if isbn else document.identifier


def page_source(document: Document) -> str:
    """The identifier of the print edition whose page numbers the EPUB gives: its ISBN when it has one."""
    isbn = document.metadata.isbn.get(PRINT_EDITION)
    return isbn_urn(isbn) if isbn else document.identifier


def split_document(item: ContentDocument) -> list[ContentDocument]:
    """A document, or, when it is larger than SPLIT_BYTES, the document holding as many of the blocks
    of its section (a division, the bibliography) as fit, followed by documents holding the rest, each
    as many again. A block larger than that stands alone: a paragraph, a table or a list is not cut."""
    body = _body(item.tree)
    section = body.find(f"{{{XHTML_NAMESPACE}}}section")
    if section is None or _size(item.tree) <= SPLIT_BYTES:
        return [item]
    blocks = list(section)
    for block in blocks:
        section.remove(block)
    frame = _size(item.tree)
    pieces: list[list[etree._Element]] = [[]]
    size = frame
    for block in blocks:
        block_size = len(etree.tostring(block, encoding="utf-8"))
        if pieces[-1] and size + block_size > SPLIT_BYTES:
            pieces.append([])
            size = frame
        pieces[-1].append(block)
        size += block_size
    section.extend(pieces[0])
    documents = [item]
    stem = Path(item.file_name).stem
    for number, piece in enumerate(pieces[1:], start=2):
        tree = copy.deepcopy(item.tree)  # the head, and a body holding the rest of the division's blocks
        continued = _body(tree)
        for child in list(continued):
            continued.remove(child)
        continued.extend(piece)
        documents.append(ContentDocument(CONTINUED_DOCUMENT.format(stem=stem, piece=number), tree, item.in_print))
    return documents


def unlink_other_files(documents: list[ContentDocument]) -> None:
    """A link to a file the book does not hold (`/about/`, `other.html`) stays as text: a
    reading system could not open it. The loader has warned the author about each one."""
    names = {item.file_name for item in documents}
    for item in documents:
        for link in item.tree.iter(f"{{{XHTML_NAMESPACE}}}a"):
            href = link.get("href", "")
            if href and not href.startswith("#") and url_scheme(href) is None and href.split("#")[0] not in names:
                del link.attrib["href"]


def link_across_documents(documents: list[ContentDocument]) -> dict[str, str]:
    """Point every link within the book (`#fig-map`, a note and its call, a citation) at the document
    that holds its target, and say which document holds each identifier."""
    holders: dict[str, str] = {}
    for item in documents:
        for element in item.tree.iter():
            if isinstance(element.tag, str) and element.get("id"):
                holders.setdefault(str(element.get("id")), item.file_name)
    for item in documents:
        for link in item.tree.iter(f"{{{XHTML_NAMESPACE}}}a"):
            href = link.get("href", "")
            holder = holders.get(href[1:]) if href.startswith("#") else None
            if holder is not None and holder != item.file_name:
                link.set("href", holder + href)
    return holders


def add_page_breaks(documents: list[ContentDocument], pages: PrintPages) -> list[NavEntry]:
    """Page-break markers where the print edition's pages begin, named as the print edition numbers
    them; the page list that leads to them."""
    printed = [item for item in documents if item.in_print]
    taken = {str(element.get("id")) for item in documents for element in item.tree.iter() if element.get("id")}

    def marker(number: int) -> etree._Element:
        identifier = PAGE_BREAK_ID.format(number=number)
        while identifier in taken:
            identifier += "-"
        taken.add(identifier)
        label = pages.labels[number - 1]
        element = etree.Element(
            f"{{{XHTML_NAMESPACE}}}span",
            {
                f"{{{EPUB_NAMESPACE}}}type": "pagebreak",
                "role": "doc-pagebreak",
                "id": identifier,
                "aria-label": label,
                "title": label,
            },
        )
        element.text = ""
        return element

    page_breaks = place_page_breaks([item.tree for item in printed], pages, marker)
    return [
        NavEntry(
            f"{printed[page_break.document].file_name}#{page_break.identifier}", pages.labels[page_break.number - 1]
        )
        for page_break in page_breaks
    ]


def assess(
    document: Document,
    documents: list[ContentDocument],
    pages: PrintPages,
    page_list: list[NavEntry],
    checked: bool = False,
) -> Accessibility:
    """What the finished documents offer readers, read back from them.

    Conformance is claimed only when `checked`: Ace found nothing in this book.
    """
    images = [image for item in documents for image in item.tree.iter(f"{{{XHTML_NAMESPACE}}}img")]
    alternative_text = all(image.get("alt", "").strip() for image in images)
    headings = any(item.tree.xpath("//*[local-name()='h2' or local-name()='h3']") for item in documents)
    page_list_complete = bool(page_list) and len(page_list) == pages.count
    animated = any(_animated(asset.source) for asset in document.assets)

    features = ["tableOfContents", "readingOrder", "ARIA"]
    if headings:
        features.append("structuralNavigation")
    if alternative_text and images:
        features.append("alternativeText")
    if page_list:
        features += ["pageNavigation", "pageBreakMarkers"]
    hazards = ("unknownFlashingHazard", "noMotionSimulationHazard", "noSoundHazard") if animated else ("none",)
    modes = ("textual", "visual") if images else ("textual",)
    sufficient: tuple[str, ...] = ("textual",) if alternative_text else ()
    sufficient += ("textual,visual",) if images else ()
    conforms = checked and alternative_text and not animated and (page_list_complete or not page_list)

    summary = [
        "A reflowable EPUB 3 with a table of contents, landmarks and a reading order that follows the print edition."
    ]
    if headings:
        summary.append("Headings give the structure of the text.")
    if page_list:
        found = "every page" if page_list_complete else f"{len(page_list)} of its {pages.count} pages"
        summary.append(
            f"A page list and page-break markers give the page numbers of the print edition "
            f"({pages.paper} PDF, {_pages(pages.count)}) for {found}."
        )
    if document.notes:
        summary.append("Note references link to the notes and the notes link back, so that readers can show them.")
    if images:
        summary.append(
            "Every image has alternative text." if alternative_text else "Some images lack alternative text."
        )
    summary.append(
        "Some images are animated and have not been checked for flashing."
        if animated
        else "There are no flashing, motion or sound hazards."
    )
    if conforms:
        summary.append(
            f"It meets EPUB Accessibility 1.1 and WCAG 2.2 at level AA: {ACCESSIBILITY_CHECKER}"
            " found no violation when it was built."
        )
    return Accessibility(
        access_modes=modes,
        access_modes_sufficient=sufficient,
        features=tuple(features),
        hazards=hazards,
        summary=" ".join(summary),
        conforms_to=CONFORMANCE if conforms else None,
    )


def describe(book: epub.EpubBook, document: Document, accessibility: Accessibility, page_list: list[NavEntry]) -> None:
    """Package metadata: Dublin Core, MARC relator roles, the page source and accessibility."""
    metadata = document.metadata
    identifier = package_identifier(document)
    book.set_identifier(identifier)
    if identifier != document.identifier:
        book.add_metadata("DC", "identifier", document.identifier)
    book.set_title(metadata.title)
    if metadata.subtitle:
        book.add_metadata("DC", "title", metadata.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    book.set_language(metadata.lang)
    if metadata.direction == "rtl":
        book.set_direction("rtl")  # the spine's page-progression-direction
    for number, person in enumerate(metadata.people, start=1):
        describe_author(book, person, f"creator{number}")
    for number, contributor in enumerate(document.contributors, start=1):
        book.add_metadata("DC", "contributor", contributor.name, {"id": f"contributor{number}"})
        book.add_metadata(
            None,
            "meta",
            contributor.role,
            {"refines": f"#contributor{number}", "property": "role", "scheme": "marc:relators"},
        )
    for name, value in (
        ("date", metadata.date_iso),
        ("description", metadata.description or metadata.abstract),
        ("rights", metadata.rights),
        ("publisher", metadata.publisher),
    ):
        if value:
            book.add_metadata("DC", name, value)
    for keyword in metadata.keywords:
        book.add_metadata("DC", "subject", keyword)
    if metadata.version:
        book.add_metadata(None, "meta", metadata.version, {"property": "schema:version"})
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    if page_list:
        # The print edition, which carries the same identifier in its colophon, is the page source.
        source = page_source(document)
        book.add_metadata("DC", "source", source, {"id": PAGE_SOURCE_ID})
        book.add_metadata(None, "meta", source, {"property": "pageBreakSource"})
    properties = [
        ("schema:accessMode", accessibility.access_modes),
        ("schema:accessModeSufficient", accessibility.access_modes_sufficient),
        ("schema:accessibilityFeature", accessibility.features),
        ("schema:accessibilityHazard", accessibility.hazards),
        ("schema:accessibilitySummary", (accessibility.summary,)),
        ("dcterms:conformsTo", (accessibility.conforms_to,) if accessibility.conforms_to else ()),
    ]
    for name, values in properties:
        for value in values:
            book.add_metadata(None, "meta", value, {"property": name})


def describe_author(book: epub.EpubBook, person: Author, identifier: str) -> None:
    """An author as dc:creator, refined with the name sorted for catalogues, the ORCID iD,
    affiliations and email as schema.org properties."""
    given, family = person.name_parts
    book.add_author(person.name, file_as=f"{family}, {given}" if given else None, role="aut", uid=identifier)
    refinements = [
        *(("schema:affiliation", affiliation.label) for affiliation in person.affiliations),
        *((("schema:sameAs", person.orcid_url),) if person.orcid_url else ()),
        *((("schema:email", person.email),) if person.email else ()),
    ]
    for name, value in refinements:
        book.add_metadata(None, "meta", value, {"refines": f"#{identifier}", "property": name})


def add_documents(book: epub.EpubBook, documents: list[ContentDocument]) -> list[epub.EpubItem]:
    """The XHTML documents, in reading order."""
    items = [_xhtml_item(item.file_name, _serialise(item.tree)) for item in documents]
    for item in items:
        book.add_item(item)
    return items


def reading_order(
    document: Document, documents: list[ContentDocument], items: list[epub.EpubItem], nav: epub.EpubItem
) -> list[Any]:
    """The spine: the documents in reading order. A book's contents (the navigation document) follow its
    front matter, as in print, read in turn when the front matter asks for contents (`toc: true`) and
    otherwise reached from the landmarks only."""
    if not document.is_book:
        return list(items)
    position = 1 + max(index for index, item in enumerate(documents) if item.file_name in FRONT_MATTER_DOCUMENTS)
    contents_page = nav if document.metadata.toc else (nav, "no")
    return [*items[:position], contents_page, *items[position:]]


def embedded_fonts(
    document: Document, documents: list[ContentDocument], context: BuildContext
) -> tuple[list[FontFile], str]:
    """Subsets of the fonts for the scripts the book's text uses beyond Latin, Greek,
    Cyrillic and Hebrew (which the reader's own fonts set), and the CSS that names them."""
    metadata = document.metadata
    languages: dict[str, str] = {}
    for item in documents:
        for lang, text in scripts.text_by_language(item.tree, metadata.lang).items():
            languages[lang] = languages.get(lang, "") + text
    selection = scripts.select(languages, scripts.text_face_coverage() | scripts.font_coverage(metadata.fonts))
    faces = [KOREAN_FACE, *embedded_faces(selection, metadata.fonts)]
    files, rules = font_files(faces, "".join(languages.values()), context.cache, FONTS_FOLDER, "../fonts/")
    families = scripts.family_rules(languages, scripts.author_families(metadata.fonts))
    return files, f"\n{rules}\n{families}\n" if files else ""


def add_resources(
    book: epub.EpubBook, document: Document, cover: Cover, styles: tuple[list[Path], list[FontFile], str]
) -> None:
    """The stylesheet (the house's, the title's additions, the fonts' rules), the fonts and the images."""
    stylesheets, files, font_rules = styles
    book.add_item(
        epub.EpubItem(
            uid="stylesheet",
            file_name=STYLESHEET_HREF,
            media_type="text/css",
            content=(housestyle.text(stylesheets) + font_rules).encode("utf-8"),
        )
    )
    for number, font in enumerate(files, start=1):
        book.add_item(
            epub.EpubItem(uid=f"font{number}", file_name=font.href, media_type="font/woff2", content=font.data)
        )
    cover_item = epub.EpubItem(
        uid="cover-image", file_name=COVER_IMAGE, media_type=cover.media_type, content=cover.data
    )
    cover_item.properties = ["cover-image"]
    book.add_item(cover_item)
    for number, asset in enumerate(document.assets, start=1):
        book.add_item(
            epub.EpubItem(uid=f"image{number}", file_name=asset.href, media_type=asset.media_type, content=asset.read())
        )


def add_navigation(
    book: epub.EpubBook,
    document: Document,
    documents: list[ContentDocument],
    holders: dict[str, str],
    page_list: list[NavEntry],
) -> epub.EpubItem:
    """The navigation document (contents, lists of figures and tables, landmarks, page list) and an
    NCX for older readers."""
    words = labels_for(document.metadata.lang)
    names = {item.file_name for item in documents}
    lists = figure_lists(document, documents, words)
    if document.is_book:
        toc, landmarks = book_navigation(document, documents, holders, lists, words)
    else:
        toc, landmarks = essay_navigation(document, names, words)
    nav = _xhtml_item(
        NAV_DOCUMENT,
        render(
            "epub/nav.xhtml.j2",
            document=document,
            toc=toc,
            lists=lists,
            landmarks=landmarks,
            page_list=page_list,
            stylesheet_href=STYLESHEET_HREF,
        ),
    )
    nav.properties = ["nav"]
    book.add_item(nav)
    book.toc = _ncx_entries(toc)
    book.add_item(epub.EpubNcx())
    return nav


def essay_navigation(
    document: Document, names: set[str], words: dict[str, Any]
) -> tuple[list[NavEntry], list[NavEntry]]:
    """An essay's contents (its title, then its sections) and landmarks."""
    sections = [
        NavEntry(f"{TEXT_DOCUMENT}#{section.identifier}", section.title)
        for section in document.sections
        if section.level == 2
    ]
    toc = [NavEntry(f"{TEXT_DOCUMENT}#title", document.metadata.title, children=sections)]
    landmarks = [
        NavEntry(COVER_DOCUMENT, words["cover"], "cover"),
        NavEntry(TITLE_PAGE_DOCUMENT, words["title_page"], "titlepage"),
        NavEntry(TEXT_DOCUMENT, words["start_of_text"], "bodymatter"),
    ]
    if NOTES_DOCUMENT in names:
        toc.append(NavEntry(NOTES_DOCUMENT, words["notes"]))
        landmarks.append(NavEntry(NOTES_DOCUMENT, words["notes"], "endnotes"))
    toc += back_navigation(document, names, words, landmarks)
    return toc, landmarks


def book_navigation(
    document: Document,
    documents: list[ContentDocument],
    holders: dict[str, str],
    lists: list[NavEntry],
    words: dict[str, Any],
) -> tuple[list[NavEntry], list[NavEntry]]:
    """A book's contents, nested as its parts, chapters and sections are (to `toc-depth`), and its
    landmarks: cover, title page, copyright page, contents, lists, front matter, the first chapter,
    the first chapter's notes, back matter, bibliography."""
    names = {item.file_name for item in documents}
    divisions = {division.identifier: division for division in document.divisions}

    def entries(headings: list[ContentsEntry]) -> list[NavEntry]:
        return [
            NavEntry(
                f"{holders[heading.identifier]}#{heading.identifier}",
                divisions[heading.identifier].numbered_title if heading.identifier in divisions else heading.title,
                children=entries(heading.children),
            )
            for heading in headings
        ]

    toc = [
        NavEntry(COPYRIGHT_DOCUMENT, words["copyright_page"]),
        *entries(contents(document.sections, document.metadata.toc_depth)),
    ]
    if NOTES_DOCUMENT in names:
        toc.append(NavEntry(NOTES_DOCUMENT, words["notes"]))
    landmarks = [
        NavEntry(COVER_DOCUMENT, words["cover"], "cover"),
        NavEntry(TITLE_PAGE_DOCUMENT, words["title_page"], "titlepage"),
        NavEntry(COPYRIGHT_DOCUMENT, words["copyright_page"], "copyright-page"),
        NavEntry(f"{NAV_DOCUMENT}#toc", words["contents"], "toc"),
        *(NavEntry(entry.href, entry.title, entry.type) for entry in lists),
    ]
    trees = {item.file_name: item.tree for item in documents}
    # The body matter starts with the first chapter (or, in a book of none, where the front matter ends).
    chapters = [division for division in document.divisions if division.kind == "chapter"]
    body = chapters or [division for division in document.divisions if division.kind != "front"]
    body_start = body[0] if body else None
    for division in document.divisions:
        name = holders[division.identifier]
        semantics = _epub_type(trees[name], division.identifier)
        if division is body_start:
            landmarks.append(NavEntry(name, words["start_of_text"], "bodymatter"))
        elif semantics in MATTER_KINDS:
            landmarks.append(NavEntry(name, division.title, semantics))
    notes = [
        element.get("id")
        for item in documents
        for element in item.tree.iter(f"{{{XHTML_NAMESPACE}}}section")
        if "endnotes" in element.get(f"{{{EPUB_NAMESPACE}}}type", "").split()
    ]
    if notes:
        landmarks.append(NavEntry(f"{holders[str(notes[0])]}#{notes[0]}", words["notes"], "endnotes"))
    toc += back_navigation(document, names, words, landmarks)
    return toc, landmarks


def back_navigation(
    document: Document, names: set[str], words: dict[str, Any], landmarks: list[NavEntry]
) -> list[NavEntry]:
    """The contents' lines for the bibliography, the index and the colophon; their landmarks."""
    toc = []
    if BIBLIOGRAPHY_DOCUMENT in names:
        title = document.bibliography_title or words["bibliography"]
        toc.append(NavEntry(BIBLIOGRAPHY_DOCUMENT, title))
        landmarks.append(NavEntry(BIBLIOGRAPHY_DOCUMENT, title, "bibliography"))
    if INDEX_DOCUMENT in names:
        toc.append(NavEntry(INDEX_DOCUMENT, words["index"]))
        landmarks.append(NavEntry(INDEX_DOCUMENT, words["index"], "index"))
    toc.append(NavEntry(COLOPHON_DOCUMENT, words["colophon"]))
    return toc


def figure_lists(document: Document, documents: list[ContentDocument], words: dict[str, Any]) -> list[NavEntry]:
    """The lists of figures and of tables the front matter asks for (`lof`, `lot`): each captioned
    figure or table of the text, by its caption."""
    figures: list[NavEntry] = []
    tables: list[NavEntry] = []
    for item in documents:
        for figure in item.tree.iter(f"{{{XHTML_NAMESPACE}}}figure"):
            caption = figure.find(f"{{{XHTML_NAMESPACE}}}figcaption")
            classes = figure.get("class", "").split()
            if not figure.get("id") or caption is None or printbook.LISTING in classes:
                continue
            title = " ".join("".join(str(text) for text in caption.itertext()).split())
            entry = NavEntry(f"{item.file_name}#{figure.get('id')}", title)
            (tables if printbook.TABLE_FIGURE in classes else figures).append(entry)
    metadata = document.metadata
    wanted = [
        ("loi", words["list_of_figures"], figures, metadata.list_of_figures),
        ("lot", words["list_of_tables"], tables, metadata.list_of_tables),
    ]
    return [
        NavEntry(f"{NAV_DOCUMENT}#{kind}", title, kind, children)
        for kind, title, children, asked in wanted
        if asked and children
    ]


def _epub_type(tree: etree._Element, identifier: str) -> str:
    found = next((element for element in tree.iter() if element.get("id") == identifier), None)
    return str(found.get(f"{{{EPUB_NAMESPACE}}}type", "")) if found is not None else ""


def _ncx_entries(entries: Iterable[NavEntry], prefix: str = "toc") -> list[Any]:
    """The contents as ebooklib's NCX takes them: links, and sections with the links under them."""
    items: list[Any] = []
    for number, entry in enumerate(entries, start=1):
        identifier = f"{prefix}{number}"
        if entry.children:
            items.append((epub.Section(entry.title, entry.href), _ncx_entries(entry.children, f"{identifier}-")))
        else:
            items.append(epub.Link(entry.href, entry.title, identifier))
    return items


def package(book: epub.EpubBook, modified: datetime) -> bytes:
    """The .epub bytes: mimetype first and stored, entries in a fixed order and time."""
    buffer = io.BytesIO()
    writer = _Writer(buffer, book, {"mtime": modified, "epub2_guide": False, "epub3_landmark": False})
    writer.process()
    writer.write()
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


class _Writer(epub.EpubWriter):  # type: ignore[misc]
    """ebooklib's writer, declaring the package document's language (xml:lang) as well."""

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)


def xml_safe(value: Any) -> Any:
    """The value (a text, a tuple, a dataclass such as the Document) with every character
    XML cannot carry taken out of its texts; anything else is left as it is."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, tuple):
        return tuple(xml_safe(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{item.name: xml_safe(getattr(value, item.name)) for item in fields(value) if item.init})
    return value


def notes_as_xhtml(document: Document) -> Document:
    """The document with its notes and bibliography in XHTML: the EPUB's documents are XML,
    where an empty element such as a line block's <br> must be closed."""
    notes = tuple(replace(note, html=inner_html(parse_fragment(note.html), method="xml")) for note in document.notes)
    bibliography = document.bibliography
    if bibliography is not None:
        bibliography = inner_html(parse_fragment(bibliography), method="xml")
    return replace(document, notes=notes, bibliography=bibliography)


def _pages(count: int) -> str:
    """A page count in the accessibility summary's English."""
    return f"{count} page" if count == 1 else f"{count} pages"


def _body(tree: etree._Element) -> etree._Element:
    body = tree.find(f"{{{XHTML_NAMESPACE}}}body")
    if body is None:
        raise ValueError("an XHTML document without a body")  # the templates write one in every document
    return body


def _size(tree: etree._Element) -> int:
    """The bytes of a document as the book holds it."""
    return len(_serialise(tree).encode("utf-8"))


def _serialise(tree: etree._Element) -> str:
    """A finished document as XHTML text, with its XML declaration and doctype."""
    markup = etree.tostring(tree.getroottree(), encoding="unicode", doctype="<!DOCTYPE html>")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{markup}\n'


def _animated(source: Path) -> bool:
    """Whether an image moves: frames in a GIF, PNG or WebP, animation elements in an SVG."""
    if source.suffix.lower() == ".svg":
        root = etree.parse(str(source), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        return any(etree.QName(element).localname in SVG_ANIMATION for element in root.iter("{*}*"))
    with Image.open(source) as image:
        return bool(getattr(image, "is_animated", False))


def _xhtml_item(file_name: str, content: str) -> epub.EpubItem:
    item = epub.EpubItem(
        uid=Path(file_name).stem, file_name=file_name, media_type=XHTML_MEDIA_TYPE, content=content.encode("utf-8")
    )
    # A document showing formulas must say so, for reading systems to load their MathML support.
    item.properties = ["mathml"] if b"<math" in item.content else []
    return item
