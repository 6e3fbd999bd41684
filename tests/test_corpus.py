"""Reading `framing compare` inputs: .txt articles, .jsonl/.csv records, folders, dicts,
and one-line errors naming file and line for everything unusable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spacy_framing.corpus import (
    BadRecord,
    ErrorLedger,
    FieldNames,
    RecordStream,
    document_key,
    id_key,
    iter_records,
    read_records,
)
from spacy_framing.texts import InputError

ARTICLE = "The ministry said on Monday that talks would resume next week.\n"


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, rows: list[object]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    return _write(path, "\n".join(lines) + "\n")


# --- .txt articles ----------------------------------------------------------------------


def test_txt_outlets_follow_outlet_options_in_order(tmp_path: Path) -> None:
    first = _write(tmp_path / "one.txt", ARTICLE)
    second = _write(tmp_path / "two.txt", ARTICLE)
    records = read_records([first, second], outlets=["Ledger", "Dispatch"])
    assert [r["outlet"] for r in records] == ["Ledger", "Dispatch"]
    assert [r["doc_id"] for r in records] == ["one", "two"]
    assert records[0]["text"] == ARTICLE
    assert records[0]["meta"]["path"] == str(first)


def test_txt_without_outlet_option_uses_file_stem(tmp_path: Path) -> None:
    first = _write(tmp_path / "gazette.txt", ARTICLE)
    second = _write(tmp_path / "courier.txt", ARTICLE)
    records = read_records([first, second], outlets=["Gazette"])
    assert [r["outlet"] for r in records] == ["Gazette", "courier"]


def test_more_outlet_options_than_articles_is_an_error(tmp_path: Path) -> None:
    article = _write(tmp_path / "a.txt", ARTICLE)
    with pytest.raises(InputError, match=r"E307.*2 times.*only 1"):
        read_records([article], outlets=["A", "B"])


# --- .jsonl records -----------------------------------------------------------------------


def test_jsonl_records_with_optional_fields(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "news.jsonl", [
        {"text": ARTICLE, "outlet": "Gazette", "doc_id": "g-1", "title": "Talks",
         "date": "2024-05-01", "url": "https://example.org/1"},
        {"text": ARTICLE, "outlet": "Courier"},
    ])
    first, second = read_records(path)
    assert (first["outlet"], first["doc_id"], first["title"], first["date"]) == \
        ("Gazette", "g-1", "Talks", "2024-05-01")
    assert first["meta"]["url"] == "https://example.org/1"
    assert first["meta"]["line"] == 1
    assert second["doc_id"] == "news:2" and second["title"] is None
    assert document_key(first) == ("Gazette", "g-1")


def test_jsonl_fields_may_sit_in_meta_as_in_gold_files(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "gold.jsonl", [
        {"text": ARTICLE, "meta": {"outlet": "VOA", "doc_id": "voa-1", "url": "u"},
         "spans": []},
    ])
    (record,) = read_records(path)
    assert record["outlet"] == "VOA" and record["doc_id"] == "voa-1"
    assert record["meta"]["url"] == "u" and "spans" in record["meta"]


def test_blank_lines_in_jsonl_are_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.jsonl",
                  json.dumps({"text": ARTICLE, "outlet": "A"}) + "\n\n   \n"
                  + json.dumps({"text": ARTICLE, "outlet": "B"}) + "\n")
    assert [r["meta"]["line"] for r in read_records(path)] == [1, 4]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('{"text": "x", "outlet": ', r"bad\.jsonl:2: \[E302\] invalid JSON"),
        ('["a list"]', r"bad\.jsonl:2: \[E303\].*got list"),
        ('{"outlet": "A"}', r"bad\.jsonl:2: \[E304\] missing field 'text'"),
        ('{"text": "Some text."}', r"bad\.jsonl:2: \[E304\] missing field 'outlet'"),
        ('{"text": 42, "outlet": "A"}', r"bad\.jsonl:2: \[E305\] field 'text' must be a string"),
        ('{"text": "   ", "outlet": "A"}', r"bad\.jsonl:2: \[E306\] has an empty 'text'"),
        ('{"text": "T.", "outlet": "A", "title": {"x": 1}}', r"bad\.jsonl:2: \[E305\].*title"),
    ],
)
def test_bad_jsonl_lines_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = _jsonl(tmp_path / "bad.jsonl", [{"text": ARTICLE, "outlet": "A"}, row])
    with pytest.raises(InputError, match=message) as info:
        read_records(path)
    assert info.value.line == 2
    assert "\n" not in str(info.value)


def test_ledger_collects_bad_lines_and_keeps_good_ones(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "mixed.jsonl", [
        {"text": ARTICLE, "outlet": "A"}, "{broken", {"outlet": "A"},
        {"text": ARTICLE, "outlet": "B"},
    ])
    ledger = ErrorLedger()
    records = list(iter_records([path, tmp_path / "missing.txt"], ledger=ledger))
    assert [r["outlet"] for r in records] == ["A", "B"]
    assert len(ledger) == 3
    assert [e.line for e in ledger.errors] == [2, 3, None]
    assert "missing.txt: no such file" in ledger.messages()[2]


# --- .csv records -------------------------------------------------------------------------


def test_csv_records_including_multiline_fields(tmp_path: Path) -> None:
    path = _write(tmp_path / "news.csv",
                  'outlet,text,doc_id\nGazette,"First line.\nSecond line, with comma.",g1\n'
                  "Courier,Plain text.,\n")
    first, second = read_records(path)
    assert first["text"] == "First line.\nSecond line, with comma."
    assert (first["outlet"], first["doc_id"]) == ("Gazette", "g1")
    assert second["doc_id"] == "news:4"


def test_csv_without_required_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "cols.csv", "body,source\nSome text,A\n")
    with pytest.raises(InputError, match=r"cols\.csv:1: \[E309\].*'body', 'source'"):
        read_records(path)


def test_csv_row_with_empty_text_names_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "rows.csv", "text,outlet\nGood text.,A\n,B\n")
    with pytest.raises(InputError, match=r"rows\.csv:3: \[E306\]"):
        read_records(path)


# --- folders and dicts ------------------------------------------------------------------------


def test_folder_expands_sorted_and_ignores_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    _write(folder / "b.txt", ARTICLE)
    _write(folder / "a.txt", ARTICLE)
    _jsonl(folder / "c.jsonl", [{"text": ARTICLE, "outlet": "Wire"}])
    _write(folder / "notes.md", "# not an input")
    _write(folder / ".hidden.txt", ARTICLE)
    (folder / "sub").mkdir()
    records = read_records(folder, outlets=["Alpha"])
    assert [(r["outlet"], r["doc_id"]) for r in records] == \
        [("Alpha", "a"), ("b", "b"), ("Wire", "c:1")]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: \[E301\]"):
        read_records(tmp_path / "empty")


def test_record_dicts_are_inputs_too() -> None:
    records = read_records([{"text": ARTICLE, "outlet": "A"}, {"text": ARTICLE, "outlet": "B",
                                                              "doc_id": 7}])
    assert [(r["outlet"], r["doc_id"]) for r in records] == [("A", "record-1"), ("B", "7")]
    with pytest.raises(InputError, match=r"<records>:2: \[E304\]"):
        read_records([{"text": ARTICLE, "outlet": "A"}, {"text": ARTICLE}])


# --- unreadable files ---------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_records(tmp_path / "nope.txt")


def test_no_inputs() -> None:
    with pytest.raises(InputError, match="E308"):
        read_records([])


@pytest.mark.parametrize("name", ["article.txt", "records.jsonl", "records.csv"])
def test_empty_files(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, "  \n")
    with pytest.raises(InputError, match="is empty"):
        read_records(path)


@pytest.mark.parametrize("name", ["article.txt", "records.jsonl"])
def test_binary_files(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binary"):
        read_records(path)


def test_non_utf8_jsonl_names_the_line(tmp_path: Path) -> None:
    good = json.dumps({"text": "fine", "outlet": "A"}).encode()
    bad = '{"text": "caf\u00e9", "outlet": "A"}'.encode("latin-1")
    path = _write(tmp_path / "latin.jsonl", good + b"\n" + good + b"\n" + bad + b"\n")
    with pytest.raises(InputError, match=r"latin\.jsonl:3: is not UTF-8"):
        read_records(path)


def test_non_utf8_article(tmp_path: Path) -> None:
    path = _write(tmp_path / "latin.txt", "Caf\u00e9 society.".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_records(path)


@pytest.mark.parametrize("name", ["model.pkl", "data.pickle", "article.docx", "noext"])
def test_unsupported_files_are_refused_not_opened(tmp_path: Path, name: str) -> None:
    # A pickle must never be loaded: it is refused by its suffix before being read.
    path = _write(tmp_path / name, b"\x80\x04K\x01.")
    with pytest.raises(InputError, match="E300"):
        read_records(path)


# --- streaming reader of `framing analyze` ------------------------------------------------


def _stream(*inputs: Path, **kwargs: object) -> list[object]:
    return list(RecordStream(list(inputs), **kwargs))  # type: ignore[arg-type]


def test_stream_jsonl_in_order_with_default_ids_and_meta(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "feed.jsonl", [
        {"text": ARTICLE, "outlet": "Ledger", "section": "world"},
        {"text": ARTICLE, "meta": {"outlet": "Dispatch", "doc_id": "x9"}},
        {"text": ARTICLE, "outlet": 7, "doc_id": 12},
    ])
    records = _stream(path)
    assert [(r["doc_id"], r["outlet"], r["line"]) for r in records] == [  # type: ignore[index]
        ("feed:1", "Ledger", 1), ("x9", "Dispatch", 2), ("12", "7", 3)]
    assert records[0]["meta"] == {"section": "world"}  # type: ignore[index]


def test_stream_reports_bad_records_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "ok", "doc_id": "a"}\n{oops\n\n[1, 2]\n'
                     b'{"doc_id": "b"}\n{"text": "", "doc_id": "c"}\n'
                     b'{"text": "caf\xe9", "doc_id": "d"}\n{"text": "again", "doc_id": "a"}\n'
                     b'{"text": "x", "title": {"a": 1}}\n')
    stream = RecordStream([path])
    items = list(stream)
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [(b.line, b.doc_id) for b in bad] == [
        (2, None), (4, None), (5, "b"), (6, "c"), (7, None), (8, "a"), (9, "bad:9")]
    reasons = [b.reason for b in bad]
    assert "invalid JSON" in reasons[0] and "JSON object" in reasons[1]
    assert "missing field 'text'" in reasons[2] and "empty" in reasons[3]
    assert "not UTF-8" in reasons[4] and "duplicate id 'a'" in reasons[5]
    assert "'title' must be a string" in reasons[6]
    assert stream.records_read == len(items) == 8
    assert str(bad[0]).startswith(f"{path}:2: ")


def test_stream_csv_rows_name_their_first_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b'doc_id,outlet,text\n'
                     b'a,Ledger,"first line\nsecond line"\n'
                     b'b,Ledger,"caf\xe9"\n'
                     b'c,Dispatch,plain\n')
    items = _stream(path)
    assert [(getattr(i, "line", None) or i["line"]) for i in items] == [2, 4, 5]  # type: ignore[index]
    assert isinstance(items[1], BadRecord) and "not UTF-8" in items[1].reason
    assert items[0]["text"] == "first line\nsecond line"  # type: ignore[index]


def test_stream_csv_without_the_text_column_is_one_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "rows.csv", "doc_id,body\na,hello\n")
    (bad,) = _stream(path)
    assert isinstance(bad, BadRecord) and bad.line == 1 and "--text-field" in bad.reason
    (record,) = _stream(path, fields=FieldNames(text="body"))
    assert record["text"] == "hello" and record["outlet"] == ""  # type: ignore[index]


def test_stream_parquet_rows(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["p1", "p2", "p3"], "body": [b"fine", b"\xff\xfe", None],
                             "src": ["Ledger", "Ledger", "Dispatch"]}), path)
    items = _stream(path, fields=FieldNames(text="body", doc_id="id", outlet="src"))
    assert items[0]["text"] == "fine" and items[0]["row"] == 1  # type: ignore[index]
    assert isinstance(items[1], BadRecord) and items[1].row == 2 and "UTF-8" in items[1].reason
    assert isinstance(items[2], BadRecord) and items[2].row == 3


def test_stream_txt_folder_uses_folder_as_outlet(tmp_path: Path) -> None:
    folder = tmp_path / "Ledger"
    folder.mkdir()
    _write(folder / "b.txt", ARTICLE)
    _write(folder / "a.txt", ARTICLE)
    _write(folder / "notes.md", "ignored")
    records = _stream(folder)
    assert [(r["doc_id"], r["outlet"]) for r in records] == [  # type: ignore[index]
        ("a", "Ledger"), ("b", "Ledger")]


def test_stream_skips_ids_already_written_but_not_their_duplicates(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "f.jsonl", [{"text": "one", "doc_id": "a"},
                                         {"text": "two", "doc_id": "b"},
                                         {"text": "three", "doc_id": "a"}])
    stream = RecordStream([path], skip_ids={id_key("a")})
    items = list(stream)
    assert items[0]["doc_id"] == "b"  # type: ignore[index]
    assert isinstance(items[1], BadRecord) and "duplicate" in items[1].reason
    assert (stream.records_read, stream.skipped) == (3, 1)


def test_stream_refuses_overlong_text_and_lines(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy_framing.corpus.stream as corpus_module

    monkeypatch.setattr(corpus_module, "MAX_LINE_BYTES", 60)
    path = _jsonl(tmp_path / "f.jsonl", [{"text": "x" * 100}, {"text": "short enough"},
                                         {"text": "y" * 30}])
    items = _stream(path, max_chars=20)
    assert isinstance(items[0], BadRecord) and "longer than 60 bytes" in items[0].reason
    assert items[1]["text"] == "short enough"  # type: ignore[index]
    assert isinstance(items[2], BadRecord) and "more than the pipeline's max_length" \
        in items[2].reason


def test_stream_refuses_unknown_inputs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        RecordStream([tmp_path / "missing.jsonl"])
    with pytest.raises(InputError, match="unsupported input type"):
        RecordStream([_write(tmp_path / "a.docx", "x")])
    with pytest.raises(InputError):
        RecordStream([])
