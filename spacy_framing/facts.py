"""Doc -> plain per-document facts: the only reader of ``doc.spans`` downstream.

Everything above this module (compare, statistics, reports, corpus runs) works on the
JSON-able dicts made here, never on Docs, so results can be stored, shipped between
processes without pickling spaCy objects, and tested on constructed data. The facts are
independent of any target actor: which sentences concern an actor is decided later.

Shape of one document's facts::

    {"doc_id", "outlet", "title", "date", "meta", "text", "n_tokens", "hedge_density",
     "sentences": [{"index", "start_char", "end_char", "text", "n_tokens", "lemmas",
                    "actors", "source_actors", "roles": {actor: "agent"|"affected"|"other"},
                    "uncertain"} (+ "persons": {person: role}, "source_persons")],
     "spans": [{"group": "framing"|"hedges"|"actors", "label", "start_char", "end_char",
                "text", "sentence", "rule", "in_quote"} (+ "actor" for actor mentions,
                "person" for those that name an office holder)],
     "sources": [{"start_char", "end_char", "text", "speaker", "type", "cue", "cue_span",
                  "content", "actor", "sentence"} (+ "person")]}

All offsets are character offsets into ``text``; ``sentence`` is a sentence index.

People (the ``persons`` span group of framing_actors: office holders named, in office on
``Doc._.date`` or not, and the holder a title names) are optional keys, present only where
there are some, so that facts without them stay as they were: a sentence's ``persons``
(each person mentioned, with their role as for actors) and ``source_persons`` (people whose
statement it carries), a source's ``person`` (the office holder speaking: the PERSON span in
the speaker mention, else one whose mention reads like the resolved speaker name).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER, SENT_START

from .types import Facts, Record

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

FACTS_VERSION = 1

# Span groups read from a Doc, keyed by the group name used in the facts.
DEFAULT_SPAN_KEYS: dict[str, str] = {
    "framing": "framing",
    "hedges": "hedges",
    "sources": "sources",
    "actors": "actors",
    "persons": "persons",
}

# Roles (codebook section 4): agent = subject of an active verb; affected = object,
# passive subject, object of a preposition that points at the actor, or possessor of a
# loss; anything else is "other".
AGENT, AFFECTED, OTHER = "agent", "affected", "other"
_OBJECT_DEPS = frozenset({"dobj", "obj", "iobj", "dative", "nsubjpass", "csubjpass"})
# "influence over Pyongyang", "presented to China", "leverage against Russia",
# "pressure on Beijing", "not beneficial for China": the preposition points at the actor.
# "in Beijing", "with China", "from Moscow" do not.
_AFFECTED_PREPOSITIONS = frozenset({"over", "to", "against", "on", "upon", "for", "toward",
                                    "towards", "into"})
# The subject of these verbs is the possessor of a loss: "China is losing influence".
_SUBJECT_LOSES_VERBS = frozenset({"lose", "forfeit", "cede", "squander", "surrender"})
# A possessor of these nouns is affected: "China's loss", "Beijing's waning clout".
_LOSS_NOUNS = frozenset({
    "loss", "decline", "defeat", "setback", "erosion", "weakening", "retreat", "humiliation",
    "isolation", "collapse", "downfall", "blow", "waning", "diminishment", "marginalization",
    "sidelining", "embarrassment", "expense",
})
# A possessor of something these verbs act on is affected: "undermine China's position".
_LOSS_VERBS = frozenset({
    "undermine", "weaken", "erode", "damage", "hurt", "threaten", "diminish", "reduce",
    "sideline", "isolate", "humiliate", "marginalize", "marginalise", "harm", "curb",
    "offset", "challenge", "limit", "undercut", "jeopardize", "jeopardise",
})
# A possessor of these nouns acts through them: "China's foreign minister held talks".
_PROXY_NOUNS = frozenset({
    "government", "ministry", "minister", "official", "leader", "leadership", "president",
    "spokesperson", "spokesman", "spokeswoman", "military", "army", "navy", "troops",
    "force", "administration", "embassy", "envoy", "delegation", "diplomat", "regime",
    "premier", "chancellor", "parliament", "foreign",
})
# Dependencies that make a token part of a larger nominal whose role it shares.
_NOMINAL_LINKS = frozenset({"compound", "appos", "conj", "flat", "nmod", "amod", "nn"})
_MAX_CLIMB = 12


def doc_facts(
    doc: Doc,
    meta: Mapping[str, Any] | None = None,
    *,
    span_keys: Mapping[str, str] | None = None,
) -> Facts:
    """The facts of one Doc; ``meta`` is its record (outlet, doc_id, title, date, meta).

    Works on any pipeline: groups or extensions that a pipeline lacks give empty lists
    and defaults, and a Doc without sentence boundaries is one sentence.
    """
    meta = dict(meta or {})
    keys = {**DEFAULT_SPAN_KEYS, **(span_keys or {})}
    sentences = _sentences(doc)
    starts = [sent.start for sent in sentences]

    def sentence_of(token_index: int) -> int:
        return max(bisect_right(starts, token_index) - 1, 0)

    spans: list[dict[str, Any]] = []
    for group in ("framing", "hedges"):
        for span in _span_group(doc, keys[group]):
            spans.append(_span_fact(span, group, sentence_of(span.start)))
    actor_spans = list(_span_group(doc, keys["actors"]))
    person_spans = list(_span_group(doc, keys["persons"]))
    person_at = {(span.start, span.end): span.kb_id_ for span in person_spans}
    for span in actor_spans:
        fact = _span_fact(span, "actors", sentence_of(span.start))
        fact["actor"] = _canonical(span)
        if (span.start, span.end) in person_at:
            fact["person"] = person_at[(span.start, span.end)]
        spans.append(fact)
    spans.sort(key=lambda s: (s["start_char"], s["end_char"], s["group"], s["label"]))

    sources = [_source_fact(span, sentence_of)
               for span in _span_group(doc, keys["sources"])]
    if person_spans:
        _attach_source_persons(sources, person_spans)

    is_word, lemmas = _token_table(doc)
    sentence_facts = [_sentence_fact(index, sent, is_word, lemmas)
                      for index, sent in enumerate(sentences)]
    _attach_actors(sentence_facts, actor_spans, sentence_of)
    _attach_actors(sentence_facts, person_spans, sentence_of, keys=("persons", "persons"))
    _attach_source_actors(sentence_facts, sources)
    _attach_source_actors(sentence_facts, sources, keys=("person", "source_persons"))
    _attach_uncertainty(sentence_facts, sentences, spans)

    return {
        "facts_version": FACTS_VERSION,
        "doc_id": str(meta.get("doc_id") if meta.get("doc_id") is not None else ""),
        "outlet": str(meta.get("outlet") or ""),
        "title": meta.get("title"),
        "date": meta.get("date"),
        "meta": _plain_meta(meta),
        "text": doc.text,
        "n_tokens": sum(s["n_tokens"] for s in sentence_facts),
        "hedge_density": _extension(doc, "hedge_density", None),
        "sentences": sentence_facts,
        "spans": spans,
        "sources": sources,
    }


def stream_facts(
    nlp: Language,
    records: Iterable[Record],
    *,
    batch_size: int = 32,
    n_process: int = 1,
    span_keys: Mapping[str, str] | None = None,
) -> Iterator[Facts]:
    """Parse records with ``nlp.pipe`` and turn each Doc into facts at once, so that no
    more Docs are alive than one batch. Texts longer than 100,000 characters are parsed
    in paragraph chunks (see :mod:`spacy_framing.chunks`)."""
    from .chunks import pipe_facts

    yield from pipe_facts(nlp, records, batch_size=batch_size, n_process=n_process,
                          span_keys=span_keys)


# --- internals ----------------------------------------------------------------------

_RECORD_KEYS = frozenset({"text", "outlet", "doc_id", "title", "date", "meta"})


def _plain_meta(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's ``meta`` plus any other key a caller put on the record (e.g. path)."""
    meta = dict(record.get("meta") or {})
    meta.update({k: v for k, v in record.items() if k not in _RECORD_KEYS})
    return meta



def _extension(obj: Any, name: str, default: Any) -> Any:
    """``obj._.name`` when the extension is registered, else ``default``."""
    try:
        return getattr(obj._, name)
    except AttributeError:
        return default


def _sentences(doc: Doc) -> list[Span]:
    """The Doc's sentences, also cut after line breaks.

    News text puts headlines, bylines and datelines on lines of their own, without final
    punctuation; the parser would glue them to the next sentence, which then "concerns"
    every actor of the headline. A line break always ends a sentence here.
    """
    if len(doc) == 0:
        return []
    if "sents" in doc.user_hooks:
        starts = sorted({sent.start for sent in doc.sents})
    elif doc.has_annotation("SENT_START"):
        # The same boundaries as doc.sents, read from one array instead of creating a
        # Token object per token (which costs more than everything else in this module).
        flags = doc.to_array(SENT_START).astype(numpy.int64)
        starts = [0, *(int(i) for i in numpy.flatnonzero(flags[1:] == 1) + 1)]
    else:
        # No parser, senter or sentencizer: lines are the only boundaries.
        starts = [0]
    spaces = numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist()
    line_breaks = [i + 1 for i in spaces if i + 1 < len(doc) and "\n" in doc[i].text]
    starts = sorted(set(starts) | set(line_breaks))
    ends = [*starts[1:], len(doc)]
    return [doc[start:end] for start, end in zip(starts, ends, strict=True)]


def _token_table(doc: Doc) -> tuple[numpy.ndarray, list[str]]:
    """Per token: whether it is a word (not punctuation or space), and its lowercased
    lemma (the lowercased form when the pipeline has no lemmatizer)."""
    if len(doc) == 0:
        return numpy.zeros(0, dtype=bool), []
    table = doc.to_array([IS_PUNCT, IS_SPACE, LEMMA, LOWER])
    strings = doc.vocab.strings
    is_word = (table[:, 0] == 0) & (table[:, 1] == 0)
    lemmas = [strings[int(lemma)].lower() if lemma else strings[int(lower)]
              for lemma, lower in zip(table[:, 2].tolist(), table[:, 3].tolist(), strict=True)]
    return is_word, lemmas


def _span_group(doc: Doc, key: str) -> Iterable[Span]:
    return doc.spans.get(key, ())


def _canonical(span: Span) -> str:
    return span.kb_id_ or span.text


def _span_fact(span: Span, group: str, sentence: int) -> dict[str, Any]:
    return {
        "group": group,
        "label": span.label_,
        "start_char": span.start_char,
        "end_char": span.end_char,
        "text": span.text,
        "sentence": sentence,
        "rule": span.id_ or None,
        "in_quote": bool(_extension(span, "in_quote", False)),
    }


def _char_range(span: Any) -> list[int] | None:
    if span is None:
        return None
    return [span.start_char, span.end_char]


def _source_fact(span: Span, sentence_of: Any) -> dict[str, Any]:
    cue = _extension(span, "cue", None)
    parts = [part for part in (_extension(span, "content_spans", None) or []) if part]
    if not parts:
        content = _extension(span, "content", None)
        parts = [content] if content is not None and len(content) else []
    parts.sort(key=lambda part: (part.start_char, part.end_char))
    content_sentences = sorted({sentence_of(part.start) for part in parts}
                               | {sentence_of(part.end - 1) for part in parts})
    speaker = _extension(span, "speaker", None) or span.text
    return {
        "start_char": span.start_char,
        "end_char": span.end_char,
        "text": span.text,
        "speaker": speaker,
        "type": _extension(span, "source_type", None) or "unnamed",
        "cue": cue.text if cue is not None else None,
        "cue_span": _char_range(cue),
        "content": [_char_range(part) for part in parts],
        "content_sentences": content_sentences,
        "actor": _extension(span, "actor", None) or None,
        "sentence": sentence_of(span.start),
    }


def _sentence_fact(index: int, sent: Span, is_word: numpy.ndarray,
                   lemmas: list[str]) -> dict[str, Any]:
    words = (numpy.flatnonzero(is_word[sent.start:sent.end]) + sent.start).tolist()
    return {
        "index": index,
        "start_char": sent.start_char,
        "end_char": sent.end_char,
        "text": sent.text,
        "n_tokens": len(words),
        # Lowercased lemmas so that the contrast model needs no spaCy.
        "lemmas": [lemmas[i] for i in words],
        "actors": [],
        "source_actors": [],
        "roles": {},
        "uncertain": False,
    }


def _attach_actors(sentence_facts: list[dict[str, Any]], actor_spans: list[Span],
                   sentence_of: Any, *, keys: tuple[str, str] = ("actors", "roles")) -> None:
    # Per sentence and actor, the role of the mention highest in the parse tree: the
    # main clause says more about the actor's position than an embedded mention. People
    # (keys "persons", "persons") go to one optional dict, person -> role.
    names_key, roles_key = keys
    best: dict[tuple[int, str], tuple[int, int, str]] = {}
    for order, span in enumerate(actor_spans):
        if not sentence_facts:
            break
        index = sentence_of(span.start)
        actor = _canonical(span)
        names = sentence_facts[index].setdefault(names_key, [] if names_key != roles_key
                                                 else {})
        if names_key != roles_key and actor not in names:
            names.append(actor)
        role, depth = _mention_role(span)
        key = (index, actor)
        if key not in best or (depth, order) < best[key][:2]:
            best[key] = (depth, order, role)
    for (index, actor), (_, _, role) in best.items():
        sentence_facts[index][roles_key][actor] = role


def _attach_source_actors(sentence_facts: list[dict[str, Any]],
                          sources: list[dict[str, Any]], *,
                          keys: tuple[str, str] = ("actor", "source_actors")) -> None:
    # A sentence concerns an actor whose source speaks in it: the sentence naming the
    # source and every sentence of the reported content (people likewise, optional key).
    source_key, bucket_key = keys
    for source in sources:
        actor = source.get(source_key)
        if not actor:
            continue
        for index in {source["sentence"], *source["content_sentences"]}:
            if 0 <= index < len(sentence_facts):
                bucket = sentence_facts[index].setdefault(bucket_key, [])
                if actor not in bucket:
                    bucket.append(actor)


def _attach_source_persons(sources: list[dict[str, Any]], person_spans: list[Span]) -> None:
    """A source's ``person``: the PERSON span inside its speaker mention, else the person
    whose mention in the document reads like its resolved speaker ("he" resolved to
    "Barack Obama")."""
    by_text: dict[str, str] = {}
    for span in person_spans:
        by_text.setdefault(span.text.casefold(), span.kb_id_)
        by_text.setdefault(span.kb_id_.casefold(), span.kb_id_)
    for source in sources:
        inside = [span.kb_id_ for span in person_spans
                  if span.start_char < source["end_char"]
                  and source["start_char"] < span.end_char]
        speaker = str(source.get("speaker") or "").casefold()
        person = inside[0] if inside else by_text.get(speaker)
        if person is None and speaker:
            # "President Barack Obama": the longest known mention at the name's end.
            person = next((name for text, name in sorted(by_text.items(),
                                                         key=lambda kv: -len(kv[0]))
                           if speaker.endswith(" " + text)), None)
        if person is not None:
            source["person"] = person


def _attach_uncertainty(sentence_facts: list[dict[str, Any]], sentences: list[Span],
                        spans: list[dict[str, Any]]) -> None:
    hedged = {s["sentence"] for s in spans if s["group"] == "hedges" and s["label"] == "HEDGE"}
    for fact, sent in zip(sentence_facts, sentences, strict=True):
        flag = _extension(sent, "is_uncertain", None)
        # Without the hedges component's judgement, a HEDGE cue in the sentence decides.
        fact["uncertain"] = bool(flag) if flag is not None else fact["index"] in hedged


def _depth(token: Token) -> int:
    depth = 0
    while token.head is not token and depth < 100:
        token = token.head
        depth += 1
    return depth


def _mention_role(span: Span) -> tuple[str, int]:
    """The grammatical role of one actor mention, and how deep it sits in the parse."""
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return OTHER, 0
    token = span.root
    climbs = 0
    # "Beijing officials", "Lin Jian, the spokesperson", "Moscow and Pyongyang": the
    # mention shares the role of the nominal it is part of.
    while token.dep_ in _NOMINAL_LINKS and token.head is not token and climbs < _MAX_CLIMB:
        token = token.head
        climbs += 1
    return _role_of(token), _depth(token)


def _role_of(token: Token, hops: int = 0) -> str:
    dep = token.dep_
    head = token.head
    if dep == "nsubj":
        if head.lemma_.lower() in _SUBJECT_LOSES_VERBS:
            return AFFECTED
        if any(child.dep_ == "auxpass" for child in head.children):
            return AFFECTED
        if head.pos_ in ("VERB",) or (head.pos_ == "AUX" and head.lemma_ != "be"):
            return AGENT
        return OTHER
    if dep in _OBJECT_DEPS:
        return AFFECTED
    if dep == "pobj":
        if head.dep_ == "agent":
            return AGENT
        if head.lower_ in _AFFECTED_PREPOSITIONS:
            return AFFECTED
        return OTHER
    if dep == "poss":
        lemma = head.lemma_.lower()
        if lemma in _LOSS_NOUNS:
            return AFFECTED
        if head.dep_ in _OBJECT_DEPS and head.head.lemma_.lower() in _LOSS_VERBS:
            return AFFECTED
        if lemma in _PROXY_NOUNS and hops < 3:
            nominal = head
            climbs = 0
            while nominal.dep_ in _NOMINAL_LINKS and nominal.head is not nominal \
                    and climbs < _MAX_CLIMB:
                nominal = nominal.head
                climbs += 1
            return _role_of(nominal, hops + 1)
        return OTHER
    return OTHER
