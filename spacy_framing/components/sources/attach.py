"""Quotations given to statements: content inside a quote, the cue right next to a
quote, textacy's proposals, surface attributions ("“...,” NAME, CUE") and continuations
(the rest of a multi-paragraph quote, a quote after the sentence naming its speaker)."""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right, insort
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy
from spacy.attrs import DEP, HEAD, LEMMA, POS, TAG
from spacy.tokens import Doc

from .cues import Statement, accept_source, verb_statement
from .index import DocIndex
from .mentions import is_descendant
from .quotes import Segment, first_non_space

# Most tokens between an attribution ("X said on Monday at a briefing:") and the quote it
# introduces; a longer gap belongs to another clause.
_MAX_CUE_GAP_TOKENS = 25
_MAX_TEXTACY_SENTENCES = 300


def attach_quotes(ix: DocIndex, statements: Sequence[Statement],
                  statement_at_cue: Mapping[int, int]
                  ) -> tuple[list[Statement], dict[int, int]]:
    """Give quotations to the statements they belong to, and make statements for
    quotes whose cue the parse did not connect.

    ix (DocIndex): The Doc's index.
    statements (Sequence[Statement]): Statements from cues, in the order found.
    statement_at_cue (Mapping[int, int]): Cue token -> position in ``statements``.
    RETURNS (tuple[list[Statement], dict[int, int]]): New statements (the given ones
        with quotes added, then new ones) and the cue map extended to them.
    """
    statements = [replace(s, heads=list(s.heads), contents=list(s.contents))
                  for s in statements]
    statement_at_cue = dict(statement_at_cue)
    segments = ix.segments
    if not segments:
        return statements, statement_at_cue
    # The statement each segment went to (-1: none yet), and whether it lies inside a
    # statement's indirect content.
    owners = [-1] * len(segments)
    consumed = [False] * len(segments)
    # 1. clausal content that lies inside a quote makes the statement a direct quote;
    #    a clause that contains quotes keeps them as part of its (mixed) content.
    for index, statement in enumerate(statements):
        if statement.method in ("phrase", "noun") or statement.quoted_cue:
            continue
        direct: list[int] = []
        for start, end in statement.contents:
            seg = ix.segment_at(start)
            if seg >= 0 and ix.segment_at(end - 1) == seg:
                direct.append(seg)
        if direct and len(direct) == len(statement.contents):
            statement.method = "direct"
            statement.contents = []
            for seg in dict.fromkeys(direct):
                if owners[seg] < 0:
                    owners[seg] = index
                statement.contents.append((segments[seg].start, segments[seg].end))
    for statement in statements:
        for start, end in statement.contents:
            for seg in _segments_within(ix, start, end):
                consumed[seg] = True
    # 2. the nearest cue right next to the quote.
    by_anchor = sorted((statement.anchor, index) for index, statement
                       in enumerate(statements))
    anchors = [anchor for anchor, _ in by_anchor]
    for seg, segment in enumerate(segments):
        if owners[seg] >= 0 or consumed[seg] or not segment.speech_like:
            continue
        close = max(segment.close_mark, segment.end)
        best: tuple[int, int] | None = None
        low = bisect_left(anchors, segment.open_mark - _MAX_CUE_GAP_TOKENS - 40)
        high = bisect_right(anchors, close + _MAX_CUE_GAP_TOKENS + 40)
        for anchor, index in by_anchor[low:high]:
            statement = statements[index]
            if statement.method in ("phrase", "noun") or (statement.method == "indirect"
                                                and statement.contents):
                continue
            if not _adjacent(ix, segment, statement):
                continue
            distance = min(abs(anchor - segment.open_mark), abs(anchor - close))
            if best is None or distance < best[0]:
                best = (distance, index)
        if best is not None:
            _give(owners, segment, seg, statements, best[1])
    # 3. textacy's attributions for quotes still without a speaker, where its quote
    #    pairing agrees with ours (it also knows a few reporting verbs we do not).
    if ix.use_textacy:
        pending = {seg for seg, segment in enumerate(segments)
                   if owners[seg] < 0 and not consumed[seg] and segment.speech_like}
        # Cues that step 2 already tried next to these quotes.
        tried = {statement.anchor for statement in statements
                 if statement.method not in ("phrase", "noun")
                 and not (statement.method == "indirect" and statement.contents)}
        for seg, cue_i in _textacy_cues(ix, pending, tried) if pending else ():
            segment = segments[seg]
            if owners[seg] >= 0 or consumed[seg]:
                continue
            index = statement_at_cue.get(cue_i)
            if index is None and cue_i not in ix.cues and not ix.in_quote(cue_i):
                statement = verb_statement(
                    ix, cue_i, {"id": ix.doc[cue_i].lemma_, "class": "speech"})
                if statement is not None:
                    index = len(statements)
                    statement_at_cue[cue_i] = index
                    statements.append(statement)
            if index is not None and _adjacent(ix, segment, statements[index]):
                _give(owners, segment, seg, statements, index)
    # 4. "“...,” NAME, apposition, CUE" read off the surface when the parse failed.
    for seg, segment in enumerate(segments):
        if owners[seg] >= 0 or consumed[seg] or not segment.speech_like:
            continue
        statement = _trailing_attribution(ix, segment)
        if statement is not None:
            statements.append(statement)
            _give(owners, segment, seg, statements, len(statements) - 1)
    # 5. continuation: the rest of a multi-paragraph quote, or a quote following the
    #    sentence in which its speaker was named.
    # Statements by their last token, kept sorted as continuations extend them.
    lasts = sorted((_last_token(ix, statement), index)
                   for index, statement in enumerate(statements))
    for seg, segment in enumerate(segments):
        if owners[seg] >= 0 or consumed[seg] or not segment.speech_like:
            continue
        owner = _group_owner(ix, owners, seg)
        if owner < 0:
            owner = _previous_statement(ix, segment, lasts)
        if owner >= 0:
            lasts.remove((_last_token(ix, statements[owner]), owner))
            _give(owners, segment, seg, statements, owner)
            insort(lasts, (_last_token(ix, statements[owner]), owner))
    return statements, statement_at_cue


def _last_token(ix: DocIndex, statement: Statement) -> int:
    """The statement's last token, counting a speaker description after the cue
    ("“...,” said X, a researcher at Y.")."""
    return max(_content_end(statement), _statement_tokens(ix, statement)[1])


def _trailing_attribution(ix: DocIndex, segment: Segment) -> Statement | None:
    """“...,” NAME[, apposition,] CUE — read off the surface when the parser did not
    attach the cue to the name (e.g. a cue verb parsed as a modifier)."""
    doc = ix.doc
    if segment.close_mark < 0:
        return None
    i = segment.close_mark + 1
    while i < len(doc) and doc[i].text == ",":
        i += 1
    if i >= len(doc):
        return None
    token = doc[i]
    if token.lower_ in ix.words.pronouns:
        head, after = i, i + 1
    elif token.ent_type_ == "PERSON" or token.pos_ == "PROPN":
        end = i + 1
        while end < len(doc) and (doc[end].ent_iob_ == "I" or (
                doc[end].pos_ == "PROPN" and token.ent_type_ != "PERSON")):
            end += 1
        head, after = end - 1, end
    else:
        return None
    if after < len(doc) and doc[after].text == ",":
        # Skip an apposition up to its closing comma, within the sentence.
        for j in range(after + 1, min(after + 40, len(doc))):
            if doc[j].text in (".", "!", "?") or doc[j].is_quote or j in ix.cues:
                break
            if doc[j].text == ",":
                after = j + 1
                break
        else:
            return None
    if after >= len(doc) or after not in ix.cues:
        return None
    if accept_source(ix, doc[head]) is None:
        return None
    record = ix.cues[after]
    return Statement(cue=(after, after + 1), cue_id=record["id"], cue_class="speech",
                     method="direct", heads=[head], anchor=after)


def _give(owners: list[int], segment: Segment, seg: int, statements: list[Statement],
          index: int) -> None:
    owners[seg] = index
    statement = statements[index]
    bounds = (segment.start, segment.end)
    if bounds not in statement.contents:
        statement.contents.append(bounds)
        statement.contents.sort()
    if statement.method == "indirect" and len(statement.contents) == 1:
        statement.method = "direct"


def _segments_within(ix: DocIndex, start: int, end: int) -> list[int]:
    first = bisect_left(ix.segment_starts, start - 1)
    found = []
    for seg in range(first, len(ix.segments)):
        segment = ix.segments[seg]
        if segment.open_mark >= end:
            break
        # A quotation opening inside the clause is part of it ("said it was “wrong
        # ...”"), even when the clause's last token falls before the closing mark.
        if segment.start >= start - 1 and segment.start < end:
            found.append(seg)
    return found


def _statement_tokens(ix: DocIndex, statement: Statement) -> tuple[int, int]:
    """Leftmost and rightmost token of the attribution clause (cue and source)."""
    doc = ix.doc
    low = statement.cue[0]
    high = statement.cue[1] - 1
    for head in statement.heads:
        token = doc[head]
        if token.i < low:
            low = min(low, token.left_edge.i)
        else:
            high = max(high, token.right_edge.i)
    return low, high


def _adjacent(ix: DocIndex, segment: Segment, statement: Statement) -> bool:
    """The quote sits right next to the attribution clause ("“...,” X said" /
    "X said: “...”"), with nothing in between but punctuation or the cue's own
    modifiers."""
    doc = ix.doc
    low, high = _statement_tokens(ix, statement)
    verb = doc[statement.anchor]
    close = segment.close_mark if segment.close_mark >= 0 else segment.end
    if close < low:
        gap = range(close + 1, low)
        if len(gap) > 3:
            return False
        return all(doc[i].is_punct or doc[i].is_space for i in gap)
    if segment.open_mark > high:
        gap = range(high + 1, segment.open_mark)
        if len(gap) > _MAX_CUE_GAP_TOKENS:
            return False
        for i in gap:
            token = doc[i]
            if token.is_space or token.text in (",", ":", "—", "–", "-"):
                continue
            if token.is_punct and token.text in (".", "!", "?", ";"):
                return False
            if ix.in_quote(i) or (i in ix.cues and i != verb.i):
                return False
            if not is_descendant(token, verb):
                return False
        return True
    return False


def _group_owner(ix: DocIndex, owners: list[int], seg: int) -> int:
    # Parts of one quote are consecutive segments; prefer the nearest earlier part
    # (the speaker introduced the quote), then the nearest later one.
    group = ix.segments[seg].group
    for step in (-1, 1):
        other = seg + step
        while 0 <= other < len(ix.segments) and ix.segments[other].group == group:
            if owners[other] >= 0:
                return owners[other]
            other += step
    return -1


def _previous_statement(ix: DocIndex, segment: Segment, lasts: list[tuple[int, int]]) -> int:
    doc = ix.doc
    sent = ix.sent_index(segment.open_mark)
    sent_start, _ = ix.sent_bounds(sent)
    first = first_non_space(doc, sent_start, segment.open_mark + 1)
    if first != segment.open_mark:
        return -1
    position = bisect_left(lasts, (segment.open_mark, -1))
    if position == 0:
        return -1
    best_end, best = lasts[position - 1]
    if sent - ix.sent_index(best_end) > ix.max_quote_gap_sentences:
        return -1
    # Nothing but the statement's own sentence(s) may sit between it and the quote;
    # the rest of that sentence may name the audience or the occasion ("told CNN on
    # Wednesday."), but not a clause of its own.
    _, own_end = ix.sent_bounds(ix.sent_index(best_end))
    for i in range(best_end + 1, segment.open_mark):
        token = doc[i]
        if token.is_punct or token.is_space or ix.in_quote(i):
            continue
        if i < own_end and token.pos_ not in ("VERB", "AUX"):
            continue
        return -1
    return best


def _textacy_cues(ix: DocIndex, pending: set[int], tried: set[int]) -> list[tuple[int, int]]:
    """(segment index, cue token) pairs proposed by textacy, whose quotation spans
    match one of our segments exactly. textacy gives up on a whole text with an odd
    number of quote marks, so it runs per paragraph."""
    from textacy.constants import REPORTING_VERBS
    from textacy.extract import direct_quotations

    doc = ix.doc
    # textacy can only add something where one of its reporting verbs is outside the
    # quotes and was not tried already: find those with one array lookup.
    strings = doc.vocab.strings
    verb_ids = numpy.array([strings.add(v) for v in REPORTING_VERBS["en"]],
                           dtype=numpy.uint64)
    lemmas = doc.to_array([LEMMA]).reshape(-1)
    untried = [int(i) for i in numpy.flatnonzero(numpy.isin(lemmas, verb_ids))
               if int(i) not in tried and not ix.in_quote(int(i))]
    if not untried:
        return []
    parse = doc.to_array(_PARSE_ATTRS)
    by_open = {s.open_mark: index for index, s in enumerate(ix.segments)
               if s.close_mark >= 0}
    bounds = [-1, *ix.paragraph_breaks, len(doc)]
    proposals: list[tuple[int, int]] = []
    for start, end in itertools.pairwise(bounds):
        start += 1
        first_seg = bisect_left(ix.segment_starts, start)
        last_seg = bisect_left(ix.segment_starts, end)
        if not any(seg in pending for seg in range(first_seg, last_seg)):
            continue  # textacy only where a quote still lacks a speaker
        if bisect_left(untried, end) == bisect_left(untried, start):
            continue
        if ix.sent_index(end - 1) - ix.sent_index(start) > _MAX_TEXTACY_SENTENCES:
            continue
        try:
            triples = list(direct_quotations(_paragraph_doc(doc, parse, start, end)))
        except ValueError:
            # textacy bails out on an odd number of quote marks; our own pairing and
            # the steps after this one still handle the paragraph.
            continue
        for triple in triples:
            seg = by_open.get(triple.content.start + start)
            if seg is None or ix.segments[seg].close_mark != triple.content.end - 1 + start:
                continue
            verbs = [t for t in triple.cue if t.pos_ == "VERB"] or list(triple.cue)
            proposals.append((seg, verbs[0].i + start))
    return proposals


_PARSE_ATTRS = [TAG, POS, LEMMA, DEP, HEAD]


def _paragraph_doc(doc: Doc, parse: numpy.ndarray, start: int, end: int) -> Doc:
    """``doc[start:end].as_doc()`` without its cost: Span.as_doc reads the arrays of the
    whole Doc on every call, which is quadratic over the paragraphs of a long text."""
    tokens = doc[start:end]
    paragraph = Doc(doc.vocab, words=[t.text for t in tokens],
                    spaces=[bool(t.whitespace_) for t in tokens])
    rows = parse[start:end].copy()
    head_column = _PARSE_ATTRS.index(HEAD)
    offsets = rows[:, head_column].astype(numpy.int64)
    targets = numpy.arange(start, end) + offsets
    outside = (targets < start) | (targets >= end)
    # A head outside the paragraph: the token becomes a root of its own.
    offsets[outside] = 0
    rows[:, head_column] = offsets.astype(numpy.uint64)
    rows[outside, _PARSE_ATTRS.index(DEP)] = doc.vocab.strings["ROOT"]
    paragraph.from_array(_PARSE_ATTRS, rows)
    return paragraph


def _content_end(statement: Statement) -> int:
    return max([statement.cue[1] - 1, *(end - 1 for _, end in statement.contents)])
