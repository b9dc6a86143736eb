"""The limits on their own: YAML aliases, image headers, file sizes, stage budgets."""

from __future__ import annotations

import contextlib
import io
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageFile

from press import limits
from press.errors import Location, PressError

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_billion_laughs_fail_fast_naming_the_line() -> None:
    started = time.perf_counter()
    with pytest.raises(limits.YAMLLimitError) as raised:
        limits.parse_yaml("title: x\n" + LAUGHS)
    assert time.perf_counter() - started < 1
    assert raised.value.problem_mark is not None and raised.value.problem_mark.line == 5  # e: the first too large
    assert "aliases expand to more than 10,000 values" in str(raised.value.problem)


def test_shared_aliases_within_the_limit_are_fine() -> None:
    node, values = limits.parse_yaml("base: &b {name: x}\nitems: [*b, *b, *b]\n")
    assert node is not None and values["items"][2] == {"name": "x"}


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(limits.YAMLLimitError, match="refers to the value that holds it"):
        limits.parse_yaml("a: &a [1, *a]\n")


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(yaml.MarkedYAMLError, match="nested more than"):
        limits.parse_yaml("a: " + "[" * 150 + "]" * 150 + "\n")


def test_a_project_file_between_yaml_markers_is_read(tmp_path: Path) -> None:
    """_quarto.yml, _bookdown.yml, _variables.yml written as a YAML block, `---` above and below."""
    (tmp_path / "_variables.yml").write_text("---\nversion: 2\n---\n", encoding="utf-8")
    assert limits.yaml_file_values(tmp_path / "_variables.yml") == {"version": 2}
    with pytest.raises(PressError, match="a second YAML document") as raised:
        (tmp_path / "_variables.yml").write_text("---\nversion: 2\n---\nmore: 3\n", encoding="utf-8")
        limits.yaml_file_values(tmp_path / "_variables.yml")
    assert raised.value.location == Location(tmp_path / "_variables.yml", 4)


def test_a_yaml_block_in_the_body_is_checked(tmp_path: Path) -> None:
    text = "---\ntitle: x\n---\n\nText.\n\n---\n" + LAUGHS + "...\n\nMore text.\n\n---\n\nA rule above.\n"
    with pytest.raises(PressError) as raised:
        limits.check_metadata_blocks(text, tmp_path / "book.md")
    assert raised.value.location == Location(tmp_path / "book.md", 12)


def test_a_yaml_bibliography_is_checked(tmp_path: Path) -> None:
    bibliography = tmp_path / "refs.yaml"
    bibliography.write_text("references:\n- id: x\n  title: t\n" + LAUGHS, encoding="utf-8")
    with pytest.raises(PressError, match="the bibliography is refused: its aliases"):
        limits.check_yaml_file(bibliography)


def png(path: Path, width: int, height: int) -> Path:
    Image.new("1", (width, height)).save(path)
    return path


def test_an_image_beyond_the_pixel_limit_is_refused_from_its_header(tmp_path: Path) -> None:
    image = png(tmp_path / "big.png", 8000, 7000)
    where = Location(tmp_path / "book.md", 3)
    with pytest.raises(PressError) as raised:
        limits.read_image_header(image, where, limits.ImageLimits())
    assert str(raised.value).endswith(
        "image big.png has 8,000 × 7,000 pixels; images of more than 50,000,000 pixels are refused"
        " (raise the limit with 'max-image-pixels' in the front matter)"
    )
    assert raised.value.location == where
    assert limits.read_image_header(image, where, limits.ImageLimits(pixels=60_000_000)) == ("PNG", 8000, 7000)


def test_a_file_beyond_the_byte_limit_is_refused(tmp_path: Path) -> None:
    image = png(tmp_path / "small.png", 10, 10)
    with pytest.raises(PressError, match="files of more than"):
        limits.read_image_header(image, Location(image), limits.ImageLimits(bytes=10))


def test_an_unreadable_image_is_one_line(tmp_path: Path) -> None:
    image = tmp_path / "broken.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    with pytest.raises(PressError, match=r"image broken\.png is not a readable image file"):
        limits.read_image_header(image, Location(image), limits.ImageLimits())


@pytest.mark.parametrize("lenient", [False, True])
def test_a_damaged_image_is_one_line(tmp_path: Path, lenient: bool) -> None:
    image = png(tmp_path / "cut.png", 300, 300)
    image.write_bytes(image.read_bytes()[:-40])
    before, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, lenient  # as WeasyPrint sets it
    try:
        with pytest.raises(PressError, match=r"image cut\.png cannot be decoded: the file is damaged or truncated"):
            limits.read_image_header(image, Location(image), limits.ImageLimits())
        assert ImageFile.LOAD_TRUNCATED_IMAGES is lenient
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def test_inline_image_problems() -> None:
    assert limits.inline_image_problem(b"not an image", limits.ImageLimits()) == "not a readable image"
    tiny = limits.ImageLimits(pixels=10)
    buffer = io.BytesIO()
    Image.new("1", (5, 5)).save(buffer, format="PNG")
    assert limits.inline_image_problem(buffer.getvalue(), tiny) == "5 × 5 pixels"
    assert limits.inline_image_problem(buffer.getvalue(), limits.ImageLimits()) is None


def test_image_limits_from_the_front_matter() -> None:
    found = limits.image_limits(
        {"max-image-pixels": 80_000_000, "max-image-megabytes": 60}, lambda key: Location(Path("b.md"))
    )
    assert found == limits.ImageLimits(pixels=80_000_000, bytes=60_000_000)
    with pytest.raises(PressError, match="'max-image-pixels' must be a positive number"):
        limits.image_limits({"max-image-pixels": "many"}, lambda key: Location(Path("b.md"), 7))


def test_check_inside(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")
    (folder / "link.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(PressError, match="lies outside the manuscript's folder"):
        limits.check_inside(folder / "link.png", folder, "image", Location(folder))
    with pytest.raises(PressError, match="lies outside"):
        limits.check_inside(folder / ".." / "secret.png", folder, "image", Location(folder))


@pytest.fixture
def budget() -> Iterator[None]:
    with limits.stage_budget(0.2):
        yield


def test_a_stage_past_its_budget_stops_naming_the_stage(budget: None) -> None:
    with pytest.raises(limits.StageTimeoutError) as raised, limits.stage("the print layout", Location(Path("b.md"))):
        time.sleep(5)
    assert str(raised.value) == (
        "b.md: error: the print layout took longer than its budget of 0.2 s (--timeout); the build was stopped"
    )


def test_a_swallowed_stop_comes_again(budget: None) -> None:
    started = time.perf_counter()
    with pytest.raises(limits.StageTimeoutError), limits.stage("layout"):
        with contextlib.suppress(Exception):  # as a library that swallows every exception would
            time.sleep(5)
        time.sleep(5)
    assert time.perf_counter() - started < 2


def test_a_stage_within_its_budget_leaves_no_timer(budget: None) -> None:
    with limits.stage("quick"):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_subprocess_gets_what_is_left(budget: None) -> None:
    with limits.stage("Pandoc"):
        left = limits.remaining()
    assert left is not None and 0 < left <= 0.2


def test_no_budget_by_default() -> None:
    assert limits.stage_timeout() is None and limits.remaining() is None


def test_the_front_matter_knows_the_limit_keys(tmp_path: Path) -> None:
    from press.errors import Reporter
    from press.metadata import load_metadata, read_manuscript

    manuscript = tmp_path / "book.md"
    manuscript.write_text(
        "---\ntitle: T\nauthor: A\nlang: en\nmax-image-pixels: 80000000\nmax-image-megabytes: 40\n---\n\nText.\n",
        encoding="utf-8",
    )
    metadata = load_metadata(read_manuscript(manuscript), Reporter())
    assert metadata.location("max-image-pixels").line == 5


def test_a_stop_a_library_turned_into_another_error_is_still_a_stop(budget: None) -> None:
    with pytest.raises(limits.StageTimeoutError), limits.stage("Pandoc"):
        try:
            time.sleep(5)
        except limits.StageTimeoutError:
            raise OSError("No pandoc was found") from None  # as pypandoc does
