"""Ways of running the pipeline over a stream of records: one process, spaCy's
multiprocessing, Dask. All give the same outcomes in input order."""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from typing import TYPE_CHECKING, Any

from ..corpus import BadRecord
from ..dates import doc_input
from ..types import Facts, Record
from ._base import AnalyzeError, PipelineUnavailable
from .pipeline import (
    PipelineSpec,
    _facts_of,
    analyze_batch,
    cached_pipeline,
    pipeline_id,
    process_records,
    warm_worker,
)

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

_CLIENT_ALIVE = frozenset({"newly-created", "connecting", "running"})


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

        def texts() -> Iterator[Any]:
            for unit in units:
                for item in unit:
                    pending.append(item)
                    if not isinstance(item, BadRecord):
                        # Dated records go in as Docs carrying Doc._.date.
                        yield doc_input(self.nlp, item["text"], item.get("date"))

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

    def _lost(self, err: BaseException) -> AnalyzeError | None:
        """The error to stop with when the cluster itself is gone: a cancelled task means
        the scheduler lost it (a dead worker's tasks are rerun, not cancelled), and a
        closed client reaches nobody. Retrying record by record would only hang."""
        if isinstance(err, CancelledError) or self.client.status not in _CLIENT_ALIVE:
            return AnalyzeError(f"lost the Dask cluster ({err!r}); the documents written "
                                "so far are kept: rerun with --resume")
        return None

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
                lost = self._lost(one_err)
                if lost is not None:
                    raise lost from one_err
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
                lost = self._lost(err)
                if lost is not None:
                    raise lost from err
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
