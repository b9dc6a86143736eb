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
