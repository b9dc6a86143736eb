"""The single Pandoc pass: Markdown with citations in, one HTML fragment out.

Pandoc runs in its sandbox with citeproc. Its messages come back as a JSON log,
so a citation key missing from the bibliography, which Pandoc only warns about,
becomes an error with the file and line of the citation. A Lua filter adds the
cited works as CSL JSON, so that no second Pandoc run is needed for them.

The result is kept in the build cache under the hash of everything Pandoc
reads (the manuscript, the files its front matter names, the style, the filters)
and of the code that runs it, so the three editions built by separate `make`
targets share one pass, and a changed input never reuses a stale one.
"""

from __future__ import annotations

import difflib
import html
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import pypandoc
import yaml

from . import FILTERS_DIR, bibliography, crossref, limits, mathematics, raw
from .book import BOOKDOWN_PROJECT
from .cache import BuildCache, digest, files_digest
from .errors import CombinedError, Location, PressError, Reporter, display_path
from .inputs import code_files
from .invocation import MetadataOptions
from .labels import LABELS_FILE, PANDOC_LABELS_FILE, labels_for
from .markup import written_identifier
from .metadata import Manuscript, Metadata
from .speculation import Speculation, guessed_html

CROSSREF_FILTER = FILTERS_DIR / "crossref.lua"
QUARTO_FILTER = FILTERS_DIR / "quarto.lua"
#: In order: Quarto's callouts, tabsets and attributes (before anything is numbered);
#: cross-references (before citeproc, which would take `@fig:map` for a citation); then
#: after citeproc raw TeX converted or reported, list delimiters kept, figure credits,
#: the front matter as HTML, the cited works as CSL JSON.
BEFORE_CITATIONS = (QUARTO_FILTER, CROSSREF_FILTER)
LUA_FILTERS = (
    *BEFORE_CITATIONS,
    *(
        FILTERS_DIR / name
        for name in ("raw-tex.lua", "list-delimiters.lua", "figure-credit.lua", "front-matter.lua", "references.lua")
    ),
)
#: Quarto's callouts, whose titles default to these words in the manuscript's language.
CALLOUT_TYPES = ("note", "tip", "warning", "caution", "important")
READER = "markdown"
WRITER = "html5"
WRITER_OPTIONS = (
    "--wrap=none",
    "--section-divs",
    "--mathml",
    "--shift-heading-level-by=1",
    "--sandbox",
    "--quiet",
)
CITATION_NOT_FOUND = re.compile(r"citation (\S+) not found")
PANDOC_POSITION = re.compile(r"at line (\d+) column (\d+)")
PANDOC_DIED = re.compile(r'Pandoc died with exitcode "\d+" during conversion:\s*')
#: How cross-references begin (pandoc-crossref's `@fig:x`, Quarto's `@fig-x`): never citations.
NUMBERED_KINDS = ("fig", "tbl", "eq", "sec", "lst")
#: Theorem-like blocks' (`@thm-line`): a reference of theirs that labels nothing is left to citeproc, for
#: `@def-2020` may be a work's key; so it is a citation's error, not a cross-reference's.
THEOREM_KINDS = ("thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr", "hyp")
#: Quarto's callouts labelled as their kind (`#tip-tabs`), numbered; left to citeproc as theorems' are.
CALLOUT_KINDS = ("nte", "tip", "wrn", "imp", "cau")
CROSSREF_KINDS = NUMBERED_KINDS + THEOREM_KINDS + CALLOUT_KINDS
#: What a missing citation key starts with when it is a cross-reference the filter has reported itself.
CROSSREF_PREFIXES = tuple(f"{kind}{separator}" for kind in NUMBERED_KINDS for separator in ":-")
#: What Pandoc's Markdown (its default extensions, which the toolchain reads with) makes each of
#: only from, in any case: display math only of `$$`, an image only of `![`, a span only of
#: `[…]{…}` or `<span>`, a cross-reference only of a citation `@fig:map` or `@{fig:map}`, raw TeX
#: only of a backslash before a letter (`\emph`, `\begin`, `\é`) or a raw attribute (`{=latex}`,
#: `{ =tex}`), bookdown's spellings only of theirs. The filters walk the book's inline elements for
#: one of them only when what Pandoc reads holds its mark (see `source_marks`): each such walk costs a
#: long book a fraction of a second.
SOURCE_MARKS = {
    "display-math": re.compile(r"\$\$"),
    "images": re.compile(r"!\["),
    "spans": re.compile(r"\]\{|<span", re.IGNORECASE),
    # … or of LaTeX's references written in the Markdown (`\ref{fig:map}`), or converted to it by Pandoc
    # (`{reference-type="ref" reference="fig:map"}`).
    "crossrefs": re.compile(
        rf"@\{{?(?:{'|'.join(CROSSREF_KINDS)})[:-]|\\(?:eq|auto|c|C)?ref\s*\{{|reference-type\s*=", re.IGNORECASE
    ),
    "raw-tex": re.compile(r"\\[^\W\d_]|\{\s*="),
    # A theorem or a callout is a div: fenced (`:::`, in a block quote or a list too) or raw HTML (`<div>`).
    "divs": re.compile(r":::|<div", re.IGNORECASE),
    # bookdown's cross-references (`\@ref(fig:map)`), captions' labels (`(\#fig:map)`) and text references;
    # LaTeX's equation labels (`\label{eq:euler}`), read with bookdown's.
    "bookdown": re.compile(r"@ref\(|\(\\?#(?:fig|tab|eq):|\(ref:|\\label\s*\{eq:"),
}
#: Where pypandoc-binary keeps the Pandoc it bundles, in pypandoc's folder.
BUNDLED_PANDOC = Path("files") / "pandoc"
#: Pandoc's garbage collector starts collecting its old generation at 128 MB instead of 1 MB: a long book's
#: pass copied its growing AST again and again (3.0 s for the bench book, 2.3 s with this; 35 MB more
#: memory at its peak; a short text is not changed).
GC_SETTINGS = ("+RTS", "-O128m", "-RTS")
#: Pandoc's warning that an identifier is given twice, and the identifier it names.
DUPLICATE_IDENTIFIER = "DuplicateIdentifier"
DUPLICATE_NAMED = re.compile(r"Duplicate identifier '([^']+)'")
#: A citation by a work's persistent identifier, as Manubot writes them (`@doi:10.1038/…`, `@pmid:…`).
PERSISTENT_IDENTIFIER = re.compile(
    r"(?:doi|pmid|pubmed|pmcid|pmc|arxiv|isbn|url|https?|wikidata|raw|tag):.", re.IGNORECASE
)
#: Pandoc's messages about its own translations (of "Abstract", for its templates), which the editions never
#: show: the toolchain writes its own words (templates/labels.yaml).
PANDOC_TRANSLATIONS = ("CouldNotLoadTranslations", "NoTranslation")
#: A backslash escaping punctuation, which Pandoc's Markdown reads as the punctuation alone (`\\@ref\\(x)`).
BACKSLASH_ESCAPE = re.compile(r"\\(?=[^\w\s])")
#: Bumped when what a cached pass holds changes shape.
ENTRY_FORMAT = "2"


class PandocError(Exception):
    """Pandoc stopped with an error (its message), or was stopped."""


@dataclass(frozen=True)
class PandocMessage:
    """One entry of Pandoc's log: its type, its verbosity and its text."""

    kind: str
    verbosity: str
    text: str
    #: For raw markup the writer left out (see `raw.NOT_RENDERED`): its format and its source.
    raw_format: str = ""
    raw_text: str = ""


@dataclass(frozen=True)
class PandocOutput:
    """The HTML fragment Pandoc wrote and the warnings it gave."""

    html: str
    warnings: tuple[PandocMessage, ...]


def input_files(metadata: Metadata, style: Path, extra: MetadataOptions) -> list[Path]:
    """Every file Pandoc reads besides the manuscript: the style, the filters, the files the front matter names."""
    abbreviations = [metadata.citation_abbreviations] if metadata.citation_abbreviations else []
    return [
        style,
        *LUA_FILTERS,
        LABELS_FILE,
        PANDOC_LABELS_FILE,
        *metadata.bibliographies,
        *abbreviations,
        *extra.files,
    ]


def convert(
    manuscript: Manuscript,
    metadata: Metadata,
    style: Path,
    extra: MetadataOptions,
    cache: BuildCache,
    while_running: Callable[[], object] = lambda: None,
    guesses_for: Reporter | None = None,
) -> PandocOutput:
    """Run Pandoc once on the manuscript, or reuse the result of an identical run.

    `while_running` is called once: while Pandoc runs (in its own process, on another core), or while
    another build runs it, or before the result of an earlier run is read. With `guesses_for`, the
    result may be guessed from the previous run of the same manuscript (press.speculation) while
    Pandoc makes the real one in a thread: the reporter then confirms the guess before an output is
    moved into place."""
    meanwhile = _once(while_running)
    book = metadata.book or bool(manuscript.chapter_files)
    arguments = [*_arguments(metadata, style, book), *_marks(manuscript, metadata, extra), *extra.pandoc_arguments()]
    # Everything the pass is made from but the text, which names the manuscript's previous pass.
    made_with = digest(
        ENTRY_FORMAT,
        pandoc_build(),
        *arguments,
        files_digest(input_files(metadata, style, extra)),
        files_digest(code_files(__name__)),
    )
    name = f"pandoc-{digest(made_with, manuscript.text)}.json"
    previous_name = f"latest-pandoc-{digest(made_with, str(manuscript.path))}.json"
    if guesses_for is not None and (guess := _guess(cache, previous_name, name, manuscript.text)) is not None:
        release = cache.claim(name)
        if release is not None:
            real = _made_beside(manuscript, metadata, arguments, cache, name, previous_name, release)
        else:  # another build makes the real pass: it is read once that build has written it
            real = partial(_made_by_another, cache, name)
        speculation = Speculation(guess, real)
        try:
            speculation.start()
        except RuntimeError:  # no thread to be had: the pass is made here
            if release is not None:
                release()
        else:
            guesses_for.guard_commit(speculation.confirm)
            meanwhile()
            return guess
    with cache.locked(name, while_waiting=meanwhile):
        stored = cache.read(name)
        if stored is not None:
            meanwhile()
            output = _load(stored)
        else:
            output = _run(manuscript, metadata, arguments, meanwhile)
            cache.write(name, _dump(output))
    _remember(cache, previous_name, name, manuscript.text)
    return output


def _guess(cache: BuildCache, previous_name: str, name: str, text: str) -> PandocOutput | None:
    """The pass guessed from the manuscript's previous one, when the edit since allows (and the entry
    is not made already)."""
    pointer = cache.read(previous_name)
    if pointer is None or cache.read(name) is not None:
        return None
    try:
        previous = json.loads(pointer)
        stored = cache.read(previous["entry"], keep=False)  # the previous pass is not this build's
        if stored is None:
            return None
        output = _load(stored)
        guessed = guessed_html(previous["text"], text, output.html)
    except (ValueError, KeyError, TypeError):  # an entry damaged (a machine stopped mid-write): no guess
        return None
    return None if guessed is None else PandocOutput(guessed, output.warnings)


def _made_beside(
    manuscript: Manuscript,
    metadata: Metadata,
    arguments: list[str],
    cache: BuildCache,
    name: str,
    previous_name: str,
    release: Callable[[], None],
) -> Callable[[], PandocOutput]:
    """The real pass, made in a thread while the build goes on with a guess: kept in the cache, which
    builds beside this one wait for (the entry's lock, held until then)."""

    def make() -> PandocOutput:
        try:
            output = _run(manuscript, metadata, arguments, lambda: None)
            cache.write(name, _dump(output))
            _remember(cache, previous_name, name, manuscript.text)
            return output
        finally:
            release()

    return make


def _made_by_another(cache: BuildCache, name: str) -> PandocOutput:
    """The real pass another build makes (holding the entry's lock), once it has written it."""
    with cache.locked(name):
        stored = cache.read(name)
    if stored is None:  # that build failed: the build made again meets the failure itself
        raise PandocError("the build making the Pandoc pass stopped")
    return _load(stored)


def _remember(cache: BuildCache, previous_name: str, name: str, text: str) -> None:
    """Name the manuscript's latest pass and its text, which the next pass's guess starts from."""
    pointer = json.dumps({"entry": name, "text": text}).encode("utf-8")
    if cache.read(previous_name) != pointer:
        cache.write(previous_name, pointer)


def _once(function: Callable[[], object]) -> Callable[[], None]:
    called = False

    def once() -> None:
        nonlocal called
        if not called:
            called = True
            function()

    return once


@cache
def pandoc_path() -> str:
    """The Pandoc that pypandoc-binary bundles, run directly: pypandoc's own calls start
    three more Pandoc processes each to ask its version and formats, and its search for a
    Pandoc runs every one it finds to take the newest."""
    bundled = Path(pypandoc.__file__).parent / BUNDLED_PANDOC
    return str(bundled) if bundled.is_file() else str(pypandoc.get_pandoc_path())


@cache
def pandoc_build() -> str:
    """The Pandoc the build runs, part of every cache key: its file's size and change time (its version,
    asked of it, took a process of its own at every build's start)."""
    found = shutil.which(pandoc_path()) or pandoc_path()  # pypandoc may name a Pandoc on the PATH
    status = Path(found).stat()
    return f"{found} {status.st_size} {status.st_mtime_ns}"


def _arguments(metadata: Metadata, style: Path, book: bool) -> list[str]:
    credit = labels_for(metadata.lang)["illustration_by"]
    arguments = [*WRITER_OPTIONS, f"--csl={style}", f"--metadata=press-illustration-by:{credit}"]
    # The language as a BCP 47 tag, for citeproc's locale: the front matter may say en_US or english.
    arguments.append(f"--metadata=lang:{metadata.lang}")
    if book:
        arguments.append("--metadata=press-book:true")  # chapters are labelled, not numbered as sections
    arguments += [f"--bibliography={path}" for path in metadata.bibliographies]
    arguments += crossref.label_arguments(metadata.lang)
    words = labels_for(metadata.lang)
    arguments += [f"--metadata=press-callout-{kind}:{words[f'callout_{kind}']}" for kind in CALLOUT_TYPES]
    # Filters and citeproc run in the order given: cross-references first, so that
    # citeproc never takes `@fig:map` for a citation.
    arguments += [*(f"--lua-filter={path}" for path in BEFORE_CITATIONS), "--citeproc"]
    arguments += [f"--lua-filter={path}" for path in LUA_FILTERS if path not in BEFORE_CITATIONS]
    return arguments


def _marks(manuscript: Manuscript, metadata: Metadata, extra: MetadataOptions) -> list[str]:
    # The bibliographies too: Pandoc reads a YAML one's fields as Markdown, a BibTeX one's as LaTeX.
    files = [path.read_text("utf-8", "replace") for path in (*extra.files, *metadata.bibliographies)]
    # An R Markdown or bookdown project's `::: {.theorem}` is bookdown's theorem, whatever else it writes.
    present = ("bookdown",) if is_bookdown(manuscript) else ()
    return source_marks([manuscript.text, *files], [block.text for block in manuscript.yaml_blocks] + files, present)


def is_bookdown(manuscript: Manuscript) -> bool:
    """Whether the manuscript is R Markdown (.Rmd) or a bookdown project's, which bookdown's spellings are for."""
    return manuscript.path.suffix.lower() == ".rmd" or (manuscript.path.parent / BOOKDOWN_PROJECT).is_file()


def source_marks(texts: Sequence[str], yaml_texts: Sequence[str] = (), present: Sequence[str] = ()) -> list[str]:
    """Pandoc's arguments telling the filters which of SOURCE_MARKS what Pandoc reads holds (the
    manuscript's text, its metadata files, its bibliographies): `--metadata=press-has-images:false`.

    Each text is searched as written, with its HTML entities decoded (`&#64;fig:map` in an
    attribute the filters read as Markdown) and with its backslash escapes read (`\\@ref\\(x)`);
    the strings of the YAML texts as YAML reads them too (`"\\x40fig:map"`, or a string broken
    over lines by an escape), for Pandoc reads metadata values as Markdown. The marks named `present`
    are there whatever the texts hold.
    """
    readings = [
        *(reading for text in texts for reading in (text, html.unescape(text), BACKSLASH_ESCAPE.sub("", text))),
        *(string for text in yaml_texts if "\\" in text for string in _yaml_strings(text)),
    ]
    found = {
        name: name in present or any(mark.search(reading) for reading in readings)
        for name, mark in SOURCE_MARKS.items()
    }
    return [f"--metadata=press-has-{name}:{str(holds).lower()}" for name, holds in found.items()]


def _yaml_strings(text: str) -> list[str]:
    """Every string of a YAML text (keys and values, entities decoded), as YAML reads it; none if it is no YAML."""
    try:
        stack: list[Any] = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return []
    strings: list[str] = []
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            strings += [value, html.unescape(value)]
        elif isinstance(value, dict):
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            stack += value
    return strings


def _run(
    manuscript: Manuscript, metadata: Metadata, arguments: list[str], while_running: Callable[[], object]
) -> PandocOutput:
    with tempfile.TemporaryDirectory(prefix="press-pandoc-") as scratch:
        log = Path(scratch) / "log.json"
        try:
            html = _pandoc([*arguments, f"--log={log}"], manuscript, Path(scratch), while_running)
        except PandocError as error:
            for path in metadata.bibliographies:
                bibliography.read_entries(path)  # names the bibliography when it is at fault
            raise PressError(_pandoc_failure(str(error)), Location(manuscript.path)) from None
        messages = json.loads(log.read_text(encoding="utf-8")) if log.is_file() else []
    warnings = tuple(
        PandocMessage(str(entry.get("type")), str(entry.get("verbosity")), str(entry.get("pretty")))
        for entry in messages
        if entry.get("verbosity") in ("WARNING", "ERROR")
    )
    left_out = tuple(
        PandocMessage(str(entry.get("type")), str(entry.get("verbosity")), str(entry.get("pretty")), *raw.source(entry))
        for entry in messages
        if entry.get("type") in raw.NOT_RENDERED
    )
    return PandocOutput(html, warnings + left_out)


def _pandoc(arguments: list[str], manuscript: Manuscript, scratch: Path, while_running: Callable[[], object]) -> str:
    """Pandoc on the manuscript's text, within its memory and the stage's time (see press.limits).

    Its input, output and messages are files, so that it never waits for this process, which calls
    `while_running` meanwhile."""
    command = [pandoc_path(), f"--from={READER}", f"--to={WRITER}", *arguments, *limits.PANDOC_RTS, *GC_SETTINGS]
    given, written, said = (scratch / name for name in ("input.md", "output.html", "stderr.txt"))
    given.write_bytes(manuscript.text.encode("utf-8"))
    with given.open("rb") as stdin, written.open("wb") as stdout, said.open("wb") as stderr:
        process = subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=stderr, cwd=manuscript.path.parent)
        try:
            # Not within Pandoc's stage: what goes wrong in it is its own, not Pandoc's.
            while_running()
            with limits.stage("Pandoc", Location(manuscript.path)):
                try:
                    returncode = process.wait(timeout=limits.remaining())
                except subprocess.TimeoutExpired:
                    raise limits.stage_timeout_error("Pandoc", Location(manuscript.path)) from None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    if returncode != 0:
        message = said.read_bytes().decode("utf-8", errors="replace")
        raise PandocError(f'Pandoc died with exitcode "{returncode}" during conversion: {message}')
    return written.read_bytes().decode("utf-8", errors="replace")


def _pandoc_failure(message: str) -> str:
    if limits.PANDOC_OUT_OF_MEMORY in message:
        return f"Pandoc needed more than its {limits.PANDOC_HEAP}B of memory for the manuscript, and was stopped"
    detail = " ".join(PANDOC_DIED.sub("", message).split()) or "Pandoc failed"
    return f"Pandoc could not convert the manuscript: {detail}"


def other_warnings(output: PandocOutput, manuscript: Manuscript) -> list[tuple[str, Location]]:
    """Pandoc's warnings other than missing citations, each with the place it names, if any."""
    found = []
    for message in output.warnings:
        if CITATION_NOT_FOUND.search(message.text) or message.kind == mathematics.NOT_CONVERTED:
            continue  # errors, reported by check_citations
        if crossref.is_unresolved_reference(message.text) or message.kind in raw.NOT_RENDERED:
            continue
        if message.kind in PANDOC_TRANSLATIONS:
            continue
        position = PANDOC_POSITION.search(message.text)
        where = manuscript.location_at_line(int(position.group(1)), int(position.group(2))) if position else None
        if message.kind == DUPLICATE_IDENTIFIER and (twice := DUPLICATE_NAMED.search(message.text)):
            # Pandoc names the line after the block; the loader reports an identifier the author wrote twice
            # itself, at the second (press.document): one written once is named where it is written.
            written = manuscript.written_at(written_identifier(twice.group(1)), raw=True)
            if len(written) > 1:
                continue
            if written[0].line is not None:
                found.append((f"Pandoc: {PANDOC_POSITION.sub('', message.text).strip()}", written[0]))
                continue
        found.append((f"Pandoc: {message.text}", where or Location(manuscript.path)))
    return [
        *found,
        *crossref.equations_labelled_twice(output, manuscript),
        *crossref.made_by_code(output, manuscript),
        *crossref.skipped_levels(output, manuscript),
        *raw.dropped(left_out(output), manuscript),
    ]


def left_out(output: PandocOutput) -> list[tuple[str, str]]:
    """The raw markup (format, text) the writer left out, in order."""
    return [(message.raw_format, message.raw_text) for message in output.warnings if message.kind in raw.NOT_RENDERED]


def check_citations(output: PandocOutput, manuscript: Manuscript, metadata: Metadata) -> None:
    """Fail on citation keys the bibliography lacks, which Pandoc only warns about (and on
    references to nothing and TeX left unconverted, which it warns about too).

    Cross-references (`@fig:map`, `@tbl-data`…) are not citations: the cross-reference
    filter reports those it cannot resolve.
    """
    problems = [*crossref.unresolved(output, manuscript), *mathematics.unconverted(output, manuscript)]
    missing = [
        match.group(1)
        for message in output.warnings
        if (match := CITATION_NOT_FOUND.search(message.text)) and not match.group(1).startswith(CROSSREF_PREFIXES)
    ]
    if not missing and not problems:
        return
    known = list(dict.fromkeys(key for path in metadata.bibliographies for key in bibliography.keys(path)))
    where = ", ".join(display_path(path) for path in metadata.bibliographies) or None
    folder = metadata.source.parent
    beside = [] if where else sorted(path.name for path in folder.iterdir() if path.suffix in bibliography.READERS)
    for key in dict.fromkeys(missing):
        message = unknown_citation_message(key, known, where, beside)
        problems.extend(PressError(message, location) for location in _citation_locations(manuscript, key))
    raise CombinedError(problems)


def unknown_citation_message(
    key: str, known: list[str], bibliography_name: str | None, beside: Sequence[str] = ()
) -> str:
    """What to tell the author about `@key`: a misspelt key when one is close, else how to write a literal @;
    without a bibliography, the bibliography files `beside` the manuscript that the front matter could name."""
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    if PERSISTENT_IDENTIFIER.match(key) and not close:
        where = f"in {bibliography_name}" if bibliography_name else "in a bibliography (there is none)"
        return (
            f"'@{key}' cites a work by its identifier, as Manubot does, and the toolchain looks nothing up: give the"
            f" work an entry whose id is '{key}' {where}; `manubot cite {key}` writes one as CSL JSON"
        )
    if close:
        return (
            f"unknown citation key '@{key}' (not in {bibliography_name}); "
            f"did you mean {', '.join('@' + name for name in close)}?"
        )
    none = "there is no bibliography"
    if beside:
        none += f"; add `bibliography: {beside[0]}` to the front matter to use {beside[0]} beside it"
    where = f"a key in {bibliography_name}" if bibliography_name else f"a citation key ({none})"
    return f"'@{key}' is neither {where} nor a cross-reference; for a literal '@', write '\\@{key}'"


def _citation_locations(manuscript: Manuscript, key: str) -> list[Location]:
    # Not after a backslash (a literal @) nor inside a word (an e-mail address).
    pattern = re.compile(rf"(?<![\\\w])@(?:{re.escape(key)}|\{{{re.escape(key)}\}})(?![\w:.#$%&\-+?<>~/]*\w)")
    return manuscript.written_at(pattern)


def _dump(output: PandocOutput) -> bytes:
    return json.dumps({"html": output.html, "warnings": [vars(message) for message in output.warnings]}).encode()


def _load(stored: bytes) -> PandocOutput:
    payload = json.loads(stored)
    return PandocOutput(payload["html"], tuple(PandocMessage(**message) for message in payload["warnings"]))
