"""The Pandoc pass guessed from the previous one: which edits allow a guess, and where it is placed."""

from __future__ import annotations

import pytest

from press.errors import Reporter
from press.speculation import GuessMissedError, Speculation, guessed_html

TEXT = "# Wildly different\n\nThe two were wildly different, said she.\n\nThey were wildly different again.\n"
HTML = (
    '<section id="wildly-different"><h1>Wildly different</h1>\n'
    "<p>The two were wildly different, said she.</p>\n<p>They were wildly different again.</p></section>\n"
)


def test_a_word_changed_is_changed_at_the_same_occurrence() -> None:
    edited = TEXT.replace("They were wildly", "They were vastly")
    assert guessed_html(TEXT, edited, HTML) == HTML.replace("They were wildly", "They were vastly")
    first = TEXT.replace("two were wildly", "two were quite")
    assert guessed_html(TEXT, first, HTML) == HTML.replace("two were wildly", "two were quite")


def test_words_added_or_taken_out_with_plain_punctuation() -> None:
    edited = TEXT.replace("said she.", "said she; then, at last: no!")
    assert guessed_html(TEXT, edited, HTML) == HTML.replace("said she.", "said she; then, at last: no!")
    shorter = TEXT.replace("wildly different again", "different again")
    assert guessed_html(TEXT, shorter, HTML) == HTML.replace("wildly different again", "different again")
    greek = TEXT.replace("said she", "είπε εκείνη")
    assert guessed_html(TEXT, greek, HTML) == HTML.replace("said she", "είπε εκείνη")


@pytest.mark.parametrize(
    "edited",
    [
        TEXT.replace("said she", "said *she*"),  # markup
        TEXT.replace("said she", "said 'she'"),  # smart quotes
        TEXT.replace("said she", "said -- she"),  # a dash made of hyphens
        TEXT.replace("said she.", "said she..."),  # an ellipsis made of periods
        TEXT.replace("said she.", "said she.\n\nA new paragraph."),  # a line break
        TEXT.replace("# Wildly different", "# Vastly different"),  # a heading's identifier comes from it
        TEXT.replace("said she", "said she [@key]"),  # a citation
        TEXT,  # nothing changed
    ],
)
def test_anything_but_plain_words_within_a_line_is_not_guessed(edited: str) -> None:
    assert guessed_html(TEXT, edited, HTML) is None


def test_underlined_headings_are_not_guessed() -> None:
    text = "Wildly different\n================\n\nBody.\n"
    html = '<section id="wildly-different"><h1>Wildly different</h1><p>Body.</p></section>'
    assert guessed_html(text, text.replace("Wildly", "Vastly"), html) is None
    assert guessed_html(text, text.replace("Body", "Bodies"), html) == html.replace("Body", "Bodies")


def test_words_the_html_holds_more_or_less_often_than_the_text_are_not_guessed() -> None:
    text = "A word here.\n\n<!-- a word hidden -->\n"
    assert guessed_html(text, text.replace("A word here", "A word there"), "<p>A word here.</p>") == (
        "<p>A word there.</p>"
    )
    assert guessed_html(text, text.replace("a word hidden", "a word gone"), "<p>A word here.</p>") is None
    # A name the bibliography prints too: which of the two would change is not known.
    assert guessed_html("Smith\n", "Smyth\n", "<p>Smith</p><div>Smith, J. A book.</div>") is None


def test_a_guess_is_confirmed_only_by_the_same_result() -> None:
    right = Speculation("<p>a</p>", lambda: "<p>a</p>")
    reporter = Reporter()
    reporter.guard_commit(right.confirm)
    right.start()
    reporter.before_commit()  # no error: the guess was the real one
    wrong = Speculation("<p>a</p>", lambda: "<p>b</p>")
    wrong.start()
    with pytest.raises(GuessMissedError):
        wrong.confirm()
    with pytest.raises(GuessMissedError):
        wrong.confirm()  # the verdict kept

    def fails() -> str:
        raise RuntimeError("Pandoc stopped")

    failed = Speculation("<p>a</p>", fails)
    failed.start()
    with pytest.raises(GuessMissedError):
        failed.confirm()  # the build is made again, and meets the failure itself


def test_the_findings_made_from_a_guess_are_shown_once_it_is_confirmed_or_taken_back() -> None:
    shown: list[str] = []
    reporter = Reporter(echo=lambda diagnostic: shown.append(diagnostic.message))
    verdict: list[bool] = []

    def check() -> None:
        if not verdict[-1]:
            raise GuessMissedError

    reporter.guard_commit(check)
    reporter.warn("made from the guess")
    assert shown == [] and [item.message for item in reporter.warnings] == ["made from the guess"]
    verdict.append(False)
    with pytest.raises(GuessMissedError):
        reporter.before_commit()
    reporter.forget_guess()
    assert shown == [] and reporter.warnings == []
    reporter.warn("before a guess")
    reporter.guard_commit(check)
    reporter.warn("made from the guess")
    verdict.append(True)
    reporter.before_commit()
    assert shown == ["before a guess", "made from the guess"]
    reporter.warn("after it")
    assert shown[-1] == "after it"
