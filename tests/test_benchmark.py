"""Gold reading, scoring against known answers, an independent re-scoring of the real gold,
and the ``framing benchmark`` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.optimize import linear_sum_assignment
from spacy.scorer import Scorer
from spacy.training import Example

from spacy_framing.benchmark import (
    GoldDoc,
    GoldSpan,
    PredSpan,
    _score_sources,
    _summarise,
    _Tally,
    match_partial,
    predicted_spans,
    read_gold,
    run_benchmark,
    score_document,
)
from spacy_framing.cli import main
from spacy_framing.texts import basil_text, text_sha256

REPO = Path(__file__).resolve().parents[1]

TEXT = ("The ministry may be losing influence over its neighbour. Officials declined to "
        "comment. Clearly the deal was presented as a done deal.")


def _span(text: str, phrase: str, label: str) -> dict[str, object]:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label}


def _write(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
                    encoding="utf-8")
    return path


def test_read_gold_inline_and_by_reference(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    (texts / "a").mkdir(parents=True)
    (texts / "a" / "story.txt").write_text(TEXT, encoding="utf-8")
    article = {"body-paragraphs": [["First sentence here. ", "Second one."], ["Next para."]]}
    (texts / "a" / "story.json").write_text(json.dumps(article), encoding="utf-8")
    basil = basil_text(article)
    gold = _write(tmp_path / "gold.jsonl", [
        {"text": TEXT, "meta": {"doc_id": "inline"}, "spans": [_span(TEXT, "may", "HEDGE")]},
        {"source": {"path": "a/story.txt", "sha256": text_sha256(TEXT)},
         "meta": {"doc_id": "ref"}, "spans": [_span(TEXT, "Clearly", "BOOSTER")]},
        {"source": {"path": "a/story.json", "format": "basil", "sha256": text_sha256(basil)},
         "meta": {"doc_id": "basil"}, "spans": [_span(basil, "Next para.", "SILENCE")]},
    ])
    docs, errors = read_gold([gold], texts_root=texts)
    assert errors == []
    assert [d.doc_id for d in docs] == ["inline", "ref", "basil"]
    assert docs[1].text == TEXT
    assert basil == "First sentence here. Second one.\n\nNext para."
    assert docs[2].text[docs[2].spans[0].start:docs[2].spans[0].end] == "Next para."


def test_read_gold_reports_each_bad_record_and_keeps_the_rest(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "t.txt").write_text(TEXT, encoding="utf-8")
    gold = _write(tmp_path / "gold.jsonl", [
        {"source": {"path": "t.txt", "sha256": "0" * 64}, "spans": []},
        {"source": {"path": "missing.txt", "sha256": "0" * 64}, "spans": []},
        "{not json",
        {"spans": []},
        {"text": "short", "spans": [{"start": 2, "end": 99, "label": "HEDGE"}]},
        {"text": TEXT, "spans": [_span(TEXT, "may", "HEDGE")]},
    ])
    docs, errors = read_gold([gold], texts_root=texts)
    assert len(docs) == 1
    messages = [str(e) for e in errors]
    assert len(messages) == 5
    assert all(m.startswith(f"{gold}:") for m in messages)
    assert "checksum mismatch" in messages[0]
    assert "text not found" in messages[1]
    assert "invalid JSON" in messages[2]
    assert "neither" in messages[3]
    assert "outside the text" in messages[4]
    assert [e.line for e in errors] == [1, 2, 3, 4, 5]


def test_scores_match_hand_computed_counts() -> None:
    text = "Aaaa bbbb cccc. Dddd eeee ffff. Gggg hhhh."
    gold = GoldDoc("d", text, [GoldSpan(0, 4, "X"), GoldSpan(5, 9, "X"), GoldSpan(16, 20, "X"),
                               GoldSpan(37, 41, "Y")], {}, "t")
    # one exact hit, one partial overlap covering two gold spans (counts once), one
    # false positive in the last sentence, no Y predicted.
    pred = [PredSpan(0, 4, "X"), PredSpan(3, 7, "X"), PredSpan(32, 36, "X")]
    bounds = [(0, 15), (16, 31), (32, 42)]
    tally = _Tally()
    score_document(tally, gold, pred, bounds, {"X", "Y"})
    result = _summarise(tally, ["X", "Y"])
    x = result["labels"]["X"]
    assert x["span_partial"] == {"p": round(2 / 3, 4), "r": round(2 / 3, 4),
                                 "f": round(2 / 3, 4), "support": 3}
    assert x["span_strict"]["p"] == round(1 / 3, 4) and x["span_strict"]["r"] == round(1 / 3, 4)
    # sentences: gold X in {0, 1}; predicted X in {0, 2}
    assert x["sentence"]["p"] == 0.5 and x["sentence"]["r"] == 0.5
    assert x["sentence"]["support"] == 2
    assert result["labels"]["Y"]["span_partial"]["r"] == 0.0
    assert result["micro"]["span_partial"]["support"] == 4
    assert result["micro"]["span_partial"]["r"] == 0.5
    assert result["macro"]["span_partial"]["f"] == round((2 / 3 + 0.0) / 2, 4)


def test_partial_matching_is_one_to_one() -> None:
    assert match_partial([(0, 10)], [(0, 3), (5, 8)]) == [(0, 0)] or \
        match_partial([(0, 10)], [(0, 3), (5, 8)]) == [(0, 1)]
    assert len(match_partial([(0, 3), (5, 8)], [(0, 10)])) == 1
    assert match_partial([(0, 3)], [(3, 6)]) == []


def _independent_partial(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> int:
    """Maximum one-to-one matching of overlapping spans (Hungarian algorithm)."""
    if not pred or not gold:
        return 0
    overlap = np.array([[max(0, min(pe, ge) - max(ps, gs)) for gs, ge in gold]
                        for ps, pe in pred])
    rows, cols = linear_sum_assignment(-(overlap > 0).astype(int))
    return int(sum(overlap[r, c] > 0 for r, c in zip(rows, cols, strict=True)))


def test_real_gold_scores_agree_with_independent_scorer(blank_nlp, shared_dir: Path) -> None:
    """The benchmark's numbers on the project's gold equal those of a scorer written
    differently: spaCy's Scorer for strict spans, Hungarian matching for partial spans and
    plain sets for sentences."""
    blank_nlp.add_pipe("framing_devices")
    blank_nlp.add_pipe("framing_hedges")
    docs, errors = read_gold([REPO / "benchmarks" / "gold"], texts_root=shared_dir)
    assert errors == []
    assert len(docs) >= 32
    result = run_benchmark(blank_nlp, docs)
    labels = sorted({s.label for d in docs for s in d.spans})
    partial_tp = partial_pred = partial_gold = 0
    sent_tp = sent_pred = sent_gold = 0
    examples = []
    for gold, doc in zip(docs, blank_nlp.pipe(d.text for d in docs), strict=True):
        left_out = [(r["start"], r["end"]) for r in [*gold.meta.get("unannotated", []),
                                                     gold.meta.get("headline_paragraph")] if r]

        def annotated(start: int, end: int, left_out=left_out) -> bool:
            return not any(lo <= start and end <= hi for lo, hi in left_out)

        preds = [s for s in predicted_spans(doc) if annotated(s.start, s.end)]
        doc.spans["scored_hedges"] = [s for s in doc.spans["hedges"]
                                      if annotated(s.start_char, s.end_char)]
        bounds = [(s.start_char, s.end_char) for s in doc.sents]

        def sentence(offset: int, bounds=bounds) -> int:
            return next((i for i, (s, e) in enumerate(bounds) if s <= offset < e),
                        len(bounds) - 1)

        for label in labels:
            g = [(s.start, s.end) for s in gold.spans if s.label == label]
            p = [(s.start, s.end) for s in preds if s.label == label]
            partial_tp += _independent_partial(p, g)
            partial_pred += len(p)
            partial_gold += len(g)
            gs, ps = {sentence(s) for s, _ in g}, {sentence(s) for s, _ in p}
            sent_tp, sent_pred, sent_gold = (sent_tp + len(gs & ps), sent_pred + len(ps),
                                             sent_gold + len(gs))
        reference = blank_nlp.make_doc(gold.text)
        spans = [reference.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
                 for s in gold.spans if s.label == "HEDGE"]
        reference.spans["hedges"] = [s for s in spans if s is not None]
        examples.append(Example(doc, reference))
    micro = result["micro"]
    assert micro["span_partial"]["p"] == pytest.approx(partial_tp / partial_pred, abs=1e-4)
    assert micro["span_partial"]["r"] == pytest.approx(partial_tp / partial_gold, abs=1e-4)
    assert micro["sentence"]["p"] == pytest.approx(sent_tp / sent_pred, abs=1e-4)
    assert micro["sentence"]["r"] == pytest.approx(sent_tp / sent_gold, abs=1e-4)
    spacy_scores = Scorer.score_spans(
        examples, "spans",
        getter=lambda doc, attr: [s for s in doc.spans.get("scored_hedges", doc.spans["hedges"])
                                  if s.label_ == "HEDGE"])
    ours = result["labels"]["HEDGE"]["span_strict"]
    # Token-expanded gold may differ from character gold only where a gold span does not
    # fall on token boundaries; the gold is annotated on words, so they agree.
    assert ours["p"] == pytest.approx(spacy_scores["spans_p"], abs=1e-3)
    assert ours["r"] == pytest.approx(spacy_scores["spans_r"], abs=1e-3)


def test_predictions_in_unannotated_ranges_are_not_scored(blank_nlp, tmp_path: Path) -> None:
    title = "Officials may be worried"
    text = f"{title}\n\nThe ministry declined to comment. Officials may respond later."
    body_hedge = text.rindex("may")
    gold = _write(tmp_path / "g.jsonl", [
        {"text": text, "meta": {"doc_id": "t", "unannotated": [{"start": 0, "end": len(title)}]},
         "spans": [{"start": body_hedge, "end": body_hedge + 3, "label": "HEDGE"}]},
    ])
    blank_nlp.add_pipe("framing_hedges")
    docs, errors = read_gold([gold])
    assert errors == [] and docs[0].unannotated == [(0, len(title))]
    hedge = run_benchmark(blank_nlp, docs, labels=["HEDGE"])["labels"]["HEDGE"]["span_partial"]
    # The title's "may" is a hedge too, but the annotator left the title out.
    assert (hedge["p"], hedge["r"]) == (1.0, 1.0)
    unmasked = _write(tmp_path / "u.jsonl", [{**json.loads(gold.read_text()),
                                              "meta": {"doc_id": "t"}}])
    docs, _ = read_gold([unmasked])
    hedge = run_benchmark(blank_nlp, docs, labels=["HEDGE"])["labels"]["HEDGE"]["span_partial"]
    assert hedge["p"] == 0.5


def test_bad_unannotated_range_is_a_record_error(tmp_path: Path) -> None:
    gold = _write(tmp_path / "g.jsonl", [
        {"text": "Short text.", "meta": {"unannotated": [{"start": 5, "end": 99}]}, "spans": []},
    ])
    docs, errors = read_gold([gold])
    assert docs == [] and f"{gold}:1: meta.unannotated range" in str(errors[0])


def test_cli_benchmark_json(tmp_path: Path) -> None:
    text = "Officials may be worried. The ministry declined to comment on the report."
    gold = _write(tmp_path / "g.jsonl", [
        {"text": text, "meta": {"doc_id": "x"},
         "spans": [_span(text, "may", "HEDGE"), _span(text, "declined to comment", "SILENCE")]},
    ])
    result = CliRunner().invoke(main, ["benchmark", "--gold", str(gold), "--format", "json",
                                       "--errors", "2"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload["labels"]) == {"HEDGE", "SILENCE"}
    for level in ("span_partial", "span_strict", "sentence"):
        assert set(payload["micro"][level]) == {"p", "r", "f", "support"}
    assert payload["documents"] == 1 and payload["words"] > 5
    assert payload["baseline"]["labels"]["HEDGE"]["span_partial"]["support"] == 1
    assert "errors" in payload


def test_cli_benchmark_hedge_profile(tmp_path: Path) -> None:
    # Szeged-style gold marks epistemic "may" but not approximators like "about".
    text = "Prices rose by about five percent. The plan may fail."
    gold = _write(tmp_path / "g.jsonl", [
        {"text": text, "meta": {"doc_id": "x"}, "spans": [_span(text, "may", "HEDGE")]},
    ])
    scores = {}
    for profile in ("codebook", "szeged"):
        result = CliRunner().invoke(main, ["benchmark", "--gold", str(gold), "--format", "json",
                                           "--labels", "HEDGE", "--hedge-profile", profile])
        assert result.exit_code == 0, result.output
        payload = json.loads(result.output)
        assert payload["hedge_profile"] == profile
        scores[profile] = payload["labels"]["HEDGE"]["span_partial"]
    assert scores["codebook"]["p"] == 0.5 and scores["szeged"]["p"] == 1.0
    assert scores["codebook"]["r"] == scores["szeged"]["r"] == 1.0


def test_source_actor_agreement_counts_wrongly_given_states() -> None:
    text = "NATO said it was watching. Officials in Seoul said they were ready."
    nato, seoul = text.index("NATO"), text.index("Officials")
    gold = GoldDoc("d", text, [
        GoldSpan(nato, nato + 4, "SOURCE", {"actor": None, "source_type": "official"}),
        GoldSpan(seoul, seoul + 9, "SOURCE", {"actor": "South Korea",
                                               "source_type": "unnamed"})], {}, "t")
    pred = [PredSpan(nato, nato + 4, "SOURCE", attrs={"actor": "United States",
                                                      "source_type": "official"}),
            PredSpan(seoul, seoul + 9, "SOURCE", attrs={"actor": "South Korea",
                                                        "source_type": "unnamed"})]
    scored = _score_sources([gold], [pred])
    assert scored["actor_accuracy"] == 0.5 and scored["actor_accuracy_named"] == 1.0
    assert scored["type_accuracy"] == 1.0 and scored["matched_sources"] == 2


def test_cli_benchmark_bad_gold_exits_nonzero(tmp_path: Path) -> None:
    gold = _write(tmp_path / "g.jsonl", ["{oops"])
    result = CliRunner().invoke(main, ["benchmark", "--gold", str(gold)])
    assert result.exit_code != 0
    assert f"{gold}:1: invalid JSON" in result.output
    assert "Traceback" not in result.output
