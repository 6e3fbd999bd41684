"""Issue 14: the defects a new user hit. Each test names the defect it pins down."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from spacy.language import Language

import spacy_framing
from spacy_framing import _loader
from spacy_framing.analyze import analyze
from spacy_framing.analyze.output import LOCK_FILE
from spacy_framing.chunks import merge_facts, pipe_facts, split_text
from spacy_framing.cli import main
from spacy_framing.corpus import InputErrors, RecordStream, read_records
from spacy_framing.facts import doc_facts
from spacy_framing.language import check_english, language_warning
from spacy_framing.safe_io import check_output, terminal_text, write_atomic
from spacy_framing.texts import MAX_FILE_BYTES, InputError, decode_text

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
FAST = ["--bootstrap", "20", "--permutations", "20"]
# Written for these tests (not taken from any corpus): Russian and Chinese news prose.
RUSSIAN = ("Министерство иностранных дел заявило в понедельник, что переговоры о "
           "поставках зерна могут возобновиться уже на следующей неделе, однако критики "
           "предупреждают, что сделка остаётся разменной монетой в споре между "
           "соседними государствами региона.")
CHINESE = ("外交部发言人周一表示，有关粮食运输的谈判可能在下周恢复，但批评人士警告说，"
           "这项协议仍然是邻国之间争端中的讨价还价筹码。")
ENGLISH = ("Officials in the capital said on Monday that the talks may resume next week, "
           "and critics warned that the deal was a bargaining chip in a wider dispute.")


@pytest.fixture
def patched_load(monkeypatch: pytest.MonkeyPatch, nlp_framing: Language) -> Language:
    """CLI commands reuse the session's pipeline instead of loading their own."""
    monkeypatch.setattr(spacy_framing, "load", lambda *a, **k: nlp_framing)
    monkeypatch.setattr(_loader, "load", lambda *a, **k: nlp_framing)
    return nlp_framing


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _assert_clean_error(outcome: Result, *fragments: str) -> str:
    """A non-zero exit through click (no other exception), no traceback, ending in
    one error line that holds ``fragments``."""
    assert outcome.exit_code != 0, outcome.output
    assert isinstance(outcome.exception, SystemExit), repr(outcome.exception)
    assert "Traceback" not in outcome.output
    last = outcome.output.strip().splitlines()[-1]
    for fragment in fragments:
        assert fragment in last, outcome.output
    return last


def _write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n"
                            for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small analyze output: English articles with a 'section' field, one Russian."""
    root = tmp_path_factory.mktemp("analyzed")
    articles = sorted(EXAMPLES.glob("*.txt"))
    rows = [{"text": p.read_text(encoding="utf-8"), "outlet": p.stem, "doc_id": p.stem,
             "section": "world"} for p in articles]
    rows.append({"text": RUSSIAN * 2, "outlet": "tass", "doc_id": "ru-1"})
    _write_jsonl(root / "news.jsonl", rows)
    analyze([root / "news.jsonl"], root / "out", progress=False)
    return root / "out"


# --- 1. data loss through -o ---------------------------------------------------------------


def test_1_output_never_overwrites_an_input(tmp_path: Path) -> None:
    article = tmp_path / "harbor_ledger.txt"
    shutil.copy(EXAMPLES / "harbor_ledger.txt", article)
    before = article.read_bytes()
    for args in ([str(article)], [str(tmp_path)]):  # the file, or a folder holding it
        outcome = _run("compare", *args, "--target", "China", "-o", str(article), "--force")
        _assert_clean_error(outcome, "is an input")
    assert article.read_bytes() == before


def test_1_existing_output_needs_force(tmp_path: Path, patched_load: Language) -> None:
    report = tmp_path / "report.txt"
    report.write_text("keep me", encoding="utf-8")
    outcome = _run("tag", str(EXAMPLES / "harbor_ledger.txt"), "-o", str(report))
    _assert_clean_error(outcome, "already exists", "--force")
    assert report.read_text(encoding="utf-8") == "keep me"
    outcome = _run("tag", str(EXAMPLES / "harbor_ledger.txt"), "-o", str(report), "--force")
    assert outcome.exit_code == 0, outcome.output
    assert "China" in report.read_text(encoding="utf-8")


def test_1_format_follows_the_output_suffix(tmp_path: Path, patched_load: Language) -> None:
    html = tmp_path / "report.html"
    outcome = _run("compare", str(EXAMPLES / "harbor_ledger.txt"),
                   str(EXAMPLES / "continental_dispatch.txt"), "--target", "China", *FAST,
                   "-o", str(html))
    assert outcome.exit_code == 0, outcome.output
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    tagged = tmp_path / "tags.json"
    outcome = _run("tag", str(EXAMPLES / "harbor_ledger.txt"), "--output", str(tagged))
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(tagged.read_text(encoding="utf-8"))["doc_id"] == "harbor_ledger"
    # An explicit --format wins over the suffix.
    forced = tmp_path / "plain.html"
    outcome = _run("tag", str(EXAMPLES / "harbor_ledger.txt"), "-o", str(forced),
                   "--format", "text")
    assert not forced.read_text(encoding="utf-8").startswith("<!DOCTYPE")


def test_1_writes_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.md"
    target.write_text("old report", encoding="utf-8")

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputError, match="cannot write the report"):
        write_atomic(target, "new report")
    assert target.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary left
    monkeypatch.undo()
    write_atomic(target, "new report")
    assert target.read_text(encoding="utf-8") == "new report"
    with pytest.raises(InputError, match="already exists"):
        check_output(target)


# --- 2. silently wrong answers ---------------------------------------------------------------


def test_2_unknown_by_field_lists_the_fields(analyzed: Path) -> None:
    outcome = _run("compare", "--from", str(analyzed), "--by", "nosuchfield",
                   "--target", "China", *FAST)
    last = _assert_clean_error(outcome, "nosuchfield", "outlet", "date", "section")
    assert "(none)" not in last
    ok = _run("compare", "--from", str(analyzed), "--by", "section", "--target", "China",
              *FAST, "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert "ru-1: the text does not look English" in ok.stderr


def test_2_non_english_text_is_flagged(tmp_path: Path, patched_load: Language) -> None:
    assert language_warning(RUSSIAN) is not None
    assert language_warning(CHINESE) is not None
    article = tmp_path / "ru.txt"
    article.write_text(RUSSIAN, encoding="utf-8")
    outcome = _run("tag", str(article))
    assert outcome.exit_code == 0, outcome.output
    assert "does not look English" in outcome.stderr


def test_2_english_and_short_texts_are_not_flagged() -> None:
    for path in EXAMPLES.glob("*.txt"):
        assert language_warning(path.read_text(encoding="utf-8")) is None, path
    assert language_warning(ENGLISH) is None
    assert language_warning("Xi Jinping, Wang Yi: Beijing.") is None  # too few words
    assert check_english("").words == 0


def test_2_analyze_has_a_language_warning_column(analyzed: Path) -> None:
    import pyarrow.parquet as pq

    rows = pq.read_table(analyzed / "documents.parquet",
                         columns=["id", "language_warning"]).to_pylist()
    warned = {row["id"] for row in rows if row["language_warning"]}
    assert warned == {"ru-1"}


def test_2_utf16_with_bom_is_text_not_binary(tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-16-be"):
        raw = ENGLISH.encode(encoding)
        if encoding == "utf-16-be":
            raw = b"\xfe\xff" + raw
        assert decode_text(raw, "x.txt") == ENGLISH
    article = tmp_path / "windows.txt"
    article.write_bytes(ENGLISH.encode("utf-16"))
    assert read_records(article)[0]["text"] == ENGLISH
    assert decode_text(b"\xef\xbb\xbf" + ENGLISH.encode(), "x.txt") == ENGLISH


# --- 3. concurrent runs on one --output -------------------------------------------------------


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_3_second_run_on_a_locked_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "_incomplete").mkdir(parents=True)
    (out / "_incomplete" / "000000.documents.parquet.tmp").write_bytes(b"first run's part")
    lock = {"pid": os.getpid(), "host": socket.gethostname(), "started": "now"}
    (out / LOCK_FILE).write_text(json.dumps(lock), encoding="utf-8")
    corpus = _write_jsonl(tmp_path / "c.jsonl", [{"text": ENGLISH, "outlet": "A"}])
    before = _snapshot(out)
    outcome = _run("analyze", str(corpus), "--output", str(out), "--resume")
    _assert_clean_error(outcome, "in use", str(os.getpid()))
    assert _snapshot(out) == before


def test_3_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_FILE).write_text(json.dumps({"pid": gone.pid, "host": socket.gethostname()}),
                                 encoding="utf-8")
    corpus = _write_jsonl(tmp_path / "c.jsonl", [{"text": ENGLISH, "outlet": "A"}])
    result = analyze([corpus], out, progress=False)
    assert result.documents_written == 1
    assert not (out / LOCK_FILE).exists()  # released at the end


# --- 4. tracebacks instead of one-line errors -------------------------------------------------


def test_4_every_cli_error_path_is_one_line(tmp_path: Path, analyzed: Path) -> None:
    empty_out = tmp_path / "empty"
    bad = _write_jsonl(tmp_path / "bad.jsonl", ['{"text": ""}'])
    analyze([bad], empty_out, progress=False)
    article = tmp_path / "a.txt"
    shutil.copy(EXAMPLES / "harbor_ledger.txt", article)
    existing = tmp_path / "exists.txt"
    existing.write_text("x", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / LOCK_FILE).write_text(json.dumps({"pid": os.getpid(),
                                                "host": socket.gethostname()}))
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "run.json").write_text("{", encoding="utf-8")
    cases: list[tuple[list[str], str]] = [
        (["compare", "--from", str(corrupt), "--target", "China"], "unreadable"),
        (["compare", "--from", str(empty_out), "--target", "China"], "no documents"),
        (["compare", str(article), "--target", "China", "--seed", "-5"], "-5"),
        (["compare", "--from", str(analyzed), "--target", "China", "--by", "zzz"], "zzz"),
        (["compare", "--from", str(tmp_path), "--target", "China"], "not an analyze"),
        (["compare", "--from", str(analyzed), "--target", "Atlantis"], "Atlantis"),
        (["compare", str(tmp_path / "gone.txt"), "--target", "China"], "no such file"),
        (["compare", str(article), "--target", "China", "-o", str(article)], "input"),
        (["compare", str(article), "--target", "China", "-o", str(existing)], "--force"),
        (["compare", str(article), "--target", "China", "-o", str(tmp_path)], "directory"),
        (["compare", str(article), "--target", "China", "--by", "date"], "--from"),
        (["compare", "--target", "China"], "INPUT"),
        (["tag", str(tmp_path / "gone.txt")], "no such file"),
        (["tag", str(article), "-o", str(article), "--force"], "input"),
        (["analyze", str(bad), "--output", str(locked)], "in use"),
        (["analyze", str(tmp_path / "gone.jsonl"), "--output", str(tmp_path / "o2")],
         "no such file"),
        (["benchmark", "--gold", str(tmp_path / "gone.jsonl")], "no such file"),
    ]
    for args, fragment in cases:
        _assert_clean_error(_run(*args), fragment)


# --- 5. long work without feedback ------------------------------------------------------------


def test_5_ordinary_articles_are_not_chunked(nlp_framing: Language) -> None:
    text = (EXAMPLES / "harbor_ledger.txt").read_text(encoding="utf-8")
    record = {"text": text, "doc_id": "x", "outlet": "o"}
    assert split_text(text) == [(0, text)]
    assert next(pipe_facts(nlp_framing, [record])) == doc_facts(nlp_framing(text), record)


def test_5_long_articles_are_chunked_with_offsets_kept(nlp_framing: Language) -> None:
    articles = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    text = "\n\n".join(articles)
    chunks = split_text(text, long_text=1000, chunk_chars=2000)
    assert len(chunks) > 3
    assert "".join(chunk for _, chunk in chunks) == text
    assert all(text[offset:offset + len(chunk)] == chunk for offset, chunk in chunks)
    parts = [(offset, doc_facts(nlp_framing(chunk), {"doc_id": "x"}))
             for offset, chunk in chunks]
    merged = merge_facts(parts, text)
    whole = doc_facts(nlp_framing(text), {"doc_id": "x"})
    for span in merged["spans"]:
        assert text[span["start_char"]:span["end_char"]] == span["text"]
    for source in merged["sources"]:
        assert text[source["start_char"]:source["end_char"]] == source["text"]
        assert all(0 <= a <= b <= len(text) for a, b in source["content"])
    assert [s["index"] for s in merged["sentences"]] == list(range(len(merged["sentences"])))
    for sentence in merged["sentences"]:
        assert text[sentence["start_char"]:sentence["end_char"]] == sentence["text"]
    # Cut at paragraph breaks, the chunks find the spans the whole text has.
    def key(s: dict[str, Any]) -> tuple[Any, ...]:
        return (s["group"], s["label"], s["start_char"], s["end_char"])

    found, expected = {key(s) for s in merged["spans"]}, {key(s) for s in whole["spans"]}
    assert len(found & expected) >= 0.95 * len(expected)


def test_5_compare_reports_progress_when_asked(capsys: pytest.CaptureFixture[str],
                                               nlp_framing: Language) -> None:
    spacy_framing.compare(sorted(EXAMPLES.glob("*.txt")), target="China", nlp=nlp_framing,
                          n_bootstrap=10, n_permutations=10, progress=True)
    assert "parsing documents" in capsys.readouterr().err


# --- 6. smaller ones -------------------------------------------------------------------------


def test_6_compare_lists_every_bad_record(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "recs.jsonl", [
        {"text": ENGLISH, "outlet": "A"}, "{oops", {"text": ENGLISH}, {"outlet": "B"}])
    with pytest.raises(InputErrors) as info:
        read_records(path)
    assert [e.line for e in info.value.errors] == [2, 3, 4]
    outcome = _run("compare", str(path), "--target", "China")
    _assert_clean_error(outcome, "3 bad records", "--skip-bad")
    for line in ("recs.jsonl:2", "recs.jsonl:3", "recs.jsonl:4"):
        assert line in outcome.output


def test_6_skip_bad_leaves_them_out_and_says_so(tmp_path: Path,
                                                patched_load: Language) -> None:
    path = _write_jsonl(tmp_path / "recs.jsonl", [
        {"text": ENGLISH + " China waits.", "outlet": "A"}, "{oops",
        {"text": "China said it would respond.", "outlet": "B"}])
    outcome = _run("compare", str(path), "--target", "China", "--skip-bad", *FAST,
                   "--format", "json")
    assert outcome.exit_code == 0, outcome.output
    assert "skipped" in outcome.stderr and "recs.jsonl:2" in outcome.stderr
    assert any("--skip-bad" in note for note in json.loads(outcome.stdout)["notes"])


def test_6_compare_rejects_duplicate_ids(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "recs.jsonl", [
        {"text": ENGLISH, "outlet": "A", "doc_id": "1"},
        {"text": ENGLISH, "outlet": "A", "doc_id": "1"},
        {"text": ENGLISH, "outlet": "B", "doc_id": "1"}])
    with pytest.raises(InputError, match=r"recs.jsonl:2: .*duplicate id '1'"):
        read_records(path)
    parts = _write_jsonl(tmp_path / "parts.jsonl", [
        {"text": ENGLISH, "outlet": "A", "doc_id": "1", "part": 1},
        {"text": ENGLISH, "outlet": "A", "doc_id": "1", "part": 2}])
    assert len(read_records(parts)) == 2  # declared parts of one document


def test_6_oversized_input_points_to_analyze(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError, match="framing analyze"):
        read_records(big)


def test_6_unterminated_csv_quote_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text('text,outlet\n"fine",A\n"never closed,B\nmore text,C\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"news.csv:3: .*never closed"):
        read_records(path)
    bad = [item for item in RecordStream(path) if not isinstance(item, dict)]
    assert [(b.line, "never closed" in b.reason) for b in bad] == [(3, True)]


def test_6_escape_sequences_do_not_reach_the_terminal(tmp_path: Path,
                                                       patched_load: Language) -> None:
    article = tmp_path / "evil.txt"
    article.write_text("China may lose influence.\x1b]0;pwned\x07 Beijing\x1b[2J declined "
                       "to comment.\x9b31m\n", encoding="utf-8")
    outcome = _run("tag", str(article))
    assert outcome.exit_code == 0, outcome.output
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", outcome.stdout)
    assert "pwned" not in outcome.stdout
    styled = "\x1b[1mtitle\x1b[0m \x1b]52;c;ZXZpbA==\x07"
    assert terminal_text(styled, keep_styles=True) == "\x1b[1mtitle\x1b[0m "
    assert terminal_text(styled) == "title "


def test_6_unknown_target_is_short_and_actors_lists_them(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ENGLISH, encoding="utf-8")
    outcome = _run("compare", str(article), "--target", "Chinaa")
    last = _assert_clean_error(outcome, "China", "framing actors")
    assert len(last) < 600
    names = _run("actors")
    assert names.exit_code == 0
    assert {"China", "Russia", "United States"} <= set(names.output.splitlines())


def test_6_benchmark_without_texts_says_where_it_looked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FRAMING_SHARED", raising=False)
    gold = _write_jsonl(tmp_path / "gold.jsonl",
                        [{"source": {"path": "articles/x.txt"}, "spans": []}] * 2)
    outcome = _run("benchmark", "--gold", str(gold))
    _assert_clean_error(outcome, "all 2 were skipped", "--texts", "FRAMING_SHARED")


def test_6_benchmark_finds_the_shared_texts_beside_the_gold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spacy_framing.cli import _default_texts_root

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FRAMING_SHARED", raising=False)
    layout = tmp_path / "checkout"
    (layout / "repo" / "benchmarks" / "gold").mkdir(parents=True)
    (layout / "shared").mkdir()
    assert _default_texts_root((layout / "repo" / "benchmarks" / "gold",)) == \
        layout / "shared"


def test_6_readme_lists_the_six_analyze_files() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("`analyze` streams"):][:700]
    for name in ("documents.parquet", "sentences.parquet", "spans.parquet",
                 "sources.parquet", "errors.jsonl", "run.json"):
        assert name in paragraph, name
