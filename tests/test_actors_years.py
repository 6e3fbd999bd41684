"""Actors across the years (issue 12, part 3): office holders 2000-2025 with their terms,
``Doc._.date`` picking who held an office, titles naming their holder, and a person as
the compare target. Example sentences are written for these tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import spacy
from click.testing import CliRunner
from spacy.language import Language
from spacy.tokens import Doc

from spacy_framing.cli import main
from spacy_framing.compare import Target, TargetError, compare, compare_facts, resolve_target
from spacy_framing.components.actors import ACTOR_SCHEMA, CONTEXT_SCHEMA
from spacy_framing.components.rules import RuleError, package_data_path, read_rule_file
from spacy_framing.dates import date_bounds, iso_date
from spacy_framing.facts import doc_facts, stream_facts

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def actors_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("framing_actors")
    return nlp


def tagged(nlp: Language, text: str, date: str | None = None) -> Doc:
    doc = nlp.make_doc(text)
    doc._.date = date
    return nlp(doc)


def actors(doc: Doc) -> list[tuple[str, str]]:
    return [(span.text, span.kb_id_) for span in doc.spans["actors"]]


def persons(doc: Doc) -> list[tuple[str, str, str]]:
    return [(span.text, span.kb_id_, span.id_) for span in doc.spans["persons"]]


# --------------------------------------------------------------------------- the targets

@pytest.mark.parametrize("text", ["Obama spoke to reporters on the lawn.",
                                  "President Obama spoke to reporters on the lawn."])
def test_obama_in_2014_is_the_united_states(actors_nlp: Language, text: str) -> None:
    doc = tagged(actors_nlp, text, "2014-05-03")
    assert actors(doc) == [("Obama", "United States")]
    assert persons(doc) == [("Obama", "Barack Obama", "leader")]


def test_hu_jintao_in_2011_is_china(actors_nlp: Language) -> None:
    doc = tagged(actors_nlp, "Hu Jintao arrived for the state visit.", "2011-01-18")
    assert actors(doc) == [("Hu Jintao", "China")]


def test_trump_in_2014_is_nobodys_state(actors_nlp: Language) -> None:
    doc = tagged(actors_nlp, "Trump said he might run one day.", "2014-02-10")
    assert actors(doc) == []
    # The person is still named: a person target finds the mention.
    assert persons(doc) == [("Trump", "Donald Trump", "leader")]


@pytest.mark.parametrize("date, expected", [
    (None, [("Trump", "United States")]),
    ("2018-07-01", [("Trump", "United States")]),
    ("2017-01-20", [("Trump", "United States")]),  # inauguration day counts
    ("2022-03-01", []),
    ("2025", [("Trump", "United States")]),  # a year: any day of it
    ("2025-02", [("Trump", "United States")]),
])
def test_trump_by_date(actors_nlp: Language, date: str | None,
                       expected: list[tuple[str, str]]) -> None:
    assert actors(tagged(actors_nlp, "Trump signed the order.", date)) == expected


def test_a_person_who_served_two_actors(actors_nlp: Language) -> None:
    text = "Rutte chaired the meeting."
    assert actors(tagged(actors_nlp, text, "2015-06-01")) == [("Rutte", "Netherlands")]
    assert actors(tagged(actors_nlp, text, "2025-06-01")) == [("Rutte", "NATO")]
    assert actors(tagged(actors_nlp, text)) == [("Rutte", "NATO")]


def test_putin_as_prime_minister_is_still_russia(actors_nlp: Language) -> None:
    assert actors(tagged(actors_nlp, "Putin visited the plant.", "2010-04-04")) == [
        ("Putin", "Russia")]


def test_an_unusable_date_is_no_date(actors_nlp: Language) -> None:
    assert actors(tagged(actors_nlp, "Trump signed the order.", "last Tuesday")) == [
        ("Trump", "United States")]


# --------------------------------------------------------------------------- titles

def test_the_chinese_president_in_2011_is_hu_jintao(actors_nlp: Language) -> None:
    doc = tagged(actors_nlp, "The Chinese president praised the agreement.", "2011-06-01")
    assert actors(doc) == [("Chinese president", "China")]
    assert persons(doc) == [("Chinese president", "Hu Jintao", "office")]


@pytest.mark.parametrize("text, date, holder", [
    ("The Chinese president praised the agreement.", "2016-06-01", "Xi Jinping"),
    ("China's foreign minister flew home.", "2011-06-01", "Yang Jiechi"),
    ("China's foreign minister flew home.", "2023-03-01", "Qin Gang"),
    ("The U.S. secretary of state arrived late.", "2014-08-01", "John Kerry"),
    ("The U.S. secretary of state arrived late.", "2010-08-01", "Hillary Clinton"),
    ("Russian Prime Minister Dmitry Medvedev spoke first.", "2015-01-10", "Dmitry Medvedev"),
    ("Russian Prime Minister was not named.", "2010-01-10", "Vladimir Putin"),
    ("The German chancellor disagreed.", "2009-01-10", "Angela Merkel"),
    ("Iran's supreme leader spoke.", "2009-01-10", "Ali Khamenei"),
    ("The U.N. Secretary-General called for calm.", "2012-01-10", "Ban Ki-moon"),
    ("The Russian foreign ministry spokeswoman replied.", "2019-01-10", "Maria Zakharova"),
])
def test_titles_name_their_holder_on_the_date(actors_nlp: Language, text: str, date: str,
                                               holder: str) -> None:
    found = [(kb_id, rule) for _, kb_id, rule in persons(tagged(actors_nlp, text, date))]
    assert (holder, "office") in found or (holder, "leader") in found


def test_titles_without_a_date_or_with_several_holders_name_nobody(
        actors_nlp: Language) -> None:
    doc = tagged(actors_nlp, "The Chinese president praised the agreement.")
    assert actors(doc) == [("Chinese president", "China")]
    assert persons(doc) == []
    doc = tagged(actors_nlp, "The Chinese foreign ministry spokesman replied.", "2019-01-10")
    assert persons(doc) == []


def test_persons_key_none_writes_no_person_group(blank_nlp: Language) -> None:
    blank_nlp.add_pipe("framing_actors", config={"persons_key": None})
    doc = tagged(blank_nlp, "Obama spoke.", "2014-01-01")
    assert actors(doc) == [("Obama", "United States")]
    assert "persons" not in doc.spans


# --------------------------------------------------------------------------- data

def _records(name: str, schema=ACTOR_SCHEMA) -> list[dict]:
    return [dict(rule.data) for rule in read_rule_file(package_data_path(name), schema=schema)]


def test_the_office_data_covers_2000_to_2025() -> None:
    known = {record["actor"] for record in _records("actors.jsonl")}
    leaders = _records("actors_leaders.jsonl")
    dated = [record for record in leaders if record.get("terms")]
    assert len(dated) >= 250
    term_actors = {term.get("actor", record["actor"]) for record in dated
                   for term in record["terms"]}
    assert term_actors <= known
    for state in ("United States", "China", "Russia", "United Kingdom", "France", "Germany",
                  "Japan", "India", "Italy", "Canada", "Brazil", "Argentina", "Australia",
                  "Indonesia", "Mexico", "Saudi Arabia", "South Africa", "Turkey",
                  "South Korea", "North Korea", "Ukraine", "Iran", "Israel",
                  "European Union", "United Nations", "NATO"):
        years = set()
        for record in dated:
            for term in record["terms"]:
                if term.get("actor", record["actor"]) != state:
                    continue
                start = date_bounds(term["start"])[0].year
                end = date_bounds(term["end"])[1].year if term.get("end") else 2025
                years.update(range(max(start, 2000), min(end, 2025) + 1))
        assert set(range(2000, 2026)) <= years, state


def test_office_rules_name_roles_that_terms_hold() -> None:
    roles = {term["role"] for record in _records("actors_leaders.jsonl")
             for term in record.get("terms", [])}
    offices = [record for record in _records("actors_context.jsonl", CONTEXT_SCHEMA)
               if record["effect"] == "office"]
    assert offices
    assert {record["role"] for record in offices} <= roles


def _leaders_file(tmp_path: Path, terms: object) -> Path:
    path = tmp_path / "leaders.jsonl"
    path.write_text("// a comment\n" + json.dumps({
        "actor": "Norway", "person": "Ola Nordmann", "names": ["Ola Nordmann"],
        "terms": terms}) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("terms, message", [
    ([{"role": "Prime Minister", "start": "spring 2009"}], "ISO date"),
    ([{"role": "Prime Minister", "start": "2009-13-01"}], "ISO date"),
    ([{"role": "Prime Minister", "start": "2009", "end": "20x0"}], "ISO date"),
    ([{"role": "Prime Minister", "start": "2012", "end": "2010"}], "before it starts"),
    ([{"start": "2012"}], "'terms' must be"),
    ([{"role": "Prime Minister", "start": "2012", "until": "2013"}], "unknown key"),
    ("2012", "'terms' must be"),
])
def test_bad_terms_name_file_and_line(blank_nlp: Language, tmp_path: Path, terms: object,
                                      message: str) -> None:
    path = _leaders_file(tmp_path, terms)
    blank_nlp.add_pipe("framing_actors", config={"leaders": str(path)})
    with pytest.raises(RuleError) as info:
        blank_nlp("Ola Nordmann spoke.")
    assert f"{path}:2" in str(info.value) and message in str(info.value)


def test_a_user_leaders_file_with_terms(blank_nlp: Language, tmp_path: Path) -> None:
    path = _leaders_file(tmp_path, [{"role": "Prime Minister", "start": "2009-03",
                                     "end": "2012"}])
    blank_nlp.add_pipe("framing_actors", config={"leaders": str(path)})
    assert actors(tagged(blank_nlp, "Ola Nordmann spoke.", "2011-05-05")) == [
        ("Ola Nordmann", "Norway")]
    assert actors(tagged(blank_nlp, "Ola Nordmann spoke.", "2013-05-05")) == []


def test_terms_survive_serialization(actors_nlp: Language) -> None:
    restored = spacy.blank("en")
    restored.add_pipe("sentencizer")
    restored.add_pipe("framing_actors")
    restored.from_bytes(actors_nlp.to_bytes())
    assert actors(tagged(restored, "Trump signed it.", "2014-01-01")) == []
    assert persons(tagged(restored, "The Chinese president spoke.", "2011-01-01")) == [
        ("Chinese president", "Hu Jintao", "office")]


def test_iso_dates() -> None:
    assert iso_date("2014-05-03T10:00:00Z") == "2014-05-03"
    assert iso_date(dt.date(2014, 5, 3)) == "2014-05-03"
    assert iso_date("2014") == "2014"
    assert iso_date("03/05/2014") is None and iso_date("") is None and iso_date(None) is None
    assert date_bounds("2016-02") == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    assert date_bounds("2016-02-30") is None
    assert Doc.has_extension("date")


# --------------------------------------------------------------------------- facts and compare

def test_facts_carry_persons(actors_nlp: Language) -> None:
    doc = tagged(actors_nlp, "Trump met Kerry.\nThe weather was fine.", "2014-03-03")
    facts = doc_facts(doc)
    first, second = facts["sentences"][0], facts["sentences"][-1]
    assert first["actors"] == ["United States"]
    assert set(first["persons"]) == {"Donald Trump", "John Kerry"}
    assert "persons" not in second
    assert [s.get("person") for s in facts["spans"] if s["group"] == "actors"] == [
        "John Kerry"]


def test_person_target_resolution(actors_nlp: Language) -> None:
    assert resolve_target(actors_nlp, "Obama") == Target("Barack Obama", "person",
                                                         ("United States",))
    assert resolve_target(actors_nlp, "mark rutte").actors == ("Netherlands", "NATO")
    assert resolve_target(actors_nlp, "Beijing") == Target("China")
    with pytest.raises(TargetError, match="person"):
        resolve_target(actors_nlp, "Obama", ["the president"])


def _dated_records() -> list[dict]:
    texts = {
        "a": "Obama told reporters that the talks would continue. China said little.",
        "b": "The Chinese president said the plan was fair. Obama disagreed with him.",
    }
    return [
        {"doc_id": f"{outlet}-{year}", "outlet": outlet, "date": f"{year}-04-01",
         "text": texts[outlet] + f"\n\nFiled in {year}."}
        for outlet in ("a", "b") for year in (2011, 2019)]


def test_compare_and_stream_set_the_date(nlp_framing: Language) -> None:
    facts = list(stream_facts(nlp_framing, _dated_records()))
    by_id = {f["doc_id"]: f for f in facts}
    mentions = {doc_id: [s["actor"] for s in f["spans"] if s["text"] == "Obama"]
                for doc_id, f in by_id.items()}
    assert mentions["a-2011"] == ["United States"] and mentions["a-2019"] == []
    holders = [s.get("person") for s in by_id["b-2011"]["spans"]
               if s["text"].startswith("Chinese president")]
    assert holders == ["Hu Jintao"]
    result = compare(_dated_records(), target="Obama", nlp=nlp_framing, n_bootstrap=20,
                     n_permutations=20)
    assert result.target == "Barack Obama"
    assert result.to_dict()["target_info"] == {"name": "Barack Obama", "kind": "person",
                                               "actors": ["United States"]}
    # Every Obama sentence counts, in office (2011) or not (2019); China's do not.
    assert [o["target_sentences"] for o in result.outlets] == [2, 2]


def test_person_target_through_the_cli(nlp_framing: Language, tmp_path: Path) -> None:
    path = tmp_path / "dated.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _dated_records()),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(path), "--target", "Barack Obama",
                                       "--bootstrap", "20", "--permutations", "20"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == \
        "framing compare — target: Barack Obama (person; United States)"


def test_compare_facts_for_a_person_uses_sources_too() -> None:
    sentence = {"index": 0, "start_char": 0, "end_char": 10, "text": "He said so.",
                "n_tokens": 3, "lemmas": ["he", "say", "so"], "actors": [],
                "source_actors": [], "roles": {}, "uncertain": False,
                "source_persons": ["Hu Jintao"]}
    other = {**sentence, "index": 1, "source_persons": [], "persons": {}}
    facts = [{"doc_id": f"d{i}", "outlet": outlet, "title": None, "date": None, "meta": {},
              "text": "He said so. He said so.", "n_tokens": 6, "hedge_density": 0.0,
              "sentences": [sentence, other], "spans": [], "sources": []}
             for i, outlet in enumerate(("x", "y"))]
    result = compare_facts(facts, target=Target("Hu Jintao", "person", ("China",)),
                           n_bootstrap=10, n_permutations=10)
    assert [o["target_sentences"] for o in result.outlets] == [1, 1]
    assert "Hu Jintao (person; China)" in result.to_text()


def test_analyze_sets_the_date_from_the_record(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    model = tmp_path / "blank_en"
    nlp.to_disk(model)
    rows = [{"doc_id": f"t{year}", "outlet": "x", "date": f"{year}-06-01",
             "text": "Trump said the plan was good."} for year in (2014, 2018)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(path), "-o", str(tmp_path / "out"),
                                       "--model", str(model)])
    assert result.exit_code == 0, result.output
    spans = pq.read_table(tmp_path / "out" / "spans.parquet").to_pylist()
    actor_of = {row["doc_id"]: row["actor"] for row in spans if row["group"] == "actors"}
    assert actor_of == {"t2018": "United States"}
    sentences = pq.read_table(tmp_path / "out" / "sentences.parquet").to_pylist()
    assert all(json.loads(row["extra"])["persons"] == {"Donald Trump": "other"}
               for row in sentences)
