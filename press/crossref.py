"""Cross-references: the words the Lua filter writes, and the references it could not resolve.

The filter (filters/crossref.lua) numbers figures, tables, equations and sections
and turns `@fig:map` into "Figure 1" during the one Pandoc pass, before citeproc.
It is given the labels in the manuscript's language as metadata; a reference to an
identifier that does not exist comes back in Pandoc's log, and becomes an error
here with the line of the reference and the identifiers closest to it.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from typing import TYPE_CHECKING

from .errors import Location, PressError
from .labels import labels_for

if TYPE_CHECKING:
    from .metadata import Manuscript
    from .pandoc import PandocOutput

#: What the filter's log entries for unresolved references start with; then the reference and the known identifiers.
#: The reference is `fig:map` for `@fig:map`, `ref(fig:map)` for bookdown's `\@ref(fig:map)`, `(ref:map)` for
#: bookdown's text reference `(ref:map)`.
MARKER = "press-crossref unknown"
UNKNOWN_REFERENCE = re.compile(rf"{MARKER} (\S+) among ?(.*)$", re.DOTALL)
#: A bookdown equation environment with several labels (`(\#eq:a)` on each line): its first label, then the others.
SEVERAL_LABELS = "press-crossref several-labels"
SEVERAL_LABELS_FOUND = re.compile(rf"{SEVERAL_LABELS} (\S+) (.+)$", re.DOTALL)
#: A reference to what a code cell makes (its figure or table), which only running the code would make.
FROM_CODE = "press-crossref from-code"
FROM_CODE_FOUND = re.compile(rf"{FROM_CODE} (\S+)$")
#: bookdown text references whose words stand, through others, for themselves: their names, the first again last.
CYCLE = "press-crossref cyclic"
CYCLE_FOUND = re.compile(rf"{CYCLE} (.+)$", re.DOTALL)
#: A heading that skips a level: the level it follows as written (`title`, `book` for a book's title), its own, the
#: text's shallowest, its text.
SKIPPED_LEVEL = "press-crossref skipped-level"
SKIPPED_LEVEL_FOUND = re.compile(rf"{SKIPPED_LEVEL} (title|book|\d) (\d) (\d) (.*)$", re.DOTALL)
BOOKDOWN_REFERENCE = re.compile(r"ref\((.+)\)$")
BOOKDOWN_TEXT_REFERENCE = re.compile(r"\(ref:(.+)\)$")
#: The labels (templates/labels.yaml) the filter is given, each with its plural; then the words of the
#: theorem-like blocks that take no number.
LABELS = (
    *("figure", "table", "equation", "section", "listing"),
    *("theorem", "lemma", "corollary", "proposition", "conjecture", "definition", "example", "exercise", "hypothesis"),
)
PLURALS = {"corollary": "corollaries", "hypothesis": "hypotheses"}
UNNUMBERED = ("proof", "remark", "solution")
#: The words of a book's divisions, which name a reference to a heading when written before it ("Chapter @sec:data").
DIVISIONS = ("chapter", "appendix", "part")


def label_arguments(lang: str) -> list[str]:
    """Pandoc arguments giving the filter its words in the manuscript's language."""
    words = labels_for(lang)
    names = [*LABELS, *(PLURALS.get(label, f"{label}s") for label in LABELS), *UNNUMBERED, *DIVISIONS, "and"]
    return [f"--metadata=press-label-{name}:{words[name]}" for name in names]


def is_unresolved_reference(message: str) -> bool:
    """Whether a message of the filter's is one `unresolved`, `equations_labelled_twice`, `made_by_code` or
    `skipped_levels` reports."""
    return any(marker in message for marker in (MARKER, SEVERAL_LABELS, CYCLE, SKIPPED_LEVEL, FROM_CODE))


def unresolved(output: PandocOutput, manuscript: Manuscript) -> list[PressError]:
    """A problem for each reference to an identifier the manuscript does not define, naming the closest ones, and
    for each bookdown text reference whose words hold it again, through others or at once."""
    problems: list[PressError] = []
    for message in output.warnings:
        found = UNKNOWN_REFERENCE.search(message.text)
        if found is None:
            continue
        reference, known = found.group(1), found.group(2).split()
        if text_reference := BOOKDOWN_TEXT_REFERENCE.match(reference):
            name = text_reference.group(1)
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(f'(ref:{other})' for other in close)}?" if close else ""
            problem = f"unknown text reference '(ref:{name})': no paragraph starts '(ref:{name}) ' to define it{hint}"
            written = re.compile(rf"\(ref:{re.escape(name)}\)")
        else:
            bookdown = BOOKDOWN_REFERENCE.match(reference)
            name = bookdown.group(1) if bookdown else reference
            wanted = name if bookdown else name[0].lower() + name[1:]
            if bookdown:  # a table bookdown labels `tab:x` is `tbl:x` among the identifiers
                known = [f"tab:{other[4:]}" if other.startswith("tbl:") else other for other in known]
            close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
            spelled = [f"\\@ref({other})" if bookdown else f"@{other}" for other in close]
            hint = f"; did you mean {', '.join(spelled)}?" if close else ""
            defined = "" if known else " (nothing in the manuscript is labelled for cross-references)"
            shown, written = _written(reference)
            problem = f"unknown cross-reference '{shown}'{defined}{hint}"
        problems.extend(PressError(problem, location) for location in _locations(manuscript, written))
    for message in output.warnings:
        if cycle := CYCLE_FOUND.search(message.text):
            names = cycle.group(1).split()
            chain = " → ".join(f"(ref:{name})" for name in names[names.index(names[-1]) :])
            definition = re.compile(rf"^\(ref:{re.escape(names[-1])}\)[ \t]", re.MULTILINE)
            problem = f"the text reference '(ref:{names[-1]})' stands for words that hold it again ({chain})"
            problems.append(PressError(problem, _locations(manuscript, definition)[0]))
    return list({str(problem): problem for problem in problems}.values())


def made_by_code(output: PandocOutput, manuscript: Manuscript) -> list[tuple[str, Location]]:
    """A warning for each reference to what a code cell makes (bookdown's `\\@ref(tab:nice-tab)` for the table
    of a cell labelled `nice-tab`, Quarto's `@fig-plot`): the toolchain runs no code, so it reads '??'."""
    found: list[tuple[str, Location]] = []
    for message in output.warnings:
        reference = FROM_CODE_FOUND.search(message.text)
        if reference is None:
            continue
        shown, written = _written(reference.group(1))
        text = (
            f"the cross-reference '{shown}' is to what a code cell makes, which the toolchain does not run:"
            " it reads '??' (render the manuscript with Quarto or knitr first to keep the cell's output)"
        )
        found.extend((text, location) for location in _locations(manuscript, written))
    return list(dict.fromkeys(found))


def _written(reference: str) -> tuple[str, re.Pattern[str]]:
    """A reference as the filter logs it (`fig:map`, `ref(tab:x)`) as its author wrote it, and how to find it."""
    bookdown = BOOKDOWN_REFERENCE.match(reference)
    name = bookdown.group(1) if bookdown else reference
    if bookdown:
        return f"\\@ref({name})", re.compile(rf"\\?@ref\({re.escape(name)}\)")
    # Written `@fig:map`, `@{fig:map}`, or as LaTeX's `\ref{fig:map}` (`\cref{fig:a,fig:map}`).
    written = rf"@(?:{re.escape(name)}|\{{{re.escape(name)}\}})(?![\w:\-]*\w)"
    latex = rf"\\(?:eq|auto|c|C)?ref\s*\{{[^}}]*?(?<![\w:\-]){re.escape(name)}(?=[\s,}}])"
    return f"@{name}", re.compile(f"{written}|{latex}")


def equations_labelled_twice(output: PandocOutput, manuscript: Manuscript) -> list[tuple[str, Location]]:
    """A warning for each bookdown equation environment with several labels: only the first is numbered."""
    found = []
    for message in output.warnings:
        labels = SEVERAL_LABELS_FOUND.search(message.text)
        if labels is None:
            continue
        first, others = labels.group(1), labels.group(2).split()
        written = ", ".join("(\\#eq:" + other + ")" for other in others)
        text = f"an equation environment has several labels; it is numbered once, as '{first}', and {written} not"
        pattern = re.compile(rf"\(\\#{re.escape(first)}\)")
        found.append((text, _locations(manuscript, pattern)[0]))
    return found


def skipped_levels(output: PandocOutput, manuscript: Manuscript) -> list[tuple[str, Location]]:
    """A warning for each heading that skips a level, the levels as the author wrote them, at the heading."""
    found = []
    placed: Counter[tuple[int, str]] = Counter()
    for message in output.warnings:
        skipped = SKIPPED_LEVEL_FOUND.search(message.text)
        if skipped is None:
            continue
        after, level, top, text = skipped.group(1), int(skipped.group(2)), int(skipped.group(3)), skipped.group(4)
        marks = "#" * level
        written = f"the title to {marks}; the text's sections are {'#' * top}" if after == "title" else None
        problem = (
            f"heading '{text}' skips a level ({written or '#' * int(after) + ' to ' + marks}),"
            " which accessibility checkers report"
        )
        # Counted by the first word, which is what finds the heading's line.
        key = (level, text.split()[0] if text.split() else "")
        found.append((problem, _heading_place(manuscript, level, text, placed[key])))
        placed[key] += 1
    return found


def _heading_place(manuscript: Manuscript, level: int, text: str, occurrence: int) -> Location:
    """The n-th (from 0) heading of a level whose line holds the text's first word, or the text's first place."""
    first_word = re.escape(text.split()[0]) if text.split() else ""
    written = re.compile(rf"^[ \t]{{0,3}}#{{{level}}}(?!#)(?=[^\n]*{first_word})", re.MULTILINE)
    if not written.search(manuscript.text):
        return manuscript.locate(text)
    places = manuscript.written_at(written)
    return places[min(occurrence, len(places) - 1)]


def _locations(manuscript: Manuscript, written: re.Pattern[str]) -> list[Location]:
    return manuscript.written_at(written)
