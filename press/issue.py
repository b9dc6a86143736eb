"""A journal issue: articles of the list published together, as one PDF and one EPUB.

    python build.py issue ISSUE_FILE [--list PATH] [--out DIR]

An issue file names the articles (titles of the list) in their order, and says
what the issue is; every article keeps its own editions:

    title: Coastal Studies Review
    volume: 12
    issue: 1
    date: 2024-05-01
    lang: en-GB
    publisher: The Harbour Press
    first-page: 1           the page the first article starts on (default 1)
    articles: [harbour-lights, tide-tables]

Gather: each article is read as its own build reads it. Write: the issue's print
page, a front page with the issue's title and its contents (each article's title,
authors, abstract and pages), then every article as its print edition sets it,
each starting a page, the pages numbered on from `first-page` (the front page
counts none). It is laid out once to learn the pages each article falls on, and
again with them in the contents. The EPUB has the same contents page, then one
document an article, each saying its pages in the print edition. Each article's pages are written to
`<out>/.issues/<article>.yaml` as its `citation` (journal, volume, issue, page);
Make builds the article's own editions with that file (`--metadata-file`), so that
their JSON-LD, XMP and CITATION.cff carry the pages.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import lxml.html
import weasyprint
import yaml
from ebooklib import epub
from lxml import etree
from markupsafe import Markup
from weasyprint import CSS, HTML

from . import STYLES_DIR, api, cli, housestyle, printlayout, printpage, scripts
from .context import BuildContext
from .dates import build_time, iso_date
from .document import Document, edition_document, load_document
from .document import toolchain_files as loader_files
from .editions import epub as epub_edition
from .errors import Location, PressError, Reporter
from .fonts import DECOMPRESSED_FONTS
from .front import without_note_calls
from .inputs import code_files, depfile, template_files
from .labels import LABELS_FILE, labels_for
from .markup import inner_html, note_references, parse_fragment
from .metadata import PAPER_SIZE_CSS
from .output import atomic_output
from .patches import decorative_images
from .render import render, stylesheet_paths
from .sanitize import url_scheme
from .titles import ARTICLES_FOLDER, DEFAULT_LANGUAGE, DEFAULT_LIST, Issue, Title, read_issue, read_list

PAGE_TEMPLATE = "issue.html.j2"
CONTENTS_TEMPLATE = "epub/issue-contents.xhtml.j2"
ARTICLE_TEMPLATE = "epub/issue-article.xhtml.j2"
NAV_TEMPLATE = "epub/issue-nav.xhtml.j2"
CONTENTS_DOCUMENT = "contents.xhtml"
#: The identifier of an article's title in its print page (see templates/partials.html.j2).
TITLE_IDENTIFIER = "title"
#: The issue's own pages' style, in print and in the EPUB; and its print pages' (numbering, breaks).
STYLESHEET = STYLES_DIR / "issue.css"
PRINT_STYLESHEET = STYLES_DIR / "issue-print.css"


@dataclass(frozen=True)
class Placed:
    """An article in the issue: its document, its anchor in the issue's page, and its pages."""

    document: Document
    anchor: str
    first: int | None = None
    last: int | None = None

    @property
    def abstract_html(self) -> str | None:
        """The abstract as the issue's contents show it: its notes are called from the article."""
        return without_note_calls(self.document.front).abstract_html

    @property
    def pages(self) -> str:
        if self.first is None:
            return ""
        return str(self.first) if self.last in (None, self.first) else f"{self.first}–{self.last}"


def build_issue(issue: Issue, out: Path, reporter: Reporter) -> tuple[Path, list[Placed], set[Path]]:
    """The issue's PDF in `out`, the articles placed in it, and the files read."""
    context = BuildContext(out, reporter=reporter)
    api.prepare_output_folder(out)
    placed = []
    with context.cache.session([f"{issue.name}.issue"]):
        for number, title in enumerate(issue.articles, start=1):
            document = load_document(title.source, context)
            placed.append(Placed(document, f"article-{number}"))
        rendering = lay_out(issue, placed)
        placed = page_ranges(rendering, placed, issue.first_page)
        rendering = lay_out(issue, placed)
    if page_ranges(rendering, placed, issue.first_page) != placed:
        raise PressError(
            "the issue's pages moved when their numbers were written into its contents", Location(issue.source)
        )
    target = out / f"{issue.name}.pdf"
    decorative_images.apply()
    with atomic_output(target, reporter) as temporary:
        rendering.write_pdf(temporary, pdf_variant=printlayout.PDF_VARIANT, custom_metadata=True)
    return target, placed, context.files_read


def issue_page(issue: Issue, placed: Sequence[Placed]) -> str:
    """The issue's print page: its front page and contents, then each article's print body."""
    articles = [(article, Markup(article_body(article))) for article in placed]
    return render(
        PAGE_TEMPLATE, issue=issue, articles=articles, lang=_lang(issue, placed), generator=printpage.GENERATOR
    )


def article_body(article: Placed) -> str:
    """An article's print body (its <article>), every identifier in it made the article's own."""
    page = lxml.html.document_fromstring(printpage.print_page(article.document))
    body = page.find("body")
    element = body.find("article") if body is not None else None
    if element is None:
        raise PressError("the print page holds no article", Location(article.document.metadata.source))
    prefix = f"{article.anchor}-"
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.get("id"):
            node.set("id", prefix + node.get("id", ""))
        for name in ("href", "{http://www.w3.org/1999/xlink}href"):
            value = node.get(name, "")
            if value.startswith("#"):
                node.set(name, "#" + prefix + value[1:])
        for name in ("aria-labelledby", "aria-describedby"):
            if node.get(name):
                node.set(name, " ".join(prefix + item for item in node.get(name, "").split()))
    element.set("id", article.anchor)
    element.set("lang", article.document.metadata.lang)
    element.set("class", " ".join([*element.get("class", "").split(), "issue-article"]))
    return str(lxml.html.tostring(element, encoding="unicode"))


def lay_out(issue: Issue, placed: Sequence[Placed]) -> weasyprint.document.Document:
    """The issue laid out with the house's print stylesheets and the issue's own."""
    page = issue_page(issue, placed)
    roots = (
        STYLES_DIR,
        scripts.FONTSOURCE,
        DECOMPRESSED_FONTS,
        *(article.document.metadata.source.parent for article in placed),
    )
    fetcher = printlayout.ConfinedFetcher(roots)
    fonts = printlayout.ShippedFonts()
    first = placed[0].document
    stylesheets = [
        CSS(filename=path, font_config=fonts, url_fetcher=fetcher)
        for path in [*stylesheet_paths(*printpage.STYLESHEETS), STYLESHEET, PRINT_STYLESHEET]
    ]
    numbering = f"@page issue-front:first {{ counter-reset: page {issue.first_page - 1} }}"
    paper = PAPER_SIZE_CSS[first.metadata.paper]
    stylesheets += [
        CSS(string=printpage.script_fonts(page, first), font_config=fonts, url_fetcher=fetcher),
        CSS(string=f"@page {{ size: {paper} }}\n{numbering}", font_config=fonts),
    ]
    html = HTML(string=page, base_url=STYLES_DIR.as_uri() + "/", url_fetcher=fetcher)
    return html.render(stylesheets=stylesheets, font_config=fonts, pdf_variant=printlayout.PDF_VARIANT)


def page_ranges(rendering: weasyprint.document.Document, placed: Sequence[Placed], first_page: int) -> list[Placed]:
    """Each article with the pages it falls on, numbered from `first_page` at the first article's first
    page: from its own first page to the page before the next article's (each starts a page)."""
    page_of = {anchor: number for number, page in enumerate(rendering.pages) for anchor in page.anchors}
    # The article's title, not the article: the box of an element that breaks before it may
    # begin, empty, at the foot of the page before.
    starts = [page_of[f"{article.anchor}-{TITLE_IDENTIFIER}"] for article in placed]
    ends = [start - 1 for start in starts[1:]] + [len(rendering.pages) - 1]
    return [
        replace(article, first=first_page + start - starts[0], last=first_page + end - starts[0])
        for article, start, end in zip(placed, starts, ends, strict=True)
    ]


def write_epub(issue: Issue, placed: Sequence[Placed], out: Path, reporter: Reporter) -> Path:
    """The issue's EPUB: its title page and contents, then one document an article (its title
    block, text, notes and bibliography), each saying its pages in the issue's print edition."""
    lang = _lang(issue, placed)
    names = [f"{article.anchor}.xhtml" for article in placed]
    contents = _xhtml(
        render(
            CONTENTS_TEMPLATE,
            issue=issue,
            articles=list(zip(placed, names, strict=True)),
            lang=lang,
            title=issue_label(issue),
            stylesheet_href=epub_edition.STYLESHEET_HREF,
        )
    )
    documents = [(CONTENTS_DOCUMENT, contents)]
    assets: dict[str, Any] = {}
    for article, name in zip(placed, names, strict=True):
        edited = edition_document(article.document, epub_edition.NAME)
        document = cast(
            Document, epub_edition.xml_safe(replace(edited, front=epub_edition.front_as_xhtml(edited.front)))
        )
        document = epub_edition.notes_as_xhtml(document)
        body = parse_fragment(document.body)
        for reference in note_references(body):
            reference.set("epub:type", "noteref")
        for link in body.iter("a"):
            href = link.get("href", "")
            if href and not href.startswith("#") and url_scheme(href) is None:
                del link.attrib["href"]  # a file the book does not hold (the loader warned)
        page = render(
            ARTICLE_TEMPLATE,
            document=document,
            body=Markup(inner_html(body, method="xml")),
            pages=article.pages,
            lang=document.metadata.lang,
            title=document.metadata.title,
            stylesheet_href=epub_edition.STYLESHEET_HREF,
        )
        documents.append((name, _xhtml(page)))
        assets.update({asset.href: asset for asset in document.assets})
    book = epub.EpubBook()
    _describe(book, issue, placed, lang, images=bool(assets))
    spine = []
    for name, text in documents:
        item = epub.EpubItem(uid=Path(name).stem, file_name=name, media_type=epub_edition.XHTML_MEDIA_TYPE)
        item.content = text.encode("utf-8")
        book.add_item(item)
        spine.append(item)
    book.spine = spine
    book.add_item(
        epub.EpubItem(
            uid="stylesheet",
            file_name=epub_edition.STYLESHEET_HREF,
            media_type="text/css",
            content=housestyle.text([*stylesheet_paths(*epub_edition.STYLESHEETS), STYLESHEET]).encode("utf-8"),
        )
    )
    for number, asset in enumerate(assets.values(), start=1):
        book.add_item(
            epub.EpubItem(uid=f"image{number}", file_name=asset.href, media_type=asset.media_type, content=asset.read())
        )
    words = labels_for(lang)
    toc = [(name, article.document.metadata.title) for article, name in zip(placed, names, strict=True)]
    landmarks = [(CONTENTS_DOCUMENT, "toc", words["contents"]), (names[0], "bodymatter", words["start_of_text"])]
    nav = epub.EpubItem(uid="nav", file_name=epub_edition.NAV_DOCUMENT, media_type=epub_edition.XHTML_MEDIA_TYPE)
    nav.content = _xhtml(
        render(
            NAV_TEMPLATE,
            toc=[(CONTENTS_DOCUMENT, words["contents"]), *toc],
            landmarks=landmarks,
            lang=lang,
            title=words["contents"],
            stylesheet_href=epub_edition.STYLESHEET_HREF,
        )
    ).encode("utf-8")
    nav.properties = ["nav"]
    book.add_item(nav)
    book.toc = [epub.Link(href, text, f"toc{number}") for number, (href, text) in enumerate(toc, start=1)]
    book.add_item(epub.EpubNcx())
    target = out / f"{issue.name}{epub_edition.SUFFIX}"
    with atomic_output(target, reporter) as temporary:
        temporary.write_bytes(epub_edition.package(book, build_time()))
    return target


def _describe(book: epub.EpubBook, issue: Issue, placed: Sequence[Placed], lang: str, images: bool) -> None:
    """The issue's package metadata: its identifier, title, language, publisher, date, and what it offers readers."""
    seed = "\n".join(["press-issue", issue.title, issue.volume or "", issue.number or ""])
    book.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}")
    book.set_title(issue_label(issue))
    book.set_language(lang)
    if issue.publisher:
        book.add_metadata("DC", "publisher", issue.publisher)
    if issue.date and iso_date(issue.date):
        book.add_metadata("DC", "date", iso_date(issue.date))
    for article in placed:
        for name in article.document.metadata.authors:
            book.add_metadata("DC", "contributor", name)
    features = ["tableOfContents", "readingOrder", "structuralNavigation", *(["alternativeText"] if images else [])]
    properties = [
        ("schema:accessMode", ["textual", *(["visual"] if images else [])]),
        ("schema:accessModeSufficient", ["textual"]),
        ("schema:accessibilityFeature", features),
        ("schema:accessibilityHazard", ["none"]),
        (
            "schema:accessibilitySummary",
            [
                "A reflowable EPUB 3 of a journal's issue: a contents page, then each article with its headings,"
                " notes that link back to their calls, and its pages in the issue's print edition."
            ],
        ),
    ]
    for name, values in properties:
        for value in values:
            book.add_metadata(None, "meta", value, {"property": name})


def _xhtml(markup: str) -> str:
    """A document parsed as XML (so that one ill-formed fails here) and written with its declaration."""
    tree = etree.fromstring(markup.encode("utf-8"), epub_edition.XML_PARSER)
    text = etree.tostring(tree.getroottree(), encoding="unicode", doctype="<!DOCTYPE html>")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{text}\n'


def issue_label(issue: Issue) -> str:
    """'Coastal Studies Review 12 (1)'."""
    volume = f" {issue.volume}" if issue.volume else ""
    number = f" ({issue.number})" if issue.number else ""
    return f"{issue.title}{volume}{number}"


def _lang(issue: Issue, placed: Sequence[Placed]) -> str:
    return issue.lang or (placed[0].document.metadata.lang if placed else DEFAULT_LANGUAGE)


def citation_metadata(issue: Issue, article: Placed) -> dict[str, Any]:
    """What an article's own editions are built with: its place in the issue, as `citation`."""
    citation: dict[str, Any] = {"type": "article-journal", "container-title": issue.title}
    if issue.volume:
        citation["volume"] = issue.volume
    if issue.number:
        citation["issue"] = issue.number
    citation["page"] = article.pages
    return {"citation": citation}


def article_metadata_file(out: Path, title: Title) -> Path:
    return out / ARTICLES_FOLDER / f"{title.name}.yaml"


def write_article_metadata(issue: Issue, placed: Sequence[Placed], out: Path, reporter: Reporter) -> dict[str, Path]:
    """Each article's place in the issue, as the metadata file its own editions are built with; by name."""
    written = {}
    for title, article in zip(issue.articles, placed, strict=True):
        text = yaml.safe_dump(citation_metadata(issue, article), allow_unicode=True, sort_keys=False)
        written[title.name] = article_metadata_file(out, title)
        with atomic_output(written[title.name], reporter) as temporary:
            temporary.write_text(text, encoding="utf-8")
    return written


def toolchain_files() -> list[Path]:
    """What the issue is made with besides the articles' files: the print layout's, its own."""
    return [
        *code_files(__name__),
        *loader_files(),
        *printpage.toolchain_files(),
        *code_files(epub_edition.__name__),
        *template_files(PAGE_TEMPLATE, CONTENTS_TEMPLATE, ARTICLE_TEMPLATE, NAV_TEMPLATE),
        *stylesheet_paths(*epub_edition.STYLESHEETS),
        STYLESHEET,
        PRINT_STYLESHEET,
        LABELS_FILE,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    reporter = Reporter(echo=cli.print_diagnostic)
    try:
        cli.check_source_date_epoch()
        issue = read_issue(arguments.issue, read_list(arguments.list))
        target, placed, files_read = build_issue(issue, arguments.out, reporter)
        book = write_epub(issue, placed, arguments.out, reporter)
        write_article_metadata(issue, placed, arguments.out, reporter)
    except PressError as error:
        print(error, file=sys.stderr)
        return 1
    inputs = [*files_read, *toolchain_files(), issue.source]
    for written in (target, book):
        (arguments.out / api.DEPENDENCIES_FOLDER / f"{written.name}.d").write_text(depfile(written, inputs), "utf-8")
    print(f"wrote {target}, {book}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py issue", description=__doc__.splitlines()[0])
    parser.add_argument("issue", type=Path, help="the issue file")
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST, help="the list of the issue's articles")
    parser.add_argument("--out", type=Path, default=cli.DEFAULT_OUT_DIR, help="output folder (default: build/)")
    return parser
