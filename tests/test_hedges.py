"""Tests for the ``framing_hedges`` component (HEDGE / BOOSTER cues, sentence flags).

Every sentence here was written for these tests.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from spacy_framing.components.hedges import HedgeTagger
from spacy_framing.components.rules import RuleError

KEY = "hedges"


# --------------------------------------------------------------------------- helpers

@pytest.fixture
def blank_hedges() -> Iterator[Language]:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    with warnings.catch_warnings():
        # W200 (no tagger/NER on a blank pipeline) is tested on its own below.
        warnings.simplefilter("ignore", UserWarning)
        nlp.add_pipe("framing_hedges")
        yield nlp


@pytest.fixture
def sm_hedges(nlp_sm: Language, added_pipes: Callable[..., object]) -> Language:
    added_pipes("framing_hedges")
    return nlp_sm


@pytest.fixture(params=["blank", "sm"])
def any_nlp(request: pytest.FixtureRequest) -> Language:
    """Both pipelines: the rules must hold with and without tagger and NER."""
    return request.getfixturevalue("blank_hedges" if request.param == "blank" else "sm_hedges")


def cues(doc: Doc, label: str | None = None) -> list[str]:
    return [span.text for span in doc.spans[KEY] if label is None or span.label_ == label]


def labelled(doc: Doc) -> list[tuple[str, str]]:
    return [(span.text, span.label_) for span in doc.spans[KEY]]


# --------------------------------------------------------------------------- disambiguation

@pytest.mark.parametrize("text", [
    "The summit took place in May.",
    "Talks resumed on May 20 after a long pause.",
    "Since May, fuel prices have doubled in the capital.",
    "Last May the garrison withdrew from the valley.",
    "May 2019 was the wettest month on record.",
    "May was cold and the harvest came late.",
    "The vote is scheduled for early May.",
])
def test_may_the_month_is_not_a_hedge(any_nlp: Language, text: str) -> None:
    assert "HEDGE" not in {span.label_ for span in any_nlp(text).spans[KEY]}, text


@pytest.mark.parametrize("text", [
    "Officials warn that the ceasefire may collapse within days.",
    "The ministry may be displeased with the decision.",
    "The 20 May deadline may slip again.",
    "In May, officials said the deal may still be saved.",
])
def test_epistemic_may_is_a_hedge(any_nlp: Language, text: str) -> None:
    assert [c.lower() for c in cues(any_nlp(text), "HEDGE")] == ["may"], text


@pytest.mark.parametrize("text", [
    "You may leave the room once the exam is over.",
    "Visitors may enter with a ticket.",
    "He could not be reached for comment on Sunday.",
    "She could swim across the lake as a child.",
    "The minister will travel to Paris next week.",
    "The mayor will not seek a second term.",
])
def test_permission_ability_and_will_are_not_hedges(any_nlp: Language, text: str) -> None:
    assert cues(any_nlp(text), "HEDGE") == [], text


@pytest.mark.parametrize("text, cue", [
    ("The dispute could escalate into open conflict.", "could"),
    ("Beijing could lose leverage over its neighbour.", "could"),
    ("The new sanctions might not change anything.", "might"),
])
def test_epistemic_could_and_might_are_hedges(any_nlp: Language, text: str, cue: str) -> None:
    assert cues(any_nlp(text), "HEDGE") == [cue]


@pytest.mark.parametrize("text", [
    "About 300 troops crossed the border overnight.",
    "The plan would cut spending by about a third.",
    "About half of the delegates walked out.",
    "The convoy travelled roughly 40 kilometres before it stopped.",
])
def test_about_before_a_quantity_is_a_hedge(any_nlp: Language, text: str) -> None:
    found = [c.lower() for c in cues(any_nlp(text), "HEDGE")]
    assert found in (["about"], ["roughly"]), (text, found)


@pytest.mark.parametrize("text", [
    "The two leaders talked about the war for an hour.",
    "She wrote a book about the war in the Balkans.",
    "Nobody asked about 2019 at the press conference.",
    "What about the refugees?",
])
def test_about_without_a_quantity_is_not_a_hedge(any_nlp: Language, text: str) -> None:
    assert "about" not in [c.lower() for c in cues(any_nlp(text))], text


@pytest.mark.parametrize("text, cue", [
    ("The ministry claims the drones were shot down.", "claims"),
    ("Her claims were dismissed by the court.", "claims"),
    ("The governor allegedly accepted bribes from the contractor.", "allegedly"),
    ("The alleged victim spoke to the police on Monday.", "alleged"),
])
def test_claims_and_alleged_are_hedges(any_nlp: Language, text: str, cue: str) -> None:
    assert cues(any_nlp(text), "HEDGE") == [cue]


@pytest.mark.parametrize("text", [
    "The rebel group claimed responsibility for the bombing.",
    "Insurance claims rose sharply after the storm.",
    "The flood claimed the lives of twelve villagers.",
])
def test_claims_that_are_not_hearsay(any_nlp: Language, text: str) -> None:
    assert cues(any_nlp(text), "HEDGE") == [], text


@pytest.mark.parametrize("text, cue, label", [
    ("Rumor has it that the envoy resigned.", "Rumor has it", "HEDGE"),
    ("Rumour has it that the envoy resigned.", "Rumour has it", "HEDGE"),
    ("There's talk that the summit will be moved.", "There's talk that", "HEDGE"),
    ("There’s talk that the summit will be moved.", "There’s talk that", "HEDGE"),
    ("The general is said to be furious.", "is said to", "HEDGE"),
    ("In my opinion, the deal is a mistake.", "In my opinion", "HEDGE"),
    ("It seems the talks have stalled.", "It seems", "HEDGE"),
    ("The economy appears to be slowing.", "appears", "HEDGE"),
    ("According to some, the blockade is already failing.", "According to some", "HEDGE"),
    ("It is believed the convoy left at dawn.", "It is believed", "HEDGE"),
    ("I think the ceasefire will hold.", "I think", "HEDGE"),
    ("I believe the numbers are wrong.", "I believe", "HEDGE"),
    ("There is no doubt that the vote was rigged.", "There is no doubt", "BOOSTER"),
    ("The vote was no doubt rigged.", "no doubt", "BOOSTER"),
    ("Without a doubt, the reform failed.", "Without a doubt", "BOOSTER"),
    ("The fact is that the army is exhausted.", "The fact is", "BOOSTER"),
    ("Moscow is completely aware of the risk.", "completely aware", "BOOSTER"),
])
def test_multiword_cues_match_longest_first(any_nlp: Language, text: str, cue: str,
                                            label: str) -> None:
    assert labelled(any_nlp(text)) == [(cue, label)]


def test_doubt_alone_is_a_hedge_but_no_doubt_a_booster(any_nlp: Language) -> None:
    assert labelled(any_nlp("Some lawmakers have doubts about the plan.")) == [
        ("doubts", "HEDGE")]
    assert labelled(any_nlp("There is no doubt about the plan.")) == [
        ("There is no doubt", "BOOSTER")]


@pytest.mark.parametrize("text", [
    "Analysts say the move is a gamble.",
    "The offensive has stalled, analysts say.",
    "Some analysts say the embargo will backfire.",
    "Critics argue that the law is unenforceable.",
])
def test_unnamed_weasel_attribution_is_a_hedge(any_nlp: Language, text: str) -> None:
    assert len(cues(any_nlp(text), "HEDGE")) == 1, labelled(any_nlp(text))


def test_named_analysts_are_plain_attribution(any_nlp: Language) -> None:
    doc = any_nlp("Goldman Sachs analysts said the bank would recover.")
    assert cues(doc, "HEDGE") == []


@pytest.mark.parametrize("text, cue", [
    ("The president clearly wants a deal before the election.", "clearly"),
    ("The campaign is certainly in trouble.", "certainly"),
    ("Of course, the embassy denied everything.", "Of course"),
    ("This is absolutely a game for Moscow.", "absolutely"),
    ("The vote was undoubtedly a setback for the coalition.", "undoubtedly"),
    ("The talks indeed collapsed on Friday.", "indeed"),
    ("The rebels will definitely retaliate.", "definitely"),
    ("The minister was obviously irritated by the question.", "obviously"),
    ("Surely the council will object.", "Surely"),
    ("In fact, the embargo has tightened.", "In fact"),
])
def test_boosters(any_nlp: Language, text: str, cue: str) -> None:
    assert labelled(any_nlp(text)) == [(cue, "BOOSTER")]


@pytest.mark.parametrize("text", [
    "She spoke clearly into the microphone.",
    "The exits were clearly marked.",
    "The rules are clearly defined in the charter.",
])
def test_clearly_as_manner_is_not_a_booster(any_nlp: Language, text: str) -> None:
    assert cues(any_nlp(text)) == [], text


@pytest.mark.parametrize("text, cue", [
    ("The envoy reportedly met rebel leaders in secret.", "reportedly"),
    ("The strike apparently hit a fuel depot.", "apparently"),
    ("The central bank is likely to raise rates again.", "likely"),
    ("A peace deal is unlikely before the winter.", "unlikely"),
    ("The shelling probably came from the east.", "probably"),
    ("The leak possibly originated in the ministry.", "possibly"),
    ("It is arguably the most dangerous moment of the war.", "arguably"),
    ("The new data suggests the blockade is working.", "suggests"),
    ("The ministry believes the attack was planned abroad.", "believes"),
    ("I think Beijing is worried.", "I think"),
    ("The fighting displaced roughly 2,000 families.", "roughly"),
    ("Some of the soldiers have already returned home.", "Some of"),
    ("The commander is said to have resigned.", "is said to"),
    ("The embargo is failing, analysts say.", "analysts say"),
])
def test_codebook_examples_in_news_sentences(any_nlp: Language, text: str, cue: str) -> None:
    # The cue may sit inside a longer one ("is likely to").
    assert any(cue in found for found in cues(any_nlp(text), "HEDGE")), labelled(any_nlp(text))


@pytest.mark.parametrize("text, cue", [
    ("We know that the border crossings were closed for a week.", "We know"),
    ("The ministry knows that the convoy was attacked.", "knows that"),
    ("The envoy made clear that the offer would not be repeated.", "made clear"),
    ("The governor made it very clear to the council that cuts are coming.",
     "made it very clear"),
    ("The chancellor has been very clear that sanctions will stay.", "been very clear"),
    ("I can assure you that the harbour will reopen.", "I can assure"),
    ("It is simply the reality on the ground.", "simply the reality"),
    ("There is no denying that the harvest failed.", "There is no denying"),
])
def test_factive_and_assurance_boosters(any_nlp: Language, text: str, cue: str) -> None:
    assert labelled(any_nlp(text)) == [(cue, "BOOSTER")]


@pytest.mark.parametrize("text, cue", [
    ("The leaked memo did reveal a second meeting.", "did reveal"),
    ("Delaying the vote does weaken the coalition.", "does weaken"),
])
def test_emphatic_do_is_a_booster_with_a_tagger(sm_hedges: Language, text: str,
                                                cue: str) -> None:
    assert labelled(sm_hedges(text)) == [(cue, "BOOSTER")]


@pytest.mark.parametrize("text", [
    "Did the mayor approve the new bridge?",
    "Why did the garrison leave the fort?",
    "Only later did the council publish the figures.",
    "The farmers do not trust the new scheme.",
    "We don’t want the depot near the school.",
    "Nor does the treaty mention the islands.",
])
def test_questions_inversions_and_negation_are_not_emphatic_do(sm_hedges: Language,
                                                               text: str) -> None:
    assert cues(sm_hedges(text), "BOOSTER") == [], labelled(sm_hedges(text))


@pytest.mark.parametrize("text", [
    "Nobody knows for sure that the talks will resume.",
    "I don't think I can guarantee a majority.",
])
def test_negated_certainty_is_not_a_booster(any_nlp: Language, text: str) -> None:
    assert cues(any_nlp(text), "BOOSTER") == [], labelled(any_nlp(text))


def test_emphatic_do_in_a_condition_is_not_a_booster(sm_hedges: Language) -> None:
    assert cues(sm_hedges("If it did pass the senate, the deal would hold."), "BOOSTER") == []


@pytest.mark.parametrize("text", [
    "We do not know whether the ferry will run.",
    "As far as we know, the pass is open.",
    "I want to know what the plan is.",
    "We know little about the new commander.",
    "The skies were clear over the valley.",
])
def test_limits_of_knowledge_and_plain_clear_are_not_boosters(any_nlp: Language,
                                                              text: str) -> None:
    assert cues(any_nlp(text), "BOOSTER") == [], labelled(any_nlp(text))


@pytest.mark.parametrize("text, cue", [
    ("The strike killed nearly 3,000 people.", "nearly"),
    ("The vote count took almost two weeks.", "almost"),
    ("The talks drew just about every party in the region.", "just about"),
    ("The crowd grew to close to 40,000 people.", "close to"),
    ("Local officials were mostly silent after the raid.", "mostly"),
    ("The measure is largely symbolic.", "largely"),
    ("The reform is almost certain to fail in the senate.", "almost certain"),
    ("The inquiry looked at potential collusion with the contractor.", "potential"),
    ("His support fell over what he sees as a betrayal.", "what he sees as"),
    ("The deal could collapse again, say analysts.", "say analysts"),
    ("The visit has been perceived by some as a snub.", "perceived by some"),
    ("Presuming the ceasefire holds, the aid convoys will move on Monday.", "Presuming"),
    ("It is hard to say how many ships were damaged.", "hard to say"),
    ("Some on the budget committee want a delay.", "Some on"),
    ("The rebels denounced what they called a purge.", "what they called"),
    ("The official figure is dubious.", "dubious"),
    ("The rebels fight on virtually every front.", "virtually"),
    ("The unions are skeptical whether the pledge will hold.", "skeptical whether"),
    ("That fund has been described as a slush fund.", "described as"),
    ("Nobody knows for sure when the pass will reopen.", "Nobody knows for sure"),
])
def test_approximators_distancing_and_weasels(any_nlp: Language, text: str, cue: str) -> None:
    assert cue in cues(any_nlp(text), "HEDGE"), labelled(any_nlp(text))


@pytest.mark.parametrize("text", [
    "The town is close to the border.",
    "It is possible to reach the island by ferry.",
    "As the name suggests, the lake is salty.",
    "The union filed claims against the shipping firm.",
    "The report contains no allegations of fraud.",
    "The reporter asked whether she believed the minister.",
    "The firm discovered that it could sell the bonds abroad.",
    "He offered several suggestions for the new logo.",
    "The potential energy of the dam is enormous.",
    "The boxer lost on a questionable decision.",
    "They spent some in the morning.",
    "She became the unlikely hero of the strike.",
    "The files are secret in the sense that they are classified.",
    "It was an idea that had drawn angry letters.",
    "The minister expressed no concern that the works would slip.",
    "Nobody knew what to do with regard to the refugees.",
    "The mayor has long been skeptical of the scheme.",
])
def test_non_epistemic_uses_are_not_hedges(any_nlp: Language, text: str) -> None:
    assert cues(any_nlp(text), "HEDGE") == [], labelled(any_nlp(text))


def test_the_suggestion_that_is_a_hedge(any_nlp: Language) -> None:
    doc = any_nlp("The suggestion that the dam leaked was rejected.")
    assert cues(doc, "HEDGE") == ["suggestion that"]


def test_plain_news_sentences_have_no_cues(any_nlp: Language) -> None:
    text = ("The parliament passed the budget on Tuesday. The minister thanked the committee "
            "and left for Brussels. Turnout was 61 percent, the commission said.")
    assert cues(any_nlp(text)) == []


def test_span_ids_are_rule_ids(any_nlp: Language) -> None:
    doc = any_nlp("The talks may fail. Of course, nobody said so.")
    assert [(span.label_, span.id_) for span in doc.spans[KEY]] == [
        ("HEDGE", "hedge.may"), ("BOOSTER", "booster.of_course")]


# --------------------------------------------------------------------------- sentence flags

def test_is_uncertain_and_density(any_nlp: Language) -> None:
    doc = any_nlp("The talks may fail. The army withdrew. Clearly the mood has changed.")
    sentences = list(doc.sents)
    assert [sent._.is_uncertain for sent in sentences] == [True, False, False]
    assert doc._.hedge_density == pytest.approx(100.0 / len(doc))
    assert doc._.uncertain_sentences == ((sentences[0].start, sentences[0].end),)
    # A phrase inside an uncertain sentence belongs to it.
    assert doc[0:2]._.is_uncertain and not doc[sentences[1].start:sentences[1].end - 1] \
        ._.is_uncertain


def test_density_counts_only_hedges(any_nlp: Language) -> None:
    doc = any_nlp("Of course the vote was certainly rigged, and it may happen again.")
    assert len(cues(doc, "BOOSTER")) == 2
    assert doc._.hedge_density == pytest.approx(100.0 * 1 / len(doc))


def test_empty_doc_flags(any_nlp: Language) -> None:
    doc = any_nlp("")
    assert len(doc.spans[KEY]) == 0
    assert doc._.hedge_density == 0.0
    assert doc._.uncertain_sentences == ()


def test_flags_are_plain_data_that_survive_pickling(any_nlp: Language) -> None:
    doc = any_nlp("The deal may collapse. Nobody knows.")
    restored = pickle.loads(pickle.dumps(doc))
    assert restored._.uncertain_sentences == doc._.uncertain_sentences
    assert [sent._.is_uncertain for sent in restored.sents] == [True, True]
    assert isinstance(doc._.hedge_density, float)


# --------------------------------------------------------------------------- robustness

@pytest.mark.parametrize("text", ["", "   \n\t ", "🙂🙂🙂 🚀", "¿?", "MAY MAY MAY"])
def test_odd_texts_do_not_raise(any_nlp: Language, text: str) -> None:
    doc = any_nlp(text)
    assert doc._.hedge_density >= 0.0


def test_million_characters_on_blank(blank_hedges: Language) -> None:
    blank_hedges.max_length = 2_000_000
    prose = ("The council met again on Tuesday, and officials said the deal may collapse "
             "if about 300 more troops arrive. The mayor will speak on Friday. ")
    text = (prose * (1_000_000 // len(prose) + 1))[:1_000_000]
    doc = blank_hedges(text)
    assert len(doc.spans[KEY]) > 1000
    assert 0.0 < doc._.hedge_density < 100.0


def test_blank_without_sentencizer_treats_doc_as_one_sentence() -> None:
    nlp = spacy.blank("en")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        nlp.add_pipe("framing_hedges")
        doc = nlp("The deal may collapse. Nothing else happened.")
    assert cues(doc) == ["may"]
    assert doc._.uncertain_sentences == ((0, len(doc)),)
    assert doc[:]._.is_uncertain


def test_blank_pipeline_warns_once_about_missing_tagger() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("framing_hedges")
    with pytest.warns(UserWarning, match="W200"):
        nlp("It may rain.")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nlp("It may rain again.")


def test_two_instances_register_extensions_once(blank_hedges: Language) -> None:
    blank_hedges.add_pipe("framing_hedges", name="hedges_again",
                          config={"spans_key": "hedges_again"})
    doc = blank_hedges("The deal may collapse.")
    assert cues(doc) == ["may"] and [s.text for s in doc.spans["hedges_again"]] == ["may"]


# --------------------------------------------------------------------------- rules API

def test_bundled_rules_load_without_initialize(blank_hedges: Language) -> None:
    ruler = blank_hedges.get_pipe("framing_hedges")
    assert isinstance(ruler, HedgeTagger)
    assert len(ruler) > 40
    assert ruler.labels == ("BOOSTER", "HEDGE")
    assert "hedge.may" in ruler.ids


def test_initialize_replaces_and_add_patterns_extends(blank_hedges: Language) -> None:
    ruler = blank_hedges.get_pipe("framing_hedges")
    ruler.initialize(patterns=[{"id": "mine.perchance", "label": "HEDGE",
                                "pattern": [{"LOWER": "perchance"}]}])
    assert labelled(blank_hedges("Perchance it may rain.")) == [("Perchance", "HEDGE")]
    ruler.add_patterns([{"id": "mine.may", "label": "HEDGE", "phrase": "may"}])
    assert cues(blank_hedges("Perchance it may rain.")) == ["Perchance", "may"]
    ruler.initialize()
    assert cues(blank_hedges("Perchance it may rain.")) == ["may"]


def test_initialize_from_a_file(blank_hedges: Language, tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text('// my cues\n{"id": "mine.ish", "label": "HEDGE", "phrase": "ish"}\n',
                    encoding="utf-8")
    blank_hedges.get_pipe("framing_hedges").initialize(patterns=path)
    assert cues(blank_hedges("It was cold, ish.")) == ["ish"]


def test_conditions_from_rules(blank_hedges: Language) -> None:
    ruler = blank_hedges.get_pipe("framing_hedges")
    ruler.initialize(patterns=[
        {"id": "t.near", "label": "HEDGE", "phrase": "near",
         "requires_next": ["NUM", "a dozen"], "not_before": ["BOS the"]},
    ])
    assert cues(blank_hedges("It cost near 40 dollars.")) == ["near"]
    assert cues(blank_hedges("It cost near a dozen.")) == ["near"]
    assert cues(blank_hedges("They live near the river.")) == []
    assert cues(blank_hedges("The near 40 cases.")) == []


def test_pseudo_rules_block_and_are_never_written(blank_hedges: Language) -> None:
    ruler = blank_hedges.get_pipe("framing_hedges")
    ruler.add_patterns([{"id": "pseudo.may_day", "label": "PSEUDO",
                         "pattern": [{"LOWER": "may"}, {"LOWER": "day"}]}])
    assert cues(blank_hedges("The may day parade may be cancelled.")) == ["may"]
    assert "PSEUDO" not in ruler.labels


def test_exclude_groups_switches_groups_off() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        nlp.add_pipe("framing_hedges", config={"exclude_groups": ["approximator", "weasel"]})
        doc = nlp("About 300 troops arrived, analysts say, and more may follow.")
    assert cues(doc) == ["may"]


PROFILE_TEXT = ("About 300 troops arrived, analysts say, and the figure is said to be "
                "rising. Assuming the road stays open, more may follow.")


def test_codebook_profile_tags_approximators_weasels_hearsay(blank_hedges: Language) -> None:
    assert cues(blank_hedges(PROFILE_TEXT), "HEDGE") == [
        "About", "analysts say", "is said to", "Assuming", "may"]


def test_szeged_profile_keeps_only_semantic_uncertainty() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ruler = nlp.add_pipe("framing_hedges", config={"profile": "szeged"})
        doc = nlp(PROFILE_TEXT)
    assert cues(doc) == ["may"]
    assert ruler.excluded_groups == {"approximator", "hearsay", "weasel", "conditional"}
    # Excluded rules stay in the component, so a saved pipeline can switch back.
    assert "hedge.about_quantity" in ruler.ids


def test_profile_and_exclude_groups_add_up() -> None:
    nlp = spacy.blank("en")
    ruler = HedgeTagger(nlp, profile="szeged", exclude_groups=["booster"])
    assert {"weasel", "booster"} <= ruler.excluded_groups


def test_unknown_profile_is_rejected() -> None:
    with pytest.raises(ValueError, match="szeged"):
        HedgeTagger(spacy.blank("en"), profile="bioscope")


def test_profile_survives_serialization(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        nlp.add_pipe("framing_hedges", config={"profile": "szeged"})
        nlp.to_disk(tmp_path / "p")
        reloaded = spacy.load(tmp_path / "p")
        doc = reloaded(PROFILE_TEXT)
    assert reloaded.get_pipe("framing_hedges").profile == "szeged"
    assert cues(doc) == ["may"]


def test_no_rules_means_no_spans(blank_hedges: Language) -> None:
    blank_hedges.get_pipe("framing_hedges").initialize(patterns=[])
    doc = blank_hedges("It may rain.")
    assert cues(doc) == [] and doc._.hedge_density == 0.0


# --------------------------------------------------------------------------- bad rules

@pytest.mark.parametrize("bad_line, message", [
    ('{"id": "x", "label": "HEDGE", "phrase": "perhaps", "not_befor": ["a"]}', "unknown key"),
    ('{"id": "x", "label": "HEDGE", "phrase": "perhaps", "not_before": ["NOUNZ"]}',
     "unknown class"),
    ('{"id": "x", "label": "HEDGE", "phrase": "perhaps", "requires_next": ["The"]}',
     "lower-case"),
    ('{"id": "x", "label": "HEDGE", "phrase": "perhaps", "not_after": ["a BOS"]}', "BOS"),
    ('{"id": "x", "label": "HEDGE", "phrase": "perhaps", "pattern": [{"LOWER": "x"}]}',
     "exactly one"),
    ('{"id": "x", "label": "HEDGE", "pattern": [{"LOWR": "perhaps"}]}', "LOWR"),
    ('{"id": "x", "label": "hedge", "phrase": "perhaps"}', "UPPER_SNAKE_CASE"),
    ('{"id": "x", "label": "HEDGE", "phrase": "perhaps", "pos": ["VERBS"]}', "VERBS"),
    ('{"id": "x", "label": "HEDGE", "phrase": "perhaps", "group": 3}', "group"),
    ('{"id": "x", "label": "HEDGE", "phrase": "perhaps",', "invalid JSON"),
])
def test_bad_rule_file_names_file_and_line(blank_hedges: Language, tmp_path: Path,
                                           bad_line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = '{"id": "ok", "label": "HEDGE", "phrase": "maybe"}'
    path.write_text(f"// comment\n{good}\n\n{bad_line}\n", encoding="utf-8")
    ruler = blank_hedges.get_pipe("framing_hedges")
    before = ruler.patterns
    with pytest.raises(RuleError) as caught:
        ruler.initialize(patterns=path)
    assert f"{path}:4:" in str(caught.value)
    assert message in str(caught.value)
    # A failed load leaves the previous rules in place and working.
    assert ruler.patterns == before
    assert cues(blank_hedges("It may rain.")) == ["may"]


def test_bad_add_patterns_names_the_record(blank_hedges: Language) -> None:
    ruler = blank_hedges.get_pipe("framing_hedges")
    with pytest.raises(RuleError, match=r"add_patterns:1: .*missing key"):
        ruler.add_patterns([{"id": "a", "label": "HEDGE", "phrase": "ish"},
                            {"label": "HEDGE", "phrase": "ish"}])


def test_wrong_patterns_type(blank_hedges: Language) -> None:
    with pytest.raises(TypeError, match="E200"):
        blank_hedges.get_pipe("framing_hedges").initialize(patterns={"id": "x"})


# --------------------------------------------------------------------------- serialization

def _span_table(doc: Doc) -> list[tuple[int, int, str, str]]:
    return [(span.start, span.end, span.label_, span.id_) for span in doc.spans[KEY]]


SERIAL_TEXT = ("Analysts say the blockade may fail. Of course, about half of the troops "
               "could stay, and perhaps more. In May the talks resumed.")


def test_to_disk_and_spacy_load_give_identical_spans(sm_hedges: Language,
                                                     tmp_path: Path) -> None:
    ruler = sm_hedges.get_pipe("framing_hedges")
    ruler.add_patterns([{"id": "mine.blockade", "label": "HEDGE", "group": "mine",
                         "phrase": "blockade"}])
    before = sm_hedges(SERIAL_TEXT)
    sm_hedges.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    after = reloaded(SERIAL_TEXT)
    assert _span_table(after) == _span_table(before)
    assert "mine.blockade" in {span.id_ for span in after.spans[KEY]}
    assert after._.uncertain_sentences == before._.uncertain_sentences


def test_settings_survive_serialization(blank_hedges: Language, tmp_path: Path) -> None:
    blank_hedges.remove_pipe("framing_hedges")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        blank_hedges.add_pipe("framing_hedges", config={"spans_key": "epistemic",
                                                        "exclude_groups": ["approximator"]})
        blank_hedges.to_disk(tmp_path / "p")
        reloaded = spacy.load(tmp_path / "p")
        doc = reloaded("About 300 troops may stay.")
    assert [span.text for span in doc.spans["epistemic"]] == ["may"]
    assert (tmp_path / "p" / "framing_hedges" / "patterns.jsonl").is_file()


def test_bytes_round_trip(blank_hedges: Language) -> None:
    ruler = blank_hedges.get_pipe("framing_hedges")
    ruler.initialize(patterns=[{"id": "mine.ish", "label": "HEDGE", "phrase": "ish"}])
    data = ruler.to_bytes()
    other = spacy.blank("en")
    other.add_pipe("sentencizer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        copy = other.add_pipe("framing_hedges")
        copy.from_bytes(data)
        assert copy.patterns == ruler.patterns
        assert _span_table(other("Cold-ish, ish.")) == _span_table(blank_hedges("Cold-ish, ish."))


# --------------------------------------------------------------------------- seed articles

def test_seed_articles_are_tagged(sm_hedges: Language, seed_texts: dict[str, str]) -> None:
    for name, text in seed_texts.items():
        doc = sm_hedges(text)
        hedges = cues(doc, "HEDGE")
        assert len(hedges) >= 5, name
        assert cues(doc, "BOOSTER"), name
        assert 0.0 < doc._.hedge_density < 10.0, name
        assert any(sent._.is_uncertain for sent in doc.sents), name
        assert not all(sent._.is_uncertain for sent in doc.sents), name


def test_an_empty_rule_set_round_trips_as_empty(blank_hedges: Language, tmp_path: Path) -> None:
    ruler = blank_hedges.get_pipe("framing_hedges")
    ruler.initialize(patterns=[])
    ruler.to_disk(tmp_path / "empty")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fresh = spacy.blank("en").add_pipe("framing_hedges")
    assert len(fresh) > 0
    fresh.from_disk(tmp_path / "empty")
    assert len(fresh) == 0
