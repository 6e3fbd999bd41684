"""Speaker mentions: their bounds, their kind (person, group, institution, pronoun), the
evidence their words give of a source type and actor, and the type that follows."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from .index import DocIndex
from .rules import role_flag

if TYPE_CHECKING:  # cues.py imports this module
    from .cues import Statement

_LEFT_NP_DEPS = frozenset({"compound", "amod", "poss", "nmod", "nummod", "quantmod", "case",
                           "npadvmod", "cc", "conj", "advmod", "punct", "predet"})
_DESCRIPTOR_DEPS = frozenset({"compound", "amod", "appos", "relcl", "acl", "prep", "poss",
                              "nmod", "npadvmod", "punct", "cc", "conj"})
_AFFILIATION_DEPS = frozenset({"compound", "poss", "pobj", "prep", "appos", "nmod"})
_MAX_DESCRIPTOR_TOKENS = 60


@dataclass(frozen=True)
class Evidence:
    """What a mention says about its source's type and actor."""

    expert: bool = False
    former_official: bool = False
    official: bool = False
    media_descriptor: bool = False
    media_self: bool = False
    institution: bool = False
    named_person: bool = False
    named_org: bool = False
    state: bool = False
    anonymous: bool = False  # "a source within the committee": named body, hidden person
    non_state: bool = False  # speaks for an organisation such as NATO or the EU
    private_org: bool = False  # described by a company or association
    definite: bool = False
    actors: tuple[tuple[int, int, str], ...] = ()  # (priority, pos, id)

    def merged(self, other: Evidence) -> Evidence:
        """What this and ``other`` say together: any flag either sets, both actor lists."""
        flags = {name: getattr(self, name) or getattr(other, name) for name in _FLAGS}
        return Evidence(**flags, actors=(*self.actors, *other.actors))


_FLAGS = tuple(item.name for item in fields(Evidence) if item.name != "actors")


@dataclass(frozen=True)
class Source:
    """One speaker mention of a statement, as written to a SOURCE span."""

    start: int
    end: int
    head: int
    cue: tuple[int, int]
    contents: list[tuple[int, int]]
    rule_id: str
    kind: str  # "person", "group", "institution", "pronoun"
    speaker: str | None = None
    source_type: str = "unnamed"
    actor: str | None = None
    evidence: Evidence = field(default_factory=Evidence)
    plural: bool = False
    group_key: str | None = None
    resolved_kind: str | None = None  # for pronouns: the kind of the antecedent


def make_source(ix: DocIndex, head: int, statement: Statement,
                contents: list[tuple[int, int]]) -> Source | None:
    """The source of ``statement`` whose mention is headed by token ``head``, or None
    when the head gives no mention."""
    doc = ix.doc
    token = doc[head]
    method = statement.method
    rule_id = f"sources.{method}.{statement.cue_id}"
    if token.lower_ in ix.words.pronouns:
        return Source(head, head + 1, head, statement.cue, contents, rule_id, "pronoun",
                      plural=token.lower_ in ix.words.group_pronouns)
    start, end, kind = _mention_bounds(ix, token)
    if end <= start:
        return None
    evidence = mention_evidence(ix, token, start, end, kind)
    if kind == "person":
        speaker = full_name(ix, start, end)
        group_key: str | None = speaker.lower()
    else:
        speaker = doc[start:end].text
        group_key = None
    return Source(start, end, head, statement.cue, contents, rule_id, kind, speaker=speaker,
                  evidence=evidence, plural=token.tag_ in ("NNS", "NNPS"),
                  group_key=group_key)


def _mention_bounds(ix: DocIndex, token: Token) -> tuple[int, int, str]:
    """The speaker mention: a person's name, an institution with its premodifiers, or
    a group noun with its premodifiers."""
    doc = ix.doc
    proper = token.pos_ == "PROPN"
    named_elsewhere = proper and token.lower_ in ix.person_words and (
        token.i not in ix.roles or _person_over_media(ix, token.i))
    unknown_name = proper and token.i not in ix.roles \
        and token.ent_type_ not in ("ORG", "GPE", "NORP", "FAC") \
        and not _is_media_name(ix, token.i)
    outlet = _is_media_name(ix, token.i) and token.lower_ not in ix.full_name_words
    if (token.ent_type_ == "PERSON" and not outlet) or known_surname(ix, token) \
            or named_elsewhere or unknown_name:
        start, end = _entity_bounds(doc, token.i) if token.ent_type_ == "PERSON" \
            else propn_run(doc, token.i)
        start, end = ix.clean_name(start, end, token.i)
        if token.ent_type_ != "PERSON" and _looks_institutional(ix, start, end):
            return (*nominal_bounds(ix, token), "institution")
        return start, end, "person"
    kind = "group"
    role = ix.roles.get(token.i)
    if token.tag_ == "NNPS" and token.ent_type_ in ("NORP", "") and role is None:
        pass  # "Other Democrats", "the Saudis": members of a party or nation
    elif token.ent_type_ in ("ORG", "GPE", "FAC") or token.pos_ == "PROPN" \
            or (role is not None and role[0]["entity"] == "institution"):
        kind = "institution"
    start, end = nominal_bounds(ix, token)
    return start, end, kind


def _looks_institutional(ix: DocIndex, start: int, end: int) -> bool:
    return any(i in ix.roles and ix.roles[i][0]["entity"] == "institution"
               and not _person_over_media(ix, i) for i in range(start, end))


def known_surname(ix: DocIndex, token: Token) -> bool:
    """A capitalised word the tagger missed as a name ("Alba, who ...") that is part
    of a person's name elsewhere in the document."""
    return token.pos_ not in ("PROPN", "PRON") and token.is_title \
        and token.lower_ in ix.person_words and token.i not in ix.roles


def _person_over_media(ix: DocIndex, i: int) -> bool:
    """A one-word outlet name that is also the surname of a person named in full in
    the document ("Fox" after "Vicente Fox")."""
    role = ix.roles.get(i)
    return role is not None and role[0]["type"] == "media" and role[2] - role[1] == 1 \
        and ix.doc[i].lower_ in ix.full_name_words


def _is_media_name(ix: DocIndex, i: int) -> bool:
    role = ix.roles.get(i)
    return role is not None and role[0]["type"] == "media"


def nominal_bounds(ix: DocIndex, token: Token) -> tuple[int, int]:
    """A noun mention with its premodifiers and entity, without determiners."""
    doc = ix.doc
    start = token.i
    for child in token.lefts:
        if child.dep_ in _LEFT_NP_DEPS and not ix.in_quote(child.i):
            start = min(start, child.left_edge.i)
    end = token.i + 1
    if token.ent_type_:
        ent_start, ent_end = _entity_bounds(doc, token.i)
        start, end = min(start, ent_start), max(end, ent_end)
    low, _ = ix.paragraph_bounds(token.i)
    start = max(start, low)
    while start < end - 1 and (doc[start].dep_ in ("det", "predet", "punct", "cc")
                               or doc[start].is_space):
        start += 1
    return start, end


def _descriptor(ix: DocIndex, token: Token, start: int, end: int) -> list[int]:
    """Tokens describing the mention: premodifiers, appositions, relative clauses and
    prepositional attachments, inside the sentence and outside quotes."""
    sent = ix.sent_index(token.i)
    sent_start, sent_end = ix.sent_bounds(sent)
    collected: list[int] = []
    for child in token.children:
        if child.dep_ not in _DESCRIPTOR_DEPS:
            continue
        if child.dep_ in ("relcl", "acl") and child.lemma_ not in ix.words.role_verbs:
            continue  # "X, who told NBC ...": what X did, not what X is
        if child.dep_ == "prep" and child.lower_ not in ix.words.affiliation_prepositions:
            continue
        if child.dep_ == "conj" and (child.pos_ == "PROPN" or child.ent_type_
                                     or child.tag_ in ("NNS", "NNPS")):
            continue  # "Obama and Netanyahu": another speaker, not a description
        for sub in child.subtree:
            if len(collected) >= _MAX_DESCRIPTOR_TOKENS:
                break
            if start <= sub.i < end or not (sent_start <= sub.i < sent_end):
                continue
            if ix.in_quote(sub.i):
                continue
            collected.append(sub.i)
    if token.dep_ == "appos" and token.head.i in ix.roles:
        # The role noun the name is in apposition to ("the chairman, X, ...").
        own = set(range(token.left_edge.i, token.right_edge.i + 1))
        for sub in token.head.subtree:
            if sub.i not in own and sent_start <= sub.i < sent_end \
                    and not ix.in_quote(sub.i) and len(collected) < _MAX_DESCRIPTOR_TOKENS:
                collected.append(sub.i)
    # Words inside the mention itself ("U.S. officials", "the Foreign Ministry")
    # describe it too.
    return sorted(set(collected) | set(range(start, end)))


def mention_evidence(ix: DocIndex, token: Token, start: int, end: int, kind: str) -> Evidence:
    """What a mention, its descriptors and the roles and actors in them say.

    ix (DocIndex): The Doc's index.
    token (Token): The mention's head.
    start (int): The mention's first token.
    end (int): The token after the mention.
    kind (str): "person", "group" or "institution".
    RETURNS (Evidence): Flags for the source type, and actors by priority.
    """
    doc = ix.doc
    # Flags and actors found so far; the Evidence is made once they are all in.
    flags: dict[str, bool] = {}
    actors: list[tuple[int, int, str]] = []
    tokens = _descriptor(ix, token, start, end)
    if kind == "person":
        flags["named_person"] = True
    elif token.ent_type_ in ("ORG", "FAC") or (token.pos_ == "PROPN" and kind != "group"):
        flags["named_org"] = True
    head_role = ix.roles.get(token.i)
    if kind == "group" and head_role is not None and head_role[0]["type"] == "unnamed":
        flags["anonymous"] = True
    elif kind == "group" and head_role is not None and token.tag_ == "NN" \
            and not role_flag(head_role[0], "anonymous") and any(
            child.dep_ == "poss" or (child.dep_ == "det" and child.lower_ == "the")
            for child in token.children):
        # "the governor", "the new president", "her spokesman": one identifiable
        # office holder, unlike "a spokesman" or "officials".
        flags["definite"] = True
    elif kind == "group" and head_role is not None and role_flag(head_role[0], "speaks_for") \
            and any(doc[i].pos_ == "PROPN" for i in tokens):
        # "a spokeswoman for Speaker X", "a Kaine spokesman": the voice of a named
        # person or body.
        flags["definite"] = True
    elif kind == "group" and head_role is not None \
            and head_role[0]["entity"] == "person" and head_role[0]["type"] == "official":
        # "a White House official", "U.S. officials": affiliated but anonymous.
        flags["anonymous"] = True
    if token.ent_type_ == "GPE" and start <= token.i < end and \
            ix.roles.get(token.i) is None:
        flags["state"] = True
    if kind == "group" and token.tag_ in ("NNS", "NNPS") \
            and any(i in ix.political_bodies for i in range(start, end)) \
            and not any(word.lower_ in ix.words.part_of_group or word.like_num
                        for word in (*doc[start:end], *token.lefts)):
        # "Democrats", "Republican lawmakers": the party speaks; "other Democrats" or
        # "a half-dozen Democrats" are some of its members.
        flags["institution"] = True
        flags["anonymous"] = False
    flags["non_state"] = token.i in ix.non_state_at
    seen_roles: set[int] = set()
    for i in tokens:
        role = ix.roles.get(i)
        if role is None or role[1] in seen_roles:
            continue
        seen_roles.add(role[1])
        record, role_start, role_end = role
        role_type, entity = record["type"], record["entity"]
        # A role overlapping the mention names it ("The Guardian" for "Guardian").
        in_mention = role_start < end and start < role_end
        if entity == "institution" and (
                role_start <= token.i < role_end
                or any(t.pos_ == "PROPN" or t.ent_type_ in ("ORG", "FAC")
                       for t in doc[role_start:role_end])):
            # Only a named body identifies a source: "Pentagon officials", "the
            # ministry said", but not "administration officials".
            flags["institution"] = True
        if doc[role_start].ent_type_ in ("ORG", "FAC") and entity == "institution":
            flags["named_org"] = True
        if role_type == "media":
            if in_mention and (kind != "person"):
                flags["media_self"] = True
            elif entity == "person" or (kind == "person" and role_end <= start
                                        and is_descendant(doc[role_start], token)):
                # "a reporter for X", "CNN's Deirdre Walsh"
                flags["media_descriptor"] = True
        elif role_type == "expert":
            flags["expert"] = True
        elif role_type == "official":
            if entity == "person" and _is_former(ix, role_end - 1):
                flags["former_official"] = True
            else:
                flags["official"] = True
    if any(doc[i].ent_type_ in ("ORG", "FAC") for i in tokens):
        flags["named_org"] = True
    speaks_for = any(role_flag(ix.roles[i][0], "speaks_for") for i in tokens if i in ix.roles)
    for i in tokens:
        if speaks_for and doc[i].ent_type_ == "ORG" and i not in ix.actor_at \
                and i not in ix.affiliation_at and i not in ix.non_state_at \
                and (i not in ix.roles or ix.roles[i][0]["type"] != "official") \
                and _affiliates(ix, doc[i], token):
            # "a Microsoft spokesperson", "a spokesman for the Lakeside Fund": the voice
            # of a company or association, not of the state.
            flags["private_org"] = True
        actor = ix.actor_at.get(i)
        if actor:
            priority = 0 if start <= i < end else 1
            actors.append((priority, i, actor))
        elif i in ix.affiliation_at:
            # A named state outranks a party or title that only implies one.
            actors.append((2, i, ix.affiliation_at[i]))
    return Evidence(**flags, actors=tuple(actors))


def _affiliates(ix: DocIndex, word: Token, head: Token) -> bool:
    """``word`` names what ``head`` works for: its compound or possessor, or the
    object of "for/of/at" on it or on its apposition ("a spokesperson for X")."""
    node = word
    for _ in range(4):
        if node.i == head.i:
            return True
        if node.dep_ not in _AFFILIATION_DEPS or node.head is node:
            return False
        node = node.head
    return node.i == head.i


def _is_former(ix: DocIndex, role_token: int) -> bool:
    token = ix.doc[role_token]
    node = token
    for _ in range(4):
        if node.dep_ == "relcl":
            # "who served as ambassador", "who was defense minister": past tenure.
            if node.tag_ == "VBD" and node.lemma_ in ix.words.role_verbs:
                return True
            break
        if node.head is node:
            break
        node = node.head
    for i in range(token.left_edge.i, token.i):
        if i in ix.modifiers:
            return True
    return any(i in ix.modifiers for i in range(max(token.i - 6, 0), token.i)
               if ix.doc[i].head.i == token.i or ix.doc[i].head.head.i == token.i)


def full_name(ix: DocIndex, start: int, end: int) -> str:
    """The longest PERSON mention in the document that contains this (short) name."""
    doc = ix.doc
    words = [t.lower_ for t in doc[start:end] if not t.is_punct]
    best = doc[start:end]
    if not words:
        return best.text
    for index in ix.person_index.get(words[0], ()):
        ent_start, ent_end = ix.person_names[index]
        ent_words, all_proper = ix.person_name_words[index]
        if ent_end - ent_start <= len(best):
            continue
        if not all_proper:
            continue  # "Trump's Cabinet" is not a longer form of "Trump"
        if contains_run(ent_words, words):
            best = doc[ent_start:ent_end]
    trimmed_start, trimmed_end = ix.clean_name(best.start, best.end, best.start)
    # "[Robert] Mueller": editorial brackets are not part of the name.
    return " ".join(doc[trimmed_start:trimmed_end].text.replace("[", " ")
                    .replace("]", " ").split())


def person_mentions(ix: DocIndex, name: str) -> list[tuple[int, int]]:
    """PERSON names in the Doc that are ``name`` or part of it ("Netanyahu")."""
    words = [w for w in name.lower().split() if w != "-"]
    lowered = name.lower()
    candidates = set(ix.person_index.get(words[0], ())) if words else set()
    candidates |= {index for index, text in enumerate(ix.person_name_texts)
                   if text == lowered}
    return [ix.person_names[index] for index in sorted(candidates)
            if ix.person_name_texts[index] == lowered
            or contains_run(ix.person_name_words[index][0], words)]


def classify(evidence: Evidence, source: Source) -> str:
    """The source type (codebook §3) that ``evidence`` gives: "media", "unnamed",
    "expert" or "official"."""
    if evidence.media_self:
        return "media"
    named = evidence.named_person or evidence.named_org or evidence.institution \
        or evidence.state or evidence.definite
    if not named or (evidence.anonymous and not evidence.named_person):
        return "unnamed"
    if evidence.expert or evidence.former_official:
        return "expert"
    if evidence.official or evidence.state:
        return "official"
    if evidence.media_descriptor:
        return "media"
    if any(priority == 0 for priority, _, _ in evidence.actors):
        # The actor gazetteer lists leaders and spokespeople by name.
        return "official"
    if evidence.named_org or evidence.institution:
        return "official"
    return "unnamed" if source.speaker is None else "official"


def is_descendant(token: Token, ancestor: Token) -> bool:
    """Whether ``ancestor`` is ``token`` or above it in the parse."""
    node = token
    for _ in range(50):
        if node.i == ancestor.i:
            return True
        if node.head is node:
            return False
        node = node.head
    return False


def _entity_bounds(doc: Doc, i: int) -> tuple[int, int]:
    start = i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return start, end


def propn_run(doc: Doc, i: int) -> tuple[int, int]:
    """A name the NER missed: the proper nouns (and hyphens) joined to ``i``."""
    start = i
    while start > 0 and ((doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ in (
            "compound", "flat", "nmod")) or (
            doc[start - 1].text == "-" and start > 1 and doc[start - 2].pos_ == "PROPN")):
        start -= 1
    end = i + 1
    while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].head.i == i:
        end += 1
    return start, end


def contains_run(haystack: list[str], needle: list[str]) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as consecutive items."""
    if not needle or len(needle) > len(haystack):
        return False
    width = len(needle)
    return any(haystack[k:k + width] == needle for k in range(len(haystack) - width + 1))
