"""`analyze()`: a corpus through the pipeline into an output folder."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from ..corpus import BadRecord, FieldNames, RecordStream
from ..facts import FACTS_VERSION
from ..types import PathLikeStr
from ._base import DEFAULT_BATCH_SIZE, OUTPUT_VERSION, AnalyzeResult, StrictError
from .engines import _DaskEngine, _ProcessEngine, _SingleEngine, _units
from .output import _Output
from .pipeline import PipelineSpec


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
    profile: str = "default",
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    strict: bool = False,
    progress: bool | None = None,
) -> AnalyzeResult:
    """Analyze a corpus into ``output`` (see the module docstring for the files).

    ``profile`` is ``spacy_framing.load``'s (``"rules"``: no trained models). Raises
    :class:`StrictError` on the first bad record when ``strict``, and
    :class:`AnalyzeError` when the run cannot start. A ``KeyboardInterrupt`` keeps every
    finished part, so that ``resume=True`` continues the run.
    """
    from .._loader import DEFAULT_MAX_LENGTH

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if sum(bool(x) for x in (n_process > 1, workers, scheduler)) > 1:
        raise ValueError("choose one of n_process, workers and scheduler")
    fields = fields or FieldNames()
    spec = PipelineSpec(model, profile)
    settings = {"model": model, "profile": profile, "fields": asdict(fields),
                "batch_size": batch_size, "facts_version": FACTS_VERSION,
                "output_version": OUTPUT_VERSION}
    out = _Output(Path(output), resume=resume, settings=settings)
    result = AnalyzeResult(output=str(output), settings=settings)
    loading = time.monotonic()
    engine: _SingleEngine | _ProcessEngine | _DaskEngine
    try:
        stream = RecordStream(inputs, fields=fields, max_chars=DEFAULT_MAX_LENGTH,
                              skip_ids=out.done_ids() if resume else frozenset())
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
        out.release()
        raise
    finally:
        outcomes.close()
        engine.close()
    bar.close()
    result.records_read = stream.records_read
    result.already_written = stream.skipped
    result.seconds = round(time.monotonic() - started, 3)
    result.cpu_seconds = round(time.process_time() - started_cpu, 3)
    try:
        out.finish(result)
    finally:
        out.release()
    return result
