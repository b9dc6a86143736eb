"""Cross-references: the words the Lua filter writes, and the references it could not resolve.

The filter (filters/crossref.lua) numbers figures, tables, equations and sections
and turns `@fig:map` into "Figure 1" during the one Pandoc pass, before citeproc.
It is given the labels in the manuscript's language as metadata; a reference to an
identifier that does not exist comes back in Pandoc's log, and becomes an error
here with the line of the reference and the identifiers closest to it.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from .errors import Location, PressError
from .labels import labels_for

if TYPE_CHECKING:
    from .metadata import Manuscript
    from .pandoc import PandocOutput

#: What the filter's log entries for unresolved references start with; then the reference and the known identifiers.
MARKER = "press-crossref unknown"
UNKNOWN_REFERENCE = re.compile(rf"{MARKER} (\S+) among ?(.*)$", re.DOTALL)
#: The labels (templates/labels.yaml) the filter is given, each with its plural.
LABELS = ("figure", "table", "equation", "section", "listing")


def label_arguments(lang: str) -> list[str]:
    """Pandoc arguments giving the filter its words in the manuscript's language."""
    words = labels_for(lang)
    names = [*LABELS, *(f"{label}s" for label in LABELS), "and"]
    return [f"--metadata=press-label-{name}:{words[name]}" for name in names]


def is_unresolved_reference(message: str) -> bool:
    return MARKER in message


def unresolved(output: PandocOutput, manuscript: Manuscript) -> list[PressError]:
    """A problem for each reference to an identifier the manuscript does not define, naming the closest ones."""
    problems: list[PressError] = []
    for message in output.warnings:
        found = UNKNOWN_REFERENCE.search(message.text)
        if found is None:
            continue
        reference, known = found.group(1), found.group(2).split()
        wanted = reference[0].lower() + reference[1:]
        close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join('@' + name for name in close)}?" if close else ""
        defined = "" if known else " (nothing in the manuscript is labelled for cross-references)"
        problems.extend(
            PressError(f"unknown cross-reference '@{reference}'{defined}{hint}", location)
            for location in _reference_locations(manuscript, reference)
        )
    return list({str(problem): problem for problem in problems}.values())


def _reference_locations(manuscript: Manuscript, reference: str) -> list[Location]:
    pattern = re.compile(rf"@(?:{re.escape(reference)}|\{{{re.escape(reference)}\}})(?![\w:\-]*\w)")
    locations = [manuscript.location(found.start()) for found in pattern.finditer(manuscript.text)]
    return locations or [Location(manuscript.path)]
