"""The EPUB's notes and bibliography are XHTML, whatever empty elements they hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from press.document import Document, Note
from press.editions.epub import notes_as_xhtml
from press.errors import Reporter
from press.metadata import load_metadata, read_manuscript

MANUSCRIPT = Path(__file__).resolve().parent.parent / "fixtures" / "handle" / "handle.md"


def test_empty_elements_of_a_note_are_closed() -> None:
    note = Note(1, "fn1", "fnref1", '<div class="line-block">one<br>\ntwo</div><p><img src="a.png" alt="A"></p>')
    document = Document(
        name="book",
        metadata=load_metadata(read_manuscript(MANUSCRIPT), Reporter()),
        body="",
        sections=(),
        notes=(note,),
        bibliography='<div class="csl-entry">Doe<br>2020</div>',
        bibliography_title=None,
        lead_image=None,
        assets=(),
        contributors=(),
        identifier="urn:x",
        modified=datetime(2024, 1, 1, tzinfo=UTC),
    )
    converted = notes_as_xhtml(document)
    assert converted.notes == (
        replace(note, html='<div class="line-block">one<br/>\ntwo</div><p><img src="a.png" alt="A"/></p>'),
    )
    assert converted.bibliography == '<div class="csl-entry">Doe<br/>2020</div>'
    for markup in (converted.notes[0].html, converted.bibliography):
        etree.fromstring(f"<div>{markup}</div>")
