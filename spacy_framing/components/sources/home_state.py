"""Source types and actors, pooled per speaker, and the article's home state.

One speaker has one type and actor: what every mention of a person says is pooled,
including mentions that were no statements. Office holders whose state goes unsaid ("the
deputy attorney general", "lawmakers") then belong to the article's home state: the
state that most of its sources and mentions of domestic institutions belong to, when one
clearly dominates, since a report on one country's politics rarely names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .index import DocIndex
from .mentions import Evidence, Source, classify, mention_evidence, person_mentions
from .pronouns import unresolved_person

# The home state is the actor of at least this many sources and mentions, and of this
# many times as many as the next actor.
_MIN_HOME_SOURCES = 3
_HOME_DOMINANCE = 2.0


def assign_types(ix: DocIndex, sources: Sequence[Source]) -> list[Source]:
    """``sources`` with their source type and actor set.

    ix (DocIndex): The Doc's index.
    sources (Sequence[Source]): Sources with pronouns resolved.
    RETURNS (list[Source]): New sources, in the same order.
    """
    pooled = pool_evidence(ix, sources)
    typed: list[Source] = []
    for source in sources:
        evidence = _evidence_of(source, pooled)
        source_type = classify(evidence, source)
        if unresolved_person(ix, source):
            # "he said" about someone named too far back: a known person, and in news
            # most often an office holder.
            source_type = "official"
        actors = sorted(evidence.actors)
        typed.append(replace(source, source_type=source_type,
                             actor=actors[0][2] if actors else None))
    home = home_state(ix, typed)
    if home is None:
        return typed
    return [replace(source, actor=home) if _takes_home_state(ix, source, pooled) else source
            for source in typed]


def pool_evidence(ix: DocIndex, sources: Sequence[Source]) -> dict[str, Evidence]:
    """Speaker key -> what all sources and PERSON mentions of that speaker say."""
    pooled: dict[str, Evidence] = {}
    for source in sources:
        if source.group_key is None:
            continue
        pooled[source.group_key] = pooled.get(source.group_key, Evidence()).merged(
            source.evidence)
    for key in list(pooled):
        for ent_start, ent_end in person_mentions(ix, key):
            root = ix.doc[ent_start:ent_end].root
            pooled[key] = pooled[key].merged(
                mention_evidence(ix, root, ent_start, ent_end, "person"))
    return pooled


def home_state(ix: DocIndex, sources: Sequence[Source]) -> str | None:
    """The actor that clearly dominates the typed ``sources`` and the Doc's domestic
    mentions, or None."""
    counts: dict[str, int] = dict(ix.domestic_mentions)
    for source in sources:
        if source.actor is not None:
            counts[source.actor] = counts.get(source.actor, 0) + 1
    # A stable sort: among equal counts the first counted wins.
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < _MIN_HOME_SOURCES or (
            len(ranked) > 1 and ranked[0][1] < _HOME_DOMINANCE * ranked[1][1]):
        return None
    return ranked[0][0]


def _evidence_of(source: Source, pooled: Mapping[str, Evidence]) -> Evidence:
    return pooled.get(source.group_key, source.evidence) \
        if source.group_key is not None else source.evidence


def _takes_home_state(ix: DocIndex, source: Source, pooled: Mapping[str, Evidence]) -> bool:
    evidence = _evidence_of(source, pooled)
    return source.actor is None and source.source_type != "media" \
        and not evidence.non_state and not evidence.private_org and (
            evidence.official or evidence.former_official or evidence.state
            or unresolved_person(ix, source)
            # a named person typed an office holder by default (classify)
            or (source.source_type == "official" and evidence.named_person))
