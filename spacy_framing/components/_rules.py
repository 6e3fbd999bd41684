"""Reading, validating and writing JSONL rule files shared by every rule component.

A rule file holds one JSON object per line. Blank lines and lines starting with ``//``
are skipped so that rule files can carry comments. Every error names the file and line.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import srsly
from spacy.attrs import LEMMA, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..errors import Errors
from ..types import PathLikeStr, Pattern

PACKAGE_DATA = "spacy_framing.data"


class RuleError(ValueError):
    """A rule record that cannot be used; the message names file and line."""


def package_data_path(name: str) -> Path:
    """Path of a file shipped in ``spacy_framing/data``."""
    return Path(str(resources.files(PACKAGE_DATA).joinpath(name)))


def read_rules(
    path: PathLikeStr,
    *,
    required: Iterable[str],
    allowed: Iterable[str],
    labels: Iterable[str] | None = None,
) -> list[Pattern]:
    """Read a JSONL rule file and validate every record's keys (and label, if given)."""
    path = Path(path)
    required_keys = set(required)
    allowed_keys = set(allowed) | required_keys
    label_set = set(labels) if labels is not None else None
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise RuleError(Errors.E004.format(path=path, message=err.strerror or str(err))) from err
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RuleError(Errors.E004.format(path=path, message="not UTF-8 text")) from err
    records: list[Pattern] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        try:
            record = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise RuleError(
                Errors.E001.format(path=path, line=line_no, message=f"invalid JSON ({err.msg})")
            ) from err
        problem = validate_rule(record, required=required_keys, allowed=allowed_keys,
                                labels=label_set)
        if problem:
            raise RuleError(Errors.E001.format(path=path, line=line_no, message=problem))
        records.append(record)
    return records


def validate_rule(
    record: Any,
    *,
    required: set[str],
    allowed: set[str],
    labels: set[str] | None = None,
) -> str | None:
    """Return why ``record`` is not a valid rule, or None when it is."""
    if not isinstance(record, Mapping):
        return f"expected a JSON object, got {type(record).__name__}"
    missing = sorted(required - record.keys())
    if missing:
        return f"missing key(s) {', '.join(missing)}"
    unknown = sorted(record.keys() - allowed)
    if unknown:
        return f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
    if labels is not None and "label" in record and record["label"] not in labels:
        return f"unknown label {record['label']!r}; expected one of {', '.join(sorted(labels))}"
    return None


def check_rules(
    records: Iterable[Any],
    *,
    required: Iterable[str],
    allowed: Iterable[str],
    labels: Iterable[str] | None = None,
    origin: str = "<patterns>",
) -> list[Pattern]:
    """Validate rules given in Python (``add_patterns``); errors name the record's index."""
    required_keys = set(required)
    allowed_keys = set(allowed) | required_keys
    label_set = set(labels) if labels is not None else None
    checked: list[Pattern] = []
    for index, record in enumerate(records):
        problem = validate_rule(record, required=required_keys, allowed=allowed_keys,
                                labels=label_set)
        if problem:
            raise RuleError(Errors.E001.format(path=origin, line=index, message=problem))
        checked.append(dict(record))
    return checked


def write_rules(path: PathLikeStr, records: Iterable[Pattern]) -> None:
    srsly.write_jsonl(path, list(records))


# --- token patterns shared by the rule components -------------------------------------

PLAIN_ATTRS: tuple[str, ...] = ("LOWER", "ORTH", "NORM")
"""Token attributes a pattern can match through a PhraseMatcher of single-word docs."""


def string_list(value: Any, key: str, *, error: str) -> list[str]:
    """``value`` as a non-empty list of non-blank strings (a lone string is a list of
    one); ``error`` (formatted with ``key``) otherwise."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise ValueError(error.format(key=key))
    return value


def as_word_lists(pattern: list[dict[str, Any]], *, max_expansion: int
                  ) -> tuple[str, list[list[str]]] | None:
    """If every token of ``pattern`` is a plain word (or word set) on one attribute, that
    attribute and the words per position, so that a PhraseMatcher can stand in for the
    Matcher; None when it cannot (other keys, several attributes, more than
    ``max_expansion`` phrases)."""
    attrs: set[str] = set()
    positions: list[list[str]] = []
    for token in pattern:
        if len(token) != 1:
            return None
        attr, value = next(iter(token.items()))
        if attr not in PLAIN_ATTRS:
            return None
        if isinstance(value, str):
            words = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) \
                and all(isinstance(word, str) for word in value["IN"]):
            words = list(dict.fromkeys(value["IN"]))
        else:
            return None
        if attr == "LOWER" and any(word != word.lower() for word in words):
            return None  # the Matcher never matches these; the stand-in must not either
        attrs.add(attr)
        positions.append(words)
    if len(attrs) != 1 or math.prod(len(words) for words in positions) > max_expansion:
        return None
    return attrs.pop(), positions


def max_pattern_length(pattern: list[dict[str, Any]]) -> int | None:
    """The most tokens ``pattern`` can span, or None when an operator is unbounded."""
    total = 0
    for token in pattern:
        op = token.get("OP")
        if op in (None, "!", "?", "1"):
            total += 1
        elif isinstance(op, str) and re.fullmatch(r"\{\d*,?\d+\}", op):
            total += int(op[1:-1].split(",")[-1])
        else:
            return None
    return total


# --- phrases made into Docs on demand -------------------------------------------------


def is_whole_token(nlp: Language, chunk: str) -> bool:
    """Whether the tokenizer surely keeps ``chunk`` (no spaces) as one token: plain letters
    and not one of its special cases such as "cannot" (checked on every word of the bundled
    rule files by a test)."""
    return chunk.isalpha() and chunk not in (nlp.tokenizer.rules or {})

_GATE_ATTRS: dict[str, int] = {"ORTH": ORTH, "LOWER": LOWER, "NORM": NORM, "LEMMA": LEMMA}


class LazyPhraseMatcher:
    """A spaCy ``PhraseMatcher`` whose phrases become Docs when a Doc first holds one of
    their words.

    Tokenizing thousands of rule phrases, and creating a vocabulary entry for each new
    word in them, is most of what building the framing components costs, while one
    article holds the longest word of few of them. Every phrase is added to the wrapped
    matcher before the first Doc that could match it is matched, so the matches are those
    of a matcher built up front. A phrase without a word the tokenizer surely keeps whole
    (plain letters, not one of its special cases such as "cannot") is added up front, as
    are all phrases on attributes other than ORTH, LOWER, NORM and LEMMA. On NORM the gate
    is the word's norm as the vocabulary would give it (its lexeme's, or the vocabulary's
    own NORM function for a new word).
    """

    def __init__(self, nlp: Language, attr: str = "ORTH") -> None:
        self.nlp = nlp
        self.attr = attr
        self.matcher = PhraseMatcher(nlp.vocab, attr=attr)
        # gate-word hash -> (key, phrase text or words) waiting for a Doc with that word
        self._pending: dict[int, list[tuple[str, str | tuple[str, ...]]]] = {}
        self._keys: set[str] = set()

    def __len__(self) -> int:
        """Keys with at least one phrase, added or waiting."""
        return len(self._keys)

    def add_texts(self, key: str, texts: Iterable[str]) -> None:
        """Phrases to tokenize with the pipeline's tokenizer."""
        for text in texts:
            self._keys.add(key)
            # The longest word that is surely one token of the phrase is the rarest gate.
            words = [chunk for chunk in text.split() if is_whole_token(self.nlp, chunk)]
            if self.attr in ("ORTH", "LOWER", "NORM") and words:
                self._wait(max(words, key=len), key, text)
            else:
                self.matcher.add(key, [self.nlp.make_doc(text)])

    def add_words(self, key: str, phrases: Iterable[Sequence[str]]) -> None:
        """Phrases given as words (one token each); on LEMMA the words are the lemmas."""
        for words in phrases:
            words = tuple(words)
            self._keys.add(key)
            if self.attr in _GATE_ATTRS and words:
                self._wait(max(words, key=len), key, words)
            else:
                self.matcher.add(key, [self._words_doc(words)])

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self._pending and len(doc):
            values = doc.to_array(_GATE_ATTRS[self.attr]).reshape(-1).tolist()
            for value in self._pending.keys() & set(values):
                for key, phrase in self._pending.pop(value):
                    phrase_doc = self.nlp.make_doc(phrase) if isinstance(phrase, str) \
                        else self._words_doc(phrase)
                    self.matcher.add(key, [phrase_doc])
        return list(self.matcher(doc)) if len(self.matcher) else []

    def _wait(self, gate: str, key: str, phrase: str | tuple[str, ...]) -> None:
        if self.attr == "LOWER":
            word = gate.lower()
        elif self.attr == "NORM":
            word = self._norm(gate)
        else:
            word = gate
        self._pending.setdefault(self.nlp.vocab.strings.add(word), []).append((key, phrase))

    def _norm(self, word: str) -> str:
        vocab = self.nlp.vocab
        if word in vocab:
            return vocab[word].norm_
        getter = (vocab.lex_attr_getters or {}).get(NORM)
        return getter(word) if getter is not None else vocab[word].norm_

    def _words_doc(self, words: tuple[str, ...]) -> Doc:
        lemmas = list(words) if self.attr == "LEMMA" else None
        return Doc(self.nlp.vocab, words=list(words), lemmas=lemmas)
