"""``framing_devices``: framing devices (codebook section 1) written to ``doc.spans``.

Rules are data, one JSON object a line, in the shape of spaCy's ``SpanRuler`` patterns.
The bundled rules live in ``spacy_framing/data/devices.jsonl`` (token patterns and
phrases) and ``spacy_framing/data/devices_dep.jsonl`` (``DependencyMatcher`` patterns).
Every record has an ``id`` (written to ``span.id_``, so users can see why a span fired)
and an UPPER_SNAKE_CASE ``label`` (the codebook's eleven or any label of the user's own),
plus exactly one of:

``pattern``
    a spaCy ``Matcher`` token pattern;
``phrase``
    a string or list of strings, matched case-insensitively (``LOWER``);
``dep_pattern``
    a spaCy ``DependencyMatcher`` pattern. ``span`` names the nodes whose smallest..largest
    token forms the span (default: all nodes); ``actor_nodes`` names nodes that must be a
    collective actor (see below).

Optional keys (word lists hold single lower-case words, compared with a token's
lower-case form and, for the sentence keys, its lemma):

``not_in_sentence`` / ``in_sentence``
    the match is dropped when the sentence holds one of these words ("game" near
    "quarterback") / holds none of them ("dangerous" only near "military", "nuclear", ...);
``not_preceded_by`` / ``not_followed_by``
    the match is dropped when the token right before / after it is one of these words
    ("federal law" before "enforcement");
``forms``
    ``{"lemma": ["irregular", "forms"]}`` for the LOWER fallback (below);
``note``
    free text for maintainers.

Without a lemmatizer (``spacy.blank("en")``) LEMMA matches nothing, so every token pattern
is compiled twice: as written, for annotated Docs, and as a fallback in which each LEMMA
becomes the LOWER set of its inflected forms (regular English inflection, a small table of
irregular verbs and the rule's ``forms``) and attributes only a trained pipeline sets (POS,
TAG, DEP, ...) are dropped; an ENT_TYPE condition becomes "a capitalised word that is not a
function word". Dependency rules need a parse and are skipped (warning W150) when a Doc has
none.

Speed: plain-word rules run on PhraseMatchers. Every other rule is gated by its required
plain-word tokens: one hash look-up per token finds them, and a rule's own Matcher runs only on
the few tokens around its rarest word when its other uncommon words occur nearby (a
dependency rule: on a copy of the sentence that holds all of them).

A collective actor (the experiencer of EMOTION, codebook: "emotions of private persons"
are not this) is a token inside ``doc.spans[actors_key]`` when ``framing_actors`` ran, a
token in an entity of ``collective_ent_types`` (GPE, NORP, ORG), a noun from
``collective_nouns`` (government, administration, officials, Democrats, "we", ...) or a
person named with a sitting head-of-state title ("President X", "Prime Minister Y"; not
"former" or "vice").

Wherever a rule writes a straight apostrophe in a plain-text condition (LOWER, ORTH, NORM,
phrases, word lists), the typographic one matches too: "didn’t" is tokenized "did" + "n’t".

Spans are the cue, not the sentence: quote marks at the edges are trimmed, matches longer
than ``max_span_tokens`` are dropped (a dependency match falls back to its anchor, the
pattern's first node), spans with different labels may overlap and overlapping spans of
one label are reduced to the longest. Two spans of one label that touch or have one token
between them in the same clause ("sniping and finger-pointing") are joined into one span
that keeps the first rule's id: annotators mark such a run as one phrase.

A LEMMA condition also matches the capitalised lemma, because the English lemmatizer keeps
the case of proper nouns ("the Supreme Court" has the lemma "Court").

The same cue may carry different labels by context (``in_sentence`` / ``not_in_sentence``
pick one): "retaliate" is ESCALATION near military or security words and STRATEGIC_GAME
in a domestic political fight.
"""

from __future__ import annotations

import itertools
import re
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.errors import MatchPatternError
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.pipeline.span_ruler import overlapping_labeled_spans_score
from spacy.tokens import Doc, Span, Token

from ..errors import DeviceErrors, DeviceWarnings
from ..types import PathLikeStr, Pattern
from .rules import (
    PLAIN_ATTRS,
    LazyPhraseMatcher,
    MatcherShelf,
    Rule,
    RuleComponent,
    RuleError,
    RuleSchema,
    RuleSet,
    Setting,
    WordIndex,
    WordListTable,
    as_word_lists,
    copy_records,
    located,
    string_list,
)
from .rules.lexicon import irregular_forms, word_list, word_set

DEFAULT_SPANS_KEY = "framing"
DEFAULT_RULE_FILES = ("devices.jsonl", "devices_dep.jsonl")
DEFAULT_ACTORS_KEY = "actors"
DEFAULT_MAX_SPAN_TOKENS = 8
DEFAULT_COLLECTIVE_ENT_TYPES = ("GPE", "NORP", "ORG")
DEFAULT_COLLECTIVE_NOUNS = (
    "government", "administration", "official", "officials", "authorities", "authority",
    "party", "parties", "democrats", "republicans", "gop", "white house", "congress",
    "senate", "house", "lawmakers", "lawmaker", "legislators", "leadership", "leaders",
    "ministry", "regime", "kremlin", "pentagon", "allies", "ally", "capital", "capitals",
    "country", "countries", "nation", "nations", "state", "states", "military", "army",
    "diplomats", "camp", "campaign", "committee", "caucus", "conservatives", "liberals",
    "progressives", "establishment", "cabinet", "parliament", "bloc", "alliance",
    "coalition", "union", "agency", "department", "court", "council", "beijing",
    "washington", "moscow", "pyongyang", "seoul", "tokyo", "brussels", "kyiv", "tehran",
    # Sitting heads of state or government speak for the state (codebook section 4);
    # publics, voters and party wings are collectives, one member of them is not.
    "president", "prime minister", "premier", "chancellor", "public", "voters", "americans",
    "the left", "the right", "base", "grassroots", "grass-roots", "activists", "senators",
    "members", "supporters", "critics", "groups", "organizations", "organisations",
    # In a quoted official, "we" speaks for the government, party or nation.
    "we",
)

_REQUIRED_KEYS = ("id", "label")
_KIND_KEYS = ("pattern", "phrase", "dep_pattern")
_WORD_LIST_KEYS = ("not_in_sentence", "in_sentence", "not_preceded_by", "not_followed_by")
_ALLOWED_KEYS = (*_KIND_KEYS, "span", "actor_nodes", "forms", *_WORD_LIST_KEYS, "note")
_LABEL_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")

# Token attributes that only a trained pipeline sets; the blank fallback drops them.
_MODEL_ATTRS = frozenset({"POS", "TAG", "MORPH", "DEP", "ENT_TYPE", "ENT_IOB", "ENT_ID",
                          "ENT_KB_ID", "HEAD"})
_MAX_PHRASE_EXPANSION = 2000
# Anchor choice: a stop word ("not", "would") costs as much as this many rare words, one of
# the commonest words ("the", "in") as much as this many stop words.
_COMMON_WORD_COST = 50
_VERY_COMMON_WORD_COST = 50 * _COMMON_WORD_COST
_VERY_COMMON_WORDS = word_set("devices", "VERY_COMMON_WORDS")
# Without NER, a capitalised word that is none of these stands in for a named entity.
_TITLE_FUNCTION_WORDS = word_list("devices", "TITLE_FUNCTION_WORDS")
_SINGULAR_DETERMINERS = word_set("devices", "SINGULAR_DETERMINERS")
_RELATIVE_PRONOUNS = word_set("devices", "RELATIVE_PRONOUNS")
_PLURAL_PRONOUNS = word_set("devices", "PLURAL_PRONOUNS")
# Codebook section 4: a sitting head of state or government feels for the state.
_HEAD_OF_STATE_TITLES = word_set("devices", "HEAD_OF_STATE_TITLES")
_NOT_SITTING = word_set("devices", "NOT_SITTING")
# Irregular forms of verbs that devices are phrased with; regular forms are generated.
_IRREGULAR_FORMS = irregular_forms("devices")
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})

_QUOTES = frozenset("\"'“”‘’«»„‟`")
# Two same-label spans this many tokens apart or closer are one cue (see _join_adjacent),
# unless a clause break lies between them.
_MAX_JOIN_GAP = 1
_CLAUSE_BREAKS = frozenset({".", ";", ":", "?", "!", "\"", "“", "”", "(", ")"})


def _regular_forms(lemma: str) -> set[str]:
    """Regular English inflections of ``lemma`` (plural/3rd person, -ed, -ing).

    Over-generation is harmless: a non-word such as "riskking" never occurs in text.
    """
    word = lemma.lower()
    forms = {word}
    if not word.isalpha():
        return forms
    consonant_y = re.search(r"[^aeiou]y$", word) is not None
    if re.search(r"(?:s|x|z|ch|sh)$", word):
        forms.add(word + "es")
    elif consonant_y:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if word.endswith("ee"):
        forms |= {word + "d", word + "ing"}
    elif word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    elif consonant_y:
        forms |= {word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "ed", word + "ing"}
        if re.search(r"(?:^|[^aeiou])[aeiou][bdgklmnprt]$", word):
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


def _inflections(lemma: str, extra: Mapping[str, Sequence[str]]) -> list[str]:
    forms = _regular_forms(lemma)
    forms.update(_IRREGULAR_FORMS.get(lemma.lower(), ()))
    forms.update(form.lower() for form in extra.get(lemma, ()))
    return sorted(forms)


def _lemma_to_lower(value: Any, extra: Mapping[str, Sequence[str]]) -> Any:
    """The LOWER condition that stands in for a LEMMA condition on a blank pipeline."""
    if isinstance(value, str):
        return {"IN": _inflections(value, extra)}
    if isinstance(value, dict):
        converted: dict[str, Any] = {}
        for operator, operand in value.items():
            if operator in ("IN", "NOT_IN") and isinstance(operand, list):
                converted[operator] = sorted({form for lemma in operand
                                              for form in _inflections(str(lemma), extra)})
            elif operator == "REGEX":
                converted[operator] = operand
            # Other operators (FUZZY, comparisons) have no LOWER counterpart; drop them.
        return converted or None
    return None


def _blank_fallback(pattern: list[dict[str, Any]],
                    extra: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """``pattern`` rewritten for a Doc without lemmas, tags, parse or entities."""
    fallback: list[dict[str, Any]] = []
    for token in pattern:
        converted = {key: value for key, value in token.items()
                     if key not in _MODEL_ATTRS and key != "LEMMA"}
        if "LEMMA" in token and "ORTH" not in token:
            lower = _lemma_to_lower(token["LEMMA"], extra)
            excluded = token.get("LOWER")
            if lower is not None and "LOWER" not in token:
                converted["LOWER"] = lower
            elif isinstance(lower, dict) and isinstance(excluded, dict) \
                    and set(excluded) == {"NOT_IN"} and set(lower) == {"IN"}:
                # {"LEMMA": "depend", "LOWER": {"NOT_IN": ["depending"]}}: the other forms.
                converted["LOWER"] = {"IN": [form for form in lower["IN"]
                                             if form not in excluded["NOT_IN"]]}
        entity = token.get("ENT_TYPE")
        if (isinstance(entity, str) or (isinstance(entity, dict) and "IN" in entity)) \
                and not {"LOWER", "ORTH", "NORM"} & converted.keys():
            # Without NER a named actor is at least a capitalised word that is not a
            # sentence-initial function word ("China", not "The" or "He").
            converted["IS_TITLE"] = True
            converted["LOWER"] = {"NOT_IN": list(_TITLE_FUNCTION_WORDS)}
        fallback.append(converted)
    return fallback


def _plural_antecedent(pronoun: Token) -> Token | None:
    """The nearest plural noun subject before ``pronoun`` in its sentence or the one
    before, or None."""
    doc = pronoun.doc
    sentence = pronoun.sent
    start = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    for candidate in reversed(doc[start:pronoun.i]):
        if candidate.dep_ in _SUBJECT_DEPS and candidate.pos_ != "PRON" and (
                candidate.tag_ in ("NNS", "NNPS") or candidate.ent_type_ == "NORP"):
            return candidate
    return None


def _is_titled_head_of_state(token: Token) -> bool:
    """Whether a person's name is preceded by a head-of-state title ("President Obama",
    "Prime Minister Abe"), without "former", "vice" or a portfolio before it."""
    start = token.i
    while start > 0 and token.doc[start].ent_iob_ != "B" \
            and token.doc[start - 1].ent_type_ == "PERSON":
        start -= 1
    if start == 0:
        return False
    title = token.doc[start - 1]
    if title.lower_ not in _HEAD_OF_STATE_TITLES:
        return False
    before = token.doc[start - 2] if start > 1 else None
    return before is None or before.lower_ not in _NOT_SITTING


def _typographic(word: str) -> list[str]:
    """``word`` and, when it has a straight apostrophe, its typographic twin: news text
    writes "don’t" and "China’s", which the tokenizer keeps as "n’t" and "’s"."""
    return [word, word.replace("'", "’")] if "'" in word else [word]


def _typographic_values(value: Any) -> Any:
    if isinstance(value, str):
        variants = _typographic(value)
        return {"IN": variants} if len(variants) > 1 else value
    if isinstance(value, dict):
        return {op: sorted({v for word in words for v in _typographic(word)})
                if op in ("IN", "NOT_IN") and isinstance(words, list)
                and all(isinstance(word, str) for word in words) else words
                for op, words in value.items()}
    return value


def _with_typographic_apostrophes(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` whose plain-text conditions (LOWER, ORTH, NORM, phrases and word
    lists) also accept the typographic apostrophe wherever a straight one is written."""
    def token(attrs: Mapping[str, Any]) -> dict[str, Any]:
        return {key: _typographic_values(value) if key in PLAIN_ATTRS else value
                for key, value in attrs.items()}

    copy = dict(record)
    if "pattern" in copy:
        copy["pattern"] = [token(attrs) for attrs in copy["pattern"]]
    if "dep_pattern" in copy:
        copy["dep_pattern"] = [{**node, "RIGHT_ATTRS": token(node["RIGHT_ATTRS"])}
                               if "RIGHT_ATTRS" in node else node
                               for node in copy["dep_pattern"]]
    if "phrase" in copy:
        copy["phrase"] = [variant for text in _string_list(copy["phrase"], "phrase")
                          for variant in _typographic(text)]
    for key in _WORD_LIST_KEYS:
        if key in copy:
            copy[key] = [variant for word in copy[key] for variant in _typographic(word)]
    return copy


def _capitalised(value: Any) -> Any:
    if isinstance(value, str):
        return {"IN": sorted({value, value.capitalize()})} if value.islower() else value
    if isinstance(value, dict) and isinstance(value.get("IN"), list):
        words = [word for word in value["IN"] if isinstance(word, str)]
        return {**value, "IN": sorted({*words, *(word.capitalize() for word in words
                                                  if word.islower())})}
    return value


def _with_capitalised_lemmas(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``pattern`` with each LEMMA word also in its capitalised form: the English
    lemmatizer keeps the case of proper nouns ("the Supreme Court" has the lemma "Court",
    "Treaty" in a title stays "Treaty")."""
    return [{**token, "LEMMA": _capitalised(token["LEMMA"])} if "LEMMA" in token else token
            for token in pattern]


def _is_lexical(pattern: list[dict[str, Any]]) -> bool:
    """Whether some token of ``pattern`` is constrained by its text, not only by OP."""
    return any(key != "OP" for token in pattern for key in token)


def _needs_model(pattern: list[dict[str, Any]]) -> bool:
    return any(key in _MODEL_ATTRS or key == "LEMMA" for token in pattern for key in token)


def _lexical_values(attrs: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """The attribute and word set a token condition requires, if it requires plain words
    (``"LOWER": "x"`` or ``"LEMMA": {"IN": [...]}``); LOWER/ORTH/NORM before LEMMA."""
    for attr in (*PLAIN_ATTRS, "LEMMA"):
        value = attrs.get(attr)
        if isinstance(value, str):
            return attr, [value]
        if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) \
                and value["IN"] and all(isinstance(word, str) for word in value["IN"]):
            return attr, list(dict.fromkeys(value["IN"]))
    return None


def _word_cost(word: str) -> int:
    word = word.lower()
    if word in _VERY_COMMON_WORDS:
        return _VERY_COMMON_WORD_COST
    return _COMMON_WORD_COST if word in STOP_WORDS or len(word) < 3 \
        or not word.isalpha() else 1


def _trigger_parts(tokens: Sequence[Mapping[str, Any]]
                   ) -> tuple[int, list[tuple[int, str, list[str]]]] | None:
    """Which tokens (or dependency nodes) of a rule gate it: ``(anchor, parts)``.

    A part is a required token with plain-word conditions. The anchor is the part with the
    rarest words (fewest, no stop words); the rule is only tried where its anchor occurs
    and every other part occurs near it (same sentence for dependency rules). Parts made
    with the commonest words ("the", "in") are left to the matcher: looking them up would
    cost more than it saves. None when no token has plain-word conditions (the rule is
    tried everywhere).
    """
    parts: list[tuple[int, int, str, list[str]]] = []
    for index, attrs in enumerate(tokens):
        if attrs.get("OP") in ("?", "*", "!"):
            continue
        lexical = _lexical_values(attrs)
        if lexical is not None:
            attr, words = lexical
            parts.append((sum(_word_cost(word) for word in words), index, attr, words))
    if not parts:
        return None
    anchor = min(parts)[1]
    return anchor, [(index, attr, words) for _cost, index, attr, words in parts
                    if index == anchor
                    or max(_word_cost(word) for word in words) < _VERY_COMMON_WORD_COST]


def _string_list(value: Any, key: str) -> list[str]:
    return string_list(value, key, error=DeviceErrors.E152)


def _widen_to_entities(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Grow a dependency match so that it does not cut a named entity: the parse links
    the head "Korea", the reader sees "South Korea"."""
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return start, end


def _has_between(positions: list[int], lo: int, hi: int) -> bool:
    """Whether the sorted ``positions`` hold one in ``[lo, hi)``."""
    index = bisect_left(positions, lo)
    return index < len(positions) and positions[index] < hi


def _has_within(positions: list[int], position: int, reach: int) -> bool:
    return _has_between(positions, position - reach, position + reach + 1)


class _SentenceWords:
    """The words (lower-case forms and lemmas) of the sentence around a position, computed
    once per sentence for the word-list conditions. Without sentence boundaries, the 30
    tokens either side stand in for the sentence."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts: list[int] | None = None
        self.cache: dict[tuple[int, int], frozenset[str]] = {}

    def around(self, position: int) -> frozenset[str]:
        doc = self.doc
        if self.starts is None:
            self.starts = [sentence.start for sentence in doc.sents] \
                if doc.has_annotation("SENT_START") else []
            self.starts.append(len(doc))
        if len(self.starts) > 1:
            index = bisect_right(self.starts, position) - 1
            bounds = (self.starts[index], self.starts[index + 1])
        else:
            bounds = (max(position - 30, 0), min(position + 30, len(doc)))
        words = self.cache.get(bounds)
        if words is None:
            tokens = doc[bounds[0]:bounds[1]]
            words = frozenset(token.lower_ for token in tokens) \
                | frozenset(token.lemma_ for token in tokens)
            self.cache[bounds] = words
        return words

    def has_any(self, position: int, words: frozenset[str]) -> bool:
        return not words.isdisjoint(self.around(position))


@dataclass(frozen=True)
class _CompiledRule:
    """A validated rule in the form matching needs."""

    rule_id: str
    label: str
    order: int
    span_nodes: tuple[int, ...] = ()
    actor_nodes: tuple[int, ...] = ()
    not_in_sentence: frozenset[str] = frozenset()
    in_sentence: frozenset[str] = frozenset()
    not_preceded_by: frozenset[str] = frozenset()
    not_followed_by: frozenset[str] = frozenset()


def _node_names(dep_pattern: list[dict[str, Any]]) -> list[str]:
    return [node.get("RIGHT_ID") for node in dep_pattern]


def _check_record(record: Mapping[str, Any]) -> None:
    """Raise ValueError when a rule's values are unusable (keys were checked by _rules)."""
    rule_id, label = record["id"], record["label"]
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise ValueError(DeviceErrors.E151.format(value=rule_id))
    if not isinstance(label, str) or not _LABEL_RE.match(label):
        raise ValueError(DeviceErrors.E153.format(value=label))
    kinds = [key for key in _KIND_KEYS if key in record]
    if len(kinds) != 1:
        raise ValueError(DeviceErrors.E154.format(given=", ".join(kinds) or "none"))
    kind = kinds[0]
    if kind == "pattern" and not (
        isinstance(record["pattern"], list) and record["pattern"]
        and all(isinstance(token, dict) for token in record["pattern"])
    ):
        raise ValueError(DeviceErrors.E155.format(key="pattern"))
    if kind == "phrase":
        _string_list(record["phrase"], "phrase")
    if kind != "dep_pattern" and ("span" in record or "actor_nodes" in record):
        raise ValueError(DeviceErrors.E156)
    if kind == "dep_pattern":
        pattern = record["dep_pattern"]
        if not (isinstance(pattern, list) and pattern
                and all(isinstance(node, dict) for node in pattern)):
            raise ValueError(DeviceErrors.E155.format(key="dep_pattern"))
        names = _node_names(pattern)
        for key in ("span", "actor_nodes"):
            if key in record:
                unknown = [name for name in _string_list(record[key], key) if name not in names]
                if unknown:
                    raise ValueError(DeviceErrors.E157.format(key=key, unknown=unknown,
                                                              names=names))
    if "forms" in record:
        forms = record["forms"]
        if not isinstance(forms, dict) or not all(
            isinstance(lemma, str) and isinstance(values, list)
            and all(isinstance(value, str) for value in values)
            for lemma, values in forms.items()
        ):
            raise ValueError(DeviceErrors.E158)
    for key in _WORD_LIST_KEYS:
        if key in record:
            words = _string_list(record[key], key)
            if any(word != word.lower() or " " in word.strip() for word in words):
                raise ValueError(DeviceErrors.E159.format(key=key))


# --------------------------------------------------------------------------- component

@Language.factory(
    "framing_devices",
    assigns=["doc.spans"],
    requires=[],
    default_config={
        "spans_key": DEFAULT_SPANS_KEY,
        "actors_key": DEFAULT_ACTORS_KEY,
        "max_span_tokens": DEFAULT_MAX_SPAN_TOKENS,
        "collective_ent_types": list(DEFAULT_COLLECTIVE_ENT_TYPES),
        "collective_nouns": list(DEFAULT_COLLECTIVE_NOUNS),
        "overwrite": True,
        "scorer": {
            "@scorers": "spacy.overlapping_labeled_spans_scorer.v1",
            "spans_key": DEFAULT_SPANS_KEY,
        },
    },
    default_score_weights={
        f"spans_{DEFAULT_SPANS_KEY}_f": 1.0,
        f"spans_{DEFAULT_SPANS_KEY}_p": 0.0,
        f"spans_{DEFAULT_SPANS_KEY}_r": 0.0,
        f"spans_{DEFAULT_SPANS_KEY}_per_type": None,
    },
)
def make_devices(
    nlp: Language,
    name: str,
    *,
    spans_key: str,
    actors_key: str,
    max_span_tokens: int,
    collective_ent_types: list[str],
    collective_nouns: list[str],
    overwrite: bool,
    scorer: Callable | None,
) -> DeviceTagger:
    return DeviceTagger(nlp, name, spans_key=spans_key, actors_key=actors_key,
                        max_span_tokens=max_span_tokens,
                        collective_ent_types=collective_ent_types,
                        collective_nouns=collective_nouns, overwrite=overwrite, scorer=scorer)


def _record_problem(record: Mapping[str, Any]) -> str | None:
    try:
        _check_record(record)
    except ValueError as err:
        return str(err)
    return None


DEVICE_SCHEMA = RuleSchema(name="framing_devices", required=_REQUIRED_KEYS,
                           allowed=_ALLOWED_KEYS, check=_record_problem)


class DeviceTagger(RuleComponent):
    """Tags framing devices from JSONL token, phrase and dependency rules."""

    settings = (
        Setting("spans_key"),
        Setting("actors_key"),
        Setting("max_span_tokens", int),
        Setting("collective_ent_types", list),
        Setting("collective_nouns", list),
        Setting("overwrite"),
    )
    rule_sets = (RuleSet("patterns", DEVICE_SCHEMA, legacy=("rules.jsonl",),
                         bundled=DEFAULT_RULE_FILES),)

    def __init__(
        self,
        nlp: Language,
        name: str = "framing_devices",
        *,
        spans_key: str = DEFAULT_SPANS_KEY,
        actors_key: str = DEFAULT_ACTORS_KEY,
        max_span_tokens: int = DEFAULT_MAX_SPAN_TOKENS,
        collective_ent_types: Iterable[str] = DEFAULT_COLLECTIVE_ENT_TYPES,
        collective_nouns: Iterable[str] = DEFAULT_COLLECTIVE_NOUNS,
        overwrite: bool = True,
        scorer: Callable | None = overlapping_labeled_spans_score,
        patterns: Iterable[Pattern] | None = None,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.actors_key = actors_key
        self.max_span_tokens = int(max_span_tokens)
        self.collective_ent_types = list(collective_ent_types)
        self.collective_nouns = [noun.lower() for noun in collective_nouns]
        self.overwrite = overwrite
        self.scorer = scorer
        self._warned_no_parse = False
        # The named word lists of the rules read last: user rules may use the bundled ones.
        self.lists = WordListTable()
        self.clear()
        if patterns is None:
            # Users often call nlp.add_pipe(...) and go; the bundled rules are a cheap read.
            self._add_records(self._default_records(), schema_checked=True)
        else:
            self.add_patterns(patterns)

    # -- rules -------------------------------------------------------------------------

    @property
    def patterns(self) -> list[Pattern]:
        """The current rules, as they would be written to a rule file."""
        return copy_records(self._patterns)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({record["label"] for record in self._patterns}))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(sorted({record["id"] for record in self._patterns}))

    def __len__(self) -> int:
        return len(self._patterns)

    def clear(self) -> None:
        self._patterns: list[Pattern] = []
        self._rules: list[_CompiledRule] = []
        self._rule_by_key: dict[int, _CompiledRule] = {}
        # Plain word patterns and phrases go to PhraseMatchers (hash look-ups).
        self.phrase_matchers: dict[str, LazyPhraseMatcher] = {
            attr: LazyPhraseMatcher(self.nlp, attr=attr) for attr in PLAIN_ATTRS
        }
        # Every other rule has its own Matcher (or DependencyMatcher) and an anchor, its
        # rarest required word. One word-index pass finds the anchors; a rule's matcher
        # then runs only on the few tokens around its anchor (or on the anchor's
        # sentence). Token rules exist twice: as written, for Docs with lemmas, and as
        # the LOWER fallback for Docs without.
        self._rule_matchers = MatcherShelf(self.nlp.vocab, Matcher)
        self._fallback_matchers = MatcherShelf(self.nlp.vocab, Matcher)
        self._dep_matchers = MatcherShelf(self.nlp.vocab, DependencyMatcher)
        self._anchors = WordIndex(self.nlp.vocab.strings)
        self._fallback_anchors = WordIndex(self.nlp.vocab.strings)
        self._dep_anchors = WordIndex(self.nlp.vocab.strings)
        # rule order -> (anchor index, indices of the other parts that must occur near it)
        self._triggers: dict[int, tuple[int, tuple[int, ...]]] = {}
        self._unanchored: list[int] = []
        self._unanchored_dep: list[int] = []
        # token rules whose blank-pipeline fallback is not made yet:
        # (order, key, pattern as written, forms, needs a model, trigger parts)
        self._pending_fallbacks: list[tuple[int, str, list[dict[str, Any]],
                                            Mapping[str, Sequence[str]], bool,
                                            tuple[int, list[tuple[int, str, list[str]]]]
                                            | None]] = []

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        patterns: Iterable[Pattern] | PathLikeStr | Sequence[PathLikeStr] | None = None,
    ) -> None:
        """(Re)load the rules: ``patterns`` (records, or one or more JSONL paths) or the
        bundled files when None. The current rules stay in place if the new ones are
        invalid.

        patterns (Iterable[Pattern] | PathLikeStr | Sequence[PathLikeStr] | None): The
            rules; they may use the named word lists of the current rules.
        """
        if patterns is None:
            self._replace_records(self._default_records(), schema_checked=True)
            return
        lists = self.lists.copy()
        rules = self.load_rules(patterns, origin=f"{self.name}.initialize",
                                type_error=DeviceErrors.E150, lists=lists)
        self._replace_records(located(rules))
        self.lists = lists

    def add_patterns(self, patterns: Iterable[Pattern]) -> None:
        """Add rules given as Python dicts; errors name the record's index.

        patterns (Iterable[Pattern]): Rule records, e.g. ``{"id": "my.rule", "label":
            "MY_DEVICE", "phrase": "bitter pill"}``; ``{"lists": {...}}`` records define
            named word lists, and records may use the current ones (``"@NAME"``).
        """
        rules = self.check_rules(patterns, origin=f"{self.name}.add_patterns",
                                 lists=self.lists)
        self._add_records(located(rules))

    def _default_records(self) -> list[tuple[Pattern, str, int]]:
        lists = WordListTable()
        rules = self.read_rules(self.bundled_paths(), lists=lists)
        self.lists = lists
        return located(rules)

    # -- serialization hooks (RuleComponent) --------------------------------------------

    def rule_records(self, key: str) -> list[Pattern]:
        return self.patterns

    def restore_rules(self, loaded: Mapping[str, list[Rule]]) -> None:
        if "patterns" in loaded:
            self._replace_records(located(loaded["patterns"]))

    def _replace_records(self, located: Sequence[tuple[Pattern, str, int]], *,
                         schema_checked: bool = False) -> None:
        previous = [(record, f"{self.name}.patterns", index)
                    for index, record in enumerate(self._patterns)]
        self.clear()
        try:
            self._add_records(located, schema_checked=schema_checked)
        except RuleError:
            # A bad rule file must not leave the component without its previous rules.
            self.clear()
            self._add_records(previous, schema_checked=True)
            raise

    def _add_records(self, located: Sequence[tuple[Pattern, str, int]], *,
                     schema_checked: bool = False) -> None:
        """Check, then compile ``located`` rules. ``schema_checked`` skips spaCy's pattern
        schema for rules that already passed it (the bundled files, in a test; the previous
        rules): validating 400 patterns costs more than compiling them."""
        # Validate everything first so that a bad record leaves the current rules untouched.
        checked = located
        scratch = Matcher(self.nlp.vocab, validate=True)
        scratch_dep = DependencyMatcher(self.nlp.vocab, validate=True)
        if schema_checked:
            located = ()
        for record, origin, line in located:
            try:
                if "pattern" in record:
                    scratch.add(f"line {line}", [record["pattern"]])
                    scratch.add(f"line {line} fallback",
                                [_blank_fallback(record["pattern"], record.get("forms", {}))])
                elif "dep_pattern" in record:
                    scratch_dep.add(f"line {line}", [record["dep_pattern"]])
                    scratch.add(f"line {line} anchor",
                                [[record["dep_pattern"][0].get("RIGHT_ATTRS", {})]])
            except (ValueError, KeyError, TypeError, MatchPatternError) as err:
                raise Rule(record, origin, line).error(err) from err
        for record, _origin, _line in checked:
            self._compile(dict(record))

    def _compile(self, original: Pattern) -> None:
        record = _with_typographic_apostrophes(original)
        order = len(self._rules)
        key = f"{self.name}:{order}:{record['id']}"
        span_nodes: tuple[int, ...] = ()
        actor_nodes: tuple[int, ...] = ()
        if "dep_pattern" in record:
            names = _node_names(record["dep_pattern"])
            span_names = _string_list(record["span"], "span") if "span" in record else names
            span_nodes = tuple(names.index(name) for name in span_names)
            if "actor_nodes" in record:
                actor_nodes = tuple(names.index(name)
                                    for name in _string_list(record["actor_nodes"],
                                                             "actor_nodes"))
        rule = _CompiledRule(
            rule_id=record["id"], label=record["label"], order=order,
            span_nodes=span_nodes, actor_nodes=actor_nodes,
            not_in_sentence=frozenset(record.get("not_in_sentence", ())),
            in_sentence=frozenset(record.get("in_sentence", ())),
            not_preceded_by=frozenset(record.get("not_preceded_by", ())),
            not_followed_by=frozenset(record.get("not_followed_by", ())),
        )
        if "phrase" in record:
            self.phrase_matchers["LOWER"].add_texts(key, _string_list(record["phrase"], "phrase"))
        elif "pattern" in record:
            self._compile_token_rule(key, order, record)
        else:
            self._compile_dep_rule(key, order, record["dep_pattern"])
        self._rule_by_key[self.nlp.vocab.strings[key]] = rule
        self._rules.append(rule)
        self._patterns.append(original)

    def _compile_token_rule(self, key: str, order: int, record: Pattern) -> None:
        pattern: list[dict[str, Any]] = record["pattern"]
        forms: Mapping[str, Sequence[str]] = record.get("forms", {})
        needs_model = _needs_model(pattern)
        word_lists = None if needs_model else as_word_lists(
            pattern, max_expansion=_MAX_PHRASE_EXPANSION)
        if word_lists is not None:
            attr, positions = word_lists
            self.phrase_matchers[attr].add_words(key, itertools.product(*positions))
            return
        written = pattern
        pattern = _with_capitalised_lemmas(pattern)
        self._rule_matchers.add(order, key, pattern)
        trigger = _trigger_parts(pattern)
        self._pending_fallbacks.append((order, key, written, forms, needs_model, trigger))
        if trigger is None:
            self._unanchored.append(order)
            return
        anchor, parts = trigger
        self._triggers[order] = (anchor, tuple(index for index, _a, _w in parts
                                               if index != anchor))
        for index, attr, words in parts:
            self._anchors.add(attr, words, (order, index))

    def _compile_fallbacks(self) -> None:
        """The LOWER fallbacks of the token rules, made on the first Doc without lemmas
        (most pipelines never see one)."""
        for order, key, written, forms, needs_model, trigger in self._pending_fallbacks:
            fallback = _blank_fallback(written, forms) if needs_model else written
            # A rule made only of POS/ENT_TYPE conditions would match every token.
            if not _is_lexical(fallback):
                continue
            self._fallback_matchers.add(order, key, fallback)
            for index, attr, words in trigger[1] if trigger is not None else ():
                if attr == "LEMMA":
                    attr, words = "LOWER", sorted({form for word in words
                                                   for form in _inflections(word, forms)})
                self._fallback_anchors.add(attr, words, (order, index))
        self._pending_fallbacks = []

    def _compile_dep_rule(self, key: str, order: int, pattern: list[dict[str, Any]]) -> None:
        self._dep_matchers.add(order, key, pattern)
        nodes = [node.get("RIGHT_ATTRS", {}) for node in pattern]
        trigger = _trigger_parts(nodes)
        if trigger is None:
            self._unanchored_dep.append(order)
            return
        anchor, parts = trigger
        self._triggers[order] = (anchor, tuple(index for index, _a, _w in parts
                                               if index != anchor))
        for index, attr, words in parts:
            self._dep_anchors.add(attr, words, (order, index))

    # -- processing --------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.match(doc))
        except Exception as err:
            return error_handler(self.name, self, [doc], err)
        return doc

    def match(self, doc: Doc) -> list[Span]:
        """The device spans in ``doc``: trimmed, length-checked, same-label overlaps
        reduced to the longest."""
        if len(doc) == 0 or not self._rules:
            return []
        candidates: set[tuple[int, int, int]] = set()
        for phrase_matcher in self.phrase_matchers.values():
            if len(phrase_matcher):
                for match_id, start, end in phrase_matcher(doc):
                    candidates.add((self._rule_by_key[match_id].order, start, end))
        candidates.update(self._token_candidates(doc))
        if self._dep_matchers:
            candidates.update(self._dependency_candidates(doc))
        spans: list[tuple[int, Span]] = []
        sentence_words = _SentenceWords(doc)
        for order, match_start, match_end in candidates:
            rule = self._rules[order]
            start, end = self._trim_quotes(doc, match_start, match_end)
            if end - start < 1 or end - start > self.max_span_tokens:
                continue
            if rule.not_preceded_by and match_start > 0 \
                    and doc[match_start - 1].lower_ in rule.not_preceded_by:
                continue
            if rule.not_followed_by and match_end < len(doc) \
                    and doc[match_end].lower_ in rule.not_followed_by:
                continue
            if rule.not_in_sentence and sentence_words.has_any(start, rule.not_in_sentence):
                continue
            if rule.in_sentence and not sentence_words.has_any(start, rule.in_sentence):
                continue
            spans.append((order, Span(doc, start, end, label=rule.label,
                                      span_id=rule.rule_id)))
        return self._join_adjacent(self._longest_per_label(spans))

    def _token_candidates(self, doc: Doc) -> set[tuple[int, int, int]]:
        if doc.has_annotation("LEMMA"):
            anchors, matchers = self._anchors, self._rule_matchers
        else:
            if self._pending_fallbacks:
                self._compile_fallbacks()
            anchors, matchers = self._fallback_anchors, self._fallback_matchers
        candidates: set[tuple[int, int, int]] = set()
        # A match is at most max_span_tokens long (+ quote marks that get trimmed), so the
        # tokens that far either side of its anchor hold all of it.
        reach = self.max_span_tokens + 2
        for order, parts in anchors.hits(doc).items():
            anchor, others = self._triggers[order]
            if anchor not in parts or any(index not in parts for index in others):
                continue
            nearby = {index: sorted(parts[index]) for index in others}
            for position in sorted(set(parts[anchor])):
                if not all(_has_within(nearby[index], position, reach) for index in others):
                    continue
                window = doc[max(position - reach, 0):min(position + reach + 1, len(doc))]
                for _key, match_start, match_end in matchers[order](window):
                    candidates.add((order, window.start + match_start,
                                    window.start + match_end))
        for order in self._unanchored:
            if order in matchers:
                for _key, match_start, match_end in matchers[order](doc):
                    candidates.add((order, match_start, match_end))
        return candidates

    def _dependency_candidates(self, doc: Doc) -> set[tuple[int, int, int]]:
        if not doc.has_annotation("DEP"):
            if not self._warned_no_parse:
                self._warned_no_parse = True
                warnings.warn(DeviceWarnings.W150.format(component=self.name), stacklevel=4)
            return set()
        hits = self._dep_anchors.hits(doc)
        if not hits and not self._unanchored_dep:
            return set()
        sentences = [(sentence.start, sentence.end) for sentence in doc.sents]
        starts = [start for start, _end in sentences]
        rules_by_sentence: dict[int, set[int]] = {}
        for order, parts in hits.items():
            anchor, others = self._triggers[order]
            if anchor not in parts or any(index not in parts for index in others):
                continue
            nearby = {index: sorted(parts[index]) for index in others}
            for position in parts[anchor]:
                sentence = bisect_right(starts, position) - 1
                lo, hi = sentences[sentence]
                if all(_has_between(nearby[index], lo, hi) for index in others):
                    rules_by_sentence.setdefault(sentence, set()).add(order)
        if self._unanchored_dep:
            for sentence in range(len(sentences)):
                rules_by_sentence.setdefault(sentence, set()).update(self._unanchored_dep)
        if not rules_by_sentence:
            return set()
        actor_tokens = self._actor_tokens(doc)
        # The DependencyMatcher runs on a copy of each sentence that holds a rule's words;
        # copying the Doc's arrays once serves all of them.
        array_head = doc._get_array_attrs()
        array = doc.to_array(array_head)
        candidates: set[tuple[int, int, int]] = set()
        for sentence, orders in rules_by_sentence.items():
            offset, sentence_end = sentences[sentence]
            sentence_doc = doc[offset:sentence_end].as_doc(array_head=array_head,
                                                            array=array)
            for order in sorted(orders):
                rule = self._rules[order]
                for _key, token_ids in self._dep_matchers[order](sentence_doc):
                    positions = [offset + token_id for token_id in token_ids]
                    if rule.actor_nodes and not all(
                        self._is_collective(doc[positions[node]], actor_tokens)
                        for node in rule.actor_nodes
                    ):
                        continue
                    chosen = [positions[node] for node in rule.span_nodes]
                    start, end = _widen_to_entities(doc, min(chosen), max(chosen) + 1)
                    if end - start > self.max_span_tokens:
                        # Too far apart to be one cue: mark the anchor alone.
                        start, end = positions[0], positions[0] + 1
                    candidates.add((order, start, end))
        return candidates

    def _actor_tokens(self, doc: Doc) -> set[int]:
        if self.actors_key not in doc.spans:
            return set()
        return {index for span in doc.spans[self.actors_key]
                for index in range(span.start, span.end)}

    def _is_collective(self, token: Token, actor_tokens: set[int]) -> bool:
        """Whether ``token`` names a state, government, party or other collective actor.

        A relative pronoun stands for the noun its clause modifies ("a base that was
        angry"), and "they" for the nearest plural subject before it in its own or the
        previous sentence ("Democrats balked. They were incensed.")."""
        if token.lower_ in _RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            token = token.head.head
        elif token.lower_ in _PLURAL_PRONOUNS:
            antecedent = _plural_antecedent(token)
            if antecedent is None:
                return False
            token = antecedent
        if token.ent_type_ == "NORP" and any(
            child.dep_ == "det" and child.lower_ in _SINGULAR_DETERMINERS
            for child in token.children
        ):
            # "an American", "any Democrat": one member of a group is a private person.
            return False
        if token.i in actor_tokens or token.ent_type_ in self.collective_ent_types:
            return True
        if token.ent_type_ == "PERSON":
            return _is_titled_head_of_state(token)
        if token.lower_ in self.collective_nouns or token.lemma_.lower() in self.collective_nouns:
            return True
        # "the White House", "the Obama administration": a multiword head; "grass-roots"
        # is three tokens.
        previous = token.doc[token.i - 1] if token.i > 0 else None
        if previous is not None and f"{previous.lower_} {token.lower_}" in self.collective_nouns:
            return True
        return previous is not None and previous.text == "-" and token.i > 1 and \
            f"{token.doc[token.i - 2].lower_}-{token.lower_}" in self.collective_nouns

    @staticmethod
    def _trim_quotes(doc: Doc, start: int, end: int) -> tuple[int, int]:
        while start < end and (doc[start].is_quote or doc[start].text in _QUOTES
                               or doc[start].is_space):
            start += 1
        while end > start and (doc[end - 1].is_quote or doc[end - 1].text in _QUOTES
                               or doc[end - 1].is_space):
            end -= 1
        return start, end

    def _join_adjacent(self, spans: list[Span]) -> list[Span]:
        """Same-label cues that touch or are one token apart ("grand jury" + "indicted",
        "sniping and finger-pointing") become one span: annotators mark one phrase there,
        and two spans would be one match and one false positive."""
        joined: list[Span] = []
        last_of_label: dict[str, int] = {}
        for span in spans:
            index = last_of_label.get(span.label_)
            if index is not None:
                previous = joined[index]
                gap = span.start - previous.end
                if 0 <= gap <= _MAX_JOIN_GAP and span.end - previous.start <= self.max_span_tokens \
                        and not any(token.is_sent_start or token.text in _CLAUSE_BREAKS
                                    for token in span.doc[previous.end:span.start + 1]):
                    joined[index] = Span(span.doc, previous.start, span.end,
                                         label=previous.label_, span_id=previous.id_)
                    continue
            last_of_label[span.label_] = len(joined)
            joined.append(span)
        return sorted(joined, key=lambda span: (span.start, span.end, span.label_))

    @staticmethod
    def _longest_per_label(ordered: list[tuple[int, Span]]) -> list[Span]:
        by_label: dict[str, list[tuple[int, Span]]] = {}
        for order, span in ordered:
            by_label.setdefault(span.label_, []).append((order, span))
        kept: list[Span] = []
        for candidates in by_label.values():
            # Longest first, then earliest, then the earlier rule: deterministic ids.
            candidates.sort(key=lambda item: (-len(item[1]), item[1].start, item[0]))
            taken: set[int] = set()
            for _order, span in candidates:
                if taken.isdisjoint(range(span.start, span.end)):
                    kept.append(span)
                    taken.update(range(span.start, span.end))
        return sorted(kept, key=lambda span: (span.start, span.end, span.label_))

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        if self.spans_key in doc.spans and not self.overwrite:
            spans = sorted([*doc.spans[self.spans_key], *spans],
                           key=lambda span: (span.start, span.end, span.label_))
        doc.spans[self.spans_key] = spans

    def score(self, examples: Iterable[Any], **kwargs: Any) -> dict[str, Any]:
        if self.scorer is None:
            return {}
        return self.scorer(examples, **kwargs)


# spaCy validates [initialize.components] settings with pydantic, reading this signature;
# postponed (string) annotations that name this module's aliases cannot be resolved there.
DeviceTagger.initialize.__annotations__["patterns"] = (
    Sequence[dict[str, Any]] | str | Path | Sequence[str | Path] | None
)
