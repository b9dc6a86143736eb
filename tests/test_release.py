"""Reproducible editions and the release path, end to end, without GitHub."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
import yaml

from press.errors import PressError
from press.release import WEBSITE_SUFFIX, release_version, website_archive
from tests.conftest import EPOCH, FIXTURES, MINIMAL, ROOT, build, clean_clone, git

BOOK = FIXTURES / "book" / "book.md"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's files in a new git repository elsewhere, tagged v1.2.3, sharing the installed tools."""
    folder = clean_clone(tmp_path_factory.mktemp("checkout") / "press")
    git("tag", "v1.2.3", cwd=folder)
    return folder


def digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir() if path.is_file()}


def test_two_builds_in_two_places_are_identical(checkout: Path, tmp_path: Path) -> None:
    """The toolchain and the manuscript in another folder, built at another time: the same bytes."""
    here = build("all", "--out", tmp_path / "here", "-q")
    there = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), "build.py", "all", "--out", str(tmp_path / "there"), "-q"],
        cwd=checkout,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        check=False,
    )
    assert here.returncode == there.returncode == 0, here.stderr + there.stderr
    assert digests(tmp_path / "here") == digests(tmp_path / "there")


def test_one_changed_word_changes_every_edition(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(ROOT / "manuscript", book)
    first = build("all", "--manuscript", book / "chongryon.md", "--out", tmp_path / "first", "-q")
    manuscript = book / "chongryon.md"
    manuscript.write_text(manuscript.read_text(encoding="utf-8").replace("wildly", "vastly", 1), encoding="utf-8")
    second = build("all", "--manuscript", book / "chongryon.md", "--out", tmp_path / "second", "-q")
    assert first.returncode == second.returncode == 0
    before, after = digests(tmp_path / "first"), digests(tmp_path / "second")
    assert before.keys() == after.keys() == {"chongryon.pdf", "chongryon.epub", "chongryon.html"}
    assert all(before[name] != after[name] for name in before)


def run_release(command: list[str], cwd: Path) -> None:
    """A release command, run as CI runs it (a process of its own, the reproducible date); it must succeed."""
    completed = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.fixture(scope="module")
def released(checkout: Path) -> Path:
    run_release(["make", "--no-print-directory", "release"], checkout)
    return checkout / "dist"


def test_release_folder_holds_versioned_editions_and_evidence(released: Path) -> None:
    assert sorted(path.name for path in released.iterdir()) == [
        "CITATION.cff",
        "RELEASE_NOTES.md",
        "SHA256SUMS",
        "chongryon-1.2.3.epub",
        "chongryon-1.2.3.html",
        "chongryon-1.2.3.pdf",
        "validation.json",
    ]


def test_checksums_verify(released: Path) -> None:
    completed = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=released, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.count(": OK") == 6


def test_validation_report_and_notes(released: Path) -> None:
    report = json.loads((released / "validation.json").read_text(encoding="utf-8"))
    assert report["passed"] is True
    tools = {check["tool"] for check in report["checks"]}
    assert {"EPUBCheck", "Ace by DAISY", "Nu Html Checker", "axe-core (light)", "axe-core (dark)"} <= tools
    notes = (released / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    assert notes.startswith("# Chongryon: North Korea’s Outpost in Japan — 1.2.3")
    assert "chongryon-1.2.3.pdf" in notes and " pages |" in notes
    assert "| EPUBCheck | chongryon-1.2.3.epub | 0 | 0 | pass |" in notes


def test_version_reaches_the_editions_and_the_citation_file(released: Path) -> None:
    page = (released / "chongryon-1.2.3.html").read_text(encoding="utf-8")
    assert "version 1.2.3" in page and '"version": "1.2.3"' in page
    with zipfile.ZipFile(released / "chongryon-1.2.3.epub") as book:
        package = book.read("EPUB/content.opf").decode("utf-8")
        colophon = book.read("EPUB/colophon.xhtml").decode("utf-8")
    assert '<meta property="schema:version">1.2.3</meta>' in package and "version 1.2.3" in colophon
    with pikepdf.open(released / "chongryon-1.2.3.pdf") as pdf:
        assert str(pdf.docinfo["/version"]) == "1.2.3"
    citation = yaml.safe_load((released / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == "1.2.3"
    assert citation["title"] == "Chongryon: North Korea’s Outpost in Japan"
    assert citation["authors"] == [{"given-names": "Samantha", "family-names": "Surdek"}]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_is_valid_and_safe(workflow: Path) -> None:
    schema = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "zizmor"), "--offline", "--no-progress", str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_workflows_pin_actions_and_limit_permissions() -> None:
    for workflow in WORKFLOWS:
        definition = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        assert definition["permissions"] == {"contents": "read"}
        for job in definition["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    ref = step["uses"].partition("@")[2]
                    assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]


def test_version_from_the_front_matter_without_a_tag(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(MINIMAL.parent, book)
    manuscript = book / "minimal.md"
    with pytest.raises(PressError, match="no version"):
        release_version(manuscript)
    manuscript.write_text(manuscript.read_text(encoding="utf-8").replace("lang: en-GB", "lang: en-GB\nversion: 2.0"))
    assert release_version(manuscript) == "2.0"


@pytest.fixture(scope="module")
def list_released(checkout: Path) -> Path:
    """A release of three titles of the fixture list (the list's tag v1.2.3 their version), two of them the
    articles of its journal's issue, made as CI makes it: each title apart, then gathered."""
    dist = checkout / "dist-list"
    for step in (["--titles", "harbour-lights", "der-leuchtturm", "tide-tables", "--part"], ["--gather"]):
        release = [".venv/bin/python", "-m", "press.release", "--list", "tests/fixtures/list", *step]
        run_release([*release, "--dist", str(dist)], checkout)
    return dist


def test_a_release_of_several_titles_holds_each_titles_files_and_the_catalogue(list_released: Path) -> None:
    assert sorted(path.name for path in list_released.iterdir()) == sorted(
        [
            *(
                f"{name}{suffix}"
                for name in ("harbour-lights-1.2.3", "der-leuchtturm-1.2.3", "tide-tables-1.2.3")
                for suffix in (".pdf", ".epub", ".html", ".validation.json", ".cff")
            ),
            "catalogue.html",
            "catalogue.xml",
            "review-2024-1.pdf",
            "review-2024-1.epub",
            "validation.json",
            "RELEASE_NOTES.md",
            "SHA256SUMS",
        ]
    )
    completed = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=list_released, capture_output=True, text=True)
    assert completed.returncode == 0 and completed.stdout.count(": OK") == 21, completed.stdout
    notes = (list_released / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    assert (
        notes.index("## Harbour Lights — 1.2.3")
        < notes.index("## Der Leuchtturm — 1.2.3")
        < notes.index("| OPDS 1.2 schema (Jing) | catalogue.xml | 0 | 0 | pass |")
    )
    assert "| EPUBCheck | review-2024-1.epub | 0 | 0 | pass |" in notes
    page = (list_released / "catalogue.html").read_text(encoding="utf-8")
    assert 'href="harbour-lights-1.2.3.epub"' in page and 'href="der-leuchtturm-1.2.3.pdf"' in page


def test_an_article_of_the_issue_is_released_with_its_journal_and_pages(list_released: Path) -> None:
    preferred = yaml.safe_load((list_released / "tide-tables-1.2.3.cff").read_text(encoding="utf-8"))[
        "preferred-citation"
    ]
    assert {key: preferred[key] for key in ("journal", "volume", "issue", "start", "end")} == {
        "journal": "Coastal Studies Review",
        "volume": 12,
        "issue": 1,
        "start": 3,
        "end": 3,
    }
    assert (
        "journal" not in yaml.safe_load((list_released / "der-leuchtturm-1.2.3.cff").read_text())["preferred-citation"]
    )


def test_a_titles_own_tag_gives_its_version(checkout: Path) -> None:
    git("tag", "der-leuchtturm-v1.0.0", cwd=checkout)
    try:
        manuscript = checkout / "tests" / "fixtures" / "list" / "der-leuchtturm" / "der-leuchtturm.md"
        assert release_version(manuscript, "der-leuchtturm") == "1.0.0"
        assert release_version(manuscript, "harbour-lights") == "1.2.3"
    finally:
        git("tag", "-d", "der-leuchtturm-v1.0.0", cwd=checkout)


def test_a_book_is_released_with_its_website(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A book's release carries its website as a zip beside the three editions, its pages checked by Nu,
    summed and described, the same bytes from the same pages."""
    folder = shutil.copytree(BOOK.parent, tmp_path / "book")
    manuscript = folder / BOOK.name
    manuscript.write_text(manuscript.read_text(encoding="utf-8").replace("---\n", "---\nversion: 2.0.0\n", 1))
    dist = tmp_path / "dist"
    run_release([sys.executable, "-m", "press.release", "--manuscript", str(manuscript), "--dist", str(dist)], ROOT)
    website = dist / f"book-2.0.0{WEBSITE_SUFFIX}"
    assert website.is_file()
    with zipfile.ZipFile(website) as archive:
        names = archive.namelist()
        index = archive.read("book/index.html").decode("utf-8")
    assert names == sorted(names) and "book/index.html" in names and len(names) > 10
    assert "The Keepers of the Light" in index
    report = json.loads((dist / "validation.json").read_text(encoding="utf-8"))
    (site_check,) = [check for check in report["checks"] if check["edition"].startswith("book/")]
    assert site_check["tool"] == "Nu Html Checker" and site_check["passed"], site_check
    assert f"{website.name}" in (dist / "SHA256SUMS").read_text(encoding="utf-8")
    assert "the book as a website" in (dist / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    site = tmp_path / "site" / "book"
    site.mkdir(parents=True)
    with zipfile.ZipFile(website) as archive:
        archive.extractall(tmp_path / "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # as the release was made
    again = website_archive(site, tmp_path / "again.zip")
    assert again.read_bytes() == website.read_bytes(), "the same pages make the same bytes"
