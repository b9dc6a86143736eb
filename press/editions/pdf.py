"""The print edition: a print page rendered by WeasyPrint into a tagged PDF.

Notes are true page-bottom footnotes by default: each note's text is moved to
its call in the text and floated into the page's footnote area by CSS paged
media. With `notes: endnotes` they are listed after the text instead.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import lxml.html
import weasyprint
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from .. import STYLES_DIR, pagemap
from ..cache import BuildCache
from ..document import Document, Note
from ..errors import Location, PressError, location_of, warn
from ..fonts import describe, uncovered_characters
from ..markup import inner_html, note_references, parse_fragment, replace_image_sources
from ..output import atomic_output
from ..render import render, stylesheet_paths

NAME = "pdf"
SUFFIX = ".pdf"
TEMPLATE = "print.html.j2"
STYLESHEETS = ("common.css", "print.css")
FONT_STYLESHEET = "print.css"
PDF_VARIANT = "pdf/ua-1"
PERIODS = re.compile(r"(\.{3,})")
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
MARC_RELATORS = "http://id.loc.gov/vocabulary/relators/"
GENERATOR = f"press with WeasyPrint {weasyprint.__version__}"


def write(document: Document, out_dir: Path) -> Path:
    target = out_dir / f"{document.name}{SUFFIX}"
    _report_missing_glyphs(print_page(document), document)
    cache = BuildCache(out_dir)
    pages = pagemap.cache_name(document)
    with cache.locked(pages):
        laid_out = layout(document)
        # The EPUB's page list follows these pages: keep them for its build.
        cache.write(pages, pagemap.dump(pagemap.read_pages(laid_out)))
    with atomic_output(target) as temporary:
        laid_out.write_pdf(temporary, **_pdf_options(document))
    return target


def layout(document: Document) -> weasyprint.document.Document:
    """The print edition laid out in pages, ready to write (or to ask where things fell)."""
    page = print_page(document)
    fetcher = ConfinedFetcher((document.metadata.source.parent, STYLES_DIR))
    fonts = FontConfiguration()
    stylesheets = [
        CSS(filename=path, font_config=fonts, url_fetcher=fetcher) for path in stylesheet_paths(*STYLESHEETS)
    ]
    stylesheets.append(CSS(string=f"@page {{ size: {PAPER_SIZES[document.metadata.paper]} }}", font_config=fonts))
    html = HTML(string=page, base_url=document.metadata.source.parent.resolve().as_uri() + "/", url_fetcher=fetcher)
    try:
        return html.render(stylesheets=stylesheets, font_config=fonts, **_pdf_options(document))
    except FatalURLFetchingError as error:
        raise PressError(str(error.__cause__ or error), Location(document.metadata.source)) from None


def print_page(document: Document) -> str:
    """The HTML page WeasyPrint sets: the shared body, with notes placed for print."""
    image_urls = {asset.href: asset.data_url() for asset in document.assets}
    body = parse_fragment(document.body)
    replace_image_sources(body, image_urls)
    footnotes = document.metadata.notes == "footnotes"
    if footnotes:
        _place_footnotes(body, document.notes)
    page = render(
        TEMPLATE,
        document=document,
        body=Markup(inner_html(body)),
        image_urls=image_urls,
        endnotes=document.notes if not footnotes else (),
        generator=GENERATOR,
    )
    return _keep_periods_apart(page)


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
            if text and "..." in text and not (attribute == "tail" and element.tag == "head"):
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

    Paragraphs inside a note become block spans: a <p> cannot sit inside the
    paragraph that holds the call.
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
        for block in footnote.iter("p", "div", "blockquote", "ul", "ol", "li", "pre"):
            block.set("class", f"footnote-{block.tag} {block.get('class', '')}".strip())
            block.tag = "span"
        footnote.tail, reference.tail = reference.tail, None
        reference.addnext(footnote)


def _report_missing_glyphs(page: str, document: Document) -> None:
    text = "".join(str(piece) for piece in lxml.html.document_fromstring(page).itertext())
    sources = [document.metadata.source]
    if document.metadata.bibliography is not None:
        sources.append(document.metadata.bibliography)
    for character in uncovered_characters(text, FONT_STYLESHEET):
        warn(
            f"no font of the print edition has {describe(character)}; the PDF would not show it",
            _first_occurrence(character, sources),
        )


def _first_occurrence(character: str, sources: list[Path]) -> Location:
    for source in sources:
        text = source.read_text(encoding="utf-8", errors="replace")
        offset = text.find(character)
        if offset >= 0:
            return location_of(text, offset, source)
    return Location(sources[0])


def _pdf_options(document: Document) -> dict[str, object]:
    return {
        "pdf_variant": PDF_VARIANT,
        "custom_metadata": True,
        "xmp_metadata": [_xmp_data_url(document)],
    }


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


def _xmp_data_url(document: Document) -> str:
    """XMP naming the contributors with their MARC relator roles."""
    contributors = "".join(f"<rdf:li>{escape(person.name)}</rdf:li>" for person in document.contributors)
    roles = "".join(
        f"<marcrel:{person.role}>{escape(person.name)}</marcrel:{person.role}>" for person in document.contributors
    )
    xmp = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:marcrel="{MARC_RELATORS}">'
        f"<dc:contributor><rdf:Bag>{contributors}</rdf:Bag></dc:contributor>{roles}"
        f"<dc:language><rdf:Bag><rdf:li>{escape(document.metadata.lang)}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description></rdf:RDF>"
    )
    return "data:application/rdf+xml;base64," + base64.b64encode(xmp.encode("utf-8")).decode("ascii")
