"""The patch to WeasyPrint's text drawing: what a PDF reader reads back is the text that was set.

Each case sets one short paragraph with a script's font from the catalogue and
reads the PDF back, with WeasyPrint's own `draw_first_line` and with the
patched one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import weasyprint
from weasyprint.draw import text as weasyprint_text

from press.errors import PressError
from press.patches import textmap
from press.printlayout import ShippedFonts
from press.scripts import FONTSOURCE

ARABIC_FONT = FONTSOURCE / "noto-naskh-arabic/files/noto-naskh-arabic-arabic-400-normal.woff2"
THAI_FONT = FONTSOURCE / "noto-serif-thai/files/noto-serif-thai-thai-400-normal.woff2"
#: SARA AM, drawn as NIKHAHIT and SARA AA; the second SARA AA glyph is also the one of "า".
THAI = "ภาษาไทยเขียนคำว่าน้ำ"
#: Dotted letters, drawn as a skeleton shared with other letters and dots shared with other letters.
ARABIC = "مفتوح على"
#: The same, and words whose last letter (the leftmost of the word) is drawn in an ActualText sequence.
ARABIC_SENTENCE = "الكتاب مفتوح على الطاولة"


@pytest.fixture(scope="module")
def patched_draw_first_line() -> object:
    textmap.apply()
    return weasyprint_text.draw_first_line


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch, patched_draw_first_line: object) -> Iterator[None]:
    """WeasyPrint's own draw_first_line, for the length of one test."""
    monkeypatch.setattr(weasyprint_text, "draw_first_line", textmap.UPSTREAM_DRAW_FIRST_LINE)
    yield


def _pdf(text: str, lang: str, font: Path) -> bytes:
    direction = "rtl" if lang == "ar" else "ltr"
    html = (
        f'<html lang="{lang}"><style>@font-face {{ font-family: Script; src: url({font.as_uri()}) }}'
        f" body {{ font-family: Script; font-size: 14pt }}</style>"
        f'<p dir="{direction}">{text}</p></html>'
    )
    fonts = ShippedFonts()
    rendered = weasyprint.HTML(string=html).write_pdf(font_config=fonts, pdf_variant="pdf/ua-1")
    assert isinstance(rendered, bytes)
    return rendered


def _pdfium_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _origins(pdf: bytes) -> list[float]:
    """Where pdfium puts each character on the line, in points from the left."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        textpage = document[0].get_textpage()
        return [textpage.get_charbox(index)[0] for index in range(textpage.count_chars())]
    finally:
        document.close()


def _texts_in_drawing_order(pdf: bytes) -> list[str]:
    """The text of each glyph, or of each ActualText sequence, in the order the page draws them:
    what a reader that follows ISO 32000-1 (9.10 and 14.9.4) gets before putting the line in order."""
    texts: list[str] = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        maps = {str(name): _to_unicode(font) for name, font in page.Resources.Font.items()}
        font: dict[int, str] = {}
        replaced: list[bool] = []  # for each open marked-content sequence: does it give an ActualText?
        for instruction in pikepdf.parse_content_stream(page):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue
            operator, operands = str(instruction.operator), instruction.operands
            if operator == "Tf":
                font = maps[str(operands[0])]
            elif operator in ("BDC", "BMC"):
                properties = operands[1] if operator == "BDC" else pikepdf.Dictionary()
                actual_text = properties.get("/ActualText") if isinstance(properties, pikepdf.Dictionary) else None
                if actual_text is not None and not any(replaced):
                    texts.append(str(actual_text))
                replaced.append(actual_text is not None)
            elif operator == "EMC":
                replaced.pop()
            elif operator == "TJ" and not any(replaced):
                for item in operands[0]:
                    if isinstance(item, pikepdf.String):
                        codes = bytes(item)
                        texts += [font[int.from_bytes(codes[i : i + 2], "big")] for i in range(0, len(codes), 2)]
    return texts


def _to_unicode(font: pikepdf.Object) -> dict[int, str]:
    entries: dict[int, str] = {}
    for line in font.ToUnicode.read_bytes().decode("ascii").splitlines():
        parts = line.split()
        if len(parts) == 2 and all(part.startswith("<") and part.endswith(">") for part in parts):
            code, text = (part[1:-1] for part in parts)
            if len(code) == 4 and code != "0000":
                entries[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    return entries


@pytest.mark.usefixtures("upstream")
def test_weasyprint_reads_back_other_letters_than_it_drew() -> None:
    """What the patch mends: without it, shaped clusters read back wrong."""
    assert _pdfium_text(_pdf(THAI, "th", THAI_FONT)) != THAI
    assert _pdfium_text(_pdf(ARABIC, "ar", ARABIC_FONT)) != ARABIC


@pytest.mark.usefixtures("patched_draw_first_line")
def test_thai_reads_back_as_written() -> None:
    assert _pdfium_text(_pdf(THAI, "th", THAI_FONT)) == THAI


@pytest.mark.usefixtures("patched_draw_first_line")
def test_arabic_reads_back_as_written_on_one_line() -> None:
    """The dots raised above their letters are drawn after the letter: read first, they would
    start a line of their own for pdfium."""
    assert _pdfium_text(_pdf(ARABIC, "ar", ARABIC_FONT)) == ARABIC


def test_the_text_stays_where_weasyprint_set_it(
    monkeypatch: pytest.MonkeyPatch, patched_draw_first_line: object
) -> None:
    """Cut into several text-showing operators around each ActualText sequence, the line keeps
    every glyph's place (pdfium drops the last kerning of an operator holding an empty string)."""
    text = "ภาษาไทยเขียนคำว่าน้ำ ที่นั่น"
    after_the_last_sequence = len(" ที่นั่น")
    patched = _origins(_pdf(text, "th", THAI_FONT))[-after_the_last_sequence:]
    monkeypatch.setattr(weasyprint_text, "draw_first_line", textmap.UPSTREAM_DRAW_FIRST_LINE)
    upstream = _origins(_pdf(text, "th", THAI_FONT))[-after_the_last_sequence:]
    assert max(abs(left - right) for left, right in zip(patched, upstream, strict=True)) < 0.05


@pytest.mark.usefixtures("patched_draw_first_line")
def test_every_cluster_gives_its_own_text() -> None:
    """The right-to-left line, drawn from left to right, is its text cluster by cluster, backwards."""
    pdf = _pdf(ARABIC_SENTENCE, "ar", ARABIC_FONT)
    assert "".join(reversed(_texts_in_drawing_order(pdf))) == ARABIC_SENTENCE
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for font in document.pages[0].Resources.Font.values():
            assert "" not in _to_unicode(font).values()


def test_another_weasyprint_is_refused() -> None:
    with pytest.raises(PressError, match=r"WeasyPrint 71\.0 is installed.*written for WeasyPrint 70\.0 only"):
        textmap.check_version("71.0")


def test_a_changed_draw_first_line_is_refused() -> None:
    with pytest.raises(PressError, match=re.escape("""finds "string += '<'" 0 times, not once""")):
        textmap.patched_source("def draw_first_line(stream, textbox):\n    pass\n")
