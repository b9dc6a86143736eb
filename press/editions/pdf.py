"""The print edition: the print layout (press.printlayout) written as a tagged PDF.

Notes are true page-bottom footnotes by default: each note's text is moved to
its call in the text and floated into the page's footnote area by CSS paged
media. With `notes: endnotes` they are listed after the text instead.

A book's pages are labelled as they are numbered (front matter i, ii…, then
1, 2… from its first part or chapter), so that a reader's "go to page 12"
finds the page printed 12.
"""

from __future__ import annotations

from pathlib import Path

from .. import limits, printlayout, printpage, splitlayout
from ..context import BuildContext
from ..document import Document, edition_document
from ..inputs import code_files
from ..output import atomic_output

NAME = printpage.PDF_EDITION
SUFFIX = ".pdf"


def toolchain_files() -> list[Path]:
    return [*code_files(__name__), *printpage.toolchain_files()]


@limits.within_budget("the PDF edition")
def write(document: Document, context: BuildContext) -> Path:
    target = context.out / f"{document.name}{SUFFIX}"
    # Its page labels and bookmarks follow the chapters this edition has.
    document = edition_document(document, NAME)
    warned = len(context.reporter.diagnostics)
    laid_out = printlayout.laid_out(document, context)
    with atomic_output(target, context.reporter) as temporary:
        if isinstance(laid_out, splitlayout.SplitBook):
            from .. import bookpdf  # pikepdf: only for a book laid out division by division

            bookpdf.assemble(laid_out, temporary, document.modified, context.cache)
        else:
            printlayout.write_pdf(laid_out, document, temporary)
        # WeasyPrint says so as it draws the text, laying it out or writing it.
        printlayout.report_empty_glyphs(context.reporter.diagnostics[warned:], document, context.reporter)
    return target
