"""Reading, validating and writing JSONL rule files shared by every rule component.

A rule file holds one JSON object per line. Blank lines and lines starting with ``//``
are skipped so that rule files can carry comments. Every error names the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import srsly

from ..errors import Errors
from ..types import PathLikeStr, Pattern

PACKAGE_DATA = "spacy_framing.data"


class RuleError(ValueError):
    """A rule record that cannot be used; the message names file and line."""


def package_data_path(name: str) -> Path:
    """Path of a file shipped in ``spacy_framing/data``."""
    return Path(str(resources.files(PACKAGE_DATA).joinpath(name)))


def read_rules(
    path: PathLikeStr,
    *,
    required: Iterable[str],
    allowed: Iterable[str],
    labels: Iterable[str] | None = None,
) -> list[Pattern]:
    """Read a JSONL rule file and validate every record's keys (and label, if given)."""
    path = Path(path)
    required_keys = set(required)
    allowed_keys = set(allowed) | required_keys
    label_set = set(labels) if labels is not None else None
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise RuleError(Errors.E004.format(path=path, message=err.strerror or str(err))) from err
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RuleError(Errors.E004.format(path=path, message="not UTF-8 text")) from err
    records: list[Pattern] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        try:
            record = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise RuleError(
                Errors.E001.format(path=path, line=line_no, message=f"invalid JSON ({err.msg})")
            ) from err
        problem = validate_rule(record, required=required_keys, allowed=allowed_keys,
                                labels=label_set)
        if problem:
            raise RuleError(Errors.E001.format(path=path, line=line_no, message=problem))
        records.append(record)
    return records


def validate_rule(
    record: Any,
    *,
    required: set[str],
    allowed: set[str],
    labels: set[str] | None = None,
) -> str | None:
    """Return why ``record`` is not a valid rule, or None when it is."""
    if not isinstance(record, Mapping):
        return f"expected a JSON object, got {type(record).__name__}"
    missing = sorted(required - record.keys())
    if missing:
        return f"missing key(s) {', '.join(missing)}"
    unknown = sorted(record.keys() - allowed)
    if unknown:
        return f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
    if labels is not None and "label" in record and record["label"] not in labels:
        return f"unknown label {record['label']!r}; expected one of {', '.join(sorted(labels))}"
    return None


def check_rules(
    records: Iterable[Any],
    *,
    required: Iterable[str],
    allowed: Iterable[str],
    labels: Iterable[str] | None = None,
    origin: str = "<patterns>",
) -> list[Pattern]:
    """Validate rules given in Python (``add_patterns``); errors name the record's index."""
    required_keys = set(required)
    allowed_keys = set(allowed) | required_keys
    label_set = set(labels) if labels is not None else None
    checked: list[Pattern] = []
    for index, record in enumerate(records):
        problem = validate_rule(record, required=required_keys, allowed=allowed_keys,
                                labels=label_set)
        if problem:
            raise RuleError(Errors.E001.format(path=origin, line=index, message=problem))
        checked.append(dict(record))
    return checked


def write_rules(path: PathLikeStr, records: Iterable[Pattern]) -> None:
    srsly.write_jsonl(path, list(records))
