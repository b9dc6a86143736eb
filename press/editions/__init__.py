"""The editions, listed once, and the contract each of them keeps.

An edition is a module with a `NAME`, the `SUFFIX` of the file it writes, the
toolchain's files it is made from (`toolchain_files`) and `write`, which makes
the file from the Document in the build's context. Adding an edition is one
module and one line of `NAMES`. Editions never import each other; what two of
them share (the print layout) lives in a module of its own.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from ..context import BuildContext
from ..document import Document

#: Every edition, in the order `all` builds them: the PDF first, whose layout the EPUB's page list reuses, and the
#: EPUB last, so that beside the PDF (press.sidebyside) the web edition is made while the layout is under way.
NAMES = ("pdf", "html", "epub")


class Edition(Protocol):
    NAME: str
    SUFFIX: str

    def toolchain_files(self) -> list[Path]: ...

    def write(self, document: Document, context: BuildContext) -> Path: ...


def edition(name: str) -> Edition:
    """An edition's module, imported only when that edition is built."""
    if name not in NAMES:
        raise ValueError(f"unknown edition {name!r}; the editions are {', '.join(NAMES)}")
    return cast(Edition, importlib.import_module(f"{__name__}.{name}"))


if TYPE_CHECKING:
    # mypy checks here that every edition keeps the contract.
    from . import epub, html, pdf

    _editions: tuple[Edition, ...] = (pdf, epub, html)
