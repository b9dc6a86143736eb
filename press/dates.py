"""Dates as authors write them, read into ISO 8601 for metadata.

The editions print a date as it was written ('January 20, 2014'); metadata
(EPUB dc:date, schema.org datePublished, CITATION.cff, the PDF's XMP) needs
ISO 8601. The forms read are those of ISO 8601 and of English prose:
2014, 2014-01, 2014-01-20, 2014/01/20, January 2014, January 20, 2014,
Jan. 20 2014, 20 January 2014, 20 Jan 2014, 20.01.2014, 1/20/2014 and 20/1/2014
(not 1/2/2014, whose order no one can tell), and YAML dates; and Quarto's `today`, `now`
and `last-modified`, which are the build's date (SOURCE_DATE_EPOCH, the last commit's
time when Make builds, so that the editions stay reproducible).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
ISO = re.compile(
    r"(?P<year>\d{4})(?:[-/](?P<month>\d{1,2})(?:[-/](?P<day>\d{1,2}))?)?(?:[T ][\d:.+\-Z]*)?", re.IGNORECASE
)
MONTH_DAY_YEAR = re.compile(r"(?P<month>[a-z]+)\.?\s+(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+)?(?P<year>\d{4})")
DAY_MONTH_YEAR = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})")
#: 14/3/2026 or 3/14/2026 (as Quarto's templates write dates): read only when the day tells itself
#: apart from the month (above 12); 3/4/2026 is the 3rd of April to some readers, March 4th to others.
NUMERIC_SLASHED = re.compile(r"(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})")
#: 14.03.2026, as German and much of Europe write dates: day first.
NUMERIC_DOTTED = re.compile(r"(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})")


#: Quarto's words for the date of the build.
BUILD_DATE_WORDS = frozenset({"today", "now", "last-modified"})


def build_time() -> datetime:
    """SOURCE_DATE_EPOCH when set, so that builds are reproducible; otherwise now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def iso_date(value: object) -> str | None:
    """The date as YYYY, YYYY-MM or YYYY-MM-DD, or None when it is not a date these forms cover."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = " ".join(str(value).split()).lower()
    if text in BUILD_DATE_WORDS:
        return build_time().date().isoformat()
    if found := ISO.fullmatch(text):
        return _checked(found.group("year"), found.group("month"), found.group("day"))
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR):
        if (found := pattern.fullmatch(text)) and found.group("month") in MONTHS:
            return _checked(found.group("year"), str(MONTHS[found.group("month")]), found.group("day"))
    if found := NUMERIC_DOTTED.fullmatch(text):
        return _checked(found.group("year"), found.group("month"), found.group("day"))
    if found := NUMERIC_SLASHED.fullmatch(text):
        first, second = int(found.group("first")), int(found.group("second"))
        if first > 12 >= second:
            return _checked(found.group("year"), str(second), str(first))
        if second > 12 >= first:
            return _checked(found.group("year"), str(first), str(second))
    return None


def _checked(year: str, month: str | None, day: str | None) -> str | None:
    """The ISO form, if such a day (or month) exists."""
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join([year, *(f"{int(part):02d}" for part in (month, day) if part)])
