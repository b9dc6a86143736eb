"""Manuscripts written for plain Pandoc, Quarto or a university template build unchanged,
and what their front matter says reaches every edition and its metadata.

Three fixtures: a Pandoc title block (with a later YAML block); a Quarto-style
article with structured authors, affiliations, ORCID iD, a corresponding
author, an abstract, thanks, a written-out date and two bibliographies; and a
report with tab-indented YAML and LaTeX-only keys. A fourth, an essay whose
abstract cites a work in the default note style and whose epigraph has a note,
has these notes among the text's.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2
import pytest
import yaml
from lxml import etree
from playwright.sync_api import Browser

from press.context import BuildContext
from press.document import load_document
from press.release import citation_file
from press.validate import ace, axe_violations, destination_pages, epubcheck, nu, pdf_links, pdf_structure, pdfua
from tests.conftest import FIXTURES, MINIMAL, Built, Editions, build, build_all
from tests.proof import DESKTOP, PHONE, THEMES, open_page
from tests.readback import (
    XHTML,
    epub_documents,
    html_tree,
    letters,
    normalise,
    one,
    pdf_pages,
    text_of,
    xpath_strings,
)

TITLE_BLOCK = FIXTURES / "titleblock" / "titleblock.md"
ARTICLE = FIXTURES / "article" / "article.md"
REPORT = FIXTURES / "report" / "report.md"
ABSTRACT_NOTE = FIXTURES / "abstract-note" / "abstract-note.md"
#: Its abstract as metadata gives it: the words, without the note its citation makes.
ABSTRACT_PLAIN = "Inspired by Agnes Trimble, this essay follows the keepers of a harbour lantern."
#: The note its citation makes, as the list of notes gives it.
FIRST_NOTE = "1. The Keeper’s Year (Harbour Board, 1900)."
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
ORCID = "https://orcid.org/0000-0002-1825-0097"
LAB = "Department of Physiology, Laboratory of Cell Signalling, Leeds, United Kingdom"
REPORT_WARNINGS = [
    "tests/fixtures/report/report.md:10: warning: 'geometry' is ignored, no edition uses it",
    "tests/fixtures/report/report.md:13: warning: 'header-includes' is ignored, no edition uses it",
    "tests/fixtures/report/report.md:17: warning: unknown front-matter key 'abstarct', ignored;"
    " did you mean 'abstract'?",
]


@pytest.fixture(scope="module")
def title_block(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(TITLE_BLOCK, tmp_path_factory.mktemp("titleblock"))


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(ARTICLE, tmp_path_factory.mktemp("article"))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(REPORT, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def abstract_note(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(ABSTRACT_NOTE, tmp_path_factory.mktemp("abstract-note"))


def source_texts(manuscript: Path) -> list[str]:
    """Every heading and paragraph of the manuscript's text, and of its abstract and dedication,
    read from the Markdown without Pandoc; citations split a paragraph into the pieces around them."""
    text = manuscript.read_text(encoding="utf-8")
    front = "".join(re.findall(r"^---\n(.*?)^(?:---|\.\.\.)$", text, flags=re.DOTALL | re.MULTILINE))
    body = re.sub(r"^---\n.*?^(?:---|\.\.\.)$", "", text, flags=re.DOTALL | re.MULTILINE)
    body = re.sub(r"\A(?:%.*\n(?: .*\n)*)+", "", body)
    values = yaml.safe_load(front.expandtabs(4)) or {}  # Pandoc's YAML takes tab indentation
    blocks = [*re.split(r"\n\s*\n", body), *str(values.get("abstract", "")).split("\n\n")]
    blocks.append(str(values.get("dedication", "")))
    texts = []
    for block in blocks:
        block = " ".join(block.replace("*", "").replace("'", "’").split()).lstrip("# ")  # Pandoc's smart quotes
        texts += [piece for piece in re.split(r"\s?\[@[^\]]*\]", block) if piece.strip(" .")]
    return texts


def edition_texts(editions: Editions) -> dict[str, str]:
    """The letters of each edition's text (what survives line breaks and hyphenation)."""
    tree = html_tree(editions.html)
    for hidden in tree.xpath("//*[@aria-hidden='true'] | //script | //style"):
        hidden.drop_tree()
    epub = " ".join(text_of(document) for document in epub_documents(editions.epub).values())
    return {
        "pdf": letters(" ".join(pdf_pages(editions.pdf))),
        "epub": letters(epub),
        "html": letters(tree.text_content()),
    }


def opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as book:
        container = etree.fromstring(book.read("META-INF/container.xml"))
        name = xpath_strings(container, "//*[local-name()='rootfile']/@full-path")[0]
        return etree.fromstring(book.read(name))


def xmp(path: Path) -> str:
    with pikepdf.open(path) as pdf:
        return pdf.Root.Metadata.read_bytes().decode("utf-8")


def linked_data(path: Path) -> dict[str, Any]:
    """The web page's JSON-LD: parsed JSON, whose values are whatever the page holds."""
    script = one(html_tree(path).find(".//script[@type='application/ld+json']"), "JSON-LD script in the page")
    data = json.loads(one(script.text, "text of the JSON-LD script"))
    assert isinstance(data, dict), data
    return data


# Every block of the source, in every edition


@pytest.mark.parametrize("fixture", ["title_block", "article", "report"])
def test_every_heading_paragraph_and_abstract_reaches_every_edition(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    manuscript = {"title_block": TITLE_BLOCK, "article": ARTICLE, "report": REPORT}[fixture]
    built: Built = request.getfixturevalue(fixture)
    expected = source_texts(manuscript)
    assert len(expected) >= 5
    for edition, text in edition_texts(built.editions).items():
        missing = [piece for piece in expected if letters(piece) not in text]
        assert missing == [], f"{edition} lacks {missing}"


@pytest.mark.parametrize("fixture", ["title_block", "article", "report"])
def test_epubcheck_finds_nothing(fixture: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(fixture)
    check = epubcheck(built.editions.epub)
    assert (check.errors, check.warnings) == ([], [])


@pytest.mark.parametrize("fixture", ["title_block", "article", "report"])
def test_nu_html_checker_finds_nothing(fixture: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(fixture)
    check = nu(built.editions.html)
    assert (check.errors, check.warnings) == ([], [])


def test_ace_finds_nothing_in_the_article(article: Built) -> None:
    assert ace(article.editions.epub).errors == []


def test_axe_finds_nothing_in_the_article_and_the_report(article: Built, report: Built, browser: Browser) -> None:
    for built, screen, theme in itertools.product((article, report), (DESKTOP, PHONE), THEMES):
        page = open_page(browser, built.editions.html, screen, theme)
        assert axe_violations(page) == [], (built.editions.html.name, screen.name, theme)
        page.close()


# (a) A Pandoc title block


def test_title_block_builds_without_a_word(title_block: Built) -> None:
    assert title_block.stderr == ""


def test_title_block_fields_reach_every_edition(title_block: Built) -> None:
    tree = html_tree(title_block.editions.html)
    assert tree.findtext(".//title") == "On Tidal Mills and Their Keepers"
    assert tree.get("lang") == "en-GB"  # Babel's "british", from the YAML block at the end
    heading = tree.find(".//h1")
    assert normalise(heading.text_content()) == "On Tidal Mills and Their Keepers"
    assert heading.find("em").text == "Tidal"
    assert [meta.get("content") for meta in tree.iterfind(".//meta[@name='author']")] == [
        "Wren Holloway",
        "Ansel Marsh",
    ]
    assert tree.find(".//div[@role='doc-dedication']//em").text == "millers"
    package = opf(title_block.editions.epub)
    assert package.findtext(".//dc:date", namespaces=OPF) == "2014-01-20"
    assert [creator.text for creator in package.iterfind(".//dc:creator", OPF)] == ["Wren Holloway", "Ansel Marsh"]
    with pikepdf.open(title_block.editions.pdf) as pdf:
        assert str(pdf.docinfo["/Title"]) == "On Tidal Mills and Their Keepers"
    assert "<rdf:li>2014-01-20</rdf:li>" in xmp(title_block.editions.pdf)
    for text in edition_texts(title_block.editions).values():
        assert letters("20 January 2014") in text  # printed as written


# (b) A Quarto-style article


def test_article_builds_without_a_word(article: Built) -> None:
    assert article.stderr == ""


def test_article_title_is_markdown_in_the_editions_and_plain_in_metadata(article: Built) -> None:
    plain = "Calcium Waves in Ca²⁺-Loaded Xenopus Oocytes"
    tree = html_tree(article.editions.html)
    assert tree.findtext(".//title") == plain
    heading = tree.find(".//h1")
    assert heading.find("sup").text == "2+" and heading.find("em").text == "Xenopus"
    titles = [title.text for title in opf(article.editions.epub).iterfind(".//dc:title", OPF)]
    assert titles == [plain, "A Model with n Release Sites"]
    with pikepdf.open(article.editions.pdf) as pdf:
        assert str(pdf.docinfo["/Title"]) == plain


def test_article_authors_reach_the_json_ld(article: Built) -> None:
    data = linked_data(article.editions.html)
    quill, reed = data["author"]
    assert quill["name"] == "Mara Quill" and (quill["givenName"], quill["familyName"]) == ("Mara", "Quill")
    assert quill["sameAs"] == ORCID
    assert quill["email"] == "mara.quill@example.org"
    assert [organisation["name"] for organisation in quill["affiliation"]] == [
        "Laboratory of Cell Signalling",
        "Institute for Waves",
    ]
    assert quill["affiliation"][0]["department"]["name"] == "Department of Physiology"
    assert [organisation["name"] for organisation in reed["affiliation"]] == ["Laboratory of Cell Signalling"]
    assert data["datePublished"] == "2014-01-20"
    assert str(data["abstract"]).startswith("Calcium waves travel across the oocyte at a steady speed.")
    assert data["description"] == data["abstract"]


def test_article_authors_reach_the_opf(article: Built) -> None:
    package = opf(article.editions.epub)
    creators = {creator.get("id"): creator.text for creator in package.iterfind(".//dc:creator", OPF)}
    assert list(creators.values()) == ["Mara Quill", "Tomas Reed"]
    quill = next(identifier for identifier, name in creators.items() if name == "Mara Quill")
    refinements = [
        (meta.get("property"), meta.text) for meta in package.iterfind(f".//opf:meta[@refines='#{quill}']", OPF)
    ]
    assert ("schema:affiliation", LAB) in refinements
    assert ("schema:affiliation", "Institute for Waves") in refinements
    assert ("schema:sameAs", ORCID) in refinements
    assert ("file-as", "Quill, Mara") in refinements
    assert package.findtext(".//dc:date", namespaces=OPF) == "2014-01-20"
    description = one(package.findtext(".//dc:description", namespaces=OPF), "dc:description")
    assert description.startswith("Calcium waves travel")


def test_article_authors_reach_the_xmp(article: Built) -> None:
    metadata = xmp(article.editions.pdf)
    assert f"<schema:affiliation>{LAB}</schema:affiliation>" in metadata
    assert f'<schema:sameAs rdf:resource="{ORCID}"/>' in metadata
    assert "<schema:email>mara.quill@example.org</schema:email>" in metadata
    assert "<rdf:li>2014-01-20</rdf:li>" in metadata


def test_article_authors_reach_citation_cff(article: Built, tmp_path: Path) -> None:
    cff = yaml.safe_load(citation_file(load_document(ARTICLE, BuildContext(tmp_path)), "1.0.0"))
    assert cff["date-released"] == "2014-01-20"
    assert cff["authors"][0] == {
        "given-names": "Mara",
        "family-names": "Quill",
        "affiliation": f"{LAB}; Institute for Waves",
        "orcid": ORCID,
        "email": "mara.quill@example.org",
    }
    assert cff["authors"][1]["affiliation"] == LAB
    assert cff["abstract"].startswith("Calcium waves travel")


def test_article_shows_affiliations_orcid_and_the_corresponding_author(article: Built) -> None:
    html = html_tree(article.editions.html)
    epub = epub_documents(article.editions.epub)["EPUB/text.xhtml"]
    for title_block in (
        one(html.find(".//header"), "header of the web page"),
        one(epub.find(".//{http://www.w3.org/1999/xhtml}header"), "header of the EPUB's text"),
    ):
        text = normalise(text_of(title_block))
        assert "Mara Quill (corresponding author)" in text
        assert LAB in text and "Institute for Waves" in text
        links = [link.get("href") for link in title_block.iter("{*}a", "a")]
        assert ORCID in links and "mailto:mara.quill@example.org" in links
    pdf_text = normalise(" ".join(pdf_pages(article.editions.pdf)))
    assert "Mara Quill (corresponding author)" in pdf_text and ORCID in pdf_text
    with pikepdf.open(article.editions.pdf) as pdf:
        uris = [
            str(annotation.A.URI) for page in pdf.pages for annotation in page.get("/Annots", []) if "/A" in annotation
        ]
    assert ORCID in uris


def test_article_abstract_comes_before_the_text(article: Built) -> None:
    for edition, text in edition_texts(article.editions).items():
        abstract = text.find(letters("Abstract Calcium waves travel"))
        assert 0 <= abstract < text.find(letters("Introduction Waves of calcium")), edition
    tree = html_tree(article.editions.html)
    assert tree.find(".//section[@role='doc-abstract']/p/em").text == "speed"


def test_article_cites_from_both_bibliographies(article: Built) -> None:
    for text in edition_texts(article.editions).values():
        assert letters("Lechleiter, J. (1991)") in text and letters("Keener, J. (1998)") in text


# (c) A university-template report


def test_report_warns_once_about_each_ignored_key_with_its_line(report: Built) -> None:
    lines = report.stderr.splitlines()
    assert len(lines) == len(REPORT_WARNINGS)
    for expected, line in zip(REPORT_WARNINGS, lines, strict=True):
        assert line.startswith(expected)


def test_report_fails_under_strict(tmp_path: Path) -> None:
    run = build("all", "--strict", "--manuscript", REPORT, "--out", tmp_path, "-q")
    assert run.returncode == 1
    assert "tests/fixtures/report/report.md:10: error: 'geometry' is ignored" in run.stderr
    assert not list(tmp_path.glob("report.*"))


def test_report_latex_keys_are_mapped(report: Built) -> None:
    tree = html_tree(report.editions.html)
    assert tree.get("lang") == "en-US"
    contents = tree.find(".//nav[@role='doc-toc']")  # a report is a book: its chapters are numbered
    titles = [normalise(link.text_content()) for link in contents.iter("a")]
    assert titles == ["Chapter 1: Harvest", "Chapter 2: Pruning"]
    document = pypdfium2.PdfDocument(str(report.editions.pdf))
    try:
        assert (round(document[0].get_width()), round(document[0].get_height())) == (612, 792)  # letter
        # A report is set as a book: its text begins after the title pages and the contents.
        text_page = next(page for page in document if "apple harvest" in page.get_textpage().get_text_range())
        textpage = text_page.get_textpage()
        sizes = [pypdfium2.raw.FPDFText_GetFontSize(textpage.raw, index) for index in range(textpage.count_chars())]
    finally:
        document.close()
    # fontsize: 12pt; pdfium gives sizes in CSS pixels, 4/3 of a point.
    assert sorted(sizes)[len(sizes) // 2] == pytest.approx(12 * 4 / 3, abs=0.1)
    pdf_text = normalise(" ".join(pdf_pages(report.editions.pdf)))
    assert re.search(r"Harvest\s*(\. ?)+\s*1", pdf_text)  # the contents with page numbers


# A manuscript with no front matter at all


def test_a_manuscript_without_front_matter_builds_named_after_its_file(tmp_path: Path) -> None:
    manuscript = tmp_path / "field-notes.md"
    manuscript.write_text("# First\n\nJust some text, and no front matter.\n", encoding="utf-8")
    run = build("all", "--manuscript", manuscript, "--out", tmp_path / "out", "-q", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        "field-notes.md:1: warning: no title in the front matter; the editions use the file name, 'field notes'",
        "field-notes.md:1: warning: no author in the front matter; the editions name none",
        "field-notes.md:1: warning: no 'lang' in the front matter: the editions are marked as en (English)"
        " for hyphenation, quotation marks and assistive technology",
    ]
    tree = html_tree(tmp_path / "out" / "field-notes.html")
    assert tree.findtext(".//title") == "field notes" and tree.find(".//p[@class='byline']") is None
    check = epubcheck(tmp_path / "out" / "field-notes.epub")
    assert (check.errors, check.warnings) == ([], [])
    assert "Just some text, and no front matter." in normalise(
        " ".join(pdf_pages(tmp_path / "out" / "field-notes.pdf"))
    )


def test_pandoc_metadata_options_on_the_command_line(tmp_path: Path) -> None:
    """A manuscript built as its author built it with Pandoc: its bibliography, style and part of
    its metadata given by a defaults file, a metadata file and -M, not in its front matter."""
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    text = manuscript.read_text(encoding="utf-8")
    text = text.replace("bibliography: references.yaml\n", "").replace("csl: apa\n", "")
    manuscript.write_text(text.replace('title: "A Minimal Manuscript"\n', ""), encoding="utf-8")
    (book / "meta.yaml").write_text("title: Given *Elsewhere*\nabstract: An abstract from a file.\n", "utf-8")
    (book / "defaults.yaml").write_text(
        "input-file: minimal.md\nbibliography: references.yaml\ncsl: apa\nmetadata:\n  subtitle: From Defaults\n"
        "to: pdf\n",
        encoding="utf-8",
    )
    run = build(
        "all",
        "--out",
        tmp_path / "out",
        "-q",
        "-d",
        "defaults.yaml",
        "--metadata-file",
        "meta.yaml",
        "-M",
        "keywords=cli",
        cwd=book,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        "defaults.yaml:6: warning: 'to' in the defaults file is ignored: the toolchain makes its own editions"
    ]
    page = html_tree(tmp_path / "out" / "minimal.html")
    assert normalise(text_of(page.find(".//h1"))) == "Given Elsewhere"
    assert page.find(".//h1//em") is not None
    body = normalise(text_of(page))
    assert "From Defaults" in body and "An abstract from a file." in body
    assert "Doe, 2020, p. 12" in body  # APA, from the defaults file's bibliography and style
    pdf = normalise(" ".join(pdf_pages(tmp_path / "out" / "minimal.pdf")))
    assert "Given Elsewhere" in pdf and "From Defaults" in pdf


# (d) A citation in the abstract, in the default note style


def test_a_citation_in_the_abstract_builds_without_a_word(abstract_note: Built) -> None:
    assert abstract_note.stderr == ""  # WeasyPrint said "Anchor defined twice: 'fnref1'"


def test_a_citation_in_the_abstract_passes_every_validator(abstract_note: Built, browser: Browser) -> None:
    editions = abstract_note.editions
    checks = [epubcheck(editions.epub), ace(editions.epub), nu(editions.html)]
    checks += [pdf_structure(editions.pdf), pdfua(editions.pdf)]
    assert [(check.tool, check.errors, check.warnings) for check in checks if check.errors or check.warnings] == []
    for theme in THEMES:
        page = open_page(browser, editions.html, DESKTOP, theme)
        assert axe_violations(page) == [], theme
        page.close()


def test_the_abstracts_and_the_epigraphs_notes_come_first_in_every_edition(abstract_note: Built) -> None:
    editions = abstract_note.editions
    # The web page: a call in the abstract, its note beside it in the margin and first in the list.
    page = html_tree(editions.html)
    abstract = one(page.find(".//section[@role='doc-abstract']"), "the web page's abstract")
    calls = page.find_class("footnote-ref")
    assert [call.text_content() for call in calls] == ["1", "2", "3", "4", "5"]  # the fourth is the web page's alone
    assert calls[0] in abstract.iter("a")
    assert calls[1] in one(page.find(".//div[@role='doc-epigraph']"), "the web page's epigraph").iter("a")
    sidenote = one(abstract.find(".//span[@class='sidenote']"), "the abstract's margin note")
    assert letters(text_of(sidenote)) == letters(FIRST_NOTE.replace(".", "", 1))
    notes = page.findall(".//section[@id='notes']/ol/li")
    assert [note.get("id") for note in notes] == [call.get("href", "")[1:] for call in calls]
    assert letters(text_of(notes[0])) == letters(FIRST_NOTE)
    # The EPUB: a noteref in the abstract, to the first of the notes, which leads back to it; one in the epigraph.
    documents = epub_documents(editions.epub)
    text, notes_document = documents["EPUB/text.xhtml"], documents["EPUB/notes.xhtml"]
    references = [call for call in text.iter(f"{XHTML}a") if call.get(EPUB_TYPE) == "noteref"]
    assert [text_of(call) for call in references] == ["1", "2", "3", "4"]
    assert references[0].xpath("ancestor::*[@role='doc-abstract']")
    assert references[1].xpath("ancestor::*[@role='doc-epigraph']")
    endnotes = [item for item in notes_document.iter(f"{XHTML}li") if item.get(EPUB_TYPE) == "endnote"]
    assert [f"notes.xhtml#{item.get('id')}" for item in endnotes] == [call.get("href") for call in references]
    assert letters(text_of(endnotes[0])) == letters(FIRST_NOTE)
    back = one(endnotes[0].find(f".//{XHTML}a[@role='doc-backlink']"), "the first note's way back")
    assert back.get("href") == f"text.xhtml#{references[0].get('id')}"
    # A call, or a note, is in one document alone: the title page before the text calls none.
    identifiers = [str(element.get("id")) for document in documents.values() for element in document.iter()]
    notes_and_calls = [identifier for identifier in identifiers if re.fullmatch(r"fn(ref)?\d+", identifier)]
    assert len(notes_and_calls) == len(set(notes_and_calls)) == 8
    # The PDF: called from the abstract and the epigraph, at the foot of their page, before the text's.
    first_page = normalise(pdf_pages(editions.pdf)[0])
    assert "Inspired by Agnes Trimble,1 this essay" in first_page
    assert "Keep the light burning.2 — The harbour board" in first_page
    assert first_page.endswith(
        f"{FIRST_NOTE} 2. The keepers’ motto. 3. “Logbooks of the Harbour Light,” Coastal History 7, no. 1"
        " (1950): 33–41. 4. A note of the text."
    )
    with pikepdf.open(editions.pdf) as pdf:
        targets = destination_pages(pdf)
        calls_on_pages = [(page, name) for page, name in pdf_links(pdf) if re.fullmatch(r"fn\d+", name)]
    assert calls_on_pages[0] == (1, "fn1") and targets["fn1"] == 1


def test_the_metadata_holds_the_abstract_without_its_note(abstract_note: Built) -> None:
    editions = abstract_note.editions
    with pikepdf.open(editions.pdf) as pdf:
        assert str(pdf.docinfo["/Subject"]) == ABSTRACT_PLAIN
    assert opf(editions.epub).findtext(".//dc:description", namespaces=OPF) == ABSTRACT_PLAIN
    page = html_tree(editions.html)
    assert page.find(".//meta[@name='description']").get("content") == ABSTRACT_PLAIN
    assert linked_data(editions.html)["abstract"] == ABSTRACT_PLAIN


def test_a_books_title_and_abstract_call_their_notes_from_its_title_pages(tmp_path: Path) -> None:
    book = tmp_path / "lanterns"
    book.mkdir()
    shutil.copy(ABSTRACT_NOTE.parent / "references.yaml", book)
    (book / "metadata.yaml").write_text(
        'title: "Lanterns^[A note on the title.]"\nauthor: Ada Lamplighter\nlang: en\n'
        "abstract: Inspired by @keeper1900.\nbibliography: references.yaml\n",
        encoding="utf-8",
    )
    (book / "01-one.md").write_text("# One\n\nAs @ledger1950 shows, the logbooks survive.\n", encoding="utf-8")
    built = build_all(book, tmp_path / "out")
    assert built.stderr == ""
    check = epubcheck(built.editions.epub)
    assert (check.errors, check.warnings) == ([], [])
    site = sorted((tmp_path / "out" / "lanterns").glob("*.html"))
    for page_path in [built.editions.html, *site]:
        check = nu(page_path)
        assert (check.errors, check.warnings) == ([], []), page_path.name
    # Print: the half-title without a call; the title page and the abstract with theirs, each note at its foot.
    half_title, _, title_page, *pages = [normalise(page) for page in pdf_pages(built.editions.pdf)]
    assert half_title == "Lanterns"
    assert title_page == "Lanterns1 By Ada Lamplighter 1. A note on the title."
    assert any(page.startswith("Abstract Inspired by Agnes Trimble.2 2. The Keeper’s Year") for page in pages)
    # The website: the front page lists the notes it calls; the chapter's page numbers its own from 1.
    front_page = html_tree(tmp_path / "out" / "lanterns" / "index.html")
    listed = front_page.findall(".//section[@id='notes']/ol/li")
    assert [note.get("id") for note in listed] == [
        call.get("href", "")[1:] for call in front_page.find_class("footnote-ref")
    ]
    assert [letters(text_of(note)) for note in listed] == [
        letters("1. A note on the title."),
        letters("2. The Keeper’s Year (Harbour Board, 1900)."),
    ]
    chapter = html_tree(tmp_path / "out" / "lanterns" / "one.html")
    assert [call.text_content() for call in chapter.find_class("footnote-ref")] == ["1"]
