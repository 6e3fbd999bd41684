"""Codebook gold records -> spaCy training Docs (``DocBin``).

Only the annotated part of a record becomes training text: a trailing
``meta.unannotated`` range (the rest of a long article) is cut off, and a paragraph that
holds page furniture an annotator masked is left out, so that unmarked text is never
taught as "no device here".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from ..benchmark import GoldDoc

DEVICE_LABELS: tuple[str, ...] = (
    "LOSS_OF_INFLUENCE", "FAIT_ACCOMPLI", "BARGAINING_CHIP", "DILEMMA", "STRATEGIC_GAME",
    "DEPENDENCY", "STABILITY", "ESCALATION", "LEGALITY", "EMOTION", "SILENCE")
"""The codebook's framing-device labels (section 1)."""
HEDGE_LABELS: tuple[str, ...] = ("HEDGE", "BOOSTER")
DEVICES_KEY = "framing_model"
"""The span group the trained device categorizer writes (``framing_merge`` reads it)."""


def _kept_paragraphs(gold: GoldDoc) -> list[tuple[int, int]]:
    text = gold.text
    limit = len(text)
    for start, end in gold.unannotated:
        if end >= len(text.rstrip()) and start < limit:
            limit = start
    kept: list[tuple[int, int]] = []
    position = 0
    for chunk in text[:limit].split("\n\n"):
        start, end = position, position + len(chunk)
        position = end + 2
        if not chunk.strip():
            continue
        if any(lo < end and start < hi for lo, hi in gold.unannotated):
            continue
        kept.append((start, end))
    return kept


Shifts = list[tuple[int, int, int]]
"""Kept paragraphs as (start in the record, end in the record, start in the cut text)."""


def annotated_text(gold: GoldDoc) -> tuple[str, Shifts]:
    """A record's annotated paragraphs joined by blank lines, and where each came from.

    gold (GoldDoc): A record read by ``spacy_framing.benchmark.read_gold``.
    RETURNS (tuple[str, Shifts]): The text ("" when nothing is annotated) and the shifts
        that ``rebase`` maps record offsets with.
    """
    pieces: list[str] = []
    shifts: Shifts = []
    target = 0
    for start, end in _kept_paragraphs(gold):
        if pieces:
            pieces.append("\n\n")
            target += 2
        pieces.append(gold.text[start:end])
        shifts.append((start, end, target))
        target += end - start
    return "".join(pieces), shifts


def rebase(shifts: Shifts, start: int, end: int) -> tuple[int, int] | None:
    """Record offsets ``start:end`` in the cut text, or None when they fall outside the
    kept paragraphs (or across two of them)."""
    for lo, hi, shifted in shifts:
        if lo <= start and end <= hi:
            return shifted + start - lo, shifted + end - lo
    return None


def gold_to_doc(gold: GoldDoc, nlp: Language, *, labels: Iterable[str],
                spans_key: str = DEVICES_KEY) -> Doc | None:
    """One training Doc from a gold record's annotated paragraphs.

    gold (GoldDoc): A record read by ``spacy_framing.benchmark.read_gold``.
    nlp (Language): Supplies the tokenizer (``nlp.make_doc``), which must be the one the
        trained component will see.
    labels (Iterable[str]): The labels to keep; other spans are ignored.
    spans_key (str): The span group to store the gold spans in.
    RETURNS (Doc | None): The Doc, or None when nothing of the record is annotated.
    """
    wanted = set(labels)
    text, shifts = annotated_text(gold)
    if not shifts:
        return None
    doc = nlp.make_doc(text)
    spans = []
    for span in gold.spans:
        if span.label not in wanted:
            continue
        bounds = rebase(shifts, span.start, span.end)
        if bounds is not None:
            made = doc.char_span(*bounds, label=span.label, alignment_mode="expand")
            if made is not None:
                spans.append(made)
    doc.spans[spans_key] = sorted(set(spans), key=lambda s: (s.start, s.end, s.label_))
    doc.user_data["doc_id"] = gold.doc_id
    return doc


def write_docbin(docs: Sequence[Doc], path: Path) -> Path:
    """Write ``docs`` to ``path`` as a ``.spacy`` file (``DocBin`` with user data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    return path


def story_of(gold: GoldDoc) -> str:
    """The unit a split keeps together: the story, event or article of a record."""
    meta = gold.meta
    return str(meta.get("story") or meta.get("event") or gold.doc_id)


def split_by_story(golds: Sequence[GoldDoc], *, dev_share: float, seed: int = 0
                   ) -> tuple[list[GoldDoc], list[GoldDoc]]:
    """Train and dev records, whole stories on one side (a seeded hash of the story key).

    golds (Sequence[GoldDoc]): The records to split.
    dev_share (float): Share of stories that go to dev (0 < dev_share < 1).
    seed (int): Changes which stories are drawn.
    RETURNS (tuple[list[GoldDoc], list[GoldDoc]]): (train, dev).
    """
    train: list[GoldDoc] = []
    dev: list[GoldDoc] = []
    for gold in golds:
        digest = hashlib.sha256(f"{seed}:{story_of(gold)}".encode()).digest()
        (dev if int.from_bytes(digest[:8], "big") / 2**64 < dev_share else train).append(gold)
    if not dev and len(train) > 1:
        dev.append(train.pop())
    return train, dev
