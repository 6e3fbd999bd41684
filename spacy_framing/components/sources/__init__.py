"""``framing_sources``: who is quoted, and which framing belongs to them (codebook §3).

For every reported statement the component writes one ``SOURCE`` span (the speaker mention)
to ``doc.spans[spans_key]``, carrying the reporting cue, the reported content, the source
type (official, expert, media, unnamed), the resolved speaker name and the actor the speaker
belongs to. Framing and hedge spans that sit inside reported content get
``Span._.in_quote = True`` so that the outlet's own voice can be told from quoted voices.

How statements are found:

* reporting verbs from the cue lexicon (``data/sources.jsonl``, found with PhraseMatchers on
  LEMMA and LOWER) are walked in the dependency parse to their subject (the source) and
  clausal complement (the content): "X said (that) ...", "..., X said.", "X told Y ...",
  "..., saying ...";
* phrase cues ("according to X", "citing X") take their object as the source;
* quotations are paired by this module (curly and straight marks, paragraphs that continue
  a quote by reopening it), proposed attributions from ``textacy.extract.direct_quotations``
  are accepted when they agree with that pairing, and quotes without a cue of their own are
  attached to the adjacent cue or to the statement in the sentence before;
* stance verbs ("urged X to ...", "called for ...", "dismissed X as ...") take their object
  as the content when there is no clause or quotation (CUE ``object``/``needs``), and
  statement nouns take a that-clause ("the minister's assertion that ...", CUE_NOUN);
* the source type and actor come from the mention, its premodifiers, appositions and
  relative clauses, pooled over every mention of the same person; pronouns are resolved
  to the nearest earlier speaker or person of the right kind and gender.

Actors are state actors only: the framing_actors spans in the description (organisations
such as NATO are left out), else AFFILIATION rules for words that imply a state without
naming it ("Sen.", "D-Ore.", "House Republicans"), else, for office holders, the article's
home state: the one that most sources and mentions of domestic institutions belong to,
when it clearly dominates.

spaCy keys Span extension values by character offsets, so one speaker mention carries one
SOURCE span: "X said ..., adding ..." gives one span whose cue is the nearest reporting
word and whose ``content_spans`` hold both parts.

Everything stored on Docs is plain data (strings and token-offset tuples); Span-valued
attributes are getters over those offsets.

Modules: ``component`` (factory, pipe, serialization), ``rules`` (rule schema, loading,
named word lists), ``matchers``, ``index`` (the frozen per-Doc index), ``quotes``,
``cues``, ``attach`` (quotations given to statements), ``mentions`` (mentions, evidence,
types), ``pronouns``, ``home_state`` and ``attribution`` (the stages in order).
"""

from __future__ import annotations

from .component import SourceAttributor, make_sources
from .rules import DEFAULT_RULES_FILE, SOURCE_LABEL, SOURCE_TYPES, RuleError

__all__ = ["DEFAULT_RULES_FILE", "SOURCE_LABEL", "SOURCE_TYPES", "RuleError",
           "SourceAttributor", "make_sources"]
