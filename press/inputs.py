"""What each step of a build reads, declared once: the cache keys and Make's dependencies both come from here.

A step's inputs are the author's files it reads (recorded by the loader as it
reads them) and the toolchain's own files: its code, found by following the
package's imports from the module that makes it; its templates, found by
following Jinja2's includes and imports; its stylesheets and the fonts they
declare. A `git pull` that changes any of them changes the step's cache key and
Make's view of the editions that use it, and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from . import PACKAGE_DIR, TEMPLATES_DIR, TOOLCHAIN_ROOT

PACKAGE = "press"


@cache
def code_files(module: str) -> tuple[Path, ...]:
    """The source files of a module of this package and of every module of it that it imports."""
    found: dict[str, Path] = {}
    pending = [module]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        path = _module_path(name)
        if path is None:
            continue
        found[name] = path
        pending += _imports(name, path)
    return tuple(sorted(found.values()))


def _module_path(name: str) -> Path | None:
    parts = name.split(".")[1:]
    candidates = [PACKAGE_DIR.joinpath(*parts[:-1], f"{parts[-1]}.py")] if parts else []
    for candidate in [*candidates, PACKAGE_DIR.joinpath(*parts, "__init__.py")]:
        if candidate.is_file():
            return candidate
    return None


#: An import statement at the start of a line: `from .x import (a, b)`, `import press.y as z, os`.
#: A line of a docstring that reads like one adds a module at most, never hides one.
IMPORT_STATEMENT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<base>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#;]*)"
    r"|import[ \t]+(?P<modules>[^\n#;]*))",
    re.MULTILINE,
)
COMMENT = re.compile(r"#[^\n]*")
#: `if TYPE_CHECKING:` and the lines indented under it (or blank), whose imports never run;
#: an `else:` beside it stays.
TYPE_CHECKING_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)if[ \t]+(?:typing\.)?TYPE_CHECKING[ \t]*:[ \t]*\n(?:(?P=indent)[ \t]+\S.*\n|[ \t]*\n)*",
    re.MULTILINE,
)


#: A tag that names another template: `{% extends "x" %}`, `{%- include 'x' %}`, `{% from "x" import y %}`.
TEMPLATE_REFERENCE = re.compile(r"""\{%[-+]?\s*(?:extends|include|import|from)\s+(["'])(?P<name>[^"']+)\1""")


@cache
def _imports(name: str, path: Path) -> tuple[str, ...]:
    """The modules of this package that a module imports, its parent packages included (each module read
    once a process: every step's inputs follow the imports from its own module).

    Read line by line rather than parsed: every build follows its step's imports through some fifty
    modules, and Python's parser took a tenth of an essay's build. The code is formatted by ruff,
    which never continues an import with a backslash.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imported = [package]
    source = TYPE_CHECKING_BLOCK.sub("", path.read_text(encoding="utf-8"))
    for statement in IMPORT_STATEMENT.finditer(source):
        if statement["modules"] is not None:
            imported += [item.split()[0] for item in statement["modules"].split(",") if item.strip()]
            continue
        base = statement["base"].lstrip(".")
        level = len(statement["base"]) - len(base)
        if level:
            parent = package.split(".")[: len(package.split(".")) - level + 1]
            base = ".".join([*parent, *([base] if base else [])])
        imported.append(base)
        names = COMMENT.sub("", statement["names"]).strip().strip("()")  # a comment may follow a name of a group
        imported += [f"{base}.{item.split()[0]}" for item in names.split(",") if item.strip()]
    return tuple(item for item in imported if item == PACKAGE or item.startswith(f"{PACKAGE}."))


@cache
def template_files(*names: str) -> tuple[Path, ...]:
    """Templates and every template they extend, include or import.

    Read from their tags rather than parsed: parsing the templates a build renders took it a tenth of a
    second. The toolchain's templates name what they use as string literals (a unit test holds every
    template to what Jinja's own `meta.find_referenced_templates` finds)."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        pending += referenced_templates((TEMPLATES_DIR / name).read_text(encoding="utf-8"))
    return tuple(sorted(TEMPLATES_DIR / name for name in found))


def referenced_templates(source: str) -> list[str]:
    """The templates a template's source extends, includes or imports."""
    return [match["name"] for match in TEMPLATE_REFERENCE.finditer(source)]


def depfile(target: Path, inputs: Iterable[Path], looked_for: Iterable[Path] = ()) -> str:
    """Make's rules for a target and the files it was made from.

    Each input also stands as a rule of its own with no recipe, so that Make
    rebuilds the target, rather than stopping, when an input is deleted (as
    compilers' -MP does); the build then names the missing file. Files the build
    looked for are prerequisites when they exist (Make's `wildcard`), so that one
    that appears rebuilds the target.
    """
    names = sorted({make_name(path) for path in inputs})
    lines = [f"{make_name(target)}: \\", *(f" {name} \\" for name in names), ""]
    optional = sorted({make_name(path) for path in looked_for})
    if optional:
        lines += [f"{make_name(target)}: $(wildcard {' '.join(optional)})", ""]
    lines += [f"{name}:" for name in names]
    return "\n".join(lines) + "\n"


def make_name(path: Path) -> str:
    """A path as Make reads it: relative to the toolchain when inside it (as the Makefile
    names things), with spaces, colons and hashes escaped."""
    resolved = path.resolve() if path.is_absolute() or path.exists() else path
    try:
        text = str(resolved.relative_to(TOOLCHAIN_ROOT)) if resolved.is_absolute() else str(path)
    except ValueError:
        text = str(resolved)
    for special in ("\\", " ", ":", "#", "$"):
        replacement = "$$" if special == "$" else "\\" + special
        text = text.replace(special, replacement)
    return text
