"""A book laid out division by division (press/splitlayout.py) is the book laid out whole, page for page,
and an edit to one chapter lays out that chapter alone again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import ImageChops

from press import printlayout
from press.context import BuildContext
from press.document import load_document
from press.validate import destination_pages
from tests.conftest import FIXTURES
from tests.readback import pdf_pages
from tests.test_book_pdf import build_pdf, link_texts, read_pages

BOOK = FIXTURES / "book"
#: The cache entries of the divisions laid out alone (press.splitlayout), one PDF each.
DIVISION_ENTRIES = "division-*.pdf"
#: The cache entry of the book's frame.
FRAME_ENTRIES = "frame-*"
#: The book's parts, chapters and appendices.
DIVISIONS = 10


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("split") / "book"
    shutil.copytree(BOOK, copy)
    return copy / "book.md"


@pytest.fixture(scope="module")
def split_pdf(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_pdf(book, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def whole_pdf(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same book laid out whole, in one WeasyPrint document, as an essay is."""
    out = tmp_path_factory.mktemp("whole")
    document = load_document(book, BuildContext(out))
    context = BuildContext(out)
    rendering = printlayout.layout(document, context.reporter)
    target = out / "whole.pdf"
    rendering.write_pdf(target, pdf_variant=printlayout.PDF_VARIANT)
    return target


def test_every_page_looks_as_in_the_book_laid_out_whole(split_pdf: Path, whole_pdf: Path) -> None:
    """Folios, running heads, blank versos, the contents', the index's and the lists' page numbers: all drawn."""
    split, whole = pypdfium2.PdfDocument(str(split_pdf)), pypdfium2.PdfDocument(str(whole_pdf))
    try:
        assert len(split) == len(whole)
        for number in range(len(whole)):
            shown, expected = (
                page.render(scale=1.5).to_pil().convert("RGB") for page in (split[number], whole[number])
            )
            assert ImageChops.difference(shown, expected).getbbox() is None, f"page {number + 1} differs"
            texts = [document[number].get_textpage().get_text_range() for document in (split, whole)]
            assert texts[0] == texts[1], f"page {number + 1} reads differently"
    finally:
        split.close()
        whole.close()


def test_the_bookmarks_and_destinations_are_those_of_the_book_laid_out_whole(split_pdf: Path, whole_pdf: Path) -> None:
    def at(destination: pikepdf.Object) -> tuple[float, float]:
        return round(float(destination[2]), 2), round(float(destination[3]), 2)

    def outline(path: Path) -> list[tuple[int, str, int, tuple[float, float]]]:
        with pikepdf.open(path) as pdf, pdf.open_outline() as tree:
            pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
            found = []
            stack = [(0, item) for item in reversed(tree.root)]
            while stack:
                depth, item = stack.pop()
                destination = item.destination
                assert isinstance(destination, pikepdf.Array)
                found.append((depth, item.title, pages[destination[0].objgen], at(destination)))
                stack.extend((depth + 1, child) for child in reversed(item.children))
            return found

    assert outline(split_pdf) == outline(whole_pdf)
    with pikepdf.open(split_pdf) as split, pikepdf.open(whole_pdf) as whole:
        assert destination_pages(split) == destination_pages(whole)
        assert destination_points(split) == destination_points(whole), "each place at its point on its page"


def destination_points(pdf: pikepdf.Pdf) -> dict[str, tuple[float, float]]:
    """Named destination -> its point on its page."""
    entries = list(pdf.Root.Names.Dests.Names)  # WeasyPrint writes one flat name tree
    return {
        str(name): (round(float(destination[2]), 2), round(float(destination[3]), 2))
        for name, destination in zip(entries[::2], entries[1::2], strict=True)
    }


def test_each_face_has_one_font_program_as_in_the_book_laid_out_whole(split_pdf: Path, whole_pdf: Path) -> None:
    """Each division embeds its own subsets; the book merges them (press.fontsubsets)."""

    def programs(path: Path) -> dict[str, set[tuple[int, int]]]:
        found: dict[str, set[tuple[int, int]]] = {}
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for font in page.obj.Resources.Font.values():
                    descriptor = font.DescendantFonts[0].FontDescriptor
                    stream = descriptor.get("/FontFile3") or descriptor.FontFile2
                    found.setdefault(str(font.BaseFont), set()).add(stream.objgen)
        return found

    split, whole = programs(split_pdf), programs(whole_pdf)
    assert split.keys() == whole.keys()
    assert all(len(streams) == 1 for streams in split.values())
    assert split_pdf.stat().st_size < 1.3 * whole_pdf.stat().st_size


def test_a_link_to_another_chapter_goes_to_the_page_of_its_target(split_pdf: Path) -> None:
    """Chapter 5 names the figure of chapter 2, which its layout alone does not hold."""
    with pikepdf.open(split_pdf) as pdf:
        targets = destination_pages(pdf)
    links = link_texts(split_pdf, "fig-tower")
    families = next(page.number for page in read_pages(split_pdf) if page.opens("Chapter 5", "Families"))
    assert any(number >= families for number, _, _ in links), "the link from chapter 5 is kept"
    assert all(targets["fig-tower"] < families for _, _, _ in links)


def test_one_structure_tree_whose_pages_map_back_to_it(split_pdf: Path) -> None:
    with pikepdf.open(split_pdf) as pdf:
        root = pdf.Root.StructTreeRoot
        (document,) = list(root.K)
        pages = [page.obj.objgen for page in pdf.pages]
        order = [pages.index(kid.Pg.objgen) for kid in document.K]
        assert order == sorted(order), "each page's elements in turn, as WeasyPrint tags a book laid out whole"
        assert all(kid.P.objgen == document.objgen for kid in document.K)
        numbers = list(root.ParentTree.Nums)
        entries = dict(zip((int(key) for key in numbers[::2]), numbers[1::2], strict=True))
        for number, page in enumerate(pdf.pages):
            assert int(page.obj.StructParents) == number
            assert all(element.Pg.objgen == page.obj.objgen for element in entries[number])
            for annotation in page.obj.get("/Annots", []):
                element = entries[int(annotation.StructParent)]
                references = [
                    kid.Obj.objgen for kid in element.K if isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj")
                ]
                assert annotation.objgen in references, "a link's element is the one that holds it"
        assert {number for number in range(len(pages)) if len(entries[number])} <= set(order)
        assert int(root.ParentTreeNextKey) == max(entries) + 1
        assert pdf.Root.Lang == "en-GB" and "/Metadata" in pdf.Root


def test_an_edit_to_one_chapter_lays_out_that_chapter_alone(tmp_path: Path) -> None:
    copy = tmp_path / "book"
    shutil.copytree(BOOK, copy)
    out = tmp_path / "out"
    build_pdf(copy / "book.md", out)
    before = {path.name for path in (out / ".cache").glob(DIVISION_ENTRIES)}
    assert len(before) == DIVISIONS
    chapter = copy / "chapters" / "03-lamps.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("\n\n", "\n\nA new sentence in the third chapter.\n\n", 1),
        encoding="utf-8",
    )
    build_pdf(copy / "book.md", out)
    after = {path.name for path in (out / ".cache").glob(DIVISION_ENTRIES)}
    assert len(after - before) == 1, "the edited chapter alone is laid out again"
    assert len(before - after) == 1, "its old layout is no longer kept"


def test_an_edit_that_moves_no_place_reuses_the_frame_and_gives_the_book_laid_out_afresh(tmp_path: Path) -> None:
    """The frame (front and back matter, folios, contents) is laid out again only when a division's pages or
    places change; the book it makes is the one a build from nothing makes, dated by its own build."""
    copy = tmp_path / "book"
    shutil.copytree(BOOK, copy)
    out = tmp_path / "out"
    build_pdf(copy / "book.md", out, env={"SOURCE_DATE_EPOCH": "1700000000"})
    frames = {path.name for path in (out / ".cache").glob(FRAME_ENTRIES)}
    assert len(frames) == 1
    with pikepdf.open(out / "book.pdf") as before:
        points_before = destination_points(before)
    chapter = copy / "chapters" / "03-lamps.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("far brighter", "much higher", 1), encoding="utf-8")
    kept = build_pdf(copy / "book.md", out, env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert {path.name for path in (out / ".cache").glob(FRAME_ENTRIES)} == frames, "the frame is reused"
    with pikepdf.open(kept) as after:
        moved = {name for name, point in destination_points(after).items() if point != points_before[name]}
    assert moved, "the edit moved a place on its page, which the cached frame had elsewhere"
    afresh = build_pdf(copy / "book.md", tmp_path / "afresh", env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert kept.read_bytes() == afresh.read_bytes()
    with pikepdf.open(kept) as pdf:
        assert str(pdf.docinfo.ModDate) == "D:20270115080000Z"
        assert b"<xmp:CreateDate>2027-01-15T08:00:00Z</xmp:CreateDate>" in pdf.Root.Metadata.read_bytes()
    assert any("much higher" in line for page in read_pages(kept) for line in page.body)


def test_a_book_whose_title_adds_to_the_print_style_is_laid_out_whole(tmp_path: Path) -> None:
    """What a title adds may carry a counter or a string from one chapter to the next: no division alone."""
    copy = tmp_path / "book"
    shutil.copytree(BOOK, copy)
    (copy / "styles").mkdir()
    (copy / "styles" / "print.css").write_text(".book h2 { letter-spacing: 0.01em; }\n", encoding="utf-8")
    out = tmp_path / "out"
    pdf = build_pdf(copy / "book.md", out)
    assert not list((out / ".cache").glob(DIVISION_ENTRIES))
    assert read_pages(pdf)[0].body == ["The Keepers of the Light"]


def test_the_contents_give_the_page_of_a_heading_whose_identifier_is_not_ascii(tmp_path: Path) -> None:
    """A "..." in the text (in code: Pandoc sets the others as an ellipsis) has lxml write the print page
    again, which writes `#église` as `#%C3%A9glise`: the frame must still hold the place the contents point to."""
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "book.yaml").write_text(
        "title: Livre\nauthor: A. Auteur\nlang: fr\ntoc: true\nchapters: [un.md, deux.md]\n", encoding="utf-8"
    )
    (folder / "un.md").write_text("# Premier\n\nTexte.\n\n## Église\n\nTexte...\n", encoding="utf-8")
    (folder / "deux.md").write_text("# Second\n\n```\n...\n```\n", encoding="utf-8")
    pdf = build_pdf(folder, tmp_path / "out")
    assert list((tmp_path / "out" / ".cache").glob(DIVISION_ENTRIES)), "laid out division by division"
    contents = next(page for page in pdf_pages(pdf) if "Église" in page and "Premier" in page)
    assert re.search(r"Église[ .]*\d", contents), contents
