"""Tests of framing_actors: gazetteer coverage, alias kinds, disambiguation, settings,
rule files, serialization and robustness. Example sentences are written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from spacy_framing.components.actors import ACTOR_SCHEMA, ActorTagger
from spacy_framing.components.rules import RuleError, package_data_path, read_rule_file

Mention = tuple[str, str, str]  # (text, canonical actor, rule id)
SM_PIPE = "actors_under_test"


def mentions(doc: Doc, key: str = "actors") -> list[Mention]:
    return [(span.text, span.kb_id_, span.id_) for span in doc.spans[key]]


def actors_in(doc: Doc) -> set[str]:
    return {span.kb_id_ for span in doc.spans["actors"]}


# Reading the gazetteer takes about half a second, so tests that only run the component
# share one pipeline per module; tests that change settings or rules build their own.
@pytest.fixture(scope="module")
def blank_actors() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("framing_actors")
    return nlp


@pytest.fixture(scope="module")
def sm_actors(nlp_sm: Language) -> Iterator[Language]:
    """The session's English model with the component added for this module only."""
    nlp_sm.add_pipe("framing_actors", name=SM_PIPE)
    yield nlp_sm
    nlp_sm.remove_pipe(SM_PIPE)


@pytest.fixture
def own_blank(blank_nlp: Language) -> Language:
    """A fresh blank pipeline with the component, for tests that change it."""
    blank_nlp.add_pipe("framing_actors")
    return blank_nlp


# The 193 UN member states, written independently of the gazetteer and partly in other
# spellings than its canonical names, so that this list checks the gazetteer.
UN_MEMBER_STATES = """
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|
Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
Bolivia|Bosnia and Herzegovina|Botswana|Brazil|Brunei Darussalam|Bulgaria|Burkina Faso|Burundi|
Cape Verde|Cambodia|Cameroon|Canada|Central African Republic|Chad|Chile|China|Colombia|Comoros|
Republic of the Congo|Costa Rica|Ivory Coast|Croatia|Cuba|Cyprus|Czechia|
Democratic Republic of the Congo|Denmark|Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|
El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|
The Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|
Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|
Kazakhstan|Kenya|Kiribati|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|
Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Marshall Islands|Mauritania|Mauritius|Mexico|Federated States of Micronesia|Moldova|Monaco|
Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|
Nicaragua|Niger|Nigeria|DPRK|North Macedonia|Norway|Oman|Pakistan|Palau|Panama|
Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Republic of Korea|Romania|
Russian Federation|Rwanda|Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|
Samoa|San Marino|Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|
Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Sudan|Spain|Sri Lanka|
Sudan|Suriname|Sweden|Switzerland|Syrian Arab Republic|Tajikistan|Tanzania|Thailand|
Timor-Leste|Togo|Tonga|Trinidad and Tobago|Tunisia|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom|United States of America|Uruguay|Uzbekistan|Vanuatu|
Venezuela|Viet Nam|Yemen|Zambia|Zimbabwe
"""


def _un_members() -> list[str]:
    return [name.strip() for name in UN_MEMBER_STATES.replace("\n", "").split("|")]


# --------------------------------------------------------------------------- gazetteer

def test_the_member_list_of_this_test_has_193_names() -> None:
    names = _un_members()
    assert len(names) == 193 and len(set(names)) == 193


def test_every_un_member_state_is_a_distinct_known_actor(blank_actors: Language) -> None:
    pipe = blank_actors.get_pipe("framing_actors")
    resolved = {name: pipe.resolve(name) for name in _un_members()}
    missing = sorted(name for name, actor in resolved.items() if actor is None)
    assert not missing
    assert len(set(resolved.values())) == 193
    assert set(resolved.values()) <= set(pipe.known_actors())


def test_every_un_member_state_is_tagged_in_a_sentence(blank_actors: Language) -> None:
    pipe = blank_actors.get_pipe("framing_actors")
    untagged = []
    for name in _un_members():
        written = name.removeprefix("The ")
        doc = blank_actors(f"Delegates from {written} arrived for the talks.")
        if pipe.resolve(name) not in actors_in(doc):
            untagged.append(name)
    assert not untagged


def test_observers_organisations_and_groups_are_known(blank_actors: Language) -> None:
    pipe = blank_actors.get_pipe("framing_actors")
    for name, actor in [("Holy See", "Holy See"), ("the Vatican", "Holy See"),
                        ("Palestine", "Palestine"), ("Taiwan", "Taiwan"), ("Kosovo", "Kosovo"),
                        ("EU", "European Union"), ("Nato", "NATO"), ("U.N.", "United Nations"),
                        ("Hamas", "Hamas")]:
        assert pipe.resolve(name) == actor, name


def test_bundled_files_are_consistent() -> None:
    gazetteer = [rule.data for rule in read_rule_file(package_data_path("actors.jsonl"),
                                                      schema=ACTOR_SCHEMA)]
    leaders = [rule.data for rule in read_rule_file(package_data_path("actors_leaders.jsonl"),
                                                    schema=ACTOR_SCHEMA)]
    owners: dict[str, set[str]] = defaultdict(set)
    for record in gazetteer:
        for field in ("names", "demonyms", "capitals", "institutions"):
            for alias in record.get(field, []):
                owners[alias].add(record["actor"])
    for record in leaders:
        for alias in [*record["names"], *record.get("short_names", [])]:
            owners[alias].add(record["actor"])
    # One spelling, one actor: a shared alias would make the tag depend on file order.
    assert {alias: actors for alias, actors in owners.items() if len(actors) > 1} == {}
    known = {record["actor"] for record in gazetteer}
    assert {record["actor"] for record in leaders} <= known
    assert 250 <= len(leaders) <= 400


# --------------------------------------------------------------------------- alias kinds

@pytest.mark.parametrize("text, expected", [
    ("North Korea fired a missile.", ("North Korea", "North Korea", "country_name")),
    ("The DPRK rejected the statement.", ("DPRK", "North Korea", "country_name")),
    ("U.S. officials met on Monday.", ("U.S.", "United States", "country_name")),
    ("Britain recalled its envoy.", ("Britain", "United Kingdom", "country_name")),
    ("Officials in the PRC declined to comment.", ("PRC", "China", "country_name")),
    ("NATO allies met in the morning.", ("NATO", "NATO", "organization_name")),
    ("Ukrainians queued for water.", ("Ukrainians", "Ukraine", "demonym")),
    ("A North Korean ship docked.", ("North Korean", "North Korea", "demonym")),
    ("Pyongyang said nothing.", ("Pyongyang", "North Korea", "capital")),
    ("Analysts in Kiev were surprised.", ("Kiev", "Ukraine", "capital")),
    ("Kyiv thanked its partners.", ("Kyiv", "Ukraine", "capital")),
    ("The Kremlin declined to comment.", ("Kremlin", "Russia", "institution")),
    ("The Pentagon released a statement.", ("Pentagon", "United States", "institution")),
    ("KCNA carried the speech in full.", ("KCNA", "North Korea", "institution")),
    ("Downing Street welcomed the decision.", ("Downing Street", "United Kingdom",
                                              "institution")),
    ("Xi Jinping arrived in the capital.", ("Xi Jinping", "China", "leader")),
    ("Lin Jian answered questions.", ("Lin Jian", "China", "leader")),
    ("Sergei Lavrov spoke first.", ("Sergei Lavrov", "Russia", "leader")),
    ("Zelenskiy thanked the donors.", ("Zelenskiy", "Ukraine", "leader")),
])
def test_alias_kinds(blank_actors: Language, text: str, expected: Mention) -> None:
    assert expected in mentions(blank_actors(text))


@pytest.mark.parametrize("text, expected", [
    ("China's Foreign Ministry denied the report.",
     ("China's Foreign Ministry", "China", "institution")),
    ("The Chinese Foreign Ministry denied the report.",
     ("Chinese Foreign Ministry", "China", "institution")),
    ("A spokesman for the Russian defence ministry spoke.",
     ("Russian defence ministry", "Russia", "institution")),
    ("China’s Ministry of Foreign Affairs issued a notice.",
     ("China’s Ministry of Foreign Affairs", "China", "institution")),
    ("South Korea's Joint Chiefs of Staff said two missiles were fired.",
     ("South Korea's Joint Chiefs of Staff", "South Korea", "institution")),
    ("The Japanese government protested.", ("Japanese government", "Japan", "institution")),
    ("The U.S. State Department said so.", ("U.S. State Department", "United States",
                                            "institution")),
])
def test_institutions_built_from_a_name(blank_actors: Language, text: str,
                                        expected: Mention) -> None:
    assert expected in mentions(blank_actors(text))


def test_ministry_without_a_country_is_not_an_actor(blank_actors: Language) -> None:
    assert mentions(blank_actors("The Ministry of Foreign Affairs issued a notice.")) == []


@pytest.mark.parametrize("text, expected", [
    ("China's economy slowed.", ("China", "China", "country_name")),
    ("China’s economy slowed.", ("China", "China", "country_name")),
    ("Putin's spokesman spoke.", ("Putin", "Russia", "leader")),
    ("The U.S.'s allies were consulted.", ("U.S.", "United States", "country_name")),
    ("Beijing's reply came late.", ("Beijing", "China", "capital")),
])
def test_possessives_stay_outside_the_span(blank_actors: Language, text: str,
                                           expected: Mention) -> None:
    assert expected in mentions(blank_actors(text))


def test_the_article_stays_outside_the_span(blank_actors: Language) -> None:
    assert mentions(blank_actors("Officials in the U.S. were told.")) == [
        ("U.S.", "United States", "country_name")]


@pytest.mark.parametrize("text, expected", [
    ("South Korea and North Korea held talks.", [("South Korea", "South Korea"),
                                                 ("North Korea", "North Korea")]),
    ("North Korean soldiers were seen.", [("North Korean", "North Korea")]),
    ("The Democratic Republic of the Congo closed the border.",
     [("Democratic Republic of the Congo", "Democratic Republic of the Congo")]),
    ("The Republic of the Congo closed the border.",
     [("Republic of the Congo", "Republic of the Congo")]),
    ("Papua New Guinea voted yes.", [("Papua New Guinea", "Papua New Guinea")]),
    ("Equatorial Guinea voted no.", [("Equatorial Guinea", "Equatorial Guinea")]),
    ("South Sudan and Sudan signed.", [("South Sudan", "South Sudan"), ("Sudan", "Sudan")]),
    ("The People's Republic of China objected.", [("People's Republic of China", "China")]),
    ("Korea and Japan held a summit.", [("Korea", "South Korea"), ("Japan", "Japan")]),
])
def test_longest_match_wins(blank_actors: Language, text: str,
                            expected: list[tuple[str, str]]) -> None:
    assert [(text, actor) for text, actor, _ in mentions(blank_actors(text))] == expected


def test_korean_war_and_the_peninsula_name_no_state(blank_actors: Language) -> None:
    doc = blank_actors("The Korean War ended in an armistice on the Korean Peninsula.")
    assert mentions(doc) == []


def test_hyphenated_abbreviations_are_found(blank_actors: Language) -> None:
    doc = blank_actors("The U.S.-led coalition met. U.S.-China talks resumed. US-Japan ties.")
    found = {(text, actor) for text, actor, _ in mentions(doc)}
    assert {("U.S.-led", "United States"), ("U.S.-China", "United States"),
            ("U.S.-China", "China"), ("US", "United States"), ("Japan", "Japan")} <= found


def test_case_matters_for_short_forms(blank_actors: Language) -> None:
    doc = blank_actors("Let us check whether the china set came from a turkey farm in may.")
    assert mentions(doc) == []
    assert actors_in(blank_actors("US and UN officials met.")) == {"United States",
                                                                  "United Nations"}


def test_all_caps_headline(blank_actors: Language) -> None:
    assert actors_in(blank_actors("NORTH KOREA FIRES MISSILE TOWARD JAPAN")) == {
        "North Korea", "Japan"}


# --------------------------------------------------------------------------- people

def test_short_names_need_the_full_name_in_the_document(blank_actors: Language) -> None:
    assert mentions(blank_actors("Xi will travel abroad next week.")) == []
    doc = blank_actors("Xi Jinping arrived on Monday. Xi then met the delegation.")
    assert mentions(doc) == [("Xi Jinping", "China", "leader"), ("Xi", "China", "leader")]


def test_kim_is_kim_jong_un_only_when_he_is_named(blank_actors: Language) -> None:
    assert mentions(blank_actors("Kim said the plan had failed.")) == []
    doc = blank_actors("Kim Jong Un inspected the site. Later, Kim praised the workers.")
    assert ("Kim", "North Korea", "leader") in mentions(doc)


def test_a_relative_is_not_the_leader(blank_actors: Language) -> None:
    doc = blank_actors("Kim Jong Un was absent. His sister, Kim Yo Jong, issued the statement.")
    assert ("Kim Yo Jong", "North Korea", "leader") in mentions(doc)
    assert ("Kim", "North Korea", "leader") not in mentions(doc)
    assert mentions(blank_actors("Her lawyer said Hunter Biden would testify.")) == []
    assert mentions(blank_actors("Reporters said Ashley Biden would attend.")) == []


def test_leaders_can_be_switched_off(blank_nlp: Language) -> None:
    blank_nlp.add_pipe("framing_actors", config={"leaders": None})
    doc = blank_nlp("Putin and Russia were named.")
    assert mentions(doc) == [("Russia", "Russia", "country_name")]


def test_leaders_file_can_be_swapped(blank_nlp: Language, tmp_path: Path) -> None:
    leaders = tmp_path / "leaders.jsonl"
    leaders.write_text(json.dumps({"actor": "Norway", "person": "Ola Nordmann",
                                   "names": ["Ola Nordmann"]}) + "\n", encoding="utf-8")
    blank_nlp.add_pipe("framing_actors", config={"leaders": str(leaders)})
    doc = blank_nlp("Ola Nordmann met Putin.")
    assert mentions(doc) == [("Ola Nordmann", "Norway", "leader")]


# --------------------------------------------------------------------------- disambiguation

@pytest.mark.parametrize("text, expected", [
    ("Georgia's government in Tbilisi rejected the proposal.", {"Georgia"}),
    ("Protesters accused Georgia of drifting towards Russia.", {"Georgia", "Russia"}),
    ("The senator flew from Atlanta, Georgia, to a rally.", set()),
    ("Voters in Texas, Georgia and Arizona went to the polls.", set()),
    ("Georgia voters waited in long lines.", set()),
    ("King Abdullah of Jordan met the envoy in Amman.", {"Jordan"}),
    ("Michael Jordan won six championships.", set()),
    ("Jordan Peterson gave a lecture to a packed hall.", set()),
    ("Representative Jim Jordan questioned the witness.", set()),
    ("Soldiers from Chad joined the regional force.", {"Chad"}),
    ("Chad Smith scored twice in the second half.", set()),
    ("Turkey and Greece agreed to resume talks.", {"Turkey", "Greece"}),
    ("Turkey sandwiches were served at the picnic.", set()),
    ("The meeting is scheduled for May 20.", set()),
    # A known office holder since the dated leaders (undated: any holder resolves).
    ("Theresa May resigned in 2019.", {"United Kingdom"}),
    ("Washington and Beijing traded accusations.", {"United States", "China"}),
    ("The Washington Post published the memo.", set()),
    ("George Washington crossed the river.", set()),
    ("A Washington-based think tank published the study.", set()),
    ("Israel struck targets in southern Lebanon.", {"Israel", "Lebanon"}),
    ("The Niger Delta has suffered from oil spills.", set()),
    ("She speaks fluent Russian.", set()),
])
def test_disambiguation_with_the_english_model(sm_actors: Language, text: str,
                                               expected: set[str]) -> None:
    assert actors_in(sm_actors(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("Troops from Chad crossed the border.", {"Chad"}),
    ("The coach said Chad Smith would start.", set()),
    ("Fans cheered when Michael Jordan arrived.", set()),
    ("The coach praised Jordan Clarkson after the game.", set()),
    ("Talks with Jordan resumed on Monday.", {"Jordan"}),
    ("The envoy said George Washington was his hero.", set()),
    ("Officials in Washington welcomed the deal.", {"United States"}),
    ("The Washington Post reported it first.", set()),
    ("Northern Israel came under fire.", {"Israel"}),
    ("Turkey sandwiches were served at the picnic.", set()),
    ("Voters in Texas, Georgia and Arizona went to the polls.", set()),
])
def test_disambiguation_on_a_blank_pipeline(blank_actors: Language, text: str,
                                            expected: set[str]) -> None:
    assert actors_in(blank_actors(text)) == expected


@pytest.mark.parametrize("text", [
    "Latin America and South America were discussed.",
    "The South China Sea is busy with shipping.",
    "Native Americans and African Americans marched.",
    "The Paris Agreement sets targets for emissions.",
    "A Beijing-based analyst said the data were incomplete.",
    "The company said quarterly profits rose in May.",
    "The committee will meet again next week to review the budget.",
])
def test_sentences_without_actors(blank_actors: Language, sm_actors: Language,
                                  text: str) -> None:
    assert mentions(blank_actors(text)) == []
    assert mentions(sm_actors(text)) == []


def test_model_pipeline_finds_the_usual_mentions(sm_actors: Language) -> None:
    doc = sm_actors("Chinese President Xi Jinping warned Washington, while Russia's Foreign "
                    "Ministry and the Kremlin stayed silent about North Korean troops.")
    assert actors_in(doc) == {"China", "United States", "Russia", "North Korea"}
    assert ("Xi Jinping", "China", "leader") in mentions(doc)


# --------------------------------------------------------------------------- settings

def test_config_aliases(blank_nlp: Language) -> None:
    pipe = blank_nlp.add_pipe("framing_actors",
                              config={"aliases": {"China": ["Zhongnanhai"],
                                                  "Talvenia": ["Port Selva", "Talvenian"]}})
    doc = blank_nlp("Zhongnanhai was silent, but Port Selva and Talvenia spoke.")
    assert mentions(doc) == [("Zhongnanhai", "China", "user_alias"),
                             ("Port Selva", "Talvenia", "user_alias"),
                             ("Talvenia", "Talvenia", "user_alias")]
    assert pipe.resolve("zhongnanhai") == "China"
    assert "Talvenia" in pipe.known_actors()


def test_add_aliases_overrides_the_gazetteer_with_a_warning(own_blank: Language) -> None:
    pipe = own_blank.get_pipe("framing_actors")
    assert actors_in(own_blank("Brussels objected.")) == {"European Union"}
    with pytest.warns(UserWarning, match="W100"):
        pipe.add_aliases({"Belgium": ["Brussels"]})
    assert mentions(own_blank("Brussels objected.")) == [
        ("Brussels", "Belgium", "user_alias")]


def test_bad_aliases_are_rejected(own_blank: Language) -> None:
    pipe = own_blank.get_pipe("framing_actors")
    with pytest.raises(ValueError, match="E105"):
        pipe.add_aliases({"China": [3]})
    with pytest.raises(ValueError, match="E105"):
        pipe.add_aliases(["China"])  # type: ignore[arg-type]


def test_spans_key_setting(blank_nlp: Language) -> None:
    blank_nlp.add_pipe("framing_actors", config={"spans_key": "states"})
    doc = blank_nlp("Chile and Peru signed.")
    assert mentions(doc, "states") == [("Chile", "Chile", "country_name"),
                                       ("Peru", "Peru", "country_name")]
    assert "actors" not in doc.spans


def test_resolve(blank_actors: Language) -> None:
    pipe = blank_actors.get_pipe("framing_actors")
    assert pipe.resolve("Beijing") == "China"
    assert pipe.resolve("the U.S.") == "United States"
    assert pipe.resolve("usa") == "United States"
    assert pipe.resolve("  PYONGYANG ") == "North Korea"
    assert pipe.resolve("Kremlin") == "Russia"
    assert pipe.resolve("Vladimir Putin") == "Russia"
    assert pipe.resolve("Turkiye") == "Turkey"
    assert pipe.resolve("Korea's") == "South Korea"
    assert pipe.resolve("Atlantis") is None
    assert pipe.resolve("") is None
    assert pipe.resolve("Xi") is None  # short names need context; not a target alias
    assert {"China", "Russia", "United States", "NATO"} <= set(pipe.known_actors())


# --------------------------------------------------------------------------- rule files

def test_user_pattern_file_through_initialize(own_blank: Language, tmp_path: Path) -> None:
    patterns = tmp_path / "mine.jsonl"
    patterns.write_text(
        "// my actors\n"
        + json.dumps({"actor": "Talvenia", "names": ["Republic of Talvenia"],
                      "demonyms": ["Talvenian", "Talvenians"], "capitals": ["Port Selva"],
                      "blockers": ["Port Selva Marathon"]}) + "\n"
        + json.dumps({"actor": "Talvenia", "person": "Oren Kask", "names": ["Oren Kask"],
                      "short_names": ["Kask"]}) + "\n",
        encoding="utf-8")
    pipe = own_blank.get_pipe("framing_actors")
    pipe.initialize(patterns=patterns)
    doc = own_blank("Oren Kask said Talvenians trust Port Selva. Kask left. The Port Selva "
                       "Marathon was cancelled. China objected.")
    assert mentions(doc) == [("Oren Kask", "Talvenia", "leader"),
                             ("Talvenians", "Talvenia", "demonym"),
                             ("Port Selva", "Talvenia", "capital"),
                             ("Kask", "Talvenia", "leader"),
                             ("China", "China", "country_name")]
    # A list of paths works too, and initialize() without patterns drops them again.
    pipe.initialize(patterns=[patterns])
    assert "Talvenia" in pipe.known_actors()
    pipe.initialize()
    assert "Talvenia" not in pipe.known_actors()


def test_pattern_file_through_the_initialize_config(blank_nlp: Language,
                                                    tmp_path: Path) -> None:
    # nlp.initialize() validates the [initialize.components] settings against the
    # signature of initialize(); the pattern path must survive that validation.
    patterns = tmp_path / "mine.jsonl"
    patterns.write_text(json.dumps({"actor": "Talvenia", "capitals": ["Port Selva"]}) + "\n",
                        encoding="utf-8")
    blank_nlp.add_pipe("framing_actors")
    config = blank_nlp.config
    config["initialize"]["components"]["framing_actors"] = {"patterns": str(patterns)}
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    assert actors_in(nlp("Port Selva and China.")) == {"Talvenia", "China"}


def test_add_patterns(own_blank: Language) -> None:
    pipe = own_blank.get_pipe("framing_actors")
    pipe.add_patterns([{"actor": "Atlantis", "kind": "state", "demonyms": ["Atlantean"],
                        "ambiguous": ["Atlantis"]}])
    assert mentions(own_blank("Atlantis and Atlantean envoys met.")) == [
        ("Atlantis", "Atlantis", "country_name"), ("Atlantean", "Atlantis", "demonym")]
    with pytest.raises(RuleError, match=r"add_patterns:0: missing key\(s\) actor"):
        pipe.add_patterns([{"names": ["Nowhere"]}])


def test_gazetteer_setting_null_leaves_only_user_aliases(blank_nlp: Language) -> None:
    blank_nlp.add_pipe("framing_actors", config={"gazetteer": None, "leaders": None,
                                                 "aliases": {"Talvenia": ["Port Selva"]}})
    doc = blank_nlp("China and Port Selva.")
    assert mentions(doc) == [("Port Selva", "Talvenia", "user_alias")]


@pytest.mark.parametrize("lines, message", [
    (['{"actor": "A", "names": ["Aa"]}', '', '{"actor": "B", "names": ["Bb"]'],
     r":3: invalid JSON"),
    (['{"actor": "A", "names": ["Aa"], "capital": ["X"]}'], r":1: unknown key\(s\) capital"),
    (['// comment', '{"actor": "A", "names": ["Aa"], "ambiguous": ["Ab"]}'],
     r":2: \[E106\] 'ambiguous' lists 'Ab'"),
    (['{"actor": "A", "person": "P Q", "names": ["P Q"], "demonyms": ["Aan"]}'],
     r":1: \[E104\]"),
    (['{"actor": "A", "names": "Aa"}'], r":1: \[E102\] 'names'"),
    (['{"actor": "A", "short_names": ["Q"]}'], r":1: \[E103\]"),
    (['{"actor": ""}'], r":1: \[E101\] 'actor'"),
])
def test_bad_gazetteer_names_file_and_line(blank_nlp: Language, tmp_path: Path,
                                           lines: list[str], message: str) -> None:
    bad = tmp_path / "bad_actors.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    blank_nlp.add_pipe("framing_actors", config={"gazetteer": str(bad)})
    with pytest.raises(RuleError, match=rf"bad_actors\.jsonl{message}"):
        blank_nlp("China")
    # The component stays usable once the file is fixed.
    bad.write_text('{"actor": "A", "names": ["Aa"]}\n', encoding="utf-8")
    assert actors_in(blank_nlp("Aa")) == {"A"}


@pytest.mark.parametrize("record, message", [
    ({"id": "x", "effect": "extend", "pattern": [{"LOWER": "army", "OP": "+"}]}, "E108"),
    ({"id": "x", "effect": "grow", "pattern": [{"LOWER": "army"}]}, "E107"),
    ({"id": "x", "effect": "reject", "pattern": [{"LOWER": "army"}],
      "applies_to": ["leader"]}, "E110"),
    ({"id": "x", "effect": "reject", "pattern": [{"LOWR": "army"}]}, "LOWR"),
])
def test_bad_context_file_names_file_and_line(blank_nlp: Language, tmp_path: Path,
                                              record: dict[str, object], message: str) -> None:
    bad = tmp_path / "bad_context.jsonl"
    bad.write_text('{"id": "ok", "effect": "reject", "pattern": [{"ORTH": "Post"}]}\n'
                   + json.dumps(record) + "\n", encoding="utf-8")
    pipe = blank_nlp.add_pipe("framing_actors", config={"context": str(bad)})
    with pytest.raises(RuleError, match=rf"bad_context\.jsonl:2: .*{message}"):
        pipe.initialize()


def test_patterns_of_the_wrong_type(own_blank: Language) -> None:
    pipe = own_blank.get_pipe("framing_actors")
    with pytest.raises(TypeError, match="E100"):
        pipe.initialize(patterns={"actor": "A"})  # type: ignore[arg-type]


def test_bad_source_setting(blank_nlp: Language) -> None:
    with pytest.raises(ValueError, match="E109"):
        ActorTagger(blank_nlp, gazetteer="  ")


# --------------------------------------------------------------------------- robustness

@pytest.mark.parametrize("text", ["", "   \n\t ", "🇨🇳🇺🇸🙂🙂", "\u200b", "-", "U.S.-"])
def test_odd_texts(blank_actors: Language, sm_actors: Language, text: str) -> None:
    for nlp in (blank_actors, sm_actors):
        doc = nlp(text)
        assert all(span.label_ == "ACTOR" for span in doc.spans["actors"])


def test_a_million_characters_on_a_blank_pipeline(blank_actors: Language) -> None:
    sentence = "Officials in Beijing said the U.S.-led talks with Russia would resume soon. "
    text = (sentence * (1_000_000 // len(sentence) + 1))[:1_000_000]
    doc = blank_actors(text)
    found = doc.spans["actors"]
    assert len(found) >= 3 * (1_000_000 // len(sentence))
    assert {span.kb_id_ for span in found} == {"China", "United States", "Russia"}


def test_warnings_are_not_raised_in_normal_use(blank_actors: Language) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        blank_actors("Beijing and Moscow.")


def test_overwrite_false_keeps_existing_spans(blank_nlp: Language) -> None:
    blank_nlp.add_pipe("framing_actors", config={"overwrite": False})
    doc = blank_nlp.make_doc("Chile and Peru.")
    doc.spans["actors"] = [doc.char_span(0, 5, label="ACTOR", kb_id="Chile")]
    doc = blank_nlp.get_pipe("framing_actors")(doc)
    assert [span.text for span in doc.spans["actors"]] == ["Chile", "Chile", "Peru"]


# --------------------------------------------------------------------------- serialization

def _customised(nlp: Language) -> Language:
    pipe = nlp.add_pipe("framing_actors", config={"aliases": {"China": ["Zhongnanhai"]},
                                                  "spans_key": "who"})
    pipe.add_patterns([{"actor": "Talvenia", "capitals": ["Port Selva"]}])
    pipe.add_aliases({"Atlantis": ["Atlantean"]})
    return nlp


SERIALIZATION_TEXT = ("Zhongnanhai, Port Selva and Atlantean envoys met U.S.-China teams. "
                      "Xi Jinping spoke; Xi left. Georgia's government and Jim Jordan.")


def test_to_disk_and_spacy_load_give_identical_spans(blank_nlp: Language,
                                                     tmp_path: Path) -> None:
    nlp = _customised(blank_nlp)
    before = nlp(SERIALIZATION_TEXT)
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    after = loaded(SERIALIZATION_TEXT)
    expected = [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in before.spans["who"]]
    assert expected == [(s.start, s.end, s.label_, s.kb_id_, s.id_)
                        for s in after.spans["who"]]
    assert {"Talvenia", "Atlantis"} <= {kb for _, _, _, kb, _ in expected}
    assert loaded.get_pipe("framing_actors").resolve("Atlantean") == "Atlantis"


def test_to_bytes_round_trip(blank_nlp: Language) -> None:
    nlp = _customised(blank_nlp)
    other = spacy.blank("en")
    other.add_pipe("sentencizer")
    other.add_pipe("framing_actors").from_bytes(nlp.get_pipe("framing_actors").to_bytes())
    assert mentions(nlp(SERIALIZATION_TEXT), "who") == mentions(other(SERIALIZATION_TEXT),
                                                                "who")


@pytest.mark.slow
def test_the_factory_is_found_through_its_entry_point() -> None:
    script = (
        "import spacy, sys\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('sentencizer')\n"
        "nlp.add_pipe('framing_actors')\n"
        "doc = nlp('Beijing warned Washington.')\n"
        "print([(s.text, s.kb_id_) for s in doc.spans['actors']])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "('Beijing', 'China')" in result.stdout
    assert "('Washington', 'United States')" in result.stdout


# --------------------------------------------------------------------------- seed articles

def test_seed_articles(sm_actors: Language, seed_texts: dict[str, str]) -> None:
    found = {name: actors_in(sm_actors(text)) for name, text in seed_texts.items()}
    assert {"China", "Russia", "North Korea", "South Korea", "Ukraine"} <= found["kontur"]
    assert {"China", "Russia", "North Korea", "South Korea", "Ukraine",
            "United States"} <= found["voa"]
