"""The validators as the release and the tests run them: EPUBCheck kept running says what its own run says."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from press.validate import EPUBCHECK, JAVA, _run, epubcheck, epubcheck_jar
from tests.conftest import MINIMAL, build


@pytest.fixture(scope="module")
def flawed_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal manuscript's EPUB with its stylesheet taken out and a script handler put in its text."""
    out = tmp_path_factory.mktemp("validate")
    built = build("epub", "--manuscript", MINIMAL, "--out", out, "-q")
    assert built.returncode == 0, built.stderr
    flawed = out / "flawed.epub"
    with zipfile.ZipFile(out / "minimal.epub") as source, zipfile.ZipFile(flawed, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.endswith(".css"):
                continue
            if member.filename.endswith("text.xhtml"):
                data = data.replace(b"<body", b'<body onload="start()"', 1)
            target.writestr(member, data)
    return flawed


@pytest.fixture(scope="module")
def alone(flawed_epub: Path) -> list[str]:
    """EPUBCheck's messages on the flawed EPUB from a Java process of its own, as `epubcheck --json` gives them."""
    report = flawed_epub.with_suffix(".json")
    _run([*JAVA, "-jar", str(epubcheck_jar()), "--json", str(report), str(flawed_epub)])
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    return sorted(f"{message['ID']}: {message['message']}" for message in messages)


def said(epub: Path) -> list[str]:
    check = epubcheck(epub)
    return sorted(check.errors + check.warnings)


def test_epubcheck_kept_running_says_what_its_own_run_says(flawed_epub: Path, alone: list[str]) -> None:
    assert any(message.startswith("RSC-") for message in alone), alone  # the stylesheet the text links to
    assert said(flawed_epub) == alone  # started
    assert said(flawed_epub) == alone  # warm
    running = EPUBCHECK._process
    assert running is not None and running.poll() is None, "the service checked it, not a run of its own"


def test_epubcheck_starts_again_after_it_stopped(flawed_epub: Path, alone: list[str]) -> None:
    EPUBCHECK.stop()
    assert said(flawed_epub) == alone


def test_epubcheck_starts_again_after_its_java_process_died(flawed_epub: Path, alone: list[str]) -> None:
    said(flawed_epub)
    process = EPUBCHECK._process
    assert process is not None
    process.kill()
    process.wait()
    assert said(flawed_epub) == alone


def test_a_path_the_service_cannot_carry_is_checked_by_a_run_of_its_own(
    flawed_epub: Path, alone: list[str], tmp_path: Path
) -> None:
    awkward = tmp_path / "tab\there.epub"
    awkward.write_bytes(flawed_epub.read_bytes())
    assert said(awkward) == alone


def test_a_relative_path_is_the_one_this_process_means(
    flawed_epub: Path, alone: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    said(flawed_epub)  # the service started in the folder the tests started in
    monkeypatch.chdir(flawed_epub.parent)
    assert said(Path(flawed_epub.name)) == alone
