"""Builds you can trust: every input known, nothing stale, one Pandoc pass, a library API.

The toolchain is copied into a folder of its own, so that its code, templates and
styles can be edited as a `git pull` would edit them, and Make rebuilds what
depends on each edit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from press import api
from press.errors import PressError
from press.pandoc import pandoc_path
from tests.conftest import EPOCH, MINIMAL, ROOT, build
from tests.readback import epub_documents, normalise, text_of

TOOLCHAIN_PARTS = (
    "press",
    "templates",
    "styles",
    "build.py",
    "Makefile",
    "requirements.lock",
    "requirements-dev.lock",
    "package.json",
    "package-lock.json",
)
EDITIONS = ("pdf", "epub", "html")
#: What a build says of the editions it wrote.
WROTE = re.compile(r"wrote (.+?)(?:;| \(\d)")


def copy_toolchain(folder: Path) -> Path:
    for part in TOOLCHAIN_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / part)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    (folder / "node_modules").symlink_to(ROOT / "node_modules")  # the fonts for other scripts
    shutil.copytree(MINIMAL.parent, folder / "book")
    return folder


def make(toolchain: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "MANUSCRIPT=book/minimal.md", f"SOURCE_DATE_EPOCH={EPOCH}"],
        cwd=toolchain,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_to(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def redraw_square(path: Path) -> None:
    Image.new("RGB", (40, 40), (200, 30, 30)).save(path)


Edit = tuple[str, Callable[[Path], None], set[str], set[str]]
#: Each kind of input: the file, the edit, the editions the build remakes, and those whose bytes must change.
EDITS: list[Edit] = [
    ("book/minimal.md", lambda p: replace_in(p, "A first paragraph", "An opening paragraph"), {*EDITIONS}, {*EDITIONS}),
    (
        "book/references.yaml",
        lambda p: replace_in(p, "A Book about Fixtures", "A Book about Fixtures, Revised"),
        {*EDITIONS},
        {*EDITIONS},
    ),
    ("book/images/square.png", redraw_square, {*EDITIONS}, {*EDITIONS}),
    (
        "templates/labels.yaml",
        lambda p: replace_in(p, "colophon: Colophon", "colophon: About"),
        {*EDITIONS},
        {*EDITIONS},
    ),
    (
        "press/filters/figure-credit.lua",
        lambda p: replace_in(p, "class = 'credit'", "class = 'credit x'"),
        {*EDITIONS},
        {"epub", "html"},
    ),
    ("press/pagemap.py", lambda p: replace_in(p, '"A4": (210.0', '"ISO A4": (210.0'), {"pdf", "epub"}, {"epub"}),
    ("styles/print.css", lambda p: append_to(p, "\nh1 { letter-spacing: 0.02em; }\n"), {"pdf", "epub"}, {"pdf"}),
    ("styles/fonts/fonts.conf", lambda p: append_to(p, "\n<!-- edited -->\n"), {"pdf", "epub"}, set()),
    (
        "templates/epub/colophon.xhtml.j2",
        lambda p: replace_in(p, "{% block content %}\n", "{% block content %}\n<p>Edited.</p>\n"),
        {"epub"},
        {"epub"},
    ),
    ("styles/epub.css", lambda p: append_to(p, "\nh1 { letter-spacing: 0.02em; }\n"), {"epub"}, {"epub"}),
    ("styles/screen.css", lambda p: append_to(p, "\nh1 { letter-spacing: 0.02em; }\n"), {"html"}, {"html"}),
    ("templates/web.html.j2", lambda p: append_to(p, "<!-- edited -->\n"), {"html"}, {"html"}),
    (
        "press/editions/html.py",
        lambda p: replace_in(p, 'SIDENOTE_PREFIX = "side-"', 'SIDENOTE_PREFIX = "aside-"'),
        {"html"},
        {"html"},
    ),
]


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / f"minimal.{name}").read_bytes() for name in EDITIONS}


def remade(run: subprocess.CompletedProcess[str]) -> set[str]:
    """The editions a build wrote, from what it said ("wrote a.pdf, a.html; kept a.epub (…) (1.2 s)")."""
    said = [match.group(1) for line in run.stderr.splitlines() if (match := WROTE.match(line))]
    return {Path(path).suffix.removeprefix(".") for paths in said for path in paths.split(", ")}


def test_make_rebuilds_exactly_the_editions_that_read_an_edited_input(tmp_path: Path) -> None:
    toolchain = copy_toolchain(tmp_path)
    out = toolchain / "build"
    first = make(toolchain)
    assert first.returncode == 0, first.stderr
    assert "Nothing to be done" in make(toolchain).stdout
    for name, edit, rebuilt, changed in EDITS:
        before = snapshot(out)
        edit(toolchain / name)
        run = make(toolchain)
        assert run.returncode == 0, (name, run.stderr)
        after = snapshot(out)
        # Make starts the title's build, which remakes the editions that read the file and keeps the others.
        assert remade(run) == rebuilt, name
        assert {edition for edition in EDITIONS if after[edition] != before[edition]} >= changed, name
    assert "Nothing to be done" in make(toolchain).stdout
    # The first reproduction: the EPUB tells the paper size in the words of the code that made it.
    colophon = normalise(text_of(epub_documents(out / "minimal.epub")["EPUB/colophon.xhtml"]))
    assert "Page numbers follow the print edition, ISO A4 PDF" in colophon
    # After thirteen builds, the cache holds one build's entries: one Pandoc pass (and the note naming it as
    # the manuscript's latest, which the next pass may be guessed from), one layout.
    cached = sorted(path.name.split("-")[0] for path in (out / ".cache").iterdir() if path.suffix == ".json")
    assert cached == ["latest", "pages", "pandoc"]


def test_ten_one_word_edits_leave_one_build_in_the_cache(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    out = tmp_path / "out"
    for number in range(10):
        replace_in(
            manuscript, "A first paragraph" if number == 0 else f"A {number - 1}th paragraph", f"A {number}th paragraph"
        )
        api.build(manuscript, out, ("html", "epub"))
    entries = [path.name for path in (out / ".cache").iterdir() if path.is_file() and not path.name.endswith(".lock")]
    assert sorted(name.split("-")[0] for name in entries if not name.startswith("font-")) == [
        "latest",
        "pages",
        "pandoc",
    ]
    assert not [
        path
        for path in (out / ".cache").glob("*.lock")
        if path.name != "session.lock" and not (out / ".cache" / path.name.removesuffix(".lock")).exists()
    ]


def test_a_missing_input_is_an_error_even_with_a_cache_entry(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    (book / "abbr.json").write_text('{"default": {"container-title": {"Journal of Tests": "J. Tests"}}}', "utf-8")
    manuscript = book / "minimal.md"
    replace_in(manuscript, "csl: apa\n", "csl: apa\ncitation-abbreviations: abbr.json\n")
    assert build("html", "--manuscript", manuscript, "--out", tmp_path / "out", "-q").returncode == 0
    (book / "abbr.json").unlink()
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", "-q", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.strip() == "book/minimal.md:13: error: citation abbreviations file not found: abbr.json"


def test_one_pandoc_process_per_edition_build(tmp_path: Path) -> None:
    """Counted as they start, in this process, through Python's audit hooks."""
    started: list[str] = []
    pandoc = pandoc_path()  # found before the hook is added: finding it starts Pandoc to ask its version

    def count(event: str, arguments: tuple[object, ...]) -> None:
        if event == "subprocess.Popen" and str(arguments[0]) == pandoc:
            started.append(event)

    sys.addaudithook(count)
    for edition in EDITIONS:
        started.clear()
        result = api.build(MINIMAL, tmp_path / edition, (edition,))
        assert result.written == {edition: tmp_path / edition / f"minimal.{edition}"}
        assert len(started) == 1, edition
    started.clear()
    api.build(MINIMAL, tmp_path / "pdf", ("pdf",))
    assert started == []  # the pass is cached: no Pandoc at all


def test_the_api_returns_what_was_written_and_the_warnings(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    replace_in(manuscript, "lang: en-GB\n", "")
    result = api.build(manuscript, tmp_path / "out", ("html",))
    assert set(result.written) == {"html"} and result.written["html"].is_file()
    assert [warning.message.split(":")[0] for warning in result.warnings] == ["no 'lang' in the front matter"]
    assert result.document is not None and result.document.metadata.title == "A Minimal Manuscript"
    # The same build, strict, in the same process: the earlier build's warnings are not its own.
    with pytest.raises(PressError, match="no 'lang'"):
        api.build(manuscript, tmp_path / "strict", ("html",), strict=True)
    assert len(api.build(MINIMAL, tmp_path / "other", ("html",)).warnings) == 0


def test_check_reports_what_the_build_warns_about(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    replace_in(manuscript, "lang: en-GB\n", "allow-missing-glyphs: true\n")
    append_to(manuscript, "\n[^unused]: A note nobody calls.\n\nA syllable: 𐀀.\n")
    built = build("all", "--manuscript", manuscript, "--out", tmp_path / "out", "-q", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    warned = [line for line in built.stderr.splitlines() if ": warning: " in line]
    assert len(warned) == 3, warned  # no lang, an unused note (Pandoc), a character no font has
    checked = build("check", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert set(warned) <= set(checked.stderr.splitlines()), checked.stderr


def test_check_without_an_output_folder_writes_nothing_where_it_runs(tmp_path: Path) -> None:
    run = build("check", "--manuscript", MINIMAL, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_build_changes_no_environment_variable(tmp_path: Path) -> None:
    before = dict(os.environ)
    api.build(MINIMAL, tmp_path, ("pdf",))
    assert dict(os.environ) == before
