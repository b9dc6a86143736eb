"""The PDF as libraries and accessibility offices check it: fonts, glyphs, structure, notes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import ESSAY, MINIMAL, build
from tests.pdfcheck import destination_pages, fonts, is_embedded, links, notdef_glyphs_drawn
from tests.readback import pdf_pages

SHIPPED_FACES = ("Press-Serif", "Press-Korean", "Press-Sans")
PAGE_SIZES = {"a4": (595, 842), "letter": (612, 792)}


@pytest.fixture(
    scope="module",
    params=[(m, p, n) for m in ("essay", "minimal") for p in ("a4", "letter") for n in ("footnotes", "endnotes")],
    ids=lambda value: "-".join(value),
)
def variant(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    manuscript, paper, notes = request.param
    source = ESSAY if manuscript == "essay" else MINIMAL
    out = tmp_path_factory.mktemp(f"{manuscript}-{paper}-{notes}")
    run = build("pdf", "--manuscript", source, "--out", out, "--paper", paper, "--notes", notes, "-q")
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr
    return out / f"{source.stem}.pdf", paper, notes


def test_fonts_are_embedded_and_shipped(variant: tuple[Path, str, str]) -> None:
    path, _, _ = variant
    with pikepdf.open(path) as pdf:
        used = fonts(pdf)
        assert used
        for name, font in used.items():
            assert is_embedded(font), f"{name} is not embedded"
            assert name.split("+", 1)[-1].startswith(SHIPPED_FACES), f"{name} is not a font the project ships"


def test_no_missing_glyph_is_drawn(variant: tuple[Path, str, str]) -> None:
    path, _, _ = variant
    with pikepdf.open(path) as pdf:
        assert notdef_glyphs_drawn(pdf) == []


def test_paper_size(variant: tuple[Path, str, str]) -> None:
    path, paper, _ = variant
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            box = [float(value) for value in page.MediaBox]
            assert (round(box[2] - box[0]), round(box[3] - box[1])) == PAGE_SIZES[paper]


def test_every_link_resolves_and_notes_link_both_ways(variant: tuple[Path, str, str]) -> None:
    path, _, _ = variant
    with pikepdf.open(path) as pdf:
        targets = destination_pages(pdf)
        found = links(pdf)
    assert {link.destination for link in found} <= set(targets)
    note_links = [
        link for link in found if link.destination.startswith("fn") and not link.destination.startswith("fnref")
    ]
    back_links = [link for link in found if link.destination.startswith("fnref")]
    assert note_links and len({link.destination for link in note_links}) == len(
        {link.destination for link in back_links}
    )


def test_footnotes_sit_on_the_page_of_their_call(variant: tuple[Path, str, str]) -> None:
    path, _, notes = variant
    with pikepdf.open(path) as pdf:
        targets = destination_pages(pdf)
        calls = [
            link
            for link in links(pdf)
            if link.destination.startswith("fn") and not link.destination.startswith("fnref")
        ]
    misplaced = [
        (link.destination, link.page, targets[link.destination])
        for link in calls
        if targets[link.destination] != link.page
    ]
    if notes == "footnotes":
        assert misplaced == []
    else:
        assert misplaced, "endnotes are listed after the text, away from their calls"


def test_tagged_with_language_and_outline(variant: tuple[Path, str, str]) -> None:
    path, _, _ = variant
    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) in ("en-US", "en-GB")
        with pdf.open_outline() as outline:
            assert len(list(outline.root)) >= 1


def test_pdfua_checker_finds_nothing(variant: tuple[Path, str, str]) -> None:
    path, _, _ = variant
    completed = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(completed.stdout)
    findings = [finding for document in report.get("documents", [report]) for finding in document.get("findings", [])]
    assert findings == [], findings


def test_dates_come_from_source_date_epoch(essay_pdf_default: Path) -> None:
    with pikepdf.open(essay_pdf_default) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114221320")
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114221320")


def test_hangul_is_real_text(essay_pdf_default: Path) -> None:
    assert "한기범" in "".join(pdf_pages(essay_pdf_default))


@pytest.fixture
def essay_pdf_default(essay) -> Path:  # type: ignore[no-untyped-def]
    return essay.pdf


def test_missing_glyphs_are_reported_with_their_place(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "book.md").write_text(
        "---\ntitle: Glyphs\nauthor: A. Writer\nlang: en\n---\n\nPlain text.\n\nA snowman ☃ here.\n", encoding="utf-8"
    )
    run = build("pdf", "--manuscript", book / "book.md", "--out", tmp_path / "out", "-q", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "book/book.md:9:11: warning: no font of the print edition has '☃' (U+2603 SNOWMAN)" in run.stderr
