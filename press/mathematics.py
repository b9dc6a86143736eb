"""Mathematics: MathML for the web page and the EPUB, vector images for print.

Pandoc writes every formula as MathML (with its TeX kept as an annotation), which
browsers and EPUB reading systems set themselves. WeasyPrint draws no MathML, so
the print page carries each formula as an SVG image typeset by ziamath with the
OpenType math font it bundles (STIX Two Math, SIL Open Font License), its glyphs
drawn as paths, so that no font needs to be found. The image is sized in ems, so
a formula takes the size of the text around it, in a note as in the text, and
sits on its baseline; its TeX is its alternative text in the tagged PDF.

A formula Pandoc cannot read, or ziamath cannot set, stops the build with the
line it is on: TeX source never reaches an edition.
"""

from __future__ import annotations

import base64
import copy
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from .errors import CombinedError, Location, PressError, find_in_files

if TYPE_CHECKING:
    from ziamath.zmath import Math

    from .metadata import Manuscript
    from .pandoc import PandocOutput

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
TEX_ENCODING = "application/x-tex"
#: Pandoc's log entry for a formula it left as TeX.
NOT_CONVERTED = "CouldNotConvertTeXMath"
NOT_CONVERTED_TEX = re.compile(r"Could not convert TeX math (.*?), rendering as TeX:", re.DOTALL)
#: The size, in SVG units, ziamath sets one em at: images are then scaled back to ems.
UNITS_PER_EM = 20.0
#: Decimals kept for sizes in ems: a thousandth of an em is far below a printed dot.
EM_DECIMALS = 3
#: The OpenType math font ziamath sets formulas with; the web page embeds it too.
MATH_FONT = Path(str(getattr(find_spec("ziamath"), "origin", ""))).parent / "fonts" / "STIXTwoMath-Regular.ttf"
MATH_FONT_NAME = "STIX Two Math"
#: The box a displayed formula stands in.
DISPLAY_CLASS = "display-formula"
#: Signs MathML draws without their character in the text: the radical of a root.
DRAWN_SIGNS = "\u221a"


@dataclass(frozen=True)
class Formula:
    """A formula typeset as an SVG image, with its size and its depth below the baseline in ems."""

    svg: str
    width: float
    height: float
    depth: float

    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")

    def style(self) -> str:
        return f"width: {self.width}em; height: {self.height}em; vertical-align: {-self.depth}em"


#: texmath's complaint about a command it does not know (`unexpected control sequence \argmin`).
UNKNOWN_COMMAND = re.compile(r"unexpected control sequence (\\[A-Za-z]+)")
#: TeX's and LaTeX's definitions, which Pandoc applies when written outside a formula, never inside one.
DEFINITIONS = ("\\def", "\\gdef", "\\edef", "\\let", "\\newcommand", "\\renewcommand", "\\DeclareMathOperator")


#: Combining accents, as Pandoc writes them in <mo>, and the spacing characters MathML wants there.
SPACING_ACCENTS = {
    "\u0300": "\u0060",  # grave
    "\u0301": "\u00b4",  # acute
    "\u0302": "\u02c6",  # circumflex: \hat
    "\u0303": "\u02dc",  # tilde
    "\u0304": "\u00af",  # macron: \bar
    "\u0306": "\u02d8",  # breve
    "\u0307": "\u02d9",  # dot above: \dot
    "\u0308": "\u00a8",  # diaeresis: \ddot
    "\u030c": "\u02c7",  # caron: \check
    "\u20d7": "\u2192",  # vector arrow: \vec
}


class TypesettingError(Exception):
    """ziamath could not set a formula; the message says why."""


def unconverted(output: PandocOutput, manuscript: Manuscript) -> list[PressError]:
    """A problem for every formula Pandoc could not convert, which it would print as TeX."""
    problems = []
    for message in output.warnings:
        found = NOT_CONVERTED_TEX.search(message.text) if message.kind == NOT_CONVERTED else None
        if found is None:
            continue
        tex = found.group(1)
        lines = [line.strip() for line in message.text[found.end() :].splitlines()]
        caret = next((index for index, line in enumerate(lines) if line == "^"), None)
        reason = lines[caret + 1] if caret is not None and caret + 1 < len(lines) else ""
        if (command := UNKNOWN_COMMAND.match(reason)) and command.group(1) in DEFINITIONS:
            reason += (
                f" (a definition inside a formula: write {command.group(1)}… on a line of its own outside it,"
                " where Pandoc applies it to every formula after it)"
            )
        elif command:
            # A command the author's LaTeX preamble defines: Pandoc applies definitions written in the text.
            reason += (
                f" (define it in the text, as the LaTeX preamble did: \\newcommand{{{command.group(1)}}}{{…}}"
                f" or \\DeclareMathOperator{{{command.group(1)}}}{{…}})"
            )
        problems.append(
            PressError(
                f"cannot typeset the formula ${' '.join(tex.split())}$" + (f": {reason}" if reason else ""),
                locate_tex(tex, manuscript),
            )
        )
    return problems


def locate_tex(tex: str, manuscript: Manuscript) -> Location:
    """Where a formula's TeX is written in the manuscript (the file alone if it cannot be found)."""
    return manuscript.locate(tex.strip())


def prepare_formulas(fragment: lxml.html.HtmlElement) -> None:
    """Write an accent (`\\hat`, `\\tilde`) with its spacing character rather than the combining
    one Pandoc writes, as MathML Core asks (an HTML text run may not start with a combining mark);
    give each formula its TeX as `alttext`, for readers whose software cannot show MathML,
    and put each displayed one in a box that scrolls (from the keyboard too) when the
    screen is narrower than the formula: the page itself never scrolls sideways."""
    for formula in _formulas(fragment):
        for accent in formula.iter(f"{{{MATHML_NAMESPACE}}}mo", "mo"):
            if accent.text in SPACING_ACCENTS:
                accent.text = SPACING_ACCENTS[accent.text]
        tex = tex_of(formula)
        if tex and not formula.get("alttext"):
            formula.set("alttext", tex)
        parent = formula.getparent()
        if formula.get("display") == "block" and parent is not None and parent.get("class") != DISPLAY_CLASS:
            box = lxml.html.Element("span", {"class": DISPLAY_CLASS, "tabindex": "0"})
            box.tail, formula.tail = formula.tail, None
            parent.replace(formula, box)
            box.append(formula)


def shown_text(element: etree._Element) -> str:
    """The text of an element as readers see it: formulas without the TeX kept beside them."""
    shown = copy.deepcopy(element)
    etree.strip_elements(shown, "annotation", "annotation-xml", "{*}annotation", "{*}annotation-xml", with_tail=False)
    return "".join(str(text) for text in shown.itertext())


def typeset_formulas(page: str, sources: Sequence[Path]) -> str:
    """The print page with each MathML formula replaced by its image; `sources` are the manuscript's
    files, for the line of a formula that cannot be set."""
    if "<math" not in page:
        return page
    tree = lxml.html.document_fromstring(page)
    problems = []
    for formula in list(_formulas(tree)):
        tex = tex_of(formula)
        display = formula.get("display") == "block"
        try:
            typeset = typeset_mathml(presentation_mathml(formula))
        except TypesettingError as error:
            where = find_in_files(tex.strip(), sources)
            problems.append(PressError(f"cannot typeset the formula ${tex}$: {error}", where))
            continue
        image = lxml.html.Element(
            "img",
            {
                "class": "math display" if display else "math inline",
                "src": typeset.data_url(),
                "alt": tex or "formula",
                "style": typeset.style(),
            },
        )
        image.tail = formula.tail
        parent = formula.getparent()
        if parent is not None:
            parent.replace(formula, image)
    if problems:
        raise CombinedError(problems)
    return "<!DOCTYPE html>\n" + str(lxml.html.tostring(tree, encoding="unicode"))


def tex_of(formula: etree._Element) -> str:
    """The TeX Pandoc kept beside a formula's MathML, or '' when there is none."""
    for annotation in formula.iter("annotation", f"{{{MATHML_NAMESPACE}}}annotation"):
        if annotation.get("encoding") == TEX_ENCODING:
            return " ".join((annotation.text or "").split())
    return ""


def presentation_mathml(formula: etree._Element) -> str:
    """A formula's MathML without its annotations, which only say what it was written as."""
    element = etree.fromstring(etree.tostring(formula, method="xml", encoding="unicode", with_tail=False))
    for semantics in list(element.iter("{*}semantics", "semantics")):
        shown = next((child for child in semantics if _local_name(child) not in ("annotation", "annotation-xml")), None)
        parent = semantics.getparent()
        if parent is None:
            continue
        if shown is None:
            parent.remove(semantics)
        else:
            shown.tail = semantics.tail
            parent.replace(semantics, shown)
    if "xmlns" not in element.attrib and not str(element.tag).startswith("{"):
        element.set("xmlns", MATHML_NAMESPACE)
    return etree.tostring(element, encoding="unicode")


@lru_cache(maxsize=4096)
def typeset_mathml(mathml: str) -> Formula:
    """One formula set as an SVG image; the same formula is set only once per process."""
    with _ziamath_complaints() as complaints:
        try:
            math = _ziamath()(mathml, size=UNITS_PER_EM, margin=0)
            svg = math.svg()
        except Exception as error:  # ziamath raises whatever its parser or its font code raise
            raise TypesettingError(str(error) or type(error).__name__) from None
    if complaints:
        raise TypesettingError(complaints[0])
    box = math.node.bbox
    return Formula(
        svg=svg,
        width=_ems(box.xmax - box.xmin),
        height=_ems(box.ymax - box.ymin),
        depth=_ems(-box.ymin),
    )


@cache
def _ziamath() -> type[Math]:
    """ziamath, loaded when the first formula is set: it reads its font as it loads."""
    from ziamath.config import config
    from ziamath.zmath import Math

    config.svg2 = True  # each glyph drawn once and reused, which WeasyPrint supports
    return Math


def _ems(units: float) -> float:
    return round(units / UNITS_PER_EM, EM_DECIMALS)


def _formulas(tree: etree._Element) -> Iterator[etree._Element]:
    return iter(list(tree.iter("math", f"{{{MATHML_NAMESPACE}}}math")))


def _local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


class _Complaints(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _ziamath_complaints() -> Iterator[list[str]]:
    """What ziamath logs (on the root logger) while it sets a formula: an element it cannot set."""
    handler = _Complaints()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)
