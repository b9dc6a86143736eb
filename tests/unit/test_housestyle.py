"""A title's additions to the house style: read after the house's, confined, loading nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from press import STYLES_DIR
from press.context import BuildContext
from press.errors import PressError
from press.housestyle import read_stylesheets, stylesheets
from press.inputs import depfile


def test_a_titles_additions_follow_every_house_stylesheet_of_the_edition(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "print.css").write_text("h2 { color: red; }\n")
    (tmp_path / "styles" / "common.css").write_text("p { margin: 0; }\n")
    (tmp_path / "styles" / "screen.css").write_text("h2 { color: blue; }\n")
    assert stylesheets(("common.css", "print.css"), tmp_path) == [
        STYLES_DIR / "common.css",
        STYLES_DIR / "print.css",
        tmp_path / "styles" / "common.css",
        tmp_path / "styles" / "print.css",
    ]


def test_every_addition_a_title_could_have_is_recorded_for_make(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "screen.css").write_text("h2 { color: blue; }\n")
    context = BuildContext(tmp_path / "out")
    read_stylesheets(("common.css", "screen.css"), tmp_path, context)
    assert context.files_read == {tmp_path / "styles" / "screen.css"}
    assert context.files_looked_for == {tmp_path / "styles" / "common.css", tmp_path / "styles" / "screen.css"}
    rules = depfile(tmp_path / "out" / "a.html", context.files_read, context.files_looked_for)
    assert f"{tmp_path}/out/a.html: $(wildcard {tmp_path}/styles/common.css {tmp_path}/styles/screen.css)" in rules


@pytest.mark.parametrize(
    ("css", "what", "place"),
    [
        ('@import "other.css";\n', "@import", ":1:1"),
        ("h2 {\n  background: url(tile.png);\n}\n", "url()", ":2:15"),
        ('@media print {\n  h2 { background: url("https://example.org/x.png"); }\n}\n', "url()", ":2:20"),
        ('p { background: image-set("a.png" 1x); }\n', "image-set()", ":1:17"),
    ],
)
def test_a_titles_stylesheet_that_loads_a_file_is_refused_with_its_place(
    tmp_path: Path, css: str, what: str, place: str
) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "print.css").write_text(css)
    with pytest.raises(PressError, match=re.escape(f"may not load files ({what})")) as raised:
        read_stylesheets(("print.css",), tmp_path, BuildContext(tmp_path / "out"))
    assert str(raised.value.location).endswith(f"styles/print.css{place}")


def test_a_titles_stylesheet_outside_its_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.css").write_text("h2 { color: red; }\n")
    book = tmp_path / "book"
    (book / "styles").mkdir(parents=True)
    (book / "styles" / "print.css").symlink_to(tmp_path / "elsewhere.css")
    with pytest.raises(PressError, match="lies outside the manuscript's folder"):
        read_stylesheets(("print.css",), book, BuildContext(tmp_path / "out"))
