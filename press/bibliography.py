"""Bibliography files, read by Pandoc into CSL JSON entries."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pypandoc

from .errors import Location, PressError
from .limits import PANDOC_HEAP, PANDOC_OUT_OF_MEMORY, PANDOC_RTS

PANDOC_POSITION = re.compile(r"\(line (\d+), column (\d+)\):?")
#: Pandoc's reader for each bibliography file suffix.
READERS = {".bib": "biblatex", ".bibtex": "bibtex", ".ris": "ris", ".xml": "endnotexml"}


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of a bibliography as CSL JSON objects."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            entries = json.loads(path.read_text(encoding="utf-8"))
        elif suffix in (".yaml", ".yml"):
            wrapped = f"---\n{path.read_text(encoding='utf-8')}\n...\n"
            entries = json.loads(
                pypandoc.convert_text(wrapped, "csljson", format="markdown", sandbox=True, extra_args=PANDOC_RTS)
            )
        elif suffix in READERS:
            entries = json.loads(
                pypandoc.convert_file(str(path), "csljson", format=READERS[suffix], sandbox=True, extra_args=PANDOC_RTS)
            )
        else:
            known = ", ".join(sorted([*READERS, ".json", ".yaml"]))
            raise PressError(f"unknown bibliography format '{suffix}'; use one of {known}", Location(path))
    except RuntimeError as error:
        raise bibliography_error(str(error), path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PressError(f"cannot read the bibliography: {error}", Location(path)) from None
    if not isinstance(entries, list):
        raise PressError("the bibliography holds no list of entries", Location(path))
    return [entry for entry in entries if isinstance(entry, dict)]


def bibliography_error(pandoc_message: str, path: Path) -> PressError:
    """Pandoc's complaint about a bibliography file as one line with its position."""
    if PANDOC_OUT_OF_MEMORY in pandoc_message:
        # BibTeX's @string macros can double a text at every step.
        reason = f"Pandoc needed more than its {PANDOC_HEAP}B of memory for it, and was stopped"
        return PressError(f"cannot read the bibliography: {reason}", Location(path))
    position = PANDOC_POSITION.search(pandoc_message)
    detail = [line.strip() for line in pandoc_message[position.end() if position else 0 :].splitlines() if line.strip()]
    reason = detail[0] if detail else "Pandoc cannot parse it"
    if position is None:
        return PressError(f"cannot read the bibliography: {reason}", Location(path))
    line, column = int(position.group(1)), int(position.group(2))
    last_line = len(path.read_text(encoding="utf-8", errors="replace").splitlines()) or 1
    if line > last_line:
        # Pandoc places "unexpected end of input" past the end of the file.
        return PressError(f"cannot read the bibliography: {reason}", Location(path, last_line))
    return PressError(f"cannot read the bibliography: {reason}", Location(path, line, column))


def keys(path: Path) -> list[str]:
    """The citation keys a bibliography defines."""
    return [str(entry.get("id")) for entry in read_entries(path)]
