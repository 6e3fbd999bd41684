"""PolNeAR brat gold: reading an invented article, the speech flag, partial and strict
attribution scoring, errors naming file:line, and `framing benchmark` on the folder.

No PolNeAR text is stored here: the articles below are invented, and the test on the real
dev compartment reads it from the shared folder at run time."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from spacy_framing.benchmark import GoldDoc, PredSpan, read_gold, run_benchmark
from spacy_framing.cli import main
from spacy_framing.polnear import (
    is_polnear,
    is_speech_cue,
    parse_ann,
    read_polnear,
    score_polnear,
)
from spacy_framing.texts import InputError

TEXT = ("Page furniture here.\n"
        "The mayor said the bridge will reopen in May. "
        "Critics believe the plan is late, and the budget is short. "
        "Nobody expected it, officials added.")


def _at(phrase: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def _t(ident: str, kind: str, *phrases: str) -> str:
    ranges = ";".join("{} {}".format(*_at(p)) for p in phrases)
    return f"{ident}\t{kind} {ranges}\t{' '.join(phrases)}"


def _write_article(root: Path, name: str = "invented_2016-01-01_bridge",
                   annotator: str = "ab12", extra: str = "") -> Path:
    (root / "text").mkdir(parents=True, exist_ok=True)
    (root / "attributions").mkdir(exist_ok=True)
    (root / "text" / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    lines = [
        _t("T1", "Source", "The mayor"),
        _t("T2", "Cue", "said"),
        _t("T3", "Content", "the bridge will reopen in May"),
        _t("T4", "Attribution", "said"),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        _t("T5", "Source", "Critics"),
        _t("T6", "Cue", "believe"),
        # Discontinuous content, and a text field broken over two lines as brat can write.
        _t("T7", "Content", "the plan is late", "the budget is short"),
        "the budget is short (continued)",
        "E2\tContent:T7 Cue:T6 Source:T5",
        _t("T8", "Content", "Nobody expected it"),
        _t("T9", "Cue", "added"),
        "E3\tContent:T8 Cue:T9",
        _t("T10", "Discard", "Page furniture here."),
        "#1\tAnnotatorNotes T5\tthought, not speech",
    ]
    ann = root / "attributions" / f"{name}_{annotator}.ann"
    ann.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return ann


def test_polnear_reads_invented_article(tmp_path: Path) -> None:
    _write_article(tmp_path)
    # A second annotator's file of the same article is not read (its name sorts later).
    (tmp_path / "attributions" / "invented_2016-01-01_bridge_zz99.ann").write_text(
        "garbage that would fail\n", encoding="utf-8")
    assert is_polnear(tmp_path)
    docs, errors = read_polnear(tmp_path)
    assert errors == []
    (doc,) = docs
    assert doc.meta["annotator"] == "ab12" and doc.meta["other_annotators"] == ["zz99"]
    assert doc.meta["skipped_no_source"] == 1  # E3 has no Source
    assert doc.unannotated == [_at("Page furniture here.")]
    mayor, critics = sorted(doc.spans, key=lambda s: s.start)
    assert (mayor.start, mayor.end, mayor.label) == (*_at("The mayor"), "SOURCE")
    assert mayor.attrs["cue"] == dict(zip(("start", "end"), _at("said"), strict=True))
    assert mayor.attrs["speech"] is True
    assert critics.attrs["speech"] is False
    assert [(r["start"], r["end"]) for r in critics.attrs["content"]] == [
        _at("the plan is late"), _at("the budget is short")]


def test_polnear_read_gold_accepts_folder(tmp_path: Path) -> None:
    _write_article(tmp_path)
    docs, errors = read_gold([tmp_path])
    assert errors == [] and len(docs) == 1 and docs[0].meta["format"] == "polnear"


@pytest.mark.parametrize(("cue", "speech"), [
    ("said", True), ("Says", True), ("According to", True), ("told reporters", True),
    ("said:", True), ("has said", True), ("also told", True), ("believe", False),
    ("wants", False), ("shows", False), ("", False)])
def test_polnear_speech_flag(cue: str, speech: bool) -> None:
    assert is_speech_cue(cue) is speech


def _gold_doc(tmp_path: Path) -> GoldDoc:
    _write_article(tmp_path)
    docs, _ = read_polnear(tmp_path)
    return docs[0]


def _pred(speaker: str, cue: str | None, content: list[str]) -> PredSpan:
    return PredSpan(*_at(speaker), "SOURCE", attrs={
        "cue": _at(cue) if cue else None, "content": [_at(c) for c in content]})


def test_polnear_strict_vs_partial(tmp_path: Path) -> None:
    gold = _gold_doc(tmp_path)
    preds = [
        # Mayor: speaker too short, cue exact, content missing its last word.
        _pred("mayor", "said", ["the bridge will reopen in"]),
        # Critics: everything exact (content as one range over the gap is not the same).
        _pred("Critics", "believe", ["the plan is late", "the budget is short"]),
        # A prediction matching no gold attribution at all.
        _pred("officials", "added", ["Nobody expected it"]),
    ]
    result = score_polnear([gold], [preds])
    everything = result["all"]
    assert everything["attributions"] == 2
    assert everything["speaker"]["partial"] == {"p": 0.6667, "r": 1.0, "f": 0.8,
                                                "support": 2}
    assert everything["speaker"]["strict"]["r"] == 0.5
    assert everything["cue"]["strict"]["r"] == 1.0
    assert everything["content"]["partial"]["r"] == 1.0
    assert everything["content"]["strict"]["r"] == 0.5
    # Speech subset: only the mayor is gold; the critics prediction found a non-speech
    # attribution and is left out; the officials prediction is still a false positive.
    speech = result["speech"]
    assert speech["attributions"] == 1
    assert speech["speaker"]["partial"] == {"p": 0.5, "r": 1.0, "f": 0.6667, "support": 1}
    assert speech["speaker"]["strict"]["r"] == 0.0
    assert result["skipped_no_source"] == 1


def test_polnear_strict_speaker_counts_each_attribution(tmp_path: Path) -> None:
    gold = _gold_doc(tmp_path)
    # A second attribution headed by the same speaker span: predicted once, found once.
    twin = replace(gold.spans[0], attrs=dict(gold.spans[0].attrs))
    gold.spans.append(twin)
    result = score_polnear([gold], [[_pred("The mayor", "said", [])]])
    assert result["all"]["speaker"]["strict"] == {"p": 1.0, "r": 0.3333, "f": 0.5,
                                                  "support": 3}


def test_polnear_corpus_root_is_refused(tmp_path: Path) -> None:
    _write_article(tmp_path / "dev")
    with pytest.raises(InputError, match="pass one compartment \\(dev\\)"):
        read_gold([tmp_path])


def test_polnear_run_benchmark_adds_table(tmp_path: Path, blank_nlp: object) -> None:
    from spacy_framing.benchmark import format_text

    gold = _gold_doc(tmp_path)
    result = run_benchmark(blank_nlp, [gold], labels=["SOURCE"])  # type: ignore[arg-type]
    assert result["sources_polnear"]["all"]["speaker"]["partial"]["r"] == 0.0
    assert "PolNeAR" in format_text(result)


@pytest.mark.parametrize(("extra", "line", "reason"), [
    ("T11\tSource twelve 14\tx\n", 16, "expected 'Type start end"),
    ("E4\tSource:T99\n", 16, "T99"),
    ("T11\tSource 10 99999\tx\n", 16, "outside the text"),
])
def test_polnear_malformed_line_names_file_and_line(tmp_path: Path, extra: str, line: int,
                                                    reason: str) -> None:
    ann = _write_article(tmp_path, extra=extra)
    with pytest.raises(InputError) as caught:
        parse_ann(ann, TEXT)
    message = str(caught.value)
    assert message.startswith(f"{ann}:{line}: ") and reason in message
    assert "\n" not in message
    # read_polnear (and so read_gold) reports the article as skipped instead of raising.
    docs, errors = read_polnear(tmp_path)
    assert docs == [] and str(errors[0]) == message


def test_polnear_cli_on_invented_folder(tmp_path: Path) -> None:
    _write_article(tmp_path)
    result = CliRunner().invoke(main, ["benchmark", "--gold", str(tmp_path), "--labels",
                                       "SOURCE", "--profile", "rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)["sources_polnear"]
    assert scores["all"]["attributions"] == 2 and scores["speech"]["attributions"] == 1


def test_polnear_dev_compartment_reads(shared_dir: Path) -> None:
    dev = shared_dir / "data" / "polnear" / "dev"
    if not dev.is_dir():
        pytest.skip("PolNeAR dev compartment not in the shared folder")
    docs, errors = read_polnear(dev)
    assert errors == [] and len(docs) == 84
    assert all(0 <= s.start < s.end <= len(d.text) for d in docs for s in d.spans)
