"""The print layout: the print page laid out in pages by WeasyPrint, every footnote on its call's page.

The PDF edition writes this layout; the EPUB takes its page list from it (from
the build cache when the PDF's build made it already). It lives apart from both
so that neither edition imports the other.

WeasyPrint reads only the manuscript's folder and the toolchain's styles (a
URL fetcher of our own), and only the fonts shipped in styles/fonts (a
fontconfig configuration of our own, loaded without touching the environment).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import lxml.html
import pydyf
import weasyprint
from cffi import FFI
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, MarginBox
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from . import STYLES_DIR, bookindex, housestyle, limits, pagemap, printbook, scripts, splitlayout
from .cache import digest, files_digest, owner
from .context import BuildContext
from .divisions import without_closing_page_breaks
from .document import Document, Note, edition_document
from .errors import CombinedError, Diagnostic, Location, PressError, Reporter, display_path, find_in_files
from .fonts import declared_fonts, describe
from .front import FrontMatterHtml, parsed
from .inputs import code_files, template_files
from .markup import (
    as_phrasing,
    inner_html,
    note_references,
    parse_fragment,
    replace_image_sources,
    start_lists_as_written,
)
from .mathematics import typeset_formulas
from .metadata import PAPER_SIZE_CSS
from .patches import decorative_images, footnotes, page_references, textmap
from .render import render, stylesheet_paths
from .sanitize import url_scheme
from .xmp import PRISM, front_matter_xmp

TEMPLATE = "print.html.j2"
#: The edition that writes this layout, and whose build the EPUB's page list waits for.
PDF_EDITION = "pdf"
STYLESHEETS = ("common.css", "print.css")
#: Bleed and crop marks, for a PDF sent to the printer (the `printer_marks` option).
PRINTER_MARKS_STYLESHEET = "printer-marks.css"
FONT_STYLESHEET = "print.css"
FONTCONFIG_FILE = STYLES_DIR / "fonts" / "fonts.conf"
#: WeasyPrint's tagged-PDF variant: it shapes the layout (tags), so it is set when laying out.
PDF_VARIANT = "pdf/ua-1"
PERIODS = re.compile(r"(\.{3,})")
MISSING_GLYPH = "no font of the print edition has"
#: WeasyPrint's warning that it drew an empty box (.notdef) for characters its fonts lack.
EMPTY_GLYPH = re.compile(r'weasyprint: \.notdef glyph rendered for Unicode string unsupported by fonts: "(.+)" \(U\+')
#: Blocks of the text that may be restyled to keep a footnote with its call, and the attribute that marks them.
BLOCK_TAGS = ("p", "li", "blockquote", "figure", "h2", "h3", "h4", "h5", "h6", "pre", "table", "dl")
TEXT_BLOCK = "data-text-block"
GENERATOR = f"press with WeasyPrint {weasyprint.__version__}"
MARC_RELATORS = "http://id.loc.gov/vocabulary/relators/"
SCHEMA_ORG = "http://schema.org/"
#: A link target that is neither a #fragment nor a URL with a scheme: another file.
NOT_FRAGMENT_OR_SCHEME = r"(?!#|[A-Za-z][A-Za-z0-9+.-]*:)"
RELATIVE_LINK = re.compile(
    rf"""<a\b[^>]*\shref=(?:"{NOT_FRAGMENT_OR_SCHEME}|'{NOT_FRAGMENT_OR_SCHEME}|(?!["'])"""
    rf"""{NOT_FRAGMENT_OR_SCHEME})"""
)
DATA_URL = re.compile(r"data:[^\s'\"]+")


def toolchain_files() -> list[Path]:
    """The toolchain's files the print layout is made from: code, template, styles, fonts."""
    return [
        *code_files(__name__),
        *template_files(TEMPLATE),
        *stylesheet_paths(*STYLESHEETS, PRINTER_MARKS_STYLESHEET),
        *declared_fonts(STYLES_DIR / FONT_STYLESHEET),
        FONTCONFIG_FILE,
        *scripts.toolchain_files(),
        *splitlayout.toolchain_files(),
    ]


def laid_out(document: Document, context: BuildContext) -> weasyprint.document.Document | splitlayout.SplitBook:
    """The print edition laid out, ready to write; its page list is kept for the EPUB's build.

    A book is laid out division by division (see press.splitlayout) when it can be exactly.
    """
    document = edition_document(document, PDF_EDITION)
    page = print_page(document)
    report_missing_glyphs(page, document, context.reporter)
    housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context)
    toolchain = toolchain_digest(document)
    name = _pages_cache_name(page, document, toolchain)
    with context.cache.locked(name):
        printer_marks = context.options.printer_marks
        split = splitlayout.splits(document)
        book = splitlayout.lay_out(document, context, page, toolchain, printer_marks) if split else None
        if book is not None:
            pages = splitlayout.print_pages(book, labels_of(book.frame.places, document))
            context.cache.write(name, pagemap.dump(pages))
            return book
        rendering = layout(document, context.reporter, page, printer_marks)
        context.cache.write(name, pagemap.dump(pagemap.read_pages(rendering, page_labels(rendering, document))))
    return rendering


def print_pages(document: Document, context: BuildContext) -> pagemap.PrintPages:
    """Where each page of the print edition begins: from the cache when the PDF build (or an
    earlier build) laid these very pages out, or as soon as a PDF build running beside this one
    has (Make builds the editions side by side); otherwise laid out here, once (a book division
    by division, its divisions cached for the PDF's build)."""
    document = edition_document(document, PDF_EDITION)
    page = print_page(document)
    housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context)
    toolchain = toolchain_digest(document)
    name = _pages_cache_name(page, document, toolchain)
    stored = context.cache.await_entry(name, owner(document.name, PDF_EDITION))
    if stored is not None:
        return pagemap.load(stored)
    with context.cache.locked(name):
        stored = context.cache.read(name)
        if stored is not None:
            return pagemap.load(stored)
        book = splitlayout.lay_out(document, context, page, toolchain) if splitlayout.splits(document) else None
        if book is not None:
            pages = splitlayout.print_pages(book, labels_of(book.frame.places, document))
        else:
            rendering = layout(document, context.reporter, page)
            pages = pagemap.read_pages(rendering, page_labels(rendering, document))
        context.cache.write(name, pagemap.dump(pages))
    return pages


def _pages_cache_name(page: str, document: Document, toolchain: str) -> str:
    """A print layout's cache entry, named by the print page (images inline) and the files that set it
    (`toolchain_digest`).

    Printer marks are not in the name: the bleed lies outside the pages, which they leave as they are.
    """
    body = page[page.find("<body") :]  # the head holds dates and metadata, which move no line
    return f"pages-{digest(weasyprint.__version__, document.metadata.paper, body, toolchain)}.json"


def toolchain_digest(document: Document) -> str:
    """The digest of the files that set the print layout: the toolchain's and the title's additions to the
    house style."""
    styles = housestyle.stylesheets(STYLESHEETS, document.metadata.source.parent)
    return files_digest([*toolchain_files(), *styles])


@limits.within_budget("the print layout")
def layout(
    document: Document, reporter: Reporter, page: str | None = None, printer_marks: bool = False
) -> weasyprint.document.Document:
    """The print edition laid out in pages, ready to write, every footnote on its call's page.

    To fit one more line of a paragraph its `orphans` or `widows` hold on a page,
    WeasyPrint moves that page's last footnotes to the next page, whatever the
    `footnote-policy`. Each page is settled as soon as WeasyPrint has made it
    (`NoteKeeper`): where a note has left its call's page, the block whose lines
    pushed it out starts on the next page instead (or, when the note's own
    paragraph did it, that paragraph breaks before the call), and the page is made
    again; the pages before it stand, and the text is laid out once.
    `page` is the document's print page when the caller has made it already;
    `printer_marks` adds bleed and crop marks around each page.
    """
    with_footnotes = document.metadata.notes == "footnotes"
    laid_out = settled(page if page is not None else print_page(document), document, printer_marks)
    index_pages = index_pages_of(laid_out, document)
    if index_pages is not None:
        # The index comes after the text: giving each page once moves no page before it.
        del laid_out
        laid_out = settled(print_page(document, index_pages), document, printer_marks)
    for call in misplaced_calls(laid_out) if with_footnotes else ():
        reporter.warn(misplaced_note(call))
    return laid_out


def settled(
    page: str, document: Document, printer_marks: bool, extra_stylesheets: Sequence[str] = ()
) -> weasyprint.document.Document:
    """The page laid out, each page settled as it is made when notes are at the page bottom (see `layout`);
    `extra_stylesheets` (in styles/) come after the house's."""
    footnotes.apply()
    if document.metadata.notes != "footnotes":
        return _render(page, document, printer_marks, extra_stylesheets)
    with footnotes.settling_pages(NoteKeeper()):
        return _render(page, document, printer_marks, extra_stylesheets)


def index_pages_of(laid_out: weasyprint.document.Document, document: Document) -> dict[str, str] | None:
    """The page of each mark of a book's index (its number as printed), when the index as laid out
    gives a page twice under a heading or pages that make a run ("12, 13, 14" for "12–14")."""
    if not document.is_book:
        return None
    document = edition_document(document, PDF_EDITION)
    body, _, endnotes = _print_body(document)
    book = printbook.prepare(body, document, endnotes)
    if not book.index_marks:
        return None
    labels = page_labels(laid_out, document)
    page_of = {anchor: labels[number] for number, page in enumerate(laid_out.pages) for anchor in page.anchors}
    pages = {mark.identifier: page_of[mark.identifier] for mark in book.index_marks if mark.identifier in page_of}
    return pages if bookindex.index_groups(book.index_marks, pages) != book.index else None


def page_labels(laid_out: weasyprint.document.Document, document: Document) -> list[str]:
    """Each page's number as printed: a book's front matter in roman, then arabic from 1 at its first part or
    chapter; an essay's pages in arabic."""
    return labels_of([page.anchors for page in laid_out.pages], document)


def labels_of(places: Sequence[Collection[str]], document: Document) -> list[str]:
    """The pages' numbers as printed, from the places on each page (see `page_labels`)."""
    return printbook.page_labels(len(places), main_matter_page(places, document))


def main_matter_page(places: Sequence[Collection[str]], document: Document) -> int:
    """The index of the page numbered 1 (a book's first part or chapter, an essay's first page), from the
    places on each page."""
    start = printbook.main_matter_start(document)
    return next((number for number, names in enumerate(places) if start in names), 0)


def write_pdf(laid_out: weasyprint.document.Document, document: Document, target: Path | None = None) -> bytes | None:
    """The layout written as the print edition's tagged PDF, to `target` (or returned): with what WeasyPrint
    leaves out (a book's page labels, the scope of table headers) and the contributors' XMP."""
    main_matter = main_matter_page([page.anchors for page in laid_out.pages], document) if document.is_book else None
    textmap.apply()
    page_references.apply()
    decorative_images.apply()
    with naming_images(document):
        written: bytes | None = laid_out.write_pdf(
            target,
            finisher=partial(_finish, main_matter=main_matter),
            pdf_variant=PDF_VARIANT,
            custom_metadata=True,
            xmp_metadata=[xmp_data_url(document)],
        )
    return written


def _finish(_: Any, pdf: pydyf.PDF, main_matter: int | None) -> None:
    if main_matter is not None:
        _label_pages(pdf, main_matter)
    scope_table_headers(pdf)


def _label_pages(pdf: pydyf.PDF, main_matter: int) -> None:
    """Page labels as the pages are numbered: lower-case roman up to the page `main_matter`, arabic from 1 there."""
    ranges = [(0, "/r"), (main_matter, "/D")] if main_matter else [(0, "/D")]
    numbers = pydyf.Array()
    for first_page, style in ranges:
        numbers.extend([first_page, pydyf.Dictionary({"S": style})])
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": numbers})


def xmp_data_url(document: Document) -> str:
    """XMP naming the contributors with their MARC relator roles, and the authors in detail."""
    contributors = "".join(f"<rdf:li>{escape(person.name)}</rdf:li>" for person in document.contributors)
    roles = "".join(
        f"<marcrel:{person.role}>{escape(person.name)}</marcrel:{person.role}>" for person in document.contributors
    )
    xmp = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:marcrel="{MARC_RELATORS}" xmlns:schema="{SCHEMA_ORG}" xmlns:prism="{PRISM}">'
        f"<dc:contributor><rdf:Bag>{contributors}</rdf:Bag></dc:contributor>{roles}"
        f"<dc:language><rdf:Bag><rdf:li>{escape(document.metadata.lang)}</rdf:li></rdf:Bag></dc:language>"
        f"{front_matter_xmp(document.metadata)}</rdf:Description></rdf:RDF>"
    )
    return "data:application/rdf+xml;base64," + base64.b64encode(xmp.encode("utf-8")).decode("ascii")


def _render(
    page: str, document: Document, printer_marks: bool = False, extra_stylesheets: Sequence[str] = ()
) -> weasyprint.document.Document:
    paths = housestyle.stylesheets(STYLESHEETS, document.metadata.source.parent)
    paths += stylesheet_paths(PRINTER_MARKS_STYLESHEET) if printer_marks else []
    paths += stylesheet_paths(*extra_stylesheets)
    roots = (document.metadata.source.parent, STYLES_DIR, scripts.FONTSOURCE)
    files = [*paths, *(font for path in paths for font in declared_fonts(path) if font.is_file())]
    stamps = tuple(_stamp(path) for path in files)
    fonts, fetcher, house = _house_style(roots, tuple(paths), script_fonts(page, document), stamps)
    paper = CSS(string=f"@page {{ size: {PAPER_SIZE_CSS[document.metadata.paper]} }}", font_config=fonts)
    stylesheets = [*house, paper]
    html = HTML(string=page, base_url=document.metadata.source.parent.resolve().as_uri() + "/", url_fetcher=fetcher)
    try:
        with naming_images(document):
            return html.render(stylesheets=stylesheets, font_config=fonts, pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as error:
        raise PressError(str(error.__cause__ or error), Location(document.metadata.source)) from None


@lru_cache(maxsize=4)
def _house_style(
    roots: tuple[Path, ...], paths: tuple[Path, ...], script_faces: str, stamps: tuple[tuple[int, int], ...]
) -> tuple[ShippedFonts, ConfinedFetcher, tuple[CSS, ...]]:
    """The fonts, the fetcher and the parsed stylesheets of the house style and the page's script faces, made
    once for every layout in the process that reads the same files from the same folders with the same
    script faces: each division of a book, the frame, a layout made again. Parsing them (WeasyPrint compiles
    every selector) cost a quarter of a second a layout, and the fonts' glyphs are shaped once.

    The font configuration keeps every @font-face it is given: the script faces (each slice of a CJK face
    with the characters it is for) are in the key, so that no layout finds another's. So are `stamps`, each
    stylesheet's and font's change time and size: one changed while the process runs (`make watch`) is
    read again."""
    del stamps  # in the key only
    fetcher = ConfinedFetcher(roots)
    fonts = ShippedFonts()
    stylesheets = [CSS(filename=path, font_config=fonts, url_fetcher=fetcher) for path in paths]
    stylesheets.append(CSS(string=script_faces, font_config=fonts, url_fetcher=fetcher))
    return fonts, fetcher, tuple(stylesheets)


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


def scope_table_headers(pdf: pydyf.PDF) -> None:
    """Give each table header cell its /Scope: a column's, or a row's when its row holds data cells.

    WeasyPrint links data cells to their headers (/Headers) but gives header cells no
    /Scope, which PDF/UA checkers look for on the headers themselves.
    """

    def referenced(reference: bytes) -> Any:
        return pdf.objects[int(reference.split()[0])]

    for element in pdf.objects:
        if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/TH":
            continue
        row = referenced(element["P"])
        cells = [referenced(kid) for kid in row.get("K", ()) if isinstance(kid, bytes)]
        scope = "/Row" if any(cell.get("S") == "/TD" for cell in cells) else "/Column"
        element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))["Scope"] = scope


def print_page(document: Document, index_pages: Mapping[str, str] | None = None) -> str:
    """The HTML page WeasyPrint sets: the shared body, with notes placed for print.

    With footnotes, the blocks of the text are marked as those that may be
    restyled to keep a note with its call (see `layout`); `index_pages` gives the
    page of each mark of a book's index, so that the index gives each page once.
    """
    document = edition_document(document, PDF_EDITION)
    body, image_urls, endnotes = _print_body(document)
    book = printbook.prepare(body, document, endnotes, index_pages) if document.is_book else None
    if document.metadata.notes == "footnotes":
        document = replace(document, front=_front_with_footnotes(document))
    page = render(
        TEMPLATE,
        document=document,
        body=Markup(inner_html(body)),
        image_urls=image_urls,
        endnotes=endnotes,
        book=book,
        generator=GENERATOR,
    )
    return typeset_formulas(_keep_periods_apart(_unlink_other_files(page)), document.sources)


def _print_body(document: Document) -> tuple[lxml.html.HtmlElement, dict[str, str], tuple[Note, ...]]:
    """The edition's text as print sets it (footnotes at their calls, or none), its images' URLs, and the endnotes."""
    image_urls = {asset.href: asset.data_url() for asset in document.assets}
    body = parse_fragment(document.body)
    without_closing_page_breaks(body)
    start_lists_as_written(body)
    with_footnotes = document.metadata.notes == "footnotes"
    if with_footnotes:
        _place_footnotes(body, document.notes)
        for block in body.iter(*BLOCK_TAGS):
            block.set(TEXT_BLOCK, "")
    replace_image_sources(body, image_urls)  # the footnotes' images too, placed at their calls
    return body, image_urls, () if with_footnotes else tuple(_with_images(note, image_urls) for note in document.notes)


def _with_images(note: Note, image_urls: Mapping[str, str]) -> Note:
    if "<img" not in note.html:
        return note
    fragment = parse_fragment(note.html)
    replace_image_sources(fragment, image_urls)
    return replace(note, html=inner_html(fragment))


def _unlink_other_files(page: str) -> str:
    """A link to another file (`other.html`) stays text: the PDF does not carry the file, and WeasyPrint
    would make a `file:///…` link of it, naming a folder of the machine that built the PDF."""
    if not RELATIVE_LINK.search(page):
        return page
    tree = lxml.html.document_fromstring(page)
    for link in tree.iter("a"):
        href = link.get("href", "")
        if href and not href.startswith("#") and url_scheme(href) is None:
            del link.attrib["href"]
    return "<!DOCTYPE html>\n" + str(lxml.html.tostring(tree, encoding="unicode"))


def _keep_periods_apart(page: str) -> str:
    """Set a written "..." as three periods, not as the font's ellipsis ligature.

    A PDF maps each glyph back to one text: were "..." drawn with the ellipsis
    glyph, every "…" of the text would read back as "..." (or the reverse).
    """
    if "..." not in page:
        return page
    tree = lxml.html.document_fromstring(page)
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("style", "script", "title", "head"):
            continue
        for attribute in ("text", "tail"):
            text = getattr(element, attribute)
            if text and "..." in text:
                _wrap_periods(element, attribute, text)
    return "<!DOCTYPE html>\n" + str(lxml.html.tostring(tree, encoding="unicode"))


def _wrap_periods(element: lxml.html.HtmlElement, attribute: str, text: str) -> None:
    pieces = PERIODS.split(text)
    setattr(element, attribute, pieces[0])
    anchor, parent_index = (element, None) if attribute == "text" else (element.getparent(), element)
    spans = []
    for index in range(1, len(pieces), 2):
        span = lxml.html.Element("span", {"class": "periods"})
        span.text, span.tail = pieces[index], pieces[index + 1]
        spans.append(span)
    if parent_index is None:
        for position, span in enumerate(spans):
            anchor.insert(position, span)
    else:
        for span in reversed(spans):
            parent_index.addnext(span)


def _front_with_footnotes(document: Document) -> FrontMatterHtml:
    """The front matter with the text of each note it calls after the call, as the text has them."""
    front_fields = parsed(document.front)
    for fragment in front_fields.in_reading_order():
        _place_footnotes(fragment, document.notes)
    return front_fields.written()


def _place_footnotes(body: lxml.html.HtmlElement, notes: tuple[Note, ...]) -> None:
    """Put each note's text right after its call, as a span the stylesheet floats to the page bottom.

    What a note holds becomes phrasing content (block spans): a <p> cannot sit
    inside the paragraph that holds the call.
    """
    by_identifier = {note.identifier: note for note in notes}
    for reference in note_references(body):
        note = by_identifier.get(reference.get("href", "").removeprefix("#"))
        if note is None:
            continue
        footnote = lxml.html.fragment_fromstring(
            f'<span class="footnote">'
            f'<a class="note-back" id="{note.identifier}" href="#{note.reference_identifier}" role="doc-backlink">'
            f"{note.number}.</a> {note.html}</span>"
        )
        as_phrasing(footnote, "footnote")
        footnote.tail, reference.tail = reference.tail, None
        reference.addnext(footnote)


def misplaced_note(call: str) -> str:
    """The warning for a note set after the page of its call (`misplaced_calls`)."""
    return f"footnote {call.removeprefix('fnref')} could not be kept on the page of its call"


def misplaced_calls(laid_out: weasyprint.document.Document) -> list[str]:
    """The note calls whose note was set on a later page."""
    page_of = {anchor: number for number, page in enumerate(laid_out.pages) for anchor in page.anchors}
    return [
        anchor
        for anchor, page in page_of.items()
        if anchor.startswith("fnref") and page_of.get("fn" + anchor.removeprefix("fnref"), page) > page
    ]


class NoteKeeper:
    """Keeps each footnote on its call's page, page by page, as WeasyPrint makes the pages.

    Shown each page as soon as it is made (`footnotes.settling_pages`), it finds
    the calls on the page whose notes WeasyPrint carried to the next page and
    restyles a block of the page: the block after the call's starts on the next
    page; failing one, the call's own block does, when it starts on this page;
    otherwise the call's paragraph keeps enough lines for the next page
    (`widows`) to break before the call. The page is then made again.
    """

    def __init__(self) -> None:
        #: The style each block was given, by element: a repair is made once.
        self.given: dict[int, tuple[str, object]] = {}
        #: The document's boxes (as built, before layout cuts them into pages), by element.
        self.boxes: dict[int, list[Box]] = {}

    def __call__(self, made: footnotes.MadePage) -> bool:
        carried = {id(note) for note in made.context.reported_footnotes}
        if not carried:
            return False
        blocks = _text_blocks(made.page)
        changed = False
        for index, block in enumerate(blocks):
            for number, line in enumerate(block.lines):
                if any(id(box.footnote) in carried for box in line.descendants() if box.footnote is not None):
                    repair = _repair(blocks, index, number, made.next_page)
                    if repair is not None and self.given.get(id(repair[0].element)) != repair[1:]:
                        self._restyle(made.root_box, *repair)
                        changed = True
        return changed

    def _restyle(self, root_box: Box, laid_out: Box, name: str, value: object) -> None:
        """Give a block a style of its own with one property changed.

        WeasyPrint shares one computed style between elements styled alike (every
        paragraph of the text, say), so the style is copied, and the copy given to
        the block's boxes in the document's box tree, which the page is cut from again.
        """
        if not self.boxes:
            for box in root_box.descendants():
                self.boxes.setdefault(id(box.element), []).append(box)
        style = laid_out.style.copy()
        style[name] = value
        for box in self.boxes.get(id(laid_out.element), []):
            if box.style is laid_out.style:
                box.style = style
        self.given[id(laid_out.element)] = (name, value)


def _repair(
    blocks: list[TextBlock], index: int, line: int, next_page: Callable[[], Box | None]
) -> tuple[Box, str, object] | None:
    """The box to restyle, the property and its value, for a note whose call is on `line` of `blocks[index]`."""
    block = blocks[index]
    later = [other.box for other in blocks[index + 1 :] if other.box is not None]
    if later:
        return later[0], "break_before", "page"
    if block.box is None:
        return None
    if "top" not in block.box.remove_decoration_sides:  # the block starts on this page
        return block.box, "break_before", "page"
    following_page = next_page()
    following = (
        sum(len(other.lines) for other in _text_blocks(following_page) if other.element is block.element)
        if following_page is not None
        else 0
    )
    return block.holder, "widows", len(block.lines) - line + following


@dataclass(frozen=True)
class TextBlock:
    """Lines of a page's text: the box that holds them, and the box of the marked block
    they belong to (None outside the text)."""

    box: Box | None
    holder: Box
    lines: list[LineBox]

    @property
    def element(self) -> Any:
        return self.box.element if self.box is not None else None


def _text_blocks(page: Box) -> list[TextBlock]:
    """The page's blocks of text in order, each with the marked block it belongs to and its lines."""
    found = []
    stack: list[tuple[Box, Box | None]] = [
        (box, None) for box in reversed(page.children) if not isinstance(box, (FootnoteAreaBox, MarginBox))
    ]
    while stack:
        box, marked = stack.pop()
        element = getattr(box, "element", None)
        marks = element is not None and element.get(TEXT_BLOCK) is not None
        if marks and (marked is None or marked.element is not element):
            marked = box
        children = getattr(box, "children", [])
        lines = [child for child in children if isinstance(child, LineBox)]
        if lines:
            found.append(TextBlock(marked, box, lines))
        else:
            stack.extend((child, marked) for child in reversed(children))
    return found


def script_fonts(page: str, document: Document) -> str:
    """The fonts of the other scripts the page sets, and their order for each of its languages."""
    metadata = document.metadata
    selection = _selection(page, document)
    families = scripts.author_families(metadata.fonts)
    tree = lxml.html.document_fromstring(page)
    languages = scripts.text_by_language(tree, metadata.lang)
    rules = scripts.family_rules(languages, families, selection.families)
    stylesheets = housestyle.stylesheets(STYLESHEETS, metadata.source.parent)
    bold = scripts.bold_characters(tree, stylesheets) if selection.slices else frozenset()
    return scripts.font_face_rules(selection, metadata.fonts, bold) + "\n" + rules


def _selection(page: str, document: Document) -> scripts.Selection:
    tree = lxml.html.document_fromstring(page)
    return scripts.page_selection(tree, document.metadata.lang, scripts.text_face_coverage(), document.metadata.fonts)


def report_missing_glyphs(page: str, document: Document, reporter: Reporter) -> None:
    """An error for each character of the print page that no font can draw (the shipped
    fonts, the catalogue of scripts, the author's `fonts:`); a warning when the front
    matter allows missing glyphs (`allow-missing-glyphs: true`)."""
    _report_glyphs(
        {
            character: f"{MISSING_GLYPH} {describe(character)}; the PDF would not show it"
            for character in _selection(page, document).missing
        },
        document,
        reporter,
    )


def report_empty_glyphs(diagnostics: Sequence[Diagnostic], document: Document, reporter: Reporter) -> None:
    """An error (a warning with `allow-missing-glyphs`) for each character WeasyPrint set as an empty box
    (.notdef), as it said among `diagnostics`: the fonts a layout was given lacked it, though the checks
    before it found a font for it. The PDF would show a box where the author wrote a letter."""
    characters = dict.fromkeys(
        found.group(1)
        for diagnostic in diagnostics
        if diagnostic.severity == "warning" and (found := EMPTY_GLYPH.search(diagnostic.message))
    )
    # A character no font has at all was reported before the layout (report_missing_glyphs), and allowed.
    told = " ".join(diagnostic.message for diagnostic in reporter.diagnostics if MISSING_GLYPH in diagnostic.message)
    _report_glyphs(
        {
            character: f"the print edition set {describe(character)} as an empty box: no font it was given has it"
            for text in characters
            for character in text
            if describe(character) not in told
        },
        document,
        reporter,
    )


def _report_glyphs(messages: dict[str, str], document: Document, reporter: Reporter) -> None:
    """Each character's message at its first place in the sources: errors, or warnings when the front matter
    allows missing glyphs."""
    sources = [*document.sources, *document.metadata.bibliographies]
    problems = []
    for character, message in messages.items():
        location = find_in_files(character, sources)
        if document.metadata.allow_missing_glyphs:
            reporter.warn(message + " (allowed by 'allow-missing-glyphs')", location)
        else:
            problems.append(PressError(message, location))
    if problems:
        reporter.fail(CombinedError(problems))


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
    """Reads files under the given folders and data: URLs; refuses everything else.

    WeasyPrint would otherwise fetch any URL a manuscript names, on the network
    or anywhere on the disk.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(fail_on_errors=True)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> object:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots):
                return super().fetch(url, headers)
        raise PressError(f"refused to read {url}: editions use only files beside the manuscript")


@contextmanager
def naming_images(document: Document) -> Iterator[None]:
    """WeasyPrint's messages about an image (while it lays out or draws) name its file, not its data: URL."""
    names = ImageNames({asset.data_url(): display_path(asset.source) for asset in document.assets})
    logger = logging.getLogger("weasyprint")
    logger.addFilter(names)
    try:
        yield
    finally:
        logger.removeFilter(names)


class ImageNames(logging.Filter):
    """Replaces the data: URL (base64 and all) an image has in WeasyPrint's messages by the image's file."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "data:" in message:
            for url, name in self.names.items():
                message = message.replace(url, name)
            record.msg, record.args = DATA_URL.sub("an inline image", message), ()
        return True


FONTCONFIG = FFI()
FONTCONFIG.cdef(
    """
    typedef struct _FcConfig FcConfig;
    typedef int FcBool;
    typedef unsigned char FcChar8;
    FcConfig * FcConfigCreate (void);
    FcBool FcConfigParseAndLoad (FcConfig *config, const FcChar8 *file, FcBool complain);
    FcBool FcConfigBuildFonts (FcConfig *config);
    void FcConfigDestroy (FcConfig *config);
    """
)
FONTCONFIG_LIBRARY = FONTCONFIG.dlopen("libfontconfig.so.1")


#: The WeasyPrint whose FontConfiguration `ShippedFonts` adapts (its `_config` and `font_map`).
FONT_CONFIGURATION_OF = "70."


class ShippedFonts(FontConfiguration):  # type: ignore[misc]
    """WeasyPrint's font configuration, limited to the fonts shipped in styles/fonts.

    WeasyPrint 70 loads fontconfig's default configuration, which finds the
    machine's own fonts; these then stand in for a character or family our
    fonts lack, and every machine sets a different PDF. This swaps in a
    configuration made from styles/fonts/fonts.conf alone (which maps the generic
    families, for SVG text among others, to the shipped fonts), the way
    WeasyPrint itself installs one, without setting FONTCONFIG_FILE in the
    process's environment.
    """

    def __init__(self) -> None:
        super().__init__()
        config = FONTCONFIG_LIBRARY.FcConfigCreate()
        if not (
            FONTCONFIG_LIBRARY.FcConfigParseAndLoad(config, str(FONTCONFIG_FILE).encode(), True)
            and FONTCONFIG_LIBRARY.FcConfigBuildFonts(config)
        ):
            FONTCONFIG_LIBRARY.FcConfigDestroy(config)
            raise PressError("cannot load the print edition's fonts", Location(FONTCONFIG_FILE))
        ffi = weasyprint_ffi.ffi
        self._config = ffi.cast("FcConfig *", int(FONTCONFIG.cast("uintptr_t", config)))
        font_map = ffi.cast("PangoFcFontMap *", self.font_map)
        # The font map takes its own reference to the configuration and drops the default one.
        weasyprint_ffi.pangoft2.pango_fc_font_map_set_config(font_map, self._config)
        FONTCONFIG_LIBRARY.FcConfigDestroy(config)
