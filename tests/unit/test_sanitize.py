"""The sanitiser on small pieces of markup: what it refuses, removes and keeps."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from lxml import etree

from press import sanitize
from press.cli import print_diagnostic
from press.errors import CombinedError, Location, PressError, Reporter
from press.markup import inner_html, parse_fragment

HERE = Location(Path("book.md"), 1)


def locate(written: str, occurrence: int = 0) -> Location:
    return HERE


def is_image_file(url: str) -> bool:
    return sanitize.url_scheme(url) is None


def cleaned(markup: str, remove: bool = False) -> str:
    fragment = parse_fragment(markup)
    sanitize.refuse_active_content(
        fragment, locate, is_image_file, remove=remove, reporter=Reporter(echo=print_diagnostic)
    )
    return inner_html(fragment)


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("  JavaScript:alert(1)", "javascript"),
        ("java\tscript:alert(1)", "javascript"),
        ("\x01javascript:x", "javascript"),
        ("VBScript:msgbox", "vbscript"),
        ("data:text/html,x", "data"),
        ("https://example.org/a:b", "https"),
        ("images/a:b.png", None),
        ("#fn1", None),
        ("//example.org", None),
    ],
)
def test_url_scheme_is_read_as_a_browser_reads_it(url: str, scheme: str | None) -> None:
    assert sanitize.url_scheme(url) == scheme


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<a href="file:///etc/passwd">x</a>',
        '<map name="m"><area href="javascript:x()" alt="a"></map>',
        '<svg><a xlink:href="javascript:x()"><text>t</text></a></svg>',
        '<math href="javascript:x()"><mi>x</mi></math>',
        '<blockquote cite="javascript:x()">q</blockquote>',
        '<iframe src="https://example.org"></iframe>',
        '<object data="x.swf"></object>',
        '<embed src="x.swf">',
        '<form action="https://example.org"><input type="text"></form>',
        '<button formaction="javascript:x()">b</button>',
        '<meta http-equiv="refresh" content="0;url=javascript:x()">',
        '<base href="https://example.org/">',
        '<link rel="stylesheet" href="style.css">',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">',
        '<img src="https://example.org/x.png" alt="remote">',
        '<p style="background: url(https://example.org/x.png)">x</p>',
        "<style>@import 'https://example.org/x.css';</style>",
        '<p style="width: expression(alert(1))">x</p>',
        "<svg><foreignObject><p>x</p></foreignObject></svg>",
        '<svg><image href="https://example.org/x.png"></image></svg>',
    ],
)
def test_active_content_is_refused(markup: str) -> None:
    with pytest.raises(PressError, match="is refused"):
        cleaned(f"<p>Text.</p>{markup}")


def test_an_element_html_does_not_know_is_left_out_keeping_what_it_holds(capsys: pytest.CaptureFixture[str]) -> None:
    """Another tool's component (`<Note>`) or a custom element does nothing without code: its words stay."""
    markup = '<note type="tip"><p>Kept <b>words</b>.</p></note><p><custom-element>x</custom-element></p>'
    assert cleaned(markup) == "<p>Kept <b>words</b>.</p><p>x</p>"
    assert capsys.readouterr().err.splitlines() == [
        "book.md:1: warning: <note> is no HTML element: the editions leave it out and keep what it holds",
        "book.md:1: warning: <custom-element> is no HTML element: the editions leave it out and keep what it holds",
    ]


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="https://example.org/page?q=1#x">web</a>',
        '<a href="mailto:someone@example.org">mail</a>',
        '<a href="#fn1">note</a>',
        '<a href="other.html">relative</a>',
        '<img src="images/figure.png" alt="figure">',
        '<ul class="task-list"><li><label><input type="checkbox" checked="">done</label></li></ul>',
        "<math><mfrac><mi>a</mi><mi>b</mi></mfrac></math>",
        '<svg viewBox="0 0 10 10"><defs><linearGradient id="g"></linearGradient></defs>'
        '<rect fill="url(#g)" width="10" height="10"></rect></svg>',
        '<p style="color: red">styled</p>',
    ],
)
def test_inert_markup_is_kept(markup: str) -> None:
    assert cleaned(markup) == parse_fragment_roundtrip(markup)


def parse_fragment_roundtrip(markup: str) -> str:
    return inner_html(parse_fragment(markup))


def test_scripts_and_handlers_are_removed_with_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    result = cleaned('<p onclick="x()">Click</p><script>alert(1)</script><svg onload="y()"></svg>')
    assert "onclick" not in result and "<script" not in result and "onload" not in result
    assert "Click" in result
    warnings = capsys.readouterr().err
    assert "removed <script>" in warnings and "removed onclick=" in warnings and "removed onload=" in warnings


def test_comments_are_dropped_and_their_tail_kept() -> None:
    result = cleaned("<p>before<!--[if IE]><script>alert(1)</script><![endif]--> after</p><!-- <b>x</b> -->")
    assert result == "<p>before after</p>"


def test_remove_takes_out_what_would_be_refused(capsys: pytest.CaptureFixture[str]) -> None:
    result = cleaned(
        '<p><a href="javascript:x()">link</a> <iframe src="x"></iframe>tail</p>',
        remove=True,
    )
    assert result == "<p><a>link</a> tail</p>"
    warnings = capsys.readouterr().err
    assert "removed the link 'javascript:x()'" in warnings and "removed <iframe>" in warnings


def test_a_refusal_says_where_and_why() -> None:
    with pytest.raises(PressError) as raised:
        cleaned('<a href="javascript:alert(1)">x</a>')
    assert (
        str(raised.value)
        == "book.md:1: error: the link 'javascript:alert(1)' is refused: editions carry no javascript: links"
    )


SVG = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<?xml-stylesheet href="http://example.org/x.css"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"
     onload="alert(1)" xml:base="http://example.org/">
  <!-- <script>hidden()</script> -->
  <script>alert(2)</script>
  <style>@import url(http://example.org/a.css); rect { fill: url(http://example.org/p.svg#p) }
  circle { fill: url(#g) }</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
  <image xlink:href="file:///etc/hostname" width="1" height="1"/>
  <image href="http://127.0.0.1:9/x.png" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="1" height="1"/>
  <use href="#g"/>
  <a xlink:href="javascript:alert(3)"><text>&secret;</text></a>
  <rect width="10" height="10" onclick="alert(4)" filter="url(http://example.org/f.svg#f)"/>
  <set attributeName="href" to="javascript:alert(5)"/>
  <animate attributeName="opacity" values="0;1" dur="1s"/>
  <circle r="1" style="fill: url(#g); background: url('http://example.org/b.png')"/>
</svg>
"""


def test_svg_images_keep_only_what_stays_inside_them() -> None:
    result = sanitize.clean_svg(SVG, lambda data: None)
    text = result.data.decode("utf-8")
    for gone in (
        "script",
        "alert",
        "foreignObject",
        "example.org",
        "127.0.0.1",
        "file:",
        "DOCTYPE",
        "ENTITY",
        "secret",
        "xml-stylesheet",
        "xml:base",
        "onload",
        "onclick",
        "@import",
        "image/svg+xml",
        "hidden",
    ):
        assert gone not in text, gone
    for kept in ('href="#g"', "url(#g)", "data:image/png;base64", "<animate", "linearGradient"):
        assert kept in text, kept
    assert etree.fromstring(result.data).tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script>" in result.removed and "<foreignObject>" in result.removed and "onclick=" in result.removed
    assert "<!DOCTYPE>" in result.removed


def test_an_inline_image_that_fails_its_check_is_removed() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,iVBORw0KGgo="/></svg>'
    result = sanitize.clean_svg(svg, lambda data: "too many pixels")
    assert b"data:" not in result.data and result.removed == ["an inline image (too many pixels)"]


def test_a_clean_svg_is_left_alone() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>'
    assert sanitize.clean_svg(svg).removed == []


def test_describe_removed() -> None:
    assert sanitize.describe_removed(["<script>"]) == "<script>"
    assert sanitize.describe_removed(["a", "b", "c"]) == "a, b and c"


def test_weasyprint_messages_name_image_files_not_data_urls() -> None:
    from press.printlayout import ImageNames

    url = "data:image/svg+xml;base64," + "A" * 600
    record = logging.LogRecord("weasyprint", logging.ERROR, "x", 1, "Failed to render SVG image %s", (url,), None)
    ImageNames({url: "images/figure.svg"}).filter(record)
    assert record.getMessage() == "Failed to render SVG image images/figure.svg"
    other = logging.LogRecord(
        "weasyprint", logging.ERROR, "x", 1, "Failed to load image at %r", ("data:x;base64,AAA",), None
    )
    ImageNames({}).filter(other)
    assert other.getMessage() == "Failed to load image at 'an inline image'"


@pytest.mark.parametrize("url", ["https://javascript:alert(3)", "http://", "https://[::1"])
def test_a_link_that_is_no_url_is_refused(url: str) -> None:
    with pytest.raises(PressError, match="it is not a valid URL"):
        cleaned(f'<a href="{url}">x</a>')


def test_markup_is_found_where_it_is_written() -> None:
    text = '---\ntitle: x onclick y\n---\nText <img src="x"> and [x](x) <IFrame>\n'
    locate = sanitize.text_locator([(Path("book.md"), text, text.index("Text"))])
    assert locate("x") == Location(Path("book.md"), 4, 16), "as an attribute's value first"
    assert locate("<iframe") == Location(Path("book.md"), 4, 32), "a tag in any case, at its name"
    assert locate("onclick=") == Location(Path("book.md")), "not in the front matter"
    assert locate("TEXT") == Location(Path("book.md"), 4, 1), "in any case last"


def test_a_tag_in_a_book_is_found_as_markup_in_its_own_chapter_not_as_a_word_of_an_earlier_one() -> None:
    """`<script>` was placed at the 'script' of 'manuscript', `<link>` at the 'clink' of glasses, in an earlier
    chapter; and markup shown as code is not the element's place."""
    first = "# One\n\nThis manuscript is short. The clink of glasses.\n\nWrite `<link>` or:\n\n    <script>\n"
    second = '# Two\n\n<script>alert(1)</script>\n\n<LINK rel="stylesheet" href="x.css">\n'
    locate = sanitize.text_locator([(Path("01.md"), first, 0), (Path("02.md"), second, 0)])
    assert locate("<script") == Location(Path("02.md"), 3, 2)
    assert locate("<link") == Location(Path("02.md"), 5, 2)
    assert locate("onclick=") == Location(Path("01.md")), "nowhere: the first file"


def test_the_same_markup_written_twice_is_found_at_each_place() -> None:
    text = "![one](https://example.org/a.png)\n\n`![code](https://example.org/a.png)`\n\n![again](https://example.org/a.png)\n"
    locate = sanitize.text_locator([(Path("book.md"), text, 0)])
    url = "https://example.org/a.png"
    assert [locate(url, occurrence) for occurrence in range(3)] == [
        Location(Path("book.md"), 1, 8),
        Location(Path("book.md"), 5, 10),
        Location(Path("book.md"), 5, 10),
    ]


def test_every_refusal_is_reported_at_once_and_what_is_refused_taken_out() -> None:
    """A text with three remote images needed three builds to find them; a refused image left behind was then
    reported missing by `check` (its URL read as a path)."""
    fragment = parse_fragment(
        '<p><img src="https://example.org/a.png" alt="one"></p><p><iframe src="x"></iframe>'
        '<img src="https://example.org/b.png" alt="two"></p><p><img src="images/kept.png" alt="kept"></p>'
    )
    with pytest.raises(CombinedError) as raised:
        sanitize.refuse_active_content(fragment, locate, is_image_file, reporter=Reporter())
    assert [problem.message.split(" is refused")[0] for problem in raised.value.problems] == [
        "loading 'https://example.org/a.png'",
        "<iframe>",
        "loading 'https://example.org/b.png'",
    ]
    assert inner_html(fragment) == '<p></p><p></p><p><img src="images/kept.png" alt="kept"></p>'


@pytest.mark.parametrize("url", ["//host/share", "\\\\host\\share", " //host"])
def test_a_link_to_another_host_without_a_scheme_is_refused(url: str) -> None:
    with pytest.raises(PressError, match="a link to another host needs a scheme"):
        cleaned(f'<a href="{url}">x</a>')


def test_remove_takes_out_an_element_once_with_what_it_holds(capsys: pytest.CaptureFixture[str]) -> None:
    assert cleaned('<div>a<form action="x"><input type="text"></form>b</div>', remove=True) == "<div>ab</div>"
    assert capsys.readouterr().err.count("removed") == 1


def test_the_pdf_keeps_links_to_other_files_as_text() -> None:
    from press.printpage import _unlink_other_files

    page = (
        '<html><body><p><a href="other.html">o</a> <a href="#n">n</a> <a href="https://e.org">e</a></p></body></html>'
    )
    assert '<a>o</a> <a href="#n">n</a> <a href="https://e.org">e</a>' in _unlink_other_files(page)
    assert _unlink_other_files('<p><a href="#n">n</a></p>') == '<p><a href="#n">n</a></p>'
