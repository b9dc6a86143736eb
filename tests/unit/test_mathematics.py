"""Formulas for print: MathML typeset as SVG images, TeX kept as their text, errors with their line."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from press import mathematics
from press.errors import PressError
from press.frontmatter import YamlBlock
from press.metadata import Manuscript
from press.pandoc import PandocMessage, PandocOutput

FRACTION = (
    '<math display="inline" xmlns="http://www.w3.org/1998/Math/MathML"><semantics>'
    "<mfrac><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow><mi>c</mi></mfrac>"
    '<annotation encoding="application/x-tex">\\frac{a+b}{c}</annotation></semantics></math>'
)
SUM = (
    '<math display="block" xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow>'
    "<munderover><mo>∑</mo><mrow><mi>n</mi><mo>=</mo><mn>1</mn></mrow><mo>∞</mo></munderover>"
    "<mfrac><mn>1</mn><msup><mi>n</mi><mn>2</mn></msup></mfrac></mrow>"
    '<annotation encoding="application/x-tex">\\sum_{n=1}^\\infty \\frac{1}{n^2}</annotation></semantics></math>'
)


def page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>"


def test_a_fraction_is_set_as_paths_sized_in_ems_below_the_baseline() -> None:
    formula = mathematics.typeset_mathml(mathematics.presentation_mathml(lxml.html.fragment_fromstring(FRACTION)))
    assert formula.svg.startswith("<svg") and "<path" in formula.svg
    assert "<text" not in formula.svg, "glyphs are drawn as paths: print needs no math font"
    assert 0.5 < formula.width < 3 and 0.8 < formula.height < 3
    assert 0.1 < formula.depth < formula.height, "the denominator hangs below the baseline"
    expected = f"width: {formula.width}em; height: {formula.height}em; vertical-align: -{formula.depth}em"
    assert formula.style() == expected


def test_a_formula_is_set_once() -> None:
    mathml = mathematics.presentation_mathml(lxml.html.fragment_fromstring(SUM))
    assert mathematics.typeset_mathml(mathml) is mathematics.typeset_mathml(mathml)


def test_annotations_are_not_typeset() -> None:
    mathml = mathematics.presentation_mathml(lxml.html.fragment_fromstring(FRACTION))
    assert "annotation" not in mathml and "semantics" not in mathml
    assert "<mfrac>" in mathml


def test_the_print_page_carries_images_with_the_tex_as_their_text(tmp_path: Path) -> None:
    source = tmp_path / "m.md"
    source.write_text("x\n", encoding="utf-8")
    typeset = mathematics.typeset_formulas(page(f"<p>So {FRACTION} and</p><p>{SUM}</p>"), [source])
    tree = lxml.html.document_fromstring(typeset)
    assert tree.xpath("//math") == []
    inline, display = tree.iter("img")
    assert inline.get("alt") == "\\frac{a+b}{c}" and inline.get("class") == "math inline"
    assert "vertical-align: -" in inline.get("style", "")
    assert display.get("class") == "math display"
    assert display.get("src", "").startswith("data:image/svg+xml;base64,")
    assert inline.tail == " and"


def test_a_page_without_formulas_is_left_as_it_is(tmp_path: Path) -> None:
    assert mathematics.typeset_formulas(page("<p>$5</p>"), [tmp_path / "m.md"]) == page("<p>$5</p>")


def test_a_formula_ziamath_cannot_set_is_an_error_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "m.md"
    source.write_text("---\ntitle: t\n---\n\nText $\\weird x$ here.\n", encoding="utf-8")
    unknown = (
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mblob>x</mblob>'
        '<annotation encoding="application/x-tex">\\weird x</annotation></semantics></math>'
    )
    with pytest.raises(PressError) as caught:
        mathematics.typeset_formulas(page(f"<p>{unknown}</p>"), [source])
    assert str(caught.value).startswith(f"{source}:5:7: error: cannot typeset the formula $\\weird x$")


def test_tex_pandoc_could_not_convert_is_an_error_with_its_line(tmp_path: Path) -> None:
    text = "---\ntitle: t\n---\n\nA broken $\\frac{1$ formula.\n"
    manuscript = Manuscript(tmp_path / "m.md", text, (YamlBlock("title: t\n", 2),), None)
    message = PandocMessage(
        "CouldNotConvertTeXMath",
        "WARNING",
        'Could not convert TeX math \\frac{1, rendering as TeX:\n\\frac{1\n       ^\nunexpected eof\nexpecting "{"',
    )
    problems = mathematics.unconverted(PandocOutput("", (message,)), manuscript)
    where = tmp_path / "m.md"
    assert [str(problem) for problem in problems] == [
        f"{where}:5:11: error: cannot typeset the formula $\\frac{{1$: unexpected eof"
    ]


def test_formulas_on_the_web_carry_their_tex_as_alttext() -> None:
    fragment = lxml.html.fragment_fromstring(f"<p>{FRACTION}</p>")
    mathematics.prepare_formulas(fragment)
    assert fragment.find(".//math").get("alttext") == "\\frac{a+b}{c}"
    assert fragment.find(".//math").getparent().tag == "p", "an inline formula stays in its line"


def test_a_displayed_formula_stands_in_a_box_the_keyboard_can_scroll() -> None:
    fragment = lxml.html.fragment_fromstring(f"<p>Sum: {SUM} done.</p>")
    mathematics.prepare_formulas(fragment)
    mathematics.prepare_formulas(fragment)
    box = fragment.find(".//math").getparent()
    assert (box.tag, box.get("class"), box.get("tabindex")) == ("span", "display-formula", "0")
    assert box.getparent().tag == "p" and box.tail == " done."
    assert len(fragment.find_class("display-formula")) == 1


def test_the_shown_text_of_a_formula_leaves_its_tex_out() -> None:
    heading = lxml.html.fragment_fromstring(f"<h2>Growth {FRACTION} <em>fast</em> now</h2>")
    assert mathematics.shown_text(heading) == "Growth a+bc fast now"


def test_accents_are_written_with_their_spacing_characters_as_mathml_wants() -> None:
    fragment = lxml.html.fragment_fromstring(
        '<p><math xmlns="http://www.w3.org/1998/Math/MathML"><mover><mi>θ</mi><mo accent="true">\u0302</mo>'
        '</mover><mover><mi>v</mi><mo accent="true">\u20d7</mo></mover><mo>+</mo></math></p>'
    )
    mathematics.prepare_formulas(fragment)
    assert [mo.text for mo in fragment.iter("mo", "{http://www.w3.org/1998/Math/MathML}mo")] == [
        "\u02c6",
        "\u2192",
        "+",
    ]


@pytest.mark.parametrize(
    ("command", "hint"),
    [
        ("\\def", "a definition inside a formula: write \\def… on a line of its own outside it"),
        ("\\argmin", "define it in the text, as the LaTeX preamble did: \\newcommand{\\argmin}{…}"),
    ],
)
def test_an_unknown_command_says_where_its_definition_belongs(tmp_path: Path, command: str, hint: str) -> None:
    text = f"---\ntitle: t\n---\n\nSee ${command}\\foo x$.\n"
    manuscript = Manuscript(tmp_path / "m.md", text, (YamlBlock("title: t\n", 2),), None)
    tex = f"{command}\\foo x"
    message = PandocMessage(
        "CouldNotConvertTeXMath",
        "WARNING",
        f"Could not convert TeX math {tex}, rendering as TeX:\n{tex}\n^\nunexpected control sequence {command}",
    )
    problems = mathematics.unconverted(PandocOutput("", (message,)), manuscript)
    assert len(problems) == 1 and f"unexpected control sequence {command} ({hint}" in str(problems[0])
