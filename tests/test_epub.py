"""The EPUB passes EPUBCheck and Ace without a single message, and says truthfully what it holds."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from posixpath import dirname, join, normpath

import pytest
from lxml import etree
from PIL import Image

from press import cover
from press.context import BuildContext
from press.document import load_document
from press.validate import ace, epubcheck
from tests import manuscript_text
from tests.conftest import EPOCH, ESSAY, MINIMAL, Editions, build
from tests.readback import attribute, one, pdf_pages, text_of, xpath_elements, xpath_strings

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
BOOKS = ["essay", "minimal"]


class Book:
    """An .epub read back: its package document and its files, resolved as a reading system would."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.files = {name: archive.read(name) for name in archive.namelist()}
        container = etree.fromstring(self.files["META-INF/container.xml"])
        self.opf_path = xpath_strings(container, "//*[local-name()='rootfile']/@full-path")[0]
        self.opf = etree.fromstring(self.files[self.opf_path])
        self.metadata = one(self.opf.find("opf:metadata", OPF), "metadata in the package document")

    def resolve(self, href: str, base: str | None = None) -> str:
        return normpath(join(dirname(base or self.opf_path), href.partition("#")[0]))

    def manifest(self) -> dict[str, etree._Element]:
        return {attribute(item, "id"): item for item in self.opf.iterfind("opf:manifest/opf:item", OPF)}

    def spine(self) -> list[str]:
        items = self.manifest()
        return [
            self.resolve(attribute(items[attribute(ref, "idref")], "href"))
            for ref in self.opf.iterfind("opf:spine/opf:itemref", OPF)
        ]

    def document(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    def nav(self) -> tuple[str, etree._Element]:
        item = next(item for item in self.manifest().values() if "nav" in (item.get("properties") or "").split())
        name = self.resolve(attribute(item, "href"))
        return name, self.document(name)

    def properties(self, name: str) -> list[str]:
        return [
            one(meta.text, f"text of the {name} property")
            for meta in self.metadata.iterfind(f"opf:meta[@property='{name}']", OPF)
        ]


def open_book(request: pytest.FixtureRequest, name: str) -> Book:
    editions: Editions = request.getfixturevalue(name)
    return Book(editions.epub)


@pytest.mark.parametrize("book", BOOKS)
def test_epubcheck_reports_nothing(book: str, request: pytest.FixtureRequest) -> None:
    editions: Editions = request.getfixturevalue(book)
    check = epubcheck(editions.epub)
    assert (check.errors, check.warnings) == ([], [])


@pytest.mark.parametrize("book", BOOKS)
def test_ace_reports_nothing(book: str, request: pytest.FixtureRequest) -> None:
    editions: Editions = request.getfixturevalue(book)
    assert ace(editions.epub).errors == []


def package_document(editions: Editions) -> etree._Element:
    return Book(editions.epub).opf


def test_package_metadata_names_author_and_illustrator(essay: Editions) -> None:
    opf = package_document(essay)
    metadata = one(opf.find("opf:metadata", OPF), "metadata in the package document")
    assert metadata.findtext("dc:title", namespaces=OPF) == "Chongryon: North Korea’s Outpost in Japan"
    assert metadata.findtext("dc:language", namespaces=OPF) == "en-US"
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"
    creator = one(metadata.find("dc:creator", OPF), "dc:creator")
    assert creator.text == "Samantha Surdek"
    contributor = one(metadata.find("dc:contributor", OPF), "dc:contributor")
    assert contributor.text == "Ainav Rabinowitz"
    roles = {
        meta.get("refines"): meta.text
        for meta in metadata.findall("opf:meta[@property='role']", OPF)
        if meta.get("scheme") == "marc:relators"
    }
    assert roles[f"#{creator.get('id')}"] == "aut"
    assert roles[f"#{contributor.get('id')}"] == "ill"


def test_package_metadata_of_the_minimal_manuscript(minimal: Editions) -> None:
    book = Book(minimal.epub)
    metadata = book.metadata
    assert [creator.text for creator in metadata.iterfind("dc:creator", OPF)] == ["Ada Testwriter", "Bo Checker"]
    assert metadata.findtext("dc:date", namespaces=OPF) == "2024-03-01"
    assert metadata.findtext("dc:rights", namespaces=OPF) == "© 2024 Ada Testwriter and Bo Checker. CC BY 4.0."
    assert book.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    identifier = metadata.find(f"dc:identifier[@id='{book.opf.get('unique-identifier')}']", OPF)
    assert identifier is not None and (identifier.text or "").startswith("urn:uuid:")
    assert book.properties("dcterms:modified") == ["2023-11-14T22:13:20Z"]  # SOURCE_DATE_EPOCH


def images_of(book: Book) -> list[etree._Element]:
    return [image for name in book.spine() for image in book.document(name).iter(f"{XHTML}img")]


@pytest.mark.parametrize("name", BOOKS)
def test_accessibility_metadata_says_what_the_book_holds(name: str, request: pytest.FixtureRequest) -> None:
    book = open_book(request, name)
    _, nav = book.nav()
    images = images_of(book)
    documents = [book.document(name) for name in book.spine()]
    assert images and all(image.get("alt", "").strip() for image in images)
    assert nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    assert nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
    assert any(document.xpath("//x:h2", namespaces=NS) for document in documents)
    assert any(document.xpath("//*[@epub:type='pagebreak']", namespaces=NS) for document in documents)

    assert book.properties("schema:accessMode") == ["textual", "visual"]
    assert book.properties("schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert set(book.properties("schema:accessibilityFeature")) == {
        "tableOfContents",
        "readingOrder",
        "structuralNavigation",
        "ARIA",
        "alternativeText",
        "pageNavigation",
        "pageBreakMarkers",
    }
    assert book.properties("schema:accessibilityHazard") == ["none"]
    (summary,) = book.properties("schema:accessibilitySummary")
    assert "page numbers of the print edition" in summary and "Every image has alternative text" in summary
    # A plain build runs no accessibility checker, so it claims no conformance.
    assert book.properties("dcterms:conformsTo") == []
    assert "meets EPUB Accessibility" not in summary


def test_conformance_is_claimed_when_the_build_ran_ace(tmp_path: Path) -> None:
    run = build("epub", "--manuscript", MINIMAL, "--out", tmp_path, "--check-accessibility", "-q")
    assert run.returncode == 0, run.stderr
    book = Book(tmp_path / "minimal.epub")
    assert book.properties("dcterms:conformsTo") == [CONFORMANCE]
    (summary,) = book.properties("schema:accessibilitySummary")
    assert "Ace by DAISY found no violation when it was built" in summary


def test_the_print_edition_is_named_as_the_page_source(essay: Editions) -> None:
    book = Book(essay.epub)
    identifier = book.metadata.findtext("dc:identifier", namespaces=OPF)
    assert book.metadata.findtext("dc:source", namespaces=OPF) == identifier
    assert book.properties("pageBreakSource") == [identifier]
    colophon = text_of(book.document(book.resolve("colophon.xhtml")))
    assert f"Page numbers follow the print edition, A4 PDF of {len(pdf_pages(essay.pdf))} pages" in colophon


def test_no_alternative_text_no_claim(tmp_path: Path) -> None:
    """An image without alternative text takes away alternativeText, textual sufficiency and conformance."""
    shutil.copytree(MINIMAL.parent / "images", tmp_path / "images")
    manuscript = tmp_path / "bare.md"
    manuscript.write_text(
        "---\ntitle: Bare\nauthor: Ada Testwriter\nlang: en\n---\n\n"
        "# Only\n\nText.\n\n![](images/square.png)\n\nMore text.\n",
        encoding="utf-8",
    )
    run = build("epub", "--manuscript", manuscript, "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    book = Book(tmp_path / "out" / "bare.epub")
    features = book.properties("schema:accessibilityFeature")
    assert "alternativeText" not in features and "pageNavigation" in features
    assert book.properties("schema:accessModeSufficient") == ["textual,visual"]
    assert book.properties("dcterms:conformsTo") == []
    assert "Some images lack alternative text" in book.properties("schema:accessibilitySummary")[0]


def test_a_caption_repeating_its_alt_text_with_a_link_or_a_note_call_passes_ace(tmp_path: Path) -> None:
    """Pandoc hides such a caption from assistive technology, its link and note call with it, which Ace
    reports (aria-hidden-focus); the caption is shown to it, and the link and the call can be followed."""
    shutil.copytree(MINIMAL.parent / "images", tmp_path / "images")
    manuscript = tmp_path / "captions.md"
    manuscript.write_text(
        "---\ntitle: Captions\nauthor: Ada Testwriter\nlang: en\n---\n\n"
        "![A square (CC BY, <https://example.com/>)](images/square.png)\n\n"
        "![A noted square[^1]](images/square.png)\n\nText.\n\n[^1]: Where the square comes from.\n",
        encoding="utf-8",
    )
    run = build("epub", "--manuscript", manuscript, "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    assert ace(tmp_path / "out" / "captions.epub").errors == []
    book = Book(tmp_path / "out" / "captions.epub")
    captions = [
        caption
        for name in book.files
        if name.endswith(".xhtml")
        for caption in book.document(name).iter(f"{XHTML}figcaption")
    ]
    assert len(captions) == 2 and all(caption.get("aria-hidden") is None for caption in captions)


@pytest.mark.parametrize("name", BOOKS)
def test_the_cover_is_declared_and_shown_first(name: str, request: pytest.FixtureRequest) -> None:
    book = open_book(request, name)
    covers = [item for item in book.manifest().values() if "cover-image" in (item.get("properties") or "").split()]
    assert len(covers) == 1 and covers[0].get("media-type") == "image/jpeg"
    image_name = book.resolve(attribute(covers[0], "href"))
    legacy = book.metadata.find("opf:meta[@name='cover']", OPF)
    assert legacy is not None and legacy.get("content") == covers[0].get("id")
    with Image.open(io.BytesIO(book.files[image_name])) as image:
        assert image.size == (1600, 2400)
    first = book.spine()[0]
    (shown,) = book.document(first).iter(f"{XHTML}img")
    assert book.resolve(attribute(shown, "src"), first) == image_name
    assert shown.get("role") == "doc-cover" and shown.get(EPUB_TYPE) == "cover"
    assert attribute(shown, "alt").startswith("Cover of “")


def test_the_cover_shows_the_lead_illustration_and_the_credit_stays_in_the_book(essay: Editions) -> None:
    book = Book(essay.epub)
    (shown,) = book.document(book.spine()[0]).iter(f"{XHTML}img")
    assert attribute(shown, "alt").endswith("with the illustration: " + lead_illustration_alt())
    colophon = text_of(book.document(book.resolve("colophon.xhtml")))
    assert "Illustration by Ainav Rabinowitz." in colophon


def lead_illustration_alt() -> str:
    illustration = manuscript_text.read(ESSAY).front_matter["illustration"]
    assert isinstance(illustration, dict)
    return str(illustration["alt"])


def test_the_cover_is_drawn_the_same_every_time_and_sets_hangul(tmp_path: Path) -> None:
    document = load_document(MINIMAL, BuildContext(tmp_path))
    korean = replace(document, metadata=replace(document.metadata, title="김소월: Azaleas"))
    first, second = cover.make_cover(korean), cover.make_cover(korean)
    assert first.data == second.data and first.data != cover.make_cover(document).data
    assert cover._runs("김소월: Azaleas", cover.TITLE_FONT) == [
        ("김소월", cover.FALLBACK_FONT),
        (": Azaleas", cover.TITLE_FONT),
    ]


def test_reading_order_and_landmarks(essay: Editions) -> None:
    book = Book(essay.epub)
    assert book.spine() == [
        f"EPUB/{name}.xhtml" for name in ("cover", "titlepage", "text", "notes", "bibliography", "colophon")
    ]
    nav_name, nav = book.nav()
    landmarks = {
        link.get(EPUB_TYPE): book.resolve(attribute(link, "href"), nav_name)
        for link in xpath_elements(nav, "//x:nav[@epub:type='landmarks']//x:a", NS)
    }
    assert landmarks == {
        "cover": "EPUB/cover.xhtml",
        "titlepage": "EPUB/titlepage.xhtml",
        "bodymatter": "EPUB/text.xhtml",
        "endnotes": "EPUB/notes.xhtml",
        "bibliography": "EPUB/bibliography.xhtml",
    }
    title_page = book.document("EPUB/titlepage.xhtml")
    assert title_page.xpath("//*[@epub:type='titlepage']//x:h1/text()", namespaces=NS) == [
        "Chongryon: North Korea’s Outpost in Japan"
    ]
    contents = [link.text for link in xpath_elements(nav, "//x:nav[@epub:type='toc']//x:a", NS)]
    assert contents[-3:] == ["Notes", "Bibliography", "Colophon"]


def test_landmarks_of_a_book_without_lead_illustration(minimal: Editions) -> None:
    book = Book(minimal.epub)
    _, nav = book.nav()
    types = [link.get(EPUB_TYPE) for link in xpath_elements(nav, "//x:nav[@epub:type='landmarks']//x:a", NS)]
    assert types == ["cover", "titlepage", "bodymatter", "endnotes", "bibliography"]


def test_notes_are_epub_noterefs_with_backlinks(essay: Editions) -> None:
    with zipfile.ZipFile(essay.epub) as book:
        text = etree.fromstring(book.read("EPUB/text.xhtml"))
        notes = etree.fromstring(book.read("EPUB/notes.xhtml"))
    references = [a for a in text.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "noteref"]
    assert len(references) == 31
    assert all(a.get("role") == "doc-noteref" for a in references)
    note_ids = {li.get("id") for li in notes.iter(f"{XHTML}li") if li.get(EPUB_TYPE) == "endnote"}
    for reference in references:
        document, _, target = attribute(reference, "href").partition("#")
        assert document == "notes.xhtml" and target in note_ids
    backlinks = [a.get("href") for a in notes.iter(f"{XHTML}a") if a.get("role") == "doc-backlink"]
    assert backlinks == [f"text.xhtml#{a.get('id')}" for a in references]


def letters(text: str) -> str:
    """Text as compared across editions: compatibility forms folded (… and ...), no spaces or hyphens."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u00ad\u2010\-\ufffe\x02]+", "", folded)


MARK = "\u2063"  # INVISIBLE SEPARATOR: in no manuscript here


def reading_text_with_marks(book: Book) -> list[str]:
    """Each document's text in spine order, with each page-break marker as MARK + number + MARK."""
    texts = []
    for name in book.spine():
        root = book.document(name)
        for element in root.iter(f"{XHTML}span"):
            if element.get(EPUB_TYPE) == "pagebreak":
                element.text = f"{MARK}{element.get('aria-label')}{MARK}"
        texts.append(text_of(one(root.find(f"{XHTML}body"), f"body of {name}")))
    return texts


@pytest.mark.parametrize("name", BOOKS)
def test_page_list_matches_the_pdf(name: str, request: pytest.FixtureRequest) -> None:
    """Every page of the PDF has its marker and page-list entry; the words after a marker start that
    page of the PDF, the words before it end the page before."""
    editions: Editions = request.getfixturevalue(name)
    book = Book(editions.epub)
    pages = [letters(page) for page in pdf_pages(editions.pdf)]
    nav_name, nav = book.nav()
    entries = xpath_elements(nav, "//x:nav[@epub:type='page-list']//x:a", NS)
    assert [entry.text for entry in entries] == [str(number) for number in range(1, len(pages) + 1)]
    for entry in entries:
        target_name = book.resolve(attribute(entry, "href"), nav_name)
        (target,) = xpath_elements(
            book.document(target_name), f"//*[@id='{attribute(entry, 'href').partition('#')[2]}']"
        )
        assert target.get(EPUB_TYPE) == "pagebreak" and target.get("role") == "doc-pagebreak"
        assert target.get("aria-label") == entry.text == target.get("title")
    checked = 0
    for text in reading_text_with_marks(book):
        pieces = text.split(MARK)
        for index in range(1, len(pieces), 2):
            number = int(pieces[index])
            following = letters(" ".join(pieces[index + 1 :: 2]))
            following = following.replace("EPUBedition", "Printedition")  # the colophon names its edition
            assert following[:20] in pages[number - 1], f"page {number} starts with {following[:20]}"
            before = " ".join(pieces[:index:2]).split()[:-1]  # the last word may run over the page
            preceding = letters(" ".join(before))[-20:]
            if number > 1 and len(preceding) == 20:
                assert preceding in pages[number - 2], f"page {number - 1} ends with {preceding}"
            checked += 1
    assert checked == len(pages)


def test_two_builds_are_identical(tmp_path: Path, minimal: Editions) -> None:
    outputs = []
    for folder in ("first", "second"):
        run = build("epub", "--manuscript", MINIMAL, "--out", tmp_path / folder, "-q")
        assert run.returncode == 0, run.stderr
        outputs.append((tmp_path / folder / "minimal.epub").read_bytes())
    assert outputs[0] == outputs[1] == minimal.epub.read_bytes()
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as archive:
        entries = archive.infolist()
    assert entries[0].filename == "mimetype" and entries[0].compress_type == zipfile.ZIP_STORED
    assert entries[0].extra == b""
    assert {entry.date_time for entry in entries} == {datetime.fromtimestamp(int(EPOCH), UTC).timetuple()[:6]}
