"""The table of contents an author asks for with `toc: true`, nested as the headings are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

#: The level of the text's first headings: `# Section` is an h2 once the title is the h1.
TOP_LEVEL = 2


class Heading(Protocol):
    @property
    def identifier(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def label(self) -> str | None: ...


@dataclass(frozen=True)
class ContentsEntry:
    """A heading in the table of contents, with the headings under it."""

    identifier: str
    title: str
    children: list[ContentsEntry] = field(default_factory=list)
    #: A book's division label ("Chapter 3"), when the heading has one.
    label: str | None = None


def contents(headings: Sequence[Heading], depth: int) -> list[ContentsEntry]:
    """The headings down to `depth` levels (LaTeX's `toc-depth`: 1 lists `#` headings only), as a tree."""
    top: list[ContentsEntry] = []
    open_entries: list[tuple[int, ContentsEntry]] = []
    for heading in headings:
        if heading.level >= TOP_LEVEL + depth:
            continue
        entry = ContentsEntry(heading.identifier, heading.title, label=heading.label)
        while open_entries and open_entries[-1][0] >= heading.level:
            open_entries.pop()
        (open_entries[-1][1].children if open_entries else top).append(entry)
        open_entries.append((heading.level, entry))
    return top
