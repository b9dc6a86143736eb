"""The words the editions print around the text, in the manuscript's language.

templates/labels.yaml holds the languages written by hand; for the others, the
words Pandoc's own translations give (templates/pandoc-labels.yaml, made by
press.translations) stand in, and English for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import yaml
from markupsafe import Markup, escape

from . import TEMPLATES_DIR

LABELS_FILE = TEMPLATES_DIR / "labels.yaml"
PANDOC_LABELS_FILE = TEMPLATES_DIR / "pandoc-labels.yaml"
FALLBACK = "en"
#: Regions whose Chinese is written in traditional characters.
TRADITIONAL_CHINESE = {"zh-tw": "zh-hant", "zh-hk": "zh-hant", "zh-mo": "zh-hant"}


def language_tags(lang: str) -> list[str]:
    """The tags a BCP 47 language tag falls back on, the least specific first, lower case:
    zh-Hant-TW gives zh, zh-hant, zh-hant-tw; zh-TW, written in traditional characters, zh and zh-hant."""
    tag = lang.lower()
    for region, script in TRADITIONAL_CHINESE.items():
        if tag == region or tag.startswith(region + "-"):
            tag = script + tag.removeprefix(region)
    subtags = tag.split("-")
    return ["-".join(subtags[:length]) for length in range(1, len(subtags) + 1)]


@cache
def labels_for(lang: str) -> dict[str, str]:
    """The labels for a BCP 47 language tag: English, over it Pandoc's words for the tags it falls
    back on, over them the hand-written ones; within each, the most specific tag wins."""
    hand_written = _table(LABELS_FILE)
    from_pandoc = _table(PANDOC_LABELS_FILE)
    labels: dict[str, str] = {**from_pandoc.get(FALLBACK, {}), **hand_written[FALLBACK]}
    for table in (from_pandoc, hand_written):
        for tag in language_tags(lang):
            labels.update(table.get(tag, {}))
    return labels


@cache
def _table(path: Path) -> dict[str, dict[str, str]]:
    """A table of labels by language tag. Read with libyaml's loader: the toolchain's own
    tables are trusted and large (Pandoc's words for seventy languages), and the pure-Python
    loader took a tenth of an essay's build to read them. Its base loader reads every value as
    the string written (a table of words has no numbers, and Norwegian's tag `no` is no false),
    a quarter faster than the safe loader, which tries each for a number or a boolean."""
    table: dict[str, dict[str, str]] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CBaseLoader)
    return table


def language_name(lang: str) -> str | None:
    """The name of a language in itself ('Deutsch' for de-AT), for the languages written by hand."""
    hand_written = _table(LABELS_FILE)
    tables = [hand_written.get(tag, {}) for tag in language_tags(lang)]
    names = [table["language_name"] for table in tables if "language_name" in table]
    return str(names[-1]) if names else None


def join_names(names: Sequence[str], lang: str = FALLBACK) -> str:
    """'A', 'A and B', 'A, B, and C', in the language's words ('A, B und C', '甲、乙、丙')."""
    words = labels_for(lang)
    if len(names) <= 2:
        return words["pair_separator"].join(names)
    return words["list_separator"].join(names[:-1]) + words["last_separator"] + names[-1]


def short_names(names: Sequence[str], lang: str = FALLBACK) -> str:
    """The names as a running head gives them: 'A', 'A and B', and 'A et al.' for three or more (in the
    language's words: 'A 等'), which would not stand on one line beside the title."""
    if len(names) <= 2:
        return join_names(names, lang)
    return labels_for(lang)["et_al"].format(name=names[0])


def fill(pattern: str, **parts: str) -> Markup:
    """A label's pattern with its {placeholders} filled, as markup: the pattern's own words
    escaped, each part escaped too unless it is markup already (a <cite>, a <span> of names)."""
    return escape(pattern).format(**parts)
