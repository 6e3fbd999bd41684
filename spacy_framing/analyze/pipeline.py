"""The pipeline as analyze runs it: loaded once per process, ending in a pipe that
turns each Doc into facts where it was parsed (a spaCy or Dask worker)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..dates import doc_input
from ..facts import doc_facts
from ..types import Facts, Record
from ._base import COLLECTOR, FACTS_KEY, PipelineUnavailable

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

_WARM_UP = ("Officials in Beijing said on Monday that the talks may resume, and critics "
            "warned that the deal was \"a bargaining chip\".\n\n\"Nobody wants a wider "
            "war,\" he told reporters. \"We will certainly respond.\"\n\n\"It is over "
            "for them.\"\n")


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to build the pipeline: hashable, so workers cache by it."""

    model: str | None = None
    profile: str = "default"

    def load(self) -> Language:
        from spacy.language import Language

        from .._loader import load

        try:
            nlp = load(self.model, profile=self.profile)
        except (OSError, ImportError, ValueError) as err:
            raise PipelineUnavailable(f"cannot load the pipeline ({err})") from err
        if COLLECTOR not in Language.factories:  # pragma: no cover - registered at import
            raise PipelineUnavailable(f"component {COLLECTOR!r} is not registered")
        nlp.add_pipe(COLLECTOR, last=True)
        # Components finish loading on their first Doc (lazy imports, matcher caches);
        # doing it here keeps that out of the first batch and of the timings.
        nlp(_WARM_UP)
        return nlp



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
    does not take its batch down with it. A record's ``date`` is its Doc's
    ``Doc._.date``."""
    texts = [doc_input(nlp, record["text"], record.get("date")) for record in records]
    try:
        docs = list(nlp.pipe(texts, batch_size=max(len(texts), 1)))
    except Exception:  # any pipeline error is retried record by record
        docs = None
    if docs is not None and len(docs) == len(records):
        return [_facts_of(doc, record) for doc, record in zip(docs, records, strict=True)]
    results: list[Facts | str] = []
    for record in records:
        try:
            results.append(_facts_of(nlp(doc_input(nlp, record["text"], record.get("date"))),
                                     record))
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

    from .. import __version__

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
