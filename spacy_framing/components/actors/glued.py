"""Mentions inside tokens such as "U.S.-led" or "U.S.-China".

The tokenizer keeps these as one token, so no phrase can match inside them; a regex over
the text of each distinct word finds them instead (cached per word).
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

from .mentions import GLUE_HYPHENS
from .records import LABEL, Alias


class GluedWords:
    """The one-token aliases of a component and the glued words that hold them."""

    def __init__(self) -> None:
        self.word_aliases: dict[str, Alias] = {}  # aliases without spaces
        self.dotted_aliases: set[str] = set()  # one-token aliases with dots: "U.S."
        self._pattern: re.Pattern[str] | None = None
        # ORTH hash -> actors named inside a glued token ("U.S.-China"); () for other words.
        self._by_orth: dict[int, tuple[tuple[str, str], ...]] = {}

    def add(self, alias: str, meaning: Alias, *, one_token: bool) -> None:
        """Record a one-word alias (call :meth:`rebuild` after adding)."""
        self.word_aliases[alias] = meaning
        if "." in alias and one_token:
            self.dotted_aliases.add(alias)

    def rebuild(self) -> None:
        """Recompile the regex over the dotted aliases and forget cached words."""
        dotted = sorted(self.dotted_aliases, key=len, reverse=True)
        joined = "|".join(re.escape(alias) for alias in dotted)
        self._pattern = re.compile(rf"(?:{joined})[{''.join(GLUE_HYPHENS)}](?=\w)") \
            if dotted else None
        self._by_orth = {}

    def mentions(self, doc: Doc, taken: set[int]) -> list[Span]:
        """One span per actor over each glued token outside ``taken``.

        doc (Doc): The document.
        taken (set[int]): Tokens already inside a mention.
        RETURNS (list[Span]): The mentions.
        """
        if self._pattern is None:
            return []
        # Each distinct word is checked once per component (cached by its hash), so a doc
        # costs one pass in C over its token hashes plus a look-up per distinct word.
        orths = doc.to_array(ORTH)
        found: list[tuple[int, tuple[tuple[str, str], ...]]] = []
        for orth in numpy.unique(orths).tolist():
            actors = self._by_orth.get(orth)
            if actors is None:
                actors = self._by_orth[orth] = self._actors(doc.vocab.strings[orth])
            if actors:
                found.append((orth, actors))
        spans: list[Span] = []
        for orth, actors in found:
            for index in numpy.flatnonzero(orths == orth).tolist():
                if index not in taken:
                    spans.extend(Span(doc, index, index + 1, label=LABEL, kb_id=actor,
                                      span_id=rule_id) for actor, rule_id in actors)
        return spans

    def _actors(self, word: str) -> tuple[tuple[str, str], ...]:
        """(actor, rule id) for each actor named in a word like "U.S.-China"."""
        if self._pattern is None or not self._pattern.match(word):
            return ()
        actors: dict[str, str] = {}
        for part in re.split(f"[{''.join(GLUE_HYPHENS)}]", word):
            alias = self.word_aliases.get(part)
            if alias is not None and not alias.short:
                actors.setdefault(alias.actor, alias.rule_id)
        return tuple(actors.items())
