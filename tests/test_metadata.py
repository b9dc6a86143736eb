"""Title, author, language and the illustrator's role reach every edition's metadata."""

from __future__ import annotations

import json

import pikepdf

from tests.conftest import Editions
from tests.readback import html_tree

TITLE = "Chongryon: North Korea’s Outpost in Japan"


def test_pdf_metadata(essay: Editions) -> None:
    with pikepdf.open(essay.pdf) as pdf:
        assert str(pdf.docinfo["/Title"]) == TITLE
        assert str(pdf.docinfo["/Author"]) == "Samantha Surdek"
        assert str(pdf.docinfo["/illustrator"]) == "Ainav Rabinowitz"
        assert str(pdf.Root.Lang) == "en-US"
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
    assert "<marcrel:ill>Ainav Rabinowitz</marcrel:ill>" in xmp
    assert "http://id.loc.gov/vocabulary/relators/" in xmp


def test_pdf_bookmarks_follow_the_headings(essay: Editions) -> None:
    with pikepdf.open(essay.pdf) as pdf, pdf.open_outline() as outline:
        titles = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(item.title)
            stack[0:0] = list(item.children)
    assert titles == [
        TITLE,
        "Past and Present of the Chongryon",
        "Creating Borders within Borders",
        "The Role of the Chongryon in the Future of North Korea-Japanese Relations",
        "Bibliography",
        "Colophon",
    ]


def test_pdf_note_links_resolve_both_ways(essay: Editions) -> None:
    with pikepdf.open(essay.pdf) as pdf:
        names = pdf.Root.Names.Dests
        destinations: set[str] = set()
        stack = [names]
        while stack:
            node = stack.pop()
            if "/Names" in node:
                destinations.update(str(name) for name in list(node.Names)[::2])
            if "/Kids" in node:
                stack.extend(node.Kids)
        targets = [
            str(annotation.Dest)
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation
        ]
    assert {f"fn{number}" for number in range(1, 32)} <= set(targets)
    assert {f"fnref{number}" for number in range(1, 32)} <= set(targets)
    assert set(targets) <= destinations


def test_html_metadata(essay: Editions) -> None:
    tree = html_tree(essay.html)
    assert tree.get("lang") == "en-US"
    assert tree.findtext(".//title") == TITLE
    assert tree.find(".//meta[@name='author']").get("content") == "Samantha Surdek"
    linked = json.loads(tree.find(".//script[@type='application/ld+json']").text)
    assert linked["headline"] == TITLE
    assert linked["author"] == [{"@type": "Person", "name": "Samantha Surdek"}]
    assert {"@type": "Role", "roleName": "ill", "contributor": {"@type": "Person", "name": "Ainav Rabinowitz"}} in (
        linked["contributor"]
    )
    assert linked["image"]["creditText"] == "Illustration by Ainav Rabinowitz."
