"""Whether a matched alias is a mention: capitalised neighbours that make it part of
another name, entity boundaries.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from ..rules.lexicon import word_set
from .records import Alias

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


def accepts(doc: Doc, start: int, end: int, alias: Alias, *, has_ents: bool,
            covered: set[int], reject_ent_types: Sequence[str],
            agreeing_ent_types: Sequence[str]) -> bool:
    """Whether the match of ``alias`` over ``doc[start:end]`` is a mention: not inside an
    entity of a rejected type or a person's name it begins, and, for ambiguous aliases
    and one-word names of people, agreed by NER (or, without NER, not next to another
    capitalised name word).

    doc (Doc): The document.
    start (int): The match's first token.
    end (int): The token after the match.
    alias (Alias): What the matched string means.
    has_ents (bool): Whether the Doc has NER annotation.
    covered (set[int]): Tokens inside some alias match.
    reject_ent_types (Sequence[str]): Entity types no alias counts inside.
    agreeing_ent_types (Sequence[str]): Entity types that confirm an ambiguous alias.
    RETURNS (bool): Whether to keep the match.
    """
    if has_ents and reject_ent_types and alias.person is None and any(
        doc[index].ent_type_ in reject_ent_types for index in range(start, end)
    ):
        return False
    bounds = entity_bounds(doc, start, end) if has_ents else None
    if bounds is not None and alias.person is None and doc[start].ent_type_ == "PERSON" \
            and entity_runs_on(doc, end, end, (end, bounds[1]), covered):
        # A person's name that starts with an alias: "Dutch Ruppersberger".
        return False
    if not (alias.ambiguous or alias.single_word_name):
        return True
    if not has_ents:
        return not has_name_neighbour(doc, start, end, covered)
    if alias.ambiguous:
        agreeing = ("PERSON",) if alias.person else agreeing_ent_types
        if bounds is None or any(doc[index].ent_type_ not in agreeing
                                 for index in range(start, end)):
            return False
    return bounds is None or not entity_runs_on(doc, start, end, bounds, covered)
