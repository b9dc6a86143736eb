"""The pinned patch to WeasyPrint's footnotes (press/patches/footnotes.py): the same pages, less work.

Each test lays out small HTML pages with WeasyPrint itself, with and without the
patch, and compares every box of every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import weasyprint
from weasyprint import CSS, HTML
from weasyprint.layout import LayoutContext
from weasyprint.layout import block as block_layout
from weasyprint.layout import page as page_layout
from weasyprint.text.fonts import FontConfiguration

from press.errors import PressError
from press.patches import footnotes

#: Pages like the print edition's: a ruled footnote area, block notes that take their call's line along.
STYLE = """
@page { size: A6; margin: 15mm 12mm; @footnote { border-top: 0.5pt solid; padding-top: 4pt; margin-top: 10pt } }
body { font-size: 10pt; line-height: 1.35 }
p { margin: 0; text-indent: 1em; orphans: 2; widows: 2 }
.note { float: footnote; footnote-display: block; footnote-policy: line; font-size: 7.5pt; line-height: 1.3 }
.note .part { display: block; margin-top: 2pt }
"""
WORDS = [
    "the",
    "outpost",
    "kept",
    "its",
    "school",
    "its",
    "paper",
    "and",
    "its",
    "bank",
    "while",
    "the",
    "embassy",
    "it",
    "stood",
    "for",
    "had",
    "none",
]


def text(words: int, seed: int) -> str:
    return " ".join(WORDS[(seed * 7 + index) % len(WORDS)] for index in range(words))


def note(number: int) -> str:
    """Notes of one to six lines, some in two parts (a block inside the note, with a top margin)."""
    body = text(8 + (number * 13) % 60, number)
    part = f'<span class="part">{text(12, number + 1)}</span>' if number % 5 == 0 else ""
    return f'<span class="note">{number}. {body}{part}</span>'


def book(paragraphs: int, notes_per_paragraph: int) -> str:
    blocks = []
    number = 0
    for index in range(paragraphs):
        sentences = []
        for _ in range(notes_per_paragraph):
            number += 1
            sentences.append(f"{text(15 + (index * 11) % 40, index + number)}{note(number)}")
        blocks.append(f"<p>{' '.join(sentences)}.</p>")
    return f"<!DOCTYPE html><html><body>{''.join(blocks)}</body></html>"


FONTS = FontConfiguration()


def render(html: str, style: str = STYLE) -> weasyprint.document.Document:
    return HTML(string=html).render(stylesheets=[CSS(string=style, font_config=FONTS)], font_config=FONTS)


def boxes(document: weasyprint.document.Document) -> list[tuple[object, ...]]:
    """Every box of every page: its page, kind, element, position and size."""
    found: list[tuple[object, ...]] = []

    def walk(number: int, box: Any) -> None:
        found.append(
            (number, type(box).__name__, box.element_tag, box.position_x, box.position_y, box.width, box.height)
        )
        for child in getattr(box, "children", ()):
            walk(number, child)

    for number, page in enumerate(document.pages):
        walk(number, page._page_box)
    return found


def unpatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's own footnote area, updated and laid out again at the end of each page."""
    monkeypatch.setattr(LayoutContext, "_update_footnote_area", footnotes.UNPATCHED_UPDATE_FOOTNOTE_AREA)
    monkeypatch.setattr(page_layout, "block_level_layout", footnotes.UNPATCHED_PAGE_BLOCK_LEVEL_LAYOUT)


@pytest.fixture
def unpatched(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    footnotes.apply()
    unpatch(monkeypatch)
    yield


def laid_out_both_ways(html: str, style: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    footnotes.apply()
    patched = boxes(render(html, style))
    with monkeypatch.context() as patch:
        unpatch(patch)
        unpatched = boxes(render(html, style))
    return patched, unpatched


@pytest.mark.parametrize(
    "extra_style",
    [
        "",
        # Notes with margins of their own: the area is laid out whole, as before.
        ".note { margin-top: 3pt }",
        # A footnote area with a maximum height, which the notes overflow.
        "@page { @footnote { max-height: 30mm } }",
        # Notes with a bottom padding and a border, an area without border or padding.
        ".note { padding-bottom: 2pt; border-bottom: 0.5pt solid } @page { @footnote { border: none; padding: 0 } }",
    ],
    ids=["print-edition", "note-margins", "area-max-height", "note-borders"],
)
def test_pages_and_positions_are_those_of_weasyprint_without_the_patch(
    extra_style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    patched, unpatched = laid_out_both_ways(book(10, 3), STYLE + extra_style, monkeypatch)
    assert len({box[0] for box in patched}) > 5, "the test book should fill several pages"
    assert patched == unpatched


def test_every_update_gives_weasyprints_own_height_page_bottom_and_overflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each time a note is added to a page or taken off it, the patched update is checked against
    WeasyPrint's own, made first on the same state: the same numbers, to the last bit."""
    footnotes.apply()
    compared: list[tuple[object, object]] = []

    def both(context: Any) -> bool:
        area = context.current_footnote_area
        before = (context.page_bottom, area.height)
        overflow = footnotes.UNPATCHED_UPDATE_FOOTNOTE_AREA(context)
        expected = (overflow, context.page_bottom, area.height)
        context.page_bottom, area.height = before
        patched = footnotes.update_footnote_area(context)
        compared.append((expected, (patched, context.page_bottom, area.height)))
        return patched

    monkeypatch.setattr(LayoutContext, "_update_footnote_area", both)
    render(book(10, 3), STYLE + "@page { @footnote { max-height: 30mm } }")
    render(book(10, 3))
    assert len(compared) > 50
    assert [expected for expected, _ in compared] == [patched for _, patched in compared]


def footnote_layouts(html: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """How many times notes are laid out while the document is, and how many notes there are."""
    counted = 0
    original = block_layout.block_container_layout

    def counting(context: Any, box: Any, *arguments: Any) -> Any:
        nonlocal counted
        if box.element_tag == "span" and "note" in (box.element.get("class") or "").split():
            counted += 1
        return original(context, box, *arguments)

    monkeypatch.setattr(block_layout, "block_container_layout", counting)
    render(html)
    return counted, html.count('class="note"')


def test_a_page_of_many_notes_lays_each_out_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the patch, the k-th note added to a page lays out the k notes above it again,
    # and the page's notes are laid out once more when the page is done.
    footnotes.apply()
    layouts, notes = footnote_layouts(book(10, 4), monkeypatch)
    assert layouts < 2 * notes


def test_without_the_patch_a_page_of_many_notes_costs_their_square(
    monkeypatch: pytest.MonkeyPatch, unpatched: None
) -> None:
    layouts, notes = footnote_layouts(book(10, 4), monkeypatch)
    assert layouts > 3 * notes


def test_asking_whether_a_box_without_a_note_is_waiting_compares_nothing() -> None:
    comparisons = 0

    class Note:
        def __eq__(self, other: object) -> bool:
            nonlocal comparisons
            comparisons += 1
            return self is other

        __hash__ = object.__hash__

    waiting = footnotes.WaitingFootnotes([Note() for _ in range(100)])
    assert None not in waiting
    assert comparisons == 0
    assert waiting[7] in waiting
    assert isinstance(waiting.copy(), footnotes.WaitingFootnotes)
    assert None in [*waiting, None] and comparisons > 0, "a plain list compares None with each note"


def test_the_layout_context_keeps_its_waiting_notes_in_the_patched_list() -> None:
    footnotes.apply()
    context = LayoutContext(None, print, None, None, None)
    assert isinstance(context.footnotes, footnotes.WaitingFootnotes)
    context.footnotes = [1, 2]
    assert isinstance(context.footnotes, footnotes.WaitingFootnotes) and context.footnotes == [1, 2]


def test_another_weasyprint_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(PressError) as refused:
        footnotes.apply()
    message = str(refused.value)
    assert "70.0" in message and "71.0" in message and "\n" not in message


def test_a_page_made_again_unchanged_is_the_same_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Making each page a second time, after looking at the next one, changes nothing on any page."""
    footnotes.apply()
    # Running heads, page numbers and a contents entry that needs the page of a later heading.
    style = STYLE + (
        "@page { @top-center { content: element(head) } @bottom-center { content: counter(page) } }"
        ".head { position: running(head) } a::after { content: target-counter(attr(href), page) }"
    )
    html = (
        book(8, 3)
        .replace("<body>", '<body><div class="head">A running head</div><p><a href="#end">Last part</a></p>')
        .replace("</body>", '<h2 id="end">The end</h2></body>')
    )
    plain = boxes(render(html, style))
    remade: set[int] = set()

    def make_each_page_twice(made: footnotes.MadePage) -> bool:
        made.next_page()
        first_time = made.index not in remade
        remade.add(made.index)
        return first_time

    with footnotes.settling_pages(make_each_page_twice):
        settled = boxes(render(html, style))
    assert remade and settled == plain


#: A square, as the print page sets a displayed formula: an SVG image standing on a line of its own.
SQUARE = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='20' height='10'%3E"
    "%3Crect width='20' height='10'/%3E%3C/svg%3E"
)


@pytest.mark.parametrize(
    "image_style",
    ["margin: 0 auto", "margin: 0.5em auto"],
    ids=["no-margins", "print-edition-margins"],
)
def test_notes_ending_in_a_block_image_are_laid_out_as_weasyprint_lays_them_out(
    image_style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replaced block (a displayed formula's image) at the end of a note, inside a block of
    the note, is read for the margins at the note's bottom like any other block."""
    image = f'<span class="formula"><img src="{SQUARE}" alt="x"></span>'
    paragraphs = [
        f'<p>{text(30, number)}<span class="note">{number}. {text(20, number)}{image}</span> {text(40, number)}.</p>'
        for number in range(1, 13)
    ]
    html = f"<!DOCTYPE html><html><body>{''.join(paragraphs)}</body></html>"
    style = STYLE + f".formula {{ display: block }} .note img {{ display: block; {image_style} }}"
    patched, unpatched = laid_out_both_ways(html, style, monkeypatch)
    assert any(box[1] == "BlockReplacedBox" for box in patched)
    assert len({box[0] for box in patched}) > 3, "the test book should fill several pages"
    assert patched == unpatched
