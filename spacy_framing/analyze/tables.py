"""The Parquet tables of an analyze output: facts -> rows, and rows -> facts."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..compare.profiles import CODEBOOK_DEVICES, SOURCE_TYPES
from ..facts import FACTS_VERSION
from ..language import language_warning
from ..types import Facts, PathLikeStr
from ._base import OUTPUT_VERSION, RUN_FILE, TABLES, WORK_DIR, AnalyzeError

if TYPE_CHECKING:
    import pyarrow as pa

    from ..compare.target import Target


_DOC_KEYS = frozenset({"facts_version", "doc_id", "outlet", "title", "date", "meta", "text",
                       "n_tokens", "hedge_density", "sentences", "spans", "sources"})
_SENTENCE_KEYS = frozenset({"index", "start_char", "end_char", "text", "n_tokens", "lemmas",
                            "actors", "source_actors", "roles", "uncertain"})
_SPAN_KEYS = frozenset({"group", "label", "start_char", "end_char", "text", "sentence",
                        "rule", "in_quote", "actor"})
_SOURCE_KEYS = frozenset({"start_char", "end_char", "text", "speaker", "type", "cue",
                          "cue_span", "content", "content_sentences", "actor", "sentence"})
SOURCE_COLUMNS: tuple[str, ...] = tuple(f"sources_{kind}" for kind in SOURCE_TYPES)


def schemas() -> dict[str, pa.Schema]:
    """The four tables' schemas (see docs/analyze.md for what each column holds)."""
    import pyarrow as pa

    strings = pa.list_(pa.string())
    ints = pa.list_(pa.int64())
    meta = {b"framing.output_version": str(OUTPUT_VERSION).encode(),
            b"framing.facts_version": str(FACTS_VERSION).encode()}
    documents = pa.schema([
        ("id", pa.string()), ("outlet", pa.string()), ("title", pa.string()),
        ("date", pa.string()), ("file", pa.string()), ("line", pa.int64()),
        ("row", pa.int64()), ("tokens", pa.int64()), ("sentences", pa.int64()),
        ("hedge_density", pa.float64()),
        *[(label, pa.int64()) for label in CODEBOOK_DEVICES],
        ("other_devices", pa.map_(pa.string(), pa.int64())),
        ("HEDGE", pa.int64()), ("BOOSTER", pa.int64()),
        ("sources", pa.int64()), *[(name, pa.int64()) for name in SOURCE_COLUMNS],
        ("actors", strings), ("text", pa.string()), ("meta", pa.string()),
        ("language_warning", pa.string()), ("extra", pa.string()),
    ], metadata=meta)
    sentences = pa.schema([
        ("doc_id", pa.string()), ("index", pa.int64()), ("start", pa.int64()),
        ("end", pa.int64()), ("tokens", pa.int64()), ("lemmas", strings),
        ("actors", strings), ("source_actors", strings),
        ("roles", pa.map_(pa.string(), pa.string())), ("uncertain", pa.bool_()),
        ("extra", pa.string()),
    ], metadata=meta)
    spans = pa.schema([
        ("doc_id", pa.string()), ("group", pa.string()), ("label", pa.string()),
        ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
        ("sentence", pa.int64()), ("rule", pa.string()), ("in_quote", pa.bool_()),
        ("actor", pa.string()), ("sentence_actors", strings), ("extra", pa.string()),
    ], metadata=meta)
    sources = pa.schema([
        ("doc_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("text", pa.string()), ("speaker", pa.string()), ("type", pa.string()),
        ("cue", pa.string()), ("cue_start", pa.int64()), ("cue_end", pa.int64()),
        ("content_starts", ints), ("content_ends", ints), ("content_sentences", ints),
        ("actor", pa.string()), ("sentence", pa.int64()), ("extra", pa.string()),
    ], metadata=meta)
    return {"documents": documents, "sentences": sentences, "spans": spans,
            "sources": sources}


# Line separators other than "\n" that readers splitting text into lines (Python's
# str.splitlines, JavaScript) also break at; JSON leaves them raw inside strings, so a
# record holding one would be cut in two in errors.jsonl. They only occur in strings,
# where the \u escape means the same character.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, sort_keys=True, default=str)
    return text.translate(_LINE_BREAKS)


def _extra(item: Mapping[str, Any], known: frozenset[str]) -> str | None:
    """Keys a newer facts version added: stored as JSON so that nothing is lost."""
    rest = {k: v for k, v in item.items() if k not in known}
    return _json(rest) if rest else None


class _Rows:
    """Columns of the four tables for a few documents, before they become Arrow."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list[Any]]] = {
            name: {column: [] for column in schema.names}
            for name, schema in schemas().items()}
        self.documents = 0

    def add(self, record: Mapping[str, Any], facts: Facts) -> None:
        self.documents += 1
        doc_id = str(facts["doc_id"])
        text: str = facts["text"]
        spans = facts.get("spans") or []
        sources = facts.get("sources") or []
        sentences = facts.get("sentences") or []
        actors_of = {s["index"]: list(s.get("actors") or []) for s in sentences}

        devices: dict[str, int] = {}
        hedges = {"HEDGE": 0, "BOOSTER": 0}
        actors: list[str] = []
        for span in spans:
            if span["group"] == "framing":
                devices[span["label"]] = devices.get(span["label"], 0) + 1
            elif span["group"] == "hedges" and span["label"] in hedges:
                hedges[span["label"]] += 1
            elif span["group"] == "actors" and span.get("actor") \
                    and span["actor"] not in actors:
                actors.append(span["actor"])
        source_types = {kind: 0 for kind in SOURCE_TYPES}
        for source in sources:
            kind = str(source.get("type") or "unnamed")
            if kind in source_types:
                source_types[kind] += 1

        doc = self.columns["documents"]
        row = {
            "id": doc_id, "outlet": facts.get("outlet"), "title": facts.get("title"),
            "date": facts.get("date"), "file": record.get("file"), "line": record.get("line"),
            "row": record.get("row"), "tokens": facts.get("n_tokens"),
            "sentences": len(sentences), "hedge_density": facts.get("hedge_density"),
            **{label: devices.get(label, 0) for label in CODEBOOK_DEVICES},
            "other_devices": sorted((k, v) for k, v in devices.items()
                                    if k not in CODEBOOK_DEVICES),
            **hedges, "sources": len(sources),
            **{f"sources_{kind}": n for kind, n in source_types.items()},
            "actors": actors, "text": text, "meta": _json(facts.get("meta") or {}),
            "language_warning": language_warning(text),
            "extra": _extra(facts, _DOC_KEYS),
        }
        for column, value in row.items():
            doc[column].append(value)

        table = self.columns["sentences"]
        for sentence in sentences:
            start, end = sentence["start_char"], sentence["end_char"]
            known = _SENTENCE_KEYS if text[start:end] == sentence.get("text") \
                else _SENTENCE_KEYS - {"text"}
            values = {
                "doc_id": doc_id, "index": sentence["index"], "start": start, "end": end,
                "tokens": sentence.get("n_tokens"), "lemmas": sentence.get("lemmas") or [],
                "actors": sentence.get("actors") or [],
                "source_actors": sentence.get("source_actors") or [],
                "roles": list((sentence.get("roles") or {}).items()),
                "uncertain": bool(sentence.get("uncertain")),
                "extra": _extra(sentence, known),
            }
            for column, value in values.items():
                table[column].append(value)

        table = self.columns["spans"]
        for span in spans:
            values = {
                "doc_id": doc_id, "group": span["group"], "label": span["label"],
                "start": span["start_char"], "end": span["end_char"], "text": span["text"],
                "sentence": span["sentence"], "rule": span.get("rule"),
                "in_quote": bool(span.get("in_quote")), "actor": span.get("actor"),
                "sentence_actors": actors_of.get(span["sentence"], []),
                "extra": _extra(span, _SPAN_KEYS),
            }
            for column, value in values.items():
                table[column].append(value)

        table = self.columns["sources"]
        for source in sources:
            cue_span = source.get("cue_span") or [None, None]
            content = source.get("content") or []
            values = {
                "doc_id": doc_id, "start": source["start_char"], "end": source["end_char"],
                "text": source["text"], "speaker": source.get("speaker"),
                "type": source.get("type"), "cue": source.get("cue"),
                "cue_start": cue_span[0], "cue_end": cue_span[1],
                "content_starts": [part[0] for part in content],
                "content_ends": [part[1] for part in content],
                "content_sentences": list(source.get("content_sentences") or []),
                "actor": source.get("actor"), "sentence": source.get("sentence"),
                "extra": _extra(source, _SOURCE_KEYS),
            }
            for column, value in values.items():
                table[column].append(value)

    def tables(self) -> dict[str, pa.Table]:
        import pyarrow as pa

        return {name: pa.Table.from_pydict(self.columns[name], schema=schema)
                for name, schema in schemas().items()}


def _loads(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def _document_facts(doc: Mapping[str, Any], sentences: list[dict[str, Any]],
                     spans: list[dict[str, Any]],
                     sources: list[dict[str, Any]]) -> Facts:
    text = doc["text"]
    facts: Facts = {
        "facts_version": FACTS_VERSION, "doc_id": doc["id"], "outlet": doc["outlet"],
        "title": doc["title"], "date": doc["date"], "meta": _loads(doc["meta"]),
        "text": text, "n_tokens": doc["tokens"], "hedge_density": doc["hedge_density"],
    }
    facts["sentences"] = [{
        "index": s["index"], "start_char": s["start"], "end_char": s["end"],
        "text": text[s["start"]:s["end"]], "n_tokens": s["tokens"], "lemmas": s["lemmas"],
        "actors": s["actors"], "source_actors": s["source_actors"],
        "roles": dict(s["roles"] or []), "uncertain": s["uncertain"], **_loads(s["extra"]),
    } for s in sentences]
    rebuilt_spans = []
    for s in spans:
        span = {"group": s["group"], "label": s["label"], "start_char": s["start"],
                "end_char": s["end"], "text": s["text"], "sentence": s["sentence"],
                "rule": s["rule"], "in_quote": s["in_quote"]}
        if s["actor"] is not None:
            span["actor"] = s["actor"]
        span.update(_loads(s["extra"]))
        rebuilt_spans.append(span)
    facts["spans"] = rebuilt_spans
    facts["sources"] = [{
        "start_char": s["start"], "end_char": s["end"], "text": s["text"],
        "speaker": s["speaker"], "type": s["type"], "cue": s["cue"],
        "cue_span": [s["cue_start"], s["cue_end"]] if s["cue_start"] is not None else None,
        "content": [[a, b] for a, b in zip(s["content_starts"], s["content_ends"],
                                           strict=True)],
        "content_sentences": s["content_sentences"], "actor": s["actor"],
        "sentence": s["sentence"], **_loads(s["extra"]),
    } for s in sources]
    facts.update(_loads(doc["extra"]))
    return facts


def _rows(path: Path, columns: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=1024, columns=columns):
        yield from batch.to_pylist()


class _Grouped:
    """Rows of a child table, consumed one document at a time (tables share an order)."""

    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self.rows = rows
        self.head = next(rows, None)

    def take(self, doc_id: str) -> list[dict[str, Any]]:
        taken = []
        while self.head is not None and self.head["doc_id"] == doc_id:
            taken.append(self.head)
            self.head = next(self.rows, None)
        return taken


def check_output(directory: PathLikeStr) -> dict[str, Any]:
    """The ``run.json`` of a finished analyze output; raises AnalyzeError otherwise."""
    root = Path(directory)
    run_path = root / RUN_FILE
    if not run_path.is_file():
        if (root / WORK_DIR).is_dir():
            raise AnalyzeError(f"{root}: the analyze run there did not finish; rerun it "
                               "with --resume")
        raise AnalyzeError(f"{root}: not an analyze output (no {RUN_FILE}); run "
                           "`framing analyze INPUT --output DIR` first")
    try:
        run = json.loads(run_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AnalyzeError(f"{run_path}: unreadable ({err}); rerun analyze") from err
    if not isinstance(run, dict):
        raise AnalyzeError(f"{run_path}: not a run record; rerun analyze")
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name in TABLES:
        path = root / f"{name}.parquet"
        if not path.is_file():
            raise AnalyzeError(f"{path}: missing from the analyze output")
        try:
            schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as err:
            raise AnalyzeError(f"{path}: not a readable Parquet file ({err})") from err
        found = (schema.metadata or {}).get(b"framing.run_id", b"").decode()
        if found != run.get("run_id"):
            raise AnalyzeError(f"{path} belongs to another run than {run_path} (a run "
                               "interrupted while finishing?); rerun analyze with --resume")
    return run


def iter_facts(directory: PathLikeStr, *, group_by: str = "outlet") -> Iterator[Facts]:
    """The facts of every document of an analyze output, in input order, streaming.

    ``group_by`` names the field whose value becomes the facts' ``outlet`` (what
    ``compare`` groups by): a documents column (``outlet``, ``date``, ``title``, ``file``)
    or a key of the records' other fields (``meta``).
    """
    root = Path(directory)
    check_output(root)
    import pyarrow.parquet as pq

    columns = pq.read_schema(root / "documents.parquet").names
    if group_by != "outlet" and group_by not in columns:
        _check_meta_field(root, group_by)
    children = {name: _Grouped(_rows(root / f"{name}.parquet"))
                for name in ("sentences", "spans", "sources")}
    for doc in _rows(root / "documents.parquet"):
        doc_id = doc["id"]
        facts = _document_facts(doc, children["sentences"].take(doc_id),
                                children["spans"].take(doc_id),
                                children["sources"].take(doc_id))
        if group_by != "outlet":
            value = doc.get(group_by) if group_by in columns else facts["meta"].get(group_by)
            # The publishing outlet stays known: compare masks outlets' own names.
            facts["meta"] = {**facts["meta"], "outlet": facts["outlet"]}
            facts["outlet"] = "(none)" if value in (None, "") else str(value)
        yield facts


# Columns of documents.parquet that make sense to group by.
_GROUPABLE = ("outlet", "title", "date", "file")


def _check_meta_field(root: Path, field: str) -> None:
    """Raise AnalyzeError unless some document's record has ``field``: grouping by a
    misspelt field would put every document under "(none)" and still print a report."""
    keys: set[str] = set()
    for row in _rows(root / "documents.parquet", columns=["meta"]):
        meta = _loads(row["meta"])
        if field in meta:
            return
        keys.update(meta)
    fields = [*_GROUPABLE, *sorted(keys - set(_GROUPABLE))]
    from ..errors import Errors

    raise AnalyzeError(f"{root}: " + Errors.E316.format(
        field=field, fields=", ".join(fields)))


def resolve_stored_target(target: str) -> Target:
    """The target ``target`` names (a canonical actor, an alias, or an office holder)
    without a parsing model: the actors component on a blank pipeline knows every alias."""
    import spacy

    from ..compare import resolve_target

    nlp = spacy.blank("en")
    nlp.add_pipe("framing_actors")
    return resolve_target(nlp, target)
