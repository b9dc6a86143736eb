"""The words the editions print around the text, in the manuscript's language (templates/labels.yaml)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import yaml

from . import TEMPLATES_DIR

LABELS_FILE = TEMPLATES_DIR / "labels.yaml"
FALLBACK = "en"


@cache
def labels_for(lang: str) -> dict[str, Any]:
    """The labels for a BCP 47 language tag, English where the language or a word is missing."""
    table = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    primary = lang.split("-")[0].lower()
    return {**table[FALLBACK], **table.get(primary, {})}


def join_names(names: Sequence[str], lang: str = FALLBACK) -> str:
    """'A', 'A and B', 'A, B, and C', in the language's words ('A, B und C')."""
    words = labels_for(lang)
    if len(names) <= 2:
        return f" {words['and']} ".join(names)
    comma = "," if words["serial_comma"] else ""
    return f"{', '.join(names[:-1])}{comma} {words['and']} {names[-1]}"
