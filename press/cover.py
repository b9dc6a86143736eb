"""A cover image for reading systems' libraries, drawn from the title, the author and the lead illustration.

The cover is drawn with Pillow in the fonts the toolchain ships (Linux
Libertine and Biolinum, Nanum Myeongjo for Hangul and whatever else Libertine
lacks), so every machine draws the same picture. It carries no credit line: the
illustration's credit stays in the book, in the colophon. The same document
gives the same bytes: nothing in the file depends on the clock or the machine's
fonts, and text is laid out without the optional complex-text engine.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import STYLES_DIR, scripts
from .document import SVG_MEDIA_TYPE, Document
from .labels import join_names, labels_for

WIDTH, HEIGHT = 1600, 2400
MARGIN = 150
PAPER = (243, 238, 228)
INK = (30, 28, 26)
RULE = (138, 42, 30)
MEDIA_TYPE = "image/jpeg"
JPEG_QUALITY = 88
FONTS_DIR = STYLES_DIR / "fonts"
TITLE_FONT = FONTS_DIR / "linux-libertine" / "LinLibertine_R.otf"
SUBTITLE_FONT = FONTS_DIR / "linux-libertine" / "LinLibertine_RI.otf"
AUTHOR_FONT = FONTS_DIR / "linux-libertine" / "LinBiolinum_R.otf"
FALLBACK_FONT = FONTS_DIR / "nanum" / "NanumMyeongjo.ttf"
FONTS = (TITLE_FONT, SUBTITLE_FONT, AUTHOR_FONT, FALLBACK_FONT)
TITLE_SIZES = range(150, 70, -6)
MAX_TITLE_LINES = 4
AUTHOR_SIZE = 66
LINE_SPACING = 1.18
MINIMUM_PICTURE = 400
BASELINE = 0.9


@dataclass(frozen=True)
class Cover:
    """The cover image's bytes, what they are, and what they show in words."""

    data: bytes
    media_type: str
    width: int
    height: int
    alt: str
    illustrated: bool


@dataclass(frozen=True)
class Line:
    """A line of text set in one style, measured."""

    text: str
    size: int
    font: Path
    width: float


def make_cover(document: Document) -> Cover:
    """Draw the cover: title, subtitle, a short rule and the authors, above the lead illustration."""
    metadata = document.metadata
    canvas = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(canvas)
    measure = WIDTH - 2 * MARGIN

    title_lines = _title_lines(metadata.title, measure)
    blocks: list[tuple[list[Line], int]] = [(title_lines, 0)]
    if metadata.subtitle:
        blocks.append((_even(metadata.subtitle, SUBTITLE_FONT, round(title_lines[0].size * 0.45), measure), 40))
    authors = _even(join_names(metadata.authors, metadata.lang), AUTHOR_FONT, AUTHOR_SIZE, measure)
    rule_gap = 70
    text_height = sum(_height(lines) + gap for lines, gap in blocks) + 2 * rule_gap + _height(authors)

    illustration = _illustration(document)
    top = (HEIGHT - text_height) * 2 // 5 if illustration is None else MARGIN
    y = top
    for lines, gap in blocks:
        y = _draw_lines(draw, lines, y + gap)
    y += rule_gap
    draw.rectangle((WIDTH // 2 - 120, y - 2, WIDTH // 2 + 120, y + 1), fill=RULE)
    y = _draw_lines(draw, authors, y + rule_gap)

    area_top = y + 110
    box = (measure, HEIGHT - MARGIN - area_top)
    illustrated = illustration is not None and box[1] >= MINIMUM_PICTURE
    if illustration is not None and illustrated:
        picture = ImageOps.contain(illustration, box, Image.Resampling.LANCZOS)
        canvas.paste(picture, ((WIDTH - picture.width) // 2, area_top + (box[1] - picture.height) // 2))

    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
    alt = cover_description(document, illustrated)
    return Cover(buffer.getvalue(), MEDIA_TYPE, WIDTH, HEIGHT, alt, illustrated)


def cover_description(document: Document, illustrated: bool) -> str:
    """The cover in words, for its alternative text."""
    metadata = document.metadata
    title = f"{metadata.title}: {metadata.subtitle}" if metadata.subtitle else metadata.title
    words = labels_for(metadata.lang)
    label = "cover_of" if metadata.authors else "cover_of_anonymous"
    description = words[label].format(title=title, authors=join_names(metadata.authors, metadata.lang))
    if illustrated and metadata.illustration is not None:
        return f"{description}{words['comma']}{words['with_illustration']}{words['colon']}{metadata.illustration.alt}"
    return description + words["full_stop"].strip()


def _illustration(document: Document) -> Image.Image | None:
    if document.lead_image is None or not _can_draw(document):
        return None
    with Image.open(document.lead_image.source) as opened:
        image = ImageOps.exif_transpose(opened)
        if image.mode in ("RGBA", "LA", "PA", "P") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, PAPER)
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return image.convert("RGB")


def _can_draw(document: Document) -> bool:
    """Pillow draws bitmaps; an SVG lead illustration stays out of the cover."""
    return document.lead_image is not None and document.lead_image.media_type != SVG_MEDIA_TYPE


def _title_lines(title: str, measure: int) -> list[Line]:
    """The title at the largest size that fits in a few lines."""
    for size in TITLE_SIZES:
        lines = _wrap(title, TITLE_FONT, size, measure)
        if len(lines) <= MAX_TITLE_LINES and all(line.width <= measure for line in lines):
            return _even(title, TITLE_FONT, size, measure)
    return _wrap(title, TITLE_FONT, TITLE_SIZES[-1], measure)


def _even(text: str, font: Path, size: int, measure: int) -> list[Line]:
    """As few lines as the measure allows, at the narrowest measure that still allows that
    many, so that the lines are of even length rather than one long line and a short last word."""
    count = len(_wrap(text, font, size, measure))
    narrow, wide = measure // 3, measure
    while wide - narrow > 4:
        middle = (narrow + wide) // 2
        if len(_wrap(text, font, size, middle)) <= count:
            wide = middle
        else:
            narrow = middle
    return _wrap(text, font, size, wide)


def _wrap(text: str, font: Path, size: int, measure: int) -> list[Line]:
    """Break text into lines no wider than the measure, between words (or between characters
    for a word too long for a line, as in scripts written without spaces)."""
    lines: list[Line] = []
    current = ""
    for piece, joined in _pieces(text, font, size, measure):
        candidate = current + piece if joined or not current else f"{current} {piece}"
        if current and _width(candidate, font, size) > measure:
            lines.append(Line(current, size, font, _width(current, font, size)))
            current = piece
        else:
            current = candidate
    if current:
        lines.append(Line(current, size, font, _width(current, font, size)))
    return lines


def _pieces(text: str, font: Path, size: int, measure: int) -> Iterator[tuple[str, bool]]:
    """Words, each with whether it joins the previous piece without a space: a word wider
    than the measure comes character by character."""
    for word in text.split():
        if _width(word, font, size) <= measure:
            yield word, False
        else:
            yield from ((character, index > 0) for index, character in enumerate(word))


def _height(lines: list[Line]) -> int:
    return sum(round(line.size * LINE_SPACING) for line in lines)


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[Line], top: int) -> int:
    """Draw centred lines from `top`; return the y below the last line."""
    y = top
    for line in lines:
        baseline = y + round(line.size * BASELINE)
        x = (WIDTH - line.width) / 2
        for run, path in _runs(line.text, line.font):
            face = _face(path, line.size)
            draw.text((x, baseline), run, font=face, fill=INK, anchor="ls")
            x += face.getlength(run)
        y += round(line.size * LINE_SPACING)
    return y


def _width(text: str, font: Path, size: int) -> float:
    return sum(_face(path, size).getlength(run) for run, path in _runs(text, font))


def _runs(text: str, font: Path) -> list[tuple[str, Path]]:
    """The text cut into runs, each set in the first font that has its characters."""
    runs: list[tuple[str, Path]] = []
    for character in text:
        path = font
        if not character.isspace() and ord(character) not in scripts.character_map(font):
            path = _fallback(ord(character)) or font
        if runs and (runs[-1][1] == path or character.isspace()):
            runs[-1] = (runs[-1][0] + character, runs[-1][1])
        else:
            runs.append((character, path))
    return runs


def _fallback(point: int) -> Path | None:
    """The font for a character the text face lacks: Nanum Myeongjo, else the catalogue's
    face for its script (press.scripts, in its default order)."""
    if point in scripts.character_map(FALLBACK_FONT):
        return FALLBACK_FONT
    found = next((item for typeface in scripts.TYPEFACES if (item := scripts.slice_for(typeface, point))), None)
    return found.source if found is not None else None


@cache
def _face(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
