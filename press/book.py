"""A book in several files, read as the one manuscript Pandoc converts.

A book is given either as

- a Markdown file whose front matter lists its `chapters:` (and `appendices:`), as Quarto's
  book projects and bookdown's `rmd_files` do; the file's own text, if any, comes first
  (a preface, an epigraph); or
- a folder holding a metadata file (book.yaml or metadata.yaml, or one .md file with
  `chapters:`) and chapter files: those its `chapters:` lists, or else every .md file of
  the folder in the order of their names (numbers compared as numbers: 2 before 10),
  leaving out README.md and files whose names start with `_`, as bookdown does; or
- a bookdown project's folder (`_bookdown.yml`): the files its `rmd_files:` lists, or else
  every .Rmd file in the order of their names, index.Rmd first, whose front matter is the
  book's and whose text is its first chapter, as bookdown reads them.

A chapter entry is a file, or a part: `{part: Title, chapters: [...]}`, where the title
may be a file of its own (the part's page, its heading the part's title), as in Quarto.

The files are joined into one text. Each chapter sits in a fenced division that names
its kind (chapter, appendix, part) and its file, which press.divisions reads back from
Pandoc's HTML. Each file's note labels are made its own (`[^1]` in two chapters are two
notes, as their authors meant). The manuscript's spans map every character of the text
back to its file, so that every message names the chapter file and its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import CombinedError, Location, PressError, Reporter, display_path
from .frontmatter import YamlBlock
from .metadata import Manuscript, front_matter_values, read_manuscript
from .quarto import QUARTO_PROJECT, quarto_syntax
from .sourcemap import Pieces

#: The metadata file of a book given as a folder, in the order they are looked for.
METADATA_FILES = ("book.yaml", "book.yml", "metadata.yaml", "metadata.yml")
YAML_BLOCK_OPENING = re.compile(r"---[ \t]*\r?\n")
YAML_BLOCK_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
#: A Quarto project's file: a book project's `book:` holds its title, authors and chapters.
#: Keys of a Quarto project that say how Quarto renders, not what the book is.
QUARTO_ONLY = ("project", "book", "format", "execute", "editor", "jupyter", "engine", "website", "filters")
#: The extensions of a book's chapter files: Markdown, and Quarto's (whose code cells stay code).
CHAPTER_SUFFIXES = (".md", ".qmd", ".markdown")
#: A bookdown project's file, and the extension of the chapter files it takes (R Markdown's code chunks stay code).
BOOKDOWN_PROJECT = "_bookdown.yml"
BOOKDOWN_SUFFIX = ".rmd"
#: Keys of a Quarto book that are about its website and its cover, which the editions make their own way.
QUARTO_WEBSITE = ("site-url", "repo-url", "repo-actions", "sidebar", "search", "page-footer", "favicon", "cover-image")
#: Files of a book's folder that are not chapters.
NOT_CHAPTERS = re.compile(r"^(_.*|readme\.(md|markdown))$", re.IGNORECASE)
#: The class of the fenced division each chapter file is set in; press.divisions takes it out again.
DIVISION_CLASS = "press-division"
#: Longer than any fence an author writes, so that the author's own divisions nest inside.
FENCE = ":" * 24
#: A note's label where it is defined: `[^label]:` at the start of a line.
NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
#: The front-matter keys a chapter file may have: the rest belong to the book.
CHAPTER_KEYS = ("title",)
NUMBER = re.compile(r"(\d+)")
#: A Manubot manuscript's file names (`01.abstract.md`), and a heading of the first level, which its files have not.
MANUBOT_FILE = re.compile(r"^\d+\.[^.]+\.md$")
FIRST_LEVEL_HEADING = re.compile(r"^#[ \t]", re.MULTILINE)
#: The line a YAML block at the very top of a file starts on, after its opening fence.
FIRST_YAML_LINE = 2


@dataclass(frozen=True)
class ChapterFile:
    """A file of the book, what it is (chapter, appendix or part) and, for a part, its title."""

    path: Path
    kind: str
    #: Where the book names the file, for messages about it.
    named_at: Location
    #: A part given by its title alone has no file: this is its title.
    title: str | None = None


def read_source(path: Path, reporter: Reporter, chapters: Sequence[Path] = ()) -> Manuscript:
    """The manuscript at `path`: a Markdown file, a book's main file, or a book's folder (or its metadata file).

    `chapters` are files the command line names after the manuscript, read after it as Pandoc reads
    several input files: the operator's files, like a bibliography the command line names, not confined.
    Quarto's and R Markdown's syntax is made Pandoc's (see press.quarto).
    """
    return quarto_syntax(_read(path, reporter, chapters), reporter)


def _read(path: Path, reporter: Reporter, chapters: Sequence[Path]) -> Manuscript:
    if chapters:
        manuscript = read_manuscript(path)
        pieces = Pieces()
        pieces.copy(path, manuscript.text, 0, len(manuscript.text))
        named = Location(Path("command line"))
        files = [ChapterFile(chapter, "chapter", named) for chapter in chapters]
        for chapter in files:
            if not chapter.path.is_file():
                raise PressError(f"chapter file not found: {display_path(chapter.path)}", named)
        return _joined(manuscript, pieces, files, reporter)
    if path.is_dir():
        return _read_folder(path, reporter)
    if path.name in (*METADATA_FILES, QUARTO_PROJECT):
        return _read_folder(path.parent, reporter)
    manuscript = read_manuscript(path)
    values, lines = front_matter_values(manuscript)
    if "chapters" not in values and "appendices" not in values:
        return manuscript
    files = list(_listed_files(values, lines, path, path.parent))
    pieces = Pieces()
    pieces.copy(path, manuscript.text, 0, len(manuscript.text))
    return _joined(manuscript, pieces, files, reporter)


def _read_folder(folder: Path, reporter: Reporter) -> Manuscript:
    metadata_file = next((folder / name for name in METADATA_FILES if (folder / name).is_file()), None)
    markdown = sorted(
        (
            path
            for path in folder.iterdir()
            if path.suffix.lower() in CHAPTER_SUFFIXES and path.is_file() and not NOT_CHAPTERS.match(path.name)
        ),
        key=_name_order,
    )
    if metadata_file is None and (folder / QUARTO_PROJECT).is_file():
        return _read_quarto_book(folder / QUARTO_PROJECT, reporter)
    if metadata_file is None and (folder / BOOKDOWN_PROJECT).is_file():
        return _read_bookdown_book(folder / BOOKDOWN_PROJECT, reporter)
    if metadata_file is None:
        main_files = [path for path in markdown if "chapters" in front_matter_values(read_manuscript(path))[0]]
        if len(main_files) == 1:
            return read_source(main_files[0], reporter)
        names = " or ".join(METADATA_FILES[::2])
        raise PressError(
            f"a book's folder needs a metadata file ({names}) for its title, authors and chapters", Location(folder)
        )
    limits.check_file_size(metadata_file, limits.MANUSCRIPT_BYTES, "metadata file")
    yaml_text = metadata_file.read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff")
    # The book's text opens with the metadata file as a YAML block, so that Pandoc reads it as the front
    # matter; the spans map its lines back to the file's.
    # A metadata file written as Pandoc's YAML block (between `---` lines, as `pandoc *.md metadata.yml`
    # reads it) is read between its delimiters.
    start, end = 0, len(yaml_text)
    if opening := YAML_BLOCK_OPENING.match(yaml_text):
        start = opening.end()
        closing = YAML_BLOCK_CLOSING.search(yaml_text, start)
        end = closing.start() if closing else end
    pieces = Pieces()
    pieces.add("---\n")
    pieces.copy(metadata_file, yaml_text, start, end)
    pieces.add("\n---\n")
    block_text = yaml_text[start:end]
    block = YamlBlock(block_text if block_text.endswith("\n") else block_text + "\n", 2)
    main = Manuscript(metadata_file, pieces.text, (block,), None, tuple(pieces.spans))
    values, lines = front_matter_values(main)
    if "chapters" in values or "appendices" in values:
        files = list(_listed_files(values, lines, metadata_file, folder))
    else:
        files = [ChapterFile(path, "chapter", Location(path)) for path in markdown]
        if not files:
            raise PressError("the book's folder holds no chapter files (.md)", Location(folder))
        if values.get("book") is False or ("book" not in values and _is_manubot_content(metadata_file, markdown)):
            return _concatenated(main, pieces, markdown)
    return _joined(main, pieces, files, reporter)


def _is_manubot_content(metadata_file: Path, markdown: Sequence[Path]) -> bool:
    """Whether a folder is a Manubot manuscript's `content/`: `metadata.yaml` and files named `01.abstract.md`,
    `02.introduction.md`…, no heading of the first level among them: the sections of one article."""
    if metadata_file.name != "metadata.yaml" or not all(MANUBOT_FILE.match(path.name) for path in markdown):
        return False
    return not any(FIRST_LEVEL_HEADING.search(path.read_text(encoding="utf-8", errors="replace")) for path in markdown)


def _concatenated(main: Manuscript, pieces: Pieces, files: Sequence[Path]) -> Manuscript:
    """The folder's files one after another, as Pandoc reads several files: one text, no chapters."""
    for path in files:
        limits.check_file_size(path, limits.MANUSCRIPT_BYTES, "file", Location(path))
        text = read_manuscript(path).text
        pieces.add("\n\n")
        pieces.copy(path, text, 0, len(text))
    return replace(main, text=pieces.text, spans=tuple(pieces.spans))


def _read_quarto_book(project: Path, reporter: Reporter) -> Manuscript:
    """A Quarto book project: `book:` (title, author, chapters, appendices…) and the project's other
    keys (bibliography, lang…) as the front matter, Quarto's rendering keys left out."""
    limits.check_file_size(project, limits.MANUSCRIPT_BYTES, "Quarto project")
    text = project.read_text(encoding="utf-8", errors="replace")
    try:
        node, values = limits.parse_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = Location(project, mark.line + 1 if mark else None)
        raise PressError(f"malformed YAML: {error.problem or error.context}", where) from None
    book = values.get("book") if isinstance(values, dict) else None
    if not isinstance(node, yaml.MappingNode) or not isinstance(book, dict):
        raise PressError("the Quarto project has no 'book:'; only book projects can be built", Location(project))
    # Where each key is written: the project's own keys, then the book's, which win.
    written = {str(key.value): key.start_mark.index for key, _ in node.value if key.value not in QUARTO_ONLY}
    for key, value in node.value:
        if key.value == "book" and isinstance(value, yaml.MappingNode):
            written |= {str(inner.value): inner.start_mark.index for inner, _ in value.value}
    front_matter = {key: value for key, value in values.items() if key not in QUARTO_ONLY} | book
    pieces = Pieces()
    pieces.add("---\n")
    for key, value in front_matter.items():
        if key in QUARTO_WEBSITE:
            continue
        # Each key written out again, its text mapped to where the project writes it, for messages.
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False)
        pieces.add_from(project, text, written.get(key, 0), dumped)
    yaml_text = pieces.text.removeprefix("---\n")
    pieces.add("---\n")
    main = Manuscript(project, pieces.text, (YamlBlock(yaml_text, 2),), None, tuple(pieces.spans))
    values, lines = front_matter_values(main)
    files = list(_listed_files(values, lines, project, project.parent))
    return _joined(main, pieces, files, reporter)


def _read_bookdown_book(project: Path, reporter: Reporter) -> Manuscript:
    """A bookdown project: its first file's front matter is the book's, and that file's text its first chapter."""
    limits.check_file_size(project, limits.MANUSCRIPT_BYTES, "bookdown project")
    values = limits.yaml_file_values(project)
    listed = values.get("rmd_files") if isinstance(values, dict) else None
    if isinstance(listed, dict):  # by output format: what the print book (LaTeX) reads, or else the web book
        listed = listed.get("latex", listed.get("html", False))
    folder = project.parent
    if listed is None:
        # As bookdown merges them: every .Rmd file by its name, but those starting with `_`; index.Rmd first.
        files = sorted(
            (
                path
                for path in folder.iterdir()
                if path.suffix.lower() == BOOKDOWN_SUFFIX and path.is_file() and not path.name.startswith("_")
            ),
            key=lambda path: (path.name.lower() != "index.rmd", path.name.lower()),
        )
    elif isinstance(listed, list) and all(isinstance(name, str) for name in listed):
        files = [folder / name for name in listed]
    else:
        raise PressError("'rmd_files' lists the book's files by name", Location(project))
    for path in files:
        if not path.is_file():
            raise PressError(f"chapter file not found: {display_path(path)}", Location(project))
    if not files:
        raise PressError("the bookdown project's folder holds no .Rmd files", Location(folder))
    first = read_manuscript(files[0])
    opening = YAML_BLOCK_OPENING.match(first.text)
    closing = YAML_BLOCK_CLOSING.search(first.text, opening.end()) if opening else None
    if not first.yaml_blocks or first.yaml_blocks[0].first_line != FIRST_YAML_LINE or closing is None:
        raise PressError("the book's first file has no front matter for its title and authors", Location(files[0], 1))
    # The front matter is the book's; the text after its closing line, its first chapter.
    body = first.text.find("\n", closing.end()) + 1 or len(first.text)
    pieces = Pieces()
    pieces.copy(files[0], first.text, 0, body)
    main = replace(first, text=pieces.text, spans=tuple(pieces.spans))
    if first.text[body:].strip():
        pieces.add(f'\n\n{FENCE} {{.{DIVISION_CLASS} data-kind="chapter" data-source="{files[0].name}"}}\n')
        pieces.copy(files[0], first.text, body, len(first.text))
        pieces.add(f"\n{FENCE}\n")
    book = _joined(main, pieces, [ChapterFile(path, "chapter", Location(project)) for path in files[1:]], reporter)
    return replace(book, chapter_files=(files[0], *book.chapter_files))


def _listed_files(values: dict[str, Any], lines: dict[str, int], source: Path, folder: Path) -> Iterator[ChapterFile]:
    problems: list[PressError] = []
    for key, kind in (("chapters", "chapter"), ("appendices", "appendix")):
        where = Location(source, lines.get(key))
        entries = values.get(key) or []
        if not isinstance(entries, list):
            problems.append(PressError(f"'{key}' must be a list of files", where))
            continue
        for entry in entries:
            for found in _entry_files(entry, kind, where, folder):
                if isinstance(found, PressError):
                    problems.append(found)
                else:
                    yield found
    if problems:
        raise CombinedError(problems)


def _entry_files(entry: Any, kind: str, where: Location, folder: Path) -> Iterator[ChapterFile | PressError]:
    if isinstance(entry, dict) and "part" in entry:
        part = entry["part"]
        if not isinstance(part, str) or not part.strip():
            yield PressError("a part's 'part' must be its title or its file", where)
            return
        if part.strip().endswith(".md"):
            yield from _entry_files(part.strip(), "part", where, folder)
        else:
            yield ChapterFile(folder, "part", where, title=part.strip())
        chapters = entry.get("chapters") or []
        for chapter in chapters if isinstance(chapters, list) else [chapters]:
            yield from _entry_files(chapter, kind, where, folder)
        return
    if not isinstance(entry, str) or not entry.strip():
        yield PressError(
            f"a chapter must be a file name or a part ({{part: Title, chapters: [...]}}), not {entry!r}", where
        )
        return
    path = folder / entry.strip()
    if not path.is_file():
        yield PressError(f"chapter file not found: {entry.strip()}", where)
        return
    try:
        limits.check_inside(path, folder, "chapter file", where)
    except PressError as error:
        yield error
        return
    yield ChapterFile(path, kind, where)


def _joined(main: Manuscript, pieces: Pieces, files: list[ChapterFile], reporter: Reporter) -> Manuscript:
    """The main file's text (in `pieces`), then each chapter's in its division, as one manuscript with its spans."""
    seen: set[Path] = set()
    for chapter in files:
        key = chapter.path.resolve()
        if chapter.title is None and key in seen:
            reporter.warn(
                f"the chapter file {display_path(chapter.path)} is listed twice; it is read once", chapter.named_at
            )
            continue
        seen.add(key)
        if chapter.title is not None:
            title = chapter.title.replace("\n", " ")
            pieces.add(f'\n\n{FENCE} {{.{DIVISION_CLASS} data-kind="part"}}\n# {title}\n{FENCE}\n')
            continue
        source = _relative(chapter.path, main.path)
        opening = f'\n\n{FENCE} {{.{DIVISION_CLASS} data-kind="{chapter.kind}" data-source="{source}"}}\n'
        if not _add_chapter(pieces, opening, chapter, len(seen), reporter):
            # A file begun and not yet written would be a blank chapter, a page or two of nothing.
            reporter.warn("the chapter file is empty; it is left out", Location(chapter.path, 1))
            continue
        pieces.add(f"\n{FENCE}\n")
    chapters = tuple(chapter.path for chapter in files if chapter.title is None)
    return replace(main, text=pieces.text, spans=tuple(pieces.spans), chapter_files=tuple(dict.fromkeys(chapters)))


def _add_chapter(pieces: Pieces, opening: str, chapter: ChapterFile, index: int, reporter: Reporter) -> bool:
    """The chapter's text in its division (`opening` begins it), or False, adding nothing, when it has none."""
    limits.check_file_size(chapter.path, limits.MANUSCRIPT_BYTES, "chapter file", chapter.named_at)
    if not chapter.path.read_bytes().removeprefix(b"\xef\xbb\xbf").strip():
        return False
    manuscript = read_manuscript(chapter.path)
    text = manuscript.text
    start = 0
    heading = ""
    if manuscript.yaml_blocks and manuscript.yaml_blocks[0].first_line == FIRST_YAML_LINE:
        # A chapter's own front matter: its title is its heading; the book's keys belong to the book.
        values, lines = front_matter_values(replace(manuscript, yaml_blocks=manuscript.yaml_blocks[:1]))
        for key in values:
            if key not in CHAPTER_KEYS:
                reporter.warn(
                    f"'{key}' in a chapter's front matter is ignored: the book's front matter holds it",
                    Location(chapter.path, lines.get(key)),
                )
        block = manuscript.yaml_blocks[0].text
        start = text.find(block) + len(block)
        start = text.find("\n", start) + 1  # after the closing fence
        title = values.get("title")
        if isinstance(title, str) and title.strip() and not re.match(r"\s*#\s", text[start:].lstrip("\n")):
            heading = f"# {' '.join(title.split())}\n\n"
    if not heading and not text[start:].strip():
        return False
    pieces.add(opening + heading)
    labels = dict.fromkeys(NOTE_DEFINITION.findall(text, start))
    position = start
    if labels:
        # `[^label]` becomes `[^label-c<n>]` in this chapter only: Pandoc's note labels are the document's.
        pattern = re.compile(r"\[\^(" + "|".join(re.escape(label) for label in labels) + r")\]")
        for found in pattern.finditer(text, start):
            pieces.copy(chapter.path, text, position, found.start())
            pieces.add(f"[^{found.group(1)}-c{index}]")
            position = found.end()
    pieces.copy(chapter.path, text, position, len(text))
    return True


def _relative(path: Path, main: Path) -> str:
    return (
        path.resolve().relative_to(main.resolve().parent).as_posix()
        if path.resolve().is_relative_to(main.resolve().parent)
        else path.name
    )


def _name_order(path: Path) -> list[tuple[int, str]]:
    """File names in the order a person numbers them: 2-x.md before 10-y.md."""
    return [(int(part), "") if part.isdigit() else (0, part.lower()) for part in NUMBER.split(path.name)]
