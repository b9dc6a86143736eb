"""The print edition: the print layout (press.printlayout) written as a tagged PDF.

Notes are true page-bottom footnotes by default: each note's text is moved to
its call in the text and floated into the page's footnote area by CSS paged
media. With `notes: endnotes` they are listed after the text instead.

A book's pages are labelled as they are numbered (front matter i, ii…, then
1, 2… from its first part or chapter), so that a reader's "go to page 12"
finds the page printed 12.
"""

from __future__ import annotations

import base64
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pydyf

from .. import limits, printlayout, splitlayout
from ..context import BuildContext
from ..document import Document
from ..inputs import code_files
from ..output import atomic_output
from ..patches import page_references, textmap
from ..xmp import PRISM, front_matter_xmp

NAME = printlayout.PDF_EDITION
SUFFIX = ".pdf"
MARC_RELATORS = "http://id.loc.gov/vocabulary/relators/"
SCHEMA_ORG = "http://schema.org/"


def toolchain_files() -> list[Path]:
    return [*code_files(__name__), *printlayout.toolchain_files()]


@limits.within_budget("the PDF edition")
def write(document: Document, context: BuildContext) -> Path:
    target = context.out / f"{document.name}{SUFFIX}"
    laid_out = printlayout.laid_out(document, context)
    rendering = laid_out.frame if isinstance(laid_out, splitlayout.SplitBook) else laid_out
    main_matter = printlayout.main_matter_page(rendering, document) if document.is_book else None
    textmap.apply()
    page_references.apply()
    finisher = partial(_finish, main_matter=main_matter)
    with atomic_output(target, context.reporter) as temporary, printlayout.naming_images(document):
        if isinstance(laid_out, splitlayout.SplitBook):
            splitlayout.assemble(rendering.write_pdf(finisher=finisher, **_pdf_options(document)), laid_out, temporary)
        else:
            rendering.write_pdf(temporary, finisher=finisher, **_pdf_options(document))
    return target


def _finish(_: Any, pdf: pydyf.PDF, main_matter: int | None) -> None:
    """What WeasyPrint leaves out of the PDF: a book's page labels, the scope of table headers."""
    if main_matter is not None:
        _label_pages(pdf, main_matter)
    printlayout.scope_table_headers(pdf)


def _label_pages(pdf: pydyf.PDF, main_matter: int) -> None:
    """Page labels as the pages are numbered: lower-case roman up to the page `main_matter`, arabic from 1 there."""
    ranges = [(0, "/r"), (main_matter, "/D")] if main_matter else [(0, "/D")]
    numbers = pydyf.Array()
    for first_page, style in ranges:
        numbers.extend([first_page, pydyf.Dictionary({"S": style})])
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": numbers})


def _pdf_options(document: Document) -> dict[str, object]:
    return {
        "pdf_variant": printlayout.PDF_VARIANT,
        "custom_metadata": True,
        "xmp_metadata": [_xmp_data_url(document)],
    }


def _xmp_data_url(document: Document) -> str:
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
