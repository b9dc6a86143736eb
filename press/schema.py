"""schema.org descriptions of the works a text cites, from their CSL JSON entries.

Search engines and citation tools read an article's `citation` list: each cited
work with its type, title, authors, date, container, publisher and identifiers.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: The schema.org type of a work, by CSL type; anything else is a CreativeWork.
WORK_TYPES = {
    "article": "Article",
    "article-journal": "ScholarlyArticle",
    "article-magazine": "Article",
    "article-newspaper": "NewsArticle",
    "book": "Book",
    "chapter": "Chapter",
    "dataset": "Dataset",
    "entry-dictionary": "Article",
    "entry-encyclopedia": "Article",
    "legislation": "Legislation",
    "map": "Map",
    "motion_picture": "Movie",
    "paper-conference": "ScholarlyArticle",
    "post": "SocialMediaPosting",
    "post-weblog": "BlogPosting",
    "report": "Report",
    "software": "SoftwareSourceCode",
    "thesis": "Thesis",
    "webpage": "WebPage",
}
#: The schema.org type of the work's container (CSL `container-title`), by CSL type.
CONTAINER_TYPES = {
    "article-journal": "Periodical",
    "article-magazine": "Periodical",
    "article-newspaper": "Newspaper",
    "post-weblog": "Blog",
    "webpage": "WebSite",
}
#: Containers that have volumes and issues.
SERIAL_CONTAINERS = ("Periodical", "Newspaper")
MARKUP = re.compile(r"<[^>]+>")


def citation(entry: dict[str, Any]) -> dict[str, Any]:
    """One cited work as a schema.org CreativeWork."""
    csl_type = str(entry.get("type", ""))
    work: dict[str, Any] = {"@type": WORK_TYPES.get(csl_type, "CreativeWork")}
    if title := plain(entry.get("title")):
        work["name"] = title
    for role in ("author", "editor"):
        people = [agent for name in entry.get(role) or [] if (agent := _agent(name))]
        if people:
            work[role] = people
    if date := _date(entry.get("issued")):
        work["datePublished"] = date
    if container := _container(entry, csl_type):
        work["isPartOf"] = container
    if pages := plain(entry.get("page")):
        work["pagination"] = pages
    if publisher := plain(entry.get("publisher")):
        work["publisher"] = {"@type": "Organization", "name": publisher}
    if language := plain(entry.get("language")):
        work["inLanguage"] = language
    if isbn := plain(entry.get("ISBN")):
        work["isbn"] = isbn
    doi = plain(entry.get("DOI"))
    if doi:
        work["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": doi}
        work["sameAs"] = f"https://doi.org/{doi}"
    if url := plain(entry.get("URL")) or (f"https://doi.org/{doi}" if doi else None):
        work["url"] = url
    return work


def plain(value: Any) -> str | None:
    """A CSL field as plain text: Pandoc's CSL JSON may carry HTML-like markup in titles."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(html.unescape(MARKUP.sub("", str(value))).split())
    return text or None


def _agent(name: Any) -> dict[str, Any] | None:
    if not isinstance(name, dict):
        return None
    if literal := plain(name.get("literal")):
        # A literal name is how CSL writes institutions ("U.S. Department of State").
        return {"@type": "Organization", "name": literal}
    parts = [plain(name.get(part)) for part in ("given", "non-dropping-particle", "family", "suffix")]
    full = " ".join(part for part in parts if part)
    return {"@type": "Person", "name": full} if full else None


def _date(issued: Any) -> str | None:
    """CSL `issued` as an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD."""
    if not isinstance(issued, dict):
        return None
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            numbers = [int(part) for part in parts[0][:3]]
        except (TypeError, ValueError):
            return None
        return "-".join([f"{numbers[0]:04d}", *(f"{number:02d}" for number in numbers[1:])])
    return plain(issued.get("literal")) or plain(issued.get("raw"))


def _container(entry: dict[str, Any], csl_type: str) -> dict[str, Any] | None:
    name = plain(entry.get("container-title"))
    if name is None:
        return None
    kind = CONTAINER_TYPES.get(csl_type, "CreativeWork")
    container: dict[str, Any] = {"@type": kind, "name": name}
    if issn := plain(entry.get("ISSN")):
        container["issn"] = issn
    if kind in SERIAL_CONTAINERS:
        if volume := plain(entry.get("volume")):
            container = {"@type": "PublicationVolume", "volumeNumber": volume, "isPartOf": container}
        if issue := plain(entry.get("issue")):
            container = {"@type": "PublicationIssue", "issueNumber": issue, "isPartOf": container}
    return container
