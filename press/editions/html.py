"""The web edition: self-contained HTML pages, styles, fonts, images and script inside each.

Notes stay where Pandoc put them (a call in the text, the list of notes at the
end) and each call gains a margin copy of its note, hidden from assistive
technology, which the stylesheet floats beside the call on wide screens and
the page's script opens in place on narrow ones.

A book is written twice from the one document:

- `<name>.html`, the whole book on one page: what Make builds and a release
  ships, the copy to keep, read offline, search through or print. Its contents
  stand in a panel (beside the text on wide screens, a disclosure at the top on
  narrow ones); its notes are listed by division, numbered afresh in each.
- `<name>/`, the book as a website, as mdBook and Quarto publish books:
  `index.html` (the title, front matter, contents and copyright page) and a page
  for each division (part, chapter, appendix, preface…) and for the
  bibliography, each with the contents panel, its division's notes, and links to
  the previous and the next page.

Why the website: a long book on one page is megabytes that a reader downloads,
and a browser lays out, before the first chapter shows; a division's page
weighs its own text and the page's styles and fonts. Why every page
self-contained all the same (styles, fonts and images inline, a policy of its
own): a page opens from disk as from any server and fetches nothing, and
browsers refuse fonts shared between pages opened from disk (file: URLs are
cross-origin to each other). The fonts are cut once, to the characters of the
whole book, and every page carries that one cut. Why Make is untouched: the one
page is the target and its depfile names what the edition reads; the website
is made in the same step from the same inputs, and both are written beside
their place and moved in whole, so that a failed build leaves the previous ones.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import lxml.html
from markupsafe import Markup

from .. import STYLES_DIR, bookindex, housestyle, limits, printbook, scripts
from ..contents import ContentsEntry, contents
from ..context import BuildContext
from ..csp import content_security_policy
from ..divisions import Division
from ..document import Document, Note, edition_document
from ..errors import Location, PressError
from ..front import FrontMatterHtml, parsed
from ..inputs import code_files, template_files
from ..labels import join_names, labels_for
from ..markup import as_phrasing, focusable, inner_html, note_references, parse_fragment, replace_image_sources
from ..mathematics import DRAWN_SIGNS, MATH_FONT, MATH_FONT_NAME, shown_text
from ..metadata import Citation
from ..output import atomic_folder, atomic_output
from ..people import Affiliation, Author
from ..render import render, stylesheet_paths
from ..schema import citation
from ..webfonts import KOREAN_FACE, Face, embedded_faces, font_face_rules, used_faces

NAME = "html"
SUFFIX = ".html"
TEMPLATE = "web.html.j2"
STYLESHEETS = ("common.css", "screen.css")
FONTS = STYLES_DIR / "fonts"
FACES = (
    Face("Press Serif", "Linux Libertine", FONTS / "linux-libertine" / "LinLibertine_R.otf"),
    Face("Press Serif", "Linux Libertine", FONTS / "linux-libertine" / "LinLibertine_RI.otf", style="italic"),
    Face("Press Serif", "Linux Libertine", FONTS / "linux-libertine" / "LinLibertine_RB.otf", weight=700),
    KOREAN_FACE,
)
MATH_FACE = Face("Press Math", MATH_FONT_NAME, MATH_FONT)
#: The margin copy of note `fn3` is `side-fn3`; the page's script relies on it.
SIDENOTE_PREFIX = "side-"
#: What the keyboard reaches in a margin copy is out of the tab order while the copy is hidden; this
#: attribute keeps the tabindex it has when the note is shown (empty: none), which the page's script gives back.
SHOWN_TABINDEX = "data-shown-tabindex"
#: Elements that may stay as they are inside a margin note, which sits in a paragraph.
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
DESCRIPTION_LENGTH = 200
#: The pages of a book's website, its front page's file, and the identifiers of the bibliography and the
#: index (the bibliography's page is named by its identifier; the index's cannot be, the front page is).
SITE_TEMPLATE = "web-book.html.j2"
FRONT_PAGE = "index.html"
BIBLIOGRAPHY = "bibliography"
INDEX = "index"
INDEX_PAGE = "book-index.html"
#: Between a page's own title and the book's, in the window's title.
TITLE_SEPARATOR = " – "
#: What a page's file name keeps of its division's identifier: letters, digits, `_`, `.` and `-`, and
#: no more characters than file systems allow bytes in a name (255) for letters of three bytes.
NOT_IN_FILE_NAMES = re.compile(r"[^\w.-]+")
FILE_NAME_LENGTH = 80
#: The divisions schema.org calls chapters; a part or the bibliography is a CreativeWork of the book.
CHAPTER_KINDS = frozenset(("front", "chapter", "appendix", "back"))


@dataclass(frozen=True)
class Page:
    """One HTML file of the edition: its name, its template and what the template is given (fonts aside)."""

    file: str
    template: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Text:
    """The text and notes as the pages carry them: images inline, and in a book the index's marks
    given identifiers, with the division each stands in."""

    body: lxml.html.HtmlElement
    notes: tuple[Note, ...]
    marks: tuple[bookindex.Mark, ...] = ()
    marked_in: dict[str, str] = field(default_factory=dict)
    #: The lists of figures and of tables the front matter asks for (`lof`, `lot`): kind, title, entries.
    captioned_lists: tuple[tuple[str, str, tuple[printbook.Captioned, ...]], ...] = ()


@dataclass(frozen=True)
class Link:
    """A link to another page, with the title it shows."""

    href: str
    title: str


@dataclass(frozen=True)
class ContentsLink:
    """An entry of a book's contents as a page shows it: where it leads, and whether that is the page itself."""

    href: str
    title: str
    label: str | None = None
    children: tuple[ContentsLink, ...] = ()
    current: bool = False


@dataclass(frozen=True)
class NotesGroup:
    """The notes of one division, as the whole book's page lists them; no title for notes without a division."""

    title: str
    href: str
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class DivisionPage:
    """A page of a book's website: a division, with any text without a heading of its own before it."""

    file: str
    divisions: tuple[Division, ...]

    @property
    def division(self) -> Division:
        """The division that gives the page its title."""
        return next(division for division in self.divisions if division.title)


def toolchain_files() -> list[Path]:
    return [
        *code_files(__name__),
        *template_files(TEMPLATE, SITE_TEMPLATE),
        *stylesheet_paths(*STYLESHEETS),
        *(face.source for face in (*FACES, MATH_FACE)),
        *scripts.toolchain_files(),
    ]


@limits.within_budget("the web edition")
def write(document: Document, context: BuildContext) -> Path:
    target = context.out / f"{document.name}{SUFFIX}"
    document = edition_document(document, NAME)
    pages = [Page(target.name, TEMPLATE, page_context(document)), *(site_pages(document) if document.is_book else [])]
    styles = housestyle.text(housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context))
    # Rendered twice: first to learn which characters the fonts must carry, then with the fonts.
    drafts = [
        render(page.template, stylesheet=Markup(styles.strip()), colophon=[], content_security_policy="", **page.values)
        for page in pages
    ]
    # What the fonts must set is which characters the pages hold, not how often: one of each.
    text = "".join(sorted(set().union(*(page_text(draft) for draft in drafts))))
    formulas = any("<math" in draft for draft in drafts)
    if formulas:
        text += DRAWN_SIGNS  # formulas are set in the print edition's math font, which draws these unwritten
    metadata = document.metadata
    languages = scripts.text_by_language(lxml.html.document_fromstring(drafts[0]), metadata.lang)
    selection = scripts.select(languages, scripts.text_face_coverage() | scripts.font_coverage(metadata.fonts))
    faces = [
        *used_faces([*FACES, MATH_FACE] if formulas else FACES, text),
        *embedded_faces(selection, metadata.fonts),
    ]
    words = labels_for(document.metadata.lang)
    names = join_names(list(dict.fromkeys(face.name for face in faces)), document.metadata.lang)
    colophon = [words["set_in"].format(fonts=names)] if faces else []
    fonts = font_face_rules(faces, " ".join([text, *colophon]), context.cache)
    families = scripts.family_rules(languages, scripts.author_families(metadata.fonts))
    shared = {"stylesheet": Markup(f"{fonts}\n{styles}\n{families}".strip()), "colophon": colophon}
    finished = [finished_page(page, shared) for page in pages]
    site = context.out / document.name
    if document.is_book:
        check_site_folder(site, document)
    with atomic_output(target, context.reporter) as temporary:
        if document.is_book:
            with atomic_folder(site, context.reporter) as folder:
                for page, markup in zip(pages[1:], finished[1:], strict=True):
                    (folder / page.file).write_text(markup, encoding="utf-8")
        temporary.write_text(finished[0], encoding="utf-8")
    return target


def check_site_folder(site: Path, document: Document) -> None:
    """Refuse to replace a folder the edition did not write: the book's own folder, or one that holds
    anything but web pages (an author's folder of that name, where --out leads)."""
    if site.exists() and not site.is_dir():
        raise PressError(f"cannot write the book's web pages to {site.name}: a file has that name", Location(site))
    holds_sources = any(source.resolve().is_relative_to(site.resolve()) for source in document.sources)
    others = [path.name for path in (site.iterdir() if site.is_dir() else ()) if path.is_dir() or path.suffix != SUFFIX]
    if holds_sources or others:
        raise PressError(
            f"cannot write the book's web pages to the folder {site.name}: it holds files the build did not write"
            f" ({', '.join(sorted(others)[:3]) or 'the manuscript'}); build into another folder (--out)",
            Location(site),
        )


def finished_page(page: Page, shared: dict[str, Any]) -> str:
    """The page with its fonts, and the policy read off the page itself: its inline style and script, hashed."""
    values = {**page.values, **shared}
    policy = content_security_policy(render(page.template, content_security_policy="", **values))
    return render(page.template, content_security_policy=policy, **values)


def page_context(document: Document) -> dict[str, Any]:
    """What the template of the one page is given, fonts and colophon aside."""
    image_urls = {asset.href: asset.data_url() for asset in document.assets}
    text = prepared_text(document, image_urls)
    description = document.metadata.description or document.metadata.abstract or summary(text.body)
    add_sidenotes(text.body, text.notes, document.metadata.lang)
    document = replace(document, front=front_with_sidenotes(document.front, text.notes, document.metadata.lang))
    index = book_index(text)
    return {
        "document": document,
        "page_title": document.metadata.title,
        "body": Markup(inner_html(text.body)),
        "notes": text.notes,
        "notes_groups": notes_by_division(document, text.notes) if document.is_book else (),
        "contents_panel": one_page_contents(document, bool(index)) if document.is_book else (),
        "index": index,
        "index_places": index_places(document, text, lambda identifier: f"#{identifier}"),
        "captioned_lists": linked_lists(text, lambda identifier: f"#{identifier}"),
        "image_urls": image_urls,
        "description": description,
        "open_graph": open_graph(document, description),
        "sidenote_prefix": SIDENOTE_PREFIX,
        "shown_tabindex": SHOWN_TABINDEX,
        "json_ld": json_script(linked_data(document)),
    }


def prepared_text(document: Document, image_urls: dict[str, str]) -> Text:
    """The text and notes with their images inline and, in a book, the index's marks identified."""
    body = parse_fragment(document.body)
    replace_image_sources(body, image_urls)
    for section in list(body.iter("section")):
        if not any(child.tag in HEADINGS for child in section):
            section.tag = "div"  # text before a book's first heading: a section needs a heading (HTML's outline)
    note_fragments = [parse_fragment(note.html) for note in document.notes]
    for fragment in note_fragments:
        replace_image_sources(fragment, image_urls)
    marks = bookindex.mark_terms([body, *note_fragments]) if document.is_book else []
    identified = {mark.identifier for mark in marks}
    marked_in = {
        str(span.get("id")): str(section.get("id"))
        for section in body
        for span in section.iter("span")
        if span.get("id") in identified
    }
    for note, fragment in zip(document.notes, note_fragments, strict=True):
        marked_in |= dict.fromkeys(
            (str(span.get("id")) for span in fragment.iter("span") if span.get("id") in identified), note.division
        )
    notes = tuple(
        replace(note, html=inner_html(fragment)) for note, fragment in zip(document.notes, note_fragments, strict=True)
    )
    return Text(body, notes, tuple(marks), marked_in, captioned_lists(document, body))


def captioned_lists(
    document: Document, body: lxml.html.HtmlElement
) -> tuple[tuple[str, str, tuple[printbook.Captioned, ...]], ...]:
    """The lists of figures and of tables, as the EPUB (and a book's print edition) gives them when the front
    matter asks (`lof`, `lot`); a captioned figure without an identifier is given one to link to."""
    words = labels_for(document.metadata.lang)
    wanted = (
        ("figures", words["list_of_figures"], document.metadata.list_of_figures, False),
        ("tables", words["list_of_tables"], document.metadata.list_of_tables, True),
    )
    lists = ((kind, title, tuple(printbook.captioned(body, tables))) for kind, title, asked, tables in wanted if asked)
    return tuple((kind, title, entries) for kind, title, entries in lists if entries)


def linked_lists(
    text: Text, href: Callable[[str], str]
) -> tuple[tuple[str, str, tuple[tuple[str, printbook.Captioned], ...]], ...]:
    """The lists of figures and of tables, each entry with the link that leads to it."""
    return tuple(
        (kind, title, tuple((href(entry.identifier), entry) for entry in entries))
        for kind, title, entries in text.captioned_lists
    )


def book_index(text: Text) -> tuple[bookindex.Group, ...]:
    """The index of the terms the author marked: each heading once for each division it is marked in."""
    return bookindex.index_groups(text.marks, text.marked_in) if text.marks else ()


def index_places(document: Document, text: Text, href: Callable[[str], str]) -> dict[str, Link]:
    """Where each mark of the index leads, under the name of its division ("Chapter 3", "Preface")."""
    divisions = {division.identifier: division for division in document.divisions}
    places = {}
    for identifier, division in text.marked_in.items():
        named = divisions.get(division)
        places[identifier] = Link(href(identifier), (named.label or named.title) if named else "")
    return places


# A book on one page


def one_page_contents(document: Document, indexed: bool) -> tuple[ContentsLink, ...]:
    """The whole book's contents, then its notes, bibliography and index, as links within the page."""
    words = labels_for(document.metadata.lang)
    back = [
        *([ContentsLink("#notes", words["notes"])] if document.notes else []),
        *([ContentsLink(f"#{BIBLIOGRAPHY}", bibliography_title(document))] if document.bibliography else []),
        *([ContentsLink(f"#{INDEX}", words["index"])] if indexed else []),
    ]
    return (*contents_links(book_contents(document), lambda identifier: f"#{identifier}"), *back)


def notes_by_division(document: Document, notes: tuple[Note, ...]) -> tuple[NotesGroup, ...]:
    """The notes in groups, one for each division that has notes, under its title."""
    divisions = {division.identifier: division for division in document.divisions}
    groups: dict[str, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.division, []).append(note)
    return tuple(
        NotesGroup(divisions[key].numbered_title if key in divisions else "", f"#{key}", tuple(group))
        for key, group in groups.items()
    )


# A book as a website


def site_pages(document: Document) -> list[Page]:
    """The pages of a book's website: its front page, one page for each division, and the bibliography's."""
    return Website(document).pages()


class Website:
    """A book's website as it is put together: its pages in reading order, and the page each
    identifier of the text is on, for links and contents that lead from page to page."""

    def __init__(self, document: Document) -> None:
        self.image_urls = {asset.href: asset.data_url() for asset in document.assets}
        text = prepared_text(document, self.image_urls)
        self.sections = {element.get("id", ""): element for element in text.body}
        self.front_divisions, self.division_pages = paginate(document.divisions)
        # Described by their opening words, before the margin notes join them.
        self.descriptions = {
            page.file: summary(self.sections[page.division.identifier]) for page in self.division_pages
        }
        add_sidenotes(text.body, text.notes, document.metadata.lang)
        self.document = replace(
            document, front=front_with_sidenotes(document.front, text.notes, document.metadata.lang)
        )
        self.page_of = {division.identifier: FRONT_PAGE for division in self.front_divisions}
        self.page_of |= {division.identifier: page.file for page in self.division_pages for division in page.divisions}
        self.located = {
            identifier: self.page_of[division]
            for division, section in self.sections.items()
            for identifier in identifiers(section)
        }
        # A note is listed on its division's page, with the index's marks in it; a note the front matter
        # calls, on the front page, which shows the front matter; a note no division claims, on the last page.
        last_page = self.division_pages[-1].file if self.division_pages else FRONT_PAGE
        called_from_front = set(parsed(document.front).note_calls())
        self.notes_on: dict[str, list[Note]] = {}
        for note in text.notes:
            file = FRONT_PAGE if note.identifier in called_from_front else self.page_of.get(note.division, last_page)
            self.located[note.identifier] = file
            self.notes_on.setdefault(file, []).append(note)
        for mark, division in text.marked_in.items():
            self.located.setdefault(mark, self.page_of.get(division, last_page))
        self.bibliography_file = f"{BIBLIOGRAPHY}.html" if document.bibliography else None
        if self.bibliography_file and document.bibliography:
            on_its_page = [BIBLIOGRAPHY, *identifiers(parse_fragment(document.bibliography))]
            self.located |= dict.fromkeys(on_its_page, self.bibliography_file)
        self.index = book_index(text)
        self.index_places = index_places(document, text, lambda mark: f"{self.located[mark]}#{mark}")
        self.captioned_lists = linked_lists(text, lambda identifier: f"{self.located[identifier]}#{identifier}")
        if self.index:
            self.located[INDEX] = INDEX_PAGE
        words = labels_for(document.metadata.lang)
        self.sequence = [
            Link(FRONT_PAGE, document.metadata.title),
            *(Link(page.file, page.division.numbered_title) for page in self.division_pages),
            *([Link(self.bibliography_file, bibliography_title(document))] if self.bibliography_file else []),
            *([Link(INDEX_PAGE, words["index"])] if self.index else []),
        ]

    def pages(self) -> list[Page]:
        metadata = self.document.metadata
        pages = [
            self.page(
                FRONT_PAGE,
                "home",
                None,
                metadata.description or metadata.abstract,
                body=self.body(FRONT_PAGE, self.front_divisions, own_page=False),
                contents=self.contents(FRONT_PAGE),
                captioned_lists=self.captioned_lists,
                contents_panel=(),
            )
        ]
        pages += [
            self.page(
                page.file,
                page.division.kind,
                page.division.numbered_title,
                self.descriptions[page.file],
                body=self.body(page.file, page.divisions, own_page=True),
                contents_panel=self.contents(page.file),
            )
            for page in self.division_pages
        ]
        if self.bibliography_file:
            title = bibliography_title(self.document)
            contents = self.contents(self.bibliography_file)
            pages.append(self.page(self.bibliography_file, BIBLIOGRAPHY, title, None, contents_panel=contents))
        if self.index:
            title = labels_for(metadata.lang)["index"]
            pages.append(
                self.page(
                    INDEX_PAGE,
                    INDEX,
                    title,
                    None,
                    contents_panel=self.contents(INDEX_PAGE),
                    index=self.index,
                    index_places=self.index_places,
                )
            )
        return pages

    def page(self, file: str, kind: str, title: str | None, description: str | None, **values: Any) -> Page:
        """A page with its place in the book, its notes and its metadata; `title` None for the front page."""
        document = self.document
        position = next(index for index, link in enumerate(self.sequence) if link.href == file)
        shown = f"{title}{TITLE_SEPARATOR}{document.metadata.title}" if title else document.metadata.title
        notes = tuple(
            replace(note, html=relinked(note.html, file, self.located)) for note in self.notes_on.get(file, [])
        )
        data = linked_data(document) if title is None else part_data(document, kind, title)
        return Page(
            file,
            SITE_TEMPLATE,
            {
                "document": document,
                "page_kind": kind,
                "page_title": shown,
                "page_heading": title,
                "notes": notes,
                "previous": self.sequence[position - 1] if position > 0 else None,
                "next": self.sequence[position + 1] if position + 1 < len(self.sequence) else None,
                "home": FRONT_PAGE,
                "image_urls": self.image_urls,
                "description": description,
                "open_graph": open_graph(document, description, shown),
                "sidenote_prefix": SIDENOTE_PREFIX,
                "shown_tabindex": SHOWN_TABINDEX,
                "json_ld": json_script(data),
                **values,
            },
        )

    def body(self, file: str, divisions: Iterable[Division], own_page: bool) -> Markup:
        """The divisions' text, its links to other pages leading there."""
        fragment = lxml.html.Element("div")
        fragment.extend(self.sections[division.identifier] for division in divisions)
        if own_page:
            as_page(fragment)
        relink(fragment, file, self.located)
        return Markup(inner_html(fragment))

    def contents(self, current: str) -> tuple[ContentsLink, ...]:
        """The book's contents as the page `current` shows them, the bibliography last."""
        links = contents_links(book_contents(self.document), self.href, current)
        back = [link for link in self.sequence if link.href in (self.bibliography_file, INDEX_PAGE)]
        return links + tuple(ContentsLink(link.href, link.title, current=current == link.href) for link in back)

    def href(self, identifier: str) -> str:
        """A division's page, or a heading's place on its division's page."""
        file = self.located[identifier]
        return file if identifier in self.page_of else f"{file}#{identifier}"


def paginate(divisions: tuple[Division, ...]) -> tuple[list[Division], list[DivisionPage]]:
    """The divisions of the front page, and the other pages with theirs: a page for each division with a
    title, text without a heading of its own read with the division after it (the last one's, at the end).
    A book none of whose divisions has a title is all on its front page."""
    groups: list[list[Division]] = []
    waiting: list[Division] = []
    for division in divisions:
        waiting.append(division)
        if division.title:
            groups.append(waiting)
            waiting = []
    if not groups:
        return waiting, []
    groups[-1] += waiting
    taken = {FRONT_PAGE, f"{BIBLIOGRAPHY}.html", INDEX_PAGE}
    pages = []
    for group in groups:
        stem = NOT_IN_FILE_NAMES.sub("-", next(division for division in group if division.title).identifier)
        stem = stem[:FILE_NAME_LENGTH].strip(".-").lower() or "page"
        file, number = f"{stem}.html", 1
        while file in taken:  # identifiers differing in case only, or cut to the same name
            number += 1
            file = f"{stem}-{number}.html"
        taken.add(file)
        pages.append(DivisionPage(file, tuple(group)))
    return [], pages


def book_contents(document: Document) -> list[ContentsEntry]:
    """A book's contents: always, to the depth the front matter asks for."""
    return contents(document.sections, document.metadata.toc_depth)


def contents_links(
    entries: list[ContentsEntry], href: Callable[[str], str], current: str | None = None
) -> tuple[ContentsLink, ...]:
    return tuple(
        ContentsLink(
            href(entry.identifier),
            entry.title,
            entry.label,
            contents_links(entry.children, href, current),
            current=href(entry.identifier) == current,
        )
        for entry in entries
    )


def bibliography_title(document: Document) -> str:
    return document.bibliography_title or str(labels_for(document.metadata.lang)["bibliography"])


def identifiers(element: lxml.html.HtmlElement) -> list[str]:
    """The identifiers of an element and of everything in it."""
    return [str(node.get("id")) for node in element.iter() if isinstance(node.tag, str) and node.get("id")]


def relink(fragment: lxml.html.HtmlElement, file: str, located: dict[str, str]) -> None:
    """Point the links of a page to identifiers on other pages of the website at those pages."""
    for link in fragment.iter("a"):
        target = link.get("href", "")
        elsewhere = located.get(unquote(target[1:])) if target.startswith("#") else None
        if elsewhere is not None and elsewhere != file:
            link.set("href", f"{elsewhere}{target}")


def relinked(markup: str, file: str, located: dict[str, str]) -> str:
    fragment = parse_fragment(markup)
    relink(fragment, file, located)
    return inner_html(fragment)


def as_page(fragment: lxml.html.HtmlElement) -> None:
    """Divisions made a page of their own: their titles become the page's h1 (every heading one
    level up), and their sections plain blocks of the page's article, whose title the h1 is."""
    for heading in [element for element in fragment.iter(*HEADINGS) if element.tag != "h1"]:
        heading.tag = f"h{int(heading.tag[1]) - 1}"
    for division in fragment.iterchildren("section"):
        division.tag = "div"


def page_text(page: str) -> str:
    """Every character of a page, its style and script included: what its fonts must set."""
    return "".join(str(text) for text in lxml.html.document_fromstring(page).itertext())


def add_sidenotes(body: lxml.html.HtmlElement, notes: tuple[Note, ...], lang: str) -> None:
    """Put a margin copy of each note right after its call in the text."""
    by_identifier = {note.identifier: note for note in notes}
    for reference in note_references(body):
        note = by_identifier.get(reference.get("href", "").removeprefix("#"))
        if note is None:
            continue
        anchor = reference
        wrapper = reference.getparent()
        if wrapper is not None and "citation" in wrapper.classes and len(wrapper) == 1 and not _has_text(wrapper):
            anchor = wrapper  # Pandoc's <span class="citation"> around the call alone
        heading = next((element for element in reference.iterancestors() if element.tag in HEADINGS), None)
        if heading is not None:
            # A note may not sit inside a heading: it follows the heading (and the notes already there).
            anchor = heading
            while (following := anchor.getnext()) is not None and "sidenote" in following.classes:
                anchor = following
        sidenote = margin_note(note, lang)
        sidenote.tail, anchor.tail = anchor.tail, None
        anchor.addnext(sidenote)


def front_with_sidenotes(front: FrontMatterHtml, notes: tuple[Note, ...], lang: str) -> FrontMatterHtml:
    """The front matter with a margin copy of each note it calls, as the text has them."""
    front_fields = parsed(front)
    # The title is a heading, where no note may sit: its calls lead to the list of notes.
    title = front_fields.fields.get("title_html")
    for fragment in front_fields.in_reading_order():
        if fragment is not title:
            add_sidenotes(fragment, notes, lang)
    return front_fields.written()


def margin_note(note: Note, lang: str) -> lxml.html.HtmlElement:
    """A copy of the note that can sit inside a paragraph: phrasing content only,
    no ids, its links and scroll boxes (a displayed formula's) out of the tab order while it is hidden."""
    sidenote = lxml.html.Element(
        "span",
        {
            "class": "sidenote",
            "id": f"{SIDENOTE_PREFIX}{note.identifier}",
            "role": "note",
            "aria-label": labels_for(lang)["note"].format(number=note.number),
            "aria-hidden": "true",
        },
    )
    number = lxml.html.Element("span", {"class": "sidenote-number"})
    number.text = str(note.number)
    sidenote.append(number)
    content = parse_fragment(note.html)
    for element in content.iterdescendants():
        if isinstance(element.tag, str):
            element.attrib.pop("id", None)
    as_phrasing(content, "sidenote")
    for element in content.iterdescendants():
        if focusable(element):
            element.set(SHOWN_TABINDEX, element.get("tabindex", ""))
            element.set("tabindex", "-1")
    number.tail = " " + (content.text or "").lstrip()
    sidenote.extend(list(content))
    return sidenote


def summary(body: lxml.html.HtmlElement) -> str | None:
    """The opening of the first paragraph, for pages whose front matter has no description."""
    paragraph = next(body.iter("p"), None)
    if paragraph is None:
        return None
    paragraph = copy.deepcopy(paragraph)
    for call in note_references(paragraph):
        call.drop_tree()
    text = " ".join(shown_text(paragraph).split())
    if len(text) <= DESCRIPTION_LENGTH:
        return text or None
    return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def open_graph(document: Document, description: str | None, title: str | None = None) -> list[tuple[str, str]]:
    """OpenGraph properties for link previews, in the order the protocol lists them: an article's,
    or a book's (for each of its pages, under that page's title)."""
    metadata = document.metadata
    kind = "book" if document.is_book else "article"
    properties = [
        ("og:type", kind),
        ("og:title", title or metadata.title),
        ("og:locale", metadata.lang.replace("-", "_")),
    ]
    if description:
        properties.append(("og:description", description))
    if metadata.publisher:
        properties.append(("og:site_name", metadata.publisher))
    properties += [(f"{kind}:author", name) for name in metadata.authors]
    if document.is_book:
        if "html" in metadata.isbn:
            properties.append(("book:isbn", metadata.isbn["html"]))
        if metadata.date_iso:
            properties.append(("book:release_date", metadata.date_iso))
    else:
        if metadata.date_iso:
            properties.append(("article:published_time", metadata.date_iso))
        properties.append(("article:modified_time", document.modified_iso))
    properties += [(f"{kind}:tag", keyword) for keyword in metadata.keywords]
    return properties


def linked_data(document: Document) -> dict[str, Any]:
    """schema.org description of the article for search engines and citation tools."""
    metadata = document.metadata
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Book" if document.is_book else "Article",
        "headline": metadata.title,
        "name": metadata.title,
        "inLanguage": metadata.lang,
        "identifier": document.identifier,
        "author": [person_data(person) for person in metadata.people],
        "dateModified": document.modified_iso,
    }
    if metadata.subtitle:
        data["alternativeHeadline"] = metadata.subtitle
    if metadata.date_iso:
        data["datePublished"] = metadata.date_iso
    if metadata.description or metadata.abstract:
        data["description"] = metadata.description or metadata.abstract
    if metadata.abstract:
        data["abstract"] = metadata.abstract
    if metadata.keywords:
        data["keywords"] = list(metadata.keywords)
    if metadata.rights:
        data["copyrightNotice"] = metadata.rights
    if metadata.publisher:
        data["publisher"] = {"@type": "Organization", "name": metadata.publisher}
    if metadata.version:
        data["version"] = metadata.version
    if metadata.citation is not None:
        data.update(part_of_data(metadata.citation))
    if document.contributors:
        data["contributor"] = [
            {
                "@type": "Role",
                "roleName": contributor.role,
                "contributor": {"@type": "Person", "name": contributor.name},
            }
            for contributor in document.contributors
        ]
    if metadata.illustration is not None:
        image: dict[str, Any] = {"@type": "ImageObject", "description": metadata.illustration.alt}
        if metadata.illustration.illustrator:
            image["creator"] = {"@type": "Person", "name": metadata.illustration.illustrator}
        if metadata.illustration.credit:
            image["creditText"] = metadata.illustration.credit
        data["image"] = image
    if document.is_book:
        if "html" in metadata.isbn:
            data["isbn"] = metadata.isbn["html"]
        if metadata.edition:
            data["bookEdition"] = metadata.edition
    else:
        data["wordCount"] = word_count(document.body)
    if document.cited_keys and document.references:
        entries = {str(entry.get("id")): entry for entry in document.references}
        data["citation"] = [citation(entries[key]) for key in document.cited_keys if key in entries]
    return data


def part_of_data(citation: Citation) -> dict[str, Any]:
    """The journal, volume and issue the article is part of, and its pages in the issue."""
    data: dict[str, Any] = {}
    container: dict[str, Any] | None = None
    if citation.container_title:
        container = {"@type": "Periodical", "name": citation.container_title}
    if citation.volume:
        container = {"@type": "PublicationVolume", "volumeNumber": citation.volume, **_part_of(container)}
    if citation.issue:
        container = {"@type": "PublicationIssue", "issueNumber": citation.issue, **_part_of(container)}
    if container is not None:
        data["isPartOf"] = container
    if citation.page_first:
        data["pageStart"] = citation.page_first
        data["pageEnd"] = citation.page_last or citation.page_first
        data["pagination"] = citation.pages
    return data


def _part_of(container: dict[str, Any] | None) -> dict[str, Any]:
    return {"isPartOf": container} if container is not None else {}


def part_data(document: Document, kind: str, title: str) -> dict[str, Any]:
    """schema.org description of a page of a book's website: a chapter (or another part) of the book."""
    metadata = document.metadata
    book: dict[str, Any] = {
        "@type": "Book",
        "name": metadata.title,
        "identifier": document.identifier,
        "author": [person_data(person) for person in metadata.people],
    }
    if "html" in metadata.isbn:
        book["isbn"] = metadata.isbn["html"]
    return {
        "@context": "https://schema.org",
        "@type": "Chapter" if kind in CHAPTER_KINDS else "CreativeWork",
        "name": title,
        "inLanguage": metadata.lang,
        "isPartOf": book,
    }


def json_script(data: dict[str, Any]) -> Markup:
    """JSON-LD for a <script> element."""
    return Markup(_script_safe(json.dumps(data, ensure_ascii=False, indent=1)))


def person_data(person: Author) -> dict[str, Any]:
    """An author as a schema.org Person: affiliations as Organizations, the ORCID iD as sameAs."""
    data: dict[str, Any] = {"@type": "Person", "name": person.name}
    given, family = person.name_parts
    if person.family:
        data["givenName"], data["familyName"] = given, family
    if person.affiliations:
        data["affiliation"] = [organisation_data(affiliation) for affiliation in person.affiliations]
    if person.orcid_url:
        data["sameAs"] = person.orcid_url
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID", "value": person.orcid}
    if person.email:
        data["email"] = person.email
    if person.url:
        data["url"] = person.url
    return data


def organisation_data(affiliation: Affiliation) -> dict[str, Any]:
    organisation: dict[str, Any] = {"@type": "Organization", "name": affiliation.name}
    if affiliation.department:
        organisation["department"] = {"@type": "Organization", "name": affiliation.department}
    if affiliation.address:
        organisation["address"] = affiliation.address
    if affiliation.url:
        organisation["url"] = affiliation.url
    return organisation


def word_count(body: str) -> int:
    """Words of the running text, note calls left out."""
    fragment = parse_fragment(body)
    for call in note_references(fragment):
        call.drop_tree()
    return len(re.findall(r"\w+(?:[’'-]\w+)*", shown_text(fragment)))


def _has_text(element: lxml.html.HtmlElement) -> bool:
    return bool((element.text or "").strip() or any((child.tail or "").strip() for child in element))


def _script_safe(text: str) -> str:
    """JSON inside <script> must not close the element early."""
    return text.replace("</", "<\\/")
