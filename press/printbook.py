"""A book as the print edition sets it: what the print page needs beyond the text.

The stylesheet (print.css) sets each division on pages of its own: front matter
numbered in roman, the main matter in arabic from 1 at the first part or
chapter (the division marked `data-main-matter`), chapters opening on a recto,
running heads from each division heading's `data-running-head`. This module
marks the body for it, and gathers what the template prints around the body:
the lists of figures and of tables, endnotes grouped by chapter, and the index.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import lxml.html

from . import bookindex
from .divisions import roman_numeral
from .document import Document, Note
from .front import without_note_calls
from .labels import labels_for
from .markup import inner_html, parse_fragment

#: Divisions whose pages are numbered in roman.
FRONT = "front"
#: Divisions of the main matter: the first of them is page 1.
MAIN_MATTER = ("part", "chapter", "appendix")
#: Attributes the stylesheet reads: the running head and bookmark of a division's heading,
#: and the division where the arabic page numbers start.
RUNNING_HEAD = "data-running-head"
BOOKMARK = "data-bookmark"
MAIN_MATTER_START = "data-main-matter"
#: A figure that holds a table.
TABLE_FIGURE = "table-figure"
CAPTION_LABEL = "caption-label"
#: A code listing (filters/crossref.lua) stands in a figure, but in neither list.
LISTING = "listing"
#: The identifier given a captioned figure or table the author did not label, for the lists to link to.
CAPTIONED_ID = "captioned-{number}"


@dataclass(frozen=True)
class Captioned:
    """A figure or table for the lists of figures and tables: its label ("Figure 1") and caption."""

    identifier: str
    label: str
    caption: str


@dataclass(frozen=True)
class NoteGroup:
    """The endnotes of one division, under their head ("Notes to Chapter 3")."""

    heading: str
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class PrintBook:
    """What the print template sets around a book's text."""

    figures: tuple[Captioned, ...]
    tables: tuple[Captioned, ...]
    note_groups: tuple[NoteGroup, ...]
    index: tuple[bookindex.Group, ...]
    #: The index's marks, for a layout to tell their pages.
    index_marks: tuple[bookindex.Mark, ...]
    #: Identifiers of what stands in the front matter, whose pages are numbered in roman.
    front_targets: frozenset[str]
    #: The endnotes' running head ("Notes to pages {first}–{last}") cut around its two page numbers.
    notes_to_pages: tuple[str, str, str]
    #: The title as the half-title shows it: its notes are called from the title page.
    half_title_html: str | None


def prepare(
    body: lxml.html.HtmlElement,
    document: Document,
    endnotes: tuple[Note, ...],
    index_pages: Mapping[str, str] | None = None,
) -> PrintBook:
    """Mark the book's body for the stylesheet and gather its lists, notes and index.

    `endnotes` are the notes set at the back (none with footnotes: those are in the
    body by now); `index_pages` each index mark's page, once laid out (see
    `bookindex.index_groups`).
    """
    metadata = document.metadata
    note_fragments = [parse_fragment(note.html) for note in endnotes]
    marks = bookindex.mark_terms([body, *note_fragments])
    marked_notes = tuple(
        replace(note, html=inner_html(fragment)) for note, fragment in zip(endnotes, note_fragments, strict=True)
    )
    figures = tuple(captioned(body, tables=False)) if metadata.list_of_figures else ()
    tables = tuple(captioned(body, tables=True)) if metadata.list_of_tables else ()
    divisions = {division.identifier: division for division in document.divisions}
    start = main_matter_start(document)
    front_targets: set[str] = set()
    for section in body:
        division = divisions.get(section.get("id", ""))
        if division is None:
            continue
        heading = section.find("h2")
        if heading is not None:
            heading.set(RUNNING_HEAD, division.running_head)
            heading.set(BOOKMARK, division.numbered_title)
        if division.identifier == start:
            section.set(MAIN_MATTER_START, "")
        if division.kind == FRONT:
            front_targets.update(str(element.get("id")) for element in section.iter() if element.get("id"))
    return PrintBook(
        figures=figures,
        tables=tables,
        note_groups=note_groups(marked_notes, document),
        index=bookindex.index_groups(marks, index_pages),
        index_marks=tuple(marks),
        front_targets=frozenset(front_targets),
        notes_to_pages=around_page_numbers(labels_for(metadata.lang)["notes_to_pages"]),
        half_title_html=without_note_calls(document.front).title_html,
    )


def main_matter_start(document: Document) -> str | None:
    """The identifier of the division that is page 1: the first part, chapter or appendix."""
    return next((division.identifier for division in document.divisions if division.kind in MAIN_MATTER), None)


def page_labels(count: int, main_start: int | None) -> list[str]:
    """Each page's number as printed: roman (i, ii…) before the page index `main_start`, arabic from 1 there."""
    first_arabic = count if main_start is None else main_start
    return [roman_numeral(index + 1).lower() for index in range(first_arabic)] + [
        str(index - first_arabic + 1) for index in range(first_arabic, count)
    ]


def captioned(body: lxml.html.HtmlElement, tables: bool) -> Iterable[Captioned]:
    """The figures (or the tables) with captions, in order; each given an identifier if it has none."""
    for number, figure in enumerate(body.iter("figure"), start=1):
        caption = figure.find("figcaption")
        classes = figure.get("class", "").split()
        if caption is None or (TABLE_FIGURE in classes) != tables or LISTING in classes:
            continue
        shown = parse_fragment(inner_html(caption))
        label = ""
        for found in shown.find_class(CAPTION_LABEL):
            label = found.text_content().strip().rstrip(":")
            found.drop_tree()
        text = " ".join(shown.text_content().split())
        if not figure.get("id"):
            figure.set("id", CAPTIONED_ID.format(number=number))
        yield Captioned(figure.get("id", ""), label, text)


def note_groups(notes: tuple[Note, ...], document: Document) -> tuple[NoteGroup, ...]:
    """The endnotes by division, in the book's order, each group under its head ("Notes to Chapter 3")."""
    words = labels_for(document.metadata.lang)
    groups = []
    for division in document.divisions:
        found = tuple(note for note in notes if note.division == division.identifier)
        if found:
            named = division.label or division.title
            groups.append(NoteGroup(words["notes_to_chapter"].format(chapter=named), found))
    placed = {note.identifier for group in groups for note in group.notes}
    # The notes of no division, the front matter's, before the first division's.
    others = tuple(note for note in notes if note.identifier not in placed)
    return ((NoteGroup("", others),) if others else ()) + tuple(groups)


def around_page_numbers(label: str) -> tuple[str, str, str]:
    """ "Notes to pages {first}–{last}" as the text before {first}, between the two, and after {last}."""
    pieces = [literal for literal, _, _, _ in string.Formatter().parse(label)]
    pieces += [""] * (3 - len(pieces))
    return pieces[0], pieces[1], pieces[2]
