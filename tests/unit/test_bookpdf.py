"""The helpers that assemble a book's divisions into its frame (press/bookpdf.py), on small PDFs."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2
from weasyprint import HTML

from press.bookpdf import (
    FRAME_XOBJECT,
    draw_over,
    drawing_as_artifact,
    kids_by_page,
    merge,
    parent_tree_numbers,
    retarget_destinations,
)
from press.printlayout import PDF_VARIANT


def blank(pages: int) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(200, 300))
    return pdf


def tagged_bytes(body: str) -> bytes:
    """A tagged PDF as WeasyPrint writes the book's parts."""
    page = f'<html lang="en"><head><title>T</title></head><body>{body}</body></html>'
    return bytes(HTML(string=page).write_pdf(pdf_variant=PDF_VARIANT))


def tagged(body: str) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(tagged_bytes(body)))


def test_a_parent_tree_is_read_through_its_kids() -> None:
    pdf = blank(1)
    first, second = pdf.make_indirect(pikepdf.Dictionary()), pdf.make_indirect(pikepdf.Dictionary())
    leaf = pikepdf.Dictionary(Nums=pikepdf.Array([3, second]))
    tree = pikepdf.Dictionary(Nums=pikepdf.Array([0, first]), Kids=pikepdf.Array([pdf.make_indirect(leaf)]))
    found = parent_tree_numbers(tree)
    assert sorted(found) == [0, 3] and found[3].objgen == second.objgen


def test_elements_are_grouped_by_their_page_in_order() -> None:
    pdf = blank(2)
    one, two = (page.obj for page in pdf.pages)
    kids = [
        pdf.make_indirect(pikepdf.Dictionary(Pg=page, T=pikepdf.String(str(n))))
        for n, page in enumerate([one, two, one])
    ]
    grouped = kids_by_page(pikepdf.Array(kids))
    assert [str(kid.T) for kid in grouped[one.objgen]] == ["0", "2"]
    assert [str(kid.T) for kid in grouped[two.objgen]] == ["1"]


def test_a_pages_drawing_becomes_a_form_without_its_marked_content() -> None:
    pdf = blank(1)
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_indirect(pikepdf.Stream(pdf, b"/Span <</MCID 0>> BDC 0 0 10 10 re f EMC"))
    form = drawing_as_artifact(pdf, page)
    instructions = [str(instruction.operator) for instruction in pikepdf.parse_content_stream(form)]
    assert instructions == ["re", "f"]
    assert form.Subtype == "/Form" and list(form.BBox) == list(page.obj.MediaBox)


def test_a_drawing_goes_over_a_page_as_a_pagination_artifact_with_resources_of_its_own() -> None:
    pdf = blank(2)
    shared = pdf.make_indirect(pikepdf.Dictionary(XObject=pikepdf.Dictionary()))
    for page in pdf.pages:
        page.obj.Resources = shared
        page.obj.Contents = pdf.make_indirect(pikepdf.Stream(pdf, b"1 0 0 -1 0 300 cm"))
    form = drawing_as_artifact(pdf, pdf.pages[1])
    draw_over(pdf, pdf.pages[0], form)
    drawn_on = pdf.pages[0].obj
    assert FRAME_XOBJECT in drawn_on.Resources.XObject and FRAME_XOBJECT not in shared.XObject
    drawn = b"".join(stream.read_bytes() for stream in drawn_on.Contents)
    assert drawn.startswith(b"q\n1 0 0 -1 0 300 cmQ\n/Artifact <</Type /Pagination>> BDC")
    assert [str(instruction.operator) for instruction in pikepdf.parse_content_stream(pdf.pages[0])][-5:] == [
        "BDC", "q", "Do", "Q", "EMC"
    ]  # fmt: skip


def test_destinations_and_bookmarks_follow_a_replaced_page() -> None:
    pdf = blank(2)
    old, new = pdf.pages[0].obj, pdf.pages[1].obj
    pdf.Root.Names = pikepdf.Dictionary(
        Dests=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("a"), pikepdf.Array([old, pikepdf.Name.XYZ, 1, 2, 0])])
        )
    )
    item = pdf.make_indirect(
        pikepdf.Dictionary(Title=pikepdf.String("A"), Dest=pikepdf.Array([old, pikepdf.Name.XYZ, 1, 2, 0]))
    )
    pdf.Root.Outlines = pdf.make_indirect(pikepdf.Dictionary(First=item, Last=item))
    retarget_destinations(pdf, {old.objgen: new})
    assert pdf.Root.Names.Dests.Names[1][0].objgen == new.objgen
    assert item.Dest[0].objgen == new.objgen and list(item.Dest)[1:] == [pikepdf.Name.XYZ, 1, 2, 0]


def test_a_division_page_takes_the_place_of_the_frames_under_its_drawing() -> None:
    frame = tagged('<p id="front">Front</p><p style="break-before: page">vii</p>')
    division = tagged_bytes('<h2 id="chapter">Chapter</h2><p><a href="#chapter">Back</a></p>')
    with frame:
        merge(frame, [division], [(1, 0, 0)])
        saved = io.BytesIO()
        frame.save(saved)
    with pikepdf.open(saved) as pdf:
        root = pdf.Root.StructTreeRoot
        (document,) = list(root.K)
        pages = [page.obj.objgen for page in pdf.pages]
        assert [pages.index(kid.Pg.objgen) for kid in document.K] == [0, 1, 1]  # the heading and paragraph of page 2
        assert all(kid.P.objgen == document.objgen for kid in document.K)
        numbers = parent_tree_numbers(root.ParentTree)
        (annotation,) = pdf.pages[1].obj.Annots
        assert sorted(numbers) == [0, 1, 2] and int(annotation.StructParent) == 2 and int(root.ParentTreeNextKey) == 3
        assert len(numbers[1]) == 2, "the division's marked content alone: the frame's drawing is an artifact"
    text = pypdfium2.PdfDocument(saved.getvalue())[1].get_textpage().get_text_range()
    assert text.split() == ["Chapter", "Back", "vii"], "the frame's page drawn over the division's"
