"""Each build's reporter: warnings printed, collected or made errors, never shared between builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from press.api import _options
from press.errors import CombinedError, Diagnostic, Location, PressError, Reporter

HERE = Location(Path("book.md"), 3, 1)


def test_warnings_are_recorded_once_and_shown_as_they_come() -> None:
    shown: list[Diagnostic] = []
    reporter = Reporter(echo=shown.append)
    reporter.warn("odd", HERE)
    reporter.warn("odd", HERE)
    reporter.library_warning("weasyprint: something")
    assert [str(item) for item in shown] == ["book.md:3:1: warning: odd", "warning: weasyprint: something"]
    assert reporter.warnings == shown and reporter.errors == []


def test_strict_makes_a_warning_an_error() -> None:
    with pytest.raises(PressError, match="--strict makes it an error"):
        Reporter(strict=True).warn("odd", HERE)


def test_strict_holds_library_warnings_until_the_output_would_be_committed() -> None:
    reporter = Reporter(strict=True)
    reporter.library_warning("weasyprint: a font is missing")
    with pytest.raises(PressError, match="a font is missing"):
        reporter.raise_held()
    reporter.raise_held()  # raised once


def test_collecting_records_errors_and_goes_on() -> None:
    reporter = Reporter(strict=True, collect=True)
    reporter.fail(CombinedError([PressError("one", HERE), PressError("two")]))
    reporter.warn("three")
    assert [item.severity for item in reporter.diagnostics] == ["error", "error", "warning"]
    with pytest.raises(PressError, match="one"):
        Reporter().fail(PressError("one", HERE))


def test_two_reporters_share_nothing() -> None:
    strict, lenient = Reporter(strict=True), Reporter()
    lenient.warn("fine")
    with pytest.raises(PressError):
        strict.warn("not fine")
    assert len(lenient.warnings) == 1 and strict.diagnostics == []


def test_build_options_are_checked_with_a_suggestion() -> None:
    assert _options({"paper": "letter", "notes": None}).paper == "letter"
    with pytest.raises(TypeError, match="did you mean paper"):
        _options({"papper": "a4"})
