"""Tests for the ``framing_devices`` component (codebook section 1, ``doc.spans["framing"]``).

Every sentence here was written for these tests.
"""

from __future__ import annotations

import contextlib
import pickle
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from spacy_framing.components.devices import DeviceTagger
from spacy_framing.components.rules import RuleError

KEY = "framing"
CODEBOOK_LABELS = (
    "LOSS_OF_INFLUENCE", "FAIT_ACCOMPLI", "BARGAINING_CHIP", "DILEMMA", "STRATEGIC_GAME",
    "DEPENDENCY", "STABILITY", "ESCALATION", "LEGALITY", "EMOTION", "SILENCE",
)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def sm_devices(nlp_sm: Language) -> Iterator[Language]:
    """The English model + framing_devices for the whole module (tests must not change its
    rules; those that do use ``own_sm_devices``), with framing_actors first when it loads
    (EMOTION then also accepts the actors it marks); the tests do not depend on it."""
    added = []
    # Another engineer's component may not be ready: then run without it.
    with contextlib.suppress(Exception):
        nlp_sm.add_pipe("framing_actors", name="test_devices_actors")
        added.append("test_devices_actors")
    nlp_sm.add_pipe("framing_devices", name="test_devices")
    added.append("test_devices")
    yield nlp_sm
    for name in reversed(added):
        nlp_sm.remove_pipe(name)


@pytest.fixture
def own_sm_devices(nlp_sm: Language, added_pipes: Callable[..., object]) -> Language:
    """The English model + a framing_devices of its own, for tests that add rules."""
    added_pipes("framing_devices")
    return nlp_sm


@pytest.fixture
def blank_devices() -> Iterator[Language]:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("framing_devices")
    with warnings.catch_warnings():
        # W150 (no parse: dependency rules skipped) is tested on its own below.
        warnings.simplefilter("ignore", UserWarning)
        yield nlp


def labels_of(doc: Doc) -> set[str]:
    return {span.label_ for span in doc.spans[KEY]}


def spans_of(doc: Doc, label: str) -> list[Span]:
    return [span for span in doc.spans[KEY] if span.label_ == label]


def described(doc: Doc) -> list[tuple[str, str, str]]:
    return [(span.text, span.label_, span.id_) for span in doc.spans[KEY]]


# --------------------------------------------------------------------------- positives

POSITIVES: list[tuple[str, str]] = [
    ("LOSS_OF_INFLUENCE", "Washington has been steadily losing clout in the region as "
                          "Beijing expands its footprint."),
    ("LOSS_OF_INFLUENCE", "Moscow's sway over the breakaway republics has diminished since "
                          "the war began."),
    ("LOSS_OF_INFLUENCE", "Analysts say Paris now has to share its influence in West Africa "
                          "with newcomers."),
    ("LOSS_OF_INFLUENCE", "Iran now holds more influence over Baghdad than the United States "
                          "does."),
    ("LOSS_OF_INFLUENCE", "The deal could undermine Tokyo's strategic position in the "
                          "Pacific."),
    ("LOSS_OF_INFLUENCE", "The ruling party lost control of the upper house for the first "
                          "time in decades."),
    ("LOSS_OF_INFLUENCE", "Turkey gained considerable leverage over the alliance during the "
                          "accession talks."),
    ("FAIT_ACCOMPLI", "Berlin was presented with a done deal when the two capitals signed "
                      "the pact."),
    ("FAIT_ACCOMPLI", "Washington withdrew its troops without consulting its Kurdish "
                      "partners."),
    ("FAIT_ACCOMPLI", "Seoul said it had not been consulted about the decision beforehand."),
    ("FAIT_ACCOMPLI", "Allies complained they were kept in the dark about the strike."),
    ("FAIT_ACCOMPLI", "Officials in Ottawa were blindsided by the tariff announcement."),
    ("FAIT_ACCOMPLI", "The allies had no say in the matter."),
    ("BARGAINING_CHIP", "The detained journalists have become bargaining chips in the "
                        "dispute."),
    ("BARGAINING_CHIP", "Pyongyang may offer to freeze its tests in exchange for sanctions "
                        "relief."),
    ("BARGAINING_CHIP", "Moscow appears to be using the gas supplies as leverage against "
                        "Kyiv."),
    ("BARGAINING_CHIP", "The prisoners were traded for two convicted spies."),
    ("BARGAINING_CHIP", "Republicans held the budget hostage to win concessions on "
                        "immigration."),
    ("DILEMMA", "The conflict leaves New Delhi in an uncomfortable position between its "
                "partners."),
    ("DILEMMA", "European leaders face a no-win situation over the refugee deal."),
    ("DILEMMA", "Tehran is caught between hardliners at home and pressure from abroad."),
    ("DILEMMA", "It is a tough balancing act for a government that needs both markets."),
    ("DILEMMA", "The government is walking a tightrope between Washington and Beijing."),
    ("DILEMMA", "The vote puts the prime minister in a very awkward spot."),
    ("STRATEGIC_GAME", "The summit is the latest move in a geopolitical chess game between "
                       "the rivals."),
    ("STRATEGIC_GAME", "Ankara's gambit appears to have paid off."),
    ("STRATEGIC_GAME", "The Kremlin now holds the upper hand in the talks."),
    ("STRATEGIC_GAME", "Both parties are playing a dangerous game with the debt ceiling."),
    ("STRATEGIC_GAME", "Observers called the snap election a political gamble by the prime "
                       "minister."),
    ("STRATEGIC_GAME", "The opposition sees the reform as a power grab."),
    ("DEPENDENCY", "Minsk remains heavily dependent on Russian energy subsidies."),
    ("DEPENDENCY", "The regime relies on Chinese support to survive."),
    ("DEPENDENCY", "Europe's reliance on imported gas left it exposed."),
    ("DEPENDENCY", "Foreign aid has been a lifeline for the government."),
    ("DEPENDENCY", "Critics describe the country as a client state of its larger "
                   "neighbour."),
    ("DEPENDENCY", "Hezbollah, Iran's main proxy in Lebanon, has stayed out of the fight."),
    ("STABILITY", "The crisis threatens the stability of the whole region."),
    ("STABILITY", "The arms sales could destabilize the Gulf."),
    ("STABILITY", "Beijing wants to preserve the status quo across the strait."),
    ("STABILITY", "The treaty helped maintain the balance of power in Europe."),
    ("STABILITY", "Officials want to keep the peninsula stable."),
    ("ESCALATION", "The shelling marks a dangerous escalation of the conflict."),
    ("ESCALATION", "Both sides were urged to de-escalate after the border clash."),
    ("ESCALATION", "Tensions between the two navies have risen sharply."),
    ("ESCALATION", "Officials described the missile launch as a grave threat to regional "
                   "security."),
    ("ESCALATION", "Crossing that red line would trigger a military response, the minister "
                   "warned."),
    ("ESCALATION", "The foreign minister called for calm to ease tensions in the strait."),
    ("LEGALITY", "The strikes violated international law, the foreign minister said."),
    ("LEGALITY", "The shipments breach UN Security Council resolutions."),
    ("LEGALITY", "A court ruled the decree unconstitutional."),
    ("LEGALITY", "The EU imposed new sanctions on the steel sector."),
    ("LEGALITY", "Activists filed a lawsuit challenging the ban."),
    ("LEGALITY", "The shipment was a clear violation of the arms embargo."),
    ("EMOTION", "Beijing is reportedly furious about the arms sale."),
    ("EMOTION", "The decision angered officials in Tokyo."),
    ("EMOTION", "Washington's frustration with its ally is growing."),
    ("EMOTION", "The Kremlin was alarmed by the sudden advance."),
    ("EMOTION", "Republicans fear the bill will hurt them in the midterms."),
    ("EMOTION", "There is panic in Moscow over the sudden mobilisation."),
    ("EMOTION", "Moscow bristled at the criticism."),
    ("SILENCE", "The embassy declined to comment on the report."),
    ("SILENCE", "The ministry did not respond to requests for comment."),
    ("SILENCE", "Neither side has confirmed the talks took place."),
    ("SILENCE", "Officials in Riyadh have remained silent on the matter."),
    ("SILENCE", "Beijing has kept quiet about the incident."),
    ("SILENCE", "Pyongyang has yet to comment on the defection."),
    ("SILENCE", "The palace has stayed mum on the prince's health."),
]


@pytest.mark.parametrize(("label", "text"), POSITIVES)
def test_positive_sentences(sm_devices: Language, label: str, text: str) -> None:
    doc = sm_devices(text)
    assert label in labels_of(doc), described(doc)


def test_every_label_has_three_positives() -> None:
    for label in CODEBOOK_LABELS:
        assert sum(1 for positive, _text in POSITIVES if positive == label) >= 3, label


# --------------------------------------------------------------------------- negatives
# The codebook's "not this" column and ordinary news sentences the cues resemble.

NEGATIVES: list[tuple[str, str]] = [
    ("LOSS_OF_INFLUENCE", "Casualties are mounting on both sides of the front line."),
    ("LOSS_OF_INFLUENCE", "The army lost three tanks and dozens of soldiers near the river."),
    ("LOSS_OF_INFLUENCE", "The driver lost control of the truck on the icy highway."),
    ("FAIT_ACCOMPLI", "The ministry announced the new tariffs on Tuesday."),
    ("FAIT_ACCOMPLI", "The government decided to raise the retirement age after a long "
                      "debate."),
    ("FAIT_ACCOMPLI", "The ministers consulted with experts before the vote."),
    ("BARGAINING_CHIP", "Bilateral trade reached 240 billion dollars in 2023."),
    ("BARGAINING_CHIP", "Exports to Germany rose 4 percent last year."),
    ("BARGAINING_CHIP", "The company makes computer chips for the car industry."),
    ("DILEMMA", "Building the bridge was a difficult task for the engineers."),
    ("DILEMMA", "The exam was hard, but most students passed."),
    ("STRATEGIC_GAME", "The football game ended in a draw after extra time."),
    ("STRATEGIC_GAME", "Fans cheered as the team won the championship game on Sunday."),
    ("STRATEGIC_GAME", "She plays chess at the local club every Thursday."),
    ("DEPENDENCY", "France and Germany are long-standing allies within the European Union."),
    ("DEPENDENCY", "The study relied on data from three hospitals."),
    ("DEPENDENCY", "Income is a rough proxy for access to healthcare in the survey."),
    ("STABILITY", "The patient is in stable condition at the hospital."),
    ("STABILITY", "Prices remained stable in the second quarter."),
    ("ESCALATION", "The storm made driving conditions dangerous on the highway."),
    ("ESCALATION", "The company escalated the customer complaint to a manager."),
    ("ESCALATION", "The heat wave poses a serious health risk to the elderly."),
    ("LEGALITY", "The law firm opened a new office in Chicago."),
    ("LEGALITY", "She studied history at the university."),
    ("EMOTION", "Her mother was furious when she came home late."),
    ("EMOTION", "The boy was frightened by the dog."),
    ("EMOTION", "I am worried about my exam tomorrow."),
    ("SILENCE", "The minister commented on the report at length."),
    ("SILENCE", "The crowd fell silent as the coffin passed."),
    ("SILENCE", "He declined to be named because he was not authorized to speak."),
]


@pytest.mark.parametrize(("label", "text"), NEGATIVES)
def test_negative_sentences(sm_devices: Language, label: str, text: str) -> None:
    doc = sm_devices(text)
    assert label not in labels_of(doc), described(doc)


def test_every_label_has_two_negatives() -> None:
    for label in CODEBOOK_LABELS:
        assert sum(1 for negative, _text in NEGATIVES if negative == label) >= 2, label


# --------------------------------------------------------------------------- disambiguation

def test_emotion_needs_a_collective_experiencer(sm_devices: Language) -> None:
    # Same construction: a capital feels, a private person does not count.
    assert "EMOTION" in labels_of(sm_devices("The government was furious about the leak."))
    assert "EMOTION" not in labels_of(sm_devices("My landlord was furious about the leak."))
    # One member of a group is a person, not the group.
    assert "EMOTION" not in labels_of(sm_devices("An American would be proud of that."))


def test_emotion_accepts_actors_marked_by_an_actor_component(nlp_sm: Language) -> None:
    # A person's name is only an actor when an actor component says so (doc.spans["actors"]).
    devices = DeviceTagger(nlp_sm)
    doc = nlp_sm("Maria Fernandez was furious about the vote.")
    assert "EMOTION" not in labels_of(devices(doc))
    doc.spans["actors"] = [doc.char_span(0, len("Maria Fernandez"), label="ACTOR")]
    assert "EMOTION" in labels_of(devices(doc))


def test_emotion_experiencer_through_pronouns_and_compounds(sm_devices: Language) -> None:
    # "they" takes the nearest plural subject before it, in its sentence or the one before.
    doc = sm_devices("The opposition senators walked out of the chamber. They were livid.")
    assert "EMOTION" in labels_of(doc), described(doc)
    doc = sm_devices("The tourists walked out of the museum. They were livid.")
    assert "EMOTION" not in labels_of(doc), described(doc)
    # A relative pronoun stands for the noun its clause modifies.
    doc = sm_devices("He courted a party base that was angry at the leadership.")
    assert "EMOTION" in labels_of(doc), described(doc)
    doc = sm_devices("She owns a dog that was angry at the mailman.")
    assert "EMOTION" not in labels_of(doc), described(doc)
    # A hyphenated collective noun is three tokens.
    doc = sm_devices("The grass-roots are furious with the party's leaders.")
    assert "EMOTION" in labels_of(doc), described(doc)


def test_game_in_politics_but_not_in_sports(sm_devices: Language) -> None:
    assert "STRATEGIC_GAME" in labels_of(sm_devices("Moscow is playing a double game."))
    assert "STRATEGIC_GAME" not in labels_of(
        sm_devices("The quarterback played a great game against Denver."))


def test_tension_is_escalation(sm_devices: Language) -> None:
    doc = sm_devices("Talks in Geneva are meant to ease tension between the neighbours.")
    assert [span.text for span in spans_of(doc, "ESCALATION")] == ["ease tension"]


def test_silence_is_not_anonymity(sm_devices: Language) -> None:
    doc = sm_devices("An official, who declined to be identified, said the talks failed.")
    assert "SILENCE" not in labels_of(doc)


# --------------------------------------------------------------------------- rule families
# One sentence per family of wording (written for these tests), with the rule id prefix
# that must produce the span, so a family that stops firing is named in the failure.

FAMILY_POSITIVES: list[tuple[str, str, str]] = [
    ("STRATEGIC_GAME", "game.political_stake",
     "Aides warned that hosting the rally was a serious political risk for the governor."),
    ("STRATEGIC_GAME", "game.partisanship",
     "The senator accused her rivals of naked partisanship over the farm bill."),
    ("STRATEGIC_GAME", "game.party_politics",
     "The spokesman said the treaty should not be held hostage to party politics."),
    ("STRATEGIC_GAME", "game.hit_back",
     "The mayor hit back at the council on Tuesday, calling the audit a smear."),
    ("STRATEGIC_GAME", "game.fight",
     "The fight over the highway budget has consumed the legislature for weeks."),
    ("STRATEGIC_GAME", "game.victory",
     "The vote was a clear victory for the speaker and her allies."),
    ("STRATEGIC_GAME", "game.blow_to",
     "The court ruling was a blow to the governor's plans."),
    ("STRATEGIC_GAME", "game.move",
     "Critics called the early election a cynical ploy to split the opposition."),
    ("STRATEGIC_GAME", "game.back_down",
     "Neither the president nor the Senate leaders showed any sign they would back down."),
    ("STRATEGIC_GAME", "game.base",
     "The speech was designed to fire up the conservative base before the primaries."),
    ("STRATEGIC_GAME", "game.fear_mongering",
     "The two candidates traded insults in a war of words on social media."),
    ("STRATEGIC_GAME", "game.contest_noun",
     "The prime minister issued an ultimatum to his coalition partners."),
    ("STRATEGIC_GAME", "game.threat_leverage",
     "Republicans threatened to filibuster the nomination unless the rules changed."),
    ("STRATEGIC_GAME", "game.votes",
     "Party leaders said they had the votes to pass the measure on Friday."),
    ("STRATEGIC_GAME", "game.pressure",
     "Unions ramped up pressure on lawmakers ahead of the budget vote."),
    ("LEGALITY", "legality.indict",
     "Prosecutors indicted four executives of the shipping firm on Monday."),
    ("LEGALITY", "legality.charged_with",
     "Prosecutors said the men were charged with smuggling weapons parts."),
    ("LEGALITY", "legality.constitution",
     "Opponents argued that the decree ignores the Constitution."),
    ("LEGALITY", "legality.court",
     "The families vowed to take their case to court."),
    ("LEGALITY", "legality.court",
     "The Supreme Court blocked the policy on Friday."),
    ("LEGALITY", "legality.immunity",
     "The bill strips foreign governments of immunity from such claims."),
    ("LEGALITY", "legality.legal_noun",
     "Diplomats abroad could face legal jeopardy if the measure passes."),
    ("LEGALITY", "legality.ban",
     "The agency lifted the import ban on the hunting trophies."),
    ("ESCALATION", "escalation.attack_on",
     "The senator called the hacking campaign an attack on our democracy."),
    ("ESCALATION", "escalation.aggression",
     "The alliance condemned the continued aggression against its eastern members."),
    ("ESCALATION", "escalation.drawn_into",
     "Analysts fear the country is being dragged into the war next door."),
    ("ESCALATION", "escalation.threaten_survival",
     "The minister said the pact would threaten the security of the whole region."),
    ("ESCALATION", "escalation.national_security",
     "The general said the smuggling routes were a matter of national security."),
    ("ESCALATION", "escalation.threaten",
     "Tehran threatened to retaliate if the tanker was not released."),
    ("SILENCE", "silence.stop_short",
     "The foreign minister stopped short of blaming the neighbouring government."),
    ("SILENCE", "silence.steer_clear",
     "Most party leaders steered clear of the controversy at the convention."),
    ("SILENCE", "silence.mute",
     "The ruling coalition was largely mute about the scandal."),
    ("SILENCE", "silence.demur",
     "The ambassador demurred when reporters asked about the troop numbers."),
    ("SILENCE", "silence.not_going_to",
     "The spokeswoman said she was not going to speculate about the talks."),
    ("SILENCE", "silence.refusal_to",
     "The ministry's refusal to comment fuelled the rumours."),
    ("SILENCE", "silence.not_offer_details",
     "The agency would not offer details about the raid."),
    ("EMOTION", "emotion.spark_outrage",
     "The verdict fuelled anger on the left, and Democrats called it unjust."),
    ("EMOTION", "emotion.group_mood",
     "Republican anger at the ruling spilled onto the Senate floor."),
    ("EMOTION", "emotion.collective_participle",
     "The government, alarmed by the sudden troop movements, recalled its envoy."),
    ("EMOTION", "emotion.angry_group",
     "Frustrated liberal activists gathered outside the party headquarters."),
    ("LOSS_OF_INFLUENCE", "loss.power_shift",
     "The reform would shift power away from the capital to the provinces."),
    ("DILEMMA", "dilemma.way_out",
     "Diplomats are searching for a face-saving way out of the standoff."),
    ("DILEMMA", "dilemma.hard_call",
     "Moderates face a tough vote on the spending package."),
    ("FAIT_ACCOMPLI", "fait.not_seek_approval",
     "The governor did not seek approval from the legislature before signing the deal."),
    ("FAIT_ACCOMPLI", "fait.go_alone",
     "The president decided to go it alone and act without congressional support."),
    ("FAIT_ACCOMPLI", "fait.ignore_congress",
     "Critics said the order would ignore the will of Congress."),
    ("LOSS_OF_INFLUENCE", "loss.control_of",
     "The opposition is expected to take control of the lower chamber in January."),
    ("BARGAINING_CHIP", "bargaining.offer_each_other",
     "The two leaders can offer each other things that no third country can."),
    ("BARGAINING_CHIP", "bargaining.hostage",
     "Aid workers say the detainees have effectively become hostages in the talks."),
    ("STABILITY", "stability.chaos",
     "The minister accused foreign agents of trying to sow chaos before the vote."),
    ("STABILITY", "stability.upheaval",
     "Years of political upheaval have left the country without a budget."),
    ("STRATEGIC_GAME", "game.cave_noun",
     "Activists called the vote a cave by the Senate leadership on the spending bill."),
    ("STRATEGIC_GAME", "game.hasty_retreat",
     "The governor's abrupt retreat on the tax plan surprised his allies."),
    ("STRATEGIC_GAME", "game.obstruction",
     "The speaker accused the minority of years of obstruction on the budget."),
    ("STRATEGIC_GAME", "game.contest_phrases",
     "Opponents slipped a poison pill into the bill to sink it."),
    ("STRATEGIC_GAME", "game.threaten_shutdown",
     "The caucus threatened to shut down the government over the border money."),
    ("STRATEGIC_GAME", "game.force_opponent",
     "The White House tried to force Congress to vote before the recess."),
    ("SILENCE", "silence.not_reached",
     "A spokeswoman for the ministry could not be reached on Sunday."),
    ("LEGALITY", "legality.plea",
     "The former aide pleaded guilty to lying to investigators in March."),
    ("LEGALITY", "legality.found_guilty",
     "The mayor was not under oath when he gave the interview."),
    ("ESCALATION", "escalation.terrorism",
     "The minister vowed to win the war on terror whatever the cost."),
    ("SILENCE", "silence.no_position",
     "The governor said she would not take a position on the bill until it was final."),
    ("STRATEGIC_GAME", "game.positioning",
     "The senator aligned herself with the critics of the pipeline deal."),
    ("STRATEGIC_GAME", "game.splinter",
     "A deep rift has opened in the caucus over the trade bill."),
    ("BARGAINING_CHIP", "bargaining.walk_away",
     "Officials warned they could walk away from the talks if the tariffs stayed."),
]


@pytest.mark.parametrize(("label", "rule", "text"), FAMILY_POSITIVES)
def test_rule_family_positives(sm_devices: Language, label: str, rule: str,
                               text: str) -> None:
    doc = sm_devices(text)
    assert any(span.label_ == label and span.id_.startswith(rule)
               for span in doc.spans[KEY]), described(doc)


FAMILY_NEGATIVES: list[tuple[str, str]] = [
    # Sport, war and illness use the contest words literally.
    ("STRATEGIC_GAME", "The boxer won the fight in the third round of the championship."),
    ("STRATEGIC_GAME", "Troops fought for hours to hold the bridge against the offensive."),
    ("STRATEGIC_GAME", "She has been fighting cancer for two years."),
    # Resigning is not backing down; advocacy is not a contest.
    ("STRATEGIC_GAME", "The chairman said he would step down at the end of the year."),
    ("STRATEGIC_GAME", "The charity will keep fighting for children in poor districts."),
    ("STRATEGIC_GAME", "The company hired a new marketing strategy consultant."),
    # A medical immunity, a tennis court, a credit card charge.
    ("LEGALITY", "The vaccine gives lasting immunity against the virus."),
    ("LEGALITY", "The players warmed up on the tennis court before the match."),
    ("LEGALITY", "The bank refunded the charges on her credit card."),
    # A job title is not a security threat; nor is a health risk.
    ("ESCALATION", "The national security adviser met reporters on Monday."),
    ("ESCALATION", "Smoking is a threat to the health of patients with asthma."),
    # Not mentioning what one never shied away from; a muted TV.
    ("SILENCE", "He has never shied away from talking about his faith."),
    ("SILENCE", "The colours of the old painting are muted."),
    ("EMOTION", "Her brother was angry about the parking ticket."),
    ("DILEMMA", "The reporters asked some tough questions about the budget."),
    ("STABILITY", "The airport was in chaos after the storm grounded every flight."),
    ("BARGAINING_CHIP", "Police freed the hostage after the kidnappers surrendered."),
    ("LOSS_OF_INFLUENCE", "The pilot took control of the aircraft after the engine failed."),
    # Obstruction of justice is a charge; a party's retreat is a meeting; a deal that was
    # not reached is no silence.
    ("STRATEGIC_GAME", "Prosecutors weighed an obstruction of justice charge against him."),
    ("STRATEGIC_GAME", "House Republicans gathered for their annual retreat in the mountains."),
    ("SILENCE", "Talks ended on Friday because an agreement could not be reached."),
    # A war that a country prosecutes; terror attacks as the subject of a lawsuit.
    ("LEGALITY", "The general said the war was prosecuted with too few troops."),
    ("ESCALATION", "Families of the victims may sue the bank over the terrorist attacks."),
]


@pytest.mark.parametrize(("label", "text"), FAMILY_NEGATIVES)
def test_rule_family_negatives(sm_devices: Language, label: str, text: str) -> None:
    doc = sm_devices(text)
    assert label not in labels_of(doc), described(doc)


# --------------------------------------------------------------------------- lexicon families
# Paraphrases across outlets (written for these tests): each family must fire on wording
# that none of the gold articles uses, and stay quiet on the literal or private senses.

LEXICON_POSITIVES: list[tuple[str, str, str]] = [
    # EMOTION: feeling adverbs, "with" + feeling, patience, edginess, pride, national feeling.
    ("EMOTION", "emotion.collective_adverb",
     "The foreign ministry angrily rejected the report on Thursday."),
    ("EMOTION", "emotion.collective_adverb",
     "Opposition parties reacted furiously to the new election law."),
    ("EMOTION", "emotion.collective_adverb",
     "The regime warily watched the talks between its two neighbours."),
    ("EMOTION", "emotion.collective_with_feeling",
     "Ankara reacted with irritation to the arms embargo."),
    ("EMOTION", "emotion.collective_views_with_feeling",
     "The ruling coalition views the striking dockers with suspicion."),
    ("EMOTION", "emotion.met_with_feeling",
     "The pension plan was met with fury across the country."),
    ("EMOTION", "emotion.patience_wears_thin",
     "Hanoi's patience with the fishing fleets is wearing thin."),
    ("EMOTION", "emotion.patience_thin",
     "European capitals say their patience is running out."),
    ("EMOTION", "emotion.lose_patience",
     "The ministers have lost patience with the delays in the port project."),
    ("EMOTION", "emotion.collective_on_edge",
     "Taipei was on edge after the drills near the strait."),
    ("EMOTION", "emotion.collective_takes_pride",
     "The government takes pride in the new satellite."),
    ("EMOTION", "emotion.national_feeling",
     "Leaders appealed to national pride at the parade."),
    ("EMOTION", "emotion.hurt_feelings",
     "A spokesman said the visit had hurt the feelings of the people."),
    ("EMOTION", "emotion.angry_reaction",
     "Angry complaints from the government followed the collision at sea."),
    ("EMOTION", "emotion.sigh_of_relief",
     "Officials in Canberra breathed a sigh of relief after the vote."),
    ("EMOTION", "emotion.feeling_for_collective",
     "The walkout was a humiliation for the government."),
    ("EMOTION", "emotion.",
     "The administration is hopeful that the talks will resume next month."),
    ("EMOTION", "emotion.",
     "Senate Democrats were seething after the vote."),
    ("EMOTION", "emotion.collective_is_adj",
     "“We are deeply disappointed by this decision,” the minister said."),
    # A sitting head of state or government feels for the state (codebook section 4).
    ("EMOTION", "emotion.",
     "President Martinez was furious about the leak."),
    # SILENCE
    ("SILENCE", "silence.not_be_drawn",
     "The premier refused to be drawn on the future of the coalition."),
    ("SILENCE", "silence.hold_tongue",
     "For weeks the palace held its tongue about the scandal."),
    ("SILENCE", "silence.not_available_to_comment",
     "A spokesman for the ministry was not available to comment."),
    ("SILENCE", "silence.no_word_from",
     "There was no word from Tehran about the detained sailors."),
    ("SILENCE", "silence.brush_off_questions",
     "The envoy brushed off questions about the missing shipment."),
    ("SILENCE", "silence.media_not_report",
     "State media did not report the border clash."),
    ("SILENCE", "silence.would_not",
     "The embassy didn’t comment on the arrests."),
    ("SILENCE", "silence.not_voting",
     "Three members of the committee did not vote at all."),
    ("SILENCE", "silence.skip_vote",
     "Several moderates skipped the vote on the tariff bill."),
    # LOSS_OF_INFLUENCE
    ("LOSS_OF_INFLUENCE", "loss.diminished_role",
     "The conference exposed Britain's diminished role in the Gulf."),
    ("LOSS_OF_INFLUENCE", "loss.call_the_shots",
     "Paris no longer calls the shots in its former colonies."),
    ("LOSS_OF_INFLUENCE", "loss.on_the_wane",
     "Tokyo's influence is on the wane in Southeast Asia."),
    ("LOSS_OF_INFLUENCE", "loss.lost_leverage",
     "The junta has lost much of its leverage over the rebels."),
    ("LOSS_OF_INFLUENCE", "loss.eclipsed",
     "Brazil has been eclipsed by China as the region's main lender."),
    ("LOSS_OF_INFLUENCE", "loss.fewer_levers",
     "The embargo leaves Washington with fewer levers over Caracas."),
    ("LOSS_OF_INFLUENCE", "loss.chamber_changes_hands",
     "Labour hopes to retake the chamber at the next election."),
    ("LOSS_OF_INFLUENCE", "loss.",
     "The governing coalition lost its majority in the upper house."),
    ("LOSS_OF_INFLUENCE", "loss.hand_weakened",
     "The strike weakened the minister's negotiating hand."),
    ("LOSS_OF_INFLUENCE", "loss.strip_power",
     "The reform strips the governors of much of their power."),
    ("LOSS_OF_INFLUENCE", "loss.curb_power",
     "Parliament voted to curb the president's emergency powers."),
    # STABILITY
    ("STABILITY", "stability.restore_calm",
     "The envoy flew in to restore calm along the disputed border."),
    ("STABILITY", "stability.keep_lid",
     "The party is struggling to keep a lid on the dissent."),
    ("STABILITY", "stability.collapse",
     "The loans are meant to avert the regime's collapse."),
    ("STABILITY", "stability.turmoil",
     "The coup has thrown the region into turmoil."),
    ("STABILITY", "stability.rock",
     "The assassination rocked the political establishment."),
    # ESCALATION
    ("ESCALATION", "escalation.strike_kind",
     "The defence minister did not rule out a military strike on the launch sites."),
    ("ESCALATION", "escalation.preemptive_strike",
     "Some generals argued for a pre-emptive strike."),
    ("ESCALATION", "escalation.alert_buildup",
     "The navy was put on high alert after the incident."),
    ("ESCALATION", "escalation.mass_troops",
     "The army has been massing troops near the frontier."),
    ("ESCALATION", "escalation.hostilities",
     "Both sides warned that hostilities could resume at any time."),
    ("ESCALATION", "escalation.trade_threats",
     "The two nuclear powers traded threats over the disputed islands."),
    ("ESCALATION", "escalation.risk_of_war",
     "The standoff raises the risk of armed conflict in the strait."),
    ("ESCALATION", "escalation.cold_war",
     "Commentators warn of a new cold war between the two powers."),
    ("ESCALATION", "escalation.spill_over",
     "Neighbours fear the fighting could spill over the border."),
    ("ESCALATION", "escalation.threaten_weapons",
     "The leader has threatened to use nuclear weapons."),
    ("STABILITY", "stability.stable_state",
     "Its neighbours want a stable Pakistan."),
    ("STABILITY", "stability.collapse_of_state",
     "The collapse of Venezuela would send millions across the borders."),
    ("EMOTION", "emotion.mutual_feeling",
     "The two governments share a mutual distrust of the West."),
    ("EMOTION", "emotion.collective_to_be_adj",
     "Officials in Brasilia are said to be furious about the leak."),
    ("EMOTION", "emotion.collective_likely_to_be_adj",
     "The cabinet is unlikely to be pleased by the court's decision."),
    # STRATEGIC_GAME
    ("STRATEGIC_GAME", "game.play_off",
     "The junta tries to play Washington and Moscow off against each other."),
    ("STRATEGIC_GAME", "game.buy_time",
     "Critics say the regime is using the talks to buy time."),
    ("STRATEGIC_GAME", "game.wrong_foot",
     "The snap election was meant to wrong-foot the opposition."),
    ("STRATEGIC_GAME", "game.win_for",
     "The summit was a diplomatic coup for the hosts."),
    ("STRATEGIC_GAME", "game.pounce_on",
     "The opposition pounced on the minister's gaffe."),
    ("STRATEGIC_GAME", "game.shore_up",
     "The governor is trying to shore up support among rural voters."),
    ("STRATEGIC_GAME", "game.test_of",
     "The budget vote is a test of the speaker's clout."),
]


@pytest.mark.parametrize(("label", "rule", "text"), LEXICON_POSITIVES)
def test_lexicon_family_positives(sm_devices: Language, label: str, rule: str,
                                  text: str) -> None:
    doc = sm_devices(text)
    assert any(span.label_ == label and span.id_.startswith(rule)
               for span in doc.spans[KEY]), described(doc)


LEXICON_NEGATIVES: list[tuple[str, str]] = [
    # Private persons, consumers and literal senses.
    ("EMOTION", "The farmer was angry about the price of feed."),
    ("EMOTION", "She felt hopeful after the operation."),
    ("EMOTION", "My patience is running out with this printer."),
    ("EMOTION", "Fans lost patience with the coach after the defeat."),
    ("EMOTION", "The hikers sat on the edge of the cliff."),
    ("EMOTION", "He took pride in his vegetable garden."),
    ("EMOTION", "The shop welcomed customers with free coffee."),
    ("EMOTION", "The agency took exception to the findings of the audit."),
    ("EMOTION", "Former President Martinez was furious about the leak."),
    ("EMOTION", "Vice President Martinez was furious about the leak."),
    ("SILENCE", "The library is a quiet place to read."),
    ("SILENCE", "The senator rebuffed calls to resign."),
    ("SILENCE", "The survey found no indication that prices would fall."),
    ("SILENCE", "The artist was drawn to the sea."),
    ("SILENCE", "The students missed the bus to the museum."),
    ("LOSS_OF_INFLUENCE", "The actress had a smaller role in the sequel."),
    ("LOSS_OF_INFLUENCE", "He lost his keys at the station."),
    ("LOSS_OF_INFLUENCE", "The team lost the game in overtime."),
    ("LOSS_OF_INFLUENCE", "The bill's sponsors expect to win the House vote on Friday."),
    ("LOSS_OF_INFLUENCE", "The goalkeeper injured his hand in training."),
    ("STABILITY", "The patient is in stable condition."),
    ("STABILITY", "The roof collapsed under the weight of the snow."),
    ("STABILITY", "The passengers were shaken by the turbulence on the flight."),
    ("STABILITY", "The judge restored order in the courtroom."),
    ("STABILITY", "The storm rocked the coastal towns."),
    ("ESCALATION", "Napoleon's invasion of Russia in 1812 ended in disaster."),
    ("ESCALATION", "The national security adviser's office released the schedule."),
    ("ESCALATION", "Teachers voted for a strike over pay."),
    ("ESCALATION", "The police were on high alert for pickpockets during the parade."),
    ("ESCALATION", "Volunteers sent hundreds of troops of scouts to the camp."),
    ("ESCALATION", "The trade war raised the risk of higher prices for shoppers."),
    ("ESCALATION", "Water from the burst pipe could spill over into the basement."),
    ("STRATEGIC_GAME", "The quarterback threw a touchdown pass."),
    ("STRATEGIC_GAME", "The team won the final in a penalty shootout."),
    ("STRATEGIC_GAME", "Engineers shored up the levee before the flood."),
    ("STRATEGIC_GAME", "The cat pounced on the mouse."),
]


@pytest.mark.parametrize(("label", "text"), LEXICON_NEGATIVES)
def test_lexicon_family_negatives(sm_devices: Language, label: str, text: str) -> None:
    doc = sm_devices(text)
    assert label not in labels_of(doc), described(doc)


def test_context_picks_the_label_of_a_retaliation(sm_devices: Language) -> None:
    # The same cue is a security threat near troops and a political contest elsewhere.
    military = sm_devices("The army warned it would retaliate against any missile strike.")
    political = sm_devices("Senate leaders promised payback after the committee vote.")
    assert "ESCALATION" in labels_of(military), described(military)
    assert "STRATEGIC_GAME" not in labels_of(military), described(military)
    assert "STRATEGIC_GAME" in labels_of(political), described(political)


def test_adjacent_same_label_cues_become_one_span(sm_devices: Language) -> None:
    doc = sm_devices("Weeks of sniping and finger-pointing followed the failed vote.")
    games = spans_of(doc, "STRATEGIC_GAME")
    assert [span.text for span in games] == ["sniping and finger-pointing"], described(doc)
    # Cues of one label further apart stay separate spans.
    doc = sm_devices("The feud deepened, and by Friday the standoff had frozen the budget.")
    assert len(spans_of(doc, "STRATEGIC_GAME")) == 2, described(doc)


BLANK_FAMILY_POSITIVES: list[tuple[str, str]] = [
    ("STRATEGIC_GAME", "The governor fired back at her critics on Tuesday."),
    ("STRATEGIC_GAME", "Both parties are locked in a partisan standoff over the budget."),
    ("LEGALITY", "The officers were indicted by a grand jury in Virginia."),
    ("ESCALATION", "The hacking was an attack on our democracy, the senator said."),
    ("SILENCE", "The minister stopped short of calling for new elections."),
    ("FAIT_ACCOMPLI", "The cabinet acted without consulting the parliament."),
]


@pytest.mark.parametrize(("label", "text"), BLANK_FAMILY_POSITIVES)
def test_rule_families_on_a_blank_pipeline(blank_devices: Language, label: str,
                                           text: str) -> None:
    doc = blank_devices(text)
    assert label in labels_of(doc), described(doc)


# --------------------------------------------------------------------------- span shape

def test_spans_are_short_carry_rule_ids_and_no_quotes(sm_devices: Language) -> None:
    component = sm_devices.get_pipe("test_devices")
    doc = sm_devices('Critics call it "a bargaining chip" and say Beijing is "furious" '
                     "while Washington declined to comment.")
    assert doc.spans[KEY]
    for span in doc.spans[KEY]:
        assert 1 <= len(span) <= 8
        assert span.id_ in component.ids
        assert not span[0].is_quote and not span[-1].is_quote
    assert "bargaining chip" in [span.text for span in spans_of(doc, "BARGAINING_CHIP")]


def test_same_label_overlaps_keep_the_longest(sm_devices: Language) -> None:
    # "losing influence" and "losing influence over" style matches of one label overlap.
    doc = sm_devices("Russia now has much more influence over Minsk than Brussels does.")
    loss = spans_of(doc, "LOSS_OF_INFLUENCE")
    assert len(loss) == 1
    for first, second in zip(doc.spans[KEY], list(doc.spans[KEY])[1:], strict=False):
        if first.label_ == second.label_:
            assert first.end <= second.start


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_different_labels_may_overlap() -> None:
    nlp = spacy.blank("en")
    devices = nlp.add_pipe("framing_devices")
    devices.add_patterns([{"id": "user.cold_war", "label": "HISTORY_ANALOGY",
                           "phrase": "a new cold war"},
                          {"id": "user.war", "label": "WAR_WORD", "phrase": "cold war"}])
    doc = nlp("Some fear a new cold war.")
    assert {(span.text, span.label_) for span in doc.spans[KEY]} >= {
        ("a new cold war", "HISTORY_ANALOGY"), ("cold war", "WAR_WORD")}


# --------------------------------------------------------------------------- rules

def test_bundled_rules_cover_the_codebook(sm_devices: Language) -> None:
    component = sm_devices.get_pipe("test_devices")
    assert set(CODEBOOK_LABELS) <= set(component.labels)
    assert any("dep_pattern" in record for record in component.patterns)
    assert len(component.ids) == len({record["id"] for record in component.patterns})


def test_bundled_rule_ids_are_unique(sm_devices: Language) -> None:
    # span.id_ names the rule that fired; two rules with one id would hide which one it was.
    ids = [record["id"] for record in sm_devices.get_pipe("test_devices").patterns]
    assert len(ids) == len(set(ids)), sorted({rule for rule in ids if ids.count(rule) > 1})


def test_add_patterns_with_a_user_label(own_sm_devices: Language) -> None:
    sm_devices = own_sm_devices
    component = sm_devices.get_pipe("framing_devices")
    before = len(component)
    component.add_patterns([
        {"id": "user.sovereignty", "label": "SOVEREIGNTY",
         "pattern": [{"LEMMA": "infringe"}, {"LOWER": "on"}, {"OP": "?"},
                     {"LOWER": "sovereignty"}]},
    ])
    assert len(component) == before + 1
    doc = sm_devices("The flights infringed on Finnish sovereignty, Helsinki said.")
    assert ("infringed on Finnish sovereignty", "SOVEREIGNTY", "user.sovereignty") \
        in described(doc)
    assert "SOVEREIGNTY" in component.labels


@pytest.mark.parametrize("label", ["sovereignty", "Loss_Of_Influence", "LOSS-OF-INFLUENCE",
                                   "_LEADING", ""])
def test_labels_must_be_upper_snake_case(label: str) -> None:
    component = DeviceTagger(spacy.blank("en"))
    with pytest.raises(RuleError, match="UPPER_SNAKE_CASE"):
        component.add_patterns([{"id": "user.bad", "label": label, "phrase": "x"}])


@pytest.mark.parametrize(("line", "problem"), [
    ('{"id": "a", "label": "X", "pattern": [{"LOWER": "a"}]', "invalid JSON"),
    ('{"id": "a", "label": "lower", "phrase": "a b"}', "UPPER_SNAKE_CASE"),
    ('{"id": "a", "label": "X"}', "exactly one of"),
    ('{"id": "a", "label": "X", "pattern": [{"NOT_AN_ATTR": "a"}]}', "NOT_AN_ATTR"),
    ('{"id": "a", "label": "X", "phrase": "a", "span": ["x"]}', "only allowed with"),
    ('{"id": "a", "label": "X", "dep_pattern": [{"RIGHT_ID": "n", "RIGHT_ATTRS": '
     '{"LOWER": "a"}}], "span": ["m"]}', "not in the dep_pattern"),
    ('{"id": "a", "label": "X", "phrase": "a", "unknown_key": 1}', "unknown key"),
    ('{"id": "a", "label": "X", "phrase": "a", "not_in_sentence": ["Two Words"]}',
     "single lower-case words"),
])
def test_bad_rule_file_names_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text('// my rules\n{"id": "ok", "label": "FINE", "phrase": "fine"}\n'
                    f"{line}\n", encoding="utf-8")
    component = DeviceTagger(spacy.blank("en"))
    rules_before = component.patterns
    with pytest.raises(RuleError) as caught:
        component.initialize(patterns=path)
    message = str(caught.value)
    assert f"{path}:3" in message
    assert problem in message
    # A failed reload keeps the rules the component had.
    assert component.patterns == rules_before


def test_initialize_replaces_rules(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text('{"id": "mine.truce", "label": "TRUCE", "phrase": ["truce", "ceasefire"]}\n',
                    encoding="utf-8")
    nlp = spacy.blank("en")
    component = nlp.add_pipe("framing_devices")
    component.initialize(patterns=str(path))
    assert component.labels == ("TRUCE",)
    assert described(nlp("The truce held.")) == [("truce", "TRUCE", "mine.truce")]
    component.initialize()  # back to the bundled rules
    assert set(CODEBOOK_LABELS) <= set(component.labels)
    with pytest.raises(TypeError):
        component.initialize(patterns={"id": "x"})  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_nlp_initialize_reads_patterns_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text('{"id": "mine.truce", "label": "TRUCE", "phrase": "truce"}\n',
                    encoding="utf-8")
    nlp = spacy.blank("en")
    component = nlp.add_pipe("framing_devices")
    nlp.initialize()  # no settings: the bundled rules
    assert set(CODEBOOK_LABELS) <= set(component.labels)
    nlp.config["initialize"]["components"]["framing_devices"] = {"patterns": str(path)}
    nlp.initialize()
    assert component.labels == ("TRUCE",)
    assert described(nlp("A truce, then silence.")) == [("truce", "TRUCE", "mine.truce")]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_component_and_docs_pickle() -> None:
    nlp = spacy.blank("en")
    component = nlp.add_pipe("framing_devices")
    copy = pickle.loads(pickle.dumps(component))
    assert copy.patterns == component.patterns
    doc = pickle.loads(pickle.dumps(nlp("Officials declined to comment.")))
    assert described(doc) == [("declined to comment", "SILENCE", "silence.declined_to")]


def test_word_list_conditions(own_sm_devices: Language) -> None:
    sm_devices = own_sm_devices
    component = sm_devices.get_pipe("framing_devices")
    component.add_patterns([
        {"id": "user.summit", "label": "USER_SUMMIT", "phrase": "summit",
         "in_sentence": ["leaders"], "not_followed_by": ["meeting"]},
    ])
    assert "USER_SUMMIT" in labels_of(sm_devices("The leaders met at the summit."))
    assert "USER_SUMMIT" not in labels_of(sm_devices("We climbed to the summit."))
    assert "USER_SUMMIT" not in labels_of(sm_devices("The leaders held a summit meeting."))


# --------------------------------------------------------------------------- blank pipeline

def test_blank_pipeline_uses_lower_fallbacks(blank_devices: Language) -> None:
    # loss.verb_influence is written with LEMMA ("lose"): the blank fallback knows "losing".
    doc = blank_devices("Washington has been losing clout in the region.")
    assert [(span.text, span.label_) for span in doc.spans[KEY]] == [
        ("losing clout", "LOSS_OF_INFLUENCE")]
    assert spans_of(doc, "LOSS_OF_INFLUENCE")[0].id_ == "loss.verb_influence"
    doc = blank_devices("Officials were blindsided and declined to comment.")
    assert {"FAIT_ACCOMPLI", "SILENCE"} <= labels_of(doc)
    # ENT_TYPE conditions fall back to capitalised words.
    doc = blank_devices("The sanctions rattled Tehran. It was a Russian game.")
    assert {"EMOTION", "STRATEGIC_GAME", "LEGALITY"} <= labels_of(doc)


def test_blank_pipeline_skips_dependency_rules_with_a_warning() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("framing_devices")
    with pytest.warns(UserWarning, match="W150"):
        doc = nlp("China's exasperation is obvious.")
    assert "EMOTION" in labels_of(doc)  # a token rule; the dependency rules were skipped


@pytest.mark.parametrize("text", ["", "   \n\t ", "🙂🔥🙂", "\u200b", "!!!", "Beijing"])
def test_degenerate_texts(blank_devices: Language, sm_devices: Language, text: str) -> None:
    for nlp in (blank_devices, sm_devices):
        doc = nlp(text)
        assert list(doc.spans[KEY]) == [] or all(len(span) for span in doc.spans[KEY])


def test_a_million_characters_on_a_blank_pipeline(blank_devices: Language) -> None:
    prose = ("The committee met again on Thursday and the delegates discussed the budget. "
             "Officials declined to comment on the sanctions. ")
    text = (prose * (1_000_000 // len(prose) + 1))[:1_000_000]
    doc = blank_devices(text)
    silence = spans_of(doc, "SILENCE")
    assert len(silence) >= 1_000_000 // len(prose) - 1
    assert all(span.text == "declined to comment" for span in silence)


# --------------------------------------------------------------------------- serialization

def test_to_disk_and_spacy_load_give_identical_spans(nlp_sm: Language,
                                                     added_pipes: Callable[..., object],
                                                     tmp_path: Path) -> None:
    component = added_pipes("framing_devices")
    assert isinstance(component, DeviceTagger)
    sm_devices = nlp_sm
    component.add_patterns([{"id": "user.truce", "label": "TRUCE", "phrase": "truce"}])
    text = ("Beijing is furious and declined to comment, but the truce could become a "
            "bargaining chip as Moscow loses influence over Pyongyang.")
    before = sm_devices(text)
    expected = [(span.start_char, span.end_char, span.label_, span.id_)
                for span in before.spans[KEY]]
    assert ("truce", "TRUCE") in [(text[s:e], label) for s, e, label, _ in expected]
    sm_devices.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    after = loaded(text)
    got = [(span.start_char, span.end_char, span.label_, span.id_)
           for span in after.spans[KEY]]
    assert got == expected
    assert loaded.get_pipe("framing_devices").patterns == component.patterns


def test_to_bytes_round_trip_keeps_rules_and_settings() -> None:
    nlp = spacy.blank("en")
    source = nlp.add_pipe("framing_devices", config={"spans_key": "devices",
                                                      "max_span_tokens": 6})
    source.add_patterns([{"id": "user.truce", "label": "TRUCE", "phrase": "truce"}])
    target = DeviceTagger(spacy.blank("en"))
    target.from_bytes(source.to_bytes())
    assert target.patterns == source.patterns
    assert (target.spans_key, target.max_span_tokens) == ("devices", 6)


# --------------------------------------------------------------------------- seed articles

@pytest.fixture(scope="module")
def seed_labels(seed_texts: dict[str, str], nlp_sm: Language) -> dict[str, set[str]]:
    devices = DeviceTagger(nlp_sm)
    return {name: labels_of(devices(nlp_sm(text))) for name, text in seed_texts.items()}


def test_seed_kontur(seed_labels: dict[str, set[str]]) -> None:
    assert {"LOSS_OF_INFLUENCE", "FAIT_ACCOMPLI", "BARGAINING_CHIP", "DILEMMA"} \
        <= seed_labels["kontur"]


def test_seed_voa(seed_labels: dict[str, set[str]]) -> None:
    assert {"LOSS_OF_INFLUENCE", "DILEMMA", "EMOTION", "SILENCE"} <= seed_labels["voa"]


def test_bundled_rule_files_pass_the_pattern_schema() -> None:
    # The bundled rules skip spaCy's pattern schema when a pipeline is built (it costs more
    # than compiling them); this test is the check they skip. Paths go the user-file way.
    from spacy_framing.components.devices import DEFAULT_RULE_FILES
    from spacy_framing.components.rules import package_data_path

    nlp = spacy.blank("en")
    component = DeviceTagger(nlp)
    bundled = len(component)
    component.initialize(patterns=[package_data_path(name) for name in DEFAULT_RULE_FILES])
    assert len(component) == bundled


def test_a_schema_error_in_a_user_rule_names_it() -> None:
    nlp = spacy.blank("en")
    component = DeviceTagger(nlp)
    bundled = len(component)
    with pytest.raises(RuleError, match="add_patterns"):
        component.add_patterns([{"id": "user.bad", "label": "WAR_WORD",
                                 "pattern": [{"LOWER": {"INN": ["war"]}}]}])
    assert len(component) == bundled
