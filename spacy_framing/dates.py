"""Document dates: the ``Doc._.date`` extension and the days a date stands for.

``Doc._.date`` holds an ISO date string ("2014-05-03"; a month "2014-05" or a year "2014"
also work) or None. ``framing analyze`` and ``framing compare`` set it from each record's
``date`` field; users can set it themselves before the pipeline runs::

    doc = nlp.make_doc(text)
    doc._.date = "2011-06-01"
    doc = nlp(doc)

``framing_actors`` reads it to pick who held an office then (see
:mod:`spacy_framing.components.actors.offices`). The extension is registered when this
module is imported (``spacy_framing`` and the actors component import it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc

if TYPE_CHECKING:
    from spacy.language import Language

DATE_EXTENSION = "date"
# A year, a year and month, or a full date, optionally followed by a time ("T12:00Z",
# " 08:30:00"): the ISO forms corpora use.
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][0-9:.+\-Z]*)?\s*$")

DateBounds = tuple[dt.date, dt.date]
"""The first and the last day a date stands for (one day, a month or a year)."""


def register_date_extension() -> None:
    """Register ``Doc._.date`` (default None) unless it is registered already."""
    if not Doc.has_extension(DATE_EXTENSION):
        Doc.set_extension(DATE_EXTENSION, default=None)


def iso_date(value: Any) -> str | None:
    """``value`` as an ISO date string ("2014-05-03", "2014-05" or "2014"), or None when
    it is empty or not an ISO date (a time after the date is dropped).

    value (Any): A string, a ``datetime.date``/``datetime``, or None.
    RETURNS (str | None): The ISO date, or None.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    match = _ISO.match(value)
    if match is None or _parse(value) is None:
        return None
    return "-".join(part for part in match.groups() if part)


def date_bounds(value: Any) -> DateBounds | None:
    """The first and last day ``value`` stands for: "2014" is 2014-01-01..2014-12-31,
    "2014-05" the month, "2014-05-03" the day; None for no or an unusable date.

    value (Any): An ISO date string, a ``datetime.date``, or None.
    RETURNS (DateBounds | None): The bounds.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value, value
    if not isinstance(value, str):
        return None
    return _parse(value)


def _parse(text: str) -> DateBounds | None:
    match = _ISO.match(text)
    if not match:
        return None
    year = int(match.group(1))
    month, day = (int(part) if part else None for part in match.groups()[1:])
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        day_date = dt.date(year, month, day)
    except ValueError:
        return None
    return day_date, day_date


def doc_input(nlp: Language, text: str, date: Any) -> str | Doc:
    """What to give ``nlp.pipe`` for a record: the text, or, when the record has a usable
    date, a tokenized Doc whose ``Doc._.date`` is set (the rest of the pipeline runs on it
    as on a text).

    nlp (Language): The pipeline (its tokenizer makes the Doc).
    text (str): The record's text.
    date (Any): The record's ``date`` field.
    RETURNS (str | Doc): The text, or a Doc carrying the date.
    """
    iso = iso_date(date)
    if iso is None:
        return text
    doc = nlp.make_doc(text)
    doc._.set(DATE_EXTENSION, iso)
    return doc


register_date_extension()
