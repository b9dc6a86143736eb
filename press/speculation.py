"""The Pandoc pass guessed from the previous one, while Pandoc makes the real one beside the build.

Editing a word of a long book made the whole Pandoc pass again (citeproc and the filters over every
chapter: 3–5 s of the 9–12 s the PDF took) before anything else could start, while the machine's
other core waited. When the edit changes plain text alone (letters, digits, spaces and `.,;:!?`, on a
line that is no heading), the pass's HTML is the previous pass's with the same words changed at the
same place: the build goes on with that guess, Pandoc makes the real pass beside it, and before any
edition is moved into place the two are compared. A guess that was wrong (a pipe table's line grown
past Pandoc's column width, say) stops that attempt, and the build is made again from the real
pass, which the cache then holds: an edition is never made from a guess that was not confirmed.
"""

from __future__ import annotations

import contextlib
import os
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

#: The punctuation an edit may hold besides letters, marks, digits and spaces: Pandoc's Markdown
#: writes it as it is, with no markup and no smart punctuation made of it.
PLAIN_PUNCTUATION = frozenset(".,;:!?")
#: What Pandoc's smart punctuation makes an ellipsis of.
SMART_ELLIPSIS = ".."
#: What a line that is a heading starts with, or the line under it is made of (its identifier is made
#: from its words too).
HEADING_MARK = "#"
SETEXT_UNDERLINES = frozenset("=-")
#: How each guess of this process turned out: "confirmed" or "missed" (what the tests look at).
outcomes: Counter[str] = Counter()

Output = TypeVar("Output")


class GuessMissedError(Exception):
    """The real pass differs from the guess the build went on with: the build is made again."""


def guessed_html(previous_text: str, text: str, previous_html: str) -> str | None:
    """The HTML the pass would make of `text`, from the previous text and its HTML; None when the edit
    between them is more than plain words changed within a line, or cannot be placed in the HTML.

    The change is widened to the run of plain characters around it, so that what is looked for in the
    HTML is the same words; it is placed at the same occurrence as in the text, and only where the text
    and the HTML hold that run equally often."""
    if previous_text == text:
        return None
    start = _common_start(previous_text, text)
    end = _common_start(previous_text[start:][::-1], text[start:][::-1])
    removed_end, inserted_end = len(previous_text) - end, len(text) - end
    if not all(map(_plain, previous_text[start:removed_end] + text[start:inserted_end])):
        return None
    left = start
    while left > 0 and _plain(previous_text[left - 1]):
        left -= 1
    right = 0  # the same plain characters after the change in both texts
    while removed_end + right < len(previous_text) and _plain(previous_text[removed_end + right]):
        right += 1
    # Spaces at the run's ends are markup's (a table cell's, a line's end), which the HTML drops.
    while left < start and previous_text[left] == " ":
        left += 1
    while right > 0 and previous_text[removed_end + right - 1] == " ":
        right -= 1
    if _in_heading(previous_text, left):
        return None
    before = previous_text[left : removed_end + right]
    after = text[left : inserted_end + right]
    if not before.strip() or SMART_ELLIPSIS in before or SMART_ELLIPSIS in after:
        return None
    places = _occurrences(previous_text, before)
    in_html = _occurrences(previous_html, before)
    if len(places) != len(in_html):
        return None
    position = in_html[places.index(left)]
    return previous_html[:position] + after + previous_html[position + len(before) :]


def _in_heading(text: str, at: int) -> bool:
    """Whether the place is on a heading's line: `# Words`, or words underlined by `===` or `---`."""
    line_start = text.rfind("\n", 0, at) + 1
    heading = text[line_start:at].lstrip().startswith(HEADING_MARK)
    line_end = text.find("\n", at)
    if line_end < 0:
        return heading
    following_end = text.find("\n", line_end + 1)
    following = text[line_end + 1 : following_end if following_end >= 0 else None].strip()
    return heading or (bool(following) and set(following) <= SETEXT_UNDERLINES)


def _plain(character: str) -> bool:
    if character == " " or character in PLAIN_PUNCTUATION:
        return True
    return unicodedata.category(character)[0] in "LMN" and unicodedata.category(character) != "No"


def _common_start(first: str, second: str) -> int:
    """How many characters the texts share at their start, found by halving (slices are compared in C)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _occurrences(text: str, part: str) -> list[int]:
    found, at = [], text.find(part)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + 1)
    return found


@dataclass(eq=False)
class Speculation(Generic[Output]):
    """A guess the build goes on with, and the real result being made by `make` in a thread beside it.

    `confirm` waits for the real result and raises GuessMissedError unless it equals the guess (or `make`
    failed: the build made again meets the failure itself)."""

    guess: Output
    make: Callable[[], Output]
    _real: list[Output] = field(default_factory=list)
    _verdict: list[bool] = field(default_factory=list)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        thread = threading.Thread(target=self._run, name="press-real-pass")
        thread.start()
        self._thread = thread
        _running.add(self)

    def _run(self) -> None:
        with contextlib.suppress(BaseException):  # the build made again from the real pass meets it
            self._real.append(self.make())

    def finish(self) -> None:
        """Wait for the real result (not from its own thread, which would wait for itself)."""
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
            _running.discard(self)

    def confirm(self) -> None:
        if not self._verdict:
            self.finish()
            self._verdict.append(bool(self._real) and self._real[0] == self.guess)
            outcomes["confirmed" if self._verdict[0] else "missed"] += 1
        if not self._verdict[0]:
            raise GuessMissedError


_running: set[Speculation[Any]] = set()


def _finish_running() -> None:
    """A process forked while a thread makes a real pass would hold a copy of it stopped wherever it was
    (with whatever lock it held): the passes are finished first."""
    for speculation in list(_running):
        speculation.finish()


os.register_at_fork(before=_finish_running)
