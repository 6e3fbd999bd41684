"""What framing_devices looks at around a match: sentence words for the word-list
conditions, collective actors (titles, plural antecedents) and entity boundaries.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from spacy.tokens import Doc, Span, Token

from ..rules.lexicon import word_set

SINGULAR_DETERMINERS = word_set("devices", "SINGULAR_DETERMINERS")
RELATIVE_PRONOUNS = word_set("devices", "RELATIVE_PRONOUNS")
PLURAL_PRONOUNS = word_set("devices", "PLURAL_PRONOUNS")
# Codebook section 4: a sitting head of state or government feels for the state.
_HEAD_OF_STATE_TITLES = word_set("devices", "HEAD_OF_STATE_TITLES")
_NOT_SITTING = word_set("devices", "NOT_SITTING")
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


def plural_antecedent(pronoun: Token) -> Token | None:
    """The nearest plural noun subject before ``pronoun`` in its sentence or the one
    before, or None."""
    doc = pronoun.doc
    sentence = pronoun.sent
    start = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    for candidate in reversed(doc[start:pronoun.i]):
        if candidate.dep_ in _SUBJECT_DEPS and candidate.pos_ != "PRON" and (
                candidate.tag_ in ("NNS", "NNPS") or candidate.ent_type_ == "NORP"):
            return candidate
    return None


def is_titled_head_of_state(token: Token) -> bool:
    """Whether a person's name is preceded by a head-of-state title ("President Obama",
    "Prime Minister Abe"), without "former", "vice" or a portfolio before it."""
    start = token.i
    while start > 0 and token.doc[start].ent_iob_ != "B" \
            and token.doc[start - 1].ent_type_ == "PERSON":
        start -= 1
    if start == 0:
        return False
    title = token.doc[start - 1]
    if title.lower_ not in _HEAD_OF_STATE_TITLES:
        return False
    before = token.doc[start - 2] if start > 1 else None
    return before is None or before.lower_ not in _NOT_SITTING


def widen_to_entities(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Grow a dependency match so that it does not cut a named entity: the parse links
    the head "Korea", the reader sees "South Korea"."""
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return start, end


def has_between(positions: list[int], lo: int, hi: int) -> bool:
    """Whether the sorted ``positions`` hold one in ``[lo, hi)``."""
    index = bisect_left(positions, lo)
    return index < len(positions) and positions[index] < hi


def has_within(positions: list[int], position: int, reach: int) -> bool:
    return has_between(positions, position - reach, position + reach + 1)


class SentenceWords:
    """The words (lower-case forms and lemmas) of the sentence around a position, computed
    once per sentence for the word-list conditions. Without sentence boundaries, the 30
    tokens either side stand in for the sentence."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts: list[int] | None = None
        self.cache: dict[tuple[int, int], frozenset[str]] = {}

    def around(self, position: int) -> frozenset[str]:
        doc = self.doc
        if self.starts is None:
            self.starts = [sentence.start for sentence in doc.sents] \
                if doc.has_annotation("SENT_START") else []
            self.starts.append(len(doc))
        if len(self.starts) > 1:
            index = bisect_right(self.starts, position) - 1
            bounds = (self.starts[index], self.starts[index + 1])
        else:
            bounds = (max(position - 30, 0), min(position + 30, len(doc)))
        words = self.cache.get(bounds)
        if words is None:
            tokens = doc[bounds[0]:bounds[1]]
            words = frozenset(token.lower_ for token in tokens) \
                | frozenset(token.lemma_ for token in tokens)
            self.cache[bounds] = words
        return words

    def has_any(self, position: int, words: frozenset[str]) -> bool:
        return not words.isdisjoint(self.around(position))


_QUOTES = frozenset("\"'“”‘’«»„‟`")


def trim_quotes(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """``start``..``end`` without quote marks and spaces at either edge."""
    while start < end and (doc[start].is_quote or doc[start].text in _QUOTES
                           or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_quote or doc[end - 1].text in _QUOTES
                           or doc[end - 1].is_space):
        end -= 1
    return start, end


def longest_per_label(ordered: list[tuple[int, Span]]) -> list[Span]:
    """Of overlapping (rule order, span) pairs of one label, the longest (then earliest,
    then the earlier rule's), sorted by position."""
    by_label: dict[str, list[tuple[int, Span]]] = {}
    for order, span in ordered:
        by_label.setdefault(span.label_, []).append((order, span))
    kept: list[Span] = []
    for candidates in by_label.values():
        # Longest first, then earliest, then the earlier rule: deterministic ids.
        candidates.sort(key=lambda item: (-len(item[1]), item[1].start, item[0]))
        taken: set[int] = set()
        for _order, span in candidates:
            if taken.isdisjoint(range(span.start, span.end)):
                kept.append(span)
                taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda span: (span.start, span.end, span.label_))
