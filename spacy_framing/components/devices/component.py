"""The ``framing_devices`` factory and component (``DeviceTagger``)."""

from __future__ import annotations

import itertools
import warnings
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.pipeline.span_ruler import overlapping_labeled_spans_score
from spacy.tokens import Doc, Span, Token

from ...errors import DeviceErrors, DeviceWarnings
from ...types import PathLikeStr, Pattern
from ..actors.records import RULE_LEADER
from ..merge import register_span_extensions
from ..rules import (
    PLAIN_ATTRS,
    LazyPhraseMatcher,
    MatcherShelf,
    Rule,
    RuleComponent,
    RuleError,
    RuleSet,
    Setting,
    WordIndex,
    WordListTable,
    as_word_lists,
    copy_records,
    located,
)
from .context import (
    PLURAL_PRONOUNS,
    RELATIVE_PRONOUNS,
    SINGULAR_DETERMINERS,
    SentenceWords,
    has_between,
    has_within,
    is_titled_head_of_state,
    longest_per_label,
    plural_antecedent,
    trim_quotes,
    widen_to_entities,
)
from .patterns import (
    MAX_PHRASE_EXPANSION,
    blank_fallback,
    inflections,
    is_lexical,
    requires_model,
    trigger_parts,
    with_capitalised_lemmas,
    with_typographic_apostrophes,
)
from .schema import DEVICE_SCHEMA, CompiledRule, node_names, strings

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

# Two same-label spans this many tokens apart or closer are one cue (see _join_adjacent),
# unless a clause break lies between them.
_MAX_JOIN_GAP = 1
_CLAUSE_BREAKS = frozenset({".", ";", ":", "?", "!", "\"", "“", "”", "(", ")"})


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
    # Rule spans carry _.origin (their rule id) and _.score in every profile.
    register_span_extensions()
    return DeviceTagger(nlp, name, spans_key=spans_key, actors_key=actors_key,
                        max_span_tokens=max_span_tokens,
                        collective_ent_types=collective_ent_types,
                        collective_nouns=collective_nouns, overwrite=overwrite, scorer=scorer)


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
        self._rules: list[CompiledRule] = []
        self._rule_by_key: dict[int, CompiledRule] = {}
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
                                [blank_fallback(record["pattern"], record.get("forms", {}))])
                elif "dep_pattern" in record:
                    scratch_dep.add(f"line {line}", [record["dep_pattern"]])
                    scratch.add(f"line {line} anchor",
                                [[record["dep_pattern"][0].get("RIGHT_ATTRS", {})]])
            except (ValueError, KeyError, TypeError, MatchPatternError) as err:
                raise Rule(record, origin, line).error(err) from err
        for record, _origin, _line in checked:
            self._compile(dict(record))

    def _compile(self, original: Pattern) -> None:
        record = with_typographic_apostrophes(original)
        order = len(self._rules)
        key = f"{self.name}:{order}:{record['id']}"
        span_nodes: tuple[int, ...] = ()
        actor_nodes: tuple[int, ...] = ()
        if "dep_pattern" in record:
            names = node_names(record["dep_pattern"])
            span_names = strings(record["span"], "span") if "span" in record else names
            span_nodes = tuple(names.index(name) for name in span_names)
            if "actor_nodes" in record:
                actor_nodes = tuple(names.index(name)
                                    for name in strings(record["actor_nodes"],
                                                             "actor_nodes"))
        rule = CompiledRule(
            rule_id=record["id"], label=record["label"], order=order,
            span_nodes=span_nodes, actor_nodes=actor_nodes,
            not_in_sentence=frozenset(record.get("not_in_sentence", ())),
            in_sentence=frozenset(record.get("in_sentence", ())),
            not_preceded_by=frozenset(record.get("not_preceded_by", ())),
            not_followed_by=frozenset(record.get("not_followed_by", ())),
        )
        if "phrase" in record:
            self.phrase_matchers["LOWER"].add_texts(key, strings(record["phrase"], "phrase"))
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
        needs_model = requires_model(pattern)
        word_lists = None if needs_model else as_word_lists(
            pattern, max_expansion=MAX_PHRASE_EXPANSION)
        if word_lists is not None:
            attr, positions = word_lists
            self.phrase_matchers[attr].add_words(key, itertools.product(*positions))
            return
        written = pattern
        pattern = with_capitalised_lemmas(pattern)
        self._rule_matchers.add(order, key, pattern)
        trigger = trigger_parts(pattern)
        self._pending_fallbacks.append((order, key, written, forms, needs_model, trigger))
        self._register_trigger(order, trigger, self._unanchored, self._anchors)

    def _compile_fallbacks(self) -> None:
        """The LOWER fallbacks of the token rules, made on the first Doc without lemmas
        (most pipelines never see one)."""
        for order, key, written, forms, needs_model, trigger in self._pending_fallbacks:
            fallback = blank_fallback(written, forms) if needs_model else written
            # A rule made only of POS/ENT_TYPE conditions would match every token.
            if not is_lexical(fallback):
                continue
            self._fallback_matchers.add(order, key, fallback)
            for index, attr, words in trigger[1] if trigger is not None else ():
                if attr == "LEMMA":
                    attr, words = "LOWER", sorted({form for word in words
                                                   for form in inflections(word, forms)})
                self._fallback_anchors.add(attr, words, (order, index))
        self._pending_fallbacks = []

    def _compile_dep_rule(self, key: str, order: int, pattern: list[dict[str, Any]]) -> None:
        self._dep_matchers.add(order, key, pattern)
        nodes = [node.get("RIGHT_ATTRS", {}) for node in pattern]
        self._register_trigger(order, trigger_parts(nodes), self._unanchored_dep,
                               self._dep_anchors)

    def _register_trigger(self, order: int, trigger: Any, unanchored: list[int],
                          anchors: WordIndex) -> None:
        """Index a rule by its anchor words, or list it as unanchored (run on every Doc)."""
        if trigger is None:
            unanchored.append(order)
            return
        anchor, parts = trigger
        self._triggers[order] = (anchor, tuple(index for index, _a, _w in parts
                                               if index != anchor))
        for index, attr, words in parts:
            anchors.add(attr, words, (order, index))

    # -- processing --------------------------------------------------------------------

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
        sentence_words = SentenceWords(doc)
        for order, match_start, match_end in candidates:
            rule = self._rules[order]
            start, end = trim_quotes(doc, match_start, match_end)
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
        return self._join_adjacent(longest_per_label(spans))

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
                if not all(has_within(nearby[index], position, reach) for index in others):
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
                if all(has_between(nearby[index], lo, hi) for index in others):
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
                    start, end = widen_to_entities(doc, min(chosen), max(chosen) + 1)
                    if end - start > self.max_span_tokens:
                        # Too far apart to be one cue: mark the anchor alone.
                        start, end = positions[0], positions[0] + 1
                    candidates.add((order, start, end))
        return candidates

    def _actor_tokens(self, doc: Doc) -> set[int]:
        if self.actors_key not in doc.spans:
            return set()
        return {index for span in doc.spans[self.actors_key] if span.id_ != RULE_LEADER
                for index in range(span.start, span.end)}

    def _is_collective(self, token: Token, actor_tokens: set[int]) -> bool:
        """Whether ``token`` names a state, government, party or other collective actor.

        A relative pronoun stands for the noun its clause modifies ("a base that was
        angry"), and "they" for the nearest plural subject before it in its own or the
        previous sentence ("Democrats balked. They were incensed.")."""
        if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            token = token.head.head
        elif token.lower_ in PLURAL_PRONOUNS:
            antecedent = plural_antecedent(token)
            if antecedent is None:
                return False
            token = antecedent
        if token.ent_type_ == "NORP" and any(
            child.dep_ == "det" and child.lower_ in SINGULAR_DETERMINERS
            for child in token.children
        ):
            # "an American", "any Democrat": one member of a group is a private person.
            return False
        if token.i in actor_tokens or token.ent_type_ in self.collective_ent_types:
            return True
        if token.ent_type_ == "PERSON":
            return is_titled_head_of_state(token)
        if token.lower_ in self.collective_nouns or token.lemma_.lower() in self.collective_nouns:
            return True
        # "the White House", "the Obama administration": a multiword head; "grass-roots"
        # is three tokens.
        previous = token.doc[token.i - 1] if token.i > 0 else None
        if previous is not None and f"{previous.lower_} {token.lower_}" in self.collective_nouns:
            return True
        return previous is not None and previous.text == "-" and token.i > 1 and \
            f"{token.doc[token.i - 2].lower_}-{token.lower_}" in self.collective_nouns

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
