"""`build.py check`: everything that can be wrong with a manuscript, found without building.

Each finding is one line, `file:line:column: error|warning: message`; the
check fails when any finding is an error.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from . import bibliography, pandoc, raw
from .cache import BuildCache
from .csl import resolve_style
from .document import identify_image
from .errors import CombinedError, Location, PressError, location_of
from .markup import name_anchors_as_identifiers, parse_fragment
from .metadata import Manuscript, Metadata, load_metadata, read_manuscript

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


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str
    location: Location | None

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location is not None else ""
        return f"{prefix}{self.severity}: {self.message}"


def check(manuscript_path: Path, cache: BuildCache) -> list[Finding]:
    """Every problem found in the manuscript, its front matter, bibliography and images."""
    findings: list[Finding] = []
    manuscript_path = manuscript_path.resolve()
    try:
        manuscript = read_manuscript(manuscript_path)
        metadata = load_metadata(manuscript)
        style = resolve_style(metadata.csl, manuscript_path.parent, metadata.location("csl"))
    except PressError as error:
        return _errors(error)
    entries = _bibliography(metadata, findings)
    try:
        output = pandoc.convert(manuscript, metadata, style, cache)
    except PressError as error:
        findings += _errors(error)
        return findings
    fragment = parse_fragment(output.html)
    name_anchors_as_identifiers(fragment)  # as the build does: `<a name>` anchors are link targets
    findings += [
        Finding("warning", message, location) for message, location in raw.carry_raw_html(fragment, manuscript)
    ]
    try:
        pandoc.check_citations(output, manuscript, metadata)
    except PressError as error:
        findings += _errors(error)
    findings += [
        Finding("warning", message, location) for message, location in pandoc.other_warnings(output, manuscript)
    ]
    findings += _unused_entries(manuscript, entries, metadata)
    findings += _incomplete_entries(entries, metadata, style)
    findings += _images(fragment, manuscript)
    findings += _internal_links(fragment, manuscript)
    findings += _heading_levels(fragment, manuscript)
    return findings


def _errors(error: PressError) -> list[Finding]:
    problems = error.problems if isinstance(error, CombinedError) else [error]
    return [Finding("error", problem.message, problem.location) for problem in problems]


def _bibliography(metadata: Metadata, findings: list[Finding]) -> list[dict[str, Any]]:
    if metadata.bibliography is None:
        return []
    try:
        entries = bibliography.read_entries(metadata.bibliography)
    except PressError as error:
        findings += _errors(error)
        return []
    counts = Counter(str(entry.get("id")) for entry in entries)
    for key, count in counts.items():
        if count > 1:
            findings.append(
                Finding("error", f"duplicate key '{key}' ({count} entries)", _key_location(metadata.bibliography, key))
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


def _images(fragment: Any, manuscript: Manuscript) -> list[Finding]:
    findings = []
    for image in fragment.iter("img"):
        source = image.get("src", "")
        location = manuscript.locate(source)
        if not image.get("alt", "").strip():
            findings.append(Finding("error", f"image '{source}' has no alternative text", location))
        parts = urlsplit(source)
        if parts.scheme or parts.netloc:
            findings.append(Finding("error", f"image '{source}' is not a file beside the manuscript", location))
            continue
        path = manuscript.path.parent / unquote(parts.path)
        if not path.is_file():
            findings.append(Finding("error", f"image not found: {source}", location))
            continue
        try:
            identify_image(path, location)
        except PressError as error:
            findings.append(Finding("error", error.message, location))
    return findings


def _internal_links(fragment: Any, manuscript: Manuscript) -> list[Finding]:
    identifiers = {element.get("id") for element in fragment.iter() if element.get("id")}
    return [
        Finding(
            "error",
            f"link to '{link.get('href')}', which is not an identifier in the text",
            manuscript.locate(link.get("href", "")),
        )
        for link in fragment.iter("a")
        if link.get("href", "").startswith("#") and link.get("href", "")[1:] not in identifiers
    ]


def _heading_levels(fragment: Any, manuscript: Manuscript) -> list[Finding]:
    findings = []
    previous = 1
    for heading in fragment.iter("h2", "h3", "h4", "h5", "h6"):
        level = int(heading.tag[1])
        if level > previous + 1:
            text = heading.text_content().strip()
            findings.append(
                Finding(
                    "warning",
                    f"heading '{text}' skips a level ({'#' * (previous - 1)} to {'#' * (level - 1)})",
                    manuscript.locate(text),
                )
            )
        previous = level
    return findings


def _key_location(path: Path, key: str) -> Location:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = re.search(rf"(@\w+\s*\{{\s*|id:\s*[\"']?|\"id\":\s*\"){re.escape(key)}\b", text)
    return location_of(text, found.end() - len(key), path) if found else Location(path)
