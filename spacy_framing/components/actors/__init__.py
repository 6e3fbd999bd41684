"""``framing_actors``: mentions of states and collective political actors in ``doc.spans``.

Every mention is a span labelled ``ACTOR`` whose ``kb_id_`` is the canonical actor
("China", "United States", "NATO") and whose ``id_`` is the rule that found it:

``country_name`` / ``organization_name``
    a name or short form of a state (or observer) / of an organisation or group:
    "North Korea", "DPRK", "U.S.", "Britain", "NATO", "Hamas";
``demonym``
    "Chinese", "North Koreans", "American";
``capital``
    a capital used metonymically: "Beijing", "Kyiv", "Washington";
``institution``
    a state institution, listed ("the Kremlin", "Pentagon", "KCNA") or built from a name
    or demonym followed by an institution word ("China's Foreign Ministry", "the Russian
    government", "South Korea's Joint Chiefs of Staff");
``leader``
    a leader, minister or spokesperson in office on the document's date ("Xi Jinping",
    "Putin", "Lin Jian");
``user_alias``
    an alias given through the ``aliases`` setting or :meth:`ActorTagger.add_aliases`.

The gazetteer is data: ``spacy_framing/data/actors.jsonl`` (one actor per line, all 193 UN
member states, observers, organisations and groups), ``actors_leaders.jsonl`` (people; a
separate file so that it can be swapped or switched off) and ``actors_context.jsonl``
(token patterns next to a name, demonym or capital: ``extend`` rules grow the mention over
an institution word, ``reject`` rules drop it when a head such as "Post" or "-based"
follows, ``reject_before`` rules when a word such as "speaks" precedes; ``applies_to``
and ``actors`` narrow a rule to some alias kinds or actors, e.g. the US-state contexts of
"Georgia"). Each setting (``gazetteer``, ``leaders``, ``context``) is "bundled", a path,
or null for none. Aliases are matched case-sensitively (ORTH, plus apostrophe and
accent-free variants, and ALL CAPS for names): "US" is the United States, "us" is not;
"Turkey" may be the state, "turkey" never is. Datelines ("WASHINGTON --") name the place
of reporting, not an actor, and are left alone because capitals have no ALL-CAPS form.

Office holders and dates. Leader records list the offices their person held (``terms``:
role, actor, start, end; see :mod:`.offices`), 2000-2025 for the G20 states, North Korea,
Ukraine, Iran, Israel and the EU, UN and NATO heads. ``Doc._.date`` (an ISO date string,
see :mod:`spacy_framing.dates`) picks who held an office then: "Obama" in 2014 is the
United States, "Trump" in 2014 no state's; without a date any holder resolves. The people
named go to ``doc.spans[persons_key]`` (label ``PERSON``, ``kb_id_`` the person, in office
or not), with the one holder a title names on the date ("the Chinese president" in 2011
is Hu Jintao; rule id ``office``, from ``office`` context rules).

Ambiguity. Aliases listed under a record's ``ambiguous`` key ("Georgia", "Jordan", "Chad",
"Turkey", "Washington", ...) are kept only when the named-entity recognizer agrees (a
GPE/NORP/ORG/LOC/FAC entity that does not run on into other name words, PERSON for
people); on a pipeline without NER they are kept unless a capitalised name word sits
right before or after them ("Michael Jordan", "Chad Smith"). Single-word names of people
("Putin", "Trump") get the same neighbour test, so "Hunter Biden" is not Joe Biden, and
with NER no alias counts inside a PERSON name it begins ("Dutch Ruppersberger") or inside
an entity of a ``reject_ent_types`` type (LANGUAGE);
``short_names`` ("Xi", "Kim", "Wang") count only in documents that also name the person
in full. ``blockers`` are longer phrases that contain an alias but name something else
("Washington Post", "Latin America", "Jim Jordan"); they take part in the longest-match
contest and are then dropped. Longest match wins otherwise ("South Korea" is not also
"Korea"; "North Korean" is North Korea).
"""

from ..rules.component import BUNDLED
from .component import ActorTagger, make_actors
from .records import (
    ACTOR_SCHEMA,
    CONTEXT_FILE,
    CONTEXT_SCHEMA,
    DEFAULT_PERSONS_KEY,
    DEFAULT_SPANS_KEY,
    GAZETTEER_FILE,
    LABEL,
    LEADERS_FILE,
    PERSON_LABEL,
    RULE_CAPITAL,
    RULE_COUNTRY,
    RULE_DEMONYM,
    RULE_INSTITUTION,
    RULE_LEADER,
    RULE_OFFICE,
    RULE_ORGANIZATION,
    RULE_USER,
)

__all__ = [
    "ACTOR_SCHEMA",
    "BUNDLED",
    "CONTEXT_FILE",
    "CONTEXT_SCHEMA",
    "DEFAULT_PERSONS_KEY",
    "DEFAULT_SPANS_KEY",
    "GAZETTEER_FILE",
    "LABEL",
    "LEADERS_FILE",
    "PERSON_LABEL",
    "RULE_CAPITAL",
    "RULE_COUNTRY",
    "RULE_DEMONYM",
    "RULE_INSTITUTION",
    "RULE_LEADER",
    "RULE_OFFICE",
    "RULE_ORGANIZATION",
    "RULE_USER",
    "ActorTagger",
    "make_actors",
]
