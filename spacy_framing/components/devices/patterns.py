"""Rewriting framing_devices token patterns: the blank-pipeline fallback (LEMMA as the
LOWER set of its inflections), typographic apostrophes, capitalised lemmas, and the gate
words that decide where a rule is tried.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from ..rules import (
    PLAIN_ATTRS,
)
from ..rules.lexicon import irregular_forms, word_list, word_set
from .schema import WORD_LIST_KEYS, strings

# Token attributes that only a trained pipeline sets; the blank fallback drops them.
_MODEL_ATTRS = frozenset({"POS", "TAG", "MORPH", "DEP", "ENT_TYPE", "ENT_IOB", "ENT_ID",
                          "ENT_KB_ID", "HEAD"})
MAX_PHRASE_EXPANSION = 2000
# Anchor choice: a stop word ("not", "would") costs as much as this many rare words, one of
# the commonest words ("the", "in") as much as this many stop words.
_COMMON_WORD_COST = 50
_VERY_COMMON_WORD_COST = 50 * _COMMON_WORD_COST
_VERY_COMMON_WORDS = word_set("devices", "VERY_COMMON_WORDS")
# Without NER, a capitalised word that is none of these stands in for a named entity.
_TITLE_FUNCTION_WORDS = word_list("devices", "TITLE_FUNCTION_WORDS")
# Irregular forms of verbs that devices are phrased with; regular forms are generated.
_IRREGULAR_FORMS = irregular_forms("devices")


def _regular_forms(lemma: str) -> set[str]:
    """Regular English inflections of ``lemma`` (plural/3rd person, -ed, -ing).

    Over-generation is harmless: a non-word such as "riskking" never occurs in text.
    """
    word = lemma.lower()
    forms = {word}
    if not word.isalpha():
        return forms
    consonant_y = re.search(r"[^aeiou]y$", word) is not None
    if re.search(r"(?:s|x|z|ch|sh)$", word):
        forms.add(word + "es")
    elif consonant_y:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if word.endswith("ee"):
        forms |= {word + "d", word + "ing"}
    elif word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    elif consonant_y:
        forms |= {word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "ed", word + "ing"}
        if re.search(r"(?:^|[^aeiou])[aeiou][bdgklmnprt]$", word):
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


def inflections(lemma: str, extra: Mapping[str, Sequence[str]]) -> list[str]:
    forms = _regular_forms(lemma)
    forms.update(_IRREGULAR_FORMS.get(lemma.lower(), ()))
    forms.update(form.lower() for form in extra.get(lemma, ()))
    return sorted(forms)


def _lemma_to_lower(value: Any, extra: Mapping[str, Sequence[str]]) -> Any:
    """The LOWER condition that stands in for a LEMMA condition on a blank pipeline."""
    if isinstance(value, str):
        return {"IN": inflections(value, extra)}
    if isinstance(value, dict):
        converted: dict[str, Any] = {}
        for operator, operand in value.items():
            if operator in ("IN", "NOT_IN") and isinstance(operand, list):
                converted[operator] = sorted({form for lemma in operand
                                              for form in inflections(str(lemma), extra)})
            elif operator == "REGEX":
                converted[operator] = operand
            # Other operators (FUZZY, comparisons) have no LOWER counterpart; drop them.
        return converted or None
    return None


def blank_fallback(pattern: list[dict[str, Any]],
                    extra: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """``pattern`` rewritten for a Doc without lemmas, tags, parse or entities."""
    fallback: list[dict[str, Any]] = []
    for token in pattern:
        converted = {key: value for key, value in token.items()
                     if key not in _MODEL_ATTRS and key != "LEMMA"}
        if "LEMMA" in token and "ORTH" not in token:
            lower = _lemma_to_lower(token["LEMMA"], extra)
            excluded = token.get("LOWER")
            if lower is not None and "LOWER" not in token:
                converted["LOWER"] = lower
            elif isinstance(lower, dict) and isinstance(excluded, dict) \
                    and set(excluded) == {"NOT_IN"} and set(lower) == {"IN"}:
                # {"LEMMA": "depend", "LOWER": {"NOT_IN": ["depending"]}}: the other forms.
                converted["LOWER"] = {"IN": [form for form in lower["IN"]
                                             if form not in excluded["NOT_IN"]]}
        entity = token.get("ENT_TYPE")
        if (isinstance(entity, str) or (isinstance(entity, dict) and "IN" in entity)) \
                and not {"LOWER", "ORTH", "NORM"} & converted.keys():
            # Without NER a named actor is at least a capitalised word that is not a
            # sentence-initial function word ("China", not "The" or "He").
            converted["IS_TITLE"] = True
            converted["LOWER"] = {"NOT_IN": list(_TITLE_FUNCTION_WORDS)}
        fallback.append(converted)
    return fallback


def _typographic(word: str) -> list[str]:
    """``word`` and, when it has a straight apostrophe, its typographic twin: news text
    writes "don’t" and "China’s", which the tokenizer keeps as "n’t" and "’s"."""
    return [word, word.replace("'", "’")] if "'" in word else [word]


def _typographic_values(value: Any) -> Any:
    if isinstance(value, str):
        variants = _typographic(value)
        return {"IN": variants} if len(variants) > 1 else value
    if isinstance(value, dict):
        return {op: sorted({v for word in words for v in _typographic(word)})
                if op in ("IN", "NOT_IN") and isinstance(words, list)
                and all(isinstance(word, str) for word in words) else words
                for op, words in value.items()}
    return value


def with_typographic_apostrophes(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` whose plain-text conditions (LOWER, ORTH, NORM, phrases and word
    lists) also accept the typographic apostrophe wherever a straight one is written."""
    def token(attrs: Mapping[str, Any]) -> dict[str, Any]:
        return {key: _typographic_values(value) if key in PLAIN_ATTRS else value
                for key, value in attrs.items()}

    copy = dict(record)
    if "pattern" in copy:
        copy["pattern"] = [token(attrs) for attrs in copy["pattern"]]
    if "dep_pattern" in copy:
        copy["dep_pattern"] = [{**node, "RIGHT_ATTRS": token(node["RIGHT_ATTRS"])}
                               if "RIGHT_ATTRS" in node else node
                               for node in copy["dep_pattern"]]
    if "phrase" in copy:
        copy["phrase"] = [variant for text in strings(copy["phrase"], "phrase")
                          for variant in _typographic(text)]
    for key in WORD_LIST_KEYS:
        if key in copy:
            copy[key] = [variant for word in copy[key] for variant in _typographic(word)]
    return copy


def _capitalised(value: Any) -> Any:
    if isinstance(value, str):
        return {"IN": sorted({value, value.capitalize()})} if value.islower() else value
    if isinstance(value, dict) and isinstance(value.get("IN"), list):
        words = [word for word in value["IN"] if isinstance(word, str)]
        return {**value, "IN": sorted({*words, *(word.capitalize() for word in words
                                                  if word.islower())})}
    return value


def with_capitalised_lemmas(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``pattern`` with each LEMMA word also in its capitalised form: the English
    lemmatizer keeps the case of proper nouns ("the Supreme Court" has the lemma "Court",
    "Treaty" in a title stays "Treaty")."""
    return [{**token, "LEMMA": _capitalised(token["LEMMA"])} if "LEMMA" in token else token
            for token in pattern]


def is_lexical(pattern: list[dict[str, Any]]) -> bool:
    """Whether some token of ``pattern`` is constrained by its text, not only by OP."""
    return any(key != "OP" for token in pattern for key in token)


def requires_model(pattern: list[dict[str, Any]]) -> bool:
    return any(key in _MODEL_ATTRS or key == "LEMMA" for token in pattern for key in token)


def _lexical_values(attrs: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """The attribute and word set a token condition requires, if it requires plain words
    (``"LOWER": "x"`` or ``"LEMMA": {"IN": [...]}``); LOWER/ORTH/NORM before LEMMA."""
    for attr in (*PLAIN_ATTRS, "LEMMA"):
        value = attrs.get(attr)
        if isinstance(value, str):
            return attr, [value]
        if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) \
                and value["IN"] and all(isinstance(word, str) for word in value["IN"]):
            return attr, list(dict.fromkeys(value["IN"]))
    return None


def _word_cost(word: str) -> int:
    word = word.lower()
    if word in _VERY_COMMON_WORDS:
        return _VERY_COMMON_WORD_COST
    return _COMMON_WORD_COST if word in STOP_WORDS or len(word) < 3 \
        or not word.isalpha() else 1


def trigger_parts(tokens: Sequence[Mapping[str, Any]]
                   ) -> tuple[int, list[tuple[int, str, list[str]]]] | None:
    """Which tokens (or dependency nodes) of a rule gate it: ``(anchor, parts)``.

    A part is a required token with plain-word conditions. The anchor is the part with the
    rarest words (fewest, no stop words); the rule is only tried where its anchor occurs
    and every other part occurs near it (same sentence for dependency rules). Parts made
    with the commonest words ("the", "in") are left to the matcher: looking them up would
    cost more than it saves. None when no token has plain-word conditions (the rule is
    tried everywhere).
    """
    parts: list[tuple[int, int, str, list[str]]] = []
    for index, attrs in enumerate(tokens):
        if attrs.get("OP") in ("?", "*", "!"):
            continue
        lexical = _lexical_values(attrs)
        if lexical is not None:
            attr, words = lexical
            parts.append((sum(_word_cost(word) for word in words), index, attr, words))
    if not parts:
        return None
    anchor = min(parts)[1]
    return anchor, [(index, attr, words) for _cost, index, attr, words in parts
                    if index == anchor
                    or max(_word_cost(word) for word in words) < _VERY_COMMON_WORD_COST]
