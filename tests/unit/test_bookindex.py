"""A book's index: marked terms gathered under their headings, by letter, each page once."""

from __future__ import annotations

from press.bookindex import Mark, index_groups, mark_terms, sort_key
from press.markup import parse_fragment

TEXT = (
    '<p>The <span class="index">Pharos</span> and'
    ' <span class="index" data-entry="Eddystone">Smeaton’s tower</span>.</p>'
    '<p><span class="index" data-entry="lamps!Argand">Argand’s lamp</span>, <span class="index">Écrehou</span>,'
    ' <span class="index" data-entry="Eddystone">the rock</span>, <span class="index">1759</span>,'
    ' <span class="index" id="own">eddies</span>, <span class="smallcaps">not marked</span>,'
    ' <span class="index"> </span>.</p>'
)


def test_each_mark_gets_an_identifier_and_its_heading() -> None:
    fragment = parse_fragment(TEXT)
    marks = mark_terms([fragment])
    assert [(mark.heading, mark.subheading) for mark in marks] == [
        ("Pharos", None),
        ("Eddystone", None),
        ("lamps", "Argand"),
        ("Écrehou", None),
        ("Eddystone", None),
        ("1759", None),
        ("eddies", None),
    ]
    assert [mark.identifier for mark in marks][:2] == ["index-mark-1", "index-mark-2"]
    assert marks[-1].identifier == "own", "an identifier the author gave is kept"
    assert [span.get("id") for span in fragment.find_class("index")][:2] == ["index-mark-1", "index-mark-2"]


def test_marks_in_several_fragments_are_numbered_through() -> None:
    marks = mark_terms([parse_fragment('<span class="index">A</span>'), parse_fragment('<span class="index">B</span>')])
    assert [mark.identifier for mark in marks] == ["index-mark-1", "index-mark-2"]


def test_headings_sort_without_case_or_accents_under_their_letters() -> None:
    groups = index_groups(mark_terms([parse_fragment(TEXT)]))
    assert [(group.letter, [entry.heading for entry in group.entries]) for group in groups] == [
        ("", ["1759"]),
        ("E", ["Écrehou", "eddies", "Eddystone"]),
        ("L", ["lamps"]),
        ("P", ["Pharos"]),
    ]
    (lamps,) = groups[2].entries
    assert lamps.marks == () and [(entry.heading, len(entry.marks)) for entry in lamps.subentries] == [("Argand", 1)]
    assert sort_key("“Écrehou”") == "ecrehou"


def test_a_heading_gives_each_page_once() -> None:
    marks = [Mark("a", "Eddystone", None), Mark("b", "Eddystone", None), Mark("c", "Eddystone", None)]
    (group,) = index_groups(marks, {"a": "3", "b": "3", "c": "7"})
    assert [mark.identifier for mark in group.entries[0].marks] == ["a", "c"]
    (unpaged,) = index_groups(marks)
    assert len(unpaged.entries[0].marks) == 3, "before the layout every mark stands"


def test_pages_numbered_one_after_another_make_a_run() -> None:
    marks = [Mark(name, "Eddystone", None) for name in "abcdef"]
    pages = {"a": "3", "b": "4", "c": "5", "d": "7", "e": "8", "f": "10"}
    (group,) = index_groups(marks, pages)
    runs = [(first.identifier, last.identifier) for first, last in group.entries[0].runs]
    assert runs == [("a", "c"), ("d", "e"), ("f", "f")], "3–5, 7–8, 10"


def test_roman_pages_and_the_turn_to_arabic_make_no_run() -> None:
    marks = [Mark(name, "Logbooks", None) for name in "abcd"]
    (group,) = index_groups(marks, {"a": "iv", "b": "v", "c": "1", "d": "2"})
    assert [(first.identifier, last.identifier) for first, last in group.entries[0].runs] == [
        ("a", "a"),
        ("b", "b"),
        ("c", "d"),
    ]
    (unpaged,) = index_groups(marks)
    assert all(first is last for first, last in unpaged.entries[0].runs), "before the layout no page runs"
