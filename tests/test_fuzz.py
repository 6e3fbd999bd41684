"""Fuzz tests (Hypothesis): hostile text through the readers, the pipeline and analyze.

Properties: no exception escapes other than the package's one-line input errors; every
record is either written or reported; every span stays inside its text.

The settings profile comes from ``FRAMING_FUZZ_PROFILE``: ``ci`` (default, a few dozen
examples, seconds) or ``long`` (``benchmarks/fuzz.py``: >= 10,000 examples for the
readers). The parsing properties are costlier per example, so each profile gives them
fewer examples (see ``_EXAMPLES``); ``FRAMING_FUZZ_EXAMPLES_<KIND>`` overrides one.
With ``FRAMING_FUZZ_STATS=FILE`` the examples run per property are written to FILE
(counts include the extra calls Hypothesis makes to shrink a failing example).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spacy_framing.chunks import merge_facts, split_text
from spacy_framing.corpus import BadRecord, ErrorLedger, RecordStream, iter_records
from spacy_framing.language import language_warning
from spacy_framing.safe_io import terminal_text
from spacy_framing.texts import InputError, decode_text, read_article

_BASE = {"deadline": None, "database": None, "derandomize": False,
         "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.filter_too_much,
                                   HealthCheck.function_scoped_fixture]}
settings.register_profile("ci", max_examples=30, **_BASE)
settings.register_profile("long", max_examples=10_000, **_BASE)
PROFILE = os.environ.get("FRAMING_FUZZ_PROFILE", "ci")
# Examples per property kind: readers and record parsing are cheap; parsing with the
# model costs ~10-50 ms per example and an analyze run ~0.2 s.
_EXAMPLES = {
    "ci": {"readers": 50, "records": 50, "pipeline": 25, "analyze": 8},
    "long": {"readers": 10_000, "records": 10_000, "pipeline": 1_000, "analyze": 100},
}
RUN: Counter[str] = Counter()


def _settings(kind: str) -> settings:
    override = os.environ.get(f"FRAMING_FUZZ_EXAMPLES_{kind.upper()}")
    count = int(override) if override else _EXAMPLES.get(PROFILE, _EXAMPLES["ci"])[kind]
    return settings(settings.get_profile(PROFILE), max_examples=count)


@pytest.fixture(scope="module", autouse=True)
def _write_stats() -> Iterator[None]:
    yield
    target = os.environ.get("FRAMING_FUZZ_STATS")
    if target:
        Path(target).write_text(json.dumps({"profile": PROFILE, "examples": dict(RUN)}),
                                encoding="utf-8")


# --- strategies ------------------------------------------------------------------------------

_SPECIALS = ["\x1b[31m", "\x1b]0;title\x07", "\x00", "\r\n", "\u2028", "\ufeff", "\u200b",
             "\t", "\x85", "\U0001f600", "e\u0301", "\u202e", "ﬁ", "İ", "«", "»", "\"", "'"]
_SCRIPTS = ["China may lose influence over Pyongyang, analysts say.",
            "\"We will respond,\" said Jane Roe, a researcher.",
            "Москва заявила, что переговоры возобновятся.", "北京表示谈判可能恢复。",
            "القاهرة تقول إن المحادثات قد تستأنف", "Beijing\u00a0officials", "U.S.-China"]
_piece = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=10),
    st.sampled_from(_SPECIALS),
    st.sampled_from(_SCRIPTS),
    st.text(alphabet="abcdefghij", min_size=300, max_size=3000),  # one very long token
    st.just(""),
)
hostile_text = st.lists(_piece, max_size=25).flatmap(
    lambda pieces: st.lists(st.sampled_from([" ", "\n", "\n\n", "", "\n \n"]),
                            min_size=len(pieces), max_size=len(pieces)).map(
        lambda seps: "".join(p + s for p, s in zip(pieces, seps, strict=True))))
_value = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                   hostile_text, st.lists(st.integers(), max_size=3),
                   st.dictionaries(st.sampled_from(["outlet", "x"]), hostile_text, max_size=2))
record_dicts = st.fixed_dictionaries(
    {}, optional={"text": _value, "outlet": _value, "doc_id": _value, "title": _value,
                  "meta": _value, "part": st.integers()})
jsonl_line = st.one_of(
    record_dicts.map(lambda r: json.dumps(r, ensure_ascii=False)),
    record_dicts.map(json.dumps),  # may hold escaped lone surrogates
    st.fixed_dictionaries({"text": hostile_text, "outlet": st.sampled_from(["A", "B"]),
                           "doc_id": st.sampled_from(["1", "2", "3"])}).map(json.dumps),
    st.text(max_size=60).filter(lambda line: "\n" not in line and "\r" not in line),
    st.sampled_from(["{", "[]", "null", "\"text\"", "{\"text\": 1}", "   "]),
)
csv_cell = st.one_of(hostile_text, st.sampled_from(['"', '""', '"open', 'a"b', ",", ""]))


def _csv_text(rows: list[list[str]], raw_tail: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["text", "outlet", "doc_id"])
    writer.writerows(rows)
    return buffer.getvalue() + raw_tail


def _nonblank(lines: list[str]) -> list[int]:
    """Line numbers of the lines a JSONL reader must account for (blank in bytes)."""
    return [n for n, line in enumerate(lines, start=1)
            if line.encode("utf-8", "surrogatepass").strip()]


def _encode(text: str, how: str) -> bytes:
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    data = text.encode("utf-8", "surrogatepass")
    return b"\xef\xbb\xbf" + data if how == "bom" else data


# --- readers ---------------------------------------------------------------------------------


@_settings("readers")
@given(text=hostile_text, how=st.sampled_from(["utf-8", "bom", "utf-16"]),
       junk=st.binary(max_size=20))
def test_article_reader_returns_text_or_a_one_line_error(text: str, how: str,
                                                         junk: bytes) -> None:
    RUN["article_reader"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.txt"
        for raw in (_encode(text, how), junk + _encode(text, how)):
            path.write_bytes(raw)
            try:
                read = read_article(path)
            except InputError as err:
                assert "\n" not in str(err) and str(err).startswith(str(path))
                continue
            assert read.strip()
            if raw == _encode(text, how) and how != "utf-16":
                assert read == (text if how == "bom" else text.removeprefix("\ufeff"))
    assert "\x1b" not in terminal_text(text)
    language_warning(text)


@_settings("readers")
@given(raw=st.binary(max_size=300))
def test_decode_text_never_raises_anything_but_input_error(raw: bytes) -> None:
    RUN["decode_text"] += 1
    try:
        decoded = decode_text(raw, "x.txt", locate_line=True)
    except InputError:
        return
    assert isinstance(decoded, str) and decoded.strip()


@_settings("records")
@given(lines=st.lists(jsonl_line, max_size=12), rows=st.lists(
    st.lists(csv_cell, min_size=0, max_size=4), max_size=6), tail=csv_cell)
def test_record_readers_account_for_every_line(lines: list[str], rows: list[list[str]],
                                               tail: str) -> None:
    RUN["record_readers"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "r.jsonl"
        jsonl.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        table = Path(tmp) / "r.csv"
        table.write_bytes(_csv_text(rows, tail).encode("utf-8", "surrogatepass"))
        for path in (jsonl, table):
            # compare's reader: records or ledger entries, nothing else.
            ledger = ErrorLedger()
            try:
                records = list(iter_records(path, ledger=ledger))
            except InputError:
                records = []
            for record in records:
                assert isinstance(record["text"], str) and record["text"].strip()
            # analyze's reader: every item is a record or a BadRecord, counted.
            stream = RecordStream(path)
            items = list(stream)
            assert stream.records_read == len(items)
            for item in items:
                if isinstance(item, BadRecord):
                    assert item.reason and "\n" not in str(item).split(": ", 1)[0]
                else:
                    assert isinstance(item["text"], str) and item["text"].strip()
                    item["text"].encode("utf-8")
        assert len(list(RecordStream(jsonl))) == len(_nonblank(lines))


@_settings("readers")
@given(text=hostile_text, long_text=st.integers(1, 400), chunk=st.integers(1, 300))
def test_chunks_cover_the_text_exactly(text: str, long_text: int, chunk: int) -> None:
    RUN["chunks"] += 1
    chunks = split_text(text, long_text=long_text, chunk_chars=chunk)
    assert "".join(part for _, part in chunks) == text
    assert all(text[offset:offset + len(part)] == part for offset, part in chunks)


# --- the pipeline ----------------------------------------------------------------------------


def _assert_inside(facts: dict[str, Any]) -> None:
    text = facts["text"]
    for span in facts["spans"]:
        assert 0 <= span["start_char"] <= span["end_char"] <= len(text)
        assert text[span["start_char"]:span["end_char"]] == span["text"]
        assert 0 <= span["sentence"] < max(len(facts["sentences"]), 1)
    for sentence in facts["sentences"]:
        assert 0 <= sentence["start_char"] <= sentence["end_char"] <= len(text)
    for source in facts["sources"]:
        assert 0 <= source["start_char"] <= source["end_char"] <= len(text)
        for part in source["content"]:
            assert 0 <= part[0] <= part[1] <= len(text)


@_settings("pipeline")
@given(text=hostile_text.filter(lambda t: t.strip()), cut=st.booleans())
def test_pipeline_keeps_spans_inside_the_text(nlp_framing: Any, text: str, cut: bool) -> None:
    RUN["pipeline"] += 1
    from spacy_framing.facts import doc_facts

    record = {"text": text, "doc_id": "f", "outlet": "o"}
    facts = doc_facts(nlp_framing(text), record)
    _assert_inside(facts)
    if cut:  # the chunked path on the same text, cut small
        parts = [(offset, doc_facts(nlp_framing(part), record))
                 for offset, part in split_text(text, long_text=0, chunk_chars=200)]
        _assert_inside(merge_facts(parts, text))


# --- analyze ---------------------------------------------------------------------------------


@_settings("analyze")
@given(lines=st.lists(jsonl_line, min_size=1, max_size=8))
# Found by the long profile: a raw U+0085 in an id split errors.jsonl lines.
@example(lines=['{"doc_id": "0\x850 "}'])
def test_analyze_writes_or_reports_every_record(lines: list[str]) -> None:
    RUN["analyze"] += 1
    import pyarrow.parquet as pq

    from spacy_framing.analyze import analyze

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "c.jsonl"
        corpus.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        result = analyze([corpus], Path(tmp) / "out", progress=False)
        written = pq.read_table(Path(tmp) / "out" / "documents.parquet",
                                columns=["line"]).column("line").to_pylist()
        errors = [json.loads(line)["line"] for line in
                  (Path(tmp) / "out" / "errors.jsonl").read_text("utf-8").splitlines()]
        expected = _nonblank(lines)
        assert sorted(written + errors) == expected
        assert result.records_read == result.documents_written + result.errors
