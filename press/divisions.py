"""The divisions of a book: front matter, parts, chapters, appendices and back matter.

Pandoc's HTML of a book is a row of top-level sections, one per `#` heading. This
module tells what each one is and numbers it, as Quarto and bookdown write books:

- a part is a heading with the class `part` (`# Part one {.part}`), bookdown's
  `# (PART) Part one {-}`, or a part of the book's `chapters:` list;
- an appendix is a heading with the class `appendix`, a file of the book's
  `appendices:`, or any chapter after bookdown's `# (APPENDIX) Appendix {-}`;
- unnumbered chapters (`{-}`, `{.unnumbered}`) before the first numbered one are
  front matter (a preface, a foreword), and after the last one back matter (an
  afterword, acknowledgements); text before the first heading is front matter too.

Parts are numbered I, II…, chapters 1, 2… through the book, appendices A, B…
(unless `number-sections: false`). Each division's heading gains its label
("Chapter 3"); each division becomes one top-level element of the body with its
identifier, so that an edition can set each in a file or page of its own. Notes
are numbered afresh in each chapter; so are figures, tables, listings, equations,
theorems and callouts, after their chapter's number ("Figure 3.2", "(A.1)"), as
Quarto, bookdown and LaTeX number a book's (`crossref: {chapters: false}` numbers
them through the book).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import lxml.html

from .labels import labels_for
from .mathematics import shown_text

if TYPE_CHECKING:
    from .document import Note

#: The class press.book gives each chapter file's division.
DIVISION_CLASS = "press-division"
#: The separator between a heading's label and its title, which readers hear and print does not show.
SEPARATOR_CLASS = "division-separator"
#: The class of what a page break of the manuscript becomes (`\\newpage`: filters/raw-tex.lua).
PAGE_BREAK = "page-break"
KINDS = ("front", "part", "chapter", "appendix", "back")
#: A division's heading (a `#` heading, shifted a level below the title's h1), and those of the sections in it.
DIVISION_HEADING = "h2"
SECTION_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
#: Pandoc's class for a section's level (`--section-divs`).
LEVEL_CLASS = re.compile(r"\blevel(\d)\b")
#: The numbers the cross-reference filter writes, by their class, each kind numbered through the text: the labels
#: of figures', tables' and listings' captions ("Figure 3:"), equations', theorems' and callouts'.
SERIES_NUMBERS = ("caption-label", "equation-number", "theorem-number", "callout-number")
#: The classes of what carries such a number besides a figure: an equation, a theorem (or the like), a callout.
NUMBERED_CLASSES = frozenset(("equation", "theorem-like", "callout"))
#: A number the filter wrote, and a reference's number (with a subfigure's letter after it: "3 (a)").
FILTER_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")
#: A heading's shorter title for the running heads, as Pandoc writes the attribute `{short-title="…"}`.
SHORT_TITLE = "data-short-title"
#: bookdown's marker headings.
BOOKDOWN_PART = re.compile(r"^\s*\(PART\\?\*?\)\s*")
BOOKDOWN_APPENDIX = re.compile(r"^\s*\(APPENDIX\)\s*")
ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


@dataclass(frozen=True)
class Division:
    """One division of a book, in reading order."""

    kind: str
    #: The identifier of its element in the body (its heading's section).
    identifier: str
    #: Its title as plain text, without its label; empty for text before any heading.
    title: str
    #: "I", "3", "A"; None when unnumbered.
    number: str | None
    #: "Part I", "Chapter 3", "Appendix A", in the book's language; None when unnumbered.
    label: str | None
    #: The file it comes from, for a book in several files.
    source: Path | None
    #: The identifier of the part it belongs to, if any.
    part: str | None
    #: What stands between its label and its title, in the book's language ("第1章：开端").
    colon: str = ": "
    #: The shorter title its author gave its heading for the running heads (`{short-title="…"}`), if any.
    short_title: str = ""

    @property
    def numbered_title(self) -> str:
        """The title with its label, as a table of contents or a bookmark gives it."""
        return f"{self.label}{self.colon}{self.title}" if self.label and self.title else self.label or self.title

    @property
    def running_head(self) -> str:
        """What the running heads over its pages say: its short title, or its title."""
        return self.short_title or self.title


def divide(fragment: lxml.html.HtmlElement, lang: str, folder: Path, numbered: bool = True) -> tuple[Division, ...]:
    """Make each top-level element of a book's text one division, and say what each is."""
    elements = list(_top_level(fragment, folder))
    for element, _, _ in elements:
        _raise_to_division_level(element)
    kinds = _kinds(elements)
    words = labels_for(lang)
    counters = {"part": 0, "chapter": 0, "appendix": 0}
    divisions = []
    part: str | None = None
    for index, ((element, _, source), kind) in enumerate(zip(elements, kinds, strict=True)):
        without_closing_page_breaks(element)
        heading = element.find("h2")
        identifier = element.get("id") or f"division-{index + 1}"
        element.set("id", identifier)
        element.set("data-division", kind)
        number = label = None
        unnumbered = "unnumbered" in element.get("class", "").split() or heading is None
        if kind in counters and not unnumbered and numbered:
            counters[kind] += 1
            number = _number(kind, counters[kind])
            label = words[f"{kind}_number"].format(number=number, **{kind: words[kind]})
            element.set("data-number", number)
        if kind == "part":
            part = identifier
        elif kind != "chapter":
            part = None  # front matter, appendices and back matter stand outside the parts
        if part is not None and kind != "part":
            element.set("data-part", part)
        title = " ".join(shown_text(heading).split()) if heading is not None else ""
        # Pandoc gives a heading's attributes to its section as well as to the heading.
        short_title = " ".join(str(element.get(SHORT_TITLE) or "").split()) if heading is not None else ""
        if heading is not None and label:
            _label_heading(heading, label, words["colon"])
        part_of = part if kind != "part" else None
        divisions.append(Division(kind, identifier, title, number, label, source, part_of, words["colon"], short_title))
    return tuple(divisions)


def name_divisions_in_references(element: lxml.html.HtmlElement, divisions: Iterable[Division]) -> bool:
    """Make each cross-reference to a numbered division read as the division is labelled: "Chapter 2",
    "Appendix A", or its number alone ("A") where the reference gave the number alone (`[-@sec:data]`,
    bookdown's `\\@ref(data)`). The cross-reference filter, which knows headings, not divisions, wrote
    "Section 2" (and "Section 7" for an appendix). Whether any was changed."""
    labelled = {division.identifier: division for division in divisions if division.label and division.number}
    changed = False
    for link in element.iter("a"):
        if "cross-ref" not in link.get("class", "").split():
            continue
        division = labelled.get(unquote(link.get("href", ""))[1:])
        if division is None:
            continue
        named = any(space in link.text_content().strip() for space in (" ", "\u00a0"))
        for child in list(link):
            link.remove(child)
        link.text = division.label if named else division.number
        changed = True
    return changed


def number_by_division(fragment: lxml.html.HtmlElement, divisions: Iterable[Division]) -> dict[str, str]:
    """Number the figures, tables, listings, equations, theorems and callouts of each numbered chapter and
    appendix afresh, after its number (the cross-reference filter numbered them through the book); those of
    unnumbered divisions keep their numbers. The new number of each, by its identifier (a subfigure's is its
    figure's: "Figure 2.3 (a)"), for `renumber_references` in the text and wherever else references are."""
    prefixes = {division.identifier: division.number for division in divisions if division.number}
    kinds = {division.identifier: division.kind for division in divisions}
    renumbered: dict[str, str] = {}
    for element in fragment:
        prefix = prefixes.get(element.get("id", ""))
        if prefix is None or kinds.get(element.get("id", "")) not in ("chapter", "appendix"):
            continue
        counters: dict[str, int] = {}
        for label in element.iter("span"):
            series = next((name for name in SERIES_NUMBERS if name in label.get("class", "").split()), None)
            found = FILTER_NUMBER.search(label.text_content()) if series else None
            if found is None:
                continue
            kind = f"{series} {label.text_content()[: found.start()].strip()}"  # "caption-label Figure"
            counters[kind] = counters.get(kind, 0) + 1
            number = f"{prefix}.{counters[kind]}"
            _replace_number(label, number)
            numbered = next((up for up in label.iterancestors() if _is_numbered(up)), None)
            if numbered is not None and numbered.get("id"):
                renumbered[str(numbered.get("id"))] = number
                if numbered.tag == "figure":  # its subfigures, not a listing with a number of its own in it
                    renumbered |= {
                        str(sub.get("id")): number
                        for sub in numbered.iterdescendants("figure")
                        if sub.get("id") and not sub.find_class(SERIES_NUMBERS[0])
                    }
    renumber_references(fragment, renumbered)
    return renumbered


def _is_numbered(element: lxml.html.HtmlElement) -> bool:
    """Whether an element is what a number of the filter's labels: a figure (a table's, a listing's), an equation,
    a theorem or a callout."""
    return element.tag == "figure" or not NUMBERED_CLASSES.isdisjoint(element.get("class", "").split())


def renumber_references(element: lxml.html.HtmlElement, renumbered: dict[str, str]) -> bool:
    """Make each cross-reference to what `number_by_division` numbered afresh give its new number; whether any
    did."""
    changed = False
    for link in element.iter("a"):
        number = renumbered.get(unquote(link.get("href", ""))[1:]) if _is_cross_reference(link) else None
        if number is not None:
            changed = _replace_number(link, number) or changed
    return changed


def _is_cross_reference(link: lxml.html.HtmlElement) -> bool:
    return "cross-ref" in link.get("class", "").split() and link.get("href", "").startswith("#")


def _replace_number(element: lxml.html.HtmlElement, number: str) -> bool:
    """Put a number in place of the first number of an element's text; whether there was one."""
    for node in element.iter():
        for attribute in ("text", "tail") if node is not element else ("text",):
            text = getattr(node, attribute)
            if text and FILTER_NUMBER.search(text):
                setattr(node, attribute, FILTER_NUMBER.sub(number, text, count=1))
                return True
    return False


def notes_by_chapter(fragment: lxml.html.HtmlElement, notes: tuple[Note, ...]) -> tuple[Note, ...]:
    """The notes numbered afresh in each division, as books number them; the calls in the text too."""
    return numbered_notes(list(fragment), notes, by_division=True)


def numbered_notes(
    groups: Iterable[lxml.html.HtmlElement], notes: tuple[Note, ...], by_division: bool = False
) -> tuple[Note, ...]:
    """The notes numbered in the order of their calls through the groups of the text, and the calls too;
    `by_division`, numbered from 1 in each group, each the note of its group's division. Notes called
    from none of the groups (a book's front matter's, which Pandoc numbers before the text's) come
    first, as they were."""
    by_identifier = {note.identifier: note for note in notes}
    renumbered: list[Note] = []
    number = 0
    for group in groups:
        if by_division:
            number = 0
        for call in group.find_class("footnote-ref"):
            note = by_identifier.get(call.get("href", "").removeprefix("#"))
            if note is None:
                continue
            number += 1
            mark = call.find("sup")
            if mark is not None:
                mark.text = str(number)
            division = group.get("id", "") if by_division else note.division
            renumbered.append(replace(note, number=number, division=division))
    placed = {note.identifier for note in renumbered}
    return tuple([note for note in notes if note.identifier not in placed] + renumbered)


def _top_level(
    fragment: lxml.html.HtmlElement, folder: Path
) -> Iterator[tuple[lxml.html.HtmlElement, str, Path | None]]:
    """Each top-level section with the kind its file gave it (or ""), and its file; the text before a
    section gathered into a section of its own."""
    loose: list[lxml.html.HtmlElement] = []
    for child in list(fragment):
        classes = child.get("class", "").split()
        if DIVISION_CLASS in classes:
            kind, source = child.get("data-kind", ""), child.get("data-source")
            path = folder / source if source else None
            for name in ("data-kind", "data-source"):
                child.attrib.pop(name, None)
            child.set("class", " ".join(name for name in classes if name != DIVISION_CLASS))
            if not child.get("class"):
                child.attrib.pop("class")
            if child.tag == "section":
                yield from _gathered(loose, fragment, child)
                yield child, kind, path
                continue
            # A file whose text does not open with its heading: the division holds what comes first,
            # then the file's sections.
            yield from _gathered(loose, fragment, child)
            inner = list(child)
            child.drop_tag()
            for element in inner:
                if element.tag == "section":
                    yield from _gathered(loose, fragment, element, kind, path)
                    yield element, kind, path
                else:
                    loose.append(element)
            yield from _gathered(loose, fragment, None, kind, path)
        elif child.tag == "section":
            yield from _gathered(loose, fragment, child)
            yield child, "", None
        else:
            loose.append(child)
    yield from _gathered(loose, fragment, None)


def _gathered(
    loose: list[lxml.html.HtmlElement],
    fragment: lxml.html.HtmlElement,
    before: lxml.html.HtmlElement | None,
    kind: str = "",
    source: Path | None = None,
) -> Iterator[tuple[lxml.html.HtmlElement, str, Path | None]]:
    """Text outside any section, gathered into one untitled section where it stands; page breaks alone (a
    `\\cleardoublepage` before a file's first heading) are left out, for each division opens a page of its own."""
    if all(_is_page_break(element) for element in loose):
        for element in loose:
            element.drop_tree()
        loose.clear()
        return
    section = lxml.html.Element("section", {"class": "level2 untitled"})
    loose[0].addprevious(section)
    for element in loose:
        section.append(element)
    loose.clear()
    yield section, kind, source


def _is_page_break(element: lxml.html.HtmlElement) -> bool:
    """Whether an element is a page break of the manuscript's (`\\newpage`: filters/raw-tex.lua), holding nothing."""
    return PAGE_BREAK in element.get("class", "").split() and len(element) == 0 and not (element.text or "").strip()


def without_closing_page_breaks(section: lxml.html.HtmlElement) -> None:
    """The last page breaks of a division, or of an essay's text, left out: the next division opens a page of
    its own, and each left an empty page (a chapter file ending with `\\newpage`)."""
    while len(section) and _is_page_break(section[-1]):
        section[-1].drop_tree()


def _raise_to_division_level(element: lxml.html.HtmlElement) -> None:
    """A division headed below a chapter's level (`## Abstract` before the book's first `#` chapter, or
    a chapter file of `##` sections) rises, its headings and sections with it, so that its heading is a
    division's: its title, and a level no edition skips. Its author made it no chapter: it stays unnumbered."""
    heading = next((child for child in element if child.tag in SECTION_HEADINGS), None)
    if heading is None or heading.tag == DIVISION_HEADING:
        return
    shift = int(heading.tag[1]) - int(DIVISION_HEADING[1])
    for inner in element.iter(*SECTION_HEADINGS):
        inner.tag = f"h{int(inner.tag[1]) - shift}"
    for section in element.iter("section"):
        section.set("class", LEVEL_CLASS.sub(lambda level: f"level{int(level[1]) - shift}", section.get("class", "")))
    element.set("class", " ".join([*element.get("class", "").split(), "unnumbered"]))


def _kinds(elements: list[tuple[lxml.html.HtmlElement, str, Path | None]]) -> list[str]:
    """What each division is: parts, chapters and appendices as marked; unnumbered chapters at
    either end front and back matter; bookdown's appendix marker heading an unnumbered appendix."""
    kinds: list[str] = []
    marked: list[bool] = []  # marked as what it is, not taken from its place
    appendices = False
    for element, given, _ in elements:
        heading = element.find("h2")
        classes = element.get("class", "").split() + (heading.get("class", "").split() if heading is not None else [])
        text = (heading.text or "") if heading is not None else ""
        if heading is not None and BOOKDOWN_APPENDIX.match(text):
            heading.text = BOOKDOWN_APPENDIX.sub("", text)
            appendices = True
            element.set("class", " ".join([*element.get("class", "").split(), "unnumbered"]))
            kinds.append("appendix")
            marked.append(True)
            continue
        if heading is not None and BOOKDOWN_PART.match(text):
            heading.text = BOOKDOWN_PART.sub("", text)
            kinds.append("part")
        elif given == "part" or "part" in classes:
            kinds.append("part")
        elif given == "appendix" or "appendix" in classes:
            kinds.append("appendix")
        else:
            kinds.append("appendix" if appendices else "chapter")
            marked.append(False)
            continue
        marked.append(True)
    numbered = [
        index
        for index, (element, _, _) in enumerate(elements)
        if kinds[index] != "front"
        and "unnumbered" not in element.get("class", "").split()
        and element.find("h2") is not None
    ]
    first, last = (numbered[0], numbered[-1]) if numbered else (len(elements), len(elements))
    for index, (element, _, _) in enumerate(elements):
        unnumbered = "unnumbered" in element.get("class", "").split() or element.find("h2") is None
        if index < first and kinds[index] == "chapter":
            kinds[index] = "front"
        elif index > last and unnumbered and not marked[index]:
            kinds[index] = "back"
    return kinds


def _label_heading(heading: lxml.html.HtmlElement, label: str, colon: str) -> None:
    """Put the division's label in its heading: `<span class="division-label">Chapter 3</span>`, then
    a separator readers hear ("Chapter 3: Beginnings") and print styles hide."""
    separator = lxml.html.Element("span", {"class": SEPARATOR_CLASS})
    separator.text = colon
    separator.tail = heading.text
    mark = lxml.html.Element("span", {"class": "division-label"})
    mark.text = label
    heading.text = None
    heading.insert(0, separator)
    heading.insert(0, mark)


def _number(kind: str, count: int) -> str:
    if kind == "part":
        return roman_numeral(count)
    if kind == "appendix":
        return _letters(count)
    return str(count)


def roman_numeral(number: int) -> str:
    digits = []
    for value, numeral in ROMAN:
        while number >= value:
            digits.append(numeral)
            number -= value
    return "".join(digits)


def _letters(number: int) -> str:
    """A, B, … Z, AA, AB…"""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
