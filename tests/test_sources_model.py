"""The learned attribution step: training Docs, proposals read by framing_sources, the
shipped categorizer in the default profile."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

import spacy_framing
from spacy_framing._loader import shipped_model_folder
from spacy_framing.benchmark import GoldDoc, GoldSpan
from spacy_framing.components.sources.learned import MODEL_CUE, read_proposals
from spacy_framing.training.attribution import SOURCES_MODEL_KEY, attribution_docs, head_token

# Sentences written for these tests (no shared text). The parses are given by hand, so the
# tests do not depend on what en_core_web_sm makes of them.
UNKNOWN_CUE = {
    "words": ["The", "mayor", "harrumphed", "that", "the", "budget", "was", "small", "."],
    "heads": [1, 2, 2, 6, 5, 6, 2, 6, 2],
    "deps": ["det", "nsubj", "ROOT", "mark", "det", "nsubj", "ccomp", "acomp", "punct"],
    "tags": ["DT", "NN", "VBD", "IN", "DT", "NN", "VBD", "JJ", "."],
    "pos": ["DET", "NOUN", "VERB", "SCONJ", "DET", "NOUN", "AUX", "ADJ", "PUNCT"],
}
# "Late Monday , the ministry in a statement denied that the port was sold ." with the
# subject misparsed as a noun modifier of "Monday": the rules find no subject for "denied".
NO_SUBJECT = {
    "words": ["Late", "Monday", ",", "the", "ministry", "in", "a", "statement", "denied",
              "that", "the", "port", "was", "sold", "."],
    "heads": [1, 8, 8, 4, 1, 4, 7, 5, 8, 13, 11, 13, 13, 8, 8],
    "deps": ["amod", "npadvmod", "punct", "det", "appos", "prep", "det", "pobj", "ROOT",
             "mark", "det", "nsubjpass", "auxpass", "ccomp", "punct"],
    "tags": ["JJ", "NNP", ",", "DT", "NN", "IN", "DT", "NN", "VBD", "IN", "DT", "NN", "VBD",
             "VBN", "."],
    "pos": ["ADJ", "PROPN", "PUNCT", "DET", "NOUN", "ADP", "DET", "NOUN", "VERB", "SCONJ",
            "DET", "NOUN", "AUX", "VERB", "PUNCT"],
}


@pytest.fixture(scope="module")
def sources_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("framing_sources")
    return nlp


def _parsed(nlp: Language, spec: dict) -> Doc:
    doc = Doc(nlp.vocab, words=spec["words"], heads=spec["heads"], deps=spec["deps"],
              tags=spec["tags"], pos=spec["pos"],
              sent_starts=[True] + [False] * (len(spec["words"]) - 1))
    return doc


def _propose(doc: Doc, marks: list[tuple[int, str, float]]) -> Doc:
    doc.spans[SOURCES_MODEL_KEY] = SpanGroup(
        doc, spans=[Span(doc, i, i + 1, label=label) for i, label, _ in marks],
        attrs={"scores": numpy.asarray([score for _, _, score in marks], dtype="f")})
    return doc


def _sources(doc: Doc) -> list[tuple[str, str, str]]:
    return [(s.text, s._.cue.text if s._.cue is not None else "", s.id_)
            for s in doc.spans["sources"]]


def test_without_proposals_the_rules_alone_run(sources_nlp: Language) -> None:
    assert _sources(sources_nlp(_parsed(sources_nlp, UNKNOWN_CUE))) == []
    assert _sources(sources_nlp(_parsed(sources_nlp, NO_SUBJECT))) == []


def test_a_proposed_cue_verb_becomes_a_cue(sources_nlp: Language) -> None:
    doc = _propose(_parsed(sources_nlp, UNKNOWN_CUE), [(2, "CUE", 0.9), (1, "SPEAKER", 0.9)])
    found = sources_nlp(doc)
    assert _sources(found) == [("mayor", "harrumphed", f"sources.indirect.{MODEL_CUE['id']}")]
    assert found.spans["sources"][0]._.content.text == "the budget was small"


def test_a_proposed_speaker_stands_in_for_a_missing_subject(sources_nlp: Language) -> None:
    doc = _propose(_parsed(sources_nlp, NO_SUBJECT), [(4, "SPEAKER", 0.8)])
    assert _sources(sources_nlp(doc)) == [("ministry", "denied", "sources.indirect.deny")]


def test_proposals_below_the_thresholds_are_ignored(sources_nlp: Language) -> None:
    sources = sources_nlp.get_pipe("framing_sources")
    doc = _propose(_parsed(sources_nlp, NO_SUBJECT), [(4, "SPEAKER", 0.4)])
    assert _sources(sources_nlp(doc)) == []
    proposals = read_proposals(doc, SOURCES_MODEL_KEY, speaker_threshold=0.3,
                               cue_threshold=sources.cue_threshold)
    assert dict(proposals.speakers) == {4: pytest.approx(0.4)}
    other = _propose(_parsed(sources_nlp, UNKNOWN_CUE), [(2, "OTHER_CUE", 0.99)])
    assert _sources(sources_nlp(other)) == []


@pytest.mark.parametrize("value", [-0.1, 1.5, "high", True])
def test_thresholds_are_validated(value: object) -> None:
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="threshold"):
        nlp.add_pipe("framing_sources", config={"speaker_threshold": value})


def test_thresholds_survive_serialization(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("framing_sources", config={"speaker_threshold": 0.7, "cue_threshold": 0.2})
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p").get_pipe("framing_sources")
    assert (loaded.speaker_threshold, loaded.cue_threshold) == pytest.approx((0.7, 0.2))


def test_training_docs_mark_heads(nlp_sm: Language) -> None:
    text = ("Valdoria's foreign minister said on Monday that talks would go on. "
            "Merivale's president believes the port is safe.")
    speaker = text.index("Valdoria's foreign minister")
    cue = text.index("said")
    other = text.index("Merivale's president")
    believes = text.index("believes")

    def source(start: int, end: int, cue_start: int, cue_end: int, speech: bool) -> GoldSpan:
        return GoldSpan(start, end, "SOURCE", {"cue": {"start": cue_start, "end": cue_end},
                                               "speech": speech})

    gold = GoldDoc(doc_id="p1", text=text, origin="test", meta={"format": "polnear"},
                   spans=[source(speaker, speaker + 27, cue, cue + 4, True),
                          source(other, other + 20, believes, believes + 8, False)])
    (doc,) = attribution_docs([gold], nlp_sm)
    marked = {(s.text, s.label_) for s in doc.spans[SOURCES_MODEL_KEY]}
    assert marked == {("minister", "SPEAKER"), ("said", "CUE"),
                      ("president", "OTHER_SPEAKER"), ("believes", "OTHER_CUE")}
    assert head_token(doc, 0, 0) is None


SHIPPED = (shipped_model_folder("sources") / "meta.json").is_file()


@pytest.mark.skipif(not SHIPPED, reason="no attribution categorizer shipped")
def test_default_profile_runs_the_shipped_categorizer(nlp_framing: Language) -> None:
    names = nlp_framing.pipe_names
    assert names.index("framing_sources_spancat") == names.index("framing_sources") - 1
    doc = nlp_framing("The minister said on Monday that the talks would go on.")
    assert {s.label_ for s in doc.spans[SOURCES_MODEL_KEY]} >= {"SPEAKER", "CUE"}
    assert [s.text for s in doc.spans["sources"]] == ["minister"]
    rules = spacy_framing.load(profile="rules")
    assert "framing_sources_spancat" not in rules.pipe_names
    assert rules.get_pipe("framing_sources").speaker_threshold == 0.5


@pytest.mark.skipif(not SHIPPED, reason="no attribution categorizer shipped")
def test_shipped_categorizer_is_left_out_without_its_tok2vec(blank_nlp: Language) -> None:
    from spacy_framing._loader import add_shipped_sources

    blank_nlp.add_pipe("framing_sources")
    with pytest.warns(UserWarning, match="'sources' model"):
        assert add_shipped_sources(blank_nlp) is False
    assert "framing_sources_spancat" not in blank_nlp.pipe_names
