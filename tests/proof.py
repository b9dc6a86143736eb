"""Proofs for review without a PDF viewer or a browser (`make proof`).

    python -m tests.proof build/chongryon.pdf build/chongryon.html build/proof/

writes every page of the PDF as a PNG image and a contact sheet of all pages;
and screenshots of the web edition, taken in Debian's Chromium, for a phone
(375×812) and a desktop (1440×900) in the light and dark themes: the first
screen and the whole page, plus a phone with a note opened in place. It prints
the paths. pypdfium2 and Playwright are development dependencies, so this lives
with the tests rather than in the package.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pypdfium2
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from press.validate import CHROMIUM, CHROMIUM_ARGUMENTS


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int


PHONE = Screen("phone", 375, 812)
DESKTOP = Screen("desktop", 1440, 900)
SCREENS = (PHONE, DESKTOP)
#: The web edition's colour schemes, as the browser is asked for them.
Theme = Literal["light", "dark"]
THEMES: tuple[Theme, ...] = ("light", "dark")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, with the flags the validators use (no downloads)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Browser, html_path: Path, screen: Screen, theme: Theme) -> Page:
    page = browser.new_page(viewport={"width": screen.width, "height": screen.height}, color_scheme=theme)
    page.goto(html_path.resolve().as_uri())
    page.evaluate("document.fonts.ready")
    return page


def screenshot_html(html_path: Path, out_dir: Path, browser: Browser | None = None) -> list[Path]:
    """Take the review screenshots of a page; return their paths."""
    if browser is None:
        with chromium() as own:
            return screenshot_html(html_path, out_dir, own)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = html_path.stem
    written = []
    for screen in SCREENS:
        for theme in THEMES:
            page = open_page(browser, html_path, screen, theme)
            try:
                first = out_dir / f"{stem}-{screen.name}-{theme}.png"
                page.screenshot(path=first)
                whole = out_dir / f"{stem}-{screen.name}-{theme}-full.png"
                page.screenshot(path=whole, full_page=True)
                written += [first, whole]
                if page.locator("a.footnote-ref").count():
                    written.append(_note_opened(page, out_dir / f"{stem}-{screen.name}-{theme}-note.png"))
            finally:
                page.close()
    return written


def _note_opened(page: Page, path: Path) -> Path:
    """The first note call activated, and the screen around it."""
    call = page.locator("a.footnote-ref").first
    call.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -window.innerHeight / 3)")
    call.click()
    page.screenshot(path=path)
    return path


def pdf_pages_as_images(pdf_path: Path, out_dir: Path, scale: float = 1.5) -> list[Path]:
    """Every page as a PNG image, then a contact sheet of them all, four pages a row."""
    out_dir.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        images = [page.render(scale=scale).to_pil() for page in document]
    finally:
        document.close()
    written = []
    for number, image in enumerate(images, start=1):
        path = out_dir / f"{pdf_path.stem}-page-{number:03d}.png"
        image.save(path)
        written.append(path)
    written.append(_contact_sheet(images, out_dir / f"{pdf_path.stem}-contact-sheet.png"))
    return written


def _contact_sheet(pages: list[Image.Image], path: Path, columns: int = 4, width: int = 300) -> Path:
    thumbnails = [page.resize((width, round(page.height * width / page.width))) for page in pages]
    height = max(thumbnail.height for thumbnail in thumbnails)
    rows = -(-len(thumbnails) // columns)
    gap = 16
    sheet = Image.new("RGB", (columns * (width + gap) + gap, rows * (height + gap) + gap), "#8a8a8a")
    for index, thumbnail in enumerate(thumbnails):
        row, column = divmod(index, columns)
        sheet.paste(thumbnail, (gap + column * (width + gap), gap + row * (height + gap)))
    sheet.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 3:
        print("usage: python -m tests.proof EDITION.pdf PAGE.html OUT_DIR", file=sys.stderr)
        return 2
    pdf, page, out_dir = Path(arguments[0]), Path(arguments[1]), Path(arguments[2])
    for edition in (pdf, page):
        if not edition.is_file():
            print(f"{edition}: error: no such edition; build it first (make)", file=sys.stderr)
            return 1
    for path in [*pdf_pages_as_images(pdf, out_dir), *screenshot_html(page, out_dir)]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
