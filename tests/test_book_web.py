"""A book on the web: the whole book on one page, and the book as a website of one page per
division, read back in a real browser and by the validators."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
import yaml
from playwright.sync_api import Browser, Page

from press.validate import axe_violations, nu
from tests.conftest import FIXTURES, build
from tests.proof import DESKTOP, PHONE, THEMES, Screen, open_page
from tests.readback import html_tree, letters, normalise

BOOK = FIXTURES / "book" / "book.md"
NARROWEST = Screen("narrowest", 320, 640)
#: The book's pages in reading order, by their titles, as the fixture's front matter lists its files.
READING_ORDER = [
    "Preface",
    "Part I: Stone and Flame",
    "Chapter 1: First Lights",
    "Chapter 2: Towers in the Sea",
    "Chapter 3: Lamps and Lenses",
    "Part II: Lives on the Rock",
    "Chapter 4: The Keepers",
    "Chapter 5: Families",
    "Chapter 6: The Last Watch",
    "Appendix A: Glossary",
    "Appendix B: Lights Named in This Book",
    "Bibliography",
    "Index",
]
#: Notes in each chapter of the fixture, as its files number them.
NOTES_BY_CHAPTER = {
    "Preface": 1,
    "Chapter 1: First Lights": 3,
    "Chapter 2: Towers in the Sea": 2,
    "Chapter 3: Lamps and Lenses": 2,
    "Chapter 4: The Keepers": 2,
    "Chapter 5: Families": 2,
    "Chapter 6: The Last Watch": 2,
    "Appendix A: Glossary": 1,
}


@dataclass(frozen=True)
class WebBook:
    page: Path
    site: Path

    @property
    def pages(self) -> list[Path]:
        return sorted(self.site.glob("*.html"))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> WebBook:
    out = tmp_path_factory.mktemp("book-web")
    run = build("html", "--manuscript", BOOK, "--out", out)
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr, run.stderr
    return WebBook(out / "book.html", out / "book")


def heading(tree: lxml.html.HtmlElement) -> str:
    return normalise(tree.find(".//h1").text_content())


def walk(book: WebBook, rel: str) -> list[Path]:
    """The pages met following `rel` links from the front page (forwards) or from the last page."""
    start = book.site / "index.html" if rel == "next" else book.site / "book-index.html"
    pages = [start]
    while (link := html_tree(pages[-1]).find(f".//a[@rel='{rel}']")) is not None:
        following = book.site / link.get("href")
        assert following not in pages, f"{following.name} comes twice"
        pages.append(following)
    return pages


# Reading the website in order


def test_next_links_walk_the_whole_book_in_order_and_previous_links_walk_it_back(book: WebBook) -> None:
    forwards = walk(book, "next")
    assert [heading(html_tree(page)) for page in forwards[1:]] == READING_ORDER
    assert sorted(forwards) == book.pages, "every page of the website is on the way"
    assert walk(book, "prev") == forwards[::-1]
    for page in forwards:
        tree = html_tree(page)
        for rel in ("prev", "next"):
            link, shown = tree.find(f".//head/link[@rel='{rel}']"), tree.find(f".//a[@rel='{rel}']")
            assert (link is None) == (shown is None) and (link is None or link.get("href") == shown.get("href"))


def chapter_files() -> list[Path]:
    """The book's files in order, as its front matter lists them."""
    front = yaml.safe_load(BOOK.read_text(encoding="utf-8").split("---\n")[1])
    files: list[str] = []
    for entry in [*front["chapters"], *front["appendices"]]:
        files += entry["chapters"] if isinstance(entry, dict) else [entry]
    return [BOOK.parent / name for name in files]


def paragraph_openings(path: Path) -> list[str]:
    """The first words of each paragraph of a chapter file, read from the Markdown."""
    text = re.sub(r"^---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = re.sub(r"\[([^\]^@]*)\]\{[^}]*\}", r"\1", text)  # [an index mark]{.index} reads as its words
    openings = []
    for block in re.split(r"\n\s*\n", text.strip()):
        # A paragraph, or a term of a definition list and its definition.
        for piece in re.split(r"\n:\s", block) if block[:1].isalpha() else []:
            openings.append(" ".join(re.sub(r"[*_`]", "", piece).replace("'", "’").split()[:5]))
    return openings


def test_every_chapter_reads_back_on_its_page_in_order(book: WebBook) -> None:
    pages = [page for page in walk(book, "next")[1:] if page.name not in ("bibliography.html", "book-index.html")]
    chapters = [page for page in pages if html_tree(page).find(".//*[@data-division='part']") is None]
    assert len(chapters) == len(chapter_files()) == 9
    for page, source in zip(chapters, chapter_files(), strict=True):
        text = html_tree(page).find(".//div[@class='body-text']")
        for copy in text.find_class("sidenote"):
            copy.drop_tree()
        running = letters(text.text_content())
        position = 0
        openings = paragraph_openings(source)
        assert openings, source
        for opening in openings:
            found = running.find(letters(opening), position)
            assert found >= 0, f"{page.name} lacks “{opening}” from {source.name}, or has it out of order"
            position = found


def test_the_one_page_holds_every_chapter_in_order(book: WebBook) -> None:
    tree = html_tree(book.page)
    titles = [normalise(element.text_content()) for element in tree.xpath("//*[@data-division]/h2[1]")]
    assert titles == READING_ORDER[:-2]
    running = letters(tree.find(".//div[@class='body-text']").text_content())
    position = 0
    for source in chapter_files():
        for opening in paragraph_openings(source):
            position = running.find(letters(opening), position)
            assert position >= 0, f"the one page lacks “{opening}” from {source.name}, or has it out of order"


def test_the_website_never_replaces_a_folder_it_did_not_write(tmp_path: Path) -> None:
    """A book in a folder named as the book, built into the folder around it: its pages would go
    where the manuscript is."""
    folder = tmp_path / "book"
    shutil.copytree(BOOK.parent, folder)
    run = build("html", "--manuscript", folder / "book.md", "--out", tmp_path)
    assert run.returncode == 1
    assert run.stderr.startswith(f"{folder}: error: cannot write the book's web pages to the folder book:")
    assert "Traceback" not in run.stderr
    assert sorted(path.name for path in folder.iterdir()) == sorted(path.name for path in BOOK.parent.iterdir())
    assert not (tmp_path / "book.html").exists()


# Links


def link_targets(book: WebBook) -> Iterator[tuple[Path, str, Path, str]]:
    """Every link between the website's pages, or within one: where it is, and what it names."""
    for page in [*book.pages, book.page]:
        for link in html_tree(page).iter("a"):
            href = link.get("href", "")
            if urlsplit(href).scheme:
                continue
            address = urlsplit(href)
            yield page, href, page.parent / unquote(address.path) if address.path else page, unquote(address.fragment)


def test_every_link_between_pages_resolves(book: WebBook) -> None:
    identifiers: dict[Path, set[str]] = {}
    links = list(link_targets(book))
    assert len(links) > 300
    for page, href, target, fragment in links:
        assert target.is_file(), f"{page.name}: {href} leads nowhere"
        if target not in identifiers:
            identifiers[target] = {str(element.get("id")) for element in html_tree(target).iter() if element.get("id")}
        assert not fragment or fragment in identifiers[target], f"{page.name}: {href} names no element"


def test_the_contents_lead_to_every_page_and_heading(book: WebBook) -> None:
    front = html_tree(book.site / "index.html")
    contents = front.find(".//nav[@role='doc-toc']")
    entries = [(normalise(link.text_content()), link.get("href")) for link in contents.iter("a")]
    pages = [href for _, href in entries if "#" not in href]
    assert pages == [page.name for page in walk(book, "next")[1:]]
    assert ("A day on the rock", "the-keepers.html#a-day-on-the-rock") in entries
    chapter = html_tree(book.site / "towers-in-the-sea.html")
    panel = chapter.find(".//nav[@class='contents-panel']")
    assert [(normalise(link.text_content()), link.get("href")) for link in panel.xpath("details/ol//a")] == entries
    current = panel.xpath(".//a[@aria-current='page']")
    assert [link.get("href") for link in current] == ["towers-in-the-sea.html"]
    assert panel.find(".//p[@class='contents-home']/a").get("href") == "index.html"


def test_a_cross_reference_follows_its_target_to_another_page(book: WebBook) -> None:
    """Figure 2.1 is in chapter 2; chapter 5 refers to it."""
    page = html_tree(book.site / "families.html")
    links = {normalise(link.text_content()): link.get("href") for link in page.iter("a")}
    assert links["Figure 2.1"] == "towers-in-the-sea.html#fig-tower"


@pytest.mark.parametrize("where", ["one page", "front page"])
def test_the_lists_of_figures_and_tables_lead_to_each(book: WebBook, where: str) -> None:
    """`lof` and `lot` give the web the lists print and the EPUB have, each entry its label and caption."""
    page = book.page if where == "one page" else book.site / "index.html"
    lists = {
        normalise(nav.find("h2").text_content()): [
            (normalise(link.text_content()), link.get("href")) for link in nav.iter("a")
        ]
        for nav in html_tree(page).iterfind(".//nav[@class='captioned-list']")
    }
    on = "" if where == "one page" else "towers-in-the-sea.html"
    assert lists["List of Figures"][0] == (
        "Figure 2.1 A tower on its rock, drawn from the landward side.",
        f"{on}#fig-tower",
    )
    assert [label for label, _ in lists["List of Tables"]] == [
        "Table 2.1 Four rock towers and what they were built of",
        "Table 5.1 Keepers and families at three Cornish stations in 1901",
    ]
    assert len(lists["List of Figures"]) == 2  # every link resolves: test_every_link_between_pages_resolves


# Notes by chapter


def test_each_chapter_page_lists_its_own_notes_numbered_from_one(book: WebBook) -> None:
    found = {}
    for page in walk(book, "next")[1:]:
        tree = html_tree(page)
        items = tree.xpath("//section[@id='notes']/ol/li")
        if not items:
            continue
        found[heading(tree)] = len(items)
        for number, item in enumerate(items, start=1):
            back = item.find("a[@class='note-back']")
            assert back.text == f"{number}."
            call = tree.get_element_by_id(back.get("href").removeprefix("#"))
            assert call.get("href") == f"#{item.get('id')}"
            assert call.text_content() == str(number), "the call shows the note's number in its chapter"
    assert found == NOTES_BY_CHAPTER


def test_the_one_page_lists_the_notes_under_their_chapters(book: WebBook) -> None:
    tree = html_tree(book.page)
    groups = tree.xpath("//section[@id='notes']/h3")
    assert [normalise(group.text_content()) for group in groups] == list(NOTES_BY_CHAPTER)
    for group, count in zip(groups, NOTES_BY_CHAPTER.values(), strict=True):
        items = group.getnext().findall("li")
        assert [item.find("a").text for item in items] == [f"{number}." for number in range(1, count + 1)]
        for item in items:
            call = tree.get_element_by_id(item.find("a").get("href").removeprefix("#"))
            assert call.text_content() == item.find("a").text.rstrip(".")
            assert call.xpath("ancestor::*[@data-division]")[0].get("id") == group.find("a").get("href")[1:]


# The index


#: The fixture's index: each heading with the divisions it is marked in (once each, a note's mark included).
INDEX = [
    ("Eddystone", ["Chapter 1", "Chapter 2"]),
    ("Fresnel, Augustin", ["Chapter 3"]),
    ("Granite", ["Chapter 2"]),
    ("Lamps", []),
    ("Argand", ["Chapter 3", "Appendix A"]),
    ("Logbooks", ["Preface", "Chapter 6"]),
    ("Pharos of Alexandria", ["Chapter 1"]),
    ("Rock towers", ["Chapter 2"]),
    ("Smalls", ["Chapter 4"]),
]


@pytest.mark.parametrize("where", ["one page", "website"])
def test_the_index_leads_to_each_division_a_term_is_marked_in(book: WebBook, where: str) -> None:
    page = book.page if where == "one page" else book.site / "book-index.html"
    index = html_tree(page).find(".//*[@role='doc-index']")
    entries = [
        (normalise(item.text.rstrip(", ")), [link.text for link in item.iterchildren("a")]) for item in index.iter("li")
    ]
    assert entries == INDEX
    for link in index.iter("a"):
        file, _, mark = link.get("href").rpartition("#")
        tree = html_tree(page.parent / file if file else page)
        target = tree.get_element_by_id(mark)
        assert "index" in target.classes
        assert link.text in division_title(tree, target), link.get("href")


def division_title(tree: lxml.html.HtmlElement, element: lxml.html.HtmlElement) -> str:
    """The title of the division an element stands in; for an element in a note, its call's."""
    note = element.xpath("ancestor::li[starts-with(@id, 'fn')]")
    if note:
        element = tree.get_element_by_id(note[0].find("a").get("href").removeprefix("#"))
    division = element.xpath("ancestor::*[@data-division]")[0]
    return normalise(division.xpath("h1 | h2")[0].text_content())


# Front matter


@pytest.mark.parametrize("where", ["one page", "front page"])
def test_title_dedication_epigraph_and_copyright_page(book: WebBook, where: str) -> None:
    tree = html_tree(book.page if where == "one page" else book.site / "index.html")
    assert normalise(tree.find(".//h1").text_content()) == "The Keepers of the Light"
    assert "For the keepers of Longships" in tree.find(".//div[@role='doc-dedication']").text_content()
    epigraph = tree.find(".//div[@role='doc-epigraph']")
    quotation = normalise(epigraph.find("blockquote").text_content())
    assert quotation == "The light must be kept burning, whatever the weather."
    assert epigraph.find("p[@class='epigraph-source']").text == "Trinity House standing order, 1836"
    copyright_page = [normalise(p.text_content()) for p in tree.find(".//section[@class='copyright-page']").iter("p")]
    assert copyright_page == [
        "© 2026 Morwenna Tregarthen. All rights reserved.",
        "First edition, 2026",
        "Published by Harbour Lane Press.",
        "ISBN 978-1-86197-871-4",
        "Illustration by Ainav Rabinowitz.",
    ]
    properties = {meta.get("property"): meta.get("content") for meta in tree.iterfind(".//meta[@property]")}
    assert properties["og:type"] == "book"
    assert properties["book:isbn"] == "978-1-86197-871-4"


def test_a_chapter_page_says_which_book_it_belongs_to(book: WebBook) -> None:
    tree = html_tree(book.site / "sec-first-lights.html")
    assert tree.findtext(".//title") == "Chapter 1: First Lights – The Keepers of the Light"
    assert tree.find(".//h1/span[@class='division-label']").text == "Chapter 1"
    data = yaml.safe_load(tree.find(".//script[@type='application/ld+json']").text)
    assert data["@type"] == "Chapter"
    assert data["isPartOf"]["isbn"] == "978-1-86197-871-4"
    description = tree.find(".//meta[@name='description']").get("content")
    assert description.startswith("Before there were towers there were fires.")


# In the browser: valid, accessible, self-contained, at every width


def test_nu_html_checker_finds_nothing(book: WebBook) -> None:
    for checked in (book.page, book.site):
        check = nu(checked)
        assert (check.errors, check.warnings) == ([], []), checked.name


def test_axe_finds_no_violations_on_any_page(browser: Browser, book: WebBook) -> None:
    """Each page in both colour schemes, on a desktop and on a phone, where also with its contents open: one
    page opened (and axe put in it) once, its scheme and width changed, as a reader's browser changes them."""
    for path in [book.page, *book.pages]:
        page = open_page(browser, path, DESKTOP, "light")
        for theme in THEMES:
            page.emulate_media(color_scheme=theme)
            for screen in (DESKTOP, PHONE):
                page.set_viewport_size({"width": screen.width, "height": screen.height})
                # The page's own script answers the resize (its contents panel follows the width): two frames later.
                page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
                assert axe_violations(page) == [], (path.name, theme, screen.name)
            if page.locator(".contents-panel").count():
                contents = page.locator(".contents-panel")
                contents.locator("summary").click()
                assert contents.locator("ol").first.is_visible()
                assert axe_violations(page) == [], (path.name, theme, "contents open")
                contents.locator("summary").click()
        page.close()


def test_no_horizontal_scroll_at_320_px_even_with_the_contents_open(browser: Browser, book: WebBook) -> None:
    for path in [book.page, *book.pages]:
        page = open_page(browser, path, NARROWEST, "light")
        assert _fits(page), path.name
        if page.locator(".contents-panel").count():
            page.locator(".contents-panel summary").click()
            assert page.locator(".contents-panel ol").first.is_visible()
            assert _fits(page), f"{path.name} with its contents open"
        page.close()


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def test_every_page_loads_alone_without_errors(browser: Browser, book: WebBook) -> None:
    for path in [book.page, *book.pages]:
        url = path.resolve().as_uri()
        requests, errors, fonts = _load(browser, url)
        assert fonts, f"{path.name} sets its text in its own fonts"
        assert errors == [], path.name
        assert [request for request in requests if request != url and not request.startswith("data:")] == []


def _load(browser: Browser, url: str) -> tuple[list[str], list[str], bool]:
    """What a page requests and the errors it logs as it loads, and whether its fonts loaded."""
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    fonts = bool(page.evaluate("document.fonts.check('1em \"Press Serif\"')"))
    page.close()
    return requests, errors, fonts


def test_the_contents_stand_beside_the_text_on_a_desktop_and_open_on_demand_on_a_phone(
    browser: Browser, book: WebBook
) -> None:
    desktop = open_page(browser, book.site / "families.html", DESKTOP, "light")
    panel, text = desktop.locator(".contents-panel"), desktop.locator(".body-text")
    assert desktop.locator(".contents-panel ol").first.is_visible()
    panel_box, text_box = panel.bounding_box(), text.bounding_box()
    assert panel_box is not None and text_box is not None
    assert panel_box["x"] + panel_box["width"] <= text_box["x"], "the contents stand beside the text"
    desktop.mouse.wheel(0, 2000)
    assert desktop.locator(".contents-panel ol").first.is_visible(), "they stay in view"
    desktop.close()

    phone = open_page(browser, book.site / "families.html", PHONE, "light")
    contents = phone.locator(".contents-panel ol").first
    assert not contents.is_visible()
    phone.locator(".contents-panel summary").click()
    assert contents.is_visible()
    phone.keyboard.press("Escape")
    assert not contents.is_visible()
    phone.locator(".contents-panel summary").click()
    phone.locator(".contents-panel").get_by_role("link", name=re.compile(r"Chapter 6\s*:\s*The Last Watch")).click()
    phone.wait_for_url("**/the-last-watch.html")
    assert not phone.locator(".contents-panel ol").first.is_visible()
    phone.close()


def test_beside_the_text_the_contents_show_the_page_s_own_entry(browser: Browser, book: WebBook) -> None:
    """On a screen too short for all of them, the contents are scrolled to the page's entry."""
    page = open_page(browser, book.site / "bibliography.html", Screen("low", 1440, 400), "light")
    current = page.locator(".contents-panel a[aria-current='page']")
    box = current.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 400
    assert page.evaluate("document.querySelector('.contents-panel').scrollTop") > 0
    page.close()


def test_within_the_one_page_a_link_of_the_contents_closes_them_on_a_phone(browser: Browser, book: WebBook) -> None:
    page = open_page(browser, book.page, PHONE, "light")
    page.locator(".contents-panel summary").click()
    page.locator(".contents-panel").get_by_role("link", name=re.compile(r"Chapter 5\s*:\s*Families")).click()
    assert page.url.endswith("#families")
    assert not page.locator(".contents-panel ol").first.is_visible()
    heading_box = page.locator("#families h2").bounding_box()
    bar_box = page.locator(".contents-panel").bounding_box()
    assert heading_box is not None and bar_box is not None
    assert heading_box["y"] >= bar_box["y"] + bar_box["height"], "the chapter's title is not under the bar"
    page.close()
