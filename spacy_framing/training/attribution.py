"""Attribution gold (PolNeAR, codebook SOURCE) -> training Docs for the attribution model.

The learned attribution step does not draw mention extents: ``framing_sources`` builds a
speaker's mention from its head token (name, title, institution and its premodifiers),
exactly as it does for the rules. So the model learns tokens: the head of a speaker and
the head of its cue. Gold spans become one-token spans on their syntactic head, found in
``en_core_web_sm``'s parse of the training text:

* ``SPEAKER`` / ``CUE``: speaker and cue of a reported statement (a PolNeAR attribution
  whose cue is a speech act, any codebook SOURCE);
* ``OTHER_SPEAKER`` / ``OTHER_CUE``: PolNeAR's attributed thoughts and intentions ("she
  believes"), kept apart so that the model does not learn them as "nothing here".

Training Docs hold only the annotated part of a record (as for the device categorizer):
PolNeAR ``Discard`` spans stay in the text, codebook records lose their unannotated
paragraphs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..benchmark import GoldDoc
from .docbin import annotated_text, rebase

SOURCES_MODEL_KEY = "sources_model"
"""The span group the trained attribution categorizer writes (``framing_sources`` reads
it)."""
SPEECH_LABELS: tuple[str, str] = ("SPEAKER", "CUE")
OTHER_LABELS: tuple[str, str] = ("OTHER_SPEAKER", "OTHER_CUE")
ATTRIBUTION_LABELS: tuple[str, ...] = (*SPEECH_LABELS, *OTHER_LABELS)


def head_token(doc: Doc, start: int, end: int) -> int | None:
    """The syntactic head of the characters ``start:end`` in a parsed Doc.

    doc (Doc): A parsed Doc.
    start (int): First character.
    end (int): Character after the last.
    RETURNS (int | None): The index of the span's syntactic root (spaCy's ``Span.root``),
        or None when the characters cover no token.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span.root.i


def _is_speech(attrs: dict[str, Any], *, polnear: bool) -> bool:
    return bool(attrs.get("speech")) if polnear else True


Locate = Callable[[int, int], "tuple[int, int] | None"]
"""Maps a record's character offsets to the training text's (None: not in it)."""


def attribution_spans(gold: GoldDoc, doc: Doc, locate: Locate) -> list[Span]:
    """One-token training spans for a gold document's SOURCE spans.

    gold (GoldDoc): A record read by ``read_gold`` (PolNeAR or codebook).
    doc (Doc): The training text, parsed.
    locate (Locate): Where a record's offsets are in ``doc.text``.
    RETURNS (list[Span]): Spans labelled with ``ATTRIBUTION_LABELS``, one per token.
    """
    polnear = gold.meta.get("format") == "polnear"
    labelled: dict[int, str] = {}
    for span in gold.spans:
        if span.label != "SOURCE":
            continue
        speaker_label, cue_label = (SPEECH_LABELS if _is_speech(span.attrs, polnear=polnear)
                                    else OTHER_LABELS)
        parts = [(span.start, span.end, speaker_label)]
        cue = span.attrs.get("cue")
        if cue:
            parts.append((cue["start"], cue["end"], cue_label))
        for start, end, label in parts:
            bounds = locate(start, end)
            head = head_token(doc, *bounds) if bounds is not None else None
            # A speech reading wins over another attribution's on the same token.
            if head is not None and labelled.get(head) not in SPEECH_LABELS:
                labelled[head] = label
    return [Span(doc, i, i + 1, label=label) for i, label in sorted(labelled.items())]


def _training_text(gold: GoldDoc) -> tuple[str, Locate]:
    """PolNeAR articles whole (Discard spans are few and short); codebook records cut to
    their annotated paragraphs."""
    if gold.meta.get("format") == "polnear":
        return gold.text, lambda start, end: (start, end)
    text, shifts = annotated_text(gold)
    return text, partial(rebase, shifts)


def attribution_docs(golds: Sequence[GoldDoc], nlp: Language, *, batch_size: int = 16
                     ) -> list[Doc]:
    """Training Docs for the attribution categorizer.

    golds (Sequence[GoldDoc]): PolNeAR or codebook gold documents.
    nlp (Language): The English model whose parse finds the heads (its tokenizer must be
        the one the trained component will see).
    batch_size (int): ``nlp.pipe`` batch size.
    RETURNS (list[Doc]): Parsed Docs with the gold in ``doc.spans[SOURCES_MODEL_KEY]``;
        records with no annotated text are left out.
    """
    cut = [(gold, *_training_text(gold)) for gold in golds]
    cut = [item for item in cut if item[1].strip()]
    docs: list[Doc] = []
    texts = (text for _, text, _ in cut)
    for (gold, _, locate), doc in zip(cut, nlp.pipe(texts, batch_size=batch_size),
                                      strict=True):
        doc.spans[SOURCES_MODEL_KEY] = attribution_spans(gold, doc, locate)
        doc.user_data["doc_id"] = gold.doc_id
        docs.append(doc)
    return docs
