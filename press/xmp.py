"""The front matter in XMP, the PDF's metadata: the date of publication and the authors in detail.

WeasyPrint writes the title, the names (dc:creator), the description and the
keywords from the print page's head; this adds what it has no place for: the
date as ISO 8601 (dc:date), each author as a schema.org Person with
affiliations, ORCID iD and email (schema:author), and for a work in a journal's
issue, the journal, volume, issue and pages as PRISM records them, in the
namespaces the caller declares with the prefixes `dc`, `rdf`, `schema` and `prism`.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .metadata import Citation, Metadata
from .people import Author

PRISM = "http://prismstandard.org/namespaces/basic/2.0/"


def front_matter_xmp(metadata: Metadata) -> str:
    """XMP properties to put inside an rdf:Description."""
    parts = []
    if metadata.date_iso:
        parts.append(f"<dc:date><rdf:Seq><rdf:li>{escape(metadata.date_iso)}</rdf:li></rdf:Seq></dc:date>")
    if metadata.authors_in_detail:
        people = "".join(f'<rdf:li rdf:parseType="Resource">{_person(person)}</rdf:li>' for person in metadata.people)
        parts.append(f"<schema:author><rdf:Seq>{people}</rdf:Seq></schema:author>")
    if metadata.citation is not None:
        parts.append(_prism(metadata.citation))
    return "".join(parts)


def _prism(citation: Citation) -> str:
    """The work's place in its journal, as PRISM's basic vocabulary has it."""
    fields = [
        ("publicationName", citation.container_title),
        ("volume", citation.volume),
        ("number", citation.issue),
        ("startingPage", citation.page_first),
        ("endingPage", citation.page_last or citation.page_first),
        ("pageRange", citation.pages),
    ]
    return "".join(f"<prism:{name}>{escape(value)}</prism:{name}>" for name, value in fields if value)


def _person(person: Author) -> str:
    properties = [f"<schema:name>{escape(person.name)}</schema:name>"]
    properties += [
        f"<schema:affiliation>{escape(affiliation.label)}</schema:affiliation>" for affiliation in person.affiliations
    ]
    if person.orcid_url:
        properties.append(f"<schema:sameAs rdf:resource={quoteattr(person.orcid_url)}/>")
    if person.email:
        properties.append(f"<schema:email>{escape(person.email)}</schema:email>")
    return "".join(properties)
