"""Quarto's and R Markdown's syntax, which Pandoc alone reads wrongly, made Pandoc's.

- A code cell (```` ```{r} ````, ```` ```{python} ````, ```` ```{r setup, echo=FALSE} ````) is a
  code block to Quarto; to Pandoc its `{r}` is no attribute, and the whole cell becomes one
  line of inline code. It is rewritten as a code block in its language (```` ```{.r .cell} ````),
  with a warning: the toolchain runs no code, so the cell's output is not in the editions.
- `{{< pagebreak >}}` becomes `\\newpage`, which the editions set as a page break.
- Any other shortcode (`{{< include … >}}`, `{{< video … >}}`, `{{< meta … >}}`) would be
  printed as written: a warning names it and its line.
"""

from __future__ import annotations

import re

from .errors import Reporter
from .metadata import Manuscript
from .sourcemap import rewritten

#: A code cell's opening fence: backticks or tildes, then `{language` and its options, `}`.
CODE_CELL = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*\{(?P<language>[A-Za-z][\w+-]*)(?P<options>[^}\n]*)\}[ \t]*$",
    re.MULTILINE,
)
#: A fenced code block's opening or closing fence, to tell cells from text inside other code.
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
SHORTCODE = re.compile(r"\{\{<\s*(?P<name>[\w-]+)[^\n]*?>\}\}")
PAGE_BREAK = "pagebreak"


def quarto_syntax(manuscript: Manuscript, reporter: Reporter) -> Manuscript:
    """The manuscript with Quarto's code cells and page breaks in Pandoc's syntax; a warning for each
    cell (its code is shown, not run) and for each shortcode printed as written."""
    text = manuscript.text
    replacements: list[tuple[int, int, str]] = []
    code = _code_ranges(text)
    for cell in CODE_CELL.finditer(text):
        if any(start < cell.start() < end for start, end in code):
            continue  # a cell shown inside another code block, as a manual about Quarto shows one
        options = cell.group("options").strip(" ,")
        classes = f".{cell.group('language')} .cell"
        replacements.append((cell.start(), cell.end(), f"{cell.group('indent')}{cell.group('fence')}{{{classes}}}"))
        reporter.warn(
            f"a code cell ({{{cell.group('language')}{' ' + options if options else ''}}}) is shown as code:"
            " the toolchain runs no code, so its output is not in the editions (render it with Quarto or"
            " knitr first to keep the output)",
            manuscript.location(cell.start() + len(cell.group("indent"))),
        )
    for shortcode in SHORTCODE.finditer(text):
        if any(start <= shortcode.start() < end for start, end in code):
            continue
        if shortcode.group("name") == PAGE_BREAK:
            replacements.append((shortcode.start(), shortcode.end(), "\\newpage"))
            continue
        reporter.warn(
            f"the Quarto shortcode {shortcode.group()} is printed as written: only Quarto runs shortcodes",
            manuscript.location(shortcode.start()),
        )
    return rewritten(manuscript, replacements)


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Where the fenced code blocks are, from opening to closing fence (a cell's too)."""
    ranges = []
    opening: re.Match[str] | None = None
    for fence in FENCE.finditer(text):
        if opening is None:
            opening = fence
        elif fence.group(1)[0] == opening.group(1)[0] and len(fence.group(1)) >= len(opening.group(1)):
            ranges.append((opening.start(), fence.end()))
            opening = None
    return ranges
