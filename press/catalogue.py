"""The catalogue of a press's list: a web page and an OPDS 1.2 feed of every title.

    python build.py catalogue [--list PATH] [--out DIR]

Gather: each title's EPUB says what a catalogue shows (its package document names
the title, subtitle, authors, language, description, date, publisher, rights,
keywords, identifier and version, and it holds the cover), so the catalogue reads
the built EPUBs back: it describes the editions as they were built, and runs no
Pandoc. Write: a self-contained web page (`catalogue.html`: each title's cover,
authors, description, language and links to its three editions, no outside
requests) and an OPDS 1.2 acquisition feed (`catalogue.xml`, the Atom feed that
e-reader apps such as KOReader and Thorium subscribe to), both beside the editions.

Links are relative to the catalogue, or absolute under the list file's `url`.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from markupsafe import Markup
from PIL import Image

from . import STYLES_DIR, cli
from .csp import content_security_policy
from .dates import build_time
from .errors import Location, PressError, Reporter
from .inputs import code_files, depfile, template_files
from .labels import LABELS_FILE, labels_for, language_name
from .output import atomic_output
from .render import render
from .titles import DEFAULT_LIST, Title, TitleList, read_list

NAME = "catalogue"
PAGE_TEMPLATE = "catalogue.html.j2"
FEED_TEMPLATE = "catalogue.xml.j2"
STYLESHEET = STYLES_DIR / "catalogue.css"
#: What each edition is, for links: its media type.
MEDIA_TYPES = {"pdf": "application/pdf", "epub": "application/epub+zip", "html": "text/html"}
FEED_MEDIA_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
#: OPDS: a publication anyone may take, and a small cover image for lists.
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
THUMBNAIL_SIZE = (160, 240)
THUMBNAIL_QUALITY = 80
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Entry:
    """One title as its EPUB describes it, with its editions."""

    name: str
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    lang: str
    description: str | None
    date: str | None
    publisher: str | None
    rights: str | None
    keywords: tuple[str, ...]
    identifier: str
    version: str | None
    modified: str
    #: A small JPEG of the cover, for the page and the feed, and its width and height.
    thumbnail: bytes
    thumbnail_size: tuple[int, int]
    #: The files of the editions, by edition name.
    editions: dict[str, Path]

    @property
    def thumbnail_url(self) -> str:
        return "data:image/jpeg;base64," + base64.b64encode(self.thumbnail).decode("ascii")

    @property
    def language(self) -> str:
        """The language as readers know it ('Deutsch (de-DE)'), or its tag."""
        name = language_name(self.lang)
        return f"{name} ({self.lang})" if name else self.lang


def read_entry(name: str, editions: dict[str, Path]) -> Entry:
    """A title's entry, read from its EPUB's package document and cover."""
    epub = editions["epub"]
    try:
        with zipfile.ZipFile(epub) as book:
            container = etree.fromstring(book.read("META-INF/container.xml"), XML_PARSER)
            rootfile = container.find(f".//{CONTAINER}rootfile")
            package_path = rootfile.get("full-path", "") if rootfile is not None else ""
            package = etree.fromstring(book.read(package_path), XML_PARSER)
            cover_href = next(
                (
                    item.get("href", "")
                    for item in package.iterfind(f"{OPF}manifest/{OPF}item")
                    if "cover-image" in item.get("properties", "").split()
                ),
                "",
            )
            cover = book.read(str(Path(package_path).parent / cover_href))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise PressError(f"cannot read the EPUB for the catalogue: {error}", Location(epub)) from None
    metadata = package.find(f"{OPF}metadata")
    elements = list(metadata) if metadata is not None else []

    def texts(tag: str, **attributes: str) -> list[str]:
        return [
            (element.text or "").strip()
            for element in elements
            if element.tag == tag and all(element.get(key) == value for key, value in attributes.items())
        ]

    subtitles = {
        (element.get("refines") or "").removeprefix("#")
        for element in elements
        if element.get("property") == "title-type" and (element.text or "").strip() == "subtitle"
    }
    titles = [element for element in elements if element.tag == f"{DC}title"]
    main = [(title.text or "").strip() for title in titles if title.get("id") not in subtitles]
    subtitle = [(title.text or "").strip() for title in titles if title.get("id") in subtitles]
    identifiers = texts(f"{DC}identifier", id=package.get("unique-identifier", "")) or texts(f"{DC}identifier")
    thumbnail, size = _thumbnail(cover)
    return Entry(
        name=name,
        title=main[0] if main else name,
        subtitle=subtitle[0] if subtitle else None,
        authors=tuple(texts(f"{DC}creator")),
        lang=next(iter(texts(f"{DC}language")), "und"),
        description=next(iter(texts(f"{DC}description")), None),
        date=next(iter(texts(f"{DC}date")), None),
        publisher=next(iter(texts(f"{DC}publisher")), None),
        rights=next(iter(texts(f"{DC}rights")), None),
        keywords=tuple(texts(f"{DC}subject")),
        identifier=identifiers[0] if identifiers else f"urn:press:{name}",
        version=next(iter(texts(f"{OPF}meta", property="schema:version")), None),
        modified=next(iter(texts(f"{OPF}meta", property="dcterms:modified")), _now()),
        thumbnail=thumbnail,
        thumbnail_size=size,
        editions=editions,
    )


def write_catalogue(title_list: TitleList, entries: Sequence[Entry], out: Path) -> list[Path]:
    """The catalogue page and feed in `out`, linking each entry's editions relative to `out`
    (or under the list's `url`)."""
    links = {
        entry.name: {name: _href(path, out, title_list.url) for name, path in entry.editions.items()}
        for entry in entries
    }
    page_target, feed_target = out / f"{NAME}.html", out / f"{NAME}.xml"
    words = labels_for(title_list.lang)
    values: dict[str, Any] = {
        "catalogue": title_list,
        "entries": entries,
        "links": links,
        "sizes": {
            entry.name: {name: path.stat().st_size for name, path in entry.editions.items()} for entry in entries
        },
        "words": words,
        "feed_href": _href(feed_target, out, title_list.url),
        "page_href": _href(page_target, out, title_list.url),
        "feed_media_type": FEED_MEDIA_TYPE,
        "media_types": MEDIA_TYPES,
        "open_access": OPEN_ACCESS,
        "thumbnail": THUMBNAIL,
        "feed_id": _feed_id(title_list),
        "updated": max([entry.modified for entry in entries], default=_now()),
        "stylesheet": Markup(STYLESHEET.read_text(encoding="utf-8").strip()),
        "json_ld": Markup(
            _script_safe(json.dumps(linked_data(title_list, entries, links), ensure_ascii=False, indent=1))
        ),
    }
    policy = content_security_policy(render(PAGE_TEMPLATE, content_security_policy="", **values))
    written = []
    for target, text in (
        (page_target, render(PAGE_TEMPLATE, content_security_policy=policy, **values)),
        (feed_target, render(FEED_TEMPLATE, **values)),
    ):
        with atomic_output(target, Reporter(echo=cli.print_diagnostic)) as temporary:
            temporary.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def linked_data(title_list: TitleList, entries: Sequence[Entry], links: dict[str, dict[str, str]]) -> dict[str, Any]:
    """schema.org: the catalogue as a list of books, each with its editions as downloads."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": title_list.title,
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "item": {
                    "@type": "Book",
                    "name": entry.title,
                    "author": [{"@type": "Person", "name": name} for name in entry.authors],
                    "inLanguage": entry.lang,
                    "identifier": entry.identifier,
                    **({"description": entry.description} if entry.description else {}),
                    **({"datePublished": entry.date} if entry.date else {}),
                    **({"version": entry.version} if entry.version else {}),
                    "encoding": [
                        {"@type": "MediaObject", "encodingFormat": MEDIA_TYPES[name], "contentUrl": href}
                        for name, href in links[entry.name].items()
                    ],
                },
            }
            for position, entry in enumerate(entries, start=1)
        ],
    }


def toolchain_files() -> list[Path]:
    """What the catalogue is made with besides the editions: its code, templates, stylesheet and labels."""
    return [*code_files(__name__), *template_files(PAGE_TEMPLATE, FEED_TEMPLATE), STYLESHEET, LABELS_FILE]


def editions_of(title: Title, out: Path) -> dict[str, Path]:
    """A title's editions as `make` builds them into `out`."""
    return {name: out / f"{title.name}.{name}" for name in MEDIA_TYPES}


def _now() -> str:
    return build_time().strftime("%Y-%m-%dT%H:%M:%SZ")


def _href(path: Path, out: Path, url: str | None) -> str:
    relative = path.resolve().relative_to(out.resolve()).as_posix()
    return urljoin(url if url.endswith("/") else url + "/", relative) if url else relative


def _feed_id(title_list: TitleList) -> str:
    if title_list.url:
        return urljoin(title_list.url if title_list.url.endswith("/") else title_list.url + "/", f"{NAME}.xml")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'press-catalogue:{title_list.title}')}"


def _thumbnail(cover: bytes) -> tuple[bytes, tuple[int, int]]:
    """A small JPEG of the cover, and its size."""
    with Image.open(io.BytesIO(cover)) as image:
        small = image.convert("RGB")
    small.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue(), small.size


def _script_safe(text: str) -> str:
    """JSON inside <script>: no '</' that could end the element."""
    return text.replace("</", "<\\/")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        cli.check_source_date_epoch()
        title_list = read_list(arguments.list)
        entries = [read_entry(title.name, editions_of(title, arguments.out)) for title in title_list.titles]
        written = write_catalogue(title_list, entries, arguments.out)
    except PressError as error:
        print(error, file=sys.stderr)
        return 1
    inputs = toolchain_files() + ([title_list.file] if title_list.file is not None else [])
    rules = "".join(depfile(target, inputs) for target in written)
    dependencies = arguments.out / ".deps"
    dependencies.mkdir(parents=True, exist_ok=True)
    (dependencies / f"{NAME}.d").write_text(rules, encoding="utf-8")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py catalogue", description=__doc__.splitlines()[0])
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST, help="a folder of titles or a list file")
    parser.add_argument(
        "--out", type=Path, default=cli.DEFAULT_OUT_DIR, help="the folder of the editions, and of the catalogue"
    )
    return parser
