"""Fonts cut for the web page and the EPUB."""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont

from press.cache import BuildCache
from press.editions.html import FACES
from press.webfonts import subset_woff2


def test_a_subset_is_a_woff2_file_holding_the_characters_asked_for(tmp_path: Path) -> None:
    data = subset_woff2(FACES[0], {ord(character) for character in "Light "}, BuildCache(tmp_path))
    assert data[:4] == b"wOF2", "compressed as the @font-face rules and the EPUB's manifest declare"
    (tmp_path / "subset.woff2").write_bytes(data)
    font = TTFont(tmp_path / "subset.woff2")
    assert font.flavor == "woff2"
    assert {chr(point) for point in font.getBestCmap()} == set("Light ")
