"""What the print edition sets around a book's text: page labels, lists of figures and tables, the notes' head."""

from __future__ import annotations

from press.markup import parse_fragment
from press.printbook import around_page_numbers, captioned, page_labels


def test_front_matter_pages_are_roman_and_the_text_starts_at_1() -> None:
    assert page_labels(7, 4) == ["i", "ii", "iii", "iv", "1", "2", "3"]
    assert page_labels(3, 0) == ["1", "2", "3"]
    assert page_labels(2, None) == ["i", "ii"]


def test_figures_and_tables_are_listed_with_their_labels_and_captions() -> None:
    body = parse_fragment(
        '<figure id="fig-a"><img src="a.png" alt="A"><figcaption><span class="caption-label">Figure 1:</span>'
        " A <em>tower</em>.</figcaption></figure>"
        '<figure class="table-figure" id="tbl-b"><figcaption><span class="caption-label">Table 1:</span> Towers'
        "</figcaption><table><tr><td>1</td></tr></table></figure>"
        '<figure><img src="c.png" alt="C"><figcaption>Unlabelled</figcaption></figure>'
        '<figure><img src="d.png" alt="D"></figure>'
        '<figure class="listing" id="lst-e"><pre><code>ls</code></pre><figcaption>'
        '<span class="caption-label">Listing 1:</span> Files</figcaption></figure>'
    )
    figures = list(captioned(body, tables=False))
    assert [(figure.identifier, figure.label, figure.caption) for figure in figures] == [
        ("fig-a", "Figure 1", "A tower."),
        ("captioned-3", "", "Unlabelled"),
    ], "a code listing is in neither list"
    assert body.find_class("caption-label"), "the text keeps its captions' labels"
    assert [(table.identifier, table.label, table.caption) for table in captioned(body, tables=True)] == [
        ("tbl-b", "Table 1", "Towers")
    ]


def test_the_notes_running_head_is_cut_around_its_page_numbers() -> None:
    assert around_page_numbers("Notes to pages {first}–{last}") == ("Notes to pages ", "–", "")
    assert around_page_numbers("Anmerkungen zu den Seiten {first}–{last}") == ("Anmerkungen zu den Seiten ", "–", "")
