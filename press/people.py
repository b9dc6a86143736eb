"""Authors and their affiliations, read from the front matter by Quarto's schema or pandoc-scholar's.

An author is a name, or a mapping with `name` (text, or `given`/`family`/
`literal`), `affiliation` or `affiliations` (a name, a list of names, or
references to the top-level `affiliations` list by `id`, as `ref: id` or the
bare id), `orcid`, `email`, `url` and `corresponding: true` (also under
`attributes`, as Quarto writes it). Affiliations are a name or a mapping with
`id`, `name`, `department`, `address`, `city`, `region`, `country`,
`postal-code` and `url`.

pandoc-scholar's scholarly-metadata writes an author as a mapping of one key, the
name, to the author's fields (or to nothing): `- Jane Doe: {institute: [fosg],
email: …, correspondence: yes}`. Its `institute` names institutes by their id in
the top-level `institute` list (each a name, a mapping with `name`, or a mapping of
one key, the id, to a name or to fields), by their number in it, or by name; they
are the author's affiliations, and `correspondence` makes the corresponding author.

A key of an author that Quarto or pandoc-scholar knows and no edition shows
(`note`, `roles`, `equal_contributor`…) is reported as ignored; any other as
unknown, with the known key it may be a misspelling of. Every message names the
place of the value it is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import did_you_mean
from .frontmatter import ValuePath

ORCID = re.compile(r"(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
ORCID_URL = "https://orcid.org/{}"
EMAIL = re.compile(r"(?:mailto:)?([^@\s]+@[^@\s]+\.[^@\s]+)")
ADDRESS_PARTS = ("address", "city", "region", "state", "postal-code", "country")
#: An author's keys the editions use, with what they hold: Quarto's, and pandoc-scholar's names for the same.
AUTHOR_FIELDS = {
    "name": "the name as printed: text, or a mapping of given, family, literal",
    "given": "the given names, when there is no 'name'",
    "family": "the family name, when there is no 'name'",
    "literal": "the name as printed, when there is no 'name'",
    "dropping-particle": "a particle before the family name (de, van), when there is no 'name'",
    "non-dropping-particle": "a particle before the family name (de, van), when there is no 'name'",
    "affiliations": "the author's affiliations: names, ids of the top-level 'affiliations', or mappings",
    "affiliation": "the same as 'affiliations'",
    "institute": "pandoc-scholar: the author's institutes, by id or number in the top-level 'institute', or by name",
    "orcid": "the ORCID iD",
    "email": "the email address",
    "url": "the author's web address",
    "corresponding": "true for the corresponding author",
    "correspondence": "pandoc-scholar: yes for the corresponding author",
    "attributes": "Quarto: corresponding, equal-contributor, deceased",
}
#: Keys Quarto or pandoc-scholar give an author that no edition shows.
IGNORED_AUTHOR_FIELDS = {
    "id": "Quarto: the author's id",
    "number": "Quarto: the author's number",
    "note": "Quarto: a note about the author",
    "acknowledgements": "Quarto: the author's acknowledgements",
    "roles": "Quarto: the author's roles (CRediT)",
    "role": "Quarto: the author's role (CRediT)",
    "degrees": "Quarto: the author's degrees",
    "deceased": "Quarto: true for an author who has died",
    "equal-contributor": "Quarto: true for an author who contributed equally",
    "equal_contributor": "pandoc-scholar: yes for an author who contributed equally",
    "fax": "Quarto: a fax number",
    "phone": "Quarto: a telephone number",
    "metadata": "Quarto: other data about the author",
}
#: What Quarto's `attributes` of an author may hold: `corresponding` is shown, the others no edition shows.
ATTRIBUTE_FIELDS = {"corresponding": "true for the corresponding author"}
IGNORED_ATTRIBUTE_FIELDS = {
    "equal-contributor": "Quarto: true for an author who contributed equally",
    "deceased": "Quarto: true for an author who has died",
}
#: How pandoc-scholar and YAML authors say yes (`correspondence: yes`, `"true"`).
YES = ("yes", "true")
Warn = Callable[[ValuePath, str], None]
"""Tells the author about a value that could not be read, or is not used: (where it is, message)."""


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


def read_authors(value: Any, affiliations: Any, institutes: Any, warning: Warn) -> tuple[Author, ...]:
    """The authors of `author` (one or a list), their affiliations resolved against `affiliations` (Quarto's)
    and `institute` (pandoc-scholar's)."""
    known = _affiliation_table(affiliations, warning)
    institute_table = _institute_table(institutes, warning)
    entries = [
        _fields(entry, ("author", index) if isinstance(value, list) else ("author",))
        for index, entry in enumerate(value if isinstance(value, list) else [] if value is None else [value])
    ]
    # Quarto lets an author define an affiliation with its `id` for the others to `ref`.
    for entry, _ in entries:
        listed = entry.get("affiliations", entry.get("affiliation")) if isinstance(entry, dict) else None
        for item in listed if isinstance(listed, list) else [listed]:
            if isinstance(item, dict) and _scalar(item.get("id")) and _scalar(item.get("name")):
                known.setdefault(str(_scalar(item.get("id"))), _named_affiliation(item))
    referred: set[int] = set()
    authors = []
    for entry, path in entries:
        author = _author(entry, path, known, institute_table, referred, warning)
        if author is not None:
            authors.append(author)
    if institute_table and not referred:
        warning(
            ("institute",),
            "'institute' is ignored: no author refers to it (pandoc-scholar's authors name theirs with"
            " `institute: <id>`; a LaTeX Beamer institute line is not printed)",
        )
    return tuple(authors)


def _fields(entry: Any, path: ValuePath) -> tuple[Any, ValuePath]:
    """An author's fields and where they are: pandoc-scholar's `Jane Doe: {fields}` read as `{name: Jane Doe,
    fields}` (a name in the fields wins, as in scholarly-metadata), the fields' place one key deeper."""
    if isinstance(entry, dict) and len(entry) == 1:
        ((key, fields),) = entry.items()
        named_by_key = str(key) not in AUTHOR_FIELDS and str(key) not in IGNORED_AUTHOR_FIELDS
        if named_by_key and (fields is None or isinstance(fields, dict)):
            return {"name": str(key), **(fields or {})}, (*path, str(key))
    return entry, path


def _author(
    entry: Any,
    path: ValuePath,
    known: dict[str, Affiliation],
    institutes: list[tuple[str, Affiliation]],
    referred: set[int],
    warning: Warn,
) -> Author | None:
    if not isinstance(entry, dict):
        name = _scalar(entry)
        if name is None:
            warning(path, f"an author must be a name or a mapping with 'name', not {entry!r}; left out")
        return Author(name) if name else None
    given, family, name = _name(entry.get("name", entry))
    if name is None:
        warning(path, f"an author has no 'name' ({', '.join(map(str, entry))}); left out")
        return None
    _report_keys(entry, path, name, warning)
    attributes = entry.get("attributes")
    attributes = attributes if isinstance(attributes, dict) else {}
    listed = entry.get("affiliations", entry.get("affiliation"))
    listed_key = "affiliations" if "affiliations" in entry else "affiliation"
    items = listed if isinstance(listed, list) else [] if listed is None else [listed]
    return Author(
        name=name,
        given=given,
        family=family,
        affiliations=tuple(
            affiliation
            for index, item in enumerate(items)
            if (affiliation := _affiliation(item, known, _item_path(path, listed_key, listed, index), warning))
            is not None
        )
        + _institutes(entry.get("institute"), (*path, "institute"), institutes, referred),
        orcid=_orcid(entry.get("orcid"), name, (*path, "orcid"), warning),
        email=_email(entry.get("email"), name, (*path, "email"), warning),
        url=_web_address(entry.get("url"), name, (*path, "url"), warning),
        corresponding=any(
            _says_yes(flag)
            for flag in (entry.get("corresponding"), entry.get("correspondence"), attributes.get("corresponding"))
        ),
    )


def _report_keys(entry: dict[Any, Any], path: ValuePath, name: str, warning: Warn) -> None:
    """A warning at each key of an author no edition uses: known to Quarto or pandoc-scholar, or unknown."""
    for key in map(str, entry):
        if key in IGNORED_AUTHOR_FIELDS:
            meaning = IGNORED_AUTHOR_FIELDS[key]
            warning((*path, key), f"'{key}' of an author ({name}) is ignored, no edition uses it ({meaning})")
        elif key not in AUTHOR_FIELDS:
            known = [*AUTHOR_FIELDS, *IGNORED_AUTHOR_FIELDS]
            warning((*path, key), f"unknown key '{key}' of an author ({name}), ignored{did_you_mean(key, known)}")
    attributes = entry.get("attributes")
    for key in map(str, attributes if isinstance(attributes, dict) else {}):
        if key in IGNORED_ATTRIBUTE_FIELDS:
            meaning = IGNORED_ATTRIBUTE_FIELDS[key]
            warning(
                (*path, "attributes", key),
                f"'attributes: {key}' of an author ({name}) is ignored, no edition uses it ({meaning})",
            )
        elif key not in ATTRIBUTE_FIELDS:
            known = [*ATTRIBUTE_FIELDS, *IGNORED_ATTRIBUTE_FIELDS]
            warning(
                (*path, "attributes", key),
                f"unknown key '{key}' in the attributes of an author ({name}), ignored{did_you_mean(key, known)}",
            )


def _item_path(path: ValuePath, key: str, value: Any, index: int) -> ValuePath:
    """Where the `index`th item of a value that may be a list or one item is."""
    return (*path, key, index) if isinstance(value, list) else (*path, key)


def _says_yes(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in YES)


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
    for index, item in enumerate(value if isinstance(value, list) else [] if value is None else [value]):
        where = ("affiliations", index) if isinstance(value, list) else ("affiliations",)
        if isinstance(item, dict) and _scalar(item.get("id")):
            affiliation = _affiliation(item, {}, where, warning)
            if affiliation is not None:
                table[str(_scalar(item.get("id")))] = affiliation
        else:
            warning(where, "each entry of 'affiliations' needs an 'id' that authors refer to")
    return table


def _affiliation(item: Any, known: dict[str, Affiliation], path: ValuePath, warning: Warn) -> Affiliation | None:
    if not isinstance(item, dict):
        name = _scalar(item)
        if name is None:
            return None
        return known.get(name, Affiliation(name))
    if (reference := _scalar(item.get("ref"))) is not None:
        if reference not in known:
            warning(path, f"no affiliation has the id '{reference}'; known: {', '.join(known) or 'none'}")
        return known.get(reference)
    if _scalar(item.get("name")) is None and (identifier := _scalar(item.get("id"))) in known:
        return known[str(identifier)]
    if _scalar(item.get("name")) is None:
        warning(path, "an affiliation has no 'name'; left out")
        return None
    return _named_affiliation(item)


def _named_affiliation(item: dict[Any, Any]) -> Affiliation:
    """An affiliation written as a mapping with its `name`."""
    address = ", ".join(part for key in ADDRESS_PARTS if (part := _scalar(item.get(key))))
    return Affiliation(
        str(_scalar(item.get("name"))), _scalar(item.get("department")), address or None, _scalar(item.get("url"))
    )


def _institute_table(value: Any, warning: Warn) -> list[tuple[str, Affiliation]]:
    """pandoc-scholar's top-level `institute`, in order, with each institute's id: a name (its own id), a
    mapping with `name` (and an `id`, or the name is its id), or a mapping of one key, its id, to its name or
    to its fields (`- fosg: {name: Formatting Open Science Group}`, `- fop: Federation of Planets`)."""
    table = []
    for index, item in enumerate(value if isinstance(value, list) else [] if value is None else [value]):
        found = _institute(item)
        if found is None:
            where = ("institute", index) if isinstance(value, list) else ("institute",)
            warning(where, "an institute must be a name, or a mapping with 'name' or of its id to its name; left out")
        else:
            table.append(found)
    return table


def _institute(item: Any) -> tuple[str, Affiliation] | None:
    """An institute as pandoc-scholar writes one (see `_institute_table`), with its id."""
    if not isinstance(item, dict):
        name = _scalar(item)
        return (name, Affiliation(name)) if name else None
    if _scalar(item.get("name")) is not None:
        return str(_scalar(item.get("id")) or _scalar(item.get("name"))), _named_affiliation(item)
    if len(item) == 1:
        ((identifier, fields),) = item.items()
        if isinstance(fields, dict):
            return str(identifier), _named_affiliation({**fields, "name": _scalar(fields.get("name")) or identifier})
        name = _scalar(fields)
        return (str(identifier), Affiliation(name)) if name else None
    return None


def _institutes(
    value: Any, path: ValuePath, institutes: list[tuple[str, Affiliation]], referred: set[int]
) -> tuple[Affiliation, ...]:
    """An author's `institute` (one or a list), as scholarly-metadata resolves it: a number is the institute at
    that place in the top-level list (from 1), an id that institute, anything else an institute of its own."""
    found = []
    for item in value if isinstance(value, list) else [] if value is None else [value]:
        position = None
        if isinstance(item, int) and not isinstance(item, bool) and 1 <= item <= len(institutes):
            position = item - 1
        elif _scalar(item) is not None:
            position = next((index for index, (key, _) in enumerate(institutes) if key == _scalar(item)), None)
        if position is not None:
            referred.add(position)
            found.append(institutes[position][1])
        elif (own := _institute(item)) is not None:
            found.append(own[1])
    return tuple(found)


def _orcid(value: Any, name: str, path: ValuePath, warning: Warn) -> str | None:
    text = _scalar(value)
    if text is None:
        return None
    found = ORCID.fullmatch(text)
    if found is None or not _orcid_checksum_holds(found.group(1)):
        warning(path, f"'{text}' is not an ORCID iD (0000-0000-0000-0000) for {name}; left out")
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


def _email(value: Any, name: str, path: ValuePath, warning: Warn) -> str | None:
    text = _scalar(value)
    if text is None:
        return None
    found = EMAIL.fullmatch(text)
    if found is None:
        warning(path, f"'{text}' is not an email address for {name}; left out")
        return None
    return found.group(1)


def _web_address(value: Any, name: str, path: ValuePath, warning: Warn) -> str | None:
    text = _scalar(value)
    if text is None or text.startswith(("https://", "http://")):
        return text
    warning(path, f"'{text}' is not a web address (https://…) for {name}; left out")
    return None


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return " ".join(str(value).split()) or None
