"""The pinned patch to pydyf's page references (press/patches/page_references.py)."""

from __future__ import annotations

import pydyf
import pytest

from press.errors import PressError
from press.patches import page_references


def pdf_of(pages: int) -> pydyf.PDF:
    pdf = pydyf.PDF()
    for _ in range(pages):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    return pdf


def test_the_references_are_pydyfs_own_as_pages_are_added() -> None:
    page_references.apply()
    pdf = pdf_of(3)
    assert pdf.page_references == page_references.UNPATCHED_PAGE_REFERENCES.fget(pdf)
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4
    assert pdf.page_references == page_references.UNPATCHED_PAGE_REFERENCES.fget(pdf)


def test_the_references_are_made_once_while_no_page_is_added() -> None:
    page_references.apply()
    pdf = pdf_of(200)
    assert pdf.page_references is pdf.page_references
    assert page_references.UNPATCHED_PAGE_REFERENCES.fget(pdf) is not page_references.UNPATCHED_PAGE_REFERENCES.fget(
        pdf
    ), "pydyf makes them anew each time"


def test_another_pydyf_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pydyf, "__version__", "0.14.0")
    with pytest.raises(PressError) as refused:
        page_references.apply()
    message = str(refused.value)
    assert "0.13.0" in message and "0.14.0" in message and "\n" not in message
