"""The print edition: the print layout (press.printlayout) written as a tagged PDF.

Notes are true page-bottom footnotes by default: each note's text is moved to
its call in the text and floated into the page's footnote area by CSS paged
media. With `notes: endnotes` they are listed after the text instead.
"""

from __future__ import annotations

import base64
from pathlib import Path
from xml.sax.saxutils import escape

from .. import limits, printlayout
from ..context import BuildContext
from ..document import Document
from ..inputs import code_files
from ..output import atomic_output
from ..xmp import PRISM, front_matter_xmp

NAME = "pdf"
SUFFIX = ".pdf"
MARC_RELATORS = "http://id.loc.gov/vocabulary/relators/"
SCHEMA_ORG = "http://schema.org/"


def toolchain_files() -> list[Path]:
    return [*code_files(__name__), *printlayout.toolchain_files()]


@limits.within_budget("the PDF edition")
def write(document: Document, context: BuildContext) -> Path:
    target = context.out / f"{document.name}{SUFFIX}"
    rendering = printlayout.laid_out(document, context)
    with atomic_output(target, context.reporter) as temporary, printlayout.naming_images(document):
        rendering.write_pdf(temporary, **_pdf_options(document))
    return target


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
