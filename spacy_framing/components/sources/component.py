"""The ``framing_sources`` factory and pipe: settings, rules, serialization, annotations.

The attribution itself lives in the stage modules (:mod:`.attribution`); this module
turns their plain data into spans and extension values, and keeps the rule records that
``to_disk``/``from_disk`` and ``to_bytes``/``from_bytes`` write and read.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...errors import SourceWarnings
from ...types import PathLikeStr, Pattern
from ..rules import Rule, RuleComponent, RuleSet, Setting, copy_records, package_data_path
from .attribution import attribute
from .index import DocIndex, build_index
from .learned import read_proposals
from .matchers import CompiledRules
from .mentions import Source
from .quotes import flag_in_quote
from .rules import (
    DEFAULT_RULES_FILE,
    SOURCE_LABEL,
    SOURCE_SCHEMA,
    check_rule_records,
    read_source_rules,
    word_lists,
)

# Actor kinds (framing_actors' gazetteer) that are no state.
_NON_STATE_KINDS = frozenset({"organization", "group"})


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
        "model_key": "sources_model",
        "speaker_threshold": 0.5,
        "cue_threshold": 0.5,
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
    model_key: str,
    speaker_threshold: float,
    cue_threshold: float,
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
        model_key=model_key,
        speaker_threshold=speaker_threshold,
        cue_threshold=cue_threshold,
    )


def _threshold(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"a threshold must be a number from 0 to 1, not {value!r}")
    return float(value)


class SourceAttributor(RuleComponent):
    """Finds reported statements and writes their sources to ``doc.spans[spans_key]``."""

    settings = (
        Setting("spans_key"),
        Setting("framing_key"),
        Setting("hedges_key"),
        Setting("actors_key"),
        Setting("max_antecedent_sentences"),
        Setting("max_quote_gap_sentences"),
        Setting("use_textacy"),
        Setting("model_key"),
        Setting("speaker_threshold", _threshold),
        Setting("cue_threshold", _threshold),
    )
    # Before the rule engine the rules were saved as "rules" (bytes) and rules.jsonl.
    rule_sets = (RuleSet("patterns", SOURCE_SCHEMA, legacy=("rules", "rules.jsonl"),
                         bundled=(DEFAULT_RULES_FILE,)),)

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
        model_key: str = "sources_model",
        speaker_threshold: float = 0.5,
        cue_threshold: float = 0.5,
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
        # The trained attribution categorizer's span group and the scores its proposals
        # need (see .learned); without the group the rules run alone.
        self.model_key = model_key
        self.speaker_threshold = _threshold(speaker_threshold)
        self.cue_threshold = _threshold(cue_threshold)
        self._warned_no_parse = False
        self._non_state_cache: tuple[tuple[int, int], frozenset[str]] | None = None
        self._rules: list[Pattern] = []
        # Users often add the pipe and run it without nlp.initialize(): ship working rules.
        if patterns is None:
            self._set_rules(read_source_rules(package_data_path(DEFAULT_RULES_FILE)))
        else:
            self._set_rules(check_rule_records(patterns, origin="<patterns>"))

    # -- rules ---------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return self.spans_key

    @property
    def patterns(self) -> list[Pattern]:
        """All rule records in use (cues, roles, modifiers, documents, honorifics, word
        lists)."""
        return copy_records(self._rules)

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
            self._set_rules(check_rule_records(patterns, origin="<patterns>"))
        elif rules_path is not None:
            self._set_rules(read_source_rules(Path(rules_path)))
        else:
            self._set_rules(read_source_rules(package_data_path(DEFAULT_RULES_FILE)))

    def add_patterns(self, patterns: Sequence[Pattern]) -> None:
        """Extend the rules, e.g. ``[{"label": "CUE", "id": "opine", "lemma": "opine",
        "class": "speech"}]``."""
        added = check_rule_records(patterns, origin="<patterns>")
        self._set_rules([*self._rules, *added])

    def _set_rules(self, rules: list[Pattern]) -> None:
        self._rules = [dict(rule) for rule in rules]
        self._compiled = CompiledRules(self.nlp, self.name, self._rules)
        self._words = word_lists(self._rules)

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
            found = attribute(self._index(doc))
            self._set_annotations(doc, found.sources, found.quoted)
            return doc
        except Exception as err:  # spaCy's error-handler protocol decides what to do
            return error_handler(self.name, self, [doc], err)

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    def _index(self, doc: Doc) -> DocIndex:
        return build_index(
            doc,
            rules=self._compiled,
            words=self._words,
            actors_key=self.actors_key,
            canonical_actor=self._canonical_actor,
            non_state_actors=self._non_state_actors() if self.actors_key in doc.spans
            else frozenset(),
            use_textacy=self.use_textacy,
            max_antecedent_sentences=self.max_antecedent_sentences,
            max_quote_gap_sentences=self.max_quote_gap_sentences,
            proposals=read_proposals(doc, self.model_key,
                                     speaker_threshold=self.speaker_threshold,
                                     cue_threshold=self.cue_threshold),
        )

    def _set_annotations(self, doc: Doc, statements: Sequence[Source],
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
        flag_in_quote(doc, self.framing_key, reported)
        flag_in_quote(doc, self.hedges_key, reported)

    # -- serialization hooks (RuleComponent) ----------------------------------------------

    def rule_records(self, key: str) -> list[Pattern]:
        return self.patterns

    def restore_rules(self, loaded: Mapping[str, list[Rule]]) -> None:
        if "patterns" in loaded:
            self._set_rules([dict(rule.data) for rule in loaded["patterns"]])


# spaCy validates [initialize.components] settings with pydantic, reading this signature;
# postponed (string) annotations that name this module's aliases cannot be resolved there.
SourceAttributor.initialize.__annotations__.update(
    patterns=Sequence[dict[str, Any]] | None,
    rules_path=str | Path | None,
)
