"""Small transformations of Pandoc's HTML that the editions need, done on a parsed tree."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import lxml.html
from lxml import etree

#: HTML5's empty elements that libxml2's HTML parser takes for containers of what follows them.
EMPTY_ELEMENTS_UNKNOWN_TO_LIBXML2 = ("embed", "source", "track", "wbr")
EMPTY_END_TAGS = re.compile(rf"</(?:{'|'.join(EMPTY_ELEMENTS_UNKNOWN_TO_LIBXML2)})>")


#: The editions an element is for, where its author kept it from the others (Quarto's
#: `.content-visible when-format="html"`, marked by filters/quarto.lua).
EDITIONS_ATTRIBUTE = "data-press-editions"


def written_identifier(identifier: str) -> re.Pattern[str]:
    """Where an identifier is written in the manuscript: in attributes (`{#x}`, `{.c #x}`) or in raw HTML (`id="x"`)."""
    return re.compile(rf"""(?:\{{[^}}\n]*?#|(?<![\w:-])id\s*=\s*["']?){re.escape(identifier)}(?![\w:.-])""")


def for_edition(fragment: lxml.html.HtmlElement, edition: str) -> lxml.html.HtmlElement:
    """The fragment without what its author meant for other editions only."""
    for element in list(fragment.iterfind(f".//*[@{EDITIONS_ATTRIBUTE}]")):
        if edition in element.get(EDITIONS_ATTRIBUTE, "").split():
            del element.attrib[EDITIONS_ATTRIBUTE]
        else:
            element.drop_tree()
    return fragment


def parse_fragment(markup: str) -> lxml.html.HtmlElement:
    """Parse an HTML fragment into a wrapper <div> whose children are the fragment."""
    fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in list(fragment.iter(*EMPTY_ELEMENTS_UNKNOWN_TO_LIBXML2)):
        _empty(element)
    return fragment


def _empty(element: lxml.html.HtmlElement) -> None:
    """Move what the parser put inside an empty element to after it, where the markup had it."""
    children = list(element)
    if not element.text and not children:
        return
    tail = element.tail or ""
    element.tail, element.text = element.text, None
    last = element
    for child in children:
        last.addnext(child)
        last = child
    last.tail = (last.tail or "") + tail


def inner_html(element: lxml.html.HtmlElement, method: str = "html") -> str:
    """The markup inside an element; method 'xml' gives XHTML for the EPUB."""
    text = html.escape(element.text, quote=False) if element.text else ""
    markup = text + "".join(etree.tostring(child, encoding="unicode", method=method) for child in element)
    # libxml2 writes an end tag for the empty elements it does not know, which HTML forbids.
    return EMPTY_END_TAGS.sub("", markup) if method == "html" else markup


def replace_image_sources(fragment: lxml.html.HtmlElement, sources: Mapping[str, str]) -> None:
    """Point each <img> at the URL its edition uses for the asset."""
    for image in fragment.iter("img"):
        source = image.get("src", "")
        if source in sources:
            image.set("src", sources[source])


def pandoc_notes_section(fragment: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The list of notes Pandoc's writer adds after the text, if there is one.

    Known by what only the writer makes: the fragment's last element, a section
    of role doc-endnotes and class `footnotes`. An id says nothing: an author's
    section headed "Footnotes" has the id `footnotes` too.
    """
    last = next((child for child in reversed(fragment) if isinstance(child.tag, str)), None)
    if last is None or last.tag != "section" or last.get("role") != "doc-endnotes" or "footnotes" not in last.classes:
        return None
    return last


def name_anchors_as_identifiers(fragment: lxml.html.HtmlElement) -> None:
    """Make raw HTML anchors written `<a name="x">` link targets with `id="x"`.

    `name` on <a> is obsolete in HTML5 and invalid in the EPUB's XHTML; an
    identifier is what every edition links to. An anchor with an id of its own
    gets an empty span with the name as id before it; a name that cannot be an
    identifier (empty, with spaces) or that already is one is only taken off.
    """
    taken = {element.get("id") for element in fragment.iter() if isinstance(element.tag, str) and element.get("id")}
    for anchor in list(fragment.iter("a")):
        name = anchor.attrib.pop("name", None)
        if not name or name in taken or any(character.isspace() for character in name):
            continue
        taken.add(name)
        if anchor.get("id") is None:
            anchor.set("id", name)
        else:
            anchor.addprevious(lxml.html.Element("span", {"id": name}))


def unique_identifiers(fragment: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """Give each element whose identifier another element has (`::: {#x}` twice, or a heading whose identifier
    Pandoc made from its words, the same as a division's) one of its own, `x-2`, as HTML and the EPUB allow an
    identifier once. The element that keeps it, which links and cross-references lead to, is the first not made
    from a heading (the one the author named), else the first; within an SVG image, its references to the
    renamed element (`url(#x)`, `href="#x"`) follow it. The identifiers renamed, each with its new one."""
    groups: dict[str, list[lxml.html.HtmlElement]] = {}
    for element in fragment.iter():
        if isinstance(element.tag, str) and element.get("id"):
            groups.setdefault(str(element.get("id")), []).append(element)
    taken = set(groups)
    renamed = []
    for identifier, elements in groups.items():
        kept = next((element for element in elements if not _named_from_heading(element)), elements[0])
        for element in elements:
            if element is kept:
                continue
            number = 2
            while f"{identifier}-{number}" in taken:
                number += 1
            new = f"{identifier}-{number}"
            taken.add(new)
            element.set("id", new)
            _follow_in_image(element, identifier, new)
            renamed.append((identifier, new))
    return renamed


#: Headings, and the title Quarto's callout takes from its heading, whose identifier Pandoc may have made.
HEADING_TAGS = frozenset(("section", "h1", "h2", "h3", "h4", "h5", "h6"))


def _named_from_heading(element: lxml.html.HtmlElement) -> bool:
    return element.tag in HEADING_TAGS or "callout-title" in element.get("class", "").split()


def _follow_in_image(element: lxml.html.HtmlElement, identifier: str, new: str) -> None:
    """Point the references within the SVG image an element is in (a gradient's, a clip path's) at its new
    identifier: an image pasted twice refers to its own."""
    image = next((up for up in (element, *element.iterancestors()) if up.tag == "svg"), None)
    if image is None:
        return
    for node in image.iter():
        if not isinstance(node.tag, str):
            continue
        for name, value in node.attrib.items():
            if value == f"#{identifier}" and name in ("href", "xlink:href"):
                node.set(name, f"#{new}")
            elif f"url(#{identifier})" in value:
                node.set(name, value.replace(f"url(#{identifier})", f"url(#{new})"))


def rename_identifiers(fragment: lxml.html.HtmlElement, reserved: frozenset[str]) -> None:
    """Give the text's elements whose identifier is reserved another one, `notes-1` for `notes`,
    and point the text's links at it: an author's section headed "Notes" keeps its links, and
    the list of notes the editions add keeps its own identifier."""
    taken = {element.get("id") for element in fragment.iter() if isinstance(element.tag, str) and element.get("id")}
    renamed = {}
    for element in fragment.iter():
        identifier = element.get("id") if isinstance(element.tag, str) else None
        if identifier not in reserved or identifier in renamed:
            continue
        number = 1
        while f"{identifier}-{number}" in taken or f"{identifier}-{number}" in reserved:
            number += 1
        renamed[identifier] = f"{identifier}-{number}"
        taken.add(renamed[identifier])
        element.set("id", renamed[identifier])
    for link in fragment.iter("a"):
        target = link.get("href", "")
        if target.startswith("#") and target[1:] in renamed:
            link.set("href", f"#{renamed[target[1:]]}")


def note_references(fragment: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The links from the text to its notes, as Pandoc writes them."""
    return list(fragment.find_class("footnote-ref"))


def focusable(element: lxml.html.HtmlElement) -> bool:
    """Whether the Tab key reaches the element, among those the editions may hold: a link, a
    details' summary, a check box that is not disabled, or anything given a tabindex of 0 or more
    (the scroll boxes of code, tables and formulas)."""
    if not isinstance(element.tag, str):
        return False
    tabindex = element.get("tabindex", "").strip()
    if tabindex.lstrip("-").isdigit():
        return int(tabindex) >= 0
    if element.tag in ("a", "area"):
        return element.get("href") is not None
    if element.tag == "summary":
        details = element.getparent()
        return details is not None and details.tag == "details" and details.find("summary") is element
    if element.tag == "input":
        return element.get("disabled") is None and element.get("type") != "hidden"
    return False


#: Elements that may sit inside a paragraph (HTML's phrasing content).
PHRASING_TAGS = "a abbr b bdi bdo br cite code data del dfn em i img ins kbd mark q s samp small span strong sub sup"
PHRASING = frozenset([*PHRASING_TAGS.split(), "math", "time", "u", "var", "wbr"])
#: Attributes any element, a span among them, may carry (besides data-* and aria-*).
GLOBAL_ATTRIBUTES = frozenset(("class", "dir", "lang", "role", "style", "title", "translate"))


def as_phrasing(container: lxml.html.HtmlElement, prefix: str) -> None:
    """Turn what a note holds into content that may sit inside a paragraph, beside its call.

    Each element that may not (a paragraph, a list, a quotation…) becomes a span
    classed `{prefix}-block {prefix}-{tag}` for the stylesheet to show as a block,
    keeping only the attributes a span may carry; the note's first paragraph
    becomes `{prefix}-run`, to run on from the note's number.
    """
    first_paragraph = next(iter(container.iterchildren("p")), None)
    for element in container.iterdescendants():
        if not isinstance(element.tag, str) or element.tag in PHRASING or element.xpath("ancestor::math"):
            continue  # a formula's MathML is phrasing content as it is
        kind = [f"{prefix}-run"] if element is first_paragraph else [f"{prefix}-block", f"{prefix}-{element.tag}"]
        element.set("class", " ".join([*kind, *element.get("class", "").split()]))
        if element.tag == "ol":
            _keep_numbering(element, prefix)
        _trim(element, inside=element.tag != "pre")
        element.tag = "span"
        for attribute in [name for name in element.attrib if not _global_attribute(name)]:
            del element.attrib[attribute]  # e.g. <ol type="1">'s type, which a span may not have


#: The white space HTML collapses: a no-break space or an ideographic one is text.
COLLAPSIBLE_SPACE = " \t\n\r\f"


def trim_edges(element: lxml.html.HtmlElement) -> None:
    """Take off the white space that opens and closes an element's content, which no renderer shows."""
    if element.text is not None:
        element.text = element.text.lstrip(COLLAPSIBLE_SPACE) or None
    last = element[-1] if len(element) else None
    if last is None and element.text is not None:
        element.text = element.text.rstrip(COLLAPSIBLE_SPACE) or None
    elif last is not None and last.tail is not None:
        last.tail = last.tail.rstrip(COLLAPSIBLE_SPACE) or None


def _trim(block: lxml.html.HtmlElement, inside: bool) -> None:
    """Take the line breaks of the markup off the edges of a block that becomes a span (and,
    unless its text is preformatted, off its inside): within a paragraph they are text, which
    WeasyPrint sets as empty lines between the blocks."""
    if block.tail is not None and not block.tail.strip():
        block.tail = None
    if not inside:
        return
    trim_edges(block)
    for line_break in block.iterchildren("br"):
        if line_break.tail:
            line_break.tail = line_break.tail.lstrip("\n") or None  # a line block's indent is kept


def start_lists_as_written(fragment: lxml.html.HtmlElement) -> None:
    """Give each <ol start> the counter reset that starts it there, for WeasyPrint.

    WeasyPrint reads `start` only among HTML's presentational hints, which the
    print edition leaves off; browsers and reading systems read it themselves.
    """
    for ordered_list in fragment.iter("ol"):
        start = ordered_list.get("start", "")
        if start.lstrip("-").isdigit():
            style = ordered_list.get("style", "").strip().rstrip(";")
            reset = f"counter-reset: list-item {int(start) - 1}"
            ordered_list.set("style", f"{style}; {reset}" if style else reset)


#: The counter styles of HTML's <ol type>, which a span cannot carry.
LIST_STYLES = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}


def _keep_numbering(ordered_list: lxml.html.HtmlElement, prefix: str) -> None:
    """Carry an <ol>'s start and type over to the span it becomes: the start as the reset of
    the counter the stylesheet numbers its items with, the type as `data-list-style`."""
    start = ordered_list.get("start", "")
    if start.lstrip("-").isdigit() and int(start) != 1:
        ordered_list.set("style", f"counter-reset: {prefix}-item {int(start) - 1}")
    list_style = LIST_STYLES.get(ordered_list.get("type", "1"), "decimal")
    if list_style != "decimal":
        ordered_list.set("data-list-style", list_style)


def _global_attribute(name: str) -> bool:
    return name in GLOBAL_ATTRIBUTES or name.startswith(("data-", "aria-"))
