"""Raw markup that no edition can carry: reported, with its line, never dropped in silence.

Pandoc's HTML writer keeps raw HTML and leaves out raw markup of any other
format (the raw LaTeX that `filters/raw-tex.lua` could not convert, raw blocks
for Word or groff…), logging each piece it left out. Those records become
warnings here, each at the place of the piece in the manuscript.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from .errors import Location, location_of
from .metadata import Manuscript

#: The types of Pandoc's log entries for raw markup its writer left out.
NOT_RENDERED = frozenset(("InlineNotRendered", "BlockNotRendered"))
TEX_FORMATS = frozenset(("tex", "latex"))
#: How much of a dropped piece a warning quotes.
QUOTED_LENGTH = 60


def source(entry: Mapping[str, Any]) -> tuple[str, str]:
    """The format and the text of the raw markup a log entry of `NOT_RENDERED` type names."""
    contents = entry.get("contents") or {}
    format_and_text = contents.get("c") if isinstance(contents, Mapping) else None
    if isinstance(format_and_text, list) and len(format_and_text) == 2:
        return str(format_and_text[0]), str(format_and_text[1])
    return "", ""


def dropped(left_out: list[tuple[str, str]], manuscript: Manuscript) -> list[tuple[str, Location]]:
    """A warning for each piece of raw markup (format, text) left out, in the order Pandoc wrote them.

    The n-th piece with a given text is placed at the n-th place that text occurs in the
    manuscript (Markdown has no source positions in Pandoc's model).
    """
    seen: Counter[str] = Counter()
    warnings = []
    for format_name, text in left_out:
        if not text.strip():
            continue
        warnings.append((describe(format_name, text), _place(manuscript, text, seen[text])))
        seen[text] += 1
    return warnings


def describe(format_name: str, text: str) -> str:
    """What was dropped and why, quoting the start of its source."""
    quoted = quote(text)
    if format_name in TEX_FORMATS:
        return f"raw LaTeX {quoted} dropped: no edition can show it (only LaTeX that Pandoc can read is converted)"
    return f"raw {format_name} {quoted} dropped: the editions carry raw HTML only"


def quote(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) > QUOTED_LENGTH:
        one_line = one_line[: QUOTED_LENGTH - 1] + "…"
    return f"'{one_line}'"


def _place(manuscript: Manuscript, text: str, occurrence: int) -> Location:
    """The n-th (from 0) place the text occurs in the manuscript, or its last, or its first line's."""
    for needle in (text, text.strip().splitlines()[0]):
        offsets = _offsets(manuscript.text, needle)
        if offsets:
            return location_of(manuscript.text, offsets[min(occurrence, len(offsets) - 1)], manuscript.path)
    return Location(manuscript.path)


def _offsets(text: str, needle: str) -> list[int]:
    offsets = []
    start = text.find(needle)
    while start >= 0:
        offsets.append(start)
        start = text.find(needle, start + len(needle))
    return offsets
