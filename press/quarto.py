"""Quarto's and R Markdown's syntax, which Pandoc alone reads wrongly, made Pandoc's.

- A code cell (```` ```{r} ````, ```` ```{python} ````, ```` ```{r setup, echo=FALSE} ````) is a
  code block to Quarto; to Pandoc its `{r}` is no attribute, and the whole cell becomes one
  line of inline code. It is rewritten as a code block in its language (```` ```{.r .cell} ````),
  with a warning: the toolchain runs no code, so the cell's output is not in the editions. Its
  `#|` options are not shown, as Quarto shows none; a cell labelled as a figure or table with
  its caption (`#| label: fig-growth`, `#| fig-cap: …`) becomes that figure or table, the code in
  place of the output, so that `@fig-growth` still refers to it; one labelled as a listing
  (`#| lst-label: lst-import`, `#| lst-cap: …`) is that numbered listing. A cell whose braces are
  doubled (```` ```{{python}} ````) is shown as written, fences and all, as Quarto shows it.
- `{{< include _file.qmd >}}` is replaced by the file's text, as Quarto does (the path is the
  including file's, or from the manuscript's folder when it starts with `/`), includes in it too;
  every message about the included text names the included file and its line. A file that is
  missing, lies outside the manuscript's folder or includes itself stops the build.
- `{{< pagebreak >}}` becomes `\\newpage`, which the editions set as a page break.
- `{{< meta key >}}` becomes the front matter's value, `{{< var key >}}` the value in the project's
  `_variables.yml` (a dotted key reads a nested value: `{{< var version.major >}}`), as Markdown,
  as Quarto reads them; `{{< kbd Ctrl-C >}}` becomes the keys as keyboard input. A key that names
  no single value is printed as written, with a warning.
- `{{{< … >}}}`, Quarto's way of showing a shortcode, is printed as the shortcode.
- Any other shortcode (`{{< video … >}}`) would be printed as written: a warning names it and its line.
"""

from __future__ import annotations

import datetime
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import Location, PressError, Reporter
from .metadata import Manuscript, front_matter_values
from .sourcemap import FileText, rewritten
from .verbatim import LIST_MARKER

#: A code cell's opening fence: backticks or tildes, then `{language` and its options, `}`. Indented as
#: far as it likes: a cell is a step of a list item (indented as the item's text) as often as not.
CODE_CELL = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{(?P<language>[A-Za-z][\w+-]*)(?P<options>[^}\n]*)\}[ \t]*$",
    re.MULTILINE,
)
#: A code cell Quarto shows as written, its fence's braces doubled (```` ```{{python}} ````): a code block
#: showing the cell with its fences, as a manual about Quarto shows one.
ESCAPED_CELL = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{\{(?P<header>[^{}\n]*)\}\}[ \t]*$", re.MULTILINE
)
#: A line of a cell's options (`#| label: fig-growth`, `//| fig-cap: >`, `#|   continued`), YAML after its mark.
OPTION_LINE = re.compile(r"^[ \t]*(?:#|//|--|%)\| ?(?P<yaml>[^\n]*)(?:\n|$)", re.MULTILINE)
BLANK_LINE = re.compile(r"[ \t]*\n")
#: One of knitr's options in a cell's header: a label alone, or `key=value` (a value quoted, or up to a comma).
KNITR_OPTION = re.compile(r"""(?P<key>[\w.-]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^,]*))?\s*(?:,\s*|$)""")
R_LITERALS = {"TRUE": True, "T": True, "FALSE": False, "F": False}
#: Inline code knitr and Quarto run: `` `r mean(x)` `` (in R Markdown), `` `{python} len(x)` `` (anywhere).
INLINE_CODE = re.compile(r"(?<!`)`(?:\{(?P<language>[A-Za-z][\w+-]*)\}|r)[ \t](?:[^`\n]|\n(?![ \t]*\n))*`(?!`)")
#: Template syntax another tool renders before Pandoc reads the text (Manubot renders its Markdown as Jinja2): a
#: statement, `{% if x %}`, or an expression, `{{ manubot.date }}` (not a Quarto shortcode, `{{< … >}}`).
TEMPLATE_SYNTAX = re.compile(
    r"\{%-?[ \t]*[a-z]+\b[^%\n]*%\}"
    # An expression spaced inside its braces, or a dotted or subscripted name (TeX's `{{a}}` is neither).
    r"|\{\{-?(?:[ \t]+[A-Za-z_][\w.]*(?:\[[^\]\n]*\])*[ \t]*(?:\|[^}\n]*)?"
    r"|[A-Za-z_]\w*(?:\.\w+|\[[^\]\n]*\])+[ \t]*(?:\|[^}\n]*)?)-?\}\}"
)
#: Inline code, whose text is shown as written.
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
R_MARKDOWN_SUFFIXES = (".rmd", ".qmd", ".rmarkdown")
#: A cell whose code only includes an image file, its output that image (knitr's `include_graphics`).
INCLUDED_GRAPHIC = re.compile(
    r"""(?:knitr::)?include_graphics\(\s*(?:path\s*=\s*)?(?P<quote>["'])(?P<path>[^"'\n]+)(?P=quote)\s*\)"""
)
#: A list item's first line, its marker and the spaces after it setting where its text stands.
LIST_ITEM = re.compile(rf"(?P<marker>[ \t]*(?:{LIST_MARKER})[ \t]+)\S")
#: How a line starts that Pandoc reads as another block than a paragraph: a list item's marker (`a.`, `2020.`,
#: `(a)`, `-`), a heading's, a block quote's, a table's, a division's fence, a horizontal rule, a link's or a
#: note's definition.
BLOCK_START = re.compile(rf"(?:{LIST_MARKER})(?=\s|$)|#|>|\||:{{3,}}|\[\^?[^\]]*\]:|[-*_](?:\s*[-*_]){{2,}}\s*$")
#: The widest a fence or a cell's opening line is indented past the text it stands in (four spaces more
#: make an indented code block of it).
FENCE_INDENT = 3
#: The columns a tab stands for, as Pandoc counts them.
TAB_STOP = 4
#: A fenced code block's opening or closing fence and what follows it on its line, to tell cells from text
#: inside other code (in a list item too: indented as its text, or on the item's first line after its marker).
FENCE = re.compile(
    rf"^(?P<indent>[ \t]*(?:(?:{LIST_MARKER})[ \t]+)?)(?P<fence>`{{3,}}|~{{3,}})(?P<info>[^\n]*)", re.MULTILINE
)
SHORTCODE = re.compile(r"\{\{<\s*(?P<name>[\w-]+)(?P<arguments>[^\n]*?)>\}\}")
PAGE_BREAK = "pagebreak"
INCLUDE = "include"
META = "meta"
VARIABLE = "var"
KEYBOARD = "kbd"
#: The file that makes a folder a Quarto project's root, where a path written from the root (`/images/a.png`) starts.
QUARTO_PROJECT = "_quarto.yml"
#: Where a Quarto project keeps the values of `{{< var … >}}`: beside the manuscript (or the book's `_quarto.yml`).
VARIABLES_FILE = "_variables.yml"
#: What Markdown gives a meaning to; kept as written in the keys `{{< kbd >}}` names.
MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
#: Includes deeper than this are taken for a file that includes itself.
INCLUDE_DEPTH = 16


def quarto_syntax(manuscript: Manuscript, reporter: Reporter) -> Manuscript:
    """The manuscript with Quarto's code cells and page breaks in Pandoc's syntax; a warning for each
    cell (its code is shown, not run) and for each shortcode printed as written."""
    manuscript = _with_includes(manuscript)
    text = manuscript.text
    replacements: list[tuple[int, int, str | FileText]] = []
    code = _code_ranges(text)
    for cell in CODE_CELL.finditer(text):
        if not _is_fence(text, cell.start(), cell.group("indent")):
            continue  # indented code, showing a cell
        if any(start < cell.start() < end for start, end in code):
            continue  # a cell shown inside another code block, as a manual about Quarto shows one
        end = next((end for start, end in code if start == cell.start()), len(text))
        replacements += _cell(manuscript, cell, end, reporter)
    for cell in ESCAPED_CELL.finditer(text):
        shown_to = next((end for start, end in code if start == cell.start()), None)
        if shown_to is None or not _is_fence(text, cell.start(), cell.group("indent")):
            # A line of code (indented, or in another code block) showing a cell: its fence as Quarto
            # prints it, the braces single.
            replacements.append((cell.start("header") - 2, cell.end("header") + 2, f"{{{cell.group('header')}}}"))
            continue
        indent, fence = cell.group("indent"), cell.group("fence")
        outer = fence + fence[0]  # longer than the cell's own fences, which it shows
        replacements.append((cell.start(), cell.end(), f"{indent}{outer}\n{indent}{fence}{{{cell.group('header')}}}"))
        after = _line_end(text, shown_to)
        line_break = "" if text.endswith("\n", 0, after) else "\n"  # the cell may end the text
        replacements.append((after, after, f"{line_break}{indent}{outer}\n"))
    for inline in INLINE_CODE.finditer(text):
        if any(start <= inline.start() < end for start, end in code):
            continue
        where = manuscript.location(inline.start())
        if inline.group("language") or where.path.suffix.lower() in R_MARKDOWN_SUFFIXES:
            reporter.warn(
                f"inline code {' '.join(inline.group().split())} is shown as code: the toolchain runs no code, so"
                " its value is not in the editions (render it with Quarto or knitr first to keep the value)",
                where,
            )
    _report_template_syntax(manuscript, reporter, code)
    values: dict[str, Any] | None = None
    variables: dict[str, Any] | None = None
    for shortcode in SHORTCODE.finditer(text):
        if any(start <= shortcode.start() < end for start, end in code):
            continue
        start, end = shortcode.span()
        if _escaped(text, shortcode):
            replacements.append((start - 1, end + 1, shortcode.group()))
            continue
        name, arguments = shortcode.group("name"), shortcode.group("arguments").split()
        where = manuscript.location(start)
        replacement: str | None = None
        problem = "only Quarto runs shortcodes"
        if name == PAGE_BREAK:
            replacement = "\\newpage"
        elif name == KEYBOARD and arguments and "=" not in arguments[0]:
            keys = MARKDOWN_PUNCTUATION.sub(r"\\\1", arguments[0])
            replacement = f"[{keys}]{{.kbd}}"
        elif name == META and arguments:
            values = front_matter_values(manuscript)[0] if values is None else values
            replacement, problem = _value(values, arguments[0], "the front matter")
        elif name == VARIABLE and arguments:
            variables = _variables(manuscript.path.parent, where) if variables is None else variables
            replacement, problem = _value(variables, arguments[0], VARIABLES_FILE)
        if replacement is None:
            reporter.warn(f"the Quarto shortcode {shortcode.group()} is printed as written: {problem}", where)
        else:
            replacements.append((start, end, replacement))
    return rewritten(manuscript, replacements)


def _report_template_syntax(manuscript: Manuscript, reporter: Reporter, code: list[tuple[int, int]]) -> None:
    """A warning for each file whose text holds template syntax outside code (Manubot's `{{ manubot.date }}`,
    `{% if … %}`): nothing renders it, so it is printed as written. One warning a file, at the first."""
    text = manuscript.text
    spans = [*code, *(span.span() for span in CODE_SPAN.finditer(text))]
    found: dict[Path, list[tuple[str, Location]]] = {}
    for template in TEMPLATE_SYNTAX.finditer(text):
        if any(start <= template.start() < end for start, end in spans):
            continue
        where = manuscript.location(template.start())
        found.setdefault(where.path, []).append((template.group(), where))
    for places in found.values():
        (written, where), others = places[0], len(places) - 1
        more = f" (and {others} more in this file)" if others else ""
        reporter.warn(
            f"the template syntax {written} is printed as written{more}: nothing renders it here (render the"
            " text with its tool first, as Manubot renders its Jinja2)",
            where,
        )


def _cell(
    manuscript: Manuscript, cell: re.Match[str], end: int, reporter: Reporter
) -> list[tuple[int, int, str | FileText]]:
    """The rewriting of one code cell (its opening fence matched, its closing fence ending at `end`).

    A cell Quarto or knitr would leave out (`include: false`) is left out. One that only includes an image
    (`knitr::include_graphics("map.png")`) under a caption is that image's figure, as its output would be.
    Any other becomes a code block, with a warning: its output is not in the editions; under a figure's
    or table's label and caption (`#| label: fig-growth` with `fig-cap`, or bookdown's
    `{r growth, fig.cap="…"}`, labelled `fig:growth`) its code stands in that figure's place."""
    text, indent = manuscript.text, cell.group("indent")
    div_indent = _item_indent(text, cell.start(), indent) or ""
    where = manuscript.location(cell.start() + len(indent))
    closing = text.rfind("\n", cell.end(), end) + 1 if end < len(text) else len(text)
    options, option_lines = _cell_options(cell.group("options"), text, cell.end(), closing)
    if str(options.get("include", "")).lower() == "false":
        return [(cell.start(), _line_end(text, end), "")]
    label = str(options.get("label", ""))
    kind = label[:3] if label[:4] in ("fig-", "tbl-") else "fig"
    caption = _as_paragraph(" ".join(str(options.get(f"{kind}-cap", "")).split()))
    identifier = label if label[:4] in ("fig-", "tbl-") else f"fig:{label}" if label and caption else ""
    image = INCLUDED_GRAPHIC.fullmatch(OPTION_LINE.sub("", text[cell.end() : closing]).strip())
    # Found as the toolchain finds a chapter's images: beside the chapter, or else beside the book.
    beside = (where.path.parent, manuscript.path.parent)
    if image and caption and kind == "fig" and any((folder / image.group("path")).is_file() for folder in beside):
        # Without fig.alt, the image takes the caption's words, as knitr gives it fig.cap (see press.document).
        alternative = " ".join(str(options.get("fig-alt", "")).split())
        figure = f"![{alternative}]({image.group('path')})"
        lines = [f"::: {{#{identifier}}}", figure, "", caption, ":::"]
        return [(cell.start(), _line_end(text, end), "\n".join(div_indent + line if line else "" for line in lines))]
    # Its label kept, for a reference to what it makes (`\\@ref(tab:nice-tab)`) to be told from a mistake.
    named = f' label="{label}"' if re.fullmatch(r"[\w.:-]+", label) and not (identifier and caption) else ""
    # A listing of its code (Quarto's `#| lst-label: lst-import` and `#| lst-cap: …`), numbered and captioned.
    listing = str(options.get("lst-label", ""))
    if re.fullmatch(r"lst-[\w.:-]+", listing):
        listing_caption = " ".join(str(options.get("lst-cap", "")).split()).replace("\\", "\\\\").replace('"', '\\"')
        named = f" #{listing}{named}" + (f' lst-cap="{listing_caption}"' if listing_caption else "")
    opening = f"{indent}{cell.group('fence')}{{.{cell.group('language')} .cell{named}}}"
    if option_lines:
        # The blank lines after the options go with them: Quarto's code starts at its first line of code.
        start, stop = option_lines[-1]
        while (blank := BLANK_LINE.match(text, stop)) and blank.end() <= closing:
            stop = blank.end()
        option_lines[-1] = (start, stop)
    rewriting: list[tuple[int, int, str | FileText]] = [(start, stop, "") for start, stop in option_lines]
    if identifier and caption:
        # Referred to as a figure or table (@fig-growth): the code stands in its place, under its caption.
        rewriting.append((cell.start(), cell.end(), f"{div_indent}::: {{#{identifier}}}\n{opening}"))
        rewriting.append((end, end, f"\n\n{div_indent}{caption}\n{div_indent}:::"))
    else:
        rewriting.append((cell.start(), cell.end(), opening))
    written = cell.group("options").strip(" ,")
    stands_for = f"; {identifier} shows the code in place of its output" if identifier and caption else ""
    reporter.warn(
        f"a code cell ({{{cell.group('language')}{' ' + written if written else ''}}}) is shown as code:"
        " the toolchain runs no code, so its output is not in the editions (render it with Quarto or"
        f" knitr first to keep the output){stands_for}",
        where,
    )
    return rewriting


def _as_paragraph(markdown: str) -> str:
    """One line of Markdown that Pandoc reads as a paragraph, as a caption is: a mark that would start another
    block ("a. Results" a list, "# 1" a heading) has its first punctuation escaped, shown as written."""
    start = BLOCK_START.match(markdown)
    if start is None:
        return markdown
    mark = next(index for index, character in enumerate(start.group()) if character in string.punctuation)
    return f"{markdown[:mark]}\\{markdown[mark:]}"


def _item_indent(text: str, position: int, indent: str) -> str | None:
    """Where the text stands that a fence (or a cell's opening line) at `position`, indented by `indent`,
    belongs to: the indentation of the list item's text it stands in (where Pandoc opens a fenced div in
    it: a div indented further is a paragraph), "" outside a list; None when it is indented past that text
    far enough to be a line of an indented code block, no fence at all."""
    width = len(indent.expandtabs(TAB_STOP))
    lines = _lines_before(text, position)
    line = next(lines, None)
    while line is not None:
        before = next(lines, None)
        line = line.expandtabs(TAB_STOP)
        marker = LIST_ITEM.match(line)
        if marker is not None and len(marker.group("marker")) <= width:
            column = len(marker.group("marker"))
            return " " * column if width - column <= FENCE_INDENT else None
        if line.strip() and not line[0].isspace() and not (before and before.strip()):
            break  # a paragraph at the margin (not a list item's, continued lazily): no list
        line = before
    return "" if width <= FENCE_INDENT else None


def _is_fence(text: str, position: int, indent: str) -> bool:
    """Whether a fence-like line at `position` is a fence, not a line of indented code (see `_item_indent`)."""
    return len(indent.expandtabs(TAB_STOP)) <= FENCE_INDENT or _item_indent(text, position, indent) is not None


def _lines_before(text: str, position: int) -> Iterator[str]:
    """The lines before the one starting at `position`, the nearest first."""
    end = position - 1
    while end >= 0:
        start = text.rfind("\n", 0, end) + 1
        yield text[start:end]
        end = start - 1


def _cell_options(header: str, text: str, start: int, stop: int) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """A cell's options, knitr's in its header (`{r growth, fig.cap="…", echo=FALSE}`, dots read as Quarto's
    dashes) and then Quarto's (`#| fig-cap: …` lines at its top, read as YAML as Quarto reads them), and
    where each option line is (Quarto never shows them)."""
    options: dict[str, Any] = {}
    for position, item in enumerate(KNITR_OPTION.finditer(header.strip(" ,"))):
        key, value = item.group("key"), item.group("value")
        if value is None:
            if position == 0:
                options["label"] = key
            continue
        value = value.strip()
        literal = R_LITERALS.get(value, value[1:-1] if value[:1] in "\"'" and value[-1:] == value[:1] else value)
        options[key.replace(".", "-")] = literal
    lines: list[tuple[int, int]] = []
    written: list[str] = []
    position = start + 1 if text[start : start + 1] == "\n" else start
    while (line := OPTION_LINE.match(text, position, stop)) is not None:
        lines.append(line.span())
        written.append(line.group("yaml"))
        position = line.end()
    try:
        _, values = limits.parse_yaml("\n".join(written))
    except yaml.YAMLError:
        # Not YAML after all: each `key: value` line read as one.
        values = {}
        for option in written:
            key, colon, value = option.partition(":")
            if colon:
                values[key.strip()] = value.strip().strip("\"'")
    if isinstance(values, dict):
        # knitr's dotted names written as Quarto's options (`#| fig.cap:`) read as Quarto's (`fig-cap`).
        options |= {str(key).replace(".", "-"): value for key, value in values.items()}
    return options, lines


def _line_end(text: str, position: int) -> int:
    """The end of the line `position` is on, its line break included."""
    found = text.find("\n", position)
    return len(text) if found < 0 else found + 1


def _escaped(text: str, shortcode: re.Match[str]) -> bool:
    """Whether the shortcode is written `{{{< … >}}}`, Quarto's way of showing it as written."""
    start, end = shortcode.span()
    return text[start - 1 : start] == "{" and text[end : end + 1] == "}"


def variables_file(manuscript: Manuscript) -> Path | None:
    """The project's `_variables.yml`, when the text reads a value from it (it is then an input of the build)."""
    uses = any(found.group("name") == VARIABLE for found in SHORTCODE.finditer(manuscript.text))
    return manuscript.path.parent / VARIABLES_FILE if uses else None


def _variables(folder: Path, where: Location) -> dict[str, Any]:
    path = folder / VARIABLES_FILE
    if not path.is_file():
        return {}
    limits.check_file_size(path, limits.MANUSCRIPT_BYTES, "variables file", where)
    values = limits.yaml_file_values(path)
    return values if isinstance(values, dict) else {}


def _value(values: dict[str, Any], key: str, source: str) -> tuple[str | None, str]:
    """The text a `meta` or `var` shortcode stands for (a dotted key reads a nested value), or None and why not."""
    key = key.strip("\"'")
    value: Any = values
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None, f"{source} has no '{key}'"
        value = value[part]
    if isinstance(value, bool):
        return str(value).lower(), ""
    if isinstance(value, (str, int, float, datetime.date)):
        text = str(value).strip()
        # A value of one paragraph stands in a line of text; one of several keeps its paragraphs.
        return (text if "\n\n" in text else " ".join(text.split())), ""
    return None, f"'{key}' in {source} is not a single value"


def _with_includes(manuscript: Manuscript) -> Manuscript:
    """The manuscript with each `{{< include >}}` replaced by the file it names, to any depth; what the
    includes add is limited as a manuscript file is, so that a file included a thousand times over
    cannot make a text too large to set."""
    added = 0
    for _ in range(INCLUDE_DEPTH):
        includes = _includes(manuscript)
        if not includes:
            return manuscript
        added += sum(len(text.text) for _, _, text in includes if isinstance(text, FileText))
        if added > limits.MANUSCRIPT_BYTES:
            raise PressError(
                f"the included files add more than {limits.MANUSCRIPT_BYTES // limits.MEGABYTE} MB of text;"
                " larger texts are refused",
                manuscript.location(includes[0][0]),
            )
        manuscript = rewritten(manuscript, includes)
    (start, _, _), *_ = _includes(manuscript)
    raise PressError(
        f"includes nest more than {INCLUDE_DEPTH} deep: does a file include itself?", manuscript.location(start)
    )


def project_root(folder: Path) -> Path:
    """Where a path written from the root (`/images/map.png`, `{{< include /_intro.qmd >}}`) starts, as Quarto reads
    it: the root of the Quarto project the manuscript's folder is in (the nearest folder with `_quarto.yml`),
    else the manuscript's folder."""
    return next(
        (candidate for candidate in (folder, *folder.parents) if (candidate / QUARTO_PROJECT).is_file()), folder
    )


def _includes(manuscript: Manuscript) -> list[tuple[int, int, str | FileText]]:
    """Each include shortcode of the text (outside code) and the text of the file it names."""
    text = manuscript.text
    code = _code_ranges(text)
    found: list[tuple[int, int, str | FileText]] = []
    for shortcode in SHORTCODE.finditer(text):
        if shortcode.group("name") != INCLUDE or any(start <= shortcode.start() < end for start, end in code):
            continue
        if _escaped(text, shortcode):
            continue
        where = manuscript.location(shortcode.start())
        named = shortcode.group("arguments").strip().strip("\"'")
        if not named:
            raise PressError(f"the Quarto shortcode {shortcode.group()} names no file to include", where)
        folder = project_root(manuscript.path.parent) if named.startswith("/") else manuscript.path.parent
        path = folder / named.lstrip("/") if named.startswith("/") else where.path.parent / named
        limits.check_inside(path, folder, "included file", where)
        limits.check_file_size(path, limits.MANUSCRIPT_BYTES, "included file", where)
        if not path.is_file():
            raise PressError(f"cannot include {named}: there is no such file", where)
        raw = path.read_bytes()
        try:
            included = raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
        except UnicodeDecodeError as error:
            raise PressError(
                f"cannot include {named}: it is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8", where
            ) from None
        found.append((shortcode.start(), shortcode.end(), FileText(path, included)))
    return found


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Where the fenced code blocks are, from opening to closing fence (a cell's too).

    A block is closed as Pandoc closes it: by a fence of its character, as long as its opening's or longer,
    with nothing after it, indented at most FENCE_INDENT past the text the opening stands in (a list item's).
    Inside the block nothing else is read: a list item in its code is code, not a list a fence stands in."""
    ranges = []
    opening: re.Match[str] | None = None
    column = 0
    for fence in FENCE.finditer(text):
        indent = fence.group("indent")
        width = len(indent.expandtabs(TAB_STOP))
        if opening is None:
            if fence["fence"][0] == "`" and "`" in fence["info"]:
                continue  # a code span at a line's start (```` ```code``` ````), as Pandoc reads it
            # A fence on a list item's first line stands at the item's text; one on a line of its own, where
            # the lines before it set (see `_item_indent`).
            stands_in = " " * width if indent.strip() else _item_indent(text, fence.start(), indent)
            if stands_in is None:
                continue  # a line of indented code
            opening, column = fence, len(stands_in)
        elif (
            not indent.strip()
            and fence["fence"][0] == opening["fence"][0]
            and len(fence["fence"]) >= len(opening["fence"])
            and width - column <= FENCE_INDENT
            and not fence["info"].strip()
        ):
            ranges.append((opening.start(), fence.end()))
            opening = None
    return ranges
