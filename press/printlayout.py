"""The print layout: the print page laid out in pages by WeasyPrint, every footnote on its call's page.

The PDF edition writes this layout; the EPUB takes its page list from it (from
the build cache when the PDF's build made it already). It lives apart from both
so that neither edition imports the other.

WeasyPrint reads only the manuscript's folder and the toolchain's styles (a
URL fetcher of our own), and only the fonts shipped in styles/fonts (a
fontconfig configuration of our own, loaded without touching the environment).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
import weasyprint
from cffi import FFI
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, MarginBox
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from . import STYLES_DIR, bookindex, housestyle, limits, pagemap, printbook, scripts
from .cache import digest, files_digest
from .context import BuildContext
from .document import Document, Note
from .errors import CombinedError, Location, PressError, Reporter, display_path, find_in_files
from .fonts import declared_fonts, describe
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
from .render import render, stylesheet_paths
from .sanitize import url_scheme

TEMPLATE = "print.html.j2"
STYLESHEETS = ("common.css", "print.css")
#: Bleed and crop marks, for a PDF sent to the printer (the `printer_marks` option).
PRINTER_MARKS_STYLESHEET = "printer-marks.css"
FONT_STYLESHEET = "print.css"
FONTCONFIG_FILE = STYLES_DIR / "fonts" / "fonts.conf"
#: WeasyPrint's tagged-PDF variant: it shapes the layout (tags), so it is set when laying out.
PDF_VARIANT = "pdf/ua-1"
PERIODS = re.compile(r"(\.{3,})")
#: Layouts tried at most to keep every footnote on its call's page.
FOOTNOTE_PASSES = 6
#: Blocks of the text that a footnote repair may restyle, and the attribute that numbers them.
BLOCK_TAGS = ("p", "li", "blockquote", "figure", "h2", "h3", "h4", "h5", "h6", "pre", "table", "dl")
BLOCK_NUMBER = "data-block"
GENERATOR = f"press with WeasyPrint {weasyprint.__version__}"
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
    ]


def laid_out(document: Document, context: BuildContext) -> weasyprint.document.Document:
    """The print edition laid out, ready to write; its page list is kept for the EPUB's build."""
    page = print_page(document)
    report_missing_glyphs(page, document, context.reporter)
    housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context)
    name = _pages_cache_name(page, document)
    with context.cache.locked(name):
        rendering = layout(document, context.reporter, page, context.options.printer_marks)
        context.cache.write(name, pagemap.dump(pagemap.read_pages(rendering, page_labels(rendering, document))))
    return rendering


def print_pages(document: Document, context: BuildContext) -> pagemap.PrintPages:
    """Where each page of the print edition begins: from the cache when the PDF build (or an
    earlier build) laid these very pages out, otherwise laid out here, once."""
    page = print_page(document)
    housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context)
    name = _pages_cache_name(page, document)
    with context.cache.locked(name):
        stored = context.cache.read(name)
        if stored is not None:
            return pagemap.load(stored)
        rendering = layout(document, context.reporter, page)
        pages = pagemap.read_pages(rendering, page_labels(rendering, document))
        context.cache.write(name, pagemap.dump(pages))
    return pages


def _pages_cache_name(page: str, document: Document) -> str:
    """A print layout's cache entry, named by the print page (images inline) and the files that set it:
    the toolchain's and the title's additions to the house style.

    Printer marks are not in the name: the bleed lies outside the pages, which they leave as they are.
    """
    body = page[page.find("<body") :]  # the head holds dates and metadata, which move no line
    styles = housestyle.stylesheets(STYLESHEETS, document.metadata.source.parent)
    toolchain = files_digest([*toolchain_files(), *styles])
    return f"pages-{digest(weasyprint.__version__, document.metadata.paper, body, toolchain)}.json"


@limits.within_budget("the print layout")
def layout(
    document: Document, reporter: Reporter, page: str | None = None, printer_marks: bool = False
) -> weasyprint.document.Document:
    """The print edition laid out in pages, ready to write, every footnote on its call's page.

    To fit one more line of a paragraph its `orphans` or `widows` hold on a page,
    WeasyPrint moves that page's last footnotes to the next page, whatever the
    `footnote-policy`. Each such page is mended, and the text laid out again: the
    block whose lines pushed the note out starts on the next page instead (or,
    when the note's own paragraph did it, that paragraph breaks before the call).
    `page` is the document's print page when the caller has made it already;
    `printer_marks` adds bleed and crop marks around each page.
    """
    repairs: dict[str, str] = {}
    laid_out = _render(page if page is not None else print_page(document), document, printer_marks)
    footnotes = document.metadata.notes == "footnotes"
    for _ in range(FOOTNOTE_PASSES if footnotes else 0):
        found = _footnote_repairs(laid_out)
        if not found or all(repairs.get(block) == style for block, style in found.items()):
            break
        repairs.update(found)
        del laid_out  # one book's pages at a time in memory
        laid_out = _render(print_page(document, repairs), document, printer_marks)
    index_pages = _index_pages(laid_out, document, repairs)
    if index_pages is not None:
        # The index comes after the text: giving each page once moves no page before it.
        del laid_out
        laid_out = _render(print_page(document, repairs, index_pages), document, printer_marks)
    for call in _misplaced_calls(laid_out) if footnotes else ():
        reporter.warn(f"footnote {call.removeprefix('fnref')} could not be kept on the page of its call")
    return laid_out


def _index_pages(
    laid_out: weasyprint.document.Document, document: Document, repairs: Mapping[str, str]
) -> dict[str, str] | None:
    """The page of each mark of a book's index, when the index as laid out gives a page twice under a heading."""
    if not document.is_book:
        return None
    body, _, endnotes = _print_body(document, repairs)
    book = printbook.prepare(body, document, endnotes)
    if not book.index_marks:
        return None
    page_of = {anchor: str(number) for number, page in enumerate(laid_out.pages) for anchor in page.anchors}
    pages = {mark.identifier: page_of[mark.identifier] for mark in book.index_marks if mark.identifier in page_of}
    return pages if bookindex.index_groups(book.index_marks, pages) != book.index else None


def page_labels(laid_out: weasyprint.document.Document, document: Document) -> list[str]:
    """Each page's number as printed: a book's front matter in roman, then arabic from 1 at its first part or
    chapter; an essay's pages in arabic."""
    return printbook.page_labels(len(laid_out.pages), main_matter_page(laid_out, document))


def main_matter_page(laid_out: weasyprint.document.Document, document: Document) -> int:
    """The index of the page numbered 1: a book's first part or chapter, an essay's first page."""
    start = printbook.main_matter_start(document)
    return next((number for number, page in enumerate(laid_out.pages) if start in page.anchors), 0)


def _render(page: str, document: Document, printer_marks: bool = False) -> weasyprint.document.Document:
    fetcher = ConfinedFetcher((document.metadata.source.parent, STYLES_DIR, scripts.FONTSOURCE))
    fonts = ShippedFonts()
    paths = housestyle.stylesheets(STYLESHEETS, document.metadata.source.parent)
    paths += stylesheet_paths(PRINTER_MARKS_STYLESHEET) if printer_marks else []
    stylesheets = [CSS(filename=path, font_config=fonts, url_fetcher=fetcher) for path in paths]
    stylesheets.append(CSS(string=script_fonts(page, document), font_config=fonts, url_fetcher=fetcher))
    stylesheets.append(CSS(string=f"@page {{ size: {PAPER_SIZE_CSS[document.metadata.paper]} }}", font_config=fonts))
    html = HTML(string=page, base_url=document.metadata.source.parent.resolve().as_uri() + "/", url_fetcher=fetcher)
    try:
        with naming_images(document):
            return html.render(stylesheets=stylesheets, font_config=fonts, pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as error:
        raise PressError(str(error.__cause__ or error), Location(document.metadata.source)) from None


def print_page(
    document: Document, repairs: Mapping[str, str] | None = None, index_pages: Mapping[str, str] | None = None
) -> str:
    """The HTML page WeasyPrint sets: the shared body, with notes placed for print.

    `repairs` gives blocks of the text, by their number, a style that keeps
    footnotes with their calls (see `layout`); `index_pages` the page of each
    mark of a book's index, so that the index gives each page once.
    """
    body, image_urls, endnotes = _print_body(document, repairs)
    book = printbook.prepare(body, document, endnotes, index_pages) if document.is_book else None
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


def _print_body(
    document: Document, repairs: Mapping[str, str] | None
) -> tuple[lxml.html.HtmlElement, dict[str, str], tuple[Note, ...]]:
    """The text as print sets it (footnotes at their calls, or none), its images' URLs, and the endnotes."""
    image_urls = {asset.href: asset.data_url() for asset in document.assets}
    body = parse_fragment(document.body)
    replace_image_sources(body, image_urls)
    start_lists_as_written(body)
    footnotes = document.metadata.notes == "footnotes"
    if footnotes:
        _place_footnotes(body, document.notes)
        for number, block in enumerate(body.iter(*BLOCK_TAGS)):
            block.set(BLOCK_NUMBER, str(number))
            if repairs and str(number) in repairs:
                block.set("style", repairs[str(number)])
    return body, image_urls, document.notes if not footnotes else ()


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


def _misplaced_calls(laid_out: weasyprint.document.Document) -> list[str]:
    """The note calls whose note was set on a later page."""
    page_of = {anchor: number for number, page in enumerate(laid_out.pages) for anchor in page.anchors}
    return [
        anchor
        for anchor, page in page_of.items()
        if anchor.startswith("fnref") and page_of.get("fn" + anchor.removeprefix("fnref"), page) > page
    ]


def _footnote_repairs(laid_out: weasyprint.document.Document) -> dict[str, str]:
    """For each note set after its call's page, the style that keeps it with its call."""
    page_of = {anchor: number for number, page in enumerate(laid_out.pages) for anchor in page.anchors}
    repairs = {}
    for call in _misplaced_calls(laid_out):
        number = page_of[call]
        blocks = _text_blocks(laid_out.pages[number])
        index, line = next(
            (
                (index, line)
                for index, (_, lines) in enumerate(blocks)
                for line, box in enumerate(lines)
                if any(_element_id(part) == call for part in box.descendants())
            ),
            (None, 0),
        )
        if index is None:
            continue
        later = [element for element, _ in blocks[index + 1 :] if element is not None]
        element, lines = blocks[index]
        if later:
            repairs[later[0].get(BLOCK_NUMBER)] = "break-before: page"
        elif element is not None and _starts_on(laid_out.pages, number, element):
            repairs[element.get(BLOCK_NUMBER)] = "break-before: page"
        elif element is not None:
            following = sum(len(more) for other, more in _text_blocks(laid_out.pages[number + 1]) if other is element)
            repairs[element.get(BLOCK_NUMBER)] = f"widows: {len(lines) - line + following}"
    return {block: style for block, style in repairs.items() if block is not None}


def _text_blocks(page: weasyprint.document.Page) -> list[tuple[Any, list[LineBox]]]:
    """The page's blocks of text in order, each with its numbered element (if any) and its lines."""
    found = []
    stack = [box for box in reversed(page._page_box.children) if not isinstance(box, (FootnoteAreaBox, MarginBox))]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", [])
        lines = [child for child in children if isinstance(child, LineBox)]
        if lines:
            element = getattr(box, "element", None)
            while element is not None and element.get(BLOCK_NUMBER) is None:
                element = element.getparent()
            found.append((element, lines))
        else:
            stack.extend(reversed([child for child in children if not isinstance(child, LineBox)]))
    return found


def _starts_on(pages: list[weasyprint.document.Page], number: int, element: Any) -> bool:
    return number == 0 or all(other is not element for other, _ in _text_blocks(pages[number - 1]))


def _element_id(box: Box) -> str | None:
    element = getattr(box, "element", None)
    return element.get("id") if element is not None else None


def script_fonts(page: str, document: Document) -> str:
    """The fonts of the other scripts the page sets, and their order for each of its languages."""
    metadata = document.metadata
    selection = _selection(page, document)
    families = scripts.author_families(metadata.fonts)
    tree = lxml.html.document_fromstring(page)
    languages = scripts.text_by_language(tree, metadata.lang)
    rules = scripts.family_rules(languages, families, selection.families)
    return scripts.font_face_rules(selection, metadata.fonts, scripts.bold_characters(tree)) + "\n" + rules


def _selection(page: str, document: Document) -> scripts.Selection:
    tree = lxml.html.document_fromstring(page)
    return scripts.page_selection(tree, document.metadata.lang, scripts.text_face_coverage(), document.metadata.fonts)


def report_missing_glyphs(page: str, document: Document, reporter: Reporter) -> None:
    """An error for each character of the print page that no font can draw (the shipped
    fonts, the catalogue of scripts, the author's `fonts:`); a warning when the front
    matter allows missing glyphs (`allow-missing-glyphs: true`)."""
    sources = [*document.sources, *document.metadata.bibliographies]
    problems = []
    for character in _selection(page, document).missing:
        message = f"no font of the print edition has {describe(character)}; the PDF would not show it"
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
