"""One Jinja2 environment for every edition: strict about undefined names, escaping by default."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined

from . import STYLES_DIR, TEMPLATES_DIR
from .labels import fill, join_names, labels_for, short_names


@cache
def environment() -> Environment:
    jinja = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        bytecode_cache=_bytecode_cache(),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    jinja.filters["join_names"] = join_names
    jinja.filters["short_names"] = short_names
    jinja.filters["fill"] = fill
    jinja.globals["labels"] = labels_for
    return jinja


def _bytecode_cache() -> BytecodeCache | None:
    """The templates compiled, kept where Jinja keeps them by default (a folder of the user's own in the
    temporary folder, named by each template's source): compiling the templates a build renders took
    it a fifth of a second, in each of the three editions' processes. None where that folder cannot be
    made safely (Jinja then compiles them each time)."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def render(template: str, **context: Any) -> str:
    """Render a template from templates/ with the given names."""
    return environment().get_template(template).render(**context)


def stylesheet_paths(*names: str) -> list[Path]:
    return [STYLES_DIR / name for name in names]
