"""Benchmark of a press's list: twenty essays built by `make -j2` against one by one.

    python bench/list.py [--titles 20] [--runs 1] [--out bench/LIST_RESULTS.md]

The workload is a list of N essays, each the sample essay's folder (its
bibliography and images) with a manuscript of its own title, so that no two
titles share a Pandoc pass or a print layout in the build cache. It is built
cold, each way into an empty output folder:

- `make -j2`: the list's titles side by side, two jobs at a time (this machine's cores);
- `make -j1`: the same, one job at a time;
- one by one: `build.py all` for each title in turn, as a script around the
  command line would build them (the editions of a title one after the other);

and then a no-op `make` on the built list. Every figure is also given as a
ratio to the one-by-one time measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESSAY = ROOT / "manuscript" / "chongryon.md"
PYTHON = ROOT / ".venv" / "bin" / "python"
EPOCH = "1700000000"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "LIST_RESULTS.md")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="press-bench-list-") as scratch:
        folder = Path(scratch)
        sources = make_list(folder / "list", arguments.titles)
        measured: dict[str, list[float]] = {}
        for _ in range(arguments.runs):
            for name, run in ways(folder, sources).items():
                measured.setdefault(name, []).append(run())
    medians = {name: statistics.median(times) for name, times in measured.items()}
    report = results(medians, arguments.titles, arguments.runs)
    arguments.out.write_text(report, encoding="utf-8")
    print(report, file=sys.stderr)
    return 0


def make_list(folder: Path, count: int) -> list[Path]:
    """N essays, each in a folder of its own with its own title."""
    text = ESSAY.read_text(encoding="utf-8")
    sources = []
    for number in range(1, count + 1):
        name = f"essay-{number:02d}"
        shutil.copytree(ESSAY.parent, folder / name, ignore=shutil.ignore_patterns("*.md"))
        source = folder / name / f"{name}.md"
        source.write_text(_retitled(text, number), encoding="utf-8")
        sources.append(source)
    return sources


def _retitled(text: str, number: int) -> str:
    """The essay under a title of its own: its first title line, numbered."""
    lines = text.splitlines(keepends=True)
    index = next(index for index, line in enumerate(lines) if line.startswith("title:"))
    title = lines[index].removeprefix("title:").strip().strip("\"'")
    lines[index] = f'title: "{title} ({number})"\n'
    return "".join(lines)


def ways(folder: Path, sources: list[Path]) -> dict[str, Callable[[], float]]:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}

    def make(out: str, *arguments: str) -> list[str]:
        return ["make", "-s", "-C", str(ROOT), f"LIST={folder / 'list'}", f"OUT={folder / out}", *arguments]

    def timed(commands: list[list[str]], out: str | None) -> float:
        if out is not None:
            shutil.rmtree(folder / out, ignore_errors=True)
        started = time.perf_counter()
        for command in commands:
            subprocess.run(command, env=environment, check=True, capture_output=True)
        return time.perf_counter() - started

    one_by_one = [
        [str(PYTHON), str(ROOT / "build.py"), "all", "--manuscript", str(source), "--out", str(folder / "serial"), "-q"]
        for source in sources
    ]
    return {
        "one by one (build.py all, each title in turn)": lambda: timed(one_by_one, "serial"),
        "make -j1 (the list, one job at a time)": lambda: timed([make("out-1", "-j1")], "out-1"),
        "make -j2 (the list, two jobs at a time)": lambda: timed([make("out-2", "-j2")], "out-2"),
        "make -j2, nothing changed": lambda: timed([make("out-2", "-j2")], None),
    }


def results(medians: dict[str, float], titles: int, runs: int) -> str:
    serial = medians["one by one (build.py all, each title in turn)"]
    rows = [
        "# Benchmark of a press's list",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}. Written by `make bench-list` (bench/list.py): {titles} essays"
        f" (the sample essay under {titles} titles), built cold each way; wall-clock seconds, median of {runs}"
        f" run{'s' if runs > 1 else ''}. The `make` runs also write the catalogue.",
        "",
        "| way | seconds | per title | × one by one |",
        "| --- | ---: | ---: | ---: |",
    ]
    rows += [
        f"| {name} | {seconds:.2f} | {seconds / titles:.2f} | {seconds / serial:.2f} |"
        for name, seconds in medians.items()
    ]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.exit(main())
