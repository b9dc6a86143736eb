"""Where the print pages begin in the EPUB's documents, when the editions order or show text differently."""

from __future__ import annotations

from lxml import etree

from press.pagemap import EPUB_TYPE, XHTML, PrintPages, place_page_breaks


def xhtml(body: str) -> etree._Element:
    return etree.fromstring(
        f'<html xmlns="{XHTML[1:-1]}" xmlns:epub="http://www.idpf.org/2007/ops"><body>{body}</body></html>'
    )


def marker(number: int) -> etree._Element:
    element = etree.Element(f"{XHTML}span", {EPUB_TYPE: "pagebreak", "id": f"page-{number}"})
    element.text = ""
    return element


def pages_of(*texts: str) -> PrintPages:
    letters = ["".join(text.split()) for text in texts]
    starts = [sum(len(text) for text in letters[:index]) for index in range(len(letters))]
    return PrintPages("".join(letters), tuple(starts), 148.0, 210.0)


def test_a_page_found_beyond_the_pages_after_it_gets_no_marker() -> None:
    """The print copyright page's rights also end the EPUB's colophon: that is not where the page begins."""
    rights = "© 2026 The Writer. All rights reserved by the writer of this book."
    chapter = "Chapter One begins here with a sentence long enough to be found on its own page."
    more = "The chapter goes on over a second page, with words that stand nowhere else in the book."
    document = xhtml(f"<p>{chapter}</p><p>{more}</p><p>{rights}</p>")
    breaks = place_page_breaks([document], pages_of(rights, chapter, more), marker)
    assert [page_break.number for page_break in breaks] == [2, 3]


def test_a_blank_page_stands_with_the_next() -> None:
    preface = "The preface says what the book is about, in a few sentences of its own."
    chapter = "The first chapter opens on a right-hand page, after a blank one."
    document = xhtml(f"<p>{preface}</p><p>{chapter}</p>")
    breaks = place_page_breaks([document], pages_of(preface, "", chapter), marker)
    assert [page_break.number for page_break in breaks] == [1, 2, 3]
    second = document.findall(f"{XHTML}body/{XHTML}p")[1]
    assert [element.get("id") for element in second.itersiblings(f"{XHTML}span", preceding=True)][:2] == [
        "page-3",
        "page-2",
    ]


def test_the_separator_print_does_not_show_is_no_letter() -> None:
    heading = '<h2><span class="division-label">Part I</span><span class="division-separator">: </span>Stone</h2>'
    document = xhtml(f"<section>{heading}<p>and Flame, the first part of the book.</p></section>")
    breaks = place_page_breaks([document], pages_of("Part I Stone and Flame, the first part of the book."), marker)
    assert [page_break.number for page_break in breaks] == [1]


def test_a_page_that_begins_inside_a_formula_begins_before_it() -> None:
    """No HTML may stand inside MathML: the marker of a page whose first letter is in a formula goes before it."""
    first = "The first page ends with a sentence of its own, long enough to be found."
    math = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow><mi>x</mi><mi>y</mi></mrow></math>'
    document = xhtml(f"<p>{first}</p><div class='formula'>{math}</div><p>And the rest of the second page.</p>")
    breaks = place_page_breaks([document], pages_of(first, "xy And the rest of the second page."), marker)
    assert [page_break.number for page_break in breaks] == [1, 2]
    second_page = document.find(f".//{XHTML}span[@id='page-2']")
    assert second_page is not None and not document.findall(".//{http://www.w3.org/1998/Math/MathML}math//*[@id]")
    assert etree.QName(second_page.getnext()).localname in ("math", "div"), "the marker stands just before the formula"
