"""The titles CI builds: those a change touched, in batches, as a GitHub Actions matrix.

    python build.py matrix [--list PATH] [--base REV] [--head REV] [--tag TAG] [--batches N]
                           [--github-output FILE]

A title's build reads the files of its folder and nothing else of the
repository's but the toolchain (press.document confines it so), and the
toolchain's files are the ones Make's depfiles name: every edition's code,
templates, stylesheets and fonts (press.inputs), and what installs the tools.
So between two commits:

- a change inside a title's folder rebuilds that title (a new title is one);
- a change to a file of the toolchain rebuilds every title;
- any other change (the tests, the README, the list file's order or wording,
  which only the catalogue shows) rebuilds none.

Without a base (a new branch, a first push) every title is built; for a release
tag, the title it names (`harbour-lights-v1.2.0`) or, for `v1.2.0`, all of them.
The titles are split into at most `--batches` jobs of nearly equal size, in the
list's order, so that a list of 500 titles rebuilds in the time of its slowest
batch. The matrix is `{"include": [{"batch": "1", "titles": "a b c"}, …]}`;
with `--github-output`, it is written as the step outputs `matrix` and `count`
(the number of titles: a job over an empty matrix is skipped on "0").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from . import TOOLCHAIN_ROOT
from .errors import PressError
from .titles import DEFAULT_LIST, Title, TitleList, read_list

#: GitHub Actions runs at most 256 jobs of one matrix; fewer, larger batches start faster.
DEFAULT_BATCHES = 16
MAX_BATCHES = 256
#: What installs and runs the toolchain, besides the files the editions are made from.
ENVIRONMENT_FILES = ("Makefile", "build.py", "requirements.lock", "package.json", "package-lock.json", ".ci/setup")
#: A commit that is no commit: GitHub's `before` of a branch's first push.
NO_COMMIT = "0" * 40
#: The release tags: the whole list's, and one title's (`<name>-v…`).
LIST_TAG_PREFIX = "v"
TITLE_TAG_SEPARATOR = "-v"


def toolchain_files() -> set[str]:
    """Every file of the repository a title's build is made with, relative to its root."""
    from .document import toolchain_files as loader_files
    from .editions import NAMES, edition

    paths = {*loader_files(), *(path for name in NAMES for path in edition(name).toolchain_files())}
    inside = {path.resolve() for path in paths if path.resolve().is_relative_to(TOOLCHAIN_ROOT)}
    installed = (TOOLCHAIN_ROOT / ".venv", TOOLCHAIN_ROOT / "node_modules")
    found = {
        str(path.relative_to(TOOLCHAIN_ROOT))
        for path in inside
        if not any(path.is_relative_to(folder) for folder in installed)
    }
    return found | set(ENVIRONMENT_FILES)


def changed_files(base: str, head: str) -> list[str]:
    """The files that differ between two commits, relative to the repository's root."""
    completed = subprocess.run(
        ["git", "diff", "--name-only", "--no-renames", base, head],
        cwd=TOOLCHAIN_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise PressError(f"cannot compare {base} with {head}: {completed.stderr.strip()}")
    return [line for line in completed.stdout.splitlines() if line]


def touched_titles(title_list: TitleList, changed: Iterable[str], toolchain: set[str]) -> tuple[Title, ...]:
    """The titles whose inputs are among the changed files (every title when the toolchain is)."""
    changed = list(changed)
    if any(path in toolchain for path in changed):
        return title_list.titles
    touched: set[str] = set()
    for path in changed:
        owner = _owner(title_list, (TOOLCHAIN_ROOT / path).resolve())
        touched.update(title.name for title in owner)
    return tuple(title for title in title_list.titles if title.name in touched)


def _owner(title_list: TitleList, path: Path) -> list[Title]:
    """The titles a file belongs to: those of the deepest title folder holding it (several
    manuscripts at the top of the list's folder share it)."""
    holding = [title for title in title_list.titles if path.is_relative_to(title.folder.resolve())]
    if not holding:
        return []
    deepest = max(len(title.folder.resolve().parts) for title in holding)
    return [title for title in holding if len(title.folder.resolve().parts) == deepest]


def tagged_titles(title_list: TitleList, tag: str) -> tuple[Title, ...]:
    """The titles a release tag releases: `v1.2.0` all of them, `<name>-v1.2.0` that one."""
    for title in title_list.titles:
        if tag.startswith(title.name + TITLE_TAG_SEPARATOR):
            return (title,)
    if tag.startswith(LIST_TAG_PREFIX):
        return title_list.titles
    raise PressError(f"the tag '{tag}' names no title of the list: tag v1.2.0 for all, or <title>-v1.2.0 for one")


def batches(titles: Sequence[Title], most: int) -> list[list[Title]]:
    """At most `most` runs of titles, in order, their sizes differing by one at most."""
    count = min(len(titles), max(1, most))
    size, extra = divmod(len(titles), count) if count else (0, 0)
    runs, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        runs.append(list(titles[start:end]))
        start = end
    return runs


def matrix(titles: Sequence[Title], most: int) -> dict[str, list[dict[str, str]]]:
    return {
        "include": [
            {"batch": str(number), "titles": " ".join(title.name for title in run)}
            for number, run in enumerate(batches(titles, most), start=1)
        ]
    }


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        title_list = read_list(arguments.list)
        if arguments.tag:
            titles = tagged_titles(title_list, arguments.tag)
        elif arguments.base and arguments.base != NO_COMMIT:
            titles = touched_titles(title_list, changed_files(arguments.base, arguments.head), toolchain_files())
        else:
            titles = title_list.titles
    except PressError as error:
        print(error, file=sys.stderr)
        return 1
    plan = json.dumps(matrix(titles, min(arguments.batches, MAX_BATCHES)), separators=(",", ":"))
    if arguments.github_output is None:
        print(plan)
    else:
        with arguments.github_output.open("a", encoding="utf-8") as output:
            output.write(f"matrix={plan}\ncount={len(titles)}\n")
    names = ", ".join(title.name for title in titles) or "none"
    print(f"{len(titles)} of {len(title_list.titles)} titles to build: {names}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py matrix", description=__doc__.splitlines()[0])
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST, help="a folder of titles or a list file")
    parser.add_argument("--base", help="the commit before the change (none: every title)")
    parser.add_argument("--head", default="HEAD", help="the commit after the change (default: HEAD)")
    parser.add_argument("--tag", help="a release tag: v1.2.0 for every title, <title>-v1.2.0 for one")
    parser.add_argument(
        "--batches", type=int, default=DEFAULT_BATCHES, help=f"the most jobs (default {DEFAULT_BATCHES})"
    )
    parser.add_argument("--github-output", type=Path, metavar="FILE", help="append the step outputs to this file")
    return parser
