"""The per-Doc index the attribution stages read: built once, never changed.

Sentence and paragraph bounds, quotation segments, headings, rule matches by token
(cues, roles, modifiers, documents, honorifics, affiliations), actor spans by token and
the document's PERSON names. Array lookups replace Python loops over every token.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy
from spacy.attrs import IS_SPACE, SENT_START
from spacy.tokens import Doc

from ...types import Pattern
from ..actors import RULE_INSTITUTION
from .learned import NO_PROPOSALS, Proposals, cues_with_proposals
from .matchers import CompiledRules
from .quotes import Segment, find_segments
from .rules import WordLists

# A role match: the record and the tokens it covers.
RoleMatch = tuple[Pattern, int, int]

_MAX_HEADING_TOKENS = 30
_CLOSING_PUNCT = frozenset({".", "!", "?", ":", ")", "…", "...", ";"})


@dataclass(frozen=True)
class DocIndex:
    """Everything the attribution stages look up in one Doc."""

    doc: Doc
    words: WordLists
    use_textacy: bool
    max_antecedent_sentences: int
    max_quote_gap_sentences: int
    sent_starts: tuple[int, ...]
    paragraph_breaks: tuple[int, ...]
    segments: tuple[Segment, ...]
    segment_starts: tuple[int, ...]
    headings: tuple[tuple[int, int], ...]
    cues: Mapping[int, Pattern]
    phrase_cues: tuple[tuple[Pattern, int, int], ...]
    noun_cues: Mapping[int, Pattern]
    roles: Mapping[int, RoleMatch]
    modifiers: frozenset[int]
    documents: frozenset[int]
    honorifics: frozenset[int]
    # Words that tie a speaker to a state without naming it ("D-Ore.", "Sen.").
    affiliation_at: Mapping[int, str]
    political_bodies: frozenset[int]  # "Democrats", "House Republicans"
    # Mentions of a state's own politics (its institutions, parties, titles): evidence
    # of the state an article is about, for speakers whose state goes unsaid.
    domestic_mentions: Mapping[str, int]
    non_state_at: frozenset[int]  # NATO, the EU: actors that are no state
    actor_at: Mapping[int, str]
    person_names: tuple[tuple[int, int], ...]
    # Per name: its lower-case words, and whether all of them are proper nouns.
    person_name_words: tuple[tuple[list[str], bool], ...]
    person_index: Mapping[str, tuple[int, ...]]  # word -> positions in person_names
    person_name_texts: tuple[str, ...]
    # Surnames the NER tags as PERSON somewhere but not everywhere ("according to X").
    person_words: frozenset[str]
    # Words of names given in full ("Vicente Fox"): a one-word PERSON ("Yonhap") may be
    # an outlet the recognizer took for a person.
    full_name_words: frozenset[str]
    # Speaker heads the trained categorizer proposes, with their scores (see .learned).
    model_speakers: Mapping[int, float] = field(default_factory=dict)
    model_cues: Mapping[int, float] = field(default_factory=dict)

    def sent_index(self, i: int) -> int:
        return bisect_right(self.sent_starts, i) - 1

    def sent_bounds(self, index: int) -> tuple[int, int]:
        start = self.sent_starts[index]
        end = self.sent_starts[index + 1] if index + 1 < len(self.sent_starts) \
            else len(self.doc)
        return start, end

    def paragraph_bounds(self, i: int) -> tuple[int, int]:
        return paragraph_bounds(self.paragraph_breaks, len(self.doc), i)

    def segment_at(self, i: int) -> int:
        """Index of the segment whose marks enclose token ``i`` (marks included), or -1."""
        index = bisect_right(self.segment_starts, i) - 1
        while index >= 0:
            segment = self.segments[index]
            close = segment.close_mark if segment.close_mark >= 0 else segment.end
            if segment.open_mark <= i <= close:
                return index
            # Segments never nest, but an unclosed one can end before a later opener.
            if close < i:
                return -1
            index -= 1
        return -1

    def in_quote(self, i: int) -> bool:
        return self.segment_at(i) >= 0

    def in_heading(self, i: int) -> bool:
        return any(start <= i < end for start, end in self.headings)

    def clean_name(self, start: int, end: int, anchor: int) -> tuple[int, int]:
        """Clip a name to its paragraph and drop titles before it and a possessive after
        it ("Mr. Akin's" -> "Akin")."""
        return clean_name(self.doc, self.paragraph_breaks, self.honorifics, self.roles,
                          self.words.possessive_marks, start, end, anchor)


def paragraph_bounds(breaks: Sequence[int], length: int, i: int) -> tuple[int, int]:
    index = bisect_left(breaks, i)
    start = breaks[index - 1] + 1 if index > 0 else 0
    end = breaks[index] if index < len(breaks) else length
    return start, end


def clean_name(doc: Doc, breaks: Sequence[int], honorifics: frozenset[int],
               roles: Mapping[int, RoleMatch], possessive_marks: frozenset[str],
               start: int, end: int, anchor: int) -> tuple[int, int]:
    """See :meth:`DocIndex.clean_name`; usable before the index exists."""
    low, high = paragraph_bounds(breaks, len(doc), anchor)
    start, end = max(start, low), min(end, high)
    while start < end - 1 and (start in honorifics or start in roles
                               or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > start and (doc[end - 1].lower_ in possessive_marks
                               or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def build_index(
    doc: Doc,
    *,
    rules: CompiledRules,
    words: WordLists,
    actors_key: str,
    canonical_actor: Callable[[str], str | None],
    non_state_actors: frozenset[str],
    use_textacy: bool,
    max_antecedent_sentences: int,
    max_quote_gap_sentences: int,
    proposals: Proposals = NO_PROPOSALS,
) -> DocIndex:
    """Index a parsed Doc for the attribution stages.

    doc (Doc): A Doc with a dependency parse.
    rules (CompiledRules): The component's matchers.
    words (WordLists): The rule set's named word lists.
    actors_key (str): The span group of framing_actors.
    canonical_actor (Callable[[str], str | None]): An AFFILIATION rule's actor as the
        actors component spells it.
    non_state_actors (frozenset[str]): Organisations and groups (NATO, the EU).
    use_textacy, max_antecedent_sentences, max_quote_gap_sentences: The component's
        settings, carried for the stages.
    proposals (Proposals): The trained categorizer's speakers and cues (none: the rules
        alone).
    RETURNS (DocIndex): The index.
    """
    flags = doc.to_array([SENT_START, IS_SPACE])
    starts = [int(i) for i in numpy.flatnonzero(flags[:, 0] == 1)]
    sent_starts = tuple(starts if starts and starts[0] == 0 else [0, *starts])
    breaks = tuple(int(i) for i in numpy.flatnonzero(flags[:, 1]) if "\n" in doc[int(i)].text)
    segments = tuple(find_segments(doc, breaks))
    matches = _collect_matches(doc, rules, canonical_actor)
    domestic = matches.domestic_mentions
    actor_at, non_state_at = _actor_index(doc, actors_key, non_state_actors, domestic)
    honorifics = frozenset(matches.honorifics)
    roles = matches.roles
    person_names = tuple(_person_names(doc, breaks, honorifics, roles, words))
    person_name_words = tuple(
        ([t.lower_ for t in doc[start:end] if not t.is_punct],
         all(t.pos_ == "PROPN" or t.is_punct for t in doc[start:end]))
        for start, end in person_names)
    person_index: dict[str, list[int]] = {}
    for index, (name_words, _) in enumerate(person_name_words):
        for word in set(name_words):
            person_index.setdefault(word, []).append(index)
    return DocIndex(
        doc=doc,
        words=words,
        use_textacy=use_textacy,
        max_antecedent_sentences=max_antecedent_sentences,
        max_quote_gap_sentences=max_quote_gap_sentences,
        sent_starts=sent_starts,
        paragraph_breaks=breaks,
        segments=segments,
        segment_starts=tuple(s.open_mark for s in segments),
        headings=tuple(_heading_paragraphs(doc, breaks)),
        cues=MappingProxyType(cues_with_proposals(
            doc, matches.cues, proposals,
            frozenset(i for _, start, end in matches.phrase_cues for i in range(start, end))
            | frozenset(matches.noun_cues))),
        phrase_cues=tuple(matches.phrase_cues),
        noun_cues=MappingProxyType(matches.noun_cues),
        roles=MappingProxyType(roles),
        modifiers=frozenset(matches.modifiers),
        documents=frozenset(matches.documents),
        honorifics=honorifics,
        affiliation_at=MappingProxyType(matches.affiliation_at),
        political_bodies=frozenset(matches.political_bodies),
        domestic_mentions=MappingProxyType(domestic),
        non_state_at=non_state_at,
        actor_at=MappingProxyType(actor_at),
        person_names=person_names,
        person_name_words=person_name_words,
        person_index=MappingProxyType({word: tuple(positions)
                                       for word, positions in person_index.items()}),
        person_name_texts=tuple(doc[start:end].text.lower() for start, end in person_names),
        person_words=frozenset(t.lower_ for start, end in person_names
                               for t in doc[start:end]
                               if t.pos_ == "PROPN" and t.i not in honorifics),
        full_name_words=frozenset(t.lower_ for start, end in person_names if end - start > 1
                                  for t in doc[start:end]
                                  if t.pos_ == "PROPN" and t.i not in honorifics),
        model_speakers=proposals.speakers,
        model_cues=proposals.cues,
    )


@dataclass
class _Matches:
    """Rule matches by token, while the index is built."""

    cues: dict[int, Pattern] = field(default_factory=dict)
    phrase_cues: list[tuple[Pattern, int, int]] = field(default_factory=list)
    noun_cues: dict[int, Pattern] = field(default_factory=dict)
    roles: dict[int, RoleMatch] = field(default_factory=dict)
    modifiers: set[int] = field(default_factory=set)
    documents: set[int] = field(default_factory=set)
    honorifics: set[int] = field(default_factory=set)
    affiliation_at: dict[int, str] = field(default_factory=dict)
    political_bodies: set[int] = field(default_factory=set)
    domestic_mentions: dict[str, int] = field(default_factory=dict)


def _collect_matches(doc: Doc, rules: CompiledRules,
                     canonical_actor: Callable[[str], str | None]) -> _Matches:
    has_pos = doc.has_annotation("POS")
    found = _Matches()
    cues, phrase_cues, noun_cues = found.cues, found.phrase_cues, found.noun_cues
    roles, modifiers, documents = found.roles, found.modifiers, found.documents
    honorifics = found.honorifics
    affiliations: list[tuple[int, int, str, str | None]] = []
    blocked: set[int] = set()
    for record, start, end in rules(doc):
        label = record["label"]
        if label == "CUE":
            if has_pos and doc[start].pos_ not in ("VERB", "AUX"):
                continue
            cues[start] = record
        elif label == "CUE_PHRASE":
            phrase_cues.append((record, start, end))
        elif label == "CUE_NOUN":
            if not has_pos or doc[start].pos_ == "NOUN":
                noun_cues[start] = record
        elif label == "ROLE":
            if end - start == 1 and "phrase" not in record and has_pos \
                    and doc[start].pos_ not in ("NOUN", "PROPN", "X"):
                continue
            if end - start == 1 and doc[start].dep_ == "amod":
                continue  # "fellow Democrats", "general election": adjectives
            for i in range(start, end):
                current = roles.get(i)
                if current is None or (current[2] - current[1]) < end - start:
                    roles[i] = (record, start, end)
        elif label == "MODIFIER":
            modifiers.add(start)
        elif label == "DOCUMENT":
            if has_pos and doc[end - 1].pos_ not in ("NOUN", "PROPN"):
                continue
            if doc[end - 1].ent_type_ in ("PERSON", "ORG"):
                continue  # "Marco Post", "the Post": names, not texts
            documents.add(end - 1)
        elif label == "HONORIFIC":
            honorifics.add(start)
        elif label == "AFFILIATION":
            if record.get("effect") == "block":
                blocked.update(range(start, end))
            else:
                affiliations.append((start, end, record["actor"], record.get("type")))
    affiliation_at, domestic = found.affiliation_at, found.domestic_mentions
    political_bodies = found.political_bodies
    for start, end, actor, record_type in affiliations:
        if blocked.isdisjoint(range(start, end)) and start not in affiliation_at:
            name = canonical_actor(actor)
            if name is not None:
                domestic[name] = domestic.get(name, 0) + 1
                for i in range(start, end):
                    affiliation_at[i] = name
            if record_type == "official":
                political_bodies.update(range(start, end))
    phrase_cues.sort(key=lambda match: match[1])
    return found


def _actor_index(doc: Doc, key: str, non_state: frozenset[str],
                 domestic: dict[str, int]) -> tuple[dict[int, str], frozenset[int]]:
    """Actor per token, and the tokens of non-state actors; counts institution mentions
    into ``domestic`` (the builder's own dict)."""
    if key not in doc.spans:
        return {}, frozenset()
    actor_at: dict[int, str] = {}
    non_state_at: set[int] = set()
    # Longer actor spans win where spans overlap.
    for span in sorted(doc.spans[key], key=lambda s: s.end - s.start):
        actor = span.kb_id_ or None
        if actor and actor not in non_state and span.id_ == RULE_INSTITUTION:
            domestic[actor] = domestic.get(actor, 0) + 1
        if actor and actor in non_state:
            non_state_at.update(range(span.start, span.end))
        elif actor:
            for i in range(span.start, span.end):
                actor_at[i] = actor
    return actor_at, frozenset(non_state_at)


def _person_names(doc: Doc, breaks: Sequence[int], honorifics: frozenset[int],
                  roles: Mapping[int, RoleMatch], words: WordLists) -> list[tuple[int, int]]:
    names: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON" or any(t.is_space for t in ent):
            continue
        if len(ent) == 1 and ent.text.isupper() and len(ent.text) > 2:
            continue  # "KTVI", "NATO": acronyms the tagger took for people
        names.append(clean_name(doc, breaks, honorifics, roles, words.possessive_marks,
                                ent.start, ent.end, ent.start))
    return names


def _heading_paragraphs(doc: Doc, breaks: Sequence[int]) -> list[tuple[int, int]]:
    """Short lines without closing punctuation: headlines and crossheads, which summarise
    statements rather than report them ("Democrats Say Plan Must Go")."""
    found: list[tuple[int, int]] = []
    for start, end in itertools.pairwise([-1, *breaks, len(doc)]):
        start += 1
        last = end - 1
        while last >= start and doc[last].is_space:
            last -= 1
        if last < start or last - start + 1 > _MAX_HEADING_TOKENS:
            continue
        if doc[last].text not in _CLOSING_PUNCT and not doc[last].is_quote:
            found.append((start, end))
    return found
