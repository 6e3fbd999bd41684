"""What ``--target`` names: an actor (a state, an organisation) or a person.

A person (an office holder the actors component knows: "Obama", "Hu Jintao") is compared
as that person: the sentences that mention them and those their statements are in, not
every sentence about their state. The report's header says which it is.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Errors

if TYPE_CHECKING:
    from spacy.language import Language

ACTOR, PERSON = "actor", "person"


class TargetError(ValueError):
    """The target cannot be resolved to an actor; the message suggests close names."""


@dataclass(frozen=True)
class Target:
    """A resolved target: its canonical name, its kind and, for a person, the actors they
    spoke for."""

    name: str
    kind: str = ACTOR
    actors: tuple[str, ...] = field(default=())

    @property
    def is_person(self) -> bool:
        return self.kind == PERSON

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "actors": list(self.actors)}


def as_target(target: str | Target) -> Target:
    """``target`` as a :class:`Target` (a plain string is an actor)."""
    return target if isinstance(target, Target) else Target(str(target))


def resolve_target(nlp: Language, target: str, aliases: Sequence[str] = ()) -> Target:
    """The target ``target`` names, after adding ``aliases`` to the actors pipe.

    A name of an office holder the actors component knows ("Obama", "Barack Obama") is a
    person (``aliases`` are for actors: with a person they raise); otherwise the canonical
    actor. An
    unknown target with aliases becomes a new actor of that name; an unknown target
    without aliases raises :class:`TargetError` listing close names.

    nlp (Language): A pipeline with a framing_actors component.
    target (str): The name given.
    aliases (Sequence[str]): Extra aliases of the target (an actor, never a person).
    RETURNS (Target): The resolved target.
    """
    pipe = actors_pipe(nlp)
    if pipe is None:
        raise TargetError(f"the pipeline ({', '.join(nlp.pipe_names)}) has no "
                          "framing_actors component, so no sentence can concern "
                          f"{target!r}; load it with spacy_framing.load()")
    target = target.strip()
    extra = [a.strip() for a in aliases if a and a.strip()]
    resolve_person = getattr(pipe, "resolve_person", None)
    person = resolve_person(target) if callable(resolve_person) else None
    if person is not None:
        if extra:
            raise TargetError(f"{target!r} names a person ({person}); --alias adds aliases "
                              "of an actor, not of a person")
        return Target(person, PERSON, tuple(pipe.person_actors(person)))
    canonical = pipe.resolve(target)
    if canonical is None:
        if not extra:
            known = sorted(pipe.known_actors())
            # Compared case-blind: "china" and "CHINA" are one letter from nothing.
            by_lower = {name.lower(): name for name in known}
            close = [by_lower[name] for name in difflib.get_close_matches(
                target.lower(), list(by_lower), n=5, cutoff=0.6)]
            suggestion = f" (did you mean {', '.join(close)}?)" if close else ""
            raise TargetError(Errors.E310.format(target=target, suggestion=suggestion,
                                                 count=len(known)))
        canonical = target
        extra = [target, *extra]
    if extra:
        pipe.add_aliases({canonical: extra})
    return Target(canonical)


def actors_pipe(nlp: Language) -> Any:
    """The pipeline's framing_actors component (anything with ``resolve`` and
    ``known_actors``), or None."""
    for _, pipe in nlp.pipeline:
        if callable(getattr(pipe, "resolve", None)) and \
                callable(getattr(pipe, "known_actors", None)):
            return pipe
    return None
