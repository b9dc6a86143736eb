"""Benchmark of a press's list: twenty essays built by `make -j2` against one by one.

    python bench/list.py [--titles 20] [--runs 1] [--out bench/LIST_RESULTS.md]

The workload is a list of N essays, each the sample essay's folder (its
bibliography and images) with a manuscript of its own title, so that no two
titles share a Pandoc pass or a print layout in the build cache. It is built
cold, each way into an empty output folder:

- `make -j2`: the list's titles side by side, two jobs at a time (this machine's cores), each
  title's three editions made by one process and one forked from it (press/sidebyside.py);
- `make -j1`: the same, one job at a time;
- `make -j2 ONE_PROCESS=`: two jobs at a time, each edition a process of its own;
- one by one: `build.py all` for each title in turn, as a script around the
  command line would build them (the editions of a title one after the other);

and then a no-op `make` on the built list. Every figure is also given as a
ratio to the one-by-one time measured in the same run, with the processor time
the builds used (user and system, of every process) and the machine's load
average while they ran: on a machine others share, the wall-clock time of two
jobs at once says as much about their work as about ours.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

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
        measured: dict[str, list[Measure]] = {}
        for _ in range(arguments.runs):
            for name, run in ways(folder, sources).items():
                measured.setdefault(name, []).append(run())
    medians = {
        name: Measure(*(statistics.median(getattr(measure, field) for measure in runs) for field in Measure._fields))
        for name, runs in measured.items()
    }
    report = results(medians, arguments.titles, arguments.runs)
    arguments.out.write_text(report, encoding="utf-8")
    print(report, file=sys.stderr)
    return 0


class Measure(NamedTuple):
    seconds: float
    cpu_seconds: float
    load: float


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


def ways(folder: Path, sources: list[Path]) -> dict[str, Callable[[], Measure]]:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}

    def make(out: str, *arguments: str) -> list[str]:
        return ["make", "-s", "-C", str(ROOT), f"LIST={folder / 'list'}", f"OUT={folder / out}", *arguments]

    def timed(commands: list[list[str]], out: str | None) -> Measure:
        if out is not None:
            shutil.rmtree(folder / out, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        for command in commands:
            subprocess.run(command, env=environment, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        # The load average over the last minute (or five, for a longer run) when it ended.
        load = os.getloadavg()[0 if seconds < 300 else 1]
        return Measure(seconds, cpu, load)

    one_by_one = [
        [str(PYTHON), str(ROOT / "build.py"), "all", "--manuscript", str(source), "--out", str(folder / "serial"), "-q"]
        for source in sources
    ]
    return {
        "one by one (build.py all, each title in turn)": lambda: timed(one_by_one, "serial"),
        "make -j1 (the list, one job at a time)": lambda: timed([make("out-1", "-j1")], "out-1"),
        "make -j2 (the list, two jobs at a time)": lambda: timed([make("out-2", "-j2")], "out-2"),
        "make -j2 ONE_PROCESS= (each edition a process)": lambda: timed(
            [make("out-3", "-j2", "ONE_PROCESS=")], "out-3"
        ),
        "make -j2, nothing changed": lambda: timed([make("out-2", "-j2")], None),
    }


def results(medians: dict[str, Measure], titles: int, runs: int) -> str:
    serial = medians["one by one (build.py all, each title in turn)"].seconds
    rows = [
        "# Benchmark of a press's list",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}. Written by `make bench-list` (bench/list.py): {titles} essays"
        f" (the sample essay under {titles} titles), built cold each way; wall-clock seconds, median of {runs}"
        f" run{'s' if runs > 1 else ''}. The `make` runs also write the catalogue.",
        "",
        "| way | seconds | per title | × one by one | processor seconds | load average |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows += [
        f"| {name} | {measure.seconds:.2f} | {measure.seconds / titles:.2f} | {measure.seconds / serial:.2f} | "
        f"{measure.cpu_seconds:.1f} | {measure.load:.1f} |"
        for name, measure in medians.items()
    ]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.exit(main())
