"""Streaming corpus reading for `framing analyze`: records one by one, in constant memory.

:class:`RecordStream` reads ``.jsonl``, ``.csv``, ``.parquet`` and ``.txt`` inputs and
yields a record dict or a :class:`BadRecord` for every record, so a bad record is reported
and skipped while everything else is still written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Errors
from ..texts import (
    MAX_FILE_BYTES,
    InputError,
    read_article,
)
from ..types import PathLikeStr, Record
from .records import csv_problem, lookup_field

STREAM_SUFFIXES: frozenset[str] = frozenset({".jsonl", ".csv", ".parquet", ".txt"})
# One JSONL line or CSV row longer than this is refused without being held in memory.
MAX_LINE_BYTES = MAX_FILE_BYTES
_PARQUET_BATCH_ROWS = 256
_READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class FieldNames:
    """Which record fields hold the text, outlet and id (``--text-field`` and friends)."""

    text: str = "text"
    outlet: str = "outlet"
    doc_id: str = "doc_id"
    title: str = "title"
    date: str = "date"


@dataclass(frozen=True)
class BadRecord:
    """One rejected input record (or unreadable file): a row of ``errors.jsonl``.

    ``line`` is the 1-based line of a JSONL/CSV file, ``row`` the 1-based row of a Parquet
    file; both are None when the whole file was unusable.
    """

    file: str
    reason: str
    line: int | None = None
    row: int | None = None
    doc_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "row": self.row, "id": self.doc_id,
                "reason": self.reason}

    def __str__(self) -> str:
        where = self.line if self.line is not None else self.row
        return f"{self.file}:{where}: {self.reason}" if where is not None \
            else f"{self.file}: {self.reason}"


def id_key(doc_id: str) -> bytes:
    """A 16-byte digest of an id: remembering every id of a large corpus costs ~50 bytes
    each instead of the id's own length, and 128 bits make a false duplicate negligible."""
    return hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class RecordStream:
    """The records of a corpus, one by one, in input order and in constant memory.

    Iterating yields a record dict (``text``, ``outlet``, ``doc_id``, ``title``, ``date``,
    ``meta``, plus ``file`` and ``line``/``row`` of where it was read) or a
    :class:`BadRecord` for every record that cannot be used: malformed JSON, missing,
    non-string or empty text, undecodable bytes, a text longer than ``max_chars``, an id
    already seen. Records whose id is in ``skip_ids`` (keys from :func:`id_key`) are
    counted in ``skipped`` and not yielded (``--resume``); a second record with such an id
    is still a duplicate.

    Inputs are ``.jsonl``, ``.csv``, ``.parquet`` and ``.txt`` files or folders of them
    (sorted, not recursive). A ``.txt`` file is one article whose id is the file stem and
    whose outlet is its folder's name. A record without an id gets ``<file stem>:<line>``.
    """

    def __init__(
        self,
        inputs: Iterable[PathLikeStr] | PathLikeStr,
        *,
        fields: FieldNames | None = None,
        max_chars: int | None = None,
        skip_ids: set[bytes] | frozenset[bytes] = frozenset(),
    ) -> None:
        items = [inputs] if isinstance(inputs, str | Path) or hasattr(inputs, "__fspath__") \
            else list(inputs)  # type: ignore[arg-type]
        if not items:
            raise InputError("<inputs>", Errors.E308)
        self.fields = fields or FieldNames()
        self.max_chars = max_chars
        self.skip_ids = skip_ids
        self.records_read = 0
        self.skipped = 0
        self.bytes_read = 0
        self._seen: set[bytes] = set()
        self._sources: list[Path] = []
        for item in items:
            path = Path(item)  # type: ignore[arg-type]
            if path.is_dir():
                files = sorted(child for child in path.iterdir()
                               if child.is_file() and not child.name.startswith(".")
                               and child.suffix.lower() in STREAM_SUFFIXES)
                if not files:
                    raise InputError(path, "is a folder with no .jsonl, .csv, .parquet or "
                                     ".txt files in it")
                self._sources.extend(files)
            elif not path.exists():
                raise InputError(path, "no such file")
            elif path.suffix.lower() not in STREAM_SUFFIXES:
                raise InputError(path, f"unsupported input type {path.suffix or '(none)'!r}; "
                                 "expected .jsonl, .csv, .parquet or .txt files or folders")
            else:
                self._sources.append(path)
        self.total_bytes = sum(_size(p) for p in self._sources)

    def __iter__(self) -> Iterator[Record | BadRecord]:
        for path in self._sources:
            start = self.bytes_read
            suffix = path.suffix.lower()
            reader = {".jsonl": self._jsonl, ".csv": self._csv, ".parquet": self._parquet,
                      ".txt": self._txt}[suffix]
            if suffix in (".jsonl", ".csv") and _starts_utf16(path):
                # Line-by-line UTF-8 reading would call every line undecodable.
                self.records_read += 1
                yield BadRecord(str(path), "is UTF-16 text; analyze streams UTF-8: convert "
                                "it, e.g. `iconv -f utf-16 -t utf-8`")
                self.bytes_read = start + _size(path)
                continue
            try:
                for item in reader(path):
                    self.records_read += 1
                    if isinstance(item, BadRecord):
                        yield item
                        continue
                    checked = self._admit(item)
                    if checked is not None:
                        yield checked
            except OSError as err:
                # The file vanished or broke mid-read: what was read stands, the rest is
                # one error so that the count of records read stays honest.
                self.records_read += 1
                yield BadRecord(str(path), Errors.E313.format(reason=err.strerror or err))
            self.bytes_read = start + _size(path)

    # --- checks shared by every format ------------------------------------------------

    def _admit(self, record: Record) -> Record | BadRecord | None:
        key = id_key(record["doc_id"])
        if key in self._seen:
            return self._bad(record, f"duplicate id {record['doc_id']!r}: an earlier record "
                             "has the same id (the first one is kept)")
        self._seen.add(key)
        if key in self.skip_ids:
            self.skipped += 1
            return None
        return record

    @staticmethod
    def _bad(record: Mapping[str, Any], reason: str) -> BadRecord:
        return BadRecord(record["file"], reason, line=record.get("line"), row=record.get("row"),
                         doc_id=record.get("doc_id"))

    def _record(self, row: Any, *, path: Path, line: int | None = None,
                row_number: int | None = None) -> Record | BadRecord:
        """A record from one parsed row, or why the row cannot be used."""
        where = {"line": line, "row": row_number}
        if not isinstance(row, Mapping):
            return BadRecord(str(path), Errors.E303.format(kind=type(row).__name__), **where)
        names = self.fields
        raw_id = lookup_field(row, names.doc_id)
        doc_id: str | None
        if isinstance(raw_id, str) and not raw_id.strip():
            raw_id = None
        if raw_id is None:
            doc_id = f"{path.stem}:{line if line is not None else row_number}"
        elif isinstance(raw_id, str | int) and not isinstance(raw_id, bool):
            doc_id = str(raw_id).strip()
        else:
            return BadRecord(str(path), Errors.E305.format(
                field=names.doc_id, expected="a string or an integer",
                kind=type(raw_id).__name__), **where)
        text = lookup_field(row, names.text)
        if isinstance(text, bytes | bytearray):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError as err:
                return BadRecord(str(path), f"field {names.text!r} is not UTF-8 (undecodable "
                                 f"byte at offset {err.start})", doc_id=doc_id, **where)
        problem = self._text_problem(text)
        if problem is not None:
            return BadRecord(str(path), problem, doc_id=doc_id, **where)
        values: dict[str, str | None] = {}
        for key, name in (("outlet", names.outlet), ("title", names.title),
                          ("date", names.date)):
            value = lookup_field(row, name)
            if value in (None, ""):
                values[key] = None
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                values[key] = str(value).strip()
            elif hasattr(value, "isoformat"):
                values[key] = value.isoformat()
            else:
                return BadRecord(str(path), Errors.E305.format(
                    field=name, expected="a string", kind=type(value).__name__),
                    doc_id=doc_id, **where)
        for key, value in (("id", doc_id), *values.items()):
            if value is not None and not _encodable(value):
                return BadRecord(str(path), f"field {key!r} holds an unpaired surrogate "
                                 "escape (not encodable as UTF-8)", doc_id=None, **where)
        used = {names.text, names.outlet, names.doc_id, names.title, names.date, "meta"}
        meta_field = row.get("meta")
        meta = ({k: v for k, v in meta_field.items() if k not in used}
                if isinstance(meta_field, Mapping) else {})
        meta.update({k: v for k, v in row.items() if k not in used})
        return {"text": text, "outlet": values["outlet"] or "", "doc_id": doc_id,
                "title": values["title"], "date": values["date"], "meta": meta,
                "file": str(path), "line": line, "row": row_number}

    def _text_problem(self, text: Any) -> str | None:
        name = self.fields.text
        if text is None:
            return f"missing field {name!r} (use --text-field to name the text field)"
        if not isinstance(text, str):
            return Errors.E305.format(field=name, expected="a string",
                                      kind=type(text).__name__)
        if not text.strip():
            return Errors.E306.format(field=name)
        if self.max_chars is not None and len(text) > self.max_chars:
            return (f"field {name!r} has {len(text):,} characters, more than the pipeline's "
                    f"max_length of {self.max_chars:,}; split the document")
        if not _encodable(text):
            return f"field {name!r} holds an unpaired surrogate escape (not encodable as UTF-8)"
        return None

    # --- formats ----------------------------------------------------------------------

    def _jsonl(self, path: Path) -> Iterator[Record | BadRecord]:
        with path.open("rb") as handle:
            for line_no, raw in enumerate(_lines(handle), start=1):
                if raw is None:
                    yield BadRecord(str(path), f"line is longer than {MAX_LINE_BYTES:,} bytes",
                                    line=line_no)
                    continue
                self.bytes_read += len(raw)
                if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                try:
                    decoded = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    yield BadRecord(str(path), "is not UTF-8 text (undecodable byte at "
                                    f"offset {err.start} of the line)", line=line_no)
                    continue
                try:
                    row = json.loads(decoded)
                except json.JSONDecodeError as err:
                    yield BadRecord(str(path), Errors.E302.format(reason=err.msg), line=line_no)
                    continue
                yield self._record(row, path=path, line=line_no)

    def _csv(self, path: Path) -> Iterator[Record | BadRecord]:
        csv.field_size_limit(MAX_LINE_BYTES)
        start_bytes = self.bytes_read
        with path.open("rb") as binary:
            # surrogateescape keeps a row with a bad byte readable so that only that row
            # is rejected; lone surrogates cannot come from valid UTF-8.
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape",
                                    newline="")
            reader = csv.reader(text, strict=True)
            try:
                header = next(reader, None)
            except csv.Error as err:
                yield BadRecord(str(path), csv_problem(err), line=1)
                return
            columns = [c.strip() for c in header or []]
            if self.fields.text not in columns:
                yield BadRecord(str(path), f"has no {self.fields.text!r} column (found: "
                                f"{', '.join(map(repr, columns)) or 'nothing'}); use "
                                "--text-field to name it", line=1)
                return
            while True:
                start = reader.line_num + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    yield BadRecord(str(path), csv_problem(err), line=start)
                    continue
                finally:
                    self.bytes_read = start_bytes + binary.tell()
                if not cells or not any(c.strip() for c in cells):
                    continue
                if any(_has_escaped_bytes(cell) for cell in cells):
                    yield BadRecord(str(path), "is not UTF-8 text (undecodable bytes in this "
                                    "row)", line=start)
                    continue
                row = dict(zip(columns, cells, strict=False))
                row.pop("", None)
                yield self._record(row, path=path, line=start)

    def _parquet(self, path: Path) -> Iterator[Record | BadRecord]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(path)
            names = parquet.schema_arrow.names
        except (pa.ArrowException, OSError) as err:
            yield BadRecord(str(path), f"is not a readable Parquet file ({err})")
            return
        if self.fields.text not in names:
            yield BadRecord(str(path), f"has no {self.fields.text!r} column (found: "
                            f"{', '.join(map(repr, names))}); use --text-field to name it")
            return
        total_rows = max(parquet.metadata.num_rows, 1)
        size = _size(path)
        start = self.bytes_read
        row_number = 0
        try:
            for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
                for row in batch.to_pylist():
                    row_number += 1
                    yield self._record(row, path=path, row_number=row_number)
                self.bytes_read = start + size * row_number // total_rows
        except (pa.ArrowException, UnicodeDecodeError) as err:
            yield BadRecord(str(path), f"could not be read past row {row_number} ({err})",
                            row=row_number + 1)

    def _txt(self, path: Path) -> Iterator[Record | BadRecord]:
        try:
            text = read_article(path)
        except InputError as err:
            yield BadRecord(str(path), err.reason, line=err.line)
            return
        problem = self._text_problem(text)
        if problem is not None:
            yield BadRecord(str(path), problem, doc_id=path.stem)
            return
        yield {"text": text, "outlet": path.resolve().parent.name, "doc_id": path.stem,
               "title": None, "date": None, "meta": {}, "file": str(path), "line": None,
               "row": None}


def _lines(handle: io.BufferedReader) -> Iterator[bytes | None]:
    """Lines of a binary file; an overlong line is skipped in chunks, never held whole,
    and comes out as None."""
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:
                rest = handle.readline(_READ_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield raw


def _starts_utf16(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(2) in (b"\xff\xfe", b"\xfe\xff")
    except OSError:
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _has_escaped_bytes(cell: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in cell) if not cell.isascii() else False
