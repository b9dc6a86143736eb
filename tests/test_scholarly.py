"""A scientific article in every edition: mathematics, cross-references, code, wide and tall things.

The fixture holds inline and display formulas (fractions, roots, integrals, sums, a
matrix, aligned equations; in a note, a caption and a table), numbered equations,
figures, tables and sections referred to in the pandoc-crossref and Quarto syntaxes,
highlighted code with line numbers and a very long line, an eight-column table, a
tall image, an inline icon with a width and a linked image. Each edition is read back.
"""

from __future__ import annotations

import copy
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from lxml import etree
from playwright.sync_api import Browser

from press.validate import ace, axe_violations, epubcheck, nu, pdf_structure
from tests.conftest import FIXTURES, Editions, build, build_editions
from tests.proof import DESKTOP, PHONE, Screen, Theme, open_page
from tests.readback import (
    attribute,
    epub_documents,
    html_tree,
    normalise,
    one,
    pdf_pages,
    text_of,
    xpath_elements,
    xpath_strings,
)

SCHOLARLY = FIXTURES / "scholarly" / "scholarly.md"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
OPF = {"opf": "http://www.idpf.org/2007/opf"}
#: Formulas in the fixture: four inline in the text, one in a note, five displayed, one in a heading,
#: one in a figure's caption, four in a table and its caption, one in bookdown's spelling, one in a theorem.
FORMULAS = 18
LEFT_OVER_SOURCE = (
    *("$", "\\frac", "\\sqrt", "\\int", "@fig", "@tbl", "@eq", "@sec", "@lst", "@Fig", "{#", "[-@"),
    *("@ref(", "(#", "(ref:", "\\begin", "@thm"),
)
#: What the references and captions become, in every edition.
RESOLVED = (
    "Figure 1 shows the counts, Figures 1 and 2 show both figures",
    "Table 1 lists the results and Table 2 the measurements",
    "The sum in Equation 1 and the integral in Equation 2 are numbered; 1 alone gives its number.",
    "Section 2 says how, and Section 3 shows the program (Listing 1) see Section 1, para. 2.",
    "Listing 1: Growth in Python",
    "Figure 1: Counts by group",
    "Figure 2: A tall tower",
    "Table 1: Results for",
    "Table 2: Measurements at two sites",
    "2 Methods",
    "Figure 3, Table 3 and Equation 3 are in Section 4; the program is in Section 3.",
    "Figure 3: The tower again",
    "Table 3: Two sites",
    "Theorem 1 (Growth) Every positive rate",
    "Proof. Differentiate, as in Equation 3.",
    "As Theorem 1 shows, growth has no end.",
)
WIDTHS = (Screen("narrowest", 320, 640), Screen("desktop", 1280, 800))


@pytest.fixture(scope="module")
def scholarly(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return build_editions(SCHOLARLY, tmp_path_factory.mktemp("scholarly"))


def shown_text(tree: etree._Element) -> str:
    """The text a reader sees: no style, script or MathML annotation (the TeX kept for software)."""
    tree = copy.deepcopy(tree)
    etree.strip_elements(tree, "{*}style", "{*}script", "{*}title", "{*}annotation", with_tail=False)
    return normalise(text_of(tree))


def edition_texts(editions: Editions) -> dict[str, str]:
    body = one(html_tree(editions.html).find(".//body"), "body of the web page")
    book = epub_documents(editions.epub)
    return {
        "pdf": normalise(" ".join(pdf_pages(editions.pdf))),
        "html": shown_text(body),
        "epub": " ".join(shown_text(one(book[name].find(".//{*}body"), f"body of {name}")) for name in sorted(book)),
    }


# Read back from every edition


def test_no_source_is_left_in_any_edition(scholarly: Editions) -> None:
    for edition, text in edition_texts(scholarly).items():
        for source in LEFT_OVER_SOURCE:
            assert source not in text, f"{source!r} reached the {edition} edition"


def test_references_and_captions_are_resolved_in_every_edition(scholarly: Editions) -> None:
    for edition, text in edition_texts(scholarly).items():
        for resolved in RESOLVED:
            assert resolved in text, f"{resolved!r} missing from the {edition} edition"
        assert "Euler" in text, "citations still go to the bibliography"


def test_the_web_page_and_the_epub_carry_mathml(scholarly: Editions) -> None:
    page = html_tree(scholarly.html)
    assert len(page.xpath("//math")) == FORMULAS + 1, "the note's formula is in its margin copy too"
    assert all(formula.get("alttext") for formula in page.xpath("//math"))
    documents = epub_documents(scholarly.epub)
    formulas = [formula for tree in documents.values() for formula in tree.iter(f"{MATHML}math")]
    assert len(formulas) == FORMULAS
    with zipfile.ZipFile(scholarly.epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    items = {item.get("href"): (item.get("properties") or "").split() for item in opf.iterfind(".//opf:item", OPF)}
    assert "mathml" in items["text.xhtml"] and "mathml" in items["notes.xhtml"]
    assert "mathml" not in items["colophon.xhtml"]


def test_references_link_to_their_targets_in_the_web_page_and_the_epub(scholarly: Editions) -> None:
    page = html_tree(scholarly.html)
    identifiers = set(xpath_strings(page, "//@id"))
    links = xpath_elements(page, "//a[contains(@class, 'cross-ref')]")
    assert len(links) >= 12
    assert all(attribute(link, "href")[1:] in identifiers for link in links)
    documents = epub_documents(scholarly.epub)
    targets = {
        f"{name.removeprefix('EPUB/')}#{value}"
        for name, tree in documents.items()
        for value in xpath_strings(tree, "//@id")
    }
    for name, tree in documents.items():
        for link in xpath_elements(tree, "//*[local-name()='a'][contains(@class, 'cross-ref')]"):
            href = attribute(link, "href")
            resolved = href if "#" in href and not href.startswith("#") else f"{name.removeprefix('EPUB/')}{href}"
            assert resolved in targets, f"{href} in {name}"


def test_every_formula_in_the_pdf_is_a_figure_with_its_tex_as_alternative_text(scholarly: Editions) -> None:
    tex = {formula.get("alttext") for formula in html_tree(scholarly.html).xpath("//math")}
    alternatives = []
    with pikepdf.open(scholarly.pdf) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary) and node.get("/S") == "/Figure":
                alternatives.append(str(node.get("/Alt", "")))
            kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
    assert all(alternatives), "every figure of the tagged PDF has alternative text"
    assert tex <= set(alternatives)


def test_the_pdf_draws_formulas_as_paths_and_passes_its_structure_check(scholarly: Editions) -> None:
    check = pdf_structure(scholarly.pdf)
    assert (check.errors, check.warnings) == ([], [])


def test_images_fit_the_page_box_and_keep_their_size(scholarly: Editions) -> None:
    document = pypdfium2.PdfDocument(str(scholarly.pdf))
    widths = []
    try:
        for page in document:
            height = page.get_height()
            for image in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]):
                left, bottom, right, top = image.get_bounds()
                widths.append(right - left)
                assert bottom > 60 and top < height - 60, "an image runs into the page's margins"
    finally:
        document.close()
    assert any(abs(width - 18) < 0.5 for width in widths), "the 24 px icon is 18 pt wide"


# Errors with their line


def test_an_unknown_cross_reference_is_an_error_with_its_line_and_the_closest_identifier(tmp_path: Path) -> None:
    folder = tmp_path / "article"
    shutil.copytree(SCHOLARLY.parent, folder)
    manuscript = folder / SCHOLARLY.name
    text = manuscript.read_text(encoding="utf-8").replace("@sec:methods says how", "@sec:method says how")
    manuscript.write_text(text, encoding="utf-8")
    line = next(number for number, content in enumerate(text.splitlines(), 1) if "@sec:method says" in content)
    column = text.splitlines()[line - 1].index("@sec:method") + 1
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", "-q")
    assert run.returncode != 0
    assert (
        f"scholarly.md:{line}:{column}: error: unknown cross-reference '@sec:method'; did you mean @sec:methods"
    ) in run.stderr
    assert "citation" not in run.stderr, "a cross-reference is never looked up in the bibliography"
    assert "Traceback" not in run.stderr


def test_tex_that_cannot_be_typeset_is_an_error_with_its_line(tmp_path: Path) -> None:
    manuscript = tmp_path / "broken.md"
    manuscript.write_text("---\ntitle: T\nauthor: A\nlang: en\n---\n\nA formula $\\frac{1$ here.\n", encoding="utf-8")
    run = build("html", "--manuscript", manuscript, "--out", tmp_path / "out", "-q")
    assert run.returncode != 0
    assert "broken.md:7:12: error: cannot typeset the formula $\\frac{1$" in run.stderr


def test_the_check_finds_nothing_wrong(tmp_path: Path) -> None:
    run = build("check", "--manuscript", SCHOLARLY)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 errors, 0 warnings" in run.stdout + run.stderr


# Validators, with mathematics present


def test_epubcheck_and_ace_report_nothing(scholarly: Editions) -> None:
    for check in (epubcheck(scholarly.epub), ace(scholarly.epub)):
        assert (check.tool, check.errors, check.warnings) == (check.tool, [], [])


def test_nu_html_checker_reports_nothing(scholarly: Editions) -> None:
    check = nu(scholarly.html)
    assert (check.errors, check.warnings) == ([], [])


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=lambda screen: screen.name)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_no_violations(browser: Browser, scholarly: Editions, screen: Screen, theme: Theme) -> None:
    page = open_page(browser, scholarly.html, screen, theme)
    assert axe_violations(page) == []
    page.close()


# The web page in a real browser


@pytest.mark.parametrize("screen", WIDTHS, ids=lambda screen: str(screen.width))
def test_wide_code_and_tables_scroll_in_their_own_box_never_the_page(
    browser: Browser, scholarly: Editions, screen: Screen
) -> None:
    page = open_page(browser, scholarly.html, screen, "light")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    code = page.locator("pre.numberSource")
    assert code.evaluate("block => block.scrollWidth > block.clientWidth"), "the long line scrolls in its block"
    assert code.evaluate("block => getComputedStyle(block).overflowX") == "auto"
    if screen.width == 320:
        wide = page.locator("#tbl-wide .table-scroll")
        assert wide.evaluate("box => box.scrollWidth > box.clientWidth"), "the wide table scrolls in its box"
        assert wide.get_attribute("tabindex") == "0" and wide.get_attribute("role") == "region"
        formula = page.locator(".display-formula", has_text="a9").first
        assert formula.evaluate("box => box.scrollWidth > box.clientWidth"), "the long formula scrolls in its box"
        assert formula.get_attribute("tabindex") == "0"
    page.close()


def test_numbered_equations_carry_their_number_at_the_right_margin(browser: Browser, scholarly: Editions) -> None:
    page = open_page(browser, scholarly.html, DESKTOP, "light")
    boxes = page.evaluate(
        """[...document.querySelectorAll('.equation')].map(equation => {
             const box = equation.getBoundingClientRect();
             const number = equation.querySelector('.equation-number').getBoundingClientRect();
             const formula = equation.querySelector('math').getBoundingClientRect();
             return {right: box.right, numberRight: number.right, formulaLeft: formula.left,
                     formulaRight: formula.right, numberLeft: number.left, left: box.left};
           })"""
    )
    page.close()
    assert len(boxes) == 3  # two in pandoc-crossref's spelling, one in bookdown's
    for box in boxes:
        assert abs(box["numberRight"] - box["right"]) < 2
        middle, formula_middle = (box["left"] + box["right"]) / 2, (box["formulaLeft"] + box["formulaRight"]) / 2
        assert abs(formula_middle - middle) < 2, "the formula is centred on the column"


def test_the_small_caps_lead_in_leaves_code_and_formulas_alone(browser: Browser, scholarly: Editions) -> None:
    page = open_page(browser, scholarly.html, DESKTOP, "light")
    first = page.locator(".body-text p").first
    assert first.locator("code").evaluate("code => getComputedStyle(code).fontVariantCaps") == "normal"
    assert first.locator("math").first.evaluate("math => getComputedStyle(math).fontVariantCaps") == "normal"
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.body-text p'), '::first-line').fontVariantCaps")
        == "small-caps"
    )
    page.close()


def test_highlighted_code_is_coloured_and_numbered(browser: Browser, scholarly: Editions) -> None:
    page = open_page(browser, scholarly.html, DESKTOP, "light")
    keyword = page.locator("pre code span.kw").first
    plain = page.locator("pre code").first
    assert keyword.evaluate("span => getComputedStyle(span).color") != plain.evaluate(
        "code => getComputedStyle(code).color"
    )
    numbers = page.evaluate(
        """[...document.querySelectorAll('pre.numberSource code > span > a:first-child')]
             .map(anchor => getComputedStyle(anchor, '::before').content)"""
    )
    page.close()
    assert len(numbers) == 5 and all(content not in ("none", "normal", "") for content in numbers)


def test_a_formula_in_a_heading_reaches_the_epubs_contents_without_its_tex(scholarly: Editions) -> None:
    nav = next(tree for name, tree in epub_documents(scholarly.epub).items() if name.endswith("nav.xhtml"))
    entries = [normalise(text_of(link)) for link in nav.iter("{*}a")]
    assert "3 Code for ekt" in entries


def test_the_linked_image_is_a_figure(scholarly: Editions) -> None:
    figure = html_tree(scholarly.html).xpath("//figure[.//a[@href='https://example.org/chart']]")
    assert figure and figure[0].find("figcaption") is not None


def test_the_inline_icon_keeps_its_width_in_every_edition(scholarly: Editions) -> None:
    icon = html_tree(scholarly.html).xpath("//img[@alt='A green dot']")[0]
    assert "width: 24px" in icon.get("style")
    text = next(tree for name, tree in epub_documents(scholarly.epub).items() if name.endswith("text.xhtml"))
    assert "width: 24px" in attribute(xpath_elements(text, "//*[local-name()='img'][@alt='A green dot']")[0], "style")


def test_captions_and_numbers_in_the_pdf_text(scholarly: Editions) -> None:
    text = normalise(" ".join(pdf_pages(scholarly.pdf)))
    assert re.search(r"\(1\)\s", text) and "(2)" in text


def test_the_web_page_sets_formulas_in_the_print_editions_math_font(browser: Browser, scholarly: Editions) -> None:
    page = open_page(browser, scholarly.html, DESKTOP, "light")
    assert page.evaluate("document.fonts.check('1em \"Press Math\"', '\\u2211\\u221a')")
    family = page.locator("math").first.evaluate("math => getComputedStyle(math).fontFamily")
    page.close()
    assert family.startswith('"Press Math"')
    assert "Set in Linux Libertine and STIX Two Math." in shown_text(html_tree(scholarly.html))


def test_the_check_reports_every_unknown_reference_and_formula_at_once(tmp_path: Path) -> None:
    manuscript = tmp_path / "draft.md"
    manuscript.write_text(
        "---\ntitle: T\nauthor: A\nlang: en\n---\n\n![Map](map.png){#fig:map}\n\n"
        "See @fig:mpa and $\\frac{1$ and @tbl:none.\n",
        encoding="utf-8",
    )
    (tmp_path / "map.png").write_bytes((SCHOLARLY.parent / "images" / "icon.png").read_bytes())
    run = build("check", "--manuscript", manuscript)
    assert run.returncode != 0
    lines = [Path(line).name for line in (run.stdout + run.stderr).splitlines() if ": error: " in line]
    assert lines == [
        "draft.md:9:5: error: unknown cross-reference '@fig:mpa'; did you mean @fig:map?",
        "draft.md:9:32: error: unknown cross-reference '@tbl:none'",
        "draft.md:9:19: error: cannot typeset the formula $\\frac{1$: unexpected eof",
    ]
