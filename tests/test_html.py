"""The web edition in a real browser: valid, accessible, self-contained, and readable
at every width, with notes that keep the reader in place, with or without script."""

from __future__ import annotations

import functools
import itertools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from press.validate import axe_violations, nu
from tests.conftest import FIXTURES, MINIMAL, Editions, build
from tests.proof import DESKTOP, PHONE, Screen, Theme, open_page, screenshot_html
from tests.readback import html_tree

#: Notes in headings, quotations, list items, crowded on one line, long and with lists and code.
AWKWARD_NOTES = FIXTURES / "notes" / "notes.md"
MANUSCRIPTS = ("essay", "minimal", "awkward_notes")
THEMES = ("light", "dark")
NARROWEST = Screen("narrowest", 320, 640)


@pytest.fixture(scope="session")
def awkward_notes(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    """The web edition alone of the fixture with notes in awkward places."""
    out = tmp_path_factory.mktemp("awkward-notes")
    run = build("html", "--manuscript", AWKWARD_NOTES, "--out", out, "-q")
    assert run.returncode == 0, run.stderr
    return Editions(out / "notes.pdf", out / "notes.epub", out / "notes.html")


@pytest.fixture(params=MANUSCRIPTS)
def page_path(request: pytest.FixtureRequest) -> Path:
    editions: Editions = request.getfixturevalue(request.param)
    return editions.html


@pytest.fixture
def phone(browser: Browser, essay: Editions) -> Iterator[Page]:
    page = open_page(browser, essay.html, PHONE, "light")
    yield page
    page.close()


@pytest.fixture
def desktop(browser: Browser, essay: Editions) -> Iterator[Page]:
    page = open_page(browser, essay.html, DESKTOP, "light")
    yield page
    page.close()


# Validity and accessibility


def test_nu_html_checker_finds_nothing(page_path: Path) -> None:
    check = nu(page_path)
    assert (check.errors, check.warnings) == ([], [])


@pytest.mark.parametrize("theme", THEMES)
def test_axe_finds_no_violations(browser: Browser, page_path: Path, theme: Theme) -> None:
    page = open_page(browser, page_path, DESKTOP, theme)
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("theme", THEMES)
def test_axe_finds_no_violations_with_a_note_open_on_a_phone(browser: Browser, page_path: Path, theme: Theme) -> None:
    page = open_page(browser, page_path, PHONE, theme)
    page.locator("a.footnote-ref").first.click()
    assert page.locator(".sidenote.is-open").count() == 1
    assert axe_violations(page) == []
    page.close()


def test_margin_copies_are_hidden_from_assistive_technology(essay: Editions) -> None:
    tree = html_tree(essay.html)
    copies = tree.find_class("sidenote")
    assert len(copies) == len(tree.xpath("//section[@id='notes']//li")) == 31
    for copy in copies:
        assert copy.get("aria-hidden") == "true"
        assert copy.xpath(".//*[@id]") == []
        assert all(link.get("tabindex") == "-1" for link in copy.iter("a"))
        assert copy.xpath("ancestor::p"), "a margin note sits in the paragraph of its call"


# One file, nothing fetched


@pytest.fixture(scope="module")
def server(essay: Editions) -> Iterator[str]:
    """The page's folder served on 127.0.0.1, on a free port."""
    handler = functools.partial(QuietHandler, directory=str(essay.html.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{essay.html.name}"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.parametrize("origin", ["file", "http"])
def test_page_loads_alone_without_errors(browser: Browser, essay: Editions, server: str, origin: str) -> None:
    url = essay.html.resolve().as_uri() if origin == "file" else server
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        "**/*", lambda route: route.continue_() if _allowed(route.request.url, url) else route.abort("blockedbyclient")
    )
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('1em \"Press Serif\"')")
    page.close()
    assert errors == []
    assert [request for request in requests if not _allowed(request, url)] == []
    assert url in requests


def _allowed(request: str, page_url: str) -> bool:
    return request == page_url or request.startswith("data:")


def test_every_in_page_link_resolves(browser: Browser, page_path: Path) -> None:
    page = open_page(browser, page_path, DESKTOP, "light")
    links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    broken = page.evaluate(
        """[...document.querySelectorAll('a[href^="#"]')]
             .map(a => a.getAttribute('href'))
             .filter(href => !document.getElementById(decodeURIComponent(href.slice(1))))"""
    )
    page.close()
    assert broken == []
    assert all(href.startswith(("#", "https://", "http://")) for href in links)


# Notes in place


def test_a_note_call_opens_its_note_under_the_line_on_a_phone(phone: Page) -> None:
    call = phone.locator("#fnref3")
    note = phone.locator("#side-fn3")
    assert not note.is_visible()
    call.click()
    assert note.is_visible()
    assert "Lie" in note.inner_text()
    assert note.get_attribute("aria-hidden") is None
    assert _focused_id(phone) == "side-fn3"
    assert call.get_attribute("aria-expanded") == "true"
    assert phone.url.endswith(".html"), "the reader stays where they are"
    call_box, note_box = call.bounding_box(), note.bounding_box()
    assert call_box is not None and note_box is not None
    assert 0 <= note_box["y"] - (call_box["y"] + call_box["height"]) < 40, "the note opens right under its call"
    assert note_box["y"] + 40 < PHONE.height
    phone.keyboard.press("Escape")
    assert not note.is_visible()
    assert note.get_attribute("aria-hidden") == "true"
    assert _focused_id(phone) == "fnref3"
    assert call.get_attribute("aria-expanded") == "false"


def test_a_note_opens_from_the_keyboard_and_its_button_closes_it(phone: Page) -> None:
    phone.locator("#fnref2").focus()
    phone.keyboard.press("Enter")
    note = phone.locator("#side-fn2")
    assert note.is_visible()
    assert note.locator("a").first.get_attribute("tabindex") is None, "the note's links are reachable"
    phone.get_by_role("button", name="Close note 2").click()
    assert not note.is_visible()
    assert note.locator("a").first.get_attribute("tabindex") == "-1"
    assert _focused_id(phone) == "fnref2"


#: A caption that repeats its image's alternative text and holds a link; a note holding a link and a
#: displayed formula, whose box scrolls from the keyboard.
REACHABLE_IN_HIDING = """---
title: Links where Pandoc hides
author: A. Writer
lang: en
---

![A square (CC BY, <https://example.com/>)](images/square.png)

We will approximate.[^se]

[^se]: Standard error, as [the survey](https://example.com/survey) has it:

    $$
    SE = \\sqrt{\\frac{p(1-p)}{n}}
    $$
"""


def web_edition(folder: Path, name: str, text: str) -> Path:
    """The web edition of a manuscript of the given text, written in the folder beside the minimal fixture's images."""
    (folder / f"{name}.md").write_text(text, encoding="utf-8")
    shutil.copytree(MINIMAL.parent / "images", folder / "images")
    run = build("html", "--manuscript", folder / f"{name}.md", "--out", folder / "out", "-q")
    assert run.returncode == 0, run.stderr
    return folder / "out" / f"{name}.html"


@pytest.fixture(scope="module")
def reachable_in_hiding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_edition(tmp_path_factory.mktemp("reachable-in-hiding"), "hiding", REACHABLE_IN_HIDING)


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=lambda screen: screen.name)
def test_nothing_hidden_from_assistive_technology_is_in_the_tab_order(
    browser: Browser, reachable_in_hiding: Path, screen: Screen
) -> None:
    """axe's aria-hidden-focus: a caption Pandoc hides and the margin copy of a note hold nothing the
    Tab key reaches (a link, a formula's scroll box)."""
    page = open_page(browser, reachable_in_hiding, screen, "light")
    assert page.locator("figcaption a").count() == 1 and page.locator(".sidenote .display-formula").count() == 1
    assert axe_violations(page) == []
    page.close()


def test_an_open_note_gives_its_link_and_formula_back_to_the_keyboard(
    browser: Browser, reachable_in_hiding: Path
) -> None:
    page = open_page(browser, reachable_in_hiding, PHONE, "light")
    note = page.locator("#side-fn1")
    link, formula = note.locator("a[href]"), note.locator(".display-formula")
    page.locator("#fnref1").click()
    assert (link.get_attribute("tabindex"), formula.get_attribute("tabindex")) == (None, "0")
    page.keyboard.press("Escape")
    assert (link.get_attribute("tabindex"), formula.get_attribute("tabindex")) == ("-1", "-1")
    page.close()


def test_another_call_closes_the_open_note(phone: Page) -> None:
    phone.locator("#fnref1").click()
    phone.locator("#fnref2").click()
    assert phone.locator(".sidenote.is-open").evaluate_all("notes => notes.map(note => note.id)") == ["side-fn2"]


@pytest.mark.parametrize(("manuscript", "count"), [("essay", 31), ("awkward_notes", 7)])
def test_notes_stand_in_the_margin_beside_their_calls_on_a_desktop(
    browser: Browser, request: pytest.FixtureRequest, manuscript: str, count: int
) -> None:
    editions: Editions = request.getfixturevalue(manuscript)
    page = open_page(browser, editions.html, DESKTOP, "light")
    boxes = page.evaluate(
        """[...document.querySelectorAll('.sidenote')].map(note => {
             const call = document.querySelector(`a.footnote-ref[href="#${note.id.replace('side-', '')}"]`);
             const text = document.querySelector('.body-text').getBoundingClientRect();
             const box = note.getBoundingClientRect(), callBox = call.getBoundingClientRect();
             return {id: note.id, top: box.top, bottom: box.bottom, left: box.left, right: box.right,
                     callTop: callBox.top, callBottom: callBox.bottom, textRight: text.right};
           })"""
    )
    width = page.evaluate("document.documentElement.clientWidth")
    page.close()
    assert len(boxes) == count
    for box in boxes:
        assert box["left"] > box["textRight"], f"{box['id']} stands beside the text, not over it"
        assert box["right"] <= width
        assert box["top"] >= box["callTop"] - 12, f"{box['id']} starts no higher than its call"
    for above, below in itertools.pairwise(boxes):
        assert below["top"] >= above["bottom"], f"{above['id']} and {below['id']} collide"
    first = boxes[0]
    assert first["top"] - first["callBottom"] < 60, "with room to spare, a note starts beside its call"


def test_a_call_highlights_its_margin_note_on_a_desktop(desktop: Page) -> None:
    desktop.locator("#fnref1").click()
    assert _focused_id(desktop) == "side-fn1"
    assert desktop.url.endswith(".html")
    desktop.keyboard.press("Escape")
    assert _focused_id(desktop) == "fnref1"
    assert desktop.locator("#side-fn1").is_visible(), "margin notes stay in the margin"


def test_without_javascript_calls_and_back_links_jump(browser: Browser, essay: Editions) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": PHONE.width, "height": PHONE.height})
    page = context.new_page()
    page.goto(essay.html.resolve().as_uri())
    page.locator("#fnref3").click()
    assert page.url.endswith("#fn3")
    assert _in_view(page, "#fn3")
    assert not page.locator("#side-fn3").is_visible()
    page.locator("#fn3 a.note-back").click()
    assert page.url.endswith("#fnref3")
    assert _in_view(page, "#fnref3")
    context.close()


def _focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def _in_view(page: Page, selector: str) -> bool:
    return bool(
        page.locator(selector).evaluate(
            "element => { const box = element.getBoundingClientRect();"
            " return box.top >= 0 && box.bottom <= window.innerHeight; }"
        )
    )


# Every width, and paper


@pytest.mark.parametrize("note_open", [False, True])
def test_no_horizontal_scroll_on_the_narrowest_phone(browser: Browser, page_path: Path, note_open: bool) -> None:
    page = open_page(browser, page_path, NARROWEST, "light")
    if note_open:
        for index in range(page.locator("a.footnote-ref").count()):
            page.locator("a.footnote-ref").nth(index).click()
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.close()


def test_the_measure_stays_comfortable(browser: Browser, essay: Editions) -> None:
    """Between about 45 and 80 characters a line, from a phone to a wide desktop."""
    for screen in (NARROWEST, PHONE, Screen("tablet", 820, 1180), DESKTOP, Screen("wide", 2560, 1440)):
        page = open_page(browser, essay.html, screen, "light")
        characters = page.evaluate(
            """(() => {
                 const paragraph = document.querySelectorAll('.body-text p')[2];
                 const style = getComputedStyle(paragraph);
                 const probe = document.createElement('span');
                 probe.textContent = 'abcdefghijklmnopqrstuvwxyz'.repeat(4);
                 probe.style.font = style.font;
                 probe.style.whiteSpace = 'nowrap';
                 document.body.append(probe);
                 const perCharacter = probe.getBoundingClientRect().width / 104;
                 probe.remove();
                 return paragraph.clientWidth / perCharacter;
               })()"""
        )
        page.close()
        low = 30 if screen.width < 400 else 45
        assert low <= characters <= 80, f"{characters:.0f} characters a line at {screen.width} px"


def test_print_shows_the_list_of_notes_not_the_margin(browser: Browser, essay: Editions) -> None:
    page = open_page(browser, essay.html, DESKTOP, "light")
    page.emulate_media(media="print")
    assert not page.locator("#side-fn1").is_visible()
    assert page.locator("#notes").is_visible()
    page.close()


def test_screenshots_for_review(browser: Browser, essay: Editions, minimal: Editions, tmp_path: Path) -> None:
    """Screenshots at phone and desktop widths; `python -m tests.proof` writes them where you like."""
    for page in (essay.html, minimal.html):
        written = screenshot_html(page, tmp_path / page.stem, browser)
        assert written and all(path.stat().st_size > 10_000 for path in written)


# Metadata for sharing and indexing


def test_description_and_open_graph(essay: Editions, minimal: Editions) -> None:
    tree = html_tree(essay.html)
    description = tree.find(".//meta[@name='description']").get("content")
    assert description.startswith("An essay on how Chongryon")
    properties = {meta.get("property"): meta.get("content") for meta in tree.iterfind(".//meta[@property]")}
    assert properties["og:type"] == "article"
    assert properties["og:title"] == "Chongryon: North Korea’s Outpost in Japan"
    assert properties["og:description"] == description
    assert properties["og:locale"] == "en_US"
    assert properties["article:author"] == "Samantha Surdek"
    minimal_tree = html_tree(minimal.html)
    minimal_properties = {
        meta.get("property"): meta.get("content") for meta in minimal_tree.iterfind(".//meta[@property]")
    }
    assert minimal_properties["article:published_time"] == "2024-03-01"


def test_without_a_description_the_page_describes_itself_by_its_opening(awkward_notes: Editions) -> None:
    description = html_tree(awkward_notes.html).find(".//meta[@name='description']").get("content")
    assert description.startswith("Three notes crowd one short line. The rest of the paragraph carries on")
    assert description.endswith("…")
    assert len(description) <= 201


def linked_data(path: Path) -> dict[str, Any]:
    return dict(json.loads(html_tree(path).find(".//script[@type='application/ld+json']").text))


def test_linked_data_cites_every_work_of_the_bibliography(essay: Editions) -> None:
    data = linked_data(essay.html)
    assert data["@type"] == "Article"
    assert data["inLanguage"] == "en-US"
    assert data["dateModified"] == "2023-11-14T22:13:20Z"
    citations = data["citation"]
    assert len(citations) == 24
    assert all(work.get("name") and work["@type"] for work in citations)
    by_name = {work["name"]: work for work in citations}
    journal = by_name["The social construction of race and minorities in Japan"]
    assert journal["@type"] == "ScholarlyArticle"
    assert journal["author"] == [{"@type": "Person", "name": "Jane H. Yamashiro"}]
    assert journal["datePublished"] == "2013"
    assert journal["sameAs"] == "https://doi.org/10.1111/soc4.12013"
    assert journal["isPartOf"]["@type"] == "PublicationIssue"
    assert journal["isPartOf"]["isPartOf"]["isPartOf"] == {"@type": "Periodical", "name": "Sociology Compass"}
    newspaper = next(work for work in citations if work["@type"] == "NewsArticle")
    assert newspaper["isPartOf"]["@type"] == "Newspaper"
    assert any(work["@type"] == "Book" and "publisher" in work for work in citations)
    assert any(author["name"] == "한기범" for work in citations for author in work.get("author", []))


def test_linked_data_of_the_minimal_manuscript(minimal: Editions) -> None:
    data = linked_data(minimal.html)
    assert data["datePublished"] == "2024-03-01"
    assert [work["name"] for work in data["citation"]] == ["A Book about Fixtures", "An Article on Checking"]
    assert data["citation"][1]["datePublished"] == "2019-06-01"
    assert {"@type": "Role", "roleName": "ill", "contributor": {"@type": "Person", "name": "Cy Drawer"}} in (
        data["contributor"]
    )


# Columns

COLUMNS = """---
title: Columns
author: A. Writer
lang: en
---

:::: {.columns}
::: {.column width="40%"}
The left column holds a few words more than one line of it can, to be sure of its width.
:::
::: {.column width="60%"}
The right column.
:::
::::
"""


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_edition(tmp_path_factory.mktemp("columns"), "columns", COLUMNS)


@pytest.mark.parametrize("screen", [DESKTOP, NARROWEST], ids=lambda screen: screen.name)
def test_columns_stand_side_by_side_where_the_screen_is_wide_enough(
    browser: Browser, columns: Path, screen: Screen
) -> None:
    page = open_page(browser, columns, screen, "light")
    left, right = page.evaluate(
        "[...document.querySelectorAll('div.column')].map(column => {"
        " const box = column.getBoundingClientRect(); return {top: box.top, bottom: box.bottom, left: box.left,"
        " right: box.right, width: box.width}; })"
    )
    text = page.evaluate("document.querySelector('.body-text').getBoundingClientRect().width")
    scrolls = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    page.close()
    if screen is DESKTOP:
        assert right["left"] > left["right"] and right["top"] == left["top"], "the second beside the first"
        assert left["width"] < right["width"], "each as wide as the author said, in proportion"
    else:
        assert right["top"] >= left["bottom"] and left["width"] >= 0.9 * text, "one under the other, full width"
    assert not scrolls
