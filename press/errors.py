"""The one error type shown to authors: a message with a location, no traceback."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where in the author's files a problem is; line and column count from 1."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [display_path(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class PressError(Exception):
    """A problem in the author's input or environment, reported as one line."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return f"error: {self.message}"
        return f"{self.location}: error: {self.message}"


class CombinedError(PressError):
    """Several problems found together, reported one line each."""

    def __init__(self, problems: list[PressError]) -> None:
        super().__init__(problems[0].message, problems[0].location)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class _Warnings:
    """Whether warnings are errors (--strict), and the library warnings held back until an output is committed."""

    strict = False
    held: list[str] = []  # noqa: RUF012 - one list for the process, on purpose


def treat_warnings_as_errors(strict: bool) -> None:
    _Warnings.strict = strict


def warn(message: str, location: Location | None = None) -> None:
    """Tell the author about something that did not stop the build, as one line (an error with --strict)."""
    if _Warnings.strict:
        raise PressError(f"{message} (a warning; --strict makes it an error)", location)
    prefix = f"{location}: " if location is not None else ""
    print(f"{prefix}warning: {message}", file=sys.stderr)


def library_warning(message: str) -> None:
    """A warning a library logged in the middle of its work: shown now, or held until the output is written."""
    if _Warnings.strict:
        _Warnings.held.append(message)
    else:
        print(f"warning: {message}", file=sys.stderr)


def raise_held_warnings() -> None:
    """With --strict, fail before an output is moved into place if a library warned while making it."""
    if _Warnings.held:
        first = _Warnings.held[0]
        _Warnings.held.clear()
        raise PressError(f"{first} (a warning; --strict makes it an error)")


def display_path(path: Path) -> str:
    """A path as the author would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def location_of(text: str, offset: int, path: Path) -> Location:
    """The line and column of a character offset in a file's text."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(path, line, column)
