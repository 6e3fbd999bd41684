"""Long documents in paragraph chunks: a 2-million-character article parsed as one Doc
takes gigabytes (the parser, the matchers and the span groups all grow with it), while
the same text in chunks of a few thousand words stays in a few hundred megabytes.

Chunks are cut at paragraph breaks (else line breaks, else sentence ends, else spaces),
are exact slices of the text, and their facts are stitched back with character offsets
and sentence indices shifted, so that downstream nothing can tell. Documents up to
:data:`LONG_TEXT_CHARS` are never cut: their facts are exactly those of one Doc.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .types import Facts

if TYPE_CHECKING:
    from spacy.language import Language

# A long news feature is ~60,000 characters; only beyond that are texts cut.
LONG_TEXT_CHARS = 100_000
CHUNK_CHARS = 20_000
# Docs parsed at once for a long document: bounds the memory of one nlp.pipe batch.
CHUNK_BATCH = 4
_BREAKS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?][\"'”’)]*\s+"),
           re.compile(r"\s+"))


def split_text(text: str, *, long_text: int = LONG_TEXT_CHARS,
               chunk_chars: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Cut a long text into consecutive chunks; shorter texts come back whole.

    text (str): The document.
    long_text (int): Texts up to this many characters are not cut.
    chunk_chars (int): Target size of a chunk.
    RETURNS (list[tuple[int, str]]): ``(offset, chunk)`` pairs whose chunks, joined,
        are ``text``.
    """
    if len(text) <= long_text:
        return [(0, text)]
    chunks: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > chunk_chars:
        end = _cut(text, start, chunk_chars)
        chunks.append((start, text[start:end]))
        start = end
    chunks.append((start, text[start:]))
    return chunks


def _cut(text: str, start: int, chunk_chars: int) -> int:
    """Where the chunk starting at ``start`` ends: after the last strong break in its
    second half (so that no chunk is tiny), else a hard cut."""
    window = text[start:start + chunk_chars]
    for pattern in _BREAKS:
        last = None
        for match in pattern.finditer(window, chunk_chars // 2):
            last = match
        if last is not None and last.end() < len(window):
            return start + last.end()
    return start + chunk_chars


def _shift_range(value: Any, offset: int) -> Any:
    if value is None:
        return None
    return [value[0] + offset, value[1] + offset]


def merge_facts(parts: Sequence[tuple[int, Facts]], text: str) -> Facts:
    """One document's facts from the facts of its chunks.

    parts (Sequence[tuple[int, Facts]]): ``(offset, facts)`` of each chunk, in order,
        each made by :func:`~spacy_framing.facts.doc_facts` with the document's record.
    text (str): The whole document's text.
    RETURNS (Facts): Facts whose offsets point into ``text``.
    """
    merged: Facts = {key: value for key, value in parts[0][1].items()
                     if key not in ("sentences", "spans", "sources")}
    merged.update(text=text, sentences=[], spans=[], sources=[])
    tokens = 0
    weighted_density = 0.0
    has_density = False
    for offset, facts in parts:
        shift = len(merged["sentences"])
        for sentence in facts["sentences"]:
            merged["sentences"].append({
                **sentence, "index": sentence["index"] + shift,
                "start_char": sentence["start_char"] + offset,
                "end_char": sentence["end_char"] + offset})
        for span in facts["spans"]:
            merged["spans"].append({
                **span, "start_char": span["start_char"] + offset,
                "end_char": span["end_char"] + offset, "sentence": span["sentence"] + shift})
        for source in facts["sources"]:
            merged["sources"].append({
                **source, "start_char": source["start_char"] + offset,
                "end_char": source["end_char"] + offset,
                "cue_span": _shift_range(source.get("cue_span"), offset),
                "content": [_shift_range(part, offset) for part in source.get("content") or []],
                "content_sentences": [i + shift for i in source.get("content_sentences") or []],
                "sentence": source["sentence"] + shift})
        n_tokens = int(facts.get("n_tokens") or 0)
        tokens += n_tokens
        if facts.get("hedge_density") is not None:
            has_density = True
            weighted_density += float(facts["hedge_density"]) * n_tokens
    merged["n_tokens"] = tokens
    # Per-100-token density of the whole text: the chunks' densities weighted by size.
    merged["hedge_density"] = (weighted_density / tokens if tokens else 0.0) \
        if has_density else None
    return merged


def pipe_facts(
    nlp: Language,
    records: Iterable[Mapping[str, Any]],
    *,
    batch_size: int = 32,
    n_process: int = 1,
    span_keys: Mapping[str, str] | None = None,
    on_chunk: Callable[[], None] | None = None,
) -> Iterator[Facts]:
    """Facts of each record, parsing long texts in chunks (see the module docstring).

    nlp (Language): The framing pipeline.
    records (Iterable[Mapping[str, Any]]): Records with ``text`` and header fields; a
        ``date`` becomes each Doc's ``Doc._.date``.
    batch_size (int): Docs per ``nlp.pipe`` batch.
    n_process (int): Processes of ``nlp.pipe``.
    span_keys (Mapping[str, str] | None): Span group names, as for ``doc_facts``.
    on_chunk (Callable[[], None] | None): Called after each Doc (a chunk or a whole
        text) is turned into facts, e.g. to advance a progress bar.
    YIELDS (Facts): One document's facts per record, in order.
    """
    from .dates import doc_input
    from .facts import doc_facts

    def pieces() -> Iterator[tuple[Any, tuple[Mapping[str, Any], int, bool]]]:
        for record in records:
            chunks = split_text(record["text"])
            for index, (offset, chunk) in enumerate(chunks):
                # A dated record's chunks carry its date (Doc._.date) into the pipeline.
                yield (doc_input(nlp, chunk, record.get("date")),
                       (record, offset, index == len(chunks) - 1))

    pending: list[tuple[int, Facts]] = []
    for doc, (record, offset, last) in nlp.pipe(pieces(), as_tuples=True,
                                                batch_size=batch_size, n_process=n_process):
        facts = doc_facts(doc, record, span_keys=span_keys)
        if on_chunk is not None:
            on_chunk()
        if offset == 0 and last:
            yield facts
            continue
        pending.append((offset, facts))
        if last:
            yield merge_facts(pending, record["text"])
            pending = []


def count_chunks(text: str) -> int:
    """How many Docs :func:`pipe_facts` parses for ``text``.

    text (str): The document.
    RETURNS (int): 1 for ordinary texts, the number of chunks for long ones.
    """
    return len(split_text(text))
