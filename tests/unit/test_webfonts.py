"""Fonts cut for the web page and the EPUB."""

from __future__ import annotations

import io
from pathlib import Path

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._k_e_r_n import KernTable_format_0

from press.cache import BuildCache
from press.editions.html import FACES
from press.webfonts import KOREAN_FACE, Face, subset_woff2


def test_a_subset_is_a_woff2_file_holding_the_characters_asked_for(tmp_path: Path) -> None:
    data = subset_woff2(FACES[0], {ord(character) for character in "Light "}, BuildCache(tmp_path))
    assert data[:4] == b"wOF2", "compressed as the @font-face rules and the EPUB's manifest declare"
    (tmp_path / "subset.woff2").write_bytes(data)
    font = TTFont(tmp_path / "subset.woff2")
    assert font.flavor == "woff2"
    assert {chr(point) for point in font.getBestCmap()} == set("Light ")


def test_a_subset_keeps_the_licence_and_the_features_the_styles_use_and_names_itself_anew(tmp_path: Path) -> None:
    text = "Office affine 1984"
    korean = subset_woff2(KOREAN_FACE, {ord(character) for character in "한국"}, BuildCache(tmp_path))
    latin = subset_woff2(FACES[0], {ord(character) for character in text}, BuildCache(tmp_path))
    for data, family in ((latin, "Press Serif"), (korean, "Press Korean")):
        font = TTFont(io.BytesIO(data))
        names = font["name"]
        assert names.getDebugName(1) == family
        assert names.getDebugName(0) and names.getDebugName(13), "the copyright and the licence stay with the font"
        # The original's reserved names go in every language the font named itself in.
        assert not [
            record
            for record in names.names
            if record.nameID in (1, 4, 6) and family not in str(record) and family.replace(" ", "") not in str(record)
        ]
    features = {record.FeatureTag for record in TTFont(io.BytesIO(latin))["GSUB"].table.FeatureList.FeatureRecord}
    assert {"liga", "smcp", "onum", "lnum"} <= features, "small capitals and figures the stylesheets ask for"
    assert "ff" in "".join(TTFont(io.BytesIO(latin)).getGlyphOrder()), "the ligatures of the text's letters are kept"


def test_a_face_kerned_by_its_old_kern_table_keeps_its_kerning(tmp_path: Path) -> None:
    """HarfBuzz's subsetter drops the `kern` table; an author's font kerned by it alone is cut by fontTools'."""
    font = TTFont(KOREAN_FACE.source)
    kern = newTable("kern")
    kern.version, kern.kernTables = 0, [KernTable_format_0()]
    kern.kernTables[0].version, kern.kernTables[0].coverage, kern.kernTables[0].format = 0, 1, 0
    names = font.getBestCmap()
    kern.kernTables[0].kernTable = {(names[ord("가")], names[ord("나")]): -40}
    font["kern"] = kern
    del font["GPOS"]  # kerned by `kern` alone, as older fonts are
    font.save(tmp_path / "kerned.ttf")
    face = Face("Press Author 1", "kerned", tmp_path / "kerned.ttf")
    cut = TTFont(io.BytesIO(subset_woff2(face, {ord("가"), ord("나")}, BuildCache(tmp_path))))
    assert "kern" in cut and list(cut["kern"].kernTables[0].kernTable.values()) == [-40]
