"""pydyf's list of page references, made once per page added instead of once per use.

`pydyf.PDF.page_references` builds the tuple of every page's reference each time
it is read, and WeasyPrint's tagged PDF reads it for every element of the
structure tree (`weasyprint/pdf/tags.py`) and every link destination: a book of
220 pages and 55,000 tagged elements builds 12 million references, and twice the
book four times as many. Pages are only ever appended to the page tree
(`PDF.add_page` extends `Kids`), so the tuple is kept and made again only when
the number of pages has changed.

Pinned to pydyf 0.13.0 (`apply` refuses another version); covered by
tests/unit/test_page_references_patch.py.
"""

from __future__ import annotations

from typing import Any

import pydyf

from ..errors import PressError

#: The pydyf this module patches; on any other, `apply` refuses.
PYDYF_VERSION = "0.13.0"
#: pydyf's own property, as it is without the patch (the tests compare both).
UNPATCHED_PAGE_REFERENCES = pydyf.PDF.page_references
#: Where a PDF keeps its references, with the number of `Kids` entries they were made from.
KEPT = "_page_references_kept"


def apply() -> None:
    """Patch pydyf's page references (idempotent); refuse any pydyf but the pinned one."""
    if pydyf.__version__ != PYDYF_VERSION:
        raise PressError(
            f"press/patches/page_references.py patches pydyf {PYDYF_VERSION}, and pydyf {pydyf.__version__} "
            "is installed: install the version in requirements.lock, or check the patch against the new version "
            "and pin it there"
        )
    pydyf.PDF.page_references = property(page_references)


def page_references(self: Any) -> tuple[bytes, ...]:
    """The reference of each page of the PDF, in order (as `pydyf.PDF.page_references`)."""
    kids = self.pages["Kids"]
    kept = self.__dict__.get(KEPT)
    if kept is None or kept[0] != len(kids):
        kept = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        self.__dict__[KEPT] = kept
    references: tuple[bytes, ...] = kept[1]
    return references
