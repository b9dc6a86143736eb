"""The Document that flows from the one Pandoc pass to every edition.

Gather first: read the manuscript, check its front matter, resolve its style,
run Pandoc, split Pandoc's HTML into body, notes and bibliography, and collect
the images. The editions only write; none of them reads Markdown again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree
from PIL import Image, UnidentifiedImageError

from . import pandoc
from .context import BuildContext
from .csl import resolve_style
from .errors import Location, PressError, Reporter
from .inputs import code_files
from .markup import inner_html, loaded_urls, parse_fragment, remove_scripts
from .metadata import Manuscript, Metadata, load_metadata, read_manuscript

#: Image formats every edition can carry (EPUB 3 core media types), by Pillow's name.
IMAGE_MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
SVG_MEDIA_TYPE = "image/svg+xml"
ILLUSTRATOR_ROLE = "ill"
#: The id of the block in which the references filter hands over the cited works.
REFERENCES_ID = "press-references"


@dataclass(frozen=True)
class Note:
    """One note as the citation style rendered it, numbered as in the text."""

    number: int
    identifier: str
    reference_identifier: str
    html: str


@dataclass(frozen=True)
class Asset:
    """An image the editions carry, with the name it has inside them."""

    source: Path
    href: str
    media_type: str
    width: int | None
    height: int | None

    def read(self) -> bytes:
        return self.source.read_bytes()

    def data_url(self) -> str:
        """The image inline, so that an edition depends on its bytes, not on where it lies."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.read()).decode('ascii')}"


@dataclass(frozen=True)
class Contributor:
    """Someone other than the author, with a MARC relator role such as 'ill'."""

    name: str
    role: str


@dataclass(frozen=True)
class Section:
    """A heading of the text, for tables of contents and bookmarks."""

    identifier: str
    title: str
    level: int


@dataclass(frozen=True)
class Document:
    """One manuscript, read once: what every edition is written from."""

    name: str
    metadata: Metadata
    body: str
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    bibliography: str | None
    bibliography_title: str | None
    lead_image: Asset | None
    assets: tuple[Asset, ...]
    contributors: tuple[Contributor, ...]
    identifier: str
    modified: datetime
    #: The keys of the works the bibliography lists (in its order), then of any other
    #: citation: what metadata such as schema.org's `citation` describes.
    cited_keys: tuple[str, ...] = ()
    #: The cited works as CSL JSON entries, from the Pandoc pass.
    references: tuple[dict[str, Any], ...] = ()

    @property
    def modified_iso(self) -> str:
        return self.modified.strftime("%Y-%m-%dT%H:%M:%SZ")


def load_document(manuscript_path: Path, context: BuildContext) -> Document:
    """Read a manuscript and everything it names into one Document.

    Problems a build would stop at go to the context's reporter, which raises
    them, or records them and goes on when it collects every finding (`check`).
    """
    reporter = context.reporter
    manuscript_path = manuscript_path.resolve()
    context.read_file(manuscript_path)
    manuscript = read_manuscript(manuscript_path)
    metadata = load_metadata(manuscript, reporter)
    style = resolve_style(metadata.csl, manuscript_path.parent, metadata.location("csl"))
    for path in (*pandoc.input_files(metadata, style), *metadata.fonts):
        context.read_file(path)
    output = pandoc.convert(manuscript, metadata, style, context.cache)
    try:
        pandoc.check_citations(output, manuscript, metadata)
    except PressError as error:
        reporter.fail(error)
    for message, location in pandoc.other_warnings(output, manuscript):
        reporter.warn(message, location)
    fragment = parse_fragment(output.html)
    references = _take_references(fragment)
    _confine(fragment, manuscript, reporter)

    cited_keys = tuple(_cited_keys(fragment))
    notes = _take_notes(fragment)
    bibliography_title, bibliography = _take_bibliography(fragment)
    assets: dict[Path, Asset] = {}
    lead_image = None
    if metadata.illustration is not None:
        lead_image = _asset(metadata.illustration.image, assets, metadata.location("illustration"), context)
    for image in fragment.iter("img"):
        # `_confine` let through only images without a scheme: files beside the manuscript.
        source = manuscript.path.parent / unquote(urlsplit(image.get("src", "")).path)
        try:
            image.set("src", _asset(source, assets, manuscript.locate(image.get("src", "")), context).href)
        except PressError as error:
            reporter.fail(error)

    return Document(
        name=manuscript_path.stem,
        metadata=metadata,
        body=inner_html(fragment),
        sections=_sections(fragment),
        notes=notes,
        bibliography=bibliography,
        bibliography_title=bibliography_title,
        lead_image=lead_image,
        assets=tuple(assets.values()),
        contributors=_contributors(metadata, fragment),
        identifier=metadata.identifier or _derived_identifier(metadata),
        modified=build_time(),
        cited_keys=cited_keys,
        references=references,
    )


def toolchain_files() -> list[Path]:
    """The toolchain's files every edition is made with: the loader's code (Pandoc's inputs
    are recorded as the loader reads them)."""
    return list(code_files(__name__))


def build_time() -> datetime:
    """SOURCE_DATE_EPOCH when set, so that builds are reproducible; otherwise now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def _sections(fragment: lxml.html.HtmlElement) -> tuple[Section, ...]:
    sections = []
    for heading in fragment.iter("h2", "h3", "h4", "h5", "h6"):
        parent = heading.getparent()
        identifier = heading.get("id") or (parent.get("id") if parent is not None and parent.tag == "section" else None)
        if identifier:
            sections.append(Section(identifier, heading.text_content().strip(), int(heading.tag[1])))
    return tuple(sections)


def _take_references(fragment: lxml.html.HtmlElement) -> tuple[dict[str, Any], ...]:
    """The cited works the references filter appended to the document (the last such block)."""
    # With --section-divs the block ends up inside the last section.
    blocks = [block for block in fragment.iter("script") if block.get("id") == REFERENCES_ID]
    if not blocks:
        return ()
    # Any earlier block of that name is the author's raw HTML, left for `_confine` to deal with.
    entries = json.loads(blocks[-1].text or "[]")
    blocks[-1].drop_tree()
    return tuple(entry for entry in entries if isinstance(entry, dict))


def _take_notes(fragment: lxml.html.HtmlElement) -> tuple[Note, ...]:
    section = fragment.find(".//section[@id='footnotes']")
    if section is None:
        return ()
    notes = []
    for number, item in enumerate(section.iterfind("ol/li"), start=1):
        for back_link in item.find_class("footnote-back"):
            back_link.drop_tree()
        identifier = item.get("id", f"fn{number}")
        notes.append(Note(number, identifier, f"fnref{identifier.removeprefix('fn')}", inner_html(item).strip()))
    section.drop_tree()
    return tuple(notes)


def _take_bibliography(fragment: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    references = fragment.find(".//div[@id='refs']")
    if references is None or len(references) == 0:
        if references is not None:
            references.drop_tree()
        return None, None
    title = None
    section = references.getparent()
    children = list(section) if section is not None else []
    if section is not None and section.tag == "section" and len(children) == 2 and children[1] is references:
        # The section Pandoc makes for `reference-section-title`: a heading and the entries.
        title = children[0].text_content().strip()
        section.drop_tree()
    else:
        references.drop_tree()
    return title, inner_html(references).strip()


def _cited_keys(fragment: lxml.html.HtmlElement) -> list[str]:
    """The keys of the bibliography entries listed (in their order), then of any other citation."""
    listed = [entry.get("id", "").removeprefix("ref-") for entry in fragment.find_class("csl-entry")]
    cited = [key for span in fragment.find_class("citation") for key in span.get("data-cites", "").split()]
    return [key for key in dict.fromkeys([*listed, *cited]) if key]


def _confine(fragment: lxml.html.HtmlElement, manuscript: Manuscript, reporter: Reporter) -> None:
    """Keep raw HTML in the manuscript from reaching outside the project or running code.

    Images are read from beside the manuscript; nothing else is loaded from
    anywhere, and scripts and event handlers are taken out.
    """
    images = {image.get("src", "") for image in fragment.iter("img")}
    for url in loaded_urls(fragment):
        if url.startswith("data:") or (url in images and not urlsplit(url).scheme and not url.startswith("//")):
            continue
        reporter.fail(
            PressError(
                f"the manuscript loads '{url}'; editions carry only images beside the manuscript, so this is refused",
                manuscript.locate(url),
            )
        )
    for removed in dict.fromkeys(remove_scripts(fragment)):
        reporter.warn(
            f"removed {removed} from the manuscript's raw HTML: editions run no code from it",
            manuscript.locate(removed.rstrip("=>").lstrip("<")),
        )


def _asset(source: Path, assets: dict[Path, Asset], location: Location, context: BuildContext) -> Asset:
    key = source.resolve()
    if key in assets:
        return assets[key]
    context.read_file(source)
    if not source.is_file():
        written = source.relative_to(location.path.parent) if source.is_relative_to(location.path.parent) else source
        raise PressError(f"image not found: {written}", location)
    media_type, width, height = identify_image(source, location)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:8]
    href = f"images/{digest}-{_safe_name(source.name)}"
    assets[key] = Asset(source, href, media_type, width, height)
    return assets[key]


def identify_image(source: Path, location: Location) -> tuple[str, int | None, int | None]:
    if source.suffix.lower() == ".svg":
        try:
            root = etree.parse(str(source)).getroot()
        except etree.XMLSyntaxError as error:
            raise PressError(f"image {source.name} is not valid SVG: {error.msg}", location) from None
        if root.tag != "{http://www.w3.org/2000/svg}svg":
            raise PressError(f"image {source.name} is not an SVG image", location)
        return SVG_MEDIA_TYPE, None, None
    try:
        with Image.open(source) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError):
        raise PressError(f"image {source.name} is not a readable image file", location) from None
    if kind not in IMAGE_MEDIA_TYPES:
        supported = ", ".join(sorted([*IMAGE_MEDIA_TYPES, "SVG"]))
        raise PressError(f"image {source.name} is {kind}; use one of {supported}", location)
    return IMAGE_MEDIA_TYPES[kind], width, height


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "image"


def _contributors(metadata: Metadata, fragment: lxml.html.HtmlElement) -> tuple[Contributor, ...]:
    names = []
    if metadata.illustration is not None and metadata.illustration.illustrator:
        names.append(metadata.illustration.illustrator)
    names += [image.get("data-illustrator", "").strip() for image in fragment.iter("img")]
    return tuple(Contributor(name, ILLUSTRATOR_ROLE) for name in dict.fromkeys(names) if name)


def _derived_identifier(metadata: Metadata) -> str:
    seed = "\n".join([metadata.title, *metadata.authors])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"
