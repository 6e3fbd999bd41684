"""``framing_devices``: framing devices (codebook section 1) written to ``doc.spans``.

Modules: ``schema`` (the rule record and its checks), ``patterns`` (pattern rewrites and
gate words), ``context`` (sentence words, collective actors) and ``component`` (the
factory and ``DeviceTagger``); the rule format for users is ``docs/rules.md``.

Rules are data, one JSON object a line, in the shape of spaCy's ``SpanRuler`` patterns.
The bundled rules live in ``spacy_framing/data/devices.jsonl`` (token patterns and
phrases) and ``spacy_framing/data/devices_dep.jsonl`` (``DependencyMatcher`` patterns).
Every record has an ``id`` (written to ``span.id_``, so users can see why a span fired)
and an UPPER_SNAKE_CASE ``label`` (the codebook's eleven or any label of the user's own),
plus exactly one of:

``pattern``
    a spaCy ``Matcher`` token pattern;
``phrase``
    a string or list of strings, matched case-insensitively (``LOWER``);
``dep_pattern``
    a spaCy ``DependencyMatcher`` pattern. ``span`` names the nodes whose smallest..largest
    token forms the span (default: all nodes); ``actor_nodes`` names nodes that must be a
    collective actor (see below).

Optional keys (word lists hold single lower-case words, compared with a token's
lower-case form and, for the sentence keys, its lemma):

``not_in_sentence`` / ``in_sentence``
    the match is dropped when the sentence holds one of these words ("game" near
    "quarterback") / holds none of them ("dangerous" only near "military", "nuclear", ...);
``not_preceded_by`` / ``not_followed_by``
    the match is dropped when the token right before / after it is one of these words
    ("federal law" before "enforcement");
``forms``
    ``{"lemma": ["irregular", "forms"]}`` for the LOWER fallback (below);
``note``
    free text for maintainers.

Without a lemmatizer (``spacy.blank("en")``) LEMMA matches nothing, so every token pattern
is compiled twice: as written, for annotated Docs, and as a fallback in which each LEMMA
becomes the LOWER set of its inflected forms (regular English inflection, a small table of
irregular verbs and the rule's ``forms``) and attributes only a trained pipeline sets (POS,
TAG, DEP, ...) are dropped; an ENT_TYPE condition becomes "a capitalised word that is not a
function word". Dependency rules need a parse and are skipped (warning W150) when a Doc has
none.

Speed: plain-word rules run on PhraseMatchers. Every other rule is gated by its required
plain-word tokens: one hash look-up per token finds them, and a rule's own Matcher runs only on
the few tokens around its rarest word when its other uncommon words occur nearby (a
dependency rule: on a copy of the sentence that holds all of them).

A collective actor (the experiencer of EMOTION, codebook: "emotions of private persons"
are not this) is a token inside ``doc.spans[actors_key]`` when ``framing_actors`` ran (but
not a person's name, rule id ``leader``: office holders count through their title), a
token in an entity of ``collective_ent_types`` (GPE, NORP, ORG), a noun from
``collective_nouns`` (government, administration, officials, Democrats, "we", ...) or a
person named with a sitting head-of-state title ("President X", "Prime Minister Y"; not
"former" or "vice").

Wherever a rule writes a straight apostrophe in a plain-text condition (LOWER, ORTH, NORM,
phrases, word lists), the typographic one matches too: "didn’t" is tokenized "did" + "n’t".

Spans are the cue, not the sentence: quote marks at the edges are trimmed, matches longer
than ``max_span_tokens`` are dropped (a dependency match falls back to its anchor, the
pattern's first node), spans with different labels may overlap and overlapping spans of
one label are reduced to the longest. Two spans of one label that touch or have one token
between them in the same clause ("sniping and finger-pointing") are joined into one span
that keeps the first rule's id: annotators mark such a run as one phrase.

A LEMMA condition also matches the capitalised lemma, because the English lemmatizer keeps
the case of proper nouns ("the Supreme Court" has the lemma "Court").

The same cue may carry different labels by context (``in_sentence`` / ``not_in_sentence``
pick one): "retaliate" is ESCALATION near military or security words and STRATEGIC_GAME
in a domestic political fight.
"""

from .component import (
    DEFAULT_ACTORS_KEY,
    DEFAULT_COLLECTIVE_ENT_TYPES,
    DEFAULT_COLLECTIVE_NOUNS,
    DEFAULT_MAX_SPAN_TOKENS,
    DEFAULT_RULE_FILES,
    DEFAULT_SPANS_KEY,
    DeviceTagger,
    make_devices,
)
from .schema import DEVICE_SCHEMA

__all__ = [
    "DEFAULT_ACTORS_KEY",
    "DEFAULT_COLLECTIVE_ENT_TYPES",
    "DEFAULT_COLLECTIVE_NOUNS",
    "DEFAULT_MAX_SPAN_TOKENS",
    "DEFAULT_RULE_FILES",
    "DEFAULT_SPANS_KEY",
    "DEVICE_SCHEMA",
    "DeviceTagger",
    "make_devices",
]
