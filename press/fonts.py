"""The print edition's fonts: which characters they can set, so that no glyph is missing.

The fonts are those the print stylesheet declares with @font-face; a character
none of them covers would fall back to whatever the machine has, or to an empty
box, so the build names each such character and where it occurs.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import tinycss2
from fontTools.ttLib import TTFont

from . import STYLES_DIR

#: Characters that are never drawn, so need no glyph.
INVISIBLE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")
#: Variation selectors and other default-ignorable marks, drawn as nothing.
IGNORABLE_RANGES = ((0x034F, 0x034F), (0x180B, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def declared_fonts(stylesheet: Path) -> list[Path]:
    """The font files a stylesheet's @font-face rules point at, in order."""
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
    return list(dict.fromkeys(fonts))


@cache
def covered_characters(stylesheet_name: str) -> frozenset[int]:
    """Every code point some declared font has a glyph for."""
    covered: set[int] = set()
    for path in declared_fonts(STYLES_DIR / stylesheet_name):
        with TTFont(path, lazy=True) as font:
            covered.update(font.getBestCmap())
    return frozenset(covered)


def uncovered_characters(text: str, stylesheet_name: str) -> list[str]:
    """The characters of a text that no declared font can set, each once, in order of appearance."""
    covered = covered_characters(stylesheet_name)
    missing = []
    for character in dict.fromkeys(text):
        if ord(character) in covered or character.isspace():
            continue
        if unicodedata.category(character) in INVISIBLE_CATEGORIES:
            continue
        if any(low <= ord(character) <= high for low, high in IGNORABLE_RANGES):
            continue
        missing.append(character)
    return missing


def describe(character: str) -> str:
    """'한' (U+D55C HANGUL SYLLABLE HAN)."""
    name = unicodedata.name(character, "unnamed character")
    return f"'{character}' (U+{ord(character):04X} {name})"
