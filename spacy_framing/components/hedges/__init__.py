"""``framing_hedges``: epistemic markers (HEDGE, BOOSTER) written to ``doc.spans``.

Cues are data: one JSON object a line (``spacy_framing/data/hedges.jsonl``), each with an
``id``, a ``label`` and either a token ``pattern`` (spaCy Matcher) or a ``phrase`` (a string
or a list of strings, matched on ``phrase_matcher_attr``, NORM by default, so "rumour" and
"rumor" or ’ and ' match alike). A rule may add context conditions in the manner of
medspaCy ConText cue rules; a match is kept only when all of them hold:

``requires_prev`` / ``requires_next``
    at least one of these word sequences must come right before / after the cue;
``not_before`` / ``not_after``
    none of these word sequences may come right before / after the cue;
``pos``
    the cue's first token must carry one of these coarse POS tags (checked only when the
    pipeline has a tagger);
``exclude_ent``
    no cue token may sit in a named entity of these types (checked only with NER).

A word sequence is a string of space-separated items. A lowercase item matches a token's
lower-case or NORM form; an upper-case item is a class from a fixed, validated set (see
``_CONTEXT_CLASSES``): ``NUM``, ``CURRENCY``, ``PUNCT``, ``TITLE``, ``ANY``, the sentence
edges ``BOS``/``EOS`` and the coarse POS tags, which only match when the pipeline has a
tagger. Context never crosses a sentence boundary.

After the conditions, overlapping matches are resolved longest-first ("no doubt" is a
BOOSTER, not the HEDGE "doubt"). Rules labelled ``PSEUDO`` (ConText's pseudo-modifiers)
take part in that contest and are then dropped: a PSEUDO rule for "you may leave"
silences the modal "may" inside it. Each span's ``id_`` is its rule id. A rule's optional
``group`` (epistemic, approximator, hearsay, weasel, conditional, booster in the bundled
file) lets ``exclude_groups`` switch whole kinds of cue off.

Profiles name a fixed set of excluded groups for an annotation scheme other than the
codebook (``PROFILES``):

``codebook`` (default)
    every group: the codebook's HEDGE includes approximators ("about 300"), hearsay
    ("is said to", "claims") and weasel attributions ("analysts say").
``szeged``
    drops approximator, hearsay, weasel and conditional. The Szeged Uncertainty Corpus
    (Vincze 2015) marks *semantic* uncertainty (epistemic and doxastic cues); it files
    weasels and vague quantities under *discourse-level* uncertainty and "assuming"/"if"
    under condition cues, none of which the converted gold in ``shared/data/hedging``
    marks as HEDGE. Scoring the codebook rules against it counts those cues as false
    positives although both schemes agree on them being what they are.

``exclude_groups`` adds to the profile's groups.

Sentence flags: ``Doc._.hedge_density`` (HEDGE cues per 100 tokens) and
``Span._.is_uncertain`` (the span overlaps a sentence with at least one HEDGE cue), read
from the plain-data ``Doc._.uncertain_sentences`` (token offsets of those sentences).
"""

from .component import PROFILES, HedgeTagger, make_hedges
from .conditions import HEDGE_SCHEMA

__all__ = ["HEDGE_SCHEMA", "PROFILES", "HedgeTagger", "make_hedges"]
