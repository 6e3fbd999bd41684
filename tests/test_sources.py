"""Tests for the framing_sources component (attribution, codebook section 3)."""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, DocBin, Span

from spacy_framing.components.rules import RuleError
from spacy_framing.components.sources import SOURCE_TYPES

AddPipe = Callable[..., object]

# A stand-in for framing_actors so that actor attribution can be tested on its own:
# it writes doc.spans["actors"] with the canonical actor as kb_id, as framing_actors does.
_TEST_ACTORS = {
    "Kenya": ["Kenya", "Kenyan", "Nairobi"],
    "Norway": ["Norway", "Norwegian", "Oslo"],
    "Chile": ["Chile", "Chilean"],
    "Ruritania": ["Ruritania", "Ruritanian", "Elena Vasko"],
}


@Language.factory("test_sources_actor_stub")
def _make_actor_stub(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    matcher = PhraseMatcher(nlp.vocab)
    for actor, aliases in _TEST_ACTORS.items():
        matcher.add(actor, [nlp.make_doc(alias) for alias in aliases])

    def add_actor_spans(doc: Doc) -> Doc:
        doc.spans["actors"] = [
            Span(doc, start, end, label="ACTOR", kb_id=nlp.vocab.strings[match_id])
            for match_id, start, end in matcher(doc)
        ]
        return doc

    return add_actor_spans


def _sources(doc: Doc) -> list[Span]:
    return list(doc.spans["sources"])


def _by_speaker(doc: Doc, speaker: str) -> list[Span]:
    return [s for s in doc.spans["sources"] if s._.speaker == speaker]


def _summary(doc: Doc) -> list[tuple]:
    return [(s.start, s.end, s.label_, s.id_, s._.source_type, s._.speaker, s._.actor,
             s._.cue.text if s._.cue is not None else None,
             tuple(c.text for c in s._.content_spans)) for s in doc.spans["sources"]]


@pytest.fixture
def sources_nlp(nlp_sm: Language, added_pipes: AddPipe) -> Language:
    added_pipes("framing_sources")
    return nlp_sm


# --- direct quotations -----------------------------------------------------------------


def test_direct_quote_speaker_after_curly_marks(sources_nlp: Language) -> None:
    doc = sources_nlp("“The harbour will reopen next week,” said Maria Okafor, a spokeswoman "
                      "for the transport ministry.")
    (source,) = _sources(doc)
    assert source.text == "Maria Okafor"
    assert source.label_ == "SOURCE"
    assert source._.cue.text == "said"
    assert source._.content.text == "The harbour will reopen next week"
    assert source._.source_type == "official"
    assert source._.speaker == "Maria Okafor"
    assert not source._.in_quote


def test_direct_quote_speaker_before_straight_marks(sources_nlp: Language) -> None:
    doc = sources_nlp('Tom Reyes told reporters: "We have no plans to raise taxes this year."')
    (source,) = _sources(doc)
    assert source.text == "Tom Reyes"
    assert source._.cue.text == "told"
    assert source._.content.text.startswith("We have no plans to raise taxes")
    assert '"' not in source._.content.text


def test_multi_sentence_quote_is_one_content(sources_nlp: Language) -> None:
    doc = sources_nlp("“The talks went well. Both sides want a deal,” the envoy said.")
    (source,) = _sources(doc)
    assert source._.content.text == "The talks went well. Both sides want a deal"
    assert source._.source_type == "official"  # one identifiable office holder


def test_quote_broken_by_attribution_has_two_parts(sources_nlp: Language) -> None:
    doc = sources_nlp('Lena Park runs the budget office. "We are ready," she said, "but the '
                      'other side is not."')
    (source,) = _sources(doc)
    assert source.text == "she"
    assert source._.speaker == "Lena Park"
    assert [c.text for c in source._.content_spans] == ["We are ready",
                                                         "but the other side is not."]


def test_quote_continuing_in_next_paragraph(sources_nlp: Language) -> None:
    text = ("Rita Gomez, who chairs the water board, spoke at length on Monday.\n"
            "“The reservoir is at its lowest level in forty years. We are asking every "
            "household to cut use by a fifth.\n\n"
            "“If it does not rain by October, we will ration supply,” she said.")
    doc = sources_nlp(text)
    (source,) = _sources(doc)
    assert source._.speaker == "Rita Gomez"
    parts = [c.text for c in source._.content_spans]
    assert len(parts) == 2
    assert parts[0].startswith("The reservoir is at its lowest level")
    assert parts[1] == "If it does not rain by October, we will ration supply"


def test_quote_after_sentence_naming_the_speaker(sources_nlp: Language) -> None:
    text = ("Economist Jonas Berg said the central bank had waited too long.\n\n"
            "“Every month of delay makes the correction harder. Households will feel it "
            "first.”")
    doc = sources_nlp(text)
    (source,) = _sources(doc)
    assert source._.speaker == "Jonas Berg"
    parts = [c.text for c in source._.content_spans]
    assert parts[0] == "the central bank had waited too long"
    assert parts[1].startswith("Every month of delay")


def test_unclosed_quote_does_not_stop_other_quotes(sources_nlp: Language) -> None:
    # An odd number of quote marks makes textacy give up on the whole text; the paired
    # quotes must still be attributed.
    text = ('Officials were cautious. "We expect more rain," said Ines Duarte, the '
            'regional governor.\n\nA sign at the gate read "closed.')
    doc = sources_nlp(text)
    assert [s._.speaker for s in _sources(doc)] == ["Ines Duarte"]


def test_scare_quotes_and_titles_are_not_statements(sources_nlp: Language) -> None:
    doc = sources_nlp('The so-called "peace dividend" never came. She read "War and Peace" '
                      "twice.")
    assert _sources(doc) == []


# --- indirect speech and phrase cues ---------------------------------------------------


def test_indirect_speech_with_and_without_that(sources_nlp: Language) -> None:
    doc = sources_nlp("The finance minister said that inflation would ease by summer. "
                      "Bank economists said growth had stalled.")
    minister, economists = _sources(doc)
    assert minister.text == "finance minister"
    assert minister._.content.text == "inflation would ease by summer"
    assert minister._.source_type == "official"
    assert economists.text == "Bank economists"
    assert economists._.content.text == "growth had stalled"
    assert economists._.source_type == "unnamed"


def test_attribution_after_the_content(sources_nlp: Language) -> None:
    doc = sources_nlp("Prices will rise again next year, the agency's chief economist added.")
    (source,) = _sources(doc)
    assert source._.cue.text == "added"
    assert source._.content.text == "Prices will rise again next year"


def test_according_to(sources_nlp: Language) -> None:
    doc = sources_nlp("The factory closed in March, according to the city's planning office.")
    (source,) = _sources(doc)
    assert source._.cue.text == "according to"
    assert source.text == "city's planning office"
    assert source._.content.text == "The factory closed in March"
    assert source._.source_type == "official"
    assert source.id_ == "sources.phrase.according_to"


@pytest.mark.parametrize(("text", "cue"), [
    ("Environmental groups panned the plan to widen the highway.", "panned"),
    ("The ministry cited rising costs as the reason for the delay.", "cited"),
])
def test_stance_cues(sources_nlp: Language, text: str, cue: str) -> None:
    (source,) = _sources(sources_nlp(text))
    assert source._.cue.text == cue


def test_belief_verb_needs_a_clause(sources_nlp: Language) -> None:
    doc = sources_nlp("Western diplomats believe the deal will hold. Diplomats believe in "
                      "patience.")
    (source,) = _sources(doc)
    assert source._.cue.text == "believe"
    assert source._.source_type == "unnamed"


@pytest.mark.parametrize("text", [
    "The committee said nothing.",
    "The law states that fees must be paid.",
    "He added salt to the soup.",
    "I think the plan will fail.",
    "The data suggest that prices rose.",
    "They will seek to clarify that the rule still applies.",
    "He declined to say whether the talks had failed.",
    "If she believes the report is wrong, she can appeal.",
    "Asked whether the plan would pass, the mayor smiled.",
    "A voter who believes he or she was misled can complain.",
])
def test_no_source_without_a_speaker_or_statement(sources_nlp: Language, text: str) -> None:
    assert _sources(sources_nlp(text)) == []


# --- speakers, types and actors --------------------------------------------------------


def test_pronoun_resolved_from_previous_sentence(sources_nlp: Language) -> None:
    doc = sources_nlp("Maria Santos is the mayor of Porto Verde. She said the bridge would be "
                      "rebuilt within a year.")
    (source,) = _sources(doc)
    assert source.text == "She"
    assert source._.speaker == "Maria Santos"


def test_pronoun_prefers_the_previous_speaker(sources_nlp: Language) -> None:
    doc = sources_nlp("“The vote was fair,” said Karl Jensen, a senior fellow at the Baltic "
                      "Policy Institute. He added that turnout had been high.")
    first, second = _sources(doc)
    assert second.text == "He"
    assert second._.speaker == "Karl Jensen"
    assert second._.source_type == first._.source_type == "expert"


def test_short_name_resolves_to_full_name(sources_nlp: Language) -> None:
    doc = sources_nlp("Hannah Weiss, a historian at Lakeside University, said the border "
                      "was drawn in haste. “Nobody asked the villagers,” Weiss said.")
    speakers = [s._.speaker for s in _sources(doc)]
    assert speakers == ["Hannah Weiss", "Hannah Weiss"]
    assert {s._.source_type for s in _sources(doc)} == {"expert"}


@pytest.mark.parametrize(("text", "speaker", "source_type"), [
    ("Paul Grant, a senior fellow at the Lakeside Institute, said the ceasefire was "
     "fragile.", "Paul Grant", "expert"),
    ("Omar Haddad, a former defense minister, warned that the border could close.",
     "Omar Haddad", "expert"),
    ("Defense ministry spokesman Arturo Vidal said the drills would continue.",
     "Arturo Vidal", "official"),
    ("Senator Joan Pike, who sits on the budget committee, said the bill was dead.",
     "Joan Pike", "official"),
    ("U.S. Attorney Dana Ruiz said the office would appeal.", "Dana Ruiz", "official"),
    ("Jonah Price, a lawyer for the family, said the ruling was unfair.", "Jonah Price",
     "expert"),
    ("Senior administration officials said the review was over.",
     "Senior administration officials", "unnamed"),
    # Affiliated but anonymous: no identifiable person (codebook section 3; the gold
    # annotators agree), unlike the body itself or its named spokesperson.
    ("Pentagon officials said the review was over.", "Pentagon officials", "unnamed"),
    ("A White House official said the review was over.", "White House official", "unnamed"),
    ("The Pentagon said the review was over.", "Pentagon", "official"),
    ("A spokeswoman for Governor Lena Moss said the review was over.", "spokeswoman",
     "official"),
    ("Analysts say the currency will weaken.", "Analysts", "unnamed"),
    ("The official said the review was over.", "official", "unnamed"),
    ("The governor said the review was over.", "governor", "official"),
    ("Republicans said the review was over.", "Republicans", "official"),
    ("Some Republicans said the review was over.", "Republicans", "unnamed"),
    ("Critics argued that the plan was rushed.", "Critics", "unnamed"),
    ("A source close to the negotiations said the talks had stalled.", "source", "unnamed"),
    # A candidate's campaign is a party body; unions and associations are organisations.
    ("Her campaign said the rally would go ahead.", "Her campaign", "official"),
    ("The teachers' union said the strike would go ahead.", "teachers' union", "expert"),
    ("Reuters reported that the mine would close.", "Reuters", "media"),
    ("The newspaper reported that three workers were hurt.", "newspaper", "media"),
    ("The New York Times reported on Sunday that the plant had been sold.",
     "New York Times", "media"),
])
def test_source_types(sources_nlp: Language, text: str, speaker: str,
                      source_type: str) -> None:
    (source,) = _sources(sources_nlp(text))
    assert source._.speaker == speaker
    assert source._.source_type == source_type
    assert source._.source_type in SOURCE_TYPES


def test_actor_from_actor_spans(nlp_sm: Language, added_pipes: AddPipe) -> None:
    added_pipes("test_sources_actor_stub")
    added_pipes("framing_sources")
    doc = nlp_sm("Kenyan lawmaker Peter Mwangi said the vote would be delayed. Elena Vasko "
                 "said talks would resume. Norwegian officials believe the fund is safe. "
                 "“Prices are stable,” said Ana Rojas, an economist at the Chilean central "
                 "bank.")
    actors = {s._.speaker: s._.actor for s in _sources(doc)}
    assert actors["Peter Mwangi"] == "Kenya"  # premodifier
    assert actors["Elena Vasko"] == "Ruritania"  # the name itself is an actor alias
    assert actors["Norwegian officials"] == "Norway"  # inside the source span
    assert actors["Ana Rojas"] == "Chile"  # apposition
    assert {s._.speaker: s._.source_type for s in _sources(doc)}["Elena Vasko"] == "official"


def test_actor_is_none_without_actor_spans(sources_nlp: Language) -> None:
    doc = sources_nlp("Kenyan lawmaker Peter Mwangi said the vote would be delayed.")
    (source,) = _sources(doc)
    assert "actors" not in doc.spans
    assert source._.actor is None


# --- in_quote flags on framing and hedge spans -----------------------------------------


def test_in_quote_flags(nlp_sm: Language, added_pipes: AddPipe) -> None:
    framing = added_pipes("span_ruler", name="test_framing_ruler",
                          config={"spans_key": "framing"})
    framing.add_patterns([{"label": "BARGAINING_CHIP", "pattern": "bargaining chip"}])
    hedges = added_pipes("span_ruler", name="test_hedge_ruler", config={"spans_key": "hedges"})
    hedges.add_patterns([{"label": "HEDGE", "pattern": "probably"}])
    added_pipes("framing_sources")
    doc = nlp_sm("“The prisoners are probably a bargaining chip now,” said Ivan Petrov, an "
                 "analyst at the Northern Policy Institute. The ministry probably sees the "
                 "prisoners as a bargaining chip too. Officials said the exchange was "
                 "probably close.")
    framing_flags = [(s.start_char, s._.in_quote) for s in doc.spans["framing"]]
    hedge_flags = [s._.in_quote for s in doc.spans["hedges"]]
    assert [flag for _, flag in framing_flags] == [True, False]
    assert hedge_flags == [True, False, True]  # the last one is in indirect speech


# --- pipelines without a parser, odd input ---------------------------------------------


def test_blank_pipeline_warns_once_and_leaves_doc_unchanged(blank_nlp: Language) -> None:
    blank_nlp.add_pipe("framing_sources")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = blank_nlp("“We will win,” she said.")
        second = blank_nlp("Analysts say the deal will fail.")
    messages = [str(w.message) for w in caught if "W250" in str(w.message)]
    assert len(messages) == 1
    assert "sources" not in first.spans and "sources" not in second.spans


def test_blank_pipeline_very_long_text(blank_nlp: Language) -> None:
    blank_nlp.max_length = 1_100_000
    blank_nlp.add_pipe("framing_sources")
    sentence = "“The river rose overnight,” said the mayor, who asked residents to leave. "
    text = sentence * (1_000_000 // len(sentence) + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = blank_nlp(text[:1_000_000])
    assert "sources" not in doc.spans


@pytest.mark.parametrize("text", ["", "   \n\n  ", "🙂🙂🙂", "“”", '"', "said said said",
                                  "“ ” “ ” ” “"])
def test_empty_and_odd_texts(sources_nlp: Language, text: str) -> None:
    doc = sources_nlp(text)
    assert _sources(doc) == []


# --- rules: defaults, extension, errors, serialization ---------------------------------


def test_default_rules_loaded_without_initialize(nlp_sm: Language,
                                                 added_pipes: AddPipe) -> None:
    pipe = added_pipes("framing_sources")
    labels = {rule["label"] for rule in pipe.patterns}
    assert {"CUE", "CUE_PHRASE", "ROLE", "MODIFIER"} <= labels


def test_add_patterns_extends_cues(nlp_sm: Language, added_pipes: AddPipe) -> None:
    pipe = added_pipes("framing_sources")
    text = "The senator opined that the budget was too small."
    assert _sources(nlp_sm(text)) == []
    pipe.add_patterns([{"label": "CUE", "id": "opine", "lemma": "opine",
                        "forms": ["opines", "opined"], "class": "speech"}])
    (source,) = _sources(nlp_sm(text))
    assert source._.cue.text == "opined"
    assert source.id_ == "sources.indirect.opine"
    pipe.initialize()  # back to the bundled rules
    assert _sources(nlp_sm(text)) == []


def test_bad_rule_file_names_file_and_line(nlp_sm: Language, added_pipes: AddPipe,
                                           tmp_path: Path) -> None:
    pipe = added_pipes("framing_sources")
    path = tmp_path / "rules.jsonl"
    path.write_text('// my cues\n{"label": "CUE", "id": "say", "lemma": "say", '
                    '"class": "speech"}\n\n{"label": "CUE", "id": "opine", "lemma": "opine"}\n',
                    encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules\.jsonl:4: .*class"):
        pipe.initialize(rules_path=path)
    path.write_text('{"label": "ROLE", "id": "x", "lemma": "x", "type": "boss", '
                    '"entity": "person"}\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules\.jsonl:1: .*type"):
        pipe.initialize(rules_path=path)
    path.write_text('{"label": "CUE", "id": "say"\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules\.jsonl:1: invalid JSON"):
        pipe.initialize(rules_path=path)
    with pytest.raises(RuleError, match="unknown label"):
        pipe.add_patterns([{"label": "SPEAKER", "id": "x", "lemma": "x"}])


def test_serialization_round_trip(nlp_sm: Language, added_pipes: AddPipe,
                                  tmp_path: Path) -> None:
    pipe = added_pipes("framing_sources", config={"spans_key": "speakers"})
    pipe.add_patterns([{"label": "CUE", "id": "opine", "lemma": "opine",
                        "forms": ["opined"], "class": "speech"}])
    text = ("“The harbour will reopen next week,” said Maria Okafor, a spokeswoman for the "
            "transport ministry. She added that fees would not rise. The senator opined that "
            "the budget was too small, according to two aides.")
    before = nlp_sm(text)
    nlp_sm.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    after = reloaded(text)
    assert "speakers" in after.spans
    summary = [(s.start, s.end, s.id_, s._.source_type, s._.speaker, s._.cue.text,
                tuple(c.text for c in s._.content_spans)) for s in after.spans["speakers"]]
    expected = [(s.start, s.end, s.id_, s._.source_type, s._.speaker, s._.cue.text,
                 tuple(c.text for c in s._.content_spans)) for s in before.spans["speakers"]]
    assert summary == expected
    assert any(row[5] == "opined" for row in summary)
    restored = reloaded.get_pipe("framing_sources")
    assert restored.patterns == pipe.patterns
    assert restored.from_bytes(pipe.to_bytes()).patterns == pipe.patterns


def test_docs_pickle_and_docbin_keep_attributes(sources_nlp: Language) -> None:
    doc = sources_nlp("“Rates will stay high,” said Ana Rojas, an economist at the central "
                      "bank. Analysts say the currency will weaken.")
    expected = _summary(doc)
    assert _summary(pickle.loads(pickle.dumps(doc))) == expected
    doc_bin = DocBin(store_user_data=True)
    doc_bin.add(doc)
    (restored,) = DocBin().from_bytes(doc_bin.to_bytes()).get_docs(sources_nlp.vocab)
    assert _summary(restored) == expected
    # Only plain data is stored on the Doc.
    for key, value in doc.user_data.items():
        assert not isinstance(value, Span | Doc), key


# --- the seed articles (acceptance) -----------------------------------------------------


@pytest.fixture(scope="module")
def seed_docs(seed_texts: dict[str, str]) -> dict[str, Doc]:
    from spacy_framing._loader import load_base

    nlp = load_base()
    has_actors = Language.has_factory("framing_actors")
    if has_actors:
        try:
            nlp.add_pipe("framing_actors")
        except NotImplementedError:
            has_actors = False
    nlp.add_pipe("framing_sources")
    docs = {name: nlp(text) for name, text in seed_texts.items()}
    for doc in docs.values():
        doc.user_data["test_has_actors"] = has_actors
    return docs


def _check_speaker(doc: Doc, speaker: str, source_type: str, actor: str | None = None) -> None:
    found = _by_speaker(doc, speaker)
    assert found, f"{speaker} not found among {[s._.speaker for s in _sources(doc)]}"
    assert {s._.source_type for s in found} == {source_type}, speaker
    assert all(s._.content_spans for s in found), speaker
    if actor is not None and doc.user_data["test_has_actors"]:
        assert actor in {s._.actor for s in found}, speaker


def test_seed_voa_sources(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs["voa"]
    _check_speaker(doc, "Lin Jian", "official", "China")
    _check_speaker(doc, "Dennis Wilder", "expert")
    _check_speaker(doc, "Victor Cha", "expert")
    _check_speaker(doc, "Mark Cancian", "expert")
    _check_speaker(doc, "Matthew Miller", "official", "United States")
    _check_speaker(doc, "Vedant Patel", "official", "United States")
    # A quote running over two paragraphs, the first one opened after "he said", and a
    # quote paragraph without its own cue after the sentence naming the speaker: each
    # speaker's content reaches into more than one paragraph. (Checked by position: the
    # tests quote no text of the shared articles.)
    for speaker in ("Victor Cha", "Dennis Wilder"):
        assert len(_paragraphs_of(doc, _by_speaker(doc, speaker))) >= 2, speaker


def _paragraphs_of(doc: Doc, sources: list[Span]) -> set[int]:
    """Indices of the paragraphs (split at blank-line breaks) holding the sources' content."""
    breaks = [t.idx for t in doc if t.is_space and "\n" in t.text]
    return {sum(1 for b in breaks if b < c.start_char)
            for s in sources for c in s._.content_spans}


def test_seed_kontur_sources(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs["kontur"]
    _check_speaker(doc, "Lee Seong-kweun", "official", "South Korea")
    _check_speaker(doc, "Lin Jian", "official", "China")
    for expert in ("Volodymyr Holovko", "Eric Ballbach", "Stanislav Zhelikhovsky",
                   "Victor Kevlyuk"):
        _check_speaker(doc, expert, "expert")
    # Holovko's statements continue over several sentences.
    holovko = [s for s in _by_speaker(doc, "Volodymyr Holovko")]
    assert any(len(s._.content_spans) >= 2 for s in holovko)
    assert any(len(list(c.sents)) >= 2 for s in holovko for c in s._.content_spans)
    assert {s._.source_type for s in _sources(doc) if s._.speaker in ("AFP", "WSJ")} \
        == {"media"}


# --- actors of speakers whose state goes unsaid -----------------------------------------


def test_affiliation_rules_tie_legislators_to_their_state(nlp_framing: Language) -> None:
    doc = nlp_framing("Sen. Joan Pike, D-Ore., said the bill was dead. Rep. Carl Dunn "
                      "(R-Texas) said the vote would fail. Other Democrats said the plan was "
                      "rushed.")
    actors = {s._.speaker: s._.actor for s in _sources(doc)}
    assert actors == {"Joan Pike": "United States", "Carl Dunn": "United States",
                      "Other Democrats": "United States"}
    # Party members as a group are no identifiable source.
    assert _by_speaker(doc, "Other Democrats")[0]._.source_type == "unnamed"


def test_named_state_outranks_a_look_alike_party(nlp_framing: Language) -> None:
    doc = nlp_framing("Social Democrats in Norway's parliament said the budget was fair.")
    assert {s._.actor for s in _sources(doc)} == {"Norway"}


# Three sources whose state the text names: the article's home state is the United States.
US_OFFICE_HOLDERS = ("Sen. Joan Pike, D-Ore., said the bill was dead. Rep. Carl Dunn (R-Texas) "
                     "said the vote would fail. The White House said the veto stood.")


def test_home_state_for_office_holders(nlp_framing: Language) -> None:
    text = (US_OFFICE_HOLDERS + " The deputy attorney general said the charges were serious. "
            "Analysts said the fight would go on.")
    by_speaker = {s._.speaker: s for s in _sources(nlp_framing(text))}
    assert by_speaker["deputy attorney general"]._.actor == "United States"
    # Experts and unnamed commentators get no state from the article.
    assert by_speaker["Analysts"]._.actor is None
    # Without a dominant state there is no such fallback.
    (alone,) = _sources(nlp_framing("The deputy attorney general said the charges were "
                                    "serious."))
    assert alone._.actor is None


def test_home_state_for_named_people_typed_office_holders(nlp_framing: Language) -> None:
    # A named person with no title is typed an office holder by default; the article's
    # dominant state is theirs too (a candidate on the campaign trail).
    text = (US_OFFICE_HOLDERS + " At a rally, Marta Quill said the deal was weak. Analysts "
            "said the fight would go on.")
    by_speaker = {s._.speaker: s for s in _sources(nlp_framing(text))}
    assert by_speaker["Marta Quill"]._.source_type == "official"
    assert by_speaker["Marta Quill"]._.actor == "United States"
    assert by_speaker["Analysts"]._.actor is None


def test_organisations_are_no_state_actor(nlp_framing: Language) -> None:
    doc = nlp_framing(US_OFFICE_HOLDERS + " NATO said the alliance was united.")
    (nato,) = [s for s in _sources(doc) if s.text == "NATO"]
    assert nato._.actor is None
    assert nato._.source_type == "official"


def test_pronoun_agrees_in_gender(sources_nlp: Language) -> None:
    doc = sources_nlp("Ms. Hale met Mr. Ortiz on Monday. Mr. Ortiz said the talks went "
                      "well. “We have a long way to go,” she said.")
    (she,) = [s for s in _sources(doc) if s.text == "she"]
    assert she._.speaker == "Hale"


def test_it_refers_to_the_last_named_body(sources_nlp: Language) -> None:
    doc = sources_nlp("The ministry issued a statement on Monday. It said the drills were "
                      "routine.")
    (source,) = _sources(doc)
    assert source.text == "It"
    assert source._.speaker == "ministry"
    assert source._.source_type == "official"


def test_past_tenure_makes_a_former_official(sources_nlp: Language) -> None:
    doc = sources_nlp("Dana Cole, who served as ambassador to Kenya, said the alliance was "
                      "strong.")
    (source,) = _sources(doc)
    assert source._.source_type == "expert"


def test_outlet_word_that_is_a_surname(nlp_sm: Language, added_pipes: AddPipe) -> None:
    added_pipes("test_sources_actor_stub")
    added_pipes("framing_sources")
    doc = nlp_sm("Former Chilean President Marco Post criticized the plan on Monday. "
                 "“It will fail,” Post said.")
    found = _by_speaker(doc, "Marco Post")
    assert len(found) == 2
    assert {(s._.source_type, s._.actor) for s in found} == {("expert", "Chile")}


# --- stance verbs whose object is the content -------------------------------------------


@pytest.mark.parametrize(("text", "cue", "content"), [
    ("Senator Joan Pike urged the president to cancel the summit.", "urged",
     "the president to cancel the summit"),
    ("The governor called for an inquiry into the fire.", "called", "an inquiry into the fire"),
    ("Leading lawmakers called on the minister to resign.", "called",
     "the minister to resign"),
    ("The ministry dismissed the report as propaganda.", "dismissed",
     "the report as propaganda"),
    ("The mayor announced plans to widen the bridge.", "announced",
     "plans to widen the bridge"),
    ("A grand jury accused the men of fraud.", "accused", "the men of fraud"),
    ("The senator pushed back on the criticism.", "pushed", "the criticism"),
])
def test_stance_verb_object_content(sources_nlp: Language, text: str, cue: str,
                                    content: str) -> None:
    (source,) = _sources(sources_nlp(text))
    assert source._.cue.text == cue
    assert [c.text for c in source._.content_spans] == [content]


@pytest.mark.parametrize("text", [
    "The governor called him on Monday.",  # a phone call, not a demand
    "The ministry has not confirmed the report.",
    "Neither Seoul nor Tokyo has confirmed the report.",
    "The minister expressed his thanks to the hosts.",
])
def test_stance_verb_without_statement(sources_nlp: Language, text: str) -> None:
    assert _sources(sources_nlp(text)) == []


def test_quote_over_paragraphs_after_a_described_speaker(sources_nlp: Language) -> None:
    doc = sources_nlp("“The line is thin,” said Mira Kovac, a researcher at Halden "
                      "University.\n\n“We have seen this before. Nobody should be "
                      "surprised.\n\n“The question is what comes next.”")
    (source,) = _sources(doc)
    assert [c.text for c in source._.content_spans] == [
        "The line is thin", "We have seen this before. Nobody should be surprised.",
        "The question is what comes next."]


def test_document_without_author_is_the_source(sources_nlp: Language) -> None:
    (source,) = _sources(sources_nlp("The report said the dam was unsafe."))
    assert source.text == "report"
    assert source._.source_type == "unnamed"


def test_affiliation_rule_validation(nlp_sm: Language, added_pipes: AddPipe) -> None:
    pipe = added_pipes("framing_sources")
    with pytest.raises(RuleError, match="AFFILIATION needs"):
        pipe.add_patterns([{"label": "AFFILIATION", "id": "x", "lower": "tory"}])
    with pytest.raises(RuleError, match="'needs' narrows 'object'"):
        pipe.add_patterns([{"label": "CUE", "id": "x", "lemma": "x", "class": "speech",
                            "needs": ["dobj"]}])
    pipe.add_patterns([{"label": "AFFILIATION", "id": "uk_tory", "lower": "tory",
                        "actor": "Norway"}])
    doc = nlp_sm("A Tory lawmaker, Ann Moss, said the tax was fair.")
    assert [s._.actor for s in _sources(doc)] == ["Norway"]


def test_quote_after_attribution_naming_the_audience(sources_nlp: Language) -> None:
    doc = sources_nlp("“The border stays open,” Ines Moro told a radio station on Monday. "
                      "“Nobody will be turned away.”")
    (source,) = _sources(doc)
    assert [c.text for c in source._.content_spans] == [
        "The border stays open", "Nobody will be turned away."]
    # A clause of its own in between stops the continuation.
    doc = sources_nlp("“The border stays open,” Ines Moro said, and the crowd cheered. "
                      "“Nobody will be turned away.”")
    assert [c.text for s in _sources(doc) for c in s._.content_spans] == [
        "The border stays open"]


def test_headlines_report_no_statement(sources_nlp: Language) -> None:
    doc = sources_nlp("Mayors Say Plan Must Go\n\nThe mayors said on Monday that the plan "
                      "must go.")
    (source,) = _sources(doc)
    assert source.text == "mayors"


def test_participle_hung_on_the_reported_clause(sources_nlp: Language) -> None:
    doc = sources_nlp("Several senators said they would skip the event, calling it an "
                      "insult.")
    (source,) = _sources(doc)
    assert source.text == "Several senators"
    assert len(source._.content_spans) == 2


def test_statement_nouns(sources_nlp: Language) -> None:
    doc = sources_nlp("Officials disputed the minister's assertion that the deal was legal. "
                      "Lawmakers ignored repeated warnings from the governor that the plan "
                      "was unaffordable. His claims were ignored.")
    found = {s._.speaker: (s._.cue.text, [c.text for c in s._.content_spans])
             for s in _sources(doc)}
    assert found["minister"] == ("assertion", ["the deal was legal"])
    assert found["governor"] == ("warnings", ["the plan was unaffordable"])
    # "disputed" is a stance cue of its own; "His claims" has no that-clause.
    assert set(found) == {"minister", "governor", "Officials"}


def test_coordinated_subjects_split_by_the_parser(sources_nlp: Language) -> None:
    doc = sources_nlp("The talks began on Monday, as Kenya, Chile, and the African Union "
                      "expressed alarm that the border was closed.")
    speakers = {s.text for s in _sources(doc)}
    assert {"Kenya", "Chile"} <= speakers
    assert any("African Union" in speaker for speaker in speakers)


def test_company_spokespeople_get_no_home_state(nlp_framing: Language) -> None:
    doc = nlp_framing("Sen. Joan Pike, D-Ore., said the bill was dead. Rep. Carl Dunn "
                      "(R-Texas) said the vote would fail. The White House said the veto "
                      "stood. A Microsoft spokesperson said the company would comply.")
    (company,) = [s for s in _sources(doc) if "spokesperson" in s.text]
    assert company._.actor is None
    assert company._.source_type == "official"


def test_he_said_after_a_long_quote(sources_nlp: Language) -> None:
    doc = sources_nlp("Mr. Ortiz spoke at length on Monday. “The first step is done,” Mr. "
                      "Ortiz said. “We moved fast. We hired well. Nobody gave up.” The crowd "
                      "cheered. The band played. "
                      "“The next step is harder,” he said.")
    speakers = [s._.speaker for s in _sources(doc)]
    assert speakers == ["Ortiz", "Ortiz"]


@pytest.mark.parametrize(("text", "speaker", "source_type"), [
    ("One of the officials said the plan was dead.", "officials", "unnamed"),
    ("The plan was dead, according to two of the aides.", "aides", "unnamed"),
    ("A senior Democratic staffer told reporters that it was likely.",
     "senior Democratic staffer", "unnamed"),
    ("The Guardian reported that the mine would close.", "Guardian", "media"),
    ("Fellow Democratic Sen. Ana Ruiz said the plan was dead.", "Ana Ruiz", "official"),
])
def test_more_source_types(sources_nlp: Language, text: str, speaker: str,
                           source_type: str) -> None:
    (source,) = _sources(sources_nlp(text))
    assert (source._.speaker, source._.source_type) == (speaker, source_type)


def test_unresolved_he_is_a_known_official(nlp_framing: Language) -> None:
    doc = nlp_framing("Sen. Joan Pike, D-Ore., said the bill was dead. Rep. Carl Dunn "
                      "(R-Texas) said the vote would fail. The White House said the veto "
                      "stood. The crowd waited. The band played. The rain fell. The doors "
                      "closed. The lights dimmed. The hall emptied. The night came. The "
                      "buses left. “We will be back,” he said.")
    (he,) = [s for s in _sources(doc) if s.text == "he"]
    assert he._.speaker is None
    assert (he._.source_type, he._.actor) == ("official", "United States")


def test_cue_inside_a_quote_that_opens_at_the_verb(sources_nlp: Language) -> None:
    doc = sources_nlp('The agency "has confirmed that the convoy crossed the border," '
                      'lawmaker Ana Ruiz said on Monday.')
    found = {s._.speaker: [c.text for c in s._.content_spans] for s in _sources(doc)}
    assert found["agency"] == ["the convoy crossed the border"]
    assert found["Ana Ruiz"] == ['The agency "has confirmed that the convoy crossed the border']


# --- behaviour from record fields and named word lists, never from rule ids -------------


def _bundled_rules(nlp_sm: Language, added_pipes: AddPipe) -> tuple[Any, list[dict]]:
    pipe: Any = added_pipes("framing_sources")
    return pipe, pipe.patterns


def test_renaming_rule_ids_changes_nothing(nlp_sm: Language, added_pipes: AddPipe) -> None:
    pipe, rules = _bundled_rules(nlp_sm, added_pipes)
    texts = ["The official said that the talks had failed.",
             "A spokeswoman for Speaker Ann Moss said the vote would be held on Friday."]
    before = [[(s.start, s.end, s._.source_type, s._.speaker) for s in _sources(nlp_sm(t))]
              for t in texts]
    renamed = [{**rule, "id": f"renamed_{rule['id']}"} if rule["label"] == "ROLE" else rule
               for rule in rules]
    pipe.initialize(patterns=renamed)
    after = [[(s.start, s.end, s._.source_type, s._.speaker) for s in _sources(nlp_sm(t))]
             for t in texts]
    assert after == before
    assert before[0][0][2] == "unnamed"  # "the official" stays anonymous


def test_role_flags_drive_behaviour(nlp_sm: Language, added_pipes: AddPipe) -> None:
    pipe, rules = _bundled_rules(nlp_sm, added_pipes)
    text = "The official said that the talks had failed."
    assert [s._.source_type for s in _sources(nlp_sm(text))] == ["unnamed"]
    unflagged = [{k: v for k, v in rule.items() if k != "anonymous"} for rule in rules]
    pipe.initialize(patterns=unflagged)
    # Without "anonymous", "the official" is one identifiable office holder.
    assert [s._.source_type for s in _sources(nlp_sm(text))] == ["official"]


def test_word_lists_fall_back_to_bundled_and_can_be_replaced(
        nlp_sm: Language, added_pipes: AddPipe) -> None:
    pipe, _ = _bundled_rules(nlp_sm, added_pipes)
    cue = {"label": "CUE", "id": "say", "lemma": "say", "forms": ["said"], "class": "speech"}
    role = {"label": "ROLE", "id": "aide", "lemma": "aide", "forms": ["aides"],
            "type": "official", "entity": "person"}
    text = "Several of the aides said that the plan was dead."
    # No LIST records: the bundled lists apply ("several of the aides" -> the aides).
    pipe.initialize(patterns=[cue, role])
    assert [s.text for s in _sources(nlp_sm(text))] == ["aides"]
    quantifiers = {"label": "LIST", "id": "QUANTIFIER_WORDS", "words": ["one", "some"]}
    pipe.initialize(patterns=[cue, role, quantifiers])
    assert _sources(nlp_sm(text)) == []  # "several" is no longer a quantifier


def test_bad_flags_and_lists_name_file_and_line(nlp_sm: Language, added_pipes: AddPipe,
                                                tmp_path: Path) -> None:
    pipe = added_pipes("framing_sources")
    path = tmp_path / "rules.jsonl"
    role = ('{"label": "ROLE", "id": "aide", "lemma": "aide", "type": "official", '
            '"entity": "person"')
    cases = [
        (role + ', "speaks_for": "yes"}', r"rules\.jsonl:2: 'speaks_for' is true or false"),
        ('{"label": "CUE", "id": "say", "lemma": "say", "class": "speech", '
         '"anonymous": true}', r"rules\.jsonl:2: 'anonymous' is true or false, on ROLE"),
        ('{"label": "LIST", "id": "QUANTIFIERS", "words": ["one"]}',
         r"rules\.jsonl:2: unknown LIST id 'QUANTIFIERS'"),
        ('{"label": "LIST", "id": "PARTICLES", "words": ["Back"]}',
         r"rules\.jsonl:2: LIST words are lower case"),
        ('{"label": "LIST", "id": "PARTICLES", "words": []}',
         r"rules\.jsonl:2: LIST needs 'words'"),
        ('{"label": "LIST", "id": "PARTICLES", "words": ["back"], "lemma": "x"}',
         r"rules\.jsonl:2: LIST records take 'words'"),
        (role + ', "words": ["x"]}', r"rules\.jsonl:2: 'words' is for LIST records only"),
        (role + ', "speaks_fro": true}', r"rules\.jsonl:2: unknown key\(s\) speaks_fro"),
    ]
    for line, message in cases:
        path.write_text("// header\n" + line + "\n", encoding="utf-8")
        with pytest.raises(RuleError, match=message):
            pipe.initialize(rules_path=path)


def test_word_lists_and_flags_survive_serialization(nlp_sm: Language, added_pipes: AddPipe,
                                                    tmp_path: Path) -> None:
    pipe = added_pipes("framing_sources")
    pipe.add_patterns([
        {"label": "LIST", "id": "PARTICLES", "words": ["back", "off"]},
        {"label": "ROLE", "id": "herald", "lemma": "herald", "type": "official",
         "entity": "person", "speaks_for": True}])
    patterns = pipe.patterns
    assert {"label": "LIST", "id": "PARTICLES", "words": ["back", "off"]} in patterns
    restored = spacy.blank("en").add_pipe("framing_sources")
    assert restored.from_bytes(pipe.to_bytes()).patterns == patterns
    pipe.to_disk(tmp_path / "sources")
    restored.initialize(patterns=[])
    assert restored.from_disk(tmp_path / "sources").patterns == patterns
