"""Small transformations of Pandoc's HTML that the editions need, done on a parsed tree."""

from __future__ import annotations

import html
from collections.abc import Mapping

import lxml.html
from lxml import etree


def parse_fragment(markup: str) -> lxml.html.HtmlElement:
    """Parse an HTML fragment into a wrapper <div> whose children are the fragment."""
    return lxml.html.fragment_fromstring(markup, create_parent="div")


def inner_html(element: lxml.html.HtmlElement, method: str = "html") -> str:
    """The markup inside an element; method 'xml' gives XHTML for the EPUB."""
    text = html.escape(element.text, quote=False) if element.text else ""
    return text + "".join(etree.tostring(child, encoding="unicode", method=method) for child in element)


def replace_image_sources(fragment: lxml.html.HtmlElement, sources: Mapping[str, str]) -> None:
    """Point each <img> at the URL its edition uses for the asset."""
    for image in fragment.iter("img"):
        source = image.get("src", "")
        if source in sources:
            image.set("src", sources[source])


def note_references(fragment: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The links from the text to its notes, as Pandoc writes them."""
    return list(fragment.find_class("footnote-ref"))


#: Elements that may sit inside a paragraph (HTML's phrasing content).
PHRASING_TAGS = "a abbr b bdi bdo br cite code data del dfn em i img ins kbd mark q s samp small span strong sub sup"
PHRASING = frozenset([*PHRASING_TAGS.split(), "time", "u", "var", "wbr"])
#: Attributes any element, a span among them, may carry (besides data-* and aria-*).
GLOBAL_ATTRIBUTES = frozenset(("class", "dir", "lang", "role", "title", "translate"))


def as_phrasing(container: lxml.html.HtmlElement, prefix: str) -> None:
    """Turn what a note holds into content that may sit inside a paragraph, beside its call.

    Each element that may not (a paragraph, a list, a quotation…) becomes a span
    classed `{prefix}-block {prefix}-{tag}` for the stylesheet to show as a block,
    keeping only the attributes a span may carry; the note's first paragraph
    becomes `{prefix}-run`, to run on from the note's number.
    """
    first_paragraph = next(iter(container.iterchildren("p")), None)
    for element in container.iterdescendants():
        if not isinstance(element.tag, str) or element.tag in PHRASING:
            continue
        kind = [f"{prefix}-run"] if element is first_paragraph else [f"{prefix}-block", f"{prefix}-{element.tag}"]
        element.set("class", " ".join([*kind, *element.get("class", "").split()]))
        element.tag = "span"
        for attribute in [name for name in element.attrib if not _global_attribute(name)]:
            del element.attrib[attribute]  # e.g. <ol type="1">'s type, which a span may not have


def _global_attribute(name: str) -> bool:
    return name in GLOBAL_ATTRIBUTES or name.startswith(("data-", "aria-"))
