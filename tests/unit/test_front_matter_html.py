"""The front matter as Pandoc rendered it, taken out of the text; the table of contents; the XMP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from press.contents import contents
from press.errors import Reporter
from press.front import parsed, take_front_matter
from press.markup import inner_html, parse_fragment
from press.metadata import Metadata, load_metadata, read_manuscript
from press.xmp import front_matter_xmp

FILTER_OUTPUT = (
    '<div id="press-front-matter">'
    '<div data-field="title"><div class="html">Ca<sup>2+</sup> <em>Waves</em></div>'
    '<div class="plain">Ca²⁺ Waves</div></div>'
    '<div data-field="abstract"><div class="html"><p>One <em>line</em>.</p><p>Two<br>lines.</p></div>'
    '<div class="plain">One line.\n\nTwo\nlines.</div></div>'
    '<div data-field="author"><div class="html">Jo <strong>Doe</strong></div><div class="plain">Jo Doe</div></div>'
    "</div><p>The text.</p>"
)


def metadata(tmp_path: Path) -> Metadata:
    path = tmp_path / "paper.md"
    path.write_text(
        "---\ntitle: Ca^2+^ *Waves*\nauthor:\n  - name: Jo **Doe**\n    orcid: 0000-0002-1825-0097\n"
        "    affiliation: A & B Lab\nlang: en\ndate: January 20, 2014\nabstract: x\n---\n\nThe text.\n",
        encoding="utf-8",
    )
    return load_metadata(read_manuscript(path), Reporter())


def test_the_front_matter_is_taken_out_of_the_text(tmp_path: Path) -> None:
    fragment = parse_fragment(FILTER_OUTPUT)
    front, plain = take_front_matter(fragment, metadata(tmp_path))
    assert inner_html(fragment) == "<p>The text.</p>"
    assert front.title_html == "Ca<sup>2+</sup> <em>Waves</em>"
    assert front.abstract_html == "<p>One <em>line</em>.</p><p>Two<br>lines.</p>"
    assert front.author_names_html == ("Jo <strong>Doe</strong>",)
    assert front.subtitle_html is None
    assert (plain.title, plain.short_title, plain.authors) == ("Ca²⁺ Waves", "Ca²⁺ Waves", ("Jo Doe",))
    assert plain.abstract == "One line. Two lines."
    assert plain.people[0].orcid == "0000-0002-1825-0097"
    assert parsed(front).written(method="xml").abstract_html == "<p>One <em>line</em>.</p><p>Two<br/>lines.</p>"


def test_without_the_filters_block_the_metadata_stays_as_written(tmp_path: Path) -> None:
    written = metadata(tmp_path)
    front, same = take_front_matter(parse_fragment("<p>Text.</p>"), written)
    assert same is written and front.title_html is None


@dataclass(frozen=True)
class Heading:
    identifier: str
    title: str
    level: int
    label: str | None = None


def test_contents_nest_as_the_headings_do() -> None:
    headings = [Heading("a", "A", 2), Heading("a1", "A.1", 3), Heading("a1x", "A.1.x", 4), Heading("b", "B", 2)]
    tree = contents(headings, depth=2)
    assert [(entry.title, [child.title for child in entry.children]) for entry in tree] == [("A", ["A.1"]), ("B", [])]
    assert tree[0].children[0].children == []
    assert [entry.title for entry in contents(headings, depth=1)] == ["A", "B"]


def test_xmp_of_the_front_matter_is_well_formed(tmp_path: Path) -> None:
    properties = front_matter_xmp(metadata(tmp_path))
    rdf = etree.fromstring(
        '<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:schema="http://schema.org/">'
        f"{properties}</rdf:Description>"
    )
    namespaces = {"schema": "http://schema.org/", "dc": "http://purl.org/dc/elements/1.1/"}
    assert rdf.xpath("string(dc:date//*)", namespaces=namespaces) == "2014-01-20"
    assert rdf.xpath("string(.//schema:affiliation)", namespaces=namespaces) == "A & B Lab"
