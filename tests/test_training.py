"""Training: gold -> Docs, the merge policies, and `framing train` end to end on a tiny config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner
from spacy.language import Language
from spacy.tokens import Doc, Span

from spacy_framing.benchmark import GoldDoc, GoldSpan, read_gold
from spacy_framing.cli import main
from spacy_framing.components.merge import SpanMerger, merge_spans
from spacy_framing.texts import text_sha256
from spacy_framing.training.docbin import gold_to_doc, split_by_story
from spacy_framing.training.run import bundled_config, tune_merge

# Sentences written for these tests (no shared text).
TRAIN_TEXTS = [
    ("Valdoria imposed sanctions on Merivale after the vote.\n\nThe council said the move "
     "could escalate the dispute.", [("sanctions", "LEGALITY"), ("escalate the dispute",
                                                                 "ESCALATION")]),
    ("Merivale was left out of the talks and presented with a done deal.\n\nIts ministers "
     "declined to comment.", [("presented with a done deal", "FAIT_ACCOMPLI"),
                              ("declined to comment", "SILENCE")]),
    ("The port became a bargaining chip in the negotiations.\n\nOfficials warned of rising "
     "tensions.", [("bargaining chip", "BARGAINING_CHIP"), ("rising tensions", "ESCALATION")]),
    ("Valdoria is losing influence over its neighbour.\n\nThe new treaty violates "
     "international law.", [("losing influence", "LOSS_OF_INFLUENCE"),
                            ("violates international law", "LEGALITY")]),
]


def _record(text: str, marks: list[tuple[str, str]], doc_id: str, story: str,
            split: str | None = None) -> dict:
    spans = []
    for phrase, label in marks:
        start = text.index(phrase)
        spans.append({"start": start, "end": start + len(phrase), "label": label})
    meta = {"doc_id": doc_id, "story": story}
    if split:
        meta["split"] = split
    return {"text": text, "meta": meta, "spans": spans}


def _gold(text: str, spans: list[tuple[int, int, str]], *, unannotated=()) -> GoldDoc:
    return GoldDoc(doc_id="d", text=text, spans=[GoldSpan(s, e, lb) for s, e, lb in spans],
                   meta={}, origin="test", unannotated=list(unannotated))


def test_gold_to_doc_keeps_only_annotated_paragraphs(blank_nlp: Language) -> None:
    text = "First paragraph has sanctions.\n\nPhoto: a caption.\n\nThird has tensions.\n\nRest."
    caption = text.index("Photo")
    third = text.index("tensions")
    rest = text.index("Rest")
    gold = _gold(text, [(text.index("sanctions"), text.index("sanctions") + 9, "LEGALITY"),
                        (third, third + 8, "ESCALATION")],
                 unannotated=[(caption, caption + len("Photo: a caption.")),
                              (rest, len(text))])
    doc = gold_to_doc(gold, blank_nlp, labels=["LEGALITY", "ESCALATION"], spans_key="k")
    assert doc is not None
    assert "Photo" not in doc.text and "Rest" not in doc.text
    assert [(s.text, s.label_) for s in doc.spans["k"]] == [("sanctions", "LEGALITY"),
                                                             ("tensions", "ESCALATION")]


def test_gold_to_doc_filters_labels(blank_nlp: Language) -> None:
    text = "They may impose sanctions."
    gold = _gold(text, [(5, 8, "HEDGE"), (16, 25, "LEGALITY")])
    doc = gold_to_doc(gold, blank_nlp, labels=["LEGALITY"], spans_key="k")
    assert [s.label_ for s in doc.spans["k"]] == ["LEGALITY"]


def test_split_by_story_keeps_stories_whole() -> None:
    golds = [GoldDoc(doc_id=f"a{i}", text="x", spans=[], meta={"story": f"s{i % 7}"},
                     origin="t") for i in range(70)]
    train, dev = split_by_story(golds, dev_share=0.3, seed=1)
    assert train and dev
    assert not {g.meta["story"] for g in train} & {g.meta["story"] for g in dev}


def _doc_with(nlp: Language, text: str) -> Doc:
    return nlp.make_doc(text)


def test_merge_policies(blank_nlp: Language) -> None:
    doc = blank_nlp.make_doc("Sanctions raised tensions and the deal was a bargaining chip .")
    rule = Span(doc, 0, 1, label="LEGALITY", span_id="legality.sanctions")
    model = [(Span(doc, 0, 1, label="LEGALITY"), 0.9),        # same as the rule: dropped
             (Span(doc, 2, 3, label="ESCALATION"), 0.8),      # kept
             (Span(doc, 1, 3, label="ESCALATION"), 0.6),      # overlaps a better one
             (Span(doc, 8, 10, label="BARGAINING_CHIP"), 0.3)]  # under its threshold
    union = merge_spans(doc, rule_spans=[rule], model_spans=model, policy="union",
                        thresholds={"BARGAINING_CHIP": 0.5}, default_threshold=0.5)
    assert [(s.text, s._.origin, s._.score) for s in union] == [
        ("Sanctions", "legality.sanctions", 1.0), ("tensions", "model", 0.8)]
    only_model = merge_spans(doc, rule_spans=[rule], model_spans=model, policy="model",
                             default_threshold=0.25)
    assert [(s.text, s._.origin) for s in only_model] == [
        ("Sanctions", "model"), ("tensions", "model"), ("bargaining chip", "model")]
    rules = merge_spans(doc, rule_spans=[rule], model_spans=model, policy="rules")
    assert [s._.origin for s in rules] == ["legality.sanctions"]


def test_merger_serialization_round_trip(blank_nlp: Language, tmp_path: Path) -> None:
    merger = SpanMerger(blank_nlp, policy="model", thresholds={"LEGALITY": 0.7})
    merger.to_disk(tmp_path / "m")
    other = SpanMerger(blank_nlp).from_disk(tmp_path / "m")
    assert (other.policy, other.thresholds) == ("model", {"LEGALITY": 0.7})
    assert SpanMerger(blank_nlp).from_bytes(merger.to_bytes()).thresholds == {"LEGALITY": 0.7}
    with pytest.raises(ValueError, match="policy"):
        SpanMerger(blank_nlp, policy="vote")


def test_tune_merge_picks_thresholds_on_dev(blank_nlp: Language) -> None:
    from spacy_framing.training.run import DevCandidates

    text = "Sanctions raised tensions ."
    doc = blank_nlp.make_doc(text)
    gold = _gold(text, [(17, 25, "ESCALATION")])
    candidates = [DevCandidates(gold, doc, [], [(Span(doc, 2, 3, label="ESCALATION"), 0.7),
                                                (Span(doc, 0, 1, label="ESCALATION"), 0.4)])]
    tuned = tune_merge(candidates, labels=["ESCALATION"])
    assert 0.4 < tuned["thresholds"]["ESCALATION"] <= 0.7
    assert tuned["scores"]["model"]["micro_f1"] == 1.0
    assert tuned["scores"]["rules"]["micro_f1"] == 0.0
    assert tuned["policy"] in {"union", "model"}


def test_read_gold_allsides_format(tmp_path: Path) -> None:
    corpus = tmp_path / "texts" / "news.jsonl"
    corpus.parent.mkdir()
    text = "Officials warned of rising tensions."
    corpus.write_text(json.dumps({"id": "x1", "text": text}) + "\n", encoding="utf-8")
    record = {"source": {"path": "news.jsonl", "format": "allsides", "id": "x1",
                         "sha256": text_sha256(text)},
              "meta": {"doc_id": "x1"}, "spans": [{"start": 20, "end": 35,
                                                    "label": "ESCALATION"}]}
    bad = dict(record, source=dict(record["source"], id="nope"))
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    docs, errors = read_gold([gold], texts_root=tmp_path / "texts")
    assert [d.text[s.start:s.end] for d in docs for s in d.spans] == ["rising tensions"]
    assert len(errors) == 1 and ":2:" in str(errors[0]) and "nope" in str(errors[0])


def test_bundled_config_is_the_repository_config() -> None:
    repo_config = Path(__file__).resolve().parents[1] / "configs" / "devices.cfg"
    assert bundled_config().read_text() == repo_config.read_text()
    config = spacy.util.load_config(bundled_config())
    assert config["components"]["spancat"]["spans_key"] == "framing_model"


@pytest.mark.slow
def test_framing_train_writes_a_pipeline_benchmark_scores(tmp_path: Path) -> None:
    gold = tmp_path / "mine.jsonl"
    lines = [_record(text, marks, f"t{i}", f"story{i}", "dev" if i == 3 else None)
             for i, (text, marks) in enumerate(TRAIN_TEXTS)]
    gold.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    out = tmp_path / "model"
    runner = CliRunner()
    trained = runner.invoke(main, ["train", "--gold", str(gold), "-o", str(out),
                                   "--set", "training.max_steps=4",
                                   "--set", "training.eval_frequency=2"])
    assert trained.exit_code == 0, trained.output
    nlp = spacy.load(out)
    assert {"framing_spancat", "framing_merge", "framing_devices"} <= set(nlp.pipe_names)
    summary = json.loads((out / "training" / "summary.json").read_text())
    assert summary["train_documents"] == 3 and summary["dev_documents"] == 1
    doc = nlp(TRAIN_TEXTS[1][0])
    assert all(isinstance(s._.origin, str) and s._.origin for s in doc.spans["framing"])
    scored = runner.invoke(main, ["benchmark", "--gold", str(gold), "--model", str(out),
                                  "--format", "json"])
    assert scored.exit_code == 0, scored.output
    result = json.loads(scored.output)
    assert result["documents"] == 4 and "LEGALITY" in result["labels"]


def test_framing_train_refuses_a_full_output_folder(tmp_path: Path) -> None:
    gold = tmp_path / "mine.jsonl"
    gold.write_text(json.dumps(_record(*TRAIN_TEXTS[0], "t", "s")) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["train", "--gold", str(gold), "-o", str(out)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"


# --- the shipped model -------------------------------------------------------------------

SAMPLE = ("Pyongyang's leverage over Beijing is growing, analysts say, while Moscow was "
          "left to accept a done deal and Tokyo weighed new sanctions.")


@pytest.fixture(scope="module")
def default_nlp() -> Language:
    from spacy_framing._loader import shipped_model_folder

    if not (shipped_model_folder() / "meta.json").is_file():
        pytest.skip("no trained device model in this checkout")
    import spacy_framing

    return spacy_framing.load()


def test_default_profile_uses_the_shipped_model(default_nlp: Language) -> None:
    import spacy_framing

    assert {"framing_spancat", "framing_merge"} <= set(default_nlp.pipe_names)
    rules = spacy_framing.load(profile="rules")
    assert not {"framing_spancat", "framing_merge"} & set(rules.pipe_names)
    doc = default_nlp(SAMPLE)
    for span in doc.spans["framing"]:
        assert span._.origin == "model" or span._.origin == span.id_ != ""
        assert 0.0 < span._.score <= 1.0
    with pytest.raises(ValueError, match="profile"):
        spacy_framing.load(profile="fast")


def test_shipped_pipeline_round_trips(default_nlp: Language, tmp_path: Path) -> None:
    def spans(doc: Doc) -> list[tuple]:
        return [(s.start_char, s.end_char, s.label_, s._.origin, s._.score)
                for s in doc.spans["framing"]]

    default_nlp.to_disk(tmp_path / "saved")
    again = spacy.load(tmp_path / "saved")
    assert again.pipe_names == default_nlp.pipe_names
    assert spans(again(SAMPLE)) == spans(default_nlp(SAMPLE))


def test_shipped_model_runs_on_a_blank_pipeline(blank_nlp: Language) -> None:
    from spacy_framing._loader import add_shipped_devices, shipped_model_folder

    meta = shipped_model_folder() / "meta.json"
    if not meta.is_file():
        pytest.skip("no trained device model in this checkout")
    if json.loads(meta.read_text())["listens_to_tok2vec_sha256"]:
        with pytest.warns(UserWarning, match="tok2vec"):
            blank_nlp.add_pipe("framing_devices")
            assert add_shipped_devices(blank_nlp) is False
        return
    blank_nlp.add_pipe("framing_devices")
    assert add_shipped_devices(blank_nlp) is True
    doc = blank_nlp(SAMPLE)
    assert all(s._.origin for s in doc.spans["framing"])


def test_rule_spans_carry_origin_and_score_in_the_rules_profile() -> None:
    import spacy_framing

    doc = spacy_framing.load(profile="rules")(SAMPLE)
    assert doc.spans["framing"]
    for span in doc.spans["framing"]:
        assert span._.origin == span.id_ and span._.score == 1.0
