"""`build.py check`: every finding as file:line:column, errors failing the check."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ESSAY, FIXTURES, MINIMAL, build

FLAWED = FIXTURES / "flawed" / "flawed.md"


def test_clean_manuscripts_pass(tmp_path: Path) -> None:
    for manuscript in (ESSAY, MINIMAL):
        run = build("check", "--manuscript", manuscript, "--out", tmp_path)
        assert run.returncode == 0, run.stderr
        assert run.stderr.strip().endswith(": 0 errors, 0 warnings")


def test_every_finding_with_its_place(tmp_path: Path) -> None:
    run = build("check", "--manuscript", FLAWED, "--out", tmp_path)
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    expected = [
        "tests/fixtures/flawed/refs.bib:1:7: error: duplicate key 'known2020' (2 entries)",
        "tests/fixtures/flawed/flawed.md:11:58: error: unknown citation key '@knwon2020'"
        " (not in tests/fixtures/flawed/refs.bib); did you mean @known2020?",
        "tests/fixtures/flawed/refs.bib:15:7: warning: entry 'unused2019' is never cited",
        "tests/fixtures/flawed/refs.bib:15:7: warning: entry 'unused2019' (book) lacks issued, publisher,"
        " which the style prints",
        "tests/fixtures/flawed/flawed.md:13:5: warning: image 'images/present.png' has no alternative text: readers"
        " who cannot see it will not know what it shows, and the editions mark it as decorative; describe it,"
        " ![what it shows](images/present.png), or give it a caption",
        "tests/fixtures/flawed/flawed.md:15:30: error: image not found: images/absent.png",
        "tests/fixtures/flawed/flawed.md:17:13: error: image old.bmp is BMP; use one of GIF, JPEG, PNG, SVG, WEBP",
        "tests/fixtures/flawed/flawed.md:21:15: warning: the link to '#no-such-place' leads to nothing in the text"
        " (no heading or element has that identifier); the editions keep its words without the link",
        "tests/fixtures/flawed/flawed.md:19:1: warning: heading 'Too deep' skips a level (# to ###),"
        " which accessibility checkers report",
        "tests/fixtures/flawed/flawed.md:23:28: error: image images/chart.pdf is a PDF, which no edition can show;"
        " use one of GIF, JPEG, PNG, SVG, WEBP",
    ]
    assert sorted(lines[:-1]) == sorted(expected)
    assert lines[-1] == "tests/fixtures/flawed/flawed.md: 5 errors, 5 warnings"


def test_front_matter_against_its_schema(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    text = manuscript.read_text(encoding="utf-8")
    text = text.replace("bibliography:", "bibliograpy:").replace("csl: apa", "csl: apa-7th-editoin")
    text = text.replace("lang: en-GB", "lang: [en]").replace("title: ", "titel: ", 1)
    manuscript.write_text(text, encoding="utf-8")
    run = build("check", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 1
    # Pandoc accepts any key and no title: warnings (errors only with --strict); a wrong type is an error.
    assert "book/minimal.md:2: warning: unknown front-matter key 'titel', ignored; did you mean 'title'?" in run.stderr
    assert (
        "book/minimal.md:11: warning: unknown front-matter key 'bibliograpy', ignored; did you mean 'bibliography'?"
        in run.stderr
    )
    assert "warning: no title in the front matter; the editions use the file name, 'minimal'" in run.stderr
    assert "book/minimal.md:6: error: 'lang' must be text" in run.stderr


def test_unknown_style_name_suggests_close_ones(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    manuscript.write_text(
        manuscript.read_text(encoding="utf-8").replace("csl: apa", "csl: chicago-note-bibliography"), encoding="utf-8"
    )
    run = build("check", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 1
    assert "book/minimal.md:12: error: unknown citation style 'chicago-note-bibliography'; did you mean " in run.stderr
    assert "chicago-notes-bibliography" in run.stderr


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "book.md").write_text(
        "---\ntitle: T\nauthor: A\nlang: en\nallow-missing-glyphs: true\n---\n\n# One\n\n## Two\n\nText 𐀀.\n"
    )
    assert build("check", "--manuscript", book / "book.md", "--out", tmp_path / "out").returncode == 0
    assert build("check", "--strict", "--manuscript", book / "book.md", "--out", tmp_path / "out").returncode == 1
    assert build("pdf", "--manuscript", book / "book.md", "--out", tmp_path / "out", "-q").returncode == 0
    previous = (tmp_path / "out" / "book.pdf").read_bytes()
    strict = build("pdf", "--strict", "--manuscript", book / "book.md", "--out", tmp_path / "out", cwd=tmp_path)
    assert strict.returncode == 1
    assert "book/book.md:12:6: error: no font of the print edition has '𐀀'" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert (tmp_path / "out" / "book.pdf").read_bytes() == previous


def test_pandoc_warnings_once_with_their_line(tmp_path: Path) -> None:
    manuscript = tmp_path / "book.md"
    manuscript.write_text(
        "---\ntitle: T\nauthor: A\nlang: en\n---\n\nText[^a] and more.\n\n[^a]: One.\n\n[^a]: Two.\n", encoding="utf-8"
    )
    run = build("check", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stderr.count("Duplicate note reference") == 1
    assert "book.md:11:1: warning: Pandoc: Duplicate note reference 'a'" in run.stderr


def test_a_link_to_nothing_keeps_its_words_without_the_link_in_every_edition(tmp_path: Path) -> None:
    manuscript = tmp_path / "links.md"
    manuscript.write_text(
        "---\ntitle: Links\nauthor: A\nlang: ja\n---\n\n## 見出しレベル３\n\n"
        "[見出しへ](#見出しレベル3)と[ここ](#見出しレベル３)。[^1]\n\n[^1]: [A note's link](#nowhere).\n",
        encoding="utf-8",
    )
    run = build("all", "--manuscript", manuscript, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert [line.split(": warning: ")[0] for line in run.stderr.splitlines() if "leads to nothing" in line] == [
        f"{manuscript}:9:8",
        f"{manuscript}:11:23",
    ]
    page = (tmp_path / "out" / "links.html").read_text(encoding="utf-8")
    assert "見出しへ" in page and "A note’s link" in page, "their words kept"
    assert "#nowhere" not in page and "%E3%83%AB3" not in page and 'href="#見出しレベル3"' not in page
    assert page.count('href="#%E8%A6%8B') + page.count('href="#見出しレベル３"') == 1, (
        "the link leading somewhere stays"
    )


def test_a_heading_that_skips_a_level_is_reported_with_the_levels_as_written(tmp_path: Path) -> None:
    """A text from `##` rises to the first level in the editions; the levels reported are the author's (it said
    '# to ###'), and a build warns of it too, for accessibility checkers (Ace, axe, Nu) report the gap. A book's
    `##` heading before its first chapter said '( to ##)': it is no skip, for the book makes it a division."""
    essay = tmp_path / "essay.md"
    essay.write_text("---\ntitle: T\nauthor: A\nlang: en\n---\n\n## Section\n\nText.\n\n#### Deep\n\nMore.\n")
    expected = "essay.md:11:1: warning: heading 'Deep' skips a level (## to ####), which accessibility checkers report"
    checked = build("check", "--manuscript", essay, "--out", tmp_path / "out", cwd=tmp_path)
    assert checked.stderr.splitlines()[:-1] == [expected]
    built = build("html", "--manuscript", essay, "--out", tmp_path / "out", "-q", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines() == [expected]
    book = tmp_path / "book"
    book.mkdir()
    (book / "metadata.yaml").write_text("title: T\nauthor: A\nlang: en\n", encoding="utf-8")
    (book / "01.abstract.md").write_text("## Abstract\n\nText.\n", encoding="utf-8")
    (book / "02.body.md").write_text("# Intro\n\nText.\n", encoding="utf-8")
    checked = build("check", "--manuscript", book, "--out", tmp_path / "book-out", cwd=tmp_path)
    # Not a skip: the book's ## section before its first chapter is a division of the front matter, raised.
    assert checked.stderr.splitlines()[:-1] == []
