"""Where the print edition's pages begin, and the same places in the EPUB's documents.

The print page is laid out once, exactly as the PDF edition sets it (the PDF
module's `layout`), and each page's main flow is read back as text: its running
heads and its footnote area are left out, and so are note calls, which the
editions number differently, and what only print has (`data-print-only`). Text
is compared as *letters* — no whitespace, no hyphens — because line breaking and
hyphenation change nothing else.

A page's start is then found in the EPUB's documents by its letters, searching
forward from the previous page's start (and confirmed by the pages after it,
which must not be found before it), and a page-break marker goes in before
the first whole word of the page (a page that begins inside a hyphenated word is
marked after that word). Images count as one letter, U+FFFC, on both sides, so a
page that starts with a figure is marked before the figure.
"""

from __future__ import annotations

import json
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from lxml import etree

from .divisions import SEPARATOR_CLASS

#: Stands for an image in the letters of a text.
OBJECT = "\ufffc"
#: Characters that line breaking adds or removes: spaces, soft hyphens, hyphens.
DROPPED = frozenset("\u00ad\u2010-")
#: Elements whose text is not the running text: note calls (numbered per edition).
NOTE_CALL_CLASS = "footnote-ref"
#: What only the print edition holds (a book's half-title, copyright page, contents and index with
#: page numbers): left out of its letters, so that no other edition's text is taken for it, and
#: the pages it fills are placed where the text after it begins.
PRINT_ONLY = "data-print-only"
XHTML = "{http://www.w3.org/1999/xhtml}"
#: Markup in which no HTML element may stand: a page that begins inside a formula or a drawing begins before it.
FOREIGN_NAMESPACES = ("http://www.w3.org/1998/Math/MathML", "http://www.w3.org/2000/svg")
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements that end a word where they start and end, although no space is written.
BLOCKS = HEADINGS | frozenset(
    {"address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt", "figcaption", "figure"}
    | {"footer", "header", "hr", "li", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
)
#: Elements a page-break marker may move out of, to stand before them rather than inside at their start.
HOISTABLE = HEADINGS | frozenset(
    {"img", "a", "abbr", "b", "cite", "code", "em", "i", "q", "small", "span", "strong", "sub", "sup", "p"}
    | {"figure", "header", "blockquote", "div"}
)
#: Containers whose children must be list items or rows: a marker stays inside the item.
LISTS = frozenset(["ol", "ul", "dl", "table", "tbody", "thead", "tfoot", "tr"])
#: Named paper sizes, in millimetres, for describing the print edition.
PAPER_SIZES = {
    "A4": (210.0, 297.0),
    "US Letter": (215.9, 279.4),
    "A5": (148.0, 210.0),
    "US Trade": (152.4, 228.6),
    "Royal": (156.0, 234.0),
    "Demy": (138.0, 216.0),
}
CSS_PX_PER_MM = 96 / 25.4
WINDOW = 40
WINDOWS = (WINDOW, 20, 12, 8)
CONTEXT = 20
#: How many of the following pages confirm that a page was found in its place.
LOOKAHEAD = 3


@dataclass(frozen=True)
class PrintPages:
    """The print edition's main flow as letters, and where in them each page begins."""

    letters: str
    starts: tuple[int, ...]
    width_mm: float
    height_mm: float
    #: Each page's number as printed on it: a book's front matter in roman (i, ii…), then arabic from 1.
    labels: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.starts)

    @property
    def paper(self) -> str:
        """'A4', 'US Letter', or the size in millimetres."""
        for name, (width, height) in PAPER_SIZES.items():
            if abs(self.width_mm - width) < 1 and abs(self.height_mm - height) < 1:
                return name
        return f"{self.width_mm:.0f} × {self.height_mm:.0f} mm"


@dataclass(frozen=True)
class PageBreak:
    """A page-break marker placed in one of the documents: the page's number and the marker's id."""

    number: int
    document: int
    identifier: str


def dump(pages: PrintPages) -> bytes:
    return json.dumps(asdict(pages)).encode("utf-8")


def load(stored: bytes) -> PrintPages:
    fields = json.loads(stored)
    return PrintPages(**{**fields, "starts": tuple(fields["starts"]), "labels": tuple(fields["labels"])})


def from_letters(letters: Sequence[str], width_mm: float, height_mm: float, labels: Sequence[str]) -> PrintPages:
    """The print pages from each page's letters, in order (a book laid out in parts gives them part by part)."""
    starts = []
    position = 0
    for page in letters:
        starts.append(position)
        position += len(page)
    return PrintPages("".join(letters), tuple(starts), width_mm, height_mm, tuple(labels))


def is_letter(character: str) -> bool:
    """Whether a character survives line breaking unchanged and every edition keeps it (and so
    can be compared): not a space, a hyphen, or a control or format character."""
    return not (character.isspace() or character in DROPPED or unicodedata.category(character) in ("Cc", "Cf"))


@dataclass(frozen=True)
class _Slot:
    """Where a letter of an XHTML document is: in an element's text or tail, or an image itself."""

    element: etree._Element
    where: str  # "text", "tail" or "object"
    offset: int
    word_start: bool


def place_page_breaks(
    roots: Sequence[etree._Element], pages: PrintPages, marker: Callable[[int], etree._Element]
) -> list[PageBreak]:
    """Put a marker (made by `marker(page_number)`, with an id) where each print page begins.

    `roots` are the XHTML documents whose text the print edition sets, in reading
    order. Returns the markers placed, in page order; a page whose start cannot
    be found (text that differs between the editions), or is found beyond where
    the pages after it are (text the editions order differently), gets none. A
    blank page's marker stands with the next page's.
    """
    letters = _Letters()
    for number, root in enumerate(roots):
        letters.read(number, root)
    text = "".join(letters.text)
    at: dict[int, list[int]] = {}
    position = 0
    placed: dict[int, int] = {}  # where each start of a page was found: a blank page starts where the next does
    for number, start in enumerate(pages.starts, start=1):
        if start not in placed:
            found = _find(text, pages.letters, start, position)
            if found is None or _found_too_far(text, pages, number, position, found):
                continue
            placed[start] = found
        position = placed[start]
        while position < len(text) and not letters.word_starts[position]:
            position += 1
        if position < len(text):
            at.setdefault(position, []).append(number)
    breaks = []
    # Last first, so that splitting a text leaves the offsets of earlier letters in it valid.
    for position in sorted(at, reverse=True):
        document, slot = letters.slot(position)
        markers = [marker(number) for number in at[position]]
        _insert(markers[-1], slot)
        for earlier, later in zip(markers[-2::-1], markers[:0:-1], strict=True):
            later.addprevious(earlier)
        breaks += [
            PageBreak(number, document, element.get("id", ""))
            for number, element in zip(at[position], markers, strict=True)
        ]
    return sorted(breaks, key=lambda page_break: page_break.number)


def _found_too_far(text: str, pages: PrintPages, number: int, position: int, found: int) -> bool:
    """Whether the place found for page `number` lies beyond that of a page after it: text the two
    editions order differently (a book's front matter), or a short window met by chance further on.

    The next few pages (with text of their own) are looked for from the same position.
    """
    start = pages.starts[number - 1]
    later = [other for other in dict.fromkeys(pages.starts[number:]) if other > start][:LOOKAHEAD]
    following = (_find(text, pages.letters, other, position) for other in later)
    return any(place is not None and place < found for place in following)


def _find(text: str, source: str, start: int, after: int) -> int | None:
    """Where the print letters at `start` are in `text`, at or after `after`.

    Tries a window across the page start first (so that a passage repeated
    elsewhere, such as a title cited in a note and in the bibliography, is told
    apart by what precedes it), then the letters after the start alone, then
    those before it alone (where the editions word the page's first line
    differently, as in the colophon that names its edition), then shorter ones.
    """
    before = min(CONTEXT, start)
    windows = [(source[start - before : start + WINDOW], before)]
    for size in WINDOWS:
        windows += [(source[start : start + size], 0), (source[max(0, start - size) : start], -min(size, start))]
    for window, offset in windows:
        if len(window) < WINDOWS[-1]:
            continue
        found = text.find(window, after)
        if found >= 0:
            return found + offset if offset >= 0 else found + len(window)
    return None


class _Letters:
    """The letters of documents' bodies in reading order, and where each one is.

    A book has hundreds of thousands of letters: each is kept as a character, its
    offset in its element's text or tail, and whether it starts a word, and the
    element and side it belongs to once per run of letters, rather than as an
    object of its own.
    """

    def __init__(self) -> None:
        self.text: list[str] = []
        self.offsets = array("l")
        self.word_starts = bytearray()
        self.run_starts: list[int] = []
        self.runs: list[tuple[int, etree._Element, str]] = []
        self.word_start = True

    def read(self, document: int, root: etree._Element) -> None:
        """Add a document's body."""
        body = root.find(f"{XHTML}body")
        if body is not None:
            self.word_start = True
            self._walk(document, body)

    def slot(self, position: int) -> tuple[int, _Slot]:
        """The document and place of the letter at `position`."""
        document, element, where = self.runs[bisect_right(self.run_starts, position) - 1]
        return document, _Slot(element, where, self.offsets[position], bool(self.word_starts[position]))

    def _walk(self, document: int, element: etree._Element) -> None:
        name = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if name in BLOCKS or name == "img":
            self.word_start = True
        if name == "img":
            self._run(document, element, "object")
            self._letter(OBJECT, 0)
        elif name and not _is_note_call(element) and not _is_unprinted(element):
            self._text(document, element, "text", element.text)
            for child in element:
                self._walk(document, child)
                self._text(document, child, "tail", child.tail)
        if name in BLOCKS or name == "img":
            self.word_start = True

    def _text(self, document: int, element: etree._Element, where: str, value: str | None) -> None:
        started = False
        for offset, character in enumerate(value or ""):
            if is_letter(character):
                if not started:
                    self._run(document, element, where)
                    started = True
                self._letter(character, offset)
            elif character.isspace():
                self.word_start = True

    def _run(self, document: int, element: etree._Element, where: str) -> None:
        self.run_starts.append(len(self.text))
        self.runs.append((document, element, where))

    def _letter(self, character: str, offset: int) -> None:
        self.text.append(character)
        self.offsets.append(offset)
        self.word_starts.append(self.word_start)
        self.word_start = False


def _is_note_call(element: etree._Element) -> bool:
    return (
        "noteref" in (element.get(EPUB_TYPE) or "").split() or NOTE_CALL_CLASS in (element.get("class") or "").split()
    )


def _is_unprinted(element: etree._Element) -> bool:
    """Text the print edition does not show: the separator after a division heading's label."""
    return SEPARATOR_CLASS in (element.get("class") or "").split()


def _insert(marker: etree._Element, slot: _Slot) -> None:
    """Put the marker just before the slot's letter: before the outermost element that
    starts there when it may stand outside it, otherwise inside the text; before the formula or the drawing
    the letter is in, where no HTML may stand."""
    foreign = _outermost_foreign(slot.element)
    if foreign is not None and not (slot.where == "tail" and slot.element is foreign):
        slot = _Slot(foreign, "object", 0, slot.word_start)
    element = slot.element
    if slot.where == "tail":
        tail = element.tail or ""
        element.tail, marker.tail = tail[: slot.offset], tail[slot.offset :]
        element.addnext(marker)
        return
    if slot.where == "text" and (element.text or "")[: slot.offset].strip():
        text = element.text or ""
        element.text, marker.tail = text[: slot.offset], text[slot.offset :]
        element.insert(0, marker)
        return
    # At the very start of the element: stand before it, and before each ancestor it starts.
    if slot.where == "text" and not _hoistable(element):
        marker.tail, element.text = element.text, None
        element.insert(0, marker)
        return
    parent = element.getparent()
    while parent is not None and _starts_parent(element) and _hoistable(parent):
        element, parent = parent, parent.getparent()
    element.addprevious(marker)


def _outermost_foreign(element: etree._Element) -> etree._Element | None:
    """The outermost MathML or SVG element the element is or is in, if any."""
    found = None
    current: etree._Element | None = element
    while current is not None:
        if isinstance(current.tag, str) and etree.QName(current).namespace in FOREIGN_NAMESPACES:
            found = current
        current = current.getparent()
    return found


def _hoistable(element: etree._Element) -> bool:
    parent = element.getparent()
    return (
        parent is not None
        and etree.QName(element).localname in HOISTABLE
        and etree.QName(parent).localname not in LISTS
        and parent.get("role") != "list"
    )


def _starts_parent(element: etree._Element) -> bool:
    parent = element.getparent()
    if parent is None or (parent.text or "").strip():
        return False
    for sibling in parent:
        if sibling is element:
            return True
        if not _is_marker(sibling) or (sibling.tail or "").strip():
            return False
    return False


def _is_marker(element: etree._Element) -> bool:
    return "pagebreak" in (element.get(EPUB_TYPE) or "").split()
