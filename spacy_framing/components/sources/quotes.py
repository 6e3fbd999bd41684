"""Quotations: pairing quote marks into segments, trimming content, flagging spans.

Curly and straight marks are paired per paragraph; a quote left open at a paragraph's end
continues in the next paragraph only when that one starts by reopening it. Single quotes
act as quotation marks only in paragraphs without double ones (British style).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy
from spacy.attrs import IS_PUNCT, IS_QUOTE, IS_SPACE, IS_STOP, IS_TITLE, POS
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc

_DOUBLE_OPEN = frozenset({"“", "„", "«", "``"})
_DOUBLE_CLOSE = frozenset({"”", "»", "''"})
_DOUBLE_AMBIGUOUS = frozenset({'"', "″", "＂"})
_SINGLE_OPEN = frozenset({"‘", "‚", "‹"})
_SINGLE_CLOSE = frozenset({"’", "›"})
_SINGLE_AMBIGUOUS = frozenset({"'"})
# Punctuation dropped at the edges of reported content.
CONTENT_EDGE_SKIP = frozenset({",", ";", ":", "—", "–", "-"})


@dataclass(frozen=True)
class Segment:
    """One contiguous run of quoted text (content excludes the marks)."""

    open_mark: int
    close_mark: int  # -1 when the paragraph ends before the quote closes
    start: int
    end: int
    group: int  # segments of one quote that runs over several paragraphs share a group
    speech_like: bool = True


def _mark_orientation(doc: Doc, i: int) -> str:
    """'open', 'close' or '' from the spacing around a quote mark."""
    token = doc[i]
    space_before = i == 0 or bool(doc[i - 1].whitespace_) or doc[i - 1].is_space \
        or doc[i - 1].text in "([{—–"
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    space_after = bool(token.whitespace_) or nxt is None or nxt.is_space \
        or (nxt.is_punct and not nxt.is_quote and nxt.text not in "([{")
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return ""


def find_segments(doc: Doc, paragraph_breaks: Sequence[int]) -> list[Segment]:
    """The quoted runs of ``doc``, in text order, trimmed and marked speech-like or not.

    doc (Doc): The Doc.
    paragraph_breaks (Sequence[int]): Tokens of whitespace holding a line break.
    RETURNS (list[Segment]): The segments with content.
    """
    flags = doc.to_array([IS_QUOTE])
    mark_indices = [int(i) for i in numpy.flatnonzero(flags)] if len(doc) else []
    if not mark_indices:
        return []
    breaks = paragraph_breaks
    segments: list[Segment] = []
    # Marks per paragraph: single quotes act as quotation marks only in paragraphs
    # without double ones (British style), where apostrophes are told apart by spacing.
    by_paragraph: dict[int, list[int]] = {}
    for i in mark_indices:
        by_paragraph.setdefault(bisect_right(breaks, i), []).append(i)
    group = 0
    open_at = -1
    open_paragraph = -1
    unclosed_in = -2  # paragraph that ended inside a quote
    for paragraph in sorted(by_paragraph):
        marks = by_paragraph[paragraph]
        has_double = any(doc[i].text in _DOUBLE_OPEN | _DOUBLE_CLOSE | _DOUBLE_AMBIGUOUS
                         for i in marks)
        paragraph_end = breaks[paragraph] if paragraph < len(breaks) else len(doc)
        paragraph_start = breaks[paragraph - 1] + 1 if paragraph > 0 else 0
        if open_at >= 0 and paragraph != open_paragraph:
            # A quote left open in an earlier paragraph continues only when this
            # paragraph starts by reopening it.
            first = first_non_space(doc, paragraph_start, paragraph_end)
            if not (unclosed_in == paragraph - 1 and first in marks):
                open_at = -1
        for i in marks:
            text = doc[i].text
            if has_double:
                if text in _DOUBLE_OPEN:
                    kind = "open"
                elif text in _DOUBLE_CLOSE:
                    kind = "close"
                elif text in _DOUBLE_AMBIGUOUS:
                    kind = _mark_orientation(doc, i) or ("close" if open_at >= 0 else "open")
                else:
                    continue
                # Spacing overrides a curly mark typed the wrong way round, when the
                # spacing agrees with whether a quote is open.
                spaced = _mark_orientation(doc, i)
                if spaced and spaced != kind and text not in _DOUBLE_AMBIGUOUS \
                        and not (kind == "close" and open_at < 0):
                    kind = spaced if (spaced == "close") == (open_at >= 0) else kind
            else:
                spaced = _mark_orientation(doc, i)
                if text in _SINGLE_OPEN | _SINGLE_AMBIGUOUS and spaced == "open":
                    kind = "open"
                elif text in _SINGLE_CLOSE | _SINGLE_AMBIGUOUS and spaced == "close" \
                        and open_at >= 0:
                    kind = "close"
                else:
                    continue
            if kind == "open":
                if open_at >= 0 and open_paragraph == paragraph:
                    # An opening mark while a quote is open: the close was missing.
                    segments.append(Segment(open_at, -1, open_at + 1, i, group))
                    group += 1
                elif open_at >= 0:
                    pass  # reopening mark of a multi-paragraph quote: same group
                else:
                    group += 1
                open_at = i
                open_paragraph = paragraph
            elif open_at >= 0:
                segments.append(Segment(open_at, i, open_at + 1, i, group))
                open_at = -1
        if open_at >= 0 and open_paragraph == paragraph:
            segments.append(Segment(open_at, -1, open_at + 1, paragraph_end, group))
            unclosed_in = paragraph
            open_paragraph = -1
    features = doc.to_array([POS, IS_PUNCT, IS_SPACE, IS_TITLE, IS_STOP]) if segments else None
    trimmed: list[Segment] = []
    for segment in segments:
        start, end = trim(doc, segment.start, segment.end)
        if end > start:
            trimmed.append(replace(segment, start=start, end=end,
                                   speech_like=_is_speech_like(features, start, end)))
    return trimmed


def first_non_space(doc: Doc, start: int, end: int) -> int:
    """The first token in [start, end) that is no whitespace, or -1."""
    for i in range(start, min(end, len(doc))):
        if not doc[i].is_space:
            return i
    return -1


def _is_speech_like(features: numpy.ndarray, start: int, end: int) -> bool:
    """textacy's filter (at least two words, not a title) plus a verb: quoted names,
    titles and scare quotes are not statements. ``features`` holds POS, IS_PUNCT,
    IS_SPACE, IS_TITLE and IS_STOP per token."""
    rows = features[start:end]
    words = rows[(rows[:, 1] == 0) & (rows[:, 2] == 0)]
    if len(words) < 2:
        return False
    content_words = words[words[:, 4] == 0]
    if len(content_words) and content_words[:, 3].all():
        return False
    pos = words[:, 0]
    return bool(((pos == VERB) | (pos == AUX)).any())


def trim(doc: Doc, start: int, end: int, *, quotes: bool = True) -> tuple[int, int]:
    """Drop spaces and clause punctuation at both edges, and quote marks unless the
    content mixes quoted and unquoted words (``quotes=False``)."""
    while start < end and (doc[start].is_space or (quotes and doc[start].is_quote)
                           or doc[start].text in CONTENT_EDGE_SKIP):
        start += 1
    while end > start and (doc[end - 1].is_space or (quotes and doc[end - 1].is_quote)
                           or doc[end - 1].text in CONTENT_EDGE_SKIP):
        end -= 1
    if not quotes and end - start > 1:
        # A clause boundary can fall just inside a quotation's marks: drop a closing
        # mark at the start and an opening mark at the end.
        if doc[start].is_quote and _mark_orientation(doc, start) == "close":
            return trim(doc, start + 1, end, quotes=False)
        if doc[end - 1].is_quote and _mark_orientation(doc, end - 1) == "open":
            return trim(doc, start, end - 1, quotes=False)
    return start, end


def flag_in_quote(doc: Doc, key: str, reported: list[tuple[int, int]]) -> None:
    """Set ``Span._.in_quote`` on the spans of group ``key``: true inside one of the
    (sorted) ``reported`` token ranges, false elsewhere."""
    if key not in doc.spans or not reported:
        return
    starts = [start for start, _ in reported]
    for span in doc.spans[key]:
        inside = False
        # Reported ranges may nest (a quote inside indirect content): check every range
        # that starts at or before the span.
        for index in range(bisect_right(starts, span.start) - 1, -1, -1):
            start, end = reported[index]
            if start <= span.start and span.end <= end:
                inside = True
                break
        if inside:
            span._.in_quote = True
        elif span._.in_quote:
            span._.in_quote = False
