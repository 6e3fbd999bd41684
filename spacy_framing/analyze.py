"""`framing analyze`: a corpus through the framing pipeline into Parquet, nothing lost.

A run reads its inputs as a stream (:class:`~spacy_framing.corpus.RecordStream`), parses
them in one process, with spaCy's multiprocessing (``n_process``) or on a Dask cluster
(``workers`` starts a ``LocalCluster``, ``scheduler`` joins an existing one), and writes
per-document facts as four Parquet tables plus an error ledger:

``documents.parquet``
    one row per document: id, outlet, title, date, where it was read, token and sentence
    counts, span counts per device label, HEDGE/BOOSTER counts, sources by type, the
    actors mentioned, the text and the record's other fields (``meta``, JSON).
``spans.parquet``
    one row per framing, hedge or actor span: doc id, group, label, character offsets,
    text, sentence index, rule id, in-quote flag, canonical actor, actors of the sentence.
``sentences.parquet`` and ``sources.parquet``
    the rest of the facts (lemmas, roles, uncertainty; reported speech), so that
    :func:`iter_facts` rebuilds exactly the facts ``framing compare`` needs.
``errors.jsonl``
    one row per rejected record: file, line or row, id when known, reason.

Every mode runs the same function over the same batches, so the tables are identical
whichever way they were computed. Output is written in parts under ``_incomplete/``
(temporary names, renamed when complete); the final files appear, each under a temporary
name first, only when the run has finished, so an interrupted run never leaves a
half-written file under a final name, and ``resume`` continues it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .compare.profiles import CODEBOOK_DEVICES, SOURCE_TYPES
from .corpus import BadRecord, FieldNames, RecordStream, id_key
from .facts import FACTS_VERSION, doc_facts
from .types import Facts, PathLikeStr, Record

if TYPE_CHECKING:
    import pyarrow as pa
    from spacy.language import Language

logger = logging.getLogger(__name__)

OUTPUT_VERSION = 1
TABLES: tuple[str, ...] = ("documents", "sentences", "spans", "sources")
ERRORS_FILE = "errors.jsonl"
RUN_FILE = "run.json"
WORK_DIR = "_incomplete"
_FINISHING = "FINISHING"
_MANIFEST = "manifest.json"
FACTS_KEY = "framing_facts"
COLLECTOR = "framing_analyze_facts"

DEFAULT_BATCH_SIZE = 32
# Rows are handed to Parquet every ROW_GROUP_DOCS documents, and a part is committed
# (renamed into place, safe from an interruption) every PART_DOCS documents or
# PART_SECONDS seconds, whichever comes first.
ROW_GROUP_DOCS = 64
PART_DOCS = 2000
PART_SECONDS = 60.0
# Settings that must match for --resume to continue an earlier run.
_RESUME_KEYS = ("model", "fields", "facts_version", "output_version")


# Written to reach the components' lazily loaded paths (an unattributed quotation too).
_WARM_UP = ("Officials in Beijing said on Monday that the talks may resume, and critics "
            "warned that the deal was \"a bargaining chip\".\n\n\"Nobody wants a wider "
            "war,\" he told reporters. \"We will certainly respond.\"\n\n\"It is over "
            "for them.\"\n")


class AnalyzeError(RuntimeError):
    """A run that cannot start or continue (bad output folder, pipeline unavailable)."""


class StrictError(AnalyzeError):
    """A bad record in a ``strict`` run."""

    def __init__(self, bad: BadRecord) -> None:
        self.bad = bad
        super().__init__(f"{bad} (--strict: stopping at the first bad record)")


class PipelineUnavailable(AnalyzeError):
    """The pipeline cannot be loaded where the work runs (e.g. a Dask worker lacks it)."""


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to build the pipeline: hashable, so workers cache by it."""

    model: str | None = None

    def load(self) -> Language:
        from spacy.language import Language

        from ._loader import load

        try:
            nlp = load(self.model)
        except (OSError, ImportError, ValueError) as err:
            raise PipelineUnavailable(f"cannot load the pipeline ({err})") from err
        if COLLECTOR not in Language.factories:  # pragma: no cover - registered at import
            raise PipelineUnavailable(f"component {COLLECTOR!r} is not registered")
        nlp.add_pipe(COLLECTOR, last=True)
        # Components finish loading on their first Doc (lazy imports, matcher caches);
        # doing it here keeps that out of the first batch and of the timings.
        nlp(_WARM_UP)
        return nlp


@dataclass
class AnalyzeResult:
    """What a run did; ``records_read == documents_written + already_written + errors``."""

    output: str
    records_read: int = 0
    documents_written: int = 0
    already_written: int = 0
    errors: int = 0
    seconds: float = 0.0
    # CPU time of this process while processing (excludes loading; spaCy and Dask
    # workers are other processes): a speed figure that other load on the machine
    # does not distort.
    cpu_seconds: float = 0.0
    load_seconds: float = 0.0
    words: int = 0
    mode: str = "single process"
    pipeline: str = ""
    run_id: str = ""
    settings: dict[str, Any] = field(default_factory=dict)

    def summary_line(self) -> str:
        written = f"{self.documents_written:,} documents written"
        if self.already_written:
            written += f" + {self.already_written:,} already written"
        rate = self.documents_written / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.records_read:,} records read = {written} + {self.errors:,} errors "
                f"({ERRORS_FILE}); {self.seconds:.1f} s, {rate:.1f} documents/s, "
                f"{self.mode}")


# --- the pipeline end that turns Docs into facts -----------------------------------------


def _collect_facts(doc: Any) -> Any:
    """Compute the facts where the Doc was parsed (a spaCy or Dask worker) and keep only
    them, so that what travels back to the writer is small and plain."""
    facts = doc_facts(doc)
    doc.user_data.clear()
    doc.spans.clear()
    doc.user_data[FACTS_KEY] = facts
    return doc


def _register_collector() -> None:
    from spacy.language import Language

    if COLLECTOR not in Language.factories:
        Language.component(COLLECTOR, func=_collect_facts)


_register_collector()


def _with_record(facts: Facts, record: Mapping[str, Any]) -> Facts:
    """The facts of a Doc parsed without its record, completed with the record's header
    (as ``doc_facts(doc, record)`` would)."""
    facts["doc_id"] = str(record["doc_id"])
    facts["outlet"] = str(record.get("outlet") or "")
    facts["title"] = record.get("title")
    facts["date"] = record.get("date")
    facts["meta"] = dict(record.get("meta") or {})
    return facts


def _facts_of(doc: Any, record: Mapping[str, Any]) -> Facts:
    facts = doc.user_data.get(FACTS_KEY)
    if facts is None:  # a pipeline without the collector (not built by PipelineSpec)
        facts = doc_facts(doc)
    return _with_record(facts, record)


def _failure(err: BaseException) -> str:
    return f"the pipeline failed on this document ({type(err).__name__}: {err})"


def process_records(nlp: Language, records: Sequence[Record]) -> list[Facts | str]:
    """Facts for each record, or why the pipeline failed on it: one batch through
    ``nlp.pipe`` and, if that raises, one record at a time so that one bad document
    does not take its batch down with it."""
    texts = [record["text"] for record in records]
    try:
        docs = list(nlp.pipe(texts, batch_size=max(len(texts), 1)))
    except Exception:  # any pipeline error is retried record by record
        docs = None
    if docs is not None and len(docs) == len(records):
        return [_facts_of(doc, record) for doc, record in zip(docs, records, strict=True)]
    results: list[Facts | str] = []
    for record in records:
        try:
            results.append(_facts_of(nlp(record["text"]), record))
        except Exception as err:  # recorded in errors.jsonl
            logger.warning("%s:%s: %s", record.get("file"), record.get("line"), _failure(err))
            results.append(_failure(err))
    return results


# --- workers (one process, spaCy multiprocessing, Dask) ---------------------------------

_PIPELINES: dict[PipelineSpec, Language] = {}
_PIPELINES_LOCK = threading.Lock()


def cached_pipeline(spec: PipelineSpec) -> Language:
    """The pipeline of ``spec``, loaded once per process (Dask workers call this for
    every batch)."""
    with _PIPELINES_LOCK:
        nlp = _PIPELINES.get(spec)
        if nlp is None:
            nlp = _PIPELINES[spec] = spec.load()
        return nlp


def pipeline_id(nlp: Language) -> str:
    """Model, model version and library versions: workers that differ in any of them
    could give different results, so a run refuses to mix them."""
    import spacy

    from . import __version__

    return (f"{nlp.meta.get('lang', '?')}_{nlp.meta.get('name', '?')}-"
            f"{nlp.meta.get('version', '?')} spacy-{spacy.__version__} "
            f"spacy-framing-{__version__}")


def warm_worker(spec: PipelineSpec) -> str:
    """Load the pipeline on a Dask worker before any batch arrives."""
    return pipeline_id(cached_pipeline(spec))


_BATCH_LOCK = threading.Lock()


def analyze_batch(spec: PipelineSpec, records: list[Record]) -> tuple[str, list[Facts | str]]:
    """The Dask task: one batch of records -> (pipeline id, facts or failure per record).

    A pipeline is not safe to share between threads; workers should run one thread
    each (``dask worker --nthreads 1``), and the lock keeps extra threads correct.
    """
    nlp = cached_pipeline(spec)
    with _BATCH_LOCK:
        return pipeline_id(nlp), process_records(nlp, records)


Outcome = tuple[Record, Facts] | BadRecord
Unit = list[Record | BadRecord]


def _units(items: Iterable[Record | BadRecord], batch_size: int) -> Iterator[Unit]:
    """Consecutive input items holding at most ``batch_size`` records each (bad records
    ride along so that the output keeps input order)."""
    unit: Unit = []
    count = 0
    for item in items:
        unit.append(item)
        if not isinstance(item, BadRecord):
            count += 1
            if count >= batch_size:
                yield unit
                unit, count = [], 0
    if unit:
        yield unit


def _merge(unit: Unit, results: Sequence[Facts | str]) -> list[Outcome]:
    out: list[Outcome] = []
    found = iter(results)
    for item in unit:
        if isinstance(item, BadRecord):
            out.append(item)
            continue
        result = next(found)
        if isinstance(result, str):
            out.append(BadRecord(item["file"], result, line=item.get("line"),
                                 row=item.get("row"), doc_id=item["doc_id"]))
        else:
            out.append((item, result))
    return out


class _SingleEngine:
    mode = "single process"

    def __init__(self, spec: PipelineSpec) -> None:
        self.nlp = cached_pipeline(spec)
        self.pipeline = pipeline_id(self.nlp)

    def outcomes(self, units: Iterator[Unit]) -> Iterator[Outcome]:
        for unit in units:
            records = [item for item in unit if not isinstance(item, BadRecord)]
            yield from _merge(unit, process_records(self.nlp, records) if records else [])

    def close(self) -> None:
        pass


def _drop_failed(proc_name: str | None, proc: Any, docs: list[Any] | None,
                 err: Exception) -> None:
    """spaCy error handler for multiprocessing: the failed Docs are left out of the
    stream; the engine notices the gap and retries those records one by one."""
    logger.warning("%s failed on %s document(s): %r", proc_name or "a spaCy worker",
                   len(docs) if docs else "a batch of", err)


class _ProcessEngine:
    """spaCy's own multiprocessing (``nlp.pipe(n_process=N)``)."""

    def __init__(self, spec: PipelineSpec, n_process: int, batch_size: int) -> None:
        self.spec = spec
        self.nlp = spec.load()
        self.pipeline = pipeline_id(self.nlp)
        self.n_process = n_process
        self.batch_size = batch_size
        self.mode = f"{n_process} processes (spaCy)"
        self._retry_nlp: Language | None = None

    def _retry(self, record: Record) -> Facts | str:
        if self._retry_nlp is None:
            # The multiprocessing pipeline carries the dropping error handler; a retry
            # must raise instead, so it runs on the plain (cached) pipeline.
            self._retry_nlp = cached_pipeline(self.spec)
        return process_records(self._retry_nlp, [record])[0]

    def outcomes(self, units: Iterator[Unit]) -> Iterator[Outcome]:
        pending: deque[Record | BadRecord] = deque()

        def texts() -> Iterator[str]:
            for unit in units:
                for item in unit:
                    pending.append(item)
                    if not isinstance(item, BadRecord):
                        yield item["text"]

        # Only the pipeline-wide handler: some spaCy pipes (the parser) cannot take their
        # own, and an error they raise reaches this handler through the worker anyway.
        self.nlp.default_error_handler = _drop_failed
        docs = self.nlp.pipe(texts(), batch_size=self.batch_size, n_process=self.n_process)
        try:
            for doc in docs:
                while True:
                    head = pending.popleft()
                    if isinstance(head, BadRecord):
                        yield head
                    elif head["text"] == doc.text:
                        yield (head, _facts_of(doc, head))
                        break
                    else:
                        yield from _merge([head], [self._retry(head)])
            for head in pending:
                yield head if isinstance(head, BadRecord) \
                    else _merge([head], [self._retry(head)])[0]
            pending.clear()
        finally:
            close = getattr(docs, "close", None)
            if close is not None:
                close()

    def close(self) -> None:
        pass


class _DaskEngine:
    """Batches as Dask tasks, a bounded number in flight, results in input order."""

    def __init__(self, spec: PipelineSpec, *, workers: int | None = None,
                 scheduler: str | None = None, connect_timeout: float = 30.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:
            raise AnalyzeError("--workers and --scheduler need Dask: pip install "
                               "'spacy-framing[dask]'") from err
        self.spec = spec
        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout=connect_timeout)
                self.mode = f"Dask cluster at {scheduler}"
            else:
                self.cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
                self.mode = f"Dask LocalCluster, {workers} workers"
        except (OSError, TimeoutError) as err:
            self._shutdown()
            raise AnalyzeError(f"cannot reach the Dask scheduler {scheduler!r} ({err})") \
                from err
        self.token = uuid.uuid4().hex[:12]
        try:
            ids = set(self.client.run(warm_worker, spec).values())
        except PipelineUnavailable as err:
            self.close()
            raise AnalyzeError(f"a Dask worker cannot load the pipeline: {err}") from err
        if len(ids) > 1:
            self.close()
            raise AnalyzeError(f"the Dask workers run different pipelines: {sorted(ids)}")
        self.pipeline = ids.pop() if ids else ""

    def _threads(self) -> int:
        return max(sum(self.client.nthreads().values()), 1)

    def _check(self, pipeline: str) -> None:
        if not self.pipeline:
            self.pipeline = pipeline
        elif pipeline != self.pipeline:
            raise AnalyzeError(f"Dask workers run different pipelines: {self.pipeline!r} "
                               f"and {pipeline!r}; install the same versions everywhere")

    def _run_one_by_one(self, unit: Unit, err: BaseException) -> list[Outcome]:
        """A batch whose task failed (its workers died, say): each record as its own
        task, so that only a record that really cannot be processed becomes an error."""
        records = [item for item in unit if not isinstance(item, BadRecord)]
        logger.warning("a batch of %d record(s) failed (%r); retrying one by one",
                       len(records), err)
        futures = [self.client.submit(analyze_batch, self.spec, [record], pure=False,
                                      key=f"framing-retry-{self.token}-{uuid.uuid4().hex}")
                   for record in records]
        results: list[Facts | str] = []
        for future in futures:
            try:
                pipeline, (result,) = future.result()
                self._check(pipeline)
            except PipelineUnavailable:
                raise
            except Exception as one_err:  # recorded in errors.jsonl
                result = f"the Dask task for this document failed ({one_err!r})"
            results.append(result)
        return _merge(unit, results)

    def outcomes(self, units: Iterator[Unit]) -> Iterator[Outcome]:
        from distributed import as_completed

        in_flight_limit = 2 * self._threads()
        # Results wait here until all earlier batches are written; bounding submitted but
        # unwritten batches keeps memory constant when one batch is slow.
        buffer_limit = 4 * in_flight_limit
        waiting: dict[int, Unit] = {}
        done: dict[int, list[Outcome]] = {}
        index_of: dict[Any, int] = {}
        completed = as_completed()
        next_submit = next_write = 0
        exhausted = False

        def submit_more() -> None:
            nonlocal next_submit, exhausted
            while not exhausted and len(index_of) < in_flight_limit \
                    and next_submit - next_write < buffer_limit:
                unit = next(units, None)
                if unit is None:
                    exhausted = True
                    return
                records = [item for item in unit if not isinstance(item, BadRecord)]
                if not records:
                    done[next_submit] = _merge(unit, [])
                else:
                    waiting[next_submit] = unit
                    future = self.client.submit(
                        analyze_batch, self.spec, records, pure=False,
                        key=f"framing-batch-{self.token}-{next_submit}")
                    index_of[future] = next_submit
                    completed.add(future)
                next_submit += 1

        submit_more()
        while True:
            while next_write in done:
                yield from done.pop(next_write)
                next_write += 1
                submit_more()
            if not index_of:
                if exhausted and not done:
                    return
                submit_more()
                continue
            future = next(completed)
            index = index_of.pop(future)
            unit = waiting.pop(index)
            try:
                pipeline, results = future.result()
                self._check(pipeline)
                done[index] = _merge(unit, results)
            except PipelineUnavailable as err:
                raise AnalyzeError(f"a Dask worker cannot load the pipeline: {err}") from err
            except AnalyzeError:
                raise
            except Exception as err:  # the batch is retried record by record
                done[index] = self._run_one_by_one(unit, err)
            finally:
                future.release()
            submit_more()

    def _shutdown(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()

    def close(self) -> None:
        self._shutdown()


# --- Parquet tables ---------------------------------------------------------------------

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
        ("extra", pa.string()),
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


def _json(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, sort_keys=True, default=str)
    return text


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
    run = json.loads(run_path.read_text(encoding="utf-8"))
    import pyarrow.parquet as pq

    for name in TABLES:
        path = root / f"{name}.parquet"
        if not path.is_file():
            raise AnalyzeError(f"{path}: missing from the analyze output")
        found = (pq.read_schema(path).metadata or {}).get(b"framing.run_id", b"").decode()
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
    children = {name: _Grouped(_rows(root / f"{name}.parquet"))
                for name in ("sentences", "spans", "sources")}
    for doc in _rows(root / "documents.parquet"):
        doc_id = doc["id"]
        facts = _document_facts(doc, children["sentences"].take(doc_id),
                                children["spans"].take(doc_id),
                                children["sources"].take(doc_id))
        if group_by != "outlet":
            value = doc.get(group_by) if group_by in columns else facts["meta"].get(group_by)
            facts["outlet"] = "(none)" if value in (None, "") else str(value)
        yield facts


def resolve_stored_target(target: str) -> str:
    """The canonical actor for ``target`` (a canonical name or alias) without a parsing
    model: the actors component on a blank pipeline knows every alias."""
    import spacy

    from .compare import resolve_target

    nlp = spacy.blank("en")
    nlp.add_pipe("framing_actors")
    return resolve_target(nlp, target)


# --- the output folder -----------------------------------------------------------------


class _Part:
    """One part of a run: the four tables and the errors of a stretch of input, under
    temporary names until ``commit`` renames them (documents last: its presence marks
    the part complete)."""

    def __init__(self, work: Path, index: int) -> None:
        self.work = work
        self.index = index
        self.rows = _Rows()
        self.writers: dict[str, Any] = {}
        self.errors = (work / f"{index:06d}.errors.jsonl.tmp").open("w", encoding="utf-8")
        self.documents = 0
        self.started = time.monotonic()

    def path(self, name: str) -> Path:
        suffix = "errors.jsonl" if name == "errors" else f"{name}.parquet"
        return self.work / f"{self.index:06d}.{suffix}"

    def add(self, record: Mapping[str, Any], facts: Facts) -> None:
        self.rows.add(record, facts)
        self.documents += 1
        if self.rows.documents >= ROW_GROUP_DOCS:
            self._flush()

    def add_error(self, bad: BadRecord) -> None:
        self.errors.write(_json(bad.to_json()) + "\n")

    def _flush(self) -> None:
        import pyarrow.parquet as pq

        if not self.rows.documents and self.writers:
            return
        for name, table in self.rows.tables().items():
            writer = self.writers.get(name)
            if writer is None:
                writer = self.writers[name] = pq.ParquetWriter(
                    f"{self.path(name)}.tmp", table.schema)
            writer.write_table(table)
        self.rows = _Rows()

    def full(self) -> bool:
        return self.documents >= PART_DOCS or time.monotonic() - self.started >= PART_SECONDS

    def commit(self) -> None:
        self._flush()
        for writer in self.writers.values():
            writer.close()
        self.errors.close()
        for name in ("errors", "sentences", "spans", "sources", "documents"):
            os.replace(f"{self.path(name)}.tmp", self.path(name))

    def discard(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.errors.close()
        for path in self.work.glob(f"{self.index:06d}.*.tmp"):
            path.unlink()


class _Output:
    """The output folder: parts while running, the final files once finished."""

    def __init__(self, root: Path, *, resume: bool, settings: dict[str, Any]) -> None:
        self.root = root
        self.work = root / WORK_DIR
        self.resume = resume
        if root.exists() and not root.is_dir():
            raise AnalyzeError(f"{root}: --output must be a folder")
        root.mkdir(parents=True, exist_ok=True)
        if (self.work / _FINISHING).is_file():
            # An earlier run was killed while renaming its finished files into place.
            self._rename_finished()
        finished = (root / RUN_FILE).is_file()
        if not resume and (finished or self.work.exists()
                           or any((root / f"{n}.parquet").exists() for n in TABLES)):
            raise AnalyzeError(f"{root} already holds analyze output; pass --resume to "
                               "continue or extend it, or choose another --output")
        earlier = self._earlier_settings() if resume else None
        if earlier is not None:
            changed = [key for key in _RESUME_KEYS if earlier.get(key) != settings.get(key)]
            if changed:
                raise AnalyzeError(
                    f"{root} was written with other settings ({', '.join(changed)}: "
                    f"{[earlier.get(k) for k in changed]} now "
                    f"{[settings.get(k) for k in changed]}); --resume needs the same ones")
        self.work.mkdir(exist_ok=True)
        for stale in self.work.glob("*.tmp"):
            stale.unlink()
        self.parts = self._committed_parts()
        for path in self.work.iterdir():
            # Errors are found again on every run (reading is cheap and deterministic),
            # and files of parts that never committed are leftovers.
            index = path.name.split(".", 1)[0]
            if path.name.endswith(".errors.jsonl") or (
                    path.name != _MANIFEST and index.isdigit() and int(index) not in self.parts):
                path.unlink()
        self.finished_before = finished
        (self.work / _MANIFEST).write_text(_json(settings), encoding="utf-8")
        self.next_index = max(self.parts, default=-1) + 1

    def _earlier_settings(self) -> dict[str, Any] | None:
        for path in (self.work / _MANIFEST, self.root / RUN_FILE):
            if path.is_file():
                data = json.loads(path.read_text(encoding="utf-8"))
                return data.get("settings", data)
        return None

    def _committed_parts(self) -> list[int]:
        return sorted(int(p.name.split(".", 1)[0])
                      for p in self.work.glob("*.documents.parquet"))

    def done_ids(self) -> set[bytes]:
        paths = [self.work / f"{i:06d}.documents.parquet" for i in self.parts]
        if self.finished_before:
            paths.insert(0, self.root / "documents.parquet")
        done: set[bytes] = set()
        for path in paths:
            for row in _rows(path, columns=["id"]):
                done.add(id_key(row["id"]))
        return done

    def abandon(self) -> None:
        """Undo the start of a run that never got going (its engine failed to start), so
        that the folder does not look like an interrupted run."""
        if not self.parts and self.work.is_dir():
            shutil.rmtree(self.work)

    def new_part(self) -> _Part:
        part = _Part(self.work, self.next_index)
        self.next_index += 1
        return part

    def keep(self, part: _Part) -> None:
        part.commit()
        self.parts.append(part.index)

    def finish(self, result: AnalyzeResult) -> None:
        """Merge earlier output and the parts into the final files (temporary names
        first), then rename them into place and remove the parts."""
        import pyarrow.parquet as pq

        run_id = uuid.uuid4().hex
        result.run_id = run_id
        for name, schema in schemas().items():
            sources = [self.work / f"{i:06d}.{name}.parquet" for i in self.parts]
            if self.finished_before:
                sources.insert(0, self.root / f"{name}.parquet")
            stamped = schema.with_metadata({**(schema.metadata or {}),
                                            b"framing.run_id": run_id.encode()})
            with pq.ParquetWriter(self.root / f"{name}.parquet.tmp", stamped) as writer:
                for source in sources:
                    parquet = pq.ParquetFile(source)
                    if parquet.schema_arrow.remove_metadata() != schema.remove_metadata():
                        raise AnalyzeError(f"{source} has another schema than this version "
                                           "writes; analyze into a new folder")
                    for group in range(parquet.num_row_groups):
                        table = parquet.read_row_group(group)
                        writer.write_table(table.replace_schema_metadata(stamped.metadata))
        with (self.root / f"{ERRORS_FILE}.tmp").open("w", encoding="utf-8") as out:
            for i in self.parts:
                # Parts of an earlier, resumed run have no errors file: errors are found
                # again by every run.
                errors = self.work / f"{i:06d}.errors.jsonl"
                if errors.is_file():
                    with errors.open(encoding="utf-8") as part:
                        shutil.copyfileobj(part, out)
        run = {**asdict(result), "output_version": OUTPUT_VERSION}
        (self.root / f"{RUN_FILE}.tmp").write_text(json.dumps(run, indent=2) + "\n",
                                                   encoding="utf-8")
        (self.work / _FINISHING).write_text(run_id, encoding="utf-8")
        self._rename_finished()

    def _rename_finished(self) -> None:
        for name in (*(f"{t}.parquet" for t in TABLES), ERRORS_FILE, RUN_FILE):
            tmp = self.root / f"{name}.tmp"
            if tmp.exists():
                os.replace(tmp, self.root / name)
        shutil.rmtree(self.work)


# --- progress ---------------------------------------------------------------------------


class _Progress:
    """A progress bar on a terminal (bytes of input read, documents/s, ETA); nothing
    otherwise, e.g. in CI or when output is redirected."""

    def __init__(self, stream: RecordStream, *, enabled: bool) -> None:
        self.stream = stream
        self.bar = None
        self.last = 0.0
        self.started = time.monotonic()
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=stream.total_bytes, unit="B", unit_scale=True,
                            file=sys.stderr, desc="analyze", leave=False,
                            dynamic_ncols=True)

    def update(self, documents: int) -> None:
        if self.bar is None:
            return
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        self.bar.n = min(self.stream.bytes_read, self.bar.total or 0)
        rate = documents / max(now - self.started, 1e-9)
        self.bar.set_postfix_str(f"{documents:,} docs, {rate:.1f} docs/s", refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def progress_wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


# --- the run ----------------------------------------------------------------------------


def analyze(
    inputs: Iterable[PathLikeStr] | PathLikeStr,
    output: PathLikeStr,
    *,
    fields: FieldNames | None = None,
    model: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    strict: bool = False,
    progress: bool | None = None,
) -> AnalyzeResult:
    """Analyze a corpus into ``output`` (see the module docstring for the files).

    Raises :class:`StrictError` on the first bad record when ``strict``, and
    :class:`AnalyzeError` when the run cannot start. A ``KeyboardInterrupt`` keeps every
    finished part, so that ``resume=True`` continues the run.
    """
    from ._loader import DEFAULT_MAX_LENGTH

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if sum(bool(x) for x in (n_process > 1, workers, scheduler)) > 1:
        raise ValueError("choose one of n_process, workers and scheduler")
    fields = fields or FieldNames()
    spec = PipelineSpec(model)
    settings = {"model": model, "fields": asdict(fields), "batch_size": batch_size,
                "facts_version": FACTS_VERSION, "output_version": OUTPUT_VERSION}
    out = _Output(Path(output), resume=resume, settings=settings)
    stream = RecordStream(inputs, fields=fields, max_chars=DEFAULT_MAX_LENGTH,
                          skip_ids=out.done_ids() if resume else frozenset())
    result = AnalyzeResult(output=str(output), settings=settings)
    loading = time.monotonic()
    engine: _SingleEngine | _ProcessEngine | _DaskEngine
    try:
        if workers or scheduler:
            engine = _DaskEngine(spec, workers=workers, scheduler=scheduler)
        elif n_process > 1:
            engine = _ProcessEngine(spec, n_process, batch_size)
        else:
            engine = _SingleEngine(spec)
    except BaseException:
        out.abandon()
        raise
    result.mode, result.pipeline = engine.mode, engine.pipeline
    result.load_seconds = round(time.monotonic() - loading, 3)
    started, started_cpu = time.monotonic(), time.process_time()
    bar = _Progress(stream, enabled=progress_wanted() if progress is None else progress)
    part = out.new_part()
    outcomes = engine.outcomes(_units(stream, batch_size))
    try:
        for outcome in outcomes:
            if isinstance(outcome, BadRecord):
                result.errors += 1
                part.add_error(outcome)
                if strict:
                    raise StrictError(outcome)
            else:
                record, facts = outcome
                part.add(record, facts)
                result.documents_written += 1
                result.words += int(facts.get("n_tokens") or 0)
            if part.full():
                out.keep(part)
                part = out.new_part()
            bar.update(result.documents_written)
        out.keep(part)
    except BaseException:
        # Whatever stopped the run (Ctrl-C, --strict, a lost cluster), the documents
        # already written stay in a committed part for --resume.
        bar.close()
        try:
            out.keep(part)
        except Exception:  # keep the original error; this part is redone
            part.discard()
        raise
    finally:
        outcomes.close()
        engine.close()
    bar.close()
    result.records_read = stream.records_read
    result.already_written = stream.skipped
    result.seconds = round(time.monotonic() - started, 3)
    result.cpu_seconds = round(time.process_time() - started_cpu, 3)
    out.finish(result)
    return result
