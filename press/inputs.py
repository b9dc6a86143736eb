"""What each step of a build reads, declared once: the cache keys and Make's dependencies both come from here.

A step's inputs are the author's files it reads (recorded by the loader as it
reads them) and the toolchain's own files: its code, found by following the
package's imports from the module that makes it; its templates, found by
following Jinja2's includes and imports; its stylesheets and the fonts they
declare. A `git pull` that changes any of them changes the step's cache key and
Make's view of the editions that use it, and nothing else.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from jinja2 import meta

from . import PACKAGE_DIR, TEMPLATES_DIR, TOOLCHAIN_ROOT
from .render import environment

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


@cache
def _imports(name: str, path: Path) -> tuple[str, ...]:
    """The modules of this package that a module imports, its parent packages included (each module read
    once a process: every step's inputs follow the imports from its own module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imported = [package]
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            imported.append(base)
            imported += [f"{base}.{alias.name}" for alias in node.names]
    return tuple(item for item in imported if item == PACKAGE or item.startswith(f"{PACKAGE}."))


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.stmt]:
    """Every statement but those under `if TYPE_CHECKING:`, whose imports never run.

    Imports are statements, so only statement lists are walked (bodies, branches,
    handlers), never expressions: a tenth of the nodes, and a tenth of an essay's build
    once was spent here.
    """
    for statement in _statements(tree):
        if isinstance(statement, ast.If) and ast.unparse(statement.test).endswith("TYPE_CHECKING"):
            for child in statement.orelse:
                yield child
                yield from _runtime_nodes(child)
            continue
        yield statement
        yield from _runtime_nodes(statement)


def _statements(node: ast.AST) -> Iterator[ast.stmt]:
    """The statements directly inside a node: its body, branches and handlers' bodies."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        for child in getattr(node, field, ()):
            if isinstance(child, ast.stmt):
                yield child
            elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                yield from _statements(child)


@cache
def template_files(*names: str) -> tuple[Path, ...]:
    """Templates and every template they extend, include or import."""
    jinja = environment()
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        source = jinja.loader.get_source(jinja, name)[0] if jinja.loader else ""
        pending += [child for child in meta.find_referenced_templates(jinja.parse(source)) if child]
    return tuple(sorted(TEMPLATES_DIR / name for name in found))


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
