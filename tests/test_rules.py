"""``LazyPhraseMatcher``: the same matches as a spaCy PhraseMatcher built up front, with
phrases made into Docs only when a text holds one of their words.

Every sentence here was written for these tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher

from spacy_framing.components.rules import LazyPhraseMatcher, package_data_path

PHRASES = ["cold war", "the U.S.-led coalition", "cannot", "back down", "Kremlin",
           "White House", "rock-solid", "U.S.", "a done deal", "gonna"]
TEXTS = [
    "The White House said the U.S.-led coalition cannot back down now.",
    "Officials in the Kremlin called it a done deal, a new cold war.",
    "Nobody is gonna stay quiet; the alliance is rock-solid, the U.S. says.",
    "Nothing here matches anything at all.",
]


def _eager(nlp: Language, attr: str) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    for index, phrase in enumerate(PHRASES):
        matcher.add(f"p{index}", [nlp.make_doc(phrase)])
    return matcher


@pytest.mark.parametrize("attr", ["ORTH", "LOWER", "NORM"])
def test_lazy_matches_equal_eager_matches(attr: str) -> None:
    nlp = spacy.blank("en")
    lazy = LazyPhraseMatcher(nlp, attr=attr)
    for index, phrase in enumerate(PHRASES):
        lazy.add_texts(f"p{index}", [phrase])
    eager = _eager(nlp, attr)
    assert len(lazy) == len(eager) == len(PHRASES)
    for text in [*TEXTS, *(t.upper() for t in TEXTS), *(t.lower() for t in TEXTS)]:
        doc = nlp(text)
        assert sorted(lazy(doc)) == sorted(eager(doc)), text


def test_phrases_wait_for_a_text_with_their_longest_word() -> None:
    nlp = spacy.blank("en")
    lazy = LazyPhraseMatcher(nlp, attr="LOWER")
    lazy.add_texts("rivalry", ["bitter rivalry"])
    lazy.add_texts("deal", ["a done deal"])
    lazy.add_words("house", [("white", "house")])
    assert len(lazy.matcher) == 0 and len(lazy) == 3
    lazy(nlp("The bitter winter is over."))
    assert len(lazy.matcher) == 0  # "bitter" is not the gate of "bitter rivalry"
    doc = nlp("A new bitter rivalry.")
    assert [nlp.vocab.strings[key] for key, _start, _end in lazy(doc)] == ["rivalry"]
    assert len(lazy.matcher) == 1


def test_lemma_phrases_match_on_lemmas() -> None:
    nlp = spacy.blank("en")
    lazy = LazyPhraseMatcher(nlp, attr="LEMMA")
    lazy.add_words("say", [("say",)])
    doc = nlp("She said no.")
    doc[1].lemma_ = "say"
    assert [(doc[s:e].text) for _k, s, e in lazy(doc)] == ["said"]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("filename", ["actors.jsonl", "actors_leaders.jsonl", "devices.jsonl",
                                      "hedges.jsonl", "sources.jsonl"])
def test_gate_words_of_bundled_rules_are_single_tokens(filename: str) -> None:
    # The gate assumption, checked on every word of the bundled rule files: a chunk of
    # plain letters that is not a tokenizer special case is one token.
    nlp = spacy.blank("en")
    special_cases = nlp.tokenizer.rules or {}
    chunks = {chunk for line in package_data_path(filename).read_text("utf-8").splitlines()
              if line.strip() and not line.startswith("//")
              for text in _strings(json.loads(line)) for chunk in text.split()
              if chunk.isalpha() and chunk not in special_cases}
    assert chunks
    split = sorted(chunk for chunk in chunks if len(nlp.make_doc(chunk)) != 1)
    assert not split
