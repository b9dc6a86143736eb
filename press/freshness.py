"""An edition is made again only when something it is made from has changed.

Each build records, beside the depfile it writes for Make (`.deps/`), what an
edition was made from: the manuscript, the files (those of the depfile, with
their contents' digest), the build's options, the environment that reaches the editions
(SOURCE_DATE_EPOCH), the installed libraries, the digest of the edition as
written, and the warnings its build gave. A later build of that edition whose
record still holds, every file and setting the same and the output as it was
written, keeps the output, repeats the warnings, and reads nothing else: the
manuscript is not even parsed. Make does the same from file times; this holds
for `build.py` and the API too, and for files touched but not changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .cache import digest
from .context import Options
from .errors import Diagnostic, Location, Reporter


@dataclass(frozen=True)
class Record:
    """What an edition was last made from, and what it was."""

    manuscript: Path
    #: The edition, in the output folder that holds the record.
    target: Path
    inputs: tuple[Path, ...]
    made_from: str
    output: str
    warnings: tuple[Diagnostic, ...]

    def replay(self, reporter: Reporter) -> None:
        """Give the reporter the warnings the edition's build gave, as that build did."""
        for warning in self.warnings:
            reporter.warn(warning.message, warning.location)


def reusable(path: Path, manuscript: Path, out: Path, options: Options) -> Record | None:
    """The record at `path` when the edition of `manuscript` it describes, in `out`, can be kept
    as it is; otherwise None."""
    record = _read(path, out)
    if record is None or record.manuscript != manuscript.resolve():
        return None
    try:
        if _output_digest(record.target) != record.output:
            return None
        made_from = _made_from(record.manuscript, record.inputs, options)
    except OSError:  # an input or the output is gone: the build will say which, or make it again
        return None
    return record if made_from == record.made_from else None


def write(
    path: Path, manuscript: Path, target: Path, inputs: list[Path], options: Options, warnings: list[Diagnostic]
) -> None:
    """Record what the edition of `manuscript` just written to `target` was made from."""
    paths = tuple(sorted({input_path.resolve() for input_path in inputs}))
    fields = {
        "manuscript": str(manuscript.resolve()),
        "target": target.name,
        "inputs": [str(input_path) for input_path in paths],
        "made_from": _made_from(manuscript.resolve(), paths, options),
        "output": _output_digest(target),
        "warnings": [_diagnostic_fields(warning) for warning in warnings],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fields, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _made_from(manuscript: Path, inputs: tuple[Path, ...], options: Options) -> str:
    return digest(
        str(manuscript),
        *(part for path in inputs for part in _input_parts(path)),
        repr(options),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        _installed_libraries(),
    )


#: The folders an installed library's name and version are read from.
INSTALLATION_SUFFIXES = (".dist-info", ".egg-info")


@cache
def _installed_libraries() -> str:
    """The Python and every library installed beside the toolchain (Pandoc comes with pypandoc-binary).

    Named by their installations' folders, `<name>-<version>.dist-info` (as pip writes them, PEP 427),
    rather than by each one's metadata: reading 75 METADATA files took a build a tenth of a second."""
    installed = []
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as entries:
                installed += [entry.name for entry in entries if entry.name.endswith(INSTALLATION_SUFFIXES)]
        except OSError:  # a path entry that is a zip file, or no longer there
            continue
    return "\n".join([sys.version, *sorted(installed)])


def installed_version(library: str) -> str:
    """An installed library's version, read from its installation's folder's name as `_installed_libraries`
    reads them (importlib.metadata, which parses its METADATA, costs a build's start a fiftieth of a second)."""
    wanted = library.lower().replace("-", "_")
    for name in _installed_libraries().splitlines()[1:]:
        project, _, rest = name.partition("-")
        if project.lower().replace("-", "_") == wanted:
            return rest.removesuffix(next(suffix for suffix in INSTALLATION_SUFFIXES if rest.endswith(suffix)))
    raise LookupError(f"{library} is not installed")


def _input_parts(path: Path) -> tuple[str | bytes, ...]:
    """A file by its contents; a folder the build read (a book's chapters) by the names in it; a file
    the build looked for and did not find by its absence (it makes the edition again when it appears)."""
    if path.is_dir():
        return str(path), "\n".join(sorted(entry.name for entry in path.iterdir()))
    if not path.exists():
        return str(path), "absent"
    return str(path), path.read_bytes()


#: The edition that writes more beside its file, in a folder of the same name: a book's web pages.
EDITION_WITH_FOLDER = ".html"


def _output_digest(target: Path) -> str:
    """The edition's file, and for the web edition the folder of the same name beside it where it writes
    more (a book's web pages); the other editions' files alone, since the web edition writes that folder
    after them in a build of all three."""
    hashed = hashlib.sha256()
    folder = target.with_suffix("")
    beside = sorted(folder.rglob("*")) if target.suffix == EDITION_WITH_FOLDER and folder.is_dir() else []
    for path in [target, *beside]:
        hashed.update(str(path.relative_to(target.parent)).encode("utf-8") + b"\0")
        if path.is_file():
            with path.open("rb") as file:
                hashed.update(hashlib.file_digest(file, "sha256").digest())
    return hashed.hexdigest()


def _read(path: Path, out: Path) -> Record | None:
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        return Record(
            Path(fields["manuscript"]),
            out / fields["target"],
            tuple(Path(input_path) for input_path in fields["inputs"]),
            fields["made_from"],
            fields["output"],
            tuple(_diagnostic(warning) for warning in fields["warnings"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _diagnostic_fields(diagnostic: Diagnostic) -> dict[str, object]:
    location = diagnostic.location
    return {
        "message": diagnostic.message,
        "location": None if location is None else [str(location.path), location.line, location.column],
    }


def _diagnostic(fields: dict[str, Any]) -> Diagnostic:
    location = fields["location"]
    if location is None:
        return Diagnostic("warning", str(fields["message"]))
    path, line, column = location
    return Diagnostic("warning", str(fields["message"]), Location(Path(path), line, column))
