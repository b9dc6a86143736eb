"""Quarto's and R Markdown's code cells and shortcodes, rewritten for Pandoc with every character
still mapped to the line the author wrote it on."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pypandoc
import pytest

from press.errors import PressError, Reporter
from press.metadata import Manuscript, read_manuscript
from press.quarto import quarto_syntax

TEXT = """# Analysis

```{r setup, message=FALSE}
library(tides)
```

{{< pagebreak >}}

A manual shows a cell as it is written:

````markdown
```{python}
print("shown, not rewritten")
```
{{< video shown.mp4 >}}
````

{{< video clip.mp4 >}} and after it, the last word.
"""


def rewritten(folder: Path, text: str, name: str = "manual.qmd") -> tuple[Manuscript, Reporter, Path]:
    """The manuscript `text`, written as `name` in `folder`, in Pandoc's syntax; the warnings said; its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    reporter = Reporter(collect=True)
    return quarto_syntax(read_manuscript(path), reporter), reporter, path


def test_cells_become_code_blocks_and_page_breaks_new_pages_with_their_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "analysis.qmd"
    path.write_text(TEXT, encoding="utf-8")
    reporter = Reporter(collect=True)
    manuscript = quarto_syntax(read_manuscript(path), reporter)
    assert '```{.r .cell label="setup"}\nlibrary(tides)' in manuscript.text
    assert "\n\\newpage\n" in manuscript.text
    # Inside another code block, a cell and a shortcode are the text of that block.
    assert '```{python}\nprint("shown, not rewritten")' in manuscript.text
    assert "{{< video shown.mp4 >}}" in manuscript.text
    assert [(str(warning.location), warning.message.split(":")[0]) for warning in reporter.warnings] == [
        (f"{path}:3:1", "a code cell ({r setup, message=FALSE}) is shown as code"),
        (f"{path}:18:1", "the Quarto shortcode {{< video clip.mp4 >}} is printed as written"),
    ]
    # Text after a rewritten line is still found on its own line and column.
    assert str(manuscript.locate("the last word")) == f"{path}:18:38"
    assert str(manuscript.locate("library(tides)")) == f"{path}:4:1"


def test_an_include_is_replaced_by_its_file_whose_lines_messages_name(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "_intro.qmd").write_text("Included first.\n\n{{< include parts/_deeper.qmd >}}\n", encoding="utf-8")
    (tmp_path / "parts" / "_deeper.qmd").write_text("One line.\nThe deeper word.\n", encoding="utf-8")
    path = tmp_path / "article.qmd"
    path.write_text("# Title\n\n{{< include _intro.qmd >}}\n\nThe end.\n", encoding="utf-8")
    manuscript = quarto_syntax(read_manuscript(path), Reporter(collect=True))
    assert manuscript.text == "# Title\n\nIncluded first.\n\nOne line.\nThe deeper word.\n\n\n\nThe end.\n"
    assert str(manuscript.locate("The deeper word")) == f"{tmp_path / 'parts' / '_deeper.qmd'}:2:1"
    assert str(manuscript.locate("The end")) == f"{path}:5:1"
    assert manuscript.files == (path, tmp_path / "_intro.qmd", tmp_path / "parts" / "_deeper.qmd")
    assert not manuscript.chapter_files, "an included file makes no book"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("{{< include _missing.qmd >}}", "cannot include _missing.qmd: there is no such file"),
        ("{{< include ../outside.qmd >}}", "the included file outside.qmd lies outside the manuscript's folder"),
        ("{{< include article.qmd >}}", "includes nest more than 16 deep: does a file include itself?"),
        ("{{< include >}}", "the Quarto shortcode {{< include >}} names no file to include"),
        ("{{< include _latin1.qmd >}}", "cannot include _latin1.qmd: it is not UTF-8 text (byte 0xe9)"),
        ("{{< include _large.qmd >}}\n" * 12, "the included files add more than 10 MB of text"),
    ],
)
def test_an_include_that_cannot_be_read_stops_the_build_at_its_line(tmp_path: Path, written: str, message: str) -> None:
    folder = tmp_path / "article"
    folder.mkdir()
    (tmp_path / "outside.qmd").write_text("Not the author's.\n", encoding="utf-8")
    (folder / "_latin1.qmd").write_bytes("Caf\u00e9\n".encode("latin-1"))
    (folder / "_large.qmd").write_text("word " * 200_000, encoding="utf-8")
    path = folder / "article.qmd"
    path.write_text(f"# Title\n\n{written}\n", encoding="utf-8")
    with pytest.raises(PressError) as raised:
        quarto_syntax(read_manuscript(path), Reporter(collect=True))
    assert str(raised.value.location) == f"{path}:3:1"
    assert message in str(raised.value)


def test_a_cells_options_are_not_shown_and_a_labelled_figure_cell_is_that_figure(tmp_path: Path) -> None:
    path = tmp_path / "analysis.qmd"
    path.write_text(
        '```{python}\n#| label: fig-growth\n#| fig-cap: "Growth over time."\n#| echo: false\nplot(x)\n```\n\n'
        "```{r}\n#| label: setup\nlibrary(tides)\n```\n",
        encoding="utf-8",
    )
    reporter = Reporter(collect=True)
    manuscript = quarto_syntax(read_manuscript(path), reporter)
    assert manuscript.text == (
        "::: {#fig-growth}\n```{.python .cell}\nplot(x)\n```\n\nGrowth over time.\n:::\n\n"
        '```{.r .cell label="setup"}\nlibrary(tides)\n```\n'
    )
    assert "fig-growth shows the code in place of its output" in reporter.warnings[0].message
    assert str(manuscript.locate("plot(x)")) == f"{path}:5:1"


def test_a_cell_in_a_list_item_is_a_code_block_of_that_item_however_far_it_is_indented(tmp_path: Path) -> None:
    """Indented four spaces or more (as a list item's text is), a cell was no fenced block for Pandoc: its
    fences and code printed as inline code in the item's paragraph, without a word."""
    manuscript, reporter, path = rewritten(
        tmp_path,
        "1. Load:\n\n    ```{r}\n    tides <- read.csv('tides.csv')\n    ```\n\n"
        "2. Plot:\n\n   - nested\n\n       ```{python}\n       #| label: fig-tide\n       #| fig-cap: The tide.\n"
        "       plot(tides)\n       ```\n\nAfter the list.\n",
    )
    assert "    ```{.r .cell}\n    tides <- read.csv('tides.csv')\n    ```" in manuscript.text
    assert (
        "     ::: {#fig-tide}\n       ```{.python .cell}\n       plot(tides)\n       ```\n\n     The tide.\n     :::\n"
    ) in manuscript.text
    assert [str(warning.location) for warning in reporter.warnings] == [f"{path}:3:5", f"{path}:11:8"]
    html = lxml.html.fragment_fromstring(
        pypandoc.convert_text(manuscript.text, "html", format="markdown"), create_parent="div"
    )
    blocks = [(pre.text_content(), [parent.tag for parent in pre.iterancestors()][:3]) for pre in html.iter("pre")]
    assert blocks == [
        ("tides <- read.csv('tides.csv')", ["div", "li", "ol"]),
        ("plot(tides)", ["div", "div", "li"]),  # the figure's division, in the nested item
    ]
    assert "After the list." in html.text_content() and not list(html.iter("code"))[2:]


def figure_cell(indent: str) -> str:
    return "```{r}\n" + "".join(
        indent + line + "\n" for line in ("#| label: fig-tide", "#| fig-cap: The tide.", "plot(tides)", "```")
    )


@pytest.mark.parametrize(
    "item",
    [
        "1. Plot:\n\n\t" + figure_cell("\t") + "\n2. Next\n",  # indented by a tab
        "ii. Plot:\n\n    " + figure_cell("    ") + "\niii. Next\n",  # roman numerals
        "(@) Plot:\n\n    " + figure_cell("    "),  # an example list
        "1. Plot the data\nfrom the file:\n\n    " + figure_cell("    "),  # continued lazily
    ],
)
def test_a_figure_cell_of_any_list_item_is_a_figure_of_that_item(item: str, tmp_path: Path) -> None:
    manuscript, _, _ = rewritten(tmp_path, item)
    html = lxml.html.fragment_fromstring(
        pypandoc.convert_text(manuscript.text, "html", format="markdown"), create_parent="div"
    )
    figure = html.get_element_by_id("fig-tide")
    assert figure.getparent().tag == "li" and figure.find(".//pre") is not None
    assert "The tide." in figure.text_content() and ":::" not in html.text_content()


INDENTED_CELL = "Text.\n\n    ```{r}\n    #| echo: false\n    x <- 1\n    ```\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (INDENTED_CELL, INDENTED_CELL),
        # An escaped cell is shown as Quarto prints it (quarto-web's cross-references page shows its cells so).
        (INDENTED_CELL.replace("{r}", "{{r}}"), INDENTED_CELL),
        # and so in a block of another kind's code
        ("````markdown\n```{{python}}\n1 + 1\n```\n````\n", "````markdown\n```{python}\n1 + 1\n```\n````\n"),
    ],
)
def test_a_cell_shown_in_code_is_shown_as_quarto_shows_it(text: str, shown: str, tmp_path: Path) -> None:
    manuscript, reporter, _ = rewritten(tmp_path, text)
    assert manuscript.text == shown and not reporter.warnings


def test_a_fence_in_indented_code_opens_no_block_that_hides_the_cells_after_it(tmp_path: Path) -> None:
    manuscript, reporter, path = rewritten(tmp_path, "    ```python\n\nThen:\n\n```{r}\nx <- 1\n```\n")
    assert "```{.r .cell}\nx <- 1" in manuscript.text
    assert [str(warning.location) for warning in reporter.warnings] == [f"{path}:5:1"]


@pytest.mark.parametrize(
    "caption", ["a. Results by site", "2020. The harvest", "(a) Left", "@. An example", "# 1", "> Quoted", "[x]: y"]
)
def test_a_cells_caption_that_reads_as_another_block_is_its_figures_caption_as_written(
    caption: str, tmp_path: Path
) -> None:
    manuscript, _, _ = rewritten(tmp_path, f'```{{r}}\n#| label: fig-growth\n#| fig-cap: "{caption}"\nplot(x)\n```\n')
    document = json.loads(pypandoc.convert_text(manuscript.text, "json", format="markdown"))
    figure = document["blocks"][0]
    assert figure["t"] == "Div" and figure["c"][0][0] == "fig-growth"
    last = figure["c"][1][-1]
    shown = pypandoc.convert_text(json.dumps({**document, "blocks": [last]}), "plain", format="json")
    assert last["t"] == "Para" and shown.strip() == caption


def test_a_code_block_closes_where_pandoc_closes_it(tmp_path: Path) -> None:
    # In a code block, a list item's line is code: the indented fence after it closes nothing, and the
    # cell after that is the block's text, as written.
    text = "```yaml\n- x\n    ```\n```{python}\n1+1\n```\n\nAfter.\n"
    manuscript, reporter, _ = rewritten(tmp_path, text)
    assert manuscript.text == text and not reporter.warnings
    # A fence followed by anything (a cell's opening) closes no block: the block ends at the bare fence,
    # and the cell after it is a cell.
    manuscript, reporter, path = rewritten(tmp_path, "```markdown\n```{python}\n1+1\n```\n\n```{r}\n2\n```\n")
    assert manuscript.text == "```markdown\n```{python}\n1+1\n```\n\n```{.r .cell}\n2\n```\n"
    assert [str(warning.location) for warning in reporter.warnings] == [f"{path}:6:1"]
    # A line starting with a code span opens no block; a fence on a list item's first line opens one, which a
    # fence at the item's text closes: the cell after either is a cell.
    for text, line in (("```code``` starts this line.\n\n", 3), ("- ```sh\n  make\n  ```\n\n", 5)):
        manuscript, reporter, path = rewritten(tmp_path, text + "```{r}\n2\n```\n")
        assert manuscript.text == text + "```{.r .cell}\n2\n```\n"
        assert [str(warning.location) for warning in reporter.warnings] == [f"{path}:{line}:1"]


def test_a_manuscript_with_windows_line_endings_is_read_as_pandoc_reads_it(tmp_path: Path) -> None:
    manuscript, reporter, path = rewritten(
        tmp_path, "# Title\r\n\r\nText.\r\n\r\n```{r}\r\n#| echo: false\r\n2\r\n```\r\n"
    )
    assert manuscript.text == "# Title\n\nText.\n\n```{.r .cell}\n2\n```\n"
    assert [str(warning.location) for warning in reporter.warnings] == [f"{path}:5:1"]


def test_a_listing_cell_is_a_numbered_listing_and_an_escaped_cell_is_shown_with_its_fences(tmp_path: Path) -> None:
    path = tmp_path / "manual.qmd"
    path.write_text(
        '```{python}\n#| lst-label: lst-import\n#| lst-cap: Import "pyplot"\n\nimport matplotlib\n```\n\n'
        "Quarto shows this cell as written:\n\n```{{python}}\n#| echo: false\n1 + 1\n```\n\nAfter it.\n",
        encoding="utf-8",
    )
    manuscript = quarto_syntax(read_manuscript(path), Reporter(collect=True))
    assert manuscript.text == (
        '```{.python .cell #lst-import lst-cap="Import \\"pyplot\\""}\nimport matplotlib\n```\n\n'
        "Quarto shows this cell as written:\n\n````\n```{python}\n#| echo: false\n1 + 1\n```\n````\n\nAfter it.\n"
    )
    assert str(manuscript.locate("import matplotlib")) == f"{path}:5:1"
    assert str(manuscript.locate("After it.")) == f"{path}:15:1"


def test_meta_var_and_kbd_shortcodes_become_their_values_and_an_escaped_one_is_shown(tmp_path: Path) -> None:
    (tmp_path / "_variables.yml").write_text(
        'version:\n  major: 3\nname: "The *Tool*"\nplatforms: [linux, mac]\n', encoding="utf-8"
    )
    path = tmp_path / "manual.qmd"
    path.write_text(
        "---\ntitle: Manual\nsubtitle: |\n  A long\n  subtitle\nshown: true\n---\n\n"
        "See {{< meta title >}}, {{< meta subtitle >}} ({{< meta shown >}}); "
        "`pip install tool=={{< var version.major >}}` of {{< var name >}}.\n\n"
        "Press {{< kbd Ctrl-[ >}}. Write {{{< var name >}}} and {{{< include x.qmd >}}}.\n\n"
        "Not {{< var platforms >}}, {{< var version.minor >}}, {{< meta nothing >}}.\n",
        encoding="utf-8",
    )
    reporter = Reporter(collect=True)
    manuscript = quarto_syntax(read_manuscript(path), reporter)
    body = manuscript.text.split("---\n", 2)[2]
    assert body.splitlines()[1:] == [
        "See Manual, A long subtitle (true); `pip install tool==3` of The *Tool*.",
        "",
        "Press [Ctrl\\-\\[]{.kbd}. Write {{< var name >}} and {{< include x.qmd >}}.",
        "",
        "Not {{< var platforms >}}, {{< var version.minor >}}, {{< meta nothing >}}.",
    ]
    assert [(str(warning.location), warning.message.split(": ", 1)[1]) for warning in reporter.warnings] == [
        (f"{path}:13:5", "'platforms' in _variables.yml is not a single value"),
        (f"{path}:13:28", "_variables.yml has no 'version.minor'"),
        (f"{path}:13:55", "the front matter has no 'nothing'"),
    ]
    assert str(manuscript.locate("of The")) == f"{path}:9:115", "text after a value is still found where it was written"


def test_hidden_cells_are_left_out_image_cells_are_their_figures_and_folded_captions_read(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "map.png").write_bytes(b"")
    path = tmp_path / "index.Rmd"
    path.write_text(
        "```{r setup, include=FALSE}\nlibrary(tides)\n```\n\n"
        "```{r}\n#| include: false\nx <- 1\n```\n\n"
        "```{r}\n#| label: fig-map\n#| fig-cap: >\n#|   A folded caption\n#|   over two lines.\n"
        '#| fig-alt: "A map."\n#| echo: false\nknitr::include_graphics("pics/map.png")\n```\n\n'
        "```{r logo, fig.cap=\"The logo.\", echo=FALSE}\ninclude_graphics('pics/map.png')\n```\n\n"
        '```{r growth, fig.cap = "Growth, by year.", fig.width=6}\nplot(x)\n```\n\n'
        '```{r}\n#| label: fig-gone\n#| fig-cap: "Not there."\nknitr::include_graphics("pics/gone.png")\n```\n',
        encoding="utf-8",
    )
    reporter = Reporter(collect=True)
    manuscript = quarto_syntax(read_manuscript(path), reporter)
    assert manuscript.text == (
        "\n\n"
        "::: {#fig-map}\n![A map.](pics/map.png)\n\nA folded caption over two lines.\n:::\n"
        "::: {#fig:logo}\n![](pics/map.png)\n\nThe logo.\n:::\n"
        "::: {#fig:growth}\n```{.r .cell}\nplot(x)\n```\n\nGrowth, by year.\n:::\n\n"
        '::: {#fig-gone}\n```{.r .cell}\nknitr::include_graphics("pics/gone.png")\n```\n\nNot there.\n:::\n'
    )
    assert [(str(warning.location), warning.message.split(":")[0]) for warning in reporter.warnings] == [
        (f"{path}:24:1", 'a code cell ({r growth, fig.cap = "Growth, by year.", fig.width=6}) is shown as code'),
        (f"{path}:28:1", "a code cell ({r}) is shown as code"),
    ]
    assert "fig:growth shows the code in place of its output" in reporter.warnings[0].message
    assert str(manuscript.locate("plot(x)")) == f"{path}:25:1"


def test_inline_code_knitr_or_quarto_would_run_is_a_warning_at_its_place(tmp_path: Path) -> None:
    text = "The mean is `r mean(x)` here and `{python} len(y)` there; `r` alone stays.\n\n```\n`r in code`\n```\n"
    reporter = Reporter(collect=True)
    for name in ("report.Rmd", "notes.md"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        quarto_syntax(read_manuscript(path), reporter)
    assert [(str(warning.location), warning.message.split(" is ")[0]) for warning in reporter.warnings] == [
        (f"{tmp_path / 'report.Rmd'}:1:13", "inline code `r mean(x)`"),
        (f"{tmp_path / 'report.Rmd'}:1:34", "inline code `{python} len(y)`"),
        (f"{tmp_path / 'notes.md'}:1:34", "inline code `{python} len(y)`"),
    ], "`r …` is R only in R Markdown; `{python} …` anywhere"


def test_inline_code_over_lines_is_a_warning_of_one_line(tmp_path: Path) -> None:
    """bookdown's `` `r if (knitr::is_html_output()) '\n# References {-}\n'` `` was printed without a word."""
    path = tmp_path / "index.Rmd"
    path.write_text("Text.\n\n`r if (html) '\n# References {-}\n'`\n", encoding="utf-8")
    reporter = Reporter(collect=True)
    quarto_syntax(read_manuscript(path), reporter)
    assert [(str(warning.location), warning.message.split(" is ")[0]) for warning in reporter.warnings] == [
        (f"{path}:3:1", "inline code `r if (html) ' # References {-} '`")
    ]


def test_template_syntax_nothing_renders_is_a_warning_a_file_outside_code(tmp_path: Path) -> None:
    """Manubot renders its Markdown as Jinja2 before Pandoc reads it; the editions printed the syntax silently."""
    path = tmp_path / "front.md"
    path.write_text(
        "{% if manubot.ci_source is defined -%}\nBuilt from {{manubot.ci_source.repo_slug}} on {{ date | x }}.\n"
        "{% endif %}\n\nA manual shows `{{ name }}` and\n\n```\n{% raw %}\n```\n\nsets {x} and {{< meta title >}}.\n",
        encoding="utf-8",
    )
    reporter = Reporter(collect=True)
    quarto_syntax(read_manuscript(path), reporter)
    assert [(str(warning.location), warning.message) for warning in reporter.warnings] == [
        (
            f"{path}:1:1",
            "the template syntax {% if manubot.ci_source is defined -%} is printed as written (and 3 more in this"
            " file): nothing renders it here (render the text with its tool first, as Manubot renders its Jinja2)",
        ),
        (
            f"{path}:11:14",
            "the Quarto shortcode {{< meta title >}} is printed as written: the front matter has no 'title'",
        ),
    ]
