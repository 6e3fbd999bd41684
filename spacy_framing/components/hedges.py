"""``framing_hedges``: epistemic markers (HEDGE, BOOSTER) written to ``doc.spans``.

Cues are data: one JSON object a line (``spacy_framing/data/hedges.jsonl``), each with an
``id``, a ``label`` and either a token ``pattern`` (spaCy Matcher) or a ``phrase`` (a string
or a list of strings, matched on ``phrase_matcher_attr``, NORM by default, so "rumour" and
"rumor" or ’ and ' match alike). A rule may add context conditions in the manner of
medspaCy ConText cue rules; a match is kept only when all of them hold:

``requires_prev`` / ``requires_next``
    at least one of these word sequences must come right before / after the cue;
``not_before`` / ``not_after``
    none of these word sequences may come right before / after the cue;
``pos``
    the cue's first token must carry one of these coarse POS tags (checked only when the
    pipeline has a tagger);
``exclude_ent``
    no cue token may sit in a named entity of these types (checked only with NER).

A word sequence is a string of space-separated items. A lowercase item matches a token's
lower-case or NORM form; an upper-case item is a class from a fixed, validated set (see
``_CONTEXT_CLASSES``): ``NUM``, ``CURRENCY``, ``PUNCT``, ``TITLE``, ``ANY``, the sentence
edges ``BOS``/``EOS`` and the coarse POS tags, which only match when the pipeline has a
tagger. Context never crosses a sentence boundary.

After the conditions, overlapping matches are resolved longest-first ("no doubt" is a
BOOSTER, not the HEDGE "doubt"). Rules labelled ``PSEUDO`` (ConText's pseudo-modifiers)
take part in that contest and are then dropped: a PSEUDO rule for "you may leave"
silences the modal "may" inside it. Each span's ``id_`` is its rule id. A rule's optional
``group`` (epistemic, approximator, hearsay, weasel, conditional, booster in the bundled
file) lets ``exclude_groups`` switch whole kinds of cue off.

Profiles name a fixed set of excluded groups for an annotation scheme other than the
codebook (``PROFILES``):

``codebook`` (default)
    every group: the codebook's HEDGE includes approximators ("about 300"), hearsay
    ("is said to", "claims") and weasel attributions ("analysts say").
``szeged``
    drops approximator, hearsay, weasel and conditional. The Szeged Uncertainty Corpus
    (Vincze 2015) marks *semantic* uncertainty (epistemic and doxastic cues); it files
    weasels and vague quantities under *discourse-level* uncertainty and "assuming"/"if"
    under condition cues, none of which the converted gold in ``shared/data/hedging``
    marks as HEDGE. Scoring the codebook rules against it counts those cues as false
    positives although both schemes agree on them being what they are.

``exclude_groups`` adds to the profile's groups.

Sentence flags: ``Doc._.hedge_density`` (HEDGE cues per 100 tokens) and
``Span._.is_uncertain`` (the span overlaps a sentence with at least one HEDGE cue), read
from the plain-data ``Doc._.uncertain_sentences`` (token offsets of those sentences).
"""

from __future__ import annotations

import bisect
import itertools
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline.span_ruler import overlapping_labeled_spans_score
from spacy.tokens import Doc, Span, Token

from ..errors import HedgeErrors, HedgeWarnings
from ..types import PathLikeStr, Pattern
from .rules import (
    PLAIN_ATTRS,
    LazyPhraseMatcher,
    Rule,
    RuleComponent,
    RuleSchema,
    RuleSet,
    Setting,
    WordListTable,
    as_word_lists,
    copy_records,
    is_whole_token,
    located,
    max_pattern_length,
    package_data_path,
    string_list,
)

__all__ = ["PROFILES", "HedgeTagger", "make_hedges"]

_DEFAULT_SPANS_KEY = "hedges"
_DEFAULT_RULES_FILE = "hedges.jsonl"
_HEDGE = "HEDGE"
_PSEUDO = "PSEUDO"

_REQUIRED_KEYS = ("id", "label")
_CONDITION_KEYS = ("requires_prev", "requires_next", "not_before", "not_after", "pos",
                   "exclude_ent")
_ALLOWED_KEYS = ("pattern", "phrase", "group", "note", *_CONDITION_KEYS)

_POS_TAGS = frozenset({"ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
                       "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"})
_CONTEXT_CLASSES = frozenset({"ANY", "BOS", "EOS", "CURRENCY", "TITLE"}) | _POS_TAGS
"""Upper-case items allowed in context word sequences."""

PROFILES: dict[str, tuple[str, ...]] = {
    "codebook": (),
    "szeged": ("approximator", "hearsay", "weasel", "conditional"),
}
"""Rule groups each named annotation scheme leaves out (see the module docstring)."""



# --------------------------------------------------------------------------- conditions

def _token_in_class(token: Token, item: str, has_pos: bool) -> bool:
    """Whether ``token`` belongs to the context class ``item``."""
    if item == "ANY":
        return True
    if item == "NUM":
        # like_num also covers "1,000", "3.5", "ten", "hundred" on a blank pipeline.
        return token.like_num or (has_pos and token.pos_ == "NUM")
    if item == "PUNCT":
        return token.is_punct or (has_pos and token.pos_ == "PUNCT")
    if item == "CURRENCY":
        return token.is_currency
    if item == "TITLE":
        return token.is_title
    # Coarse POS classes need a tagger; without one they never match, so a `not_*`
    # condition does not reject and a `requires_*` alternative is simply unavailable.
    return has_pos and token.pos_ == item


def _item_matches(token: Token, item: str, has_pos: bool) -> bool:
    if item in _CONTEXT_CLASSES:
        return _token_in_class(token, item, has_pos)
    return token.lower_ == item or token.norm_ == item


class _Context:
    """What the conditions may look at around one match (tokens are made once each)."""

    __slots__ = ("_tokens", "doc", "has_ents", "has_pos", "sent_end", "sent_start")

    def __init__(self, doc: Doc, sent_start: int, sent_end: int, *, has_pos: bool,
                 has_ents: bool) -> None:
        self.doc = doc
        self.sent_start = sent_start
        self.sent_end = sent_end
        self.has_pos = has_pos
        self.has_ents = has_ents
        self._tokens: dict[int, Token] = {}

    def token(self, index: int) -> Token:
        token = self._tokens.get(index)
        if token is None:
            token = self._tokens[index] = self.doc[index]
        return token


class _Sequences:
    """The word sequences of one condition, indexed by the item next to the cue so that
    a check only walks the alternatives that can match."""

    __slots__ = ("_by_word", "_classed", "before")

    def __init__(self, sequences: Iterable[tuple[str, ...]], *, before: bool) -> None:
        self.before = before
        self._by_word: dict[str, list[tuple[str, ...]]] = {}
        self._classed: list[tuple[str, ...]] = []
        for items in sequences:
            nearest = items[-1] if before else items[0]
            if nearest in _CONTEXT_CLASSES:
                self._classed.append(items)
            else:
                self._by_word.setdefault(nearest, []).append(items)

    def __bool__(self) -> bool:
        return bool(self._by_word or self._classed)

    def found(self, ctx: _Context, start: int, end: int) -> bool:
        """Whether one of the sequences sits right before ``start`` / after ``end``."""
        candidates = self._classed
        neighbour = start - 1 if self.before else end
        if self._by_word and ctx.sent_start <= neighbour < ctx.sent_end:
            token = ctx.token(neighbour)
            by_word = self._by_word.get(token.lower_, [])
            if token.norm_ != token.lower_:
                by_word = by_word + self._by_word.get(token.norm_, [])
            if by_word:
                candidates = by_word + candidates
        check = self._before if self.before else self._after
        return any(check(ctx, start, end, items) for items in candidates)

    @staticmethod
    def _after(ctx: _Context, start: int, end: int, items: tuple[str, ...]) -> bool:
        position = end
        for item in items:
            if item == "EOS":
                return position >= ctx.sent_end
            if position >= ctx.sent_end or not _item_matches(ctx.token(position), item,
                                                             ctx.has_pos):
                return False
            position += 1
        return True

    @staticmethod
    def _before(ctx: _Context, start: int, end: int, items: tuple[str, ...]) -> bool:
        position = start - 1
        for item in reversed(items):
            if item == "BOS":
                return position < ctx.sent_start
            if position < ctx.sent_start or not _item_matches(ctx.token(position), item,
                                                              ctx.has_pos):
                return False
            position -= 1
        return True


_NO_SEQUENCES = _Sequences((), before=True)


@dataclass(frozen=True)
class _CompiledRule:
    """A validated rule with its conditions in the form the match loop needs."""

    rule_id: str
    label: str
    requires_prev: _Sequences = _NO_SEQUENCES
    requires_next: _Sequences = _NO_SEQUENCES
    not_before: _Sequences = _NO_SEQUENCES
    not_after: _Sequences = _NO_SEQUENCES
    pos: frozenset[str] = frozenset()
    exclude_ent: frozenset[str] = frozenset()

    def accepts(self, ctx: _Context, start: int, end: int) -> bool:
        if self.pos and ctx.has_pos and ctx.token(start).pos_ not in self.pos:
            return False
        if self.exclude_ent and ctx.has_ents and any(
            ctx.token(index).ent_type_ in self.exclude_ent for index in range(start, end)
        ):
            return False
        if self.requires_prev and not self.requires_prev.found(ctx, start, end):
            return False
        if self.requires_next and not self.requires_next.found(ctx, start, end):
            return False
        if self.not_before and self.not_before.found(ctx, start, end):
            return False
        return not (self.not_after and self.not_after.found(ctx, start, end))


_STRINGS_ERROR = "{key!r} must be a non-empty string or list of non-empty strings"


def _compile_sequences(value: Any, key: str,
                       tokenize: Callable[[str], list[str]]) -> tuple[tuple[str, ...], ...]:
    sequences: list[tuple[str, ...]] = []
    for text in string_list(value, key, error=_STRINGS_ERROR):
        # Tokenize like the pipeline does, so "can't" is compared as "ca" + "n't".
        items = tuple(tokenize(text))
        for position, item in enumerate(items):
            if item.isupper() and item not in _CONTEXT_CLASSES:
                raise ValueError(f"{key!r}: unknown class {item!r} in {text!r}; classes: "
                                 f"{', '.join(sorted(_CONTEXT_CLASSES))}")
            if not item.isupper() and item != item.lower():
                raise ValueError(f"{key!r}: word {item!r} in {text!r} must be lower-case "
                                 "(words are compared case-insensitively)")
            if item == "BOS" and position != 0:
                raise ValueError(f"{key!r}: BOS must come first in {text!r}")
            if item == "EOS" and position != len(items) - 1:
                raise ValueError(f"{key!r}: EOS must come last in {text!r}")
        if "BOS" in items and key in ("requires_next", "not_after"):
            raise ValueError(f"{key!r}: BOS cannot follow a cue ({text!r})")
        if "EOS" in items and key in ("requires_prev", "not_before"):
            raise ValueError(f"{key!r}: EOS cannot precede a cue ({text!r})")
        sequences.append(items)
    return tuple(sequences)


def _compile_rule(record: Mapping[str, Any],
                  tokenize: Callable[[str], list[str]]) -> _CompiledRule:
    """Compile a rule that passed :data:`HEDGE_SCHEMA`; raise ValueError when its word
    sequences or tags are unusable."""
    rule_id, label = record["id"], record["label"]
    sequences = {
        key: _Sequences(_compile_sequences(record[key], key, tokenize),
                        before=key in ("requires_prev", "not_before"))
        for key in ("requires_prev", "requires_next", "not_before", "not_after")
        if key in record
    }
    pos = frozenset(string_list(record["pos"], "pos", error=_STRINGS_ERROR)) \
        if "pos" in record else frozenset()
    unknown_pos = sorted(pos - _POS_TAGS)
    if unknown_pos:
        raise ValueError(f"'pos': unknown tag(s) {', '.join(unknown_pos)}")
    exclude_ent = frozenset(string_list(record["exclude_ent"], "exclude_ent",
                                        error=_STRINGS_ERROR)) \
        if "exclude_ent" in record else frozenset()
    return _CompiledRule(rule_id=rule_id, label=label, pos=pos, exclude_ent=exclude_ent,
                         **sequences)


_MAX_PHRASE_EXPANSION = 5000


def _anchor_of(pattern: list[dict[str, Any]]) -> tuple[str, list[str], int] | None:
    """The attribute and words a pattern must start with, and its longest extent; None
    when the pattern can start anywhere or has no bound (it then runs on the whole doc)."""
    first = pattern[0]
    length = max_pattern_length(pattern)
    if "OP" in first or length is None:
        return None
    for attr in PLAIN_ATTRS:
        value = first.get(attr)
        if isinstance(value, str):
            return attr, [value], length
        if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) \
                and all(isinstance(word, str) for word in value["IN"]):
            return attr, list(dict.fromkeys(value["IN"])), length
    return None


_ANNOTATED_ATTRS = {"POS": "POS", "TAG": "TAG", "MORPH": "MORPH", "LEMMA": "LEMMA",
                    "DEP": "DEP", "HEAD": "DEP"}
"""Token-pattern attributes spaCy's Matcher refuses on a Doc without that annotation."""


def _annotations_needed(pattern: list[dict[str, Any]]) -> frozenset[str]:
    return frozenset(_ANNOTATED_ATTRS[attr] for token in pattern for attr in token
                     if attr in _ANNOTATED_ATTRS)


def _longest_first(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longer first, PSEUDO winning ties, then leftmost (spaCy's
    ``filter_spans`` with the PSEUDO tie-break ConText gives pseudo-modifiers)."""
    ranked = sorted(spans, key=lambda span: (span.start - span.end, span.label_ != _PSEUDO,
                                             span.start))
    taken: set[int] = set()
    kept: list[Span] = []
    for span in ranked:
        if taken.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept)


# --------------------------------------------------------------------------- extensions

def _span_is_uncertain(span: Span) -> bool:
    return any(start < span.end and span.start < end
               for start, end in span.doc._.uncertain_sentences)


def _register_extensions() -> None:
    if not Doc.has_extension("uncertain_sentences"):
        Doc.set_extension("uncertain_sentences", default=())
    if not Doc.has_extension("hedge_density"):
        Doc.set_extension("hedge_density", default=0.0)
    if not Span.has_extension("is_uncertain"):
        Span.set_extension("is_uncertain", getter=_span_is_uncertain)


# --------------------------------------------------------------------------- component

def _check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise ValueError(HedgeErrors.E201.format(component="framing_hedges", profile=profile,
                                                 expected=", ".join(sorted(PROFILES))))
    return profile


@Language.factory(
    "framing_hedges",
    assigns=["doc.spans", "doc._.uncertain_sentences", "doc._.hedge_density"],
    requires=[],
    default_config={
        "spans_key": _DEFAULT_SPANS_KEY,
        "phrase_matcher_attr": "NORM",
        "overwrite": True,
        "exclude_groups": [],
        "profile": "codebook",
        "scorer": {
            "@scorers": "spacy.overlapping_labeled_spans_scorer.v1",
            "spans_key": _DEFAULT_SPANS_KEY,
        },
    },
    default_score_weights={
        f"spans_{_DEFAULT_SPANS_KEY}_f": 1.0,
        f"spans_{_DEFAULT_SPANS_KEY}_p": 0.0,
        f"spans_{_DEFAULT_SPANS_KEY}_r": 0.0,
        f"spans_{_DEFAULT_SPANS_KEY}_per_type": None,
    },
)
def make_hedges(
    nlp: Language,
    name: str,
    *,
    spans_key: str,
    phrase_matcher_attr: str,
    overwrite: bool,
    exclude_groups: list[str],
    profile: str,
    scorer: Callable | None,
) -> HedgeTagger:
    _register_extensions()
    return HedgeTagger(nlp, name, spans_key=spans_key, phrase_matcher_attr=phrase_matcher_attr,
                       overwrite=overwrite, exclude_groups=exclude_groups, profile=profile,
                       scorer=scorer)


def _record_problem(record: Mapping[str, Any]) -> str | None:
    """Why a record cannot be used, as far as it can tell without a tokenizer (the word
    sequences are checked when the rule is compiled)."""
    rule_id, label = record["id"], record["label"]
    if not isinstance(rule_id, str) or not rule_id:
        return "'id' must be a non-empty string"
    if not isinstance(label, str) or not label or label != label.upper() \
            or not label.replace("_", "").isalpha():
        return f"'label' must be an UPPER_SNAKE_CASE string, got {label!r}"
    if ("pattern" in record) == ("phrase" in record):
        return "give exactly one of 'pattern' (token pattern) or 'phrase'"
    if "pattern" in record and not (
        isinstance(record["pattern"], list) and record["pattern"]
        and all(isinstance(token, dict) for token in record["pattern"])
    ):
        return "'pattern' must be a non-empty list of token objects"
    if "phrase" in record:
        try:
            string_list(record["phrase"], "phrase", error=_STRINGS_ERROR)
        except ValueError as err:
            return str(err)
    if "group" in record and not (isinstance(record["group"], str) and record["group"]):
        return "'group' must be a non-empty string"
    return None


HEDGE_SCHEMA = RuleSchema(
    name="framing_hedges", required=_REQUIRED_KEYS, allowed=_ALLOWED_KEYS,
    check=_record_problem,
    window_keys=("requires_prev", "requires_next", "not_before", "not_after"))


class HedgeTagger(RuleComponent):
    """Tags HEDGE and BOOSTER cues from JSONL rules with context conditions."""

    settings = (
        Setting("spans_key"),
        Setting("phrase_matcher_attr"),
        Setting("overwrite"),
        Setting("exclude_groups", list),
        Setting("profile", lambda value: _check_profile(value)),
    )
    rule_sets = (RuleSet("patterns", HEDGE_SCHEMA, legacy=("rules.jsonl",),
                         bundled=(_DEFAULT_RULES_FILE,)),)

    def __init__(
        self,
        nlp: Language,
        name: str = "framing_hedges",
        *,
        spans_key: str = _DEFAULT_SPANS_KEY,
        phrase_matcher_attr: str = "NORM",
        overwrite: bool = True,
        exclude_groups: Iterable[str] = (),
        profile: str = "codebook",
        scorer: Callable | None = overlapping_labeled_spans_score,
        patterns: Iterable[Pattern] | None = None,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.phrase_matcher_attr = phrase_matcher_attr
        self.overwrite = overwrite
        # Rules whose "group" is listed here or in the profile are kept (and saved) but
        # not matched.
        self.exclude_groups = list(exclude_groups)
        self.profile = _check_profile(profile)
        self.scorer = scorer
        self._warned_missing_annotation = False
        self.lists = WordListTable()
        self.clear()
        if patterns is None:
            # Users often call nlp.add_pipe(...) and go; the bundled rules are a cheap read.
            self._add_records(self._read_file(package_data_path(_DEFAULT_RULES_FILE)))
        else:
            self.add_patterns(patterns)

    # -- rules -------------------------------------------------------------------------

    @property
    def patterns(self) -> list[Pattern]:
        """The current rules, as they would be written to a rule file."""
        return copy_records(self._patterns)

    @property
    def labels(self) -> tuple[str, ...]:
        """Labels the component writes (PSEUDO rules only block, they are never written)."""
        return tuple(sorted({record["label"] for record in self._patterns} - {_PSEUDO}))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(sorted({record["id"] for record in self._patterns}))

    @property
    def excluded_groups(self) -> frozenset[str]:
        """Rule groups not matched: the profile's plus ``exclude_groups``."""
        return frozenset(PROFILES[self.profile]) | frozenset(self.exclude_groups)

    def __len__(self) -> int:
        return len(self._patterns)

    def clear(self) -> None:
        self._patterns: list[Pattern] = []
        self._compiled: list[_CompiledRule] = []
        self._rule_by_key: dict[int, _CompiledRule] = {}
        # Token patterns with operators run on a Matcher of their own, only from positions
        # where their first word occurs (found by a PhraseMatcher): a Matcher costs about
        # a microsecond per token and pattern, the look-up almost nothing.
        self._unanchored_matcher = Matcher(self.nlp.vocab)
        self._anchor_matchers: dict[str, LazyPhraseMatcher] = {
            attr: LazyPhraseMatcher(self.nlp, attr=attr) for attr in PLAIN_ATTRS
        }
        # A pattern on POS, TAG, LEMMA... raises on a Doc without that annotation (a blank
        # pipeline), so such rules keep their needs and are skipped on those Docs.
        self._anchored_matchers: dict[int, tuple[Matcher, int, frozenset[str]]] = {}
        self._annotated_matchers: list[tuple[Matcher, frozenset[str]]] = []
        # Token patterns made only of plain words run on PhraseMatchers (hash look-ups);
        # the Matcher keeps the few with operators or other attributes. Same matches, a
        # fraction of the time.
        self.phrase_matchers: dict[str, LazyPhraseMatcher] = {
            attr: LazyPhraseMatcher(self.nlp, attr=attr)
            for attr in dict.fromkeys((self.phrase_matcher_attr, *PLAIN_ATTRS))
        }

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        patterns: Iterable[Pattern] | PathLikeStr | None = None,
    ) -> None:
        """(Re)load the rules: ``patterns`` (records or a JSONL path) or the bundled file.
        The current rules stay in place if the new ones are invalid.

        patterns (Iterable[Pattern] | PathLikeStr | None): The rules; they may use the
            named word lists of the current rules.
        """
        if patterns is None:
            located_rules = self._read_file(package_data_path(_DEFAULT_RULES_FILE))
        else:
            lists = self.lists.copy()
            located_rules = located(self.load_rules(
                patterns, origin=f"{self.name}.initialize", type_error=HedgeErrors.E200,
                lists=lists))
            self.lists = lists
        self._add_records(located_rules, replace=True)

    def add_patterns(self, patterns: Iterable[Pattern]) -> None:
        """Add rules given as Python dicts; errors name the record's index.

        patterns (Iterable[Pattern]): Rule records; they may use named word lists.
        """
        self._add_records(located(self.check_rules(patterns, origin=f"{self.name}.add_patterns",
                                                   lists=self.lists)))

    def _tokenize(self, text: str) -> list[str]:
        # Words of plain letters that are no special case are tokens as they stand; the
        # tokenizer (and a vocabulary entry per new word) is only needed for the rest.
        chunks = text.split()
        if all(is_whole_token(self.nlp, chunk) for chunk in chunks):
            return chunks
        return [token.text for token in self.nlp.tokenizer(text)]

    def _read_file(self, path: Path) -> list[tuple[Pattern, str, int]]:
        lists = WordListTable()
        rules = self.read_rules(path, lists=lists)
        self.lists = lists
        return located(rules)

    def _add_records(self, located: Sequence[tuple[Pattern, str, int]], *,
                     replace: bool = False) -> None:
        # Compile everything first so that a bad record leaves the current rules untouched.
        compiled: list[tuple[Pattern, _CompiledRule, list[str] | None]] = []
        scratch = Matcher(self.nlp.vocab, validate=True)
        for record, origin, line in located:
            try:
                rule = _compile_rule(record, self._tokenize)
                if "pattern" in record:
                    scratch.add(f"line {line}", [record["pattern"]])
                    phrase_texts = None
                else:
                    phrase_texts = string_list(record["phrase"], "phrase",
                                               error=_STRINGS_ERROR)
            except (ValueError, MatchPatternError) as err:
                raise Rule(record, origin, line).error(err) from err
            compiled.append((dict(record), rule, phrase_texts))
        if replace:
            self.clear()
        excluded = self.excluded_groups
        for record, rule, phrase_texts in compiled:
            self._patterns.append(record)
            if record.get("group") in excluded:
                continue
            key = f"{self.name}:{len(self._compiled)}:{rule.rule_id}"
            if phrase_texts is not None:
                self.phrase_matchers[self.phrase_matcher_attr].add_texts(key, phrase_texts)
            elif (word_lists := as_word_lists(record["pattern"],
                                              max_expansion=_MAX_PHRASE_EXPANSION)) is not None:
                attr, positions = word_lists
                self.phrase_matchers[attr].add_words(key, itertools.product(*positions))
            elif (anchor := _anchor_of(record["pattern"])) is not None:
                attr, words, length = anchor
                rule_matcher = Matcher(self.nlp.vocab)
                rule_matcher.add(key, [record["pattern"]])
                self._anchor_matchers[attr].add_words(key, [(word,) for word in words])
                self._anchored_matchers[self.nlp.vocab.strings[key]] = (
                    rule_matcher, length, _annotations_needed(record["pattern"]))
            elif needs := _annotations_needed(record["pattern"]):
                rule_matcher = Matcher(self.nlp.vocab)
                rule_matcher.add(key, [record["pattern"]])
                self._annotated_matchers.append((rule_matcher, needs))
            else:
                self._unanchored_matcher.add(key, [record["pattern"]])
            self._rule_by_key[self.nlp.vocab.strings[key]] = rule
            self._compiled.append(rule)

    # -- processing --------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.match(doc))
        except Exception as err:
            return error_handler(self.name, self, [doc], err)
        return doc

    def match(self, doc: Doc) -> list[Span]:
        """The cue spans in ``doc`` after conditions and longest-first overlap resolution."""
        if len(doc) == 0 or not self._compiled:
            return []
        has_pos = doc.has_annotation("POS")
        has_ents = doc.has_annotation("ENT_IOB")
        has_sents = doc.has_annotation("SENT_START")
        self._warn_if_blind(doc, has_pos=has_pos, has_ents=has_ents)
        matches: list[tuple[int, int, int]] = []
        if len(self._unanchored_matcher):
            matches.extend(self._unanchored_matcher(doc))
        for phrase_matcher in self.phrase_matchers.values():
            if len(phrase_matcher):
                matches.extend(phrase_matcher(doc))
        for rule_matcher, needs in self._annotated_matchers:
            if all(doc.has_annotation(name) for name in needs):
                matches.extend(rule_matcher(doc))
        for anchor_matcher in self._anchor_matchers.values():
            if not len(anchor_matcher):
                continue
            for key, anchor, _ in anchor_matcher(doc):
                rule_matcher, length, needs = self._anchored_matchers[key]
                if needs and not all(doc.has_annotation(name) for name in needs):
                    continue
                matches.extend((match_id, anchor + start, anchor + end) for match_id, start, end
                               in rule_matcher(doc[anchor:anchor + length]) if start == 0)
        if not matches:
            return []
        # Conditions look inside the cue's sentence; one context per sentence.
        sentence_starts = [sent.start for sent in doc.sents] if has_sents else [0]
        contexts: dict[int, _Context] = {}
        candidates: list[Span] = []
        for match_id, start, end in sorted(set(matches), key=lambda match: match[1:]):
            rule = self._rule_by_key[match_id]
            sentence = bisect.bisect_right(sentence_starts, start) - 1
            ctx = contexts.get(sentence)
            if ctx is None:
                sent_end = sentence_starts[sentence + 1] \
                    if sentence + 1 < len(sentence_starts) else len(doc)
                ctx = contexts[sentence] = _Context(doc, sentence_starts[sentence], sent_end,
                                                    has_pos=has_pos, has_ents=has_ents)
            if rule.accepts(ctx, start, end):
                candidates.append(Span(doc, start, end, label=rule.label, span_id=rule.rule_id))
        return [span for span in _longest_first(candidates) if span.label_ != _PSEUDO]

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        if self.spans_key in doc.spans and not self.overwrite:
            spans = sorted([*doc.spans[self.spans_key], *spans])
        doc.spans[self.spans_key] = spans
        hedges = [span for span in spans if span.label_ == _HEDGE]
        doc._.hedge_density = 100.0 * len(hedges) / len(doc) if len(doc) else 0.0
        if not hedges:
            doc._.uncertain_sentences = ()
        elif doc.has_annotation("SENT_START"):
            doc._.uncertain_sentences = tuple(sorted(
                {(span[0].sent.start, span[0].sent.end) for span in hedges}
            ))
        else:
            doc._.uncertain_sentences = ((0, len(doc)),)

    def _warn_if_blind(self, doc: Doc, *, has_pos: bool, has_ents: bool) -> None:
        # Once per component: rules asking for POS/NER degrade on a blank pipeline.
        if self._warned_missing_annotation or (has_pos and has_ents):
            return
        self._warned_missing_annotation = True
        needs_tags = any(rule.pos for rule in self._compiled) or bool(self._annotated_matchers) \
            or any(needs for _, _, needs in self._anchored_matchers.values())
        if (needs_tags and not has_pos) \
                or (any(rule.exclude_ent for rule in self._compiled) and not has_ents):
            warnings.warn(HedgeWarnings.W200.format(component=self.name), stacklevel=3)

    def score(self, examples: Iterable[Any], **kwargs: Any) -> dict[str, Any]:
        if self.scorer is None:
            return {}
        return self.scorer(examples, **kwargs)

    # -- serialization hooks (RuleComponent) --------------------------------------------

    def rule_records(self, key: str) -> list[Pattern]:
        return self.patterns

    def restore_rules(self, loaded: Mapping[str, list[Rule]]) -> None:
        # Without a rules file (excluded), keep the current rules under the new settings.
        rules = loaded.get("patterns")
        if rules is None:
            rules = self.check_rules(self.patterns, origin=f"{self.name}.patterns")
        self._add_records(located(rules), replace=True)


# spaCy validates [initialize.components] settings with pydantic, reading this signature;
# postponed (string) annotations that name this module's aliases cannot be resolved there.
HedgeTagger.initialize.__annotations__["patterns"] = (
    Sequence[dict[str, Any]] | str | Path | None
)
