"""The fonts for every script: which typeface sets which characters, in which language.

The text face (Linux Libertine, with Nanum Myeongjo for Hangul) sets Latin,
Greek, Cyrillic, Hebrew and Hangul. Every other script comes from a Noto
typeface installed from npm (@fontsource, see package.json), whose font files
are cut into slices, each declaring the characters it holds (its CSS
`unicode-range`). An edition is given only the slices that set a character of
its text, so that a Chinese book loads a few dozen of the hundred Chinese slices
and an English one loads none.

Han characters are shared by Chinese, Japanese and Korean but drawn differently
in each, so the order in which the typefaces are tried follows the language of
the run of text (`lang`): Japanese kanji come from the Japanese face. The same
order is written into the stylesheets as the custom property `--press-scripts`
(`:lang()` rules), which every edition's font stack names.

A character that neither the text face, the catalogue nor the author's own fonts
(`fonts:` in the front matter) can set is a missing glyph.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import cssselect2
import lxml.html
import tinycss2

from . import STYLES_DIR, TOOLCHAIN_ROOT
from .errors import PressError
from .fonts import font_face, font_program

FONTSOURCE = TOOLCHAIN_ROOT / "node_modules" / "@fontsource"
#: The weight of the catalogue's faces; bold runs in these scripts are emboldened by the renderer.
WEIGHT = 400
#: The bold weight, for the characters of the elements the stylesheets set in bold (headings above all).
BOLD_WEIGHT = 700
#: What WeasyPrint's own stylesheet for HTML sets in bold; the house style's and a title's rules add theirs.
USER_AGENT_BOLD = "h1, h2, h3, h4, h5, h6, strong, b, th"
BOLD_WEIGHTS = ("bold", "bolder", "600", "700", "800", "900")
#: The custom property holding the script faces, in the order a language wants them.
PROPERTY = "--press-scripts"
#: Characters that are never drawn, so need no glyph.
INVISIBLE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")
#: The default-ignorable characters of Unicode (DerivedCoreProperties) outside those categories, which
#: HarfBuzz draws as nothing: the grapheme joiner, Hangul fillers, Khmer's inherent vowels, Mongolian's and
#: the other variation selectors, the tags.
IGNORABLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF),
)  # fmt: skip
UNICODE_RANGE = re.compile(r"U\+([0-9A-Fa-f?]+)(?:-([0-9A-Fa-f]+))?")
FONT_FACE_BLOCK = re.compile(r"@font-face\s*{(.*?)}", re.DOTALL)


@dataclass(frozen=True)
class Typeface:
    """A typeface of the catalogue: its CSS family name, its own name, its npm package,
    and the languages (BCP 47 tags, lower case) that try it before the others."""

    family: str
    name: str
    package: str
    languages: tuple[str, ...] = ()

    @property
    def folder(self) -> Path:
        return FONTSOURCE / self.package

    @property
    def stylesheet(self) -> Path:
        return self.folder / f"{WEIGHT}.css"

    @property
    def licence(self) -> Path:
        return self.folder / "LICENSE"


@dataclass(frozen=True)
class Slice:
    """One font file of a typeface and the characters it declares."""

    typeface: Typeface
    source: Path
    ranges: tuple[tuple[int, int], ...]

    @property
    def family(self) -> str:
        """A family name of the slice's own, 'Press JP 119': WeasyPrint tells fonts apart in
        the PDF by family, style and weight, so slices of one family would share one font."""
        label = self.source.name.removeprefix(f"{self.typeface.package}-").removesuffix(f"-{WEIGHT}-normal.woff2")
        return f"{self.typeface.family} {label}"

    def declares(self, point: int) -> bool:
        return point in self._declared

    @cached_property
    def _declared(self) -> CodePointRanges:
        return CodePointRanges(self.ranges)


class CodePointRanges:
    """Ranges of code points, asked about one code point at a time by a search of their starts: a CJK
    slice declares hundreds of ranges, and a Chinese book asks each slice about each of its thousands
    of characters (a scan of the ranges took such a book most of a minute)."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged = runs_of_ranges(ranges)
        self.starts = [low for low, _ in merged]
        self.ends = [high for _, high in merged]

    def __contains__(self, point: int) -> bool:
        index = bisect.bisect_right(self.starts, point) - 1
        return index >= 0 and point <= self.ends[index]


def runs(points: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted code points as (low, high) runs of consecutive ones."""
    return runs_of_ranges((point, point) for point in points)


def runs_of_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges of code points merged where they overlap or meet, in order."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def css_unicode_range(ranges: Iterable[tuple[int, int]]) -> str:
    return ", ".join(f"U+{low:04X}-{high:04X}" if low != high else f"U+{low:04X}" for low, high in ranges)


#: Han first in the order of these languages' tags; the most specific tag wins (zh-Hant over zh).
TYPEFACES = (
    Typeface("Press SC", "Noto Serif SC", "noto-serif-sc", ("zh", "zh-hans", "zh-cn", "zh-sg")),
    Typeface("Press TC", "Noto Serif TC", "noto-serif-tc", ("zh-hant", "zh-tw", "zh-hk", "zh-mo")),
    Typeface("Press JP", "Noto Serif JP", "noto-serif-jp", ("ja",)),
    Typeface("Press KR", "Noto Serif KR", "noto-serif-kr", ("ko",)),
    Typeface("Press Arabic", "Noto Naskh Arabic", "noto-naskh-arabic"),
    Typeface("Press Hebrew", "Noto Serif Hebrew", "noto-serif-hebrew"),
    Typeface("Press Devanagari", "Noto Serif Devanagari", "noto-serif-devanagari"),
    Typeface("Press Thai", "Noto Serif Thai", "noto-serif-thai"),
    Typeface("Press Armenian", "Noto Serif Armenian", "noto-serif-armenian"),
    Typeface("Press Georgian", "Noto Serif Georgian", "noto-serif-georgian"),
    Typeface("Press Symbols", "Noto Sans Symbols", "noto-sans-symbols"),
    Typeface("Press Symbols 2", "Noto Sans Symbols 2", "noto-sans-symbols-2"),
    Typeface("Press Emoji", "Noto Emoji", "noto-emoji"),
)


def toolchain_files() -> list[Path]:
    """What stands for the catalogue's fonts in cache keys and Make's dependencies: each
    package's version and slice table (hashing every font file would cost more than a build)."""
    if missing := missing_packages():
        raise PressError(f"the fonts for other scripts are not installed ({missing[0]}): run `make` (npm ci)")
    return [path for typeface in TYPEFACES for path in (typeface.folder / "package.json", typeface.stylesheet)]


def parse_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """'U+0590-05FF, U+20AA, U+4??' as sorted (low, high) pairs."""
    pairs = []
    for low, high in UNICODE_RANGE.findall(text):
        if "?" in low:
            pairs.append((int(low.replace("?", "0"), 16), int(low.replace("?", "F"), 16)))
        else:
            pairs.append((int(low, 16), int(high or low, 16)))
    return tuple(sorted(pairs))


def parse_slices(typeface: Typeface, css: str) -> tuple[Slice, ...]:
    """A @fontsource stylesheet's slices: the WOFF2 file of each @font-face rule and its unicode-range."""
    found = []
    for block in FONT_FACE_BLOCK.findall(css):
        source = re.search(r"url\(\s*['\"]?\./([^'\")]+\.woff2)", block)
        declared = re.search(r"unicode-range:\s*([^;]+)", block)
        if source is None:
            continue
        ranges = parse_ranges(declared.group(1)) if declared else ((0, 0x10FFFF),)
        found.append(Slice(typeface, typeface.folder / source.group(1), ranges))
    return tuple(sorted(found, key=lambda item: item.source.name))


@cache
def slices(typeface: Typeface) -> tuple[Slice, ...]:
    if not typeface.stylesheet.is_file():
        return ()
    return parse_slices(typeface, typeface.stylesheet.read_text(encoding="utf-8"))


def missing_packages() -> list[str]:
    """The catalogue's npm packages that are not installed (`make` installs them)."""
    return [f"@fontsource/{typeface.package}" for typeface in TYPEFACES if not typeface.stylesheet.is_file()]


@cache
def character_map(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    return frozenset(font_face(path).unicodes)


def slice_for(typeface: Typeface, point: int) -> Slice | None:
    """The slice of a typeface that sets a character, if any."""
    for candidate in slices(typeface):
        if candidate.declares(point) and point in character_map(candidate.source):
            return candidate
    return None


def order_for(lang: str) -> tuple[Typeface, ...]:
    """The catalogue's typefaces in the order a language tries them: those naming the
    language first (the most specific tag first), the others in catalogue order."""
    return tuple(sorted(TYPEFACES, key=lambda typeface: -_match_length(typeface, lang)))


def _match_length(typeface: Typeface, lang: str) -> int:
    tag = lang.lower()
    return max((len(name) for name in typeface.languages if tag == name or tag.startswith(name + "-")), default=0)


def needs_glyph(character: str) -> bool:
    """Whether a character is drawn (spaces, controls, joiners and variation selectors are not)."""
    if character.isspace() or unicodedata.category(character) in INVISIBLE_CATEGORIES:
        return False
    return not any(low <= ord(character) <= high for low, high in IGNORABLE_RANGES)


@dataclass(frozen=True)
class Selection:
    """What a text needs of the catalogue: the slices that set it, each with the characters
    it sets (in catalogue order), and the characters nothing sets (in order of appearance)."""

    slices: tuple[tuple[Slice, tuple[int, ...]], ...]
    missing: tuple[str, ...]

    def families(self, typeface: Typeface) -> list[str]:
        """The print edition's family names for the selected slices of a typeface."""
        return [item.family for item, _ in self.slices if item.typeface == typeface]


def select(characters_by_language: dict[str, str], covered: frozenset[int]) -> Selection:
    """The slices that set the characters `covered` (the text face, the author's fonts)
    leaves to the catalogue, in each run's language order; and the characters none sets."""
    chosen: dict[Slice, set[int]] = {}
    missing: dict[str, None] = {}
    for lang, text in sorted(characters_by_language.items()):
        order = order_for(lang)
        for character in dict.fromkeys(text):
            point = ord(character)
            if point in covered or not needs_glyph(character):
                continue
            found = next((item for typeface in order if (item := slice_for(typeface, point)) is not None), None)
            if found is None:
                missing[character] = None
            else:
                chosen.setdefault(found, set()).add(point)
    rank = {typeface: index for index, typeface in enumerate(TYPEFACES)}
    ordered = sorted(chosen, key=lambda item: (rank[item.typeface], item.source.name))
    return Selection(tuple((item, tuple(sorted(chosen[item]))) for item in ordered), tuple(missing))


#: The attributes whose words a page may draw: an image's alternative text, a title, and those the print
#: stylesheet sets as strings (`string-set: right-head attr(data-running-head)`), which a book's frame, its
#: headings empty, holds alone.
DRAWN_ATTRIBUTES = ("alt", "title", "data-running-head", "data-pages-before", "data-pages-between", "data-pages-after")


def text_by_language(tree: lxml.html.HtmlElement, default: str) -> dict[str, str]:
    """The text of a page (or fragment), gathered by the language of each run (`lang`)."""
    gathered: dict[str, list[str]] = {}
    for lang, text in _runs(tree, default):
        gathered.setdefault(lang, []).append(text)
    return {lang: "".join(pieces) for lang, pieces in gathered.items()}


def _runs(element: lxml.html.HtmlElement, lang: str) -> Iterator[tuple[str, str]]:
    if not isinstance(element.tag, str):
        return
    own = element.get("lang") or element.get("{http://www.w3.org/XML/1998/namespace}lang") or lang
    if element.text:
        yield own, element.text
    for child in element:
        yield from _runs(child, own)
        if child.tail:
            yield own, child.tail
    for attribute in DRAWN_ATTRIBUTES:
        if element.get(attribute):
            yield own, element.get(attribute, "")


def family_rules(
    languages: Iterable[str], first: tuple[str, ...] = (), families: Callable[[Typeface], Sequence[str]] | None = None
) -> str:
    """`--press-scripts` for the page and for each language whose order differs from the default.

    `first` are families tried before the catalogue (the author's fonts); `families`
    names each typeface's families (the print edition names each slice on its own).
    Rules go from the least to the most specific tag, so that `:lang(zh-Hant)` wins
    over `:lang(zh)`.
    """

    def stack(order: tuple[Typeface, ...]) -> str:
        named = [name for typeface in order for name in (families(typeface) if families else [typeface.family])]
        return ", ".join(f'"{name}"' for name in (*first, "Press Korean", *named))

    rules = [f":root {{ {PROPERTY}: {stack(TYPEFACES)}; }}"]
    tags = sorted({name for typeface in TYPEFACES for name in typeface.languages}, key=lambda tag: (len(tag), tag))
    wanted = {lang.lower() for lang in languages}
    for tag in tags:
        if any(lang == tag or lang.startswith(tag + "-") for lang in wanted):
            rules.append(f":lang({tag}) {{ {PROPERTY}: {stack(order_for(tag))}; }}")
    return "\n".join(rules)


@cache
def stylesheet_coverage(stylesheet: Path) -> frozenset[int]:
    """Every code point a stylesheet's @font-face rules set, each font limited to its unicode-range."""
    covered: set[int] = set()
    rules = tinycss2.parse_stylesheet(stylesheet.read_text(encoding="utf-8"), skip_comments=True)
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or not rule.content:
            continue
        body = tinycss2.serialize(rule.content)
        source = re.search(r"url\(\s*['\"]?([^'\")]+)", body)
        declared = re.search(r"unicode-range:\s*([^;]+)", body)
        if source is None:
            continue
        points = character_map((stylesheet.parent / source.group(1)).resolve())
        if declared:
            ranges = CodePointRanges(parse_ranges(declared.group(1)))
            points = frozenset(point for point in points if point in ranges)
        covered.update(points)
    return frozenset(covered)


def text_face_coverage() -> frozenset[int]:
    """What the text face sets (Linux Libertine, Nanum Myeongjo for Hangul), as the print stylesheet declares it."""
    return stylesheet_coverage(STYLES_DIR / "print.css")


def font_coverage(paths: Iterable[Path]) -> frozenset[int]:
    covered: set[int] = set()
    for path in paths:
        covered.update(character_map(path))
    return frozenset(covered)


def author_families(fonts: tuple[Path, ...]) -> tuple[str, ...]:
    """The CSS family names of the author's fonts, tried before the catalogue."""
    return tuple(f"Press Author {number}" for number in range(1, len(fonts) + 1))


def page_selection(languages: dict[str, str], base: frozenset[int], fonts: tuple[Path, ...]) -> Selection:
    """What a page needs of the catalogue, besides the text face (`base`) and the author's fonts, from its text by
    language (`text_by_language`)."""
    return select(languages, base | font_coverage(fonts))


def bold_characters(tree: lxml.html.HtmlElement, stylesheets: Sequence[Path]) -> frozenset[int]:
    """The characters of the elements the stylesheets (and WeasyPrint's own) set in bold: a heading, a
    definition's term, a caption's label, a callout's title."""
    # Each stylesheet's change time and size in the key: one edited while the process runs (`make watch`) is read again.
    matcher = _bold_matcher(tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in stylesheets))
    root = cssselect2.ElementWrapper.from_html_root(tree)
    return frozenset(
        ord(character)
        for element in root.iter_subtree()
        if matcher.match(element)
        for character in element.etree_element.text_content()
    )


@cache
def _bold_matcher(stylesheets: tuple[tuple[Path, int, int], ...]) -> cssselect2.Matcher:
    """A matcher of the selectors of every rule that sets a bold weight (those that select a pseudo-element,
    whose words are the stylesheet's, left out)."""
    matcher = cssselect2.Matcher()
    preludes = [tinycss2.parse_component_value_list(USER_AGENT_BOLD)]
    rules = [rule for path, _, _ in stylesheets for rule in _rules(path.read_text(encoding="utf-8"))]
    for rule in rules:
        declarations = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
        if any(
            declaration.type == "declaration"
            and declaration.lower_name == "font-weight"
            and tinycss2.serialize(declaration.value).strip().lower() in BOLD_WEIGHTS
            for declaration in declarations
        ):
            preludes.append(rule.prelude)
    for prelude in preludes:
        try:
            selectors = cssselect2.compile_selector_list(prelude)
        except cssselect2.SelectorError:
            continue  # a selector WeasyPrint would not match either
        for selector in selectors:
            if selector.pseudo_element is None:
                matcher.add_selector(selector, None)
    return matcher


def _rules(text: str) -> Iterator[tinycss2.ast.QualifiedRule]:
    """A stylesheet's rules, those inside @media and @supports too."""
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            yield from _rules(tinycss2.serialize(rule.content))


def bold_source(item: Slice) -> Path | None:
    """The bold weight's file of a slice (the same characters), when the typeface has one."""
    path = item.source.with_name(item.source.name.replace(f"-{WEIGHT}-normal.", f"-{BOLD_WEIGHT}-normal."))
    return path if path != item.source and path.is_file() else None


def font_face_rules(selection: Selection, fonts: tuple[Path, ...], bold: frozenset[int] = frozenset()) -> str:
    """@font-face rules naming the author's fonts and the selected slices by their file
    URLs (for the print edition, whose renderer reads them from the disk); a slice's
    bold weight too for the characters in `bold` (a renderer does not embolden a face)."""
    rules = [
        f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); }}'
        for family, path in zip(author_families(fonts), fonts, strict=True)
    ]
    # The range is the characters the slice was chosen for: a renderer trusts a declared
    # range over the font's own character map (WeasyPrint hands it to fontconfig as the
    # font's coverage), so it must not promise more than the font holds, nor claim a
    # character another language's face should set.
    rules += [
        f'@font-face {{ font-family: "{item.family}"; src: url("{font_program(item.source).as_uri()}");'
        f" unicode-range: {css_unicode_range(runs(points))}; }}"
        for item, points in selection.slices
    ]
    for item, points in selection.slices:
        source = bold_source(item)
        wanted = sorted(bold.intersection(points))
        if source is not None and wanted:
            rules.append(
                f'@font-face {{ font-family: "{item.family}"; font-weight: bold;'
                f' src: url("{font_program(source).as_uri()}");'
                f" unicode-range: {css_unicode_range(runs(wanted))}; }}"
            )
    return "\n".join(rules)
