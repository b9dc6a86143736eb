"""The web edition: one self-contained HTML page, styles and images inside it."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..document import Asset, Document
from ..markup import inner_html, parse_fragment, replace_image_sources
from ..output import atomic_output
from ..render import render, stylesheet

NAME = "html"
SUFFIX = ".html"
TEMPLATE = "web.html.j2"
STYLESHEETS = ("common.css", "screen.css")


def write(document: Document, out_dir: Path) -> Path:
    target = out_dir / f"{document.name}{SUFFIX}"
    image_urls = {asset.href: data_url(asset) for asset in document.assets}
    body = parse_fragment(document.body)
    replace_image_sources(body, image_urls)
    page = render(
        TEMPLATE,
        document=document,
        body=Markup(inner_html(body)),
        image_urls=image_urls,
        stylesheet=Markup(stylesheet(*STYLESHEETS)),
        json_ld=Markup(_script_safe(json.dumps(linked_data(document), ensure_ascii=False, indent=1))),
    )
    with atomic_output(target) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return target


def data_url(asset: Asset) -> str:
    return f"data:{asset.media_type};base64,{base64.b64encode(asset.read()).decode('ascii')}"


def linked_data(document: Document) -> dict[str, Any]:
    """schema.org description of the article for search engines and citation tools."""
    metadata = document.metadata
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": metadata.title,
        "name": metadata.title,
        "inLanguage": metadata.lang,
        "identifier": document.identifier,
        "author": [{"@type": "Person", "name": name} for name in metadata.authors],
        "dateModified": document.modified_iso,
    }
    if metadata.date:
        data["datePublished"] = metadata.date
    if metadata.description:
        data["description"] = metadata.description
    if metadata.keywords:
        data["keywords"] = list(metadata.keywords)
    if metadata.rights:
        data["copyrightNotice"] = metadata.rights
    if metadata.version:
        data["version"] = metadata.version
    if document.contributors:
        data["contributor"] = [
            {
                "@type": "Role",
                "roleName": contributor.role,
                "contributor": {"@type": "Person", "name": contributor.name},
            }
            for contributor in document.contributors
        ]
    if metadata.illustration is not None:
        image: dict[str, Any] = {"@type": "ImageObject", "description": metadata.illustration.alt}
        if metadata.illustration.illustrator:
            image["creator"] = {"@type": "Person", "name": metadata.illustration.illustrator}
        if metadata.illustration.credit:
            image["creditText"] = metadata.illustration.credit
        data["image"] = image
    return data


def _script_safe(text: str) -> str:
    """JSON inside <script> must not close the element early."""
    return text.replace("</", "<\\/")
