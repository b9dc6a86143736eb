"""The pinned patch that draws decorative images as artifacts of the tagged PDF (press/patches/decorative_images.py).

Each test writes a small tagged PDF with WeasyPrint itself and reads its structure tree and its page back.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from weasyprint.pdf import stream as weasyprint_stream
from weasyprint.pdf import tags as weasyprint_tags

from press.errors import PressError
from press.patches import decorative_images
from press.validate import pdfua
from tests.conftest import MINIMAL

SQUARE = MINIMAL.parent / "images" / "square.png"
PAGE = (
    '<html lang="en"><head><title>Squares</title></head><body><p>Text.</p>'
    f'<p><img src="{SQUARE.as_uri()}" alt=""></p>'
    f'<figure><img src="{SQUARE.as_uri()}" alt="A grey square"><figcaption>A square.</figcaption></figure>'
    "</body></html>"
)


def tagged_pdf(target: Path, caplog: pytest.LogCaptureFixture) -> Path:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        weasyprint.HTML(string=PAGE).write_pdf(target, pdf_variant="pdf/ua-1")
    return target


def figures(pdf: pikepdf.Pdf) -> list[str | None]:
    """The /Alt of every /Figure of the structure tree (None where it has none)."""
    found: list[str | None] = []
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if node.get("/S") == "/Figure":
            found.append(str(node.Alt) if "/Alt" in node else None)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary))
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)
    return found


def images_drawn_as_artifacts(pdf: pikepdf.Pdf) -> tuple[int, int]:
    """(images drawn inside an /Artifact sequence, images drawn in all) on the first page."""
    inside, drawn, depth, artifact_depth = 0, 0, 0, None
    for instruction in pikepdf.parse_content_stream(pdf.pages[0]):
        operator = str(instruction.operator)
        if operator in ("BMC", "BDC"):
            depth += 1
            if artifact_depth is None and str(instruction.operands[0]) == "/Artifact":
                artifact_depth = depth
        elif operator == "EMC":
            artifact_depth = None if artifact_depth == depth else artifact_depth
            depth -= 1
        elif operator == "Do":
            drawn += 1
            inside += artifact_depth is not None
    return inside, drawn


def test_an_image_with_an_empty_alt_is_an_artifact(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    decorative_images.apply()
    target = tagged_pdf(tmp_path / "squares.pdf", caplog)
    with pikepdf.open(target) as pdf:
        assert figures(pdf) == ["A grey square"]
        assert images_drawn_as_artifacts(pdf) == (1, 2)
    assert not caplog.records, "WeasyPrint has nothing to say of either image"
    check = pdfua(target)
    assert check.passed, check


def test_without_the_patch_it_is_a_figure_without_alternative(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What WeasyPrint 70.0 does alone: what the patch is for."""
    monkeypatch.setattr(weasyprint_stream.Stream, "marked", decorative_images.UPSTREAM_MARKED)
    monkeypatch.setattr(weasyprint_tags, "_build_box_tree", decorative_images.UPSTREAM_BUILD_BOX_TREE)
    target = tagged_pdf(tmp_path / "squares.pdf", caplog)
    with pikepdf.open(target) as pdf:
        assert sorted(figures(pdf), key=str) == ["A grey square", None]
        assert images_drawn_as_artifacts(pdf) == (0, 2)
    assert "has no required alt description" in caplog.text
    assert not pdfua(target).passed


def test_another_weasyprint_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(PressError) as refused:
        decorative_images.apply()
    message = str(refused.value)
    assert "70.0" in message and "71.0" in message and "\n" not in message
