"""The fonts a stylesheet declares with @font-face, and how a character is named in messages.

Which characters the editions' fonts can set is press.scripts' business.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

import fontTools
import tinycss2
import uharfbuzz
from fontTools.ttLib import TTFont

from . import TOOLCHAIN_ROOT

#: The signatures of the web's compressed font files, which HarfBuzz does not read.
WEB_FLAVOURS = (b"wOFF", b"wOF2")
WOFF2 = b"wOF2"
#: Where the compressed font files of the npm packages (the catalogue's slices) are kept decompressed,
#: each named by its file's digest and its decoder; node_modules' own cache folder, emptied with it when
#: npm installs again.
PACKAGES = TOOLCHAIN_ROOT / "node_modules"
DECOMPRESSED_FONTS = PACKAGES / ".cache" / "press-fonts"
#: WOFF2's reference decoder (Debian's package woff2), thirty times faster than fontTools' on a CJK slice.
WOFF2_DECODER = "woff2_decompress"


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
    does not read, from its font program decompressed (`font_program`)."""
    program = font_program(path)
    if program == path and _signature(path) in WEB_FLAVOURS:  # no folder to keep it in
        return uharfbuzz.Face(_decompressed(path))
    return uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(program)))


@cache
def font_program(path: Path) -> Path:
    """A font file as a renderer reads it without decompressing it: the file itself, or for a WOFF or
    WOFF2 file of the toolchain's (the npm catalogue's slices) its font program, decompressed once and
    kept in DECOMPRESSED_FONTS (the file itself when that folder cannot be written, or for an author's
    font: the renderer decompresses it then).

    WeasyPrint decompresses a WOFF2 font with fontTools each time a process loads it, and fontTools
    rebuilds every outline in Python: a Chinese book's hundred slices, in each process laying out its
    chapters, cost most of its build. Named by the file's digest and the decoder (whose programs draw
    the same glyphs in other bytes), written under a name of its own and renamed, so that builds side
    by side never read half a file, readable by every user of the toolchain."""
    if _signature(path) not in WEB_FLAVOURS or not path.resolve().is_relative_to(PACKAGES.resolve()):
        return path
    data = path.read_bytes()
    decoder = _decoder(path)
    kept = DECOMPRESSED_FONTS / f"{hashlib.sha256(data).hexdigest()[:32]}-{decoder}.sfnt"
    if kept.is_file():
        return kept
    program = _decompressed(path)
    try:
        DECOMPRESSED_FONTS.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=DECOMPRESSED_FONTS, suffix=".part", delete=False) as part:
            written = Path(part.name)
        try:
            written.write_bytes(program)
            written.chmod(0o644)
            written.replace(kept)
        finally:
            written.unlink(missing_ok=True)
    except OSError:
        return path
    return kept


def _decoder(path: Path) -> str:
    """Which decoder decompresses the file: WOFF2's reference decoder when it is installed, else fontTools."""
    if _signature(path) == WOFF2 and shutil.which(WOFF2_DECODER) is not None:
        return "woff2"
    return f"fonttools-{fontTools.version}"


def _signature(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(4)


def _decompressed(path: Path) -> bytes:
    """The font program of a WOFF or WOFF2 file: by WOFF2's reference decoder when it is installed."""
    if _decoder(path) == "woff2":
        with tempfile.TemporaryDirectory(prefix="press-woff2-") as scratch:
            given = Path(scratch) / "font.woff2"
            given.write_bytes(path.read_bytes())
            done = subprocess.run([WOFF2_DECODER, str(given)], capture_output=True, check=False)
            written = given.with_suffix(".ttf")
            if done.returncode == 0 and written.is_file():
                return written.read_bytes()
    font = TTFont(path, recalcTimestamp=False)
    font.flavor = None
    program = io.BytesIO()
    font.save(program)
    return program.getvalue()
