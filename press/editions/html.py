"""The web edition: one self-contained HTML page, styles, fonts, images and script inside it.

Notes stay where Pandoc put them (a call in the text, the list of notes at the
end) and each call gains a margin copy of its note, hidden from assistive
technology, which the stylesheet floats beside the call on wide screens and
the page's script opens in place on narrow ones.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import lxml.html
from markupsafe import Markup

from .. import STYLES_DIR, housestyle, limits, scripts
from ..context import BuildContext
from ..csp import content_security_policy
from ..document import Document, Note
from ..inputs import code_files, template_files
from ..labels import join_names, labels_for
from ..markup import as_phrasing, inner_html, note_references, parse_fragment, replace_image_sources
from ..mathematics import DRAWN_SIGNS, MATH_FONT, MATH_FONT_NAME, shown_text
from ..metadata import Citation
from ..output import atomic_output
from ..people import Affiliation, Author
from ..render import render, stylesheet_paths
from ..schema import citation
from ..webfonts import KOREAN_FACE, Face, embedded_faces, font_face_rules, used_faces

NAME = "html"
SUFFIX = ".html"
TEMPLATE = "web.html.j2"
STYLESHEETS = ("common.css", "screen.css")
FONTS = STYLES_DIR / "fonts"
FACES = (
    Face("Press Serif", "Linux Libertine", FONTS / "linux-libertine" / "LinLibertine_R.otf"),
    Face("Press Serif", "Linux Libertine", FONTS / "linux-libertine" / "LinLibertine_RI.otf", style="italic"),
    Face("Press Serif", "Linux Libertine", FONTS / "linux-libertine" / "LinLibertine_RB.otf", weight=700),
    KOREAN_FACE,
)
MATH_FACE = Face("Press Math", MATH_FONT_NAME, MATH_FONT)
#: The margin copy of note `fn3` is `side-fn3`; the page's script relies on it.
SIDENOTE_PREFIX = "side-"
#: Elements that may stay as they are inside a margin note, which sits in a paragraph.
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
DESCRIPTION_LENGTH = 200


def toolchain_files() -> list[Path]:
    return [
        *code_files(__name__),
        *template_files(TEMPLATE),
        *stylesheet_paths(*STYLESHEETS),
        *(face.source for face in (*FACES, MATH_FACE)),
        *scripts.toolchain_files(),
    ]


@limits.within_budget("the web edition")
def write(document: Document, context: BuildContext) -> Path:
    target = context.out / f"{document.name}{SUFFIX}"
    values = page_context(document)
    styles = housestyle.text(housestyle.read_stylesheets(STYLESHEETS, document.metadata.source.parent, context))
    # Rendered twice: first to learn which characters the fonts must carry, then with the fonts.
    first = render(TEMPLATE, stylesheet=Markup(styles.strip()), colophon=[], content_security_policy="", **values)
    text = page_text(first)
    formulas = "<math" in values["body"]
    if formulas:
        text += DRAWN_SIGNS  # formulas are set in the print edition's math font, which draws these unwritten
    metadata = document.metadata
    languages = scripts.text_by_language(lxml.html.document_fromstring(first), metadata.lang)
    selection = scripts.select(languages, scripts.text_face_coverage() | scripts.font_coverage(metadata.fonts))
    faces = [
        *used_faces([*FACES, MATH_FACE] if formulas else FACES, text),
        *embedded_faces(selection, metadata.fonts),
    ]
    words = labels_for(document.metadata.lang)
    names = join_names(list(dict.fromkeys(face.name for face in faces)), document.metadata.lang)
    colophon = [words["set_in"].format(fonts=names)] if faces else []
    fonts = font_face_rules(faces, " ".join([text, *colophon]), context.cache)
    families = scripts.family_rules(languages, scripts.author_families(metadata.fonts))
    values["stylesheet"] = Markup(f"{fonts}\n{styles}\n{families}".strip())
    values["colophon"] = colophon
    # The policy is read off the page itself: its inline style and script, hashed.
    policy = content_security_policy(render(TEMPLATE, content_security_policy="", **values))
    page = render(TEMPLATE, content_security_policy=policy, **values)
    with atomic_output(target, context.reporter) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return target


def page_context(document: Document) -> dict[str, Any]:
    """What the page template is given, fonts and colophon aside."""
    image_urls = {asset.href: asset.data_url() for asset in document.assets}
    body = parse_fragment(document.body)
    replace_image_sources(body, image_urls)
    description = document.metadata.description or document.metadata.abstract or summary(body)
    add_sidenotes(body, document.notes, document.metadata.lang)
    return {
        "document": document,
        "body": Markup(inner_html(body)),
        "image_urls": image_urls,
        "description": description,
        "open_graph": open_graph(document, description),
        "sidenote_prefix": SIDENOTE_PREFIX,
        "json_ld": Markup(_script_safe(json.dumps(linked_data(document), ensure_ascii=False, indent=1))),
    }


def page_text(page: str) -> str:
    """Every character of a page, its style and script included: what its fonts must set."""
    return "".join(str(text) for text in lxml.html.document_fromstring(page).itertext())


def add_sidenotes(body: lxml.html.HtmlElement, notes: tuple[Note, ...], lang: str) -> None:
    """Put a margin copy of each note right after its call in the text."""
    by_identifier = {note.identifier: note for note in notes}
    for reference in note_references(body):
        note = by_identifier.get(reference.get("href", "").removeprefix("#"))
        if note is None:
            continue
        anchor = reference
        wrapper = reference.getparent()
        if wrapper is not None and "citation" in wrapper.classes and len(wrapper) == 1 and not _has_text(wrapper):
            anchor = wrapper  # Pandoc's <span class="citation"> around the call alone
        heading = next((element for element in reference.iterancestors() if element.tag in HEADINGS), None)
        if heading is not None:
            # A note may not sit inside a heading: it follows the heading (and the notes already there).
            anchor = heading
            while (following := anchor.getnext()) is not None and "sidenote" in following.classes:
                anchor = following
        sidenote = margin_note(note, lang)
        sidenote.tail, anchor.tail = anchor.tail, None
        anchor.addnext(sidenote)


def margin_note(note: Note, lang: str) -> lxml.html.HtmlElement:
    """A copy of the note that can sit inside a paragraph: phrasing content only,
    no ids, its links out of the tab order while it is hidden."""
    sidenote = lxml.html.Element(
        "span",
        {
            "class": "sidenote",
            "id": f"{SIDENOTE_PREFIX}{note.identifier}",
            "role": "note",
            "aria-label": labels_for(lang)["note"].format(number=note.number),
            "aria-hidden": "true",
        },
    )
    number = lxml.html.Element("span", {"class": "sidenote-number"})
    number.text = str(note.number)
    sidenote.append(number)
    content = parse_fragment(note.html)
    for element in content.iterdescendants():
        if isinstance(element.tag, str):
            element.attrib.pop("id", None)
            if element.tag == "a":
                element.set("tabindex", "-1")
    as_phrasing(content, "sidenote")
    number.tail = " " + (content.text or "").lstrip()
    sidenote.extend(list(content))
    return sidenote


def summary(body: lxml.html.HtmlElement) -> str | None:
    """The opening of the first paragraph, for pages whose front matter has no description."""
    paragraph = next(body.iter("p"), None)
    if paragraph is None:
        return None
    paragraph = copy.deepcopy(paragraph)
    for call in note_references(paragraph):
        call.drop_tree()
    text = " ".join(shown_text(paragraph).split())
    if len(text) <= DESCRIPTION_LENGTH:
        return text or None
    return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def open_graph(document: Document, description: str | None) -> list[tuple[str, str]]:
    """OpenGraph properties for link previews, in the order the protocol lists them."""
    metadata = document.metadata
    properties = [
        ("og:type", "article"),
        ("og:title", metadata.title),
        ("og:locale", metadata.lang.replace("-", "_")),
    ]
    if description:
        properties.append(("og:description", description))
    if metadata.publisher:
        properties.append(("og:site_name", metadata.publisher))
    properties += [("article:author", name) for name in metadata.authors]
    if metadata.date_iso:
        properties.append(("article:published_time", metadata.date_iso))
    properties.append(("article:modified_time", document.modified_iso))
    properties += [("article:tag", keyword) for keyword in metadata.keywords]
    return properties


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
        "author": [person_data(person) for person in metadata.people],
        "dateModified": document.modified_iso,
    }
    if metadata.subtitle:
        data["alternativeHeadline"] = metadata.subtitle
    if metadata.date_iso:
        data["datePublished"] = metadata.date_iso
    if metadata.description or metadata.abstract:
        data["description"] = metadata.description or metadata.abstract
    if metadata.abstract:
        data["abstract"] = metadata.abstract
    if metadata.keywords:
        data["keywords"] = list(metadata.keywords)
    if metadata.rights:
        data["copyrightNotice"] = metadata.rights
    if metadata.publisher:
        data["publisher"] = {"@type": "Organization", "name": metadata.publisher}
    if metadata.version:
        data["version"] = metadata.version
    if metadata.citation is not None:
        data.update(part_of_data(metadata.citation))
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
    data["wordCount"] = word_count(document.body)
    if document.cited_keys and document.references:
        entries = {str(entry.get("id")): entry for entry in document.references}
        data["citation"] = [citation(entries[key]) for key in document.cited_keys if key in entries]
    return data


def part_of_data(citation: Citation) -> dict[str, Any]:
    """The journal, volume and issue the article is part of, and its pages in the issue."""
    data: dict[str, Any] = {}
    container: dict[str, Any] | None = None
    if citation.container_title:
        container = {"@type": "Periodical", "name": citation.container_title}
    if citation.volume:
        container = {"@type": "PublicationVolume", "volumeNumber": citation.volume, **_part_of(container)}
    if citation.issue:
        container = {"@type": "PublicationIssue", "issueNumber": citation.issue, **_part_of(container)}
    if container is not None:
        data["isPartOf"] = container
    if citation.page_first:
        data["pageStart"] = citation.page_first
        data["pageEnd"] = citation.page_last or citation.page_first
        data["pagination"] = citation.pages
    return data


def _part_of(container: dict[str, Any] | None) -> dict[str, Any]:
    return {"isPartOf": container} if container is not None else {}


def person_data(person: Author) -> dict[str, Any]:
    """An author as a schema.org Person: affiliations as Organizations, the ORCID iD as sameAs."""
    data: dict[str, Any] = {"@type": "Person", "name": person.name}
    given, family = person.name_parts
    if person.family:
        data["givenName"], data["familyName"] = given, family
    if person.affiliations:
        data["affiliation"] = [organisation_data(affiliation) for affiliation in person.affiliations]
    if person.orcid_url:
        data["sameAs"] = person.orcid_url
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID", "value": person.orcid}
    if person.email:
        data["email"] = person.email
    if person.url:
        data["url"] = person.url
    return data


def organisation_data(affiliation: Affiliation) -> dict[str, Any]:
    organisation: dict[str, Any] = {"@type": "Organization", "name": affiliation.name}
    if affiliation.department:
        organisation["department"] = {"@type": "Organization", "name": affiliation.department}
    if affiliation.address:
        organisation["address"] = affiliation.address
    if affiliation.url:
        organisation["url"] = affiliation.url
    return organisation


def word_count(body: str) -> int:
    """Words of the running text, note calls left out."""
    fragment = parse_fragment(body)
    for call in note_references(fragment):
        call.drop_tree()
    return len(re.findall(r"\w+(?:[’'-]\w+)*", shown_text(fragment)))


def _has_text(element: lxml.html.HtmlElement) -> bool:
    return bool((element.text or "").strip() or any((child.tail or "").strip() for child in element))


def _script_safe(text: str) -> str:
    """JSON inside <script> must not close the element early."""
    return text.replace("</", "<\\/")
