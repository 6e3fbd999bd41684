"""Inputs -> records: what `framing compare` and `framing analyze` read.

:mod:`.records` turns ``.txt`` articles, ``.jsonl``/``.csv`` record files and folders into
plain record dicts for `framing compare` (every bad record collected, one message each);
:mod:`.stream` reads a corpus one record at a time, in constant memory, for
`framing analyze`. Nothing is ever unpickled or evaluated: JSON, CSV and Parquet only.
"""

from .records import (
    ErrorLedger,
    InputErrors,
    InputItem,
    document_key,
    iter_records,
    read_records,
)
from .stream import BadRecord, FieldNames, RecordStream, id_key

__all__ = [
    "BadRecord",
    "ErrorLedger",
    "FieldNames",
    "InputErrors",
    "InputItem",
    "RecordStream",
    "document_key",
    "id_key",
    "iter_records",
    "read_records",
]
