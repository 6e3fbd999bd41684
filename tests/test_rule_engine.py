"""The shared rule engine: schema, named word lists, windows, file:line errors and the
serialization every rule component shares. Example rules are written for these tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
import srsly

from spacy_framing.components.actors import ACTOR_SCHEMA, CONTEXT_SCHEMA
from spacy_framing.components.devices import DEVICE_SCHEMA, DeviceTagger
from spacy_framing.components.hedges import HEDGE_SCHEMA
from spacy_framing.components.rules import (
    RuleError,
    RuleSchema,
    WordListTable,
    expand_windows,
    iter_records,
    package_data_path,
    read_rule_file,
    rules_from_dicts,
)
from spacy_framing.components.sources.rules import SOURCE_SCHEMA

# Every bundled rule file with the schema of the component that reads it; files read
# together share their named lists (devices_dep.jsonl uses those of devices.jsonl).
BUNDLED: list[tuple[tuple[str, ...], RuleSchema]] = [
    (("devices.jsonl", "devices_dep.jsonl"), DEVICE_SCHEMA),
    (("hedges.jsonl",), HEDGE_SCHEMA),
    (("actors.jsonl",), ACTOR_SCHEMA),
    (("actors_leaders.jsonl",), ACTOR_SCHEMA),
    (("actors_context.jsonl",), CONTEXT_SCHEMA),
    (("sources.jsonl",), SOURCE_SCHEMA),
]
BUNDLED_FILES = [name for names, _schema in BUNDLED for name in names]


@pytest.mark.parametrize(("names", "schema"), BUNDLED, ids=[names[0] for names, _ in BUNDLED])
def test_every_bundled_rule_file_validates_against_its_schema(names: tuple[str, ...],
                                                               schema: RuleSchema) -> None:
    lists = WordListTable()
    for name in names:
        rules = read_rule_file(package_data_path(name), schema=schema, lists=lists)
        assert rules
        assert all(rule.line > 0 and rule.origin.endswith(name) for rule in rules)


def _word_lists(value: Any) -> Iterator[list[str]]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _word_lists(item)
    elif isinstance(value, list):
        if value and all(isinstance(item, str) for item in value):
            yield value
        else:
            for item in value:
                yield from _word_lists(item)


def test_no_word_list_of_more_than_five_entries_appears_twice() -> None:
    # As written in the files (list definitions included): a list used twice is a named
    # list ("@NAME"), defined once.
    seen: dict[frozenset[str], str] = {}
    repeated: list[str] = []
    for name in BUNDLED_FILES:
        for line, record in iter_records(package_data_path(name)):
            for words in _word_lists(record):
                if len(words) <= 5:
                    continue
                key = frozenset(words)
                where = f"{name}:{line}"
                if key in seen:
                    repeated.append(f"{where} repeats {seen[key]} ({len(key)} words)")
                seen.setdefault(key, where)
    assert not repeated, "\n".join(repeated)


def test_the_emotion_adjectives_are_written_once() -> None:
    text = "\n".join(package_data_path(name).read_text("utf-8")
                     for name in ("devices.jsonl", "devices_dep.jsonl"))
    # Once in the emotion adjectives (used by five dependency rules and two token rules).
    assert text.count('"apoplectic"') == 1
    # Once in INFLUENCE_NOUNS, once among the "monopoly on" nouns (another list).
    assert text.count('"stranglehold"') == 2


# --- named word lists ------------------------------------------------------------------

SCHEMA = RuleSchema(name="test", required=("id",), allowed=("pattern", "in_sentence",
                                                              "not_before"),
                    window_keys=("not_before",))


def test_a_reference_is_replaced_by_the_list_and_an_item_reference_spliced() -> None:
    rules = rules_from_dicts([
        {"lists": {"FEELINGS": ["angry", "furious"]}},
        {"lists": {"FEELINGS": ["@FEELINGS", "irate"]}},  # extends the earlier list
        {"id": "a", "pattern": [{"LOWER": {"IN": "@FEELINGS"}}]},
        {"id": "b", "pattern": [{"LOWER": {"IN": ["livid", "@FEELINGS"]}}],
         "in_sentence": "@FEELINGS"},
    ], schema=SCHEMA, origin="<test>")
    assert [rule.id for rule in rules] == ["a", "b"]
    assert rules[0].data["pattern"] == [{"LOWER": {"IN": ["angry", "furious", "irate"]}}]
    assert rules[1].to_dict()["pattern"][0]["LOWER"]["IN"] == ["livid", "angry", "furious",
                                                                "irate"]
    assert rules[1].data["in_sentence"] == ["angry", "furious", "irate"]


def test_an_unknown_list_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text('// a comment\n{"lists": {"KNOWN": ["a", "b"]}}\n\n'
                    '{"id": "x", "in_sentence": "@UNKNOWN"}\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules\.jsonl:4: .*'@UNKNOWN'.*KNOWN"):
        read_rule_file(path, schema=SCHEMA)


@pytest.mark.parametrize("lists", [{"lower": ["a"]}, {"EMPTY": []}, {"NUMBERS": [1, 2]}])
def test_a_bad_list_definition_names_its_line(tmp_path: Path, lists: Any) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text('{"id": "x"}\n' + json.dumps({"lists": lists}) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules\.jsonl:2: "):
        read_rule_file(path, schema=SCHEMA)


def test_windows_expand_to_every_length() -> None:
    assert expand_windows("whether ANY{1,3}") == ["whether ANY", "whether ANY ANY",
                                                  "whether ANY ANY ANY"]
    assert expand_windows("by ANY{0,1} as") == ["by as", "by ANY as"]
    assert expand_windows("plain words") == ["plain words"]
    rules = rules_from_dicts([{"id": "w", "not_before": ["if ANY{1,2}", "unless"]}],
                             schema=SCHEMA, origin="<test>")
    assert rules[0].data["not_before"] == ["if ANY", "if ANY ANY", "unless"]
    with pytest.raises(RuleError, match="window"):
        rules_from_dicts([{"id": "w", "not_before": "if ANY{3,1}"}], schema=SCHEMA,
                         origin="<test>")


def test_user_rules_may_use_the_bundled_lists() -> None:
    nlp = spacy.blank("en")
    devices = nlp.add_pipe("framing_devices")
    devices.add_patterns([
        {"lists": {"EMOTION_ADJECTIVES": ["@EMOTION_ADJECTIVES", "grumpy"]}},
        {"id": "test.mood", "label": "MOOD_OF_OFFICIALS",
         "pattern": [{"LOWER": {"IN": ["@EMOTION_ADJECTIVES"]}}, {"LOWER": "officials"}]},
    ])
    assert "grumpy" in devices.lists.words["EMOTION_ADJECTIVES"]
    doc = nlp("The grumpy officials left, and the furious officials stayed.")
    assert [span.text for span in doc.spans["framing"] if span.id_ == "test.mood"] \
        == ["grumpy officials", "furious officials"]


# --- one serialization for every rule component ---------------------------------------

FACTORIES = ("framing_actors", "framing_devices", "framing_hedges", "framing_sources")


@pytest.mark.parametrize("factory", FACTORIES)
def test_every_rule_component_serializes_with_the_same_keys(factory: str,
                                                            tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe(factory)
    data = srsly.msgpack_loads(pipe.to_bytes())
    assert {"cfg", "patterns"} <= set(data)
    assert srsly.json_loads(data["patterns"]) == pipe.patterns
    pipe.to_disk(tmp_path / factory)
    assert {path.name for path in (tmp_path / factory).iterdir()} >= {"cfg", "patterns.jsonl"}
    other = spacy.blank("en").add_pipe(factory)
    other.from_disk(tmp_path / factory)
    assert other.patterns == pipe.patterns
    assert other.get_settings() == pipe.get_settings()


def test_pipelines_saved_with_the_old_file_names_still_load(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    component = DeviceTagger(nlp)
    folder = tmp_path / "old"
    folder.mkdir()
    # Before the rule engine: cfg + rules.jsonl (devices, hedges, sources) and the bytes
    # key "rules" (sources).
    srsly.write_json(folder / "cfg", component.get_settings())
    srsly.write_jsonl(folder / "rules.jsonl", [{"id": "old.rule", "label": "OLD_RULE",
                                                "phrase": "bitter pill"}])
    component.from_disk(folder)
    assert component.ids == ("old.rule",)
    sources = nlp.add_pipe("framing_sources")
    old_bytes = srsly.msgpack_dumps({"rules": srsly.json_dumps(sources.patterns[:5]),
                                     "cfg": srsly.json_dumps(sources.get_settings())})
    sources.from_bytes(old_bytes)
    assert len(sources) == 5
