"""What a manuscript says, read straight from the Markdown, independently of Pandoc."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

CITATION = re.compile(r"\s?\[@[^\]]*\]|\s?\[\^[^\]]+\]")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$])")


@dataclass(frozen=True)
class ManuscriptText:
    front_matter: dict[str, object]
    headings: list[str]
    paragraphs: list[str]
    citation_keys: list[str]


def read(path: Path) -> ManuscriptText:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    headings, paragraphs = [], []
    for block in re.split(r"\n\s*\n", body.strip()):
        block = " ".join(block.split())
        if not block or block.startswith(("![", "[^")):
            continue
        if block.startswith("#"):
            headings.append(block.lstrip("#").strip())
        else:
            paragraphs.append(ESCAPE.sub(r"\1", CITATION.sub("", block)))
    keys = [
        key for group in re.findall(r"\[(@[^\]]+)\]", body) for key in re.findall(r"@([\w:.#$%&+?<>~/-]*\w)", group)
    ]
    return ManuscriptText(yaml.safe_load(front), headings, paragraphs, keys)
