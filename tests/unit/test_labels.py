"""The words around the text, written by hand: every language has every word, found by its tag."""

from __future__ import annotations

import string

import pytest
import yaml
from markupsafe import Markup

from press.labels import FALLBACK, LABELS_FILE, fill, join_names, labels_for, language_tags, short_names

HAND_WRITTEN = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
ENGLISH = HAND_WRITTEN[FALLBACK]
#: The languages written by hand, as the brief for issue 14 asked for them.
LANGUAGES = (
    "de", "fr", "es", "ru", "zh", "zh-hant", "ja", "ko", "ar", "he", "hi", "th", "el", "it", "pt", "nl", "pl", "uk",
    "tr", "vi",
)  # fmt: skip


def _placeholders(pattern: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}


def test_every_language_asked_for_is_written_by_hand() -> None:
    assert set(LANGUAGES) <= set(HAND_WRITTEN)


@pytest.mark.parametrize("tag", sorted(HAND_WRITTEN))
def test_a_table_has_only_the_words_english_has_with_the_same_placeholders(tag: str) -> None:
    """A numbered division's pattern may build the word in ("第{number}章" for "{chapter} {number}")."""
    words = HAND_WRITTEN[tag]
    assert set(words) <= set(ENGLISH)
    for key, pattern in words.items():
        assert isinstance(pattern, str), (tag, key)
        may_leave_out = {key.removesuffix("_number")} if key.endswith("_number") else set()
        assert _placeholders(ENGLISH[key]) - may_leave_out <= _placeholders(pattern), (tag, key)
        assert _placeholders(pattern) <= _placeholders(ENGLISH[key]), (tag, key)


@pytest.mark.parametrize("tag", sorted(HAND_WRITTEN))
def test_no_language_lacks_a_word_english_has(tag: str) -> None:
    """A regional table (pt-pt) may hold only the words that differ from its language's."""
    inherited = [HAND_WRITTEN.get(prefix, {}) for prefix in language_tags(tag)]
    assert set(ENGLISH) <= set().union(*inherited), tag
    if "-" not in tag or tag == "zh-hant":
        assert set(HAND_WRITTEN[tag]) == set(ENGLISH), tag


def test_tags_fall_back_from_the_most_specific() -> None:
    assert language_tags("zh-Hant-TW") == ["zh", "zh-hant", "zh-hant-tw"]
    assert language_tags("zh-TW") == ["zh", "zh-hant"]
    assert language_tags("zh-HK") == ["zh", "zh-hant"]
    assert language_tags("pt-BR") == ["pt", "pt-br"]


@pytest.mark.parametrize(
    ("lang", "notes", "contents"),
    [
        ("zh", "注释", "目录"),
        ("zh-Hans", "注释", "目录"),
        ("zh-CN", "注释", "目录"),
        ("zh-Hant", "註釋", "目錄"),
        ("zh-Hant-TW", "註釋", "目錄"),
        ("zh-TW", "註釋", "目錄"),
        ("zh-HK", "註釋", "目錄"),
        ("pt", "Notas", "Sumário"),
        ("pt-BR", "Notas", "Sumário"),
        ("pt-PT", "Notas", "Índice"),
        ("ru-RU", "Примечания", "Содержание"),
        ("hu-HU", "Notes", "Tartalomjegyzék"),  # not written by hand: Pandoc's word, else English
    ],
)
def test_the_lookup_tells_scripts_and_regions_apart(lang: str, notes: str, contents: str) -> None:
    assert (labels_for(lang)["notes"], labels_for(lang)["contents"]) == (notes, contents)


def test_a_hand_written_word_wins_over_pandoc_s_for_a_more_specific_tag() -> None:
    """Pandoc's pt-PT index is "Índice", the word Portugal's contents have here."""
    assert labels_for("pt-PT")["index"] == "Índice remissivo"


@pytest.mark.parametrize(
    ("lang", "names", "two", "three"),
    [
        ("en", ("Ann", "Bo", "Cy"), "Ann and Bo", "Ann, Bo, and Cy"),
        ("de", ("Ann", "Bo", "Cy"), "Ann und Bo", "Ann, Bo und Cy"),
        ("zh", ("甲", "乙", "丙"), "甲、乙", "甲、乙、丙"),
        ("ja", ("甲", "乙", "丙"), "甲、乙", "甲、乙、丙"),
        ("ar", ("أحمد", "سارة", "محمد"), "أحمد وسارة", "أحمد، سارة ومحمد"),
        ("he", ("דנה", "יוסי", "רון"), "דנה ויוסי", "דנה, יוסי ורון"),
    ],
)
def test_names_are_joined_as_the_language_writes_them(lang: str, names: tuple[str, ...], two: str, three: str) -> None:
    assert join_names(names[:2], lang) == two
    assert join_names(names, lang) == three


@pytest.mark.parametrize(
    ("lang", "short"),
    [("en", "Ann et al."), ("zh", "Ann等"), ("ru", "Ann и др."), ("ko", "Ann 외")],
)
def test_a_running_head_gives_three_names_or_more_as_the_first_and_others(lang: str, short: str) -> None:
    """Seven authors beside a title ran over two lines in the running head."""
    assert short_names(("Ann", "Bo"), lang) == join_names(("Ann", "Bo"), lang)
    assert short_names(("Ann", "Bo", "Cy"), lang) == short


def test_a_pattern_is_filled_with_markup_and_escaped_text() -> None:
    names = Markup('<span class="author">A &amp; B</span>')
    assert fill("{names} 著", names=names) == '<span class="author">A &amp; B</span> 著'
    assert fill("By <{names}>", names="A & B") == "By &lt;A &amp; B&gt;"
