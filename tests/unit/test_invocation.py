"""Pandoc's metadata options: -M, --metadata-file, defaults files, --bibliography and --csl."""

from __future__ import annotations

from pathlib import Path

import pytest

from press.errors import Location, PressError, Reporter
from press.invocation import MetadataOptions, combine, parse_value, read_defaults
from press.metadata import load_metadata, read_manuscript


def test_a_value_is_yaml_boolean_or_text_and_none_is_true() -> None:
    assert parse_value("toc") == ("toc", True)
    assert parse_value("toc=false") == ("toc", False)
    assert parse_value("title=A: B") == ("title", "A: B")
    assert parse_value("version=1.10") == ("version", "1.10")
    with pytest.raises(PressError):
        parse_value("=x")


def test_repeated_values_make_a_list_and_the_command_line_wins() -> None:
    options = MetadataOptions(values=(("keywords", "a"), ("keywords", "b")), csl="apa")
    assert options.overrides() == {"keywords": ["a", "b"], "csl": "apa"}
    later = combine(MetadataOptions(csl="mla", bibliographies=(Path("/a.bib"),)), MetadataOptions(csl="apa"))
    assert later.csl == "apa" and later.bibliographies == (Path("/a.bib"),)


def test_a_defaults_file_gives_metadata_files_and_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "defaults.yaml").write_text(
        "input-files: [paper.md]\nmetadata-file: ${.}/meta.yaml\nbibliography: refs.bib\n"
        "metadata:\n  subtitle: Sub\nstandalone: true\n",
        encoding="utf-8",
    )
    shown: list[str] = []
    options, inputs = read_defaults(tmp_path / "defaults.yaml", Reporter(echo=lambda item: shown.append(str(item))))
    assert inputs == (Path("paper.md"),)
    assert options.files == ((tmp_path / "meta.yaml").resolve(),)
    assert options.bibliographies == ((tmp_path / "refs.bib").resolve(),)
    assert options.values == (("subtitle", "Sub"),)
    assert shown == [
        "defaults.yaml:6: warning: 'standalone' in the defaults file is ignored: the toolchain makes its own editions"
    ]


def test_metadata_merges_as_pandoc_merges_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "meta.yaml").write_text("title: From the file\nsubtitle: File subtitle\nlang: de\n", encoding="utf-8")
    manuscript = tmp_path / "paper.md"
    manuscript.write_text("---\nsubtitle: Manuscript subtitle\nauthor: A\nlang: en\n---\n\nText.\n", encoding="utf-8")
    options = MetadataOptions(files=(tmp_path / "meta.yaml",), values=(("lang", "fr"),))
    metadata = load_metadata(read_manuscript(manuscript), Reporter(), options)
    # The file's title (the manuscript has none), the manuscript's subtitle, the command line's language.
    assert (metadata.title, metadata.subtitle, metadata.lang) == ("From the file", "Manuscript subtitle", "fr")


def test_a_bad_value_from_the_command_line_says_so(tmp_path: Path) -> None:
    manuscript = tmp_path / "paper.md"
    manuscript.write_text("---\ntitle: T\nauthor: A\nlang: en\n---\n\nText.\n", encoding="utf-8")
    with pytest.raises(PressError) as raised:
        load_metadata(read_manuscript(manuscript), Reporter(), MetadataOptions(values=(("notes", "sidenotes"),)))
    assert str(raised.value).startswith("command line: error: 'notes' must be one of")


@pytest.mark.parametrize("closing", ["---", "..."])
def test_a_metadata_file_written_between_yaml_markers_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, closing: str
) -> None:
    """As Pandoc reads it, and as authors copy a front matter into a file: `---` above, `---` or `...` below."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "meta.yml").write_text(f"---\ntitle: Meta title\nlang: en\n{closing}\n", encoding="utf-8")
    manuscript = tmp_path / "paper.md"
    manuscript.write_text("---\nauthor: A\n---\n\nText.\n", encoding="utf-8")
    options = MetadataOptions(files=(tmp_path / "meta.yml",))
    metadata = load_metadata(read_manuscript(manuscript), Reporter(), options)
    assert (metadata.title, metadata.lang) == ("Meta title", "en")
    assert options.file_values()[1]["title"] == Location(tmp_path / "meta.yml", 2)


def test_a_second_document_in_a_metadata_file_is_refused_at_its_line(tmp_path: Path) -> None:
    """Pandoc would read the first document alone: what follows is the author's, not to be lost without a word."""
    (tmp_path / "meta.yml").write_text("---\ntitle: One\n---\nsubtitle: Two\n", encoding="utf-8")
    with pytest.raises(PressError) as raised:
        MetadataOptions(files=(tmp_path / "meta.yml",)).file_values()
    assert raised.value.location == Location(tmp_path / "meta.yml", 4)
    assert "a second YAML document starts here" in str(raised.value)


def test_a_styles_web_address_is_kept_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not made a path of the folder the build runs in: press.csl says what becomes of it."""
    monkeypatch.chdir(tmp_path)
    address = "https://raw.githubusercontent.com/citation-style-language/styles/master/apa.csl"
    (tmp_path / "meta.yml").write_text(f"csl: {address}\n", encoding="utf-8")
    (tmp_path / "defaults.yaml").write_text(f"csl: {address}\n", encoding="utf-8")
    assert MetadataOptions(files=(tmp_path / "meta.yml",)).file_values()[0]["csl"] == address
    assert read_defaults(tmp_path / "defaults.yaml", Reporter())[0].csl == address


def test_an_authors_key_in_a_metadata_file_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "meta.yml").write_text("lang: en\nauthor:\n  - name: Ann Lee\n    orcidd: x\n", encoding="utf-8")
    manuscript = tmp_path / "paper.md"
    manuscript.write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
    reporter = Reporter(collect=True)
    load_metadata(read_manuscript(manuscript), reporter, MetadataOptions(files=(tmp_path / "meta.yml",)))
    assert [(warning.location, warning.message) for warning in reporter.warnings] == [
        (
            Location(tmp_path / "meta.yml", 4),
            "unknown key 'orcidd' of an author (Ann Lee), ignored; did you mean 'orcid'?",
        )
    ]
