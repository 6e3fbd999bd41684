"""``framing_sources``: who is quoted, and which framing belongs to them (codebook §3).

For every reported statement the component writes one ``SOURCE`` span (the speaker mention)
to ``doc.spans[spans_key]``, carrying the reporting cue, the reported content, the source
type (official, expert, media, unnamed), the resolved speaker name and the actor the speaker
belongs to. Framing and hedge spans that sit inside reported content get
``Span._.in_quote = True`` so that the outlet's own voice can be told from quoted voices.

How statements are found:

* reporting verbs from the cue lexicon (``data/sources.jsonl``, found with PhraseMatchers on
  LEMMA and LOWER) are walked in the dependency parse to their subject (the source) and
  clausal complement (the content): "X said (that) ...", "..., X said.", "X told Y ...",
  "..., saying ...";
* phrase cues ("according to X", "citing X") take their object as the source;
* quotations are paired by this module (curly and straight marks, paragraphs that continue
  a quote by reopening it), proposed attributions from ``textacy.extract.direct_quotations``
  are accepted when they agree with that pairing, and quotes without a cue of their own are
  attached to the adjacent cue or to the statement in the sentence before;
* stance verbs ("urged X to ...", "called for ...", "dismissed X as ...") take their object
  as the content when there is no clause or quotation (CUE ``object``/``needs``), and
  statement nouns take a that-clause ("the minister's assertion that ...", CUE_NOUN);
* the source type and actor come from the mention, its premodifiers, appositions and
  relative clauses, pooled over every mention of the same person; pronouns are resolved
  to the nearest earlier speaker or person of the right kind and gender.

Actors are state actors only: the framing_actors spans in the description (organisations
such as NATO are left out), else AFFILIATION rules for words that imply a state without
naming it ("Sen.", "D-Ore.", "House Republicans"), else, for office holders, the article's
home state: the one that most sources and mentions of domestic institutions belong to,
when it clearly dominates.

spaCy keys Span extension values by character offsets, so one speaker mention carries one
SOURCE span: "X said ..., adding ..." gives one span whose cue is the nearest reporting
word and whose ``content_spans`` hold both parts.

Everything stored on Docs is plain data (strings and token-offset tuples); Span-valued
attributes are getters over those offsets.
"""

from __future__ import annotations

import itertools
import warnings
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy
import srsly
from spacy import util
from spacy.attrs import (
    DEP,
    HEAD,
    IS_PUNCT,
    IS_QUOTE,
    IS_SPACE,
    IS_STOP,
    IS_TITLE,
    LEMMA,
    POS,
    SENT_START,
    TAG,
)
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Pipe
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span, Token
from spacy.util import SimpleFrozenList

from ..errors import SourceErrors, SourceWarnings
from ..types import PathLikeStr, Pattern
from ._rules import (
    LazyPhraseMatcher,
    RuleError,
    check_rules,
    package_data_path,
    read_rules,
    write_rules,
)

SOURCE_LABEL = "SOURCE"
SOURCE_TYPES: tuple[str, ...] = ("official", "expert", "media", "unnamed")
DEFAULT_RULES_FILE = "sources.jsonl"

_RULE_LABELS = ("CUE", "CUE_PHRASE", "CUE_NOUN", "ROLE", "MODIFIER", "DOCUMENT",
                "HONORIFIC", "AFFILIATION")
_RULE_KEYS = ("label", "id", "lemma", "forms", "lower", "phrase", "pattern", "class", "type",
              "entity", "effect", "actor", "object", "needs", "note")
_CUE_CLASSES = ("speech", "cognition")
_ROLE_ENTITIES = ("person", "institution")
_NON_STATE_KINDS = frozenset({"organization", "group"})
_SPEAKS_FOR = frozenset({"spokesperson", "spokesman", "spokeswoman", "spokespeople",
                         "press_secretary"})  # ROLE ids of people who speak for another
_ACTOR_INSTITUTION_RULE = "institution"  # framing_actors' rule id for "the Pentagon" etc.

_PERSON_PRONOUNS = frozenset({"he", "she"})
_PRONOUN_GENDER = {"he": "m", "she": "f"}
_HONORIFIC_GENDER = {"mr.": "m", "mr": "m", "ms.": "f", "ms": "f", "mrs.": "f", "mrs": "f",
                     "miss": "f"}
_GROUP_PRONOUNS = frozenset({"they"})
_THING_PRONOUNS = frozenset({"it"})
# The writer's own voice and relative/demonstrative words are never a source by themselves.
_NON_SOURCE_WORDS = frozenset({
    "i", "me", "we", "us", "you", "who", "whom", "which", "that", "this", "these", "those",
    "there", "what", "nobody", "none", "anyone", "anybody", "everyone", "everybody",
    "someone", "somebody", "one", "all", "each", "both", "itself", "himself", "herself",
})
_RELATIVE_WORDS = frozenset({"who", "that", "which"})
_HYPOTHETICAL = frozenset({"if", "unless", "whether", "lest"})
# Particles of phrasal cues, which the parser tags prt or advmod ("pushed back on").
_PARTICLES = frozenset({"back", "off", "down", "aside", "out"})
_POSSESSIVE_MARKS = frozenset({"'s", "’s", "'", "’"})
_NAME_ENT_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_NON_NAME_ENT_TYPES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL",
                                 "CARDINAL"})
_LEFT_NP_DEPS = frozenset({"compound", "amod", "poss", "nmod", "nummod", "quantmod", "case",
                           "npadvmod", "cc", "conj", "advmod", "punct", "predet"})
_DESCRIPTOR_DEPS = frozenset({"compound", "amod", "appos", "relcl", "acl", "prep", "poss",
                              "nmod", "npadvmod", "punct", "cc", "conj"})
# Relative clauses that say what someone is ("who is/serves as/heads ...").
_ROLE_VERBS = frozenset({"be", "serve", "work", "head", "lead", "chair", "direct", "teach",
                         "run", "represent", "advise", "study", "research", "spend"})
_AFFILIATION_PREPS = frozenset({"of", "from", "at", "with", "for", "in", "on"})
# Not xcomp: "they will seek to clarify that ..." announces an intention, not a statement.
_CLAUSE_LINK_DEPS = frozenset({"advcl", "conj", "pcomp", "prep"})
_CONTENT_EDGE_SKIP = frozenset({",", ";", ":", "—", "–", "-"})
# Most tokens between an attribution ("X said on Monday at a briefing:") and the quote it
# introduces; a longer gap belongs to another clause.
_MAX_CUE_GAP_TOKENS = 25
_MAX_DESCRIPTOR_TOKENS = 60
_MAX_TEXTACY_SENTENCES = 300
_MAX_HEADING_TOKENS = 30
_WIDE_ANTECEDENT_SENTENCES = 8
_QUANTIFIER_WORDS = frozenset({"one", "some", "many", "several", "most", "few", "both", "all",
                               "each", "none", "two", "three", "four", "five", "half"})
# Role nouns that stay anonymous with "the" ("the official said"), unlike "the governor".
_ANONYMOUS_ROLES = frozenset({"official", "aide", "staffer", "diplomat", "officer"})
_PART_OF_GROUP = frozenset({"other", "some", "several", "many", "few", "most", "more",
                            "half", "handful", "number", "dozen", "half-dozen", "two", "three"})
_AFFILIATION_DEPS = frozenset({"compound", "poss", "pobj", "prep", "appos", "nmod"})
_DATELINE_DASHES = frozenset({"--", "—", "–", "―", "-"})
_CLOSING_PUNCT = frozenset({".", "!", "?", ":", ")", "…", "...", ";"})
_MAX_SPELLED_PHRASES = 1000  # a token pattern spelling out more goes to the Matcher
# An article's "home" state: the actor of at least this many sources, and this many times
# as many as the next actor.
_MIN_HOME_SOURCES = 3
_HOME_DOMINANCE = 2.0

_DOUBLE_OPEN = frozenset({"“", "„", "«", "``"})
_DOUBLE_CLOSE = frozenset({"”", "»", "''"})
_DOUBLE_AMBIGUOUS = frozenset({'"', "″", "＂"})
_SINGLE_OPEN = frozenset({"‘", "‚", "‹"})
_SINGLE_CLOSE = frozenset({"’", "›"})
_SINGLE_AMBIGUOUS = frozenset({"'"})


# --------------------------------------------------------------------------------------
# Span extensions: plain data in attributes, Spans through getters.


def _cue_span(span: Span) -> Span | None:
    bounds = span._.source_cue_range
    return span.doc[bounds[0]:bounds[1]] if bounds else None


def _content_spans(span: Span) -> list[Span]:
    return [span.doc[start:end] for start, end in span._.source_content_ranges or ()]


def _content_span(span: Span) -> Span | None:
    ranges = span._.source_content_ranges
    return span.doc[ranges[0][0]:ranges[0][1]] if ranges else None


def _register_extensions() -> None:
    attributes: tuple[tuple[str, Any], ...] = (
        ("source_type", None),
        ("speaker", None),
        ("actor", None),
        ("in_quote", False),
        ("source_cue_range", None),
        ("source_content_ranges", ()),
    )
    for name, default in attributes:
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    getters: tuple[tuple[str, Callable[[Span], Any]], ...] = (
        ("cue", _cue_span),
        ("content", _content_span),
        ("content_spans", _content_spans),
    )
    for name, getter in getters:
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)


# --------------------------------------------------------------------------------------
# Factory and component


@Language.factory(
    "framing_sources",
    default_config={
        "spans_key": "sources",
        "framing_key": "framing",
        "hedges_key": "hedges",
        "actors_key": "actors",
        "max_antecedent_sentences": 2,
        "max_quote_gap_sentences": 1,
        "use_textacy": True,
    },
    assigns=["doc.spans", "span._.source_type", "span._.speaker", "span._.actor",
             "span._.in_quote", "span._.source_cue_range", "span._.source_content_ranges"],
    requires=["token.dep", "token.head"],
)
def make_sources(
    nlp: Language,
    name: str,
    *,
    spans_key: str,
    framing_key: str,
    hedges_key: str,
    actors_key: str,
    max_antecedent_sentences: int,
    max_quote_gap_sentences: int,
    use_textacy: bool,
) -> SourceAttributor:
    _register_extensions()
    return SourceAttributor(
        nlp,
        name,
        spans_key=spans_key,
        framing_key=framing_key,
        hedges_key=hedges_key,
        actors_key=actors_key,
        max_antecedent_sentences=max_antecedent_sentences,
        max_quote_gap_sentences=max_quote_gap_sentences,
        use_textacy=use_textacy,
    )


class SourceAttributor(Pipe):
    """Finds reported statements and writes their sources to ``doc.spans[spans_key]``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "framing_sources",
        *,
        spans_key: str = "sources",
        framing_key: str = "framing",
        hedges_key: str = "hedges",
        actors_key: str = "actors",
        max_antecedent_sentences: int = 2,
        max_quote_gap_sentences: int = 1,
        use_textacy: bool = True,
        patterns: Sequence[Pattern] | None = None,
    ) -> None:
        _register_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.framing_key = framing_key
        self.hedges_key = hedges_key
        self.actors_key = actors_key
        self.max_antecedent_sentences = max_antecedent_sentences
        self.max_quote_gap_sentences = max_quote_gap_sentences
        self.use_textacy = use_textacy
        self._warned_no_parse = False
        self._non_state_cache: tuple[tuple[int, int], frozenset[str]] | None = None
        self._rules: list[Pattern] = []
        # Users often add the pipe and run it without nlp.initialize(): ship working rules.
        if patterns is None:
            self._set_rules(_read_rule_file(package_data_path(DEFAULT_RULES_FILE)))
        else:
            self._set_rules(_check_rule_records(patterns, origin="<patterns>"))

    # -- rules ---------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return self.spans_key

    @property
    def patterns(self) -> list[Pattern]:
        """All rule records in use (cues, roles, modifiers, documents, honorifics)."""
        return [dict(rule) for rule in self._rules]

    @property
    def labels(self) -> tuple[str, ...]:
        return (SOURCE_LABEL,)

    def __len__(self) -> int:
        return len(self._rules)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        patterns: Sequence[Pattern] | None = None,
        rules_path: PathLikeStr | None = None,
    ) -> None:
        """(Re)load the rules: ``patterns`` if given, else ``rules_path``, else the bundled
        lexicon."""
        if patterns is not None:
            self._set_rules(_check_rule_records(patterns, origin="<patterns>"))
        elif rules_path is not None:
            self._set_rules(_read_rule_file(Path(rules_path)))
        else:
            self._set_rules(_read_rule_file(package_data_path(DEFAULT_RULES_FILE)))

    def add_patterns(self, patterns: Sequence[Pattern]) -> None:
        """Extend the rules, e.g. ``[{"label": "CUE", "id": "opine", "lemma": "opine",
        "class": "speech"}]``."""
        added = _check_rule_records(patterns, origin="<patterns>")
        self._set_rules([*self._rules, *added])

    def _set_rules(self, rules: list[Pattern]) -> None:
        self._rules = [dict(rule) for rule in rules]
        self._compiled = _CompiledRules(self.nlp, self.name, self._rules)

    # -- actors --------------------------------------------------------------------------

    def _actor_pipe(self) -> Any | None:
        """The framing_actors pipe writing to ``actors_key``, if the pipeline has one."""
        for _, pipe in self.nlp.pipeline:
            if getattr(pipe, "spans_key", None) == self.actors_key \
                    and callable(getattr(pipe, "resolve", None)):
                return pipe
        return None

    def _canonical_actor(self, name: str) -> str | None:
        """An affiliation rule's actor as the actors component spells it (rules may use
        any alias); the name as written when there is no actors component."""
        pipe = self._actor_pipe()
        if pipe is None:
            return name
        return pipe.resolve(name)

    def _non_state_actors(self) -> frozenset[str]:
        """Organisations and groups (NATO, the EU, Hamas): a source speaking for one of
        them has no state actor. Cached per actors pipe and gazetteer size."""
        pipe = self._actor_pipe()
        if pipe is None:
            return frozenset()
        key = (id(pipe), len(pipe))
        if self._non_state_cache is None or self._non_state_cache[0] != key:
            names = frozenset(record["actor"] for record in pipe.patterns
                              if record.get("kind") in _NON_STATE_KINDS
                              and isinstance(record.get("actor"), str))
            self._non_state_cache = (key, names)
        return self._non_state_cache[1]

    # -- processing ----------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            if not any(not token.is_space for token in doc):
                doc.spans[self.spans_key] = []
                return doc
            if not doc.has_annotation("DEP"):
                if not self._warned_no_parse:
                    message = SourceWarnings.W250.format(component=self.name,
                                                         key=self.spans_key)
                    warnings.warn(message, stacklevel=2)
                    self._warned_no_parse = True
                return doc
            attribution = _DocAttribution(doc, self)
            statements = attribution.statements()
            self._set_annotations(doc, statements, attribution.quoted_ranges())
            return doc
        except Exception as err:  # spaCy's error-handler protocol decides what to do
            return error_handler(self.name, self, [doc], err)

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    def _set_annotations(self, doc: Doc, statements: list[_Source],
                         quoted: Iterable[tuple[int, int]] = ()) -> None:
        spans: list[Span] = []
        for source in statements:
            span = Span(doc, source.start, source.end, label=SOURCE_LABEL,
                        span_id=source.rule_id)
            span._.source_type = source.source_type
            span._.speaker = source.speaker
            span._.actor = source.actor
            span._.source_cue_range = source.cue
            span._.source_content_ranges = tuple(source.contents)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        # Reported content and every statement-like quotation, attributed or not, are
        # voices other than the outlet's.
        reported = sorted({bounds for source in statements for bounds in source.contents}
                          | set(quoted))
        _flag_in_quote(doc, self.framing_key, reported)
        _flag_in_quote(doc, self.hedges_key, reported)

    # -- serialization -------------------------------------------------------------------

    def _settings(self) -> dict[str, Any]:
        return {
            "spans_key": self.spans_key,
            "framing_key": self.framing_key,
            "hedges_key": self.hedges_key,
            "actors_key": self.actors_key,
            "max_antecedent_sentences": self.max_antecedent_sentences,
            "max_quote_gap_sentences": self.max_quote_gap_sentences,
            "use_textacy": self.use_textacy,
        }

    def _apply_settings(self, settings: dict[str, Any]) -> None:
        for name, value in settings.items():
            if name in self._settings():
                setattr(self, name, value)

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        serializers = {
            "rules": lambda: srsly.json_dumps(self._rules),
            "cfg": lambda: srsly.json_dumps(self._settings()),
        }
        return util.to_bytes(serializers, exclude)

    def from_bytes(self, bytes_data: bytes, *,
                   exclude: Iterable[str] = SimpleFrozenList()) -> SourceAttributor:
        deserializers = {
            "rules": lambda b: self._set_rules(
                _check_rule_records(srsly.json_loads(b), origin="<bytes>")),
            "cfg": lambda b: self._apply_settings(srsly.json_loads(b)),
        }
        util.from_bytes(bytes_data, deserializers, exclude)
        return self

    def to_disk(self, path: PathLikeStr, *,
                exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = util.ensure_path(path)
        serializers = {
            "rules": lambda p: write_rules(p.with_suffix(".jsonl"), self._rules),
            "cfg": lambda p: srsly.write_json(p, self._settings()),
        }
        util.to_disk(path, serializers, exclude)

    def from_disk(self, path: PathLikeStr, *,
                  exclude: Iterable[str] = SimpleFrozenList()) -> SourceAttributor:
        path = util.ensure_path(path)
        deserializers = {
            "rules": lambda p: self._set_rules(_read_rule_file(p.with_suffix(".jsonl"))),
            "cfg": lambda p: self._apply_settings(srsly.read_json(p)),
        }
        util.from_disk(path, deserializers, exclude)
        return self


# --------------------------------------------------------------------------------------
# Rule files


def _rule_line_numbers(path: Path) -> list[int]:
    # read_rules skips blank and // lines; recover each record's line for error messages.
    lines = path.read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, start=1)
            if line.strip() and not line.strip().startswith("//")]


def _read_rule_file(path: Path) -> list[Pattern]:
    records = read_rules(path, required=("label", "id"), allowed=_RULE_KEYS,
                         labels=_RULE_LABELS)
    line_numbers = _rule_line_numbers(path)
    for index, record in enumerate(records):
        problem = _rule_problem(record)
        if problem:
            raise RuleError(SourceErrors.E250.format(path=path, line=line_numbers[index],
                                               message=problem))
    return records


def _check_rule_records(records: Iterable[Any], *, origin: str) -> list[Pattern]:
    checked = check_rules(records, required=("label", "id"), allowed=_RULE_KEYS,
                          labels=_RULE_LABELS, origin=origin)
    for index, record in enumerate(checked):
        problem = _rule_problem(record)
        if problem:
            raise RuleError(SourceErrors.E250.format(path=origin, line=index, message=problem))
    return checked


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v
                                                          for v in value)


def _rule_problem(record: Pattern) -> str | None:
    """Why a (key-valid) record cannot be used, or None."""
    label = record["label"]
    if not isinstance(record["id"], str) or not record["id"]:
        return "'id' must be a non-empty string"
    for key in ("lemma", "lower", "phrase"):
        if key in record and (not isinstance(record[key], str) or not record[key].strip()):
            return f"'{key}' must be a non-empty string"
    if "forms" in record and not _is_string_list(record["forms"]):
        return "'forms' must be a non-empty list of strings"
    if "pattern" in record and not (
            isinstance(record["pattern"], list) and record["pattern"]
            and all(isinstance(token, dict) for token in record["pattern"])):
        return "'pattern' must be a non-empty list of token objects"
    matchable = any(key in record for key in ("lemma", "forms", "lower", "phrase", "pattern"))
    if not matchable:
        return "needs one of 'lemma', 'forms', 'lower', 'phrase' or 'pattern'"
    if label == "CUE":
        if record.get("class") not in _CUE_CLASSES:
            return f"CUE needs 'class' in {', '.join(_CUE_CLASSES)}"
        if "phrase" in record or "pattern" in record:
            return "CUE is one verb: use 'lemma'/'forms' (multi-word cues are CUE_PHRASE)"
    elif label == "CUE_PHRASE":
        if "pattern" not in record:
            return "CUE_PHRASE needs a token 'pattern' whose last token governs the source"
    elif label == "ROLE":
        if record.get("type") not in SOURCE_TYPES:
            return f"ROLE needs 'type' in {', '.join(SOURCE_TYPES)}"
        if record.get("entity") not in _ROLE_ENTITIES:
            return f"ROLE needs 'entity' in {', '.join(_ROLE_ENTITIES)}"
    elif label == "MODIFIER" and record.get("effect") != "former":
        return "MODIFIER needs 'effect': 'former'"
    elif label == "AFFILIATION":
        actor = record.get("actor")
        if record.get("effect") != "block" and not (isinstance(actor, str) and actor.strip()):
            return "AFFILIATION needs an 'actor' name, or 'effect': 'block'"
    for key in ("object", "needs"):
        if key in record and not (label == "CUE" and _is_string_list(record[key])):
            return f"'{key}' is a non-empty list of dependency labels, on CUE records only"
    if "needs" in record and "object" not in record:
        return "'needs' narrows 'object': give both"
    return None


class _CompiledRules:
    """Matchers built from rule records. Single words go to PhraseMatchers (hash lookups,
    fast however long the lexicon): lemmas on LEMMA, inflected forms and lower-case phrases
    on LOWER, names with capitals on ORTH. Token patterns go to one small Matcher."""

    def __init__(self, nlp: Language, name: str, rules: list[Pattern]) -> None:
        vocab = nlp.vocab
        self.matcher = Matcher(vocab)
        self.lemmas = LazyPhraseMatcher(nlp, attr="LEMMA")
        self.phrases_lower = LazyPhraseMatcher(nlp, attr="LOWER")
        self.phrases_orth = LazyPhraseMatcher(nlp, attr="ORTH")
        self.records: dict[int, Pattern] = {}
        for index, rule in enumerate(rules):
            key = f"{name}|{rule['label']}|{rule['id']}|{index}"
            self.records[vocab.strings.add(key)] = rule
            if "pattern" in rule:
                spelled = _spelled_phrases(rule["pattern"])
                if spelled is not None:
                    # Spelled-out word sequences are phrases: the token Matcher walks every
                    # token in Python, the PhraseMatcher does not.
                    attr, phrases = spelled
                    target = self.phrases_lower if attr == "LOWER" else self.phrases_orth
                    target.add_words(key, phrases)
                else:
                    self.matcher.add(key, [rule["pattern"]])
            if "lemma" in rule:
                words = rule["lemma"].split()
                self.lemmas.add_words(key, [words])
            lower_forms = [form.lower() for form in rule.get("forms", ())]
            if "lower" in rule:
                lower_forms.append(rule["lower"].lower())
            if lower_forms:
                self.phrases_lower.add_texts(key, lower_forms)
            if "phrase" in rule:
                phrase = rule["phrase"]
                if phrase != phrase.lower():
                    self.phrases_orth.add_texts(key, [phrase])
                else:
                    # The tokenizer splits some words by case ("u.s." vs "U.S."): add the
                    # usual casings (matches are de-duplicated below).
                    self.phrases_lower.add_texts(
                        key, dict.fromkeys((phrase, phrase.title(), phrase.upper())))

    def __call__(self, doc: Doc) -> list[tuple[Pattern, int, int]]:
        matches = [*self.phrases_lower(doc), *self.phrases_orth(doc)]
        if len(self.matcher):
            matches.extend(self.matcher(doc))
        if doc.has_annotation("LEMMA"):
            matches.extend(self.lemmas(doc))
        seen: set[tuple[int, int, int]] = set()
        found: list[tuple[Pattern, int, int]] = []
        for match_id, start, end in matches:
            if (match_id, start, end) not in seen:
                seen.add((match_id, start, end))
                found.append((self.records[match_id], start, end))
        return found


def _spelled_phrases(pattern: list[dict[str, Any]]
                     ) -> tuple[str, list[list[str]]] | None:
    """The phrases a token pattern spells out, when each token is one word or a short
    list of words (``{"LOWER": "x"}``, ``{"ORTH": {"IN": [...]}}``) on one attribute, else
    None."""
    attrs = set()
    choices: list[list[str]] = []
    for token in pattern:
        if len(token) != 1:
            return None
        ((attr, value),) = token.items()
        if attr not in ("LOWER", "ORTH"):
            return None
        if isinstance(value, str):
            options = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and _is_string_list(value["IN"]):
            options = list(value["IN"])
        else:
            return None
        attrs.add(attr)
        choices.append([o.lower() for o in options] if attr == "LOWER" else options)
    size = 1
    for options in choices:
        size *= len(options)
    if len(attrs) != 1 or size > _MAX_SPELLED_PHRASES:
        return None
    return attrs.pop(), [list(words) for words in itertools.product(*choices)]


# --------------------------------------------------------------------------------------
# Quotations


@dataclass
class _Segment:
    """One contiguous run of quoted text (content excludes the marks)."""

    open_mark: int
    close_mark: int  # -1 when the paragraph ends before the quote closes
    start: int
    end: int
    group: int  # segments of one quote that runs over several paragraphs share a group
    speech_like: bool = True
    owner: int = -1  # index of the statement the segment belongs to
    consumed: bool = False  # inside some statement's indirect content


def _mark_orientation(doc: Doc, i: int) -> str:
    """'open', 'close' or '' from the spacing around a quote mark."""
    token = doc[i]
    space_before = i == 0 or bool(doc[i - 1].whitespace_) or doc[i - 1].is_space \
        or doc[i - 1].text in "([{—–"
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    space_after = bool(token.whitespace_) or nxt is None or nxt.is_space \
        or (nxt.is_punct and not nxt.is_quote and nxt.text not in "([{")
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return ""


def _find_segments(doc: Doc, paragraph_breaks: list[int]) -> list[_Segment]:
    flags = doc.to_array([IS_QUOTE])
    mark_indices = [int(i) for i in numpy.flatnonzero(flags)] if len(doc) else []
    if not mark_indices:
        return []
    breaks = paragraph_breaks
    segments: list[_Segment] = []
    # Marks per paragraph: single quotes act as quotation marks only in paragraphs
    # without double ones (British style), where apostrophes are told apart by spacing.
    by_paragraph: dict[int, list[int]] = {}
    for i in mark_indices:
        by_paragraph.setdefault(bisect_right(breaks, i), []).append(i)
    group = 0
    open_at = -1
    open_paragraph = -1
    unclosed_in = -2  # paragraph that ended inside a quote
    for paragraph in sorted(by_paragraph):
        marks = by_paragraph[paragraph]
        has_double = any(doc[i].text in _DOUBLE_OPEN | _DOUBLE_CLOSE | _DOUBLE_AMBIGUOUS
                         for i in marks)
        paragraph_end = breaks[paragraph] if paragraph < len(breaks) else len(doc)
        paragraph_start = breaks[paragraph - 1] + 1 if paragraph > 0 else 0
        if open_at >= 0 and paragraph != open_paragraph:
            # A quote left open in an earlier paragraph continues only when this
            # paragraph starts by reopening it.
            first = _first_non_space(doc, paragraph_start, paragraph_end)
            if not (unclosed_in == paragraph - 1 and first in marks):
                open_at = -1
        for i in marks:
            text = doc[i].text
            if has_double:
                if text in _DOUBLE_OPEN:
                    kind = "open"
                elif text in _DOUBLE_CLOSE:
                    kind = "close"
                elif text in _DOUBLE_AMBIGUOUS:
                    kind = _mark_orientation(doc, i) or ("close" if open_at >= 0 else "open")
                else:
                    continue
                # Spacing overrides a curly mark typed the wrong way round, when the
                # spacing agrees with whether a quote is open.
                spaced = _mark_orientation(doc, i)
                if spaced and spaced != kind and text not in _DOUBLE_AMBIGUOUS \
                        and not (kind == "close" and open_at < 0):
                    kind = spaced if (spaced == "close") == (open_at >= 0) else kind
            else:
                spaced = _mark_orientation(doc, i)
                if text in _SINGLE_OPEN | _SINGLE_AMBIGUOUS and spaced == "open":
                    kind = "open"
                elif text in _SINGLE_CLOSE | _SINGLE_AMBIGUOUS and spaced == "close" \
                        and open_at >= 0:
                    kind = "close"
                else:
                    continue
            if kind == "open":
                if open_at >= 0 and open_paragraph == paragraph:
                    # An opening mark while a quote is open: the close was missing.
                    segments.append(_Segment(open_at, -1, open_at + 1, i, group))
                    group += 1
                elif open_at >= 0:
                    pass  # reopening mark of a multi-paragraph quote: same group
                else:
                    group += 1
                open_at = i
                open_paragraph = paragraph
            elif open_at >= 0:
                segments.append(_Segment(open_at, i, open_at + 1, i, group))
                open_at = -1
        if open_at >= 0 and open_paragraph == paragraph:
            segments.append(_Segment(open_at, -1, open_at + 1, paragraph_end, group))
            unclosed_in = paragraph
            open_paragraph = -1
    features = doc.to_array([POS, IS_PUNCT, IS_SPACE, IS_TITLE, IS_STOP]) if segments else None
    for segment in segments:
        segment.start, segment.end = _trim(doc, segment.start, segment.end)
        segment.speech_like = _is_speech_like(features, segment.start, segment.end)
    return [s for s in segments if s.end > s.start]


def _first_non_space(doc: Doc, start: int, end: int) -> int:
    for i in range(start, min(end, len(doc))):
        if not doc[i].is_space:
            return i
    return -1


def _is_speech_like(features: numpy.ndarray, start: int, end: int) -> bool:
    """textacy's filter (at least two words, not a title) plus a verb: quoted names,
    titles and scare quotes are not statements. ``features`` holds POS, IS_PUNCT,
    IS_SPACE, IS_TITLE and IS_STOP per token."""
    rows = features[start:end]
    words = rows[(rows[:, 1] == 0) & (rows[:, 2] == 0)]
    if len(words) < 2:
        return False
    content_words = words[words[:, 4] == 0]
    if len(content_words) and content_words[:, 3].all():
        return False
    pos = words[:, 0]
    return bool(((pos == VERB) | (pos == AUX)).any())


def _trim(doc: Doc, start: int, end: int, *, quotes: bool = True) -> tuple[int, int]:
    """Drop spaces and clause punctuation at both edges, and quote marks unless the
    content mixes quoted and unquoted words (``quotes=False``)."""
    while start < end and (doc[start].is_space or (quotes and doc[start].is_quote)
                           or doc[start].text in _CONTENT_EDGE_SKIP):
        start += 1
    while end > start and (doc[end - 1].is_space or (quotes and doc[end - 1].is_quote)
                           or doc[end - 1].text in _CONTENT_EDGE_SKIP):
        end -= 1
    if not quotes and end - start > 1:
        # A clause boundary can fall just inside a quotation's marks: drop a closing
        # mark at the start and an opening mark at the end.
        if doc[start].is_quote and _mark_orientation(doc, start) == "close":
            return _trim(doc, start + 1, end, quotes=False)
        if doc[end - 1].is_quote and _mark_orientation(doc, end - 1) == "open":
            return _trim(doc, start, end - 1, quotes=False)
    return start, end


def _flag_in_quote(doc: Doc, key: str, reported: list[tuple[int, int]]) -> None:
    if key not in doc.spans or not reported:
        return
    starts = [start for start, _ in reported]
    for span in doc.spans[key]:
        inside = False
        # Reported ranges may nest (a quote inside indirect content): check every range
        # that starts at or before the span.
        for index in range(bisect_right(starts, span.start) - 1, -1, -1):
            start, end = reported[index]
            if start <= span.start and span.end <= end:
                inside = True
                break
        if inside:
            span._.in_quote = True
        elif span._.in_quote:
            span._.in_quote = False


# --------------------------------------------------------------------------------------
# Per-document attribution


@dataclass
class _Statement:
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


@dataclass
class _Evidence:
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
    actors: list[tuple[int, int, str]] = field(default_factory=list)  # (priority, pos, id)

    def merge(self, other: _Evidence) -> None:
        for name in ("expert", "former_official", "official", "media_descriptor",
                     "media_self", "institution", "named_person", "named_org", "state",
                     "anonymous", "non_state", "private_org", "definite"):
            setattr(self, name, getattr(self, name) or getattr(other, name))
        self.actors.extend(other.actors)


@dataclass
class _Source:
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
    evidence: _Evidence = field(default_factory=_Evidence)
    plural: bool = False
    group_key: str | None = None
    resolved_kind: str | None = None  # for pronouns: the kind of the antecedent


class _DocAttribution:
    def __init__(self, doc: Doc, component: SourceAttributor) -> None:
        self.doc = doc
        self.component = component
        # Array lookups instead of Python loops over every token.
        flags = doc.to_array([SENT_START, IS_SPACE])
        starts = [int(i) for i in numpy.flatnonzero(flags[:, 0] == 1)]
        self.sent_starts = starts if starts and starts[0] == 0 else [0, *starts]
        self.paragraph_breaks = [int(i) for i in numpy.flatnonzero(flags[:, 1])
                                 if "\n" in doc[int(i)].text]
        self.segments = _find_segments(doc, self.paragraph_breaks)
        self.headings = self._heading_paragraphs()
        self.segment_starts = [s.open_mark for s in self.segments]
        self.cues: dict[int, Pattern] = {}
        self.phrase_cues: list[tuple[Pattern, int, int]] = []
        self.noun_cues: dict[int, Pattern] = {}
        self.roles: dict[int, tuple[Pattern, int, int]] = {}
        self.modifiers: set[int] = set()
        self.documents: set[int] = set()
        self.honorifics: set[int] = set()
        # Words that tie a speaker to a state without naming it ("D-Ore.", "Sen.").
        self.affiliation_at: dict[int, str] = {}
        self.political_bodies: set[int] = set()  # "Democrats", "House Republicans"
        self.genders: dict[str, str | None] = {}
        # Mentions of a state's own politics (its institutions, parties, titles): evidence
        # of the state an article is about, for speakers whose state goes unsaid.
        self.domestic_mentions: dict[str, int] = {}
        self.non_state_at: set[int] = set()  # NATO, the EU: actors that are no state
        self._collect_matches()
        self.actor_at = self._actor_index()
        self.person_names = self._person_name_index()
        # Surnames the NER tags as PERSON somewhere but not everywhere ("according to X").
        self.person_name_words = [
            ([t.lower_ for t in doc[start:end] if not t.is_punct],
             all(t.pos_ == "PROPN" or t.is_punct for t in doc[start:end]))
            for start, end in self.person_names]
        self.person_index: dict[str, list[int]] = {}
        for index, (words, _) in enumerate(self.person_name_words):
            for word in set(words):
                self.person_index.setdefault(word, []).append(index)
        self.person_name_texts = [doc[start:end].text.lower()
                                  for start, end in self.person_names]
        self.person_words = {t.lower_ for start, end in self.person_names
                             for t in doc[start:end]
                             if t.pos_ == "PROPN" and t.i not in self.honorifics}
        # Words of names given in full ("Vicente Fox"): a one-word PERSON ("Yonhap") may
        # be an outlet the recognizer took for a person.
        self.full_name_words = {t.lower_ for start, end in self.person_names if end - start > 1
                                for t in doc[start:end]
                                if t.pos_ == "PROPN" and t.i not in self.honorifics}

    # -- lookups -------------------------------------------------------------------------

    def sent_index(self, i: int) -> int:
        return bisect_right(self.sent_starts, i) - 1

    def sent_bounds(self, index: int) -> tuple[int, int]:
        start = self.sent_starts[index]
        end = self.sent_starts[index + 1] if index + 1 < len(self.sent_starts) else len(self.doc)
        return start, end

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

    def _collect_matches(self) -> None:
        has_pos = self.doc.has_annotation("POS")
        best_role: dict[int, tuple[Pattern, int, int]] = {}
        affiliations: list[tuple[int, int, str, str | None]] = []
        blocked: set[int] = set()
        for record, start, end in self.component._compiled(self.doc):
            label = record["label"]
            if label == "CUE":
                token = self.doc[start]
                if has_pos and token.pos_ not in ("VERB", "AUX"):
                    continue
                self.cues[start] = record
            elif label == "CUE_PHRASE":
                self.phrase_cues.append((record, start, end))
            elif label == "CUE_NOUN":
                if not has_pos or self.doc[start].pos_ == "NOUN":
                    self.noun_cues[start] = record
            elif label == "ROLE":
                if end - start == 1 and "phrase" not in record and has_pos \
                        and self.doc[start].pos_ not in ("NOUN", "PROPN", "X"):
                    continue
                if end - start == 1 and self.doc[start].dep_ == "amod":
                    continue  # "fellow Democrats", "general election": adjectives
                for i in range(start, end):
                    current = best_role.get(i)
                    if current is None or (current[2] - current[1]) < end - start:
                        best_role[i] = (record, start, end)
            elif label == "MODIFIER":
                self.modifiers.add(start)
            elif label == "DOCUMENT":
                if has_pos and self.doc[end - 1].pos_ not in ("NOUN", "PROPN"):
                    continue
                if self.doc[end - 1].ent_type_ in ("PERSON", "ORG"):
                    continue  # "Marco Post", "the Post": names, not texts
                self.documents.add(end - 1)
            elif label == "HONORIFIC":
                self.honorifics.add(start)
            elif label == "AFFILIATION":
                if record.get("effect") == "block":
                    blocked.update(range(start, end))
                else:
                    affiliations.append((start, end, record["actor"], record.get("type")))
        self.roles = best_role
        canonical = self.component._canonical_actor
        for start, end, actor, record_type in affiliations:
            if blocked.isdisjoint(range(start, end)) and start not in self.affiliation_at:
                name = canonical(actor)
                if name is not None:
                    self.domestic_mentions[name] = self.domestic_mentions.get(name, 0) + 1
                    for i in range(start, end):
                        self.affiliation_at[i] = name
                if record_type == "official":
                    self.political_bodies.update(range(start, end))
        self.phrase_cues.sort(key=lambda match: match[1])

    def _actor_index(self) -> dict[int, str]:
        key = self.component.actors_key
        if key not in self.doc.spans:
            return {}
        actor_at: dict[int, str] = {}
        non_state = self.component._non_state_actors()
        # Longer actor spans win where spans overlap.
        for span in sorted(self.doc.spans[key], key=lambda s: s.end - s.start):
            actor = span.kb_id_ or None
            if actor and actor not in non_state and span.id_ == _ACTOR_INSTITUTION_RULE:
                self.domestic_mentions[actor] = self.domestic_mentions.get(actor, 0) + 1
            if actor and actor in non_state:
                self.non_state_at.update(range(span.start, span.end))
            elif actor:
                for i in range(span.start, span.end):
                    actor_at[i] = actor
        return actor_at

    def _person_name_index(self) -> list[tuple[int, int]]:
        names: list[tuple[int, int]] = []
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" or any(t.is_space for t in ent):
                continue
            if len(ent) == 1 and ent.text.isupper() and len(ent.text) > 2:
                continue  # "KTVI", "NATO": acronyms the tagger took for people
            start, end = self._clean_name(ent.start, ent.end, ent.start)
            names.append((start, end))
        return names

    # -- main ------------------------------------------------------------------------------

    def quoted_ranges(self) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in self.segments if s.speech_like]

    def statements(self) -> list[_Source]:
        statements: list[_Statement] = []
        statement_at_cue: dict[int, int] = {}
        for i in sorted(self.cues):
            statement = self._verb_statement(i)
            if statement is not None:
                statement_at_cue[i] = len(statements)
                statements.append(statement)
        for record, start, end in self.phrase_cues:
            statement = self._phrase_statement(record, start, end)
            if statement is not None:
                statements.append(statement)
        for i in sorted(self.noun_cues):
            statement = self._noun_statement(i)
            if statement is not None:
                statements.append(statement)
        self._attach_quotes(statements, statement_at_cue)
        for statement in statements:
            if not statement.contents and statement.object_contents:
                statement.contents = list(statement.object_contents)
        for statement in statements:
            if statement.content_from >= 0 and not statement.contents:
                index = statement_at_cue.get(statement.content_from)
                if index is not None and statements[index] is not statement:
                    statement.contents = list(statements[index].contents)
        kept = [s for s in statements if s.contents]
        return self._resolve_sources(kept)

    # -- statements from cue verbs -------------------------------------------------------

    def _heading_paragraphs(self) -> list[tuple[int, int]]:
        """Short lines without closing punctuation: headlines and crossheads, which
        summarise statements rather than report them ("Democrats Say Plan Must Go")."""
        doc = self.doc
        found: list[tuple[int, int]] = []
        for start, end in itertools.pairwise([-1, *self.paragraph_breaks, len(doc)]):
            start += 1
            last = end - 1
            while last >= start and doc[last].is_space:
                last -= 1
            if last < start or last - start + 1 > _MAX_HEADING_TOKENS:
                continue
            if doc[last].text not in _CLOSING_PUNCT and not doc[last].is_quote:
                found.append((start, end))
        return found

    def in_heading(self, i: int) -> bool:
        return any(start <= i < end for start, end in self.headings)

    def _verb_statement(self, i: int, record: Pattern | None = None) -> _Statement | None:
        doc = self.doc
        verb = doc[i]
        if self.in_heading(i):
            return None
        quoted_cue = self.in_quote(i)
        if quoted_cue and not self._quote_opens_at_verb(verb):
            return None
        record = record or self.cues.get(i)
        if record is None:
            return None
        if verb.tag_ == "VB" or any(child.dep_ == "mark" and child.lower_ in _HYPOTHETICAL
                                    for child in verb.children):
            # "to say", "did not say", "could argue", "if she believes": no statement made.
            return None
        subject = self._subject(verb)
        head = verb.head
        if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj") and head.head.i < verb.i \
                and ((head.dep_ == "ccomp" and head.head.i in self.cues)
                     or (head.dep_ == "advcl" and any(child.dep_ == "mark"
                                                      for child in head.children))):
            # "X said he would skip it, calling it an affront", "X rejected it before Y
            # spoke, saying ...": the participle is the main clause's, though the parser
            # hangs it on the clause before it.
            subject = self._subject(head.head) or subject
        if subject is None:
            return None
        if any(child.dep_ in ("preconj", "det") and child.lower_ in ("neither", "no")
               for child in subject.children):
            return None  # "Neither X nor Y has confirmed ...", "no official said ..."
        if subject.lower_ in _PERSON_PRONOUNS | _GROUP_PRONOUNS and any(
                c.pos_ == "PRON" for c in subject.conjuncts):
            return None  # "he or she believes": generic
        heads = self._source_heads(subject)
        for sibling in subject.head.children:
            # "the United States, South Korea, and NATO express alarm": a coordination the
            # parser split into several subjects.
            if sibling.dep_ == "nsubj" and sibling.i != subject.i \
                    and not self.in_quote(sibling.i):
                heads.extend(h for h in self._source_heads(sibling) if h not in heads)
        if not heads:
            return None
        cue_end = i + 1
        for child in verb.rights:
            if child.dep_ == "prt" and child.i == cue_end:
                cue_end += 1
        statement = _Statement(cue=(i, cue_end), cue_id=record["id"],
                               cue_class=record.get("class", "speech"), method="indirect",
                               heads=heads, anchor=i, quoted_cue=quoted_cue)
        statement.contents = self._clause_content(verb, heads)
        if not statement.contents and "object" in record:
            if any(child.dep_ == "neg" for child in verb.children):
                return None  # "has not confirmed the presence": nothing was stated
            contents = self._object_content(verb, record, heads)
            if contents is None:
                return None  # "called him" (on the phone), not "called for ..."
            statement.object_contents = contents
        head = verb.head
        if not statement.contents and head.i < verb.i and head.i in self.cues \
                and self._is_trailing_report(head, verb):
            # "X said ..., agency Y reported": Y reports X's statement.
            statement.content_from = head.i
        if not statement.contents and statement.cue_class == "cognition":
            return None
        return statement

    def _quote_opens_at_verb(self, verb: Token) -> bool:
        """'X “has confirmed that ...”': a quotation that opens between the subject and
        its verb, with only auxiliaries and adverbs before the verb inside it."""
        segment = self.segments[self.segment_at(verb.i)]
        if segment.open_mark >= verb.i:
            return False
        for i in range(segment.open_mark + 1, verb.i):
            token = self.doc[i]
            if token.head.i != verb.i or token.dep_ not in ("aux", "auxpass", "neg", "advmod"):
                return False
        subject = next((child for child in verb.children if child.dep_ == "nsubj"), None)
        return subject is not None and subject.i < segment.open_mark \
            and self.sent_index(subject.i) == self.sent_index(segment.open_mark)

    def _subject(self, verb: Token) -> Token | None:
        node = verb
        for _ in range(4):
            subjects = [child for child in node.children
                        if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass"
                                                     and node is not verb
                                                     and node.lemma_ in ("quote", "cite"))]
            # A word inside the quote can be misparsed as a second subject ("...," it added).
            low, high = self.paragraph_bounds(verb.i)
            outside = [child for child in subjects
                       if not self.in_quote(child.i) and low <= child.i < high]
            if outside:
                child = min(outside, key=lambda c: abs(c.i - node.i))
                if child.lower_ in _RELATIVE_WORDS and node.dep_ == "relcl":
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

    def _source_heads(self, token: Token) -> list[int]:
        heads: list[int] = []
        low, high = self.paragraph_bounds(token.i)
        for candidate in (token, *(c for c in token.conjuncts if low <= c.i < high)):
            accepted = self._accept_source(candidate)
            if accepted is not None and accepted not in heads:
                heads.append(accepted)
        return heads

    def _accept_source(self, token: Token) -> int | None:
        if self.in_quote(token.i):
            return None
        lower = token.lower_
        if token.like_num or lower in _QUANTIFIER_WORDS:
            # "one of the officials said", "according to two of the aides"
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if pobj is not None and pobj.i in self.roles:
                        return self._accept_source(pobj)
            return None
        if lower in _PERSON_PRONOUNS or lower in _GROUP_PRONOUNS or lower in _THING_PRONOUNS:
            return token.i
        if lower in _NON_SOURCE_WORDS or token.pos_ == "PRON":
            return None
        if token.i in self.documents:
            return self._document_author(token)
        if token.ent_type_ in _NON_NAME_ENT_TYPES or token.like_num:
            return None
        if token.is_upper and len(token) > 2 and token.i + 1 < len(self.doc) \
                and self.doc[token.i + 1].text in _DATELINE_DASHES:
            return None  # "WASHINGTON -- X said": the place of the dateline
        if token.ent_type_ in _NAME_ENT_TYPES or token.pos_ == "PROPN":
            return token.i
        if self._known_surname(token):
            return token.i
        if token.i in self.roles:
            # "the committee's chairman, Representative X, said": the name is the source.
            for child in token.rights:
                if child.dep_ == "appos" and self.roles[token.i][0]["entity"] == "person" \
                        and (child.ent_type_ == "PERSON" or (child.pos_ == "PROPN"
                                                            and child.i not in self.roles)):
                    return child.i
            return token.i
        return None

    def _document_author(self, token: Token) -> int | None:
        """'a statement from the ministry', 'the ministry's statement', 'a Kremlin
        statement': the author is the source."""
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        accepted = self._accept_source(grandchild)
                        if accepted is not None and accepted not in self.documents:
                            return accepted
            if child.dep_ in ("poss", "compound") and child.i < token.i and (
                    child.ent_type_ in _NAME_ENT_TYPES or child.pos_ == "PROPN"
                    or child.i in self.roles):
                return child.i
        # No author given: the text itself is the source ("the report said").
        return token.i

    def _clause_content(self, verb: Token, heads: Sequence[int]) -> list[tuple[int, int]]:
        doc = self.doc
        contents: list[tuple[int, int]] = []
        low, high = self.paragraph_bounds(verb.i)
        for child in verb.children:
            if child.dep_ != "ccomp" or child.i in heads:
                continue
            if self._is_trailing_report(verb, child):
                continue  # "..., X said, news agency Y reported": Y's own statement
            start, end = _trim(doc, max(child.left_edge.i, low),
                               min(child.right_edge.i + 1, high), quotes=False)
            start, end = self._skip_complementizer(start, end)
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
            and self._after_comma(verb) \
            and not any(child.dep_ == "mark" for child in verb.children) \
            and any(child.dep_ == "nsubj" for child in verb.children)
        if tacked_on and head is not verb and verb.i > head.i \
                and head.pos_ in ("VERB", "AUX") and head.i not in self.cues:
            left = verb.left_edge.i
            start, end = _trim(doc, max(head.left_edge.i, low), left, quotes=False)
            if end - start >= 2:
                contents.append((start, end))
        return contents

    def _object_content(self, verb: Token, record: Pattern,
                        heads: Sequence[int]) -> list[tuple[int, int]] | None:
        """The object and complements after a stance verb, as listed in the record's
        ``object`` (dependency labels; "prep:for" is a preposition by its word, "xcomp:to"
        an infinitive), or None when none of ``needs`` (same notation) is there."""
        doc = self.doc
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
            if child.dep_ == "prt" or (child.dep_ == "advmod" and child.lower_ in _PARTICLES):
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
        low, high = self.paragraph_bounds(verb.i)
        start = max(min(child.left_edge.i for child in parts), low)
        end = min(max(child.right_edge.i for child in parts) + 1, high)
        if doc[start].dep_ == "prep" and doc[start].head.i == verb.i:
            start += 1  # "called for X to ...": the content is what was called for
        start, end = _trim(doc, start, end, quotes=False)
        if end - start < 1 or (end - start == 1 and doc[start].pos_ == "PRON"):
            return []
        return [(start, end)]

    def _is_trailing_report(self, verb: Token, child: Token) -> bool:
        """A reporting clause tacked on after the statement, without "that"."""
        if child.i not in self.cues or child.i < verb.i:
            return False
        if any(grandchild.dep_ == "mark" for grandchild in child.children):
            return False
        if not self._after_comma(child):
            return False
        subject = self._subject(child)
        return subject is not None and subject.pos_ != "PRON"

    def _after_comma(self, verb: Token) -> bool:
        """The clause headed by ``verb`` starts right after a comma."""
        left = verb.left_edge.i
        if self.doc[left].text != ",":
            left -= 1
        return left >= 0 and self.doc[left].text == ","

    def _skip_complementizer(self, start: int, end: int) -> tuple[int, int]:
        doc = self.doc
        while start < end and doc[start].dep_ == "mark" and doc[start].lower_ in (
                "that", "whether", "if"):
            start += 1
        return _trim(doc, start, end, quotes=False)

    def paragraph_bounds(self, i: int) -> tuple[int, int]:
        index = bisect_left(self.paragraph_breaks, i)
        start = self.paragraph_breaks[index - 1] + 1 if index > 0 else 0
        end = self.paragraph_breaks[index] if index < len(self.paragraph_breaks) \
            else len(self.doc)
        return start, end

    # -- statements from nouns ----------------------------------------------------------

    def _noun_statement(self, i: int) -> _Statement | None:
        """"X's assertion that ...", "warnings from X that ...": a statement noun with its
        author and a that-clause."""
        doc = self.doc
        noun = doc[i]
        if self.in_quote(i) or self.in_heading(i):
            return None
        source: Token | None = None
        clause: Token | None = None
        for child in noun.children:
            if child.dep_ == "poss" and child.i < i:
                source = child
            elif child.dep_ == "prep" and child.lower_ in ("from", "by") and source is None:
                source = next((c for c in child.children if c.dep_ == "pobj"), None)
            elif child.dep_ in ("acl", "ccomp", "relcl") and child.i > i and any(
                    c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
                clause = child
        if source is None or clause is None:
            return None
        heads = self._source_heads(source)
        if not heads:
            return None
        low, high = self.paragraph_bounds(i)
        start, end = _trim(doc, max(clause.left_edge.i, low), min(clause.right_edge.i + 1, high),
                           quotes=False)
        start, end = self._skip_complementizer(start, end)
        if end <= start:
            return None
        record = self.noun_cues[i]
        return _Statement(cue=(i, i + 1), cue_id=record["id"], cue_class="speech",
                          method="noun", heads=heads, contents=[(start, end)], anchor=i)

    # -- statements from phrase cues ----------------------------------------------------

    def _phrase_statement(self, record: Pattern, start: int, end: int) -> _Statement | None:
        doc = self.doc
        if self.in_quote(start) or self.in_heading(start):
            return None
        anchor = doc[end - 1]
        source = None
        for child in anchor.children:
            if child.dep_ in ("pobj", "dobj"):
                source = child
                break
        if source is None:
            return None
        heads = self._source_heads(source)
        if not heads:
            return None
        statement = _Statement(cue=(start, end), cue_id=record["id"], cue_class="speech",
                               method="phrase", heads=heads, anchor=start)
        first = doc[start]
        head = first.head
        hops = 0
        while head.pos_ not in ("VERB", "AUX") and head.dep_ != "ROOT" and hops < 4:
            head = head.head
            hops += 1
        # "X said, citing Y" shares X's content; "according to Y, they are accused of"
        # (no speaker of its own) is plain content.
        reporting_head = head.i in self.cues and head.i != first.i and any(
            child.dep_ == "nsubj" for child in head.children)
        if reporting_head:
            statement.content_from = head.i
        if head is first:
            sent = self.sent_index(start)
            outer_start, outer_end = self.sent_bounds(sent)
        else:
            outer_start, outer_end = head.left_edge.i, head.right_edge.i + 1
        low, high = self.paragraph_bounds(start)
        outer_start, outer_end = max(outer_start, low), min(outer_end, high)
        inner_start = min(first.left_edge.i, start)
        inner_end = max(first.right_edge.i + 1, end, source.right_edge.i + 1)
        parts = [_trim(doc, outer_start, inner_start, quotes=False),
                 _trim(doc, inner_end, outer_end, quotes=False)]
        if reporting_head:
            # "X said, citing Y": only the reported clause, not X's own words around it.
            parts = []
        statement.contents = [(s, e) for s, e in parts if e - s >= 2]
        if not statement.contents and statement.content_from < 0:
            return None
        return statement

    # -- quotations ------------------------------------------------------------------------

    def _attach_quotes(self, statements: list[_Statement],
                       statement_at_cue: dict[int, int]) -> None:
        segments = self.segments
        if not segments:
            return
        # 1. clausal content that lies inside a quote makes the statement a direct quote;
        #    a clause that contains quotes keeps them as part of its (mixed) content.
        for index, statement in enumerate(statements):
            if statement.method in ("phrase", "noun") or statement.quoted_cue:
                continue
            direct: list[int] = []
            for start, end in statement.contents:
                seg = self.segment_at(start)
                if seg >= 0 and self.segment_at(end - 1) == seg:
                    direct.append(seg)
            if direct and len(direct) == len(statement.contents):
                statement.method = "direct"
                statement.contents = []
                for seg in dict.fromkeys(direct):
                    if segments[seg].owner < 0:
                        segments[seg].owner = index
                    statement.contents.append((segments[seg].start, segments[seg].end))
        for statement in statements:
            for start, end in statement.contents:
                for seg in self._segments_within(start, end):
                    segments[seg].consumed = True
        # 2. the nearest cue right next to the quote.
        by_anchor = sorted((statement.anchor, index) for index, statement
                           in enumerate(statements))
        anchors = [anchor for anchor, _ in by_anchor]
        for seg, segment in enumerate(segments):
            if segment.owner >= 0 or segment.consumed or not segment.speech_like:
                continue
            close = max(segment.close_mark, segment.end)
            best: tuple[int, int] | None = None
            low = bisect_left(anchors, segment.open_mark - _MAX_CUE_GAP_TOKENS - 40)
            high = bisect_right(anchors, close + _MAX_CUE_GAP_TOKENS + 40)
            for anchor, index in by_anchor[low:high]:
                statement = statements[index]
                if statement.method in ("phrase", "noun") or (statement.method == "indirect"
                                                    and statement.contents):
                    continue
                if not self._adjacent(segment, statement):
                    continue
                distance = min(abs(anchor - segment.open_mark), abs(anchor - close))
                if best is None or distance < best[0]:
                    best = (distance, index)
            if best is not None:
                self._give(segment, seg, statements, best[1])
        # 3. textacy's attributions for quotes still without a speaker, where its quote
        #    pairing agrees with ours (it also knows a few reporting verbs we do not).
        if self.component.use_textacy:
            pending = {seg for seg, segment in enumerate(segments)
                       if segment.owner < 0 and not segment.consumed and segment.speech_like}
            # Cues that step 2 already tried next to these quotes.
            tried = {statement.anchor for statement in statements
                     if statement.method not in ("phrase", "noun")
                     and not (statement.method == "indirect" and statement.contents)}
            for seg, cue_i in self._textacy_cues(pending, tried) if pending else ():
                segment = segments[seg]
                if segment.owner >= 0 or segment.consumed:
                    continue
                index = statement_at_cue.get(cue_i)
                if index is None and cue_i not in self.cues and not self.in_quote(cue_i):
                    statement = self._verb_statement(
                        cue_i, {"id": self.doc[cue_i].lemma_, "class": "speech"})
                    if statement is not None:
                        index = len(statements)
                        statement_at_cue[cue_i] = index
                        statements.append(statement)
                if index is not None and self._adjacent(segment, statements[index]):
                    self._give(segment, seg, statements, index)
        # 4. "“...,” NAME, apposition, CUE" read off the surface when the parse failed.
        for seg, segment in enumerate(segments):
            if segment.owner >= 0 or segment.consumed or not segment.speech_like:
                continue
            statement = self._trailing_attribution(segment)
            if statement is not None:
                statements.append(statement)
                self._give(segment, seg, statements, len(statements) - 1)
        # 5. continuation: the rest of a multi-paragraph quote, or a quote following the
        #    sentence in which its speaker was named.
        # Statements by their last token, kept sorted as continuations extend them.
        lasts = sorted((self._last_token(statement), index)
                       for index, statement in enumerate(statements))
        for seg, segment in enumerate(segments):
            if segment.owner >= 0 or segment.consumed or not segment.speech_like:
                continue
            owner = self._group_owner(seg)
            if owner < 0:
                owner = self._previous_statement(segment, lasts)
            if owner >= 0:
                lasts.remove((self._last_token(statements[owner]), owner))
                self._give(segment, seg, statements, owner)
                insort(lasts, (self._last_token(statements[owner]), owner))

    def _last_token(self, statement: _Statement) -> int:
        """The statement's last token, counting a speaker description after the cue
        ("“...,” said X, a researcher at Y.")."""
        return max(_last_token(statement), self._statement_tokens(statement)[1])

    def _trailing_attribution(self, segment: _Segment) -> _Statement | None:
        """“...,” NAME[, apposition,] CUE — read off the surface when the parser did not
        attach the cue to the name (e.g. a cue verb parsed as a modifier)."""
        doc = self.doc
        if segment.close_mark < 0:
            return None
        i = segment.close_mark + 1
        while i < len(doc) and doc[i].text == ",":
            i += 1
        if i >= len(doc):
            return None
        token = doc[i]
        if token.lower_ in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS:
            head, after = i, i + 1
        elif token.ent_type_ == "PERSON" or token.pos_ == "PROPN":
            end = i + 1
            while end < len(doc) and (doc[end].ent_iob_ == "I" or (
                    doc[end].pos_ == "PROPN" and token.ent_type_ != "PERSON")):
                end += 1
            head, after = end - 1, end
        else:
            return None
        if after < len(doc) and doc[after].text == ",":
            # Skip an apposition up to its closing comma, within the sentence.
            for j in range(after + 1, min(after + 40, len(doc))):
                if doc[j].text in (".", "!", "?") or doc[j].is_quote or j in self.cues:
                    break
                if doc[j].text == ",":
                    after = j + 1
                    break
            else:
                return None
        if after >= len(doc) or after not in self.cues:
            return None
        if self._accept_source(doc[head]) is None:
            return None
        record = self.cues[after]
        return _Statement(cue=(after, after + 1), cue_id=record["id"], cue_class="speech",
                          method="direct", heads=[head], anchor=after)

    def _give(self, segment: _Segment, seg: int, statements: list[_Statement],
              index: int) -> None:
        segment.owner = index
        statement = statements[index]
        bounds = (segment.start, segment.end)
        if bounds not in statement.contents:
            statement.contents.append(bounds)
            statement.contents.sort()
        if statement.method == "indirect" and len(statement.contents) == 1:
            statement.method = "direct"

    def _segments_within(self, start: int, end: int) -> list[int]:
        first = bisect_left(self.segment_starts, start - 1)
        found = []
        for seg in range(first, len(self.segments)):
            segment = self.segments[seg]
            if segment.open_mark >= end:
                break
            # A quotation opening inside the clause is part of it ("said it was “wrong
            # ...”"), even when the clause's last token falls before the closing mark.
            if segment.start >= start - 1 and segment.start < end:
                found.append(seg)
        return found

    def _statement_tokens(self, statement: _Statement) -> tuple[int, int]:
        """Leftmost and rightmost token of the attribution clause (cue and source)."""
        doc = self.doc
        low = statement.cue[0]
        high = statement.cue[1] - 1
        for head in statement.heads:
            token = doc[head]
            if token.i < low:
                low = min(low, token.left_edge.i)
            else:
                high = max(high, token.right_edge.i)
        return low, high

    def _adjacent(self, segment: _Segment, statement: _Statement) -> bool:
        """The quote sits right next to the attribution clause ("“...,” X said" /
        "X said: “...”"), with nothing in between but punctuation or the cue's own
        modifiers."""
        doc = self.doc
        low, high = self._statement_tokens(statement)
        verb = doc[statement.anchor]
        close = segment.close_mark if segment.close_mark >= 0 else segment.end
        if close < low:
            gap = range(close + 1, low)
            if len(gap) > 3:
                return False
            return all(doc[i].is_punct or doc[i].is_space for i in gap)
        if segment.open_mark > high:
            gap = range(high + 1, segment.open_mark)
            if len(gap) > _MAX_CUE_GAP_TOKENS:
                return False
            for i in gap:
                token = doc[i]
                if token.is_space or token.text in (",", ":", "—", "–", "-"):
                    continue
                if token.is_punct and token.text in (".", "!", "?", ";"):
                    return False
                if self.in_quote(i) or (i in self.cues and i != verb.i):
                    return False
                if not _is_descendant(token, verb):
                    return False
            return True
        return False

    def _group_owner(self, seg: int) -> int:
        # Parts of one quote are consecutive segments; prefer the nearest earlier part
        # (the speaker introduced the quote), then the nearest later one.
        group = self.segments[seg].group
        for step in (-1, 1):
            other = seg + step
            while 0 <= other < len(self.segments) and self.segments[other].group == group:
                if self.segments[other].owner >= 0:
                    return self.segments[other].owner
                other += step
        return -1

    def _previous_statement(self, segment: _Segment, lasts: list[tuple[int, int]]) -> int:
        doc = self.doc
        sent = self.sent_index(segment.open_mark)
        sent_start, _ = self.sent_bounds(sent)
        first = _first_non_space(doc, sent_start, segment.open_mark + 1)
        if first != segment.open_mark:
            return -1
        position = bisect_left(lasts, (segment.open_mark, -1))
        if position == 0:
            return -1
        best_end, best = lasts[position - 1]
        if sent - self.sent_index(best_end) > self.component.max_quote_gap_sentences:
            return -1
        # Nothing but the statement's own sentence(s) may sit between it and the quote;
        # the rest of that sentence may name the audience or the occasion ("told CNN on
        # Wednesday."), but not a clause of its own.
        _, own_end = self.sent_bounds(self.sent_index(best_end))
        for i in range(best_end + 1, segment.open_mark):
            token = doc[i]
            if token.is_punct or token.is_space or self.in_quote(i):
                continue
            if i < own_end and token.pos_ not in ("VERB", "AUX"):
                continue
            return -1
        return best

    def _textacy_cues(self, pending: set[int], tried: set[int]) -> list[tuple[int, int]]:
        """(segment index, cue token) pairs proposed by textacy, whose quotation spans
        match one of our segments exactly. textacy gives up on a whole text with an odd
        number of quote marks, so it runs per paragraph."""
        from textacy.constants import REPORTING_VERBS
        from textacy.extract import direct_quotations

        doc = self.doc
        # textacy can only add something where one of its reporting verbs is outside the
        # quotes and was not tried already: find those with one array lookup.
        strings = doc.vocab.strings
        verb_ids = numpy.array([strings.add(v) for v in REPORTING_VERBS["en"]],
                               dtype=numpy.uint64)
        lemmas = doc.to_array([LEMMA]).reshape(-1)
        untried = [int(i) for i in numpy.flatnonzero(numpy.isin(lemmas, verb_ids))
                   if int(i) not in tried and not self.in_quote(int(i))]
        if not untried:
            return []
        parse = doc.to_array(_PARSE_ATTRS)
        by_open = {s.open_mark: index for index, s in enumerate(self.segments)
                   if s.close_mark >= 0}
        bounds = [-1, *self.paragraph_breaks, len(doc)]
        proposals: list[tuple[int, int]] = []
        for start, end in itertools.pairwise(bounds):
            start += 1
            first_seg = bisect_left(self.segment_starts, start)
            last_seg = bisect_left(self.segment_starts, end)
            if not any(seg in pending for seg in range(first_seg, last_seg)):
                continue  # textacy only where a quote still lacks a speaker
            if bisect_left(untried, end) == bisect_left(untried, start):
                continue
            if self.sent_index(end - 1) - self.sent_index(start) > _MAX_TEXTACY_SENTENCES:
                continue
            try:
                triples = list(direct_quotations(_paragraph_doc(doc, parse, start, end)))
            except ValueError:
                # textacy bails out on an odd number of quote marks; our own pairing and
                # the steps after this one still handle the paragraph.
                continue
            for triple in triples:
                seg = by_open.get(triple.content.start + start)
                if seg is None or self.segments[seg].close_mark != triple.content.end - 1 + start:
                    continue
                verbs = [t for t in triple.cue if t.pos_ == "VERB"] or list(triple.cue)
                proposals.append((seg, verbs[0].i + start))
        return proposals

    # -- sources ---------------------------------------------------------------------------

    def _resolve_sources(self, statements: list[_Statement]) -> list[_Source]:
        sources: list[_Source] = []
        for statement in statements:
            contents = sorted(dict.fromkeys(statement.contents))
            for head in statement.heads:
                source = self._make_source(head, statement, contents)
                if source is not None:
                    sources.append(source)
        sources.sort(key=lambda s: (s.start, s.cue))
        resolved: list[_Source] = []
        for source in sources:
            if source.kind == "pronoun":
                self._resolve_pronoun(source, resolved)
            resolved.append(source)
        self._assign_types(resolved)
        return _merge_duplicates(resolved)

    def _make_source(self, head: int, statement: _Statement,
                     contents: list[tuple[int, int]]) -> _Source | None:
        doc = self.doc
        token = doc[head]
        method = statement.method
        rule_id = f"sources.{method}.{statement.cue_id}"
        if token.lower_ in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS:
            return _Source(head, head + 1, head, statement.cue, contents, rule_id, "pronoun",
                           plural=token.lower_ in _GROUP_PRONOUNS)
        start, end, kind = self._mention_bounds(token)
        if end <= start:
            return None
        source = _Source(start, end, head, statement.cue, contents, rule_id, kind,
                         plural=token.tag_ in ("NNS", "NNPS"))
        source.evidence = self._evidence(token, start, end, kind)
        if kind == "person":
            full = self._full_name(start, end)
            source.speaker = full
            source.group_key = full.lower()
        else:
            source.speaker = doc[start:end].text
            source.group_key = None
        return source

    def _mention_bounds(self, token: Token) -> tuple[int, int, str]:
        """The speaker mention: a person's name, an institution with its premodifiers, or
        a group noun with its premodifiers."""
        doc = self.doc
        proper = token.pos_ == "PROPN"
        named_elsewhere = proper and token.lower_ in self.person_words and (
            token.i not in self.roles or self._person_over_media(token.i))
        unknown_name = proper and token.i not in self.roles \
            and token.ent_type_ not in ("ORG", "GPE", "NORP", "FAC") \
            and not self._is_media_name(token.i)
        outlet = self._is_media_name(token.i) and token.lower_ not in self.full_name_words
        if (token.ent_type_ == "PERSON" and not outlet) or self._known_surname(token) \
                or named_elsewhere or unknown_name:
            start, end = _entity_bounds(doc, token.i) if token.ent_type_ == "PERSON" \
                else _propn_run(doc, token.i)
            start, end = self._clean_name(start, end, token.i)
            if token.ent_type_ != "PERSON" and self._looks_institutional(start, end):
                return (*self._nominal_bounds(token), "institution")
            return start, end, "person"
        kind = "group"
        role = self.roles.get(token.i)
        if token.tag_ == "NNPS" and token.ent_type_ in ("NORP", "") and role is None:
            pass  # "Other Democrats", "the Saudis": members of a party or nation
        elif token.ent_type_ in ("ORG", "GPE", "FAC") or token.pos_ == "PROPN" \
                or (role is not None and role[0]["entity"] == "institution"):
            kind = "institution"
        start, end = self._nominal_bounds(token)
        return start, end, kind

    def _clean_name(self, start: int, end: int, anchor: int) -> tuple[int, int]:
        """Clip a name to its paragraph and drop titles before it and a possessive after
        it ("Mr. Akin's" -> "Akin")."""
        doc = self.doc
        low, high = self.paragraph_bounds(anchor)
        start, end = max(start, low), min(end, high)
        while start < end - 1 and (start in self.honorifics or start in self.roles
                                   or doc[start].is_punct or doc[start].is_space):
            start += 1
        while end - 1 > start and (doc[end - 1].lower_ in _POSSESSIVE_MARKS
                                   or doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        return start, end

    def _looks_institutional(self, start: int, end: int) -> bool:
        return any(i in self.roles and self.roles[i][0]["entity"] == "institution"
                   and not self._person_over_media(i) for i in range(start, end))

    def _known_surname(self, token: Token) -> bool:
        """A capitalised word the tagger missed as a name ("Alba, who ...") that is part
        of a person's name elsewhere in the document."""
        return token.pos_ not in ("PROPN", "PRON") and token.is_title \
            and token.lower_ in self.person_words and token.i not in self.roles

    def _person_over_media(self, i: int) -> bool:
        """A one-word outlet name that is also the surname of a person named in full in
        the document ("Fox" after "Vicente Fox")."""
        role = self.roles.get(i)
        return role is not None and role[0]["type"] == "media" and role[2] - role[1] == 1 \
            and self.doc[i].lower_ in self.full_name_words

    def _is_media_name(self, i: int) -> bool:
        role = self.roles.get(i)
        return role is not None and role[0]["type"] == "media"

    def _nominal_bounds(self, token: Token) -> tuple[int, int]:
        doc = self.doc
        start = token.i
        for child in token.lefts:
            if child.dep_ in _LEFT_NP_DEPS and not self.in_quote(child.i):
                start = min(start, child.left_edge.i)
        end = token.i + 1
        if token.ent_type_:
            ent_start, ent_end = _entity_bounds(doc, token.i)
            start, end = min(start, ent_start), max(end, ent_end)
        low, _ = self.paragraph_bounds(token.i)
        start = max(start, low)
        while start < end - 1 and (doc[start].dep_ in ("det", "predet", "punct", "cc")
                                   or doc[start].is_space):
            start += 1
        return start, end

    def _descriptor(self, token: Token, start: int, end: int) -> list[int]:
        """Tokens describing the mention: premodifiers, appositions, relative clauses and
        prepositional attachments, inside the sentence and outside quotes."""
        sent = self.sent_index(token.i)
        sent_start, sent_end = self.sent_bounds(sent)
        collected: list[int] = []
        for child in token.children:
            if child.dep_ not in _DESCRIPTOR_DEPS:
                continue
            if child.dep_ in ("relcl", "acl") and child.lemma_ not in _ROLE_VERBS:
                continue  # "X, who told NBC ...": what X did, not what X is
            if child.dep_ == "prep" and child.lower_ not in _AFFILIATION_PREPS:
                continue
            if child.dep_ == "conj" and (child.pos_ == "PROPN" or child.ent_type_
                                         or child.tag_ in ("NNS", "NNPS")):
                continue  # "Obama and Netanyahu": another speaker, not a description
            for sub in child.subtree:
                if len(collected) >= _MAX_DESCRIPTOR_TOKENS:
                    break
                if start <= sub.i < end or not (sent_start <= sub.i < sent_end):
                    continue
                if self.in_quote(sub.i):
                    continue
                collected.append(sub.i)
        if token.dep_ == "appos" and token.head.i in self.roles:
            # The role noun the name is in apposition to ("the chairman, X, ...").
            own = set(range(token.left_edge.i, token.right_edge.i + 1))
            for sub in token.head.subtree:
                if sub.i not in own and sent_start <= sub.i < sent_end \
                        and not self.in_quote(sub.i) and len(collected) < _MAX_DESCRIPTOR_TOKENS:
                    collected.append(sub.i)
        # Words inside the mention itself ("U.S. officials", "the Foreign Ministry")
        # describe it too.
        return sorted(set(collected) | set(range(start, end)))

    def _evidence(self, token: Token, start: int, end: int, kind: str) -> _Evidence:
        doc = self.doc
        evidence = _Evidence()
        tokens = self._descriptor(token, start, end)
        if kind == "person":
            evidence.named_person = True
        elif token.ent_type_ in ("ORG", "FAC") or (token.pos_ == "PROPN" and kind != "group"):
            evidence.named_org = True
        head_role = self.roles.get(token.i)
        if kind == "group" and head_role is not None and head_role[0]["type"] == "unnamed":
            evidence.anonymous = True
        elif kind == "group" and head_role is not None and token.tag_ == "NN" \
                and head_role[0]["id"] not in _ANONYMOUS_ROLES and any(
                child.dep_ == "poss" or (child.dep_ == "det" and child.lower_ == "the")
                for child in token.children):
            # "the governor", "the new president", "her spokesman": one identifiable
            # office holder, unlike "a spokesman" or "officials".
            evidence.definite = True
        elif kind == "group" and head_role is not None and head_role[0]["id"] in _SPEAKS_FOR \
                and any(doc[i].pos_ == "PROPN" for i in tokens):
            # "a spokeswoman for Speaker X", "a Kaine spokesman": the voice of a named
            # person or body.
            evidence.definite = True
        elif kind == "group" and head_role is not None \
                and head_role[0]["entity"] == "person" and head_role[0]["type"] == "official":
            # "a White House official", "U.S. officials": affiliated but anonymous.
            evidence.anonymous = True
        if token.ent_type_ == "GPE" and start <= token.i < end and \
                self.roles.get(token.i) is None:
            evidence.state = True
        if kind == "group" and token.tag_ in ("NNS", "NNPS") \
                and any(i in self.political_bodies for i in range(start, end)) \
                and not any(word.lower_ in _PART_OF_GROUP or word.like_num
                            for word in (*doc[start:end], *token.lefts)):
            # "Democrats", "Republican lawmakers": the party speaks; "other Democrats" or
            # "a half-dozen Democrats" are some of its members.
            evidence.institution = True
            evidence.anonymous = False
        evidence.non_state = token.i in self.non_state_at
        seen_roles: set[int] = set()
        for i in tokens:
            role = self.roles.get(i)
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
                evidence.institution = True
            if doc[role_start].ent_type_ in ("ORG", "FAC") and entity == "institution":
                evidence.named_org = True
            if role_type == "media":
                if in_mention and (kind != "person"):
                    evidence.media_self = True
                elif entity == "person" or (kind == "person" and role_end <= start
                                            and _is_descendant(doc[role_start], token)):
                    # "a reporter for X", "CNN's Deirdre Walsh"
                    evidence.media_descriptor = True
            elif role_type == "expert":
                evidence.expert = True
            elif role_type == "official":
                if entity == "person" and self._is_former(role_end - 1):
                    evidence.former_official = True
                else:
                    evidence.official = True
        if any(doc[i].ent_type_ in ("ORG", "FAC") for i in tokens):
            evidence.named_org = True
        speaks_for = any(self.roles[i][0]["id"] in _SPEAKS_FOR for i in tokens if i in self.roles)
        for i in tokens:
            if speaks_for and doc[i].ent_type_ == "ORG" and i not in self.actor_at \
                    and i not in self.affiliation_at and i not in self.non_state_at \
                    and (i not in self.roles or self.roles[i][0]["type"] != "official") \
                    and self._affiliates(doc[i], token):
                # "a Microsoft spokesperson", "a spokesman for the Lakeside Fund": the voice
                # of a company or association, not of the state.
                evidence.private_org = True
            actor = self.actor_at.get(i)
            if actor:
                priority = 0 if start <= i < end else 1
                evidence.actors.append((priority, i, actor))
            elif i in self.affiliation_at:
                # A named state outranks a party or title that only implies one.
                evidence.actors.append((2, i, self.affiliation_at[i]))
        return evidence

    def _affiliates(self, word: Token, head: Token) -> bool:
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

    def _is_former(self, role_token: int) -> bool:
        token = self.doc[role_token]
        node = token
        for _ in range(4):
            if node.dep_ == "relcl":
                # "who served as ambassador", "who was defense minister": past tenure.
                if node.tag_ == "VBD" and node.lemma_ in _ROLE_VERBS:
                    return True
                break
            if node.head is node:
                break
            node = node.head
        for i in range(token.left_edge.i, token.i):
            if i in self.modifiers:
                return True
        return any(i in self.modifiers for i in range(max(token.i - 6, 0), token.i)
                   if self.doc[i].head.i == token.i or self.doc[i].head.head.i == token.i)

    def _full_name(self, start: int, end: int) -> str:
        """The longest PERSON mention in the document that contains this (short) name."""
        doc = self.doc
        words = [t.lower_ for t in doc[start:end] if not t.is_punct]
        best = doc[start:end]
        if not words:
            return best.text
        for index in self.person_index.get(words[0], ()):
            ent_start, ent_end = self.person_names[index]
            ent_words, all_proper = self.person_name_words[index]
            if ent_end - ent_start <= len(best):
                continue
            if not all_proper:
                continue  # "Trump's Cabinet" is not a longer form of "Trump"
            if _contains_run(ent_words, words):
                best = doc[ent_start:ent_end]
        trimmed_start, trimmed_end = self._clean_name(best.start, best.end, best.start)
        # "[Robert] Mueller": editorial brackets are not part of the name.
        return " ".join(doc[trimmed_start:trimmed_end].text.replace("[", " ")
                        .replace("]", " ").split())

    def _person_mentions(self, name: str) -> list[tuple[int, int]]:
        words = [w for w in name.lower().split() if w != "-"]
        lowered = name.lower()
        candidates = set(self.person_index.get(words[0], ())) if words else set()
        candidates |= {index for index, text in enumerate(self.person_name_texts)
                       if text == lowered}
        return [self.person_names[index] for index in sorted(candidates)
                if self.person_name_texts[index] == lowered
                or _contains_run(self.person_name_words[index][0], words)]

    def _resolve_pronoun(self, source: _Source, earlier: list[_Source]) -> None:
        self._resolve_pronoun_near(source, earlier)
        pronoun = self.doc[source.head].lower_
        if source.speaker is not None or pronoun not in _PERSON_PRONOUNS:
            return
        # Nothing close by: an article's "he said" mostly goes on quoting the person last
        # quoted, a few sentences (a long quote) back.
        gender = _PRONOUN_GENDER[pronoun]
        sent = self.sent_index(source.head)
        window_start = self.sent_starts[max(sent - _WIDE_ANTECEDENT_SENTENCES, 0)]
        for candidate in reversed(earlier):
            if not window_start <= candidate.head < source.head:
                continue
            if candidate.speaker is None or (candidate.resolved_kind or candidate.kind) \
                    != "person" or self._gender(candidate.group_key) not in (None, gender):
                continue
            source.speaker = candidate.speaker
            source.group_key = candidate.group_key
            source.evidence.merge(candidate.evidence)
            source.resolved_kind = "person"
            return

    def _resolve_pronoun_near(self, source: _Source, earlier: list[_Source]) -> None:
        """he/she/they/it: the nearest earlier source of the right kind in this or the
        previous sentences, else (he/she) the nearest earlier PERSON entity."""
        doc = self.doc
        pronoun = doc[source.head].lower_
        # Sentences inside the quote the pronoun introduces do not count against the
        # distance to the antecedent ("Gomez spoke on Monday. “... . ...,” she said.").
        anchor = min([source.head, *(start for start, _ in source.contents)])
        first_seg = self.segment_at(anchor)
        if first_seg >= 0:
            group = self.segments[first_seg].group
            anchor = min(seg.open_mark for seg in self.segments if seg.group == group)
        sent = self.sent_index(anchor)
        window_start = self.sent_starts[max(sent - self.component.max_antecedent_sentences, 0)]
        gender = _PRONOUN_GENDER.get(pronoun)
        for candidate in reversed(earlier):
            if candidate.head < window_start or candidate.head >= source.head:
                continue
            if candidate.speaker is None or not _agrees(pronoun, candidate):
                continue
            if gender and self._gender(candidate.group_key) not in (None, gender):
                continue
            if gender and candidate.group_key is not None:
                self.genders[candidate.group_key] = gender
            source.speaker = candidate.speaker
            source.group_key = candidate.group_key
            source.evidence.merge(candidate.evidence)
            source.resolved_kind = candidate.resolved_kind or candidate.kind
            source.plural = candidate.plural
            return
        if pronoun in _PERSON_PRONOUNS:
            # Nearest person named outside quotes, preferring sentence subjects.
            candidates = [(s, e) for s, e in self._person_candidates(window_start, anchor)
                          if not self.in_quote(s)]
            if gender:
                candidates = [(s, e) for s, e in candidates
                              if self._gender(self._full_name(s, e).lower()) in (None, gender)]
            subjects = [(s, e) for s, e in candidates
                        if doc[s:e].root.dep_ in ("nsubj", "nsubjpass")]
            chosen = (subjects or candidates)[-1:]
            for ent_start, ent_end in chosen:
                root = doc[ent_start:ent_end].root
                name = self._full_name(ent_start, ent_end)
                source.speaker = name
                source.group_key = name.lower()
                source.resolved_kind = "person"
                source.evidence = self._evidence(root, ent_start, ent_end, "person")
                return
        elif pronoun in _GROUP_PRONOUNS:
            # Nearest plural group of people ("five senators ... they said").
            for i in range(source.head - 1, window_start - 1, -1):
                token = doc[i]
                role = self.roles.get(i)
                if token.tag_ not in ("NNS", "NNPS") or self.in_quote(i):
                    continue
                if (role is not None and role[0]["entity"] == "person") \
                        or token.ent_type_ == "NORP":
                    start, end = self._nominal_bounds(token)
                    source.speaker = doc[start:end].text
                    source.resolved_kind = "group"
                    source.plural = True
                    source.evidence = self._evidence(token, start, end, "group")
                    return
        else:
            # "The ministry issued a statement. It said ...": the nearest named body,
            # preferring sentence subjects.
            found: list[Token] = []
            for i in range(anchor - 1, window_start - 1, -1):
                token = doc[i]
                role = self.roles.get(i)
                if self.in_quote(i) or token.tag_ not in ("NN", "NNP"):
                    continue
                if (role is not None and role[0]["entity"] == "institution"
                        and role[2] - 1 == i) or (token.ent_type_ == "ORG" and (
                        i + 1 >= len(doc) or doc[i + 1].ent_iob_ != "I")):
                    found.append(token)
            subjects = [t for t in found if t.dep_ in ("nsubj", "nsubjpass")]
            chosen = (subjects or found)[:1]
            for token in chosen:
                start, end = self._nominal_bounds(token)
                source.speaker = doc[start:end].text
                source.resolved_kind = "institution"
                source.evidence = self._evidence(token, start, end, "institution")

    def _unresolved_person(self, source: _Source) -> bool:
        return source.kind == "pronoun" and source.speaker is None \
            and self.doc[source.head].lower_ in _PERSON_PRONOUNS

    def _gender(self, key: str | None) -> str | None:
        """'m', 'f' or None for a person: from a pronoun that already referred to them,
        else from an honorific before one of their mentions ("Ms. Rice")."""
        if key is None:
            return None
        if key not in self.genders:
            found = None
            words = [w for w in key.split() if w != "-"]
            # Mentions of the name or of part of it ("Mr. Netanyahu" for the full name).
            for index in self.person_index.get(words[-1], ()) if words else ():
                if not _contains_run(words, self.person_name_words[index][0]):
                    continue
                start = self.person_names[index][0]
                before = self.doc[start - 1].lower_ if start > 0 else ""
                found = _HONORIFIC_GENDER.get(before)
                if found:
                    break
            self.genders[key] = found
        return self.genders[key]

    def _person_candidates(self, start: int, end: int) -> list[tuple[int, int]]:
        """PERSON entities in [start, end), plus proper-noun subjects the NER missed."""
        found = {(s, e) for s, e in self.person_names if start <= s and e <= end}
        covered = {i for s, e in found for i in range(s, e)}
        for i in range(start, end):
            token = self.doc[i]
            if token.dep_ == "nsubj" and token.pos_ == "PROPN" and i not in covered \
                    and token.ent_type_ in ("", "PERSON") and i not in self.roles:
                found.add(self._clean_name(*_propn_run(self.doc, i), i))
        return sorted(found)

    def _assign_types(self, sources: list[_Source]) -> None:
        # One speaker, one type and actor: pool what every mention of a person says,
        # including earlier mentions that were not statements.
        pooled: dict[str, _Evidence] = {}
        for source in sources:
            if source.group_key is None:
                continue
            evidence = pooled.setdefault(source.group_key, _Evidence())
            evidence.merge(source.evidence)
        for key, evidence in pooled.items():
            for ent_start, ent_end in self._person_mentions(key):
                root = self.doc[ent_start:ent_end].root
                evidence.merge(self._evidence(root, ent_start, ent_end, "person"))
        for source in sources:
            evidence = pooled.get(source.group_key, source.evidence) \
                if source.group_key is not None else source.evidence
            source.source_type = _classify(evidence, source)
            if self._unresolved_person(source):
                # "he said" about someone named too far back: a known person, and in news
                # most often an office holder.
                source.source_type = "official"
            actors = sorted(evidence.actors)
            source.actor = actors[0][2] if actors else None
        # Office holders whose state goes unsaid ("the deputy attorney general",
        # "lawmakers") belong to the state that most of the article's sources speak for,
        # when one clearly dominates: a report on one country's politics rarely names it.
        counts: dict[str, int] = dict(self.domestic_mentions)
        for source in sources:
            if source.actor is not None:
                counts[source.actor] = counts.get(source.actor, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < _MIN_HOME_SOURCES or (
                len(ranked) > 1 and ranked[0][1] < _HOME_DOMINANCE * ranked[1][1]):
            return
        home = ranked[0][0]
        for source in sources:
            evidence = pooled.get(source.group_key, source.evidence) \
                if source.group_key is not None else source.evidence
            if source.actor is None and source.source_type != "media" \
                    and not evidence.non_state and not evidence.private_org and (
                    evidence.official or evidence.former_official or evidence.state
                    or self._unresolved_person(source)
                    # a named person typed an office holder by default (_classify)
                    or (source.source_type == "official" and evidence.named_person)):
                source.actor = home


_PARSE_ATTRS = [TAG, POS, LEMMA, DEP, HEAD]


def _paragraph_doc(doc: Doc, parse: numpy.ndarray, start: int, end: int) -> Doc:
    """``doc[start:end].as_doc()`` without its cost: Span.as_doc reads the arrays of the
    whole Doc on every call, which is quadratic over the paragraphs of a long text."""
    tokens = doc[start:end]
    paragraph = Doc(doc.vocab, words=[t.text for t in tokens],
                    spaces=[bool(t.whitespace_) for t in tokens])
    rows = parse[start:end].copy()
    head_column = _PARSE_ATTRS.index(HEAD)
    offsets = rows[:, head_column].astype(numpy.int64)
    targets = numpy.arange(start, end) + offsets
    outside = (targets < start) | (targets >= end)
    # A head outside the paragraph: the token becomes a root of its own.
    offsets[outside] = 0
    rows[:, head_column] = offsets.astype(numpy.uint64)
    rows[outside, _PARSE_ATTRS.index(DEP)] = doc.vocab.strings["ROOT"]
    paragraph.from_array(_PARSE_ATTRS, rows)
    return paragraph


def _last_token(statement: _Statement) -> int:
    return max([statement.cue[1] - 1, *(end - 1 for _, end in statement.contents)])


def _agrees(pronoun: str, candidate: _Source) -> bool:
    kind = candidate.resolved_kind or candidate.kind
    if pronoun in _PERSON_PRONOUNS:
        return kind == "person" or (kind == "group" and not candidate.plural)
    if pronoun in _GROUP_PRONOUNS:
        return kind == "institution" or (kind == "group" and candidate.plural)
    return kind == "institution"


def _classify(evidence: _Evidence, source: _Source) -> str:
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


def _merge_duplicates(sources: list[_Source]) -> list[_Source]:
    # spaCy keys Span extension values by character offsets alone, so one mention can
    # carry only one set of attributes: "X said ..., adding ..." becomes one SOURCE whose
    # cue is the reporting word nearest the mention and whose content joins both parts.
    merged: dict[tuple[int, int], _Source] = {}
    for source in sorted(sources, key=lambda s: abs(s.cue[0] - s.head)):
        key = (source.start, source.end)
        existing = merged.get(key)
        if existing is None:
            merged[key] = source
            continue
        existing.contents = sorted(set(existing.contents) | set(source.contents))
    return sorted(merged.values(), key=lambda s: (s.start, s.end))


def _is_descendant(token: Token, ancestor: Token) -> bool:
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


def _propn_run(doc: Doc, i: int) -> tuple[int, int]:
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


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    if not needle or len(needle) > len(haystack):
        return False
    width = len(needle)
    return any(haystack[k:k + width] == needle for k in range(len(haystack) - width + 1))


# spaCy validates [initialize.components] settings with pydantic, reading this signature;
# postponed (string) annotations that name this module's aliases cannot be resolved there.
SourceAttributor.initialize.__annotations__.update(
    patterns=Sequence[dict[str, Any]] | None,
    rules_path=str | Path | None,
)
