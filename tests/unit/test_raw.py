"""Raw markup Pandoc's writer left out becomes a warning at its place in the manuscript."""

from __future__ import annotations

from pathlib import Path

from press.errors import Location
from press.metadata import Manuscript
from press.raw import describe, dropped, quote, source

TEXT = "---\ntitle: T\n---\n\nOne \\index{a} and \\index{a}.\n\n\\vspace{1em}\n\nLast \\index{a}.\n"
MANUSCRIPT = Manuscript(Path("book.md"), TEXT, "title: T\n", 2)


def test_the_source_comes_from_the_log_entry() -> None:
    entry = {"type": "InlineNotRendered", "contents": {"t": "RawInline", "c": ["tex", "\\index{a}"]}}
    assert source(entry) == ("tex", "\\index{a}")
    assert source({"type": "InlineNotRendered"}) == ("", "")


def test_each_repetition_is_placed_at_its_own_occurrence() -> None:
    warnings = dropped([("tex", "\\index{a}")] * 3 + [("latex", "\\vspace{1em}")], MANUSCRIPT)
    assert [location for _, location in warnings] == [
        Location(Path("book.md"), 5, 5),
        Location(Path("book.md"), 5, 19),
        Location(Path("book.md"), 9, 6),
        Location(Path("book.md"), 7, 1),
    ]


def test_more_pieces_than_occurrences_stay_at_the_last() -> None:
    warnings = dropped([("tex", "\\index{a}")] * 4, MANUSCRIPT)
    assert warnings[3][1] == Location(Path("book.md"), 9, 6)


def test_a_piece_not_found_is_placed_at_its_first_line_or_the_file() -> None:
    block = "\\vspace{1em}\n\\hfill"
    assert dropped([("tex", block)], MANUSCRIPT)[0][1] == Location(Path("book.md"), 7, 1)
    assert dropped([("tex", "\\nowhere")], MANUSCRIPT)[0][1] == Location(Path("book.md"))


def test_blank_pieces_are_not_reported() -> None:
    assert dropped([("tex", "  \n")], MANUSCRIPT) == []


def test_the_message_names_the_format_and_quotes_the_source() -> None:
    assert describe("tex", "\\index{a}").startswith("raw LaTeX '\\index{a}' dropped: no edition can show it")
    assert describe("openxml", "<w:br/>") == "raw openxml '<w:br/>' dropped: the editions carry raw HTML only"


def test_long_sources_are_quoted_on_one_line_and_shortened() -> None:
    quoted = quote("\\begin{tikzpicture}\n" + "\\draw (0,0) -- (1,1);\n" * 10 + "\\end{tikzpicture}")
    assert "\n" not in quoted
    assert len(quoted) == 62
    assert quoted.startswith("'\\begin{tikzpicture} \\draw (0,0)")
    assert quoted.endswith("…'")
