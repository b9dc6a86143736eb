"""One Jinja2 environment for every edition: strict about undefined names, escaping by default."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import STYLES_DIR, TEMPLATES_DIR
from .labels import fill, join_names, labels_for, short_names


@cache
def environment() -> Environment:
    jinja = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
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


def render(template: str, **context: Any) -> str:
    """Render a template from templates/ with the given names."""
    return environment().get_template(template).render(**context)


def stylesheet_paths(*names: str) -> list[Path]:
    return [STYLES_DIR / name for name in names]
