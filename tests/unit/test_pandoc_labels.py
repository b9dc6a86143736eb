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
        "ru": ("Литература", "Содержание"),
        "zh-Hans": ("文献目录", "目录"),
        "zh": ("文献目录", "目录"),
        "zh-Hant": ("文獻目錄", "目錄"),
        "zh-TW": ("文獻目錄", "目錄"),
        "ja": ("文献目録", "目次"),
        "ko": ("참고문헌", "차례"),
        "ar": ("المصادر", "المحتويات"),
        "he": ("ביבליוגרפיה", "תוכן העניינים"),
        "hi": ("संदर्भ-ग्रन्थ", "अनुक्रम"),
        "th": ("บรรณานุกรม", "สารบัญ"),
        "el-GR": ("Βιβλιογραφία", "Περιεχόμενα"),
    }
    for lang, words in expected.items():
        labels = labels_for(lang)
        assert (labels["bibliography"], labels["contents"]) == words, lang
    assert labels_for("ja")["figure"] == "図"
    assert labels_for("ru")["notes"] == "Notes"  # Pandoc has no word for it: English stands in


def test_hand_written_languages_stay_as_they_are() -> None:
    assert labels_for("de-CH")["by"] == "Von"
    assert labels_for("de")["bibliography"] == "Literaturverzeichnis"
    assert labels_for("fr")["contents"] == labels_for("fr-CA")["contents"]
    assert labels_for("en-US")["bibliography"] == "Bibliography"
    assert labels_for("xx")["by"] == "By"
