"""Where a manuscript's front matter is, found the way Pandoc's Markdown reader finds it.

Pandoc takes metadata from a title block at the very start (`% Title`,
`% Author; Author`, `% Date`, each continued on lines that begin with a space)
and from any number of YAML blocks: one that opens the file, and others that
follow a blank line. A block opens with `---` followed by a line that is not
blank, and closes with `---` or `...`. Later blocks win over earlier ones and
YAML wins over the title block. Blocks inside fenced code are text, not metadata.

Pandoc's YAML reader also takes tab-indented YAML (a tab counting as four
columns), which PyYAML refuses: leading tabs are expanded before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

OPENING_FENCE = re.compile(r"^---[ \t]*$")
CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
CODE_FENCE = re.compile(r"^(`{3,}|~{3,})")
LEADING_WHITESPACE = re.compile(r"^[ \t]+")
#: The columns a tab stands for in the indentation of Pandoc's YAML.
TAB_WIDTH = 4
ValuePath = tuple[str | int, ...]
"""Where a value is in the front matter: its top-level key, then the keys and list positions inside it."""


@dataclass(frozen=True)
class YamlBlock:
    """The text of one YAML block, its fences left out; `first_line` is the line its text starts on."""

    text: str
    first_line: int


@dataclass(frozen=True)
class TitleBlock:
    """A Pandoc title block: each field as written (Markdown), with the line it starts on."""

    title: str | None
    authors: tuple[str, ...]
    date: str | None
    lines: dict[str, int]


def yaml_blocks(text: str) -> list[YamlBlock]:
    """Every block shaped as Pandoc's YAML metadata, in order; the caller keeps those that hold a mapping."""
    lines = text.splitlines()
    blocks = []
    fence: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        code = CODE_FENCE.match(line)
        if fence is not None:
            if code and line.startswith(fence) and not line[len(fence) :].strip(" `~"):
                fence = None
            index += 1
            continue
        if code:
            fence = code.group(1)
            index += 1
            continue
        starts_block = OPENING_FENCE.match(line) and (index == 0 or not lines[index - 1].strip())
        if starts_block and index + 1 < len(lines) and lines[index + 1].strip():
            end = next((j for j in range(index + 1, len(lines)) if CLOSING_FENCE.match(lines[j])), None)
            if end is not None:
                blocks.append(YamlBlock("".join(f"{row}\n" for row in lines[index + 1 : end]), index + 2))
                index = end + 1
                continue
        index += 1
    return blocks


def title_block(text: str) -> TitleBlock | None:
    """The Pandoc title block the manuscript opens with, if it has one."""
    lines = text.splitlines()
    fields: list[tuple[list[str], int]] = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("%"):
            fields.append(([line[1:].strip()], number))
        elif fields and line.startswith((" ", "\t")) and line.strip():
            fields[-1][0].append(line.strip())
        else:
            break
    if not fields:
        return None
    named = dict(zip(("title", "author", "date"), fields, strict=False))
    title = " ".join(named["title"][0]).strip() if "title" in named else ""
    authors: tuple[str, ...] = ()
    if "author" in named:
        authors = tuple(name.strip() for row in named["author"][0] for name in row.split(";") if name.strip())
    date = " ".join(named["date"][0]).strip() if "date" in named else ""
    lines_of = {field: line for field, (parts, line) in named.items() if any(parts)}
    return TitleBlock(title or None, authors, date or None, lines_of)


def expand_tabs(yaml_text: str) -> str:
    """The YAML with the tabs of each line's indentation expanded as Pandoc's YAML reader counts them."""
    return "".join(
        LEADING_WHITESPACE.sub(lambda found: found.group().expandtabs(TAB_WIDTH), line)
        for line in yaml_text.splitlines(keepends=True)
    )


def inner_lines(node: yaml.Node, place: ValuePath, line_of: Callable[[yaml.Mark], int]) -> dict[ValuePath, int]:
    """The line of every key and list item inside a YAML value, by its place (`place` is the value's own);
    `line_of` gives the line of a mark, as the file counts them."""
    lines: dict[ValuePath, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            inner: ValuePath = (*place, str(key.value))
            lines[inner] = line_of(key.start_mark)
            lines |= inner_lines(value, inner, line_of)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            inner = (*place, index)
            lines[inner] = line_of(item.start_mark)
            lines |= inner_lines(item, inner, line_of)
    return lines
