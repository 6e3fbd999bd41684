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

from ._base import (
    COLLECTOR,
    DEFAULT_BATCH_SIZE,
    ERRORS_FILE,
    OUTPUT_VERSION,
    RUN_FILE,
    TABLES,
    WORK_DIR,
    AnalyzeError,
    AnalyzeResult,
    PipelineUnavailable,
    StrictError,
)
from .pipeline import PipelineSpec, analyze_batch, cached_pipeline, pipeline_id, process_records
from .run import analyze, progress_wanted
from .tables import check_output, iter_facts, resolve_stored_target, schemas

__all__ = [
    "COLLECTOR",
    "DEFAULT_BATCH_SIZE",
    "ERRORS_FILE",
    "OUTPUT_VERSION",
    "RUN_FILE",
    "TABLES",
    "WORK_DIR",
    "AnalyzeError",
    "AnalyzeResult",
    "PipelineSpec",
    "PipelineUnavailable",
    "StrictError",
    "analyze",
    "analyze_batch",
    "cached_pipeline",
    "check_output",
    "iter_facts",
    "pipeline_id",
    "process_records",
    "progress_wanted",
    "resolve_stored_target",
    "schemas",
]
