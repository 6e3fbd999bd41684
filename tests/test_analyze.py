"""`framing analyze`: Parquet output, error ledger, resume, strict, the three ways of
running (one process, spaCy processes, Dask) giving the same tables, and `compare --from`.

Most tests run a blank English pipeline (sentencizer + framing components) saved to disk:
it loads in a second, in this process, in spaCy's worker processes and on Dask workers.
The facts round trip and `compare --from` use the real model.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import spacy
from click.testing import CliRunner
from spacy.language import Language

import spacy_framing.analyze.engines as engines_module
import spacy_framing.analyze.output as output_module
from spacy_framing.analyze import (
    COLLECTOR,
    TABLES,
    AnalyzeError,
    PipelineSpec,
    analyze,
    cached_pipeline,
    iter_facts,
)
from spacy_framing.cli import main
from spacy_framing.compare import compare, compare_facts
from spacy_framing.corpus import FieldNames
from spacy_framing.facts import doc_facts

# Sentences written for these tests (not taken from any article).
SENTENCES = [
    "China said on Monday that it is losing influence over North Korea.",
    "Officials in Beijing may be worried about the troop deployment, analysts said.",
    "Russia welcomed the soldiers and called the move a turning point.",
    "The Kremlin will certainly use the alliance as a bargaining chip.",
    "Pyongyang stayed silent about the casualties reported by Ukraine.",
    "Beijing has little choice but to accept the new reality, one diplomat argued.",
    "Washington warned that the conflict could escalate into a wider war.",
    "Some experts suggest that China might quietly distance itself from Moscow.",
]
OUTLETS = ["Ledger", "Dispatch", "Gazette"]

# The blank pipeline makes the components warn that there is no parser.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _article(i: int) -> str:
    # Three sentences per article, varied so that documents differ.
    picked = [SENTENCES[(i + k * 3) % len(SENTENCES)] for k in range(3)]
    return " ".join(picked) + f"\n\nReport number {i}."


@pytest.fixture(scope="module")
def blank_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    path = tmp_path_factory.mktemp("model") / "blank_en"
    nlp.to_disk(path)
    return str(path)


def _good_rows(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"doc_id": f"d{i:03d}", "outlet": OUTLETS[i % 3], "title": f"Story {i}",
             "date": f"2024-03-{1 + i % 28:02d}", "section": "world", "text": _article(i)}
            for i in range(start, start + n)]


BAD_LINES = [
    ("{not json", "invalid JSON"),
    (json.dumps({"doc_id": "e1", "outlet": "Ledger"}), "missing field 'text'"),
    (json.dumps({"doc_id": "e2", "outlet": "Ledger", "text": 42}), "must be a string"),
    (json.dumps({"doc_id": "e3", "outlet": "Ledger", "text": "   "}), "empty 'text'"),
    (json.dumps({"doc_id": "d001", "outlet": "Ledger", "text": "Again."}), "duplicate id"),
    (json.dumps(["a", "list"]), "expected a JSON object"),
]


def _write_corpus(folder: Path, n_good: int = 12) -> dict[str, Any]:
    """A JSONL file with bad lines between good ones, a CSV file, a Parquet file and a
    folder of .txt articles; returns what a run must find."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = _good_rows(n_good)
    lines: list[bytes] = []
    expected_errors: list[tuple[str, int | None, str]] = []
    bad = iter(BAD_LINES)
    for i, row in enumerate(rows):
        lines.append(json.dumps(row).encode())
        if i % 2 == 1:
            text, reason = next(bad, (None, None))
            if text is not None:
                lines.append(text.encode())
                expected_errors.append(("corpus.jsonl", len(lines), reason))
    lines.append(b'{"doc_id": "latin", "outlet": "Ledger", "text": "caf\xe9 cr\xe8me"}')
    expected_errors.append(("corpus.jsonl", len(lines), "not UTF-8"))
    (folder / "corpus.jsonl").write_bytes(b"\n".join(lines) + b"\n")

    csv_rows = _good_rows(3, start=100)
    with (folder / "more.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["doc_id", "outlet", "text"])
        writer.writeheader()
        for row in csv_rows:
            writer.writerow({k: row[k] for k in ("doc_id", "outlet", "text")})
        writer.writerow({"doc_id": "csv-empty", "outlet": "Gazette", "text": ""})
    # Header on line 1; each text holds a blank line, so a row spans three lines.
    expected_errors.append(("more.csv", 1 + 3 * len(csv_rows) + 1, "empty 'text'"))

    table = pa.table({"doc_id": ["p1", "p2", "p3"], "outlet": ["Dispatch"] * 3,
                      "text": [_article(200), None, _article(201)]})
    pq.write_table(table, folder / "tail.parquet")
    expected_errors.append(("tail.parquet", None, "missing field 'text'"))

    articles = folder / "Gazette"
    articles.mkdir()
    (articles / "t1.txt").write_text(_article(300), encoding="utf-8")
    (articles / "t2.txt").write_text("", encoding="utf-8")
    expected_errors.append(("t2.txt", None, "empty"))
    n_docs = n_good + len(csv_rows) + 2 + 1
    return {"inputs": [folder / "corpus.jsonl", folder / "more.csv", folder / "tail.parquet",
                       articles],
            "documents": n_docs, "errors": expected_errors}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def single_run(corpus: dict[str, Any], blank_model: str,
               tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "out"
    analyze(corpus["inputs"], out, model=blank_model, batch_size=4)
    return out


def _tables(out: Path) -> dict[str, pa.Table]:
    return {name: pq.read_table(out / f"{name}.parquet").replace_schema_metadata(None)
            for name in TABLES}


def _errors(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]


def _same_output(a: Path, b: Path) -> None:
    left, right = _tables(a), _tables(b)
    for name in TABLES:
        assert left[name].equals(right[name]), name
    assert _errors(a) == _errors(b)


# --- one process -------------------------------------------------------------------------


def test_output_files_counts_and_input_order(single_run: Path,
                                             corpus: dict[str, Any]) -> None:
    assert sorted(p.name for p in single_run.iterdir()) == sorted(
        [*(f"{t}.parquet" for t in TABLES), "errors.jsonl", "run.json"])
    run = json.loads((single_run / "run.json").read_text())
    assert run["documents_written"] == corpus["documents"]
    assert run["errors"] == len(corpus["errors"])
    assert run["records_read"] == run["documents_written"] + run["errors"]
    docs = pq.read_table(single_run / "documents.parquet").to_pylist()
    assert [d["id"] for d in docs] == [
        *(f"d{i:03d}" for i in range(12)), "d100", "d101", "d102", "p1", "p3", "t1"]
    first = docs[0]
    assert (first["outlet"], first["title"], first["date"]) == ("Ledger", "Story 0",
                                                               "2024-03-01")
    assert first["file"].endswith("corpus.jsonl") and first["line"] == 1
    assert json.loads(first["meta"]) == {"section": "world"}
    assert docs[-1]["outlet"] == "Gazette"  # a .txt article's outlet is its folder
    assert docs[-3]["row"] == 1 and docs[-2]["row"] == 3


def test_document_counts_agree_with_spans(single_run: Path) -> None:
    docs = pq.read_table(single_run / "documents.parquet").to_pylist()
    spans = pq.read_table(single_run / "spans.parquet").to_pylist()
    for doc in docs:
        mine = [s for s in spans if s["doc_id"] == doc["id"]]
        framing = [s for s in mine if s["group"] == "framing"]
        assert sum(doc[label] for label in ("LOSS_OF_INFLUENCE", "BARGAINING_CHIP",
                                            "ESCALATION", "EMOTION", "SILENCE",
                                            "DILEMMA", "FAIT_ACCOMPLI", "STRATEGIC_GAME",
                                            "DEPENDENCY", "STABILITY", "LEGALITY")) \
            + sum(n for _, n in doc["other_devices"]) == len(framing)
        assert doc["HEDGE"] == sum(1 for s in mine if s["label"] == "HEDGE")
        for span in mine:
            assert doc["text"][span["start"]:span["end"]] == span["text"]
        actors = [s["actor"] for s in mine if s["group"] == "actors"]
        assert doc["actors"] == list(dict.fromkeys(actors))
    assert any(s["label"] == "LOSS_OF_INFLUENCE" for s in spans)
    china = next(s for s in spans if s["group"] == "actors" and s["actor"] == "China")
    assert "China" in china["sentence_actors"]


def test_every_bad_record_is_in_errors_with_file_and_line(single_run: Path,
                                                          corpus: dict[str, Any]) -> None:
    errors = _errors(single_run)
    assert len(errors) == len(corpus["errors"])
    for error, (name, line, reason) in zip(errors, corpus["errors"], strict=True):
        assert Path(error["file"]).name == name
        assert reason in error["reason"]
        if name.endswith(".parquet"):
            assert error["row"] == 2
        else:
            assert error["line"] == line


def test_cli_summary_line_and_no_progress_bar_off_a_terminal(
        corpus: dict[str, Any], blank_model: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyze", *map(str, corpus["inputs"]), "--output",
                                       str(out), "--model", blank_model])
    assert result.exit_code == 0, result.output
    n_docs, n_errors = corpus["documents"], len(corpus["errors"])
    assert (f"{n_docs + n_errors} records read = {n_docs} documents written + "
            f"{n_errors} errors") in result.output
    assert "\r" not in result.output and "docs/s" not in result.output


def test_strict_stops_at_the_first_bad_record(corpus: dict[str, Any], blank_model: str,
                                              tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", str(corpus["inputs"][0]), "--output",
                                       str(tmp_path / "out"), "--model", blank_model,
                                       "--strict"])
    assert result.exit_code == 1
    assert "corpus.jsonl:3" in result.output and "invalid JSON" in result.output
    assert not (tmp_path / "out" / "documents.parquet").exists()


def test_existing_output_needs_resume(single_run: Path, corpus: dict[str, Any],
                                      blank_model: str) -> None:
    with pytest.raises(AnalyzeError, match="--resume"):
        analyze(corpus["inputs"], single_run, model=blank_model)


def test_a_run_that_cannot_start_leaves_the_folder_reusable(corpus: dict[str, Any],
                                                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["analyze", str(corpus["inputs"][0]), "--output", str(out), "--model",
            str(tmp_path / "no-such-model")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "cannot load the pipeline" in result.output
    assert not (out / "_incomplete").exists()
    assert CliRunner().invoke(main, args).exit_code == 2  # not "already holds output"
    missing = CliRunner().invoke(main, ["analyze", str(tmp_path / "nothing.jsonl"),
                                        "--output", str(out)])
    assert missing.exit_code == 2 and "no such file" in missing.output
    assert not (out / "_incomplete").exists()


def test_field_options(blank_model: str, tmp_path: Path) -> None:
    rows = [{"key": "k1", "source": "Ledger", "body": _article(1)},
            {"key": "k2", "source": "Dispatch", "body": _article(2)}]
    path = tmp_path / "custom.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(main, [
        "analyze", str(path), "-o", str(tmp_path / "out"), "--model", blank_model,
        "--text-field", "body", "--outlet-field", "source", "--id-field", "key"])
    assert result.exit_code == 0, result.output
    docs = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert [(d["id"], d["outlet"]) for d in docs] == [("k1", "Ledger"), ("k2", "Dispatch")]


# --- interruption and resume -----------------------------------------------------------


def test_interrupted_run_leaves_no_final_files_and_resume_completes_it(
        corpus: dict[str, Any], blank_model: str, single_run: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    real = engines_module.process_records
    calls = {"n": 0}

    def interrupted(nlp: Language, records: list[dict[str, Any]]) -> list[Any]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(nlp, records)

    monkeypatch.setattr(engines_module, "process_records", interrupted)
    monkeypatch.setattr(output_module, "PART_DOCS", 4)
    with pytest.raises(KeyboardInterrupt):
        analyze(corpus["inputs"], out, model=blank_model, batch_size=4)
    assert not any((out / f"{t}.parquet").exists() for t in TABLES)
    assert not (out / "errors.jsonl").exists()
    parts = sorted(p.name for p in (out / "_incomplete").glob("*.documents.parquet"))
    assert parts  # the first batches were kept
    assert not list((out / "_incomplete").glob("*.tmp"))

    monkeypatch.setattr(engines_module, "process_records", real)
    result = analyze(corpus["inputs"], out, model=blank_model, batch_size=4, resume=True)
    assert result.already_written == 8
    assert result.records_read == (result.documents_written + result.already_written
                                   + result.errors)
    assert not (out / "_incomplete").exists()
    _same_output(out, single_run)


def test_resume_extends_a_finished_output(blank_model: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in _good_rows(4)), encoding="utf-8")
    second.write_text("".join(json.dumps(r) + "\n" for r in _good_rows(3, start=4)),
                      encoding="utf-8")
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    analyze([first], out, model=blank_model, batch_size=2)
    result = analyze([first, second], out, model=blank_model, batch_size=2, resume=True)
    assert (result.documents_written, result.already_written) == (3, 4)
    analyze([first, second], fresh, model=blank_model, batch_size=2)
    _same_output(out, fresh)
    with pytest.raises(AnalyzeError, match="other settings"):
        analyze([first], out, model=blank_model, resume=True,
                fields=FieldNames(text="body"))


# --- pipeline failures -------------------------------------------------------------------


@Language.component("test_analyze_exploder")
def _exploder(doc: Any) -> Any:
    if "EXPLODE" in doc.text:
        raise RuntimeError("boom")
    return doc


def test_a_document_that_breaks_the_pipeline_becomes_an_error(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("test_analyze_exploder")
    model = tmp_path / "exploding"
    nlp.to_disk(model)
    rows = _good_rows(5)
    rows[2]["text"] = "This one will EXPLODE in the pipeline."
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    outputs = {}
    for n_process in (1, 2):
        out = tmp_path / f"out{n_process}"
        result = analyze([path], out, model=str(model), batch_size=2, n_process=n_process)
        assert (result.documents_written, result.errors) == (4, 1)
        (error,) = _errors(out)
        assert error["id"] == "d002" and error["line"] == 3 and "boom" in error["reason"]
        outputs[n_process] = out
    _same_output(outputs[1], outputs[2])


def test_spacy_processes_give_the_same_tables(corpus: dict[str, Any], blank_model: str,
                                              single_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze(corpus["inputs"], out, model=blank_model, batch_size=4, n_process=2)
    _same_output(out, single_run)


# --- facts round trip and compare --from (real model) ----------------------------------


@pytest.fixture(scope="module")
def sm_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sm")
    path = folder / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _good_rows(9)), encoding="utf-8")
    out = folder / "out"
    analyze([path], out)
    return path, out


@pytest.fixture(scope="module")
def framing_nlp(sm_run: tuple[Path, Path]) -> Iterator[Language]:
    # The very pipeline the run used (rule files edited meanwhile cannot make the
    # comparison differ), without the analyze pipe that strips Docs down to facts.
    nlp = cached_pipeline(PipelineSpec(None))
    with nlp.select_pipes(disable=[COLLECTOR]):
        yield nlp


def test_stored_facts_are_the_facts(sm_run: tuple[Path, Path],
                                    framing_nlp: Language) -> None:
    path, out = sm_run
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    stored = list(iter_facts(out))
    assert [f["doc_id"] for f in stored] == [r["doc_id"] for r in rows]
    assert any(f["sources"] for f in stored)
    for facts, row in zip(stored, rows, strict=True):
        expected = doc_facts(framing_nlp(row["text"]), {
            "doc_id": row["doc_id"], "outlet": row["outlet"], "title": row["title"],
            "date": row["date"], "meta": {"section": "world"}})
        assert facts == expected


def test_compare_from_equals_compare_on_the_inputs(sm_run: tuple[Path, Path],
                                                   framing_nlp: Language) -> None:
    path, out = sm_run
    options = {"seed": 3, "n_bootstrap": 50, "n_permutations": 50}
    direct = compare([path], target="China", nlp=framing_nlp, **options)
    stored = compare_facts(iter_facts(out), target="China", **options)
    assert stored.to_dict() == direct.to_dict()
    result = CliRunner().invoke(main, ["compare", "--from", str(out), "--target", "Beijing",
                                       "--format", "json", "--bootstrap", "50",
                                       "--permutations", "50", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outlets"] == json.loads(direct.to_json())["outlets"]


def test_compare_from_by_another_field(sm_run: tuple[Path, Path]) -> None:
    _, out = sm_run
    result = CliRunner().invoke(main, ["compare", "--from", str(out), "--target", "China",
                                       "--by", "date", "--format", "json", "--bootstrap",
                                       "10", "--permutations", "10"])
    assert result.exit_code == 0, result.output
    names = [o["name"] for o in json.loads(result.output)["outlets"]]
    assert names == [f"2024-03-{d:02d}" for d in range(1, 10)]


def test_compare_from_refuses_unfinished_output(tmp_path: Path) -> None:
    (tmp_path / "_incomplete").mkdir()
    result = CliRunner().invoke(main, ["compare", "--from", str(tmp_path), "--target",
                                       "China"])
    assert result.exit_code != 0 and "--resume" in result.output
    with pytest.raises(AnalyzeError):
        list(iter_facts(tmp_path))


# --- a real Dask cluster -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[dict[str, Any]]:
    pytest.importorskip("distributed")
    dask = Path(sys.executable).parent / "dask"
    if not dask.exists():
        pytest.skip("the dask command is not installed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen([str(dask), *args], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True,
                                   cwd=tmp_path)
        processes.append(process)
        return process

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        workers = [start("worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                         "--nworkers", "1",
                         "--no-dashboard", "--death-timeout", "60",
                         "--local-directory", str(tmp_path / f"w{i}")) for i in range(2)]
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=90)
            yield {"address": address, "workers": workers, "client": client}
    finally:
        for process in reversed(processes):
            _stop(process)


def _run_cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    framing = Path(sys.executable).parent / "framing"
    return subprocess.run([str(framing), *args], capture_output=True, text=True,
                          timeout=600, check=False)


def test_dask_cluster_gives_the_same_tables_and_survives_a_killed_worker(
        dask_cluster: dict[str, Any], corpus: dict[str, Any], blank_model: str,
        single_run: Path, tmp_path: Path) -> None:
    address = dask_cluster["address"]
    out = tmp_path / "dask"
    done = _run_cli(["analyze", *map(str, corpus["inputs"]), "--output", str(out),
                     "--model", blank_model, "--batch-size", "4", "--scheduler", address])
    assert done.returncode == 0, done.stderr
    assert "Dask cluster at" in done.stderr
    _same_output(out, single_run)

    # A longer run, one document per task, during which one worker is killed.
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps(r) + "\n" for r in _good_rows(240)), encoding="utf-8")
    reference = tmp_path / "reference"
    analyze([big], reference, model=blank_model, batch_size=1)
    killed_out = tmp_path / "killed"
    run = subprocess.Popen(
        [str(Path(sys.executable).parent / "framing"), "analyze", str(big), "--output",
         str(killed_out), "--model", blank_model, "--batch-size", "1", "--scheduler",
         address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    client = dask_cluster["client"]

    # Defined here so that it is pickled by value for the scheduler process.
    def _framing_batches(dask_scheduler: Any) -> int:
        indices = [int(str(key).rsplit("-", 1)[1]) for key in dask_scheduler.tasks
                   if str(key).startswith("framing-batch-")]
        return max(indices, default=-1)

    deadline = time.monotonic() + 120
    while client.run_on_scheduler(_framing_batches) < 20:
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    victim = dask_cluster["workers"][0]
    os.killpg(victim.pid, signal.SIGKILL)
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.workers)) == 1
    assert "240 records read = 240 documents written + 0 errors" in stderr
    _same_output(killed_out, reference)


def test_profile_reaches_the_pipeline_and_run_json(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"doc_id": "a", "outlet": "Wire", "text": (
        "Valdoria's foreign minister said on Monday that the port deal would go ahead.")})
        + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(corpus), "--output",
                                       str(tmp_path / "out"), "--profile", "rules"])
    assert result.exit_code == 0, result.output
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["profile"] == "rules"
    resumed = CliRunner().invoke(main, ["analyze", str(corpus), "--output",
                                        str(tmp_path / "out"), "--resume"])
    assert resumed.exit_code != 0 and "profile" in resumed.output
