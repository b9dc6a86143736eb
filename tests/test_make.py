"""Make rebuilds exactly what changed: nothing when nothing did, one edition for its own template.

The expectations are written here; what Make knows comes from the depfiles the
builds write (see press/inputs.py), never from a list in the Makefile.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import EPOCH, MINIMAL, ROOT


def make(*arguments: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            f"OUT={out}",
            f"MANUSCRIPT={MINIMAL.relative_to(ROOT)}",
            f"SOURCE_DATE_EPOCH={EPOCH}",
            *arguments,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("make")
    run = make(out=out)
    assert run.returncode == 0, run.stderr
    assert sorted(path.name for path in out.iterdir() if path.is_file()) == [
        "minimal.epub",
        "minimal.html",
        "minimal.pdf",
    ]
    return out


def planned_editions(out: Path, *changed: str) -> set[str]:
    """The editions `make` would rebuild if the given files had changed, each edition a process of its own
    (ONE_PROCESS empty): what Make knows of each edition's inputs."""
    what_if = [f"--what-if={name}" for name in changed]
    run = make("--dry-run", "ONE_PROCESS=", *what_if, out=out)
    assert run.returncode == 0, run.stderr
    return {line.split()[2] for line in run.stdout.splitlines() if "build.py" in line}


def test_a_titles_editions_are_made_by_one_process_unless_the_goals_name_editions(built: Path) -> None:
    """By default the title's build makes the editions side by side (press.sidebyside) and keeps those
    made from the same files; `make pdf` starts the PDF's build alone."""
    commands = {
        goals: [
            line for line in make("--dry-run", "--what-if=styles/screen.css", *goals, out=built).stdout.splitlines()
        ]
        for goals in ((), ("html",), ("pdf", "html"))
    }
    assert [line.split()[2] for line in commands[()] if "build.py" in line] == ["all"]
    assert [line.split()[2] for line in commands[("html",)] if "build.py" in line] == ["html"]
    # The PDF did not read the stylesheet: Make, knowing each edition's inputs, does not start its build.
    assert [line.split()[2] for line in commands[("pdf", "html")] if "build.py" in line] == ["html"]


def test_second_make_does_nothing(built: Path) -> None:
    assert make("--question", out=built).returncode == 0
    assert planned_editions(built) == set()


@pytest.mark.parametrize(
    ("changed", "rebuilt"),
    [
        ("templates/epub/text.xhtml.j2", {"epub"}),
        ("styles/epub.css", {"epub"}),
        ("press/editions/epub.py", {"epub"}),
        ("templates/print.html.j2", {"pdf", "epub"}),
        ("styles/print.css", {"pdf", "epub"}),
        ("templates/web.html.j2", {"html"}),
        ("styles/screen.css", {"html"}),
        ("styles/fonts/nanum/NanumMyeongjo.ttf", {"pdf", "epub", "html"}),
        ("templates/partials.html.j2", {"pdf", "epub", "html"}),
        ("templates/labels.yaml", {"pdf", "epub", "html"}),
        ("styles/fonts/fonts.conf", {"pdf", "epub"}),
        ("press/filters/references.lua", {"pdf", "epub", "html"}),
        ("press/printlayout.py", {"pdf", "epub"}),
        ("press/webfonts.py", {"html", "epub"}),
        ("press/document.py", {"pdf", "epub", "html"}),
        ("tests/fixtures/minimal/minimal.md", {"pdf", "epub", "html"}),
        ("tests/fixtures/minimal/references.yaml", {"pdf", "epub", "html"}),
        ("tests/fixtures/minimal/images/square.png", {"pdf", "epub", "html"}),
    ],
)
def test_a_change_rebuilds_what_depends_on_it(built: Path, changed: str, rebuilt: set[str]) -> None:
    assert planned_editions(built, changed) == rebuilt
