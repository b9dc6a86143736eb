"""The cross-reference filter on small manuscripts: numbers, captions, links, words, errors."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import lxml.html
import pypandoc
import pytest

from press import crossref, pandoc
from press.errors import Reporter
from press.frontmatter import YamlBlock
from press.invocation import MetadataOptions
from press.metadata import Manuscript, load_metadata
from press.pandoc import CROSSREF_FILTER, PandocMessage, PandocOutput, source_marks
from tests.readback import one

PANDOC = pypandoc.get_pandoc_path()


def convert(markdown: str, lang: str, tmp_path: Path, *arguments: str, quarto: bool = False) -> tuple[str, list[str]]:
    """The manuscript through the filter alone (after the Quarto filter, with `quarto`), as the one Pandoc
    pass runs it, with Pandoc's other `arguments`: its HTML and its warnings."""
    log = tmp_path / "crossref-log.json"
    completed = subprocess.run(
        [
            PANDOC,
            "--from=markdown",
            "--to=html5",
            "--mathml",
            *crossref.label_arguments(lang),
            *source_marks([markdown]),
            *arguments,
            *([f"--lua-filter={pandoc.QUARTO_FILTER}"] if quarto else []),
            f"--lua-filter={CROSSREF_FILTER}",
            f"--log={log}",
        ],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    warnings = [entry["message"] for entry in json.loads(log.read_text(encoding="utf-8"))]
    return completed.stdout, warnings


def text(html: str) -> str:
    """The text of some HTML, its spaces collapsed but its no-break spaces kept."""
    return collapse(lxml.html.fragment_fromstring(html, create_parent="div").text_content())


def collapse(words: str) -> str:
    return re.sub(r"[ \t\n]+", " ", words).strip()


ARTICLE = """\
# Methods {#sec:methods}

![Map](map.png){#fig:map}

![Plan](plan.png){#fig-plan}

![Unlabelled](other.png)

| a |
|---|
| 1 |

: Results {#tbl:results}

$$ e^{i\\pi} + 1 = 0 $$ {#eq:euler}

## Details {#sec-details}

REFERENCES
"""


def resolve(references: str, tmp_path: Path, lang: str = "en", settings: str = "") -> str:
    """The text of the references in the article, with the front matter's `settings`."""
    front_matter = f"---\n{settings}\n---\n\n" if settings else ""
    html, warnings = convert(front_matter + ARTICLE.replace("REFERENCES", references), lang, tmp_path)
    assert warnings == []
    paragraph = lxml.html.fragment_fromstring(html, create_parent="div").xpath("//p[last()]")[0]
    return collapse(paragraph.text_content())


@pytest.mark.parametrize(
    ("references", "resolved"),
    [
        ("@fig:map", "Figure\u00a01"),
        ("@Fig:map", "Figure\u00a01"),
        ("@fig-plan", "Figure\u00a02"),
        ("[@fig:map; @fig-plan]", "Figures\u00a01 and 2"),
        ("[@fig:map; @tbl:results]", "Figure\u00a01; Table\u00a01"),
        ("[-@fig:map]", "1"),
        ("@eq:euler", "Equation\u00a01"),
        ("[-@eq:euler]", "1"),
        ("(@eq:euler)", "(Equation\u00a01)"),
        ("@sec:methods and @sec-details", "Section\u00a01 and Section\u00a01.1"),
        ("[see @tbl:results, left]", "see Table\u00a01, left"),
    ],
)
def test_references_resolve_to_words_and_numbers(references: str, resolved: str, tmp_path: Path) -> None:
    assert resolve(references, tmp_path) == resolved


@pytest.mark.parametrize(
    ("references", "resolved"),
    [
        # A word naming the kind before a reference is its label: the reference is its number alone.
        ("Figure @fig:map", "Figure\u00a01"),
        ("see figure @fig:map", "see figure\u00a01"),
        ("(Fig. @fig:map)", "(Fig.\u00a01)"),
        ("Figs. @fig:map and @fig-plan", "Figs.\u00a01 and 2"),
        ("Figures @fig:map, @fig-plan and @tbl:results", "Figures\u00a01, 2 and Table\u00a01"),
        ("Figure\\ @fig:map", "Figure\u00a01"),
        ("Eqn. @eq:euler", "Eqn.\u00a01"),
        ("Tab. [@tbl:results]", "Tab.\u00a01"),
        ("§ @sec:methods and §@sec:methods", "§\u00a01 and §1"),
        ("Chapter @sec:methods, Appendix @sec-details", "Chapter\u00a01, Appendix\u00a01.1"),
        ("Figure @fig:map is like @fig-plan", "Figure\u00a01 is like Figure\u00a02"),
        ("the figures: @fig:map", "the figures: Figure\u00a01"),
        ("in the figure. @fig-plan shows", "in the figure. Figure\u00a02 shows"),  # a sentence's end, no abbreviation
        # pandoc-xnos: braces are taken off, + and * name the reference, ! gives its number.
        ("Figure {@fig:map}, {+@fig:map}", "Figure\u00a01, Figure\u00a01"),
        ("Figs. {@fig:map} and {@fig-plan}", "Figs.\u00a01 and 2"),
        ("as +@fig:map shows. *@fig:map is !@fig:map", "as Figure\u00a01 shows. Figure\u00a01 is 1"),
        # LaTeX's references in the Markdown (an R Markdown article's), which Pandoc keeps as raw TeX.
        ("Figure~\\ref{fig:map}, \\autoref{fig:map}", "Figure\u00a01, Figure\u00a01"),
        ("\\cref{fig:map,fig-plan} and \\eqref{eq:euler}", "Figures\u00a01 and 2 and (1)"),
        ("\\Cref{tbl:results}", "Table\u00a01"),
        # A LaTeX text Pandoc converted to Markdown: its references are links with the numbers Pandoc's LaTeX
        # reader gave them (an equation's none, only its label).
        (
            'Equation [\\[eq:euler\\]](#eq:euler){reference-type="eqref" reference="eq:euler"} and'
            ' Section [7](#sec:methods){reference-type="ref" reference="sec:methods"}',
            "Equation\u00a0(1) and Section\u00a01",
        ),
        ('[9](#fig:map){reference-type="autoref" reference="fig:map"}', "Figure\u00a01"),
        # A label of no kind, which the filter does not number: the number Pandoc gave it stands.
        ('Figure [1](#other){reference-type="ref" reference="other"}', "Figure 1"),
    ],
)
def test_a_reference_after_its_kinds_name_or_with_xnos_marks_reads_as_meant(
    references: str, resolved: str, tmp_path: Path
) -> None:
    assert resolve(references, tmp_path) == resolved


@pytest.mark.parametrize(
    ("settings", "references", "resolved"),
    [
        # pandoc-crossref's words: a text, or the singular and the plural; an empty one, the number alone.
        ("figPrefix: fig.", "@fig:map and [@fig:map; @fig-plan]", "fig.\u00a01 and fig.\u00a01 and 2"),
        ("figPrefix: [fig., figs.]", "[@fig:map; @fig-plan]", "figs.\u00a01 and 2"),
        ('tblPrefix: ""', "@tbl:results", "1"),
        ("eqnPrefix: Eq.", "@eq:euler and Eq. @eq:euler", "Eq.\u00a01 and Eq.\u00a01"),
        # Quarto's, under crossref.
        ("crossref:\n  fig-prefix: Fig.", "@fig:map", "Fig.\u00a01"),
        # pandoc-xnos': with its settings, a reference is its number alone, or named with its cleveref on.
        ("fignos-caption-name: Fig.", "@fig:map, +@fig:map", "1, Fig.\u00a01"),
        (
            "fignos-cleveref: On\nfignos-plus-name: fig.\nfignos-star-name: FIG.",
            "@fig:map; *@fig:map",
            "fig.\u00a01; FIG.\u00a01",
        ),
        ("xnos-cleveref: true", "@fig:map and !@fig:map", "Figure\u00a01 and 1"),
    ],
)
def test_the_authors_reference_words_of_pandoc_crossref_quarto_and_xnos_are_used(
    settings: str, references: str, resolved: str, tmp_path: Path
) -> None:
    assert resolve(references, tmp_path, settings=settings) == resolved


def test_the_authors_caption_words_start_the_captions(tmp_path: Path) -> None:
    settings = "---\nfigureTitle: Fig.\ncrossref:\n  tbl-title: Tab.\nfigPrefix: figure\n---\n\n"
    html, _ = convert(settings + ARTICLE.replace("REFERENCES", "@fig:map"), "en", tmp_path)
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    captions = [collapse(caption.text_content()) for caption in fragment.iter("figcaption", "caption")]
    assert captions[0] == "Fig.\u00a01: Map" and "Tab.\u00a01: Results" in captions
    assert collapse(fragment.xpath("//p[last()]")[0].text_content()) == "figure\u00a01"


def test_a_name_inflected_or_abbreviated_in_the_manuscripts_language_is_a_label(tmp_path: Path) -> None:
    markdown = (
        "![Karta](k.png){#fig:k}\n\n| a |\n|---|\n| 1 |\n\n: T {#tbl:t}\n\n"
        "W tabeli @tbl:t i na rysunku @fig:k; rys. @fig:k.\n"
    )
    html, _ = convert(markdown, "pl", tmp_path)
    assert "W tabeli\u00a01 i na rysunku\u00a01; rys.\u00a01." in text(html)
    html, _ = convert("![Карта](k.png){#fig:k}\n\nНа рисунке @fig:k и (рис. @fig:k).\n", "ru", tmp_path)
    assert "На рисунке\u00a01 и (рис.\u00a01)." in text(html)


def test_three_references_are_listed_with_the_languages_and(tmp_path: Path) -> None:
    markdown = "![A](a.png){#fig:a}\n\n![B](b.png){#fig:b}\n\n![C](c.png){#fig:c}\n\n[@fig:a; @fig:b; @fig:c]\n"
    html, _ = convert(markdown, "de", tmp_path)
    assert "Abbildungen\u00a01, 2 und 3" in text(html)


def test_references_are_links_to_their_targets(tmp_path: Path) -> None:
    html, _ = convert(ARTICLE.replace("REFERENCES", "@fig:map, @eq:euler"), "en", tmp_path)
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    links = {link.get("href"): link.text_content() for link in fragment.find_class("cross-ref")}
    assert links == {"#fig:map": "Figure\u00a01", "#eq:euler": "Equation\u00a01"}
    assert fragment.get_element_by_id("eq:euler").get("class") == "equation"


def test_captions_carry_their_numbers_and_unlabelled_figures_none(tmp_path: Path) -> None:
    html, _ = convert(ARTICLE.replace("REFERENCES", ""), "en", tmp_path)
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    captions = [collapse(caption.text_content()) for caption in fragment.iter("figcaption", "caption")]
    assert captions[:3] == ["Figure\u00a01: Map", "Figure\u00a02: Plan", "Unlabelled"]
    assert "Table\u00a01: Results" in captions
    number = fragment.find_class("equation-number")[0]
    assert number.text == "(1)" and number.getprevious().tag == "math"
    assert "{#eq" not in text(html)


def test_captions_in_the_manuscripts_language(tmp_path: Path) -> None:
    html, _ = convert("![Karte](karte.png){#fig:karte}\n\nSiehe @fig:karte.\n", "de", tmp_path)
    assert "Abbildung\u00a01: Karte" in text(html) and "Siehe Abbildung\u00a01." in text(html)


@pytest.mark.parametrize("front_matter", ["number-sections: true", "crossref:\n  sections: true"])
def test_sections_are_numbered_in_their_headings_when_asked(front_matter: str, tmp_path: Path) -> None:
    html, _ = convert(f"---\n{front_matter}\n---\n\n# One\n\n# Two\n\n## Two and a half\n", "en", tmp_path)
    numbers = [span.text for span in lxml.html.fragment_fromstring(html, create_parent="div").iter("span")]
    assert numbers == ["1", "2", "2.1"]


def test_sections_are_not_numbered_in_their_headings_by_default(tmp_path: Path) -> None:
    html, _ = convert("# One\n\n# Two {#sec:two}\n\nSee @sec:two.\n", "en", tmp_path)
    assert "header-section-number" not in html
    assert "See Section\u00a02." in text(html)


def test_a_linked_image_alone_in_its_paragraph_is_a_figure(tmp_path: Path) -> None:
    html, _ = convert("[![Chart](chart.png){#fig:chart}](https://example.org)\n\nSee @fig:chart.\n", "en", tmp_path)
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    figure = fragment.find(".//figure")
    assert figure is not None and figure.get("id") == "fig:chart"
    assert figure.find("a").get("href") == "https://example.org"
    assert "Figure\u00a01: Chart" in text(html) and "See Figure\u00a01." in text(html)


def test_citations_are_left_to_citeproc(tmp_path: Path) -> None:
    html, warnings = convert("![A](a.png){#fig:a}\n\n[@fig:a; @doe2020]\n", "en", tmp_path)
    assert warnings == []
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    assert fragment.find_class("cross-ref")[0].text_content() == "Figure\u00a01"
    assert fragment.find_class("citation")[0].get("data-cites") == "doe2020"


def test_an_unknown_reference_is_logged_with_the_known_identifiers(tmp_path: Path) -> None:
    html, warnings = convert("![A](a.png){#fig:map}\n\nSee @fig:mpa.\n", "en", tmp_path)
    assert warnings == ["press-crossref unknown fig:mpa among fig:map"]
    assert "@fig" not in text(html)


def test_an_unknown_reference_is_an_error_at_each_of_its_lines_with_the_closest_identifiers(tmp_path: Path) -> None:
    manuscript_text = "---\ntitle: t\n---\n\nSee @fig:mpa.\n\nAgain [@fig:mpa].\n"
    manuscript = Manuscript(tmp_path / "m.md", manuscript_text, (YamlBlock("title: t\n", 2),), None)
    logged = "press-crossref unknown fig:mpa among fig:map fig:maps tbl:other"
    message = PandocMessage("ScriptingWarning", "WARNING", logged)
    problems = crossref.unresolved(PandocOutput("", (message, message)), manuscript)
    where = tmp_path / "m.md"
    assert [str(problem) for problem in problems] == [
        f"{where}:5:5: error: unknown cross-reference '@fig:mpa'; did you mean @fig:map, @fig:maps?",
        f"{where}:7:8: error: unknown cross-reference '@fig:mpa'; did you mean @fig:map, @fig:maps?",
    ]


def test_an_unknown_latex_reference_is_an_error_where_it_is_written(tmp_path: Path) -> None:
    """`\\ref{fig:mpa}` was looked for as `@fig:mpa`, which the text does not hold: the error named no line."""
    manuscript_text = "---\ntitle: t\n---\n\nSee Figure~\\ref{fig:mpa} and \\cref{fig:map,fig:mpa}.\n"
    manuscript = Manuscript(tmp_path / "m.md", manuscript_text, (YamlBlock("title: t\n", 2),), None)
    message = PandocMessage("ScriptingWarning", "WARNING", "press-crossref unknown fig:mpa among fig:map")
    problems = crossref.unresolved(PandocOutput("", (message,)), manuscript)
    assert [str(problem).split(": error:")[0] for problem in problems] == [
        f"{tmp_path / 'm.md'}:5:12",
        f"{tmp_path / 'm.md'}:5:30",
    ]


def test_the_filter_is_given_the_words_of_the_manuscripts_language() -> None:
    arguments = crossref.label_arguments("fr-CA")
    assert "--metadata=press-label-table:Tableau" in arguments
    assert "--metadata=press-label-and:et" in arguments
    korean = crossref.label_arguments("ko")
    assert "--metadata=press-label-figure:그림" in korean and "--metadata=press-label-equation:식" in korean
    # Bulgarian from Pandoc's translations; English where they have no word (equations).
    bulgarian = crossref.label_arguments("bg")
    assert "--metadata=press-label-figure:Фигура" in bulgarian
    assert "--metadata=press-label-equation:Equation" in bulgarian


def test_a_labelled_figure_without_caption_is_captioned_by_its_number(tmp_path: Path) -> None:
    html, _ = convert("![](a.png){#fig:a}\n\nSee @fig:a.\n", "en", tmp_path)
    caption = lxml.html.fragment_fromstring(html, create_parent="div").find(".//figcaption")
    assert caption is not None and collapse(caption.text_content()) == "Figure\u00a01"


BOOK = """\
---
press-book: true
number-sections: true
---

# Stone and Flame {.part}

# First Lights {#sec-first}

## Coal and candles {#sec-coal}

# Towers {#sec-towers}

## Granite

See @sec-coal and @sec-towers.
"""


def test_a_books_chapters_take_their_label_not_a_section_number_and_parts_are_not_counted(tmp_path: Path) -> None:
    html, warnings = convert(BOOK, "en", tmp_path)
    assert warnings == []
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    headings = [collapse(heading.text_content()) for heading in page.iter("h1", "h2")]
    assert headings == ["Stone and Flame", "First Lights", "1.1 Coal and candles", "Towers", "2.1 Granite"]
    assert "See Section 1.1 and Section 2." in text(html).replace("\xa0", " ")


def test_a_book_whose_chapters_are_second_level_headings_has_them_as_chapters(tmp_path: Path) -> None:
    html, _ = convert("---\npress-book: true\n---\n\n## One\n\n### Inside\n\n## Two\n", "en", tmp_path)
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [(heading.tag, collapse(heading.text_content())) for heading in page.iter("h1", "h2", "h3")] == [
        ("h1", "One"),
        ("h2", "Inside"),
        ("h1", "Two"),
    ]


def test_quarto_figure_and_table_divs_are_numbered_with_their_captions(tmp_path: Path) -> None:
    markdown = (
        "::: {#fig-pair}\n![](a.png)\n![](b.png)\n\nTwo images side by side.\n:::\n\n"
        "::: {#tbl-counts}\n| A | B |\n|---|---|\n| 1 | 2 |\n\nCounts by group.\n:::\n\n"
        "See @fig-pair and @tbl-counts.\n"
    )
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == []
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    figure = page.get_element_by_id("fig-pair")
    assert figure.tag == "figure" and len(figure.findall(".//img")) == 2
    assert collapse(figure.find("figcaption").text_content()) == "Figure\xa01: Two images side by side."
    table = page.get_element_by_id("tbl-counts")
    assert table.tag == "table" and collapse(table.find("caption").text_content()) == "Table\xa01: Counts by group."
    assert "See Figure 1 and Table 1." in text(html).replace("\xa0", " ")


def test_a_table_labelled_by_an_empty_span_in_its_caption_is_numbered(tmp_path: Path) -> None:
    markdown = (
        "| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        ': Counts by group. []{#tbl:counts short-caption="Counts"}\n\nSee @tbl:counts.\n'
    )
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == []
    table = lxml.html.fragment_fromstring(html, create_parent="div").get_element_by_id("tbl:counts")
    assert collapse(table.find("caption").text_content()) == "Table\xa01: Counts by group."
    assert "See Table 1." in text(html).replace("\xa0", " ")


LISTINGS = """\
---
codeBlockCaptions: true
---

```{#lst:main .python caption="The *main* loop"}
while True:
    step()
```

Listing: Reading the log

```{#lst:log}
tail -f log
```

::: {#lst:wrapped .listing}
A wrapped listing

```
make
```
:::

```{#lst-quarto lst-cap="From Quarto"}
quarto render
```

: A caption without a label

```
ls
```

See @lst:main, [@lst:log; @lst:wrapped] and @lst-quarto.
"""


def test_code_listings_are_numbered_captioned_figures_in_every_spelling(tmp_path: Path) -> None:
    html, warnings = convert(LISTINGS, "en", tmp_path)
    assert warnings == []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    listings = tree.findall(".//figure")
    assert [(figure.get("id"), figure.get("class")) for figure in listings] == [
        ("lst:main", "listing"),
        ("lst:log", "listing"),
        ("lst:wrapped", "listing"),
        ("lst-quarto", "listing"),
        (None, "listing"),
    ]
    captions = [collapse(figure.findtext("figcaption") or one_text(figure, "figcaption")) for figure in listings]
    assert captions == [
        "Listing\u00a01: The main loop",
        "Listing\u00a02: Reading the log",
        "Listing\u00a03: A wrapped listing",
        "Listing\u00a04: From Quarto",
        "A caption without a label",
    ]
    assert [collapse(one_text(figure, "code")) for figure in listings] == [
        "while True: step()",
        "tail -f log",
        "make",
        "quarto render",
        "ls",
    ]
    assert tree.find(".//figure[@id='lst:main']//em") is not None, "the caption's Markdown is read"
    assert text(html).endswith("See Listing\u00a01, Listings\u00a02 and 3 and Listing\u00a04.")


def one_text(element: lxml.html.HtmlElement, path: str) -> str:
    found = element.find(f".//{path}")
    assert found is not None, f"no {path}"
    return str(found.text_content())


def test_a_code_caption_after_the_code_or_labelled_at_its_end_is_read_as_pandoc_crossref_reads_it(
    tmp_path: Path,
) -> None:
    """A thesis template's `: Code caption {#lst:code}` after its code stopped the build at `@lst:code`."""
    markdown = (
        "---\ncodeBlockCaptions: true\n---\n\n```python\nx = 1\n```\n\n: Code caption {#lst:code}\n\n"
        "Listing: Before {#lst:before}\n\n```\ny\n```\n\nSee @lst:code and @lst:before.\n"
    )
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    listings = [
        (figure.get("id"), collapse(figure.find("figcaption").text_content())) for figure in tree.iter("figure")
    ]
    assert listings == [("lst:code", "Listing\xa01: Code caption"), ("lst:before", "Listing\xa02: Before")]
    assert "See Listing 1 and Listing 2." in text(html).replace("\xa0", " ")


def test_a_paragraph_before_code_is_its_caption_only_when_the_manuscript_asks(tmp_path: Path) -> None:
    html, _ = convert("Listing: Not a caption\n\n```\nls\n```\n", "en", tmp_path)
    assert "figure" not in html and "Listing: Not a caption" in text(html)


def test_auto_section_labels_give_every_heading_a_sec_label(tmp_path: Path) -> None:
    html, warnings = convert(
        "---\nautoSectionLabels: true\n---\n\n# Methods\n\n## Wrapping div\n\nSee @sec:methods, @sec:wrapping-div.\n",
        "en",
        tmp_path,
    )
    assert warnings == []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [heading.get("id") for heading in tree.iter("h1", "h2")] == ["sec:methods", "sec:wrapping-div"]
    assert [link.get("href") for link in tree.find_class("cross-ref")] == ["#sec:methods", "#sec:wrapping-div"]


def test_images_without_caption_or_identifier_side_by_side_are_one_figure(tmp_path: Path) -> None:
    html, warnings = convert("::: {#fig-map}\n![](a.png) ![](b.png)\n\nThe map, in two sheets.\n:::\n", "en", tmp_path)
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    assert warnings == [] and len(page.findall(".//img")) == 2
    assert [collapse(caption.text_content()) for caption in page.iter("figcaption")] == [
        "Figure\u00a01: The map, in two sheets."
    ]


def test_a_subfigures_escaped_caption_loses_its_colon(tmp_path: Path) -> None:
    html, _ = convert('<div id="fig:both">\n![A](a.png)\n\n![B](b.png)\n\n\\: Both views.\n</div>\n', "en", tmp_path)
    captions = lxml.html.fragment_fromstring(html, create_parent="div").findall(".//figcaption")
    assert collapse(captions[-1].text_content()) == "Figure\u00a01: Both views."


def test_a_reference_to_an_unnumbered_section_is_its_title(tmp_path: Path) -> None:
    html, warnings = convert(
        "# Methods {#sec:methods}\n\n# Sources {#sec:sources .unnumbered}\n\n"
        "See @sec:sources, [@sec:methods; @sec:sources] and [@sec:sources; @sec:methods].\n",
        "en",
        tmp_path,
    )
    assert warnings == []
    assert text(html).endswith("See Sources, Section\u00a01; Sources and Sources; Section\u00a01.")


def test_a_listing_div_may_give_its_caption_after_the_code_and_holds_nothing_else(tmp_path: Path) -> None:
    html, warnings = convert(
        "::: {#lst-after}\n```\nls\n```\n\nThe files\n:::\n\n"
        "::: {#lst:heading .listing}\n# A heading\n\n```\nls\n```\n:::\n\nSee @lst-after.\n",
        "en",
        tmp_path,
    )
    assert warnings == []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [collapse(one_text(figure, "figcaption")) for figure in tree.iter("figure")] == ["Listing\u00a01: The files"]
    assert tree.find(".//h1") is not None, "a div that is not a listing keeps what it holds"


def test_the_title_an_unnumbered_section_is_referred_by_holds_no_note_link_or_mark(tmp_path: Path) -> None:
    html, _ = convert(
        "# [Sources](https://example.org) and [ships]{.index}[^1] {#sec:sources .unnumbered}\n\n"
        "See @sec:sources.\n\n[^1]: A note.\n",
        "en",
        tmp_path,
    )
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    reference = one(next(iter(tree.find_class("cross-ref")), None), "the reference")
    assert collapse(reference.text_content()) == "Sources and ships"
    assert reference.find(".//a") is None and reference.find(".//span") is None


def test_the_filters_are_told_what_the_text_can_hold_whatever_its_case() -> None:
    """Pandoc's Markdown makes display math only of `$$`, an image only of `![`, a span only of `[…]{…}` or
    `<span>`, a cross-reference only of a citation of a labelled kind (`@Fig:map`, `@{tbl-x}`), raw TeX only of
    a backslash before a letter or a raw attribute."""

    def marks(text: str) -> dict[str, str]:
        return dict(argument.removeprefix("--metadata=press-has-").split(":") for argument in source_marks([text]))

    assert marks("Plain words [@smith2020], \\[not math\\], and {braces}.") == {
        "display-math": "false",
        "images": "false",
        "spans": "false",
        "crossrefs": "false",
        "raw-tex": "false",
        "divs": "false",
        "bookdown": "false",
    }
    assert marks("$$x$$ ![a](b.png) [c]{.d} see @Fig:map \\Emph{e} \\@ref(x) > ::: {#thm-x}") == dict.fromkeys(
        ("display-math", "images", "spans", "crossrefs", "raw-tex", "divs", "bookdown"), "true"
    )
    assert marks("<DIV class=theorem>")["divs"] == "true"
    assert marks("`x`{=latex}")["raw-tex"] == "true"
    assert marks("<SPAN lang=fr>mot</SPAN> [-@{tbl-x}]")["spans"] == marks("[-@{tbl-x}]")["crossrefs"] == "true"
    # What Pandoc decodes before the filters read it as Markdown: entities in an attribute (a callout's
    # title), YAML's escapes in metadata; a raw attribute with a space, a backslash before any letter.
    assert marks('::: {.callout-note title="As &#64;fig:map shows, &#36;&#36;x&#36;&#36;"}')["crossrefs"] == "true"
    assert marks('title="&#36;&#36;E&#36;&#36;"')["display-math"] == "true"
    yaml_marks = dict(
        argument.removeprefix("--metadata=press-has-").split(":")
        for argument in source_marks(["text"], ['abstract: "As \\x40fig:map shows, $\\\n  $x$$"'])
    )
    assert yaml_marks["crossrefs"] == yaml_marks["display-math"] == "true"
    assert marks("Text `--`{ =latex} here.")["raw-tex"] == marks("\\émph{x}")["raw-tex"] == "true"
    # The last text given (a metadata file) counts as the manuscript does.
    assert (
        dict(argument.split(":") for argument in source_marks(["words", "![a](b.png)"]))["--metadata=press-has-images"]
        == "true"
    )


BOOKDOWN = """\
# Introduction {#intro}

See Chapter \\@ref(methods), Figure \\@ref(fig:map), Table \\@ref(tab:data), Equation \\@ref(eq:mean)
and Section \\@ref(background).

(ref:map-caption) A map of **the** area.

![(\\#fig:map) (ref:map-caption)](map.png)

Table: (\\#tab:data) Some data.

| a |
|---|
| 1 |

\\begin{equation}
\\bar{x} = \\frac{1}{n} \\sum x_i
(\\#eq:mean)
\\end{equation}

## Background {#background}

# Methods {#methods}
"""


def test_bookdowns_labels_references_and_text_references_are_read(tmp_path: Path) -> None:
    html, warnings = convert(BOOKDOWN, "en", tmp_path)
    assert warnings == []
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    first = collapse(page.xpath("//p")[0].text_content())
    assert first == "See Chapter 2, Figure 1, Table 1, Equation 1 and Section 1.1."
    links = [(link.get("href"), link.text_content()) for link in page.find_class("cross-ref")]
    assert links == [
        ("#methods", "2"),
        ("#fig:map", "1"),
        ("#tbl:data", "1"),
        ("#eq:mean", "1"),
        ("#background", "1.1"),
    ]
    figure = one(page.find(".//figure"), "figure")
    assert figure.get("id") == "fig:map"
    assert collapse(one(figure.find(".//figcaption"), "caption").text_content()) == "Figure\u00a01: A map of the area."
    assert one(figure.find(".//figcaption//strong"), "strong words").text == "the"
    assert one(figure.find(".//img"), "image").get("alt") == "A map of the area."
    assert collapse(one(page.find(".//table/caption"), "table caption").text_content()) == "Table\u00a01: Some data."
    equation = page.find_class("equation")[0]
    assert equation.get("id") == "eq:mean" and equation.find_class("equation-number")[0].text == "(1)"
    assert "#eq" not in equation.text_content() and "ref:" not in text(html)


def test_a_reference_shown_as_code_is_not_the_place_of_an_unknown_one(tmp_path: Path) -> None:
    manuscript_text = "Write `@fig:mpa` to refer:\n\n```\nSee @fig:mpa.\n```\n\nSee @fig:mpa.\n"
    manuscript = Manuscript(tmp_path / "m.md", manuscript_text, (), None)
    message = PandocMessage("ScriptingWarning", "WARNING", "press-crossref unknown fig:mpa among fig:map")
    problems = crossref.unresolved(PandocOutput("", (message,)), manuscript)
    assert [str(problem.location) for problem in problems] == [f"{tmp_path / 'm.md'}:7:5"]


def test_bookdowns_unknown_references_are_errors_at_their_lines(tmp_path: Path) -> None:
    markdown = BOOKDOWN.replace("\\@ref(eq:mean)", "\\@ref(eq:maen) and (ref:nope)")
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == [
        "press-crossref unknown (ref:nope) among map-caption",
        "press-crossref unknown ref(eq:maen) among fig:map tbl:data eq:mean background intro methods",
    ]
    assert "??" in text(html)
    manuscript = Manuscript(tmp_path / "m.md", markdown, (), None)
    messages = tuple(PandocMessage("ScriptingWarning", "WARNING", warning) for warning in warnings)
    problems = crossref.unresolved(PandocOutput(html, messages), manuscript)
    where = tmp_path / "m.md"
    assert [str(problem) for problem in problems] == [
        f"{where}:3:103: error: unknown text reference '(ref:nope)': no paragraph starts '(ref:nope) ' to define it",
        f"{where}:3:84: error: unknown cross-reference '\\@ref(eq:maen)'; did you mean \\@ref(eq:mean)?",
    ]


def test_a_bookdown_equation_with_several_labels_is_numbered_once_with_a_warning(tmp_path: Path) -> None:
    markdown = "\\begin{align}\na &= b (\\#eq:one) \\\\\nc &= d (\\#eq:two)\n\\end{align}\n\nSee \\@ref(eq:one).\n"
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == ["press-crossref several-labels eq:one two"]
    assert [
        number.text for number in lxml.html.fragment_fromstring(html, create_parent="div").find_class("equation-number")
    ] == ["(1)"]
    manuscript = Manuscript(tmp_path / "m.md", markdown, (), None)
    found = crossref.equations_labelled_twice(
        PandocOutput(html, (PandocMessage("ScriptingWarning", "WARNING", warnings[0]),)), manuscript
    )
    assert [(message, str(location)) for message, location in found] == [
        (
            "an equation environment has several labels; it is numbered once, as 'eq:one', and (\\#eq:two) not",
            f"{tmp_path / 'm.md'}:2:8",
        )
    ]


def test_bookdowns_spellings_are_looked_for_only_where_they_can_be() -> None:
    def bookdown(text: str) -> str:
        return dict(argument.split(":", 1) for argument in source_marks([text]))["--metadata=press-has-bookdown"]

    assert bookdown("Plain (words) and @smith2020, #hashtag, ref: a note.") == "false"
    for written in ("\\@ref(intro)", "![(\\#fig:map) Map](m.png)", "Table: (#tab:x) T", "(ref:caption) Words"):
        assert bookdown(written) == "true", written


THEOREMS = """\
::: {#thm-line}
## Line

A line is straight.
:::

::: {.proof}
Obvious.
:::

::: {.solution name="By hand"}
Done.
:::

::: {#lem-small name="Small *x*"}
A lemma.
:::

::: {#thm-two}
- a list first
:::

::: {#cor:last}
The last.
:::

See @thm-line, [@thm-line; @thm-two], @lem-small and @cor:last.
"""


def test_theorems_are_numbered_by_kind_titled_and_referred_to(tmp_path: Path) -> None:
    html, warnings = convert(THEOREMS, "en", tmp_path)
    assert warnings == []
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    titles = [collapse(title.text_content()) for title in page.find_class("theorem-title")]
    assert titles == [
        "Theorem\u00a01 (Line)",
        "Proof.",
        "Solution (By hand).",
        "Lemma\u00a01 (Small x)",
        "Theorem\u00a02",
        "Corollary\u00a01",
    ]
    assert page.find_class("theorem-title")[0].getparent().tag == "p", "the title opens the first paragraph"
    assert [div.get("class") for div in page.find_class("theorem-like")] == [
        "theorem-like theorem",
        "proof theorem-like",
        "solution theorem-like",
        "theorem-like lemma",
        "theorem-like theorem",
        "theorem-like corollary",
    ]
    assert "Line" not in [heading.text_content() for heading in page.iter("h1", "h2")], "the name heading is the title"
    assert collapse(page.xpath("p")[-1].text_content()) == (
        "See Theorem\u00a01, Theorems\u00a01 and 2, Lemma\u00a01 and Corollary\u00a01."
    )


def test_theorems_in_the_manuscripts_language_and_in_bookdowns_spelling(tmp_path: Path) -> None:
    html, _ = convert(THEOREMS, "fr", tmp_path)
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    titles = [collapse(title.text_content()) for title in page.find_class("theorem-title")]
    assert titles[:4] == ["Théorème\u00a01 (Line)", "Démonstration.", "Solution (By hand).", "Lemme\u00a01 (Small x)"]
    bookdown = '::: {.theorem #pyth name="Pythagoras"}\n$a^2 + b^2 = c^2$\n:::\n\nBy Theorem \\@ref(thm:pyth).\n'
    html, warnings = convert(bookdown, "en", tmp_path)
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    assert warnings == [] and page.find_class("theorem")[0].get("id") == "thm:pyth"
    assert collapse(page.find_class("theorem-title")[0].text_content()) == "Theorem\u00a01 (Pythagoras)"
    assert collapse(page.xpath("p")[-1].text_content()) == "By Theorem 1."
    # Without bookdown's marks, a div of class `example` is the author's own, not a numbered example.
    html, _ = convert("::: {.example}\nWords.\n:::\n", "en", tmp_path)
    assert "theorem-title" not in html


def test_a_theorem_reference_to_nothing_is_left_to_citeproc_for_it_may_be_a_works_key(tmp_path: Path) -> None:
    html, warnings = convert("::: {#thm-a}\nA.\n:::\n\nSee @thm-b and [@def-2020].\n", "en", tmp_path)
    assert warnings == []
    cited = [
        span.get("data-cites")
        for span in lxml.html.fragment_fromstring(html, create_parent="div").find_class("citation")
    ]
    assert cited == ["thm-b", "def-2020"]


def test_bookdowns_text_references_are_all_expanded_and_labels_read_wherever_bookdown_reads_them(
    tmp_path: Path,
) -> None:
    markdown = (
        "# Méthodes\n\n(ref:a) Alpha.\n\n(ref:b) Beta and (ref:a)\n\n(ref:c) Gamma (ref:zz).\n\n"
        "Both: (ref:a)/(ref:b); (ref:c) See Chapter \\@ref(méthodes).\n\n"
        "$$\\begin{equation}\nE = mc^2 (\\#eq:energy)\n\\end{equation}$$\n\nSee \\@ref(eq:energy).\n"
    )
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == ["press-crossref unknown (ref:zz) among a b c"], "inside a definition's words too"
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    paragraphs = [collapse(paragraph.text_content()) for paragraph in page.xpath("p")]
    assert paragraphs[0] == "Both: Alpha./Beta and Alpha.; Gamma (ref:zz). See Chapter 1."
    assert page.find_class("equation")[0].get("id") == "eq:energy" and "#eq" not in text(html)
    assert paragraphs[-1] == "See 1.", "bookdown gives the number alone: its authors write (\\@ref(eq:energy))"


def test_a_bookdown_text_reference_whose_words_hold_it_again_is_an_error_at_its_definition(tmp_path: Path) -> None:
    markdown = (
        "(ref:a) Alpha and (ref:b).\n\n(ref:b) Beta and (ref:a).\n\n(ref:c) (ref:c) again.\n\nSee (ref:a), (ref:c).\n"
    )
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == ["press-crossref cyclic a b a", "press-crossref cyclic c c"]
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [collapse(paragraph.text_content()) for paragraph in page.xpath("p")] == [
        "See Alpha and Beta and (ref:a).., (ref:c) again.."
    ]
    manuscript = Manuscript(tmp_path / "m.md", markdown, (), None)
    messages = tuple(PandocMessage("ScriptingWarning", "WARNING", warning) for warning in warnings)
    problems = crossref.unresolved(PandocOutput(html, messages), manuscript)
    where = tmp_path / "m.md"
    assert [str(problem) for problem in problems] == [
        f"{where}:1:1: error: the text reference '(ref:a)' stands for words that hold it again "
        "((ref:a) → (ref:b) → (ref:a))",
        f"{where}:5:1: error: the text reference '(ref:c)' stands for words that hold it again ((ref:c) → (ref:c))",
    ]
    assert crossref.is_unresolved_reference(warnings[0]), "never given again as Pandoc's own warning"


def test_a_bookdown_table_reference_is_suggested_as_bookdown_spells_it(tmp_path: Path) -> None:
    manuscript = Manuscript(tmp_path / "m.md", "See \\@ref(tab:reslts).\n", (), None)
    logged = "press-crossref unknown ref(tab:reslts) among tbl:results fig:map"
    problems = crossref.unresolved(
        PandocOutput("", (PandocMessage("ScriptingWarning", "WARNING", logged),)), manuscript
    )
    assert [str(problem) for problem in problems] == [
        f"{tmp_path / 'm.md'}:1:5: error: unknown cross-reference '\\@ref(tab:reslts)';"
        " did you mean \\@ref(tab:results)?"
    ]
    escaped = dict(argument.split(":", 1) for argument in source_marks(["See \\@ref\\(intro)."]))
    assert escaped["--metadata=press-has-bookdown"] == "true"


def test_theorems_nested_named_by_a_heading_or_in_a_callout_leave_the_rest_as_it_was(tmp_path: Path) -> None:
    markdown = (
        "---\nnumber-sections: true\nautoSectionLabels: true\n---\n\n### Methods\n\n"
        "::: {#thm-outer}\n## Outer {#outer-name}\n\nOuter.\n\n::: {#thm-inner}\nInner.\n:::\n:::\n\n"
        "::: {.callout-note #thm-callout}\nA callout.\n:::\n\n### Def Leppard\n\n"
        "See [the outer one](#outer-name), @sec:methods and @sec:def-leppard.\n"
    )
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == []
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    titles = [(title.get("id"), collapse(title.text_content())) for title in page.find_class("theorem-title")]
    # From the outside in; the name heading's identifier is the title's, for links to it.
    assert titles == [("outer-name", "Theorem\u00a01 (Outer)"), (None, "Theorem\u00a02")]
    assert "theorem-like" not in (page.xpath("//div[@id='thm-callout']")[0].get("class") or "")
    # The name heading took no part in numbering the sections; `Def Leppard` is still a section's label.
    # (Its shallowest heading `##`, the text's headings rise a level: `###` is the second.)
    headings = [collapse(heading.text_content()) for heading in page.iter("h1", "h2", "h3")]
    assert headings == ["1 Methods", "2 Def Leppard"]
    assert collapse(page.xpath("p")[-1].text_content()) == "See the outer one, Section\u00a01 and Section\u00a02."


def test_an_r_markdown_manuscript_or_a_bookdown_projects_theorem_divs_are_bookdowns(tmp_path: Path) -> None:
    text = "::: {.theorem #pyth}\nA theorem.\n:::\n"
    plain = Manuscript(tmp_path / "notes.md", text, (), None)
    assert "--metadata=press-has-bookdown:false" in pandoc._marks(
        plain, load_metadata(plain, Reporter()), MetadataOptions()
    )
    r_markdown = Manuscript(tmp_path / "notes.Rmd", text, (), None)
    assert "--metadata=press-has-bookdown:true" in pandoc._marks(
        r_markdown, load_metadata(r_markdown, Reporter()), MetadataOptions()
    )
    (tmp_path / "_bookdown.yml").write_text("book_filename: notes\n", encoding="utf-8")
    assert "--metadata=press-has-bookdown:true" in pandoc._marks(
        plain, load_metadata(plain, Reporter()), MetadataOptions()
    )


def test_callouts_labelled_as_their_kind_are_numbered_and_referred_to(tmp_path: Path) -> None:
    markdown = (
        "::: {#tip-tabs .callout-tip}\n## Using tabs\nTabs help.\n:::\n\n"
        "::: {#tip-plain .callout-tip}\nPlain.\n:::\n\n"
        '::: {#wrn-x .callout-warning title="Careful *now*"}\nBeware.\n:::\n\n'
        "::: {.callout-note}\nUnlabelled.\n:::\n\n"
        "See @tip-tabs, [@tip-tabs; @tip-plain], @wrn-x and @nte-none.\n"
    )
    words = [f"--metadata=press-callout-{kind}:{word}" for kind, word in (("tip", "Astuce"), ("warning", "Attention"))]
    html, _ = convert(markdown, "fr", tmp_path, *words, quarto=True)
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    titles = [collapse(title.text_content()) for title in page.find_class("callout-title")]
    assert titles == ["Astuce\u00a01: Using tabs", "Astuce\u00a02", "Attention\u00a01: Careful now", "Note"]
    assert collapse(page.xpath("p")[-1].text_content()) == (
        "See Astuce\u00a01, Astuce\u00a01 et Astuce\u00a02, Attention\u00a01 and @nte-none."
    )
    # A callout's prefix that labels nothing is left to citeproc, as a work's key may start so.
    assert page.find_class("citation")[0].get("data-cites") == "nte-none"


@pytest.mark.parametrize(
    ("markdown", "levels"),
    [
        ("## Introduction\n\nText.\n\n### Detail\n\nMore.\n\n## Methods\n", ["h1", "h2", "h1"]),
        ("# Introduction\n\n### Too deep\n", ["h1", "h3"]),
        ("### Only\n\n#### Below\n", ["h1", "h2"]),
    ],
)
def test_a_text_whose_shallowest_heading_is_deeper_rises_to_the_first_level(
    markdown: str, levels: list[str], tmp_path: Path
) -> None:
    """Its title in the front matter, a text written from `##` (as Quarto articles are) has its sections follow
    the title's level without a gap; a level skipped within the text is the author's and stays."""
    html, _ = convert(markdown, "en", tmp_path)
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [heading.tag for heading in page.iter("h1", "h2", "h3", "h4")] == levels


@pytest.mark.parametrize(
    "markdown",
    [
        # Quarto's subfigures
        "See @fig-panel, @fig-right and [@fig-left; @fig-right].\n\n::: {#fig-panel layout-ncol=2}\n"
        "![Left](a.png){#fig-left}\n\n![Right](a.png){#fig-right}\n\nBoth panels.\n:::\n\n![Next](a.png){#fig-next}\n",
        # pandoc-crossref's
        'See @fig:panel, @fig:right and [@fig:left; @fig:right].\n\n<div id="fig:panel">\n'
        "![Left](a.png){#fig:left}\n\n![Right](a.png){#fig:right}\n\nBoth panels.\n</div>\n\n"
        "![Next](a.png){#fig:next}\n",
        # pandoc-crossref's side by side: several images in one paragraph, each a subfigure
        'See @fig:panel, @fig:right and [@fig:left; @fig:right].\n\n<div id="fig:panel">\n'
        "![Left](a.png){#fig:left} ![Right](a.png){#fig:right}\n\nBoth panels.\n</div>\n\n"
        "![Next](a.png){#fig:next}\n",
        # and Quarto's, in a figure division
        "See @fig-panel, @fig-right and [@fig-left; @fig-right].\n\n::: {#fig-panel}\n"
        "![Left](a.png){#fig-left}\n![Right](a.png){#fig-right}\n\nBoth panels.\n:::\n\n![Next](a.png){#fig-next}\n",
        # linked to larger images
        "See @fig-panel, @fig-right and [@fig-left; @fig-right].\n\n::: {#fig-panel}\n"
        "[![Left](a.png){#fig-left}](a.png) [![Right](a.png){#fig-right}](a.png)\n\nBoth panels.\n:::\n\n"
        "![Next](a.png){#fig-next}\n",
    ],
)
def test_the_figures_a_figure_holds_are_its_subfigures_lettered_within_its_number(
    markdown: str, tmp_path: Path
) -> None:
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == []
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    assert collapse(page.xpath("p")[0].text_content()) == (
        "See Figure\u00a01, Figure\u00a01\u00a0(b) and Figures\u00a01\u00a0(a) and 1\u00a0(b)."
    )
    captions = [collapse(caption.text_content()) for caption in page.iter("figcaption")]
    assert captions == ["(a) Left", "(b) Right", "Figure\u00a01: Both panels.", "Figure\u00a02: Next"]
    identifiers = [element.get("id") for element in page.iter() if element.get("id")]
    assert len(identifiers) == len(set(identifiers)) and not [image for image in page.iter("img") if image.get("id")]


def test_latex_equation_labels_number_their_equations(tmp_path: Path) -> None:
    """`\\label{eq:energy}` in an equation environment or in display math, as R Markdown articles write it: the
    equation had no number, and its references were dropped."""
    markdown = (
        "\\begin{equation}\nE = mc^2 \\label{eq:energy}\n\\end{equation}\n\n$$ a = b \\label{eq:two} $$\n\n"
        "As \\eqref{eq:energy}, @eq:energy and \\ref{eq:two}.\n"
    )
    html, warnings = convert(markdown, "en", tmp_path)
    assert warnings == []
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [number.text for number in fragment.find_class("equation-number")] == ["(1)", "(2)"]
    assert "As (1), Equation\u00a01 and 2." in text(html)
    assert "label" not in "".join(fragment.xpath("//math//text()"))


@pytest.mark.parametrize(
    ("markdown", "arguments", "expected"),
    [
        ("## Section\n\nText.\n\n### Below\n\n## Next\n", (), []),
        ("## Section\n\nText.\n\n#### *Deep* down\n", (), ["5:1: heading 'Deep down' skips a level (## to ####)"]),
        (
            "## Abstract\n\n# Intro\n",
            (),
            ["1:1: heading 'Abstract' skips a level (the title to ##; the text's sections are #)"],
        ),
        # In a book it is a division of the front matter, raised to the chapters' level: no gap in the editions.
        ("## Abstract\n\n# Intro\n", ("--metadata=press-book:true",), []),
        # Two headings skipping a level that start with the same word are each found at their own line.
        (
            "# A\n\n### Results one\n\n# B\n\n### Results two\n",
            (),
            [
                "3:1: heading 'Results one' skips a level (# to ###)",
                "7:1: heading 'Results two' skips a level (# to ###)",
            ],
        ),
    ],
)
def test_a_heading_that_skips_a_level_is_a_warning_at_its_line_with_the_levels_as_written(
    markdown: str, arguments: tuple[str, ...], expected: list[str], tmp_path: Path
) -> None:
    """A text from `##` rises to the first level, but the levels it warns of are the author's."""
    html, warnings = convert(markdown, "en", tmp_path, *arguments)
    manuscript = Manuscript(tmp_path / "m.md", markdown, (), None)
    messages = tuple(PandocMessage("ScriptingWarning", "WARNING", warning) for warning in warnings)
    found = crossref.skipped_levels(PandocOutput(html, messages), manuscript)
    shown = [f"{location}: {message}".removeprefix(f"{tmp_path / 'm.md'}:") for message, location in found]
    assert [line.removesuffix(", which accessibility checkers report") for line in shown] == expected


def test_a_cells_listing_standing_in_its_figures_place_is_numbered_as_a_listing(tmp_path: Path) -> None:
    """Quarto's cell with `label: fig-plot`, `fig-cap` and `lst-label: lst-plot`, `lst-cap` (press.quarto)."""
    html, warnings = convert(
        '::: {#fig-plot}\n```{.python .cell #lst-plot lst-cap="Listing caption"}\nplt.plot()\n```\n\n'
        "Figure caption\n:::\n\nThe code in @lst-plot makes @fig-plot.\n",
        "en",
        tmp_path,
    )
    assert warnings == []
    shown = text(html).replace("\xa0", " ")
    assert "Figure 1: Figure caption" in shown and "Listing 1: Listing caption" in shown
    assert "The code in Listing 1 makes Figure 1." in shown
    assert "(a)" not in shown, "the listing is no subfigure"
