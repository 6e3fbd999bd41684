"""Doc -> facts: hand-built Docs (spans and extensions set by the test) and real parses for
the target's grammatical role."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from spacy_framing.facts import doc_facts, stream_facts

# Extensions as the component contracts define them. The real components register them
# with getters; the fixture below swaps in plain attributes for one test and then puts
# back exactly what was registered before, so other test modules are unaffected.
_SPAN_EXTENSIONS = ("source_type", "speaker", "actor", "in_quote", "cue", "content",
                    "content_spans", "is_uncertain")
_DOC_EXTENSIONS = ("hedge_density",)
_DEFAULTS: dict[str, Any] = {"in_quote": False, "content_spans": None}


def _swap(owner: type, name: str) -> Callable[[], None]:
    previous = owner.get_extension(name) if owner.has_extension(name) else None
    owner.set_extension(name, default=_DEFAULTS.get(name), force=True)

    def restore() -> None:
        if previous is None:
            owner.remove_extension(name)
            return
        default, method, getter, setter = previous
        if getter is not None:
            owner.set_extension(name, getter=getter, setter=setter, force=True)
        elif method is not None:
            owner.set_extension(name, method=method, force=True)
        else:
            owner.set_extension(name, default=default, force=True)

    return restore


@pytest.fixture
def hand_extensions() -> Iterator[None]:
    restores = [_swap(Span, name) for name in _SPAN_EXTENSIONS]
    restores += [_swap(Doc, name) for name in _DOC_EXTENSIONS]
    yield
    for restore in reversed(restores):
        restore()


TEXT = ('Officials in Beijing are worried. "China is losing influence over the region," '
        'said Ana Perez, an analyst. The ministry may respond. Trade was flat.')


def _span(doc: Doc, phrase: str, label: str, *, nth: int = 0, **kwargs: Any) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(phrase, start + 1)
    span = doc.char_span(start, start + len(phrase), label=label, **kwargs)
    assert span is not None, phrase
    return span


@pytest.fixture
def annotated(blank_nlp: Language, hand_extensions: None) -> Doc:
    doc = blank_nlp(TEXT)
    beijing = _span(doc, "Beijing", "ACTOR", kb_id="China", span_id="actor-capital")
    china = _span(doc, "China", "ACTOR", kb_id="China", span_id="actor-name")
    doc.spans["actors"] = [beijing, china]
    loss = _span(doc, "losing influence over", "LOSS_OF_INFLUENCE", span_id="loss-verb")
    loss._.in_quote = True
    worried = _span(doc, "worried", "EMOTION", span_id="emotion-adj")
    doc.spans["framing"] = [worried, loss]
    hedge = _span(doc, "may", "HEDGE", span_id="modal-may")
    doc.spans["hedges"] = [hedge]
    source = _span(doc, "Ana Perez", "SOURCE")
    source._.source_type = "expert"
    source._.speaker = "Ana Perez"
    source._.actor = "Spain"
    source._.cue = _span(doc, "said", "CUE")
    content = _span(doc, "China is losing influence over the region", "CONTENT")
    source._.content = content
    source._.content_spans = [content]
    doc.spans["sources"] = [source]
    doc._.hedge_density = 1.5
    sentences = list(doc.sents)
    sentences[2]._.is_uncertain = True
    return doc


def test_facts_of_a_hand_built_doc(annotated: Doc) -> None:
    facts = doc_facts(annotated, {"outlet": "Ledger", "doc_id": "d1", "title": "T",
                                  "date": "2024-01-02", "meta": {"path": "x.txt"}})
    assert (facts["outlet"], facts["doc_id"], facts["title"], facts["date"]) == \
        ("Ledger", "d1", "T", "2024-01-02")
    assert facts["text"] == TEXT and facts["meta"] == {"path": "x.txt"}
    assert facts["hedge_density"] == 1.5
    sentences = facts["sentences"]
    assert sentences[0]["text"].startswith("Officials in Beijing are worried.")
    assert all(TEXT[s["start_char"]:s["end_char"]] == s["text"] for s in sentences)
    assert sentences[0]["actors"] == ["China"]
    assert sentences[0]["lemmas"][:3] == ["officials", "in", "beijing"]
    assert sentences[0]["n_tokens"] == 5  # punctuation is not counted


def test_span_facts_carry_group_label_rule_and_voice(annotated: Doc) -> None:
    spans = doc_facts(annotated, {"outlet": "L", "doc_id": "d"})["spans"]
    by_label = {s["label"]: s for s in spans}
    loss = by_label["LOSS_OF_INFLUENCE"]
    assert (loss["group"], loss["rule"], loss["in_quote"]) == ("framing", "loss-verb", True)
    assert TEXT[loss["start_char"]:loss["end_char"]] == loss["text"] == "losing influence over"
    assert loss["sentence"] == 1
    assert by_label["EMOTION"]["in_quote"] is False
    assert by_label["HEDGE"]["group"] == "hedges" and by_label["HEDGE"]["sentence"] == 2
    actors = [s for s in spans if s["group"] == "actors"]
    assert [(a["text"], a["actor"], a["rule"]) for a in actors] == \
        [("Beijing", "China", "actor-capital"), ("China", "China", "actor-name")]
    assert [s["start_char"] for s in spans] == sorted(s["start_char"] for s in spans)


def test_source_facts_and_the_sentences_they_speak_in(annotated: Doc) -> None:
    facts = doc_facts(annotated, {"outlet": "L", "doc_id": "d"})
    (source,) = facts["sources"]
    assert source["speaker"] == "Ana Perez" and source["type"] == "expert"
    assert source["cue"] == "said" and TEXT[slice(*source["cue_span"])] == "said"
    assert [TEXT[s:e] for s, e in source["content"]] == \
        ["China is losing influence over the region"]
    assert source["actor"] == "Spain" and source["sentence"] == 1
    assert source["content_sentences"] == [1]
    assert facts["sentences"][1]["source_actors"] == ["Spain"]
    assert facts["sentences"][0]["source_actors"] == []


def test_uncertainty_comes_from_the_hedges_component(annotated: Doc) -> None:
    sentences = doc_facts(annotated, {"outlet": "L", "doc_id": "d"})["sentences"]
    assert [s["uncertain"] for s in sentences] == [False, False, True, False]


def test_uncertainty_falls_back_to_hedge_cues(blank_nlp: Language) -> None:
    # Without the hedges component's extension, a HEDGE cue makes a sentence uncertain.
    restore = _swap(Span, "is_uncertain")
    Span.remove_extension("is_uncertain")
    try:
        doc = blank_nlp("It may rain. It rains.")
        doc.spans["hedges"] = [doc.char_span(3, 6, label="HEDGE")]
        sentences = doc_facts(doc, {"outlet": "L", "doc_id": "d"})["sentences"]
    finally:
        Span.set_extension("is_uncertain", default=None)
        restore()
    assert [s["uncertain"] for s in sentences] == [True, False]


def test_facts_are_plain_json(annotated: Doc) -> None:
    facts = doc_facts(annotated, {"outlet": "L", "doc_id": "d"})
    assert json.loads(json.dumps(facts)) == facts


def test_doc_without_annotations_or_sentences(blank_nlp: Language) -> None:
    bare = Language().make_doc("No sentence boundaries here. None at all")
    facts = doc_facts(bare, {"outlet": "L", "doc_id": "d"})
    assert len(facts["sentences"]) == 1 and facts["spans"] == [] and facts["sources"] == []
    assert facts["sentences"][0]["roles"] == {}
    for text in ("", "   ", "\U0001f600\U0001f600"):
        facts = doc_facts(blank_nlp(text), {"outlet": "L", "doc_id": "d"})
        assert facts["spans"] == [] and isinstance(facts["sentences"], list)


def test_line_breaks_end_sentences(blank_nlp: Language, nlp_sm: Language) -> None:
    text = "Beijing weighs its options\nBy Staff Writer\n\nThe ministry said nothing. It waited."
    for nlp in (blank_nlp, nlp_sm):
        sentences = doc_facts(nlp(text), {"outlet": "L", "doc_id": "d"})["sentences"]
        assert [s["text"].strip() for s in sentences if s["n_tokens"]] == [
            "Beijing weighs its options", "By Staff Writer", "The ministry said nothing.",
            "It waited."]
    bare = Language().make_doc("First line\nSecond line")
    assert len(doc_facts(bare, {"outlet": "L", "doc_id": "d"})["sentences"]) == 2


# --- grammatical roles from a real parse ------------------------------------------------

ROLE_CASES = [
    ("Beijing quietly approved the plan.", "Beijing", "agent"),
    ("Moscow and Beijing signed the accord.", "Beijing", "agent"),
    ("The plan was drafted by Beijing.", "Beijing", "agent"),
    ("Moscow ignored Beijing.", "Beijing", "affected"),
    ("Beijing was excluded from the talks.", "Beijing", "affected"),
    ("The deal was presented to Beijing after the fact.", "Beijing", "affected"),
    ("Moscow is gaining leverage over Beijing.", "Beijing", "affected"),
    ("Beijing is losing its grip on the island.", "Beijing", "affected"),
    ("The pact could weaken Beijing's position.", "Beijing", "affected"),
    ("Analysts noted Beijing's decline in the region.", "Beijing", "affected"),
    ("Beijing's foreign minister cancelled the visit.", "Beijing", "agent"),
    ("Beijing is a large city.", "Beijing", "other"),
    ("Talks were held in Beijing.", "Beijing", "other"),
]


@pytest.mark.parametrize(("text", "mention", "role"), ROLE_CASES)
def test_target_role_from_the_parse(nlp_sm: Language, text: str, mention: str,
                                    role: str) -> None:
    doc = nlp_sm(text)
    doc.spans["actors"] = [_span(doc, mention, "ACTOR", kb_id="China")]
    facts = doc_facts(doc, {"outlet": "L", "doc_id": "d"})
    assert facts["sentences"][0]["roles"] == {"China": role}


def test_role_of_the_mention_highest_in_the_tree(nlp_sm: Language) -> None:
    doc = nlp_sm("Beijing rejected the claim that Moscow had sidelined Beijing.")
    doc.spans["actors"] = [_span(doc, "Beijing", "ACTOR", kb_id="China"),
                           _span(doc, "Beijing", "ACTOR", kb_id="China", nth=1)]
    roles = doc_facts(doc, {"outlet": "L", "doc_id": "d"})["sentences"][0]["roles"]
    assert roles == {"China": "agent"}


def test_stream_facts_keeps_record_order_and_meta(blank_nlp: Language) -> None:
    records = [{"text": f"Sentence number {i}.", "outlet": "A", "doc_id": str(i),
                "title": None, "date": None, "meta": {"line": i}} for i in range(5)]
    facts = list(stream_facts(blank_nlp, iter(records), batch_size=2))
    assert [f["doc_id"] for f in facts] == ["0", "1", "2", "3", "4"]
    assert facts[3]["meta"] == {"line": 3} and facts[3]["text"] == "Sentence number 3."
