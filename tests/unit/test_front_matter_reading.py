"""Front matter found and read as Pandoc reads it: title blocks, YAML blocks, tabs, dates, authors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from press.cli import print_diagnostic
from press.dates import iso_date
from press.errors import PressError, Reporter
from press.frontmatter import expand_tabs, title_block, yaml_blocks
from press.metadata import FIELDS, Metadata, load_metadata, read_manuscript
from press.people import read_authors


@pytest.fixture(autouse=True)
def in_the_manuscripts_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages name files relative to the working folder, as an author types them."""
    monkeypatch.chdir(tmp_path)


def load(tmp_path: Path, text: str, name: str = "paper.md", strict: bool = False) -> Metadata:
    """The front matter read as a build reads it, its warnings shown on standard error."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_metadata(read_manuscript(path), Reporter(strict=strict, echo=print_diagnostic))


# Where the front matter is


def test_title_block_with_continuations_and_several_authors() -> None:
    block = title_block(
        "% On *Tidal* Mills\n  and Their Keepers\n% Wren Holloway; Ansel Marsh\n  Cy Poe\n% 2014\n\nText\n"
    )
    assert block is not None
    assert block.title == "On *Tidal* Mills and Their Keepers"
    assert block.authors == ("Wren Holloway", "Ansel Marsh", "Cy Poe")
    assert block.date == "2014"
    assert block.lines == {"title": 1, "author": 3, "date": 5}


def test_title_block_with_empty_fields() -> None:
    block = title_block("%\n% Jo Doe\n\nText\n")
    assert block is not None
    assert (block.title, block.authors, block.date) == (None, ("Jo Doe",), None)
    assert title_block("Text\n% not a title block\n") is None


def test_yaml_blocks_where_pandoc_reads_them() -> None:
    text = (
        "---\ntitle: One\n...\n\nText\n---\nnot: metadata, no blank line before\n---\n\n"
        "```\n\n---\nin: code\n---\n```\n\n---\n\nA rule, then text.\n\n---\nlang: en\n---\n"
    )
    blocks = yaml_blocks(text)
    assert [(block.text, block.first_line) for block in blocks] == [("title: One\n", 2), ("lang: en\n", 22)]


def test_tabs_in_indentation_count_as_four_columns() -> None:
    assert expand_tabs("author:\n\t- name: A\n\t  affiliation: B\nx:\ty\n") == (
        "author:\n    - name: A\n      affiliation: B\nx:\ty\n"
    )


def test_tab_indented_yaml_loads(tmp_path: Path) -> None:
    metadata = load(
        tmp_path, "---\ntitle: T\nlang: en\nauthor:\n\t- name: Lee Parr\n\t  affiliation: Farm\n---\n\nText\n"
    )
    assert metadata.authors == ("Lee Parr",)
    assert metadata.people[0].affiliations[0].name == "Farm"


def test_later_blocks_win_and_title_block_gives_way(tmp_path: Path) -> None:
    metadata = load(tmp_path, "% Old Title\n% Jo Doe\n\nText\n\n---\ntitle: New Title\nlang: en\n...\n")
    assert metadata.title == "New Title"
    assert metadata.authors == ("Jo Doe",)
    assert metadata.location("title").line == 7


def test_a_manuscript_without_front_matter_is_named_after_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata = load(tmp_path, "# Heading\n\nJust text.\n", name="field-notes_2024.md")
    assert metadata.title == "field notes 2024"
    assert metadata.authors == ()
    warnings = capsys.readouterr().err
    assert "warning: no title in the front matter; the editions use the file name, 'field notes 2024'" in warnings
    assert "warning: no author in the front matter" in warnings


@pytest.mark.parametrize(
    "text", ["---\ntitle: T\nauthor: [A\n---\n\nText\n", "---\ntitle: T\n---\n\nText\n\n---\nkey: [A\n...\n"]
)
def test_malformed_yaml_is_an_error_with_its_line(tmp_path: Path, text: str) -> None:
    with pytest.raises(PressError) as raised:
        load(tmp_path, text)
    assert "malformed YAML front matter" in str(raised.value)
    assert raised.value.location is not None and raised.value.location.line == text.count("\n", 0, text.index("[A")) + 2


def test_a_block_that_is_not_a_mapping_is_text(tmp_path: Path) -> None:
    metadata = load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\n---\n\nText\n\n---\njust a line\n---\n\nMore\n")
    assert metadata.title == "T"


# Keys


def test_unknown_key_is_a_warning_with_a_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    metadata = load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\nabstarct: Text.\nnote_: for another tool\n---\n")
    assert metadata.abstract is None
    warnings = capsys.readouterr().err.splitlines()
    assert warnings == ["paper.md:5: warning: unknown front-matter key 'abstarct', ignored; did you mean 'abstract'?"]


def test_cross_reference_settings_are_known_and_quartos_unused_ones_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(
        tmp_path,
        "---\ntitle: T\nauthor: A\nlang: en\nfigPrefix: [fig., figs.]\nfignos-plus-name: fig.\ntableTitle: Tab.\n"
        "crossref:\n  fig-prefix: Fig.\n  tbl-title: Tab.\n  labels: roman\n---\n",
    )
    warnings = capsys.readouterr().err.splitlines()
    assert warnings == ["paper.md:8: warning: 'crossref: labels' is ignored"]


def test_unknown_key_is_an_error_under_strict(tmp_path: Path) -> None:
    with pytest.raises(PressError, match="unknown front-matter key 'abstarct'"):
        load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\nabstarct: Text.\n---\n", strict=True)


def test_latex_keys_are_mapped_or_reported_once_with_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata = load(
        tmp_path,
        "---\ntitle: T\nauthor: A\nlang: english\ndocumentclass: report\nfontsize: 12pt\nlinestretch: 1.5\n"
        "papersize: letterpaper\ntoc: true\ntoc-depth: 2\nmainfont: Palatino\n---\n",
    )
    assert (metadata.lang, metadata.paper, metadata.font_size, metadata.line_stretch) == ("en", "letter", 12.0, 1.5)
    assert (metadata.toc, metadata.toc_depth, metadata.book) == (True, 2, True)  # a report is set as a book
    warnings = capsys.readouterr().err.splitlines()
    assert [line.split(": warning: ")[0] for line in warnings] == ["paper.md:11"]
    assert "'mainfont' is ignored" in warnings[0]


def test_a_key_without_a_value_is_absent_as_in_pandoc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`papersize:` left empty (a template's blank) is no paper size, and `mainfont:` nothing to ignore."""
    metadata = load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\npapersize:\nmainfont:\ntoc:\nabstract: ~\n---\n")
    assert (metadata.paper, metadata.toc, metadata.abstract) == ("a4", False, None)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("written", "tag"), [("en_US", "en-US"), ("british", "en-GB"), ("de-CH", "de-CH")])
def test_language_variants(tmp_path: Path, written: str, tag: str) -> None:
    assert load(tmp_path, f"---\ntitle: T\nauthor: A\nlang: {written}\n---\n").lang == tag


def test_every_ignored_key_says_what_it_meant() -> None:
    assert all(field.meaning for field in FIELDS.values())
    assert {"classoption", "header-includes", "geometry", "mainfont"} <= {
        key for key, field in FIELDS.items() if field.ignored
    }


def test_bibliography_as_one_file_or_a_list(tmp_path: Path) -> None:
    for name in ("a.bib", "b.yaml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    one = load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\nbibliography: a.bib\n---\n")
    both = load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\nbibliography: [a.bib, b.yaml]\n---\n")
    assert one.bibliographies == (tmp_path / "a.bib",) and one.bibliography == tmp_path / "a.bib"
    assert both.bibliographies == (tmp_path / "a.bib", tmp_path / "b.yaml")


def test_scholarly_fields_are_kept(tmp_path: Path) -> None:
    metadata = load(
        tmp_path,
        "---\ntitle: T\nauthor: A\nlang: en\nabstract: |\n  One.\n\n  Two.\ndedication: For B.\nthanks: To C.\n"
        "tags: [x, y]\nkeywords: [y, z]\n---\n",
    )
    assert (metadata.abstract, metadata.dedication, metadata.thanks) == ("One.\n\nTwo.", "For B.", "To C.")
    assert metadata.keywords == ("y", "z", "x")


# Dates


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("January 20, 2014", "2014-01-20"),
        ("Jan. 20, 2014", "2014-01-20"),
        ("20 January 2014", "2014-01-20"),
        ("20th Jan 2014", "2014-01-20"),
        ("January 2014", "2014-01"),
        ("2014", "2014"),
        (2014, "2014"),
        ("2014-01-20", "2014-01-20"),
        ("2014/1/20", "2014-01-20"),
        ("2014-01-20T10:00:00Z", "2014-01-20"),
        (date(2014, 1, 20), "2014-01-20"),
        ("1/20/2014", "2014-01-20"),
        ("20/1/2014", "2014-01-20"),
        ("20.01.2014", "2014-01-20"),
        ("1/2/2014", None),
        ("February 30, 2014", None),
        ("Spring 2014", None),
        ("sometime", None),
    ],
)
def test_dates(written: object, iso: str | None) -> None:
    assert iso_date(written) == iso


def test_dates_are_printed_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    metadata = load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\ndate: January 20, 2014\n---\n")
    assert (metadata.date, metadata.date_iso) == ("January 20, 2014", "2014-01-20")
    yaml_date = load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\ndate: 2014-01-20\n---\n")
    assert (yaml_date.date, yaml_date.date_iso) == ("2014-01-20", "2014-01-20")
    capsys.readouterr()
    vague = load(tmp_path, "---\ntitle: T\nauthor: A\nlang: en\ndate: Spring 2014\n---\n")
    assert (vague.date, vague.date_iso) == ("Spring 2014", None)
    assert "paper.md:5: warning: 'Spring 2014' is printed as written" in capsys.readouterr().err


# Authors


def test_authors_by_quartos_schema() -> None:
    warnings: list[str] = []
    authors = read_authors(
        [
            {
                "name": {"given": "Mara", "family": "Quill"},
                "affiliations": [{"ref": "lab"}, "Institute for Waves"],
                "orcid": "https://orcid.org/0000-0002-1825-0097",
                "email": "mara@example.org",
                "corresponding": True,
            },
            {"name": "Tomas Reed", "affiliation": "lab", "attributes": {"corresponding": True}},
            "Plain Name",
            {"name": "Bad Ids", "orcid": "0000-0002-1825-0098", "url": "javascript:alert(1)"},
            {"affiliation": "lab"},
        ],
        [{"id": "lab", "name": "Lab of Cells", "department": "Physiology", "city": "Leeds", "country": "UK"}],
        None,
        lambda place, message: warnings.append(f"{place}: {message}"),
    )
    quill, reed, plain, bad = authors
    assert (quill.name, quill.name_parts, quill.corresponding) == ("Mara Quill", ("Mara", "Quill"), True)
    assert [affiliation.label for affiliation in quill.affiliations] == [
        "Physiology, Lab of Cells, Leeds, UK",
        "Institute for Waves",
    ]
    assert quill.orcid_url == "https://orcid.org/0000-0002-1825-0097"
    assert quill.email == "mara@example.org"
    assert reed.corresponding and reed.affiliations == quill.affiliations[:1]
    assert plain.name_parts == ("Plain", "Name") and not plain.affiliations
    assert bad.orcid is None and bad.url is None
    assert len(warnings) == 3
    assert warnings[0].startswith("('author', 3, 'orcid'): '0000-0002-1825-0098' is not an ORCID iD")
    assert warnings[1].startswith("('author', 3, 'url'): 'javascript:alert(1)' is not a web address")
    assert warnings[2] == "('author', 4): an author has no 'name' (affiliation); left out"


def test_authors_by_pandoc_scholars_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """scholarly-metadata's authors: a mapping of the name to the fields (or to nothing), their institutes
    named by id, by number or by name; the top-level list's entries a name, or a mapping of the id to either."""
    metadata = load(
        tmp_path,
        "---\ntitle: T\nlang: en\nauthor:\n"
        "  - Jane Doe:\n      institute: [fosg, 2]\n      email: jane.doe@example.com\n"
        "      orcid: 0000-0002-1825-0097\n      correspondence: yes\n      equal_contributor: yes\n"
        "  - John Q. Doe:\n      institute: Elsewhere College\n"
        "  - Nobody Else:\n"
        "institute:\n  - fosg:\n      name: Formatting Open Science Group\n      city: Leeds\n"
        "  - fop: Federation of Planets\n---\n",
    )
    jane, john, nobody = metadata.people
    assert (jane.name, jane.email, jane.orcid, jane.corresponding) == (
        "Jane Doe",
        "jane.doe@example.com",
        "0000-0002-1825-0097",
        True,
    )
    assert [affiliation.label for affiliation in jane.affiliations] == [
        "Formatting Open Science Group, Leeds",
        "Federation of Planets",
    ]
    assert (john.name, [affiliation.name for affiliation in john.affiliations]) == (
        "John Q. Doe",
        ["Elsewhere College"],
    )
    assert (nobody.name, nobody.affiliations, nobody.corresponding) == ("Nobody Else", (), False)
    assert capsys.readouterr().err.splitlines() == [
        "paper.md:10: warning: 'equal_contributor' of an author (Jane Doe) is ignored, no edition uses it"
        " (pandoc-scholar: yes for an author who contributed equally)"
    ]


def test_an_authors_unknown_and_unused_keys_are_reported_at_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata = load(
        tmp_path,
        "---\ntitle: T\nlang: en\nauthor:\n  - name: Alice\n    note: The first author's note.\n"
        "    affilations:\n      - name: Some Uni\n    orcidd: 0000-0002-1825-0097\n"
        "    attributes:\n      corespondng: true\n      deceased: true\n"
        "  - name: Bob\n    orcid: 0000-0002-1825-0098\n  - affiliation: Some Uni\n---\n",
    )
    assert metadata.authors == ("Alice", "Bob")
    assert capsys.readouterr().err.splitlines() == [
        "paper.md:6: warning: 'note' of an author (Alice) is ignored, no edition uses it"
        " (Quarto: a note about the author)",
        "paper.md:7: warning: unknown key 'affilations' of an author (Alice), ignored; did you mean 'affiliations'?",
        "paper.md:9: warning: unknown key 'orcidd' of an author (Alice), ignored; did you mean 'orcid'?",
        "paper.md:11: warning: unknown key 'corespondng' in the attributes of an author (Alice), ignored;"
        " did you mean 'corresponding'?",
        "paper.md:12: warning: 'attributes: deceased' of an author (Alice) is ignored, no edition uses it"
        " (Quarto: true for an author who has died)",
        "paper.md:14: warning: '0000-0002-1825-0098' is not an ORCID iD (0000-0000-0000-0000) for Bob; left out",
        "paper.md:15: warning: an author has no 'name' (affiliation); left out",
    ]


def test_an_institute_no_author_refers_to_is_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """LaTeX Beamer's `institute: Some University`, printed by no edition."""
    metadata = load(tmp_path, "---\ntitle: T\nlang: en\nauthor: Ann Lee\ninstitute: Some University\n---\n")
    assert metadata.people[0].affiliations == ()
    assert capsys.readouterr().err.splitlines() == [
        "paper.md:5: warning: 'institute' is ignored: no author refers to it (pandoc-scholar's authors name theirs"
        " with `institute: <id>`; a LaTeX Beamer institute line is not printed)"
    ]


@pytest.mark.parametrize(
    ("front_matter", "direction"),
    [
        ("lang: fa", "rtl"),
        ("lang: ar-EG", "rtl"),
        ("lang: he", "rtl"),
        ("lang: ur", "rtl"),
        ("lang: az", "ltr"),
        ("lang: az-Arab", "rtl"),
        ("lang: ks-Deva", "ltr"),
        ("lang: en", "ltr"),
        ("lang: zh-Hant-TW", "ltr"),
        ("lang: fa\ndir: ltr", "ltr"),
        ("lang: en\ndir: rtl", "rtl"),
    ],
)
def test_the_direction_is_the_languages_unless_the_front_matter_says(
    tmp_path: Path, front_matter: str, direction: str
) -> None:
    assert load(tmp_path, f"---\ntitle: T\nauthor: A\n{front_matter}\n---\n\nText.\n").direction == direction
