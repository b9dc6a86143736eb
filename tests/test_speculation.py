"""An edit of plain words: the PDF is made from the Pandoc pass guessed from the previous one, which the
real pass, made beside it, confirms before the PDF is written; a wrong guess is made again from the real
pass. Either way the PDF is, to the byte, the one a build from nothing makes (press.speculation)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from press import api, speculation
from press.errors import Diagnostic, PressError, Reporter
from tests.conftest import EPOCH, MINIMAL, ROOT

#: A pipe table whose longest line Pandoc's column width (72) decides the columns' widths by.
TABLE = """---
title: A Table
---

| a | b |
|---|---|
| short | cell |

A paragraph after the table.
"""


@pytest.fixture(autouse=True)
def source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def edited(manuscript: Path, old: str, new: str) -> None:
    text = manuscript.read_text(encoding="utf-8")
    assert text.count(old) == 1
    manuscript.write_text(text.replace(old, new), encoding="utf-8")


def pdf_of(manuscript: Path, out: Path, reporter: Reporter | None = None) -> bytes:
    api.build(manuscript, out, editions=("pdf",), reporter=reporter)
    return (out / f"{manuscript.stem}.pdf").read_bytes()


def test_a_word_edited_is_built_from_the_guess_once_the_real_pass_confirms_it(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL.parent, tmp_path / "manuscript")
    manuscript = tmp_path / "manuscript" / MINIMAL.name
    before = pdf_of(manuscript, tmp_path / "out")
    edited(manuscript, "A first paragraph cites", "An opening paragraph cites")
    confirmed = speculation.outcomes["confirmed"]
    after = pdf_of(manuscript, tmp_path / "out")
    assert speculation.outcomes["confirmed"] == confirmed + 1
    assert after != before
    assert after == pdf_of(manuscript, tmp_path / "from-nothing")


def test_a_wrong_guess_is_made_again_from_the_real_pass(tmp_path: Path) -> None:
    manuscript = tmp_path / "table.md"
    manuscript.write_text(TABLE, encoding="utf-8")
    pdf_of(manuscript, tmp_path / "out")
    # The line grows past 72 columns: Pandoc gives the columns widths, which the guess cannot know.
    edited(
        manuscript, "| short |", "| a much longer cell text that pushes this line well past the seventy two columns |"
    )
    missed = speculation.outcomes["missed"]
    after = pdf_of(manuscript, tmp_path / "out")
    assert speculation.outcomes["missed"] == missed + 1
    assert after == pdf_of(manuscript, tmp_path / "from-nothing")


def test_the_warnings_of_a_guessed_build_are_given_once(tmp_path: Path) -> None:
    manuscript = tmp_path / "table.md"
    manuscript.write_text(TABLE, encoding="utf-8")  # no `lang`: a warning
    pdf_of(manuscript, tmp_path / "out")
    edited(manuscript, "A paragraph after", "One paragraph after")
    given: list[Diagnostic] = []
    confirmed = speculation.outcomes["confirmed"]
    pdf_of(manuscript, tmp_path / "out", Reporter(echo=given.append))
    assert speculation.outcomes["confirmed"] == confirmed + 1
    assert [warning.message for warning in given].count(next(iter(given)).message) == 1
    assert any("'lang'" in warning.message for warning in given)


def test_an_error_the_edit_makes_stops_the_build_as_without_a_guess(tmp_path: Path) -> None:
    manuscript = tmp_path / "table.md"
    manuscript.write_text(TABLE, encoding="utf-8")
    before = pdf_of(manuscript, tmp_path / "out")
    edited(manuscript, "A paragraph after", "A paragraph \U0001e922 after")  # Adlam: no font sets it
    confirmed = speculation.outcomes["confirmed"]
    with pytest.raises(PressError, match="U\\+1E922"):
        pdf_of(manuscript, tmp_path / "out")
    assert speculation.outcomes["confirmed"] == confirmed + 1
    assert (tmp_path / "out" / "table.pdf").read_bytes() == before


def test_builds_side_by_side_each_go_on_with_the_guess_and_one_makes_the_real_pass(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL.parent, tmp_path / "manuscript")
    manuscript = tmp_path / "manuscript" / MINIMAL.name
    out, fresh = tmp_path / "out", tmp_path / "from-nothing"
    api.build(manuscript, out, editions=("pdf", "html"))
    edited(manuscript, "A first paragraph cites", "An opening paragraph cites")
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    command = [sys.executable, str(ROOT / "build.py")]
    side_by_side = [
        subprocess.Popen([*command, edition, "--manuscript", str(manuscript), "--out", str(out)], env=environment)
        for edition in ("pdf", "html")
    ]
    assert [process.wait() for process in side_by_side] == [0, 0]
    api.build(manuscript, fresh, editions=("pdf", "html"))
    for name in ("minimal.pdf", "minimal.html"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    assert len(list((out / ".cache").glob("pandoc-*.json"))) == 1, "one real pass, kept once"
