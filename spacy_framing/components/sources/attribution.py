"""The attribution stages in order, from a Doc's index to its sources.

Each stage is a function of the frozen :class:`DocIndex` and the previous stage's plain
data: statements from cues, quotations given to statements, contents settled, speaker
mentions made, pronouns resolved, types and actors assigned, one source per mention.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .attach import attach_quotes
from .cues import Statement, noun_statement, phrase_statement, verb_statement
from .home_state import assign_types
from .index import DocIndex
from .mentions import Source, make_source
from .pronouns import resolve_pronouns


@dataclass(frozen=True)
class Attribution:
    """What the stages found in one Doc."""

    sources: tuple[Source, ...]
    # Statement-like quotations, attributed or not: voices other than the outlet's.
    quoted: tuple[tuple[int, int], ...]


def attribute(ix: DocIndex) -> Attribution:
    """Run every stage on an indexed Doc.

    ix (DocIndex): The Doc's index.
    RETURNS (Attribution): The sources, by position, and the statement-like quotations.
    """
    statements, statement_at_cue = find_statements(ix)
    statements, statement_at_cue = attach_quotes(ix, statements, statement_at_cue)
    statements = settle_contents(statements, statement_at_cue)
    sources = make_sources(ix, [s for s in statements if s.contents])
    sources = resolve_pronouns(ix, sources)
    sources = assign_types(ix, sources)
    quoted = tuple((s.start, s.end) for s in ix.segments if s.speech_like)
    return Attribution(tuple(merge_duplicates(sources)), quoted)


def find_statements(ix: DocIndex) -> tuple[list[Statement], dict[int, int]]:
    """Statements from cue verbs, phrase cues and statement nouns, in that order, and
    the position of each cue verb's statement."""
    statements: list[Statement] = []
    statement_at_cue: dict[int, int] = {}
    for i in sorted(ix.cues):
        statement = verb_statement(ix, i)
        if statement is not None:
            statement_at_cue[i] = len(statements)
            statements.append(statement)
    for record, start, end in ix.phrase_cues:
        statement = phrase_statement(ix, record, start, end)
        if statement is not None:
            statements.append(statement)
    for i in sorted(ix.noun_cues):
        statement = noun_statement(ix, i)
        if statement is not None:
            statements.append(statement)
    return statements, statement_at_cue


def settle_contents(statements: Sequence[Statement],
                    statement_at_cue: Mapping[int, int]) -> list[Statement]:
    """Contents for statements still without one: a stance verb's object, else the
    content of the cue verb a phrase cue or trailing report hangs on."""
    settled = [replace(s, contents=list(s.object_contents))
               if not s.contents and s.object_contents else s for s in statements]
    # In order: a statement can take content that an earlier one just took.
    for position, statement in enumerate(settled):
        if statement.content_from >= 0 and not statement.contents:
            index = statement_at_cue.get(statement.content_from)
            if index is not None and index != position:
                settled[position] = replace(statement, contents=list(settled[index].contents))
    return settled


def make_sources(ix: DocIndex, statements: Sequence[Statement]) -> list[Source]:
    """One source per statement head that gives a mention, by position."""
    sources: list[Source] = []
    for statement in statements:
        contents = sorted(dict.fromkeys(statement.contents))
        for head in statement.heads:
            source = make_source(ix, head, statement, contents)
            if source is not None:
                sources.append(source)
    sources.sort(key=lambda s: (s.start, s.cue))
    return sources


def merge_duplicates(sources: Sequence[Source]) -> list[Source]:
    """One source per mention, sorted by position.

    spaCy keys Span extension values by character offsets alone, so one mention can
    carry only one set of attributes: "X said ..., adding ..." becomes one SOURCE whose
    cue is the reporting word nearest the mention and whose content joins both parts.
    """
    merged: dict[tuple[int, int], Source] = {}
    for source in sorted(sources, key=lambda s: abs(s.cue[0] - s.head)):
        key = (source.start, source.end)
        existing = merged.get(key)
        if existing is None:
            merged[key] = source
            continue
        merged[key] = replace(existing,
                              contents=sorted(set(existing.contents) | set(source.contents)))
    return sorted(merged.values(), key=lambda s: (s.start, s.end))
