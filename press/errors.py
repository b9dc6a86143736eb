"""Problems shown to authors: one line each, with a location, never a traceback.

A `PressError` stops the build. Everything else goes to the build's own
`Reporter`, which prints it, collects it, or (with --strict) turns it into an
error; there is no process-wide warning state, so two builds in one process do
not see each other's warnings.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
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

    @property
    def problems(self) -> list[PressError]:
        return [self]


class CombinedError(PressError):
    """Several problems found together, reported one line each."""

    def __init__(self, problems: list[PressError]) -> None:
        super().__init__(problems[0].message, problems[0].location)
        self._problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self._problems)

    @property
    def problems(self) -> list[PressError]:
        return self._problems


@dataclass(frozen=True)
class Diagnostic:
    """One finding of a build or a check: an error or a warning, with where it is."""

    severity: str
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location is not None else ""
        return f"{prefix}{self.severity}: {self.message}"


STRICT_SUFFIX = " (a warning; --strict makes it an error)"


@dataclass
class Reporter:
    """Where one build's warnings go.

    `strict` makes a warning fail the build. `collect` (for `check`) records
    errors that the build would stop at and goes on, so that every finding is
    reported at once. `echo`, when given, shows each finding as it is made.
    Warnings that libraries log in the middle of their work are held under
    `strict` until the output would be committed, so that the edition being
    made is not left half-written.
    """

    strict: bool = False
    collect: bool = False
    echo: Callable[[Diagnostic], None] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _held: list[str] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set)
    _guards: list[Callable[[], None]] = field(default_factory=list)
    #: Where the findings made since the build went on with a guess start (see `guard_commit`).
    _guessed_from: int | None = None

    def warn(self, message: str, location: Location | None = None) -> None:
        """Something that did not stop the build (an error with --strict); each once."""
        if self.strict and not self.collect:
            raise PressError(message + STRICT_SUFFIX, location)
        self._record(Diagnostic("warning", message, location))

    def fail(self, error: PressError) -> None:
        """An error: raised, or recorded when collecting every finding."""
        if not self.collect:
            raise error
        for problem in error.problems:
            self._record(Diagnostic("error", problem.message, problem.location))

    def library_warning(self, message: str) -> None:
        """A warning a library logged while working: shown now, or held until the output is committed."""
        if self.strict and not self.collect:
            self._held.append(message)
        else:
            self._record(Diagnostic("warning", message))

    def guard_commit(self, check: Callable[[], None]) -> None:
        """A guess the build goes on with (a Pandoc pass, see press.speculation): `check` raises unless the
        guess is confirmed. It is made before each output is moved into place (`before_commit`), and the
        findings made from now on are shown once it has passed."""
        if self._guessed_from is None:
            self._guessed_from = len(self.diagnostics)
        self._guards.append(check)

    def before_commit(self) -> None:
        """Before an output is moved into place: the checks guarding it, then, with --strict, fail if a
        library warned while making it."""
        self.check_guards()
        self.raise_held()

    def check_guards(self) -> None:
        """The guesses' checks; once they have passed, the findings made meanwhile are shown."""
        for check in self._guards:
            check()
        if self._guessed_from is not None:
            shown = self.diagnostics[self._guessed_from :]
            self._guards.clear()
            self._guessed_from = None
            if self.echo is not None:
                for diagnostic in shown:
                    self.echo(diagnostic)

    def beside(self) -> None:
        """In a process forked from the build to make some of its editions (press.sidebyside): the findings made
        before the fork are the build's to show, once its guess is confirmed; this process shows its own."""
        if self._guessed_from is not None:
            self._guessed_from = len(self.diagnostics)

    def adopt(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Findings that another process of this build made and showed (press.sidebyside): recorded, each once,
        and not shown again."""
        for diagnostic in diagnostics:
            if diagnostic not in self._seen:
                self._seen.add(diagnostic)
                self.diagnostics.append(diagnostic)

    def forget_guess(self) -> None:
        """After a guess that was wrong: the findings made from it taken back, for the build made again."""
        start = len(self.diagnostics) if self._guessed_from is None else self._guessed_from
        self._seen.difference_update(self.diagnostics[start:])
        del self.diagnostics[start:]
        self._held.clear()
        self._guards.clear()
        self._guessed_from = None

    def raise_held(self) -> None:
        """With --strict, fail before an output is moved into place if a library warned while making it."""
        if self._held:
            first = self._held[0]
            self._held.clear()
            raise PressError(first + STRICT_SUFFIX)

    @property
    def warnings(self) -> list[Diagnostic]:
        return [item for item in self.diagnostics if item.severity == "warning"]

    @property
    def errors(self) -> list[Diagnostic]:
        return [item for item in self.diagnostics if item.severity == "error"]

    def _record(self, diagnostic: Diagnostic) -> None:
        if diagnostic in self._seen:
            return
        self._seen.add(diagnostic)
        self.diagnostics.append(diagnostic)
        if self.echo is not None and self._guessed_from is None:
            self.echo(diagnostic)


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


def find_in_files(needle: str, paths: Sequence[Path]) -> Location:
    """Where a piece of text first occurs in the files, in their order (the first file alone if nowhere)."""
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        offset = text.find(needle) if needle else -1
        if offset >= 0:
            return location_of(text, offset, path)
    return Location(paths[0])


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """What ends a message about a misspelt key: "; did you mean 'abstract'?" when one of `known` is close."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
