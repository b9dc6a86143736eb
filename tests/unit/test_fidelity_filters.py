"""The Lua filters that keep raw LaTeX and list delimiters, run by the bundled Pandoc on a few lines."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pypandoc
import pytest

from press import FILTERS_DIR


def convert(markdown: str, tmp_path: Path, *filters: str) -> tuple[str, list[tuple[str, str]]]:
    """Pandoc's HTML for the Markdown and the raw pieces its writer left out, as (format, text)."""
    log = tmp_path / "log.json"
    arguments = [f"--lua-filter={FILTERS_DIR / name}" for name in filters]
    completed = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "html5", "--wrap=none", f"--log={log}", *arguments],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    entries = json.loads(log.read_text(encoding="utf-8"))
    left_out = [tuple(entry["contents"]["c"]) for entry in entries if entry["type"].endswith("NotRendered")]
    return completed.stdout, left_out


@pytest.mark.parametrize(
    ("latex", "html"),
    [
        ("\\emph{word}", "<em>word</em>"),
        ("\\textbf{word}", "<strong>word</strong>"),
        ("\\textit{word}", "<em>word</em>"),
        ("\\textsc{Word}", '<span class="smallcaps">Word</span>'),
        ("\\url{https://example.org}", '<a href="https://example.org" class="uri">https://example.org</a>'),
        ("\\href{https://example.org}{a link}", '<a href="https://example.org">a link</a>'),
    ],
)
def test_simple_latex_is_converted(latex: str, html: str, tmp_path: Path) -> None:
    output, left_out = convert(f"Before {latex} after.\n", tmp_path, "raw-tex.lua")
    assert output.strip() == f"<p>Before {html} after.</p>"
    assert left_out == []


@pytest.mark.parametrize(
    ("command", "classes"),
    [
        ("\\newpage", "page-break"),
        ("\\pagebreak", "page-break"),
        ("\\clearpage", "page-break"),
        ("\\pagebreak[4]", "page-break"),
        ("\\cleardoublepage", "page-break recto"),  # to a recto, as LaTeX's book class breaks
    ],
)
def test_page_breaks_become_page_break_elements(command: str, classes: str, tmp_path: Path) -> None:
    output, left_out = convert(f"One.\n\n{command}\n\nTwo.\n", tmp_path, "raw-tex.lua")
    assert f'<div class="{classes}">' in output
    assert left_out == []


def test_latex_the_reader_does_not_understand_is_left_for_the_writer_to_report(tmp_path: Path) -> None:
    output, left_out = convert(
        "An entry\\index{entry} and \\textbf{\\index{x}bold}.\n\n\\vspace{1em}\n\n`y`{=openxml}\n",
        tmp_path,
        "raw-tex.lua",
    )
    assert output.strip() == "<p>An entry and .</p>\n<p></p>"
    assert left_out == [
        ("tex", "\\index{entry}"),
        ("tex", "\\textbf{\\index{x}bold}"),
        ("tex", "\\vspace{1em}"),
        ("openxml", "y"),
    ]


def test_an_environment_is_read_as_a_whole(tmp_path: Path) -> None:
    output, _ = convert("\\begin{center}\nCentred \\emph{text}.\n\\end{center}\n", tmp_path, "raw-tex.lua")
    assert output.strip() == '<div class="center">\n<p>Centred <em>text</em>.</p>\n</div>'


def test_raw_html_is_left_alone(tmp_path: Path) -> None:
    output, left_out = convert('<a name="x"></a>Text.\n', tmp_path, "raw-tex.lua")
    assert output.strip() == '<p><a name="x"></a>Text.</p>'
    assert left_out == []


def test_lists_with_parentheses_are_wrapped_with_their_delimiter_and_style(tmp_path: Path) -> None:
    output, _ = convert(
        "(2) two\n(3) three\n\nText.\n\ni) one\nii) two\n\nText.\n\n1. plain\n", tmp_path, "list-delimiters.lua"
    )
    assert '<div class="list-two-parens">\n<ol start="2" type="1">' in output
    assert '<div class="list-one-paren list-lower-roman">\n<ol type="i">' in output
    assert "<p>Text.</p>\n<ol>" in output.replace(' type="1"', "")


def test_macro_definitions_pandoc_has_applied_are_taken_out(tmp_path: Path) -> None:
    output, left_out = convert("\\newcommand{\\tool}{\\textsc{Press}}\n\nUse \\tool{} now.\n", tmp_path, "raw-tex.lua")
    assert output.strip() == '<p>Use <span class="smallcaps">Press</span> now.</p>'
    assert left_out == []


def test_a_math_operator_a_thesis_declares_is_applied_and_taken_out(tmp_path: Path) -> None:
    output, left_out = convert(
        "\\DeclareMathOperator*{\\argmin}{arg\\,min}\n\nThe fit $\\argmin_x f(x)$ holds.\n", tmp_path, "raw-tex.lua"
    )
    assert left_out == [] and "DeclareMathOperator" not in output
    assert "arg" in output and "\\argmin" not in output
