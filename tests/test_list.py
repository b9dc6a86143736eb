"""A press's list, end to end: `make` from a clean clone builds every title, the catalogue and
the journal's issue, a second `make` does nothing, a title's own style reaches its editions
alone, and the issue's page ranges reach its articles' metadata."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import lxml.html
import pikepdf
import pypdfium2 as pdfium
import pytest
import yaml
from lxml import etree
from playwright.sync_api import Browser

from press import api
from press.invocation import MetadataOptions
from press.release import citation_file
from press.validate import ace, axe_violations, epubcheck, nu, opds
from press.xmp import PRISM
from tests.conftest import EPOCH, clean_clone

LIST = Path("tests/fixtures/list")
TITLES = ("harbour-lights", "der-leuchtturm", "tide-tables", "coastal-paths")
ATOM = "{http://www.w3.org/2005/Atom}"
#: The heading colour tide-tables/styles/print.css and screen.css add to the house style.
TITLE_COLOUR = "#7b2d12"
#: The fixture journal's issue, and its articles' titles in order.
ISSUE = "review-2024-1"
ARTICLES = {"harbour-lights": "Harbour Lights", "tide-tables": "Reading Tide Tables"}


def make(clone: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", f"LIST={LIST}", *arguments],
        cwd=clone,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def planned(clone: Path, *arguments: str) -> list[str]:
    """What `make` would run: each build.py command line, shortened to its edition and manuscript."""
    run = make(clone, "--dry-run", *arguments)
    assert run.returncode == 0, run.stderr
    return [
        " ".join(line.split()[2:5:2]).replace(f"{LIST}/", "")
        for line in run.stdout.splitlines()
        if "build.py" in line and " titles " not in line
    ]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean clone in which `make` has built the fixture list."""
    folder = clean_clone(tmp_path_factory.mktemp("list") / "press")
    run = make(folder)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in run.stderr.lower(), run.stderr
    return folder


def test_make_builds_every_edition_of_every_title_and_the_catalogue(clone: Path) -> None:
    built = sorted(path.name for path in (clone / "build").iterdir() if path.is_file())
    editions = [f"{title}.{edition}" for title in TITLES for edition in ("epub", "html", "pdf")]
    assert built == sorted([*editions, "catalogue.html", "catalogue.xml", f"{ISSUE}.pdf", f"{ISSUE}.epub"])


def test_a_second_make_does_nothing(clone: Path) -> None:
    assert make(clone, "--question").returncode == 0
    assert planned(clone) == []


def test_a_title_is_built_alone_and_an_unknown_one_is_named(clone: Path, tmp_path: Path) -> None:
    assert planned(clone, f"OUT={tmp_path}", "TITLE=der-leuchtturm") == ["all der-leuchtturm/der-leuchtturm.md"]
    assert planned(clone, f"OUT={tmp_path}", "TITLE=der-leuchtturm", "ONE_PROCESS=") == [
        "pdf der-leuchtturm/der-leuchtturm.md",
        "html der-leuchtturm/der-leuchtturm.md",
        "epub der-leuchtturm/der-leuchtturm.md",
    ]
    run = make(clone, f"OUT={tmp_path}", "TITLE=der-leuchturm")
    assert run.returncode != 0
    assert f"error: no title named 'der-leuchturm' in {LIST}; the titles are: {' '.join(TITLES)}" in run.stderr


def test_a_titles_style_reaches_its_own_editions_only(clone: Path) -> None:
    pages = {title: (clone / "build" / f"{title}.html").read_text(encoding="utf-8") for title in TITLES}
    assert [title for title, page in pages.items() if TITLE_COLOUR in page] == ["tide-tables"]


def test_a_new_style_addition_rebuilds_the_editions_that_read_it(clone: Path) -> None:
    addition = clone / LIST / "harbour-lights" / "styles" / "epub.css"
    addition.parent.mkdir()
    addition.write_text("h2 { letter-spacing: 0.02em; }\n", encoding="utf-8")
    try:
        # The title's build (which keeps the editions made from the same files); Make's dry run does not
        # follow a rule of several targets on to what depends on them (the catalogue), as a real run does.
        assert planned(clone) == ["all harbour-lights/harbour-lights.md"]
        assert planned(clone, "ONE_PROCESS=") == ["epub harbour-lights/harbour-lights.md", f"catalogue {LIST}"]
    finally:
        addition.unlink()
        addition.parent.rmdir()


def test_a_file_come_and_gone_beside_a_manuscript_rebuilds_nothing(clone: Path) -> None:
    """An editor's swap file changes the folder's listing, and so the list's fragment, but no title."""
    swap = clone / LIST / "tide-tables" / ".tide-tables.md.swp"
    swap.write_bytes(b"")
    swap.unlink()
    assert planned(clone) == []


def test_a_new_title_is_built_without_a_word_to_make(clone: Path, tmp_path: Path) -> None:
    title = clone / LIST / "salt-marsh" / "salt-marsh.md"
    title.parent.mkdir()
    title.write_text("---\ntitle: Salt Marsh\nauthor: Nell Walker\nlang: en\n---\n\nSamphire.\n", encoding="utf-8")
    listing = clone / LIST / "list.yaml"
    before = listing.read_text(encoding="utf-8")
    listing.write_text(before.replace("  - coastal-paths\n", "  - coastal-paths\n  - salt-marsh\n"), encoding="utf-8")
    try:
        assert planned(clone, "pdf") == ["pdf salt-marsh/salt-marsh.md"]
    finally:
        listing.write_text(before, encoding="utf-8")
        title.unlink()
        title.parent.rmdir()


def test_the_catalogue_page_lists_every_title_with_its_editions(clone: Path) -> None:
    page = lxml.html.parse(str(clone / "build" / "catalogue.html")).getroot()
    entries = page.find_class("title")
    assert [entry.find(".//h2").text_content() for entry in entries] == [
        "Harbour Lights",
        "Der Leuchtturm",
        "Reading Tide Tables",
        "Coastal Paths",
    ]
    german = entries[1]
    assert german.find(".//h2").get("lang") == "de-DE"
    assert "Bernd Küstner" in german.find_class("authors")[0].text_content()
    assert "Deutsch (de-DE)" in german.find_class("facts")[0].text_content()
    assert [link.get("href") for link in german.iterfind(".//ul[@class='editions']//a")] == [
        "der-leuchtturm.pdf",
        "der-leuchtturm.epub",
        "der-leuchtturm.html",
    ]
    assert all(image.get("src", "").startswith("data:image/jpeg;base64,") for image in page.iter("img"))


def test_the_catalogue_page_is_valid_and_accessible(clone: Path, browser: Browser) -> None:
    page_path = clone / "build" / "catalogue.html"
    check = nu(page_path)
    assert check.errors == check.warnings == []
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto(page_path.as_uri())
        assert axe_violations(page) == [], scheme
        page.close()


def test_the_opds_feed_validates_and_lists_the_acquisitions(clone: Path) -> None:
    feed_path = clone / "build" / "catalogue.xml"
    assert opds(feed_path).errors == []
    feed = etree.parse(str(feed_path)).getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(TITLES)
    with zipfile.ZipFile(clone / "build" / "harbour-lights.epub") as book:
        package = book.read("EPUB/content.opf").decode("utf-8")
    first = entries[0]
    assert f">{first.findtext(f'{ATOM}id')}</dc:identifier>" in package
    assert [(link.get("rel"), link.get("href"), link.get("type")) for link in first.findall(f"{ATOM}link")][1:] == [
        ("http://opds-spec.org/acquisition/open-access", "harbour-lights.pdf", "application/pdf"),
        ("http://opds-spec.org/acquisition/open-access", "harbour-lights.epub", "application/epub+zip"),
        ("alternate", "harbour-lights.html", "text/html"),
    ]
    thumbnail = first.find(f"{ATOM}link[@rel='http://opds-spec.org/image/thumbnail']")
    assert thumbnail is not None and thumbnail.get("href", "").startswith("data:image/jpeg;base64,")


def test_the_opds_schema_refuses_a_broken_feed(clone: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    feed = (clone / "build" / "catalogue.xml").read_text(encoding="utf-8")
    broken.write_text(
        feed.replace("<title>Coastal Paths", "<name>Coastal Paths", 1).replace(
            "A Walker's Book in Three Chapters</title>", "A Walker's Book in Three Chapters</name>", 1
        ),
        encoding="utf-8",
    )
    assert any('element "name" not allowed here' in error for error in opds(broken).errors)


def issue_pages(clone: Path) -> dict[str, tuple[int, int]]:
    """Where each article of the issue is in its PDF, by the page numbers printed at the pages' feet:
    from the page that opens with its title to the page before the next article's."""
    pdf = pdfium.PdfDocument(clone / "build" / f"{ISSUE}.pdf")
    texts = [pdf[index].get_textpage().get_text_range().splitlines() for index in range(len(pdf))]
    starts = [next(index for index, lines in enumerate(texts) if lines[0] == title) for title in ARTICLES.values()]
    ends = [start - 1 for start in starts[1:]] + [len(texts) - 1]
    return {
        name: (int(texts[start][-1]), int(texts[end][-1]))
        for name, start, end in zip(ARTICLES, starts, ends, strict=True)
    }


def test_the_issues_page_ranges_are_the_pages_of_its_pdf_in_every_articles_metadata(clone: Path) -> None:
    pages = issue_pages(clone)
    assert pages == {"harbour-lights": (1, 2), "tide-tables": (3, 3)}
    for name, (first, last) in pages.items():
        page = lxml.html.parse(str(clone / "build" / f"{name}.html")).getroot()
        article = json.loads(page.find(".//script[@type='application/ld+json']").text or "{}")
        assert (article["pageStart"], article["pageEnd"]) == (str(first), str(last))
        assert article["isPartOf"]["issueNumber"] == "1"
        assert article["isPartOf"]["isPartOf"] == {
            "@type": "PublicationVolume",
            "volumeNumber": "12",
            "isPartOf": {"@type": "Periodical", "name": "Coastal Studies Review"},
        }
        with pikepdf.open(clone / "build" / f"{name}.pdf") as pdf:
            xmp = etree.fromstring(pdf.Root.Metadata.read_bytes())
        assert [xmp.findtext(f".//{{{PRISM}}}{field}") for field in ("startingPage", "endingPage")] == [
            str(first),
            str(last),
        ]
        assert xmp.findtext(f".//{{{PRISM}}}publicationName") == "Coastal Studies Review"
        metadata_file = clone / "build" / ".issues" / f"{name}.yaml"
        built = api.build(
            clone / LIST / name / f"{name}.md",
            clone / "build-citation",
            editions=("html",),
            metadata=MetadataOptions(files=(metadata_file,)),
        )
        assert built.document is not None, "the build read no manuscript"
        preferred = yaml.safe_load(citation_file(built.document, "1.0"))["preferred-citation"]
        assert (preferred["journal"], preferred["volume"], preferred["issue"]) == ("Coastal Studies Review", 12, 1)
        assert (preferred["start"], preferred["end"]) == (first, last)


def test_the_issues_contents_gives_each_article_its_authors_abstract_and_pages(clone: Path) -> None:
    pdf = pdfium.PdfDocument(clone / "build" / f"{ISSUE}.pdf")
    contents = pdf[0].get_textpage().get_text_range().splitlines()
    assert contents[:4] == [
        "Coastal Studies Review",
        "Volume 12 · Issue 1 · 2024-05-01",
        "The Harbour Press",
        "Contents",
    ]
    assert contents[4:6] == ["Harbour Lights 1–2", "Ada Lamplighter"]
    assert contents[6].startswith("A short essay on the lantern")
    assert contents[7:9] == ["Reading Tide Tables 3", "Tomas Reed and Mara Quill"]


def test_the_issues_epub_is_valid_and_accessible(clone: Path) -> None:
    book = clone / "build" / f"{ISSUE}.epub"
    for check in (epubcheck(book), ace(book)):
        assert check.errors == check.warnings == [], check.tool
    with zipfile.ZipFile(book) as archive:
        contents = archive.read("EPUB/contents.xhtml").decode("utf-8")
        assert "Pages 1–2" in contents and "Pages 3" in contents
        assert {"EPUB/article-1.xhtml", "EPUB/article-2.xhtml", "EPUB/nav.xhtml"} <= set(archive.namelist())
