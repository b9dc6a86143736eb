"""The book's PDF assembled from its frame and its divisions, laid out apart (press.splitlayout), with pikepdf.

Each division's pages go in the frame's empty ones, under the frame's drawing of the page as a pagination
artifact; the divisions' structure trees become the book's; destinations and bookmarks point at the places
the divisions have; the faces' programs are merged (press.fontsubsets); the book is dated by its build.
Only a book laid out division by division needs it (pikepdf, loaded with it, costs an essay's build a
twentieth of a second).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import pikepdf

from . import fontsubsets
from .cache import BuildCache
from .splitlayout import SplitBook

#: The name the frame's drawing of a page has among the division page's resources.
FRAME_XOBJECT = "/PressFrame"
MARKED_CONTENT = frozenset({"BDC", "BMC", "EMC", "MP", "DP"})
XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate)>)[^<]*")
#: A CSS pixel in PDF points.
PDF_POINTS_PER_PX = 0.75


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
