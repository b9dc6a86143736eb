"""An @word that is no citation: a misspelt key gets suggestions, anything else the way to write a literal @."""

from __future__ import annotations

from pathlib import Path

from press.errors import Location
from press.metadata import Manuscript
from press.pandoc import (
    CROSSREF_PREFIXES,
    PandocMessage,
    PandocOutput,
    _citation_locations,
    other_warnings,
    unknown_citation_message,
)


def test_a_misspelt_key_gets_the_close_ones() -> None:
    message = unknown_citation_message("knwon2020", ["known2020", "other"], "refs.bib")
    assert message == "unknown citation key '@knwon2020' (not in refs.bib); did you mean @known2020?"


def test_a_handle_gets_the_way_to_write_a_literal_at() -> None:
    message = unknown_citation_message("annat", ["known2020"], "refs.bib")
    assert message == (
        "'@annat' is neither a key in refs.bib nor a cross-reference; for a literal '@', write '\\@annat'"
    )


def test_without_a_bibliography_the_message_says_so() -> None:
    message = unknown_citation_message("annat", [], None)
    assert message == (
        "'@annat' is neither a citation key (there is no bibliography) nor a cross-reference;"
        " for a literal '@', write '\\@annat'"
    )


def test_cross_reference_prefixes_of_both_syntaxes() -> None:
    for label in ("fig:map", "fig-map", "tbl:data", "tbl-data", "eq:one", "eq-one", "sec:intro", "sec-intro"):
        assert label.startswith(CROSSREF_PREFIXES)
    assert not "figaro2020".startswith(CROSSREF_PREFIXES)


def test_a_literal_at_and_an_email_address_are_not_the_places_of_a_handle() -> None:
    text = "Mail ann@annat.org, write \\@annat, or follow @annat.\n"
    manuscript = Manuscript(Path("book.md"), text, (), None)
    assert _citation_locations(manuscript, "annat") == [Location(Path("book.md"), 1, 46)]


def test_an_at_word_in_code_is_not_the_place_of_a_citation() -> None:
    """Pandoc reads code blocks, code spans, raw markup and comments as they are: the `@frozen` there is no
    citation, and writing it `\\@frozen` would change the code."""
    text = (
        "---\ntitle: T\nlang: zh-CN\n---\n\n```\n@frozen class Foo {}\n```\n\n    @frozen indented\n\n"
        "代码使用了装饰器（@frozen）。\n\n`@frozen` 是代码。<!-- @frozen -->\n"
    )
    manuscript = Manuscript(Path("book.md"), text, (), None)
    assert _citation_locations(manuscript, "frozen") == [Location(Path("book.md"), 12, 10)]


def test_without_a_bibliography_the_file_beside_the_manuscript_is_named() -> None:
    message = unknown_citation_message("Cousteau1963", [], None, ["references.bib"])
    assert message.startswith(
        "'@Cousteau1963' is neither a citation key (there is no bibliography; add `bibliography: references.bib`"
        " to the front matter to use references.bib beside it) nor a cross-reference"
    )


def test_a_citation_by_a_works_identifier_says_how_to_give_the_work_an_entry() -> None:
    message = unknown_citation_message("doi:10.1038/nature12373", ["known2020"], "refs.json")
    assert message == (
        "'@doi:10.1038/nature12373' cites a work by its identifier, as Manubot does, and the toolchain looks nothing"
        " up: give the work an entry whose id is 'doi:10.1038/nature12373' in refs.json;"
        " `manubot cite doi:10.1038/nature12373` writes one as CSL JSON"
    )
    assert "(there is none)" in unknown_citation_message("pmid:29424689", [], None)
    for key in ("pubmed:30718888", "pmc:PMC6103790", "https://example.org/paper", "tag:deep-review"):
        assert "as Manubot does" in unknown_citation_message(key, [], "refs.json"), key
    assert "Manubot" not in unknown_citation_message("doing2020", [], None)
    # A mistyped identifier the bibliography nearly has: the close one first.
    assert "did you mean @doi:10.1038/nature12373?" in unknown_citation_message(
        "doi:10.1038/natre12373", ["doi:10.1038/nature12373"], "refs.json"
    )


def test_pandocs_messages_about_its_own_translations_are_not_the_authors_concern(tmp_path: Path) -> None:
    """`lang: zh-CN`: Pandoc has no zh.yaml for its templates' words, which the editions never show."""
    messages = (
        PandocMessage("CouldNotLoadTranslations", "WARNING", "Could not load translations for zh-CN"),
        PandocMessage("NoTranslation", "WARNING", "The term Abstract has no translation defined."),
        PandocMessage("DuplicateIdentifier", "WARNING", "Duplicate identifier 'x' at line 3 column 1"),
    )
    manuscript = Manuscript(tmp_path / "m.md", "# x\n\n# x\n", (), None)
    found = other_warnings(PandocOutput("", messages), manuscript)
    assert [message for message, _ in found] == ["Pandoc: Duplicate identifier 'x' at line 3 column 1"]


def test_pandocs_duplicate_identifier_is_named_where_the_identifier_is_written(tmp_path: Path) -> None:
    """Pandoc names the line after the block; one written twice the loader reports itself, at the second."""
    twice = Manuscript(tmp_path / "m.md", "# A {#a}\n\nText.\n\n# B {#a}\n\nMore.\n", (), None)
    message = PandocMessage("DuplicateIdentifier", "WARNING", "Duplicate identifier 'a' at line 7 column 1")
    assert other_warnings(PandocOutput("", (message,)), twice) == []
    once = Manuscript(tmp_path / "m.md", "# Intro\n\nText.\n\n# Again {#intro}\n\nMore.\n", (), None)
    message = PandocMessage("DuplicateIdentifier", "WARNING", "Duplicate identifier 'intro' at line 7 column 1")
    [(text, where)] = other_warnings(PandocOutput("", (message,)), once)
    assert text == "Pandoc: Duplicate identifier 'intro'" and (where.line, where.column) == (5, 9)
