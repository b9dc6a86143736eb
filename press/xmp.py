"""The front matter in XMP, the PDF's metadata: the date of publication and the authors in detail.

WeasyPrint writes the title, the names (dc:creator), the description and the
keywords from the print page's head; this adds what it has no place for: the
date as ISO 8601 (dc:date) and each author as a schema.org Person with
affiliations, ORCID iD and email (schema:author), in the namespaces the
caller declares with the prefixes `dc`, `rdf` and `schema`.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .metadata import Metadata
from .people import Author


def front_matter_xmp(metadata: Metadata) -> str:
    """XMP properties to put inside an rdf:Description."""
    parts = []
    if metadata.date_iso:
        parts.append(f"<dc:date><rdf:Seq><rdf:li>{escape(metadata.date_iso)}</rdf:li></rdf:Seq></dc:date>")
    if metadata.authors_in_detail:
        people = "".join(f'<rdf:li rdf:parseType="Resource">{_person(person)}</rdf:li>' for person in metadata.people)
        parts.append(f"<schema:author><rdf:Seq>{people}</rdf:Seq></schema:author>")
    return "".join(parts)


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
