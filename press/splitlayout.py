"""A book laid out division by division, each in a worker process and cached, then assembled into one PDF.

Every part, chapter and appendix of a book opens on a recto of its own (print.css),
and nothing in its pages but their folios and running heads depends on the pages
before it: its lines and page breaks, its footnotes and its figures are the same
wherever it starts. So each such division is laid out alone, as the book sets it
but with its margin boxes empty (styles/print-chapter.css), in parallel on the
machine's cores; each is cached under its own inputs, and editing one paragraph
lays out that chapter alone again.

The book's *frame* is then laid out whole, by WeasyPrint, in one process: the front
matter, the notes at the back, the bibliography, the index and the colophon as
they are, and each division as empty pages, as many as it has, holding its running
head (its heading, empty) and, on each page, the places its pages hold
(styles/print-frame.css). The frame so numbers every page, gives the contents, the
lists, the index and the notes' running heads their page numbers, sets the blank
versos and the page labels, exactly as the book laid out whole would. The places
and bookmarks of each division's pages, as laid out, are given to the frame's
pages before WeasyPrint writes them, so that its named destinations and its
bookmarks (nested, parts > chapters > sections) are the book's own.

`assemble` then puts each division's pages in the frame's empty ones (pikepdf):
the frame's drawing of the page (folio, running head) goes over the division's
page as a pagination artifact, the division's tagged structure takes the place of
the empty page's in the one structure tree (its parent tree renumbered, page by
page and link by link), and the links to other divisions resolve through the
frame's named destinations. WeasyPrint tags each page's content on its own (the
structure tree's `Document` holds each page's elements in turn), which is what
makes this exact. Each division's PDF embeds its own subsets of the fonts; the
book has one program for each face, their union (press.fontsubsets).

The frame is cached too, under its page and the names (not the points) of the
places and bookmarks on the divisions' pages: an edit that leaves a chapter as many
pages, holding the same places, lays out that chapter alone; `assemble` points
the destinations and bookmarks at the places where the divisions now have them, and
dates the book by its own build.

A book whose title adds to the print stylesheets is laid out whole: the additions
may carry counters, strings or breaks from one division to the next.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import lxml.html
import pikepdf
import pydyf
import weasyprint
from lxml import etree

from . import fontsubsets, housestyle, limits, pagemap, printbook, printlayout, printpage
from .cache import BuildCache, digest
from .context import BuildContext
from .document import Document
from .patches import decorative_images, page_references, textmap
from .printpage import DIVISION_STYLESHEET, FRAME_STYLESHEET
from .render import stylesheet_paths

FRAME_PAGE = "frame-page"
FRAME_HEADING = "frame-heading"
#: The most worker processes, however many cores: each holds one division's layout and WeasyPrint.
MAX_JOBS = 8
#: The name the frame's drawing of a page has among the division page's resources.
FRAME_XOBJECT = "/PressFrame"
MARKED_CONTENT = frozenset({"BDC", "BMC", "EMC", "MP", "DP"})
#: The heading attributes a division's stand-in keeps: its running head (its bookmark is the division's own).
FRAME_HEADING_ATTRIBUTES = (printbook.RUNNING_HEAD,)
#: The build's dates in the print page's head: the frame is cached without them, and the book is given its
#: own when it is assembled (`date`).
DATE_META = re.compile(r'(<meta name="dcterms\.(?:created|modified)" content=")[^"]*(")')
XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate)>)[^<]*")
#: A CSS pixel in PDF points.
PDF_POINTS_PER_PX = 0.75
#: What a page's place was given as, by WeasyPrint: x, y, width, height.
Place = tuple[float, float, float, float]


@dataclass(frozen=True)
class DivisionPage:
    """What a division's page holds for the book: its places, its bookmarks and its text's letters."""

    anchors: dict[str, Place]
    bookmarks: list[tuple[int, str, tuple[float, float], str]]
    letters: str


@dataclass(frozen=True)
class DivisionLayout:
    """One division laid out alone: its tagged PDF, its pages, and what WeasyPrint said while laying it out."""

    identifier: str
    pdf: bytes
    pages: tuple[DivisionPage, ...]
    library_warnings: tuple[str, ...]
    #: The build's own warnings about the division (a footnote set after its call's page).
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class DivisionJob:
    """What a worker lays out: one division's print page, and the places outside it its links go to."""

    document: Document
    identifier: str
    page: str
    foreign_anchors: tuple[str, ...]
    printer_marks: bool


@dataclass(frozen=True)
class FrameLayout:
    """The book's frame laid out and written: its PDF, the divisions' pages still empty but for their folios
    and running heads, and what the book needs of its pages."""

    pdf: bytes
    #: (frame page, division, division page) for each page a division fills.
    placements: tuple[tuple[int, int, int], ...]
    #: The places on each page (a division's page gives its own).
    places: tuple[tuple[str, ...], ...]
    #: Each page's letters (see pagemap), a division's page's left to the division.
    letters: tuple[str, ...]
    #: The pages' size, in CSS pixels.
    width: float
    height: float
    #: The build's warnings about the frame (a note of the front or back matter set after its call's page).
    warnings: tuple[str, ...]
    #: What WeasyPrint said while laying it out, given again when the frame comes from the cache.
    library_warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitBook:
    """The frame laid out and written, and the divisions."""

    frame: FrameLayout
    divisions: tuple[DivisionLayout, ...]

    def page_letters(self) -> list[str]:
        """Each page's letters, for the EPUB's page list (see pagemap)."""
        letters = list(self.frame.letters)
        for frame_page, division, division_page in self.frame.placements:
            letters[frame_page] = self.divisions[division].pages[division_page].letters
        return letters


def splits(document: Document) -> bool:
    """Whether a book is laid out division by division: it has parts, chapters or appendices, and its
    title adds nothing to the print stylesheets (which could carry something from one division on)."""
    if not document.is_book or printbook.main_matter_start(document) is None:
        return False
    folder = document.metadata.source.parent
    return housestyle.stylesheets(printpage.STYLESHEETS, folder) == stylesheet_paths(*printpage.STYLESHEETS)


def default_jobs() -> int:
    """As many layouts at once as the machine has cores (at most MAX_JOBS): this process and a worker
    process for each other core.

    `make` builds a title's three editions side by side, but the EPUB waits for
    this layout's page list and the HTML edition is short work: while the
    divisions are laid out, the cores are theirs.
    """
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


@limits.within_budget("the print layout")
def lay_out(
    document: Document, context: BuildContext, page: str, toolchain: str, printer_marks: bool = False
) -> SplitBook | None:
    """The book laid out division by division (the divisions not in the cache in parallel) and its frame;
    None when the frame cannot hold the divisions' pages as laid out (the caller lays the book out whole).
    `toolchain` is the digest of the files that set the layout (printpage.toolchain_digest)."""
    tree = lxml.html.document_fromstring(page)
    every_id = {str(element.get("id")) for element in tree.iter() if element.get("id")}
    jobs = [_division_job(document, tree, section, every_id, printer_marks) for section in _split_divisions(tree)]
    names = [_division_cache_name(job, toolchain) for job in jobs]
    layouts: list[DivisionLayout | None] = [
        _cached(context.cache, job, name) for job, name in zip(jobs, names, strict=True)
    ]
    missing = [index for index, layout in enumerate(layouts) if layout is None]
    for index, (pdf, facts) in zip(missing, _lay_out_all([jobs[index] for index in missing]), strict=True):
        context.cache.write(names[index] + ".pdf", pdf)
        context.cache.write(names[index] + ".json", facts)
        layouts[index] = _division_layout(jobs[index].identifier, pdf, facts)
    divisions = tuple(layout for layout in layouts if layout is not None)
    for division in divisions:
        for message in division.library_warnings:
            context.reporter.library_warning(message)
        for message in division.warnings:
            context.reporter.warn(message)
    by_identifier = {division.identifier: division for division in divisions}
    frame_page = _frame_page(page, by_identifier)
    name = _frame_cache_name(document, frame_page, divisions, printer_marks, toolchain)
    stored = context.cache.read(name)
    if stored is not None:
        frame = _load_frame(stored)
    else:
        made = _lay_out_frame(document, frame_page, by_identifier, divisions, printer_marks)
        if made is None:
            return None
        frame = made
        context.cache.write(name, _dump_frame(frame))
    for message in frame.library_warnings:
        context.reporter.library_warning(message)
    for message in frame.warnings:
        context.reporter.warn(message)
    return SplitBook(frame, divisions)


def _split_divisions(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The sections of the book's text that are laid out alone: its parts, chapters and appendices."""
    body_text = tree.find_class("body-text")
    if not body_text:
        return []
    return [section for section in body_text[0] if section.get("data-division") in printbook.MAIN_MATTER]


def _division_job(
    document: Document, tree: lxml.html.HtmlElement, section: lxml.html.HtmlElement, every_id: set[str], marks: bool
) -> DivisionJob:
    """The division's own print page: the book's, with this division alone in its text."""
    body_text = section.getparent()
    article = body_text.getparent()
    root = etree.Element("html", dict(tree.attrib))
    head = tree.find("head")
    if head is not None:
        root.append(_copy(head))
    body = etree.SubElement(root, "body", dict(tree.find("body").attrib))
    shell = etree.SubElement(etree.SubElement(body, "article", dict(article.attrib)), "div", dict(body_text.attrib))
    shell.append(_copy(section))
    own = {str(element.get("id")) for element in section.iter() if element.get("id")}
    targets = {str(link.get("href"))[1:] for link in section.iter("a") if str(link.get("href", "")).startswith("#")}
    page = "<!DOCTYPE html>\n" + etree.tostring(root, encoding="unicode", method="html")
    return DivisionJob(document, str(section.get("id")), page, tuple(sorted((targets - own) & every_id)), marks)


def _copy(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element and all it holds, on its own (a copy of the head is a head: parsing its markup again, as
    this once did, gives the head inside an html element of its own, and the division's body after it)."""
    copied: lxml.html.HtmlElement = copy.deepcopy(element)
    copied.tail = None
    return copied


def _division_cache_name(job: DivisionJob, toolchain: str) -> str:
    """A division's layout, named by its print page (images inline; the head, which holds dates, left out),
    the places outside it its links go to, and the files that set it (`toolchain`, their digest)."""
    document = job.document
    body = job.page[job.page.find("<body") :]
    return "division-" + digest(
        weasyprint.__version__,
        document.metadata.paper,
        document.metadata.notes,
        job.identifier,
        body,
        "\n".join(job.foreign_anchors),
        str(job.printer_marks),
        printpage.script_fonts(job.page, document),
        toolchain,
    )


def _cached(cache: BuildCache, job: DivisionJob, name: str) -> DivisionLayout | None:
    facts = cache.read(name + ".json")
    pdf = cache.read(name + ".pdf")
    return _division_layout(job.identifier, pdf, facts) if facts is not None and pdf is not None else None


def _division_layout(identifier: str, pdf: bytes, facts: bytes) -> DivisionLayout:
    stored = json.loads(facts)
    placed: set[str] = set()  # a place split over pages is the first page's (as WeasyPrint resolves links)
    pages = []
    for page in stored["pages"]:
        anchors = {
            name: (place[0], place[1], place[2], place[3])
            for name, place in page["anchors"].items()
            if name not in placed
        }
        placed.update(anchors)
        bookmarks = [(level, label, (point[0], point[1]), state) for level, label, point, state in page["bookmarks"]]
        pages.append(DivisionPage(anchors, bookmarks, page["letters"]))
    return DivisionLayout(identifier, pdf, tuple(pages), tuple(stored["library_warnings"]), tuple(stored["warnings"]))


def _lay_out_all(jobs: Sequence[DivisionJob]) -> list[tuple[bytes, bytes]]:
    """Each division laid out, by this process and, when there are several, by worker processes beside it.

    The workers are forked (WeasyPrint is loaded) before this process lays anything out, and each holds
    a copy of its memory: this process works too, rather than wait with one worker more (on the bench
    book, three such copies made the build's memory). The workers take the longest divisions first, so
    that none starts a long one last; this process the shortest, so that it is soon back to hand them
    the next.
    """
    count = min(default_jobs(), len(jobs))
    if count <= 1:
        return [lay_out_division(job) for job in jobs]
    waiting = deque(sorted(range(len(jobs)), key=lambda index: -len(jobs[index].page)))
    made: dict[int, tuple[bytes, bytes]] = {}
    running: dict[Future[tuple[bytes, bytes]], int] = {}
    workers = count - 1
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:

        def collect(finished: Iterable[Future[tuple[bytes, bytes]]]) -> None:
            for future in finished:
                made[running.pop(future)] = future.result()

        def hand_out() -> None:
            # One division queued behind each worker's, so that a worker finishing while this
            # process lays out its own goes straight on to the next; one always kept for this process.
            while len(waiting) > 1 and len(running) < 2 * workers:
                index = waiting.popleft()
                running[pool.submit(lay_out_division, jobs[index])] = index

        try:
            hand_out()
            while waiting:
                index = waiting.pop()
                made[index] = lay_out_division(jobs[index])
                collect(wait(running, timeout=0).done)
                hand_out()
            collect(list(as_completed(running)))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # the divisions not begun are not laid out in vain
            raise
    return [made[index] for index in range(len(jobs))]


class _Collected(logging.Handler):
    """WeasyPrint's warnings while a division is laid out, for the build's reporter in the main process."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


@contextmanager
def _collecting_warnings() -> Iterator[list[str]]:
    """WeasyPrint's warnings while the block runs, gathered instead of given (to be kept with what it makes)."""
    logger = logging.getLogger("weasyprint")
    collected = _Collected()
    saved = logger.handlers, logger.propagate
    logger.handlers, logger.propagate = [collected], False
    try:
        yield collected.messages
    finally:
        logger.handlers, logger.propagate = saved


def lay_out_division(job: DivisionJob) -> tuple[bytes, bytes]:
    """One division laid out alone and written as a tagged PDF; with it, as JSON, each page's places,
    bookmarks and letters, and WeasyPrint's warnings."""
    textmap.apply()
    page_references.apply()
    decorative_images.apply()
    with _collecting_warnings() as library_warnings, printlayout.naming_images(job.document):
        rendering = printlayout.settled(job.page, job.document, job.printer_marks, (DIVISION_STYLESHEET,))
        warnings = (
            [printlayout.misplaced_note(call) for call in printlayout.misplaced_calls(rendering)]
            if job.document.metadata.notes == "footnotes"
            else []
        )
        pages = [
            {"anchors": dict(page.anchors), "bookmarks": list(page.bookmarks), "letters": letters}
            for page, letters in zip(rendering.pages, printlayout.page_letters(rendering), strict=True)
        ]
        # Links to the other divisions: WeasyPrint drops a link to a place it has not laid out; the
        # book's frame gives these places (its named destinations), so here they stand anywhere.
        for name in job.foreign_anchors:
            rendering.pages[-1].anchors.setdefault(name, (0, 0, 0, 0))
        pdf = rendering.write_pdf(
            finisher=partial(_finish_division, identifier=job.identifier), pdf_variant=printlayout.PDF_VARIANT
        )
    facts = {"pages": pages, "library_warnings": library_warnings, "warnings": warnings}
    return bytes(pdf), json.dumps(facts).encode("utf-8")


def _finish_division(_: Any, pdf: pydyf.PDF, identifier: str) -> None:
    """The table headers' scope, and their identifiers made the division's own (WeasyPrint numbers them
    by PDF object, which the other divisions' PDFs number alike)."""
    printlayout.scope_table_headers(pdf)
    for element in pdf.objects:
        if not isinstance(element, pydyf.Dictionary):
            continue
        if "ID" in element and isinstance(element["ID"], pydyf.String):
            element["ID"] = pydyf.String(f"{identifier}-{element['ID'].string}")
        headers = element.get("A", {}).get("Headers") if isinstance(element.get("A"), dict) else None
        if headers:
            element["A"]["Headers"] = pydyf.Array(pydyf.String(f"{identifier}-{key.string}") for key in headers)


def _frame_cache_name(
    document: Document, frame_page: str, divisions: Sequence[DivisionLayout], printer_marks: bool, toolchain: str
) -> str:
    """The frame's cache entry, named by its page (its head too, but for the build's dates: the PDF's
    metadata), the XMP, the names of the places and the bookmarks on the divisions' pages (which the frame's
    PDF points to, at points `place` sets) and the files that set it: so editing a paragraph of a chapter,
    its pages unchanged in number, lays out that chapter alone."""
    places = json.dumps(
        [
            [sorted(page.anchors), [(level, label, state) for level, label, _, state in page.bookmarks]]
            for division in divisions
            for page in division.pages
        ]
    )
    return "frame-" + digest(
        weasyprint.__version__,
        document.metadata.paper,
        document.metadata.notes,
        DATE_META.sub(r"\1\2", frame_page),
        places,
        printlayout.xmp_data_url(document),
        str(printer_marks),
        printpage.script_fonts(frame_page, document),
        toolchain,
    )


def _lay_out_frame(
    document: Document,
    frame_page: str,
    by_identifier: dict[str, DivisionLayout],
    divisions: Sequence[DivisionLayout],
    printer_marks: bool,
) -> FrameLayout | None:
    """The book's frame laid out (again with each index page given once, when the index needs it: see
    printlayout.layout), its pages given the divisions' places and bookmarks, and written; None when it
    cannot hold the divisions' pages as laid out."""
    with _collecting_warnings() as library_warnings:
        frame = printlayout.settled(frame_page, document, printer_marks, (FRAME_STYLESHEET,))
        index_pages = printlayout.index_pages_of(frame, document)
        if index_pages is not None:
            del frame
            page = printpage.print_page(document, index_pages)
            frame = printlayout.settled(_frame_page(page, by_identifier), document, printer_marks, (FRAME_STYLESHEET,))
    placements = _placements(frame, divisions)
    if placements is None:
        return None
    warnings = (  # the notes of the front matter and the back matter
        [printlayout.misplaced_note(call) for call in printlayout.misplaced_calls(frame)]
        if document.metadata.notes == "footnotes"
        else []
    )
    for frame_page_number, division_index, division_page in placements:
        given = divisions[division_index].pages[division_page]
        frame.pages[frame_page_number].anchors = dict(given.anchors)
        frame.pages[frame_page_number].bookmarks = list(given.bookmarks)
    with _collecting_warnings() as written_warnings:
        pdf = printlayout.write_pdf(frame, document)
    assert pdf is not None  # written to no file, the PDF is returned
    first = frame.pages[0]
    return FrameLayout(
        pdf,
        placements,
        tuple(tuple(page.anchors) for page in frame.pages),
        tuple(printlayout.page_letters(frame)),
        first.width,
        first.height,
        tuple(warnings),
        tuple(library_warnings + written_warnings),
    )


def _dump_frame(frame: FrameLayout) -> bytes:
    """The frame as a cache entry: its facts as a line of JSON, then its PDF."""
    facts = {
        "placements": frame.placements,
        "places": frame.places,
        "letters": frame.letters,
        "size": [frame.width, frame.height],
        "warnings": frame.warnings,
        "library_warnings": frame.library_warnings,
    }
    return json.dumps(facts).encode("utf-8") + b"\n" + frame.pdf


def _load_frame(stored: bytes) -> FrameLayout:
    line, _, pdf = stored.partition(b"\n")
    facts = json.loads(line)
    width, height = facts["size"]
    return FrameLayout(
        pdf,
        tuple((frame_page, division, page) for frame_page, division, page in facts["placements"]),
        tuple(tuple(names) for names in facts["places"]),
        tuple(facts["letters"]),
        width,
        height,
        tuple(facts["warnings"]),
        tuple(facts["library_warnings"]),
    )


def _frame_page(page: str, divisions: dict[str, DivisionLayout]) -> str:
    """The print page with each division laid out alone standing as its empty pages: its heading, empty, for
    the running head, and on each page the places on it that the rest of the book points to (the contents,
    the lists, the index, the notes at the back): only those, for each place costs the frame's layout."""
    tree = lxml.html.document_fromstring(page)
    sections = _split_divisions(tree)
    headings = []
    for section in sections:
        heading = section.find("h2")
        kept = {} if heading is None else {name: heading.get(name) for name in FRAME_HEADING_ATTRIBUTES}
        headings.append({name: str(value) for name, value in kept.items() if value is not None})
        for child in list(section):
            section.remove(child)
        section.text = None
    # A link's target as WeasyPrint reads it: the page's HTML was written by lxml, which writes `#église`
    # as `#%C3%A9glise`.
    pointed_to = {
        unquote(str(value)[1:])
        for element in tree.iter()
        for value in element.attrib.values()
        if str(value).startswith("#")
    }
    for section, given in zip(sections, headings, strict=True):
        identifier = str(section.get("id"))
        attributes = {"class": FRAME_HEADING, **given}
        etree.SubElement(section, "h2", attributes)
        for number, division_page in enumerate(divisions[identifier].pages):
            holder = etree.SubElement(section, "div", {"class": FRAME_PAGE, "id": _frame_page_id(identifier, number)})
            for name in division_page.anchors:
                if name != identifier and name in pointed_to:
                    etree.SubElement(holder, "div", {"id": name})
    return "<!DOCTYPE html>\n" + etree.tostring(tree, encoding="unicode", method="html")


def _frame_page_id(identifier: str, number: int) -> str:
    """The place that marks a division's page in the frame (its own pages give the book's places instead)."""
    return f"press-frame-{identifier}-{number}"


def _placements(frame: Any, divisions: Sequence[DivisionLayout]) -> tuple[tuple[int, int, int], ...] | None:
    """Which frame page each division page fills; None if a division's page does not stand on a page of its own."""
    page_of: dict[str, int] = {}
    for number, page in enumerate(frame.pages):
        for name in page.anchors:
            page_of.setdefault(name, number)  # a place split over pages is the first page's
    placements = []
    for index, division in enumerate(divisions):
        first = page_of.get(division.identifier)
        if first is None:
            return None
        for number in range(len(division.pages)):
            if page_of.get(_frame_page_id(division.identifier, number)) != first + number:
                return None
            placements.append((first + number, index, number))
    return tuple(placements)


def print_pages(book: SplitBook, labels: Sequence[str]) -> pagemap.PrintPages:
    return pagemap.from_letters(
        book.page_letters(),
        book.frame.width / pagemap.CSS_PX_PER_MM,
        book.frame.height / pagemap.CSS_PX_PER_MM,
        labels,
    )


def assemble(book: SplitBook, target: Path, modified: datetime, cache: BuildCache) -> None:
    """Write the book: the frame's PDF with each division's pages in the frame's empty ones, dated `modified`
    (the frame may come from an earlier build's cache); the faces' merged programs kept in `cache`."""
    with pikepdf.open(io.BytesIO(book.frame.pdf)) as out:
        merge(out, [division.pdf for division in book.divisions], book.frame.placements)
        fontsubsets.merge_subsets(out, cache)
        place(out, book)
        date(out, modified)
        out.save(target, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def merge(out: pikepdf.Pdf, sources: Sequence[bytes], placements: Iterable[tuple[int, int, int]]) -> None:
    """Put each source page (of the PDFs `sources`) in the frame page `placements` name, under the frame's
    drawing of that page, and make the sources' structure trees part of the frame's, page by page.

    Each source is open only while its pages and structure are copied. qpdf reads a copied stream's data
    when `out` is written, from the source's input (here its bytes), which the copy keeps: the source's
    parsed objects are not needed then, and a book's divisions all open at once held as much memory as
    the book's copy of them (a third of the build's peak on a long book)."""
    root = out.Root.StructTreeRoot
    document = root.K[0]
    frame_numbers = parent_tree_numbers(root.ParentTree)
    frame_kids = kids_by_page(document.K)
    placed_from: dict[int, int] = {}
    replaced: dict[tuple[int, int], pikepdf.Object] = {}
    pages_of: dict[int, list[tuple[int, int]]] = {}
    for frame_page, source, source_page in placements:
        pages_of.setdefault(source, []).append((frame_page, source_page))
    source_kids, source_numbers = [], []
    for index, source_bytes in enumerate(sources):
        with pikepdf.open(io.BytesIO(source_bytes)) as source_pdf:
            for frame_page, source_page in pages_of.get(index, []):
                old = out.pages[frame_page]
                frame_drawing = drawing_as_artifact(out, old)
                out.pages[frame_page] = source_pdf.pages[source_page]
                new = out.pages[frame_page]
                draw_over(out, new, frame_drawing)
                replaced[old.obj.objgen] = new.obj
                placed_from[frame_page] = index
            source_root = source_pdf.Root.StructTreeRoot
            source_document = source_root.K[0]
            del source_document["/P"]  # copied, it would bring the source's whole catalogue
            source_kids.append(kids_by_page(out.copy_foreign(source_document).K))
            source_numbers.append(parent_tree_numbers(out.copy_foreign(source_root.ParentTree)))
    kids = pikepdf.Array()
    numbers: list[int | pikepdf.Object] = []  # the parent tree's keys and values
    linked: list[tuple[pikepdf.Object, pikepdf.Object]] = []
    for number, page in enumerate(out.pages):
        source_index = placed_from.get(number)
        own_numbers = frame_numbers if source_index is None else source_numbers[source_index]
        own_kids = frame_kids if source_index is None else source_kids[source_index]
        for kid in own_kids.get(page.obj.objgen, []):
            kid.P = document
            kids.append(kid)
        numbers += [number, own_numbers[int(page.obj.StructParents)]]
        page.obj.StructParents = number
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                linked.append((annotation, own_numbers[int(annotation.StructParent)]))
    key = len(out.pages)
    for annotation, element in linked:
        annotation.StructParent = key
        numbers += [key, element]
        key += 1
    document.K = kids
    root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(numbers)))
    root.ParentTreeNextKey = key
    retarget_destinations(out, replaced)


def place(out: pikepdf.Pdf, book: SplitBook) -> None:
    """Point the named destinations and the bookmarks on the divisions' pages at their places as the divisions
    have them (the frame may come from the cache of a build whose divisions had them elsewhere on the same
    pages), as WeasyPrint points them: at the place's top left, in PDF points from the page's bottom."""
    given = {frame_page: book.divisions[division].pages[page] for frame_page, division, page in book.frame.placements}
    page_of = {page.obj.objgen: number for number, page in enumerate(out.pages)}

    def point(destination: pikepdf.Object, x: float, y: float) -> None:
        destination[2] = x * PDF_POINTS_PER_PX
        destination[3] = (book.frame.height - y) * PDF_POINTS_PER_PX

    names = out.Root.get("/Names", pikepdf.Dictionary()).get("/Dests")
    stack = [names] if names is not None else []
    while stack:
        node = stack.pop()
        entries = node.get("/Names", pikepdf.Array())
        for index in range(0, len(entries), 2):
            destination = entries[index + 1]
            division_page = given.get(page_of[destination[0].objgen])
            if division_page is not None:
                point(destination, *division_page.anchors[str(entries[index])][:2])
        stack.extend(node.get("/Kids", []))
    seen: dict[int, int] = {}  # the bookmarks of each division page met so far, in the outline's order
    outlines = out.Root.get("/Outlines")
    items = [outlines.First] if outlines is not None and "/First" in outlines else []
    while items:
        item = items.pop()
        number = page_of[item.Dest[0].objgen]
        division_page = given.get(number)
        if division_page is not None:
            _, _, (x, y), _ = division_page.bookmarks[seen.setdefault(number, 0)]
            seen[number] += 1
            point(item.Dest, x, y)
        items.extend(item[key] for key in ("/Next", "/First") if key in item)


def date(out: pikepdf.Pdf, modified: datetime) -> None:
    """Give the PDF the dates WeasyPrint gives a PDF made at `modified` (UTC): its creation and modification
    dates, in its document information and its XMP."""
    out.docinfo["/CreationDate"] = out.docinfo["/ModDate"] = pikepdf.String(modified.strftime("D:%Y%m%d%H%M%SZ"))
    metadata = out.Root.Metadata
    iso = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    metadata.write(XMP_DATE.sub(lambda match: match.group(1) + iso, metadata.read_bytes()))


def parent_tree_numbers(tree: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """A parent tree's entries by key (WeasyPrint writes one flat /Nums array)."""
    found: dict[int, pikepdf.Object] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        entries = list(node.get("/Nums", []))
        found.update((int(key), value) for key, value in zip(entries[::2], entries[1::2], strict=True))
        stack.extend(node.get("/Kids", []))
    return found


def kids_by_page(kids: pikepdf.Object) -> dict[tuple[int, int], list[pikepdf.Object]]:
    """A structure element's kids by the page they are on, in order (WeasyPrint tags each page on its own)."""
    found: dict[tuple[int, int], list[pikepdf.Object]] = {}
    for kid in kids:
        found.setdefault(kid.Pg.objgen, []).append(kid)
    return found


def drawing_as_artifact(out: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Object:
    """A page's drawing as a form XObject, its marked content left out: it becomes a pagination artifact of
    the page it is drawn over."""
    instructions = [
        instruction
        for instruction in pikepdf.parse_content_stream(page)
        if str(getattr(instruction, "operator", "")) not in MARKED_CONTENT
    ]
    form = pikepdf.Stream(out, pikepdf.unparse_content_stream(instructions))
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = page.obj.MediaBox
    form.Resources = page.obj.Resources
    return out.make_indirect(form)


def draw_over(out: pikepdf.Pdf, page: pikepdf.Page, drawing: pikepdf.Object) -> None:
    """Draw a form over a page, as a pagination artifact, with resources of the page's own."""
    resources = pikepdf.Dictionary(dict(page.obj.Resources.items()))
    xobjects = pikepdf.Dictionary(dict(resources.get("/XObject", pikepdf.Dictionary()).items()))
    xobjects[FRAME_XOBJECT] = drawing
    resources.XObject = xobjects
    page.obj.Resources = resources
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    page.obj.Contents = pikepdf.Array(
        [
            out.make_indirect(pikepdf.Stream(out, b"q\n")),
            *streams,
            out.make_indirect(
                pikepdf.Stream(out, f"Q\n/Artifact <</Type /Pagination>> BDC q {FRAME_XOBJECT} Do Q EMC\n".encode())
            ),
        ]
    )


def retarget_destinations(out: pikepdf.Pdf, replaced: dict[tuple[int, int], pikepdf.Object]) -> None:
    """Point the named destinations and the bookmarks at the pages that replaced the frame's."""

    def retargeted(destination: pikepdf.Object | None) -> pikepdf.Object | None:
        if isinstance(destination, pikepdf.Array) and len(destination) and destination[0].objgen in replaced:
            return pikepdf.Array([replaced[destination[0].objgen], *list(destination)[1:]])
        return None

    names = out.Root.get("/Names", pikepdf.Dictionary()).get("/Dests")
    stack = [names] if names is not None else []
    while stack:
        node = stack.pop()
        if "/Names" in node:
            entries = node.Names
            for index in range(1, len(entries), 2):
                destination = retargeted(entries[index])
                if destination is not None:
                    entries[index] = destination
        stack.extend(node.get("/Kids", []))
    outlines = out.Root.get("/Outlines")
    items = [outlines.First] if outlines is not None and "/First" in outlines else []
    while items:
        item = items.pop()
        destination = retargeted(item.get("/Dest"))
        if destination is not None:
            item.Dest = destination
        items.extend(item[key] for key in ("/First", "/Next") if key in item)
