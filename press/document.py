"""The Document that flows from the one Pandoc pass to every edition.

Gather first: read the manuscript, check its front matter, resolve its style,
run Pandoc, split Pandoc's HTML into body, notes and bibliography, and collect
the images. The editions only write; none of them reads Markdown again.
"""

from __future__ import annotations

import base64
import copy
import difflib
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from . import limits, mathematics, pandoc, quarto, raw, sanitize
from .blocks import prepare_blocks
from .book import BOOKDOWN_PROJECT, read_source
from .contents import TOP_LEVEL, ContentsEntry, contents
from .context import BuildContext
from .csl import resolve_style
from .dates import build_time
from .divisions import (
    SEPARATOR_CLASS,
    Division,
    divide,
    name_divisions_in_references,
    notes_by_chapter,
    number_by_division,
    numbered_notes,
    renumber_references,
)
from .errors import CombinedError, Location, PressError, Reporter
from .front import FrontMatterHtml, parsed, take_front_matter
from .inputs import code_files
from .labels import labels_for
from .markup import (
    EDITIONS_ATTRIBUTE,
    for_edition,
    inner_html,
    name_anchors_as_identifiers,
    note_references,
    pandoc_notes_section,
    parse_fragment,
    rename_identifiers,
    unique_identifiers,
    written_identifier,
)
from .metadata import Manuscript, Metadata, load_metadata

#: Image formats every edition can carry (EPUB 3 core media types), by Pillow's name.
IMAGE_MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
SVG_MEDIA_TYPE = "image/svg+xml"
ILLUSTRATOR_ROLE = "ill"
#: The id of the block in which the references filter hands over the cited works.
REFERENCES_ID = "press-references"
#: The line a YAML block at the very top of a manuscript starts on, after its opening fence.
FIRST_YAML_LINE = 2
#: Identifiers the templates give what they add around the text (the title, the notes, the
#: bibliography, the colophon…): an author's heading "Notes" must not take one of them.
TEMPLATE_IDENTIFIER_NAMES = "top title toc toc-title notes notes-title bibliography bibliography-title colophon"
TEMPLATE_IDENTIFIERS = frozenset([*TEMPLATE_IDENTIFIER_NAMES.split(), "colophon-title", "landmarks", "page-list"])
#: What a book's print edition adds: its lists of figures and tables and its index, with their headings.
BOOK_PRINT_IDENTIFIERS = frozenset(
    f"{name}{suffix}" for name in ("list-of-figures", "list-of-tables", "index") for suffix in ("", "-title")
)
TEMPLATE_IDENTIFIERS |= BOOK_PRINT_IDENTIFIERS
#: What a figure's caption holds besides its words: its label ("Figure 1:"), a subfigure's letter, a note's
#: call, the credit line (see filters/crossref.lua and filters/figure-credit.lua).
CAPTION_ADDITIONS = " | ".join(
    f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    for name in ("caption-label", "subcaption-label", "footnote-ref", "credit")
)
#: A division the author gave the id `refs` (Markdown or raw HTML): where Pandoc places the bibliography.
PLACED_REFERENCES = re.compile(r"\{[^}\n]*#refs[\s}]|\bid=[\"']?refs\b")


@dataclass(frozen=True)
class Note:
    """One note as the citation style rendered it, numbered as in the text."""

    number: int
    identifier: str
    reference_identifier: str
    html: str
    #: In a book, the identifier of the division (chapter) whose numbering it follows.
    division: str = ""


@dataclass(frozen=True)
class Asset:
    """An image the editions carry, with the name it has inside them."""

    source: Path
    href: str
    media_type: str
    width: int | None
    height: int | None
    #: The bytes the editions carry: the file's, or for an SVG image, the file's made safe (see press.sanitize).
    content: bytes

    def read(self) -> bytes:
        return self.content

    def data_url(self) -> str:
        """The image inline, so that an edition depends on its bytes, not on where it lies."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.read()).decode('ascii')}"


@dataclass(frozen=True)
class Contributor:
    """Someone other than the author, with a MARC relator role such as 'ill'."""

    name: str
    role: str


@dataclass(frozen=True)
class Section:
    """A heading of the text, for tables of contents and bookmarks."""

    identifier: str
    title: str
    level: int
    #: A book's division label ("Chapter 3"), shown before the title.
    label: str | None = None


@dataclass(frozen=True)
class Document:
    """One manuscript, read once: what every edition is written from."""

    name: str
    metadata: Metadata
    body: str
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    bibliography: str | None
    bibliography_title: str | None
    lead_image: Asset | None
    assets: tuple[Asset, ...]
    contributors: tuple[Contributor, ...]
    identifier: str
    modified: datetime
    #: The keys of the works the bibliography lists (in its order), then of any other
    #: citation: what metadata such as schema.org's `citation` describes.
    cited_keys: tuple[str, ...] = ()
    #: The cited works as CSL JSON entries, from the Pandoc pass.
    references: tuple[dict[str, Any], ...] = ()
    #: Title, subtitle, names, abstract, dedication and thanks as HTML, where the front matter has them.
    front: FrontMatterHtml = field(default_factory=FrontMatterHtml)
    #: A book's divisions in reading order, each one top-level element of the body; none for an essay.
    divisions: tuple[Division, ...] = ()
    #: The files the text comes from: the manuscript, or a book's files in order.
    sources: tuple[Path, ...] = ()

    @property
    def is_book(self) -> bool:
        """Whether the manuscript is set as a book: chapters on pages of their own, front and back matter."""
        return bool(self.divisions)

    @property
    def contents(self) -> list[ContentsEntry]:
        """The table of contents the front matter asks for (`toc: true`), or none."""
        return contents(self.sections, self.metadata.toc_depth) if self.metadata.toc else []

    @property
    def modified_iso(self) -> str:
        return self.modified.strftime("%Y-%m-%dT%H:%M:%SZ")


@limits.within_budget("reading the manuscript")
def load_document(
    manuscript_path: Path, context: BuildContext, while_pandoc_runs: Callable[[], object] = lambda: None
) -> Document:
    """Read a manuscript and everything it names into one Document.

    Problems a build would stop at go to the context's reporter, which raises
    them, or records them and goes on when it collects every finding (`check`).
    Active content in the manuscript's HTML is refused, or with the option
    `remove_active_content` removed with a warning (see press.sanitize).
    `while_pandoc_runs` is called once the manuscript is read, while Pandoc converts it (see
    press.pandoc.convert), unless the manuscript stops the build first.
    """
    reporter = context.reporter
    manuscript_path = manuscript_path.resolve()
    context.read_file(manuscript_path)
    if not manuscript_path.is_dir():
        limits.check_file_size(manuscript_path, limits.MANUSCRIPT_BYTES, "manuscript")
    manuscript = read_source(manuscript_path, reporter, context.options.metadata.chapters)
    for path in manuscript.files:
        context.read_file(path)
    # A bookdown project's file lists its chapters, and makes `::: {.theorem}` bookdown's theorem.
    bookdown_project = manuscript.path.parent / BOOKDOWN_PROJECT
    (context.read_file if bookdown_project.is_file() else context.look_for)(bookdown_project)
    variables = quarto.variables_file(manuscript)  # what `{{< var … >}}` reads
    if variables is not None:
        (context.read_file if variables.is_file() else context.look_for)(variables)
    extra = context.options.metadata
    metadata = load_metadata(manuscript, reporter, extra)
    folder = manuscript.path.parent
    image_limits = limits.image_limits(metadata.values, metadata.location)
    # Files the command line names are the operator's; those the manuscript names stay in its folder.
    for path in metadata.bibliographies:
        named = path if path not in extra.bibliographies else None
        limits.check_inputs(manuscript.text, manuscript.path, named, metadata.location("bibliography"))
    if not metadata.bibliographies:
        limits.check_inputs(manuscript.text, manuscript.path, None, metadata.location("bibliography"))
    style = resolve_style(
        metadata.csl, folder, metadata.location("csl"), confined=metadata.csl != extra.csl, warn=reporter.warn
    )
    for path in (*pandoc.input_files(metadata, style, extra), *metadata.fonts):
        context.read_file(path)
    guesses_for = reporter if context.guess_pandoc else None
    output = pandoc.convert(manuscript, metadata, style, extra, context.cache, while_pandoc_runs, guesses_for)
    try:
        pandoc.check_citations(output, manuscript, metadata)
    except PressError as error:
        reporter.fail(error)
    for message, location in pandoc.other_warnings(output, manuscript):
        reporter.warn(message, location)
    # `\listoffigures` in a manuscript written for LaTeX asks for what `lof: true` does.
    lists = raw.asked_lists(pandoc.left_out(output))
    metadata = replace(
        metadata,
        toc=metadata.toc or "toc" in lists,
        list_of_figures=metadata.list_of_figures or "lof" in lists,
        list_of_tables=metadata.list_of_tables or "lot" in lists,
    )
    fragment = parse_fragment(output.html)
    references = _take_references(fragment)
    _confine(fragment, manuscript, metadata, context)
    front, metadata = take_front_matter(fragment, metadata)
    name_anchors_as_identifiers(fragment)
    rename_identifiers(fragment, TEMPLATE_IDENTIFIERS)
    _report_identifiers_written_twice(unique_identifiers(fragment), manuscript, reporter)
    for message, location in raw.carry_raw_html(fragment, manuscript):
        reporter.warn(message, location)
    mathematics.prepare_formulas(fragment)
    prepare_blocks(fragment, metadata.lang, metadata.direction)
    _report_what_print_and_epub_cannot_carry(fragment, manuscript, reporter)
    _report_what_other_editions_miss(fragment, manuscript, metadata, reporter)

    cited_keys = tuple(_cited_keys(fragment))
    notes = _take_notes(fragment)
    bibliography_title, bibliography = _take_bibliography(fragment, manuscript)
    divisions: tuple[Division, ...] = ()
    if _is_book(metadata, manuscript, fragment):
        if not {"toc", "table-of-contents"} & metadata.values.keys():
            # A book has its contents, as Quarto's and bookdown's have, unless it says `toc: false`.
            metadata = replace(metadata, toc=True)
        numbered = metadata.values.get("number-sections") is not False
        divisions = divide(fragment, metadata.lang, folder, numbered)
        name_divisions_in_references(fragment, divisions)
        by_chapter = not (
            isinstance(crossref := metadata.values.get("crossref"), dict) and crossref.get("chapters") is False
        )
        renumbered = number_by_division(fragment, divisions) if by_chapter else {}
        notes = tuple(_with_divisions_named(note, divisions, renumbered) for note in notes)
        front = _front_renumbered(front, renumbered)
        notes = notes_by_chapter(fragment, notes)
    elif metadata.list_of_figures or metadata.list_of_tables:
        asked = "lof" if metadata.list_of_figures else "lot"
        # Asked in the front matter, or by LaTeX's command (`raw.LIST_COMMANDS`) in the text.
        command = next(command for command, asking in raw.LIST_COMMANDS.items() if asking == asked)
        written = asked in metadata.field_lines or command not in manuscript.text
        reporter.warn(
            f"`{asked}`: the web page and the EPUB list the figures and tables; an essay's PDF does not"
            " (a book's lists them after its contents)",
            metadata.location(asked) if written else manuscript.locate(command),
        )
    _report_numbers_other_editions_skip(fragment, manuscript, metadata.lang, reporter)
    assets: dict[Path, Asset] = {}
    lead_image = None
    if metadata.illustration is not None:
        location = metadata.location("illustration")
        lead_image = _asset(metadata.illustration.image, folder, assets, location, image_limits, context)
    locate = sanitize.text_locator(_text_sources(manuscript))
    # Every image that cannot be carried (missing, unreadable, too large) is reported in one run, each at its place.
    image_problems: list[PressError] = []

    def carry_images(holder: lxml.html.HtmlElement, base: Path) -> bool:
        """Give the images of the text or of a note their alternative text and their place in the editions;
        whether there were any."""
        images = list(holder.iter("img"))
        for image in images:
            _give_alternative_text(image, locate, reporter)
            image_path = unquote(urlsplit(image.get("src", "")).path)
            # A path written from the root (`/images/map.png`) starts at the Quarto project's, as Quarto reads it.
            root = quarto.project_root(folder) if image_path.startswith("/") else folder
            source = root / image_path.lstrip("/") if image_path.startswith("/") else base / image_path
            # Else beside the book's file, else, as Pandoc finds it, from the folder the build runs in (within
            # the manuscript's folder: `src/img.png` written in `src/ch.md`, built from the project's folder).
            for fallback in (folder / image_path, Path.cwd() / image_path):
                if not source.is_file() and fallback.is_file() and fallback.resolve().is_relative_to(folder.resolve()):
                    # Made again when the image appears where it is looked for first.
                    context.look_for(source)
                    context.look_for(folder / image_path)
                    source = fallback
            try:
                asset = _asset(source, root, assets, locate(image.get("src", "")), image_limits, context)
                image.set("src", asset.href)
            except PressError as error:
                image_problems.append(error)
        return bool(images)

    # A chapter's images lie beside its file, or else beside the book's (as bookdown and Pandoc find them,
    # from the folder the book is made in); `_confine` let through only images without a scheme.
    bases = {division.identifier: division.source.parent for division in divisions if division.source is not None}
    for element in fragment:
        carry_images(element, bases.get(element.get("id", ""), folder))
    notes = tuple(_with_images_carried(note, carry_images, bases.get(note.division, folder)) for note in notes)
    if image_problems:
        reporter.fail(CombinedError([problem for error in image_problems for problem in error.problems]))
    notes = _unlink_dangling(fragment, notes, bibliography, manuscript, reporter)
    return Document(
        name=manuscript_path.stem,
        metadata=metadata,
        body=inner_html(fragment),
        sections=_sections(fragment),
        notes=notes,
        bibliography=bibliography,
        bibliography_title=bibliography_title,
        lead_image=lead_image,
        assets=tuple(assets.values()),
        contributors=_contributors(metadata, fragment),
        identifier=metadata.identifier or _derived_identifier(metadata),
        modified=build_time(),
        cited_keys=cited_keys,
        references=references,
        front=front,
        divisions=divisions,
        sources=manuscript.files,
    )


def _give_alternative_text(image: lxml.html.HtmlElement, locate: sanitize.Locate, reporter: Reporter) -> None:
    """An image written without alternative text (`![](map.png)`) takes the words of the caption of the figure
    it stands in (as Pandoc gives an implicit figure's image its caption, and knitr a figure's image its
    fig.cap); with no caption, it is marked decorative (`alt=""`, which every edition's readers and
    validators take for an image that carries nothing, and the PDF draws as an artifact), with a warning at
    its line: readers who cannot see it will not know what it shows. An empty `alt` the author wrote says the
    image is decorative: it is kept without a word."""
    if image.get("alt") is not None:
        return
    caption = _caption_words(image)
    if not caption:
        written = image.get("src", "")
        name = unquote(written)
        reporter.warn(
            f"image '{name}' has no alternative text: readers who cannot see it will not know what it shows,"
            f" and the editions mark it as decorative; describe it, ![what it shows]({name}), or give it a"
            " caption",
            locate(written),
        )
    image.set("alt", caption)


def _caption_words(image: lxml.html.HtmlElement) -> str:
    """The words of the caption of the nearest figure around an image that has some, as plain text: without
    the caption's label ("Figure 1:"), a subfigure's letter, a note's number or the credit line."""
    for figure in image.iterancestors("figure"):
        caption = figure.find("figcaption")
        if caption is None:
            continue
        words = copy.deepcopy(caption)
        for added in words.xpath(CAPTION_ADDITIONS):
            added.drop_tree()
        text = " ".join(mathematics.shown_text(words).split())
        if text:
            return text
    return ""


def toolchain_files() -> list[Path]:
    """The toolchain's files every edition is made with: the loader's code (Pandoc's inputs
    are recorded as the loader reads them)."""
    return list(code_files(__name__))


#: Pandoc's class for a heading the contents leave out.
UNLISTED = "unlisted"


def _sections(fragment: lxml.html.HtmlElement) -> tuple[Section, ...]:
    """Every heading with an identifier, but those marked `unlisted` (Pandoc's word for a heading
    kept out of the contents, a Quarto tab's title); in a book, the divisions outside parts at the
    parts' level."""
    sections = []
    for heading in fragment.iter("h2", "h3", "h4", "h5", "h6"):
        parent = heading.getparent()
        classes = heading.get("class", "").split()
        if parent is not None and parent.tag == "section":
            classes += parent.get("class", "").split()
        if UNLISTED in classes:
            continue
        identifier = heading.get("id") or (parent.get("id") if parent is not None and parent.tag == "section" else None)
        if not identifier:
            continue
        level = int(heading.tag[1])
        if level == TOP_LEVEL and parent is not None and parent.get("data-division") and not parent.get("data-part"):
            level -= 1  # a book's parts, and what stands outside them, above the chapters of the parts
        label = next(heading.iterfind("span[@class='division-label']"), None)
        shown = lxml.html.fragment_fromstring(lxml.html.tostring(heading, encoding="unicode"))
        for added in shown.iterfind("span"):
            if added.get("class") in ("division-label", "division-separator"):
                added.drop_tree()
        title = " ".join(mathematics.shown_text(shown).split())
        sections.append(Section(identifier, title, level, label.text_content() if label is not None else None))
    return tuple(sections)


def _is_book(metadata: Metadata, manuscript: Manuscript, fragment: lxml.html.HtmlElement) -> bool:
    """A book: the front matter says so, the text comes from chapter files, or it has parts."""
    has_parts = any("part" in section.get("class", "").split() for section in fragment.iterfind("section"))
    return metadata.book or bool(manuscript.chapter_files) or has_parts


def _text_sources(manuscript: Manuscript) -> list[tuple[Path, str, int]]:
    """The author's files with where their text (after the front matter) begins: where to find what
    Pandoc's HTML holds. A book's metadata file holds front matter only."""
    sources = manuscript.sources()
    first, text, _ = sources[0]
    if first.suffix.lower() != ".md":
        return sources[1:] or sources
    # A book's main file opens its text, so its front matter ends where the manuscript's does.
    sources[0] = (first, text, _body_start(manuscript))
    return sources


def _take_references(fragment: lxml.html.HtmlElement) -> tuple[dict[str, Any], ...]:
    """The cited works the references filter appended to the document (the last such block)."""
    # With --section-divs the block ends up inside the last section.
    blocks = [block for block in fragment.iter("script") if block.get("id") == REFERENCES_ID]
    if not blocks:
        return ()
    # Any earlier block of that name is the author's raw HTML, left for `_confine` to deal with.
    entries = json.loads(blocks[-1].text or "[]")
    blocks[-1].drop_tree()
    return tuple(entry for entry in entries if isinstance(entry, dict))


def edition_document(document: Document, edition: str) -> Document:
    """The document as `edition` gives it.

    What the author meant for other editions only (Quarto's `.content-visible`) is left out of the
    text, of the notes and of the contents, and so are the notes called from there; the notes left
    are numbered again as their calls now come, a book's in each division, so that no edition skips
    a number. A link to what is left out keeps its words as text (load_document warned of it).
    """
    marked = f"{EDITIONS_ATTRIBUTE}="
    if marked not in document.body and not any(marked in note.html for note in document.notes):
        return document
    body = parse_fragment(document.body)
    identifiers = _identifiers(body)
    called = {str(call.get("href", "")).removeprefix("#") for call in note_references(body)}
    for_edition(body, edition)
    kept = _identifiers(body)
    notes_left_out = called - {str(call.get("href", "")).removeprefix("#") for call in note_references(body)}
    fragments = [
        (note, for_edition(parse_fragment(note.html), edition))
        for note in document.notes
        if note.identifier not in notes_left_out
    ]
    gone = identifiers - kept
    for fragment in [body, *(fragment for _, fragment in fragments)]:
        for link in list(fragment.iter("a")):
            if str(link.get("href", "")).removeprefix("#") in gone:
                link.drop_tag()
    notes = tuple(replace(note, html=inner_html(fragment)) for note, fragment in fragments)
    if document.is_book:
        notes = notes_by_chapter(body, notes)
    else:
        # Through the front matter, whose notes come first and stay (no edition leaves them out), then the text.
        notes = numbered_notes([*parsed(document.front).in_reading_order(), body], notes)
    return replace(
        document,
        body=inner_html(body),
        notes=notes,
        sections=tuple(section for section in document.sections if section.identifier in kept),
        divisions=tuple(division for division in document.divisions if division.identifier in kept),
    )


def _unlink_dangling(
    fragment: lxml.html.HtmlElement,
    notes: tuple[Note, ...],
    bibliography: str | None,
    manuscript: Manuscript,
    reporter: Reporter,
) -> tuple[Note, ...]:
    """A link to an identifier that nothing in the text has (`[see](#sumary)`) keeps its words without the
    link, with a warning at its line: it would lead nowhere, and the EPUB would not be valid. Returns the
    notes, their links mended too."""
    # Only the notes that may hold a link or an identifier are read again (a book has thousands of notes).
    note_fragments = {
        index: parse_fragment(note.html)
        for index, note in enumerate(notes)
        if "href=" in note.html or "id=" in note.html
    }
    holders = [fragment, *note_fragments.values(), *([parse_fragment(bibliography)] if bibliography else [])]
    identifiers = {str(element.get("id")) for holder in holders for element in holder.iter() if element.get("id")}
    identifiers |= {note.identifier for note in notes} | {note.reference_identifier for note in notes}
    identifiers |= TEMPLATE_IDENTIFIERS | {"refs"}
    mended: set[int] = set()
    for index, holder in [(-1, fragment), *note_fragments.items()]:
        for link in list(holder.iter("a")):
            href = str(link.get("href", ""))
            target = unquote(href[1:])
            if not href.startswith("#") or target in identifiers or href[1:] in identifiers:
                continue
            # Where the author wrote the target: `(#target)` in Markdown, else anywhere (raw HTML).
            markdown = f"(#{target})" in manuscript.text
            written = re.compile(rf"(?<=\()#{re.escape(target)}\)" if markdown else re.escape(f"#{target}"))
            # GitHub's identifiers are lower case (`#Описание` for `# Описание` is Pandoc's `#описание`).
            close = difflib.get_close_matches(target.lower(), sorted(identifiers), n=1, cutoff=0.75)
            hint = f"; did you mean '#{close[0]}'?" if close else ""
            reporter.warn(
                f"the link to '#{target}' leads to nothing in the text (no heading or element has that"
                f" identifier); the editions keep its words without the link{hint}",
                manuscript.written_at(written)[0],
            )
            link.drop_tag()
            mended.add(index)
    return tuple(
        replace(note, html=inner_html(note_fragments[index])) if index in mended else note
        for index, note in enumerate(notes)
    )


def _report_identifiers_written_twice(
    renamed: list[tuple[str, str]], manuscript: Manuscript, reporter: Reporter
) -> None:
    """A warning at the place an identifier is written again (`{#x}`, `id="x"`), saying what it became: links lead
    to the one kept (see markup.unique_identifiers). One written once, beside one Pandoc made from a heading's words,
    is kept, the other renamed without a word, as Pandoc renames its own."""
    seen: dict[str, int] = {}
    for identifier, new in renamed:
        written = manuscript.written_at(written_identifier(identifier), raw=True)
        seen[identifier] = seen.get(identifier, 0) + 1
        if len(written) > seen[identifier] and written[seen[identifier]].line is not None:
            reporter.warn(
                f"the identifier '{identifier}' is given twice: links to it lead to the element that keeps it,"
                f" the other is now '{new}'",
                written[seen[identifier]],
            )


def _with_images_carried(note: Note, carry: Callable[[lxml.html.HtmlElement, Path], bool], base: Path) -> Note:
    """The note with its images given their alternative text and their place in the editions, as the text's."""
    if "<img" not in note.html:
        return note
    fragment = parse_fragment(note.html)
    return replace(note, html=inner_html(fragment)) if carry(fragment, base) else note


def _identifiers(fragment: lxml.html.HtmlElement) -> set[str]:
    return {str(element.get("id")) for element in fragment.iter() if element.get("id")}


def _front_renumbered(front: FrontMatterHtml, renumbered: dict[str, str]) -> FrontMatterHtml:
    """The front matter's blocks (an abstract, a dedication…) with their cross-references giving the numbers the
    chapters gave (see press.divisions)."""
    changed: dict[str, Any] = {}  # each a block field's HTML
    for name in ("abstract_html", "dedication_html", "thanks_html", "epigraph_html"):
        html = getattr(front, name)
        if html and "cross-ref" in html:
            blocks = parse_fragment(html)
            if renumber_references(blocks, renumbered):
                changed[name] = inner_html(blocks)
    return replace(front, **changed) if changed else front


def _with_divisions_named(note: Note, divisions: tuple[Division, ...], renumbered: dict[str, str]) -> Note:
    """The note with its cross-references to divisions reading as they are labelled, and to what was numbered
    afresh in each chapter giving its new number (see press.divisions)."""
    if "cross-ref" not in note.html:
        return note
    fragment = parse_fragment(note.html)
    named = name_divisions_in_references(fragment, divisions)
    return replace(note, html=inner_html(fragment)) if renumber_references(fragment, renumbered) or named else note


def _take_notes(fragment: lxml.html.HtmlElement) -> tuple[Note, ...]:
    section = pandoc_notes_section(fragment)
    if section is None:
        return ()
    notes = []
    for number, item in enumerate(section.iterfind("ol/li"), start=1):
        for back_link in item.find_class("footnote-back"):
            back_link.drop_tree()
        identifier = item.get("id", f"fn{number}")
        notes.append(Note(number, identifier, f"fnref{identifier.removeprefix('fn')}", inner_html(item).strip()))
    section.drop_tree()
    return tuple(notes)


def _take_bibliography(fragment: lxml.html.HtmlElement, manuscript: Manuscript) -> tuple[str | None, str | None]:
    """The bibliography's title and entries, taken out of the text for the editions' back matter.

    A bibliography the author placed with a `{#refs}` division amid other text stays
    where it is, as in any Pandoc output; alone in a section, that section's heading
    becomes its title.
    """
    references = fragment.find(".//div[@id='refs']")
    if references is None or len(references) == 0:
        if references is not None:
            references.drop_tree()
        return None, None
    title = None
    section = references.getparent()
    children = list(section) if section is not None else []
    if section is not None and section.tag == "section" and len(children) == 2 and children[1] is references:
        # The section Pandoc makes for `reference-section-title`: a heading and the entries.
        title = children[0].text_content().strip()
        section.drop_tree()
    elif PLACED_REFERENCES.search(manuscript.text):
        return None, None
    else:
        # Pandoc puts the entries after the text; a last chapter that is a heading alone (bookdown's and
        # Quarto's books end `# References {-}`) is their heading, not an empty chapter before them.
        before = references.getprevious()
        headings = before.xpath(".//*[self::h1 or self::h2 or self::h3]") if before is not None else []
        if before is not None and len(headings) == 1 and _words(before) == _words(headings[0]):
            title = _words(headings[0])
            before.drop_tree()
        references.drop_tree()
    return title, inner_html(references).strip()


def _words(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _cited_keys(fragment: lxml.html.HtmlElement) -> list[str]:
    """The keys of the bibliography entries listed (in their order), then of any other citation."""
    listed = [entry.get("id", "").removeprefix("ref-") for entry in fragment.find_class("csl-entry")]
    cited = [key for span in fragment.find_class("citation") for key in span.get("data-cites", "").split()]
    return [key for key in dict.fromkeys([*listed, *cited]) if key]


def _written_at(manuscript: Manuscript, written: str) -> list[Location]:
    """Every place a piece of text is written in the manuscript's prose."""
    return manuscript.written_at(re.compile(re.escape(written)))


def _confine(
    fragment: lxml.html.HtmlElement, manuscript: Manuscript, metadata: Metadata, context: BuildContext
) -> None:
    """Keep the manuscript's HTML from reaching outside the project or running code (see press.sanitize)."""
    # Pandoc writes an image in PDF (as LaTeX theses have them) as <embed>: an image no edition can show.
    supported = ", ".join(sorted([*IMAGE_MEDIA_TYPES, "SVG"]))
    pdf_images = [
        embedded
        for embedded in fragment.iter("embed")
        if embedded.get("src", "").lower().endswith(".pdf") and embedded.get("src", "") in manuscript.text
    ]
    if pdf_images:
        context.reporter.fail(
            CombinedError(
                [
                    PressError(f"image {source} is a PDF, which no edition can show; use one of {supported}", where)
                    for source in dict.fromkeys(str(embedded.get("src")) for embedded in pdf_images)
                    for where in _written_at(manuscript, source)
                ]
            )
        )
        for embedded in pdf_images:
            embedded.drop_tree()  # reported: when every finding is collected, nothing else is said of it
    # Pandoc's HTML comes from the text after the front matter (whose values the templates escape).
    sources = _text_sources(manuscript)
    sources += [(path, path.read_text(encoding="utf-8", errors="replace"), 0) for path in metadata.bibliographies]

    def is_image_file(url: str) -> bool:
        return sanitize.url_scheme(url) is None and not url.startswith("//")

    locate = sanitize.text_locator(sources, manuscript.path)
    try:
        sanitize.refuse_active_content(
            fragment, locate, is_image_file, remove=context.options.remove_active_content, reporter=context.reporter
        )
    except PressError as error:
        context.reporter.fail(error)


def _report_what_print_and_epub_cannot_carry(
    fragment: lxml.html.HtmlElement, manuscript: Manuscript, reporter: Reporter
) -> None:
    """Links to other files of a website (`/about/`, `other.html`) work on the web only: the
    PDF and the EPUB keep their words as text. Tables without header cells cannot tell
    readers of the tagged PDF, or of a screen reader, what their columns hold."""
    for href in dict.fromkeys(link.get("href", "") for link in fragment.iter("a")):
        if href and not href.startswith("#") and sanitize.url_scheme(href) is None:
            # As written: Pandoc writes `{{url}}` and `<my file.csv>` percent-encoded.
            written = unquote(href)
            path = written.split("#", 1)[0].split("?", 1)[0]
            beside = manuscript.path.parent / path
            missing = (
                f" (and no file '{path}' is beside the manuscript)"
                if path and not path.startswith("/") and not beside.exists()
                else ""
            )
            found = next(
                (f"{opening}{written}" for opening in "(<" if f"{opening}{written}" in manuscript.text), written
            )
            reporter.warn(
                f"the link to '{written}' works in the web edition only, if that file is published beside it"
                f"{missing}; the PDF and the EPUB, which do not carry it, keep its words as text (give a full"
                " address, https://…, to keep it)",
                manuscript.locate(found),
            )
    for table in fragment.iter("table"):
        if next(table.iter("th"), None) is None:
            reporter.warn(
                "a table without header cells: readers of the tagged PDF and screen readers cannot tell what its"
                " columns hold (give it a header row)",
                _table_location(table, manuscript),
            )


def _table_location(table: lxml.html.HtmlElement, manuscript: Manuscript) -> Location:
    """Where a table is written: the line of its first row, its cells as a pipe, simple or grid table sets them
    (a cell as short as "a" is found anywhere), else its first cell's words, else the first raw `<table>`."""
    first_row = next(table.iter("tr"), None)
    cells = [" ".join(cell.text_content().split()) for cell in (first_row if first_row is not None else ())]
    if cells and all(cells):
        columns = r"(?:[ \t]+|[ \t]*\|[ \t]*)".join(r"\s+".join(map(re.escape, cell.split())) for cell in cells)
        row = manuscript.written_at(re.compile(rf"^[ \t|+]*{columns}[ \t|+]*$", re.MULTILINE))[0]
        if row.line is not None:
            return row
    words = " ".join(next(table.iter("td"), table).text_content().split())
    return manuscript.locate(next((text for text in (words, "<table") if text in manuscript.text), ""))


#: How a warning names each edition that content for some editions only is in.
EDITION_NAMES = {"html": "the web edition", "pdf": "the PDF", "epub": "the EPUB"}
#: What is numbered, by the class of the number written: by the cross-reference filter, and a book's divisions.
NUMBER_CLASSES = (
    *("caption-label", "equation-number", "header-section-number", "division-label", "theorem-number"),
    "callout-number",
)


def _report_what_other_editions_miss(
    fragment: lxml.html.HtmlElement, manuscript: Manuscript, metadata: Metadata, reporter: Reporter
) -> None:
    """What content for some editions only leaves the others, said where it is written (the author
    may accept it): a link to something in it keeps only its words in those editions, and what it
    cites counts there all the same, for citeproc runs once for every edition. Run while the notes
    are still in the fragment: a note goes with its call."""
    calls = {str(call.get("href", ""))[1:]: call for call in note_references(fragment)}
    # The works every edition cites: where a citation is not in such content, nor in a note called from there.
    cited_by_all = {
        key
        for citation in fragment.find_class("citation")
        if _editions_of(_called_from(citation, calls)) == frozenset(EDITION_NAMES)
        for key in citation.get("data-cites", "").split()
    }
    held_by: dict[str, frozenset[str]] = {}  # each identifier inside such content: the editions that have it
    for element in fragment.iterfind(f".//*[@{EDITIONS_ATTRIBUTE}]"):
        for inner in element.iter():
            if inner.get("id"):
                held_by[str(inner.get("id"))] = _editions_of(inner)
        if any(ancestor.get(EDITIONS_ATTRIBUTE) for ancestor in element.iterancestors()):
            continue
        # Its citations, in its text or (a note style's) in the notes it calls.
        notes = [fragment.get_element_by_id(str(call.get("href", ""))[1:], None) for call in note_references(element)]
        cited = dict.fromkeys(
            key
            for holder in [element, *(note for note in notes if note is not None)]
            for citation in holder.find_class("citation")
            for key in citation.get("data-cites", "").split()
        )
        editions = _editions_of(element)
        without = frozenset(EDITION_NAMES) - editions
        if cited and without:
            listed = [f"@{key}" for key in cited if key not in cited_by_all]
            bibliography = (
                f", and the bibliography lists {_listed(listed)}"
                if listed and not metadata.suppress_bibliography
                else ""
            )
            reporter.warn(
                f"{_with_verb(editions, 'cite')} {_listed([f'@{key}' for key in cited])} here alone, but citeproc"
                f" runs once for every edition: in {_listed(_edition_names(without))} a later citation may be"
                f' shortened or read "ibid." as if this one were there{bibliography}',
                _locate_element(element, manuscript),
            )
    warned: set[tuple[str, frozenset[str]]] = set()
    for link in fragment.iter("a"):
        target = str(link.get("href", ""))[1:]
        if target not in held_by or "footnote-back" in link.get("class", "").split():
            continue  # a note's way back to its call, which goes with the call
        # A note's links are in the editions its call is in.
        without = _editions_of(_called_from(link, calls)) - held_by[target]
        if without and (target, without) not in warned:
            warned.add((target, without))
            written = next(
                (f"{before}{target}" for before in ("(#", "@") if f"{before}{target}" in manuscript.text), ""
            )
            reporter.warn(
                f"{_link_name(link, target)} leads to content {_with_verb(without, 'leave')} out: there it keeps its"
                " words as text",
                # Written as a link, or as a cross-reference (`@fig-map`, `[-@fig-map]`).
                manuscript.locate(written),
            )


def _report_numbers_other_editions_skip(
    fragment: lxml.html.HtmlElement, manuscript: Manuscript, lang: str, reporter: Reporter
) -> None:
    """A chapter, part, figure, table, listing, equation or section numbered inside content for some
    editions only keeps its number in all of them (the one Pandoc pass numbers for every edition,
    and the book's divisions are numbered once): the editions without it skip that number. Run once
    the divisions are numbered."""
    section = labels_for(lang)["section"]
    for element in fragment.iterfind(f".//*[@{EDITIONS_ATTRIBUTE}]"):
        if any(ancestor.get(EDITIONS_ATTRIBUTE) for ancestor in element.iterancestors()):
            continue
        numbers = [
            ("" if number.get("class") != "header-section-number" else f"{section} ")
            + " ".join(number.text_content().split()).rstrip(":")
            for number in element.iter("span")
            if number.get("class") in NUMBER_CLASSES
        ]
        without = frozenset(EDITION_NAMES) - _editions_of(element)
        if not numbers or not without:
            continue
        several = len(numbers) > 1
        reporter.warn(
            f"{_listed(numbers)} {'are' if several else 'is'} in {_listed(_edition_names(_editions_of(element)))}"
            f" only: {_with_verb(without, 'skip')} {'their numbers' if several else 'its number'}"
            " (one Pandoc pass numbers them for every edition)",
            _locate_element(element, manuscript),
        )


def _locate_element(element: lxml.html.HtmlElement, manuscript: Manuscript) -> Location:
    """Where an element's text begins in the manuscript, found by its first words (its numbers aside)."""
    shown = lxml.html.fragment_fromstring(lxml.html.tostring(element, encoding="unicode"))
    for number in list(shown.iter("span")):
        if number.get("class") in (*NUMBER_CLASSES, SEPARATOR_CLASS):
            number.drop_tree()
    # The words of its first piece of text (a heading's, a paragraph's first words), as many as are found.
    words: list[str] = next((piece.split() for piece in shown.itertext() if piece.split()), [])
    counts = (len(words), *(count for count in (6, 3, 1) if count < len(words)))
    written = next((" ".join(words[:count]) for count in counts if " ".join(words[:count]) in manuscript.text), "")
    return manuscript.locate(written)


def _called_from(element: lxml.html.HtmlElement, calls: dict[str, lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    """The element itself, or, in a note, the note's call: a note is in the editions its call is in."""
    note = next((item for item in element.iterancestors("li") if str(item.get("id", "")) in calls), None)
    return calls[str(note.get("id"))] if note is not None else element


def _editions_of(element: lxml.html.HtmlElement) -> frozenset[str]:
    """The editions an element is in: those every content for some editions only around it is for."""
    editions = frozenset(EDITION_NAMES)
    for holder in [element, *element.iterancestors()]:
        if holder.get(EDITIONS_ATTRIBUTE):
            editions &= frozenset(holder.get(EDITIONS_ATTRIBUTE, "").split())
    return editions


def _link_name(link: lxml.html.HtmlElement, target: str) -> str:
    """A link as its author wrote it: a cross-reference (`@fig-map`), or a link to `#map`."""
    return f"the reference @{target}" if "cross-ref" in link.get("class", "").split() else f"the link to '#{target}'"


def _edition_names(editions: Collection[str]) -> list[str]:
    return [name for edition, name in EDITION_NAMES.items() if edition in editions] or ["no edition"]


def _listed(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def _with_verb(editions: Collection[str], verb: str) -> str:
    """The editions named, and the verb agreeing with them: "the PDF skips", "the PDF and the EPUB skip"."""
    names = _edition_names(editions)
    return f"{_listed(names)} {verb if len(names) > 1 else verb + 's'}"


def _body_start(manuscript: Manuscript) -> int:
    """Where the text after the front matter at the top of the manuscript begins."""
    if not manuscript.yaml_blocks or manuscript.yaml_blocks[0].first_line != FIRST_YAML_LINE:
        return 0
    first = manuscript.yaml_blocks[0].text
    return manuscript.text.find(first) + len(first)


def _asset(
    source: Path,
    folder: Path,
    assets: dict[Path, Asset],
    location: Location,
    image_limits: limits.ImageLimits,
    context: BuildContext,
) -> Asset:
    key = source.resolve()
    if key in assets:
        return assets[key]
    context.read_file(source)
    if not source.is_file():
        written = source.relative_to(location.path.parent) if source.is_relative_to(location.path.parent) else source
        raise PressError(f"image not found: {written}", location)
    limits.check_inside(source, folder, "image", location)
    media_type, width, height = identify_image(source, location, image_limits)
    content = source.read_bytes()
    if media_type == SVG_MEDIA_TYPE:
        content = sanitize.clean_svg_file(
            source, location, partial(limits.inline_image_problem, limits=image_limits), context.reporter
        )
    digest = hashlib.sha256(content).hexdigest()[:8]
    href = f"images/{digest}-{_safe_name(source.name)}"
    assets[key] = Asset(source, href, media_type, width, height, content)
    return assets[key]


def identify_image(
    source: Path, location: Location, image_limits: limits.ImageLimits | None = None
) -> tuple[str, int | None, int | None]:
    """The media type and size of an image, read from its header within the limits, before anything decodes it."""
    image_limits = image_limits or limits.ImageLimits()
    if source.suffix.lower() == ".svg":
        limits.check_file_size(source, image_limits.bytes, "image", location)
        try:
            root = etree.parse(str(source), sanitize.safe_xml_parser()).getroot()
        except etree.XMLSyntaxError as error:
            raise PressError(f"image {source.name} is not valid SVG: {error.msg}", location) from None
        if root.tag != f"{{{sanitize.SVG_NAMESPACE}}}svg":
            raise PressError(f"image {source.name} is not an SVG image", location)
        return SVG_MEDIA_TYPE, None, None
    kind, width, height = limits.read_image_header(source, location, image_limits)
    if kind not in IMAGE_MEDIA_TYPES:
        supported = ", ".join(sorted([*IMAGE_MEDIA_TYPES, "SVG"]))
        raise PressError(f"image {source.name} is {kind}; use one of {supported}", location)
    return IMAGE_MEDIA_TYPES[kind], width, height


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "image"


def _contributors(metadata: Metadata, fragment: lxml.html.HtmlElement) -> tuple[Contributor, ...]:
    names = []
    if metadata.illustration is not None and metadata.illustration.illustrator:
        names.append(metadata.illustration.illustrator)
    names += [image.get("data-illustrator", "").strip() for image in fragment.iter("img")]
    return tuple(Contributor(name, ILLUSTRATOR_ROLE) for name in dict.fromkeys(names) if name)


def _derived_identifier(metadata: Metadata) -> str:
    seed = "\n".join([metadata.title, *metadata.authors])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"
