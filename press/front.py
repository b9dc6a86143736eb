"""The front matter as Pandoc rendered it: HTML for the editions, plain text for metadata.

The Lua filter `filters/front-matter.lua` writes the Markdown fields of the
front matter into one block at the start of Pandoc's output; this module takes
that block out of the text and reads it. The notes a field calls (a citation in
the abstract, with a note style) are the document's, numbered before the text's:
each edition sets their calls as it sets the text's (`ParsedFront`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace

import lxml.html

from .markup import inner_html, note_references, parse_fragment
from .metadata import Metadata

BLOCK_ID = "press-front-matter"


@dataclass(frozen=True)
class FrontMatterHtml:
    """The Markdown fields of the front matter as HTML, each None when the field is absent
    (templates print them with `| safe`: they are Pandoc's rendering of the author's text).

    `title_html`, `subtitle_html` and the names are phrasing content; `abstract_html`,
    `dedication_html`, `thanks_html` and `epigraph_html` are blocks.
    """

    title_html: str | None = None
    subtitle_html: str | None = None
    abstract_html: str | None = None
    dedication_html: str | None = None
    thanks_html: str | None = None
    epigraph_html: str | None = None
    author_names_html: tuple[str, ...] = ()


#: The block fields in the order a reader meets them, after the title, the subtitle and the names: the
#: order the filter numbers their notes in.
BLOCK_FIELDS = ("thanks_html", "dedication_html", "abstract_html", "epigraph_html")


@dataclass(frozen=True)
class ParsedFront:
    """The fields parsed, each in a wrapper <div> (see `parse_fragment`), for an edition to change in
    place as it changes the text (its note calls made noterefs, its notes set beside them), then
    `written` again."""

    fields: dict[str, lxml.html.HtmlElement]
    author_names: tuple[lxml.html.HtmlElement, ...]

    def in_reading_order(self) -> list[lxml.html.HtmlElement]:
        """As the title block sets them, which is the order their notes are numbered in."""
        return [
            *(self.fields[name] for name in ("title_html", "subtitle_html") if name in self.fields),
            *self.author_names,
            *(self.fields[name] for name in BLOCK_FIELDS if name in self.fields),
        ]

    def note_calls(self) -> list[str]:
        """The identifiers of the notes the fields call, in order."""
        return [
            str(call.get("href", "")).removeprefix("#")
            for field in self.in_reading_order()
            for call in note_references(field)
        ]

    def written(self, method: str = "html") -> FrontMatterHtml:
        """The fields as markup again; method 'xml' gives XHTML for the EPUB."""
        return FrontMatterHtml(
            **{name: inner_html(fragment, method=method) for name, fragment in self.fields.items()},
            author_names_html=tuple(inner_html(name, method=method) for name in self.author_names),
        )


def parsed(front: FrontMatterHtml) -> ParsedFront:
    """The fields the front matter has, parsed."""
    text_fields = (field.name for field in dataclasses.fields(FrontMatterHtml) if field.name != "author_names_html")
    markup = {name: getattr(front, name) for name in text_fields}
    return ParsedFront(
        {name: parse_fragment(value) for name, value in markup.items() if value},
        tuple(parse_fragment(name) for name in front.author_names_html),
    )


def without_note_calls(front: FrontMatterHtml, method: str = "html") -> FrontMatterHtml:
    """The fields for a second showing (a book's half-title, an EPUB's title page before the essay, an
    issue's contents): the notes are called from the first, and an identifier is given once."""
    front_fields = parsed(front)
    for fragment in front_fields.in_reading_order():
        for call in note_references(fragment):
            call.drop_tree()
    return front_fields.written(method)


@dataclass(frozen=True)
class _Field:
    html: str
    plain: str


def take_front_matter(fragment: lxml.html.HtmlElement, metadata: Metadata) -> tuple[FrontMatterHtml, Metadata]:
    """Take the filter's block out of the text: the fields as HTML, and the metadata with
    their plain-text forms in place of the Markdown as written."""
    block = fragment.find(f".//div[@id='{BLOCK_ID}']")
    if block is None:
        return FrontMatterHtml(), metadata
    fields: dict[str, list[_Field]] = {}
    for item in block.iterfind("div[@data-field]"):
        html_part, plain_part = item.find("div[@class='html']"), item.find("div[@class='plain']")
        rendered = _Field(inner_html(html_part).strip() if html_part is not None else "", _plain(plain_part))
        fields.setdefault(item.get("data-field", ""), []).append(rendered)
    block.drop_tree()

    def first(name: str) -> _Field | None:
        return fields[name][0] if fields.get(name) else None

    def html(name: str) -> str | None:
        found = first(name)
        return found.html if found is not None and found.html else None

    def plain(name: str, written: str | None) -> str | None:
        found = first(name)
        return found.plain if found is not None and found.plain else written

    names = fields.get("author", [])
    people = metadata.people
    if len(names) == len(people):
        people = tuple(
            replace(person, name=name.plain or person.name) for person, name in zip(people, names, strict=True)
        )
    title = plain("title", metadata.title) or metadata.title
    plain_metadata = replace(
        metadata,
        title=title,
        subtitle=plain("subtitle", metadata.subtitle),
        short_title=plain("short-title", metadata.short_title if metadata.short_title != metadata.title else title)
        or title,
        abstract=plain("abstract", metadata.abstract),
        dedication=plain("dedication", metadata.dedication),
        thanks=plain("thanks", metadata.thanks),
        epigraph=plain("epigraph", metadata.epigraph),
        people=people,
    )
    front = FrontMatterHtml(
        title_html=html("title"),
        subtitle_html=html("subtitle"),
        abstract_html=html("abstract"),
        dedication_html=html("dedication"),
        thanks_html=html("thanks"),
        epigraph_html=html("epigraph"),
        author_names_html=tuple(name.html for name in names) if len(names) == len(people) else (),
    )
    return front, plain_metadata


def _plain(element: lxml.html.HtmlElement | None) -> str:
    """Plain text on one line: what metadata fields and running heads hold."""
    return " ".join((element.text_content() if element is not None else "").split())
