"""What only `build.py check` looks for, beyond what every build reports.

`press.api.check` runs the build's own loader with a reporter that collects
instead of stopping, so the check reports exactly what a build would, and
then these findings. Each is one line, `file:line:column: error|warning:
message`; the check fails when any is an error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from . import bibliography
from .book import read_source
from .csl import resolve_style
from .document import Document
from .errors import Diagnostic as Finding
from .errors import Location, PressError, Reporter, location_of
from .metadata import Manuscript, Metadata

CSL_NAMESPACE = "{http://purl.org/net/xbiblio/csl}"
#: Fields a reader needs to find a work again, by CSL type; checked only when the style prints them.
ESSENTIAL_FIELDS = {
    "article-journal": ("author", "title", "issued", "container-title"),
    "article-newspaper": ("title", "issued", "container-title"),
    "article-magazine": ("title", "issued", "container-title"),
    "book": ("author", "title", "issued", "publisher"),
    "thesis": ("author", "title", "issued", "publisher"),
    "report": ("title", "issued", "publisher"),
    "webpage": ("title", "URL"),
    "motion_picture": ("title", "issued"),
}
DEFAULT_ESSENTIAL_FIELDS = ("title", "issued")
CREATOR_FIELDS = ("author", "editor", "translator", "director", "container-author")


def lint(document: Document, reporter: Reporter, chapters: Sequence[Path] = ()) -> None:
    """The findings only `check` makes, on a document the loader has read: bibliography
    entries duplicated, never cited or lacking what the style prints. (The loader reports links to
    nothing, images without alternative text and skipped heading levels.)
    `chapters` are the chapter files the command line adds to the manuscript."""
    metadata = document.metadata
    # The loader has reported what reading the manuscript finds; read again, it only locates the findings.
    manuscript = read_source(metadata.source, Reporter(collect=True), chapters)
    # The loader resolved and confined the style already.
    style = resolve_style(metadata.csl, metadata.source.parent, metadata.location("csl"), confined=False)
    entries = _bibliography(metadata, reporter)
    for finding in [
        *_unused_entries(manuscript, entries, metadata),
        *_incomplete_entries(entries, metadata, style),
    ]:
        if finding.severity == "error":
            reporter.fail(PressError(finding.message, finding.location))
        else:
            reporter.warn(finding.message, finding.location)


def _bibliography(metadata: Metadata, reporter: Reporter) -> list[dict[str, Any]]:
    if metadata.bibliography is None:
        return []
    try:
        entries = bibliography.read_entries(metadata.bibliography)
    except PressError as error:
        reporter.fail(error)
        return []
    counts = Counter(str(entry.get("id")) for entry in entries)
    for key, count in counts.items():
        if count > 1:
            reporter.fail(
                PressError(f"duplicate key '{key}' ({count} entries)", _key_location(metadata.bibliography, key))
            )
    return entries


def _unused_entries(manuscript: Manuscript, entries: list[dict[str, Any]], metadata: Metadata) -> list[Finding]:
    if metadata.bibliography is None or re.search(r"nocite:.*@\*", manuscript.front_matter):
        return []
    cited = set(re.findall(r"@\{?([\w][\w:.#$%&\-+?<>~/]*\w|\w)", manuscript.text))
    return [
        Finding("warning", f"entry '{entry['id']}' is never cited", _key_location(metadata.bibliography, entry["id"]))
        for entry in entries
        if entry.get("id") not in cited
    ]


def _incomplete_entries(entries: list[dict[str, Any]], metadata: Metadata, style: Path) -> list[Finding]:
    if metadata.bibliography is None:
        return []
    printed = _style_variables(style)
    findings = []
    for entry in entries:
        wanted = ESSENTIAL_FIELDS.get(str(entry.get("type")), DEFAULT_ESSENTIAL_FIELDS)
        missing = []
        for name in wanted:
            if name == "author":
                if not any(entry.get(creator) for creator in CREATOR_FIELDS) and "author" in printed:
                    missing.append("author (or editor)")
            elif name in printed and not entry.get(name):
                missing.append(name)
        if missing:
            findings.append(
                Finding(
                    "warning",
                    f"entry '{entry.get('id')}' ({entry.get('type')}) lacks {', '.join(missing)},"
                    " which the style prints",
                    _key_location(metadata.bibliography, str(entry.get("id"))),
                )
            )
    return findings


def _style_variables(style: Path) -> set[str]:
    tree = etree.parse(str(style))
    names: set[str] = set()
    for element in tree.iter():
        for attribute in ("variable", "name"):
            value = element.get(attribute)
            if value and element.tag in (f"{CSL_NAMESPACE}{tag}" for tag in ("text", "names", "date", "number")):
                names.update(value.split())
    return names


def _key_location(path: Path, key: str) -> Location:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = re.search(rf"(@\w+\s*\{{\s*|id:\s*[\"']?|\"id\":\s*\"){re.escape(key)}\b", text)
    return location_of(text, found.end() - len(key), path) if found else Location(path)
