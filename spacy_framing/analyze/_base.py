"""Names, errors and the result type shared by the analyze modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..corpus import BadRecord

OUTPUT_VERSION = 2
TABLES: tuple[str, ...] = ("documents", "sentences", "spans", "sources")
ERRORS_FILE = "errors.jsonl"
RUN_FILE = "run.json"
WORK_DIR = "_incomplete"
FACTS_KEY = "framing_facts"
COLLECTOR = "framing_analyze_facts"
DEFAULT_BATCH_SIZE = 32


class AnalyzeError(RuntimeError):
    """A run that cannot start or continue (bad output folder, pipeline unavailable)."""


class StrictError(AnalyzeError):
    """A bad record in a ``strict`` run."""

    def __init__(self, bad: BadRecord) -> None:
        self.bad = bad
        super().__init__(f"{bad} (--strict: stopping at the first bad record)")


class PipelineUnavailable(AnalyzeError):
    """The pipeline cannot be loaded where the work runs (e.g. a Dask worker lacks it)."""


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
