"""What the trained attribution categorizer proposes, as the rules read it.

The categorizer (``configs/sources.cfg``, shipped in ``spacy_framing/models/sources``)
scores single tokens as the head of a speaker (``SPEAKER``) or of a reporting cue
(``CUE``) and writes them to ``doc.spans[model_key]``. The merge policy:

* a proposed cue that is a verb the cue lexicon does not hold becomes a cue, with the
  record :data:`MODEL_CUE` (a speech cue); the rules then walk it to its source and
  content like any other ("X quipped that ...");
* a proposed speaker is taken as the source of a cue verb whose subject the parse does not
  give ("..., the senator from Ohio in an interview on Sunday said"), the nearest one in the
  verb's sentence, outside quotations;
* a subject no role rule knows ("the airline said", "her friend told") is accepted as a
  source when it is proposed as a speaker;
* an attribution set inside the reported clause ("Cost estimates, he added, were ...")
  takes the clause around it as content when its cue or speaker is proposed;
* everything else stays the rules': quotation pairing, mention extents, types, actors and
  home states, in-quote flags. The rule id of a statement a proposal made says so
  (``sources.indirect.model``).

Without the span group (the ``rules`` profile, or a pipeline without the categorizer) the
component gives exactly the rules' output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy
from spacy.tokens import Doc

from ...types import Pattern

SPEAKER_LABEL = "SPEAKER"
CUE_LABEL = "CUE"
MODEL_CUE: Pattern = MappingProxyType({"label": "CUE", "id": "model", "class": "speech"})
"""The cue record of a verb the categorizer proposes."""
_VERB_POS = frozenset({"VERB"})


@dataclass(frozen=True)
class Proposals:
    """Tokens the categorizer proposes, with their scores, above the thresholds."""

    speakers: Mapping[int, float] = field(default_factory=dict)
    cues: Mapping[int, float] = field(default_factory=dict)


NO_PROPOSALS = Proposals()


def read_proposals(doc: Doc, key: str, *, speaker_threshold: float,
                   cue_threshold: float) -> Proposals:
    """The categorizer's one-token proposals in ``doc.spans[key]``.

    doc (Doc): The Doc.
    key (str): The span group the categorizer writes.
    speaker_threshold (float): Lowest score of a speaker proposal kept.
    cue_threshold (float): Lowest score of a cue proposal kept.
    RETURNS (Proposals): Speaker and cue heads by token index.
    """
    if key not in doc.spans:
        return NO_PROPOSALS
    group = doc.spans[key]
    raw = group.attrs.get("scores")
    # spancat_singlelabel stores one score per span, the multilabel one a row per span.
    scores = (numpy.asarray(raw, dtype="f").reshape(len(group), -1).max(axis=1)
              if raw is not None and len(group) else None)
    speakers: dict[int, float] = {}
    cues: dict[int, float] = {}
    for position, span in enumerate(group):
        score = float(scores[position]) if scores is not None else 1.0
        if span.label_ == SPEAKER_LABEL and score >= speaker_threshold:
            speakers[span.root.i] = score
        elif span.label_ == CUE_LABEL and score >= cue_threshold:
            cues[span.root.i] = score
    return Proposals(MappingProxyType(speakers), MappingProxyType(cues))


def cues_with_proposals(doc: Doc, cues: Mapping[int, Pattern], proposals: Proposals,
                        taken: frozenset[int]) -> dict[int, Pattern]:
    """The rule cues, plus proposed cue verbs at tokens no rule matched.

    doc (Doc): The Doc.
    cues (Mapping[int, Pattern]): Cue verbs the rules matched, by token.
    proposals (Proposals): The categorizer's proposals.
    taken (frozenset[int]): Tokens of phrase and noun cues (left to their rules).
    RETURNS (dict[int, Pattern]): Cue records by token.
    """
    merged = dict(cues)
    for i in proposals.cues:
        if i not in merged and i not in taken and doc[i].pos_ in _VERB_POS:
            merged[i] = MODEL_CUE
    return merged
