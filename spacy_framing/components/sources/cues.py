"""Statements from cues: reporting verbs, phrase cues ("according to X") and statement
nouns ("X's assertion that ..."), each walked in the dependency parse to its source and
content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Token

from ...types import Pattern
from .index import DocIndex
from .mentions import known_surname
from .quotes import trim

_NAME_ENT_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_NON_NAME_ENT_TYPES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL",
                                 "CARDINAL"})
# Not xcomp: "they will seek to clarify that ..." announces an intention, not a statement.
_CLAUSE_LINK_DEPS = frozenset({"advcl", "conj", "pcomp", "prep"})
_DATELINE_DASHES = frozenset({"--", "—", "–", "―", "-"})


@dataclass
class Statement:
    """A reported statement before its speakers are resolved: the cue, the source heads
    and the content found so far."""

    cue: tuple[int, int]
    cue_id: str
    cue_class: str
    method: str  # "indirect", "direct", "phrase" or "noun"
    heads: list[int]
    contents: list[tuple[int, int]] = field(default_factory=list)
    anchor: int = -1  # the cue token whose clause the statement is built on
    content_from: int = -1  # phrase cue sharing the content of the cue verb it modifies
    # The verb's object ("urged Trump to cancel", "announced the charges"): the content
    # when neither a clause nor a quotation gives one.
    object_contents: list[tuple[int, int]] = field(default_factory=list)
    # 'X “has confirmed that ...,” Y said': X's cue inside Y's quote; its clause is X's
    # statement, the whole quote Y's.
    quoted_cue: bool = False


def verb_statement(ix: DocIndex, i: int, record: Pattern | None = None) -> Statement | None:
    """The statement made with the cue verb at token ``i``: "X said (that) ...",
    "..., X said.", "X told Y ...", "..., saying ...", "urged X to ...".

    ix (DocIndex): The Doc's index.
    i (int): The verb's token index.
    record (Pattern | None): Its CUE record; the one matched at ``i`` if not given.
    RETURNS (Statement | None): The statement, or None when the verb reports none
        (in a heading, hypothetical, negated, no source, no content for a belief verb).
    """
    doc = ix.doc
    verb = doc[i]
    if ix.in_heading(i):
        return None
    quoted_cue = ix.in_quote(i)
    if quoted_cue and not _quote_opens_at_verb(ix, verb):
        return None
    record = record or ix.cues.get(i)
    if record is None:
        return None
    if verb.tag_ == "VB" or any(child.dep_ == "mark"
                                and child.lower_ in ix.words.hypothetical_markers
                                for child in verb.children):
        # "to say", "did not say", "could argue", "if she believes": no statement made.
        return None
    subject = _find_subject(ix, verb)
    head = verb.head
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj") and head.head.i < verb.i \
            and ((head.dep_ == "ccomp" and head.head.i in ix.cues)
                 or (head.dep_ == "advcl" and any(child.dep_ == "mark"
                                                  for child in head.children))):
        # "X said he would skip it, calling it an affront", "X rejected it before Y
        # spoke, saying ...": the participle is the main clause's, though the parser
        # hangs it on the clause before it.
        subject = _find_subject(ix, head.head) or subject
    if subject is None and verb.tag_ != "VBN":
        # Not for participles: "is likely to be asked whether ...": nobody is speaking.
        subject = _proposed_subject(ix, verb)
    if subject is None:
        return None
    if any(child.dep_ in ("preconj", "det") and child.lower_ in ix.words.negative_determiners
           for child in subject.children):
        return None  # "Neither X nor Y has confirmed ...", "no official said ..."
    if subject.lower_ in ix.words.person_pronouns | ix.words.group_pronouns and any(
            c.pos_ == "PRON" for c in subject.conjuncts):
        return None  # "he or she believes": generic
    heads = _source_heads(ix, subject)
    for sibling in subject.head.children:
        # "the United States, South Korea, and NATO express alarm": a coordination the
        # parser split into several subjects.
        if sibling.dep_ == "nsubj" and sibling.i != subject.i \
                and not ix.in_quote(sibling.i):
            heads.extend(h for h in _source_heads(ix, sibling) if h not in heads)
    if not heads:
        return None
    cue_end = i + 1
    for child in verb.rights:
        if child.dep_ == "prt" and child.i == cue_end:
            cue_end += 1
    statement = Statement(cue=(i, cue_end), cue_id=record["id"],
                          cue_class=record.get("class", "speech"), method="indirect",
                          heads=heads, anchor=i, quoted_cue=quoted_cue)
    statement.contents = _clause_content(ix, verb, heads)
    if not statement.contents and "object" in record:
        if any(child.dep_ == "neg" for child in verb.children):
            return None  # "has not confirmed the presence": nothing was stated
        contents = _object_content(ix, verb, record, heads)
        if contents is None:
            return None  # "called him" (on the phone), not "called for ..."
        statement.object_contents = contents
    head = verb.head
    if not statement.contents and head.i < verb.i and head.i in ix.cues \
            and _is_trailing_report(ix, head, verb):
        # "X said ..., agency Y reported": Y reports X's statement.
        statement.content_from = head.i
    if not statement.contents and statement.cue_class == "cognition":
        return None
    return statement


def _quote_opens_at_verb(ix: DocIndex, verb: Token) -> bool:
    """'X “has confirmed that ...”': a quotation that opens between the subject and
    its verb, with only auxiliaries and adverbs before the verb inside it."""
    segment = ix.segments[ix.segment_at(verb.i)]
    if segment.open_mark >= verb.i:
        return False
    for i in range(segment.open_mark + 1, verb.i):
        token = ix.doc[i]
        if token.head.i != verb.i or token.dep_ not in ("aux", "auxpass", "neg", "advmod"):
            return False
    subject = next((child for child in verb.children if child.dep_ == "nsubj"), None)
    return subject is not None and subject.i < segment.open_mark \
        and ix.sent_index(subject.i) == ix.sent_index(segment.open_mark)


def _proposed_subject(ix: DocIndex, verb: Token) -> Token | None:
    """The speaker the trained categorizer proposes nearest the verb, in its sentence and
    outside quotations (None without proposals)."""
    if not ix.model_speakers:
        return None
    low, high = ix.sent_bounds(ix.sent_index(verb.i))
    near = [i for i in ix.model_speakers
            if low <= i < high and i != verb.i and not ix.in_quote(i)]
    return ix.doc[min(near, key=lambda i: abs(i - verb.i))] if near else None


def _find_subject(ix: DocIndex, verb: Token) -> Token | None:
    node = verb
    for _ in range(4):
        subjects = [child for child in node.children
                    if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass"
                                                 and node is not verb
                                                 and node.lemma_ in ix.words.citing_lemmas)]
        # A word inside the quote can be misparsed as a second subject ("...," it added).
        low, high = ix.paragraph_bounds(verb.i)
        outside = [child for child in subjects
                   if not ix.in_quote(child.i) and low <= child.i < high]
        if outside:
            child = min(outside, key=lambda c: abs(c.i - node.i))
            if child.lower_ in ix.words.relative_words and node.dep_ == "relcl":
                return node.head
            return child
        if subjects:
            return None
        if node is verb and verb.tag_ == "VBN":
            return None  # "when asked whether ...": the subject was asked, not asking
        if node.dep_ in _CLAUSE_LINK_DEPS and node.head is not node \
                and low <= node.head.i < high:
            node = node.head
        else:
            return None
    return None


def _source_heads(ix: DocIndex, token: Token) -> list[int]:
    heads: list[int] = []
    low, high = ix.paragraph_bounds(token.i)
    for candidate in (token, *(c for c in token.conjuncts if low <= c.i < high)):
        accepted = accept_source(ix, candidate)
        if accepted is not None and accepted not in heads:
            heads.append(accepted)
    return heads


def accept_source(ix: DocIndex, token: Token) -> int | None:
    """The token that heads the source ``token`` stands for ("one of the officials" ->
    "officials", "a statement from the ministry" -> "ministry"), or None when it is no
    source (the writer's voice, a date, a dateline, a word inside a quote)."""
    if ix.in_quote(token.i):
        return None
    lower = token.lower_
    if token.like_num or lower in ix.words.quantifier_words:
        # "one of the officials said", "according to two of the aides"
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.i in ix.roles:
                    return accept_source(ix, pobj)
        return None
    if lower in ix.words.pronouns:
        return token.i
    if lower in ix.words.non_source_words or token.pos_ == "PRON":
        return None
    if token.i in ix.documents:
        return _document_author(ix, token)
    if token.ent_type_ in _NON_NAME_ENT_TYPES or token.like_num:
        return None
    if token.is_upper and len(token) > 2 and token.i + 1 < len(ix.doc) \
            and ix.doc[token.i + 1].text in _DATELINE_DASHES:
        return None  # "WASHINGTON -- X said": the place of the dateline
    if token.ent_type_ in _NAME_ENT_TYPES or token.pos_ == "PROPN":
        return token.i
    if known_surname(ix, token):
        return token.i
    if token.i in ix.roles:
        # "the committee's chairman, Representative X, said": the name is the source.
        for child in token.rights:
            if child.dep_ == "appos" and ix.roles[token.i][0]["entity"] == "person" \
                    and (child.ent_type_ == "PERSON" or (child.pos_ == "PROPN"
                                                        and child.i not in ix.roles)):
                return child.i
        return token.i
    if token.i in ix.model_speakers:
        # A noun no role rule knows ("the airline", "her friend"), which the trained
        # categorizer takes for a speaker.
        return token.i
    return None


def _document_author(ix: DocIndex, token: Token) -> int | None:
    """'a statement from the ministry', 'the ministry's statement', 'a Kremlin
    statement': the author is the source."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ix.words.document_author_prepositions:
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    accepted = accept_source(ix, grandchild)
                    if accepted is not None and accepted not in ix.documents:
                        return accepted
        if child.dep_ in ("poss", "compound") and child.i < token.i and (
                child.ent_type_ in _NAME_ENT_TYPES or child.pos_ == "PROPN"
                or child.i in ix.roles):
            return child.i
    # No author given: the text itself is the source ("the report said").
    return token.i


def _clause_content(ix: DocIndex, verb: Token, heads: Sequence[int]) -> list[tuple[int, int]]:
    doc = ix.doc
    contents: list[tuple[int, int]] = []
    low, high = ix.paragraph_bounds(verb.i)
    for child in verb.children:
        if child.dep_ != "ccomp" or child.i in heads:
            continue
        if _is_trailing_report(ix, verb, child):
            continue  # "..., X said, news agency Y reported": Y's own statement
        start, end = trim(doc, max(child.left_edge.i, low),
                          min(child.right_edge.i + 1, high), quotes=False)
        start, end = _skip_complementizer(ix, start, end)
        if end > start:
            contents.append((start, end))
    if len(contents) > 1:
        # "Back on NBC, X said he ...": a fronted phrase is not part of what was said.
        after = [c for c in contents if c[0] > verb.i]
        if after:
            contents = after
    if contents:
        return contents
    # "..., X said." parsed with the cue as a dependent of the reported clause.
    head = verb.head
    # "..., X said." / "..., say analysts.": the attribution follows the reported
    # clause after a comma (parsed as parataxis, ccomp or even a conjunct).
    tacked_on = verb.dep_ in ("parataxis", "ccomp", "conj") \
        and _after_comma(ix, verb) \
        and not any(child.dep_ == "mark" for child in verb.children) \
        and any(child.dep_ == "nsubj" for child in verb.children)
    if tacked_on and head is not verb and verb.i > head.i \
            and head.pos_ in ("VERB", "AUX") and head.i not in ix.cues:
        left = verb.left_edge.i
        start, end = trim(doc, max(head.left_edge.i, low), left, quotes=False)
        if end - start >= 2:
            contents.append((start, end))
    if not contents and verb.dep_ == "parataxis" and head.i > verb.i \
            and (verb.i in ix.model_cues or any(h in ix.model_speakers for h in heads)):
        # "Cost estimates, he added, were ...": an attribution set inside the reported
        # clause, taken when the trained categorizer proposes its cue or speaker.
        for start, end in ((max(head.left_edge.i, low), verb.left_edge.i),
                           (verb.right_edge.i + 1, min(head.right_edge.i + 1, high))):
            start, end = trim(doc, start, end, quotes=False)
            if end > start:
                contents.append((start, end))
    return contents


def _object_content(ix: DocIndex, verb: Token, record: Pattern,
                    heads: Sequence[int]) -> list[tuple[int, int]] | None:
    """The object and complements after a stance verb, as listed in the record's
    ``object`` (dependency labels; "prep:for" is a preposition by its word, "xcomp:to"
    an infinitive), or None when none of ``needs`` (same notation) is there."""
    doc = ix.doc
    allowed = set(record["object"])
    needs = set(record.get("needs") or ())
    parts: list[Token] = []
    found: set[str] = set()
    for child in verb.rights:
        if child.i in heads:
            continue
        labels = {child.dep_, f"{child.dep_}:{child.lower_}"}
        if child.dep_ == "dobj":
            labels.add(f"dobj:{child.lemma_.lower()}")
            if any(grandchild.dep_ == "appos" for grandchild in child.rights):
                labels.add("oprd")  # "called the speech “a stunt”", parsed as apposition
        if any(grandchild.dep_ == "aux" and grandchild.lower_ == "to"
               for grandchild in child.children):
            labels.add(f"{child.dep_}:to")
        if child.dep_ == "prep" and any(
                grandchild.ent_type_ in ("DATE", "TIME") for grandchild in child.children):
            continue  # "called on Friday for ...": when, not what
        if child.dep_ == "prt" or (child.dep_ == "advmod" and child.lower_ in ix.words.particles):
            found.add(f"prt:{child.lower_}")  # "pushed back on": the particle makes the cue
        elif labels & allowed:
            parts.append(child)
            found |= labels
            if child.dep_ == "dobj":
                # "accused the men of fraud": the preposition hangs off the object.
                found |= {f"prep:{grandchild.lower_}" for grandchild in child.rights
                          if grandchild.dep_ == "prep"}
    if needs and not needs & found:
        return None
    if not parts:
        return []
    if any(grandchild.dep_ == "det" and grandchild.lower_ == "no"
           for child in parts for grandchild in child.children):
        return None  # "expressed no concern": nothing was stated
    low, high = ix.paragraph_bounds(verb.i)
    start = max(min(child.left_edge.i for child in parts), low)
    end = min(max(child.right_edge.i for child in parts) + 1, high)
    if doc[start].dep_ == "prep" and doc[start].head.i == verb.i:
        start += 1  # "called for X to ...": the content is what was called for
    start, end = trim(doc, start, end, quotes=False)
    if end - start < 1 or (end - start == 1 and doc[start].pos_ == "PRON"):
        return []
    return [(start, end)]


def _is_trailing_report(ix: DocIndex, verb: Token, child: Token) -> bool:
    """A reporting clause tacked on after the statement, without "that"."""
    if child.i not in ix.cues or child.i < verb.i:
        return False
    if any(grandchild.dep_ == "mark" for grandchild in child.children):
        return False
    if not _after_comma(ix, child):
        return False
    subject = _find_subject(ix, child)
    return subject is not None and subject.pos_ != "PRON"


def _after_comma(ix: DocIndex, verb: Token) -> bool:
    """The clause headed by ``verb`` starts right after a comma."""
    left = verb.left_edge.i
    if ix.doc[left].text != ",":
        left -= 1
    return left >= 0 and ix.doc[left].text == ","


def _skip_complementizer(ix: DocIndex, start: int, end: int) -> tuple[int, int]:
    doc = ix.doc
    while start < end and doc[start].dep_ == "mark" \
            and doc[start].lower_ in ix.words.complementizers:
        start += 1
    return trim(doc, start, end, quotes=False)


def noun_statement(ix: DocIndex, i: int) -> Statement | None:
    """"X's assertion that ...", "warnings from X that ...": a statement noun with its
    author and a that-clause."""
    doc = ix.doc
    noun = doc[i]
    if ix.in_quote(i) or ix.in_heading(i):
        return None
    source: Token | None = None
    clause: Token | None = None
    for child in noun.children:
        if child.dep_ == "poss" and child.i < i:
            source = child
        elif child.dep_ == "prep" and child.lower_ in ix.words.noun_source_prepositions \
                and source is None:
            source = next((c for c in child.children if c.dep_ == "pobj"), None)
        elif child.dep_ in ("acl", "ccomp", "relcl") and child.i > i and any(
                c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
            clause = child
    if source is None or clause is None:
        return None
    heads = _source_heads(ix, source)
    if not heads:
        return None
    low, high = ix.paragraph_bounds(i)
    start, end = trim(doc, max(clause.left_edge.i, low), min(clause.right_edge.i + 1, high),
                      quotes=False)
    start, end = _skip_complementizer(ix, start, end)
    if end <= start:
        return None
    record = ix.noun_cues[i]
    return Statement(cue=(i, i + 1), cue_id=record["id"], cue_class="speech",
                     method="noun", heads=heads, contents=[(start, end)], anchor=i)


def phrase_statement(ix: DocIndex, record: Pattern, start: int, end: int) -> Statement | None:
    """The statement of a phrase cue ("according to X", "citing X") whose last token
    governs the source; its content is the rest of the clause, or the cue verb's it
    hangs on ("X said, citing Y")."""
    doc = ix.doc
    if ix.in_quote(start) or ix.in_heading(start):
        return None
    anchor = doc[end - 1]
    source = None
    for child in anchor.children:
        if child.dep_ in ("pobj", "dobj"):
            source = child
            break
    if source is None:
        return None
    heads = _source_heads(ix, source)
    if not heads:
        return None
    statement = Statement(cue=(start, end), cue_id=record["id"], cue_class="speech",
                          method="phrase", heads=heads, anchor=start)
    first = doc[start]
    head = first.head
    hops = 0
    while head.pos_ not in ("VERB", "AUX") and head.dep_ != "ROOT" and hops < 4:
        head = head.head
        hops += 1
    # "X said, citing Y" shares X's content; "according to Y, they are accused of"
    # (no speaker of its own) is plain content.
    reporting_head = head.i in ix.cues and head.i != first.i and any(
        child.dep_ == "nsubj" for child in head.children)
    if reporting_head:
        statement.content_from = head.i
    if head is first:
        sent = ix.sent_index(start)
        outer_start, outer_end = ix.sent_bounds(sent)
    else:
        outer_start, outer_end = head.left_edge.i, head.right_edge.i + 1
    low, high = ix.paragraph_bounds(start)
    outer_start, outer_end = max(outer_start, low), min(outer_end, high)
    inner_start = min(first.left_edge.i, start)
    inner_end = max(first.right_edge.i + 1, end, source.right_edge.i + 1)
    parts = [trim(doc, outer_start, inner_start, quotes=False),
             trim(doc, inner_end, outer_end, quotes=False)]
    if reporting_head:
        # "X said, citing Y": only the reported clause, not X's own words around it.
        parts = []
    statement.contents = [(s, e) for s, e in parts if e - s >= 2]
    if not statement.contents and statement.content_from < 0:
        return None
    return statement
