"""The print layout: the print page laid out in pages by WeasyPrint, every footnote on its call's page.

The PDF edition writes this layout; the EPUB takes its page list from it (from
the build cache when the PDF's build made it already, see press.printpage). It
lives apart from both so that neither edition imports the other.

WeasyPrint reads only the manuscript's folder and the toolchain's styles (a
URL fetcher of our own), and only the fonts shipped in styles/fonts (a
fontconfig configuration of our own, loaded without touching the environment).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import pydyf
import weasyprint
from cffi import FFI
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes
from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, MarginBox
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from . import STYLES_DIR, bookindex, housestyle, limits, pagemap, printbook, scripts, splitlayout
from .context import BuildContext
from .document import Document, edition_document
from .errors import Diagnostic, Location, PressError, Reporter, display_path
from .fonts import DECOMPRESSED_FONTS, declared_fonts, describe
from .metadata import PAPER_SIZE_CSS
from .patches import decorative_images, footnotes, page_references, textmap
from .printpage import (
    FONTCONFIG_FILE,
    MISSING_GLYPH,
    PDF_EDITION,
    PRINTER_MARKS_STYLESHEET,
    STYLESHEETS,
    TEXT_BLOCK,
    labels_of,
    main_matter_page,
    pages_cache_name,
    print_body,
    print_page,
    report_glyphs,
    report_missing_glyphs,
    script_fonts,
    toolchain_digest,
)
from .render import stylesheet_paths
from .xmp import PRISM, front_matter_xmp

#: WeasyPrint's tagged-PDF variant: it shapes the layout (tags), so it is set when laying out.
PDF_VARIANT = "pdf/ua-1"
#: WeasyPrint's warning that it drew an empty box (.notdef) for characters its fonts lack.
EMPTY_GLYPH = re.compile(r'weasyprint: \.notdef glyph rendered for Unicode string unsupported by fonts: "(.+)" \(U\+')
MARC_RELATORS = "http://id.loc.gov/vocabulary/relators/"
SCHEMA_ORG = "http://schema.org/"
DATA_URL = re.compile(r"data:[^\s'\"]+")


def laid_out(document: Document, context: BuildContext) -> weasyprint.document.Document | splitlayout.SplitBook:
    """The print edition laid out, ready to write; its page list is kept for the EPUB's build.

    A book is laid out division by division (see press.splitlayout) when it can be exactly.
    """
    document = edition_document(document, PDF_EDITION)
    page = print_page(document)
    report_missing_glyphs(page, document, context.reporter)
    housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context)
    toolchain = toolchain_digest(document)
    name = pages_cache_name(page, document, toolchain)
    with context.cache.locked(name):
        printer_marks = context.options.printer_marks
        split = splitlayout.splits(document)
        book = splitlayout.lay_out(document, context, page, toolchain, printer_marks) if split else None
        if book is not None:
            pages = splitlayout.print_pages(book, labels_of(book.frame.places, document))
            context.cache.write(name, pagemap.dump(pages))
            return book
        rendering = layout(document, context.reporter, page, printer_marks)
        context.cache.write(name, pagemap.dump(read_pages(rendering, page_labels(rendering, document))))
    return rendering


def page_list(document: Document, context: BuildContext, page: str, toolchain: str) -> pagemap.PrintPages:
    """The print edition's page list, laid out here (a book division by division, its divisions cached
    for the PDF's build): for the EPUB when no PDF build has laid these pages out."""
    if splitlayout.splits(document):
        book = splitlayout.lay_out(document, context, page, toolchain)
        if book is not None:
            return splitlayout.print_pages(book, labels_of(book.frame.places, document))
    rendering = layout(document, context.reporter, page)
    return read_pages(rendering, page_labels(rendering, document))


def read_pages(rendering: Any, labels: Sequence[str]) -> pagemap.PrintPages:
    """Read each laid-out page's main flow as letters; `labels` are the pages' printed numbers."""
    first = rendering.pages[0]
    return pagemap.from_letters(
        page_letters(rendering), first.width / pagemap.CSS_PX_PER_MM, first.height / pagemap.CSS_PX_PER_MM, labels
    )


def page_letters(rendering: Any) -> list[str]:
    """The letters of each laid-out page's main flow (without its margin boxes and footnote area)."""
    return [
        "".join(
            letter
            # WeasyPrint keeps each page's box tree on the page; it has no public name for it.
            for box in page._page_box.children
            if not isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox))
            for letter in _box_letters(box)
        )
        for page in rendering.pages
    ]


def _box_letters(box: boxes.Box) -> Iterator[str]:
    if "::" in (box.element_tag or ""):
        return  # generated content: list markers, footnote calls and markers
    element = box.element
    if element is not None and (
        pagemap.NOTE_CALL_CLASS in (element.get("class") or "").split() or element.get(pagemap.PRINT_ONLY) is not None
    ):
        return
    if isinstance(box, boxes.TextBox):
        yield from (character for character in box.text if pagemap.is_letter(character))
    elif isinstance(box, boxes.ReplacedBox):
        yield pagemap.OBJECT
    elif isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _box_letters(child)


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
    body, _, endnotes = print_body(document)
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
    roots = (document.metadata.source.parent, STYLES_DIR, scripts.FONTSOURCE, DECOMPRESSED_FONTS)
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
    report_glyphs(
        {
            character: f"the print edition set {describe(character)} as an empty box: no font it was given has it"
            for text in characters
            for character in text
            if describe(character) not in told
        },
        document,
        reporter,
    )


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
