"""The single Pandoc pass: Markdown with citations in, one HTML fragment out.

Pandoc runs in its sandbox with citeproc. Its messages come back as a JSON log,
so a citation key missing from the bibliography, which Pandoc only warns about,
becomes an error with the file and line of the citation.

The result is kept in the build cache under the hash of everything Pandoc
reads, so the three editions built by separate `make` targets share one pass.
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

from . import FILTERS_DIR, bibliography, limits
from .cache import BuildCache, digest
from .errors import CombinedError, Location, PressError, display_path, location_of
from .labels import labels_for
from .metadata import Manuscript, Metadata

LUA_FILTERS = (FILTERS_DIR / "figure-credit.lua",)
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
PANDOC_DIED = re.compile(r'Pandoc died with exitcode "\d+" during conversion:\s*')


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


def convert(manuscript: Manuscript, metadata: Metadata, style: Path, cache: BuildCache) -> PandocOutput:
    """Run Pandoc once on the manuscript, or reuse the result of an identical run."""
    arguments = _arguments(metadata, style)
    inputs = [style, *LUA_FILTERS, *([metadata.bibliography] if metadata.bibliography else [])]
    key = digest(pandoc_version(), *arguments, manuscript.text, *(path.read_bytes() for path in inputs))
    name = f"pandoc-{key}.json"
    with cache.locked(name):
        stored = cache.read(name)
        if stored is not None:
            return _load(stored)
        output = _run(manuscript, metadata, arguments)
        cache.write(name, _dump(output))
    return output


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
        try:
            html = _pandoc([*arguments, f"--log={log}"], manuscript)
        except RuntimeError as error:
            if metadata.bibliography is not None:
                bibliography.read_entries(metadata.bibliography)  # names the bibliography when it is at fault
            raise PressError(_pandoc_failure(str(error)), Location(manuscript.path)) from None
        messages = json.loads(log.read_text(encoding="utf-8")) if log.is_file() else []
    warnings = tuple(
        PandocMessage(str(entry.get("type")), str(entry.get("verbosity")), str(entry.get("pretty")))
        for entry in messages
        if entry.get("verbosity") in ("WARNING", "ERROR")
    )
    return PandocOutput(html, warnings)


def _pandoc(arguments: list[str], manuscript: Manuscript) -> str:
    """Pandoc on the manuscript's text, within its memory and the stage's time (see press.limits)."""
    command = [pypandoc.get_pandoc_path(), f"--from={READER}", f"--to={WRITER}", *arguments, *limits.PANDOC_RTS]
    with limits.stage("Pandoc", Location(manuscript.path)):
        try:
            completed = subprocess.run(
                command,
                input=manuscript.text.encode("utf-8"),
                capture_output=True,
                cwd=manuscript.path.parent,
                timeout=limits.remaining(),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise limits.stage_timeout_error("Pandoc", Location(manuscript.path)) from None
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", errors="replace")
        raise RuntimeError(f'Pandoc died with exitcode "{completed.returncode}" during conversion: {stderr}')
    return completed.stdout.decode("utf-8", errors="replace")


def _pandoc_failure(message: str) -> str:
    if limits.PANDOC_OUT_OF_MEMORY in message:
        return f"Pandoc needed more than its {limits.PANDOC_HEAP}B of memory for the manuscript, and was stopped"
    detail = " ".join(PANDOC_DIED.sub("", message).split()) or "Pandoc failed"
    return f"Pandoc could not convert the manuscript: {detail}"


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
