"""Tables, code blocks and sized images prepared once for every edition."""

from __future__ import annotations

from press.blocks import prepare_blocks
from press.markup import inner_html, parse_fragment

CAPTIONED = (
    '<table id="tbl:results"><caption><span class="caption-label">Table 1:</span> Results</caption>'
    "<tbody><tr><td>1</td></tr></tbody></table><p>After.</p>"
)


def test_a_table_stands_in_a_figure_with_its_caption_above_a_scrolling_region() -> None:
    fragment = parse_fragment(CAPTIONED)
    prepare_blocks(fragment, "en")
    figure = fragment[0]
    assert (figure.tag, figure.get("class"), figure.get("id")) == ("figure", "table-figure", "tbl:results")
    caption, region = list(figure)
    assert caption.tag == "figcaption" and caption.text_content() == "Table 1: Results"
    assert caption.find("span").get("class") == "caption-label"
    assert region.attrib == {
        "class": "table-scroll",
        "role": "region",
        "tabindex": "0",
        "aria-labelledby": "tbl:results-caption",
    }
    table = region[0]
    assert table.tag == "table" and table.get("id") is None and table.find("caption") is None
    assert fragment[1].tag == "p", "what followed the table still follows it"


def test_a_table_without_caption_is_a_region_named_by_its_number_in_the_language() -> None:
    fragment = parse_fragment("<table><tr><td>1</td></tr></table><table><tr><td>2</td></tr></table>")
    prepare_blocks(fragment, "de")
    assert [region.get("aria-label") for region in fragment.find_class("table-scroll")] == ["Tabelle 1", "Tabelle 2"]
    assert [figure.find("figcaption") for figure in fragment.iter("figure")] == [None, None]


def test_preparing_twice_changes_nothing_more() -> None:
    fragment = parse_fragment(CAPTIONED)
    prepare_blocks(fragment, "en")
    once = inner_html(fragment)
    prepare_blocks(fragment, "en")
    assert inner_html(fragment) == once


def test_code_blocks_scroll_from_the_keyboard_and_line_anchors_are_hidden() -> None:
    fragment = parse_fragment(
        '<div class="sourceCode" id="cb1"><pre class="sourceCode numberSource python numberLines">'
        '<code class="sourceCode python"><span id="cb1-1"><a href="#cb1-1"></a>'
        '<span class="kw">pass</span></span></code></pre></div>'
    )
    prepare_blocks(fragment, "en")
    block = fragment.find(".//pre")
    assert block.get("tabindex") == "0"
    anchor = block.find(".//a")
    assert (anchor.get("aria-hidden"), anchor.get("tabindex")) == ("true", "-1")


def test_size_attributes_become_styles() -> None:
    fragment = parse_fragment(
        '<p><img src="a.png" alt="a" width="24"> <img src="b.png" alt="b" style="width:50%" height="30">'
        ' <img src="c.png" alt="c" width="10" style="width: 2em"></p>'
    )
    prepare_blocks(fragment, "en")
    assert [image.get("style") for image in fragment.iter("img")] == [
        "width: 24px",
        "width:50%; height: 30px",
        "width: 2em",
    ]


def test_a_summary_holds_its_line_without_a_paragraph() -> None:
    """`<summary>` on its own lines around `Hint`: Pandoc makes a paragraph of it, which HTML does not allow."""
    fragment = parse_fragment("<details><summary><p>Hint</p></summary><p>The answer.</p></details>")
    prepare_blocks(fragment, "en")
    assert inner_html(fragment) == "<details><summary>Hint</summary><p>The answer.</p></details>"


def test_a_caption_repeating_the_alt_text_stays_hidden_unless_the_keyboard_reaches_into_it() -> None:
    """Pandoc hides a caption that repeats its image's alternative text; one holding a link or a
    note call is shown to assistive technology again, which may then follow what the keyboard reaches."""
    fragment = parse_fragment(
        '<figure><img src="a.png" alt="A plain square"><figcaption aria-hidden="true">A plain square'
        "</figcaption></figure>"
        '<figure><img src="b.png" alt="A square (CC BY, https://example.com/)"><figcaption aria-hidden="true">'
        'A square (CC BY, <a href="https://example.com/" class="uri">https://example.com/</a>)</figcaption></figure>'
        '<figure><img src="c.png" alt="A noted square"><figcaption aria-hidden="true">A noted square'
        '<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a></figcaption></figure>'
    )
    prepare_blocks(fragment, "en")
    assert [caption.get("aria-hidden") for caption in fragment.iter("figcaption")] == ["true", None, None]


def test_a_cells_opening_and_closing_spaces_are_taken_off_and_what_it_shows_kept() -> None:
    fragment = parse_fragment(
        "<table><tr><th>\nName\n</th><td> <em>Alpha</em> and beta \n</td>"
        '<td style="white-space: pre">  kept  </td><td>\u00a0\u00a0Subtotal</td></tr></table>'
    )
    prepare_blocks(fragment, "en")
    cells = [inner_html(cell) for cell in fragment.iter("th", "td")]
    assert cells == ["Name", "<em>Alpha</em> and beta", "  kept  ", "\u00a0\u00a0Subtotal"], "a no-break space is text"
