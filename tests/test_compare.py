"""`framing compare`: profiles, statistics and summary on constructed facts; the pipeline
end to end on the bundled examples, the seed articles and BASIL; the CLI and its errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from _facts_factory import document, sentence, two_outlet_corpus
from click.testing import CliRunner
from spacy.language import Language

import spacy_framing
from spacy_framing.cli import main
from spacy_framing.compare import Comparison, TargetError, compare, compare_facts
from spacy_framing.compare.profiles import CODEBOOK_DEVICES, MIN_TARGET_SENTENCES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FAST = {"n_bootstrap": 200, "n_permutations": 200}
# BASIL events reserved as the team's gold set: never run on them.
GOLD_EVENTS = ("c6a0e65c", "2b9468af", "1b96a5db", "8abec8d9", "7f9c83f7", "1ed4f378",
               "ae243a95", "a4f1d515", "0d10341a", "3ae35b16", "70c75d68", "542cd22c",
               "29ffd053", "84b3c118", "cad4bba5", "2b95d2cf", "b4dbeda7", "8dac6c12",
               "0c78e748")


def _outlet(result: Comparison | dict[str, Any], name: str) -> dict[str, Any]:
    outlets = result.outlets if isinstance(result, Comparison) else result["outlets"]
    return next(o for o in outlets if o["name"] == name)


# --- profiles on constructed facts ---------------------------------------------------------


@pytest.fixture(scope="module")
def constructed() -> Comparison:
    return compare_facts(two_outlet_corpus(), target="China", seed=1, **FAST)


def test_profile_counts_shares_and_intervals(constructed: Comparison) -> None:
    ledger = _outlet(constructed, "Ledger")
    assert (ledger["documents"], ledger["sentences"], ledger["target_sentences"]) == (4, 28, 24)
    assert ledger["ci_resampling"] == "documents"
    dilemma = ledger["devices"]["DILEMMA"]
    assert dilemma["count"] == 8 and dilemma["share"] == pytest.approx(8 / 24, abs=1e-4)
    low, high = dilemma["ci"]
    # Every document has the same share, so resampling documents cannot move it.
    assert low == pytest.approx(8 / 24, abs=1e-4) and high == pytest.approx(8 / 24, abs=1e-4)
    assert ledger["devices"]["STABILITY"] == {"count": 0, "share": 0.0, "ci": [0.0, 0.0],
                                              "spans": 0}
    # Sentences about another actor do not count, whatever devices they carry; the
    # article-wide counts keep them as context.
    assert ledger["devices"]["STRATEGIC_GAME"]["count"] == 0
    assert ledger["article_devices"]["STRATEGIC_GAME"] == 4
    assert ledger["article_devices"]["DILEMMA"] == 8
    assert list(ledger["devices"])[:len(CODEBOOK_DEVICES)] == list(CODEBOOK_DEVICES)


def test_profile_epistemics_sources_and_agency(constructed: Comparison) -> None:
    ledger, dispatch = _outlet(constructed, "Ledger"), _outlet(constructed, "Dispatch")
    assert ledger["uncertain_share"] == pytest.approx(0.5)
    assert ledger["hedge_density"] > 0 and ledger["booster_density"] == 0
    assert dispatch["booster_density"] > 0 and dispatch["hedge_density"] == 0
    assert ledger["sources"] == {"official": 0, "expert": 4, "media": 0, "unnamed": 0}
    assert dispatch["sources"]["official"] == 8
    assert ledger["source_actors"] == {"Norway": 4}
    assert ledger["agency"] == {"agent": 0, "affected": 24, "other": 0}
    assert dispatch["agency"] == {"agent": 24, "affected": 0, "other": 0}


def test_evidence_locates_every_counted_span(constructed: Comparison) -> None:
    ledger = _outlet(constructed, "Ledger")
    evidence = [e for e in ledger["evidence"] if e["label"] == "EMOTION"]
    assert len(evidence) == ledger["devices"]["EMOTION"]["count"]
    for item in evidence:
        start, end = item["span"]
        assert item["text"][start:end] == item["span_text"] == "Beijing"
        assert item["voice"] == "outlet" and item["doc_id"].startswith("ledger-")
    labels = {e["label"] for e in ledger["evidence"]}
    assert labels == {"DILEMMA", "EMOTION"}


def test_quoted_devices_are_marked(tmp_path: Path) -> None:
    docs = [document("A", "a", [sentence("Beijing is cornered.", actors=["China"],
                                         devices=["DILEMMA", "EMOTION"], quoted=["EMOTION"])]),
            document("B", "b", [sentence("China speaks.", actors=["China"])])]
    result = compare_facts(docs, target="China", **FAST)
    voices = {e["label"]: e["voice"] for e in _outlet(result, "A")["evidence"]}
    assert voices == {"DILEMMA": "outlet", "EMOTION": "quoted"}


def test_sentences_concern_the_target_through_its_sources() -> None:
    docs = [document("A", "a", [
        sentence("The ministry said the rules were clear.", sources=[("official", "China")],
                 devices=["LEGALITY"]),
        sentence("Rain fell.", devices=["SILENCE"]),
    ])]
    result = compare_facts(docs, target="China", **FAST)
    profile = _outlet(result, "A")
    assert profile["target_sentences"] == 1
    assert profile["devices"]["LEGALITY"]["count"] == 1
    assert profile["devices"]["SILENCE"]["count"] == 0
    assert profile["source_actors"] == {"China": 1}


def test_outlet_that_never_mentions_the_target_gets_zeros_and_a_note() -> None:
    docs = two_outlet_corpus(documents_per_outlet=2)
    docs.append(document("Silent", "s-1", [sentence("Markets rose in Oslo.",
                                                    actors=["Norway"])]))
    result = compare_facts(docs, target="China", **FAST)
    silent = _outlet(result, "Silent")
    assert silent["target_sentences"] == 0 and silent["documents"] == 1
    assert all(v["count"] == 0 and v["share"] == 0.0 for v in silent["devices"].values())
    assert silent["agency"] == {"agent": 0, "affected": 0, "other": 0}
    assert any("Silent" in note and "not mentioned" in note for note in result.notes)
    assert result.divergence["jensen_shannon"][2] == [None, None, None]
    json.loads(result.to_json())  # still valid JSON (no NaN)


def test_target_mentioned_nowhere_does_not_crash() -> None:
    result = compare_facts(two_outlet_corpus(documents_per_outlet=1), target="Peru", **FAST)
    assert all(o["target_sentences"] == 0 for o in result.outlets)
    assert result.divergence["p_value"] is None
    assert result.contrast_model["cv_balanced_accuracy"] is None
    assert "Peru is not mentioned" in result.summary[0]


def test_too_few_sentences_are_called_too_few() -> None:
    docs = two_outlet_corpus(documents_per_outlet=1, sentences_per_document=4)
    result = compare_facts(docs, target="China", **FAST)
    assert result.settings["conclusive"] is False
    assert any("too few" in note for note in result.notes)
    assert "too few" in result.summary[-1].lower() and "(4)" in result.summary[-1]
    # One document per outlet: intervals and the permutation test resample sentences.
    assert {o["ci_resampling"] for o in result.outlets} == {"sentences"}
    assert result.divergence["permutation_unit"] == "sentences"


def test_divergence_and_model_on_distinct_outlets(constructed: Comparison) -> None:
    divergence = constructed.divergence
    assert divergence["outlets"] == ["Ledger", "Dispatch"]
    assert divergence["jensen_shannon"][0][1] == pytest.approx(1.0)
    assert divergence["jensen_shannon"][0][0] == 0.0
    assert divergence["permutation_unit"] == "documents"
    # 8 documents, 4 per outlet: only 2 of the 70 labellings are as extreme.
    assert divergence["p_value"] < 0.06
    model = constructed.contrast_model
    assert model["cv_balanced_accuracy"] >= 0.9 and model["chance"] == 0.5
    assert model["cv_grouping"] == "documents" and model["n_sentences"] == 48
    ledger_features = [name for name, _ in model["top_features"]["Ledger"]]
    assert any(name in ledger_features for name in ("device:DILEMMA", "device:EMOTION",
                                                   "source:expert", "agency:affected"))


def test_summary_sentences_are_backed_by_numbers(constructed: Comparison) -> None:
    assert 3 <= len(constructed.summary) <= 6
    assert all(re.search(r"\d", s) for s in constructed.summary)
    text = " ".join(constructed.summary)
    assert "Ledger leans on DILEMMA (8 of 24, 33%)" in text
    assert "Dispatch" in text and "official (8)" in text
    assert "Caution" not in text


def test_summary_names_whose_voices_only_when_most_have_an_actor() -> None:
    from spacy_framing.compare.summary import summarise

    def outlet(name: str, source_actors: dict[str, int]) -> dict[str, Any]:
        return {"name": name, "target_sentences": 12, "uncertain_share": 0.25,
                "hedge_density": 1.0, "booster_density": 0.0,
                "devices": {"DILEMMA": {"count": 3, "share": 0.25, "ci": [0.1, 0.4]}},
                "sources": {"official": 0, "expert": 4, "media": 0, "unnamed": 6},
                "source_actors": source_actors,
                "agency": {"agent": 6, "affected": 3, "other": 3}}

    text = " ".join(summarise({
        "target": "China",
        "outlets": [outlet("A", {"United States": 7, "none": 3}),
                    outlet("B", {"none": 9, "China": 1})],
        "divergence": {}, "contrast_model": {}}))
    assert "A quotes 10 sources, mostly unnamed (6) and expert (4), mainly from United " \
           "States (7)" in text
    assert "B quotes 10 sources, mostly unnamed (6) and expert (4), only 1 of them " \
           "speaking for an actor: China (1)" in text


def test_resample_counts_are_checked_before_any_work() -> None:
    with pytest.raises(ValueError, match="n_bootstrap"):
        compare_facts(two_outlet_corpus(), target="China", n_bootstrap=0)
    with pytest.raises(ValueError, match="n_permutations"):
        compare_facts(two_outlet_corpus(), target="China", n_permutations=-1)
    no_test = compare_facts(two_outlet_corpus(), target="China", n_bootstrap=50,
                            n_permutations=0)
    assert no_test.divergence["p_value"] is None
    assert any("0 permutations" in note for note in no_test.notes)


def test_same_seed_same_output_different_seed_may_differ() -> None:
    docs = two_outlet_corpus()
    first = compare_facts(docs, target="China", seed=7, **FAST).to_json()
    assert compare_facts(docs, target="China", seed=7, **FAST).to_json() == first


def test_json_has_the_issue_schema(constructed: Comparison) -> None:
    data = json.loads(constructed.to_json())
    assert {"target", "outlets", "divergence", "contrast_model", "summary"} <= set(data)
    outlet = data["outlets"][0]
    assert {"name", "documents", "sentences", "target_sentences", "devices", "hedge_density",
            "booster_density", "uncertain_share", "sources", "source_actors", "agency",
            "evidence"} <= set(outlet)
    assert set(outlet["devices"]["DILEMMA"]) >= {"count", "share", "ci"}
    assert set(outlet["agency"]) == {"agent", "affected", "other"}
    assert set(outlet["evidence"][0]) >= {"label", "text", "span", "doc_id", "voice"}
    assert {"jensen_shannon", "p_value"} <= set(data["divergence"])
    assert {"cv_balanced_accuracy", "chance", "n_sentences", "top_features"} <= \
        set(data["contrast_model"])
    feature = data["contrast_model"]["top_features"]["Ledger"][0]
    assert isinstance(feature[0], str) and isinstance(feature[1], float)


def test_to_frame(constructed: Comparison) -> None:
    pytest.importorskip("pandas")
    frame = constructed.to_frame()
    assert len(frame) == 2 * len(CODEBOOK_DEVICES)
    row = frame[(frame.outlet == "Ledger") & (frame.label == "DILEMMA")].iloc[0]
    assert row["count"] == 8 and row["ci_low"] <= row["share"] <= row["ci_high"]


def test_user_labels_are_reported_after_the_codebook() -> None:
    docs = [document("A", "a", [sentence("China waits.", actors=["China"],
                                         devices=["WAIT_AND_SEE"])]),
            document("B", "b", [sentence("China acts.", actors=["China"])])]
    result = compare_facts(docs, target="China", **FAST)
    assert list(_outlet(result, "A")["devices"])[-1] == "WAIT_AND_SEE"
    assert _outlet(result, "A")["devices"]["WAIT_AND_SEE"]["count"] == 1


# --- the pipeline end to end ------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples_comparison(nlp_framing: Language) -> Comparison:
    return compare(sorted(EXAMPLES.glob("*.txt")), target="Beijing", nlp=nlp_framing,
                   outlets=["Continental Dispatch", "Harbor Ledger", "Northgate Wire"],
                   seed=0, **FAST)


def test_examples_frame_china_differently(examples_comparison: Comparison) -> None:
    assert examples_comparison.target == "China"  # the alias resolved to its actor
    ledger = _outlet(examples_comparison, "Harbor Ledger")
    dispatch = _outlet(examples_comparison, "Continental Dispatch")
    for label in ("LOSS_OF_INFLUENCE", "DILEMMA", "EMOTION"):
        assert ledger["devices"][label]["count"] > dispatch["devices"][label]["count"], label
    for label in ("STABILITY", "LEGALITY"):
        assert dispatch["devices"][label]["count"] > ledger["devices"][label]["count"], label
    assert ledger["sources"]["expert"] > ledger["sources"]["official"]
    assert dispatch["sources"]["official"] > dispatch["sources"]["expert"]
    assert ledger["uncertain_share"] > dispatch["uncertain_share"]
    wire = _outlet(examples_comparison, "Northgate Wire")
    assert wire["devices"]["DEPENDENCY"]["count"] > max(
        ledger["devices"]["DEPENDENCY"]["count"], dispatch["devices"]["DEPENDENCY"]["count"])
    assert len(examples_comparison.documents) == 3
    # The README's quick start: enough target sentences that the report draws conclusions.
    assert all(o["target_sentences"] >= MIN_TARGET_SENTENCES for o in examples_comparison.outlets)
    assert not any(s.startswith("Caution") for s in examples_comparison.summary)


def test_examples_evidence_points_into_the_articles(examples_comparison: Comparison) -> None:
    texts = {d["doc_id"]: d["text"] for d in examples_comparison.documents}
    for outlet in examples_comparison.outlets:
        for item in outlet["evidence"]:
            start, end = item["doc_span"]
            assert texts[item["doc_id"]][start:end] == item["span_text"]
            s, e = item["span"]
            assert item["text"][s:e] == item["span_text"]


def test_unknown_target_suggests_close_names_not_all(nlp_framing: Language) -> None:
    with pytest.raises(TargetError) as info:
        compare(EXAMPLES / "harbor_ledger.txt", target="Chian", nlp=nlp_framing, **FAST)
    message = str(info.value)
    assert "E310" in message and "Chian" in message and "--alias" in message
    # A few close names and where the full list is, not ~200 names on one line.
    assert "China" in message and "framing actors" in message
    assert "Russia" not in message and len(message) < 600


@pytest.mark.filterwarnings("ignore::UserWarning")  # components warn about a blank pipeline
def test_aliases_define_a_new_target(blank_nlp: Language) -> None:
    # A separate blank-based pipeline: adding aliases must not leak into shared fixtures.
    for factory in spacy_framing.FRAMING_PIPES:
        blank_nlp.add_pipe(factory)
    result = compare(sorted(EXAMPLES.glob("*.txt")), target="Talvenia",
                     aliases=["Port Selva", "Talvenian"], nlp=blank_nlp, **FAST)
    assert result.target == "Talvenia"
    assert all(o["target_sentences"] > 0 for o in result.outlets)


def test_seed_articles_through_the_cli(shared_dir: Path, tmp_path: Path) -> None:
    articles = shared_dir / "articles"
    output = tmp_path / "seed.json"
    outcome = CliRunner().invoke(main, [
        "compare", str(articles / "seed_kontur.txt"), str(articles / "seed_voa.txt"),
        "--outlet", "Kontur", "--outlet", "VOA", "--target", "China", "--format", "json",
        "--output", str(output), "--bootstrap", "200", "--permutations", "200"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["target"] == "China"
    kontur, voa = _outlet(data, "Kontur"), _outlet(data, "VOA")
    # Issue 5, "Done when": the devices each outlet uses for China, with evidence.
    for outlet, labels in ((kontur, ("LOSS_OF_INFLUENCE", "FAIT_ACCOMPLI", "BARGAINING_CHIP")),
                           (voa, ("LOSS_OF_INFLUENCE", "DILEMMA", "EMOTION"))):
        for label in labels:
            assert outlet["devices"][label]["count"] > 0, (outlet["name"], label)
    # Evidence for every counted label: as many located sentences as counted spans.
    text = {name: (articles / f"seed_{name.lower()}.txt").read_text(encoding="utf-8")
            for name in ("Kontur", "VOA")}
    for outlet in (kontur, voa):
        for label, stats in outlet["devices"].items():
            located = [e for e in outlet["evidence"] if e["label"] == label]
            assert len(located) == stats["spans"], (outlet["name"], label)
        for item in outlet["evidence"]:
            start, end = item["span"]
            assert item["text"][start:end] == item["span_text"]
            assert item["text"] in text[outlet["name"]]
            assert item["voice"] in ("outlet", "quoted")
    # Kontur's troops-as-bargaining-chip sentences name neither China nor a Chinese
    # source, so by codebook section 4 they are context of the story, not China's profile.
    assert kontur["article_devices"]["BARGAINING_CHIP"] > kontur["devices"]["BARGAINING_CHIP"][
        "count"]
    assert "BARGAINING_CHIP" in {e["label"] for e in kontur["context_evidence"]}
    kontur_sources = kontur["sources"]
    assert kontur_sources["expert"] == max(kontur_sources.values())
    assert voa["sources"]["expert"] > 0 and voa["sources"]["official"] > 0
    # Whose voices: Ukrainian and European analysts in Kontur, Americans in VOA.
    main_voice = {o["name"]: next(a for a in o["source_actors"] if a != "none")
                  for o in (kontur, voa)}
    assert main_voice["Kontur"] in ("Ukraine", "Germany")
    assert main_voice["VOA"] == "United States"


def _basil_records(shared_dir: Path, events: int = 2) -> list[dict[str, Any]]:
    from spacy_framing.texts import basil_text

    by_event: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((shared_dir / "data" / "basil" / "articles").glob("*/*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        event = article["triplet-uuid"]
        if event[:8] in GOLD_EVENTS:
            continue
        text = basil_text(article)
        if text.count("Trump") >= 3:
            by_event.setdefault(event, []).append(
                {"text": text, "outlet": article["source"].lower(), "doc_id": path.stem,
                 "title": article.get("title"), "date": article.get("date")})
    chosen = [records for records in by_event.values() if len(records) == 3][:events]
    return [record for records in chosen for record in records]


def test_basil_three_outlets_from_jsonl(shared_dir: Path, tmp_path: Path,
                                        nlp_framing: Language) -> None:
    records = _basil_records(shared_dir)
    path = tmp_path / "basil.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    # The articles are from 2011, when Trump held no office: dated, his mentions are no
    # longer the United States's, so the comparison is of him, as a person.
    result = compare(path, target="Trump", aliases=(), nlp=nlp_framing, **FAST)
    assert result.target == "Donald Trump"
    assert sorted(o["name"] for o in result.outlets) == ["fox", "hpo", "nyt"]
    assert all(o["documents"] == 2 for o in result.outlets)
    assert all(o["target_sentences"] > 0 for o in result.outlets)
    assert {o["ci_resampling"] for o in result.outlets} == {"documents"}
    assert result.contrast_model["cv_grouping"] == "documents"
    assert len(result.divergence["jensen_shannon"]) == 3
    assert 3 <= len(result.summary) <= 6
    json.loads(result.to_json())


# --- CLI errors ------------------------------------------------------------------------------


def _run(args: list[str]) -> Any:
    return CliRunner().invoke(main, ["compare", *args])


def _assert_one_line_error(outcome: Any, *fragments: str) -> None:
    assert outcome.exit_code != 0
    assert "Traceback" not in outcome.output
    lines = [line for line in outcome.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, outcome.output
    for fragment in fragments:
        assert fragment in lines[0], outcome.output


def test_cli_missing_file(tmp_path: Path) -> None:
    _assert_one_line_error(_run([str(tmp_path / "gone.txt"), "--target", "China"]),
                           "gone.txt", "no such file")


def test_cli_bad_jsonl_line(tmp_path: Path) -> None:
    path = tmp_path / "recs.jsonl"
    path.write_text('{"text": "China waits.", "outlet": "A"}\n{"text": "x"}\n',
                    encoding="utf-8")
    _assert_one_line_error(_run([str(path), "--target", "China"]), "recs.jsonl:2",
                           "missing field 'outlet'")


def test_cli_binary_and_empty_files(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    _assert_one_line_error(_run([str(binary), "--target", "China"]), "image.txt", "binary")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    _assert_one_line_error(_run([str(empty), "--target", "China"]), "empty.txt", "empty")


def test_cli_unknown_target(tmp_path: Path) -> None:
    outcome = _run([str(EXAMPLES / "harbor_ledger.txt"), "--target", "Atlantis",
                    "--bootstrap", "10", "--permutations", "10"])
    _assert_one_line_error(outcome, "Atlantis", "Known actors", "--alias")


def test_cli_html_output_file(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    outcome = _run([str(EXAMPLES / "harbor_ledger.txt"), str(EXAMPLES / "continental_dispatch.txt"),
                    "--outlet", "Ledger", "--outlet", "Dispatch", "--target", "China",
                    "--bootstrap", "50", "--permutations", "50", "--format", "html",
                    "--output", str(report)])
    assert outcome.exit_code == 0, outcome.output
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count('class="article"') == 2
    assert "wrote" in outcome.output and str(report) in outcome.output


def test_text_report_of_the_examples(examples_comparison: Comparison) -> None:
    text = examples_comparison.to_text()
    assert "framing compare — target: China" in text
    assert "Harbor Ledger" in text and "Summary" in text
    assert "\x1b[" not in text


def test_a_single_outlet_is_profiled_but_not_compared() -> None:
    docs = [d for d in two_outlet_corpus(documents_per_outlet=2) if d["outlet"] == "Ledger"]
    result = compare_facts(docs, target="China", **FAST)
    assert [o["name"] for o in result.outlets] == ["Ledger"]
    assert result.divergence["p_value"] is None
    assert result.contrast_model["cv_balanced_accuracy"] is None
    assert any("at least two outlets" in note for note in result.notes)
    assert "Only one outlet (Ledger)" in result.summary[-1]
    assert 3 <= len(result.summary) <= 6
