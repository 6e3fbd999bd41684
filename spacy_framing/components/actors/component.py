"""The ``framing_actors`` factory and component (``ActorTagger``)."""

from __future__ import annotations

import typing
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partialmethod
from pathlib import Path
from typing import Any

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline.span_ruler import overlapping_labeled_spans_score
from spacy.tokens import Doc, Span

from ...dates import DATE_EXTENSION, DateBounds, date_bounds, register_date_extension
from ...errors import ActorErrors, ActorWarnings
from ...types import AliasMap, PathLikeStr, Pattern
from ..rules import (
    LazyPhraseMatcher,
    Rule,
    RuleComponent,
    RuleSet,
    Setting,
    copy_records,
    located,
    package_data_path,
)
from ..rules.component import BUNDLED
from .glued import GluedWords
from .mentions import accepts
from .offices import OfficeHolders, actor_at, compile_terms
from .records import (
    ACTOR_SCHEMA,
    CONTEXT_FILE,
    CONTEXT_SCHEMA,
    DEFAULT_AGREEING_ENT_TYPES,
    DEFAULT_PERSONS_KEY,
    DEFAULT_REJECT_ENT_TYPES,
    DEFAULT_SPANS_KEY,
    GAZETTEER_FILE,
    LABEL,
    LEADERS_FILE,
    OFFICE_RULES,
    PERSON_LABEL,
    RULE_COUNTRY,
    RULE_INSTITUTION,
    RULE_LEADER,
    RULE_OFFICE,
    RULE_ORGANIZATION,
    RULE_USER,
    Alias,
    Candidate,
    ContextRule,
    check_aliases,
    compile_actor_record,
    compile_context_record,
    leading_words,
    normalize_name,
    variants,
)

# --------------------------------------------------------------------------- component

# Titles found next to a mention: (start, end, actor, role).
Title = tuple[int, int, str, str]
register_date_extension()


@Language.factory(
    "framing_actors",
    assigns=["doc.spans"],
    requires=[],
    default_config={
        "spans_key": DEFAULT_SPANS_KEY,
        "persons_key": DEFAULT_PERSONS_KEY,
        "aliases": {},
        "gazetteer": BUNDLED,
        "leaders": BUNDLED,
        "context": BUNDLED,
        "agreeing_ent_types": list(DEFAULT_AGREEING_ENT_TYPES),
        "reject_ent_types": list(DEFAULT_REJECT_ENT_TYPES),
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
def make_actors(
    nlp: Language,
    name: str,
    *,
    spans_key: str,
    persons_key: str | None,
    aliases: dict[str, list[str]],
    gazetteer: str | None,
    leaders: str | None,
    context: str | None,
    agreeing_ent_types: list[str],
    reject_ent_types: list[str],
    overwrite: bool,
    scorer: Callable | None,
) -> ActorTagger:
    return ActorTagger(nlp, name, spans_key=spans_key, persons_key=persons_key,
                       aliases=aliases, gazetteer=gazetteer,
                       leaders=leaders, context=context, agreeing_ent_types=agreeing_ent_types,
                       reject_ent_types=reject_ent_types, overwrite=overwrite, scorer=scorer)


class ActorTagger(RuleComponent):
    """Tags mentions of states and collective actors from a JSONL gazetteer, and the
    office holders among them in ``doc.spans[persons_key]`` (label ``PERSON``, ``kb_id_``
    the person, ``id_`` "leader" for a name or "office" for a title), dated by
    ``Doc._.date``."""

    settings = (
        Setting("spans_key"),
        Setting("persons_key"),
        Setting("aliases", "_check_aliases"),
        Setting("gazetteer", "_check_gazetteer"),
        Setting("leaders", "_check_leaders"),
        Setting("context", "_check_context"),
        Setting("agreeing_ent_types", list),
        Setting("reject_ent_types", list),
        Setting("overwrite"),
    )
    rule_sets = (RuleSet("patterns", ACTOR_SCHEMA, legacy=("gazetteer.jsonl",),
                         bundled=(GAZETTEER_FILE, LEADERS_FILE)),
                 RuleSet("context", CONTEXT_SCHEMA, bundled=(CONTEXT_FILE,)))

    def __init__(
        self,
        nlp: Language,
        name: str = "framing_actors",
        *,
        spans_key: str = DEFAULT_SPANS_KEY,
        persons_key: str | None = DEFAULT_PERSONS_KEY,
        aliases: AliasMap | None = None,
        gazetteer: str | None = BUNDLED,
        leaders: str | None = BUNDLED,
        context: str | None = BUNDLED,
        agreeing_ent_types: Iterable[str] = DEFAULT_AGREEING_ENT_TYPES,
        reject_ent_types: Iterable[str] = DEFAULT_REJECT_ENT_TYPES,
        overwrite: bool = True,
        scorer: Callable | None = overlapping_labeled_spans_score,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.persons_key = persons_key
        self.gazetteer = self._check_source("gazetteer", gazetteer)
        self.leaders = self._check_source("leaders", leaders)
        self.context = self._check_source("context", context)
        self.agreeing_ent_types = list(agreeing_ent_types)
        self.reject_ent_types = list(reject_ent_types)
        self.overwrite = overwrite
        self.scorer = scorer
        self.aliases: dict[str, list[str]] = self._check_aliases(aliases or {})
        self._clear()
        # The rule files are read on first use, not here: users often call add_pipe() and
        # go (the files are a cheap read then), while spacy.load() replaces the rules from
        # disk right away and a user path from the config may not exist on that machine.
        self._loaded = False

    # -- settings ------------------------------------------------------------------------

    def _check_source(self, setting: str, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and value.strip()):
            return value
        if isinstance(value, Path):
            return str(value)
        raise ValueError(ActorErrors.E109.format(component=self.name, setting=setting,
                                                 value=value))

    _check_gazetteer = partialmethod(_check_source, "gazetteer")
    _check_leaders = partialmethod(_check_source, "leaders")
    _check_context = partialmethod(_check_source, "context")

    def _check_aliases(self, aliases: Any) -> dict[str, list[str]]:
        return check_aliases(aliases, component=self.name)

    def _source_path(self, value: str | None, filename: str) -> Path | None:
        if value is None:
            return None
        return package_data_path(filename) if value == BUNDLED else Path(value)

    # -- rules ---------------------------------------------------------------------------

    @property
    def patterns(self) -> list[Pattern]:
        """The current actor records (gazetteer, leaders and added patterns)."""
        self._ensure_loaded()
        return copy_records(self._records)

    @property
    def context_patterns(self) -> list[Pattern]:
        """The current context rules."""
        self._ensure_loaded()
        return copy_records(self._context_records)

    @property
    def labels(self) -> tuple[str, ...]:
        return (LABEL,)

    @property
    def ids(self) -> tuple[str, ...]:
        self._ensure_loaded()
        return tuple(sorted({alias.rule_id for alias in self._alias_by_key.values()
                             if not alias.blocker} | {RULE_INSTITUTION}))

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._records)

    def known_actors(self) -> list[str]:
        """Canonical names of every actor the component can tag, sorted."""
        self._ensure_loaded()
        return sorted(self._actors)

    def resolve(self, name: str) -> str | None:
        """The canonical actor for a canonical name or any alias ("Beijing", "the U.S.",
        "Xi Jinping", "pyongyang"), or None. Case, accents, dots, a leading "the" and a
        possessive are ignored."""
        self._ensure_loaded()
        if not isinstance(name, str):
            return None
        return self._resolve_index.get(normalize_name(name))

    def resolve_person(self, name: str) -> str | None:
        """The person a name of an office holder stands for ("Obama", "Barack Obama",
        "hu jintao"), or None; the same loose matching as :meth:`resolve`."""
        self._ensure_loaded()
        return self._person_index.get(normalize_name(name)) if isinstance(name, str) \
            else None

    def person_actors(self, person: str) -> list[str]:
        """The actors a person (as :meth:`resolve_person` returns it) spoke for, in the
        order of their terms (their record's actor when no terms are known)."""
        self._ensure_loaded()
        return self._offices.actors_of(person)

    def add_aliases(self, aliases: AliasMap) -> None:
        """Add aliases (canonical actor -> alias strings); an unknown canonical name becomes
        a new actor. User aliases win over gazetteer aliases that are spelled alike."""
        self._ensure_loaded()
        checked = self._check_aliases(aliases)
        for actor, names in checked.items():
            merged = self.aliases.setdefault(actor, [])
            merged.extend(alias for alias in names if alias not in merged)
        self._add_user_aliases(checked)

    def clear(self) -> None:
        """Remove every rule and alias (the files are not read again until initialize)."""
        self._clear()
        self.aliases = {}
        self._loaded = True

    def _clear(self) -> None:
        self._records: list[Pattern] = []
        self._context_records: list[Pattern] = []
        self._actors: dict[str, str] = {}  # canonical -> kind
        self._alias_by_key: dict[int, Alias] = {}
        self._resolve_index: dict[str, str] = {}
        self._person_index: dict[str, str] = {}
        self._offices = OfficeHolders()
        self._glued = GluedWords()
        self._order = 0
        self.phrase_matcher = LazyPhraseMatcher(self.nlp, attr="ORTH")
        # One matcher for the words after a mention (extend and reject rules), one for the
        # words before it (reject_before rules): each window is matched once.
        self._after_matcher = Matcher(self.nlp.vocab)
        self._before_matcher = Matcher(self.nlp.vocab)
        self._context_rules: dict[int, ContextRule] = {}
        self._context_span = 0
        self._after_first_words: set[str] | None = set()
        self._after_first_span = 1
        self._before_rules: list[ContextRule] = []

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self._load_configured()

    def _load_configured(self, patterns: Any = None) -> None:
        """Read the configured gazetteer, leaders and context files, then ``patterns``,
        then the configured aliases; on an error the component is left empty (and the
        next use tries again)."""
        self._clear()
        try:
            for setting, filename in ((self.gazetteer, GAZETTEER_FILE),
                                      (self.leaders, LEADERS_FILE)):
                path = self._source_path(setting, filename)
                if path is not None:
                    self._add_records(self._read_file(path, context=False))
            context_path = self._source_path(self.context, CONTEXT_FILE)
            if context_path is not None:
                self._add_context_records(self._read_file(context_path, context=True))
            if patterns is not None:
                for located in self._located_patterns(patterns):
                    self._add_records(located)
            self._add_user_aliases(self.aliases)
        except Exception:
            self._clear()
            self._loaded = False
            raise
        self._loaded = True

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        patterns: PathLikeStr | Sequence[PathLikeStr] | Sequence[Pattern] | None = None,
    ) -> None:
        """(Re)load the rules: the configured gazetteer, leaders and context files, then
        ``patterns`` (actor records, or the path or paths of JSONL files of them), then
        the configured aliases."""
        self._load_configured(patterns)

    def _located_patterns(self, patterns: Any) -> list[list[tuple[Pattern, str, int]]]:
        if isinstance(patterns, str | Path) or (
                isinstance(patterns, list | tuple) and patterns
                and all(isinstance(item, str | Path) for item in patterns)):
            paths = [patterns] if isinstance(patterns, str | Path) else list(patterns)
            return [self._read_file(Path(path), context=False) for path in paths]
        rules = self.load_rules(patterns, origin=f"{self.name}.patterns",
                                type_error=ActorErrors.E100)
        return [located(rules)]

    def add_patterns(self, patterns: Iterable[Pattern]) -> None:
        """Add actor records given as Python dicts; errors name the record's index.

        patterns (Iterable[Pattern]): Actor records, e.g. ``{"actor": "China", "names":
            ["Zhongnanhai"]}``.
        """
        self._ensure_loaded()
        rules = self.check_rules(patterns, origin=f"{self.name}.add_patterns")
        self._add_records(located(rules))

    def _read_file(self, path: Path, *, context: bool) -> list[tuple[Pattern, str, int]]:
        return located(self.read_rules(path, "context" if context else "patterns"))

    # -- compiling actor records ---------------------------------------------------------

    def _add_records(self, located: Sequence[tuple[Pattern, str, int]]) -> None:
        # Check everything first so that a bad record leaves the current rules untouched.
        compiled: list[tuple[Pattern, list[tuple[str, Alias]]]] = []
        order = self._order
        for record, origin, line in located:
            try:
                entries = compile_actor_record(record, order, make_doc=self.nlp.make_doc)
            except ValueError as err:
                raise Rule(record, origin, line).error(err) from err
            order += 1
            compiled.append((dict(record), entries))
        self._order = order
        for record, entries in compiled:
            self._records.append(record)
            actor = record["actor"].strip()
            kind = record.get("kind", "state" if "person" not in record else "")
            if kind or actor not in self._actors:
                self._actors[actor] = kind or "state"
            if "person" in record and entries:
                person = record["person"].strip()
                self._offices.add(person, actor, compile_terms(record, actor))
                self._person_index.setdefault(normalize_name(person), person)
            self._add_entries(entries)
        self._glued.rebuild()

    def _add_entries(self, entries: Iterable[tuple[str, Alias]]) -> None:
        for alias, meaning in entries:
            key = f"{self.name}:{meaning.order}:{meaning.rule_id}:{alias}"
            key_id = self.nlp.vocab.strings.add(key)
            self._alias_by_key[key_id] = meaning
            upper = meaning.rule_id in (RULE_COUNTRY, RULE_ORGANIZATION)
            self.phrase_matcher.add_texts(key, variants(alias, upper=upper))
            if meaning.blocker:
                continue
            if not meaning.short:
                self._resolve_index.setdefault(normalize_name(alias), meaning.actor)
                if meaning.person is not None:
                    self._person_index.setdefault(normalize_name(alias), meaning.person)
            if meaning.is_user:
                self._resolve_index[normalize_name(alias)] = meaning.actor
            self._resolve_index.setdefault(normalize_name(meaning.actor), meaning.actor)
            if not meaning.short and not any(char.isspace() for char in alias):
                self._glued.add(alias, meaning, one_token="." in alias
                                and len(self.nlp.make_doc(alias)) == 1)

    def _add_user_aliases(self, aliases: Mapping[str, Sequence[str]]) -> None:
        entries: list[tuple[str, Alias]] = []
        for actor, names in aliases.items():
            # A new actor is also matched by its own name; a known one already is.
            spellings = list(names) if actor in self._actors else [actor, *names]
            self._actors.setdefault(actor, "user")
            for alias in dict.fromkeys(spellings):
                previous = self._resolve_index.get(normalize_name(alias))
                if previous is not None and previous != actor:
                    warnings.warn(ActorWarnings.W100.format(component=self.name, alias=alias,
                                                            previous=previous, actor=actor),
                                  stacklevel=3)
                entries.append((alias, Alias(actor=actor, rule_id=RULE_USER,
                                              order=self._order)))
            self._order += 1
        self._add_entries(entries)
        self._glued.rebuild()

    # -- compiling context rules ---------------------------------------------------------

    def _add_context_records(self, located: Sequence[tuple[Pattern, str, int]]) -> None:
        compiled: list[tuple[Pattern, ContextRule, int]] = []
        scratch = Matcher(self.nlp.vocab, validate=True)
        for record, origin, line in located:
            try:
                rule, length = compile_context_record(record, scratch, line)
            except (ValueError, MatchPatternError) as err:
                raise Rule(record, origin, line).error(err) from err
            compiled.append((dict(record), rule, length))
        for record, rule, length in compiled:
            key = f"{self.name}:context:{len(self._context_records)}:{rule.rule_id}"
            self._context_records.append(record)
            if rule.effect == "reject_before":
                self._before_matcher.add(key, [record["pattern"]])
                self._before_rules.append(rule)
            else:
                self._after_matcher.add(key, [record["pattern"]])
                leading = leading_words(record["pattern"])
                if leading is None or self._after_first_words is None:
                    self._after_first_words = None
                else:
                    self._after_first_words |= leading[0]
                    self._after_first_span = max(self._after_first_span, leading[1])
            self._context_rules[self.nlp.vocab.strings[key]] = rule
            self._context_span = max(self._context_span, length)

    # -- processing ----------------------------------------------------------------------

    def match(self, doc: Doc) -> list[Span]:
        """The actor mentions in ``doc`` (label ``ACTOR``), after the ambiguity checks and
        longest match, and the office holders named (label ``PERSON``), on the date of
        ``Doc._.date``."""
        self._ensure_loaded()
        if len(doc) == 0 or not self._alias_by_key:
            return []
        bounds = date_bounds(doc._.get(DATE_EXTENSION))
        raw = [(self._alias_by_key[key], start, end)
               for key, start, end in self.phrase_matcher(doc)]
        has_ents = doc.has_annotation("ENT_IOB")
        covered = {index for alias, start, end in raw if not alias.blocker
                   for index in range(start, end)}
        candidates: list[Candidate] = []
        titles: list[Title] = []
        for alias, start, end in raw:
            if alias.blocker:
                candidates.append(Candidate(start, end, alias, alias.rule_id))
            elif accepts(doc, start, end, alias, has_ents=has_ents, covered=covered,
                         reject_ent_types=self.reject_ent_types,
                         agreeing_ent_types=self.agreeing_ent_types):
                candidates.extend(self._with_context(doc, start, end, alias, titles))
        for candidate in candidates:
            if candidate.alias.person is not None:
                candidate.actor = actor_at(candidate.alias.terms, candidate.alias.actor, bounds)
        kept: list[Candidate] = []
        taken: set[int] = set()
        for candidate in sorted(candidates, key=lambda c: (c.rank, c.start)):
            if taken.isdisjoint(range(candidate.start, candidate.end)):
                kept.append(candidate)
                taken.update(range(candidate.start, candidate.end))
        kept = [candidate for candidate in kept if not candidate.alias.blocker]
        named_in_full = {c.alias.person for c in kept if c.alias.person and not c.alias.short}
        kept = [c for c in kept if not c.alias.short or c.alias.person in named_in_full]
        spans = [Span(doc, c.start, c.end, label=LABEL, kb_id=c.actor, span_id=c.rule_id)
                 for c in kept if c.actor is not None]
        spans.extend(self._glued.mentions(doc, taken))
        spans.extend(self._persons(doc, kept, titles, bounds))
        return sorted(spans, key=lambda span: (span.start, span.end, span.kb_id_))

    def _persons(self, doc: Doc, kept: list[Candidate], titles: list[Title],
                 bounds: DateBounds | None) -> list[Span]:
        """PERSON spans: every named office holder (in office on the date or not), and
        the one holder of each title after a kept mention ("the Chinese president")."""
        if self.persons_key is None:
            return []
        spans = [Span(doc, c.start, c.end, label=PERSON_LABEL, kb_id=c.alias.person,
                      span_id=RULE_LEADER) for c in kept if c.alias.person is not None]
        starts = {(c.start, c.actor) for c in kept}
        named = {(span.start, span.end) for span in spans}
        for start, end, actor, role in dict.fromkeys(titles):
            holder = self._offices.holder(actor, role, bounds)
            if holder is not None and (start, actor) in starts and (start, end) not in named:
                named.add((start, end))
                spans.append(Span(doc, start, end, label=PERSON_LABEL, kb_id=holder,
                                  span_id=RULE_OFFICE))
        return spans

    def _with_context(self, doc: Doc, start: int, end: int, alias: Alias,
                      titles: list[Title]) -> list[Candidate]:
        """The mention, unless a context rule rejects it, plus its extension over an
        institution ("China" + "'s Foreign Ministry"); titles after it ("China" + "'s
        foreign minister") are added to ``titles``."""
        mention = Candidate(start, end, alias, alias.rule_id)
        if alias.rule_id not in OFFICE_RULES or not self._context_span:
            return [mention]
        rules = self._context_rules
        if start > 0 and any(rule.applies(alias) for rule in self._before_rules):
            before = doc[max(start - self._context_span, 0):start]
            for key, _, match_end in self._before_matcher(before):
                if match_end == len(before) and rules[key].applies(alias):
                    return []
        if end >= len(doc) or not len(self._after_matcher):
            return [mention]
        window = doc[end:min(end + self._context_span, len(doc))]
        first_words = self._after_first_words
        if first_words is not None and not any(token.lower_ in first_words
                                               for token in window[:self._after_first_span]):
            return [mention]
        longest = 0
        found: list[Title] = []
        for key, match_start, match_end in self._after_matcher(window):
            rule = rules[key]
            if match_start != 0 or not rule.applies(alias):
                continue
            if rule.effect == "reject":
                return []
            if rule.role is not None:
                found.append((start, end + match_end, alias.actor, rule.role))
            else:
                longest = max(longest, match_end)
        titles.extend(found)
        if not longest:
            return [mention]
        return [mention, Candidate(start, end + longest, alias, RULE_INSTITUTION)]

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        """Write the ACTOR spans to ``spans_key`` and the PERSON spans to
        ``persons_key``."""
        for key, label in ((self.spans_key, LABEL), (self.persons_key, PERSON_LABEL)):
            if key is None:
                continue
            found = [span for span in spans if span.label_ == label]
            if key in doc.spans and not self.overwrite:
                found = sorted([*doc.spans[key], *found])
            doc.spans[key] = found

    def score(self, examples: Iterable[Any], **kwargs: Any) -> dict[str, Any]:
        if self.scorer is None:
            return {}
        return self.scorer(examples, **kwargs)

    # -- serialization hooks (RuleComponent) ----------------------------------------------

    def rule_records(self, key: str) -> list[Pattern]:
        return self.context_patterns if key == "context" else self.patterns

    def restore_rules(self, loaded: Mapping[str, list[Rule]]) -> None:
        if loaded:
            self._restore_loaded({key: [dict(rule.data) for rule in rules]
                                  for key, rules in loaded.items()})

    def _restore(self, records: list[Pattern], context_records: list[Pattern]) -> None:
        self._clear()
        self._loaded = True
        origin = f"{self.name}.patterns"
        self._add_records([(record, origin, index) for index, record in enumerate(records)])
        self._add_context_records([(record, f"{self.name}.context", index)
                                   for index, record in enumerate(context_records)])
        self._add_user_aliases(self.aliases)

    def _restore_loaded(self, loaded: Mapping[str, list[Pattern]]) -> None:
        # What was excluded from serialization keeps its current value (read from the
        # configured files only when needed).
        records = loaded.get("patterns")
        if records is None:
            records = self.patterns
        context_records = loaded.get("context")
        if context_records is None:
            context_records = self.context_patterns
        self._restore(records, context_records)


# spaCy validates initialize() settings with a pydantic model built from the method's
# signature; with postponed annotations those are strings naming this module's types
# (Pattern, PathLikeStr), which pydantic cannot resolve from spaCy's namespace.
ActorTagger.initialize.__annotations__ = typing.get_type_hints(
    ActorTagger.initialize, globalns={**globals(), "Language": Language})
