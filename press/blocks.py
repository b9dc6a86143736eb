"""Wide and tall blocks made to fit every edition: tables, code, sized images.

Done once on the document's body, so that the web page, the EPUB and the print
page carry the same markup and only their stylesheets differ:

- a table stands in a figure, its caption as the figure's caption (as wide as the
  column, not as the table), the table itself in a box that scrolls sideways on a
  screen too narrow for it; the box is a labelled region in the tab order, so that
  the keyboard can scroll it too;
- a code block can be scrolled from the keyboard as well, and the empty links
  Pandoc writes before each line (the stylesheets show line numbers there) are
  hidden from assistive technology and the tab order;
- an image's `width` and `height` attributes (Pandoc's `{width=24px}`) become
  its style, which every edition honours (WeasyPrint reads no size attributes);
- a figure's caption that Pandoc hides from assistive technology, because it
  repeats the image's alternative text, is shown to it again when it holds a link
  or a note call: hidden, these could be reached by the keyboard but not read
  (axe's and Ace's aria-hidden-focus), and kept from the keyboard they could not
  be followed. The caption is then read after the alternative text it repeats.
"""

from __future__ import annotations

import lxml.html

from .labels import labels_for
from .markup import focusable, trim_edges

TABLE_FIGURE_CLASS = "table-figure"
TABLE_SCROLL_CLASS = "table-scroll"
SIZE_ATTRIBUTES = ("width", "height")


def prepare_blocks(fragment: lxml.html.HtmlElement, lang: str, direction: str = "ltr") -> None:
    """Tables, code blocks, summaries, images and captions of the body, ready for every edition.

    In a right-to-left text, code reads left to right (`<!DOCTYPE html>`, never `<html DOCTYPE!>`), a run of
    its own within a line: marked so by `dir`, which every edition's renderer reads (EPUBCheck refuses CSS's
    `direction`, and WeasyPrint reads no `unicode-bidi`)."""
    for number, table in enumerate(list(fragment.iter("table")), start=1):
        _wrap_table(table, number, labels_for(lang)["table"])
        # The white space that opens and closes a cell (raw HTML's `<td>\nParagraphs\n</td>`), which no renderer
        # shows, WeasyPrint counts in its column's narrowest width: it set the column a syllable wide.
        for cell in table.iter("td", "th"):
            if "pre" not in cell.get("style", ""):  # white-space: pre shows it
                trim_edges(cell)
    if direction == "rtl":
        for code in fragment.iter("pre", "code"):
            if code.get("dir") is None:
                code.set("dir", "ltr")
    # A summary holds a line of text: Pandoc makes a paragraph of `<summary>` on its own lines, `Hint`, which
    # no HTML validator or EPUBCheck allows there.
    for summary in fragment.iter("summary"):
        for paragraph in summary.findall("p"):
            paragraph.drop_tag()
    for block in fragment.iter("pre"):
        block.set("tabindex", "0")
        for line_link in block.xpath("./code/span/a[1][not(node())]"):
            line_link.set("aria-hidden", "true")
            line_link.set("tabindex", "-1")
    for image in fragment.iter("img"):
        _size_by_style(image)
    for caption in fragment.iterfind(".//figcaption[@aria-hidden='true']"):
        if any(focusable(element) for element in caption.iter()):
            del caption.attrib["aria-hidden"]


def _wrap_table(table: lxml.html.HtmlElement, number: int, label: str) -> None:
    parent = table.getparent()
    if parent is None or TABLE_SCROLL_CLASS in parent.classes:
        return
    figure = lxml.html.Element("figure", {"class": TABLE_FIGURE_CLASS})
    identifier = table.attrib.pop("id", None)
    if identifier:
        figure.set("id", identifier)
    scroll = lxml.html.Element("div", {"class": TABLE_SCROLL_CLASS, "role": "region", "tabindex": "0"})
    caption = table.find("caption")
    if caption is not None and caption.text_content().strip():
        caption_id = f"{identifier or f'table-{number}'}-caption"
        figcaption = lxml.html.Element("figcaption", {"id": caption_id})
        figcaption.text = caption.text
        figcaption.extend(list(caption))
        figure.append(figcaption)
        scroll.set("aria-labelledby", caption_id)
    else:
        scroll.set("aria-label", f"{label} {number}")
    if caption is not None:
        table.remove(caption)
    figure.tail, table.tail = table.tail, None
    parent.replace(table, figure)
    scroll.append(table)
    figure.append(scroll)


def _size_by_style(image: lxml.html.HtmlElement) -> None:
    declared = [part.strip() for part in image.get("style", "").split(";") if part.strip()]
    named = {part.split(":", 1)[0].strip().lower() for part in declared}
    for attribute in SIZE_ATTRIBUTES:
        value = image.get(attribute, "").strip()
        if value and attribute not in named:
            declared.append(f"{attribute}: {value}px" if value.isdigit() else f"{attribute}: {value}")
    if declared:
        image.set("style", "; ".join(declared))
