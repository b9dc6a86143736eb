"""A book's website: which divisions share a page, what the pages are called, links between them,
and a folder replaced whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from press.divisions import Division
from press.editions.html import as_page, paginate, relink
from press.errors import PressError, Reporter
from press.markup import inner_html, parse_fragment
from press.output import atomic_folder


def division(identifier: str, title: str = "", kind: str = "chapter") -> Division:
    return Division(kind, identifier, title, None, None, None, None)


def layout(*divisions: Division) -> tuple[list[str], list[tuple[str, list[str]]]]:
    front, pages = paginate(divisions)
    return [item.identifier for item in front], [
        (page.file, [item.identifier for item in page.divisions]) for page in pages
    ]


def test_each_division_with_a_title_has_a_page_named_after_it() -> None:
    assert layout(division("preface", "Preface", "front"), division("one", "One")) == (
        [],
        [("preface.html", ["preface"]), ("one.html", ["one"])],
    )


def test_text_without_a_heading_is_read_with_the_division_after_it_or_at_the_end_the_one_before() -> None:
    opening, middle, closing = division("division-1"), division("division-3"), division("division-5")
    assert layout(opening, division("one", "One"), middle, division("two", "Two"), closing) == (
        [],
        [("one.html", ["division-1", "one"]), ("two.html", ["division-3", "two", "division-5"])],
    )


def test_a_book_without_a_single_title_is_all_on_its_front_page() -> None:
    assert layout(division("division-1"), division("division-2")) == (["division-1", "division-2"], [])


def test_file_names_are_safe_short_and_never_taken_twice() -> None:
    names = [
        file
        for file, _ in layout(
            *(division(identifier, "T") for identifier in ("Intro", "intro", "index", "a/b?c", "日本"))
        )[1]
    ]
    assert names == ["intro.html", "intro-2.html", "index-2.html", "a-b-c.html", "日本.html"]
    long = layout(division("日" * 300, "Long"))[1][0][0]
    assert len(long.encode()) < 255


def test_links_to_other_pages_name_the_page_and_links_within_a_page_stay() -> None:
    fragment = parse_fragment('<a href="#fig-1">Figure 1</a> <a href="#here">here</a> <a href="#nowhere">?</a>')
    relink(fragment, "two.html", {"fig-1": "one.html", "here": "two.html"})
    assert [link.get("href") for link in fragment.iter("a")] == ["one.html#fig-1", "#here", "#nowhere"]


def test_a_division_on_its_own_page_has_its_title_as_the_page_heading() -> None:
    fragment = parse_fragment(
        '<section id="one" data-division="chapter"><h2>One</h2><section><h3>A</h3></section></section>'
    )
    as_page(fragment)
    assert (
        inner_html(fragment) == '<div id="one" data-division="chapter"><h1>One</h1><section><h2>A</h2></section></div>'
    )


def test_a_folder_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "book"
    target.mkdir()
    (target / "old-chapter.html").write_text("old")
    with atomic_folder(target, Reporter()) as folder:
        (folder / "index.html").write_text("new")
        assert (target / "old-chapter.html").is_file(), "the previous folder stands until the new one is complete"
    assert sorted(path.name for path in target.iterdir()) == ["index.html"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["book"], "nothing is left beside it"


def test_a_failed_build_leaves_the_previous_folder(tmp_path: Path) -> None:
    target = tmp_path / "book"
    target.mkdir()
    (target / "index.html").write_text("old")
    with pytest.raises(PressError), atomic_folder(target, Reporter()) as folder:
        (folder / "index.html").write_text("half")
        raise PressError("the build failed")
    assert (target / "index.html").read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["book"]
