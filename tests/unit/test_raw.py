"""Raw markup Pandoc's writer left out becomes a warning at its place in the manuscript."""

from __future__ import annotations

from pathlib import Path

from press.errors import Location
from press.frontmatter import YamlBlock
from press.markup import inner_html, parse_fragment
from press.metadata import Manuscript
from press.raw import asked_lists, carry_raw_html, describe, dropped, quote, source

TEXT = "---\ntitle: T\n---\n\nOne \\index{a} and \\index{a}.\n\n\\vspace{1em}\n\nLast \\index{a}.\n"
MANUSCRIPT = Manuscript(Path("book.md"), TEXT, (YamlBlock("title: T\n", 2),), None)


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


def raw_html(markup: str, text: str) -> tuple[str, list[tuple[str, Location]]]:
    fragment = parse_fragment(markup)
    warnings = carry_raw_html(fragment, Manuscript(Path("page.md"), text, (), None))
    return inner_html(fragment), warnings


def test_obsolete_elements_become_html5_ones_showing_the_same_words() -> None:
    markup, warnings = raw_html(
        '<center id="c">Centred</center>'
        '<p><tt>t</tt> <big>b</big> <strike>s</strike> <acronym title="A">A</acronym></p>',
        "",
    )
    assert markup == (
        '<div id="c" class="center">Centred</div>'
        '<p><code>t</code> <span class="big">b</span> <s>s</s> <abbr title="A">A</abbr></p>'
    )
    assert warnings == []


def test_presentation_that_cannot_be_kept_is_reported_at_its_tag() -> None:
    text = 'One <font color="red">red</font>.\n\nTwo <font face="Arial" color="blue">blue</font>.\n'
    markup, warnings = raw_html(
        '<p>One <font color="red">red</font>.</p><p>Two <font face="Arial" color="blue">blue</font>.</p>', text
    )
    assert markup == "<p>One <span>red</span>.</p><p>Two <span>blue</span>.</p>"
    assert warnings == [
        ("raw HTML <font>: color dropped (obsolete in HTML5); the words are kept", Location(Path("page.md"), 1, 5)),
        (
            "raw HTML <font>: face, color dropped (obsolete in HTML5); the words are kept",
            Location(Path("page.md"), 3, 5),
        ),
    ]


def test_align_of_text_becomes_a_style_and_other_obsolete_attributes_go() -> None:
    text = '<p align="center">P</p>\n<table border="1" width="50%"><tr><td valign="top">c</td></tr></table>\n'
    markup, warnings = raw_html(text, text)
    assert markup == '<p style="text-align: center">P</p>\n<table><tr><td>c</td></tr></table>\n'
    assert [message for message, _ in warnings] == [
        "raw HTML <table>: border, width dropped (obsolete in HTML5)",
        "raw HTML <td>: valign dropped (obsolete in HTML5)",
    ]
    assert [location.line for _, location in warnings] == [2, 2]


def test_the_size_of_an_image_is_not_presentation() -> None:
    markup, warnings = raw_html('<p><img src="a.png" alt="A" width="20" height="10"></p>', "")
    assert markup == '<p><img src="a.png" alt="A" width="20" height="10"></p>'
    assert warnings == []


def test_elements_no_edition_shows_are_dropped_and_reported() -> None:
    text = "<style>p {}</style>\n\n<noscript>Fallback words.</noscript>\n\n<template><p>T</p></template>\n"
    markup, warnings = raw_html(
        "<style>p {}</style><noscript>Fallback words.</noscript><template><p>T</p></template>", text
    )
    assert markup == ""
    assert warnings == [
        ("raw HTML <style> dropped: no edition can carry it in the text", Location(Path("page.md"), 1, 1)),
        (
            "raw HTML <noscript> dropped with its text 'Fallback words.': no edition can carry it in the text",
            Location(Path("page.md"), 3, 1),
        ),
        (
            "raw HTML <template> dropped with its text 'T': no edition can carry it in the text",
            Location(Path("page.md"), 5, 1),
        ),
    ]


def test_mathml_and_svg_keep_their_own_attributes() -> None:
    fragment = parse_fragment(
        '<p><math><mspace width="1em"></mspace></math>'
        '<svg width="10" height="10"><rect width="4" height="4"/></svg></p>'
    )
    assert carry_raw_html(fragment, MANUSCRIPT) == []
    assert fragment.find(".//mspace").get("width") == "1em" and fragment.find(".//rect").get("width") == "4"


def test_latex_lists_alone_in_a_raw_block_stand_for_the_fields_that_ask_for_them() -> None:
    left_out = [("latex", "\\listoffigures\n"), ("tex", "\\tableofcontents"), ("tex", "\\vspace{1em}")]
    assert asked_lists([*left_out, ("html", "\\listoftables"), ("tex", "\\listoftables[2]")]) == {"lof", "toc"}
    assert describe("tex", "\\listoffigures") == (
        "raw LaTeX '\\listoffigures' read as `lof: true`: the editions place the list after the contents, not here"
    )


def test_raw_markup_shown_as_code_is_not_its_place() -> None:
    text = "Write `\\vspace{1em}` or\n\n```\n\\vspace{1em}\n```\n\n\\vspace{1em}\n\n```{=latex}\n\\vspace{2em}\n```\n"
    manuscript = Manuscript(Path("book.md"), text, (), None)
    warnings = dropped([("latex", "\\vspace{1em}"), ("latex", "\\vspace{2em}")], manuscript)
    assert [location for _, location in warnings] == [Location(Path("book.md"), 7, 1), Location(Path("book.md"), 10, 1)]


def test_an_attribute_its_element_does_not_take_is_kept_as_data_and_reported_where_written() -> None:
    text = "Intro.\n\n::: {.note disabled=true}\nWords.\n:::\n\n<span value=3>v</span> and a link\n"
    markup, warnings = raw_html(
        '<div class="note" disabled="true"><p>Words.</p></div><p><span value="3">v</span> and '
        '<a href="#old" hreflang="en">link</a> <td colspan="2"></td></p>',
        text,
    )
    assert 'data-disabled="true"' in markup and 'data-value="3"' in markup
    assert warnings == [
        (
            "disabled is no attribute of <div> in HTML; the editions keep it as data-disabled",
            Location(Path("page.md"), 3, 5),
        ),
        (
            "value is no attribute of <span> in HTML; the editions keep it as data-value",
            Location(Path("page.md"), 7, 1),
        ),
    ]


def test_a_raw_divisions_align_which_pandoc_writes_as_data_is_a_style() -> None:
    markup, warnings = raw_html('<div data-align="right"><p>Signed.</p></div>', "")
    assert markup == '<div style="text-align: right"><p>Signed.</p></div>' and warnings == []
