"""The front matter as Pandoc rendered it: HTML for the editions, plain text for metadata.

The Lua filter `filters/front-matter.lua` writes the Markdown fields of the
front matter into one raw block at the start of Pandoc's output; this module
takes that block out of the text and reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import lxml.html

from .markup import inner_html, parse_fragment
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


def as_xhtml(front: FrontMatterHtml) -> FrontMatterHtml:
    """The same fields serialised as XML, for the EPUB's XHTML documents."""

    def xhtml(markup: str | None) -> str | None:
        return inner_html(parse_fragment(markup), method="xml") if markup else markup

    return FrontMatterHtml(
        title_html=xhtml(front.title_html),
        subtitle_html=xhtml(front.subtitle_html),
        abstract_html=xhtml(front.abstract_html),
        dedication_html=xhtml(front.dedication_html),
        thanks_html=xhtml(front.thanks_html),
        epigraph_html=xhtml(front.epigraph_html),
        author_names_html=tuple(str(xhtml(name)) for name in front.author_names_html),
    )
