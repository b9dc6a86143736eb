"""The print edition's page: the HTML WeasyPrint sets, the characters its fonts must draw, and where the
page list of its layout is kept for the EPUB.

It lives apart from press.printlayout, which lays the page out, so that a build that reads the page list
the PDF's build wrote (the EPUB's, which Make runs beside it) never loads WeasyPrint: the import alone
costs such a process a third of its memory and half a second. It loads it only when it must lay the
pages out itself.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import lxml.html
from markupsafe import Markup

from . import STYLES_DIR, housestyle, pagemap, printbook, scripts
from .cache import digest, files_digest, owner
from .context import BuildContext
from .divisions import without_closing_page_breaks
from .document import Document, Note, edition_document
from .errors import CombinedError, PressError, Reporter, find_in_files
from .fonts import declared_fonts, describe
from .freshness import installed_version
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
from .render import render, stylesheet_paths
from .sanitize import url_scheme

#: The module that lays the page out, whose code (and all it imports) sets the layout.
LAYOUT_MODULE = "press.printlayout"

TEMPLATE = "print.html.j2"
#: The edition that writes this layout, and whose build the EPUB's page list waits for.
PDF_EDITION = "pdf"
STYLESHEETS = ("common.css", "print.css")
#: Bleed and crop marks, for a PDF sent to the printer (the `printer_marks` option).
PRINTER_MARKS_STYLESHEET = "printer-marks.css"
FONT_STYLESHEET = "print.css"
FONTCONFIG_FILE = STYLES_DIR / "fonts" / "fonts.conf"
#: A book's division laid out alone (the margin boxes left empty), and the frame's stand-ins for
#: the divisions' pages (see press.splitlayout).
DIVISION_STYLESHEET = "print-chapter.css"
FRAME_STYLESHEET = "print-frame.css"

PERIODS = re.compile(r"(\.{3,})")
MISSING_GLYPH = "no font of the print edition has"

#: Blocks of the text that may be restyled to keep a footnote with its call, and the attribute that marks them.
BLOCK_TAGS = ("p", "li", "blockquote", "figure", "h2", "h3", "h4", "h5", "h6", "pre", "table", "dl")
TEXT_BLOCK = "data-text-block"
#: The version of WeasyPrint that lays the page out, read without loading it.
WEASYPRINT_VERSION = installed_version("weasyprint")
GENERATOR = f"press with WeasyPrint {WEASYPRINT_VERSION}"

#: A link target that is neither a #fragment nor a URL with a scheme: another file.
NOT_FRAGMENT_OR_SCHEME = r"(?!#|[A-Za-z][A-Za-z0-9+.-]*:)"
RELATIVE_LINK = re.compile(
    rf"""<a\b[^>]*\shref=(?:"{NOT_FRAGMENT_OR_SCHEME}|'{NOT_FRAGMENT_OR_SCHEME}|(?!["'])"""
    rf"""{NOT_FRAGMENT_OR_SCHEME})"""
)


def toolchain_files() -> list[Path]:
    """The toolchain's files the print layout is made from: code, template, styles, fonts."""
    return [
        *code_files(LAYOUT_MODULE),
        *template_files(TEMPLATE),
        *stylesheet_paths(*STYLESHEETS, PRINTER_MARKS_STYLESHEET, DIVISION_STYLESHEET, FRAME_STYLESHEET),
        *declared_fonts(STYLES_DIR / FONT_STYLESHEET),
        FONTCONFIG_FILE,
        *scripts.toolchain_files(),
    ]


def print_pages(document: Document, context: BuildContext) -> pagemap.PrintPages:
    """Where each page of the print edition begins: from the cache when the PDF build (or an
    earlier build) laid these very pages out, or as soon as a PDF build running beside this one
    has (the editions are made side by side, press.sidebyside); otherwise laid out here, once
    (a book division by division, its divisions cached for the PDF's build)."""
    document = edition_document(document, PDF_EDITION)
    housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context)
    toolchain = toolchain_digest(document)
    name = pages_cache_name(print_page(document), document, toolchain)
    # The page is made again if it is laid out here: the wait holds only its name.
    stored = context.cache.await_entry(name, owner(document.name, PDF_EDITION))
    if stored is not None:
        return pagemap.load(stored)
    with context.cache.locked(name):
        stored = context.cache.read(name)
        if stored is not None:
            return pagemap.load(stored)
        from . import printlayout  # WeasyPrint: only when no PDF build lays the pages out

        pages = printlayout.page_list(document, context, print_page(document), toolchain)
        context.cache.write(name, pagemap.dump(pages))
    return pages


def pages_cache_name(page: str, document: Document, toolchain: str) -> str:
    """A print layout's cache entry, named by the print page (images inline) and the files that set it
    (`toolchain_digest`).

    Printer marks are not in the name: the bleed lies outside the pages, which they leave as they are.
    """
    body = page[page.find("<body") :]  # the head holds dates and metadata, which move no line
    return f"pages-{digest(WEASYPRINT_VERSION, document.metadata.paper, body, toolchain)}.json"


def toolchain_digest(document: Document) -> str:
    """The digest of the files that set the print layout: the toolchain's and the title's additions to the
    house style."""
    styles = housestyle.stylesheets(STYLESHEETS, document.metadata.source.parent)
    return files_digest([*toolchain_files(), *styles])


def labels_of(places: Sequence[Collection[str]], document: Document) -> list[str]:
    """The pages' numbers as printed, from the places on each page (see printlayout.page_labels)."""
    return printbook.page_labels(len(places), main_matter_page(places, document))


def main_matter_page(places: Sequence[Collection[str]], document: Document) -> int:
    """The index of the page numbered 1 (a book's first part or chapter, an essay's first page), from the
    places on each page."""
    start = printbook.main_matter_start(document)
    return next((number for number, names in enumerate(places) if start in names), 0)


def print_page(document: Document, index_pages: Mapping[str, str] | None = None) -> str:
    """The HTML page WeasyPrint sets: the shared body, with notes placed for print.

    With footnotes, the blocks of the text are marked as those that may be
    restyled to keep a note with its call (see printlayout.layout); `index_pages` gives the
    page of each mark of a book's index, so that the index gives each page once.
    """
    document = edition_document(document, PDF_EDITION)
    body, image_urls, endnotes = print_body(document)
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


def print_body(document: Document) -> tuple[lxml.html.HtmlElement, dict[str, str], tuple[Note, ...]]:
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


def script_fonts(page: str, document: Document) -> str:
    """The fonts of the other scripts the page sets, and their order for each of its languages."""
    metadata = document.metadata
    tree = lxml.html.document_fromstring(page)
    languages = scripts.text_by_language(tree, metadata.lang)
    selection = _selection(languages, document)
    families = scripts.author_families(metadata.fonts)
    rules = scripts.family_rules(languages, families, selection.families)
    stylesheets = housestyle.stylesheets(STYLESHEETS, metadata.source.parent)
    bold = scripts.bold_characters(tree, stylesheets) if selection.slices else frozenset()
    return scripts.font_face_rules(selection, metadata.fonts, bold) + "\n" + rules


def _selection(languages: dict[str, str], document: Document) -> scripts.Selection:
    return scripts.page_selection(languages, scripts.text_face_coverage(), document.metadata.fonts)


def report_missing_glyphs(page: str, document: Document, reporter: Reporter) -> None:
    """An error for each character of the print page that no font can draw (the shipped
    fonts, the catalogue of scripts, the author's `fonts:`); a warning when the front
    matter allows missing glyphs (`allow-missing-glyphs: true`)."""
    report_glyphs(
        {
            character: f"{MISSING_GLYPH} {describe(character)}; the PDF would not show it"
            for character in _selection(
                scripts.text_by_language(lxml.html.document_fromstring(page), document.metadata.lang), document
            ).missing
        },
        document,
        reporter,
    )


def report_glyphs(messages: dict[str, str], document: Document, reporter: Reporter) -> None:
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
