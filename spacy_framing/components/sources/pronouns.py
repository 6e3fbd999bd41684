"""Pronoun sources (he, she, they, it) resolved to the speaker they stand for.

A pronoun goes to the nearest earlier source of the right kind and gender in its own or
the previous sentences, else (he/she) to the nearest PERSON named outside quotes, else to
the person quoted last a few sentences back. Genders come from pronouns that already
referred to a person and from honorifics before their names ("Ms. Rice").
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from .index import DocIndex
from .mentions import Source, contains_run, full_name, mention_evidence, nominal_bounds, propn_run

# How far back "he said" looks for the person quoted last when nothing is close by.
_WIDE_ANTECEDENT_SENTENCES = 8


def resolve_pronouns(ix: DocIndex, sources: list[Source]) -> list[Source]:
    """``sources`` (sorted by position) with every pronoun source given the speaker, kind
    and evidence of its antecedent where one is found.

    ix (DocIndex): The Doc's index.
    sources (list[Source]): The sources in text order.
    RETURNS (list[Source]): New list; sources that are no pronoun are passed through.
    """
    # Genders learned while resolving ("Gomez ... she said" makes Gomez female).
    genders: dict[str, str | None] = {}
    resolved: list[Source] = []
    for source in sources:
        if source.kind == "pronoun":
            source = _resolve_pronoun(ix, source, resolved, genders)
        resolved.append(source)
    return resolved


def unresolved_person(ix: DocIndex, source: Source) -> bool:
    """A he/she source whose antecedent was not found."""
    return source.kind == "pronoun" and source.speaker is None \
        and ix.doc[source.head].lower_ in ix.words.person_pronouns


def _resolve_pronoun(ix: DocIndex, source: Source, earlier: list[Source],
                     genders: dict[str, str | None]) -> Source:
    source = _resolve_pronoun_near(ix, source, earlier, genders)
    pronoun = ix.doc[source.head].lower_
    if source.speaker is not None or pronoun not in ix.words.person_pronouns:
        return source
    # Nothing close by: an article's "he said" mostly goes on quoting the person last
    # quoted, a few sentences (a long quote) back.
    gender = ix.words.pronoun_gender(pronoun)
    sent = ix.sent_index(source.head)
    window_start = ix.sent_starts[max(sent - _WIDE_ANTECEDENT_SENTENCES, 0)]
    for candidate in reversed(earlier):
        if not window_start <= candidate.head < source.head:
            continue
        if candidate.speaker is None or (candidate.resolved_kind or candidate.kind) \
                != "person" or _known_gender(ix, candidate.group_key, genders) \
                not in (None, gender):
            continue
        return replace(source, speaker=candidate.speaker, group_key=candidate.group_key,
                       evidence=source.evidence.merged(candidate.evidence),
                       resolved_kind="person")
    return source


def _resolve_pronoun_near(ix: DocIndex, source: Source, earlier: list[Source],
                          genders: dict[str, str | None]) -> Source:
    """he/she/they/it: the nearest earlier source of the right kind in this or the
    previous sentences, else (he/she) the nearest earlier PERSON entity."""
    doc = ix.doc
    pronoun = doc[source.head].lower_
    # Sentences inside the quote the pronoun introduces do not count against the
    # distance to the antecedent ("Gomez spoke on Monday. “... . ...,” she said.").
    anchor = min([source.head, *(start for start, _ in source.contents)])
    first_seg = ix.segment_at(anchor)
    if first_seg >= 0:
        group = ix.segments[first_seg].group
        anchor = min(seg.open_mark for seg in ix.segments if seg.group == group)
    sent = ix.sent_index(anchor)
    window_start = ix.sent_starts[max(sent - ix.max_antecedent_sentences, 0)]
    gender = ix.words.pronoun_gender(pronoun)
    for candidate in reversed(earlier):
        if candidate.head < window_start or candidate.head >= source.head:
            continue
        if candidate.speaker is None or not _agrees(ix, pronoun, candidate):
            continue
        if gender and _known_gender(ix, candidate.group_key, genders) not in (None, gender):
            continue
        if gender and candidate.group_key is not None:
            genders[candidate.group_key] = gender
        return replace(source, speaker=candidate.speaker, group_key=candidate.group_key,
                       evidence=source.evidence.merged(candidate.evidence),
                       resolved_kind=candidate.resolved_kind or candidate.kind,
                       plural=candidate.plural)
    if pronoun in ix.words.person_pronouns:
        # Nearest person named outside quotes, preferring sentence subjects.
        candidates = [(s, e) for s, e in _person_candidates(ix, window_start, anchor)
                      if not ix.in_quote(s)]
        if gender:
            candidates = [(s, e) for s, e in candidates
                          if _known_gender(ix, full_name(ix, s, e).lower(), genders)
                          in (None, gender)]
        subjects = [(s, e) for s, e in candidates
                    if doc[s:e].root.dep_ in ("nsubj", "nsubjpass")]
        for ent_start, ent_end in (subjects or candidates)[-1:]:
            root = doc[ent_start:ent_end].root
            name = full_name(ix, ent_start, ent_end)
            return replace(source, speaker=name, group_key=name.lower(),
                           resolved_kind="person",
                           evidence=mention_evidence(ix, root, ent_start, ent_end, "person"))
    elif pronoun in ix.words.group_pronouns:
        # Nearest plural group of people ("five senators ... they said").
        for i in range(source.head - 1, window_start - 1, -1):
            token = doc[i]
            role = ix.roles.get(i)
            if token.tag_ not in ("NNS", "NNPS") or ix.in_quote(i):
                continue
            if (role is not None and role[0]["entity"] == "person") \
                    or token.ent_type_ == "NORP":
                start, end = nominal_bounds(ix, token)
                return replace(source, speaker=doc[start:end].text, resolved_kind="group",
                               plural=True,
                               evidence=mention_evidence(ix, token, start, end, "group"))
    else:
        # "The ministry issued a statement. It said ...": the nearest named body,
        # preferring sentence subjects.
        found: list[Token] = []
        for i in range(anchor - 1, window_start - 1, -1):
            token = doc[i]
            role = ix.roles.get(i)
            if ix.in_quote(i) or token.tag_ not in ("NN", "NNP"):
                continue
            if (role is not None and role[0]["entity"] == "institution"
                    and role[2] - 1 == i) or (token.ent_type_ == "ORG" and (
                    i + 1 >= len(doc) or doc[i + 1].ent_iob_ != "I")):
                found.append(token)
        subjects = [t for t in found if t.dep_ in ("nsubj", "nsubjpass")]
        for token in (subjects or found)[:1]:
            start, end = nominal_bounds(ix, token)
            return replace(source, speaker=doc[start:end].text, resolved_kind="institution",
                           evidence=mention_evidence(ix, token, start, end, "institution"))
    return source


def _known_gender(ix: DocIndex, key: str | None, genders: dict[str, str | None]) -> str | None:
    """'m', 'f' or None for a person: from a pronoun that already referred to them,
    else from an honorific before one of their mentions ("Ms. Rice"); remembered in
    ``genders``."""
    if key is None:
        return None
    if key not in genders:
        found = None
        words = [w for w in key.split() if w != "-"]
        # Mentions of the name or of part of it ("Mr. Netanyahu" for the full name).
        for index in ix.person_index.get(words[-1], ()) if words else ():
            if not contains_run(words, ix.person_name_words[index][0]):
                continue
            start = ix.person_names[index][0]
            before = ix.doc[start - 1].lower_ if start > 0 else ""
            found = ix.words.honorific_gender(before)
            if found:
                break
        genders[key] = found
    return genders[key]


def _person_candidates(ix: DocIndex, start: int, end: int) -> list[tuple[int, int]]:
    """PERSON entities in [start, end), plus proper-noun subjects the NER missed."""
    found = {(s, e) for s, e in ix.person_names if start <= s and e <= end}
    covered = {i for s, e in found for i in range(s, e)}
    for i in range(start, end):
        token = ix.doc[i]
        if token.dep_ == "nsubj" and token.pos_ == "PROPN" and i not in covered \
                and token.ent_type_ in ("", "PERSON") and i not in ix.roles:
            found.add(ix.clean_name(*propn_run(ix.doc, i), i))
    return sorted(found)


def _agrees(ix: DocIndex, pronoun: str, candidate: Source) -> bool:
    kind = candidate.resolved_kind or candidate.kind
    if pronoun in ix.words.person_pronouns:
        return kind == "person" or (kind == "group" and not candidate.plural)
    if pronoun in ix.words.group_pronouns:
        return kind == "institution" or (kind == "group" and candidate.plural)
    return kind == "institution"
