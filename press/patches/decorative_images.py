"""An image HTML says is decorative, `<img alt="">`, drawn as an artifact of the tagged PDF.

What WeasyPrint 70.0 does (`weasyprint/pdf/tags.py`, `_build_box_tree`): it tags
every image as a /Figure, and gives it the `alt` attribute as its /Alt only when
that is not empty. An image with an empty `alt` becomes a /Figure with no
alternative at all, which PDF/UA-1 (7.3) forbids, and WeasyPrint logs that the
image "has no required alt description", naming no place. An empty `alt` is
HTML's word for an image that carries nothing a reader needs (assistive
technology passes over it); PDF/UA's word for the same is an artifact: content
drawn outside the structure tree, as WeasyPrint already draws backgrounds and
borders.

So an `<img>` whose `alt` is empty (or blank) is drawn inside an /Artifact
marked-content sequence instead of a /Figure one, and left out of the structure
tree; every other image is tagged as before.

Pinned to WeasyPrint 70.0 (`apply` refuses another version); covered by
tests/unit/test_decorative_images_patch.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import stream as weasyprint_stream
from weasyprint.pdf import tags as weasyprint_tags

from . import WEASYPRINT_VERSION, require_version

#: WeasyPrint's own functions, as they are without the patch (the tests compare both).
UPSTREAM_MARKED = weasyprint_stream.Stream.marked
UPSTREAM_BUILD_BOX_TREE = weasyprint_tags._build_box_tree


def apply() -> None:
    """Draw decorative images as artifacts from now on (idempotent); refuse any WeasyPrint but the pinned one."""
    require_version("WeasyPrint", weasyprint.__version__, WEASYPRINT_VERSION, "decorative_images.py", "PDF tags")
    weasyprint_stream.Stream.marked = marked
    # `_build_box_tree` calls itself through the module's name, so the children of every box come here too.
    weasyprint_tags._build_box_tree = build_box_tree


def is_decorative(box: Any) -> bool:
    """Whether a box is an image whose `alt` is present and empty: decorative, as HTML has it."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if not isinstance(box, boxes.ReplacedBox) or box.element is None or box.element_tag != "img":
        return False
    alt = box.element.get("alt")
    return alt is not None and not alt.strip()


@contextmanager
def marked(self: Any, box: Any, tag: str) -> Iterator[None]:
    """`Stream.marked`, but a decorative image is drawn as an artifact, with no marked-content id."""
    if tag == "Figure" and is_decorative(box):
        with self.artifact():
            yield
        return
    with UPSTREAM_MARKED(self, box, tag):
        yield


def build_box_tree(
    box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any, tags: Any
) -> Iterator[Any]:
    """`_build_box_tree`, but a decorative image has no element in the structure tree (it was drawn as an
    artifact, so the page holds no marked content for one)."""
    if is_decorative(box):
        return
    yield from UPSTREAM_BUILD_BOX_TREE(box, parent, pdf, page_number, nums, annotations, tags)
