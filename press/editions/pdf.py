"""The print edition: a print page rendered by WeasyPrint into a tagged PDF."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint import __version__ as weasyprint_version
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from .. import STYLES_DIR
from ..document import Document
from ..errors import Location, PressError
from ..markup import inner_html, parse_fragment, replace_image_sources
from ..output import atomic_output
from ..render import render, stylesheet_paths

NAME = "pdf"
SUFFIX = ".pdf"
TEMPLATE = "print.html.j2"
STYLESHEETS = ("common.css", "print.css")
PDF_VARIANT = "pdf/ua-1"
MARC_RELATORS = "http://id.loc.gov/vocabulary/relators/"


def write(document: Document, out_dir: Path) -> Path:
    target = out_dir / f"{document.name}{SUFFIX}"
    image_urls = {asset.href: asset.source.resolve().as_uri() for asset in document.assets}
    body = parse_fragment(document.body)
    replace_image_sources(body, image_urls)
    page = render(
        TEMPLATE,
        document=document,
        body=Markup(inner_html(body)),
        image_urls=image_urls,
        generator=f"press with WeasyPrint {weasyprint_version}",
    )
    fetcher = ConfinedFetcher((document.metadata.source.parent, STYLES_DIR))
    fonts = FontConfiguration()
    stylesheets = [
        CSS(filename=path, font_config=fonts, url_fetcher=fetcher) for path in stylesheet_paths(*STYLESHEETS)
    ]
    html = HTML(string=page, base_url=document.metadata.source.parent.resolve().as_uri() + "/", url_fetcher=fetcher)
    with atomic_output(target) as temporary:
        try:
            html.write_pdf(
                temporary,
                stylesheets=stylesheets,
                font_config=fonts,
                pdf_variant=PDF_VARIANT,
                custom_metadata=True,
                xmp_metadata=[_xmp_data_url(document)],
            )
        except FatalURLFetchingError as error:
            raise PressError(str(error.__cause__ or error), Location(document.metadata.source)) from None
    return target


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
