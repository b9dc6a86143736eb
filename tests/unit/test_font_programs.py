"""The catalogue's compressed font files, decompressed once and kept; slices' ranges asked point by point."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import fontTools
import pytest
from fontTools.ttLib import TTFont

from press import STYLES_DIR, fonts, scripts
from press.scripts import TYPEFACES, CodePointRanges

SIMPLIFIED = next(typeface for typeface in TYPEFACES if typeface.family == "Press SC")
needs_catalogue = pytest.mark.skipif(bool(scripts.missing_packages()), reason="the fonts are installed by `make` (npm)")


@pytest.fixture
def kept_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "kept"
    monkeypatch.setattr(fonts, "DECOMPRESSED_FONTS", folder)
    fonts.font_program.cache_clear()
    yield folder
    fonts.font_program.cache_clear()


@needs_catalogue
def test_a_woff2_slice_is_decompressed_once_into_the_same_font(kept_in: Path) -> None:
    source = scripts.slices(SIMPLIFIED)[40].source
    program = fonts.font_program(source)
    assert program.parent == kept_in and program.read_bytes()[:4] in (b"\0\1\0\0", b"OTTO", b"true")
    compressed, decompressed = TTFont(source), TTFont(program)
    assert decompressed.getBestCmap() == compressed.getBestCmap()
    assert decompressed.getGlyphOrder() == compressed.getGlyphOrder()
    assert scripts.character_map(source) == frozenset(compressed.getBestCmap())
    written = program.stat().st_mtime_ns
    fonts.font_program.cache_clear()
    assert fonts.font_program(source) == program and program.stat().st_mtime_ns == written, "kept, not made again"
    assert list(kept_in.iterdir()) == [program], "no part left behind"


@needs_catalogue
def test_without_the_reference_decoder_fonttools_decompresses_the_same_glyphs(
    kept_in: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = scripts.slices(SIMPLIFIED)[41].source
    by_reference = TTFont(fonts.font_program(source))
    fonts.font_program.cache_clear()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(fonts, "DECOMPRESSED_FONTS", tmp_path / "by-fonttools")
    by_fonttools = TTFont(fonts.font_program(source))
    assert by_fonttools.getBestCmap() == by_reference.getBestCmap()
    glyphs = by_reference.getGlyphOrder()
    for name in glyphs[:: max(1, len(glyphs) // 25)]:
        assert by_fonttools["hmtx"][name] == by_reference["hmtx"][name]


@needs_catalogue
def test_where_nothing_can_be_kept_the_compressed_file_is_named_and_read_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    monkeypatch.setattr(fonts, "DECOMPRESSED_FONTS", blocker / "kept")
    fonts.font_program.cache_clear()
    try:
        source = scripts.slices(SIMPLIFIED)[42].source
        assert fonts.font_program(source) == source
        assert set(fonts.font_face(source).unicodes) == set(TTFont(source).getBestCmap())
    finally:
        fonts.font_program.cache_clear()


def test_a_font_program_is_named_as_it_is(kept_in: Path) -> None:
    shipped = next((STYLES_DIR / "fonts").rglob("*.otf"))
    assert fonts.font_program(shipped) == shipped
    assert not kept_in.exists()


def test_ranges_are_merged_and_asked_at_their_bounds() -> None:
    ranges = CodePointRanges([(0x4E00, 0x4E0F), (0x41, 0x41), (0x4E10, 0x4E20), (0x4E05, 0x4E08), (0x100, 0x1FF)])
    assert ranges.starts == [0x41, 0x100, 0x4E00] and ranges.ends == [0x41, 0x1FF, 0x4E20]
    inside = [0x41, 0x100, 0x150, 0x1FF, 0x4E00, 0x4E10, 0x4E20]
    outside = [0, 0x40, 0x42, 0xFF, 0x200, 0x4DFF, 0x4E21, 0x10FFFF]
    assert all(point in ranges for point in inside) and not any(point in ranges for point in outside)
    assert 0x41 not in CodePointRanges([])
    typeface = scripts.Typeface("Press X", "X", "x")
    assert scripts.Slice(typeface, Path("x.woff2"), ((0x30, 0x39), (0x4E00, 0x4E00))).declares(0x4E00)


@needs_catalogue
def test_an_authors_compressed_font_is_read_where_it_is_and_nothing_of_it_kept(kept_in: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.woff2"
    mine.write_bytes(scripts.slices(SIMPLIFIED)[43].source.read_bytes())
    assert fonts.font_program(mine) == mine
    assert set(fonts.font_face(mine).unicodes) == set(TTFont(mine).getBestCmap())
    assert not kept_in.exists()


@needs_catalogue
def test_a_kept_font_is_readable_by_every_user_and_named_by_its_decoder(kept_in: Path) -> None:
    program = fonts.font_program(scripts.slices(SIMPLIFIED)[44].source)
    assert program.stat().st_mode & 0o777 == 0o644
    assert program.name.endswith(("-woff2.sfnt", f"-fonttools-{fontTools.version}.sfnt"))
