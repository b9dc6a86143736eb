"""The catalogue of script fonts: slices, their ranges, the order a language wants, the selection."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from press import scripts
from press.scripts import TYPEFACES, Typeface
from press.webfonts import embedded_faces

JAPANESE = next(typeface for typeface in TYPEFACES if typeface.family == "Press JP")
SIMPLIFIED = next(typeface for typeface in TYPEFACES if typeface.family == "Press SC")
FONTSOURCE_CSS = """
/* x-[4]-400-normal */
@font-face {
  font-family: 'X';
  src: url(./files/x-4-400-normal.woff2) format('woff2'), url(./files/x-4-400-normal.woff) format('woff');
  unicode-range: U+1f1e9-1f1f5,U+1f21a;
}
@font-face {
  font-family: 'X';
  src: url(./files/x-latin-400-normal.woff2) format('woff2');
  unicode-range: U+0000-00FF,U+4??;
}
"""


def test_unicode_ranges_are_read_with_single_points_and_wildcards() -> None:
    assert scripts.parse_ranges("U+1f1e9-1f1f5,U+1f21a, U+4??") == (
        (0x400, 0x4FF),
        (0x1F1E9, 0x1F1F5),
        (0x1F21A, 0x1F21A),
    )


def test_slices_come_from_the_packages_stylesheet_in_file_order() -> None:
    typeface = Typeface("Press X", "X", "x")
    found = scripts.parse_slices(typeface, FONTSOURCE_CSS)
    assert [item.source.name for item in found] == ["x-4-400-normal.woff2", "x-latin-400-normal.woff2"]
    assert found[0].declares(0x1F21A) and not found[0].declares(0x41)
    assert [item.family for item in found] == ["Press X 4", "Press X latin"]


def test_runs_and_css_ranges() -> None:
    assert scripts.runs([5, 1, 2, 3, 9]) == [(1, 3), (5, 5), (9, 9)]
    assert scripts.css_unicode_range([(0x41, 0x5A), (0x76F4, 0x76F4)]) == "U+0041-005A, U+76F4"


@pytest.mark.parametrize(
    ("lang", "first"),
    [
        ("ja", "Press JP"),
        ("ja-JP", "Press JP"),
        ("zh", "Press SC"),
        ("zh-Hans-CN", "Press SC"),
        ("zh-Hant", "Press TC"),
        ("zh-Hant-TW", "Press TC"),
        ("zh-TW", "Press TC"),
        ("ko", "Press KR"),
        ("en", "Press SC"),
    ],
)
def test_han_is_tried_first_in_the_face_of_the_runs_language(lang: str, first: str) -> None:
    order = scripts.order_for(lang)
    assert order[0].family == first
    assert sorted(order, key=TYPEFACES.index) == list(TYPEFACES)


def test_language_rules_only_for_the_languages_of_the_text_least_specific_first() -> None:
    rules = scripts.family_rules(["en", "zh-Hant-TW"]).splitlines()
    assert rules[0].startswith(':root { --press-scripts: "Press Korean", "Press SC"')
    assert [rule.split(" {")[0] for rule in rules[1:]] == [":lang(zh)", ":lang(zh-hant)"]
    assert ":lang(ja)" not in "\n".join(rules)
    author_first = scripts.family_rules(["ja"], ("Press Author 1",))
    assert ':lang(ja) { --press-scripts: "Press Author 1", "Press Korean", "Press JP"' in author_first


def test_text_is_gathered_by_the_language_of_each_run() -> None:
    tree = lxml.html.fromstring('<div><p>A <span lang="ja">直<b>骨</b></span> B</p><img alt="図" lang="ja"></div>')
    assert scripts.text_by_language(tree, "en") == {"en": "A  B", "ja": "直骨図"}


@pytest.mark.skipif(bool(scripts.missing_packages()), reason="the fonts are installed by `make` (npm)")
def test_selection_takes_each_language_s_face_and_names_what_nothing_sets() -> None:
    selection = scripts.select({"ja": "直 a", "zh-Hans": "直", "en": "\U00010000\u200d"}, frozenset({ord("a")}))
    chosen = {item.typeface.family: points for item, points in selection.slices}
    assert chosen == {"Press SC": (0x76F4,), "Press JP": (0x76F4,)}
    assert selection.missing == ("\U00010000",)
    assert selection.families(JAPANESE) == [item.family for item, _ in selection.slices if item.typeface == JAPANESE]
    faces = embedded_faces(selection, ())
    assert [(face.family, face.ranges) for face in faces] == [
        ("Press SC", ((0x76F4, 0x76F4),)),
        ("Press JP", ((0x76F4, 0x76F4),)),
    ]


@pytest.mark.skipif(bool(scripts.missing_packages()), reason="the fonts are installed by `make` (npm)")
def test_every_typeface_ships_its_licence_and_slices() -> None:
    for typeface in TYPEFACES:
        assert typeface.licence.is_file(), typeface.package
        assert scripts.slices(typeface), typeface.package
    assert len(scripts.slices(SIMPLIFIED)) > 90


def test_print_rules_name_each_slice_and_only_the_characters_chosen_for_it(tmp_path: Path) -> None:
    typeface = Typeface("Press X", "X", "x")
    (tmp_path / "x-7-400-normal.woff2").write_bytes(b"")  # no WOFF2 to decompress: named as it is
    chosen = scripts.Slice(typeface, tmp_path / "x-7-400-normal.woff2", ((0, 0x10FFFF),))
    author = tmp_path / "mine.otf"
    css = scripts.font_face_rules(scripts.Selection(((chosen, (0x41, 0x42, 0x44)),), ()), (author,))
    assert f'@font-face {{ font-family: "Press Author 1"; src: url("{author.as_uri()}"); }}' in css
    assert '"Press X 7"' in css and "unicode-range: U+0041-0042, U+0044;" in css


def test_bold_characters_get_the_slices_bold_weight(tmp_path: Path) -> None:
    typeface = Typeface("Press X", "X", "x")
    (tmp_path / "x-7-700-normal.woff2").write_bytes(b"")
    (tmp_path / "x-7-400-normal.woff2").write_bytes(b"")
    chosen = scripts.Slice(typeface, tmp_path / "x-7-400-normal.woff2", ((0, 0x10FFFF),))
    assert scripts.bold_source(chosen) == tmp_path / "x-7-700-normal.woff2"
    tree = lxml.html.fromstring("<div><h2>AB</h2><p>C <strong>D</strong></p><dl><dt>E</dt><dd>F</dd></dl></div>")
    assert scripts.bold_characters(tree, []) == frozenset(map(ord, "ABD")), "what WeasyPrint sets in bold"
    stylesheet = tmp_path / "house.css"
    stylesheet.write_text(
        "dt { font-weight: bold }\n@media print { .label { font-weight: 700 } }\n"
        "p::before { content: 'G'; font-weight: bold }\n.x:unknown-pseudo { font-weight: bold }\n",
        encoding="utf-8",
    )
    tree.append(lxml.html.fromstring('<p><span class="label">H</span> I</p>'))
    bold = scripts.bold_characters(tree, [stylesheet])
    assert bold == frozenset(map(ord, "ABDEH")), "the house style's bold rules, those under @media too"
    css = scripts.font_face_rules(scripts.Selection(((chosen, (0x41, 0x43, 0x44)),), ()), (), bold)
    assert '"Press X 7"; font-weight: bold;' in css and "unicode-range: U+0041, U+0044; }" in css


@pytest.mark.parametrize(
    "character",
    ["\u115f", "\u1160", "\u3164", "\uffa0", "\u17b4", "\u034f", "\ufe0f", "\u200d", "\u00ad", "\U000e0041"],
)
def test_default_ignorable_characters_need_no_glyph(character: str) -> None:
    """Korean text holds Hangul fillers, which HarfBuzz draws as nothing: they were reported as missing glyphs."""
    assert not scripts.needs_glyph(character)


@pytest.mark.parametrize("character", ["a", "가", "\u3131", "\u0301", "€"])
def test_drawn_characters_need_a_glyph(character: str) -> None:
    assert scripts.needs_glyph(character)
