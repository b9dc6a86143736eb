"""Bounded work for any input: sizes of files, YAML aliases, image headers, time per stage.

A manuscript from a stranger must not make a build run for hours or fill the
memory. Every limit below is checked before the work it bounds, and each
failure is one line naming the file (and the line where there is one).

| limit | default | raised by |
| --- | --- | --- |
| manuscript file | 10 MB | — |
| bibliography file | 50 MB | — |
| citation style file | 5 MB | — |
| image file | 30 MB | front matter `max-image-megabytes` |
| image size | 50 megapixels | front matter `max-image-pixels` |
| front matter (and a YAML bibliography) | 10,000 values once aliases are expanded, 100 levels deep | — |
| each stage of a build | none | `set_stage_timeout` (the command line's `--timeout`) |
"""

from __future__ import annotations

import io
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import yaml
from PIL import Image, ImageFile, UnidentifiedImageError

from .errors import Location, PressError

MEGABYTE = 1_000_000
MANUSCRIPT_BYTES = 10 * MEGABYTE
BIBLIOGRAPHY_BYTES = 50 * MEGABYTE
STYLE_BYTES = 5 * MEGABYTE
IMAGE_BYTES = 30 * MEGABYTE
IMAGE_PIXELS = 50_000_000
#: The front-matter keys that raise the image limits, with what they hold (for the front matter's schema).
MAX_IMAGE_PIXELS_KEY = "max-image-pixels"
MAX_IMAGE_MEGABYTES_KEY = "max-image-megabytes"
FRONT_MATTER_FIELDS = {
    MAX_IMAGE_PIXELS_KEY: f"the largest image, in pixels (default {IMAGE_PIXELS:,}): width times height",
    MAX_IMAGE_MEGABYTES_KEY: f"the largest image file, in megabytes (default {IMAGE_BYTES // MEGABYTE})",
}
#: Values a YAML document may hold once its aliases are expanded, and how deeply they may nest.
YAML_VALUES = 10_000
YAML_DEPTH = 100
#: Pandoc's heap, at most: enough for a long book, far from the machine's memory.
PANDOC_HEAP = "2G"
PANDOC_RTS = ("+RTS", f"-M{PANDOC_HEAP}", "-RTS")
#: What Pandoc says when it reaches that limit.
PANDOC_OUT_OF_MEMORY = "Heap exhausted"
#: After a stage's budget is spent, the stop is repeated this often (seconds) until the stage gives up:
#: a library that catches every exception cannot swallow it for good.
TIMEOUT_REPEAT = 0.25


# Files


def check_file_size(path: Path, limit: int, what: str, location: Location | None = None) -> None:
    """Refuse a file larger than `limit` bytes before anything reads it."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # a missing file is reported by whoever reads it, in its own words
    if size > limit:
        raise PressError(
            f"the {what} {path.name} is {_megabytes(size)}; files of more than {_megabytes(limit)} are refused",
            location or Location(path),
        )


def check_inside(path: Path, folder: Path, what: str, location: Location) -> None:
    """Refuse a file that lies outside the manuscript's folder, through `..` or a symbolic link."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise PressError(
            f"the {what} {path.name} lies outside the manuscript's folder; builds read only files inside it",
            location,
        )


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB" if size < 10 * MEGABYTE else f"{size // MEGABYTE} MB"


# YAML


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing documents whose aliases expand beyond the limits.

    PyYAML shares an aliased node rather than copying it, so composing is cheap;
    but every reader of the values (ours, and Pandoc's, which copies them) walks
    the expanded tree: nine nested aliases of nine make 387 million values.
    """

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None:
            expanded_size(node)
        return node


def expanded_size(node: yaml.Node) -> int:
    """How many values a node holds once its aliases are expanded; raises YAMLLimitError past the limits."""
    sizes: dict[int, int] = {}
    # Depth-first without recursion: (node, depth, whether its children are counted).
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 1, False)]
    open_nodes: set[int] = set()
    while stack:
        current, depth, children_counted = stack.pop()
        key = id(current)
        if children_counted:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(current))
            if sizes[key] > YAML_VALUES:
                raise YAMLLimitError(f"its aliases expand to more than {YAML_VALUES:,} values", current.start_mark)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YAMLLimitError("an alias refers to the value that holds it", current.start_mark)
        if depth > YAML_DEPTH:
            raise YAMLLimitError(f"values are nested more than {YAML_DEPTH} levels deep", current.start_mark)
        open_nodes.add(key)
        stack.append((current, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(current) if id(child) not in sizes)
    return sizes[id(node)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    return []


class YAMLLimitError(yaml.MarkedYAMLError):
    """A YAML document beyond the limits, with the place it goes beyond them."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """A YAML document's node graph (for the lines of its keys) and its values, within the limits.

    The document may stand between YAML's markers, `---` before it and `---` or `...` after it, as
    Pandoc's metadata files are often written; a second document after it that holds anything is
    refused, for Pandoc would read the first alone.

    Raises a yaml.MarkedYAMLError (YAMLLimitError beyond the limits) with the place of the problem.
    """
    loader = _BoundedLoader(text)
    try:
        node = loader.get_node() if loader.check_node() else None
        values = loader.construct_document(node) if node is not None else None
        while loader.check_node():
            after = loader.get_node()
            if after is not None and not _is_empty_document(after):
                raise yaml.composer.ComposerError(
                    problem="a second YAML document starts here, after the closing '---' of the first;"
                    " Pandoc reads the first alone",
                    problem_mark=after.start_mark,
                )
        return node, values
    except RecursionError:
        raise YAMLLimitError(f"values are nested more than {YAML_DEPTH} levels deep", None) from None
    finally:
        loader.dispose()


def _is_empty_document(node: yaml.Node) -> bool:
    """Whether a document holds nothing: what a closing `---` starts."""
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not node.value


def yaml_file_values(path: Path) -> Any:
    """A project's YAML file (`_bookdown.yml`, `_variables.yml`) read within the limits; malformed YAML stops
    the build at its line."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8", errors="replace"))[1]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = Location(path, mark.line + 1 if mark else None)
        raise PressError(f"malformed YAML: {error.problem or error.context}", where) from None


def check_inputs(text: str, path: Path, bibliography: Path | None, bibliography_location: Location) -> None:
    """What the manuscript names, before Pandoc reads it: YAML blocks in its text within the limits,
    the bibliography inside its folder, within its size and (in YAML) within the limits."""
    check_metadata_blocks(text, path)
    if bibliography is not None:
        check_inside(bibliography, path.parent, "bibliography", bibliography_location)
        check_file_size(bibliography, BIBLIOGRAPHY_BYTES, "bibliography", bibliography_location)
        if bibliography.suffix.lower() in (".yaml", ".yml"):
            check_yaml_file(bibliography)


def check_yaml_file(path: Path) -> None:
    """Refuse a YAML file (a bibliography) whose aliases expand beyond the limits, before Pandoc reads it."""
    _check_yaml_documents(path.read_text(encoding="utf-8", errors="replace"), path, 0, "the bibliography")


#: A YAML metadata block in the body of a manuscript, which Pandoc reads as it reads the front matter.
METADATA_BLOCK = re.compile(r"(?m)^---[ \t]*\r?\n(?![ \t]*\r?\n)(.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL)


def check_metadata_blocks(text: str, path: Path) -> None:
    """Refuse a YAML block anywhere in the manuscript whose aliases expand beyond the limits, before Pandoc."""
    for block in METADATA_BLOCK.finditer(text):
        first_line = text.count("\n", 0, block.start(1))
        _check_yaml_documents(block.group(1), path, first_line, "the YAML block")


def _check_yaml_documents(text: str, path: Path, first_line: int, what: str) -> None:
    try:
        for _ in yaml.compose_all(text, Loader=_BoundedLoader):
            pass
    except YAMLLimitError as error:
        line = first_line + error.problem_mark.line + 1 if error.problem_mark else None
        raise PressError(f"{what} is refused: {error.problem}", Location(path, line)) from None
    except (yaml.YAMLError, RecursionError):
        return  # not YAML, or malformed: Pandoc reads it as text, or says what is wrong with its line


# Images


@dataclass(frozen=True)
class ImageLimits:
    """The largest image a build accepts: pixels (width times height) and bytes."""

    pixels: int = IMAGE_PIXELS
    bytes: int = IMAGE_BYTES


def image_limits(front_matter: dict[str, Any], locate: Callable[[str], Location]) -> ImageLimits:
    """The image limits, raised by the front matter's keys where it has them."""
    pixels = _positive_number(front_matter, MAX_IMAGE_PIXELS_KEY, locate)
    megabytes = _positive_number(front_matter, MAX_IMAGE_MEGABYTES_KEY, locate)
    return ImageLimits(
        pixels=int(pixels) if pixels is not None else IMAGE_PIXELS,
        bytes=int(megabytes * MEGABYTE) if megabytes is not None else IMAGE_BYTES,
    )


def _positive_number(values: dict[str, Any], key: str, locate: Callable[[str], Location]) -> float | None:
    value = values.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    raise PressError(f"'{key}' must be a positive number, not '{value}'", locate(key))


def read_image_header(source: Path, location: Location, limits: ImageLimits) -> tuple[str, int, int]:
    """The format and size of a raster image, checked against the limits from its header alone
    before the image is decoded (once, to find a damaged file before an edition does)."""
    check_file_size(source, limits.bytes, "image", location)
    try:
        kind, width, height = _header(source, limits)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PressError(f"image {source.name} is not a readable image file", location) from None
    if width * height > limits.pixels:
        raise PressError(
            f"image {source.name} has {width:,} × {height:,} pixels; images of more than {limits.pixels:,} pixels"
            f" are refused (raise the limit with '{MAX_IMAGE_PIXELS_KEY}' in the front matter)",
            location,
        )
    # Within the limits now: a damaged file is found here, not by an edition. WeasyPrint, once imported,
    # has Pillow fill a truncated image with grey: not while it is checked.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(source) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PressError(f"image {source.name} cannot be decoded: the file is damaged or truncated", location) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return kind, width, height


def inline_image_problem(data: bytes, limits: ImageLimits) -> str | None:
    """What is wrong with an image an SVG holds inline (too large, unreadable), or None."""
    if len(data) > limits.bytes:
        return f"{_megabytes(len(data))}"
    try:
        _, width, height = _header(io.BytesIO(data), limits)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "not a readable image"
    return f"{width:,} × {height:,} pixels" if width * height > limits.pixels else None


def _header(source: Path | io.BytesIO, limits: ImageLimits) -> tuple[str, int, int]:
    """Pillow reads the header only; its own alarm for decompression bombs is held off while it does
    (the size is compared here, to name it), then set to the same limit, so that whatever decodes the
    image later (the cover, WeasyPrint) accepts what this accepts and nothing more."""
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(source) as image:
            return str(image.format), image.size[0], image.size[1]
    finally:
        Image.MAX_IMAGE_PIXELS = limits.pixels


# Time


class _Budget:
    """The wall-clock budget of each stage, in seconds (None: unlimited)."""

    seconds: float | None = None


@contextmanager
def stage_budget(seconds: float | None) -> Iterator[None]:
    """Give every stage of the build run inside at most `seconds` of wall-clock time (None: no limit).

    The timer behind it (SIGALRM) is the process's, so the budget is set for the
    one build that runs at a time in the main thread, and put back after it.
    """
    previous, _Budget.seconds = _Budget.seconds, seconds
    try:
        yield
    finally:
        _Budget.seconds = previous


def stage_timeout() -> float | None:
    return _Budget.seconds


class StageTimeoutError(PressError):
    """A stage of the build ran past its budget."""


def stage_timeout_error(name: str, location: Location | None = None) -> StageTimeoutError:
    return StageTimeoutError(
        f"{name} took longer than its budget of {_Budget.seconds:g} s (--timeout); the build was stopped", location
    )


@contextmanager
def stage(name: str, location: Location | None = None) -> Iterator[None]:
    """Stop the stage with one line naming it when it runs past the budget.

    The budget is measured by the process's real-time interval timer (SIGALRM),
    so it works only in the main thread; elsewhere the stage runs unbounded.
    A stage inside another gets what is left of the outer budget at most, and
    the outer one its remaining time back afterwards.
    """
    budget = _Budget.seconds
    if budget is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    seconds = min(budget, outer_remaining) if outer_remaining > 0 else budget
    started = time.monotonic()

    expired = False

    def stop(signum: int, frame: object) -> None:
        nonlocal expired
        expired = True
        raise stage_timeout_error(name, location)

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, TIMEOUT_REPEAT)
    try:
        yield
    except BaseException:
        if expired:  # whatever a library made of the stop (pypandoc: "No pandoc was found"), it was the stop
            raise stage_timeout_error(name, location) from None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining > 0:
            left = max(outer_remaining - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, TIMEOUT_REPEAT)


def remaining() -> float | None:
    """Seconds left in the current stage's budget, for a subprocess's `timeout=` (None: unlimited)."""
    if _Budget.seconds is None:
        return None
    left, _ = signal.getitimer(signal.ITIMER_REAL)
    return left if left > 0 else _Budget.seconds


P = ParamSpec("P")
R = TypeVar("R")


def within_budget(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A function run as one stage of the build (see `stage`)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def bounded(*arguments: P.args, **keywords: P.kwargs) -> R:
            with stage(name):
                return function(*arguments, **keywords)

        return bounded

    return decorate
