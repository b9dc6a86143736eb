"""The fonts a stylesheet declares with @font-face, and how a character is named in messages.

Which characters the editions' fonts can set is press.scripts' business.
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from pathlib import Path

import tinycss2
import uharfbuzz
from fontTools.ttLib import TTFont

#: The signatures of the web's compressed font files, which HarfBuzz does not read.
WEB_FLAVOURS = (b"wOFF", b"wOF2")


def declared_fonts(stylesheet: Path) -> list[Path]:
    """The font files a stylesheet's @font-face rules point at, in order."""
    # Its change time and size in the key: one edited while the process runs (`make watch`) is read again.
    status = stylesheet.stat()
    return list(_declared_fonts(stylesheet, status.st_mtime_ns, status.st_size))


@cache
def _declared_fonts(stylesheet: Path, _changed: int, _size: int) -> tuple[Path, ...]:
    rules = tinycss2.parse_stylesheet(stylesheet.read_text(encoding="utf-8"), skip_comments=True)
    fonts = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face" and rule.content:
            for token in rule.content:
                if token.type == "url":
                    fonts.append((stylesheet.parent / token.value).resolve())
                elif token.type == "function" and token.lower_name == "url":
                    fonts.extend(
                        (stylesheet.parent / argument.value).resolve()
                        for argument in token.arguments
                        if argument.type == "string"
                    )
    return tuple(dict.fromkeys(fonts))


def describe(character: str) -> str:
    """'한' (U+D55C HANGUL SYLLABLE HAN)."""
    name = unicodedata.name(character, "unnamed character")
    return f"'{character}' (U+{ord(character):04X} {name})"


def font_face(path: Path) -> uharfbuzz.Face:
    """A font file as HarfBuzz reads it: mapped from the file, not read into memory (each build reads the
    character maps of faces of megabytes); a WOFF or WOFF2 file (the npm catalogue's slices), which HarfBuzz
    does not read, decompressed first."""
    with path.open("rb") as file:
        signature = file.read(4)
    if signature not in WEB_FLAVOURS:
        return uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path)))
    font = TTFont(path, recalcTimestamp=False)
    font.flavor = None
    program = io.BytesIO()
    font.save(program)
    return uharfbuzz.Face(program.getvalue())
