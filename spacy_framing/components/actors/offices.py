"""Who held which office when: the ``terms`` of leader records and the date of a Doc.

A leader record may list the offices its person held::

    {"actor": "United States", "person": "Barack Obama", "names": ["Barack Obama", "Obama"],
     "terms": [{"role": "President", "start": "2009-01-20", "end": "2017-01-20"}]}

Each term has a ``role`` (the office, spelled as the ``office`` context rules name it, so
that "the U.S. president" finds its holder), a ``start`` and an optional ``end`` (ISO
dates, or a month or year; no ``end`` means still in office, both ends count as in
office) and an optional ``actor`` (default: the record's; Mark Rutte was the
Netherlands' prime minister, then NATO's secretary general). The record's own ``actor``
is what the person stands for in a document without a date.

With ``Doc._.date`` set, a mention of the person names the actor of a term that covers
the date, and none when no term does ("Trump" in 2014 is no state's voice); a record
without ``terms`` stands for its actor at any date. A title ("the Chinese president",
"Russia's foreign minister") names the one person who held that role for that actor on
the date; without a date, or with several holders (spokespeople), it names nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...dates import DateBounds, date_bounds
from ...errors import ActorErrors

TERM_KEYS = frozenset({"role", "actor", "start", "end"})


@dataclass(frozen=True)
class Term:
    """One office held: the actor it speaks for, the role, first and last day."""

    actor: str
    role: str
    start: dt.date
    end: dt.date | None = None

    def covers(self, bounds: DateBounds) -> bool:
        """Whether the term overlaps the days ``bounds`` stands for."""
        first, last = bounds
        return self.start <= last and (self.end is None or self.end >= first)


def compile_terms(record: Mapping[str, Any], actor: str) -> tuple[Term, ...]:
    """The terms of a leader record; ValueError when a term is unusable.

    record (Mapping[str, Any]): A leader record (with ``person``).
    actor (str): The record's actor, the default of each term's.
    RETURNS (tuple[Term, ...]): The terms in the record's order (empty without ``terms``).
    """
    value = record.get("terms", [])
    if not isinstance(value, list) or not all(isinstance(term, Mapping) for term in value):
        raise ValueError(ActorErrors.E111.format(value=value))
    terms: list[Term] = []
    for index, term in enumerate(value, start=1):
        unknown = sorted(set(term) - TERM_KEYS)
        if unknown:
            raise ValueError(ActorErrors.E114.format(index=index, keys=", ".join(unknown)))
        role, term_actor = term.get("role"), term.get("actor", actor)
        if not all(isinstance(text, str) and text.strip() for text in (role, term_actor)):
            raise ValueError(ActorErrors.E111.format(value=dict(term)))
        start = _bound(term.get("start"), index, "start", first=True)
        end = _bound(term.get("end"), index, "end", first=False)
        if start is None:
            raise ValueError(ActorErrors.E112.format(index=index, key="start", optional="",
                                                     value=term.get("start")))
        if end is not None and end < start:
            raise ValueError(ActorErrors.E113.format(index=index, start=start, end=end))
        terms.append(Term(actor=term_actor.strip(), role=role.strip(), start=start, end=end))
    return tuple(terms)


def _bound(value: Any, index: int, key: str, *, first: bool) -> dt.date | None:
    if value is None:
        return None
    bounds = date_bounds(value) if isinstance(value, str) else None
    if bounds is None:
        optional = " or null" if key == "end" else ""
        raise ValueError(ActorErrors.E112.format(index=index, key=key, optional=optional,
                                                 value=value))
    return bounds[0] if first else bounds[1]


def actor_at(terms: Sequence[Term], default: str, bounds: DateBounds | None) -> str | None:
    """The actor a person stands for on ``bounds``: ``default`` without a date or without
    terms, else the actor of the first term covering the date, else None.

    terms (Sequence[Term]): The person's terms.
    default (str): The record's actor.
    bounds (DateBounds | None): The document's date.
    RETURNS (str | None): The actor, or None when the person held no office then.
    """
    if bounds is None or not terms:
        return default
    for term in terms:
        if term.covers(bounds):
            return term.actor
    return None


class OfficeHolders:
    """The terms of every person, by person and by office (actor and role)."""

    def __init__(self) -> None:
        self._by_office: dict[tuple[str, str], list[tuple[str, Term]]] = {}
        self._actors: dict[str, list[str]] = {}

    def add(self, person: str, actor: str, terms: Iterable[Term]) -> None:
        """Record ``person``'s terms (``actor`` is the record's, for :meth:`actors_of`)."""
        actors = self._actors.setdefault(person, [])
        for term in terms:
            self._by_office.setdefault((term.actor, term.role), []).append((person, term))
            if term.actor not in actors:
                actors.append(term.actor)
        if not actors:
            actors.append(actor)

    def holder(self, actor: str, role: str, bounds: DateBounds | None) -> str | None:
        """The one person who held ``role`` for ``actor`` on ``bounds``; None without a
        date, with nobody or with several holders."""
        if bounds is None:
            return None
        people = {person for person, term in self._by_office.get((actor, role), ())
                  if term.covers(bounds)}
        return people.pop() if len(people) == 1 else None

    def actors_of(self, person: str) -> list[str]:
        """The actors ``person`` spoke for, in the order of their terms."""
        return list(self._actors.get(person, ()))

    def roles(self) -> set[str]:
        """Every role some term names."""
        return {role for _, role in self._by_office}
