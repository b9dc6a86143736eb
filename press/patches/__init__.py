"""Patches to libraries, each pinned to the one version of the library it was written against.

A patch refuses to apply to any other version (with one line saying so):
the code it replaces may have changed, and a silent mismatch would lay out
pages wrongly rather than fail. Each is covered by tests of the behaviour it
changes, and written as the change it would be upstream.
"""

from __future__ import annotations

from ..errors import PressError

#: The WeasyPrint the WeasyPrint patches (footnotes, decorative_images, textmap) are written against.
WEASYPRINT_VERSION = "70.0"


def require_version(library: str, installed: str, pinned: str, patch: str, what: str) -> None:
    """Refuse, in one line, a library other than the one a patch (`patch`, its file's name) was written against."""
    if installed != pinned:
        raise PressError(
            f"press/patches/{patch} patches {library} {pinned}'s {what}, and {library} {installed} is installed:"
            " install the version in requirements.lock, or check the patch against the new version and pin it there"
        )
