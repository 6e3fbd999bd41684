"""framing_hedges rule records and their context conditions: the schema, word sequences
(``requires_prev``, ``not_before``, ...; with ``ANY{m,n}`` windows expanded when the file
is read), POS and entity conditions, compiled once per rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from ..rules import (
    RuleSchema,
    string_list,
)

_REQUIRED_KEYS = ("id", "label")
_CONDITION_KEYS = ("requires_prev", "requires_next", "not_before", "not_after", "pos",
                   "exclude_ent")
_ALLOWED_KEYS = ("pattern", "phrase", "group", "note", *_CONDITION_KEYS)

_POS_TAGS = frozenset({"ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
                       "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"})
_CONTEXT_CLASSES = frozenset({"ANY", "BOS", "EOS", "CURRENCY", "TITLE"}) | _POS_TAGS
"""Upper-case items allowed in context word sequences."""



# --------------------------------------------------------------------------- conditions

def _token_in_class(token: Token, item: str, has_pos: bool) -> bool:
    """Whether ``token`` belongs to the context class ``item``."""
    if item == "ANY":
        return True
    if item == "NUM":
        # like_num also covers "1,000", "3.5", "ten", "hundred" on a blank pipeline.
        return token.like_num or (has_pos and token.pos_ == "NUM")
    if item == "PUNCT":
        return token.is_punct or (has_pos and token.pos_ == "PUNCT")
    if item == "CURRENCY":
        return token.is_currency
    if item == "TITLE":
        return token.is_title
    # Coarse POS classes need a tagger; without one they never match, so a `not_*`
    # condition does not reject and a `requires_*` alternative is simply unavailable.
    return has_pos and token.pos_ == item


def _item_matches(token: Token, item: str, has_pos: bool) -> bool:
    if item in _CONTEXT_CLASSES:
        return _token_in_class(token, item, has_pos)
    return token.lower_ == item or token.norm_ == item


class Context:
    """What the conditions may look at around one match (tokens are made once each)."""

    __slots__ = ("_tokens", "doc", "has_ents", "has_pos", "sent_end", "sent_start")

    def __init__(self, doc: Doc, sent_start: int, sent_end: int, *, has_pos: bool,
                 has_ents: bool) -> None:
        self.doc = doc
        self.sent_start = sent_start
        self.sent_end = sent_end
        self.has_pos = has_pos
        self.has_ents = has_ents
        self._tokens: dict[int, Token] = {}

    def token(self, index: int) -> Token:
        token = self._tokens.get(index)
        if token is None:
            token = self._tokens[index] = self.doc[index]
        return token


class _Sequences:
    """The word sequences of one condition, indexed by the item next to the cue so that
    a check only walks the alternatives that can match."""

    __slots__ = ("_by_word", "_classed", "before")

    def __init__(self, sequences: Iterable[tuple[str, ...]], *, before: bool) -> None:
        self.before = before
        self._by_word: dict[str, list[tuple[str, ...]]] = {}
        self._classed: list[tuple[str, ...]] = []
        for items in sequences:
            nearest = items[-1] if before else items[0]
            if nearest in _CONTEXT_CLASSES:
                self._classed.append(items)
            else:
                self._by_word.setdefault(nearest, []).append(items)

    def __bool__(self) -> bool:
        return bool(self._by_word or self._classed)

    def found(self, ctx: Context, start: int, end: int) -> bool:
        """Whether one of the sequences sits right before ``start`` / after ``end``."""
        candidates = self._classed
        neighbour = start - 1 if self.before else end
        if self._by_word and ctx.sent_start <= neighbour < ctx.sent_end:
            token = ctx.token(neighbour)
            by_word = self._by_word.get(token.lower_, [])
            if token.norm_ != token.lower_:
                by_word = by_word + self._by_word.get(token.norm_, [])
            if by_word:
                candidates = by_word + candidates
        check = self._before if self.before else self._after
        return any(check(ctx, start, end, items) for items in candidates)

    @staticmethod
    def _after(ctx: Context, start: int, end: int, items: tuple[str, ...]) -> bool:
        position = end
        for item in items:
            if item == "EOS":
                return position >= ctx.sent_end
            if position >= ctx.sent_end or not _item_matches(ctx.token(position), item,
                                                             ctx.has_pos):
                return False
            position += 1
        return True

    @staticmethod
    def _before(ctx: Context, start: int, end: int, items: tuple[str, ...]) -> bool:
        position = start - 1
        for item in reversed(items):
            if item == "BOS":
                return position < ctx.sent_start
            if position < ctx.sent_start or not _item_matches(ctx.token(position), item,
                                                              ctx.has_pos):
                return False
            position -= 1
        return True


_NO_SEQUENCES = _Sequences((), before=True)


@dataclass(frozen=True)
class CompiledRule:
    """A validated rule with its conditions in the form the match loop needs."""

    rule_id: str
    label: str
    requires_prev: _Sequences = _NO_SEQUENCES
    requires_next: _Sequences = _NO_SEQUENCES
    not_before: _Sequences = _NO_SEQUENCES
    not_after: _Sequences = _NO_SEQUENCES
    pos: frozenset[str] = frozenset()
    exclude_ent: frozenset[str] = frozenset()

    def accepts(self, ctx: Context, start: int, end: int) -> bool:
        if self.pos and ctx.has_pos and ctx.token(start).pos_ not in self.pos:
            return False
        if self.exclude_ent and ctx.has_ents and any(
            ctx.token(index).ent_type_ in self.exclude_ent for index in range(start, end)
        ):
            return False
        if self.requires_prev and not self.requires_prev.found(ctx, start, end):
            return False
        if self.requires_next and not self.requires_next.found(ctx, start, end):
            return False
        if self.not_before and self.not_before.found(ctx, start, end):
            return False
        return not (self.not_after and self.not_after.found(ctx, start, end))


STRINGS_ERROR = "{key!r} must be a non-empty string or list of non-empty strings"


def _compile_sequences(value: Any, key: str,
                       tokenize: Callable[[str], list[str]]) -> tuple[tuple[str, ...], ...]:
    sequences: list[tuple[str, ...]] = []
    for text in string_list(value, key, error=STRINGS_ERROR):
        # Tokenize like the pipeline does, so "can't" is compared as "ca" + "n't".
        items = tuple(tokenize(text))
        for position, item in enumerate(items):
            if item.isupper() and item not in _CONTEXT_CLASSES:
                raise ValueError(f"{key!r}: unknown class {item!r} in {text!r}; classes: "
                                 f"{', '.join(sorted(_CONTEXT_CLASSES))}")
            if not item.isupper() and item != item.lower():
                raise ValueError(f"{key!r}: word {item!r} in {text!r} must be lower-case "
                                 "(words are compared case-insensitively)")
            if item == "BOS" and position != 0:
                raise ValueError(f"{key!r}: BOS must come first in {text!r}")
            if item == "EOS" and position != len(items) - 1:
                raise ValueError(f"{key!r}: EOS must come last in {text!r}")
        if "BOS" in items and key in ("requires_next", "not_after"):
            raise ValueError(f"{key!r}: BOS cannot follow a cue ({text!r})")
        if "EOS" in items and key in ("requires_prev", "not_before"):
            raise ValueError(f"{key!r}: EOS cannot precede a cue ({text!r})")
        sequences.append(items)
    return tuple(sequences)


def compile_rule(record: Mapping[str, Any],
                  tokenize: Callable[[str], list[str]]) -> CompiledRule:
    """Compile a rule that passed :data:`HEDGE_SCHEMA`; raise ValueError when its word
    sequences or tags are unusable."""
    rule_id, label = record["id"], record["label"]
    sequences = {
        key: _Sequences(_compile_sequences(record[key], key, tokenize),
                        before=key in ("requires_prev", "not_before"))
        for key in ("requires_prev", "requires_next", "not_before", "not_after")
        if key in record
    }
    pos = frozenset(string_list(record["pos"], "pos", error=STRINGS_ERROR)) \
        if "pos" in record else frozenset()
    unknown_pos = sorted(pos - _POS_TAGS)
    if unknown_pos:
        raise ValueError(f"'pos': unknown tag(s) {', '.join(unknown_pos)}")
    exclude_ent = frozenset(string_list(record["exclude_ent"], "exclude_ent",
                                        error=STRINGS_ERROR)) \
        if "exclude_ent" in record else frozenset()
    return CompiledRule(rule_id=rule_id, label=label, pos=pos, exclude_ent=exclude_ent,
                         **sequences)


def _record_problem(record: Mapping[str, Any]) -> str | None:
    """Why a record cannot be used, as far as it can tell without a tokenizer (the word
    sequences are checked when the rule is compiled)."""
    rule_id, label = record["id"], record["label"]
    if not isinstance(rule_id, str) or not rule_id:
        return "'id' must be a non-empty string"
    if not isinstance(label, str) or not label or label != label.upper() \
            or not label.replace("_", "").isalpha():
        return f"'label' must be an UPPER_SNAKE_CASE string, got {label!r}"
    if ("pattern" in record) == ("phrase" in record):
        return "give exactly one of 'pattern' (token pattern) or 'phrase'"
    if "pattern" in record and not (
        isinstance(record["pattern"], list) and record["pattern"]
        and all(isinstance(token, dict) for token in record["pattern"])
    ):
        return "'pattern' must be a non-empty list of token objects"
    if "phrase" in record:
        try:
            string_list(record["phrase"], "phrase", error=STRINGS_ERROR)
        except ValueError as err:
            return str(err)
    if "group" in record and not (isinstance(record["group"], str) and record["group"]):
        return "'group' must be a non-empty string"
    return None


HEDGE_SCHEMA = RuleSchema(
    name="framing_hedges", required=_REQUIRED_KEYS, allowed=_ALLOWED_KEYS,
    check=_record_problem,
    window_keys=("requires_prev", "requires_next", "not_before", "not_after"))
