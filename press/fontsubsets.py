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
from typing import Any

import fontTools
import pikepdf
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

from .cache import BuildCache, digest, files_digest
from .inputs import code_files
from .validate import resource_dictionaries

FONT_FILES = ("/FontFile2", "/FontFile3")
#: A glyph the subset leaves out keeps its index with an empty program: CFF's lone endchar.
EMPTY_CHARSTRING = b"\x0e"


def merge_subsets(pdf: pikepdf.Pdf, cache: BuildCache | None = None) -> None:
    """Give the font descriptors of each face one font program: the union of their subsets, kept in
    `cache` under the subsets it is made of (an edit that leaves every division's glyphs as they were
    merges nothing again)."""
    groups: dict[tuple[str, str], list[pikepdf.Dictionary]] = {}
    for descriptor in _font_descriptors(pdf):
        key = next(key for key in FONT_FILES if key in descriptor)
        groups.setdefault((str(descriptor.get("/FontName", "")), key), []).append(descriptor)
    for (_, key), descriptors in groups.items():
        streams = list({descriptor[key].objgen: descriptor[key] for descriptor in descriptors}.values())
        if len(streams) < 2:
            continue
        programs = [stream.read_bytes() for stream in streams]
        union = merged_program(programs) if cache is None else _cached_union(programs, cache)
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


def _cached_union(programs: Sequence[bytes], cache: BuildCache) -> bytes | None:
    name = "font-union-" + digest(fontTools.version, files_digest(code_files(__name__)), *programs)
    stored = cache.read(name)
    if stored is None:
        stored = merged_program(programs) or b""  # b"": these subsets do not merge
        cache.write(name, stored)
    return stored or None


def merged_program(programs: Sequence[bytes]) -> bytes | None:
    """One font program drawing every glyph any of the subsets draws, or None when they are not subsets of one
    font kept at their full font's glyph indexes. The subsets are read one at a time, into the one that
    has the most glyphs (a CJK face's twenty subsets, all read, would hold hundreds of megabytes)."""
    try:
        counts = [int(_read(program)["maxp"].numGlyphs) for program in programs]
        first = counts.index(max(counts))
        union = _Union(_read(programs[first]))
        if not union.takes_subsets:
            return None
        for index, program in enumerate(programs):
            if index != first and not union.add(_read(program)):
                return None
        written = io.BytesIO()
        union.font.save(written)
    except Exception:  # a program fontTools cannot read or write stays as WeasyPrint wrote it
        return None
    return written.getvalue()


def _read(program: bytes) -> TTFont:
    # The union keeps the subsets' date (fontTools would stamp it now): the same book, the same bytes.
    return TTFont(io.BytesIO(program), lazy=True, recalcTimestamp=False)


class _Union:
    """A subset that takes in the glyphs other subsets of its font draw and it does not."""

    def __init__(self, font: TTFont) -> None:
        self.font = font
        self.order = font.getGlyphOrder()
        self.metrics = font["hmtx"].metrics
        self.cff = font["CFF "].cff.topDictIndex[0] if "CFF " in font else None
        #: The glyphs the union draws: by index, their TrueType data (a CFF glyph's program is in the font).
        self.drawn: dict[int, bytes] = {}
        if self.cff is not None:
            self.drawn = {index: b"" for index, name in enumerate(self.order) if not _empty_charstring(self.cff, name)}
        elif "glyf" in font:
            table, loca = font.reader["glyf"], font["loca"]
            self.drawn = {index: table[loca[index] : loca[index + 1]] for index in _drawn_glyphs(font)}
        # CID-keyed CFF gives each glyph the private dictionary of its font dictionary: not taken.
        self.takes_subsets = ("glyf" in font or self.cff is not None) and not hasattr(self.cff, "ROS")

    def add(self, font: TTFont) -> bool:
        """Take in a subset's glyphs; False when it is not a subset of the same font, as far as can be told."""
        their_order = font.getGlyphOrder()
        if self.cff is not None:
            other = font["CFF "].cff.topDictIndex[0] if "CFF " in font else None
            # CFF glyphs are named in the font (a TrueType subset's names are made from its own cmap).
            if (
                other is None
                or hasattr(other, "ROS")
                or their_order != self.order[: len(their_order)]
                or other.Private.rawDict != self.cff.Private.rawDict
            ):
                return False
            for index, name in enumerate(their_order):
                if _empty_charstring(other, name):
                    continue
                if index in self.drawn:
                    if other.CharStrings[name].bytecode != self.cff.CharStrings[name].bytecode:
                        return False  # another font under the same name (an instance at another size)
                    continue
                # Without subroutines, and with the same private dictionary (its nominal width), the
                # program draws the same glyph in the union.
                charstring = other.CharStrings[name]
                charstring.private, charstring.globalSubrs = self.cff.Private, self.cff.GlobalSubrs
                self.cff.CharStrings[name] = charstring
                self._took(index, font, name, b"")
        elif "glyf" in font and len(their_order) <= len(self.order):
            # Each glyph read from the subset's raw table by its offsets: a CJK face has thousands, and
            # parsing them all would cost more than the rest of the assembly.
            table, loca, glyphs = font.reader["glyf"], font["loca"], self.font["glyf"]
            for index in _drawn_glyphs(font):
                data = table[loca[index] : loca[index + 1]]
                if index in self.drawn:
                    if data != self.drawn[index]:
                        return False  # another font under the same name (an instance at another size)
                    continue
                glyphs[self.order[index]] = Glyph(data)
                self._took(index, font, their_order[index], data)
        else:
            return False
        self._add_characters(font)
        return True

    def _took(self, index: int, font: TTFont, name: str, data: bytes) -> None:
        self.metrics[self.order[index]] = font["hmtx"].metrics[name]
        self.drawn[index] = data

    def _add_characters(self, font: TTFont) -> None:
        """The subset's characters in the union's cmap (PDF viewers go by ToUnicode; other tools read this),
        each mapped to its glyph's name in the union."""
        if "cmap" not in self.font or "cmap" not in font:
            return
        index = font.getReverseGlyphMap()
        for table in self.font["cmap"].tables:
            other = font["cmap"].getcmap(table.platformID, table.platEncID)
            for code, name in other.cmap.items() if other is not None else ():
                table.cmap.setdefault(code, self.order[index[name]])


def _empty_charstring(top: Any, name: str) -> bool:
    """Whether a glyph's program draws nothing: a glyph the subset left out keeps its index with endchar alone."""
    charstring = top.CharStrings[name]
    if charstring.bytecode is None:
        charstring.compile()
    return bool(charstring.bytecode == EMPTY_CHARSTRING)


def _drawn_glyphs(font: TTFont) -> Iterator[int]:
    """The indexes of the glyphs with an outline: those the location table gives data."""
    locations = font["loca"].locations
    return (index for index, (start, end) in enumerate(pairwise(locations)) if start != end)


def _font_descriptors(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """The descriptors of the embedded fonts the pages and their forms draw with (found through their
    resources: walking every object of a long book would hold them all in memory at once)."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for resources in resource_dictionaries(page):
            for font in resources.get("/Font", pikepdf.Dictionary()).values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                if (
                    isinstance(descriptor, pikepdf.Dictionary)
                    and descriptor.objgen not in seen
                    and any(key in descriptor for key in FONT_FILES)
                ):
                    seen.add(descriptor.objgen)
                    yield descriptor
