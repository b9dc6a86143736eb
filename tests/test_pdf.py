"""The PDF as libraries and accessibility offices check it: fonts, glyphs, structure, notes.

Every check runs on the essay and the minimal fixture, on A4 and US Letter, with
footnotes and with endnotes.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from press.validate import destination_pages, pdf_links, pdf_structure, pdfua
from tests.conftest import ESSAY, MINIMAL, Editions, build
from tests.readback import pdf_pages

PAGE_SIZES = {"a4": (595, 842), "letter": (612, 792)}
VARIANTS = [
    (book, paper, notes) for book in ("essay", "minimal") for paper in PAGE_SIZES for notes in ("footnotes", "endnotes")
]


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda value: "-".join(value))
def variant(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    book, paper, notes = request.param
    source = ESSAY if book == "essay" else MINIMAL
    out = tmp_path_factory.mktemp(f"{book}-{paper}-{notes}")
    run = build("pdf", "--manuscript", source, "--out", out, "--paper", paper, "--notes", notes, "-q")
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", "the build should give no warning"
    return out / f"{source.stem}.pdf", paper, notes


def test_structure_fonts_glyphs_tags_links(variant: tuple[Path, str, str]) -> None:
    """Fonts embedded and shipped, no .notdef drawn, tagged, language, outline, links resolving."""
    check = pdf_structure(variant[0])
    assert (check.errors, check.warnings) == ([], [])


def test_pdfua_checker_finds_nothing(variant: tuple[Path, str, str]) -> None:
    check = pdfua(variant[0])
    assert (check.errors, check.warnings) == ([], [])


def test_paper_size(variant: tuple[Path, str, str]) -> None:
    path, paper, _ = variant
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            box = [float(value) for value in page.MediaBox]
            assert (round(box[2] - box[0]), round(box[3] - box[1])) == PAGE_SIZES[paper]


def note_calls(links: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(page, name) for page, name in links if name.startswith("fn") and not name.startswith("fnref")]


def test_notes_and_calls_link_both_ways(variant: tuple[Path, str, str]) -> None:
    with pikepdf.open(variant[0]) as pdf:
        links = pdf_links(pdf)
    calls = {name for _, name in note_calls(links)}
    back_links = {name for _, name in links if name.startswith("fnref")}
    assert calls
    assert {"fnref" + name.removeprefix("fn") for name in calls} == back_links


def test_footnotes_sit_on_the_page_of_their_call(variant: tuple[Path, str, str]) -> None:
    path, _, notes = variant
    with pikepdf.open(path) as pdf:
        targets = destination_pages(pdf)
        calls = note_calls(pdf_links(pdf))
    away = [(name, page, targets[name]) for page, name in calls if targets[name] != page]
    if notes == "footnotes":
        assert away == []
    else:
        assert away, "endnotes are listed after the text, away from their calls"


def test_metadata_dates_come_from_source_date_epoch(essay: Editions) -> None:
    with pikepdf.open(essay.pdf) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114221320")
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114221320")


def test_hangul_is_real_text(essay: Editions) -> None:
    assert "한기범" in "".join(pdf_pages(essay.pdf))


def test_missing_glyphs_are_reported_with_their_place(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "book.md").write_text(
        "---\ntitle: Glyphs\nauthor: A. Writer\nlang: en\nallow-missing-glyphs: true\n---\n\n"
        "Plain text.\n\nA syllable 𐀀 here.\n",
        encoding="utf-8",
    )
    run = build("pdf", "--manuscript", book / "book.md", "--out", tmp_path / "out", "-q", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (
        "book/book.md:10:12: warning: no font of the print edition has '𐀀' (U+10000 LINEAR B SYLLABLE B008 A)"
        in run.stderr
    )


def test_a_loose_lists_items_and_a_definitions_first_paragraph_start_at_their_marker(tmp_path: Path) -> None:
    """Each item of a loose list is a paragraph: it took the body's first-line indent, leaving a gap after its
    bullet that a tight list's item has not."""
    manuscript = tmp_path / "lists.md"
    manuscript.write_text(
        "---\ntitle: Lists\nauthor: A\nlang: en\n---\n\nText.\n\n- Tight\n- Items\n\nText.\n\n- Loose\n\n- Items\n\n"
        "Term\n\n:   Defined here.\n\nOther\n: Tightly defined.\n",
        encoding="utf-8",
    )
    run = build("pdf", "--manuscript", manuscript, "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    document = pypdfium2.PdfDocument(str(tmp_path / "out" / "lists.pdf"))
    try:
        text = document[0].get_textpage()

        def left(word: str) -> float:
            found = text.search(word, match_case=True, match_whole_word=True).get_next()
            assert found is not None, word
            return float(text.get_charbox(found[0])[0])

        assert left("Loose") == pytest.approx(left("Tight"), abs=0.5)
        assert left("Defined") == pytest.approx(left("Tightly"), abs=0.5)
    finally:
        document.close()


def test_a_displayed_formula_in_a_footnote_is_set_in_the_note_on_its_calls_page(tmp_path: Path) -> None:
    filler = "\n\n".join(f"Paragraph {number} of the text before the note, " * 12 for number in range(14))
    (tmp_path / "note.md").write_text(
        f"---\ntitle: A formula in a note\nauthor: A. Writer\nlang: en\n---\n\n{filler}\n\n"
        "We will approximate.[^se]\n\n"
        "[^se]: Standard error will be approximated\n\n    $$\n    SE = \\sqrt{\\frac{p(1-p)}{n}}\n    $$\n",
        encoding="utf-8",
    )
    run = build("pdf", "--manuscript", tmp_path / "note.md", "--out", tmp_path / "out", "-q", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    with pikepdf.open(tmp_path / "out" / "note.pdf") as pdf:
        page_numbers: dict[tuple[int, int], int] = {
            page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)
        }
        notes = destination_pages(pdf)
        calls = note_calls(pdf_links(pdf))
        formula_pages = [
            page_numbers[node.Pg.objgen]
            for node in structure_elements(pdf.Root.StructTreeRoot)
            if node.get("/S") == "/Figure" and str(node.get("/Alt")) == "SE = \\sqrt{\\frac{p(1-p)}{n}}"
        ]
    # WeasyPrint may draw a call's link in more than one piece, each an annotation.
    [(call_page, note)] = set(calls)
    assert call_page > 1, "the call should be past the first page"
    assert formula_pages == [call_page] and notes[note] == call_page


def structure_elements(root: object) -> list[pikepdf.Dictionary]:
    """Every element of a tagged PDF's structure tree."""
    found = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            found.append(node)
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
    return found


def test_images_without_alternative_text_are_tagged_as_the_reader_needs(tmp_path: Path) -> None:
    """A figure's image described by its caption, an image with neither drawn as an artifact: one warning,
    ours with its place, none of WeasyPrint's without one, and nothing for PDF/UA to refuse."""
    book = tmp_path / "book"
    (book / "images").mkdir(parents=True)
    (book / "images" / "square.png").write_bytes((MINIMAL.parent / "images" / "square.png").read_bytes())
    (book / "book.md").write_text(
        "---\ntitle: Squares\nauthor: A. Writer\nlang: en\n---\n\nText.\n\n![](images/square.png)\n\n"
        "::: {#fig-square}\n![](images/square.png)\n\nA grey square.\n:::\n",
        encoding="utf-8",
    )
    run = build("pdf", "--manuscript", book / "book.md", "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and warnings[0].startswith(
        "book/book.md:9:5: warning: image 'images/square.png' has no alternative text"
    )
    pdf = tmp_path / "out" / "book.pdf"
    alternatives = []
    with pikepdf.open(pdf) as document:
        stack = [document.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if node.get("/S") == "/Figure":
                alternatives.append(str(node.get("/Alt")))
            kids = node.get("/K")
            stack += (
                [kid for kid in kids if isinstance(kid, pikepdf.Dictionary)] if isinstance(kids, pikepdf.Array) else []
            )
            stack += [kids] if isinstance(kids, pikepdf.Dictionary) else []
    assert alternatives == ["A grey square."]
    check = pdfua(pdf)
    assert (check.errors, check.warnings) == ([], [])
