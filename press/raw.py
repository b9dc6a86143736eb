"""Raw markup that no edition can carry: reported, with its line, never dropped in silence.

Pandoc's HTML writer keeps raw HTML and leaves out raw markup of any other
format (the raw LaTeX that `filters/raw-tex.lua` could not convert, raw blocks
for Word or groff…), logging each piece it left out. Those records become
warnings here, each at the place of the piece in the manuscript. Raw HTML that
HTML5 made obsolete, which the EPUB refuses, is turned into what shows the same,
and what cannot be is reported the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import lxml.html

from .errors import Location
from .metadata import Manuscript

#: The types of Pandoc's log entries for raw markup its writer left out.
NOT_RENDERED = frozenset(("InlineNotRendered", "BlockNotRendered"))
TEX_FORMATS = frozenset(("tex", "latex"))
#: How much of a dropped piece a warning quotes.
QUOTED_LENGTH = 60
#: LaTeX's lists, each alone in a raw block, read as the front-matter field that asks for it.
LIST_COMMANDS = {"\\tableofcontents": "toc", "\\listoffigures": "lof", "\\listoftables": "lot"}


def source(entry: Mapping[str, Any]) -> tuple[str, str]:
    """The format and the text of the raw markup a log entry of `NOT_RENDERED` type names."""
    contents = entry.get("contents") or {}
    format_and_text = contents.get("c") if isinstance(contents, Mapping) else None
    if isinstance(format_and_text, list) and len(format_and_text) == 2:
        return str(format_and_text[0]), str(format_and_text[1])
    return "", ""


def dropped(left_out: list[tuple[str, str]], manuscript: Manuscript) -> list[tuple[str, Location]]:
    """A warning for each piece of raw markup (format, text) left out, in the order Pandoc wrote them.

    The n-th piece with a given text is placed at the n-th place that text occurs in the
    manuscript (Markdown has no source positions in Pandoc's model).
    """
    seen: Counter[str] = Counter()
    warnings = []
    for format_name, text in left_out:
        if not text.strip():
            continue
        warnings.append((describe(format_name, text), _place(manuscript, text, seen[text])))
        seen[text] += 1
    return warnings


def asked_lists(left_out: list[tuple[str, str]]) -> set[str]:
    """The front-matter fields (`toc`, `lof`, `lot`) that raw LaTeX lists left out stand for."""
    return {LIST_COMMANDS[text.strip()] for format_name, text in left_out if _list_command(format_name, text)}


def _list_command(format_name: str, text: str) -> bool:
    return format_name in TEX_FORMATS and text.strip() in LIST_COMMANDS


def describe(format_name: str, text: str) -> str:
    """What was dropped and why, quoting the start of its source."""
    quoted = quote(text)
    if _list_command(format_name, text):
        field = LIST_COMMANDS[text.strip()]
        return f"raw LaTeX {quoted} read as `{field}: true`: the editions place the list after the contents, not here"
    if format_name in TEX_FORMATS:
        return f"raw LaTeX {quoted} dropped: no edition can show it (only LaTeX that Pandoc can read is converted)"
    return f"raw {format_name} {quoted} dropped: the editions carry raw HTML only"


def quote(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) > QUOTED_LENGTH:
        one_line = one_line[: QUOTED_LENGTH - 1] + "…"
    return f"'{one_line}'"


def _place(manuscript: Manuscript, text: str, occurrence: int) -> Location:
    """The n-th (from 0) place the text occurs in the manuscript (not in code), or its last, or its first line's."""
    for needle in (text, text.strip().splitlines()[0]):
        if needle in manuscript.text:
            places = manuscript.written_at(re.compile(re.escape(needle)), raw=True)
            return places[min(occurrence, len(places) - 1)]
    return Location(manuscript.path)


#: Obsolete elements that browsers still show but HTML5 and EPUB do not allow, and the
#: element (with a class for the stylesheets, if any) that shows the same words.
OBSOLETE_ELEMENTS = {
    "acronym": ("abbr", ""),
    "big": ("span", "big"),
    "blink": ("span", ""),
    "center": ("div", "center"),
    "font": ("span", ""),
    "marquee": ("span", ""),
    "nobr": ("span", ""),
    "strike": ("s", ""),
    "tt": ("code", ""),
}
#: Raw HTML elements whose content no edition shows as text: a style sheet, a template, a
#: fallback for browsers without scripts (the EPUB's XHTML allows none of them in the text).
UNSHOWN_ELEMENTS = ("style", "template", "noscript")
#: Presentational attributes HTML5 made obsolete (the EPUB refuses them); `align` becomes a style.
OBSOLETE_ATTRIBUTE_NAMES = (
    "align background bgcolor border cellpadding cellspacing char charoff clear color compact face frame"
    " hspace nowrap rules size valign vspace"
)
OBSOLETE_ATTRIBUTES = frozenset(OBSOLETE_ATTRIBUTE_NAMES.split())
#: Elements on which width and height are presentational, not the size of what is shown.
SIZED_BY_ATTRIBUTES = frozenset(("img", "video", "canvas", "iframe", "embed", "object", "input", "source"))
#: Elements whose `align` said where text lines up, which CSS's text-align says now.
TEXT_ALIGNED = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "caption", "center"))
#: Roots of the foreign content HTML embeds: MathML and SVG.
FOREIGN_ROOTS = frozenset(("math", "svg"))
#: Attributes an element keeps when it is renamed from an obsolete one.
KEPT_ATTRIBUTES = frozenset(("id", "class", "title", "lang", "dir", "style", "role"))
#: Attributes every HTML element takes, besides data-* and aria-*: HTML's global attributes, ARIA's role
#: and RDFa Lite's, which both the Nu Html Checker and EPUBCheck accept.
GLOBAL_ATTRIBUTE_NAMES = (
    "accesskey autocapitalize autocorrect autofocus class contenteditable dir draggable enterkeyhint hidden id"
    " inert inputmode is itemid itemprop itemref itemscope itemtype lang nonce popover slot spellcheck style"
    " tabindex title translate writingsuggestions role vocab typeof property resource prefix"
)
GLOBAL_ATTRIBUTES = frozenset(GLOBAL_ATTRIBUTE_NAMES.split())
#: The attributes of their own that HTML's elements take (the others take the global ones alone).
ELEMENT_ATTRIBUTES = {
    tag: frozenset(names.split())
    for tags, names in (
        ("a", "href target download ping rel hreflang type referrerpolicy"),
        ("area", "alt coords shape href target download ping rel referrerpolicy"),
        ("blockquote q", "cite"),
        ("del ins", "cite datetime"),
        ("col colgroup", "span"),
        ("data li", "value"),
        ("details", "open name"),
        (
            "img",
            "alt src srcset sizes crossorigin usemap ismap width height referrerpolicy decoding loading fetchpriority",
        ),
        (
            "input",
            "accept alpha alt autocomplete checked colorspace dirname disabled form formaction formenctype"
            " formmethod formnovalidate formtarget height list max maxlength min minlength multiple name pattern"
            " placeholder popovertarget popovertargetaction readonly required size src step type value width",
        ),
        ("label", "for"),
        ("map", "name"),
        ("ol", "reversed start type"),
        ("td", "colspan rowspan headers"),
        ("th", "colspan rowspan headers scope abbr"),
        ("time", "datetime"),
    )
    for tag in tags.split()
}


def carry_raw_html(fragment: lxml.html.HtmlElement, manuscript: Manuscript) -> list[tuple[str, Location]]:
    """Make the manuscript's raw HTML valid in every edition, saying what could not be kept.

    Obsolete elements become the HTML5 ones that show the same words, `align` a
    style; what is lost (a <style> element, a <font>'s colour, an obsolete
    attribute) is reported at its place in the manuscript.
    """
    found: list[tuple[str, Location]] = []
    reported: Counter[tuple[str, str]] = Counter()

    def report(element: lxml.html.HtmlElement, message: str, attribute: str = "") -> None:
        key = (str(element.tag), attribute)
        place = _attribute_place if attribute else _tag_place
        found.append((message, place(manuscript, *key, reported[key])))
        reported[key] += 1

    for element in _candidates(fragment):
        if _foreign(element):
            continue
        tag = element.tag
        if tag in UNSHOWN_ELEMENTS:
            words = " ".join(element.text_content().split())
            shown = f" with its text {quote(words)}" if words and tag != "style" else ""
            report(element, f"raw HTML <{tag}> dropped{shown}: no edition can carry it in the text")
            continue
        if tag in OBSOLETE_ELEMENTS:
            lost = [name for name in element.attrib if name not in KEPT_ATTRIBUTES and name != "align"]
            kept = "; the words are kept"
        else:
            lost, kept = _obsolete_attributes(element), ""
        if lost:
            report(element, f"raw HTML <{tag}>: {', '.join(lost)} dropped (obsolete in HTML5){kept}", lost[0])
    for element in list(fragment.iter(*UNSHOWN_ELEMENTS)):
        element.drop_tree()
    for element in list(fragment.iter(*OBSOLETE_ELEMENTS)):
        _rename(element)
    for element in _candidates(fragment):
        if not _foreign(element):
            _drop_obsolete_attributes(element)
    for element, names in _misplaced(fragment):
        for name in names:
            kept = f"data-{name}"
            value = element.attrib.pop(name)
            said = "dropped" if kept in element.attrib else f"the editions keep it as {kept}"
            if kept not in element.attrib:
                element.set(kept, value)
            key = (str(element.tag), name)
            found.append(
                (
                    f"{name} is no attribute of <{element.tag}> in HTML; {said}",
                    _attribute_place(manuscript, *key, reported[key]),
                )
            )
            reported[key] += 1
    return found


def _misplaced(fragment: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, list[str]]]:
    """The HTML elements carrying attributes HTML does not give them (Pandoc writes any attribute HTML knows on
    the element it was given to: `::: {disabled=true}` is `<div disabled>`), which the Nu Html Checker and
    EPUBCheck refuse. What Pandoc does not know it writes as data-… itself; so do the editions with these. The
    obsolete ones and sizes are `carry_raw_html`'s; MathML and SVG have their own."""
    misplaced = []
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue
        own = ELEMENT_ATTRIBUTES.get(element.tag, frozenset())
        names = [
            name
            for name in element.attrib
            if name not in GLOBAL_ATTRIBUTES
            and name not in own
            and name not in _ATTRIBUTES_TO_CARRY
            and not name.startswith(("data-", "aria-"))
            and ":" not in name
        ]
        if names and not _foreign(element):
            misplaced.append((element, names))
    return misplaced


#: What makes an element one `carry_raw_html` has anything to do with: its tag, or one of its attributes.
_TAGS_TO_CARRY = frozenset((*UNSHOWN_ELEMENTS, *OBSOLETE_ELEMENTS))
_ATTRIBUTES_TO_CARRY = OBSOLETE_ATTRIBUTES | {"width", "height", "data-align"}
#: Where Pandoc writes the `align` of a division (an attribute it does not know on <div>).
DIV_ALIGN = "data-align"


def _candidates(fragment: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The elements, in document order, that are unshown, obsolete or carry an obsolete (or presentational)
    attribute: next to none of a long book's elements, each of which `_foreign` would otherwise walk up from."""
    return [
        element
        for element in fragment.iter()
        if isinstance(element.tag, str)
        and (element.tag in _TAGS_TO_CARRY or not _ATTRIBUTES_TO_CARRY.isdisjoint(element.attrib))
    ]


def _foreign(element: lxml.html.HtmlElement) -> bool:
    """Whether an element is MathML or SVG, whose attributes (`width` on <mspace>) are their own, not HTML's."""
    return any(
        str(tag) in FOREIGN_ROOTS for tag in (element.tag, *(ancestor.tag for ancestor in element.iterancestors()))
    )


def _obsolete_attributes(element: lxml.html.HtmlElement) -> list[str]:
    """The obsolete attributes an element carries that are lost (an `align` of text is kept as a style)."""
    names = [name for name in element.attrib if name in OBSOLETE_ATTRIBUTES]
    if element.tag not in SIZED_BY_ATTRIBUTES:
        names += [name for name in ("width", "height") if name in element.attrib]
    return [name for name in names if not (name == "align" and element.tag in TEXT_ALIGNED)]


def _rename(element: lxml.html.HtmlElement) -> None:
    tag, class_name = OBSOLETE_ELEMENTS[str(element.tag)]
    if element.tag == "center":
        element.attrib.pop("align", None)
    for name in [name for name in element.attrib if name not in KEPT_ATTRIBUTES and name != "align"]:
        del element.attrib[name]
    element.tag = tag
    if class_name:
        element.set("class", " ".join([class_name, *element.get("class", "").split()]))


def _drop_obsolete_attributes(element: lxml.html.HtmlElement) -> None:
    align = element.attrib.pop("align", None)
    if element.tag == "div" and align is None:
        align = element.attrib.pop(DIV_ALIGN, None)  # a raw <div align="right">, which Pandoc reads as a division
    if align and element.tag in TEXT_ALIGNED and align.strip().lower() in ("left", "right", "center", "justify"):
        style = element.get("style", "").strip().rstrip(";")
        declaration = f"text-align: {align.strip().lower()}"
        element.set("style", f"{style}; {declaration}" if style else declaration)
    for name in _obsolete_attributes(element):
        element.attrib.pop(name, None)


def _attribute_place(manuscript: Manuscript, tag: str, attribute: str, occurrence: int) -> Location:
    """The n-th place an attribute is written: in a raw HTML start tag, or in Pandoc's attributes (`{… name=…}`)."""
    in_braces = re.compile(rf"\{{[^}}\n]*(?<![\w.#-]){re.escape(attribute)}(?![\w-])", re.IGNORECASE)
    for places in (
        _tag_places(manuscript, tag, attribute),
        manuscript.written_at(in_braces, raw=True),
    ):
        if places[0].line is not None:
            return places[min(occurrence, len(places) - 1)]
    return Location(manuscript.path)


def _tag_place(manuscript: Manuscript, tag: str, attribute: str, occurrence: int) -> Location:
    """The n-th (from 0) place a start tag (with the attribute, if given) occurs in the manuscript (not in code), or
    its last."""
    places = _tag_places(manuscript, tag, attribute)
    return places[min(occurrence, len(places) - 1)]


def _tag_places(manuscript: Manuscript, tag: str, attribute: str) -> list[Location]:
    with_attribute = rf"[^>]*\b{re.escape(attribute)}\b" if attribute else ""
    return manuscript.written_at(re.compile(rf"<{re.escape(tag)}\b{with_attribute}", re.IGNORECASE), raw=True)
