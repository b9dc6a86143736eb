"""A book's index: the terms its author marks in the text, gathered under their headings by letter.

An author marks a term where it is discussed:

- `[Eddystone]{.index}` lists the page under the words marked ("Eddystone");
- `[Smeaton's tower]{.index entry="Eddystone"}` lists it under the heading given;
- `[Argand's lamp]{.index entry="Lamps!Argand"}` lists it under the sub-heading "Argand"
  of "Lamps" (makeindex's `!`; one level).

Headings are sorted as readers look them up: without regard to case or accents
(É with E), quotes and punctuation around them left aside; each letter's headings stand under
that letter, and headings that start with a digit or a sign come first, under
no letter. Each mark becomes a link target (its `id`), so that the print edition
can give the page it falls on; a heading lists each page once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import lxml.html

#: The class that marks a term.
INDEX_CLASS = "index"
#: The attribute (Pandoc writes `entry=` as `data-entry`) naming the heading a mark is listed under.
ENTRY_ATTRIBUTE = "data-entry"
#: Separates a heading from its sub-heading in `entry` (as makeindex's `\index{lamps!Argand}`).
SUBENTRY_SEPARATOR = "!"
#: The identifier each mark is given, numbered through the book.
MARK_ID = "index-mark-{number}"


@dataclass(frozen=True)
class Mark:
    """A place the author marked a term: its identifier and the (sub-)heading it is listed under."""

    identifier: str
    heading: str
    subheading: str | None


@dataclass(frozen=True)
class Entry:
    """A heading of the index with the marks that list it, and its sub-headings."""

    heading: str
    marks: tuple[Mark, ...]
    subentries: tuple[Entry, ...] = ()
    #: The marks as runs of consecutive pages, each its first and last mark (the same mark
    #: for a page alone): a heading on pages 12, 13 and 14 prints "12–14".
    runs: tuple[tuple[Mark, Mark], ...] = ()


@dataclass(frozen=True)
class Group:
    """The headings under one letter ("" for those starting with a digit or a sign)."""

    letter: str
    entries: tuple[Entry, ...]


def mark_terms(fragments: Iterable[lxml.html.HtmlElement]) -> list[Mark]:
    """Give every marked term of the fragments, in order, an identifier; return the marks."""
    marks: list[Mark] = []
    for fragment in fragments:
        for span in fragment.iter("span"):
            if INDEX_CLASS not in span.get("class", "").split():
                continue
            written = span.get(ENTRY_ATTRIBUTE) or span.text_content()
            heading, _, subheading = (" ".join(part.split()) for part in written.partition(SUBENTRY_SEPARATOR))
            if not heading:
                continue  # an empty mark lists nothing
            identifier = span.get("id") or MARK_ID.format(number=len(marks) + 1)
            span.set("id", identifier)
            marks.append(Mark(identifier, heading, subheading or None))
    return marks


def sort_key(heading: str) -> str:
    """The heading as the index orders it: accents and case folded, quotes and signs around it left aside."""
    folded = "".join(
        character
        for character in unicodedata.normalize("NFKD", heading.casefold())
        if not unicodedata.combining(character)
    )
    return folded.strip(" \"'‘’“”«»()[]{}¿¡*-–—.,;:!?")


def index_groups(marks: Iterable[Mark], pages: Mapping[str, str] | None = None) -> tuple[Group, ...]:
    """The marks as an index: headings (with their sub-headings) in order, under their letters.

    With `pages` (each mark's page, once laid out: its number as printed), a heading keeps one
    mark per page, and pages numbered one after another in arabic figures make a run.
    """
    headings: dict[str, dict[str | None, list[Mark]]] = {}
    for mark in marks:
        headings.setdefault(mark.heading, {}).setdefault(mark.subheading, []).append(mark)
    entries = []
    for heading, by_subheading in headings.items():
        subentries = tuple(
            _entry(subheading, found, pages)
            for subheading, found in sorted(by_subheading.items(), key=lambda item: sort_key(item[0] or ""))
            if subheading is not None
        )
        entries.append(_entry(heading, by_subheading.get(None, []), pages, subentries))
    entries.sort(key=lambda entry: (sort_key(entry.heading), entry.heading))
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(_letter(entry.heading), []).append(entry)
    return tuple(Group(letter, tuple(found)) for letter, found in groups.items())


def _entry(
    heading: str, marks: list[Mark], pages: Mapping[str, str] | None, subentries: tuple[Entry, ...] = ()
) -> Entry:
    kept = _one_a_page(marks, pages)
    return Entry(heading, kept, subentries, _runs(kept, pages or {}))


def _runs(marks: tuple[Mark, ...], pages: Mapping[str, str]) -> tuple[tuple[Mark, Mark], ...]:
    """The marks (one a page, in the book's order) as runs of pages numbered one after another.

    Only arabic page numbers run: front matter's roman ones are few, and a run may not cross
    from roman into arabic numbering.
    """
    runs: list[tuple[Mark, Mark]] = []
    for mark in marks:
        if runs and _follows(pages.get(runs[-1][1].identifier), pages.get(mark.identifier)):
            runs[-1] = (runs[-1][0], mark)
        else:
            runs.append((mark, mark))
    return tuple(runs)


def _follows(page: str | None, next_page: str | None) -> bool:
    if page is None or next_page is None or not (page.isdecimal() and next_page.isdecimal()):
        return False
    return int(next_page) == int(page) + 1


def _one_a_page(marks: list[Mark], pages: Mapping[str, str] | None) -> tuple[Mark, ...]:
    if pages is None:
        return tuple(marks)
    kept: dict[str, Mark] = {}
    for mark in marks:
        kept.setdefault(pages.get(mark.identifier, mark.identifier), mark)
    return tuple(kept.values())


def _letter(heading: str) -> str:
    first = sort_key(heading)[:1]
    return first.upper() if first.isalpha() else ""
