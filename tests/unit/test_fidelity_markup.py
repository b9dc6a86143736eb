"""Pandoc's notes found by structure, `<a name>` anchors as identifiers, lists numbered as written."""

from __future__ import annotations

from lxml import etree

from press.markup import (
    as_phrasing,
    inner_html,
    name_anchors_as_identifiers,
    pandoc_notes_section,
    parse_fragment,
    rename_identifiers,
    start_lists_as_written,
    unique_identifiers,
)

PANDOC_NOTES = (
    '<section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes">'
    '<hr /><ol><li id="fn1"><p>A note.</p></li></ol></section>'
)
AUTHORS_SECTION = '<section id="footnotes" class="level2"><h2>Footnotes</h2><p>Text.</p></section>'


def test_the_notes_are_pandocs_trailing_section_not_the_authors_footnotes() -> None:
    fragment = parse_fragment(AUTHORS_SECTION + PANDOC_NOTES)
    section = pandoc_notes_section(fragment)
    assert section is not None
    assert section.get("role") == "doc-endnotes"
    assert section is fragment[-1]


def test_an_authors_section_headed_footnotes_is_never_the_notes() -> None:
    assert pandoc_notes_section(parse_fragment(AUTHORS_SECTION)) is None
    # Not even one written in raw HTML like Pandoc's, when text follows it.
    assert pandoc_notes_section(parse_fragment(PANDOC_NOTES + "<p>After.</p>")) is None


def test_name_anchors_become_identifiers() -> None:
    fragment = parse_fragment('<p><a name="software"></a>Text <a name="taken"></a><span id="taken"></span></p>')
    name_anchors_as_identifiers(fragment)
    assert inner_html(fragment) == '<p><a id="software"></a>Text <a></a><span id="taken"></span></p>'


def test_an_anchor_with_an_id_keeps_it_and_its_name_becomes_a_span() -> None:
    fragment = parse_fragment('<p>See <a id="own" name="other" href="#x">this</a>.</p>')
    name_anchors_as_identifiers(fragment)
    assert inner_html(fragment) == '<p>See <span id="other"></span><a id="own" href="#x">this</a>.</p>'


def test_a_name_that_cannot_be_an_identifier_is_only_taken_off() -> None:
    fragment = parse_fragment('<p><a name="two words"></a><a name=""></a></p>')
    name_anchors_as_identifiers(fragment)
    assert inner_html(fragment) == "<p><a></a><a></a></p>"


def test_lists_start_where_written_for_print() -> None:
    fragment = parse_fragment('<ol start="7" type="1"><li>a</li></ol><ol style="color: red;" start="2"></ol><ol></ol>')
    start_lists_as_written(fragment)
    assert [ordered_list.get("style") for ordered_list in fragment.iter("ol")] == [
        "counter-reset: list-item 6",
        "color: red; counter-reset: list-item 1",
        None,
    ]


def test_a_list_in_a_note_keeps_its_start_and_style() -> None:
    note = parse_fragment('<p>A note:</p><ol start="3" type="i"><li>three</li></ol><ol type="1"><li>one</li></ol>')
    as_phrasing(note, "footnote")
    lists = [element for element in note.iter() if "footnote-ol" in element.get("class", "").split()]
    assert [(element.tag, dict(element.attrib)) for element in lists] == [
        (
            "span",
            {
                "class": "footnote-block footnote-ol",
                "style": "counter-reset: footnote-item 2",
                "data-list-style": "lower-roman",
            },
        ),
        ("span", {"class": "footnote-block footnote-ol"}),
    ]
    assert etree.tostring(note, encoding="unicode").count("<span") == 5


def test_empty_elements_libxml2_does_not_know_stay_empty() -> None:
    fragment = parse_fragment('<p>a<wbr>b <video><source src="v.webm"><track src="t.vtt">Fallback</video> <i>c</i></p>')
    assert [element.text for element in fragment.iter("wbr", "source", "track")] == [None, None, None]
    assert inner_html(fragment) == (
        '<p>a<wbr>b <video><source src="v.webm"><track src="t.vtt">Fallback</video> <i>c</i></p>'
    )
    assert inner_html(fragment, method="xml") == (
        '<p>a<wbr/>b <video><source src="v.webm"/><track src="t.vtt"/>Fallback</video> <i>c</i></p>'
    )


def test_a_note_block_loses_the_line_breaks_of_the_markup_but_not_its_code() -> None:
    note = parse_fragment(
        "<p>First.</p>\n<dl>\n<dt>Term</dt>\n<dd>\nDefinition.\n</dd>\n</dl>\n"
        '<div class="line-block">one,<br>\n\u00a0\u00a0two.</div>\n<pre><code>  kept\n  as is\n</code></pre>\n'
    )
    as_phrasing(note, "footnote")
    assert inner_html(note) == (
        '<span class="footnote-run">First.</span>'
        '<span class="footnote-block footnote-dl"><span class="footnote-block footnote-dt">Term</span>'
        '<span class="footnote-block footnote-dd">Definition.</span></span>'
        '<span class="footnote-block footnote-div line-block">one,<br>\u00a0\u00a0two.</span>'
        '<span class="footnote-block footnote-pre"><code>  kept\n  as is\n</code></span>'
    )


def test_identifiers_the_templates_use_are_renamed_with_the_links_to_them() -> None:
    fragment = parse_fragment(
        '<section id="notes"><h2>Notes</h2><p><a href="#notes">here</a> <a href="#other">there</a></p></section>'
        '<p id="notes-1">Taken.</p><p id="title">A heading called Title.</p>'
    )
    rename_identifiers(fragment, frozenset(("notes", "title", "colophon")))
    assert [element.get("id") for element in fragment.iter() if element.get("id")] == ["notes-2", "notes-1", "title-1"]
    assert [link.get("href") for link in fragment.iter("a")] == ["#notes-2", "#other"]


def test_an_identifier_given_again_is_made_unique_and_links_lead_to_the_first() -> None:
    fragment = parse_fragment(
        '<div id="x"><h2 id="x">X</h2></div><hr id="x"><p id="x-2">Taken.</p><a href="#x">link</a>'
    )
    assert unique_identifiers(fragment) == [("x", "x-3"), ("x", "x-4")]
    assert [element.get("id") for element in fragment.iter() if element.get("id")] == ["x", "x-3", "x-4", "x-2"]
    assert fragment.find("a").get("href") == "#x"


def test_the_identifier_the_author_gave_is_kept_beside_one_pandoc_made_from_a_heading() -> None:
    fragment = parse_fragment(
        '<section id="introduction"><h2>Introduction</h2></section><div id="introduction">Named.</div>'
        '<svg><defs><clipPath id="a"></clipPath></defs><rect clip-path="url(#a)"></rect></svg>'
        '<svg><defs><clipPath id="a"></clipPath></defs><rect clip-path="url(#a)"></rect><use href="#a"></use></svg>'
    )
    assert unique_identifiers(fragment) == [("introduction", "introduction-2"), ("a", "a-2")]
    assert fragment.find("div").get("id") == "introduction"
    second = fragment.findall("svg")[1]
    assert second.find(".//clippath").get("id") == "a-2" and second.find("rect").get("clip-path") == "url(#a-2)"
    assert second.find("use").get("href") == "#a-2"
    assert fragment.find("svg").find("rect").get("clip-path") == "url(#a)", "the first image keeps its own"
