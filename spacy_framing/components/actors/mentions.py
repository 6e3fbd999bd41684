"""Whether a matched alias is a mention: capitalised neighbours that make it part of
another name, entity boundaries.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..rules.lexicon import word_set

# Capitalised words that may stand next to an ambiguous alias or a person's surname
# without making it part of another name: titles ("President Putin"), compass words
# ("Northern Israel"), days and months ("Putin Tuesday"), headline function words.
_NEIGHBOURS_OK = word_set("actors", "NAME_NEIGHBOURS_OK")
_ENTITY_EXTRAS_OK = word_set("actors", "ENTITY_EXTRAS_OK")
GLUE_HYPHENS = ("-", "–")


def _is_sentence_start(token: Token) -> bool:
    return token.i == 0 or bool(token.is_sent_start)


def has_name_neighbour(doc: Doc, start: int, end: int, covered: set[int]) -> bool:
    """Whether a capitalised word that is not a title or another actor stands right
    before or after ``doc[start:end]`` ("Michael Jordan", "Chad Smith"): the blank-pipeline
    stand-in for NER."""
    if start > 0 and not _is_sentence_start(doc[start]):
        before = doc[start - 1]
        if before.is_alpha and before.is_title and not _is_sentence_start(before) \
                and before.text not in _NEIGHBOURS_OK and before.i not in covered:
            return True
    if end < len(doc) and not _is_sentence_start(doc[end]):
        after = doc[end]
        if after.is_alpha and after.is_title and after.text not in _NEIGHBOURS_OK \
                and after.i not in covered:
            return True
    return False


def entity_bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The named entity (start, end) that holds ``doc[start]``, or None."""
    if not doc[start].ent_type_:
        return None
    ent_start = start
    while doc[ent_start].ent_iob_ == "I" and ent_start > 0:
        ent_start -= 1
    ent_end = max(end, start + 1)
    while ent_end < len(doc) and doc[ent_end].ent_iob_ == "I":
        ent_end += 1
    return ent_start, ent_end


def entity_runs_on(doc: Doc, start: int, end: int, bounds: tuple[int, int],
                    covered: set[int]) -> bool:
    """Whether the entity holding the mention covers other name words ("Jordan River",
    "Hunter Biden") rather than only punctuation, "the" or other actor mentions."""
    ent_start, ent_end = bounds
    for index in (*range(ent_start, start), *range(end, ent_end)):
        token = doc[index]
        if not token.is_alpha or token.text in _ENTITY_EXTRAS_OK or index in covered \
                or token.text in _NEIGHBOURS_OK:
            continue
        return True
    return False
