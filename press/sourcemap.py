"""The text Pandoc reads, put together from the author's files, with where each stretch comes from.

A book's chapters are joined into one text, and some of what authors write for other
tools (Quarto's code cells) is rewritten for Pandoc; the spans that `Pieces` records
let every message name the file and line the author wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .metadata import Manuscript, Span


class Pieces:
    """The book's text as it is put together, with the spans of it copied from files."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.spans: list[Span] = []

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)

    def add_from(self, path: Path, file_text: str, file_start: int, text: str) -> None:
        """Add text made from a file's (a value written out again): it maps to where the file has it."""
        self.spans.append(Span(self._length, path, file_text, file_start))
        self.add(text)

    def add_mapped(self, span: Span | None, text: str) -> None:
        """Add text that stands where `span` begins (text of no file when None)."""
        if span is not None:
            self.spans.append(Span(self._length, span.path, span.file_text, span.file_start))
        self.add(text)

    def copy(self, path: Path, text: str, start: int, end: int) -> None:
        """Add a file's text from `start` to `end`, remembering where it came from."""
        self.spans.append(Span(self._length, path, text, start))
        self.add(text[start:end])


@dataclass(frozen=True)
class FileText:
    """A file's whole text, put in the manuscript's place (Quarto's `{{< include >}}`): each of its
    characters maps to the file."""

    path: Path
    text: str


def rewritten(manuscript: Manuscript, replacements: Sequence[tuple[int, int, str | FileText]]) -> Manuscript:
    """The manuscript with each (start, end) of its text replaced, every other character still
    mapped to its file; a replacement maps to where the text it replaces begins, a file's text to
    that file."""
    if not replacements:
        return manuscript
    text = manuscript.text
    spans = manuscript.spans or (Span(0, manuscript.path, text, 0),)
    pieces = Pieces()
    position = 0

    def copy_until(end: int) -> None:
        nonlocal position
        while position < end:
            following = [span.start for span in spans if span.start > position]
            stop = min([end, *following])
            pieces.add_mapped(_at(spans, position), text[position:stop])
            position = stop

    for start, end, replacement in sorted(replacements, key=lambda item: item[:2]):
        copy_until(start)
        if isinstance(replacement, FileText):
            pieces.copy(replacement.path, replacement.text, 0, len(replacement.text))
        else:
            pieces.add_mapped(_at(spans, start), replacement)
        position = end
    copy_until(len(text))
    return replace(manuscript, text=pieces.text, spans=tuple(pieces.spans))


def _at(spans: tuple[Span, ...], offset: int) -> Span | None:
    """The span of the text at `offset`, moved on to start there; None before the first span."""
    span = next((span for span in reversed(spans) if span.start <= offset), None)
    if span is None:
        return None
    return Span(offset, span.path, span.file_text, span.file_start + offset - span.start)
