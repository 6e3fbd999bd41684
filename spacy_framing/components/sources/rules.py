"""The framing_sources rule schema: reading, validating and naming its word lists.

Rule records (``data/sources.jsonl``) are of nine labels. Eight are matched in the text
(CUE, CUE_PHRASE, CUE_NOUN, ROLE, MODIFIER, DOCUMENT, HONORIFIC, AFFILIATION); LIST
records are named word lists the attribution stages consult ("the writer's own voice is
never a source": ``NON_SOURCE_WORDS``). Behaviour that depends on a rule is a field of its
record (``"speaks_for": true`` on a ROLE), validated here, never its id, so that renaming
an id changes nothing.

A rule set given in Python or in another file need not repeat the lists: those it leaves
out come from the bundled file. Every error names the file (or ``<patterns>``) and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from ...errors import SourceErrors
from ...types import Pattern
from ..rules import RuleError, RuleSchema, package_data_path, read_rule_file, rules_from_dicts

SOURCE_LABEL = "SOURCE"
SOURCE_TYPES: tuple[str, ...] = ("official", "expert", "media", "unnamed")
DEFAULT_RULES_FILE = "sources.jsonl"

LIST_LABEL = "LIST"
MATCHED_LABELS = ("CUE", "CUE_PHRASE", "CUE_NOUN", "ROLE", "MODIFIER", "DOCUMENT",
                  "HONORIFIC", "AFFILIATION")
RULE_LABELS = (*MATCHED_LABELS, LIST_LABEL)
RULE_KEYS = ("label", "id", "lemma", "forms", "lower", "phrase", "pattern", "class", "type",
             "entity", "effect", "actor", "object", "needs", "speaks_for", "anonymous",
             "words", "note")
CUE_CLASSES = ("speech", "cognition")
ROLE_ENTITIES = ("person", "institution")
# ROLE fields that switch behaviour: true/false, nothing else.
ROLE_FLAGS = ("speaks_for", "anonymous")
_MATCH_KEYS = ("lemma", "forms", "lower", "phrase", "pattern")


@dataclass(frozen=True)
class WordLists:
    """The LIST records, one frozenset of lower-case words (or lemmas) per list id.

    Field names are the list ids in lower case; :data:`LIST_IDS` is the set a rule file
    may give.
    """

    masculine_pronouns: frozenset[str]
    feminine_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    thing_pronouns: frozenset[str]
    masculine_honorifics: frozenset[str]
    feminine_honorifics: frozenset[str]
    non_source_words: frozenset[str]
    relative_words: frozenset[str]
    hypothetical_markers: frozenset[str]
    negative_determiners: frozenset[str]
    complementizers: frozenset[str]
    citing_lemmas: frozenset[str]
    document_author_prepositions: frozenset[str]
    noun_source_prepositions: frozenset[str]
    particles: frozenset[str]
    possessive_marks: frozenset[str]
    role_verbs: frozenset[str]
    affiliation_prepositions: frozenset[str]
    quantifier_words: frozenset[str]
    part_of_group: frozenset[str]
    # Unions the stages test often, derived once.
    person_pronouns: frozenset[str] = field(init=False)
    pronouns: frozenset[str] = field(init=False)  # any pronoun that can stand for a source

    def __post_init__(self) -> None:
        person = self.masculine_pronouns | self.feminine_pronouns
        object.__setattr__(self, "person_pronouns", person)
        object.__setattr__(self, "pronouns", person | self.group_pronouns
                           | self.thing_pronouns)

    def pronoun_gender(self, word: str) -> str | None:
        """'m', 'f' or None for a lower-case pronoun."""
        return _gender_of(word, self.masculine_pronouns, self.feminine_pronouns)

    def honorific_gender(self, word: str) -> str | None:
        """'m', 'f' or None for the lower-case word before a name ("ms.")."""
        return _gender_of(word, self.masculine_honorifics, self.feminine_honorifics)

    @classmethod
    def from_records(cls, records: Iterable[Pattern]) -> WordLists:
        """The lists in ``records`` (the last record of an id wins), the bundled file's for
        ids they leave out."""
        given = {record["id"]: record["words"] for record in records
                 if record["label"] == LIST_LABEL}
        words = {**_default_lists(), **given}
        return cls(**{name.lower(): frozenset(words[name]) for name in LIST_IDS})


LIST_IDS: tuple[str, ...] = tuple(item.name.upper() for item in fields(WordLists) if item.init)


def _gender_of(word: str, masculine: frozenset[str], feminine: frozenset[str]) -> str | None:
    if word in masculine:
        return "m"
    return "f" if word in feminine else None


@cache
def _default_lists() -> dict[str, list[str]]:
    path = package_data_path(DEFAULT_RULES_FILE)
    lists = {record["id"]: record["words"] for record in read_source_rules(path)
             if record["label"] == LIST_LABEL}
    missing = sorted(set(LIST_IDS) - lists.keys())
    if missing:
        raise RuleError(SourceErrors.E250.format(
            path=path, line=0, message=f"missing LIST record(s) {', '.join(missing)}"))
    return lists


# --------------------------------------------------------------------------------------
# Reading and validation


def read_source_rules(path: Path) -> list[Pattern]:
    """Read and validate a framing_sources rule file.

    path (Path): A JSONL rule file.
    RETURNS (list[Pattern]): The records, in file order.
    RAISES (RuleError): A record that cannot be used, with file and line.
    """
    return [dict(rule.data) for rule in read_rule_file(path, schema=SOURCE_SCHEMA)]


def check_rule_records(records: Iterable[Any], *, origin: str) -> list[Pattern]:
    """Validate rule records given in Python.

    records (Iterable[Any]): The records.
    origin (str): What the records came from, for error messages (their index is the line).
    RETURNS (list[Pattern]): Copies of the records.
    RAISES (RuleError): A record that cannot be used.
    """
    return [dict(rule.data)
            for rule in rules_from_dicts(records, schema=SOURCE_SCHEMA, origin=origin)]


def is_string_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v
                                                          for v in value)


def rule_problem(record: Pattern) -> str | None:
    """Why a (key-valid) record cannot be used, or None.

    record (Pattern): A record whose keys and label are known.
    RETURNS (str | None): The problem, for an error message.
    """
    label = record["label"]
    if not isinstance(record["id"], str) or not record["id"]:
        return "'id' must be a non-empty string"
    if label == LIST_LABEL:
        return _list_problem(record)
    if "words" in record:
        return "'words' is for LIST records only"
    for key in ("lemma", "lower", "phrase"):
        if key in record and (not isinstance(record[key], str) or not record[key].strip()):
            return f"'{key}' must be a non-empty string"
    if "forms" in record and not is_string_list(record["forms"]):
        return "'forms' must be a non-empty list of strings"
    if "pattern" in record and not (
            isinstance(record["pattern"], list) and record["pattern"]
            and all(isinstance(token, dict) for token in record["pattern"])):
        return "'pattern' must be a non-empty list of token objects"
    if not any(key in record for key in _MATCH_KEYS):
        return "needs one of 'lemma', 'forms', 'lower', 'phrase' or 'pattern'"
    for key in ROLE_FLAGS:
        if key in record and (label != "ROLE" or not isinstance(record[key], bool)):
            return f"'{key}' is true or false, on ROLE records only"
    if label == "CUE":
        if record.get("class") not in CUE_CLASSES:
            return f"CUE needs 'class' in {', '.join(CUE_CLASSES)}"
        if "phrase" in record or "pattern" in record:
            return "CUE is one verb: use 'lemma'/'forms' (multi-word cues are CUE_PHRASE)"
    elif label == "CUE_PHRASE":
        if "pattern" not in record:
            return "CUE_PHRASE needs a token 'pattern' whose last token governs the source"
    elif label == "ROLE":
        if record.get("type") not in SOURCE_TYPES:
            return f"ROLE needs 'type' in {', '.join(SOURCE_TYPES)}"
        if record.get("entity") not in ROLE_ENTITIES:
            return f"ROLE needs 'entity' in {', '.join(ROLE_ENTITIES)}"
    elif label == "MODIFIER" and record.get("effect") != "former":
        return "MODIFIER needs 'effect': 'former'"
    elif label == "AFFILIATION":
        actor = record.get("actor")
        if record.get("effect") != "block" and not (isinstance(actor, str) and actor.strip()):
            return "AFFILIATION needs an 'actor' name, or 'effect': 'block'"
    for key in ("object", "needs"):
        if key in record and not (label == "CUE" and is_string_list(record[key])):
            return f"'{key}' is a non-empty list of dependency labels, on CUE records only"
    if "needs" in record and "object" not in record:
        return "'needs' narrows 'object': give both"
    return None


def _list_problem(record: Pattern) -> str | None:
    if record["id"] not in LIST_IDS:
        return f"unknown LIST id {record['id']!r}; expected one of {', '.join(LIST_IDS)}"
    extra = sorted(record.keys() - {"label", "id", "words", "note"})
    if extra:
        return f"LIST records take 'words' (and 'note') only, not {', '.join(extra)}"
    words = record.get("words")
    if not is_string_list(words):
        return "LIST needs 'words', a non-empty list of strings"
    # The stages compare the lists with lower-cased text and lemmas.
    upper = [word for word in words if word != word.lower()]
    if upper:
        return f"LIST words are lower case: {', '.join(upper)}"
    return None


SOURCE_SCHEMA = RuleSchema(name="framing_sources", required=("label", "id"), allowed=RULE_KEYS,
                           labels=RULE_LABELS, check=rule_problem, list_label=LIST_LABEL)
"""The framing_sources records; LIST records are named lists other records may use."""


def matched_rules(rules: Sequence[Pattern]) -> list[tuple[int, Pattern]]:
    """(position, record) of the rules matched in the text (all but LIST records)."""
    return [(index, rule) for index, rule in enumerate(rules) if rule["label"] != LIST_LABEL]


def word_lists(rules: Sequence[Pattern]) -> WordLists:
    """The named word lists of a rule set (the bundled ones where it has none).

    rules (Sequence[Pattern]): Validated rule records.
    RETURNS (WordLists): One frozenset per list id.
    """
    return WordLists.from_records(rules)


def role_flag(record: Mapping[str, Any], flag: str) -> bool:
    """A ROLE record's behaviour flag (``speaks_for``, ``anonymous``); false when unset."""
    return bool(record.get(flag, False))
