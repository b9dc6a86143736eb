"""Text that reads back from the PDF as it was written, however shaping drew it.

What WeasyPrint 70.0 does wrong (`draw_first_line` in weasyprint/draw/text.py):
it tells a PDF reader which text each glyph stands for through the font's
ToUnicode map alone, one text per glyph for the whole document, taken from the
first cluster the glyph is drawn in. Shaping does not draw one glyph per
character, and the map then says something else than the page:

- a cluster drawn with several glyphs (Thai SARA AM as NIKHAHIT and SARA AA,
  an Arabic letter drawn by Noto Naskh as its skeleton and its dots) gives the
  whole text to one glyph and the empty string to the others: an invalid map
  entry, which readers fill with a made-up character;
- a glyph shared by clusters of different texts (one skeleton for ب, ت, ث, ن
  and ي; the SARA AA of า inside ำ) keeps the text of its first cluster, so
  the others read back as another letter, or another word.

The PDF's own remedy (ISO 32000-1, 14.9.4), which Cairo's PDF backend uses, is
what this patch does: a cluster whose glyphs the map cannot tell (more than one
glyph, or a glyph mapped to another text already) is drawn inside a
marked-content sequence `/Span << /ActualText (its text) >> BDC … EMC`. Every
glyph still gets a map entry, the text of the first cluster it is drawn in (all
of it: no empty entries), so that the subset keeps it; a cluster of one glyph
that the map tells right is drawn as before.

Inside such a sequence, glyphs raised or lowered off the baseline (text rise:
Arabic dots and vowel marks, which right-to-left clusters put before their
letter) are drawn after the cluster's other glyphs. Readers that follow the
baseline from one text object to the next (pdfium, which Chrome's viewer uses)
take the first object of an ActualText sequence for its place on the line; a
raised mark there starts a new line, and the text around it is split apart. The
text-showing operators cut around a sequence hold no empty strings: pdfium drops
the last kerning of an array that holds one, and would move the rest of the line.

The patch edits the source of `draw_first_line` as WeasyPrint 70.0 ships it,
one exact excerpt at a time, adds one function beside it, and refuses any other
WeasyPrint: each excerpt and its replacement are a hunk of the change offered
upstream.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import weasyprint
from weasyprint.draw import text as weasyprint_text

from ..errors import Location, PressError
from . import WEASYPRINT_VERSION  # the WeasyPrint whose source the hunks below are excerpts of

#: WeasyPrint's function as it ships, for the tests that show what it loses.
UPSTREAM_DRAW_FIRST_LINE: Callable[..., Any] = weasyprint_text.draw_first_line

#: The import and the function added to weasyprint/draw/text.py.
END_ACTUAL_TEXT = '''\
import pydyf


def end_actual_text(stream, font, risen):
    """End a cluster's ActualText sequence, drawing last its glyphs off the baseline.

    ``risen`` holds, for each such glyph, its id, its offsets and its distance
    back from the end of the cluster, where the pen stands.
    """
    for glyph_id, offset, rise, back in risen:
        stream.set_text_rise(-rise)
        glyph = f'{glyph_id:02x}' if font.bitmap else f'{glyph_id:04x}'
        stream.show_text(
            f'{back - offset}<{glyph}>{offset + font.widths[glyph_id] - back}')
        stream.set_text_rise(0)
    risen.clear()
    stream.end_marked_content()
'''

#: (lines of WeasyPrint 70.0's draw_first_line, the lines that replace them)
HUNKS = (
    # Each run of glyphs starts outside any cluster and any ActualText sequence.
    (
        """\
        string += '<'
        for i, glyph_info in enumerate(glyphs_info[0:num_glyphs]):
""",
        """\
        string += '<'
        cluster, actual_text, risen = None, False, []
        for i, glyph_info in enumerate(glyphs_info[0:num_glyphs]):
""",
    ),
    # The text of each cluster, its ActualText sequence, and each glyph's map entry.
    (
        """\
            # Create mapping between glyphs and Unicode codepoints.
            if glyph_id not in font.to_unicode:
                # Get positions of the glyph in the UTF-8 string.
                offset = glyph_item.item.offset
                t1 = clusters[i]
                if glyph_item.item.analysis.level % 2:  # rtl
                    t2 = glyph_item.item.length if i == 0 else clusters[i-1]
                else:
                    t2 = glyph_item.item.length if i == num_glyphs-1 else clusters[i+1]
                utf8_text = utf8_text or textbox.pango_layout.text.encode()
                font.to_unicode[glyph_id] = utf8_text[offset+t1:offset+t2].decode()
""",
        """\
            # Find the cluster this glyph begins: its glyphs share their
            # log_clusters value, its text ends where the next cluster in
            # logical order begins.
            if clusters[i] != cluster:
                cluster, first, last = clusters[i], i, i
                while first > 0 and clusters[first-1] == cluster:
                    first -= 1
                while last < num_glyphs-1 and clusters[last+1] == cluster:
                    last += 1
                if glyph_item.item.analysis.level % 2:  # rtl
                    end = glyph_item.item.length if first == 0 else clusters[first-1]
                else:
                    end = glyph_item.item.length if last == num_glyphs-1 else clusters[last+1]
                utf8_text = utf8_text or textbox.pango_layout.text.encode()
                start = glyph_item.item.offset
                cluster_text = utf8_text[start+cluster:start+end].decode()

                # The ToUnicode map gives one text per glyph: a cluster of
                # several glyphs, or of a glyph mapped to another text, is
                # drawn in a marked-content sequence giving its ActualText.
                exact = first == last and (
                    font.to_unicode.get(glyph_id, cluster_text) == cluster_text)
                if actual_text or not exact:
                    string = string[:-1] if string[-1] == '<' else f'{string}>'
                    if string:
                        # Without empty strings: pdfium drops the last
                        # kerning of an array that holds one.
                        stream.show_text(string.replace('<>', ' '))
                    string = '<'
                    if actual_text:
                        end_actual_text(stream, font, risen)
                    if not exact:
                        stream.begin_marked_content('Span', pydyf.Dictionary({
                            'ActualText': pydyf.String(cluster_text)}))
                    actual_text = not exact

            # Create mapping between glyphs and Unicode codepoints.
            font.to_unicode.setdefault(glyph_id, cluster_text)
""",
    ),
    # A glyph off the baseline in an ActualText sequence is drawn at its end.
    (
        """\
            rise = glyph_info.geometry.y_offset / 1000
            if rise:
""",
        """\
            rise = glyph_info.geometry.y_offset / 1000
            if rise and actual_text:
                back = sum(glyphs_info[k].geometry.width for k in range(i, last+1))
                risen.append(
                    (glyph_id, offset, rise, back * 1000 * FROM_UNITS / font_size))
            elif rise:
""",
    ),
    # Until then, the pen moves past it as if it were drawn.
    (
        """\
            if kerning:
                string += f'>{int(kerning)}<'
""",
        """\
            if kerning:
                string += f'>{int(kerning)}<'
            if rise and actual_text:
                string += f'>{-(offset + logical_width)}<'
""",
    ),
    # A run ends the ActualText sequence it began.
    (
        """\
        # Close the last glyphs list, remove if empty.
        if string[-1] == '<':
            string = string[:-1]
        else:
            string += '>'
""",
        """\
        # Close the last glyphs list, remove if empty.
        if string[-1] == '<':
            string = string[:-1]
        else:
            string += '>'
        if actual_text:
            if string:
                stream.show_text(string.replace('<>', ' '))
            end_actual_text(stream, font, risen)
            string = ''
""",
    ),
    # A line whose last run ended an ActualText sequence has no glyphs left to show.
    (
        """\
    # Draw text.
    stream.show_text(string)
""",
        """\
    # Draw text.
    if string:
        stream.show_text(string)
""",
    ),
)


def check_version(installed: str) -> None:
    """Refuse a WeasyPrint other than the one the hunks were written against."""
    if installed != WEASYPRINT_VERSION:
        raise PressError(
            f"WeasyPrint {installed} is installed, and the patch that makes the PDF's text read back is written "
            f"for WeasyPrint {WEASYPRINT_VERSION} only: install the version requirements.lock pins",
            Location(Path(__file__)),
        )


def patched_source(source: str) -> str:
    """The source of `draw_first_line` with every hunk applied, each to the one place it belongs."""
    for original, replacement in HUNKS:
        if source.count(original) != 1:
            raise PressError(
                f"this draw_first_line is not WeasyPrint {WEASYPRINT_VERSION}'s: the patch finds "
                f"{original.strip().splitlines()[0]!r} {source.count(original)} times, not once",
                Location(Path(__file__)),
            )
        source = source.replace(original, replacement)
    return source


@cache
def apply() -> None:
    """Draw the PDF's text with the patched `draw_first_line` from now on (done once per process)."""
    check_version(weasyprint.__version__)
    source = END_ACTUAL_TEXT + "\n\n" + patched_source(inspect.getsource(UPSTREAM_DRAW_FIRST_LINE))
    exec(compile(source, f"<weasyprint.draw.text patched by {__name__}>", "exec"), vars(weasyprint_text))
