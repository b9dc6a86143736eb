"""The print edition of a book (tests/fixtures/book), read back from its PDF as a reader turns its pages.

The book is built from a clean copy of the fixture: in A5 with footnotes (its chapters then
run over several pages, so that running heads show), the same right to left, and in US
trade size with endnotes and printer marks.
"""

from __future__ import annotations

import itertools
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2
import pytest

from press.divisions import roman_numeral
from press.validate import destination_pages, pdf_structure, pdfua
from tests.conftest import FIXTURES, build

BOOK = FIXTURES / "book"
TITLE = "The Keepers of the Light"
PDF_ISBN = "978-1-4028-9462-6"
EPUB_ISBN = "978-0-306-40615-7"
#: Where each division opens, in reading order: its label (if any) and its title.
PARTS = [("Part I", "Stone and Flame"), ("Part II", "Lives on the Rock")]
CHAPTERS = [
    ("Chapter 1", "First Lights"),
    ("Chapter 2", "Towers in the Sea"),
    ("Chapter 3", "Lamps and Lenses"),
    ("Chapter 4", "The Keepers"),
    ("Chapter 5", "Families"),
    ("Chapter 6", "The Last Watch"),
]
APPENDICES = [("Appendix A", "Glossary"), ("Appendix B", "Lights Named in This Book")]
OPENINGS = [
    ("", "Preface"),
    PARTS[0],
    *CHAPTERS[:3],
    PARTS[1],
    *CHAPTERS[3:],
    *APPENDICES,
    ("", "Bibliography"),
    ("", "Index"),
]
#: The running heads and folios stand in the page's top and bottom margins (9% and 11% of its height).
HEAD_SHARE = 0.09
FOOT_SHARE = 0.09
ROMAN = re.compile(r"^[ivxlc]+$")
CONTENTS_LINE = re.compile(r"^(?P<entry>.*?)[\s.]*\.\s*(?P<page>[ivxlc]+|\d+)$")
INDEX_LINE = re.compile(r"^(?P<heading>.*?)(?P<pages>(?:, (?:[ivxlc]+|\d+(?:–\d+)?))+)$")
NOTES_HEAD = re.compile(r"^Notes to pages (\d+)–(\d+)$")
MM = 72 / 25.4


@dataclass(frozen=True)
class Page:
    """A page as read back: its number (from 1), its PDF page label, and the text of its head, body and foot."""

    number: int
    label: str
    head: str
    body: list[str]
    foot: str

    @property
    def recto(self) -> bool:
        return self.number % 2 == 1

    def opens(self, label: str, title: str) -> bool:
        return self.body[: 2 if label else 1] == ([label, title] if label else [title])


def read_pages(pdf: Path) -> list[Page]:
    document = pypdfium2.PdfDocument(str(pdf))
    pages = []
    try:
        for index, page in enumerate(document):
            left, bottom, right, top = page.get_cropbox()
            height = top - bottom
            text = page.get_textpage()
            head = text.get_text_bounded(left, top - HEAD_SHARE * height, right, top)
            body = text.get_text_bounded(left, bottom + FOOT_SHARE * height, right, top - HEAD_SHARE * height)
            foot = text.get_text_bounded(left, bottom, right, bottom + FOOT_SHARE * height)
            lines = [line.strip() for line in body.splitlines() if line.strip()]
            pages.append(Page(index + 1, document.get_page_label(index), head.strip(), lines, foot.strip()))
    finally:
        document.close()
    return pages


def link_texts(pdf: Path, prefix: str) -> list[tuple[int, str, str]]:
    """(page number, destination, text shown) of every link to a destination starting with `prefix`.

    WeasyPrint writes a link as an area for each of its boxes (its text, its generated
    content); the text shown is that of the largest.
    """
    found: dict[tuple[int, str], str] = {}
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        with pikepdf.open(pdf) as links:
            for number, page in enumerate(links.pages, start=1):
                text = document[number - 1].get_textpage()
                for annotation in page.get("/Annots", []):
                    destination = str(annotation.get("/Dest", ""))
                    if annotation.get("/Subtype") == "/Link" and destination.startswith(prefix):
                        left, bottom, right, top = (float(value) for value in annotation.Rect)
                        shown = text.get_text_bounded(left, bottom, right, top).strip()
                        found[number, destination] = max(found.get((number, destination), ""), shown, key=len)
    finally:
        document.close()
    return [(number, destination, shown) for (number, destination), shown in found.items()]


def opening_pages(pages: list[Page]) -> list[Page]:
    """The page each division of OPENINGS opens on, in their order."""
    found = []
    for label, title in OPENINGS:
        found.append(next(page for page in pages if page.opens(label, title)))
    return found


def division_of(page: Page, openings: list[Page]) -> int:
    """The index in OPENINGS of the division a page belongs to."""
    return max(index for index, opening in enumerate(openings) if opening.number <= page.number)


@pytest.fixture(scope="module")
def book_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture as a new author's clean checkout has it."""
    copy = tmp_path_factory.mktemp("book") / "book"
    shutil.copytree(BOOK, copy)
    return copy / "book.md"


def build_pdf(manuscript: Path, out: Path, *options: str, env: dict[str, str] | None = None) -> Path:
    run = build("pdf", "--manuscript", manuscript, "--out", out, "-q", *options, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", "the build should give no warning"
    return out / f"{manuscript.stem}.pdf"


@pytest.fixture(scope="module")
def footnotes_pdf(book_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_pdf(book_copy, tmp_path_factory.mktemp("a5"), "--paper", "a5", "-M", "fontsize=13pt")


@pytest.fixture(scope="module")
def right_to_left_pdf(book_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same book with its pages mirrored (`dir: rtl`): its rectos are left-hand pages."""
    out = tmp_path_factory.mktemp("rtl")
    return build_pdf(book_copy, out, "--paper", "a5", "-M", "fontsize=13pt", "-M", "dir=rtl")


@pytest.fixture(scope="module")
def endnotes_pdf(book_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("trade")
    return build_pdf(book_copy, out, "--paper", "us-trade", "--notes", "endnotes", "--printer-marks")


@pytest.fixture(scope="module")
def pages(footnotes_pdf: Path) -> list[Page]:
    return read_pages(footnotes_pdf)


def test_every_division_opens_on_a_recto_in_order(pages: list[Page]) -> None:
    openings = opening_pages(pages)
    assert [page.number for page in openings] == sorted({page.number for page in openings})
    assert all(page.recto for page in openings), [(page.number, page.body[:2]) for page in openings]
    main = openings[OPENINGS.index(PARTS[0]) :]
    assert all(int(page.label) % 2 == 1 for page in main), "a recto has an odd page number"


def test_front_matter_in_roman_the_text_in_arabic_from_the_first_part(pages: list[Page]) -> None:
    first_part = next(page for page in pages if page.opens(*PARTS[0]))
    front = [page.label for page in pages[: first_part.number - 1]]
    assert front == [roman_numeral(number).lower() for number in range(1, first_part.number)]
    assert [page.label for page in pages[first_part.number - 1 :]] == [
        str(number) for number in range(1, len(pages) - first_part.number + 2)
    ]
    folios = [page for page in pages if page.foot]
    assert any(ROMAN.match(page.foot) for page in folios), "the contents and the preface show roman folios"
    assert all(page.foot == page.label for page in folios), "each folio printed is the page's label"
    half_title, _, title_page, copyright_page = pages[:4]
    assert half_title.body == [TITLE] and title_page.body[0] == TITLE
    assert not (half_title.foot or title_page.foot or copyright_page.foot or first_part.foot), "blind folios"


def test_the_contents_give_the_pages_the_divisions_open_on(pages: list[Page]) -> None:
    start = next(page for page in pages if page.body[:1] == ["Contents"])
    lines = []
    for page in pages[start.number - 1 :]:
        if page.body[:1] == ["List of Figures"]:
            break
        lines += page.body
    contents = {found["entry"]: found["page"] for found in map(CONTENTS_LINE.match, lines[1:]) if found is not None}
    for (label, title), page in zip(OPENINGS, opening_pages(pages), strict=True):
        assert contents[f"{label} {title}".strip()] == page.label, title
        assert page.foot == ("" if (label, title) in PARTS else page.label), "a part's page has a blind folio"
    assert ROMAN.match(contents["Preface"])
    assert {"List of Figures", "List of Tables", "Coal and candles"} <= contents.keys()


@pytest.mark.parametrize("variant", ["footnotes_pdf", "right_to_left_pdf"])
def test_running_heads_follow_the_chapters(variant: str, request: pytest.FixtureRequest) -> None:
    """The book's title on versos, the chapter's on rectos, none on openings, left to right and right to left."""
    pages = read_pages(request.getfixturevalue(variant))
    openings = opening_pages(pages)
    colophon = next(page for page in pages if page.body[:1] == ["Colophon"])
    checked = {"verso": 0, "recto": 0}
    for page in pages[openings[1].number - 1 : colophon.number - 1]:
        if page in openings or not page.body:
            assert page.head == "", f"page {page.label}: no running head on an opening or a blank page"
        elif not page.recto:
            assert page.head == TITLE, f"page {page.label}"
            checked["verso"] += 1
        else:
            assert page.head == OPENINGS[division_of(page, openings)][1], f"page {page.label}"
            checked["recto"] += 1
    assert checked["verso"] and checked["recto"], checked


def test_footnotes_are_numbered_afresh_in_each_chapter_on_their_calls_pages(
    pages: list[Page], footnotes_pdf: Path
) -> None:
    openings = opening_pages(pages)
    with pikepdf.open(footnotes_pdf) as pdf:
        targets = destination_pages(pdf)
    notes = link_texts(footnotes_pdf, "fnref")  # each footnote starts with its number, a link back to its call
    calls = {destination: (page, text) for page, destination, text in link_texts(footnotes_pdf, "fn")}
    numbers: dict[int, list[int]] = {}
    for page, destination, text in sorted(notes, key=lambda note: int(note[1].removeprefix("fnref"))):
        numbers.setdefault(division_of(pages[page - 1], openings), []).append(int(text.rstrip(".")))
        note = "fn" + destination.removeprefix("fnref")
        assert calls[note] == (page, text.rstrip(".")), f"note {note}: its call shows its number on its page"
        assert targets[destination] == page
    assert len(numbers) >= len(CHAPTERS)
    assert all(found == list(range(1, len(found) + 1)) for found in numbers.values()), numbers


def test_the_copyright_page_names_the_pdf_edition_and_the_illustrator(pages: list[Page]) -> None:
    (copyright_page,) = [page for page in pages if any(line.startswith("ISBN") for line in page.body)]
    assert copyright_page.label == "iv" and not copyright_page.recto
    assert f"ISBN {PDF_ISBN}" in copyright_page.body and EPUB_ISBN not in " ".join(copyright_page.body)
    assert {"Illustration by Ainav Rabinowitz.", "First edition, 2026"} <= set(copyright_page.body)
    assert "© 2026 Morwenna Tregarthen. All rights reserved." in copyright_page.body


def test_bookmarks_nest_parts_chapters_and_sections(footnotes_pdf: Path) -> None:
    with pikepdf.open(footnotes_pdf) as pdf, pdf.open_outline() as outline:
        top = {item.title: item for item in outline.root}
        part = top["Part I: Stone and Flame"]
        chapters = {item.title: item for item in part.children}
        assert list(chapters) == [f"{label}: {title}" for label, title in CHAPTERS[:3]]
        assert [item.title for item in chapters["Chapter 1: First Lights"].children] == ["Coal and candles"]
        assert {"Preface", "Appendix A: Glossary", "Bibliography", "Index"} <= top.keys()


def test_the_index_gives_each_marked_page_once(pages: list[Page], footnotes_pdf: Path) -> None:
    labels = {page.number: page.label for page in pages}
    with pikepdf.open(footnotes_pdf) as pdf:
        targets = destination_pages(pdf)
    marks = link_texts(footnotes_pdf, "index-mark-")
    assert marks
    assert all(text.lstrip(", –") == labels[targets[destination]] for _, destination, text in marks)
    index = next(page for page in pages if page.body[:1] == ["Index"])
    entries = {
        found["heading"]: found["pages"].split(", ")[1:]
        for found in map(INDEX_LINE.match, index.body[1:])
        if found is not None
    }
    assert all(len(numbers) == len(set(numbers)) for numbers in entries.values()), entries
    assert len(entries["Fresnel, Augustin"]) == 1, "two marks on one page give that page once"
    runs = [item.split("–") for numbers in entries.values() for item in numbers if item.isdecimal() or "–" in item]
    assert any(len(run) == 2 for run in runs), "marks on pages one after another print as a run"
    assert all(int(run[0]) < int(run[-1]) for run in runs if len(run) == 2)
    for numbers in entries.values():
        arabic = [item.split("–") for item in numbers if item[0].isdecimal()]
        for before, after in itertools.pairwise(arabic):
            assert int(after[0]) > int(before[-1]) + 1, f"pages {before} and {after} should make one run"
    assert ROMAN.match(entries["Logbooks"][0]), "a mark in the preface gives a roman page"
    assert "Lamps" in index.body and "Argand" in entries, "a sub-heading stands under its heading"


def test_endnotes_are_gathered_at_the_back_by_chapter(endnotes_pdf: Path) -> None:
    pages = read_pages(endnotes_pdf)
    start = next(page for page in pages if page.body[:1] == ["Notes"])
    notes_pages = [start, *[page for page in pages[start.number :] if page.head.startswith("Notes to pages")]]
    lines = [line for page in notes_pages for line in page.body]
    heads = [line for line in lines if line.startswith("Notes to ")]
    assert heads == ["Notes to Preface", *[f"Notes to {label}" for label, _ in CHAPTERS], "Notes to Appendix A"]
    numbers: list[list[int]] = []
    for line in lines:
        if line.startswith("Notes to "):
            numbers.append([])
        elif found := re.match(r"^(\d+)\. ", line):
            numbers[-1].append(int(found.group(1)))
    assert all(found == list(range(1, len(found) + 1)) for found in numbers), numbers
    assert start.head == "" and len(notes_pages) > 1


def test_the_endnotes_running_head_gives_the_pages_their_calls_are_on(endnotes_pdf: Path) -> None:
    pages = read_pages(endnotes_pdf)
    with pikepdf.open(endnotes_pdf) as pdf:
        targets = destination_pages(pdf)
    labels = {page.number: page.label for page in pages}
    back_links = link_texts(endnotes_pdf, "fnref")
    checked = 0
    for page in pages:
        found = NOTES_HEAD.match(page.head)
        if found is None:
            continue
        called = [int(labels[targets[destination]]) for number, destination, _ in back_links if number == page.number]
        first, last = int(found.group(1)), int(found.group(2))
        assert first <= min(called) and last == max(called), (page.head, called)
        checked += 1
    assert checked


def test_trade_size_with_bleed_and_crop_marks(endnotes_pdf: Path) -> None:
    with pikepdf.open(endnotes_pdf) as pdf:
        for page in pdf.pages:
            trim = [float(value) for value in page.TrimBox]
            media = [float(value) for value in page.MediaBox]
            assert (round(trim[2] - trim[0]), round(trim[3] - trim[1])) == (432, 648)  # 6 × 9 in
            assert round(media[2] - media[0] - (trim[2] - trim[0]), 1) == round(6 * MM, 1)  # 3 mm each side


@pytest.mark.parametrize("variant", ["footnotes_pdf", "endnotes_pdf"])
def test_the_tagged_pdf_passes_the_checks(variant: str, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(variant)
    for check in (pdf_structure(path), pdfua(path)):
        assert (check.errors, check.warnings) == ([], [])


def test_a_book_of_chapters_alone_opens_its_first_chapter_on_page_1(tmp_path: Path) -> None:
    """No parts, preface, contents (`toc: false`: a book has them otherwise), ISBN or notes at the back: the
    front matter is the title pages alone."""
    manuscript = tmp_path / "tiny.md"
    manuscript.write_text(
        "---\ntitle: A Tiny Book\nauthor: A. Writer\nlang: en\nbook: true\ntoc: false\n---\n\n"
        "# One\n\nText of one.[^a]\n\n# Two\n\nText of two.\n\n[^a]: A note.\n",
        encoding="utf-8",
    )
    pages = read_pages(build_pdf(manuscript, tmp_path / "out"))
    first, second = (
        next(page for page in pages if page.opens(label, title))
        for label, title in (("Chapter 1", "One"), ("Chapter 2", "Two"))
    )
    assert (first.label, first.foot, first.recto) == ("1", "1", True)
    assert second.recto and second.label == "3"
    assert [page.label for page in pages[: first.number - 1]] == ["i", "ii", "iii", "iv"]


def inked_extent(image: Any) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) of a rendered region's dark pixels, None when it has none."""
    return image.convert("L").point(lambda level: 255 if level < 128 else 0).getbbox()  # type: ignore[no-any-return]


def test_a_running_head_is_one_line_its_chapters_short_title_or_its_title_cut_short(tmp_path: Path) -> None:
    """A chapter's `{short-title="…"}` heads its pages; a title too long for the line is cut short (the
    rest is clipped, an ellipsis drawn), on one line within the text's width."""
    long_title = (
        "The Political Economy of Fisheries Management in the North Atlantic from the Seventeenth Century to"
        " the Present Day, with Particular Reference to Iceland and the Faroe Islands"
    )
    text = "\n\n".join(["A paragraph of text that runs on so that the chapter fills several pages. " * 9] * 16)
    manuscript = tmp_path / "long.md"
    manuscript.write_text(
        "---\ntitle: A Book of Long Chapters\nauthor: A. Writer\nlang: en\nbook: true\ntoc: false\n---\n\n"
        f'# {long_title} {{short-title="Fisheries of the North Atlantic"}}\n\n{text}\n\n# {long_title}\n\n{text}\n',
        encoding="utf-8",
    )
    pdf = build_pdf(manuscript, tmp_path / "out")
    pages = read_pages(pdf)
    openings = [page for page in pages if page.body[:1] in (["Chapter 1"], ["Chapter 2"])]
    assert len(openings) == 2
    heads: dict[int, set[str]] = {1: set(), 2: set()}
    cut_pages = []
    for page in pages[openings[0].number :]:
        if page.recto and page.head and page not in openings:
            chapter = 2 if page.number > openings[1].number else 1
            heads[chapter].add(page.head)
            if chapter == 2:
                cut_pages.append(page.number)
    assert heads == {1: {"Fisheries of the North Atlantic"}, 2: {long_title}}, "the text layer keeps the title whole"
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[cut_pages[0] - 1].render(scale=2).to_pil()
    finally:
        document.close()
    head_share = int(HEAD_SHARE * image.height)
    head = inked_extent(image.crop((0, 0, image.width, head_share)))
    body = inked_extent(image.crop((0, head_share, image.width, image.height - int(FOOT_SHARE * image.height))))
    assert head is not None and body is not None
    assert head[3] - head[1] < 30, "one line of 8.5 pt"
    # Within the page's text area, which the text's lines keep a little inside of.
    margin = 0.03 * image.width
    assert head[0] >= body[0] - margin and head[2] <= body[2] + margin, (head, body)


def test_right_to_left_the_division_headings_stand_at_the_right_margin(right_to_left_pdf: Path) -> None:
    """A chapter's label and title, and the contents' heading, stand where a right-to-left text starts: they stood
    at the left margin."""
    pages = read_pages(right_to_left_pdf)
    contents = next(page for page in pages if page.body[:1] == ["Contents"])
    chapter = next(page for page in pages if page.opens(*CHAPTERS[2]))
    document = pypdfium2.PdfDocument(str(right_to_left_pdf))
    try:
        for page, word in ((contents, "Contents"), (chapter, CHAPTERS[2][1]), (chapter, CHAPTERS[2][0])):
            text = document[page.number - 1].get_textpage()
            found = text.search(word, match_case=True).get_next()
            assert found is not None, word
            right = text.get_charbox(found[0] + found[1] - 1)[2]
            rightmost = max(text.get_charbox(index)[2] for index in range(text.count_chars()))
            assert right == pytest.approx(rightmost, abs=8), word  # at the margin, not 200 pt from it
    finally:
        document.close()


@pytest.mark.parametrize(("toc", "contents"), [("", True), ("toc: false\n", False)])
def test_a_book_has_its_contents_unless_it_says_not(toc: str, contents: bool, tmp_path: Path) -> None:
    """As Quarto's and bookdown's books have: a bookdown project printed none unless it said `toc: true`."""
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "book.yaml").write_text(f"title: Short\nauthor: A\nlang: en\n{toc}", encoding="utf-8")
    (folder / "1-one.md").write_text("# One\n\nText.\n", encoding="utf-8")
    (folder / "2-two.md").write_text("# Two\n\nText.\n", encoding="utf-8")
    pages = read_pages(build_pdf(folder, tmp_path / "out"))
    assert any(page.body[:1] == ["Contents"] for page in pages) == contents
