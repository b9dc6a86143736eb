"""Builds read only the project's files and reach no network, whatever raw HTML a manuscript holds."""

from __future__ import annotations

import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import build

FRONT_MATTER = "---\ntitle: Confined\nauthor: A. Writer\nlang: en\n---\n\n"


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 - shared by the server's handlers on purpose

    def do_GET(self) -> None:
        RecordingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    RecordingHandler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def write_manuscript(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    manuscript = folder / "book.md"
    manuscript.write_text(FRONT_MATTER + body, encoding="utf-8")
    return manuscript


@pytest.mark.parametrize(
    "raw",
    [
        '<img src="{server}/pixel.png" alt="remote">',
        '<link rel="stylesheet" href="{server}/style.css">',
        "<style>p {{ background: url({server}/bg.png) }}</style>",
        "<p style=\"background-image: url('{server}/inline.png')\">Styled</p>",
        "<style>@import '{server}/imported.css';</style>",
        '<video poster="{server}/poster.png"></video>',
        '<img src="file:///etc/hostname" alt="a file outside the project">',
    ],
)
@pytest.mark.parametrize("edition", ["pdf", "epub", "html"])
def test_outside_resources_are_refused(tmp_path: Path, server: str, raw: str, edition: str) -> None:
    manuscript = write_manuscript(tmp_path / "book", f"A paragraph.\n\n{raw.format(server=server)}\n")
    run = build(edition, "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "book/book.md:9:" in run.stderr and "is refused" in run.stderr
    assert RecordingHandler.requests == []
    assert not (tmp_path / "out" / f"book.{edition}").exists()


def test_scripts_never_reach_the_epub(tmp_path: Path) -> None:
    manuscript = write_manuscript(
        tmp_path / "book",
        'Text.\n\n<script>alert("hi")</script>\n\n<p onclick="steal()" onmouseover="x()">Click</p>\n',
    )
    run = build("epub", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "book/book.md:9:2: warning: removed <script>" in run.stderr
    assert "book/book.md:11:4: warning: removed onclick=" in run.stderr
    with zipfile.ZipFile(tmp_path / "out" / "book.epub") as book:
        text = " ".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xhtml"))
    assert "<script" not in text and "alert(" not in text
    assert "onclick" not in text and "onmouseover" not in text and "Click" in text


def test_every_remote_image_is_refused_in_one_run_at_its_line(tmp_path: Path, server: str) -> None:
    """A text with three remote images needed three builds, the first refused in each; `check` said the others
    were missing files (their URLs read as paths)."""
    manuscript = write_manuscript(
        tmp_path / "book", f"![one]({server}/a.png)\n\nText.\n\n![two]({server}/b.png)\n\n![again]({server}/a.png)\n"
    )
    refusal = "is refused: editions carry only image files beside the manuscript, which the build checks"
    expected = [
        f"book/book.md:7:8: error: loading '{server}/a.png' {refusal}",
        f"book/book.md:11:8: error: loading '{server}/b.png' {refusal}",
        f"book/book.md:13:10: error: loading '{server}/a.png' {refusal}",
    ]
    run = build("all", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.splitlines() == expected
    checked = build("check", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert checked.returncode == 1
    assert checked.stderr.splitlines() == [*expected, "book/book.md: 3 errors, 0 warnings"]
    assert RecordingHandler.requests == []


def test_raw_html_in_a_book_is_reported_in_its_own_chapter_at_its_line(tmp_path: Path) -> None:
    """Each was placed at the first earlier word holding the tag's name: 'script' in 'manuscript', 'link' in
    'clink', in another chapter."""
    book = tmp_path / "book"
    book.mkdir()
    (book / "metadata.yaml").write_text("title: T\nauthor: A\nlang: en\n", encoding="utf-8")
    (book / "01.a.md").write_text("# One\n\nThis manuscript is short.\n\nThe clink of glasses.\n", encoding="utf-8")
    (book / "02.b.md").write_text(
        '# Two\n\n<script>alert(1)</script>\n\nWrite `<link>` so:\n\n<link rel="stylesheet" href="x.css">\n',
        encoding="utf-8",
    )
    run = build("html", "--manuscript", book, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "book/02.b.md:3:2: warning: removed <script> from the manuscript's raw HTML: editions run no code from it",
        "book/02.b.md:7:2: error: <link> is refused:"
        " the manuscript's raw HTML may not change how the page is read or loaded",
    ]


@pytest.mark.parametrize("project", [True, False], ids=["in a quarto project", "alone"])
def test_an_image_written_from_the_root_starts_at_the_projects_root_and_stays_within_it(
    tmp_path: Path, project: bool
) -> None:
    """Quarto reads `/images/map.png` from its project's root (the folder of `_quarto.yml`); without a project,
    the root is the manuscript's folder. Nothing above it is reached: `/../secret.png` is outside."""
    square = Path(__file__).parent / "fixtures" / "minimal" / "images" / "square.png"
    root = tmp_path / "site"
    (root / "images").mkdir(parents=True)
    (root / "images" / "map.png").write_bytes(square.read_bytes())
    (tmp_path / "secret.png").write_bytes(square.read_bytes())
    if project:
        (root / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    manuscript = write_manuscript(root / "docs", "![A map](/images/map.png)\n\n![A secret](/../secret.png)\n")
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    errors = [line.split("docs/", 1)[-1] for line in run.stderr.splitlines() if ": error: " in line]
    if project:
        assert errors == [
            "book.md:9:13: error: the image secret.png lies outside the manuscript's folder; builds read only files"
            " inside it"
        ]
    else:
        assert errors == [
            "book.md:7:10: error: image not found: images/map.png",
            "book.md:9:13: error: image not found: ../secret.png",
        ]
