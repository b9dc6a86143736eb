"""A hostile corpus: manuscripts a stranger might send, each built into all three editions.

Every manuscript under tests/fixtures/hostile/ is built once (module-scoped), with
a budget for each stage, while a loopback server records every request and the
kernel (inotify) reports every file opened in a folder beside the manuscripts
that they try to reach (by `..`, a symbolic link, a `file:` URL, an XML entity).
Each one is either refused with the right one-line error, or built into editions
that hold no active content: the web page, every document of the EPUB (which
EPUBCheck must pass), the PDF's link annotations.
"""

from __future__ import annotations

import ctypes
import http.server
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from lxml import etree
from PIL import Image
from playwright.sync_api import Browser

from press.validate import epubcheck
from tests.conftest import EPOCH, FIXTURES, ROOT

HOSTILE = FIXTURES / "hostile"
#: Each stage's budget in these builds, in seconds; no build may take longer than this as a whole either.
STAGE_BUDGET = 40
CANARY = "CANARY-7f3a9c-never-in-an-edition"
#: Refused manuscripts: the line of the one error each must give (after the folder's name).
REFUSED = {
    "javascript-link": "book.md:7:44: error: the link 'javascript:alert(document.cookie)' is refused:"
    " editions carry no javascript: links",
    "raw-html-link": "book.md:9:15: error: the link 'VbScRiPt:msgbox(1)' is refused: editions carry no vbscript: links",
    "data-link": "book.md:7:13: error: the link 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='"
    " is refused: editions carry no data: links",
    "meta-refresh": "book.md:9:2: error: <meta> is refused:"
    " the manuscript's raw HTML may not change how the page is read or loaded",
    "iframe": "book.md:9:2: error: <iframe> is refused: editions embed no other documents or plug-ins",
    "network-share-link": "book.md:7:15: error: the link '//attacker.invalid/share/minutes.docx' is refused:"
    " a link to another host needs a scheme",
    "form": "book.md:9:2: error: <form> is refused: editions hold no forms",
    "css-in-raw-html": "book.md:9:21: error: loading '{server}/import.css' is refused:"
    " editions carry only image files beside the manuscript, which the build checks",
    "javascript-in-note": "book.md:9:37: error: the link 'javascript:alert(1)' is refused:"
    " editions carry no javascript: links",
    "bibliography-url": "works.bib:4:10: error: the link 'https://javascript:alert(document.cookie)' is refused:"
    " it is not a valid URL",
    "bibtex-string-bomb": "refs.bib: error: cannot read the bibliography:"
    " Pandoc needed more than its 2GB of memory for it, and was stopped",
    "csl-entities": "style.csl:2:1: error: a citation style may not declare a <!DOCTYPE> or entities",
    "billion-laughs": "book.md:9:4: error: malformed YAML front matter: its aliases expand to more than 10,000 values",
    "decompression-bomb": "book.md:9:12: error: image bomb.png has 30,000 × 30,000 pixels;"
    " images of more than 50,000,000 pixels are refused (raise the limit with 'max-image-pixels' in the front matter)",
    "missing-raw-image": "book.md:7:16: error: image not found: x",
    "symlink-out": "book.md:9:13: error: the image secret.png lies outside the manuscript's folder;"
    " builds read only files inside it",
    "dotdot-image": "book.md:9:13: error: the image secret.png lies outside the manuscript's folder;"
    " builds read only files inside it",
    "bibliography-outside": "book.md:5: error: the bibliography refs.json lies outside the manuscript's folder;"
    " builds read only files inside it",
    "file-url-image": "book.md:9:11: error: loading 'file://{outside}/secret.png' is refused:"
    " editions carry only image files beside the manuscript, which the build checks",
    "remote-image": "book.md:9:19: error: loading '{server}/remote.png' is refused:"
    " editions carry only image files beside the manuscript, which the build checks",
}
#: Built manuscripts: the warnings each must give, and nothing else.
BUILT = {
    "comment-script": [],
    "scripts-and-handlers": [
        "book.md:9:2: warning: removed <script> from the manuscript's raw HTML: editions run no code from it",
        "book.md:11:4: warning: removed onclick= from the manuscript's raw HTML: editions run no code from it",
        "book.md:13:10: warning: removed onmouseover= from the manuscript's raw HTML: editions run no code from it",
    ],
    "hostile-svg": [
        "book.md:9:17: warning: removed <!DOCTYPE>, the entity &secret;, onload=, <script>, the CSS rule @import"
        " url({server}/import.css);, a reference to {server}/paint.svg#p, onclick=,"
        " a reference to {server}/filter.svg#f, <foreignObject>, a reference to file://{outside}/secre…,"
        " a reference to {server}/remote.png, a reference to javascript:alert(2) and <set>"
        " from the SVG image drawing.svg: editions carry no code and nothing from outside the image",
    ],
    "markup-in-title-and-note": [
        "book.md:12:22: warning: removed onmouseover= from the manuscript's raw HTML: editions run no code from it",
    ],
    "bibliography-html": [],
}
SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|#|[^:]*$)", re.IGNORECASE)
INLINE_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,", re.IGNORECASE)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "srcset", "background", "cite")
FORBIDDEN_ELEMENTS = frozenset(("iframe", "frame", "object", "embed", "applet", "form", "base", "foreignobject"))
#: The web page's own scripts: its linked data and the script that opens notes in place.
OWN_SCRIPTS = ("application/ld+json", "/* Notes in place.")


@dataclass(frozen=True)
class Result:
    returncode: int
    stderr: str
    seconds: float
    out: Path


@dataclass(frozen=True)
class Corpus:
    root: Path
    server: str
    outside: Path
    results: dict[str, Result]
    requests: list[str]
    opened_outside: list[str]

    def expected(self, text: str) -> str:
        """A message with the server's address and the outside folder filled in (a long URL shortened to 60)."""
        outside = f"file://{self.outside}/secret.png"
        text = text.replace("file://{outside}/secre…", outside[:59] + "…")
        return text.replace("{server}", self.server).replace("{outside}", str(self.outside))


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 - shared by the server's handlers on purpose
    timeout = 2

    def do_GET(self) -> None:
        RecordingHandler.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


class OpenedFiles:
    """Every file opened or read in a folder, by any process, as the kernel's inotify reports it."""

    IN_ACCESS, IN_OPEN = 0x1, 0x20
    EVENT = struct.Struct("iIII")

    def __init__(self, folder: Path) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.descriptor = self.libc.inotify_init1(os.O_NONBLOCK)
        if self.descriptor < 0:
            pytest.skip("inotify is not available")
        self.libc.inotify_add_watch(self.descriptor, bytes(folder), self.IN_ACCESS | self.IN_OPEN)

    def names(self) -> list[str]:
        found: list[str] = []
        try:
            data = os.read(self.descriptor, 65536)
        except BlockingIOError:
            return found
        offset = 0
        while offset < len(data):
            _, _, _, length = self.EVENT.unpack_from(data, offset)
            offset += self.EVENT.size
            found.append(data[offset : offset + length].rstrip(b"\0").decode() or ".")
            offset += length
        return found

    def close(self) -> None:
        os.close(self.descriptor)


def prepare(root: Path, server: str, outside: Path) -> list[str]:
    """Copy the corpus beside the `outside` folder, fill in the server and the folder, make what is not committed."""
    names = sorted(path.name for path in HOSTILE.iterdir() if path.is_dir())
    for name in names:
        shutil.copytree(HOSTILE / name, root / name)
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".svg", ".json", ".csl"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("{server}", server).replace("{outside}", str(outside)), encoding="utf-8")
    # A 30,000 × 30,000 PNG of about 100 KB: its header alone says what decoding it would cost.
    Image.new("1", (30_000, 30_000)).save(root / "decompression-bomb" / "bomb.png")
    (root / "symlink-out" / "images").mkdir()
    (root / "symlink-out" / "images" / "secret.png").symlink_to(outside / "secret.png")
    return names


def build(root: Path, name: str) -> Result:
    out = root / "out" / name
    started = time.perf_counter()
    arguments = ["all", "--manuscript", f"{name}/book.md", "--out", str(out), "-q", "--timeout", str(STAGE_BUDGET)]
    completed = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *arguments],
        cwd=root,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=STAGE_BUDGET * 4,
        check=False,
    )
    return Result(completed.returncode, completed.stderr, time.perf_counter() - started, out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("hostile")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(CANARY, encoding="utf-8")
    Image.new("RGB", (4, 4), "red").save(outside / "secret.png")
    (outside / "refs.json").write_text(f'[{{"id": "x", "type": "book", "title": "{CANARY}"}}]', encoding="utf-8")
    RecordingHandler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    server = f"http://127.0.0.1:{httpd.server_address[1]}"
    names = prepare(root, server, outside)
    watch = OpenedFiles(outside)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:  # each build is a process of its own
            results = dict(zip(names, pool.map(lambda name: build(root, name), names), strict=True))
        yield Corpus(root, server, outside, results, RecordingHandler.requests, watch.names())
    finally:
        watch.close()
        httpd.shutdown()
        httpd.server_close()


def test_the_corpus_is_covered() -> None:
    assert sorted([*REFUSED, *BUILT]) == sorted(path.name for path in HOSTILE.iterdir() if path.is_dir())
    assert len(REFUSED) + len(BUILT) >= 12


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_one_line(corpus: Corpus, name: str) -> None:
    result = corpus.results[name]
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0] == f"{name}/{corpus.expected(REFUSED[name])}"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not any((result.out / f"book.{suffix}").exists() for suffix in ("pdf", "epub", "html"))
    assert result.seconds < 10, "refusals come before the work"


@pytest.mark.parametrize("name", sorted(BUILT))
def test_built_with_only_the_expected_warnings(corpus: Corpus, name: str) -> None:
    result = corpus.results[name]
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [f"{name}/{corpus.expected(line)}" for line in BUILT[name]]
    assert all((result.out / f"book.{suffix}").is_file() for suffix in ("pdf", "epub", "html"))


@pytest.mark.parametrize("name", sorted(BUILT))
def test_the_web_page_holds_no_active_content(corpus: Corpus, name: str) -> None:
    page = (corpus.results[name].out / "book.html").read_text(encoding="utf-8")
    assert active_content(lxml.html.document_fromstring(page), web=True) == []
    assert CANARY not in page


@pytest.mark.parametrize("name", sorted(BUILT))
def test_the_epub_holds_no_active_content(corpus: Corpus, name: str) -> None:
    with zipfile.ZipFile(corpus.results[name].out / "book.epub") as book:
        for member in book.namelist():
            data = book.read(member)
            assert CANARY.encode() not in data, member
            if member.endswith((".xhtml", ".svg")):
                tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
                assert active_content(tree, web=False) == [], member
                assert b"<!ENTITY" not in data and b"<!DOCTYPE svg" not in data, member


@pytest.fixture(scope="module")
def epubcheck_messages(corpus: Corpus) -> dict[str, list[str]]:
    """EPUBCheck's messages on every EPUB of the corpus (one Java process checks them all: press.validate)."""
    messages = {}
    for name in BUILT:
        check = epubcheck(corpus.results[name].out / "book.epub")
        messages[name] = check.errors + check.warnings
    return messages


@pytest.mark.parametrize("name", sorted(BUILT))
def test_epubcheck_stays_clean(epubcheck_messages: dict[str, list[str]], name: str) -> None:
    assert epubcheck_messages[name] == []


@pytest.mark.parametrize("name", sorted(BUILT))
def test_the_pdf_links_nowhere_but_to_the_web_and_itself(corpus: Corpus, name: str) -> None:
    with pikepdf.open(corpus.results[name].out / "book.pdf") as pdf:
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        for page in pdf.pages:
            assert "/AA" not in page
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                if action is None:
                    continue
                assert action.get("/S") in ("/URI", "/GoTo"), action
                if action.get("/S") == "/URI":
                    assert SAFE_SCHEME.match(str(action.get("/URI"))), action


def test_the_web_pages_open_without_a_request_or_an_error(corpus: Corpus, browser: Browser) -> None:
    """In Chromium, which reports what the page's Content-Security-Policy blocks as console errors."""
    for name in sorted(BUILT):
        page = browser.new_page()
        url = (corpus.results[name].out / "book.html").resolve().as_uri()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request: requests.append(request.url))  # noqa: B023 - used at once
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)  # noqa: B023
        page.on("pageerror", lambda error: errors.append(str(error)))  # noqa: B023
        page.goto(url, wait_until="networkidle")
        for call in page.locator("a.footnote-ref").all():
            call.click()
        page.close()
        assert errors == [], name
        assert [request for request in requests if request != url and not request.startswith("data:")] == [], name


def test_the_server_saw_no_request(corpus: Corpus) -> None:
    assert corpus.requests == []


def test_no_file_outside_the_folder_was_read(corpus: Corpus) -> None:
    assert corpus.opened_outside == []
    for result in corpus.results.values():
        assert CANARY not in result.stderr


def test_every_build_ends_within_its_budget(corpus: Corpus) -> None:
    slow = {name: round(result.seconds, 1) for name, result in corpus.results.items() if result.seconds > STAGE_BUDGET}
    assert slow == {}
    assert not any("took longer than its budget" in result.stderr for result in corpus.results.values())


def test_a_stage_past_its_budget_is_named(tmp_path: Path) -> None:
    shutil.copytree(HOSTILE / "comment-script", tmp_path / "book")
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "html",
            "--manuscript",
            "book/book.md",
            "--out",
            "out",
            "--timeout",
            "0.01",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    # The last line (pypandoc may have warned, in its own words, about the command it was running when stopped).
    assert re.fullmatch(
        r"(book/book\.md: )?error: (reading the manuscript|Pandoc|the web edition) took longer than its budget"
        r" of 0\.01 s \(--timeout\); the build was stopped",
        completed.stderr.strip().splitlines()[-1],
    ), completed.stderr
    assert "Traceback" not in completed.stderr and "internal error" not in completed.stderr


def active_content(tree: etree._Element, web: bool) -> list[str]:
    """Everything in an edition's document that could run, load or send something: should be nothing."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            if isinstance(element, etree._Comment):
                found.append(f"a comment: {element.text}")
            continue
        tag = etree.QName(element).localname.lower()
        if tag == "script":
            own = web and (element.get("type") == OWN_SCRIPTS[0] or (element.text or "").startswith(OWN_SCRIPTS[1]))
            if not own:
                found.append(f"<script>{element.text}")
        if tag in FORBIDDEN_ELEMENTS or (tag == "meta" and element.get("http-equiv", "").lower() == "refresh"):
            found.append(f"<{tag}>")
        if tag == "input" and element.get("type") != "checkbox":
            found.append("<input>")
        for name, value in element.attrib.items():
            assert isinstance(value, str), value  # as lxml gives it: lxml-stubs has str | bytes
            local = etree.QName(name).localname.lower()
            if local.startswith("on"):
                found.append(f"{local}={value}")
            inline_image = tag == "img" and local == "src" and INLINE_IMAGE.match(value)
            if local in URL_ATTRIBUTES and not SAFE_SCHEME.match(value.strip()) and not inline_image:
                found.append(f"{local}={value[:80]}")
        styles = [element.get("style", "")] + ([element.text or ""] if tag == "style" else [])
        for style in styles:
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", style) + re.findall(r"@import", style):
                if url == "@import" or not (url.startswith(("#", "data:")) or not re.match(r"^[a-z]+:", url)):
                    found.append(f"CSS {url[:80]}")
    return found
