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

press.bookpdf then puts each division's pages in the frame's empty ones (pikepdf):
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
pages, holding the same places, lays out that chapter alone; the assembly points
the destinations and bookmarks at the places where the divisions now have them, and
dates the book by its own build.

A book whose title adds to the print stylesheets is laid out whole: the additions
may carry counters, strings or breaks from one division to the next.
"""

from __future__ import annotations

import copy
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
from functools import partial
from typing import Any
from urllib.parse import unquote

import lxml.html
import pydyf
import weasyprint
from lxml import etree

from . import housestyle, limits, pagemap, printbook, printlayout, printpage
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
#: The heading attributes a division's stand-in keeps: its running head (its bookmark is the division's own).
FRAME_HEADING_ATTRIBUTES = (printbook.RUNNING_HEAD,)
#: The build's dates in the print page's head: the frame is cached without them, and the book is given its
#: own when it is assembled (press.bookpdf).
DATE_META = re.compile(r'(<meta name="dcterms\.(?:created|modified)" content=")[^"]*(")')
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
