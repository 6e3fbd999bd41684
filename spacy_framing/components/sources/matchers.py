"""Matchers built from the framing_sources rule records."""

from __future__ import annotations

import itertools
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from ...types import Pattern
from ..rules import LazyPhraseMatcher
from .rules import is_string_list, matched_rules

_MAX_SPELLED_PHRASES = 1000  # a token pattern spelling out more goes to the Matcher


class CompiledRules:
    """Matchers built from rule records. Single words go to PhraseMatchers (hash lookups,
    fast however long the lexicon): lemmas on LEMMA, inflected forms and lower-case phrases
    on LOWER, names with capitals on ORTH. Token patterns go to one small Matcher."""

    def __init__(self, nlp: Language, name: str, rules: list[Pattern]) -> None:
        vocab = nlp.vocab
        self.matcher = Matcher(vocab)
        self.lemmas = LazyPhraseMatcher(nlp, attr="LEMMA")
        self.phrases_lower = LazyPhraseMatcher(nlp, attr="LOWER")
        self.phrases_orth = LazyPhraseMatcher(nlp, attr="ORTH")
        self.records: dict[int, Pattern] = {}
        # Keys keep each record's position among all rules: match ids (and so the order of
        # matches at one token) do not change when LIST records are added or moved.
        for index, rule in matched_rules(rules):
            key = f"{name}|{rule['label']}|{rule['id']}|{index}"
            self.records[vocab.strings.add(key)] = rule
            if "pattern" in rule:
                spelled = spelled_phrases(rule["pattern"])
                if spelled is not None:
                    # Spelled-out word sequences are phrases: the token Matcher walks every
                    # token in Python, the PhraseMatcher does not.
                    attr, phrases = spelled
                    target = self.phrases_lower if attr == "LOWER" else self.phrases_orth
                    target.add_words(key, phrases)
                else:
                    self.matcher.add(key, [rule["pattern"]])
            if "lemma" in rule:
                words = rule["lemma"].split()
                self.lemmas.add_words(key, [words])
            lower_forms = [form.lower() for form in rule.get("forms", ())]
            if "lower" in rule:
                lower_forms.append(rule["lower"].lower())
            if lower_forms:
                self.phrases_lower.add_texts(key, lower_forms)
            if "phrase" in rule:
                phrase = rule["phrase"]
                if phrase != phrase.lower():
                    self.phrases_orth.add_texts(key, [phrase])
                else:
                    # The tokenizer splits some words by case ("u.s." vs "U.S."): add the
                    # usual casings (matches are de-duplicated below).
                    self.phrases_lower.add_texts(
                        key, dict.fromkeys((phrase, phrase.title(), phrase.upper())))

    def __call__(self, doc: Doc) -> list[tuple[Pattern, int, int]]:
        matches = [*self.phrases_lower(doc), *self.phrases_orth(doc)]
        if len(self.matcher):
            matches.extend(self.matcher(doc))
        if doc.has_annotation("LEMMA"):
            matches.extend(self.lemmas(doc))
        seen: set[tuple[int, int, int]] = set()
        found: list[tuple[Pattern, int, int]] = []
        for match_id, start, end in matches:
            if (match_id, start, end) not in seen:
                seen.add((match_id, start, end))
                found.append((self.records[match_id], start, end))
        return found


def spelled_phrases(pattern: list[dict[str, Any]]
                     ) -> tuple[str, list[list[str]]] | None:
    """The phrases a token pattern spells out, when each token is one word or a short
    list of words (``{"LOWER": "x"}``, ``{"ORTH": {"IN": [...]}}``) on one attribute, else
    None."""
    attrs = set()
    choices: list[list[str]] = []
    for token in pattern:
        if len(token) != 1:
            return None
        ((attr, value),) = token.items()
        if attr not in ("LOWER", "ORTH"):
            return None
        if isinstance(value, str):
            options = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and is_string_list(value["IN"]):
            options = list(value["IN"])
        else:
            return None
        attrs.add(attr)
        choices.append([o.lower() for o in options] if attr == "LOWER" else options)
    size = 1
    for options in choices:
        size *= len(options)
    if len(attrs) != 1 or size > _MAX_SPELLED_PHRASES:
        return None
    return attrs.pop(), [list(words) for words in itertools.product(*choices)]
