"""Labels in the manuscript's language from Pandoc's translations, the hand-written ones kept."""

from __future__ import annotations

import yaml

from press.labels import PANDOC_LABELS_FILE, labels_for
from press.translations import table_from_pandoc


def test_the_checked_in_labels_match_the_bundled_pandoc() -> None:
    """Regenerate with `python -m press.translations` when this fails after a Pandoc upgrade."""
    assert yaml.safe_load(PANDOC_LABELS_FILE.read_text(encoding="utf-8")) == table_from_pandoc()


def test_languages_without_hand_written_labels_take_pandoc_s_words() -> None:
    expected = {
        "bg": ("Библиография", "Съдържание"),
        "fi": ("Kirjallisuutta", "Sisällys"),
        "sv-FI": ("Litteraturförteckning", "Innehåll"),
        "fa": ("کتاب‌نامه", "فهرست"),
    }
    for lang, words in expected.items():
        labels = labels_for(lang)
        assert (labels["bibliography"], labels["contents"]) == words, lang
    assert labels_for("bg")["figure"] == "Фигура"
    assert labels_for("bg")["notes"] == "Notes"  # Pandoc has no word for it: English stands in


def test_a_hand_written_word_wins_over_pandoc_s() -> None:
    assert labels_for("ja")["bibliography"] == "参考文献"  # Pandoc: 文献目録
    assert labels_for("ru")["contents"] == "Содержание"


def test_hand_written_languages_stay_as_they_are() -> None:
    assert labels_for("de-CH")["by"] == "Von {names}"
    assert labels_for("de")["bibliography"] == "Literaturverzeichnis"
    assert labels_for("fr")["contents"] == labels_for("fr-CA")["contents"]
    assert labels_for("en-US")["bibliography"] == "Bibliography"
    assert labels_for("xx")["by"] == "By {names}"
