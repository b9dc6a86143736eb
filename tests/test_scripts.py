"""Every script on the page: fonts for each script in every edition, a missing glyph an error,
the words around the text in the manuscript's language.

The fixtures hold short passages in Chinese (Simplified and Traditional),
Japanese, Korean, Arabic, Hebrew, Hindi, Thai, Armenian, Georgian, Russian,
polytonic Greek, Vietnamese and symbols, each marked with its language; one
Chinese, one Japanese, one Russian and one right-to-left (Hebrew and Arabic) manuscript.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from press.validate import epubcheck, notdef_glyphs
from tests.conftest import FIXTURES, ROOT, Editions, build, build_editions
from tests.readback import epub_documents, html_tree, letters, normalise, pdf_pages, remove_keeping_tail, text_of

SCRIPTS = FIXTURES / "scripts" / "scripts.md"
CHINESE = FIXTURES / "chinese" / "chinese.md"
JAPANESE = FIXTURES / "japanese" / "japanese.md"
RTL = FIXTURES / "rtl" / "rtl.md"
RUSSIAN = FIXTURES / "russian" / "russian.md"
MISSING = FIXTURES / "missing-glyph" / "missing-glyph.md"
ALLOWED = FIXTURES / "missing-glyph" / "allowed.md"
#: Marked passages of the multi-script fixture: [text]{lang=xx ...}.
PASSAGE = re.compile(r"\[([^\]]+)\]\{lang=([A-Za-z-]+)")
#: pdfium (pypdfium2 5.15) leaves in visual order, unreversed, a right-to-left word whose leftmost
#: glyphs carry an ActualText sequence (press/patches/textmap.py): الكتاب, whose last letter is drawn
#: as a skeleton and its dot, reads back as باتكلا. The PDF's own text is right
#: (tests/unit/test_textmap.py reads it cluster by cluster).
READ_OUT_OF_ORDER_BY_PDFIUM = {"ar"}


@pytest.fixture(scope="module")
def scripts_editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return build_editions(SCRIPTS, tmp_path_factory.mktemp("scripts"))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("script-pdfs")
    built = {}
    for manuscript in (CHINESE, JAPANESE):
        run = build("pdf", "--manuscript", manuscript, "--out", out, "-q")
        assert run.returncode == 0, run.stderr
        assert "warning" not in run.stderr.lower(), run.stderr
        built[manuscript.stem] = out / f"{manuscript.stem}.pdf"
    return built


def _fonts(pdf: Path) -> set[str]:
    with pikepdf.open(pdf) as document:
        return {
            str(font.BaseFont).split("+", 1)[1]
            for page in document.pages
            for font in page.Resources.get("/Font", {}).values()
        }


@pytest.fixture(scope="module")
def rtl_editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return build_editions(RTL, tmp_path_factory.mktemp("rtl"))


def test_no_glyph_is_missing_in_any_script(
    scripts_editions: Editions, pdfs: dict[str, Path], rtl_editions: Editions
) -> None:
    for pdf in (scripts_editions.pdf, *pdfs.values(), rtl_editions.pdf):
        with pikepdf.open(pdf) as document:
            assert notdef_glyphs(document) == [], pdf.name


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        pytest.param(
            text,
            lang,
            id=lang,
            marks=[pytest.mark.xfail(reason="pdfium reads some right-to-left words backwards", strict=True)]
            if lang in READ_OUT_OF_ORDER_BY_PDFIUM
            else [],
        )
        for text, lang in PASSAGE.findall(SCRIPTS.read_text(encoding="utf-8"))
    ],
)
def test_each_script_reads_back_from_the_pdf(scripts_editions: Editions, text: str, lang: str) -> None:
    assert letters(text) in letters("".join(pdf_pages(scripts_editions.pdf)))


def written_letters(text: str) -> str:
    """Letters, marks and digits alone: a reader that keeps a right-to-left line's punctuation and
    direction marks where they are drawn (poppler) still gives its words in their order."""
    return "".join(
        character for character in unicodedata.normalize("NFC", text) if unicodedata.category(character)[0] in "LMN"
    )


@pytest.mark.parametrize(("text", "lang"), PASSAGE.findall(SCRIPTS.read_text(encoding="utf-8")))
def test_each_script_reads_back_with_poppler_too(scripts_editions: Editions, text: str, lang: str) -> None:
    """poppler's pdftotext, the reader of most Linux viewers, reads every script back, Arabic included."""
    read = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(scripts_editions.pdf), "-"], capture_output=True, check=True, timeout=120
    ).stdout.decode("utf-8")
    assert written_letters(text) in written_letters(read)


def test_symbols_and_emoji_read_back(scripts_editions: Editions) -> None:
    assert letters("⌘ ♞ ⚖ ⏳ 🜁 and an emoji 🙂") in letters("".join(pdf_pages(scripts_editions.pdf)))


def test_every_script_has_its_own_face(scripts_editions: Editions) -> None:
    families = {re.sub(r"-[^-]+$", "", name) for name in _fonts(scripts_editions.pdf) if name.startswith("Press-")}
    for family in ("SC", "TC", "JP", "Arabic", "Devanagari", "Thai", "Armenian", "Georgian", "Symbols", "Emoji"):
        assert f"Press-{family}" in families, families


def test_japanese_kanji_are_set_in_the_japanese_face(pdfs: dict[str, Path]) -> None:
    """Han shared with Chinese is drawn by the Japanese face in a Japanese text."""
    families = {name.rsplit("-", 1)[0] for name in _fonts(pdfs["japanese"])}
    assert "Press-JP" in families
    assert not families & {"Press-SC", "Press-TC", "Press-KR"}
    assert letters("直線、骨格、複雑な漢字も") in letters("".join(pdf_pages(pdfs["japanese"])))


def test_chinese_lines_break_and_stay_inside_the_text_block(pdfs: dict[str, Path]) -> None:
    document = pypdfium2.PdfDocument(str(pdfs["chinese"]))
    try:
        for page in document:
            width, _ = page.get_size()
            text = page.get_textpage()
            boxes = [text.get_charbox(index) for index in range(text.count_chars())]
            drawn = [box for box in boxes if box[2] > box[0]]
            assert max(box[2] for box in drawn) <= width - 70  # the right margin is 28 mm (79 pt)
            lines = {round(box[1]) for box in drawn}
            assert len(lines) > 10
    finally:
        document.close()
    assert letters("中文没有用空格分隔词语") in letters("".join(pdf_pages(pdfs["chinese"])))


def test_chinese_headings_are_set_in_the_bold_weight(pdfs: dict[str, Path]) -> None:
    fonts = _fonts(pdfs["chinese"])
    assert any(name.startswith("Press-SC-") and name.endswith("-Bold") for name in fonts), fonts


def test_a_missing_glyph_stops_the_build_with_its_place(tmp_path: Path) -> None:
    run = build("pdf", "--manuscript", MISSING, "--out", tmp_path)
    assert run.returncode == 1
    assert (
        "tests/fixtures/missing-glyph/missing-glyph.md:9:14: error: no font of the print edition has '𐀀'"
        " (U+10000 LINEAR B SYLLABLE B008 A)" in run.stderr
    )
    assert not (tmp_path / "missing-glyph.pdf").exists()
    check = build("check", "--manuscript", MISSING, "--out", tmp_path)
    assert check.returncode == 1
    assert "missing-glyph.md:9:14: error: no font of the print edition has '𐀀'" in check.stderr


def test_the_author_may_allow_a_missing_glyph(tmp_path: Path) -> None:
    run = build("pdf", "--manuscript", ALLOWED, "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    assert "allowed.md:10:14: warning: no font of the print edition has '𐀀'" in run.stderr


def test_the_authors_own_font_covers_a_character(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    font = (
        FIXTURES.parent.parent
        / "node_modules/@fontsource/noto-sans-symbols/files/noto-sans-symbols-symbols-400-normal.woff2"
    )
    shutil.copy(font, folder / "mine.woff2")
    manuscript = folder / "book.md"
    text = MISSING.read_text(encoding="utf-8").replace("𐀀", "⏣")
    manuscript.write_text(text.replace("lang: en\n", "lang: en\nfonts: [mine.woff2]\n"), encoding="utf-8")
    run = build("pdf", "--manuscript", manuscript, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert any(name.startswith("Press-Author-1") for name in _fonts(tmp_path / "out" / "book.pdf"))
    outside = manuscript.read_text(encoding="utf-8").replace("[mine.woff2]", "[../elsewhere.woff2]")
    manuscript.write_text(outside, encoding="utf-8")
    refused = build("pdf", "--manuscript", manuscript, "--out", tmp_path / "out")
    assert refused.returncode == 1
    assert "book.md:5: error: font '../elsewhere.woff2' is outside the manuscript's folder" in refused.stderr


def test_the_web_page_draws_every_character_with_its_embedded_fonts(scripts_editions: Editions) -> None:
    """Chromium's own account of the fonts it drew each element's text with: only the
    page's embedded fonts (the machine has none for these scripts, and no other font
    stands in for a character they lack)."""
    completed = subprocess.run(
        [sys.executable, "-m", "tests.fontprobe", str(scripts_editions.html), "main p, main h2, span[lang]"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    elements = json.loads(completed.stdout)
    assert len(elements) > 20
    for element in elements:
        assert [font["familyName"] for font in element["fonts"] if not font["isCustomFont"]] == [], element["html"]
    japanese = next(element for element in elements if 'lang="ja"' in element["html"])
    assert [font["familyName"] for font in japanese["fonts"]] == ["Press JP"]


def test_epubcheck_is_clean_with_fonts_embedded_and_right_to_left(
    scripts_editions: Editions, rtl_editions: Editions
) -> None:
    with ThreadPoolExecutor() as pool:
        checks = list(pool.map(epubcheck, (scripts_editions.epub, rtl_editions.epub)))
    assert [(check.errors, check.warnings) for check in checks] == [([], []), ([], [])]


def test_the_epub_carries_subsets_for_its_scripts(scripts_editions: Editions) -> None:
    with zipfile.ZipFile(scripts_editions.epub) as book:
        names = book.namelist()
        package = book.read("EPUB/content.opf").decode("utf-8")
        css = book.read("EPUB/css/epub.css").decode("utf-8")
    fonts = [name.removeprefix("EPUB/") for name in names if name.startswith("EPUB/fonts/")]
    assert {re.sub(r"-\d+\.woff2$", "", name) for name in fonts} >= {"fonts/press-jp", "fonts/press-arabic"}
    for name in fonts:
        assert re.search(f'<item href="{re.escape(name)}" id="font\\d+" media-type="font/woff2"/>', package)
        assert f'url("../{name}")' in css
    assert ':lang(ja) { --press-scripts: "Press Korean", "Press JP"' in css


def test_a_right_to_left_document_is_marked_in_every_edition(rtl_editions: Editions) -> None:
    assert '<html lang="he" dir="rtl">' in rtl_editions.html.read_text(encoding="utf-8")
    with zipfile.ZipFile(rtl_editions.epub) as book:
        package = book.read("EPUB/content.opf").decode("utf-8")
        text = book.read("EPUB/text.xhtml").decode("utf-8")
    assert re.search(r'<spine [^>]*page-progression-direction="rtl"', package)
    assert re.search(r'<html [^>]*xml:lang="he" dir="rtl">', text)


def test_code_reads_left_to_right_in_a_right_to_left_document(rtl_editions: Editions) -> None:
    page = html_tree(rtl_editions.html)
    assert [element.get("dir") for element in page.iter("pre", "code")] == ["ltr", "ltr", "ltr"]
    with zipfile.ZipFile(rtl_editions.epub) as book:
        text = book.read("EPUB/text.xhtml").decode("utf-8")
    assert re.search(r'<pre [^>]*dir="ltr"', text)
    assert "<!DOCTYPE html>" in "".join(pdf_pages(rtl_editions.pdf)), "not <html DOCTYPE!>"


def test_right_to_left_pages_are_mirrored(rtl_editions: Editions) -> None:
    """The running title stands on the right, the author on the left; text ends at the right margin."""
    document = pypdfium2.PdfDocument(str(rtl_editions.pdf))
    try:
        assert len(document) >= 2
        page = document[1]
        width, height = page.get_size()
        text = page.get_textpage()
        heads = {
            text.get_text_range(index, 1): text.get_charbox(index)
            for index in range(text.count_chars())
            if text.get_charbox(index)[1] > height - 60
        }
        assert heads["ס"][0] > width / 2  # from the title, הספר והדף
        assert heads["נ"][2] < width / 2  # from the author, דנה כהן
        first = document[0].get_textpage()
        boxes = [first.get_charbox(index) for index in range(first.count_chars())]
        assert max(box[2] for box in boxes) > width - 90  # lines start at the right margin
    finally:
        document.close()


def test_mixed_direction_text_reads_in_order(rtl_editions: Editions) -> None:
    """An English phrase inside Hebrew reads left to right, and the Hebrew around it right to left:
    on the line, "Press" stands left of "WeasyPrint", both left of the Hebrew word before them."""
    document = pypdfium2.PdfDocument(str(rtl_editions.pdf))
    try:
        text = document[0].get_textpage()

        def left_edge(word: str) -> float:
            searcher = text.search(word)
            found = searcher.get_next()
            assert found is not None, word
            return float(text.get_charbox(found[0])[0])

        assert left_edge("Press") < left_edge("WeasyPrint") < left_edge("באנגלית")
    finally:
        document.close()
    assert letters("ספר טוב נקרא בקלות מימין לשמאל.") in letters("".join(pdf_pages(rtl_editions.pdf)))


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Editions]:
    """The Russian and the Chinese manuscript in every edition, their notes as endnotes (the
    Russian one asks for them) so that the PDF has a heading for them too."""
    out = tmp_path_factory.mktemp("labels")
    built = {}
    for manuscript in (RUSSIAN, CHINESE):
        run = build("all", "--manuscript", manuscript, "--out", out, "--notes", "endnotes", "-q")
        assert run.returncode == 0, run.stderr
        assert "warning" not in run.stderr.lower(), run.stderr
        name = manuscript.stem
        built[name] = Editions(out / f"{name}.pdf", out / f"{name}.epub", out / f"{name}.html")
    return built


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("russian", ("Текст: Анна Петрова и Иван Смирнов", "Примечания", "Выходные данные", "Содержание", "Обложка")),
        ("chinese", ("王小明 著", "注释", "版权信息", "《排版与字形》，王小明 著。", "封面")),
    ],
)
def test_the_words_around_the_text_are_in_the_manuscript_s_language(
    labelled: dict[str, Editions], name: str, words: tuple[str, ...]
) -> None:
    """Byline, notes and colophon in every edition; the contents heading or the colophon's first line in the EPUB."""
    editions = labelled[name]
    page = html_tree(editions.html)
    for code in page.xpath("//script | //style"):
        remove_keeping_tail(code)
    texts = {
        "html": normalise(text_of(page)),
        "epub": " ".join(normalise(text_of(document)) for document in epub_documents(editions.epub).values()),
        "pdf": normalise(" ".join(pdf_pages(editions.pdf))),
    }
    for edition, text in texts.items():
        for word in words[:3]:
            assert word in text, (edition, word)
        for english in ("By ", "Notes", "Colophon"):
            assert english not in text, (edition, english)
    assert words[3] in texts["epub"]
    titles = {name: document.findtext("{*}head/{*}title") for name, document in epub_documents(editions.epub).items()}
    assert titles["EPUB/cover.xhtml"] == words[4]


def test_a_chinese_book_of_chapters_draws_every_character_bold_or_not(tmp_path: Path) -> None:
    """Each chapter laid out alone is given the faces for its own characters; the characters the house style
    sets in bold (a definition's term, a callout's title) have the bold face; and WeasyPrint drawing an empty
    box anyway would stop the build."""
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "book.yaml").write_text(
        "title: 测试\nauthor: 某人\nlang: zh-CN\nchapters: [01-one.md, 02-two.md]\n", encoding="utf-8"
    )
    (folder / "01-one.md").write_text("# 第一章\n\n天地玄黄，宇宙洪荒。\n\n明日\n: 晴\n", encoding="utf-8")
    (folder / "02-two.md").write_text(
        "# 第二章\n\n寒来暑往，秋收冬藏。\n\n::: {.callout-note}\n## 注意事项\n律吕调阳。\n:::\n", encoding="utf-8"
    )
    run = build("pdf", folder, "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    assert ".notdef" not in run.stderr and "empty box" not in run.stderr, run.stderr
    pdf = tmp_path / "out" / "book.pdf"
    with pikepdf.open(pdf) as document:
        assert notdef_glyphs(document) == []
    text = letters("".join(pdf_pages(pdf)))
    for written in ("天地玄黄，宇宙洪荒。", "明日", "寒来暑往，秋收冬藏。", "注意事项", "律吕调阳。"):
        assert letters(written) in text


def test_a_chinese_books_running_heads_are_drawn_and_a_break_before_a_chapter_adds_no_page(tmp_path: Path) -> None:
    """A chapter longer than a page has its title in the running heads, which the book's frame draws: the frame,
    its headings empty, was given no font for them, and every Chinese book of more than a page stopped with
    empty boxes. A `\\cleardoublepage` before the next chapter's heading made an empty chapter of its own."""
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "book.yaml").write_text(
        "title: 测试\nauthor: 某人\nlang: zh-CN\nchapters: [01-one.md, 02-two.md]\n", encoding="utf-8"
    )
    paragraph = "天地玄黄，宇宙洪荒。日月盈昃，辰宿列张。寒来暑往，秋收冬藏。闰余成岁，律吕调阳。" * 4
    (folder / "01-one.md").write_text("# 白苹风末\n\n" + f"{paragraph}\n\n" * 30, encoding="utf-8")
    (folder / "02-two.md").write_text("\\cleardoublepage\n\n# 余音绕梁\n\n呐。\n", encoding="utf-8")
    run = build("pdf", folder, "--out", tmp_path / "out", "-q")
    assert run.returncode == 0, run.stderr
    pages = pdf_pages(tmp_path / "out" / "book.pdf")
    chapter = [page for page in pages if letters(paragraph[:10]) in letters(page)]
    assert len(chapter) >= 3 and any(letters("白苹风末") in letters(page) for page in chapter[1:]), "a running head"
    second = next(number for number, page in enumerate(pages) if letters("余音绕梁") in letters(page) and "呐" in page)
    last = max(number for number, page in enumerate(pages) if letters(paragraph[:10]) in letters(page))
    gap = pages[last + 1 : second]
    assert len(gap) <= 1 and all(letters(page) == "" for page in gap), "at most a blank verso before the chapter"


def test_a_character_drawn_as_an_empty_box_stops_the_build(tmp_path: Path) -> None:
    """A character the checks of the text cannot see (a title's stylesheet asks for square bullets, which the
    text face lacks): WeasyPrint's empty box is an error, the earlier PDF kept."""
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "print.css").write_text("ul { list-style-type: square; }\n", encoding="utf-8")
    manuscript = tmp_path / "squares.md"
    manuscript.write_text("---\ntitle: Squares\nauthor: A\nlang: en\n---\n\n- one\n", encoding="utf-8")
    run = build("pdf", "--manuscript", manuscript, "--out", tmp_path / "out")
    assert run.returncode == 1
    assert (
        "squares.md: error: the print edition set '▪' (U+25AA BLACK SMALL SQUARE) as an empty box:"
        " no font it was given has it" in run.stderr
    )
    assert not (tmp_path / "out" / "squares.pdf").exists()
    manuscript.write_text(
        manuscript.read_text(encoding="utf-8").replace("lang: en", "lang: en\nallow-missing-glyphs: true")
    )
    allowed = build("pdf", "--manuscript", manuscript, "--out", tmp_path / "out")
    assert allowed.returncode == 0 and "as an empty box: no font it was given has it (allowed by" in allowed.stderr
