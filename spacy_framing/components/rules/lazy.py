"""The lazy matcher pre-filter shared by the rule components.

Building matchers for thousands of rule words and phrases costs more than running them on
one article, so the components build them on demand: ``LazyPhraseMatcher`` makes a phrase
into a Doc when a text first holds its rarest word, ``WordIndex`` finds where each rule's
gate words occur with one hash look-up per token, and ``MatcherShelf`` builds a rule's own
Matcher the first time it is tried. All three give the matches of matchers built up front
(tests/test_rules.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy
from spacy.attrs import LEMMA, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.vocab import Vocab

PLAIN_ATTRS: tuple[str, ...] = ("LOWER", "ORTH", "NORM")
"""Token attributes a pattern can match through a PhraseMatcher of single-word docs."""


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


class WordIndex:
    """Where the words that gate each rule occur in a Doc.

    A gate is one token's condition (``"LOWER": {"IN": [...]}``, ``"LEMMA": "x"``), so
    finding it is a hash look-up per token attribute, with the ``Matcher``'s own semantics
    (the value's hash equals the token's). A PhraseMatcher of one-word Docs would do the
    same but creates a lexeme for each of the thousands of words, which cost more than
    the look-ups when a pipeline is built.
    """

    def __init__(self, strings: StringStore) -> None:
        self.strings = strings
        # attribute -> word hash -> (rule order, part index) pairs gated by that word
        self.parts: dict[str, dict[int, list[tuple[int, int]]]] = {}
        self._keys: dict[str, numpy.ndarray] = {}

    def add(self, attr: str, words: Iterable[str], part: tuple[int, int]) -> None:
        """Gate ``part`` (rule order, part index) by ``words`` on ``attr``."""
        by_word = self.parts.setdefault(attr, {})
        for word in words:
            by_word.setdefault(self.strings.add(word), []).append(part)

    def hits(self, doc: Doc) -> dict[int, dict[int, list[int]]]:
        """rule order -> part index -> token positions where that part's words occur."""
        hits: dict[int, dict[int, list[int]]] = {}
        if not self.parts or len(doc) == 0:
            return hits
        attrs = list(self.parts)
        # to_array drops a dimension when there is one token or one attribute
        columns = doc.to_array([_GATE_ATTRS[attr] for attr in attrs]) \
            .reshape(len(doc), len(attrs)).T
        for attr, values in zip(attrs, columns, strict=True):
            by_word = self.parts[attr]
            # numpy finds the few tokens that gate any rule; Python visits only those
            keys = self._keys.get(attr)
            if keys is None or len(keys) != len(by_word):
                keys = self._keys[attr] = numpy.fromiter(by_word, dtype=numpy.uint64,
                                                         count=len(by_word))
            for position in numpy.flatnonzero(numpy.isin(values, keys)).tolist():
                for order, index in by_word[int(values[position])]:
                    hits.setdefault(order, {}).setdefault(index, []).append(position)
        return hits


class MatcherShelf:
    """One Matcher (or DependencyMatcher) per rule, built the first time the rule is
    tried: on a short text most rules never are, and building them all up front costs
    more than parsing it."""

    def __init__(self, vocab: Vocab, kind: type[Matcher] | type[DependencyMatcher]) -> None:
        self.vocab = vocab
        self.kind = kind
        self.patterns: dict[int, tuple[str, list[dict[str, Any]]]] = {}
        self.built: dict[int, Any] = {}

    def add(self, order: int, key: str, pattern: list[dict[str, Any]]) -> None:
        """Shelve ``pattern`` under ``key`` for rule ``order``; nothing is built yet."""
        self.patterns[order] = (key, pattern)

    def __contains__(self, order: object) -> bool:
        return order in self.patterns

    def __len__(self) -> int:
        return len(self.patterns)

    def __getitem__(self, order: int) -> Any:
        matcher = self.built.get(order)
        if matcher is None:
            key, pattern = self.patterns[order]
            matcher = self.kind(self.vocab)
            matcher.add(key, [pattern])
            self.built[order] = matcher
        return matcher
