"""Authors and their affiliations, read from the front matter by Quarto's schema.

An author is a name, or a mapping with `name` (text, or `given`/`family`/
`literal`), `affiliation` or `affiliations` (a name, a list of names, or
references to the top-level `affiliations` list by `id`, as `ref: id` or the
bare id), `orcid`, `email`, `url` and `corresponding: true` (also under
`attributes`, as Quarto writes it). Affiliations are a name or a mapping with
`id`, `name`, `department`, `address`, `city`, `region`, `country`,
`postal-code` and `url`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ORCID = re.compile(r"(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
ORCID_URL = "https://orcid.org/{}"
EMAIL = re.compile(r"(?:mailto:)?([^@\s]+@[^@\s]+\.[^@\s]+)")
ADDRESS_PARTS = ("address", "city", "region", "state", "postal-code", "country")
Warn = Callable[[str, str], None]
"""Tells the author about a value that could not be read: (field, message)."""


@dataclass(frozen=True)
class Affiliation:
    """An organisation an author belongs to."""

    name: str
    department: str | None = None
    address: str | None = None
    url: str | None = None

    @property
    def label(self) -> str:
        """The affiliation as printed: department, organisation, place."""
        return ", ".join(part for part in (self.department, self.name, self.address) if part)


@dataclass(frozen=True)
class Author:
    """An author: the name as printed, its parts where known, and how to reach or identify them."""

    name: str
    given: str | None = None
    family: str | None = None
    affiliations: tuple[Affiliation, ...] = ()
    orcid: str | None = None
    email: str | None = None
    url: str | None = None
    corresponding: bool = False

    @property
    def orcid_url(self) -> str | None:
        return ORCID_URL.format(self.orcid) if self.orcid else None

    @property
    def name_parts(self) -> tuple[str, str]:
        """(given names, family name): as written, or split at the last space of the name."""
        if self.family:
            return self.given or "", self.family
        given, _, family = self.name.rpartition(" ")
        return given, family


def read_authors(value: Any, affiliations: Any, warning: Warn) -> tuple[Author, ...]:
    """The authors of `author` (one or a list), their affiliations resolved against `affiliations`."""
    known = _affiliation_table(affiliations, warning)
    entries = value if isinstance(value, list) else [] if value is None else [value]
    # Quarto lets an author define an affiliation with its `id` for the others to `ref`.
    for entry in entries:
        listed = entry.get("affiliations", entry.get("affiliation")) if isinstance(entry, dict) else None
        for item in listed if isinstance(listed, list) else [listed]:
            if isinstance(item, dict) and _scalar(item.get("id")) and _scalar(item.get("name")):
                defined = _affiliation(item, {}, warning)
                if defined is not None:
                    known.setdefault(str(_scalar(item.get("id"))), defined)
    authors = []
    for entry in entries:
        author = _author(entry, known, warning)
        if author is not None:
            authors.append(author)
    return tuple(authors)


def _author(entry: Any, known: dict[str, Affiliation], warning: Warn) -> Author | None:
    if not isinstance(entry, dict):
        name = _scalar(entry)
        if name is None:
            warning("author", f"an author must be a name or a mapping with 'name', not {entry!r}; left out")
        return Author(name) if name else None
    given, family, name = _name(entry.get("name", entry))
    if name is None:
        warning("author", f"an author has no 'name' ({', '.join(map(str, entry))}); left out")
        return None
    attributes = entry.get("attributes")
    attributes = attributes if isinstance(attributes, dict) else {}
    listed = entry.get("affiliations", entry.get("affiliation"))
    return Author(
        name=name,
        given=given,
        family=family,
        affiliations=tuple(
            affiliation
            for item in (listed if isinstance(listed, list) else [] if listed is None else [listed])
            if (affiliation := _affiliation(item, known, warning)) is not None
        ),
        orcid=_orcid(entry.get("orcid"), name, warning),
        email=_email(entry.get("email"), name, warning),
        url=_web_address(entry.get("url"), name, warning),
        corresponding=bool(entry.get("corresponding") or attributes.get("corresponding")),
    )


def _name(value: Any) -> tuple[str | None, str | None, str | None]:
    """(given, family, the name as printed) from a name or a mapping of its parts."""
    if not isinstance(value, dict):
        return None, None, _scalar(value)
    literal = _scalar(value.get("literal"))
    given = _scalar(value.get("given"))
    particle = _scalar(value.get("dropping-particle")) or _scalar(value.get("non-dropping-particle"))
    family = _scalar(value.get("family"))
    if family and particle:
        family = f"{particle} {family}"
    printed = literal or " ".join(part for part in (given, family) if part) or None
    return given, family, printed


def _affiliation_table(value: Any, warning: Warn) -> dict[str, Affiliation]:
    """The top-level `affiliations`, by id."""
    table: dict[str, Affiliation] = {}
    for item in value if isinstance(value, list) else [] if value is None else [value]:
        if isinstance(item, dict) and _scalar(item.get("id")):
            affiliation = _affiliation(item, {}, warning)
            if affiliation is not None:
                table[str(_scalar(item.get("id")))] = affiliation
        else:
            warning("affiliations", "each entry of 'affiliations' needs an 'id' that authors refer to")
    return table


def _affiliation(item: Any, known: dict[str, Affiliation], warning: Warn) -> Affiliation | None:
    if not isinstance(item, dict):
        name = _scalar(item)
        if name is None:
            return None
        return known.get(name, Affiliation(name))
    if (reference := _scalar(item.get("ref"))) is not None:
        if reference not in known:
            warning("affiliations", f"no affiliation has the id '{reference}'; known: {', '.join(known) or 'none'}")
        return known.get(reference)
    name = _scalar(item.get("name"))
    if name is None and (identifier := _scalar(item.get("id"))) in known:
        return known[str(identifier)]
    if name is None:
        warning("affiliations", "an affiliation has no 'name'; left out")
        return None
    address = ", ".join(part for key in ADDRESS_PARTS if (part := _scalar(item.get(key))))
    return Affiliation(name, _scalar(item.get("department")), address or None, _scalar(item.get("url")))


def _orcid(value: Any, name: str, warning: Warn) -> str | None:
    text = _scalar(value)
    if text is None:
        return None
    found = ORCID.fullmatch(text)
    if found is None or not _orcid_checksum_holds(found.group(1)):
        warning("author", f"'{text}' is not an ORCID iD (0000-0000-0000-0000) for {name}; left out")
        return None
    return found.group(1).upper()


def _orcid_checksum_holds(orcid: str) -> bool:
    """ISO 7064 MOD 11-2, the check digit ORCID iDs end with."""
    digits = orcid.replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return digits[-1].upper() == ("X" if check == 10 else str(check))


def _email(value: Any, name: str, warning: Warn) -> str | None:
    text = _scalar(value)
    if text is None:
        return None
    found = EMAIL.fullmatch(text)
    if found is None:
        warning("author", f"'{text}' is not an email address for {name}; left out")
        return None
    return found.group(1)


def _web_address(value: Any, name: str, warning: Warn) -> str | None:
    text = _scalar(value)
    if text is None or text.startswith(("https://", "http://")):
        return text
    warning("author", f"'{text}' is not a web address (https://…) for {name}; left out")
    return None


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return " ".join(str(value).split()) or None
