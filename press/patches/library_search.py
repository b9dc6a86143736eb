"""WeasyPrint's native libraries opened by their Linux names without a search for each name that fails.

WeasyPrint 70.0 opens each of its seven libraries (GObject, Pango, HarfBuzz,
fontconfig…) by trying the names every platform gives it in turn, Windows' and
macOS' before Linux's. For every name that does not open, cffi asks
`ctypes.util.find_library`, which on Linux runs `ldconfig -p` (then gcc and ld) in
a process of its own: some twenty processes, a quarter of a second of every
build's start, spent before the Linux name further down the list opens directly.
What that search could find for a failed name is the library its Linux name
opens, so while WeasyPrint's library module runs, a name that does not open
fails at once. Elsewhere, or with another WeasyPrint, nothing changes.

Upstream, the change would be to try `ffi.dlopen` on all the names before any
search.
"""

from __future__ import annotations

import ctypes.util
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType

from . import WEASYPRINT_VERSION

#: The module of WeasyPrint that opens its libraries when it is imported.
LIBRARY_MODULE = "weasyprint.text.ffi"


class _OpenedDirectly(importlib.abc.MetaPathFinder):
    """Finds WeasyPrint's library module, once, and has it run without the search."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != LIBRARY_MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        package = sys.modules.get("weasyprint")
        if (
            spec is None
            or not isinstance(spec.loader, importlib.abc.Loader)
            or getattr(package, "__version__", None) != WEASYPRINT_VERSION
            or not sys.platform.startswith("linux")
        ):
            return spec
        spec.loader = _Unsearched(spec.loader)
        return spec


class _Unsearched(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        with names_unsearched():
            self.loader.exec_module(module)


@contextmanager
def names_unsearched() -> Iterator[None]:
    """Within, a library name that does not open is not searched for (`ctypes.util.find_library`)."""
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_found
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _not_found(name: str) -> None:
    return None


def install() -> None:
    """Have WeasyPrint, whenever this process first imports it, open its libraries without the search."""
    if LIBRARY_MODULE not in sys.modules and not any(isinstance(finder, _OpenedDirectly) for finder in sys.meta_path):
        sys.meta_path.insert(0, _OpenedDirectly())
