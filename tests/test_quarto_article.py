"""A Quarto article as its author wrote it: callouts, a tabset, an included file, a figure cell,
figure and table divs, `fig-alt`, an affiliation one author defines and another refers to, and
`date: last-modified`, each as Quarto would show it, in every edition."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest

from press.validate import epubcheck, nu
from tests.conftest import EPOCH, FIXTURES, Built, build, build_all
from tests.readback import XHTML, epub_documents, html_tree, normalise, pdf_pages, text_of

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
ARTICLE = FIXTURES / "quarto-article" / "article.qmd"
CALLOUT_TITLES = ["A note on data", "Warning", "Read the methods first"]


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(ARTICLE, tmp_path_factory.mktemp("quarto-article"))


def test_the_only_warning_is_the_code_cell_that_is_not_run(article: Built) -> None:
    warnings = [line for line in article.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, article.stderr
    assert "article.qmd:45:1: warning: a code cell ({r}) is shown as code" in warnings[0]
    assert "fig-scatter shows the code in place of its output" in warnings[0]


def test_callouts_are_titled_boxes_whose_headings_are_no_sections(article: Built) -> None:
    page = html_tree(article.editions.html)
    callouts = page.xpath("//div[contains(concat(' ', @class, ' '), ' callout ')]")
    assert [normalise(callout.find("div[@class='callout-title']").text_content()) for callout in callouts] == (
        CALLOUT_TITLES
    )
    assert [callout.get("class") for callout in callouts] == [
        "callout callout-note",
        "callout callout-warning",
        "callout callout-tip",
    ]
    assert all(callout.get("role") == "note" for callout in callouts)
    # The heading that titles a callout leaves the title its identifier, which a link names.
    assert callouts[0].find("div[@class='callout-title']").get("id") == "note-data"
    headings = [normalise(heading.text_content()) for heading in page.iter("h2", "h3")]
    assert not set(CALLOUT_TITLES) & set(headings)
    assert {"1 Introduction", "2 Methods", "3 Discussion", "References"} <= set(headings), headings
    epub = " ".join(normalise(text_of(tree)) for tree in epub_documents(article.editions.epub).values())
    pdf = normalise(" ".join(pdf_pages(article.editions.pdf)))
    assert all(title in epub and title in pdf for title in CALLOUT_TITLES)


def test_tabs_follow_one_another_unnumbered_and_out_of_the_contents(article: Built) -> None:
    page = html_tree(article.editions.html)
    tabs = page.xpath("//h2[contains(@class, 'tab-title')]")
    assert [normalise(tab.text_content()) for tab in tabs] == ["Adelie", "Gentoo"]
    with pikepdf.open(article.editions.pdf) as pdf, pdf.open_outline() as outline:
        items = list(outline.root)
        bookmarks = []
        while items:
            item = items.pop(0)
            bookmarks.append(item.title)
            items[:0] = item.children
    assert "Adelie" not in bookmarks and "3 Discussion" in bookmarks, bookmarks


def test_figure_and_table_references_resolve_the_figure_cell_among_them(article: Built) -> None:
    page = html_tree(article.editions.html)
    links = {normalise(link.text_content()): link.get("href") for link in page.iter("a")}
    assert links["Figure 1"] == "#fig-scatter" and links["Figure 2"] == "#fig-photo"
    assert links["Table 1"] == "#tbl-summary" and links["Section 2"] == "#sec-methods"
    figure = page.get_element_by_id("fig-scatter")
    assert figure.tag == "figure" and "ggplot(penguins" in figure.text_content()
    assert "#| label" not in page.text_content(), "a cell's options are not shown"
    assert normalise(figure.find("figcaption").text_content()) == "Figure 1: Bill length against depth."
    table = page.get_element_by_id("tbl-summary")
    assert normalise(table.find("figcaption").text_content()) == "Table 1: Penguins by species."
    assert table.find(".//table") is not None


def test_fig_alt_is_the_images_alternative_text(article: Built) -> None:
    (image,) = html_tree(article.editions.html).xpath("//figure[@id='fig-photo']//img")
    assert image.get("alt") == "A tower drawn in grey, standing in for a penguin"


def test_the_included_file_and_its_note_are_in_every_edition(article: Built) -> None:
    sentence = "An included section, written in _extra.qmd, with its own note."
    page = normalise(html_tree(article.editions.html).text_content())
    epub = " ".join(normalise(text_of(tree)) for tree in epub_documents(article.editions.epub).values())
    pdf = normalise(" ".join(pdf_pages(article.editions.pdf)))
    for text in (page, epub, pdf):
        assert "An included section, written in _extra.qmd, with its own note" in text.replace("note.1", "note.")
        assert "A note in the included file." in text
    assert sentence.removesuffix(".") in page


def test_an_affiliation_one_author_defines_is_the_others_too(article: Built) -> None:
    byline = normalise(html_tree(article.editions.html).find(".//*[@class='authors']").text_content())
    assert "Norah Jones" in byline and "Bill Smith" in byline and "University of Example" in byline


def test_last_modified_is_the_builds_date(article: Built) -> None:
    built = datetime.fromtimestamp(int(EPOCH), UTC).date().isoformat()
    assert built in normalise(html_tree(article.editions.html).text_content())


def test_the_validators_find_nothing(article: Built) -> None:
    for check in (epubcheck(article.editions.epub), nu(article.editions.html)):
        assert (check.errors, check.warnings) == ([], []), check.tool


def test_content_meant_for_some_editions_is_in_those_alone(article: Built) -> None:
    """Quarto's .content-visible and .content-hidden, by format: html is the web edition, pdf the PDF."""
    page = normalise(html_tree(article.editions.html).text_content())
    epub = " ".join(normalise(text_of(tree)) for tree in epub_documents(article.editions.epub).values())
    pdf = normalise(" ".join(pdf_pages(article.editions.pdf)))
    web_only, print_too = "The map on the web page can be zoomed.", "The printed map shows every colony at once."
    assert web_only in page and print_too not in page
    assert web_only not in epub and print_too in epub
    assert web_only not in pdf and print_too in pdf
    # A code block too, Quarto's ```{.r .content-visible when-format="html"}.
    assert "zoom_map(penguins)" in page and "zoom_map" not in epub and "zoom_map" not in pdf
    checked = "Measured in the field, and checked on the web."
    assert checked in page and checked in epub
    assert "Measured in the field." in pdf


def test_notes_called_from_content_an_edition_leaves_out_are_not_in_it(article: Built) -> None:
    """Each edition's notes are those its text calls, numbered without a gap, each as that edition gives it."""
    cited, included = "Kristen B. Gorman et al.", "A note in the included file."
    web = [
        cited,
        "Counted from the boats.",
        "Zoom with two fingers.",
        "By two observers, and by the web page’s readers.",
    ]
    printed = [cited, "Counted from the boats.", "Printed at one to a million.", "By two observers."]
    page = html_tree(article.editions.html)
    web_notes = [normalise(note.text_content()) for note in page.xpath("//section[@id='notes']//li")]
    assert len(web_notes) == 5
    assert all(
        note.startswith(f"{number}.{text}")
        for number, (note, text) in enumerate(zip(web_notes, [*web, included], strict=True), 1)
    )
    assert [normalise(call.text_content()) for call in page.find_class("footnote-ref")] == ["1", "2", "3", "4", "5"]
    documents = epub_documents(article.editions.epub).values()
    epub_notes = [
        normalise(text_of(item))
        for tree in documents
        for item in tree.iter(f"{XHTML}li")
        if item.get(EPUB_TYPE) == "endnote"
    ]
    assert len(epub_notes) == 5
    assert all(
        note.startswith(f"{number}.{text}")
        for number, (note, text) in enumerate(zip(epub_notes, [*printed, included], strict=True), 1)
    )
    calls = [
        normalise(text_of(call))
        for tree in documents
        for call in tree.iter(f"{XHTML}a")
        if "footnote-ref" in call.get("class", "")
    ]
    assert calls == ["1", "2", "3", "4", "5"]
    pdf = normalise(" ".join(pdf_pages(article.editions.pdf)))
    assert all(f"{number}. {text}" in pdf for number, text in enumerate([*printed, included], 1)), pdf
    assert "Zoom with two fingers." not in pdf and "readers" not in pdf


def test_the_contents_of_an_edition_list_only_the_headings_it_has(article: Built) -> None:
    web_contents = html_tree(article.editions.html).xpath("//nav[@role='doc-toc']")
    assert "Zooming" in normalise(web_contents[0].text_content())
    epub = " ".join(normalise(text_of(tree)) for tree in epub_documents(article.editions.epub).values())
    assert "Zooming" not in epub
    pdf = normalise(" ".join(pdf_pages(article.editions.pdf)))
    assert "Methods" in pdf and "Zooming" not in pdf


def test_what_content_for_some_editions_costs_the_others_is_said_at_its_line(tmp_path: Path) -> None:
    """A number the other editions skip, and a link to what they leave out, whose words they keep as text."""
    manuscript = tmp_path / "numbers.md"
    manuscript.write_text(
        "---\ntitle: Numbers\nauthor: A. Author\nlang: en\nnumber-sections: true\n---\n\n# First\n\nText.\n\n"
        '::: {.content-visible when-format="html"}\n## Only on the web {#web}\n\nWords.\n\n'
        "| A | B |\n|---|---|\n| 1 | 2 |\n\n: Web table {#tbl-web}\n\n::: {#thm-web}\nA theorem.\n:::\n:::\n\n"
        '::: {.content-hidden when-format="html"}\n## Printed only {.unnumbered}\n\nWords.\n:::\n\n'
        "## Everywhere\n\nSee [the section made for the web](#web) and @tbl-web.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = build("all", "--manuscript", manuscript, "--out", out)
    warnings = [line for line in run.stderr.splitlines() if "warning: " in line]
    assert warnings == [
        f"{manuscript}:36:35: warning: the link to '#web' leads to content the PDF and the EPUB leave out: there it"
        " keeps its words as text",
        f"{manuscript}:36:46: warning: the reference @tbl-web leads to content the PDF and the EPUB leave out:"
        " there it keeps its words as text",
        f"{manuscript}:13:4: warning: Section 1.1, Table 1 and Theorem 1 are in the web edition only: the PDF and"
        " the EPUB skip"
        " their numbers (one Pandoc pass numbers them for every edition)",
    ], run.stderr
    assert html_tree(out / "numbers.html").xpath("//a[@href='#web']")
    texts = [
        tree
        for tree in epub_documents(out / "numbers.epub").values()
        if "the section made for the web" in text_of(tree)
    ]
    assert texts and not [link for link in texts[0].iter(f"{XHTML}a") if link.get("href", "").endswith("#web")]
    assert "See the section made for the web and Table 1." in normalise(" ".join(pdf_pages(out / "numbers.pdf")))


def test_a_chapter_for_one_edition_leaves_the_others_its_number_and_citations_said(tmp_path: Path) -> None:
    """A book's first chapter wholly for the web: the PDF's chapter numbers skip it and its page labels start at
    the first chapter it has; what the chapter cites still counts for the PDF's notes and bibliography. Both said."""
    (tmp_path / "book.md").write_text(
        "---\ntitle: Hidden Book\nauthor: Someone\nlang: en\nbibliography: refs.bib\n"
        "csl: chicago-notes-bibliography\nchapters: [b.md, a.md, c.md]\n---\n",
        encoding="utf-8",
    )
    (tmp_path / "refs.bib").write_text(
        "@book{smith2020, author={Smith, Jane}, title={A Book}, year={2020}, publisher={Press}}\n"
        "@book{doe2019, author={Doe, John}, title={Other Book}, year={2019}, publisher={Press}}\n"
        "@book{roe2018, author={Roe, Rita}, title={Web Book}, year={2018}, publisher={Press}}\n",
        encoding="utf-8",
    )
    (tmp_path / "a.md").write_text("# Alpha\n\nText [@doe2019].\n", encoding="utf-8")
    (tmp_path / "b.md").write_text(
        '::: {.content-visible when-format="html"}\n# Web Chapter\n\nOnly online [@smith2020; @roe2018].\n:::\n',
        encoding="utf-8",
    )
    (tmp_path / "c.md").write_text("# Gamma\n\nMore [@smith2020].\n", encoding="utf-8")
    out = tmp_path / "out"
    run = build("all", "--manuscript", tmp_path / "book.md", "--out", out)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if "warning: " in line]
    chapter = tmp_path / "b.md"
    assert warnings == [
        f"{chapter}:2:3: warning: the web edition cites @smith2020 and @roe2018 here alone, but citeproc runs once"
        ' for every edition: in the PDF and the EPUB a later citation may be shortened or read "ibid." as if this'
        " one were there, and the bibliography lists @roe2018",
        f"{chapter}:2:3: warning: Chapter 1 is in the web edition only: the PDF and the EPUB skip its number (one"
        " Pandoc pass numbers them for every edition)",
    ], run.stderr
    pages = [normalise(page) for page in pdf_pages(out / "book.pdf")]
    alpha = next(number for number, page in enumerate(pages) if page.startswith("Chapter 2 Alpha"))
    assert not any("Web Chapter" in page for page in pages)
    with pikepdf.open(out / "book.pdf") as pdf:
        labels = list(pdf.Root.PageLabels.Nums)
    assert labels[2:4] == [alpha, pikepdf.Dictionary(S=pikepdf.Name.D)]  # arabic from the PDF's first chapter
    assert "Web Chapter" in html_tree(out / "book.html").text_content()


def test_a_reference_to_what_a_code_cell_makes_is_a_warning_at_its_place(tmp_path: Path) -> None:
    """A bookdown table made by `knitr::kable` in a cell labelled `nice-tab`, a Quarto plot labelled `fig-plot`
    without a caption, a figure of a cell whose caption is written as knitr names it (`#| fig.cap:`): the
    toolchain runs no code, so the first two read '??', with a warning each, where they stopped the build."""
    manuscript = tmp_path / "cells.Rmd"
    manuscript.write_text(
        "---\ntitle: Cells\nauthor: A\nlang: en\n---\n\nSee Table \\@ref(tab:nice-tab), @fig-plot and @fig-dotted.\n\n"
        "```{r nice-tab}\nknitr::kable(head(iris), caption = 'A nice table')\n```\n\n"
        "```{r}\n#| label: fig-plot\nplot(1:10)\n```\n\n"
        "```{r}\n#| label: fig-dotted\n#| fig.cap: The dotted caption.\nplot(1:10)\n```\n",
        encoding="utf-8",
    )
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    for column, reference in ((11, "\\@ref(tab:nice-tab)"), (32, "@fig-plot")):
        assert (
            f"cells.Rmd:7:{column}: warning: the cross-reference '{reference}' is to what a code cell makes, which the"
            " toolchain does not run: it reads '??'"
        ) in run.stderr
    text = normalise(text_of(html_tree(tmp_path / "out" / "cells.html")))
    assert "See Table ??, ?? and Figure 1." in text and "Figure 1: The dotted caption." in text
