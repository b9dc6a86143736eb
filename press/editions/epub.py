"""The EPUB 3 edition: XHTML documents from templates, packaged with ebooklib.

The book opens on a cover drawn for reading systems' libraries and a title
page, then the essay, its notes, the bibliography and a colophon, in the print
edition's order. The documents, the navigation document included, come from our
templates so that they carry the EPUB semantics (noterefs, endnotes, landmarks)
readers and checkers look for. Page-break markers and a page list give the
print edition's page numbers, found by laying the print edition out once.

The accessibility metadata describes what the documents really hold, read
back from them once they are finished: a feature is declared only when it is
there, and conformance to EPUB Accessibility is claimed only when this very
build ran Ace by DAISY on the book and it found nothing (`check_accessibility`,
which `make release` sets); otherwise the features are listed and no claim made.
ebooklib writes the package document and the zip, which is then rewritten so
that the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from ebooklib import epub
from lxml import etree
from markupsafe import Markup
from PIL import Image

from .. import housestyle, limits, printlayout, scripts, validate
from ..context import BuildContext
from ..cover import FONTS as COVER_FONTS
from ..cover import Cover, make_cover
from ..crossref import point_references_at
from ..document import Document
from ..errors import Location, PressError
from ..front import as_xhtml
from ..inputs import code_files, template_files
from ..labels import labels_for
from ..markup import inner_html, note_references, parse_fragment
from ..output import atomic_output
from ..pagemap import PageBreak, PrintPages, place_page_breaks
from ..people import Author
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
)
STYLESHEET_HREF = "css/epub.css"
FONTS_FOLDER = "fonts"
COVER_IMAGE = "images/cover.jpg"
COVER_DOCUMENT = "cover.xhtml"
TITLE_PAGE_DOCUMENT = "titlepage.xhtml"
TEXT_DOCUMENT = "text.xhtml"
NOTES_DOCUMENT = "notes.xhtml"
BIBLIOGRAPHY_DOCUMENT = "bibliography.xhtml"
COLOPHON_DOCUMENT = "colophon.xhtml"
NAV_DOCUMENT = "nav.xhtml"
XHTML_MEDIA_TYPE = "application/xhtml+xml"
MIMETYPE = b"application/epub+zip"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
EPUB_NAMESPACE = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PAGE_BREAK_ID = "print-page-{number}"
PAGE_SOURCE_ID = "print-source"
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
        *printlayout.toolchain_files(),
    ]


@limits.within_budget("the EPUB edition")
def write(document: Document, context: BuildContext) -> Path:
    target = context.out / f"{document.name}{SUFFIX}"
    # Gather: the print edition's pages (one layout pass), the cover, the documents with page breaks.
    pages = printlayout.print_pages(document, context)
    document = notes_as_xhtml(cast(Document, xml_safe(replace(document, front=as_xhtml(document.front)))))
    cover = make_cover(document)
    documents = content_documents(document, cover, pages)
    for item in documents:
        if item.file_name != TEXT_DOCUMENT:
            point_references_at(item.tree, TEXT_DOCUMENT)  # the notes refer to figures in the text
    page_breaks = add_page_breaks(documents, pages)
    styles = housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context)
    fonts = embedded_fonts(document, documents, context)
    accessibility = assess(document, documents, pages, page_breaks)
    # Write: the package; checked by Ace first when the build is to back a conformance claim.
    book = build_book(document, documents, cover, accessibility, page_breaks, (styles, *fonts))
    if context.options.check_accessibility:
        _check_accessibility(book, target)
        accessibility = assess(document, documents, pages, page_breaks, checked=True)
        book = build_book(document, documents, cover, accessibility, page_breaks, (styles, *fonts))
    with atomic_output(target, context.reporter) as temporary:
        temporary.write_bytes(book)
    return target


def build_book(
    document: Document,
    documents: list[ContentDocument],
    cover: Cover,
    accessibility: Accessibility,
    page_breaks: list[tuple[PageBreak, str]],
    styles: tuple[list[Path], list[FontFile], str],
) -> bytes:
    book = epub.EpubBook()
    describe(book, document, accessibility, page_breaks)
    add_documents(book, documents)
    add_resources(book, document, cover, styles)
    add_navigation(book, document, documents, page_breaks)
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


def content_documents(document: Document, cover: Cover, pages: PrintPages) -> list[ContentDocument]:
    """The XHTML documents in reading order: cover, title page, essay, notes, bibliography, colophon."""
    body = parse_fragment(document.body)
    for reference in note_references(body):
        reference.set("href", f"{NOTES_DOCUMENT}{reference.get('href', '')}")
        reference.set("epub:type", "noteref")
    words = labels_for(document.metadata.lang)
    page_count = words["page_count_one" if pages.count == 1 else "page_count"].format(count=pages.count)
    pages_note = words["print_pages_note"].format(paper=pages.paper, pages=page_count, identifier=document.identifier)
    colophon_lines = [pages_note, words["cover_drawn_with_illustration" if cover.illustrated else "cover_drawn"]]
    pages_to_render: list[tuple[str, str, dict[str, Any], bool]] = [
        (COVER_DOCUMENT, "epub/cover.xhtml.j2", {"cover": cover, "cover_href": COVER_IMAGE}, False),
        (TITLE_PAGE_DOCUMENT, "epub/titlepage.xhtml.j2", {}, False),
        (TEXT_DOCUMENT, "epub/text.xhtml.j2", {"body": Markup(inner_html(body, method="xml"))}, True),
    ]
    if document.notes:
        pages_to_render.append((NOTES_DOCUMENT, "epub/notes.xhtml.j2", {"text_href": TEXT_DOCUMENT}, True))
    if document.bibliography:
        pages_to_render.append((BIBLIOGRAPHY_DOCUMENT, "epub/bibliography.xhtml.j2", {}, True))
    pages_to_render.append((COLOPHON_DOCUMENT, "epub/colophon.xhtml.j2", {"colophon_lines": colophon_lines}, True))
    documents = [
        ContentDocument(
            file_name,
            etree.fromstring(
                render(template, document=document, stylesheet_href=STYLESHEET_HREF, **context).encode("utf-8"),
                XML_PARSER,
            ),
            in_print,
        )
        for file_name, template, context, in_print in pages_to_render
    ]
    unlink_other_files(documents)
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


def add_page_breaks(documents: list[ContentDocument], pages: PrintPages) -> list[tuple[PageBreak, str]]:
    """Page-break markers where the print edition's pages begin; each with its document's name."""
    printed = [item for item in documents if item.in_print]
    taken = {str(element.get("id")) for item in documents for element in item.tree.iter() if element.get("id")}

    def marker(number: int) -> etree._Element:
        identifier = PAGE_BREAK_ID.format(number=number)
        while identifier in taken:
            identifier += "-"
        taken.add(identifier)
        element = etree.Element(
            f"{{{XHTML_NAMESPACE}}}span",
            {
                f"{{{EPUB_NAMESPACE}}}type": "pagebreak",
                "role": "doc-pagebreak",
                "id": identifier,
                "aria-label": str(number),
                "title": str(number),
            },
        )
        element.text = ""
        return element

    page_breaks = place_page_breaks([item.tree for item in printed], pages, marker)
    return [(page_break, printed[page_break.document].file_name) for page_break in page_breaks]


def assess(
    document: Document,
    documents: list[ContentDocument],
    pages: PrintPages,
    page_breaks: list[tuple[PageBreak, str]],
    checked: bool = False,
) -> Accessibility:
    """What the finished documents offer readers, read back from them.

    Conformance is claimed only when `checked`: Ace found nothing in this book.
    """
    images = [image for item in documents for image in item.tree.iter(f"{{{XHTML_NAMESPACE}}}img")]
    alternative_text = all(image.get("alt", "").strip() for image in images)
    headings = any(item.tree.xpath("//*[local-name()='h2' or local-name()='h3']") for item in documents)
    page_list_complete = bool(page_breaks) and len(page_breaks) == pages.count
    animated = any(_animated(asset.source) for asset in document.assets)

    features = ["tableOfContents", "readingOrder", "ARIA"]
    if headings:
        features.append("structuralNavigation")
    if alternative_text and images:
        features.append("alternativeText")
    if page_breaks:
        features += ["pageNavigation", "pageBreakMarkers"]
    hazards = ("unknownFlashingHazard", "noMotionSimulationHazard", "noSoundHazard") if animated else ("none",)
    modes = ("textual", "visual") if images else ("textual",)
    sufficient: tuple[str, ...] = ("textual",) if alternative_text else ()
    sufficient += ("textual,visual",) if images else ()
    conforms = checked and alternative_text and not animated and (page_list_complete or not page_breaks)

    summary = [
        "A reflowable EPUB 3 with a table of contents, landmarks and a reading order that follows the print edition."
    ]
    if headings:
        summary.append("Headings give the structure of the text.")
    if page_breaks:
        found = "every page" if page_list_complete else f"{len(page_breaks)} of its {pages.count} pages"
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


def describe(
    book: epub.EpubBook, document: Document, accessibility: Accessibility, page_breaks: list[tuple[PageBreak, str]]
) -> None:
    """Package metadata: Dublin Core, MARC relator roles, the page source and accessibility."""
    metadata = document.metadata
    book.set_identifier(document.identifier)
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
    if page_breaks:
        # The print edition, which carries the same identifier in its colophon, is the page source.
        book.add_metadata("DC", "source", document.identifier, {"id": PAGE_SOURCE_ID})
        book.add_metadata(None, "meta", document.identifier, {"property": "pageBreakSource"})
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


def add_documents(book: epub.EpubBook, documents: list[ContentDocument]) -> None:
    """The XHTML documents, in reading order in the spine."""
    spine = []
    for item in documents:
        xhtml = _xhtml_item(item.file_name, _serialise(item.tree))
        book.add_item(xhtml)
        spine.append(xhtml)
    book.spine = spine


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
    page_breaks: list[tuple[PageBreak, str]],
) -> None:
    """The navigation document (contents, landmarks, page list) and an NCX for older readers."""
    names = {item.file_name for item in documents}
    sections = [
        NavEntry(f"{TEXT_DOCUMENT}#{section.identifier}", section.title)
        for section in document.sections
        if section.level == 2
    ]
    words = labels_for(document.metadata.lang)
    toc = [NavEntry(f"{TEXT_DOCUMENT}#title", document.metadata.title, children=sections)]
    landmarks = [
        NavEntry(COVER_DOCUMENT, words["cover"], "cover"),
        NavEntry(TITLE_PAGE_DOCUMENT, words["title_page"], "titlepage"),
        NavEntry(TEXT_DOCUMENT, words["start_of_text"], "bodymatter"),
    ]
    if NOTES_DOCUMENT in names:
        toc.append(NavEntry(NOTES_DOCUMENT, words["notes"]))
        landmarks.append(NavEntry(NOTES_DOCUMENT, words["notes"], "endnotes"))
    if BIBLIOGRAPHY_DOCUMENT in names:
        title = document.bibliography_title or words["bibliography"]
        toc.append(NavEntry(BIBLIOGRAPHY_DOCUMENT, title))
        landmarks.append(NavEntry(BIBLIOGRAPHY_DOCUMENT, title, "bibliography"))
    toc.append(NavEntry(COLOPHON_DOCUMENT, words["colophon"]))
    page_list = [NavEntry(f"{name}#{page.identifier}", str(page.number)) for page, name in page_breaks]
    nav = _xhtml_item(
        NAV_DOCUMENT,
        render(
            "epub/nav.xhtml.j2",
            document=document,
            toc=toc,
            landmarks=landmarks,
            page_list=page_list,
            stylesheet_href=STYLESHEET_HREF,
        ),
    )
    nav.properties = ["nav"]
    book.add_item(nav)
    book.toc = [epub.Link(entry.href, entry.title, f"toc{number}") for number, entry in enumerate(toc, start=1)]
    book.add_item(epub.EpubNcx())


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
