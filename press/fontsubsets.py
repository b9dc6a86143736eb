"""One font program for each face of a book assembled from divisions laid out alone.

Each division's PDF embeds its own subset of every face it uses (press.splitlayout),
so a book of twenty chapters carries twenty copies of its text face, most of their
glyphs the same. WeasyPrint subsets keeping each glyph's index in the full font
(HarfBuzz's or fontTools' retain-gids, desubroutinised): the subsets of one face
differ only in which of those glyphs have outlines. Their union, every glyph that
any subset draws, serves every font dictionary of the face: the glyph indexes their
text shows, their widths (the dictionaries' /W) and their ToUnicode stay theirs.
WeasyPrint names a face's subsets alike in every division (its tag, "BSUDKN+", is a
digest of the face's description: family, style, weight, variations), and only
subsets of one name are merged.

Subsets that are not so alike (other glyph orders, other CFF private dictionaries,
CID-keyed CFF) are left as they are.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from itertools import pairwise

import pikepdf
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

FONT_FILES = ("/FontFile2", "/FontFile3")
#: A glyph the subset leaves out keeps its index with an empty program: CFF's lone endchar.
EMPTY_CHARSTRING = b"\x0e"


def merge_subsets(pdf: pikepdf.Pdf) -> None:
    """Give the font descriptors of each face one font program: the union of their subsets."""
    groups: dict[tuple[str, str], list[pikepdf.Dictionary]] = {}
    for descriptor in _font_descriptors(pdf):
        key = next(key for key in FONT_FILES if key in descriptor)
        groups.setdefault((str(descriptor.get("/FontName", "")), key), []).append(descriptor)
    for (_, key), descriptors in groups.items():
        streams = list({descriptor[key].objgen: descriptor[key] for descriptor in descriptors}.values())
        if len(streams) < 2:
            continue
        union = merged_program([stream.read_bytes() for stream in streams])
        if union is None:
            continue
        shared = pikepdf.Stream(pdf, union)
        if "/Subtype" in streams[0]:  # /OpenType for a CFF font program
            shared.Subtype = streams[0].Subtype
        if key == "/FontFile2":
            shared.Length1 = len(union)
        shared = pdf.make_indirect(shared)
        for descriptor in descriptors:
            descriptor[key] = shared


def merged_program(programs: Sequence[bytes]) -> bytes | None:
    """One font program drawing every glyph any of the subsets draws, or None when they are not subsets of one
    font kept at their full font's glyph indexes."""
    fonts = [TTFont(io.BytesIO(program)) for program in programs]
    base = max(fonts, key=lambda font: len(font.getGlyphOrder()))
    if "CFF " in base:
        # Its glyphs are named in the font (a TrueType subset's names are made up from its own cmap).
        order = base.getGlyphOrder()
        if any(font.getGlyphOrder() != order[: len(font.getGlyphOrder())] for font in fonts):
            return None
        if not _merge_cff(base, fonts):
            return None
    elif "glyf" in base:
        _merge_glyf(base, fonts)
    else:
        return None
    _merge_cmaps(base, fonts)
    written = io.BytesIO()
    base.save(written)
    return written.getvalue()


def _merge_cff(base: TTFont, fonts: Sequence[TTFont]) -> bool:
    top = base["CFF "].cff.topDictIndex[0]
    if hasattr(top, "ROS"):  # CID-keyed: each glyph's private dictionary is its font dictionary's
        return False
    drawn = {name for name in base.getGlyphOrder() if not _empty_charstring(top.CharStrings, name)}
    for font in fonts:
        if font is base:
            continue
        other = font["CFF "].cff.topDictIndex[0]
        if hasattr(other, "ROS") or other.Private.rawDict != top.Private.rawDict:
            return False
        for name in font.getGlyphOrder():
            if name in drawn or _empty_charstring(other.CharStrings, name):
                continue
            # Without subroutines, and with the same private dictionary (its nominal width), the program
            # draws the same glyph in the union.
            charstring = other.CharStrings[name]
            charstring.private, charstring.globalSubrs = top.Private, top.GlobalSubrs
            top.CharStrings[name] = charstring
            base["hmtx"].metrics[name] = font["hmtx"].metrics[name]
            drawn.add(name)
    return True


def _empty_charstring(charstrings: object, name: str) -> bool:
    charstring = charstrings[name]  # type: ignore[index]
    if charstring.bytecode is None:
        charstring.compile()
    return bool(charstring.bytecode == EMPTY_CHARSTRING)


def _merge_glyf(base: TTFont, fonts: Sequence[TTFont]) -> None:
    """The glyphs read from each subset's raw table by their offsets (a CJK face has thousands: parsing them
    all would cost more than the rest of the assembly)."""
    order = base.getGlyphOrder()
    glyphs, metrics = base["glyf"], base["hmtx"].metrics
    drawn = set(_drawn_glyphs(base))
    for font in fonts:
        if font is base:
            continue
        table, loca, their_order = font.reader["glyf"], font["loca"], font.getGlyphOrder()
        their_metrics = font["hmtx"].metrics
        for index in _drawn_glyphs(font):
            if index not in drawn:
                glyphs[order[index]] = Glyph(table[loca[index] : loca[index + 1]])
                metrics[order[index]] = their_metrics[their_order[index]]
                drawn.add(index)


def _drawn_glyphs(font: TTFont) -> Iterator[int]:
    """The indexes of the glyphs with an outline: those the location table gives data."""
    locations = font["loca"].locations
    return (index for index, (start, end) in enumerate(pairwise(locations)) if start != end)


def _merge_cmaps(base: TTFont, fonts: Sequence[TTFont]) -> None:
    """Every subset's characters in the union's cmap (PDF viewers go by ToUnicode; other tools read this),
    each mapped to its glyph's name in the union."""
    if "cmap" not in base:
        return
    order = base.getGlyphOrder()
    for table in base["cmap"].tables:
        for font in fonts:
            if font is base or "cmap" not in font:
                continue
            other = font["cmap"].getcmap(table.platformID, table.platEncID)
            if other is None:
                continue
            index = font.getReverseGlyphMap()
            for code, name in other.cmap.items():
                table.cmap.setdefault(code, order[index[name]])


def _font_descriptors(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    for item in pdf.objects:
        if (
            isinstance(item, pikepdf.Dictionary)
            and item.get("/Type") == pikepdf.Name.FontDescriptor
            and any(key in item for key in FONT_FILES)
        ):
            yield item
