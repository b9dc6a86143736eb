"""Metadata from outside the manuscript, as Pandoc's own options give it.

Authors who build with Pandoc keep some of their metadata on the command line
or in files beside the manuscript: `-M key=value`, `--metadata-file`, a
defaults file (`-d`), `--bibliography`, `--csl`. The toolchain takes the same
options and merges them as Pandoc does: metadata files first (a later file
winning), then the manuscript's own front matter, then `-M`, `--bibliography`
and `--csl`. Relative paths are read from the folder the build runs in, as
Pandoc reads them; in a defaults file `${.}` is the defaults file's folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import Location, PressError, Reporter
from .frontmatter import ValuePath, inner_lines

#: Keys of a Pandoc defaults file that the toolchain uses; any other is reported as ignored.
DEFAULTS_KEYS = (
    "metadata",
    "metadata-file",
    "metadata-files",
    "bibliography",
    "csl",
    "citation-abbreviations",
    "input-file",
    "input-files",
)
#: Keys whose values are files: read from the folder the build runs in.
PATH_KEYS = ("bibliography", "csl", "citation-abbreviations")
#: A web address (`https://…`), which Pandoc would fetch a file from: no path to be read from a folder.
WEB_ADDRESS = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class MetadataOptions:
    """What the command line or a defaults file adds to the front matter."""

    #: `--metadata-file`: YAML files whose values the front matter overrides.
    files: tuple[Path, ...] = ()
    #: `-M key=value` (and a defaults file's `metadata`): values that override the front matter.
    values: tuple[tuple[str, Any], ...] = ()
    #: `--bibliography` (repeatable) and `--csl`: override the front matter's.
    bibliographies: tuple[Path, ...] = ()
    csl: str | None = None
    #: Input files after the first (`build.py all book.md two.md three.md`, a defaults file's
    #: `input-files`): a book's chapters, read after the first file as Pandoc reads several inputs.
    chapters: tuple[Path, ...] = ()
    #: Where each value came from, for messages about it.
    origins: dict[str, Location] = field(default_factory=dict, compare=False, hash=False)

    def overrides(self) -> dict[str, Any]:
        """The values that win over the front matter, as metadata keys."""
        values: dict[str, Any] = {}
        for key, value in self.values:
            # `-M key=a -M key=b` makes a list, as in Pandoc.
            values[key] = [*_as_list(values[key]), value] if key in values else value
        if self.bibliographies:
            values["bibliography"] = [str(path) for path in self.bibliographies]
        if self.csl is not None:
            values["csl"] = self.csl
        return values

    def file_values(self) -> tuple[dict[str, Any], dict[str, Location], dict[ValuePath, Location]]:
        """The metadata files' values merged, a later file winning, each with where it is written, and
        where each value inside them is (an author's key)."""
        values: dict[str, Any] = {}
        where: dict[str, Location] = {}
        inner: dict[ValuePath, Location] = {}
        for path in self.files:
            node, mapping = _read_mapping(path, "metadata file")
            for key, value in mapping.items():
                values[key] = _absolute(key, value, Path.cwd())
            for key, value in node.value:
                field = str(key.value)
                where[field] = Location(path, key.start_mark.line + 1)
                inner = {place: location for place, location in inner.items() if place[0] != field}
                lines = inner_lines(value, (field,), lambda mark: mark.line + 1)
                inner |= {place: Location(path, line) for place, line in lines.items()}
        return values, where, inner

    def pandoc_arguments(self) -> list[str]:
        """The same metadata for Pandoc, so that its filters see what the editions print."""
        arguments = [f"--metadata-file={path}" for path in self.files]
        for key, value in self.values:
            arguments.append(f"--metadata={key}:{_scalar_text(value)}")
        return arguments


def parse_value(assignment: str) -> tuple[str, Any]:
    """`-M key=value` as Pandoc reads it: the value is YAML (a boolean or a string); no value is true."""
    key, equals, text = assignment.partition("=")
    if not key.strip():
        raise PressError(f"-M needs KEY or KEY=VALUE, not '{assignment}'")
    if not equals:
        return key.strip(), True
    loaded = yaml.safe_load(text) if text.strip() else ""
    return key.strip(), loaded if isinstance(loaded, bool) else text


def read_defaults(path: Path, reporter: Reporter) -> tuple[MetadataOptions, tuple[Path, ...]]:
    """A Pandoc defaults file: the metadata options it gives, and the input files it names."""
    node, mapping = _read_mapping(path, "defaults file")
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    folder = path.resolve().parent

    def expand(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("${.}", str(folder))
        if isinstance(value, list):
            return [expand(item) for item in value]
        return value

    for key in mapping:
        if key not in DEFAULTS_KEYS:
            reporter.warn(
                f"'{key}' in the defaults file is ignored: the toolchain makes its own editions",
                Location(path, lines[key]),
            )
    files = [
        Path(expand(name)) for name in _as_list(mapping.get("metadata-files")) + _as_list(mapping.get("metadata-file"))
    ]
    values: list[tuple[str, Any]] = []
    origins: dict[str, Location] = {}
    metadata = mapping.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise PressError("'metadata' in a defaults file must be a mapping", Location(path, lines.get("metadata")))
    for key, value in metadata.items():
        values.append((str(key), _absolute(str(key), expand(value), Path.cwd())))
        origins[str(key)] = Location(path, lines["metadata"])
    bibliographies = tuple(Path(expand(name)).resolve() for name in _as_list(mapping.get("bibliography")))
    csl = mapping.get("csl")
    abbreviations = mapping.get("citation-abbreviations")
    if abbreviations is not None:
        values.append(("citation-abbreviations", str(Path(expand(abbreviations)).resolve())))
    inputs = tuple(
        Path(expand(name)) for name in _as_list(mapping.get("input-files")) + _as_list(mapping.get("input-file"))
    )
    options = MetadataOptions(
        files=tuple(file.resolve() for file in files),
        values=tuple(values),
        bibliographies=bibliographies,
        csl=str(Path(expand(csl)).resolve()) if isinstance(csl, str) and is_style_file(csl) else csl,
        origins=origins,
    )
    return options, inputs


def is_web_address(value: str) -> bool:
    return WEB_ADDRESS.match(value) is not None


def is_style_file(style: str) -> bool:
    """Whether a style the command line or a defaults file gives is a .csl file, read from the folder the build
    runs in, rather than a shipped style's name or a web address."""
    return style.endswith(".csl") and not is_web_address(style)


def combine(first: MetadataOptions, then: MetadataOptions) -> MetadataOptions:
    """Options given later (the command line after a defaults file) win."""
    return MetadataOptions(
        files=(*first.files, *then.files),
        values=(*first.values, *then.values),
        bibliographies=then.bibliographies or first.bibliographies,
        csl=then.csl if then.csl is not None else first.csl,
        origins={**first.origins, **then.origins},
    )


def _read_mapping(path: Path, kind: str) -> tuple[yaml.MappingNode, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PressError(f"cannot read the {kind}: {error.strerror}", Location(path)) from None
    try:
        node, mapping = limits.parse_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        raise PressError(f"malformed YAML in the {kind}: {error.problem or error}", Location(path, line)) from None
    if node is None:
        return yaml.MappingNode("tag:yaml.org,2002:map", []), {}
    if not isinstance(node, yaml.MappingNode) or not isinstance(mapping, dict):
        raise PressError(f"the {kind} must be a YAML mapping of keys to values", Location(path, 1))
    return node, {str(key): value for key, value in mapping.items()}


def _absolute(key: str, value: Any, folder: Path) -> Any:
    """A file named by a path key, made absolute from `folder`; other values as they are."""
    if key not in PATH_KEYS:
        return value
    if (
        isinstance(value, str)
        and not is_web_address(value)
        and (key != "csl" or value.endswith(".csl") or "/" in value)
    ):
        return str((folder / value).resolve())
    if isinstance(value, list):
        return [_absolute(key, item, folder) for item in value]
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
