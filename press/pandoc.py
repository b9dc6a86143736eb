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
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypandoc

from . import FILTERS_DIR, bibliography
from .cache import BuildCache, digest, files_digest
from .errors import CombinedError, Location, PressError, display_path, location_of
from .inputs import code_files
from .labels import LABELS_FILE, PANDOC_LABELS_FILE, labels_for
from .metadata import Manuscript, Metadata

LUA_FILTERS = (FILTERS_DIR / "figure-credit.lua", FILTERS_DIR / "references.lua")
READER = "markdown"
WRITER = "html5"
WRITER_OPTIONS = (
    "--wrap=none",
    "--section-divs",
    "--shift-heading-level-by=1",
    "--citeproc",
    "--sandbox",
    "--quiet",
)
CITATION_NOT_FOUND = re.compile(r"citation (\S+) not found")
PANDOC_POSITION = re.compile(r"at line (\d+) column (\d+)")
#: Bumped when what a cached pass holds changes shape.
ENTRY_FORMAT = "2"


@dataclass(frozen=True)
class PandocMessage:
    """One entry of Pandoc's log: its type, its verbosity and its text."""

    kind: str
    verbosity: str
    text: str


@dataclass(frozen=True)
class PandocOutput:
    """The HTML fragment Pandoc wrote and the warnings it gave."""

    html: str
    warnings: tuple[PandocMessage, ...]


def input_files(metadata: Metadata, style: Path) -> list[Path]:
    """Every file Pandoc reads besides the manuscript: the style, the filters, the files the front matter names."""
    named = [metadata.bibliography, metadata.citation_abbreviations]
    return [style, *LUA_FILTERS, LABELS_FILE, PANDOC_LABELS_FILE, *(path for path in named if path is not None)]


def convert(manuscript: Manuscript, metadata: Metadata, style: Path, cache: BuildCache) -> PandocOutput:
    """Run Pandoc once on the manuscript, or reuse the result of an identical run."""
    arguments = _arguments(metadata, style)
    key = digest(
        ENTRY_FORMAT,
        pandoc_version(),
        *arguments,
        manuscript.text,
        files_digest(input_files(metadata, style)),
        files_digest(code_files(__name__)),
    )
    name = f"pandoc-{key}.json"
    with cache.locked(name):
        stored = cache.read(name)
        if stored is not None:
            return _load(stored)
        output = _run(manuscript, metadata, arguments)
        cache.write(name, _dump(output))
    return output


@cache
def pandoc_path() -> str:
    """The Pandoc that pypandoc-binary bundles, run directly: pypandoc's own calls start
    three more Pandoc processes each to ask its version and formats."""
    return str(pypandoc.get_pandoc_path())


@cache
def pandoc_version() -> str:
    """The version of the bundled Pandoc, part of every cache key."""
    return str(pypandoc.get_pandoc_version())


def _arguments(metadata: Metadata, style: Path) -> list[str]:
    credit = labels_for(metadata.lang)["illustration_by"]
    arguments = [*WRITER_OPTIONS, f"--csl={style}", f"--metadata=press-illustration-by:{credit}"]
    if metadata.bibliography is not None:
        arguments.append(f"--bibliography={metadata.bibliography}")
    arguments += [f"--lua-filter={path}" for path in LUA_FILTERS]
    return arguments


def _run(manuscript: Manuscript, metadata: Metadata, arguments: list[str]) -> PandocOutput:
    with tempfile.TemporaryDirectory(prefix="press-pandoc-") as scratch:
        log = Path(scratch) / "log.json"
        command = [pandoc_path(), f"--from={READER}", f"--to={WRITER}", *arguments, f"--log={log}"]
        completed = subprocess.run(
            command,
            input=manuscript.text.encode("utf-8"),
            capture_output=True,
            cwd=manuscript.path.parent,
            check=False,
        )
        if completed.returncode != 0:
            if metadata.bibliography is not None:
                bibliography.read_entries(metadata.bibliography)  # names the bibliography when it is at fault
            detail = " ".join(completed.stderr.decode("utf-8", errors="replace").split()) or "Pandoc failed"
            raise PressError(f"Pandoc could not convert the manuscript: {detail}", Location(manuscript.path))
        messages = json.loads(log.read_text(encoding="utf-8")) if log.is_file() else []
    warnings = tuple(
        PandocMessage(str(entry.get("type")), str(entry.get("verbosity")), str(entry.get("pretty")))
        for entry in messages
        if entry.get("verbosity") in ("WARNING", "ERROR")
    )
    return PandocOutput(completed.stdout.decode("utf-8"), warnings)


def other_warnings(output: PandocOutput, manuscript: Manuscript) -> list[tuple[str, Location]]:
    """Pandoc's warnings other than missing citations, each with the place it names, if any."""
    found = []
    for message in output.warnings:
        if CITATION_NOT_FOUND.search(message.text):
            continue
        position = PANDOC_POSITION.search(message.text)
        line, column = (int(position.group(1)), int(position.group(2))) if position else (None, None)
        found.append((f"Pandoc: {message.text}", Location(manuscript.path, line, column)))
    return found


def check_citations(output: PandocOutput, manuscript: Manuscript, metadata: Metadata) -> None:
    """Fail on citation keys the bibliography lacks, which Pandoc only warns about."""
    missing = [match.group(1) for message in output.warnings if (match := CITATION_NOT_FOUND.search(message.text))]
    if not missing:
        return
    known = list(dict.fromkeys(bibliography.keys(metadata.bibliography))) if metadata.bibliography else []
    where = display_path(metadata.bibliography) if metadata.bibliography else "no bibliography"
    problems: list[PressError] = []
    for key in dict.fromkeys(missing):
        close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join('@' + name for name in close)}?" if close else ""
        problems.extend(
            PressError(f"unknown citation key '@{key}' (not in {where}){hint}", location)
            for location in _citation_locations(manuscript, key)
        )
    raise CombinedError(problems)


def _citation_locations(manuscript: Manuscript, key: str) -> list[Location]:
    pattern = re.compile(rf"@(?:{re.escape(key)}|\{{{re.escape(key)}\}})(?![\w:.#$%&\-+?<>~/]*\w)")
    text = manuscript.text
    locations = [location_of(text, found.start(), manuscript.path) for found in pattern.finditer(text)]
    return locations or [Location(manuscript.path)]


def _dump(output: PandocOutput) -> bytes:
    return json.dumps({"html": output.html, "warnings": [vars(message) for message in output.warnings]}).encode()


def _load(stored: bytes) -> PandocOutput:
    payload = json.loads(stored)
    return PandocOutput(payload["html"], tuple(PandocMessage(**message) for message in payload["warnings"]))
