"""Linguistic data the rule components consult outside their rules, read from
``spacy_framing/data/lexicon.json``: irregular word forms and named word sets ("president",
"premier", ... are head-of-state titles). Code keeps only dependency labels, POS tags and
other tag sets of the models; words live in the data files, where users can read them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from .schema import package_data_path

LEXICON_FILE = "lexicon.json"


@cache
def _lexicon() -> dict[str, Any]:
    return json.loads(package_data_path(LEXICON_FILE).read_text(encoding="utf-8"))


def word_list(component: str, name: str) -> tuple[str, ...]:
    """A named word list of ``component``'s section, in file order.

    component (str): The section, e.g. ``"devices"``.
    name (str): The list name, e.g. ``"HEAD_OF_STATE_TITLES"``.
    RETURNS (tuple[str, ...]): The words.
    """
    return tuple(_lexicon()[component]["lists"][name])


def word_set(component: str, name: str) -> frozenset[str]:
    """:func:`word_list` as a frozenset, for membership tests."""
    return frozenset(word_list(component, name))


def irregular_forms(component: str) -> Mapping[str, tuple[str, ...]]:
    """Lemma -> irregular inflected forms, from ``component``'s section."""
    return {lemma: tuple(forms)
            for lemma, forms in _lexicon()[component]["irregular_forms"].items()}
