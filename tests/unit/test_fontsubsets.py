"""One font program per face for a book assembled from divisions laid out alone (press/fontsubsets.py), on
PDFs WeasyPrint writes with the house's fonts: a CFF face (Linux Libertine) and a TrueType one (Nanum)."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from PIL import ImageChops
from weasyprint import HTML

from press import STYLES_DIR, fontsubsets
from press.cache import BuildCache
from press.fontsubsets import FONT_FILES, merge_subsets, merged_program

FACES = {
    "serif": STYLES_DIR / "fonts" / "linux-libertine" / "LinLibertine_R.otf",
    "italic": STYLES_DIR / "fonts" / "linux-libertine" / "LinLibertine_RI.otf",
    "korean": STYLES_DIR / "fonts" / "nanum" / "NanumMyeongjo.ttf",
    "korean-bold": STYLES_DIR / "fonts" / "nanum" / "NanumMyeongjoBold.ttf",
}


def written(face: str, text: str) -> pikepdf.Pdf:
    style = f"@font-face {{ font-family: F; src: url({FACES[face].as_uri()}) }} body {{ font-family: F }}"
    page = f"<html><head><style>{style}</style></head><body><p>{text}</p></body></html>"
    return pikepdf.open(io.BytesIO(HTML(string=page).write_pdf()))


def programs(pdf: pikepdf.Pdf) -> list[bytes]:
    found = []
    for item in pdf.objects:
        if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == pikepdf.Name.FontDescriptor:
            found += [item[key].read_bytes() for key in FONT_FILES if key in item]
    return found


def drawings(program: bytes) -> dict[str, tuple[object, float]]:
    """Each glyph with an outline: its drawing and its advance."""
    font = TTFont(io.BytesIO(program))
    glyphs = font.getGlyphSet()
    found: dict[str, tuple[object, float]] = {}
    for name in font.getGlyphOrder():
        pen = RecordingPen()
        glyphs[name].draw(pen)
        if pen.value:
            found[name] = (pen.value, glyphs[name].width)
    return found


@pytest.mark.parametrize(("face", "texts"), [("serif", ("Lighthouse", "Fresnel’s lens")), ("korean", ("등대", "렌즈"))])
def test_the_union_draws_every_glyph_each_subset_draws_as_it_does(face: str, texts: tuple[str, str]) -> None:
    subsets = [programs(written(face, text))[0] for text in texts]
    union = merged_program(subsets)
    assert union is not None
    in_union = drawings(union)
    drawn = [drawings(subset) for subset in subsets]
    assert drawn[0].keys() != drawn[1].keys(), "the two subsets draw different glyphs"
    for subset in drawn:
        assert {name: in_union[name] for name in subset} == subset
    assert in_union.keys() == drawn[0].keys() | drawn[1].keys()


@pytest.mark.parametrize("faces", [("serif", "italic"), ("korean", "korean-bold")])
def test_subsets_of_different_fonts_are_not_merged(faces: tuple[str, str]) -> None:
    """Not by their glyph order (CFF), nor by the glyphs both draw (TrueType: the same indexes, other outlines)."""
    text = "Lamp 등대" if faces[0].startswith("korean") else "Lamp"
    assert merged_program([programs(written(face, text))[0] for face in faces]) is None


def test_the_pages_of_a_book_share_one_program_and_look_as_they_did() -> None:
    book, chapter = written("serif", "The keepers of the light"), written("serif", "Fresnel’s lens, 1822")
    book.pages.append(chapter.pages[0])
    before = [page.render(scale=2).to_pil() for page in pypdfium2.PdfDocument(io.BytesIO(_saved(book)))]
    assert len(programs(book)) == 2
    merge_subsets(book)
    assert len(set(programs(book))) == 1
    saved = _saved(book)
    after = [page.render(scale=2).to_pil() for page in pypdfium2.PdfDocument(io.BytesIO(saved))]
    assert all(ImageChops.difference(one, two).getbbox() is None for one, two in zip(before, after, strict=True))


def test_a_union_made_once_is_taken_from_the_cache_for_the_same_subsets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chapters = []  # kept open: a page appended from another PDF reads its fonts from there

    def book(first: str) -> pikepdf.Pdf:
        pdf, chapter = written("serif", first), written("serif", "Fresnel’s lens, 1822")
        chapters.append(chapter)
        pdf.pages.append(chapter.pages[0])
        assert len(set(programs(pdf))) == 2
        return pdf

    cache = BuildCache(tmp_path)
    made = book("The keepers of the light")
    subsets = programs(made)
    merge_subsets(made, cache)
    merged = programs(made)[0]
    assert set(programs(made)) == {merged} and merged == merged_program(subsets)

    def not_again(programs: list[bytes]) -> bytes | None:
        raise AssertionError("merged again")

    monkeypatch.setattr(fontsubsets, "merged_program", not_again)
    again = book("The keepers of the light")
    merge_subsets(again, cache)
    assert set(programs(again)) == {merged}
    with pytest.raises(AssertionError, match="merged again"):  # other subsets: a union of their own
        merge_subsets(book("Another chapter"), cache)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
