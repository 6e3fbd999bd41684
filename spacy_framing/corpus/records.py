"""Inputs -> records: what `framing compare` (and corpus runs) read.

An input is a ``.txt`` file (one article), a ``.jsonl`` or ``.csv`` file of records, a
folder holding such files, or (from Python) a mapping that already is a record. Every
record comes out as a plain dict::

    {"text": str, "outlet": str, "doc_id": str, "title": str | None, "date": str | None,
     "meta": {"path": str, "line": int | None, ...any other fields of the record}}

Records that share ``(outlet, doc_id)`` are parts (e.g. paragraphs) of one document, as in
the codebook's gold format. Fields are looked up on the record first and then in its
``meta`` object, so gold files (``{"text": ..., "meta": {"outlet": ...}}``) read as they are.

Bad input becomes an :class:`~spacy_framing.texts.InputError` whose message names the
file and line. Nothing is ever unpickled or evaluated: JSON and CSV only.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Errors
from ..texts import (
    LARGE_INPUT_HINT,
    MAX_FILE_BYTES,
    InputError,
    decode_text,
    read_article,
    read_file_bytes,
)
from ..types import PathLikeStr, Record

ARTICLE_SUFFIXES: frozenset[str] = frozenset({".txt"})
RECORD_SUFFIXES: frozenset[str] = frozenset({".jsonl", ".csv"})
REQUIRED_FIELDS: tuple[str, ...] = ("text", "outlet")
OPTIONAL_FIELDS: tuple[str, ...] = ("doc_id", "title", "date")

InputItem = PathLikeStr | Mapping[str, Any]


@dataclass
class ErrorLedger:
    """Errors met while reading, for runs that skip bad records instead of stopping."""

    errors: list[InputError] = field(default_factory=list)

    def add(self, error: InputError) -> None:
        self.errors.append(error)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def messages(self) -> list[str]:
        return [str(error) for error in self.errors]


class InputErrors(InputError):
    """Several unusable files or records, found together so that one run shows every
    fix; ``str()`` is the first one (plus a count), ``errors`` holds them all."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        reason = first.reason
        if len(self.errors) > 1:
            reason += f" (and {len(self.errors) - 1} more bad records)"
        super().__init__(first.path, reason, line=first.line)


def read_records(
    inputs: Iterable[InputItem] | InputItem,
    *,
    outlets: Sequence[str] = (),
    ledger: ErrorLedger | None = None,
) -> list[Record]:
    """All records of ``inputs``, read before any parsing: a typo in the last file fails
    in a second, not after the model has worked through the others.

    inputs (Iterable[InputItem] | InputItem): Files, folders or record mappings.
    outlets (Sequence[str]): Outlets of the ``.txt`` articles, in order.
    ledger (ErrorLedger | None): Collects bad files and records, which are then left
        out; without one, every bad file and record is raised at the end together as
        :class:`InputErrors` (a single one as itself).
    RETURNS (list[Record]): The usable records.
    """
    found = ErrorLedger() if ledger is None else ledger
    records = list(iter_records(inputs, outlets=outlets, ledger=found))
    if ledger is None and found:
        raise found.errors[0] if len(found) == 1 else InputErrors(found.errors)
    if not records:
        raise InputError("<inputs>", Errors.E311)
    return records


def iter_records(
    inputs: Iterable[InputItem] | InputItem,
    *,
    outlets: Sequence[str] = (),
    ledger: ErrorLedger | None = None,
) -> Iterator[Record]:
    """Records of ``inputs`` one by one (streaming; files are read when reached).

    ``outlets`` names the ``.txt`` articles in the order they are met (folders expand
    in sorted order); articles beyond the list take their file's stem. With a ``ledger``
    bad files and lines are recorded and skipped; without one the first raises.
    """
    items = _as_items(inputs)
    if not items:
        raise InputError("<inputs>", Errors.E308)
    articles_named = 0
    seen: dict[tuple[str, str], str] = {}
    for item_index, item in enumerate(items):
        if isinstance(item, Mapping):
            try:
                yield _unique(_normalise(item, path="<records>", line=item_index + 1,
                                         default_doc_id=f"record-{item_index + 1}"), seen)
            except InputError as err:
                _handle(err, ledger)
            continue
        try:
            files = _expand(Path(item))
        except InputError as err:
            _handle(err, ledger)
            continue
        for path in files:
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                outlet = outlets[articles_named] if articles_named < len(outlets) else None
                articles_named += 1
                try:
                    yield _unique(_article_record(path, outlet), seen)
                except InputError as err:
                    _handle(err, ledger)
            else:
                for record in _records_in_file(path, ledger):
                    try:
                        yield _unique(record, seen)
                    except InputError as err:
                        _handle(err, ledger)
    if len(outlets) > articles_named:
        # A usage error, not a bad record: never skipped.
        raise InputError("--outlet", Errors.E307.format(given=len(outlets),
                                                        articles=articles_named))


def document_key(record_or_facts: Mapping[str, Any]) -> tuple[str, str]:
    """The document a record (or its facts) belongs to: ``(outlet, doc_id)``."""
    return (str(record_or_facts["outlet"]), str(record_or_facts["doc_id"]))


# --- internals ----------------------------------------------------------------------


def _as_items(inputs: Iterable[InputItem] | InputItem) -> list[InputItem]:
    if isinstance(inputs, (str, Path, Mapping)) or hasattr(inputs, "__fspath__"):
        return [inputs]  # type: ignore[list-item]
    return list(inputs)


# Fields that mark records as parts of one document (paragraphs of the gold format),
# which legitimately share an id.
PART_FIELDS: tuple[str, ...] = ("part", "paragraph")


def _unique(record: Record, seen: dict[tuple[str, str], str]) -> Record:
    """``record``, unless an earlier record of its outlet had its id (and neither is
    marked as a part of one document); ``seen`` maps keys to where they were read."""
    key = document_key(record)
    meta = record["meta"]
    where = f"{meta.get('path')}:{meta['line']}" if meta.get("line") is not None \
        else str(meta.get("path"))
    if any(name in meta for name in PART_FIELDS):
        seen.setdefault(key, where)
        return record
    if key in seen:
        raise InputError(meta.get("path", "<records>"), Errors.E314.format(
            doc_id=key[1], outlet=key[0], earlier=seen[key]), line=meta.get("line"))
    seen[key] = where
    return record


def _handle(error: InputError, ledger: ErrorLedger | None) -> None:
    if ledger is None:
        raise error
    ledger.add(error)


def _expand(path: Path) -> list[Path]:
    """The readable files an input path stands for, in a stable order."""
    if path.is_dir():
        files = sorted(
            child for child in path.iterdir()
            if child.is_file() and not child.name.startswith(".")
            and child.suffix.lower() in ARTICLE_SUFFIXES | RECORD_SUFFIXES
        )
        if not files:
            raise InputError(path, Errors.E301)
        return files
    if not path.exists():
        raise InputError(path, "no such file")
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES | RECORD_SUFFIXES:
        raise InputError(path, Errors.E300.format(suffix=path.suffix or "(none)"))
    return [path]


def _article_record(path: Path, outlet: str | None) -> Record:
    text = read_article(path, hint=LARGE_INPUT_HINT)
    return {
        "text": text,
        "outlet": outlet if outlet else path.stem,
        "doc_id": path.stem,
        "title": None,
        "date": None,
        "meta": {"path": str(path), "line": None},
    }


def _read_text_file(path: Path) -> str:
    """The whole file as text; undecodable bytes are reported with their line."""
    return decode_text(read_file_bytes(path, what="one input file", hint=LARGE_INPUT_HINT),
                       path, locate_line=True)


def _records_in_file(path: Path, ledger: ErrorLedger | None) -> Iterator[Record]:
    try:
        text = _read_text_file(path)
    except InputError as err:
        _handle(err, ledger)
        return
    reader = _jsonl_rows if path.suffix.lower() == ".jsonl" else _csv_rows
    try:
        for line, row in reader(text, path):
            try:
                yield _normalise(row, path=str(path), line=line,
                                 default_doc_id=f"{path.stem}:{line}")
            except InputError as err:
                _handle(err, ledger)
    except InputError as err:
        # A broken header (CSV) or unreadable structure stops this file only.
        _handle(err, ledger)


def _jsonl_rows(text: str, path: Path) -> Iterator[tuple[int, Any]]:
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        try:
            row = json.loads(stripped)
        except json.JSONDecodeError as err:
            yield line_no, _BadLine(Errors.E302.format(reason=err.msg))
            continue
        yield line_no, row


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, Any]]:
    # Articles are long; the csv module's default 128 KB field limit is too small.
    csv.field_size_limit(MAX_FILE_BYTES)
    # strict: an unterminated quote is an error, not a field running to the end of file.
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        columns = reader.fieldnames or []
    except csv.Error as err:
        raise InputError(path, f"is not valid CSV ({err})", line=1) from err
    if not set(REQUIRED_FIELDS) <= {c.strip() for c in columns if c}:
        raise InputError(path, Errors.E309.format(columns=", ".join(map(repr, columns))
                                                  or "nothing"), line=1)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield start, _BadLine(csv_problem(err))
            continue
        cleaned = {(k.strip() if isinstance(k, str) else k): v for k, v in row.items()}
        # DictReader files surplus cells under the key None; they are not a field.
        cleaned.pop(None, None)
        yield reader.line_num, cleaned


def csv_problem(err: csv.Error) -> str:
    if "unexpected end of data" in str(err):
        return ("is not valid CSV (a quoted field opened on this line is never closed; "
                "the rest of the file would be read as its text)")
    return f"is not valid CSV ({err})"


@dataclass(frozen=True)
class _BadLine:
    """A line that could not be parsed; normalising it raises with its reason."""

    reason: str


def lookup_field(row: Mapping[str, Any], name: str) -> Any:
    value = row.get(name)
    if value not in (None, ""):
        return value
    meta = row.get("meta")
    if isinstance(meta, Mapping) and meta.get(name) not in (None, ""):
        return meta[name]
    return value


def _normalise(row: Any, *, path: str, line: int, default_doc_id: str) -> Record:
    if isinstance(row, _BadLine):
        raise InputError(path, row.reason, line=line)
    if not isinstance(row, Mapping):
        raise InputError(path, Errors.E303.format(kind=type(row).__name__), line=line)
    values: dict[str, Any] = {}
    for name in REQUIRED_FIELDS:
        value = lookup_field(row, name)
        if value is None:
            raise InputError(path, Errors.E304.format(field=name,
                                                      optional=", ".join(OPTIONAL_FIELDS)),
                             line=line)
        if name == "outlet" and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise InputError(path, Errors.E305.format(field=name, expected="a string",
                                                      kind=type(value).__name__), line=line)
        if not value.strip():
            raise InputError(path, Errors.E306.format(field=name), line=line)
        values[name] = value if name == "text" else value.strip()
    for name in OPTIONAL_FIELDS:
        value = lookup_field(row, name)
        if value is not None and not isinstance(value, str | int | float):
            raise InputError(path, Errors.E305.format(field=name, expected="a string",
                                                      kind=type(value).__name__), line=line)
        values[name] = str(value).strip() if value not in (None, "") else None
    known = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)
    meta_field = row.get("meta")
    meta = ({k: v for k, v in meta_field.items() if k not in known}
            if isinstance(meta_field, Mapping) else {})
    meta.update({k: v for k, v in row.items() if k not in (*known, "meta")})
    meta.update({"path": path, "line": line})
    return {
        "text": values["text"],
        "outlet": values["outlet"],
        "doc_id": values["doc_id"] or default_doc_id,
        "title": values["title"],
        "date": values["date"],
        "meta": meta,
    }
