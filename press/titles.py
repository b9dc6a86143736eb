"""A press's list: the titles one repository publishes, each in a folder of its own.

A list is a folder (`manuscript/` by default) in which the titles are found, or
a list file (`list.yaml`, in that folder or named directly) that names them in
the catalogue's order and describes the catalogue:

    manuscript/
      chongryon.md          a manuscript at the top of the folder: a title
      field-notes/          a folder holding one .md file: a title
        field-notes.md        with its bibliography, images/ and
        styles/print.css      its additions to the house style (see press.housestyle)
      a-book/               a book (see press.book): a folder holding a book.yaml, built from
        book.yaml             the folder; or holding a main .md file that lists its chapters
        01-one.md             (`chapters:`), beside them or in a sub-folder, built from that file
      images/               a folder holding no .md file: not a title

    list.yaml (all keys optional):
      title: The Harbour Press       the catalogue's title
      publisher: The Harbour Press
      lang: en                       the catalogue page's language
      url: https://example.org/books/    where the catalogue is published; links are relative without it
      titles: [field-notes, chongryon.md]  folders or .md files, relative to the list file
      issues: [issues/2024-1.yaml]   journal issues of the list's articles (below; built by press.issue)

A title is named after its manuscript file (`field-notes.md` is `field-notes`),
or after its folder for a book. The name is the editions' file name, what
`make TITLE=` takes, the prefix of the title's release tags (`field-notes-v1.2.0`)
and its anchor in the catalogue: it must be unique in the list and plain
(letters, digits, '.', '_', '-').

An issue file collects titles of the list as the articles of a journal's issue:

    title: Coastal Studies Review    the journal (required)
    volume: 12
    issue: 1
    date: 2024-05-01
    lang: en-GB                      the issue's own pages' language (default: the first article's)
    publisher: The Harbour Press
    first-page: 1                    the page the first article starts on
    articles: [harbour-lights, tide-tables]

`python build.py titles [--list PATH]` lists the titles; with `--make FILE` it
writes the Make fragment the Makefile includes (the titles, their sources, and
the folders whose listings decide them, so that Make remakes the fragment when a
title is added), and with `--names FILE` the titles' names, one a line, rewritten
only when they change: what the catalogue depends on, since the folders' listings
change for many other reasons.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from . import TOOLCHAIN_ROOT, limits
from .book import METADATA_FILES
from .errors import CombinedError, Location, PressError, display_path
from .inputs import code_files, make_name
from .labels import labels_for
from .metadata import front_matter_values, read_manuscript
from .quarto import QUARTO_PROJECT

DEFAULT_LIST = TOOLCHAIN_ROOT / "manuscript"
LIST_FILE = "list.yaml"
MANUSCRIPT_SUFFIX = ".md"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: Names the list's own outputs take in the output folder (press.catalogue, press.issue).
RESERVED_NAMES = frozenset({"catalogue"})
LIST_KEYS = {
    "title": "the catalogue's title (default: Catalogue, in the catalogue's language)",
    "publisher": "the publisher, for the catalogue",
    "lang": "the language of the catalogue page (default en)",
    "url": "where the catalogue is published, for absolute links in its feed",
    "titles": "the titles: folders or .md files, relative to the list file",
    "issues": "journal issue files, relative to the list file",
}
DEFAULT_LANGUAGE = "en"
ISSUE_KEYS = {
    "title": "the journal's title (required)",
    "volume": "the volume",
    "issue": "the issue's number",
    "date": "the issue's date",
    "lang": "the language of the issue's own pages (default: the first article's)",
    "publisher": "the publisher",
    "first-page": "the page the first article starts on (default 1)",
    "articles": "the titles of the list the issue collects, in order (required)",
}
#: Where an article's place in its issue is written (in the output folder), for its own editions' build.
ARTICLES_FOLDER = ".issues"


@dataclass(frozen=True)
class Title:
    """One title of the list: what its build reads and where its files are."""

    name: str
    #: What the build is given: the manuscript file, or the folder of a book.
    source: Path
    #: The folder holding the title's files (for a manuscript at the top of the list, the list's folder).
    folder: Path


@dataclass(frozen=True)
class TitleList:
    """The titles of a list, in the catalogue's order, and what describes the catalogue."""

    folder: Path
    file: Path | None
    titles: tuple[Title, ...]
    title: str
    publisher: str | None
    lang: str
    url: str | None
    issues: tuple[Path, ...]

    def select(self, names: Iterable[str]) -> tuple[Title, ...]:
        """The titles of these names, in the list's order; an unknown name is an error."""
        wanted = list(dict.fromkeys(names))
        known = {title.name: title for title in self.titles}
        problems = []
        for name in wanted:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]}?" if close else f"; the titles are {', '.join(known)}"
                problems.append(PressError(f"no title named '{name}' in the list{hint}", self.location))
        if problems:
            raise CombinedError(problems)
        return tuple(title for title in self.titles if title.name in wanted)

    @property
    def location(self) -> Location:
        return Location(self.file or self.folder)

    def definition(self) -> list[Path]:
        """What decides which titles there are: the list file, or the folders whose listings do
        (the list's folder and its sub-folders, one of which becomes a title with a .md file)."""
        if self.file is not None:
            return [self.file, *(title.folder for title in self.titles)]
        return [self.folder, *_subfolders(self.folder)]


@dataclass(frozen=True)
class Issue:
    """An issue of a journal, and the titles it collects."""

    name: str
    source: Path
    title: str
    volume: str | None
    number: str | None
    date: str | None
    lang: str | None
    publisher: str | None
    first_page: int
    articles: tuple[Title, ...]


def read_issue(path: Path, title_list: TitleList) -> Issue:
    """An issue file, every problem said at once with its line."""
    try:
        node, values = limits.parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PressError(f"cannot read the issue file: {error}", Location(path)) from None
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        raise PressError("an issue file is a mapping: " + ", ".join(ISSUE_KEYS), Location(path))
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    problems = []

    def problem(key: str, message: str) -> None:
        problems.append(PressError(message, Location(path, lines.get(key))))

    for key in values:
        if key not in ISSUE_KEYS:
            problem(str(key), f"unknown key '{key}' in the issue file; the keys are {', '.join(ISSUE_KEYS)}")
    # A date YAML reads as one is written back as it was: 2024-05-01.
    text = {key: str(values[key]).strip() for key in ISSUE_KEYS if isinstance(values.get(key), (str, int, float, date))}
    names = values.get("articles")
    articles: tuple[Title, ...] = ()
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        problem("articles", "'articles' must list the titles of the list the issue collects")
    else:
        try:
            chosen = {title.name: title for title in title_list.select(names)}
            articles = tuple(chosen[name] for name in names)
        except PressError as error:
            problems += [PressError(item.message, Location(path, lines.get("articles"))) for item in error.problems]
    first_page = values.get("first-page", 1)
    if not isinstance(first_page, int) or isinstance(first_page, bool) or first_page < 1:
        problem("first-page", "'first-page' must be a page number, 1 or more")
        first_page = 1
    if not text.get("title"):
        problem("title", "the issue needs a 'title': the journal's")
    if path.stem in {title.name for title in title_list.titles}:
        problem("title", f"the issue's file is named as a title of the list, '{path.stem}': rename one")
    if problems:
        raise CombinedError(problems)
    return Issue(
        name=path.stem,
        source=path,
        title=text["title"],
        volume=text.get("volume"),
        number=text.get("issue"),
        date=text.get("date"),
        lang=text.get("lang"),
        publisher=text.get("publisher"),
        first_page=first_page,
        articles=articles,
    )


def read_list(path: Path = DEFAULT_LIST) -> TitleList:
    """The list in a folder (its list file if it has one, else every title found in it) or in a list file."""
    if path.is_dir() and (path / LIST_FILE).is_file():
        path = path / LIST_FILE
    if path.is_file():
        return _from_file(path)
    if not path.is_dir():
        raise PressError("no list of titles here: give a folder of titles or a list file", Location(path))
    untitled = labels_for(DEFAULT_LANGUAGE)["catalogue"]
    return _checked(TitleList(path, None, _found_in(path), untitled, None, DEFAULT_LANGUAGE, None, ()))


def title_of(source: Path, folder: Path) -> Title:
    """The title a manuscript file or a book folder makes."""
    return Title(source.stem if source.is_file() else source.name, source, folder)


def _found_in(folder: Path) -> tuple[Title, ...]:
    """The manuscripts at the top of a folder, then its sub-folders that are titles, by name."""
    titles = [title_of(source, folder) for source in sorted(folder.glob(f"*{MANUSCRIPT_SUFFIX}"))]
    titles += [title for subfolder in _subfolders(folder) if (title := _folder_title(subfolder)) is not None]
    return tuple(titles)


def _folder_title(folder: Path) -> Title | None:
    """A folder's title: the folder itself when it holds a book's metadata file (see press.book), else its
    one manuscript, or of several the one whose front matter lists the book's chapters."""
    if any((folder / name).is_file() for name in (*METADATA_FILES, QUARTO_PROJECT)):
        return title_of(folder, folder)
    manuscripts = sorted(folder.glob(f"*{MANUSCRIPT_SUFFIX}"))
    if len(manuscripts) > 1:
        manuscripts = [path for path in manuscripts if "chapters" in front_matter_values(read_manuscript(path))[0]]
        if len(manuscripts) != 1:
            raise PressError(
                "a folder of several manuscripts is a title when one of them lists the book's chapters"
                f" ('chapters:') or it holds a {METADATA_FILES[0]}; here {len(manuscripts)} list chapters",
                Location(folder),
            )
    return title_of(manuscripts[0], folder) if manuscripts else None


def _subfolders(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.is_dir() and not path.name.startswith((".", "_")))


def _from_file(path: Path) -> TitleList:
    try:
        node, values = limits.parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        raise PressError(f"malformed list file: {error.problem or error.context}", where) from None
    if values is None:
        node, values = yaml.MappingNode("tag:yaml.org,2002:map", []), {}
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        raise PressError("a list file is a mapping: " + ", ".join(LIST_KEYS), Location(path))
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    problems: list[PressError] = []

    def problem(key: str, message: str) -> None:
        problems.append(PressError(message, Location(path, lines.get(key))))

    for key in values:
        if key not in LIST_KEYS:
            close = difflib.get_close_matches(str(key), LIST_KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; the keys are {', '.join(LIST_KEYS)}"
            problem(str(key), f"unknown key '{key}' in the list file{hint}")
    folder = path.parent
    titles = []
    for entry in _paths(values, "titles", problem):
        source = folder / entry
        if source.is_dir():
            title = _folder_title(source)
        else:
            title = title_of(source, folder) if source.suffix == MANUSCRIPT_SUFFIX and source.is_file() else None
        if title is None:
            problem("titles", f"'{entry}' is neither a .md manuscript nor a folder holding one")
        else:
            titles.append(title)
    issues = []
    for entry in _paths(values, "issues", problem):
        if not (folder / entry).is_file():
            problem("issues", f"issue file not found: {entry}")
        issues.append(folder / entry)
    text = {key: _text(values, key, problem) for key in ("title", "publisher", "lang", "url")}
    if problems:
        raise CombinedError(problems)
    return _checked(
        TitleList(
            folder=folder,
            file=path,
            titles=tuple(titles) if "titles" in values else _found_in(folder),
            title=text["title"] or labels_for(text["lang"] or DEFAULT_LANGUAGE)["catalogue"],
            publisher=text["publisher"],
            lang=text["lang"] or DEFAULT_LANGUAGE,
            url=text["url"],
            issues=tuple(issues),
        )
    )


def _paths(values: dict[str, Any], key: str, problem: Callable[[str, str], None]) -> list[str]:
    value = values.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        problem(key, f"'{key}' must be a list of paths, relative to the list file")
        return []
    return [item.strip() for item in value]


def _text(values: dict[str, Any], key: str, problem: Callable[[str, str], None]) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problem(key, f"'{key}' must be text: {LIST_KEYS[key]}")
        return None
    return str(value).strip() or None


def _checked(title_list: TitleList) -> TitleList:
    """Every title plainly and uniquely named, so that its outputs, targets and tags are its own."""
    problems = []
    seen: dict[str, Title] = {}
    for title in title_list.titles:
        if not NAME.match(title.name):
            problems.append(
                PressError(
                    f"the title '{title.name}' needs a plain name (letters, digits, '.', '_', '-'): its files,"
                    " Make's targets and its release tags carry it; rename the file or folder",
                    Location(title.source),
                )
            )
        elif title.name in RESERVED_NAMES:
            problems.append(
                PressError(f"no title may be named '{title.name}': the list's own outputs are", Location(title.source))
            )
        elif title.name in seen:
            problems.append(
                PressError(
                    f"two titles are named '{title.name}' ({display_path(seen[title.name].source)} and this one):"
                    " their editions would overwrite each other; rename one",
                    Location(title.source),
                )
            )
        seen.setdefault(title.name, title)
    if problems:
        raise CombinedError(problems)
    return title_list


def make_fragment(title_list: TitleList, given: Path, fragment: str) -> str:
    """Make's view of the list: the titles, each one's source, and what the fragment was made from.

    `given` is the list as the Makefile named it, so that it can tell a fragment made for
    another list; `fragment` is how it names the fragment (a variable reference), so that
    the fragment can say what it is remade from, as a depfile does.
    """
    lines = [
        f"# The titles of {display_path(title_list.file or title_list.folder)}, written by"
        " `build.py titles --make`; remade when the list changes.",
        f"TITLES_LIST := {make_name(given)}",
        f"TITLES := {' '.join(title.name for title in title_list.titles)}",
        *(f"title.{title.name} := {make_name(title.source)}" for title in title_list.titles),
    ]
    issues = [read_issue(path, title_list) for path in title_list.issues]
    lines.append(f"ISSUES := {' '.join(issue.name for issue in issues)}")
    for issue in issues:
        lines += [
            f"issue.{issue.name} := {make_name(issue.source)}",
            f"articles.{issue.name} := {' '.join(title.name for title in issue.articles)}",
            *(f"metadata.{title.name} := $(OUT)/{ARTICLES_FOLDER}/{title.name}.yaml" for title in issue.articles),
        ]
    sources = [*title_list.definition(), *title_list.issues, *code_files(__name__)]
    lines.append(f"{fragment}: {' '.join(make_name(path) for path in sources)}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        title_list = read_list(arguments.list)
    except PressError as error:
        print(error, file=sys.stderr)
        return 1
    names = "".join(f"{title.name}\n" for title in title_list.titles)
    if arguments.names is not None and not (arguments.names.is_file() and arguments.names.read_text() == names):
        _write(arguments.names, names)
    if arguments.make is not None:
        _write(arguments.make, make_fragment(title_list, arguments.list, "$(TITLES_MK)"))
    if arguments.make is None and arguments.names is None:
        for title in title_list.titles:
            print(f"{title.name}\t{display_path(title.source)}")
    return 0


def _write(path: Path, text: str) -> None:
    """A whole file or none: Make never reads half a fragment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py titles", description="List the titles of a press's list.")
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST, help="a folder of titles or a list file")
    parser.add_argument("--make", type=Path, metavar="FILE", help="write the Make fragment the Makefile includes")
    parser.add_argument("--names", type=Path, metavar="FILE", help="write the titles' names, when they change")
    return parser
