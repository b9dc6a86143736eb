"""WeasyPrint's footnotes, each laid out once, and pages settled one by one.

WeasyPrint 70 keeps a page's footnote area up to date as the page is laid out
(`LayoutContext._update_footnote_area`): each time a note is added to the page,
or taken off it, it lays out a fresh copy of the whole area, every note of the
page again, and `make_page` lays the area out once more when the page is done.
A page of n notes costs n²/2 note layouts, and a note that is put on a page,
taken off and put back (as the text around its call is laid out again) costs it
each time. In a book of 1,860 notes this was half the layout.

Notes stack in the area one below the other, and a note's layout depends only
on the notes above it. So the area is remembered as the notes laid out so far,
each with where it ends: adding a note lays out that note alone, below the
last one, exactly as the area's own layout would place it (the same function,
the same containing block, position and adjoining margins); taking notes off
the end forgets them; and the area `make_page` lays out at the end of the page
is the one stacked. Where that equivalence is not plain (notes with vertical
margins, floats or positioned boxes inside a note, notes inside a note, forced
breaks between notes, an area with a fixed height or columns, floats on the
page that may reach the area), the area is laid out whole, as before. The
height and the overflow WeasyPrint reads are computed as `block_container_layout`
computes them, so pages break exactly where they did.

A smaller change: `_linebox_layout` asks of every box of every line whether the
box's `footnote` is among the notes still waiting for a page (`context.footnotes`);
most boxes have none, and asking a list whether it holds None compares None with
every note of the document still waiting.

And a hook WeasyPrint lacks (`settling_pages`): each page is shown, as soon as
it is made, to a function that may restyle something on it and have the page
made again from where it began, so that a layout can be corrected page by page
instead of being done again whole.

All of it is pinned to WeasyPrint 70.0 (`apply` refuses another version) and
covered by tests/unit/test_footnote_patch.py: every update gives WeasyPrint's own
numbers, the same pages and positions with and without the patch, each note laid
out a bounded number of times, and a page made again unchanged is the same page.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from math import inf
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes, build
from weasyprint.layout import LayoutContext
from weasyprint.layout import page as page_layout
from weasyprint.layout.block import (
    block_level_layout,
    block_level_page_break,
    block_level_page_name,
    force_page_break,
)
from weasyprint.layout.percent import resolve_percentages

from . import WEASYPRINT_VERSION, require_version

#: WeasyPrint's own functions, as they are without the patch (the tests compare both).
UNPATCHED_UPDATE_FOOTNOTE_AREA = LayoutContext._update_footnote_area
UNPATCHED_PAGE_BLOCK_LEVEL_LAYOUT = page_layout.block_level_layout


def apply() -> None:
    """Patch WeasyPrint's footnote layout (idempotent); refuse any WeasyPrint but the pinned one."""
    require_version("WeasyPrint", weasyprint.__version__, WEASYPRINT_VERSION, "footnotes.py", "footnote layout")
    LayoutContext._update_footnote_area = update_footnote_area
    page_layout.block_level_layout = page_block_level_layout
    LayoutContext.footnotes = property(_waiting_footnotes, _set_waiting_footnotes)


def update_footnote_area(self: Any) -> bool:
    """Update the page bottom and the footnote area's height; return whether the notes overflow the area.

    What `LayoutContext._update_footnote_area` does, laying out only the notes
    the area does not hold yet when it can (see the module's docstring).
    """
    area = self.current_footnote_area
    if area.height != "auto" and not self.in_column:
        self.page_bottom += area.margin_height()
    area.children = self.current_page_footnotes
    if not area.children:
        self._footnote_stack = None
        area.height = 0
        if not self.in_column:
            self.page_bottom -= area.margin_height()
        return False
    stack: FootnoteStack | None = getattr(self, "_footnote_stack", None)
    if stack is None or stack.area is not area or not stack.holds(self, area.children):
        laid_out = build.create_anonymous_boxes(area.deepcopy())
        laid_out = block_level_layout(self, laid_out, -inf, None, area.page)[0]
        stack = FootnoteStack.read(self, area, laid_out)
        self._footnote_stack = stack
        outline, last = laid_out, laid_out.children[-1]
    else:
        outline, last = stack.measured()
    area.height = outline.height
    if not self.in_column:
        self.page_bottom -= outline.margin_height()
    last_bottom = last.position_y + last.margin_height() - last.margin_bottom
    area_bottom = outline.position_y + outline.margin_height() - outline.margin_bottom
    return bool(last_bottom > area_bottom)


def page_block_level_layout(context: Any, box: Any, *arguments: Any, **keywords: Any) -> tuple[Any, ...]:
    """`block_level_layout` as `make_page` calls it: the footnote area it lays out once more when
    the page is done is the one the notes were stacked into, when that holds the page's notes."""
    if isinstance(box, boxes.FootnoteAreaBox):
        stack: FootnoteStack | None = getattr(context, "_footnote_stack", None)
        area = context.current_footnote_area
        if stack is not None and stack.area is area and stack.holds_exactly(area.children):
            laid_out = stack.laid_out()
            return laid_out, None, {"break": "any", "page": laid_out.page_values()[1]}, [], False, None
    result: tuple[Any, ...] = UNPATCHED_PAGE_BLOCK_LEVEL_LAYOUT(context, box, *arguments, **keywords)
    return result


@dataclass
class Placed:
    """A note in the area: the note, its laid-out box, and where the area's next note starts."""

    footnote: Any
    box: Any
    bottom: float


@dataclass
class FootnoteStack:
    """A page's footnote area as the notes laid out in it so far, to which notes are appended."""

    area: Any
    #: The area as its children see it while they are laid out (its height not yet known).
    container: Any
    #: The laid-out area, whose height is set to each new total to measure it.
    outline: Any
    content_top: float
    placed: list[Placed] = field(default_factory=list)

    @classmethod
    def read(cls, context: Any, area: Any, laid_out: Any) -> FootnoteStack | None:
        """The stack of a whole area just laid out, or None where its notes do not simply stack."""
        if not (_stacks(laid_out) and _no_floats_nearby(context)):
            return None
        footnotes, children = area.children, laid_out.children
        if len(children) != len(footnotes):
            return None
        container = laid_out.copy_with_children([])
        container.height = "auto"
        stack = cls(area, container, laid_out.copy_with_children([]), laid_out.content_box_y())
        top = stack.content_top
        for footnote, child in zip(footnotes, children, strict=True):
            if not (child.element is footnote.element and _plain(footnote) and _plain_box(child)):
                return None
            if child.position_y != top or any(_trailing_margins(child)):
                return None
            top = child.border_box_y() + child.border_height()
            stack.placed.append(Placed(footnote, child, top))
        outline, _ = stack.measured()
        return stack if outline.height == laid_out.height else None

    def holds(self, context: Any, footnotes: list[Any]) -> bool:
        """Make the stack hold these notes, keeping those it holds in the same order; False if it cannot."""
        kept = 0
        for placed, footnote in zip(self.placed, footnotes, strict=False):
            if placed.footnote is not footnote:
                break
            kept += 1
        if not kept or not _no_floats_nearby(context):
            return False
        del self.placed[kept:]
        for footnote in footnotes[kept:]:
            appended = self._append(context, footnote)
            if appended is None:
                return False
            self.placed.append(appended)
        return True

    def holds_exactly(self, footnotes: list[Any]) -> bool:
        return len(self.placed) == len(footnotes) and all(
            placed.footnote is footnote for placed, footnote in zip(self.placed, footnotes, strict=True)
        )

    def laid_out(self) -> Any:
        """The area with its notes, as laying it out whole would make it."""
        outline, _ = self.measured()
        return outline.copy_with_children([placed.box for placed in self.placed])

    def measured(self) -> tuple[Any, Any]:
        """The area's outline with its height for the notes held, and the last note's box.

        The height as `block_container_layout` sets it: from the content's top to
        the last note's bottom (the notes' trailing margins, all zero, add nothing),
        within the area's min-height and max-height.
        """
        last = self.placed[-1]
        height = max(0, last.bottom - self.content_top)
        self.outline.height = max(min(height, self.outline.max_height), self.outline.min_height)
        return self.outline, last.box

    def _append(self, context: Any, footnote: Any) -> Placed | None:
        """Lay out a note below the last one, as `_in_flow_layout` would in the whole area."""
        previous = self.placed[-1]
        if not _plain(footnote):
            return None
        child = build.create_anonymous_boxes(footnote.deepcopy())
        if not isinstance(child, boxes.BlockBox):
            return None
        if force_page_break(block_level_page_break(previous.box, child), context) or block_level_page_name(
            previous.box, child
        ):
            return None
        child.position_x = self.container.content_box_x()
        child.position_y = previous.bottom
        resolve_percentages(child, self.container)
        laid_out, resume_at, _, adjoining, collapsing_through, _ = block_level_layout(
            context, child, -inf, None, self.container, False, [], [], [previous.box.margin_bottom]
        )
        if laid_out is None or resume_at is not None or collapsing_through or not _plain_box(laid_out):
            return None
        if any(adjoining):
            return None
        return Placed(footnote, laid_out, laid_out.border_box_y() + laid_out.border_height())


def _stacks(area: Any) -> bool:
    """Whether the area's height is its notes' and nothing but their layout places them."""
    style = area.style
    return bool(
        style["height"] == "auto"
        and style["max_lines"] == "none"
        and style["column_width"] == "auto"
        and style["column_count"] == "auto"
        and style["position"] == "static"
        and style["continue"] != "discard"
        and area.first_line_style is None
        and area.first_letter_style is None
    )


def _no_floats_nearby(context: Any) -> bool:
    """No float of the page's formatting context may reach into the area."""
    return not context.excluded_shapes


def _plain(footnote: Any) -> bool:
    """A note that holds no float, positioned box or note call: its layout is its own."""
    return not any(
        box.footnote is not None or box.is_floated() or box.is_absolutely_positioned() or box.is_running()
        for box in _descendants(footnote)
    )


def _plain_box(box: Any) -> bool:
    """A laid-out note with no vertical margins, no clearance and not moved by relative positioning."""
    return bool(
        box.margin_top == 0
        and box.margin_bottom == 0
        and getattr(box, "clearance", None) is None
        and box.style["position"] == "static"
    )


def _trailing_margins(box: Any) -> list[float]:
    """The margins that meet at the bottom of a laid-out block: its own, and through it its last child's."""
    margins = [box.margin_bottom]
    # A replaced block (an image: a displayed formula) has no children, and no
    # `bottom_margin_collapses` to ask: only its own margin is at its bottom.
    if not isinstance(box, boxes.ParentBox):
        return margins
    children = [child for child in box.children if child.is_in_normal_flow()]
    if box.bottom_margin_collapses() and box.style["height"] == "auto" and children:
        last = children[-1]
        if not isinstance(last, boxes.LineBox):
            margins += _trailing_margins(last)
    return margins


def _descendants(box: Any) -> Iterable[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


class WaitingFootnotes(list[Any]):
    """The notes still waiting for a page; whether None is among them is answered at once."""

    def __contains__(self, item: object) -> bool:
        return item is not None and super().__contains__(item)

    def copy(self) -> WaitingFootnotes:
        return WaitingFootnotes(self)


def _waiting_footnotes(self: Any) -> WaitingFootnotes:
    waiting: WaitingFootnotes = self.__dict__["footnotes"]
    return waiting


def _set_waiting_footnotes(self: Any, footnotes: list[Any]) -> None:
    self.__dict__["footnotes"] = footnotes if isinstance(footnotes, WaitingFootnotes) else WaitingFootnotes(footnotes)


#: Shown each page WeasyPrint makes; True when it has restyled something, so that the page is made again.
Settle = Callable[["MadePage"], bool]
#: How many times one page may be made again before it is left as it is.
REMAKES_PER_PAGE = 6
UNPATCHED_REMAKE_PAGE = page_layout.remake_page


@contextmanager
def settling_pages(settle: Settle) -> Iterator[None]:
    """While a document is laid out, show each page to `settle` as soon as it is made.

    When `settle` returns True (it has changed the style of something on the
    page), the page is made again from where it began: the pages before it
    stand, and the document is not laid out again. WeasyPrint has no such hook;
    this wraps its `remake_page` for the duration of the block (one layout at a
    time: WeasyPrint's layout is not reentrant anyway).
    """
    page_layout.remake_page = partial(_remake_page_settled, settle)
    try:
        yield
    finally:
        page_layout.remake_page = UNPATCHED_REMAKE_PAGE


def _remake_page_settled(settle: Settle, index: int, context: Any, root_box: Any, html: Any) -> tuple[Any, Any]:
    start = PageStart(context, index)
    for _ in range(REMAKES_PER_PAGE):
        made = MadePage(index, context, root_box, html)
        if not settle(made):
            if not made.looked_ahead:
                return made.page, made.resume_at
            start.restore(context)
            break
        start.restore(context)
    page, resume_at = UNPATCHED_REMAKE_PAGE(index, context, root_box, html)
    return page, resume_at


class MadePage:
    """A page just made by WeasyPrint's `remake_page`: the page (without its margin boxes yet),
    the layout context, the document's box tree the page was cut from, and a look at the next page."""

    def __init__(self, index: int, context: Any, root_box: Any, html: Any) -> None:
        self.index, self.context, self.root_box, self.html = index, context, root_box, html
        self.page, self.resume_at = UNPATCHED_REMAKE_PAGE(index, context, root_box, html)
        self.looked_ahead = False

    def next_page(self) -> Any:
        """The next page, as it would be after this one (None after the last page)."""
        if self.resume_at is None and not self.context.reported_footnotes:
            return None
        self.looked_ahead = True
        return UNPATCHED_REMAKE_PAGE(self.index + 1, self.context, self.root_box, self.html)[0]


class PageStart:
    """What making a page changes in the layout context, as it was before the page was made.

    `make_page` takes the notes carried over from the previous page, the notes
    still waiting, the out-of-flow boxes broken across the page break, and
    records running elements, rendered notes and the next pages' starting
    states; a page made again must start from the same.
    """

    def __init__(self, context: Any, index: int) -> None:
        self.index = index
        self.waiting = list(context.footnotes)
        self.carried = list(context.reported_footnotes)
        self.broken_out_of_flow = context.broken_out_of_flow
        self.rendered_notes = len(context.rendered_notes)
        self.pages = (index + 1, index + 2)
        self.running = {
            name: {page: list(pages[page]) for page in self.pages if page in pages}
            for name, pages in context.running_elements.items()
        }
        self.page_maker = list(context.page_maker)
        self.remake_states = {
            position: copy.deepcopy(context.page_maker[position][-1])
            for position in (index - 1, index)
            if position >= 0
        }

    def restore(self, context: Any) -> None:
        context.footnotes = list(self.waiting)
        context.reported_footnotes = list(self.carried)
        context.broken_out_of_flow = self.broken_out_of_flow
        del context.rendered_notes[self.rendered_notes :]
        for name, pages in context.running_elements.items():
            for page in self.pages:
                pages.pop(page, None)
                if page in self.running.get(name, {}):
                    pages[page] = list(self.running[name][page])
        context.page_maker[:] = self.page_maker
        for position, state in self.remake_states.items():
            context.page_maker[position][-1].clear()
            context.page_maker[position][-1].update(copy.deepcopy(state))
