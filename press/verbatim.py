"""Where Pandoc's Markdown reads a text verbatim: code, raw markup and comments, where nothing is the author's prose.

A message about something the author wrote (an unknown `@key`, a link to nothing, a
refused `<script>`) names the place by searching the text for it, for Pandoc's Markdown
reader gives no source positions. The same letters in a code block, a code span or an
HTML comment are no citation, link or element of the document: Pandoc reads them as
they are. `verbatim_stretches` finds those stretches as Pandoc's reader finds them:

- code: fenced code blocks (closed; an unclosed fence is text), indented code blocks
  (after a blank line; in a list item or a note, indented beyond its own text), code
  spans, and HTML comments;
- raw markup: blocks and spans with a raw attribute (```` ```{=latex} ````,
  `` `<b>`{=html} ``) and the HTML elements whose content Pandoc keeps as it is
  (`<pre>`, `<script>`, `<style>`, `<textarea>`).

`as_written` keeps, of the places a search found, those in the author's prose; a search
for raw markup (a dropped `\\vspace`, a refused `<script>`) keeps those in raw markup too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

#: A fence opening a code block, inside block quotes and list items too; a backtick fence's
#: attributes hold no backtick (```` ```code``` ```` is a code span).
FENCE = re.compile(r"(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)")
#: A code block's attributes that make it a raw block (```` ``` {=html} ````).
RAW_ATTRIBUTE = re.compile(r"\{\s*=[\w-]+\s*\}")
#: Block quotes' marks before a line's text.
QUOTE_MARKS = re.compile(r"(?:[ \t]{0,3}>[ \t]?)+")
#: A list item's marker in Pandoc's Markdown: a bullet, a number, a letter, a roman numeral, `#` or an example's
#: `@label`, with a period or one or two parentheses.
LIST_MARKER = r"[-+*]|\(?(?:\d+|#|[a-zA-Z]|[ivxlcdmIVXLCDM]+|@[\w-]*)[.)]"
#: What opens a list item, a note or a definition, whose further paragraphs are indented.
CONTAINER_OPENING = re.compile(rf"[ \t]{{0,3}}(?:{LIST_MARKER}|\[\^[^\]\s]+\]:|[:~])(?:[ \t]|$)")
#: An ATX heading: a block of one line, which an indented code block may follow at once.
HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")
#: A YAML metadata block's fences (see press.frontmatter): not code, and no prose either.
YAML_OPENING = re.compile(r"---[ \t]*")
YAML_CLOSING = re.compile(r"(?:---|\.\.\.)[ \t]*")
#: The columns of an indented code block's indentation, and of a list item's or a note's text.
CODE_INDENT = 4
#: What opens a verbatim stretch within a paragraph.
INLINE_OPENING = re.compile(r"`+|<!--|<(?P<element>pre|script|style|textarea)\b", re.IGNORECASE)
PARAGRAPH_END = re.compile(r"\n[ \t>]*\n")


@dataclass(frozen=True)
class Stretch:
    """Characters `start` to `end` of a text, read verbatim: raw markup of some format when `raw`, else code."""

    start: int
    end: int
    raw: bool = False


def as_written(text: str, offsets: Iterable[int], *, raw: bool = False) -> list[int]:
    """The offsets (places a search found in `text`) most surely written by the author: those in prose
    (or raw markup, when `raw`); failing them, those in raw markup, then any. The search found what the
    author wrote, and only where it is may be misjudged."""
    ranked = [(rank(text, offset, raw=raw), offset) for offset in offsets]
    best = min((place_rank for place_rank, _ in ranked), default=0)
    return [offset for place_rank, offset in ranked if place_rank == best]


def rank(text: str, offset: int, *, raw: bool = False) -> int:
    """How surely a place in `text` holds what the author wrote: 0 in prose (or in raw markup, when
    `raw`), 1 in raw markup, 2 in code."""
    stretches = verbatim_stretches(text)
    index = bisect.bisect_right(stretches, offset, key=lambda stretch: stretch.start) - 1
    if index < 0 or offset >= stretches[index].end:
        return 0
    if stretches[index].raw:
        return 0 if raw else 1
    return 2


@lru_cache(maxsize=64)
def verbatim_stretches(text: str) -> tuple[Stretch, ...]:
    """The stretches of a Markdown text that Pandoc reads verbatim, in order."""
    blocks = _blocks(text)
    stretches: list[Stretch] = []
    position = 0
    for block in blocks:
        stretches.extend(_inline(text, position, block.start))
        stretches.append(block)
        position = block.end
    stretches.extend(_inline(text, position, len(text)))
    return tuple(stretches)


def _blocks(text: str) -> list[Stretch]:
    """The code blocks and raw blocks, fenced or indented; YAML blocks are passed over (their values are
    Markdown, but their indented lines no code)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    found: list[Stretch] = []
    after_blank = True
    in_container = False
    index = 0
    while index < len(lines):
        line = _unquoted(lines[index])
        if not line.strip():
            after_blank = True
            index += 1
            continue
        indent = _indent(line)
        code_indent = CODE_INDENT * (2 if in_container else 1)
        fenced = _fenced_block(lines, index) if indent < code_indent or not after_blank else None
        yaml_end = _yaml_end(lines, index) if after_blank else None
        if yaml_end is not None:
            index, after_blank = yaml_end + 1, False
            continue
        if fenced is not None:
            closing, raw = fenced
            found.append(Stretch(starts[index], starts[closing + 1], raw))
            index, after_blank = closing + 1, False
            continue
        if after_blank and indent >= code_indent:
            last = index
            following = index + 1
            while following < len(lines):
                candidate = _unquoted(lines[following])
                if candidate.strip() and _indent(candidate) < code_indent:
                    break
                if candidate.strip():
                    last = following
                following += 1
            found.append(Stretch(starts[index], starts[last + 1]))
            index, after_blank = last + 1, False
            continue
        if indent < CODE_INDENT:
            if CONTAINER_OPENING.match(line):
                in_container = True
            elif after_blank:
                in_container = False
        after_blank = bool(HEADING.match(line))
        index += 1
    return found


def _unquoted(line: str) -> str:
    """A line without its block quotes' marks, its tabs expanded."""
    quoted = QUOTE_MARKS.match(line)
    return (line[quoted.end() :] if quoted else line).expandtabs(CODE_INDENT)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _fenced_block(lines: list[str], index: int) -> tuple[int, bool] | None:
    """The line closing the code block a line opens, and whether it is a raw block; None when the line opens
    none (an unclosed fence is text)."""
    opening = FENCE.fullmatch(_unquoted(lines[index]).strip())
    if opening is None or (opening.group("fence")[0] == "`" and "`" in opening.group("info")):
        return None
    fence = opening.group("fence")
    closing = re.compile(rf"{re.escape(fence[0])}{{{len(fence)},}}[ \t]*")
    # Pandoc's closing fence is indented at most three columns past its opening (further, it is code).
    deepest = _indent(_unquoted(lines[index])) + 3
    later = index + 1
    while later < len(lines) and not (
        closing.fullmatch(_unquoted(lines[later]).strip()) and _indent(_unquoted(lines[later])) <= deepest
    ):
        later += 1
    if later == len(lines):
        return None
    return later, bool(RAW_ATTRIBUTE.fullmatch(opening.group("info").strip()))


def _yaml_end(lines: list[str], index: int) -> int | None:
    """The closing line of the YAML block a line opens, as press.frontmatter finds them; None if none."""
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if not YAML_OPENING.fullmatch(lines[index].rstrip("\r\n")) or not following.strip():
        return None
    return next(
        (later for later in range(index + 1, len(lines)) if YAML_CLOSING.fullmatch(lines[later].rstrip("\r\n"))),
        None,
    )


def _inline(text: str, start: int, end: int) -> list[Stretch]:
    """The code spans, raw spans, comments and verbatim HTML elements between `start` and `end`."""
    found: list[Stretch] = []
    # Openings no closing follows, to the end (an unclosed `<!--`, `<pre>`): not looked for again.
    unclosed: set[str] = set()
    position = start
    while (opening := INLINE_OPENING.search(text, position, end)) is not None:
        position = opening.end()
        if opening.group().startswith("`"):
            if _escaped(text, opening.start()):
                position = opening.start() + 1
                continue
            paragraph = PARAGRAPH_END.search(text, opening.end(), end)
            limit = paragraph.start() if paragraph else end
            ticks = len(opening.group())
            closing = re.compile(rf"(?<!`)`{{{ticks}}}(?!`)").search(text, opening.end(), limit)
            if closing is None:
                continue
            raw = RAW_ATTRIBUTE.match(text, closing.end(), end)
            position = raw.end() if raw else closing.end()
            found.append(Stretch(opening.start(), position, raw is not None))
            continue
        element = (opening.group("element") or "").lower()
        if element in unclosed:
            continue
        closing_pattern = rf"</{element}\s*>" if element else "-->"
        closing = re.compile(closing_pattern, re.IGNORECASE).search(text, opening.end(), end)
        if closing is None:
            unclosed.add(element)
            continue
        found.append(Stretch(opening.start(), closing.end(), raw=bool(element)))
        position = closing.end()
    return found


def _escaped(text: str, offset: int) -> bool:
    """Whether the character at `offset` follows an odd number of backslashes."""
    before = offset
    while before > 0 and text[before - 1] == "\\":
        before -= 1
    return (offset - before) % 2 == 1
