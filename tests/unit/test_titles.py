"""A press's list: which folders are titles, what a list file may say, and Make's fragment of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from press.errors import PressError
from press.titles import make_fragment, read_issue, read_list


def write(path: Path, text: str = "---\ntitle: T\n---\n\nText.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_of_titles_holds_manuscripts_single_titles_and_books(tmp_path: Path) -> None:
    top = write(tmp_path / "sample.md")
    single = write(tmp_path / "essay" / "field-notes.md")
    write(tmp_path / "book" / "book.yaml", "title: A Book\n")
    write(tmp_path / "book" / "01-one.md")
    write(tmp_path / "book" / "02-two.md")
    main_file = write(tmp_path / "walks" / "walks.md", "---\ntitle: Walks\nchapters: [preface.md, one.md]\n---\n")
    write(tmp_path / "walks" / "preface.md")
    write(tmp_path / "walks" / "one.md")
    (tmp_path / "images").mkdir()
    write(tmp_path / ".hidden" / "draft.md")
    titles = read_list(tmp_path).titles
    assert [(title.name, title.source, title.folder) for title in titles] == [
        ("sample", top, tmp_path),
        ("book", tmp_path / "book", tmp_path / "book"),
        ("field-notes", single, tmp_path / "essay"),
        ("walks", main_file, tmp_path / "walks"),
    ]


def test_a_folder_of_manuscripts_none_of_which_lists_chapters_is_said(tmp_path: Path) -> None:
    write(tmp_path / "drafts" / "one.md")
    write(tmp_path / "drafts" / "two.md")
    with pytest.raises(PressError, match="a folder of several manuscripts is a title when one of them lists"):
        read_list(tmp_path)


def test_a_list_file_names_the_titles_in_its_order_and_describes_the_catalogue(tmp_path: Path) -> None:
    write(tmp_path / "b" / "b.md")
    write(tmp_path / "a" / "a.md")
    write(tmp_path / "loose.md")
    write(tmp_path / "issue.yaml", "title: Review\n")
    write(
        tmp_path / "list.yaml",
        "title: The Press\nlang: de\nurl: https://example.org/books/\ntitles: [b, a, loose.md]\nissues: [issue.yaml]\n",
    )
    found = read_list(tmp_path)
    assert found.file == tmp_path / "list.yaml"
    assert [title.name for title in found.titles] == ["b", "a", "loose"]
    assert (found.title, found.lang, found.url, found.issues) == (
        "The Press",
        "de",
        "https://example.org/books/",
        (tmp_path / "issue.yaml",),
    )
    assert read_list(tmp_path / "list.yaml") == found


def test_a_list_file_without_titles_takes_every_title_of_its_folder(tmp_path: Path) -> None:
    write(tmp_path / "a" / "a.md")
    write(tmp_path / "list.yaml", "title: The Press\n")
    assert [title.name for title in read_list(tmp_path).titles] == ["a"]


def test_every_problem_of_a_list_file_is_said_with_its_line(tmp_path: Path) -> None:
    write(tmp_path / "a" / "a.md")
    write(tmp_path / "list.yaml", "title: The Press\ntitels: [a]\ntitles: [a, missing]\nissues: [gone.yaml]\n")
    with pytest.raises(PressError) as raised:
        read_list(tmp_path)
    assert [str(problem.location) for problem in raised.value.problems] == [
        f"{tmp_path}/list.yaml:2",
        f"{tmp_path}/list.yaml:3",
        f"{tmp_path}/list.yaml:4",
    ]
    messages = " | ".join(problem.message for problem in raised.value.problems)
    assert "did you mean 'titles'?" in messages
    assert "'missing' is neither a .md manuscript nor a folder holding one" in messages
    assert "issue file not found: gone.yaml" in messages


def test_two_titles_of_one_name_a_reserved_name_and_an_unplain_name_are_refused(tmp_path: Path) -> None:
    write(tmp_path / "one" / "essay.md")
    write(tmp_path / "two" / "essay.md")
    write(tmp_path / "catalogue.md")
    write(tmp_path / "my essay.md")
    with pytest.raises(PressError) as raised:
        read_list(tmp_path)
    messages = [problem.message for problem in raised.value.problems]
    assert any(message.startswith("no title may be named 'catalogue'") for message in messages)
    assert any(message.startswith("the title 'my essay' needs a plain name") for message in messages)
    assert any(message.startswith("two titles are named 'essay'") for message in messages)


def test_selecting_an_unknown_title_suggests_the_closest(tmp_path: Path) -> None:
    write(tmp_path / "harbour-lights" / "harbour-lights.md")
    with pytest.raises(PressError, match="no title named 'harbor-lights' in the list; did you mean harbour-lights"):
        read_list(tmp_path).select(["harbor-lights"])


def test_make_fragment_gives_the_titles_their_sources_and_what_it_was_made_from(tmp_path: Path) -> None:
    write(tmp_path / "a" / "a.md")
    write(tmp_path / "b" / "b.md")
    (tmp_path / "images").mkdir()
    lines = make_fragment(read_list(tmp_path), tmp_path, "$(TITLES_MK)").splitlines()
    assert lines[1:-1] == [
        f"TITLES_LIST := {tmp_path}",
        "TITLES := a b",
        f"title.a := {tmp_path}/a/a.md",
        f"title.b := {tmp_path}/b/b.md",
        "ISSUES := ",
    ]
    # A folder that holds no manuscript yet is watched too (it becomes a title with one), and the code.
    assert lines[-1].startswith(f"$(TITLES_MK): {tmp_path} {tmp_path}/a {tmp_path}/b {tmp_path}/images press/")
    assert "press/titles.py" in lines[-1].split()


def test_an_issue_gives_its_articles_the_file_of_their_pages(tmp_path: Path) -> None:
    write(tmp_path / "a" / "a.md")
    write(tmp_path / "issue.yaml", "title: Review\narticles: [a]\n")
    write(tmp_path / "list.yaml", "issues: [issue.yaml]\n")
    lines = make_fragment(read_list(tmp_path), tmp_path, "$(TITLES_MK)").splitlines()
    assert lines[4:8] == [
        "ISSUES := issue",
        f"issue.issue := {tmp_path}/issue.yaml",
        "articles.issue := a",
        "metadata.a := $(OUT)/.issues/a.yaml",
    ]


def test_an_issue_file_names_articles_of_the_list_and_says_every_problem_with_its_line(tmp_path: Path) -> None:
    write(tmp_path / "harbour-lights" / "harbour-lights.md")
    write(tmp_path / "tide-tables" / "tide-tables.md")
    issue = write(tmp_path / "issue-1.yaml", "title: Review\nvolume: 3\narticles: [tide-tables, harbour-lights]\n")
    found = read_issue(issue, read_list(tmp_path))
    assert (found.name, found.title, found.volume, found.first_page) == ("issue-1", "Review", "3", 1)
    assert [title.name for title in found.articles] == ["tide-tables", "harbour-lights"]
    write(issue, "volume: 3\nfirst-page: 0\narticles: [tide-table]\n")
    with pytest.raises(PressError) as raised:
        read_issue(issue, read_list(tmp_path))
    assert [(str(problem.location), problem.message) for problem in raised.value.problems] == [
        (f"{issue}:3", "no title named 'tide-table' in the list; did you mean tide-tables?"),
        (f"{issue}:2", "'first-page' must be a page number, 1 or more"),
        (f"{issue}", "the issue needs a 'title': the journal's"),
    ]
