"""framing_actors rule records: the gazetteer and context-rule schemas, rule ids and
the alias forms compiled from a record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.matcher import Matcher

from ...errors import ActorErrors
from ..rules import RuleSchema, max_pattern_length
from .offices import Term, compile_terms

LABEL = "ACTOR"
DEFAULT_SPANS_KEY = "actors"
GAZETTEER_FILE = "actors.jsonl"
LEADERS_FILE = "actors_leaders.jsonl"
CONTEXT_FILE = "actors_context.jsonl"
DEFAULT_AGREEING_ENT_TYPES = ("GPE", "NORP", "ORG", "LOC", "FAC")
DEFAULT_REJECT_ENT_TYPES = ("LANGUAGE",)

RULE_COUNTRY = "country_name"
RULE_ORGANIZATION = "organization_name"
RULE_DEMONYM = "demonym"
RULE_CAPITAL = "capital"
RULE_INSTITUTION = "institution"
RULE_LEADER = "leader"
RULE_USER = "user_alias"
RULE_OFFICE = "office"
"""The span id of a title that names an office holder ("the Chinese president")."""
PERSON_LABEL = "PERSON"
DEFAULT_PERSONS_KEY = "persons"
BASE_RULES = (RULE_COUNTRY, RULE_ORGANIZATION, RULE_DEMONYM, RULE_CAPITAL, RULE_USER)
"""Rules whose mentions context rules may extend or reject."""
OFFICE_RULES = (*BASE_RULES, RULE_INSTITUTION)
"""Rules whose mentions an ``office`` context rule may follow ("White House" + "press
secretary")."""
ORGANIZATION_KINDS = frozenset({"organization", "group"})

ALIAS_FIELDS = {"names": None, "demonyms": RULE_DEMONYM, "capitals": RULE_CAPITAL,
                 "institutions": RULE_INSTITUTION}
LEADER_FIELDS = ("names", "short_names")
_ACTOR_KEYS = ("actor",)
_ACTOR_ALLOWED = ("kind", *ALIAS_FIELDS, "ambiguous", "blockers", "person", "role",
                  "short_names", "terms", "note")
_CONTEXT_KEYS = ("id", "effect", "pattern")
_CONTEXT_ALLOWED = ("applies_to", "actors", "role", "note")
EFFECTS = ("extend", "reject", "reject_before", "office")

ACTOR_SCHEMA = RuleSchema(name="framing_actors", required=_ACTOR_KEYS, allowed=_ACTOR_ALLOWED)
CONTEXT_SCHEMA = RuleSchema(name="framing_actors context", required=_CONTEXT_KEYS,
                            allowed=_CONTEXT_ALLOWED)


@dataclass(frozen=True)
class Alias:
    """What one matched string means."""

    actor: str
    rule_id: str
    order: int
    ambiguous: bool = False
    person: str | None = None
    short: bool = False
    single_word_name: bool = False
    blocker: bool = False
    terms: tuple[Term, ...] = ()

    @property
    def is_user(self) -> bool:
        return self.rule_id == RULE_USER


@dataclass(frozen=True)
class ContextRule:
    rule_id: str
    effect: str
    applies_to: frozenset[str]
    actors: frozenset[str] = frozenset()
    role: str | None = None

    def applies(self, alias: Alias) -> bool:
        return alias.rule_id in self.applies_to and (not self.actors
                                                     or alias.actor in self.actors)


@dataclass
class Candidate:
    start: int
    end: int
    alias: Alias
    rule_id: str
    actor: str | None = None
    """The actor on the document's date (None: a person out of office then)."""

    def __post_init__(self) -> None:
        if self.actor is None and self.alias.person is None:
            self.actor = self.alias.actor

    @property
    def rank(self) -> tuple[int, int, int, int, int]:
        # Longest first; at equal length blockers win (they exist to silence an alias),
        # then user aliases, then people in office on the date, then whatever was added
        # later (it overrides), then leftmost.
        return (self.start - self.end, not self.alias.blocker, not self.alias.is_user,
                self.actor is None and self.alias.person is not None, -self.alias.order)


# --------------------------------------------------------------------------- helpers

def _fold(text: str) -> str:
    """Accent-free spelling: "Türkiye" -> "Turkiye"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def variants(alias: str, *, upper: bool) -> list[str]:
    """Spellings matched for one alias: as written, accent-free, with either apostrophe,
    and in ALL CAPS when ``upper`` (names of states and organisations, for headlines; the
    other aliases skip it because every new spelling costs a vocabulary entry)."""
    forms = [alias, _fold(alias)]
    forms += [form.replace("'", "’") for form in forms] + [form.replace("’", "'")
                                                          for form in forms]
    if upper:
        forms += [form.upper() for form in forms if any(char.islower() for char in form)]
    return list(dict.fromkeys(forms))


def normalize_name(name: str) -> str:
    """Loose key for :meth:`ActorTagger.resolve`: case, accents, dots, apostrophes,
    hyphens, a leading "the" and a possessive do not matter."""
    text = _fold(name).casefold().replace("’", "'").strip()
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"'s?$", "", text)
    text = text.replace(".", "").replace("-", " ")
    return " ".join(text.split())


def record_strings(record: Mapping[str, Any], key: str) -> list[str]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip()
                                              for item in value):
        raise ValueError(ActorErrors.E102.format(key=key))
    return [item.strip() for item in value]


def check_string(record: Mapping[str, Any], key: str) -> None:
    if key in record and not (isinstance(record[key], str) and record[key].strip()):
        raise ValueError(ActorErrors.E101.format(key=key, value=record[key]))


def leading_words(pattern: list[dict[str, Any]]) -> tuple[set[str], int] | None:
    """Lower-cased words one of which must be among the first ``n`` tokens a pattern
    matches, and ``n`` (a cheap pre-check before running the Matcher); None when that is
    not known."""
    words: set[str] = set()
    for position, token in enumerate(pattern, start=1):
        literal = None
        for attr in ("LOWER", "ORTH", "NORM", "TEXT"):
            value = token.get(attr)
            if isinstance(value, str):
                literal = [value]
            elif isinstance(value, dict) and set(value) == {"IN"}:
                literal = value["IN"]
        if literal is None:
            return None
        words.update(str(word).lower() for word in literal)
        if token.get("OP") not in ("?", "*"):
            return words, position
    return None


def compile_actor_record(record: Mapping[str, Any], order: int, *,
                         make_doc: Callable[[str], Any]) -> list[tuple[str, Alias]]:
    """The (alias, Alias) entries of an actor record; ValueError when a value is unusable.

    record (Mapping[str, Any]): A record that passed :data:`ACTOR_SCHEMA`.
    order (int): The record's position, for precedence.
    make_doc (Callable[[str], Any]): The tokenizer, to tell one-word names.
    RETURNS (list[tuple[str, Alias]]): The aliases to match.
    """
    for key in ("actor", "kind", "person", "role", "note"):
        check_string(record, key)
    if not isinstance(record["actor"], str) or not record["actor"].strip():
        raise ValueError(ActorErrors.E101.format(key="actor", value=record["actor"]))
    actor = record["actor"].strip()
    is_leader = "person" in record
    if is_leader:
        misplaced = sorted({"kind", "demonyms", "capitals", "institutions"} & record.keys())
        if misplaced:
            raise ValueError(ActorErrors.E104.format(keys=", ".join(misplaced)))
    elif "short_names" in record or "role" in record:
        raise ValueError(ActorErrors.E103.format(
            keys=", ".join(sorted({"short_names", "role"} & record.keys()))))
    elif "terms" in record:
        raise ValueError(ActorErrors.E115)
    ambiguous = set(record_strings(record, "ambiguous"))
    entries: list[tuple[str, Alias]] = []
    if is_leader:
        person = record["person"].strip()
        terms = compile_terms(record, actor)
        for key in LEADER_FIELDS:
            for alias in record_strings(record, key):
                entries.append((alias, Alias(
                    actor=actor, rule_id=RULE_LEADER, order=order,
                    ambiguous=alias in ambiguous, person=person,
                    short=key == "short_names",
                    single_word_name=len(make_doc(alias)) == 1, terms=terms)))
    else:
        name_rule = RULE_ORGANIZATION if record.get("kind") in ORGANIZATION_KINDS \
            else RULE_COUNTRY
        names = [actor, *record_strings(record, "names")]
        for key, rule_id in ALIAS_FIELDS.items():
            for alias in (names if key == "names" else record_strings(record, key)):
                entries.append((alias, Alias(actor=actor, rule_id=rule_id or name_rule,
                                              order=order, ambiguous=alias in ambiguous)))
    known = {alias for alias, _ in entries}
    unknown = sorted(ambiguous - known)
    if unknown:
        raise ValueError(ActorErrors.E106.format(aliases=", ".join(map(repr, unknown))))
    for blocker in record_strings(record, "blockers"):
        entries.append((blocker, Alias(actor=actor, rule_id="blocker", order=order,
                                        blocker=True)))
    return entries


def compile_context_record(record: Mapping[str, Any], scratch: Matcher,
                           line: int) -> tuple[ContextRule, int]:
    """A context record as a ContextRule and its longest extent; ValueError when a value is
    unusable (the pattern is checked by adding it to ``scratch``, a validating Matcher)."""
    check_string(record, "id")
    if not isinstance(record["id"], str):
        raise ValueError(ActorErrors.E101.format(key="id", value=record["id"]))
    if record["effect"] not in EFFECTS:
        raise ValueError(ActorErrors.E107.format(value=record["effect"]))
    pattern = record["pattern"]
    length = max_pattern_length(pattern) if isinstance(pattern, list) and pattern and all(
        isinstance(token, dict) for token in pattern) else None
    if not length:
        raise ValueError(ActorErrors.E108)
    scratch.add(f"line {line}", [pattern])
    is_office = record["effect"] == "office"
    check_string(record, "role")
    if is_office != ("role" in record):
        raise ValueError(ActorErrors.E116)
    allowed = OFFICE_RULES if is_office else BASE_RULES
    applies_to = frozenset(record_strings(record, "applies_to") or allowed)
    unknown = sorted(applies_to - set(allowed))
    if unknown:
        raise ValueError(ActorErrors.E110.format(unknown=", ".join(unknown),
                                                 known=", ".join(allowed)))
    actors = frozenset(record_strings(record, "actors"))
    return ContextRule(rule_id=record["id"], effect=record["effect"], applies_to=applies_to,
                       actors=actors, role=record["role"].strip() if is_office else None), \
        length


def check_aliases(aliases: Any, *, component: str) -> dict[str, list[str]]:
    """The ``aliases`` setting checked and cleaned: canonical actor -> alias strings (a
    single string becomes a list); ValueError naming ``component`` otherwise."""
    if not isinstance(aliases, Mapping):
        raise ValueError(ActorErrors.E105.format(component=component, value=aliases))
    checked: dict[str, list[str]] = {}
    for actor, names in aliases.items():
        if isinstance(names, str):
            names = [names]
        valid_names = isinstance(names, list | tuple) and all(
            isinstance(alias, str) and alias.strip() for alias in names)
        if not (isinstance(actor, str) and actor.strip()) or not valid_names:
            raise ValueError(ActorErrors.E105.format(component=component,
                                                     value={actor: names}))
        checked[actor.strip()] = [alias.strip() for alias in names]
    return checked
