"""The words the editions print around the text, in the manuscript's language.

templates/labels.yaml holds the languages written by hand; for the others, the
words Pandoc's own translations give (templates/pandoc-labels.yaml, made by
press.translations) stand in, and English for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import yaml

from . import TEMPLATES_DIR

LABELS_FILE = TEMPLATES_DIR / "labels.yaml"
PANDOC_LABELS_FILE = TEMPLATES_DIR / "pandoc-labels.yaml"
FALLBACK = "en"
#: Regions whose Chinese is written in traditional characters.
TRADITIONAL_CHINESE = {"zh-tw": "zh-hant", "zh-hk": "zh-hant", "zh-mo": "zh-hant"}


@cache
def labels_for(lang: str) -> dict[str, Any]:
    """The labels for a BCP 47 language tag: written by hand, else from Pandoc's
    translations (the most specific tag first: zh-Hant-TW, zh-Hant, zh), else English."""
    table = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    from_pandoc = yaml.safe_load(PANDOC_LABELS_FILE.read_text(encoding="utf-8"))
    tag = lang.lower()
    for region, script in TRADITIONAL_CHINESE.items():
        if tag == region or tag.startswith(region + "-"):
            tag = script
    subtags = tag.split("-")
    candidates = ["-".join(subtags[:length]) for length in range(len(subtags), 0, -1)]
    translated: dict[str, str] = next((from_pandoc[name] for name in candidates if name in from_pandoc), {})
    return {**table[FALLBACK], **from_pandoc.get(FALLBACK, {}), **translated, **table.get(subtags[0], {})}


def language_name(lang: str) -> str | None:
    """The name of a language in itself ('Deutsch' for de-AT), for the languages written by hand."""
    table = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    name = table.get(lang.lower().split("-")[0], {}).get("language_name")
    return str(name) if name else None


def join_names(names: Sequence[str], lang: str = FALLBACK) -> str:
    """'A', 'A and B', 'A, B, and C', in the language's words ('A, B und C')."""
    words = labels_for(lang)
    if len(names) <= 2:
        return f" {words['and']} ".join(names)
    comma = "," if words["serial_comma"] else ""
    return f"{', '.join(names[:-1])}{comma} {words['and']} {names[-1]}"
