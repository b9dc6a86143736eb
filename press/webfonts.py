"""Fonts inside a self-contained web page: the shipped fonts, cut to the characters
the page sets, compressed as WOFF2 and written into @font-face rules as data: URLs.

A subset is a modified font, so it carries its own family name (the SIL Open Font
Licence reserves the original names) and keeps the copyright and licence records.
Subsets are cut by HarfBuzz's subsetter (a hundredth of the time fontTools' takes on
the text face's CFF outlines, and what a large CJK face needs), or by fontTools' for a
face with what HarfBuzz's drops; fontTools renames them and writes the WOFF2. Subsets
are cached by their inputs, so an unchanged page costs no second cut.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import uharfbuzz
from fontTools import subset
from fontTools.ttLib import TTFont

from . import STYLES_DIR, scripts
from .cache import BuildCache, digest
from .errors import Location, PressError
from .fonts import font_face

#: Name records a subset keeps from its original: copyright, trademark, maker,
#: designer, description, their addresses, licence and licence address.
KEPT_NAME_IDS = (0, 7, 8, 9, 10, 11, 12, 13, 14)
#: OpenType features the stylesheets use, on top of HarfBuzz's defaults
#: (kerning, ligatures, marks and the like).
EXTRA_FEATURES = ("smcp", "c2sc", "onum", "lnum", "pnum", "tnum", "ssty", "dtls", "flac")
#: Name records that name the face (family, style, unique, full and PostScript names,
#: typographic family and style): a subset gives its own in place of the original's.
RENAMED_NAME_IDS = (1, 2, 3, 4, 6, 16, 17)
#: Tables no web face needs: FontForge's timestamp.
DROPPED_TABLES = ("FFTM",)
SPACES = frozenset((0x20, 0xA0))
#: Bumped whenever the way subsets are made changes, to retire cached ones.
SUBSET_RECIPE = "5"


@dataclass(frozen=True)
class Face:
    """One @font-face rule: a font file (`name` is its typeface) under a CSS family
    name, for a style and weight.

    `ranges` limits the face to some blocks of Unicode (for instance Hangul): it
    is left out when the page sets none of their characters.
    """

    family: str
    name: str
    source: Path
    style: str = "normal"
    weight: int = 400
    ranges: tuple[tuple[int, int], ...] = ()

    def wanted(self, code_points: Iterable[int]) -> set[int]:
        if not self.ranges:
            return set(code_points)
        declared = scripts.CodePointRanges(self.ranges)
        return {point for point in code_points if point in declared}

    @property
    def unicode_range(self) -> str:
        return ", ".join(f"U+{low:04X}-{high:04X}" for low, high in self.ranges)


def used_faces(faces: Iterable[Face], text: str) -> list[Face]:
    """The faces that would set some character of the text."""
    code_points = _code_points(text)
    return [face for face in faces if face.wanted(code_points)]


def font_face_rules(faces: Iterable[Face], text: str, cache: BuildCache) -> str:
    """@font-face rules for the faces that set some character of the text."""
    code_points = _code_points(text)
    rules = []
    for face in faces:
        wanted = face.wanted(code_points)
        if not wanted:
            continue
        woff2 = subset_woff2(face, wanted, cache)
        descriptors = [
            f'font-family: "{face.family}"',
            f"font-style: {face.style}",
            f"font-weight: {face.weight}",
            "font-display: swap",
            f'src: url("data:font/woff2;base64,{base64.b64encode(woff2).decode("ascii")}") format("woff2")',
        ]
        if face.ranges:
            descriptors.append(f"unicode-range: {face.unicode_range}")
        rules.append("@font-face {\n  " + ";\n  ".join(descriptors) + ";\n}")
    return "\n".join(rules)


@dataclass(frozen=True)
class FontFile:
    """A subset font stored beside the documents (in an EPUB), at `href` in the package."""

    href: str
    data: bytes


def font_files(
    faces: Iterable[Face], text: str, cache: BuildCache, folder: str, base_url: str
) -> tuple[list[FontFile], str]:
    """The faces that set some character of the text as WOFF2 files in `folder`, and
    @font-face rules naming them by `base_url` (the folder as the stylesheet reaches it)."""
    code_points = _code_points(text)
    files: list[FontFile] = []
    rules = []
    for face in faces:
        wanted = face.wanted(code_points)
        if not wanted - SPACES:
            continue
        name = f"{face.family.lower().replace(' ', '-')}-{len(files) + 1}.woff2"
        files.append(FontFile(f"{folder}/{name}", subset_woff2(face, wanted, cache)))
        descriptors = [
            f'font-family: "{face.family}"',
            f"font-style: {face.style}",
            f"font-weight: {face.weight}",
            f'src: url("{base_url}{name}") format("woff2")',
        ]
        if face.ranges:
            descriptors.append(f"unicode-range: {face.unicode_range}")
        rules.append("@font-face {\n  " + ";\n  ".join(descriptors) + ";\n}")
    return files, "\n".join(rules)


def _code_points(text: str) -> set[int]:
    """The characters a text sets: the word space and no-break space included, which the
    text face must draw (or another font's spaces would set the lines)."""
    return {ord(character) for character in text if not character.isspace()} | SPACES


def subset_woff2(face: Face, code_points: set[int], cache: BuildCache) -> bytes:
    """The face cut to the given characters as WOFF2, from the cache when made before."""
    original = face.source.read_bytes()
    recipe = f"{SUBSET_RECIPE}\0{face.family}\0{face.style}\0{face.weight}"
    name = f"font-{digest(original, recipe, ','.join(map(str, sorted(code_points))))}.woff2"
    stored = cache.read(name)
    if stored is not None:
        return stored
    woff2 = _cut(face, code_points)
    cache.write(name, woff2)
    return woff2


def _cut(face: Face, code_points: set[int]) -> bytes:
    original = font_face(face.source)
    tables = set(original.table_tags)
    # HarfBuzz's subsetter drops what an author's font may draw with: kerning in the old `kern` table alone
    # (not beside GPOS, which browsers read instead), colour glyphs as SVG. fontTools' keeps them, a hundred
    # times slower.
    if "SVG " in tables or ("kern" in tables and "GPOS" not in tables):
        font = _cut_by_fonttools(face, code_points)
    else:
        wanted = uharfbuzz.SubsetInput()
        wanted.unicode_set.update(code_points)
        wanted.layout_feature_tag_set.update(_tag(feature) for feature in EXTRA_FEATURES)
        wanted.drop_table_tag_set.update(_tag(table) for table in DROPPED_TABLES)
        wanted.name_id_set.update(KEPT_NAME_IDS)
        wanted.name_lang_id_set.add_range(0, 0xFFFF)  # every language's records (an inverted set keeps none)
        wanted.flags = uharfbuzz.SubsetFlags.NO_HINTING
        try:
            cut = uharfbuzz.subset(original, wanted)
        except RuntimeError:  # HarfBuzz says no more than that
            raise PressError(
                "HarfBuzz could not cut this font for the web; is it a font file?", Location(face.source)
            ) from None
        # HarfBuzz has set the bounding boxes; recomputing them for the renamed CFF font (fontTools draws
        # every outline in Python to do so) took a third of a second a face.
        font = TTFont(io.BytesIO(cut.blob.data), recalcTimestamp=False, recalcBBoxes=False)
    _rename(font, face)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cut_by_fonttools(face: Face, code_points: set[int]) -> TTFont:
    """The face cut by fontTools' subsetter, which keeps what HarfBuzz's drops (see `_cut`)."""
    options = subset.Options()
    options.layout_features = [*options.layout_features, *EXTRA_FEATURES]
    options.drop_tables = [*options.drop_tables, *DROPPED_TABLES]
    options.name_IDs = list(KEPT_NAME_IDS)
    options.name_languages = ["*"]
    options.hinting = False
    font = TTFont(face.source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)
    return font


def _tag(name: str) -> int:
    """An OpenType tag as HarfBuzz's sets hold it: four characters, space-padded, as one number."""
    return int.from_bytes(name.encode("ascii").ljust(4), "big")


def _rename(font: TTFont, face: Face) -> None:
    """Give the subset the CSS family name instead of the original's reserved name."""
    style = " ".join(
        word for word in ("Bold" if face.weight >= 600 else "", "Italic" if face.style == "italic" else "") if word
    )
    postscript = f"{face.family.replace(' ', '')}-{style.replace(' ', '') or 'Regular'}"
    names = font["name"]
    for name_id in RENAMED_NAME_IDS:  # in every language: a Korean face names itself in Korean too
        names.removeNames(nameID=name_id)
    for name_id, value in (
        (1, face.family),
        (2, style or "Regular"),
        (3, f"{postscript} subset"),
        (4, f"{face.family} {style}".strip()),
        (6, postscript),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        cff.fontNames = [postscript]
        top.FullName = f"{face.family} {style}".strip()
        top.FamilyName = face.family


#: The text face's Hangul (Nanum Myeongjo), which editions that carry their fonts embed with the catalogue's.
HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF))
KOREAN_FACE = Face(
    "Press Korean", "Nanum Myeongjo", STYLES_DIR / "fonts" / "nanum" / "NanumMyeongjo.ttf", ranges=HANGUL
)


def embedded_faces(selection: scripts.Selection, fonts: tuple[Path, ...]) -> list[Face]:
    """The faces an edition that carries its fonts (web page, EPUB) embeds for the other
    scripts: the author's fonts, then the selected slices, each cut to its own characters."""
    faces = [Face(family, path.stem, path) for family, path in zip(scripts.author_families(fonts), fonts, strict=True)]
    for item, points in selection.slices:
        faces.append(Face(item.typeface.family, item.typeface.name, item.source, ranges=tuple(scripts.runs(points))))
    return faces
