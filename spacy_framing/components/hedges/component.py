"""The ``framing_hedges`` factory and component (``HedgeTagger``)."""

from __future__ import annotations

import bisect
import itertools
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline.span_ruler import overlapping_labeled_spans_score
from spacy.tokens import Doc, Span

from ...errors import HedgeErrors, HedgeWarnings
from ...types import PathLikeStr, Pattern
from ..rules import (
    PLAIN_ATTRS,
    LazyPhraseMatcher,
    Rule,
    RuleComponent,
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
from .conditions import HEDGE_SCHEMA, STRINGS_ERROR, CompiledRule, Context, compile_rule

_DEFAULT_SPANS_KEY = "hedges"
_DEFAULT_RULES_FILE = "hedges.jsonl"
_HEDGE = "HEDGE"
_PSEUDO = "PSEUDO"

PROFILES: dict[str, tuple[str, ...]] = {
    "codebook": (),
    "szeged": ("approximator", "hearsay", "weasel", "conditional"),
}
"""Rule groups each named annotation scheme leaves out (see the module docstring)."""


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
        self._compiled: list[CompiledRule] = []
        self._rule_by_key: dict[int, CompiledRule] = {}
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
        compiled: list[tuple[Pattern, CompiledRule, list[str] | None]] = []
        scratch = Matcher(self.nlp.vocab, validate=True)
        for record, origin, line in located:
            try:
                rule = compile_rule(record, self._tokenize)
                if "pattern" in record:
                    scratch.add(f"line {line}", [record["pattern"]])
                    phrase_texts = None
                else:
                    phrase_texts = string_list(record["phrase"], "phrase",
                                               error=STRINGS_ERROR)
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
        contexts: dict[int, Context] = {}
        candidates: list[Span] = []
        for match_id, start, end in sorted(set(matches), key=lambda match: match[1:]):
            rule = self._rule_by_key[match_id]
            sentence = bisect.bisect_right(sentence_starts, start) - 1
            ctx = contexts.get(sentence)
            if ctx is None:
                sent_end = sentence_starts[sentence + 1] \
                    if sentence + 1 < len(sentence_starts) else len(doc)
                ctx = contexts[sentence] = Context(doc, sentence_starts[sentence], sent_end,
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
